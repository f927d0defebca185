//! A language, as a tag. Which languages Vitrine speaks, and every word it
//! says in them, belong to the message catalogue (crate `vitrine-i18n`):
//! the domain only carries the tag (a customer's language on an order, the
//! language a session started in), so adding a language never touches it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 639-1 language code (`fr`, `en`, `de`), lower case.
///
/// Two ASCII letters, stored inline so that the type is `Copy` like
/// [`crate::Currency`]. [`Lang::parse`] checks the syntax only; whether the
/// catalogue has the language is `vitrine_i18n::supported`'s answer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang([u8; 2]);

impl Lang {
    /// French, the kiosk's default language.
    pub const FR: Lang = Lang(*b"fr");
    pub const EN: Lang = Lang(*b"en");
    pub const DE: Lang = Lang(*b"de");

    /// The two-letter code.
    pub fn code(&self) -> &str {
        // Built only from ASCII letters (see `parse`).
        std::str::from_utf8(&self.0).unwrap_or("fr")
    }

    /// Reads a language tag: `de`, `DE`, `de-CH`, `de_DE.UTF-8` all give
    /// `de` (the region and encoding are ignored: the catalogue has one text
    /// per language). `None` when the primary subtag is not two letters.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_', '.', '@']).next().unwrap_or_default();
        match primary.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Lang([a.to_ascii_lowercase(), b.to_ascii_lowercase()]))
            }
            _ => None,
        }
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::FR
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("\"{s}\" is not a language code such as fr")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_by_their_primary_subtag() {
        assert_eq!(Lang::parse("FR"), Some(Lang::FR));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::EN));
        assert_eq!(Lang::parse("de_DE.UTF-8"), Some(Lang::DE));
        assert_eq!(Lang::parse("it").map(|l| l.code().to_string()), Some("it".into()));
        assert_eq!(Lang::parse("french"), None);
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::parse("1x"), None);
    }

    #[test]
    fn serialises_as_its_code() {
        assert_eq!(serde_json::to_string(&Lang::DE).unwrap(), "\"de\"");
        assert_eq!(serde_json::from_str::<Lang>("\"en\"").unwrap(), Lang::EN);
        assert!(serde_json::from_str::<Lang>("\"english\"").is_err());
    }
}
