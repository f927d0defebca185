//! GS1 element strings and GS1 Digital Links, read and validated with GS1's
//! own machine-readable rules: the Barcode Syntax Dictionary (a pinned copy
//! in `data/gs1/`, turned into the AI table at build time) and the GS1
//! Digital Link URI syntax.
//!
//! Three spellings are read, all to the same [`Gs1Data`]:
//! - raw, as GS1-128, GS1 DataBar, GS1 DataMatrix and GS1 QR carry it: AIs
//!   and values run together, a variable-length value ended by FNC1, which
//!   decoders transmit as the ASCII GS character 0x1D ([`GS`]);
//! - bracketed, as printed under a barcode or typed:
//!   `(01)05449000039231(10)LOT(17)261231` (a `(` inside a value is written
//!   `\(`, as GS1's Syntax Engine does);
//! - a GS1 Digital Link URI ([`parse_digital_link`]).
//!
//! What is checked, as GS1's Syntax Engine does with its default
//! validations: every AI is one of the dictionary (unknown AIs are refused,
//! in every spelling); each value's length, character set (digits, CSET 82,
//! CSET 39, CSET 64) and content rules (check digits, dates, currencies,
//! countries…, see [`lint`](self) for the few not checked); an AI repeated
//! with another value is refused (an identical repeat, as when two symbols
//! of one label are read together, is kept once); pairs the dictionary
//! forbids (`ex=`) and missing companions it requires (`req=`) are refused.
//!
//! Two-digit years follow the General Specifications' rule (section 7.12),
//! which depends on the current year: the core has no clock, so the caller
//! says what day it is (`today`).

#[cfg(test)]
mod conformance;
mod dictionary;
mod dl;
pub(crate) mod lint;

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::gtin::Gtin;
use crate::product::UnixTime;

pub use dl::{DlProblem, parse_digital_link};

/// FNC1 as decoders transmit it between fields: the ASCII group separator.
pub const GS: char = '\u{1d}';

/// A calendar date (YYYY-MM-DD); GS1 dates on a label and "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Gs1Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Gs1Date {
    /// The UTC day of `t`: where the caller's "today" comes from. A year
    /// is all the century rule needs, so the time zone does not matter.
    pub fn from_unix(t: UnixTime) -> Gs1Date {
        // Days to civil date (proleptic Gregorian), H. Hinnant's algorithm.
        let z = t.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Gs1Date {
            year: year.clamp(1, 9999) as u16,
            month: month as u8,
            day: day as u8,
        }
    }

    /// A label's YYMMDD (already checked by the dictionary's date rule),
    /// the century by GS1's rule relative to `this_year`. Day 00 means the
    /// end of the month, as GS1 allows for some dates.
    fn from_yymmdd(v: &str, this_year: u16) -> Gs1Date {
        let n = |r: std::ops::Range<usize>| v.get(r).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        let year = lint::full_year(n(0..2), this_year);
        let month = n(2..4).clamp(1, 12) as u8;
        let last = lint::days_in_month(year, month);
        let day = match n(4..6) as u8 {
            0 => last,
            d => d.min(last),
        };
        Gs1Date { year, month, day }
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

/// One AI and its value, as GS1 writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub ai: String,
    pub value: String,
}

/// Validated GS1 data: every element in the order read, and the fields
/// Vitrine uses taken from them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gs1Data {
    /// Every AI and value, in the order read (a repeat with the same value
    /// kept once). The fields below are read from these.
    pub elements: Vec<Element>,
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

    /// The value of `ai`, if present.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements.iter().find(|e| e.ai == ai).map(|e| e.value.as_str())
    }

    /// The canonical bracketed element string, `(01)…(10)…`: what GS1
    /// prints under a barcode, and what reads back to the same data.
    pub fn bracketed(&self) -> String {
        let mut s = String::new();
        for e in &self.elements {
            s.push('(');
            s.push_str(&e.ai);
            s.push(')');
            s.push_str(&e.value.replace('(', "\\("));
        }
        s
    }

    /// The raw element string a GS1 symbol carries, FNC1 written as GS
    /// where the dictionary needs one (after a variable-length value that
    /// is not the last).
    pub fn raw(&self) -> String {
        let mut s = String::new();
        for (i, e) in self.elements.iter().enumerate() {
            s.push_str(&e.ai);
            s.push_str(&e.value);
            let fnc1 = dictionary::entry(&e.ai).is_none_or(|d| d.fnc1);
            if fnc1 && i + 1 < self.elements.len() {
                s.push(GS);
            }
        }
        s
    }
}

