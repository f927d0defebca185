//! Money: integer minor units with an ISO 4217 currency. Never floats.
//!
//! # Rounding
//! Wherever a computation produces a fraction of a minor unit (a percentage, a
//! price per kilogram times a weight, a discount shared between lines), the
//! result is rounded to the nearest minor unit with halves rounded **away from
//! zero** ([`div_round_half_away`]). Discounts are computed first and then
//! subtracted, so a shopper is never charged more than the rounded discount
//! promised: a 10 % discount on 0,15 € is 0,02 € (0,015 rounded up), giving 0,13 €.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// An ISO 4217 currency with its number of decimals.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// The currencies Vitrine knows how to write. Adding one is a line here.
const KNOWN: &[(&str, u8, &str, u16)] = &[
    ("EUR", 2, "€", 978),
    ("USD", 2, "$", 840),
    ("GBP", 2, "£", 826),
    ("CHF", 2, "CHF", 756),
    ("CAD", 2, "$CA", 124),
    ("SEK", 2, "kr", 752),
    ("DKK", 2, "kr.", 208),
    ("NOK", 2, "kr", 578),
    ("PLN", 2, "zł", 985),
    ("CZK", 2, "Kč", 203),
    ("JPY", 0, "¥", 392),
];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("unknown currency \"{0}\": use an ISO 4217 code such as EUR, USD, GBP or CHF")]
    UnknownCurrency(String),
    #[error("\"{0}\" is not an amount: write it like 1.23 or 1,23")]
    BadAmount(String),
    #[error("amounts in {0} and {1} cannot be added")]
    CurrencyMismatch(Currency, Currency),
    #[error("the amount is too large")]
    Overflow,
}

impl Currency {
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        exponent: 2,
    };

    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        KNOWN
            .iter()
            .find(|(c, ..)| *c == upper)
            .map(|(c, e, ..)| {
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent: *e,
                }
            })
            .ok_or(MoneyError::UnknownCurrency(code.to_string()))
    }

    pub fn from_iso_numeric(n: u16) -> Option<Currency> {
        KNOWN
            .iter()
            .find(|(.., num)| *num == n)
            .and_then(|(c, ..)| Currency::from_code(c).ok())
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Number of decimals (2 for EUR, 0 for JPY).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    /// The sign written beside amounts (`€`, `CHF`).
    pub fn symbol(&self) -> &'static str {
        KNOWN
            .iter()
            .find(|(c, ..)| c.as_bytes() == self.code)
            .map(|(_, _, s, _)| *s)
            .unwrap_or("")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Money {
        Money { amount_minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    pub fn eur(amount_minor: i64) -> Money {
        Money::new(amount_minor, Currency::EUR)
    }

    /// Parses a major-unit amount such as `1.23`, `1,23`, `12` or `0.5`
    /// exactly (no float on the way).
    pub fn parse_major(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let bad = || MoneyError::BadAmount(text.to_string());
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let t = t.replace(',', ".");
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t.as_str(), ""),
        };
        let exp = usize::from(currency.exponent);
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > exp
        {
            return Err(bad());
        }
        let int_v: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyError::Overflow)?
        };
        let frac_v: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<exp$}").parse().map_err(|_| bad())?
        };
        let minor = int_v
            .checked_mul(10i64.pow(u32::from(currency.exponent)))
            .and_then(|v| v.checked_add(frac_v))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(if neg { -minor } else { minor }, currency))
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|a| Money::new(a, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.checked_add(Money::new(-other.amount_minor, other.currency))
    }

    pub fn times(self, n: i64) -> Option<Money> {
        self.amount_minor.checked_mul(n).map(|a| Money::new(a, self.currency))
    }

    pub fn is_zero(&self) -> bool {
        self.amount_minor == 0
    }

    /// The amount in major units with a dot, for machines (`3.49`).
    pub fn to_major_string(&self) -> String {
        let exp = u32::from(self.currency.exponent);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        format!("{sign}{}.{:0w$}", abs / scale, abs % scale, w = exp as usize)
    }
}

/// `num / den` rounded to the nearest integer, halves away from zero.
/// `den` must be positive.
pub fn div_round_half_away(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den { q + num.signum() } else { q }
}

/// `amount * basis_points / 10_000`, rounded as documented above.
pub fn percent_of(amount_minor: i64, basis_points: u32) -> i64 {
    let v = div_round_half_away(i128::from(amount_minor) * i128::from(basis_points), 10_000);
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Price of `grams` of an item sold at `per_kg_minor` per kilogram, rounded.
pub fn price_for_weight(per_kg_minor: i64, grams: u32) -> i64 {
    let v = div_round_half_away(i128::from(per_kg_minor) * i128::from(grams), 1000);
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_strings() {
        assert_eq!(Money::eur(349).to_major_string(), "3.49");
        assert_eq!(Money::eur(-349).to_major_string(), "-3.49");
    }

    #[test]
    fn parse_major_is_exact() {
        let e = Currency::EUR;
        assert_eq!(Money::parse_major("1.23", e).unwrap().amount_minor, 123);
        assert_eq!(Money::parse_major("1,2", e).unwrap().amount_minor, 120);
        assert_eq!(Money::parse_major("12", e).unwrap().amount_minor, 1200);
        assert_eq!(Money::parse_major(".5", e).unwrap().amount_minor, 50);
        assert_eq!(Money::parse_major("-0.01", e).unwrap().amount_minor, -1);
        assert!(Money::parse_major("1.234", e).is_err());
        assert!(Money::parse_major("abc", e).is_err());
        assert!(Money::parse_major("", e).is_err());
        assert!(Money::parse_major(".", e).is_err());
        assert!(matches!(
            Money::parse_major("99999999999999999999", e),
            Err(MoneyError::Overflow)
        ));
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(div_round_half_away(14, 10), 1);
        assert_eq!(div_round_half_away(-15, 10), -2);
        assert_eq!(percent_of(15, 1000), 2); // 10 % of 0.15 = 0.015 -> 0.02
        assert_eq!(percent_of(349, 3333), 116);
        assert_eq!(price_for_weight(1299, 750), 974); // 9.7425 -> 9.74
        assert_eq!(price_for_weight(1000, 1), 1);
    }

    #[test]
    fn currency_rules() {
        assert!(Currency::from_code("XXX").is_err());
        assert_eq!(Currency::from_iso_numeric(978), Some(Currency::EUR));
        assert!(
            Money::eur(1)
                .checked_add(Money::new(1, Currency::from_code("USD").unwrap()))
                .is_err()
        );
        assert_eq!(
            serde_json::to_string(&Money::eur(349)).unwrap(),
            r#"{"amount_minor":349,"currency":"EUR"}"#
        );
    }
}
