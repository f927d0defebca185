//! Every code a shopper can present, parsed to a [`ProductCode`] whose GTIN is
//! normalised to GTIN-14 with its check digit verified.
//!
//! Accepted forms:
//! - EAN-8, UPC-E (expanded to UPC-A), UPC-A, EAN-13, ISBN-13, ISBN-10 (converted
//!   to ISBN-13) and GTIN-14, typed with or without spaces and hyphens;
//! - GS1 element strings, validated with GS1's Barcode Syntax Dictionary (see
//!   [`crate::gs1`]), in every way a symbol or a scanner gives them: with an
//!   AIM symbology identifier (`]C1` GS1-128, `]e0` GS1 DataBar, `]d2` GS1
//!   DataMatrix, `]Q3` GS1 QR, `]J1` GS1 DotCode), with a leading FNC1 (GS),
//!   with neither (a USB scanner's plain `0105449000039231…`), with GS or the
//!   scanner's configured replacement character between fields
//!   ([`CodeContext::gs1_separator`]), or in the bracketed form typed at a
//!   keyboard, `(01)…(10)…`;
//! - GS1 Digital Link URIs on any host
//!   (`https://id.gs1.org/01/05449000039231/10/LOT?17=261231`), by the Digital
//!   Link URI syntax: numeric keys only, qualifiers in GS1's order;
//! - in-store variable-measure codes (EAN-13 prefixes 02 and 20–29), which give
//!   the item's GTIN plus the price or weight printed into the label (see
//!   [`VariableMeasureRules`]).
//!
//! An 8-digit code starting with 0 or 1 can be an EAN-8 or a UPC-E. A decoder
//! knows which symbol it read and passes a [`Symbology`] hint; typed digits
//! without a hint are read as whichever form has a valid check digit, and when
//! both have one, [`ProductCode::alternative`] carries the second reading so
//! the catalog can try both.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::gs1::{self, DlProblem, GS, Gs1Data, Gs1Date, Gs1Error};
use crate::gtin::{self, Gtin};

/// Why a code was refused. The variants are typed reasons; the words a
/// shopper or an employee reads come from the message catalogue (crate
/// `vitrine-i18n`), the English here is for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("no code was given: scan a barcode or type the digits printed under it")]
    Empty,
    #[error("'{ch}' at position {} is not a digit: a barcode number has only digits", .pos + 1)]
    InvalidCharacter { ch: char, pos: usize },
    #[error(
        "a product barcode has 8, 12, 13 or 14 digits; this one has {len}: check that no digit is missing or extra"
    )]
    BadLength { len: usize },
    #[error("check digit should be {expected}, not {found} ({code})")]
    CheckDigit { code: String, expected: u8, found: u8 },
    #[error("check digit should be {ean8} (read as EAN-8) or {upce} (read as UPC-E), not {found} ({code})")]
    CheckDigit8 {
        code: String,
        ean8: u8,
        upce: u8,
        found: u8,
    },
    #[error("ISBN-10 check character should be {expected}, not {found} ({code})")]
    Isbn10CheckDigit { code: String, expected: char, found: char },
    #[error("{code} is not a UPC-E code: a UPC-E starts with 0 or 1")]
    NotUpcE { code: String },
    /// GS1 data (element string or Digital Link) that breaks GS1's rules.
    #[error(transparent)]
    Gs1(#[from] Gs1Error),
    #[error("this GS1 code carries no GTIN (AI 01 or 02), so it does not name a product")]
    MissingGtin,
    #[error("this code is not a product barcode ({what})")]
    NotAProductCode { what: String },
}

/// The symbol a decoder read, when it knows. Typed input has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Symbology {
    Ean13,
    Ean8,
    UpcA,
    UpcE,
    Qr,
    DataMatrix,
    Code128,
    DataBar,
    Other,
}

impl Symbology {
    /// The name printed by `vitrine scan` and in logs.
    pub fn name(self) -> &'static str {
        match self {
            Symbology::Ean13 => "EAN-13",
            Symbology::Ean8 => "EAN-8",
            Symbology::UpcA => "UPC-A",
            Symbology::UpcE => "UPC-E",
            Symbology::Qr => "QR",
            Symbology::DataMatrix => "DataMatrix",
            Symbology::Code128 => "Code128",
            Symbology::DataBar => "DataBar",
            Symbology::Other => "Other",
        }
    }
}

/// Which printed form the GTIN came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeForm {
    Ean8,
    UpcE,
    UpcA,
    Ean13,
    Isbn13,
    Isbn10,
    Gtin14,
    Gs1ElementString,
    DigitalLink,
}

