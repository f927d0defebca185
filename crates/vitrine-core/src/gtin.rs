//! GTIN-14: the one form in which Vitrine stores and looks up a trade item.
//!
//! Every retail code (EAN-8, UPC-E, UPC-A, EAN-13, ISBN-13, GTIN-14) maps to a
//! 14-digit GTIN by left-padding with zeros (UPC-E is first expanded to UPC-A).
//! The check digit is always verified: a code whose check digit is wrong is
//! rejected, never "corrected".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::code::CodeError;

/// A GTIN normalised to 14 digits, check digit verified.
///
/// Stored as an integer (it has at most 14 digits, so fits in 47 bits): the
/// type is `Copy`, hashes fast and orders the same way as its decimal text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(u64);

impl Gtin {
    /// Builds a GTIN from the 14 ASCII digits of a GTIN-14, verifying the check digit.
    pub fn from_gtin14(digits: &str) -> Result<Gtin, CodeError> {
        let bytes = digits.as_bytes();
        if bytes.len() != 14 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(CodeError::BadLength {
                len: digits.chars().count(),
            });
        }
        verify_check_digit(digits)?;
        Ok(Gtin(digits_to_u64(bytes)))
    }

    /// Builds a GTIN from 8, 12, 13 or 14 digits (EAN-8, UPC-A, EAN-13, GTIN-14),
    /// verifying the check digit. UPC-E is not accepted here: see [`expand_upce`].
    pub fn from_digits(digits: &str) -> Result<Gtin, CodeError> {
        let bytes = digits.as_bytes();
        if let Some((pos, ch)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(CodeError::InvalidCharacter { ch, pos });
        }
        match bytes.len() {
            8 | 12 | 13 | 14 => {
                verify_check_digit(digits)?;
                Ok(Gtin(digits_to_u64(bytes)))
            }
            len => Err(CodeError::BadLength { len }),
        }
    }

    /// Builds a GTIN from the first 13 digits of a GTIN-14 (or any shorter body,
    /// left-padded), computing the check digit. Used for generated codes and for
    /// the item reference of variable-measure codes.
    pub fn from_body(body: &str) -> Result<Gtin, CodeError> {
        if let Some((pos, ch)) = body.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(CodeError::InvalidCharacter { ch, pos });
        }
        if body.is_empty() || body.len() > 13 {
            return Err(CodeError::BadLength { len: body.len() + 1 });
        }
        let check = check_digit(body.as_bytes());
        Ok(Gtin(digits_to_u64(body.as_bytes()) * 10 + u64::from(check)))
    }

    /// The 14-digit text, zero-padded.
    pub fn as_gtin14(&self) -> String {
        format!("{:014}", self.0)
    }

    /// The shortest conventional form: EAN-8 (8 digits) when the GTIN-14 starts
    /// with six zeros, else EAN-13 or GTIN-14. UPC-A items come out as 13 digits
    /// starting with 0, as Open Food Facts and most European systems print them.
    pub fn short_form(&self) -> String {
        let s = self.as_gtin14();
        if let Some(ean8) = s.strip_prefix("000000") {
            ean8.to_string()
        } else if let Some(rest) = s.strip_prefix('0') {
            rest.to_string()
        } else {
            s
        }
    }

    /// The integer value (what SQLite stores as the key).
    pub fn value(&self) -> u64 {
        self.0
    }

    /// Rebuilds a GTIN from its stored integer value, re-verifying the check digit.
    pub fn from_value(value: u64) -> Result<Gtin, CodeError> {
        if value >= 100_000_000_000_000 {
            return Err(CodeError::BadLength { len: 15 });
        }
        Gtin::from_gtin14(&format!("{value:014}"))
    }

    /// True for ISBN (Bookland) GTINs: EAN-13 prefixes 978 and 979.
    pub fn is_isbn(&self) -> bool {
        let s = self.as_gtin14();
        s.starts_with("0978") || s.starts_with("0979")
    }

    /// True for GS1 restricted-circulation numbers used in store for
    /// variable-measure items (EAN-13 prefixes 02 and 20–29).
    pub fn is_restricted_circulation(&self) -> bool {
        let s = self.as_gtin14();
        s.starts_with("02") || s.starts_with("002")
    }

    /// True for numbers a company allocates for its own use (GS1
    /// restricted circulation: EAN-13 prefixes 02, 04 and 20–29): weighed
    /// items, and loyalty cards (Vitrine's card range is `0450…`).
    pub fn is_company_internal(&self) -> bool {
        let s = self.as_gtin14();
        s.starts_with("02") || s.starts_with("002") || s.starts_with("004")
    }

    /// The GTIN as a log may show it: in full for a trade item, its first
    /// four digits (of 14) only for a company-internal number, which may be a
    /// shopper's loyalty card.
    pub fn for_log(&self) -> String {
        let s = self.as_gtin14();
        if self.is_company_internal() {
            format!("{}… (company-internal number)", &s[..4])
        } else {
            s.to_string()
        }
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014}", self.0)
    }
}

impl fmt::Debug for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gtin({:014})", self.0)
    }
}

impl FromStr for Gtin {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gtin::from_digits(s)
    }
}

impl Serialize for Gtin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_gtin14())
    }
}

impl<'de> Deserialize<'de> for Gtin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Gtin::from_digits(&s).map_err(serde::de::Error::custom)
    }
}

fn digits_to_u64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'))
}

