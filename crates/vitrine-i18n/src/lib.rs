//! # vitrine-i18n
//!
//! The one message catalogue of Vitrine: every text a person reads outside
//! the `.slint` files (kiosk messages, command-line output, HQ's pages,
//! emails and text messages) is a [Fluent](https://projectfluent.org)
//! message in `locales/<lang>/*.ftl`, and the words for the domain's types
//! (a promotion's sentence, a stock level, an order status) are made here,
//! from the typed values `vitrine-core` returns.
//!
//! Code never holds a sentence: it names a message and passes arguments,
//! ```
//! use vitrine_i18n::{Lang, text, tr};
//! let t = text!("selftest-hello", name = "Camille");
//! assert_eq!(t.render(Lang::FR), "Bonjour Camille !");
//! assert_eq!(tr!(Lang::DE, "selftest-hello", name = "Camille"), "Hallo Camille!");
//! ```
//! and a [`Text`] can be kept and rendered later, in whatever language the
//! screen is in by then.
//!
//! # Adding a language
//! A language is a folder `locales/<code>/` with the same files as the
//! others (and, for the kiosk's screens, `ui/translations/<code>/` for the
//! Slint texts). Nothing else changes: the folders are found when the crate
//! builds, [`available`] lists them, and number and money formats come from
//! each language's `locale.ftl`. The tests check that every language has
//! every message with the same arguments.
//!
//! # Layout
//! - `catalogue`: the embedded Fluent bundles and the look-up with fallback.
//! - [`format`](mod@format): numbers, money and percentages by each language's rules.
//! - [`domain`]: the words for `vitrine-core`'s types.
//! - [`gs1`]: the words for GS1 refusals (codes, Digital Links, label prices).

mod catalogue;
pub mod domain;
pub mod format;
pub mod gs1;

use std::borrow::Cow;

pub use format::{MoneyText, decimal, duration, integer, money, month_name, percent, weekday_name};
pub use vitrine_core::Lang;

/// The languages the catalogue has, by code (`de`, `en`, `fr`).
pub fn available() -> &'static [Lang] {
    catalogue::get().langs()
}

/// Whether the catalogue has this language.
pub fn supported(lang: Lang) -> bool {
    available().contains(&lang)
}

/// The language's name in itself ("Deutsch"), for a language switch.
pub fn language_name(lang: Lang) -> String {
    tr(lang, "language-name")
}

/// The best of `offered` for an HTTP `Accept-Language` header
/// (`de-CH,de;q=0.9,en;q=0.8`): the highest quality first, then the
/// header's order. `None` when nothing in the header is offered.
pub fn negotiate(accept_language: &str, offered: &[Lang]) -> Option<Lang> {
    let mut wanted: Vec<(u32, usize, Lang)> = accept_language
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let lang = Lang::parse(bits.next()?)?;
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map(|q| (q.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0) * 1000.0) as u32)
                .unwrap_or(1000);
            (q > 0 && offered.contains(&lang)).then_some((q, i, lang))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted.first().map(|w| w.2)
}

/// A message with no argument, in `lang`.
pub fn tr(lang: Lang, id: &str) -> String {
    catalogue::get().format(lang, id, &[])
}