/// What a variable-measure label carries besides the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Embedded {
    /// The price of this pack, in minor units of the store's currency.
    Price { amount_minor: i64 },
    /// The net weight of this pack, in grams.
    Weight { grams: u32 },
}

/// A variable-measure label: the item is [`ProductCode::gtin`], the label's
/// own digits and embedded value are kept here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableMeasure {
    pub label: String,
    pub embedded: Embedded,
}

/// A parsed product code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCode {
    /// The trade item, as GTIN-14.
    pub gtin: Gtin,
    /// A second reading of the same digits, for 8-digit codes valid both as
    /// EAN-8 and as UPC-E; `gtin` is the UPC-E reading in that case.
    pub alternative: Option<Gtin>,
    pub form: CodeForm,
    /// Lot, serial, dates, weight and price carried by GS1 codes (empty otherwise).
    pub gs1: Gs1Data,
    /// Present for in-store variable-measure labels.
    pub variable: Option<VariableMeasure>,
}

impl ProductCode {
    fn plain(gtin: Gtin, form: CodeForm) -> ProductCode {
        ProductCode {
            gtin,
            alternative: None,
            form,
            gs1: Gs1Data::default(),
            variable: None,
        }
    }

    /// The GTINs to look up, most likely first.
    pub fn candidates(&self) -> impl Iterator<Item = Gtin> + '_ {
        std::iter::once(self.gtin).chain(self.alternative)
    }
}

/// What a scanned symbol turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// A product: look it up.
    Product(Box<ProductCode>),
    /// Any other payload (loyalty token, coupon, handoff link, plain text),
    /// returned as read for the parts of the kiosk that handle it.
    Payload(String),
}

impl ProductCode {
    /// The code written back in one canonical form that reads to the same
    /// product: the GS1 bracketed element string for GS1 data (a Digital
    /// Link included), the label's 13 digits for an in-store
    /// variable-measure label, the GTIN-14 otherwise.
    pub fn canonical(&self) -> String {
        match (&self.form, &self.variable) {
            (CodeForm::Gs1ElementString | CodeForm::DigitalLink, _) => self.gs1.bracketed(),
            (_, Some(v)) => v.label.clone(),
            _ => self.gtin.as_gtin14(),
        }
    }
}

/// How in-store variable-measure labels are laid out. Retailers and countries
/// differ, so the layout is configuration; [`Default`] is Vitrine's documented
/// choice:
///
/// | EAN-13 prefix | layout | embedded value |
/// |---|---|---|
/// | 02, 20–24 | `PP IIIII VVVVV C` | price in minor units (up to 999.99) |
/// | 25–29     | `PP IIIII VVVVV C` | net weight in grams (up to 99.999 kg) |
///
/// `PP` prefix, `I` item reference, `V` value, `C` the EAN-13 check digit. The
/// item's GTIN is the label with the value digits set to zero and the check
/// digit recomputed: that is the GTIN under which the catalog lists the item
/// (with its price per kilogram for weighed items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableMeasureRules {
    pub rules: Vec<VariableMeasureRule>,
}

/// One prefix's layout: two prefix digits, `item_digits` item digits, then
/// `value_digits` value digits, then the check digit (13 digits in all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableMeasureRule {
    pub prefix: String,
    pub item_digits: u8,
    pub value_digits: u8,
    pub value: MeasureKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Price,
    Weight,
}

impl Default for VariableMeasureRules {
    fn default() -> Self {
        let rule = |prefix: &str, value| VariableMeasureRule {
            prefix: prefix.to_string(),
            item_digits: 5,
            value_digits: 5,
            value,
        };
        VariableMeasureRules {
            rules: vec![
                rule("02", MeasureKind::Price),
                rule("20", MeasureKind::Price),
                rule("21", MeasureKind::Price),
                rule("22", MeasureKind::Price),
                rule("23", MeasureKind::Price),
                rule("24", MeasureKind::Price),
                rule("25", MeasureKind::Weight),
                rule("26", MeasureKind::Weight),
                rule("27", MeasureKind::Weight),
                rule("28", MeasureKind::Weight),
                rule("29", MeasureKind::Weight),
            ],
        }
    }
}

