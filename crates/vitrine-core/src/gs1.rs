//! GS1 element strings: application identifiers (AIs) and their values.
//!
//! Two spellings are read: the raw form carried by GS1-128, GS1 DataMatrix and
//! GS1 QR (AIs and values run together, a variable-length value ended by FNC1,
//! transmitted as the ASCII GS character 0x1D), and the human-readable form
//! with the AIs in brackets, `(01)05449000039231(10)LOT(17)261231`.
//!
//! The AI table covers the identifiers found on consumer goods. In the raw
//! form an unknown AI cannot be skipped (its length is unknown), so it is an
//! error; in the bracketed form and in Digital Links it is kept in
//! [`Gs1Data::other`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::CodeError;
use crate::gtin::Gtin;

const GS: char = '\u{1d}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Len {
    Fixed(usize),
    Max(usize),
}

#[derive(Debug, Clone, Copy)]
struct AiSpec {
    ai: &'static str,
    len: Len,
    numeric: bool,
}

const fn fixed(ai: &'static str, n: usize) -> AiSpec {
    AiSpec {
        ai,
        len: Len::Fixed(n),
        numeric: true,
    }
}
const fn var_num(ai: &'static str, n: usize) -> AiSpec {
    AiSpec {
        ai,
        len: Len::Max(n),
        numeric: true,
    }
}
const fn var_alnum(ai: &'static str, n: usize) -> AiSpec {
    AiSpec {
        ai,
        len: Len::Max(n),
        numeric: false,
    }
}

/// AIs without their decimal-position digit (31nn-36nn, 39nn) are expanded by
/// [`spec_for`].
static AIS: &[AiSpec] = &[
    fixed("00", 18),
    fixed("01", 14),
    fixed("02", 14),
    var_alnum("10", 20),
    fixed("11", 6),
    fixed("12", 6),
    fixed("13", 6),
    fixed("15", 6),
    fixed("16", 6),
    fixed("17", 6),
    fixed("20", 2),
    var_alnum("21", 20),
    var_alnum("22", 20),
    var_alnum("235", 28),
    var_alnum("240", 30),
    var_alnum("241", 30),
    var_num("242", 6),
    var_alnum("250", 30),
    var_alnum("251", 30),
    var_alnum("253", 30),
    var_alnum("254", 20),
    var_alnum("255", 25),
    var_num("30", 8),
    var_num("37", 8),
    var_alnum("400", 30),
    var_alnum("401", 30),
    fixed("402", 17),
    var_alnum("403", 30),
    fixed("410", 13),
    fixed("411", 13),
    fixed("412", 13),
    fixed("413", 13),
    fixed("414", 13),
    fixed("415", 13),
    fixed("416", 13),
    fixed("417", 13),
    var_alnum("420", 20),
    var_alnum("421", 12),
    fixed("422", 3),
    var_alnum("4300", 35),
    fixed("7003", 10),
    fixed("8005", 6),
    var_num("8008", 12),
    var_alnum("8020", 25),
    var_alnum("90", 30),
];

fn spec_for(ai: &str) -> Option<AiSpec> {
    if let Some(s) = AIS.iter().find(|s| s.ai == ai) {
        return Some(*s);
    }
    let b = ai.as_bytes();
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
        let head = &ai[..3];
        // Trade measures 310n-369n: six digits, n decimals.
        if (b'1'..=b'6').contains(&b[1]) && b[0] == b'3' {
            return Some(AiSpec {
                ai: "3xxn",
                len: Len::Fixed(6),
                numeric: true,
            });
        }
        return match head {
            "390" | "392" => Some(var_num("39xn", 15)),
            "391" | "393" => Some(var_num("39xn", 18)),
            "394" => Some(fixed("394n", 4)),
            "395" => Some(fixed("395n", 6)),
            _ => None,
        };
    }
    if b.len() == 2 && b[0] == b'9' && b[1].is_ascii_digit() {
        return Some(var_alnum("9x", 90));
    }
    None
}

