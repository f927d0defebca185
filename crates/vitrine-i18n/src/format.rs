//! Numbers, money and percentages, written by each language's rules.
//!
//! The rules are data in each language's `locale.ftl` (decimal and group
//! separators, where the currency sign goes, how a percentage is written),
//! so a new language brings its own. Separators are plain ASCII spaces
//! rather than CLDR's no-break spaces, so that a price reads the same on
//! screen, in a terminal, in JSON and in logs (the UI never wraps a price).

use vitrine_core::{Lang, Money};

use crate::catalogue::{self, Catalogue};
use crate::{Text, text};

/// A language's separators, read once from its `locale.ftl`.
#[derive(Debug, Clone)]
pub(crate) struct NumberFormat {
    decimal: String,
    group: String,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            decimal: ".".into(),
            group: ",".into(),
        }
    }
}

impl NumberFormat {
    pub(crate) fn of(cat: &Catalogue, lang: Lang) -> NumberFormat {
        NumberFormat {
            decimal: cat.format(lang, "number-decimal", &[]),
            group: cat.format(lang, "number-group", &[]),
        }
    }
}

/// `1234567` as `1 234 567` (fr), `1,234,567` (en), `1.234.567` (de).
pub fn integer(n: i64, lang: Lang) -> String {
    integer_in(catalogue::get(), n, lang)
}

pub(crate) fn integer_in(cat: &Catalogue, n: i64, lang: Lang) -> String {
    let f = cat.numbers(lang);
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(n.unsigned_abs(), &f.group))
}

/// `value / 10^scale` with the language's decimal separator, all `scale`
/// decimals written (`decimal(15, 1, fr)` is `1,5`).
pub fn decimal(value: i64, scale: u8, lang: Lang) -> String {
    decimal_in(catalogue::get(), value, scale, lang)
}

pub(crate) fn decimal_in(cat: &Catalogue, value: i64, scale: u8, lang: Lang) -> String {
    let f = cat.numbers(lang);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if scale == 0 {
        return format!("{sign}{}", group(abs, &f.group));
    }
    let p = 10u64.pow(u32::from(scale.min(18)));
    format!(
        "{sign}{}{}{:0w$}",
        group(abs / p, &f.group),
        f.decimal,
        abs % p,
        w = usize::from(scale)
    )
}

/// An amount: `3,49 €` (fr), `€3.49` (en), `3,49 €` (de); thousands
/// grouped; a currency written as letters (`CHF`) gets the language's
/// `money-code` pattern.
pub fn money(m: Money, lang: Lang) -> String {
    money_in(catalogue::get(), m, lang)
}

pub(crate) fn money_in(cat: &Catalogue, m: Money, lang: Lang) -> String {
    let f = cat.numbers(lang);
    let exp = u32::from(m.currency.exponent());
    let abs = m.amount_minor.unsigned_abs();
    let scale = 10u64.pow(exp);
    let mut amount = group(abs / scale, &f.group);
    if exp > 0 {
        amount.push_str(&f.decimal);
        amount.push_str(&format!("{:0w$}", abs % scale, w = exp as usize));
    }
    let sign = if m.amount_minor < 0 { "-" } else { "" };
    let symbol = m.currency.symbol();
    let id = if symbol.len() > 2 && symbol.chars().all(|c| c.is_ascii_alphabetic()) {
        "money-code"
    } else {
        "money"
    };
    cat.format(
        lang,
        id,
        &[
            ("sign", sign.into()),
            ("amount", amount.into()),
            ("symbol", symbol.into()),
        ],
    )
}

/// A percentage given in basis points: `12,5 %` (fr), `12.5%` (en).
pub fn percent(basis_points: u32, lang: Lang) -> String {
    percent_in(catalogue::get(), basis_points, lang)
}

pub(crate) fn percent_in(cat: &Catalogue, basis_points: u32, lang: Lang) -> String {
    let f = cat.numbers(lang);
    let (whole, frac) = (basis_points / 100, basis_points % 100);
    let value = if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:02}");
        format!("{whole}{}{}", f.decimal, digits.trim_end_matches('0'))
    };
    cat.format(lang, "percent", &[("value", value.into())])
}

/// The day's name; 1 is Monday (ISO 8601).
pub fn weekday_name(n: u8) -> Text {
    Text::new(format!("weekday-{}", n.clamp(1, 7)))
}

/// The month's short name ("Nov"); 1 is January.
pub fn month_name(n: u8) -> Text {
    Text::new(format!("month-{}", n.clamp(1, 12)))
}

/// A wait for people: seconds under a minute ("30 s"), else whole minutes
/// rounded up ("2 min").
pub fn duration(secs: i64) -> Text {
    let secs = secs.max(1);
    if secs < 60 {
        text!("duration-seconds", n = secs)
    } else {
        text!("duration-minutes", n = (secs + 59) / 60)
    }
}

/// `money.format(lang)` for [`Money`], so that the many places that write
/// an amount read as before.
pub trait MoneyText {
    fn format(&self, lang: Lang) -> String;
}

impl MoneyText for Money {
    fn format(&self, lang: Lang) -> String {
        money(*self, lang)
    }
}

fn group(mut n: u64, sep: &str) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(sep)
}

#[cfg(test)]
mod tests {
    use vitrine_core::Currency;

    use super::*;

    #[test]
    fn money_in_each_language() {
        let m = Money::eur(349);
        assert_eq!(money(m, Lang::FR), "3,49 €");
        assert_eq!(money(m, Lang::EN), "€3.49");
        assert_eq!(money(m, Lang::DE), "3,49 €");
        assert_eq!(money(Money::eur(123456), Lang::FR), "1 234,56 €");
        assert_eq!(money(Money::eur(123456), Lang::EN), "€1,234.56");
        assert_eq!(money(Money::eur(123456), Lang::DE), "1.234,56 €");
        assert_eq!(money(Money::eur(-5), Lang::FR), "-0,05 €");
        assert_eq!(money(Money::eur(-5), Lang::EN), "-€0.05");
        let chf = Currency::from_code("chf").unwrap();
        assert_eq!(money(Money::new(1000, chf), Lang::EN), "CHF 10.00");
        assert_eq!(money(Money::new(1000, chf), Lang::FR), "10,00 CHF");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(money(Money::new(1200, jpy), Lang::EN), "¥1,200");
        assert_eq!(Money::eur(5).format(Lang::EN), "€0.05");
    }

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(percent(1250, Lang::FR), "12,5 %");
        assert_eq!(percent(1250, Lang::EN), "12.5%");
        assert_eq!(percent(2000, Lang::DE), "20 %");
        assert_eq!(percent(1205, Lang::EN), "12.05%");
        assert_eq!(decimal(15, 1, Lang::FR), "1,5");
        assert_eq!(decimal(-1234567, 2, Lang::EN), "-12,345.67");
        assert_eq!(integer(1_000_000, Lang::FR), "1 000 000");
        assert_eq!(integer(1_000_000, Lang::DE), "1.000.000");
    }

    #[test]
    fn calendar_words_and_durations() {
        assert_eq!(weekday_name(3).render(Lang::FR), "Mercredi");
        assert_eq!(month_name(11).render(Lang::DE), "Nov.");
        assert_eq!(duration(30).render(Lang::EN), "30 s");
        assert_eq!(duration(61).render(Lang::FR), "2 min");
    }
}