impl VariableMeasureRules {
    /// Checks that every rule is well formed; the message names the rule.
    pub fn validate(&self) -> Result<(), String> {
        for (i, r) in self.rules.iter().enumerate() {
            let ok_prefix = r.prefix == "02"
                || (r.prefix.len() == 2 && r.prefix.starts_with('2') && r.prefix.bytes().all(|b| b.is_ascii_digit()));
            if !ok_prefix {
                return Err(format!(
                    "rule {}: prefix \"{}\" must be 02 or 20 to 29 (GS1 restricted circulation)",
                    i + 1,
                    r.prefix
                ));
            }
            if usize::from(r.item_digits) + usize::from(r.value_digits) != 10
                || r.value_digits == 0
                || r.value_digits > 6
            {
                return Err(format!(
                    "rule {} (prefix {}): item_digits + value_digits must be 10 with 1 to 6 value digits, got {} + {}",
                    i + 1,
                    r.prefix,
                    r.item_digits,
                    r.value_digits
                ));
            }
        }
        Ok(())
    }

    fn rule_for(&self, ean13: &str) -> Option<&VariableMeasureRule> {
        self.rules.iter().find(|r| ean13.starts_with(&r.prefix))
    }
}

/// What reading a code depends on besides its text: the retailer's
/// variable-measure layouts, the character a USB scanner sends for GS1's
/// FNC1 separator when it cannot send GS itself, and today's date (GS1's
/// two-digit years are placed relative to the current year; the core has no
/// clock, so the caller says).
#[derive(Debug, Clone, Copy)]
pub struct CodeContext<'a> {
    pub variable_measure: &'a VariableMeasureRules,
    /// The scanner's replacement for GS (`[scan] gs1_separator`), if any:
    /// see [`valid_gs1_separator`].
    pub gs1_separator: Option<char>,
    pub today: Gs1Date,
}

impl CodeContext<'static> {
    /// Vitrine's default variable-measure layouts, no scanner separator.
    pub fn defaults(today: Gs1Date) -> CodeContext<'static> {
        static DEFAULT: std::sync::LazyLock<VariableMeasureRules> =
            std::sync::LazyLock::new(VariableMeasureRules::default);
        CodeContext::new(&DEFAULT, today)
    }
}

impl<'a> CodeContext<'a> {
    pub fn new(variable_measure: &'a VariableMeasureRules, today: Gs1Date) -> CodeContext<'a> {
        CodeContext {
            variable_measure,
            gs1_separator: None,
            today,
        }
    }

    /// The same context with a scanner's GS replacement character.
    pub fn with_separator(self, gs1_separator: Option<char>) -> CodeContext<'a> {
        CodeContext { gs1_separator, ..self }
    }
}

/// Whether a USB scanner may be set to send `c` in place of GS1's FNC1
/// separator: a printable ASCII character that GS1 data never contains
/// (outside GS1 character set 82, where every AI value lives) and that does
/// not start an AIM symbology identifier (`]`): one of `#$@[\^`{|}~` and
/// the backquote.
pub fn valid_gs1_separator(c: char) -> bool {
    c.is_ascii_graphic() && !gs1::lint::in_cset82(c) && c != ']'
}

/// Parses a code typed or scanned without a symbology hint, with the default
/// variable-measure layout and no scanner separator; `today` places GS1's
/// two-digit years.
pub fn parse_product_code(input: &str, today: Gs1Date) -> Result<ProductCode, CodeError> {
    parse_product_code_with(input, None, &CodeContext::defaults(today))
}

/// AIM symbology identifiers of symbols that carry GS1 element strings
/// (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR, GS1 DotCode).
fn is_gs1_aim(aim: Option<&str>) -> bool {
    matches!(aim, Some("C1" | "e0" | "d2" | "Q3" | "J1"))
}

/// Raw GS1 data sent without symbology identifier and without leading
/// FNC1, as USB scanners often send it: a GTIN (AI 01) or content GTIN
/// (AI 02) first, or digits then a GS (or the scanner's replacement for it)
/// between fields.
fn looks_like_raw_gs1(rest: &str, separator: Option<char>) -> bool {
    let b = rest.as_bytes();
    let gtin_first =
        b.len() >= 16 && (rest.starts_with("01") || rest.starts_with("02")) && b[2..16].iter().all(u8::is_ascii_digit);
    let separated = rest.contains(GS) || separator.is_some_and(|c| rest.contains(c));
    let ai_first = b.len() > 2 && b[..2].iter().all(u8::is_ascii_digit);
    gtin_first || (separated && ai_first)
}

/// A raw element string as sent: the scanner's separator read as GS, a
/// leading FNC1 (GS, or the separator) dropped.
fn element_string(rest: &str, ctx: &CodeContext<'_>) -> Result<ProductCode, CodeError> {
    let raw = match ctx.gs1_separator {
        Some(c) if c != GS => rest.replace(c, "\u{1d}"),
        _ => rest.to_string(),
    };
    let data = gs1::parse_element_string(raw.trim_start_matches(GS), ctx.today)?;
    product_from_gs1(data, CodeForm::Gs1ElementString)
}