/// Finds the AI at the start of `s` (2, 3 or 4 digits, by the GS1 table).
fn ai_at(s: &str) -> Option<(String, AiSpec)> {
    for n in [2, 3, 4] {
        let ai = s.get(..n)?;
        if !ai.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(spec) = spec_for(ai) {
            return Some((ai.to_string(), spec));
        }
    }
    None
}

/// A GS1 date (YYMMDD). Day 00 means "end of the month", as GS1 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Gs1Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Gs1Date {
    /// Parses YYMMDD. The century follows GS1's rule in spirit with a fixed
    /// window (Vitrine's core has no clock): YY 00–69 are 2000–2069, 70–99 are
    /// 1970–1999, which is right for every date on goods sold this century.
    fn parse(ai: &str, v: &str) -> Result<Gs1Date, CodeError> {
        let n = |r: std::ops::Range<usize>| v[r].parse::<u8>().unwrap_or(0);
        let (yy, month, day) = (n(0..2), n(2..4), n(4..6));
        if !(1..=12).contains(&month) {
            return Err(ai_err(ai, format!("month {month:02} in date {v} is not 01 to 12")));
        }
        let year = if yy < 70 {
            2000 + u16::from(yy)
        } else {
            1900 + u16::from(yy)
        };
        let last = days_in_month(year, month);
        if day > last {
            return Err(ai_err(
                ai,
                format!("day {day:02} in date {v} is past the end of the month"),
            ));
        }
        let day = if day == 0 { last } else { day };
        Ok(Gs1Date { year, month, day })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Gs1Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A trade measure from AIs 310n–369n: `value` with `decimals` decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// The AI's first three digits (310 = net weight kg, 320 = net weight lb, …).
    pub ai: u16,
    pub value: u32,
    pub decimals: u8,
}

/// A price from AI 392n (local currency) or 393n (ISO 4217 numeric code given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gs1Price {
    pub value: u64,
    pub decimals: u8,
    pub iso_numeric: Option<u16>,
}

impl Gs1Price {
    /// The price in minor units of a currency with `exponent` decimals
    /// (truncated past the currency's precision, which GS1 never uses).
    pub fn to_minor(&self, exponent: u8) -> Option<i64> {
        let v = i64::try_from(self.value).ok()?;
        if self.decimals <= exponent {
            v.checked_mul(10i64.checked_pow(u32::from(exponent - self.decimals))?)
        } else {
            Some(v / 10i64.checked_pow(u32::from(self.decimals - exponent))?)
        }
    }
}

/// The data a GS1 code carries besides (or with) its GTIN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gs1Data {
    /// AI 01.
    pub gtin: Option<Gtin>,
    /// AI 02 (GTIN of the contained trade items).
    pub content: Option<Gtin>,
    /// AI 10.
    pub lot: Option<String>,
    /// AI 21.
    pub serial: Option<String>,
    /// AI 15.
    pub best_before: Option<Gs1Date>,
    /// AI 17.
    pub expiry: Option<Gs1Date>,
    /// AIs 310n–369n.
    pub measures: Vec<Measure>,
    /// AIs 392n / 393n.
    pub price: Option<Gs1Price>,
    /// Every other AI, as (AI, value), in order.
    pub other: Vec<(String, String)>,
}

impl Gs1Data {
    /// Net weight in grams from AI 310n (kg) or 320n (lb), rounded to the gram.
    pub fn net_weight_grams(&self) -> Option<u64> {
        self.measures.iter().find_map(|m| {
            let scale = 10u64.pow(u32::from(m.decimals));
            match m.ai {
                310 => Some((u64::from(m.value) * 1000 + scale / 2) / scale),
                // 1 lb = 453.59237 g exactly.
                320 => Some((u64::from(m.value) * 45_359_237 / 100_000 + scale / 2) / scale),
                _ => None,
            }
        })
    }
}

fn ai_err(ai: &str, reason: impl Into<String>) -> CodeError {
    CodeError::AiValue {
        ai: ai.to_string(),
        reason: reason.into(),
    }
}