/// A value given to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Words that are the same in every language (a name, a code).
    Str(String),
    /// A number; messages may choose words by it (`{ $n -> [one] … }`).
    Int(i64),
    /// An amount, written by the language's rules.
    Money(vitrine_core::Money),
    /// A percentage in basis points (1250 is 12.5 %).
    Percent(u32),
    /// A number with `scale` decimals (`Decimal(15, 1)` is 1.5), written
    /// with the language's decimal separator.
    Decimal(i64, u8),
    /// Another message, rendered in the same language.
    Text(Box<Text>),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Str(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Str(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Str(v.clone())
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}
impl From<i32> for Arg {
    fn from(v: i32) -> Arg {
        Arg::Int(v.into())
    }
}
impl From<u32> for Arg {
    fn from(v: u32) -> Arg {
        Arg::Int(v.into())
    }
}
impl From<u64> for Arg {
    fn from(v: u64) -> Arg {
        Arg::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Arg {
    fn from(v: usize) -> Arg {
        Arg::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<vitrine_core::Money> for Arg {
    fn from(v: vitrine_core::Money) -> Arg {
        Arg::Money(v)
    }
}
impl From<Text> for Arg {
    fn from(v: Text) -> Arg {
        Arg::Text(Box::new(v))
    }
}

/// A text not yet written in a language: a message of the catalogue and
/// its arguments (or words that are the same in every language). Screens
/// keep these and render them in the language of the moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Repr {
    #[default]
    Empty,
    Verbatim(String),
    Message {
        id: Cow<'static, str>,
        args: Vec<(&'static str, Arg)>,
    },
}

impl Text {
    /// The message `id` (use [`text!`], which also passes arguments).
    pub fn new(id: impl Into<Cow<'static, str>>) -> Text {
        Text(Repr::Message {
            id: id.into(),
            args: Vec::new(),
        })
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Text {
        if let Repr::Message { args, .. } = &mut self.0 {
            args.push((name, value.into()));
        }
        self
    }

    /// Words that are the same in every language: a product's name, a code.
    pub fn verbatim(s: impl Into<String>) -> Text {
        Text(Repr::Verbatim(s.into()))
    }

    /// No text.
    pub fn empty() -> Text {
        Text(Repr::Empty)
    }

    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Empty => true,
            Repr::Verbatim(s) => s.is_empty(),
            Repr::Message { .. } => false,
        }
    }

    /// The message's id (`None` for verbatim or empty text): for tests and
    /// logs, which must not depend on a language.
    pub fn id(&self) -> Option<&str> {
        match &self.0 {
            Repr::Message { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        catalogue::get().render(self, lang)
    }

    /// `None` when empty; the verbatim words; or the message and its
    /// arguments.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> Option<Result<&str, (&str, &[(&'static str, Arg)])>> {
        match &self.0 {
            Repr::Empty => None,
            Repr::Verbatim(s) => Some(Ok(s)),
            Repr::Message { id, args } => Some(Err((id, args))),
        }
    }
}

/// A [`Text`]: `text!("basket-added")`, `text!("basket-lines", count = 3)`.
/// Argument names are the message's variables (`$count`).
#[macro_export]
macro_rules! text {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::Text::new($id)$(.arg(stringify!($name), $value))*
    };
}

/// A message rendered at once: `tr!(lang, "basket-lines", count = 3)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::text!($id $(, $name = $value)*).render($lang)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_languages_are_there() {
        for l in [Lang::FR, Lang::EN, Lang::DE] {
            assert!(supported(l), "{l}");
        }
        assert_eq!(language_name(Lang::DE), "Deutsch");
        assert_eq!(language_name(Lang::FR), "Français");
        assert_eq!(language_name(Lang::EN), "English");
    }

    #[test]
    fn messages_take_arguments_and_nest() {
        assert_eq!(tr!(Lang::EN, "selftest-hello", name = "Ana"), "Hello Ana!");
        let inner = text!("selftest-hello", name = "Ana");
        let outer = text!("selftest-quote", said = inner);
        assert_eq!(outer.render(Lang::FR), "Elle dit : « Bonjour Ana ! »");
        assert_eq!(outer.render(Lang::DE), "Sie sagt: „Hallo Ana!“");
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(tr!(Lang::FR, "selftest-items", count = 1), "1 article");
        assert_eq!(tr!(Lang::FR, "selftest-items", count = 0), "0 article");
        assert_eq!(tr!(Lang::EN, "selftest-items", count = 0), "0 items");
        assert_eq!(tr!(Lang::DE, "selftest-items", count = 2), "2 Artikel");
    }

    #[test]
    fn unknown_language_falls_back_to_english_and_unknown_id_to_itself() {
        let it = Lang::parse("it").unwrap();
        assert!(!supported(it));
        assert_eq!(tr!(it, "selftest-hello", name = "Ana"), "Hello Ana!");
        assert_eq!(tr(Lang::FR, "no-such-message"), "no-such-message");
    }

    #[test]
    fn verbatim_and_empty() {
        assert_eq!(Text::verbatim("Nordic").render(Lang::DE), "Nordic");
        assert!(Text::empty().is_empty());
        assert_eq!(Text::empty().render(Lang::FR), "");
        assert_eq!(text!("selftest-hello", name = "x").id(), Some("selftest-hello"));
    }

    #[test]
    fn accept_language() {
        let offered = [Lang::FR, Lang::EN, Lang::DE];
        assert_eq!(negotiate("de-CH,de;q=0.9,en;q=0.8", &offered), Some(Lang::DE));
        assert_eq!(negotiate("it,en;q=0.5,fr;q=0.7", &offered), Some(Lang::FR));
        assert_eq!(negotiate("en;q=0,it", &offered), None);
        assert_eq!(negotiate("", &offered), None);
        assert_eq!(negotiate("fr-FR, en", &offered), Some(Lang::FR));
    }
}