/// Parses a product code. `hint` is the symbology the decoder read, if any.
pub fn parse_product_code_with(
    input: &str,
    hint: Option<Symbology>,
    ctx: &CodeContext<'_>,
) -> Result<ProductCode, CodeError> {
    let text = input.trim_matches(|c: char| c.is_whitespace() && c != GS);
    if text.is_empty() {
        return Err(CodeError::Empty);
    }
    let (aim, rest) = split_symbology_identifier(text);
    if rest.is_empty() {
        return Err(CodeError::Empty);
    }
    if is_http_uri(rest) {
        return parse_digital_link(rest, ctx.today);
    }
    if rest.starts_with('(') {
        let data = gs1::parse_element_string(rest, ctx.today)?;
        return product_from_gs1(data, CodeForm::Gs1ElementString);
    }
    let leading_fnc1 = rest.starts_with(GS) || ctx.gs1_separator.is_some_and(|c| rest.starts_with(c));
    if is_gs1_aim(aim) || leading_fnc1 || looks_like_raw_gs1(rest, ctx.gs1_separator) {
        return element_string(rest, ctx);
    }
    let hint = match aim {
        Some("E4") => Some(Symbology::Ean8),
        _ => hint,
    };
    let digits: String = if rest
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-' || c == 'X' || c == 'x')
    {
        rest.chars().filter(|c| *c != ' ' && *c != '-').collect()
    } else {
        rest.to_string()
    };
    if digits.len() == 10 && digits.get(..9).is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())) {
        return parse_isbn10(&digits);
    }
    if let Some((pos, ch)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(CodeError::InvalidCharacter { ch, pos });
    }
    let code = match digits.len() {
        8 => parse_eight(&digits, hint)?,
        12 => ProductCode::plain(Gtin::from_digits(&digits)?, CodeForm::UpcA),
        13 => {
            let gtin = Gtin::from_digits(&digits)?;
            let form = if gtin.is_isbn() {
                CodeForm::Isbn13
            } else {
                CodeForm::Ean13
            };
            ProductCode::plain(gtin, form)
        }
        14 => ProductCode::plain(Gtin::from_digits(&digits)?, CodeForm::Gtin14),
        len => return Err(CodeError::BadLength { len }),
    };
    Ok(apply_variable_measure(code, ctx.variable_measure))
}

/// Classifies a decoded symbol: product codes (retail barcodes, GS1 element
/// strings, GS1 Digital Link) become [`Scanned::Product`]; any other QR or
/// DataMatrix payload, a web address that is not a GS1 Digital Link
/// included, is returned as is. A damaged retail barcode, and GS1 data or
/// a Digital Link that breaks GS1's rules, is an error.
///
/// [`Symbology::Other`] is a code without a known symbol: typed on the
/// kiosk's keypad or sent by a USB scanner in keyboard mode. Raw GS1 data
/// without AIM identifier or leading FNC1 is recognised there too.
pub fn classify(text: &str, symbology: Symbology, ctx: &CodeContext<'_>) -> Result<Scanned, CodeError> {
    let product = |r: Result<ProductCode, CodeError>| r.map(|p| Scanned::Product(Box::new(p)));
    match symbology {
        Symbology::Ean13 | Symbology::Ean8 | Symbology::UpcA | Symbology::UpcE | Symbology::DataBar => {
            product(parse_product_code_with(text, Some(symbology), ctx))
        }
        Symbology::Qr | Symbology::DataMatrix | Symbology::Code128 | Symbology::Other => {
            let trimmed = text.trim_matches(|c: char| c.is_whitespace() && c != GS);
            let (aim, rest) = split_symbology_identifier(trimmed);
            if is_http_uri(rest) {
                return match parse_digital_link(rest, ctx.today) {
                    // Not a Digital Link at all: a web address the kiosk
                    // may know (a handoff link), not a product.
                    Err(CodeError::Gs1(Gs1Error::DigitalLink(
                        DlProblem::NoKey | DlProblem::Scheme | DlProblem::Host,
                    ))) => Ok(Scanned::Payload(text.to_string())),
                    other => product(other),
                };
            }
            let bracketed = rest.strip_prefix('(').is_some_and(|r| {
                r.find(')')
                    .is_some_and(|i| (2..=4).contains(&i) && r[..i].bytes().all(|b| b.is_ascii_digit()))
            });
            let typed = symbology == Symbology::Other;
            let looks_gs1 = is_gs1_aim(aim)
                || bracketed
                || rest.starts_with(GS)
                || (typed
                    && (looks_like_raw_gs1(rest, ctx.gs1_separator)
                        || ctx.gs1_separator.is_some_and(|c| rest.starts_with(c))));
            if looks_gs1 {
                product(parse_product_code_with(text, Some(symbology), ctx))
            } else {
                Ok(Scanned::Payload(text.to_string()))
            }
        }
    }
}