/// Parses a raw or bracketed element string (without symbology identifier).
pub fn parse_element_string(s: &str) -> Result<Gs1Data, CodeError> {
    if s.starts_with('(') {
        return parse_bracketed(s);
    }
    let mut pairs = Vec::new();
    let mut rest = s.trim_start_matches(GS);
    while !rest.is_empty() {
        let (ai, spec) = ai_at(rest).ok_or_else(|| CodeError::UnknownAi {
            at: rest.chars().take(6).collect::<String>().replace(GS, "<GS>"),
        })?;
        rest = &rest[ai.len()..];
        let value = match spec.len {
            Len::Fixed(n) => {
                let v = rest
                    .get(..n)
                    .filter(|v| !v.contains(GS))
                    .ok_or_else(|| ai_err(&ai, format!("needs {n} characters, the code ends or breaks before")))?;
                rest = &rest[n..];
                v
            }
            Len::Max(_) => {
                let end = rest.find(GS).unwrap_or(rest.len());
                let v = &rest[..end];
                rest = &rest[end..];
                v
            }
        };
        rest = rest.strip_prefix(GS).unwrap_or(rest);
        pairs.push((ai, value.to_string()));
    }
    from_pairs(&pairs, false)
}

fn parse_bracketed(s: &str) -> Result<Gs1Data, CodeError> {
    let mut pairs = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('(').ok_or_else(|| CodeError::UnknownAi {
            at: rest.chars().take(6).collect(),
        })?;
        let close = inner.find(')').ok_or_else(|| CodeError::UnknownAi {
            at: rest.chars().take(6).collect(),
        })?;
        let ai = &inner[..close];
        let after = &inner[close + 1..];
        let end = after.find('(').unwrap_or(after.len());
        pairs.push((ai.to_string(), after[..end].to_string()));
        rest = &after[end..];
    }
    from_pairs(&pairs, true)
}