/// The character set a value's character is outside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Digits only.
    Digits,
    /// GS1 character set 82 (letters, digits and `!"%&'()*+,-./:;<=>?_`).
    Cset82,
    /// GS1 character set 39 (capitals, digits and `#-/`).
    Cset39,
    /// GS1 character set 64 (file-safe base64: letters, digits, `-`, `_`).
    Cset64,
}

/// What is wrong with one AI's value, by the dictionary's rules.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AiProblem {
    #[error("the value is empty")]
    Empty,
    #[error("the value is too short: at least {min} characters")]
    TooShort { min: usize },
    #[error("the value is too long: at most {max} characters")]
    TooLong { max: usize },
    #[error("character {pos} ({ch:?}) is not allowed here ({set:?})")]
    Character { ch: char, pos: usize, set: Charset },
    #[error("the base64 padding is wrong")]
    Base64Padding,
    #[error("the check digit is wrong")]
    CheckDigit,
    #[error("the check character pair is wrong")]
    CheckPair,
    #[error("the value does not start with a GS1 company prefix")]
    CompanyPrefix,
    #[error("the month is not 01 to 12")]
    Month,
    #[error("the day does not exist in that month")]
    Day,
    #[error("the hour is not 00 to 23")]
    Hour,
    #[error("the minute is not 00 to 59")]
    Minute,
    #[error("the second is not 00 to 59")]
    Second,
    #[error("not an ISO 4217 currency code")]
    Currency,
    #[error("not an ISO 3166 country code")]
    Country,
    #[error("the value may not be zero")]
    Zero,
    #[error("the value may not start with 0")]
    ZeroPrefix,
    /// A rarer GS1 rule, named as the dictionary names it.
    #[error("the value breaks GS1's rule \"{rule}\"")]
    Rule { rule: &'static str },
}

/// Why GS1 data was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Gs1Error {
    #[error("the GS1 data is empty")]
    Empty,
    #[error("GS1 data in brackets reads (AI)value(AI)value…; it breaks at \"{at}\"")]
    Brackets { at: String },
    #[error("({ai}) is not a GS1 application identifier")]
    UnknownAi { ai: String },
    #[error("no GS1 application identifier starts \"{at}\"")]
    NoAiAt { at: String },
    #[error("AI ({ai}): {problem}")]
    Value { ai: String, problem: AiProblem },
    #[error("AI ({ai}) is there twice with different values")]
    Repeated { ai: String },
    #[error("AI ({ai}) needs {} beside it", .required.join(" or "))]
    Requires { ai: String, required: Vec<String> },
    #[error("AI ({ai}) may not be used with AI ({other})")]
    Excludes { ai: String, other: String },
    #[error("AI ({ai}) must carry its serial part when signed (AI 8030)")]
    Unserialised { ai: String },
    #[error("GS1 Digital Link: {0}")]
    DigitalLink(DlProblem),
}

fn value_err(ai: &str, problem: AiProblem) -> Gs1Error {
    Gs1Error::Value {
        ai: ai.to_string(),
        problem,
    }
}

/// Checks `data` (an AI's value, or what follows the AI in raw data up to
/// the next GS) component by component; returns how much of it the AI's
/// value is.
fn check_value(entry: &dictionary::Entry, data: &str, this_year: u16) -> Result<usize, Gs1Error> {
    use dictionary::Cset;
    if data.is_empty() {
        return Err(value_err(entry.ai, AiProblem::Empty));
    }
    let mut at = 0;
    for part in entry.parts {
        let rest = &data[at..];
        // Stop at a character boundary: a multi-byte character is outside
        // every GS1 character set and is reported by the set's check.
        let mut len = rest.len().min(usize::from(part.max));
        while !rest.is_char_boundary(len) {
            len -= 1;
        }
        if part.optional && len == 0 {
            continue;
        }
        if len < usize::from(part.min) {
            return Err(value_err(entry.ai, AiProblem::TooShort { min: entry.min_len() }));
        }
        let comp = &rest[..len];
        let set = match part.cset {
            Cset::N => Charset::Digits,
            Cset::X => Charset::Cset82,
            Cset::Y => Charset::Cset39,
            Cset::Z => Charset::Cset64,
        };
        lint::charset(set, comp, data[..at].chars().count()).map_err(|p| value_err(entry.ai, p))?;
        for l in part.lints {
            l.check(comp, this_year).map_err(|p| value_err(entry.ai, p))?;
        }
        at += len;
    }
    Ok(at)
}