/// Splits an AIM symbology identifier (`]` + letter + digit) off the front.
fn split_symbology_identifier(text: &str) -> (Option<&str>, &str) {
    let b = text.as_bytes();
    if b.len() >= 3 && b[0] == b']' && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphanumeric() {
        (Some(&text[1..3]), &text[3..])
    } else {
        (None, text)
    }
}

fn is_http_uri(s: &str) -> bool {
    let lower = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn parse_eight(digits: &str, hint: Option<Symbology>) -> Result<ProductCode, CodeError> {
    let could_be_upce = digits.starts_with('0') || digits.starts_with('1');
    match hint {
        Some(Symbology::UpcE) => {
            let upca = gtin::expand_upce(digits)?;
            return Ok(ProductCode::plain(Gtin::from_digits(&upca)?, CodeForm::UpcE));
        }
        Some(Symbology::Ean8) => return Ok(ProductCode::plain(Gtin::from_digits(digits)?, CodeForm::Ean8)),
        _ => {}
    }
    let ean8 = Gtin::from_digits(digits);
    if !could_be_upce {
        return ean8.map(|g| ProductCode::plain(g, CodeForm::Ean8));
    }
    let upce = gtin::expand_upce(digits).and_then(|upca| Gtin::from_digits(&upca));
    match (upce, ean8) {
        (Ok(u), Ok(e)) => Ok(ProductCode {
            alternative: Some(e),
            ..ProductCode::plain(u, CodeForm::UpcE)
        }),
        (Ok(u), Err(_)) => Ok(ProductCode::plain(u, CodeForm::UpcE)),
        (Err(_), Ok(e)) => Ok(ProductCode::plain(e, CodeForm::Ean8)),
        (
            Err(CodeError::CheckDigit {
                expected: upce, found, ..
            }),
            Err(CodeError::CheckDigit { expected: ean8, .. }),
        ) => Err(CodeError::CheckDigit8 {
            code: digits.to_string(),
            ean8,
            upce,
            found,
        }),
        (_, Err(e)) => Err(e),
    }
}

fn parse_isbn10(s: &str) -> Result<ProductCode, CodeError> {
    let b = s.as_bytes();
    let last = b[9].to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == b'X') {
        return Err(CodeError::InvalidCharacter {
            ch: last as char,
            pos: 9,
        });
    }
    let sum: u32 = b[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| (10 - i as u32) * u32::from(d - b'0'))
        .sum();
    let expected = (11 - sum % 11) % 11;
    let expected_ch = if expected == 10 {
        'X'
    } else {
        char::from(b'0' + expected as u8)
    };
    if expected_ch != last as char {
        return Err(CodeError::Isbn10CheckDigit {
            code: s.to_string(),
            expected: expected_ch,
            found: last as char,
        });
    }
    let gtin = Gtin::from_body(&format!("978{}", &s[..9]))?;
    Ok(ProductCode::plain(gtin, CodeForm::Isbn10))
}

fn product_from_gs1(data: Gs1Data, form: CodeForm) -> Result<ProductCode, CodeError> {
    let gtin = data.gtin.or(data.content).ok_or(CodeError::MissingGtin)?;
    Ok(ProductCode {
        gtin,
        alternative: None,
        form,
        gs1: data,
        variable: None,
    })
}

/// Parses a GS1 Digital Link URI that names a product (see
/// [`gs1::parse_digital_link`] for the syntax).
pub fn parse_digital_link(uri: &str, today: Gs1Date) -> Result<ProductCode, CodeError> {
    let data = gs1::parse_digital_link(uri, today)?;
    product_from_gs1(data, CodeForm::DigitalLink)
}