/// Validates (AI, value) pairs and gathers them. `lenient` keeps unknown AIs
/// (their extent is known from the spelling) instead of refusing them.
pub(crate) fn from_pairs(pairs: &[(String, String)], lenient: bool) -> Result<Gs1Data, CodeError> {
    let mut d = Gs1Data::default();
    for (ai, value) in pairs {
        let Some(spec) = spec_for(ai).filter(|_| ai.bytes().all(|b| b.is_ascii_digit())) else {
            if lenient && !ai.is_empty() && ai.len() <= 4 && ai.bytes().all(|b| b.is_ascii_digit()) {
                d.other.push((ai.clone(), value.clone()));
                continue;
            }
            return Err(CodeError::UnknownAi { at: ai.clone() });
        };
        match spec.len {
            Len::Fixed(n) if value.len() != n => {
                return Err(ai_err(ai, format!("needs exactly {n} characters, got {}", value.len())));
            }
            Len::Max(n) if value.is_empty() || value.len() > n => {
                return Err(ai_err(ai, format!("needs 1 to {n} characters, got {}", value.len())));
            }
            _ => {}
        }
        if spec.numeric && !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ai_err(ai, format!("\"{value}\" must be digits only")));
        }
        if !spec.numeric && value.chars().any(|c| c.is_control()) {
            return Err(ai_err(ai, "contains a control character"));
        }
        match ai.as_str() {
            "01" => d.gtin = Some(Gtin::from_gtin14(value)?),
            "02" => d.content = Some(Gtin::from_gtin14(value)?),
            "10" => d.lot = Some(value.clone()),
            "21" => d.serial = Some(value.clone()),
            "15" => d.best_before = Some(Gs1Date::parse(ai, value)?),
            "17" => d.expiry = Some(Gs1Date::parse(ai, value)?),
            "11" | "12" | "13" | "16" => {
                Gs1Date::parse(ai, value)?;
                d.other.push((ai.clone(), value.clone()));
            }
            a if a.len() == 4 && a.starts_with('3') && (b'1'..=b'6').contains(&a.as_bytes()[1]) => {
                let decimals = a.as_bytes()[3] - b'0';
                if decimals > 5 {
                    return Err(ai_err(ai, "the decimal position must be 0 to 5"));
                }
                d.measures.push(Measure {
                    ai: a[..3].parse().unwrap_or(0),
                    value: value.parse().unwrap_or(0),
                    decimals,
                });
            }
            a if a.starts_with("392") || a.starts_with("393") => {
                let decimals = a.as_bytes()[3] - b'0';
                let (iso, amount) = if a.starts_with("393") {
                    if value.len() < 4 {
                        return Err(ai_err(ai, "needs a 3-digit currency code and an amount"));
                    }
                    (Some(value[..3].parse().unwrap_or(0)), &value[3..])
                } else {
                    (None, value.as_str())
                };
                let parsed = amount.parse().map_err(|_| ai_err(ai, "the amount is too large"))?;
                d.price = Some(Gs1Price {
                    value: parsed,
                    decimals,
                    iso_numeric: iso,
                });
            }
            _ => d.other.push((ai.clone(), value.clone())),
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_with_gs_separators() {
        let d = parse_element_string("010544900003923121SER1\u{1d}10LOT\u{1d}3103001500").unwrap();
        assert_eq!(d.gtin.unwrap().as_gtin14(), "05449000039231");
        assert_eq!(d.serial.as_deref(), Some("SER1"));
        assert_eq!(d.lot.as_deref(), Some("LOT"));
        assert_eq!(d.net_weight_grams(), Some(1500));
    }

    #[test]
    fn leading_fnc1_and_fixed_then_variable() {
        let d = parse_element_string("\u{1d}01054490000392311726123110ABC").unwrap();
        assert_eq!(d.expiry.unwrap().to_string(), "2026-12-31");
        assert_eq!(d.lot.as_deref(), Some("ABC"));
    }

    #[test]
    fn day_zero_is_end_of_month() {
        let d = parse_element_string("(01)05449000039231(15)280200").unwrap();
        assert_eq!(d.best_before.unwrap().to_string(), "2028-02-29");
    }

    #[test]
    fn prices_and_pounds() {
        let d = parse_element_string("0105449000039231392201234").unwrap();
        assert_eq!(d.price.unwrap().to_minor(2), Some(1234));
        let d = parse_element_string("0105449000039231393397801234").unwrap();
        let p = d.price.unwrap();
        assert_eq!(p.iso_numeric, Some(978));
        assert_eq!(p.to_minor(2), Some(123)); // 1.234 EUR -> 1.23 EUR, truncated
        let d = parse_element_string("01054490000392313202000100").unwrap();
        assert_eq!(d.net_weight_grams(), Some(454)); // 1.00 lb
    }

    #[test]
    fn errors_name_the_ai() {
        let e = parse_element_string("01054490000392311713").unwrap_err();
        assert!(e.to_string().contains("(17)"), "{e}");
        let e = parse_element_string("0105449000039231(9").unwrap_err();
        assert!(matches!(e, CodeError::UnknownAi { .. }));
        let e = parse_element_string("0105449000039231991234").unwrap();
        assert_eq!(e.other, vec![("99".to_string(), "1234".to_string())]);
        let e = parse_element_string("(01)05449000039231(3103)12a456").unwrap_err();
        assert!(e.to_string().contains("digits only"), "{e}");
        let e = parse_element_string("(01)0544900003923").unwrap_err();
        assert!(e.to_string().contains("exactly 14"), "{e}");
        let e = parse_element_string("(01)05449000039231(10)").unwrap_err();
        assert!(e.to_string().contains("1 to 20"), "{e}");
        let e = parse_element_string("(01)05449000039231(17)261232").unwrap_err();
        assert!(e.to_string().contains("past the end"), "{e}");
    }

    #[test]
    fn bracketed_keeps_unknown_ais() {
        let d = parse_element_string("(01)05449000039231(7240)XYZ").unwrap();
        assert_eq!(d.other, vec![("7240".to_string(), "XYZ".to_string())]);
    }
}