/// A value whose extent is known (bracketed, Digital Link): its length,
/// then its components.
fn check_whole_value(entry: &dictionary::Entry, value: &str, this_year: u16) -> Result<(), Gs1Error> {
    if value.is_empty() {
        return Err(value_err(entry.ai, AiProblem::Empty));
    }
    let chars = value.chars().count();
    if chars < entry.min_len() {
        return Err(value_err(entry.ai, AiProblem::TooShort { min: entry.min_len() }));
    }
    if chars > entry.max_len() {
        return Err(value_err(entry.ai, AiProblem::TooLong { max: entry.max_len() }));
    }
    let used = check_value(entry, value, this_year)?;
    if used < value.len() {
        return Err(value_err(entry.ai, AiProblem::TooLong { max: entry.max_len() }));
    }
    Ok(())
}

/// Parses a raw or bracketed element string (without symbology identifier
/// or leading FNC1) and validates it. `today` places two-digit years.
pub fn parse_element_string(s: &str, today: Gs1Date) -> Result<Gs1Data, Gs1Error> {
    gather(each_ai(s, today)?, today)
}

/// The AIs of an element string, each checked on its own (not yet
/// together).
type Pairs = Vec<(&'static dictionary::Entry, String)>;

fn each_ai(s: &str, today: Gs1Date) -> Result<Pairs, Gs1Error> {
    if s.starts_with('(') {
        bracketed_pairs(s, today)
    } else {
        raw_pairs(s, today)
    }
}

fn raw_pairs(s: &str, today: Gs1Date) -> Result<Pairs, Gs1Error> {
    let mut rest = s;
    if rest.is_empty() {
        return Err(Gs1Error::Empty);
    }
    let mut pairs = Vec::new();
    while !rest.is_empty() {
        let entry = dictionary::entry_at(rest).ok_or_else(|| Gs1Error::NoAiAt {
            at: rest.chars().take(6).collect::<String>().replace(GS, "<GS>"),
        })?;
        let after = &rest[entry.ai.len()..];
        let end = after.find(GS).unwrap_or(after.len());
        let used = check_value(entry, &after[..end], today.year)?;
        if entry.fnc1 && used < end {
            return Err(value_err(entry.ai, AiProblem::TooLong { max: entry.max_len() }));
        }
        pairs.push((entry, after[..used].to_string()));
        rest = &after[used..];
        rest = rest.strip_prefix(GS).unwrap_or(rest);
    }
    Ok(pairs)
}

fn bracketed_pairs(s: &str, today: Gs1Date) -> Result<Pairs, Gs1Error> {
    let broken = |at: &str| Gs1Error::Brackets {
        at: at.chars().take(8).collect(),
    };
    let mut pairs = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('(').ok_or_else(|| broken(rest))?;
        let close = inner.find(')').ok_or_else(|| broken(rest))?;
        let ai = &inner[..close];
        if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|b| b.is_ascii_digit()) {
            return Err(broken(rest));
        }
        let entry = dictionary::entry(ai).ok_or_else(|| Gs1Error::UnknownAi { ai: ai.to_string() })?;
        // The value runs to the next "(" that is not escaped as "\(".
        let mut value = String::new();
        let mut after = &inner[close + 1..];
        loop {
            match after.find('(') {
                Some(i) if after[..i].ends_with('\\') => {
                    value.push_str(&after[..i - 1]);
                    value.push('(');
                    after = &after[i + 1..];
                }
                Some(i) => {
                    value.push_str(&after[..i]);
                    after = &after[i..];
                    break;
                }
                None => {
                    value.push_str(after);
                    after = "";
                    break;
                }
            }
        }
        check_whole_value(entry, &value, today.year)?;
        pairs.push((entry, value));
        rest = after;
    }
    if pairs.is_empty() {
        return Err(Gs1Error::Empty);
    }
    Ok(pairs)
}