fn apply_variable_measure(code: ProductCode, rules: &VariableMeasureRules) -> ProductCode {
    let g14 = code.gtin.as_gtin14();
    if !g14.starts_with('0') || code.alternative.is_some() {
        return code;
    }
    let ean13 = &g14[1..];
    let Some(rule) = rules.rule_for(ean13) else {
        return code;
    };
    let item_end = 2 + usize::from(rule.item_digits);
    let value_end = item_end + usize::from(rule.value_digits);
    let Ok(value) = ean13[item_end..value_end].parse::<u32>() else {
        return code;
    };
    let body = format!("{}{}", &ean13[..item_end], "0".repeat(value_end - item_end));
    let Ok(item) = Gtin::from_body(&body) else {
        return code;
    };
    let embedded = match rule.value {
        MeasureKind::Price => Embedded::Price {
            amount_minor: i64::from(value),
        },
        MeasureKind::Weight => Embedded::Weight { grams: value },
    };
    ProductCode {
        gtin: item,
        variable: Some(VariableMeasure {
            label: ean13.to_string(),
            embedded,
        }),
        ..code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gs1::AiProblem;

    const TODAY: Gs1Date = Gs1Date {
        year: 2026,
        month: 12,
        day: 3,
    };

    fn parse(s: &str) -> Result<ProductCode, CodeError> {
        parse_product_code(s, TODAY)
    }

    fn g14(s: &str) -> String {
        parse(s).unwrap().gtin.as_gtin14()
    }

    fn with<'a>(rules: &'a VariableMeasureRules) -> CodeContext<'a> {
        CodeContext::new(rules, TODAY)
    }

    #[test]
    fn retail_forms() {
        assert_eq!(g14("5449000039231"), "05449000039231");
        assert_eq!(g14(" 5449000039231\n"), "05449000039231");
        assert_eq!(g14("049000006582"), "00049000006582");
        assert_eq!(g14("04965802"), "00049000006582");
        assert_eq!(parse("04965802").unwrap().form, CodeForm::UpcE);
        assert_eq!(g14("96385074"), "00000096385074");
        assert_eq!(g14("00049000006582"), "00049000006582");
        assert_eq!(g14("978-0-439-02348-1"), "09780439023481");
        assert_eq!(parse("9780439023481").unwrap().form, CodeForm::Isbn13);
        assert_eq!(g14("]E05449000039231"), "05449000039231");
    }

    #[test]
    fn isbn10_is_converted() {
        let c = parse("0-439-02348-3").unwrap();
        assert_eq!(c.gtin.as_gtin14(), "09780439023481");
        assert_eq!(c.form, CodeForm::Isbn10);
        assert_eq!(g14("043942089X"), "09780439420891");
        let e = parse("0439023484").unwrap_err();
        assert_eq!(e.to_string(), "ISBN-10 check character should be 3, not 4 (0439023484)");
    }

    #[test]
    fn eight_digit_ambiguity() {
        let rules = VariableMeasureRules::default();
        // valid as EAN-8 only
        let c = parse("00001816").unwrap();
        assert_eq!(c.form, CodeForm::Ean8);
        assert_eq!(c.gtin.as_gtin14(), "00000000001816");
        assert_eq!(c.alternative, None);
        // With a hint, no guessing.
        let c = parse_product_code_with("04965802", Some(Symbology::UpcE), &with(&rules)).unwrap();
        assert_eq!(c.gtin.as_gtin14(), "00049000006582");
        assert!(parse_product_code_with("04965802", Some(Symbology::Ean8), &with(&rules)).is_err());
        // Not 0/1: EAN-8 only, plain check digit error.
        let e = parse("96385075").unwrap_err();
        assert_eq!(e.to_string(), "check digit should be 4, not 5 (96385075)");
        let e = parse("04965803").unwrap_err();
        assert!(
            matches!(
                e,
                CodeError::CheckDigit8 {
                    upce: 2,
                    ean8: 0,
                    found: 3,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn both_readings_valid_gives_alternative() {
        // Find an 8-digit code valid as both, by search.
        let mut found = None;
        for n in 0..100_000u32 {
            let body = format!("0{:06}", n);
            let c = gtin::check_digit(body.as_bytes());
            let code = format!("{body}{c}");
            if gtin::expand_upce(&code).is_ok() {
                found = Some(code);
                break;
            }
        }
        let code = found.unwrap();
        let p = parse(&code).unwrap();
        assert_eq!(p.form, CodeForm::UpcE);
        assert_eq!(p.alternative.unwrap().as_gtin14(), format!("000000{code}"));
        assert_eq!(p.candidates().count(), 2);
    }

    #[test]
    fn check_digit_error_message() {
        let e = parse("5449000039232").unwrap_err();
        assert_eq!(e.to_string(), "check digit should be 1, not 2 (5449000039232)");
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert_eq!(parse("  "), Err(CodeError::Empty));
        assert_eq!(parse("12345"), Err(CodeError::BadLength { len: 5 }));
        assert_eq!(
            parse("54490000a9231"),
            Err(CodeError::InvalidCharacter { ch: 'a', pos: 8 })
        );
        assert_eq!(parse("]C1"), Err(CodeError::Empty));
        // Found by fuzzing: a 10-byte input with a multi-byte character.
        assert!(parse("1sss4\u{1c7}\u{360}").is_err());
    }

    #[test]
    fn gs1_element_strings_in_every_form_a_scanner_sends() {
        let rules = VariableMeasureRules::default();
        let lot = |s: &str, ctx: &CodeContext<'_>| {
            let c = parse_product_code_with(s, None, ctx).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            (
                c.gtin.as_gtin14(),
                c.gs1.lot.clone(),
                c.gs1.expiry.map(|d| d.to_string()),
            )
        };
        let want = (
            "05449000039231".to_string(),
            Some("LOT42".to_string()),
            Some("2026-12-31".to_string()),
        );
        let plain = with(&rules);
        for s in [
            "]C1010544900003923110LOT42\u{1d}17261231",
            "]d2010544900003923110LOT42\u{1d}17261231",
            "]Q3010544900003923110LOT42\u{1d}17261231",
            "]e0010544900003923110LOT42\u{1d}17261231",
            "\u{1d}010544900003923110LOT42\u{1d}17261231",
            "010544900003923110LOT42\u{1d}17261231",
            "(01)05449000039231(10)LOT42(17)261231",
        ] {
            assert_eq!(lot(s, &plain), want, "{s:?}");
        }
        // A scanner set to send "^" for GS (and for the leading FNC1).
        let caret = plain.with_separator(Some('^'));
        for s in ["010544900003923110LOT42^17261231", "^010544900003923110LOT42^17261231"] {
            assert_eq!(lot(s, &caret), want, "{s:?}");
        }
        // Without the setting, "^" is not GS1 data.
        assert!(parse_product_code_with("010544900003923110LOT42^17261231", None, &plain).is_err());
        // The USB scanner: no AIM identifier, no FNC1, lot last.
        let c = parse("010544900003923110ABC123").unwrap();
        assert_eq!(
            (c.gtin.as_gtin14().as_str(), c.gs1.lot.as_deref()),
            ("05449000039231", Some("ABC123"))
        );
        let c = parse("]d2\u{1d}01054490000392313103000750").unwrap();
        assert_eq!(c.gs1.net_weight_grams(), Some(750));
        let c = parse("0105449000039231").unwrap();
        assert_eq!(c.gtin.as_gtin14(), "05449000039231");
        assert!(matches!(
            parse("(01)05449000039231(17)261331"),
            Err(CodeError::Gs1(Gs1Error::Value {
                problem: AiProblem::Month,
                ..
            }))
        ));
        // Was MissingGtin before issue 19: GS1 refuses a lot alone (req=01,…).
        assert!(matches!(
            parse("(10)LOT"),
            Err(CodeError::Gs1(Gs1Error::Requires { .. }))
        ));
        // An SSCC names a logistic unit, not a product.
        assert_eq!(parse("(00)006141411234567890"), Err(CodeError::MissingGtin));
    }

    #[test]
    fn digital_link_any_host_numeric_keys_only() {
        let c = parse("https://id.gs1.org/01/05449000039231/10/LOT?17=261231").unwrap();
        assert_eq!(c.gtin.as_gtin14(), "05449000039231");
        assert_eq!(c.form, CodeForm::DigitalLink);
        assert_eq!(c.gs1.lot.as_deref(), Some("LOT"));
        assert_eq!(c.gs1.expiry.unwrap().to_string(), "2026-12-31");
        let c = parse("HTTPS://shop.example.com/p/x/01/05449000039231/10/A%2FB?linkType=all#top").unwrap();
        assert_eq!(c.gs1.lot.as_deref(), Some("A/B"));
        // Before issue 19 the short names and a 13-digit GTIN were read;
        // GS1's Digital Link syntax refuses both.
        assert_eq!(
            parse("HTTPS://shop.example.com/p/x/gtin/5449000039231/lot/A%2FB?linkType=all"),
            Err(CodeError::Gs1(Gs1Error::DigitalLink(DlProblem::NoKey)))
        );
        assert!(matches!(
            parse("https://id.gs1.org/01/5449000039231"),
            Err(CodeError::Gs1(Gs1Error::Value { .. }))
        ));
        assert_eq!(
            parse("https://example.com/product/42"),
            Err(CodeError::Gs1(Gs1Error::DigitalLink(DlProblem::NoKey)))
        );
        assert_eq!(
            parse("https://id.gs1.org/01/05449000039232"),
            Err(CodeError::Gs1(Gs1Error::Value {
                ai: "01".into(),
                problem: AiProblem::CheckDigit
            }))
        );
        assert!(parse("https://id.gs1.org/01/05449000039231/10").is_err());
        // The label price GS1 refuses without a measure beside it.
        assert!(matches!(
            parse("https://id.gs1.org/01/05449000039231?3922=0001"),
            Err(CodeError::Gs1(Gs1Error::Requires { .. }))
        ));
    }

    #[test]
    fn the_canonical_form_reads_back_to_the_same_code() {
        for s in [
            "5449000039231",
            "04965802",
            "2112345012346",
            "https://id.gs1.org/01/05449000039231/10/A%2FB?17=751231",
            "]d2010544900003923110L(1\u{1d}3103000750",
            "0-439-02348-3",
        ] {
            let c = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let back = parse(&c.canonical()).unwrap_or_else(|e| panic!("{s} -> {}: {e}", c.canonical()));
            assert_eq!(
                (back.gtin, &back.gs1, &back.variable),
                (c.gtin, &c.gs1, &c.variable),
                "{s}"
            );
        }
    }

    #[test]
    fn variable_measure_price_and_weight() {
        // 21 12345 01234 C: price 12.34 for item 2112345
        let label = {
            let body = "211234501234";
            format!("{body}{}", gtin::check_digit(body.as_bytes()))
        };
        let c = parse(&label).unwrap();
        let v = c.variable.clone().unwrap();
        assert_eq!(v.embedded, Embedded::Price { amount_minor: 1234 });
        assert_eq!(c.gtin, Gtin::from_body("211234500000").unwrap());
        let label = {
            let body = "271234500750";
            format!("{body}{}", gtin::check_digit(body.as_bytes()))
        };
        let c = parse(&label).unwrap();
        assert_eq!(c.variable.unwrap().embedded, Embedded::Weight { grams: 750 });
        // UPC-A number system 2 (12 digits) is the 02 prefix.
        let label = {
            let body = "21234500199";
            format!("{body}{}", gtin::check_digit(body.as_bytes()))
        };
        let c = parse(&label).unwrap();
        assert_eq!(c.variable.unwrap().embedded, Embedded::Price { amount_minor: 199 });
        // Normal EAN-13 untouched.
        assert!(parse("5449000039231").unwrap().variable.is_none());
    }

    #[test]
    fn variable_measure_rules_validate() {
        assert!(VariableMeasureRules::default().validate().is_ok());
        let mut r = VariableMeasureRules::default();
        r.rules[0].item_digits = 6;
        assert!(r.validate().unwrap_err().contains("must be 10"));
        r = VariableMeasureRules::default();
        r.rules[0].prefix = "30".into();
        assert!(r.validate().unwrap_err().contains("02 or 20 to 29"));
    }

    #[test]
    fn scanner_separators_that_gs1_data_cannot_contain() {
        for c in ['^', '~', '|', '#', '@', '{', '}', '[', '\\', '$', '`'] {
            assert!(valid_gs1_separator(c), "{c}");
        }
        for c in ['a', '1', '%', '(', ')', ']', ' ', '\u{1d}', 'é', '/'] {
            assert!(!valid_gs1_separator(c), "{c:?}");
        }
    }

    #[test]
    fn classify_separates_products_and_payloads() {
        let rules = VariableMeasureRules::default();
        let ctx = with(&rules);
        assert!(matches!(
            classify("https://id.gs1.org/01/05449000039231", Symbology::Qr, &ctx),
            Ok(Scanned::Product(_))
        ));
        assert_eq!(
            classify("VTRL1.abc.def", Symbology::Qr, &ctx),
            Ok(Scanned::Payload("VTRL1.abc.def".into()))
        );
        assert_eq!(
            classify("https://shop.example/h/123#x", Symbology::Qr, &ctx),
            Ok(Scanned::Payload("https://shop.example/h/123#x".into()))
        );
        assert!(matches!(
            classify("]d2\u{1d}0105449000039231", Symbology::DataMatrix, &ctx),
            Ok(Scanned::Product(_))
        ));
        assert!(classify("5449000039232", Symbology::Ean13, &ctx).is_err());
        // Typed or from a USB scanner: raw GS1 without prefix, bracketed.
        assert!(matches!(
            classify("010544900003923110ABC123", Symbology::Other, &ctx),
            Ok(Scanned::Product(_))
        ));
        assert!(matches!(
            classify("(01)05449000039231(17)751231", Symbology::Other, &ctx),
            Ok(Scanned::Product(_))
        ));
        // A forged label price in a Digital Link is refused, not a payload.
        assert!(classify("https://id.gs1.org/01/05449000039231?3922=0001", Symbology::Qr, &ctx).is_err());
    }
}
