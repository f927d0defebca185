//! GS1 Digital Link URIs, read by the GS1 Digital Link URI syntax as GS1's
//! Syntax Engine reads them by default:
//!
//! - `http://` or `https://` (all lower or all upper case), any host, any
//!   path before the GS1 part (a "custom stem");
//! - the path ends with `/key/value` pairs: a primary key (`01` GTIN, `00`
//!   SSCC, `414` GLN…, numeric only: the old `/gtin/` short names are
//!   refused) then its key qualifiers, each at most once and in the order
//!   the dictionary's `dlpkey` gives (`01` then `22`, `10`, `21`);
//! - other AIs are data attributes in the query (`?17=261231&3103=000750`),
//!   only those the dictionary allows there, never one that belongs in the
//!   path, never twice; other query parameters (`linkType=…`) are ignored;
//! - values are percent-decoded (`+` is a space in the query, itself in the
//!   path) and then must be in their AI's character set like any value;
//! - a fragment (`#…`) is ignored.
//!
//! The result is the same [`Gs1Data`] an element string gives, so the same
//! dictionary rules (lengths, check digits, dates, `req`, `ex`) apply.

use thiserror::Error;

use super::{Gs1Data, Gs1Date, Gs1Error, dictionary};

/// Why a URI is not a valid GS1 Digital Link.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DlProblem {
    #[error("the address has a character a URI cannot have ({ch:?})")]
    Character { ch: char },
    #[error("the address does not start with http:// or https://")]
    Scheme,
    #[error("the address has no valid host")]
    Host,
    #[error("the path has no GS1 key (such as /01/ and a GTIN)")]
    NoKey,
    #[error("AI ({ai}) has an empty value")]
    EmptyValue { ai: String },
    #[error("AI ({ai}) has a %00 in its value")]
    Null { ai: String },
    #[error("the path's qualifiers are not those of its key, in GS1's order")]
    Qualifiers,
    #[error("AI ({ai}) is not allowed in a Digital Link's query")]
    NotAttribute { ai: String },
    #[error("AI ({ai}) belongs in the path, not the query")]
    InPath { ai: String },
    #[error("({ai}) in the query is not a GS1 application identifier")]
    UnknownAi { ai: String },
    #[error("AI ({ai}) is in the link twice")]
    Duplicate { ai: String },
}

fn err(p: DlProblem) -> Gs1Error {
    Gs1Error::DigitalLink(p)
}

/// The characters a URI may hold (RFC 3986's unreserved and reserved
/// characters, and `%`), as GS1's reference checks first.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}
const BAD_HOST_CHARACTERS: &str = "_~?#@!$&'()*+,;=%";

/// Decodes `%XX` escapes (an incomplete or non-hex escape stays as it is,
/// as in GS1's reference); each byte becomes the character of that code
/// (anything outside ASCII then fails the AI's character set). `None` for
/// a decoded NUL.
fn unescape(s: &str, query: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                let byte = (h * 16 + l) as u8;
                if byte == 0 {
                    return None;
                }
                out.push(char::from(byte));
                i += 3;
            }
            (b'+', ..) if query => {
                out.push(' ');
                i += 1;
            }
            (c, ..) => {
                out.push(char::from(c));
                i += 1;
            }
        }
    }
    Some(out)
}