/// The GS1 mod-10 check digit of `body` (all digits but the check digit):
/// weights 3 and 1 alternate from the rightmost digit of the body.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 { d * 3 } else { d }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Verifies the last digit of `digits` against the others.
pub(crate) fn verify_check_digit(digits: &str) -> Result<(), CodeError> {
    let bytes = digits.as_bytes();
    let (body, last) = bytes.split_at(bytes.len() - 1);
    let expected = check_digit(body);
    let found = last[0] - b'0';
    if expected == found {
        Ok(())
    } else {
        Err(CodeError::CheckDigit {
            code: digits.to_string(),
            expected,
            found,
        })
    }
}

/// Expands an 8-digit UPC-E (number system, six digits, check digit) to the
/// 12-digit UPC-A it stands for, checking the check digit over the UPC-A.
pub fn expand_upce(upce: &str) -> Result<String, CodeError> {
    let b = upce.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return Err(CodeError::BadLength { len: b.len() });
    }
    let ns = b[0];
    if ns != b'0' && ns != b'1' {
        return Err(CodeError::NotUpcE { code: upce.to_string() });
    }
    let d = &b[1..7];
    let s = |r: &[u8]| String::from_utf8_lossy(r).into_owned();
    let (manufacturer, product) = match d[5] {
        b'0' | b'1' | b'2' => (
            format!("{}{}00", s(&d[0..2]), d[5] as char),
            format!("00{}", s(&d[2..5])),
        ),
        b'3' => (format!("{}00", s(&d[0..3])), format!("000{}", s(&d[3..5]))),
        b'4' => (format!("{}0", s(&d[0..4])), format!("0000{}", d[4] as char)),
        _ => (s(&d[0..5]), format!("0000{}", d[5] as char)),
    };
    let upca = format!("{}{}{}{}", ns as char, manufacturer, product, b[7] as char);
    match verify_check_digit(&upca) {
        Ok(()) => Ok(upca),
        Err(CodeError::CheckDigit { expected, found, .. }) => Err(CodeError::CheckDigit {
            code: upce.to_string(),
            expected,
            found,
        }),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_internal_numbers_are_not_logged_in_full() {
        let trade = Gtin::from_digits("5449000039231").unwrap();
        assert!(!trade.is_company_internal());
        assert_eq!(trade.for_log(), "05449000039231");
        // A loyalty card (04…), a weighed item (2…), a store code (02…).
        for code in ["0450000042423", "2500100075000", "0212345678900"] {
            let g = Gtin::from_digits(&format!("{}{}", &code[..12], check_digit(&code.as_bytes()[..12]))).unwrap();
            assert!(g.is_company_internal(), "{code}");
            let shown = g.for_log();
            assert!(!shown.contains(&g.as_gtin14()[4..]), "{shown}");
            assert!(shown.starts_with(&g.as_gtin14()[..4]), "{shown}");
        }
    }

    #[test]
    fn check_digits_of_known_codes() {
        assert_eq!(check_digit(b"544900003923"), 1);
        assert_eq!(check_digit(b"0496580"), 0); // as if EAN-8
        assert_eq!(check_digit(b"04900000658"), 2);
        assert_eq!(check_digit(b"978043902348"), 1);
    }

    #[test]
    fn all_lengths_normalise_to_gtin14() {
        assert_eq!(
            Gtin::from_digits("5449000039231").unwrap().as_gtin14(),
            "05449000039231"
        );
        assert_eq!(Gtin::from_digits("049000006582").unwrap().as_gtin14(), "00049000006582");
        assert_eq!(Gtin::from_digits("96385074").unwrap().as_gtin14(), "00000096385074");
        assert_eq!(
            Gtin::from_digits("05449000039231").unwrap().as_gtin14(),
            "05449000039231"
        );
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        let err = Gtin::from_digits("5449000039232").unwrap_err();
        assert_eq!(err.to_string(), "check digit should be 1, not 2 (5449000039232)");
    }

    #[test]
    fn upce_expansion_covers_every_last_digit_rule() {
        assert_eq!(expand_upce("04965802").unwrap(), "049000006582");
        assert_eq!(expand_upce("01234505").unwrap(), "012000003455"); // last 0-2
        assert_eq!(expand_upce("01234531").unwrap(), "012300000451"); // last 3
        assert_eq!(expand_upce("01234543").unwrap(), "012340000053"); // last 4
        assert_eq!(expand_upce("01234565").unwrap(), "012345000065"); // last 5-9
        assert_eq!(expand_upce("01234572").unwrap(), "012345000072");
        assert!(matches!(
            expand_upce("04965803"),
            Err(CodeError::CheckDigit {
                expected: 2,
                found: 3,
                ..
            })
        ));
        assert!(matches!(expand_upce("24965802"), Err(CodeError::NotUpcE { .. })));
    }

    #[test]
    fn short_form_and_value_roundtrip() {
        let g = Gtin::from_digits("96385074").unwrap();
        assert_eq!(g.short_form(), "96385074");
        assert_eq!(Gtin::from_value(g.value()).unwrap(), g);
        let g = Gtin::from_digits("049000006582").unwrap();
        assert_eq!(g.short_form(), "0049000006582");
        assert!(Gtin::from_digits("9780439023481").unwrap().is_isbn());
    }

    #[test]
    fn from_body_computes_check_digit() {
        assert_eq!(Gtin::from_body("544900003923").unwrap().as_gtin14(), "05449000039231");
    }

    #[test]
    fn serde_uses_gtin14_text() {
        let g = Gtin::from_digits("5449000039231").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"05449000039231\"");
        let back: Gtin = serde_json::from_str("\"5449000039231\"").unwrap();
        assert_eq!(back, g);
        assert!(serde_json::from_str::<Gtin>("\"5449000039232\"").is_err());
    }
}