/// Checks the AIs together (exclusions, requisites, repeats, signed keys,
/// in the Syntax Engine's order) and reads the fields Vitrine uses.
fn gather(pairs: Pairs, today: Gs1Date) -> Result<Gs1Data, Gs1Error> {
    let present = |pattern: &str, except: &str| {
        pairs
            .iter()
            .find(|(e, _)| e.ai != except && dictionary::matches(pattern, e.ai))
            .map(|(e, _)| e.ai)
    };
    for (e, _) in &pairs {
        for pattern in e.ex {
            if let Some(other) = present(pattern, e.ai) {
                return Err(Gs1Error::Excludes {
                    ai: e.ai.to_string(),
                    other: other.to_string(),
                });
            }
        }
    }
    for (e, _) in &pairs {
        for alternatives in e.req {
            let satisfied = alternatives
                .iter()
                .any(|group| group.iter().all(|p| present(p, e.ai).is_some()));
            if !satisfied {
                return Err(Gs1Error::Requires {
                    ai: e.ai.to_string(),
                    required: alternatives.iter().map(|g| g.join("+")).collect(),
                });
            }
        }
    }
    for (i, (e, v)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(e2, v2)| e2.ai == e.ai && v2 != v) {
            return Err(Gs1Error::Repeated { ai: e.ai.to_string() });
        }
    }
    if present("8030", "").is_some() {
        for (e, v) in &pairs {
            if matches!(e.ai, "253" | "255" | "8003") && v.len() == e.min_len() {
                return Err(Gs1Error::Unserialised { ai: e.ai.to_string() });
            }
        }
    }
    let mut d = Gs1Data::default();
    for (e, v) in pairs {
        if d.elements.iter().any(|x| x.ai == e.ai) {
            continue; // an identical repeat
        }
        read_field(&mut d, e.ai, &v, today);
        d.elements.push(Element {
            ai: e.ai.to_string(),
            value: v,
        });
    }
    Ok(d)
}