/// Parses and validates a GS1 Digital Link URI. `today` places two-digit
/// years.
pub fn parse_digital_link(uri: &str, today: Gs1Date) -> Result<Gs1Data, Gs1Error> {
    if let Some(ch) = uri.chars().find(|c| !is_uri_char(*c)) {
        return Err(err(DlProblem::Character { ch }));
    }
    let rest = ["https://", "HTTPS://", "http://", "HTTP://"]
        .iter()
        .find_map(|s| uri.strip_prefix(s))
        .ok_or(err(DlProblem::Scheme))?;
    let slash = rest.find('/').filter(|i| *i > 0).ok_or(err(DlProblem::Host))?;
    if rest[..slash].contains(|c| BAD_HOST_CHARACTERS.contains(c)) {
        return Err(err(DlProblem::Host));
    }
    let after_host = &rest[slash..];
    let no_fragment = after_host.split('#').next().unwrap_or("");
    let (path, query) = no_fragment.split_once('?').unwrap_or((no_fragment, ""));

    // From the right, "/AI/value" pairs until the primary key.
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let mut root = None;
    let mut j = segs.len();
    while j >= 2 {
        let ai = segs[j - 2];
        let known = ai.bytes().all(|b| b.is_ascii_digit()) && dictionary::entry(ai).is_some();
        if !known {
            break;
        }
        if dictionary::entry(ai).is_some_and(|e| e.dlpkey.is_some()) {
            root = Some(j - 2);
            break;
        }
        j -= 2;
    }
    let root = root.ok_or(err(DlProblem::NoKey))?;

    let mut pairs: Vec<(&'static dictionary::Entry, String)> = Vec::new();
    for kv in segs[root..].chunks(2) {
        let entry = dictionary::entry(kv[0]).ok_or(err(DlProblem::NoKey))?;
        let raw = kv.get(1).copied().unwrap_or("");
        if raw.is_empty() {
            return Err(err(DlProblem::EmptyValue { ai: kv[0].to_string() }));
        }
        let value = unescape(raw, false).ok_or_else(|| err(DlProblem::Null { ai: kv[0].to_string() }))?;
        super::check_whole_value(entry, &value, today.year)?;
        pairs.push((entry, value));
    }
    let in_path = pairs.len();
    let path_ais: Vec<&str> = pairs.iter().map(|(e, _)| e.ai).collect();
    if !dictionary::valid_dl_path(&path_ais) {
        return Err(err(DlProblem::Qualifiers));
    }

    for param in query.split('&').filter(|p| !p.is_empty()) {
        // A parameter without "=" or with a non-numeric name is not GS1's.
        let Some((key, raw)) = param.split_once('=') else {
            continue;
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let entry = dictionary::entry(key).ok_or_else(|| err(DlProblem::UnknownAi { ai: key.to_string() }))?;
        if raw.is_empty() {
            return Err(err(DlProblem::EmptyValue { ai: key.to_string() }));
        }
        let mut value = unescape(raw, true).ok_or_else(|| err(DlProblem::Null { ai: key.to_string() }))?;
        // GS1's reference pads a GTIN-8, -12 or -13 given in the query.
        if key == "01" && matches!(value.len(), 8 | 12 | 13) && value.bytes().all(|b| b.is_ascii_digit()) {
            value = format!("{value:0>14}");
        }
        super::check_whole_value(entry, &value, today.year)?;
        if pairs.iter().any(|(e, _)| e.ai == entry.ai) {
            return Err(err(DlProblem::Duplicate { ai: key.to_string() }));
        }
        if !entry.dl_attr {
            return Err(err(DlProblem::NotAttribute { ai: key.to_string() }));
        }
        for at in 1..=in_path {
            let mut trial = path_ais.clone();
            trial.insert(at, entry.ai);
            if dictionary::valid_dl_path(&trial) {
                return Err(err(DlProblem::InPath { ai: key.to_string() }));
            }
        }
        pairs.push((entry, value));
    }
    super::gather(pairs, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Gs1Date = Gs1Date {
        year: 2026,
        month: 12,
        day: 3,
    };

    fn dl(s: &str) -> Result<String, Gs1Error> {
        parse_digital_link(s, TODAY).map(|d| d.bracketed())
    }

    #[test]
    fn keys_qualifiers_and_attributes() {
        assert_eq!(
            dl("https://id.gs1.org/01/05449000039231/10/LOT?17=261231&linkType=all#x"),
            Ok("(01)05449000039231(10)LOT(17)261231".into())
        );
        assert_eq!(
            dl("https://shop.example/p/x/01/05449000039231/10/A%2FB"),
            Ok("(01)05449000039231(10)A/B".into())
        );
        assert_eq!(dl("https://a/gtin/05449000039231"), Err(err(DlProblem::NoKey)));
        assert_eq!(
            dl("https://a/01/5449000039231"),
            Err(Gs1Error::Value {
                ai: "01".into(),
                problem: super::super::AiProblem::TooShort { min: 14 }
            })
        );
        assert_eq!(
            dl("https://a/01/05449000039231/21/S/10/L"),
            Err(err(DlProblem::Qualifiers))
        );
        assert_eq!(
            dl("https://a/01/05449000039231?10=L"),
            Err(err(DlProblem::InPath { ai: "10".into() }))
        );
        assert_eq!(
            dl("https://a/01/05449000039231/10/A%20B"),
            Err(Gs1Error::Value {
                ai: "10".into(),
                problem: super::super::AiProblem::Character {
                    ch: ' ',
                    pos: 2,
                    set: super::super::Charset::Cset82
                }
            })
        );
        assert_eq!(dl("https://a/01/05449000039231?3922=0001").unwrap_err().to_string(), {
            "AI (3922) needs 01+30 or 01+31nn or 01+32nn or 01+35nn or 01+36nn beside it"
        });
        assert_eq!(dl("ftp://a/01/05449000039231"), Err(err(DlProblem::Scheme)));
        assert_eq!(
            dl("https://a b/01/05449000039231"),
            Err(err(DlProblem::Character { ch: ' ' }))
        );
    }
}
