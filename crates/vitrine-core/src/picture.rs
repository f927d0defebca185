//! Product pictures: the id a product carries, the sizes HQ makes, and
//! where the referential says a picture is.
//!
//! A picture is content-addressed: its id is the SHA-256 of the original
//! file HQ imported. The same file imported for two products (or twice) is
//! one picture, and an id never names other bytes, so every size of it can
//! be cached forever by kiosks and browsers.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A picture's id: the SHA-256 of its original bytes, 64 lowercase hex
/// digits (what the catalog carries and what the picture route takes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageId(String);

impl ImageId {
    /// The id of these original bytes.
    pub fn of(bytes: &[u8]) -> ImageId {
        let digest = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        ImageId(hex)
    }

    /// Parses an id as written by [`ImageId::as_str`]; anything else
    /// (upper case, another length, a path) is refused, so an id can be put
    /// in a file name or a URL as it is.
    pub fn parse(s: &str) -> Option<ImageId> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| ImageId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ImageId {
    type Error = String;

    fn try_from(s: String) -> Result<ImageId, String> {
        ImageId::parse(&s).ok_or_else(|| format!("\"{s}\" is not a picture id (64 lowercase hex digits)"))
    }
}

impl From<ImageId> for String {
    fn from(id: ImageId) -> String {
        id.0
    }
}

/// The sizes HQ makes of every picture, each fitting a square box (the
/// aspect ratio is kept), as JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageSize {
    /// 160 px: a line of the phone's basket or the click&collect desk (80
    /// CSS pixels on a 2x screen) and the kiosk's basket.
    Thumb,
    /// 640 px: the kiosk's product page.
    Large,
}

impl ImageSize {
    pub const ALL: [ImageSize; 2] = [ImageSize::Thumb, ImageSize::Large];

    /// The side of the box the size fits in, in pixels.
    pub fn max_px(self) -> u32 {
        match self {
            ImageSize::Thumb => 160,
            ImageSize::Large => 640,
        }
    }

    /// The size's name in the route (`/v1/images/{id}/{size}`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImageSize::Thumb => "thumb",
            ImageSize::Large => "large",
        }
    }

    pub fn parse(s: &str) -> Option<ImageSize> {
        ImageSize::ALL.into_iter().find(|z| z.as_str() == s)
    }
}

/// The path of a size of a picture on HQ.
pub fn image_path(id: &ImageId, size: ImageSize) -> String {
    format!("/v1/images/{}/{}", id.as_str(), size.as_str())
}

/// Where the referential's `image` field says a product's picture is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A path relative to the JSONL file's folder (checked to stay inside
    /// it by the importer, which reads files).
    File(String),
    /// Anything with a scheme (`https://…`): HQ does not fetch these (see
    /// the importer).
    Url(String),
}

impl ImageSource {
    /// Classifies the field's text; `None` for an empty one.
    pub fn parse(field: &str) -> Option<ImageSource> {
        let s = field.trim();
        if s.is_empty() {
            return None;
        }
        let has_scheme = s.split_once("://").is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        Some(if has_scheme {
            ImageSource::Url(s.to_string())
        } else {
            ImageSource::File(s.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_hash_of_the_bytes_and_nothing_else_parses() {
        let id = ImageId::of(b"abc");
        assert_eq!(
            id.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ImageId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(ImageId::parse(&id.as_str().to_uppercase()), None);
        assert_eq!(ImageId::parse("../../etc/passwd"), None);
        assert_eq!(ImageId::parse(&id.as_str()[1..]), None);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<ImageId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ImageId>("\"x\"").is_err());
    }

    #[test]
    fn sizes_round_trip_and_sources_are_classified() {
        for z in ImageSize::ALL {
            assert_eq!(ImageSize::parse(z.as_str()), Some(z));
        }
        assert_eq!(ImageSize::parse("huge"), None);
        assert_eq!(
            ImageSource::parse(" img/a.png "),
            Some(ImageSource::File("img/a.png".into()))
        );
        assert_eq!(
            ImageSource::parse("https://example.com/a.png"),
            Some(ImageSource::Url("https://example.com/a.png".into()))
        );
        assert_eq!(
            ImageSource::parse("file:///etc/passwd"),
            Some(ImageSource::Url("file:///etc/passwd".into()))
        );
        assert_eq!(ImageSource::parse("  "), None);
    }
}