fn read_field(d: &mut Gs1Data, ai: &str, v: &str, today: Gs1Date) {
    let digit = |i: usize| ai.as_bytes().get(i).map_or(0, |b| b - b'0');
    match ai {
        // Check digits are verified by the dictionary's rule already.
        "01" => d.gtin = Gtin::from_gtin14(v).ok(),
        "02" => d.content = Gtin::from_gtin14(v).ok(),
        "10" => d.lot = Some(v.to_string()),
        "21" => d.serial = Some(v.to_string()),
        "15" => d.best_before = Some(Gs1Date::from_yymmdd(v, today.year)),
        "17" => d.expiry = Some(Gs1Date::from_yymmdd(v, today.year)),
        a if a.len() == 4 && a.starts_with('3') && (b'1'..=b'6').contains(&a.as_bytes()[1]) => {
            d.measures.push(Measure {
                ai: a[..3].parse().unwrap_or(0),
                value: v.parse().unwrap_or(0),
                decimals: digit(3),
            });
        }
        a if a.starts_with("392") || a.starts_with("393") => {
            let (iso, amount) = if a.starts_with("393") {
                (v.get(..3).and_then(|c| c.parse().ok()), v.get(3..).unwrap_or(""))
            } else {
                (None, v)
            };
            if let Ok(value) = amount.parse() {
                d.price = Some(Gs1Price {
                    value,
                    decimals: digit(3),
                    iso_numeric: iso,
                });
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Gs1Date = Gs1Date {
        year: 2026,
        month: 12,
        day: 3,
    };

    fn parse(s: &str) -> Result<Gs1Data, Gs1Error> {
        parse_element_string(s, TODAY)
    }

    #[test]
    fn raw_with_gs_separators() {
        let d = parse("010544900003923121SER1\u{1d}10LOT\u{1d}3103001500").unwrap();
        assert_eq!(d.gtin.unwrap().as_gtin14(), "05449000039231");
        assert_eq!(d.serial.as_deref(), Some("SER1"));
        assert_eq!(d.lot.as_deref(), Some("LOT"));
        assert_eq!(d.net_weight_grams(), Some(1500));
        assert_eq!(d.raw(), "010544900003923121SER1\u{1d}10LOT\u{1d}3103001500");
        assert_eq!(d.bracketed(), "(01)05449000039231(21)SER1(10)LOT(3103)001500");
    }

    #[test]
    fn fixed_then_variable_and_end_of_month() {
        let d = parse("01054490000392311726123110ABC").unwrap();
        assert_eq!(d.expiry.unwrap().to_string(), "2026-12-31");
        assert_eq!(d.lot.as_deref(), Some("ABC"));
        let d = parse("(01)05449000039231(15)280200").unwrap();
        assert_eq!(d.best_before.unwrap().to_string(), "2028-02-29");
    }

    #[test]
    fn two_digit_years_follow_the_century_rule() {
        let d = parse("(01)05449000039231(17)751231").unwrap();
        assert_eq!(d.expiry.unwrap().to_string(), "2075-12-31");
        let d = parse("(01)05449000039231(17)771231").unwrap();
        assert_eq!(d.expiry.unwrap().to_string(), "1977-12-31");
        // 2000 is a leap year, 2100 is not: the century decides 29 February.
        let in_2095 = Gs1Date { year: 2095, ..TODAY };
        assert!(parse_element_string("(01)05449000039231(17)000229", TODAY).is_ok());
        assert_eq!(
            parse_element_string("(01)05449000039231(17)000229", in_2095),
            Err(value_err("17", AiProblem::Day))
        );
    }

    #[test]
    fn prices_and_pounds() {
        // A GS after the last value ends it, as in the Syntax Engine.
        let d = parse("0105449000039231310300075039220123\u{1d}").unwrap();
        assert_eq!(d.price.unwrap().to_minor(2), Some(123));
        let d = parse("010544900003923131030007503922012").unwrap();
        assert_eq!(d.price.unwrap().to_minor(2), Some(12));
        let d = parse("(01)05449000039231(3103)000750(3933)9781234").unwrap();
        let p = d.price.unwrap();
        assert_eq!(p.iso_numeric, Some(978));
        assert_eq!(p.to_minor(2), Some(123)); // 1.234 EUR -> 1.23 EUR, truncated
        let d = parse("01054490000392313202000100").unwrap();
        assert_eq!(d.net_weight_grams(), Some(454)); // 1.00 lb
    }

    #[test]
    fn typed_errors_name_the_ai_and_the_rule() {
        assert_eq!(
            parse("01054490000392311713"),
            Err(value_err("17", AiProblem::TooShort { min: 6 }))
        );
        assert_eq!(parse("0105449000039231(9"), Err(Gs1Error::NoAiAt { at: "(9".into() }));
        assert_eq!(
            parse("(01)05449000039231(89)X"),
            Err(Gs1Error::UnknownAi { ai: "89".into() })
        );
        assert_eq!(
            parse("(01)05449000039231(3103)12a456"),
            Err(value_err(
                "3103",
                AiProblem::Character {
                    ch: 'a',
                    pos: 3,
                    set: Charset::Digits
                }
            ))
        );
        assert_eq!(
            parse("(01)0544900003923"),
            Err(value_err("01", AiProblem::TooShort { min: 14 }))
        );
        assert_eq!(parse("(01)05449000039231(10)"), Err(value_err("10", AiProblem::Empty)));
        assert_eq!(
            parse("(01)05449000039231(17)261232"),
            Err(value_err("17", AiProblem::Day))
        );
        assert_eq!(parse("(01)05449000039232"), Err(value_err("01", AiProblem::CheckDigit)));
        assert_eq!(
            parse("(01)05449000039231(10)AB C"),
            Err(value_err(
                "10",
                AiProblem::Character {
                    ch: ' ',
                    pos: 3,
                    set: Charset::Cset82
                }
            ))
        );
        assert_eq!(
            parse("(10)A"),
            Err(Gs1Error::Requires {
                ai: "10".into(),
                required: vec!["01".into(), "02".into(), "03".into(), "8006".into(), "8026".into()]
            })
        );
        assert_eq!(
            parse("(01)05449000039231(3922)0001").unwrap_err().to_string(),
            "AI (3922) needs 01+30 or 01+31nn or 01+32nn or 01+35nn or 01+36nn beside it"
        );
        assert_eq!(
            parse("(01)05449000039231(3103)000750(3102)007500"),
            Err(Gs1Error::Excludes {
                ai: "3103".into(),
                other: "3102".into()
            })
        );
        assert_eq!(
            parse("(01)05449000039231(10)A(10)B"),
            Err(Gs1Error::Repeated { ai: "10".into() })
        );
    }

    #[test]
    fn identical_repeats_are_kept_once() {
        let d = parse("(01)05449000039231(10)A(01)05449000039231(10)A").unwrap();
        assert_eq!(d.bracketed(), "(01)05449000039231(10)A");
    }

    #[test]
    fn escaped_brackets_in_values() {
        let d = parse("(01)05449000039231(10)A\\(B").unwrap();
        assert_eq!(d.lot.as_deref(), Some("A(B"));
        assert_eq!(d.bracketed(), "(01)05449000039231(10)A\\(B");
        assert_eq!(parse(&d.bracketed()).unwrap(), d);
        assert_eq!(parse(&d.raw()).unwrap(), d);
    }

    #[test]
    fn today_from_unix_time() {
        assert_eq!(Gs1Date::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(Gs1Date::from_unix(1_795_442_700).to_string(), "2026-11-23");
        assert_eq!(Gs1Date::from_unix(951_782_400).to_string(), "2000-02-29");
        assert_eq!(Gs1Date::from_unix(-86_400).to_string(), "1969-12-31");
        assert_eq!(Gs1Date::from_unix(i64::MAX / 2).year, 9999);
    }
}
