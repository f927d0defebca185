//! The AI table, generated at build time from GS1's Barcode Syntax
//! Dictionary (`data/gs1/`, see `build.rs`), and the lookups the parsers
//! need: an AI by its digits, the AI at the start of raw data, whether an
//! AI pattern (`31nn`) matches, and the Digital Link key-qualifier paths.

use super::lint::Lint;

/// A component's character set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cset {
    /// Digits.
    N,
    /// GS1 AI encodable character set 82.
    X,
    /// GS1 AI encodable character set 39.
    Y,
    /// GS1 AI encodable character set 64 (file-safe / URI-safe base64).
    Z,
}

/// One component of an AI's value (`N6,yymmd0`, `[X..17]`).
#[derive(Debug)]
pub(crate) struct Part {
    pub cset: Cset,
    pub min: u8,
    pub max: u8,
    pub optional: bool,
    pub lints: &'static [Lint],
}

/// One AI of the dictionary.
#[derive(Debug)]
pub(crate) struct Entry {
    pub ai: &'static str,
    /// A variable-length AI: an FNC1 (GS) ends its value unless it is last.
    pub fnc1: bool,
    /// Allowed as a Digital Link data attribute (query parameter).
    pub dl_attr: bool,
    pub parts: &'static [Part],
    /// Each `req=` attribute: one of its groups must be there whole.
    pub req: &'static [&'static [&'static [&'static str]]],
    /// AI patterns that must not appear beside this AI.
    pub ex: &'static [&'static str],
    /// A Digital Link primary key, with its alternative qualifier sequences.
    pub dlpkey: Option<&'static [&'static [&'static str]]>,
    /// GS1's data title (`BEST BEFORE or BEST BY`).
    #[allow(dead_code)]
    pub title: &'static str,
}

impl Entry {
    pub fn min_len(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| !p.optional)
            .map(|p| usize::from(p.min))
            .sum()
    }

    pub fn max_len(&self) -> usize {
        self.parts.iter().map(|p| usize::from(p.max)).sum()
    }
}

include!(concat!(env!("OUT_DIR"), "/gs1_dictionary.rs"));

/// The dictionary's entry for exactly `ai`.
pub(crate) fn entry(ai: &str) -> Option<&'static Entry> {
    ENTRIES.binary_search_by(|e| e.ai.cmp(ai)).ok().map(|i| &ENTRIES[i])
}

/// The AI at the start of raw data: GS1 AIs are prefix-free, so at most
/// one of its first 2, 3 or 4 digits is one.
pub(crate) fn entry_at(data: &str) -> Option<&'static Entry> {
    (2..=4).find_map(|n| {
        data.get(..n)
            .filter(|ai| ai.bytes().all(|b| b.is_ascii_digit()))
            .and_then(entry)
    })
}

/// Whether `ai` matches an AI pattern of the dictionary: the same length,
/// and the pattern's digits before its `n`s as the AI's first digits
/// (`31nn` matches `3103`, `01` matches `01` only).
pub(crate) fn matches(pattern: &str, ai: &str) -> bool {
    let digits = pattern.trim_end_matches('n');
    pattern.len() == ai.len() && ai.starts_with(digits)
}

/// Whether `path` (a primary key then qualifiers, in order) is a valid
/// Digital Link path: the qualifiers are an ordered subsequence of one of
/// the key's qualifier sequences.
pub(crate) fn valid_dl_path(path: &[&str]) -> bool {
    let Some((key, qualifiers)) = path.split_first() else {
        return false;
    };
    let Some(sequences) = entry(key).and_then(|e| e.dlpkey) else {
        return false;
    };
    sequences.iter().any(|seq| {
        let mut rest = seq.iter();
        qualifiers.iter().all(|q| rest.any(|s| s == q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_dictionarys() {
        // Every AI of the pinned dictionary, ranges expanded.
        assert!(ENTRIES.len() > 500, "{}", ENTRIES.len());
        assert!(ENTRIES.windows(2).all(|w| w[0].ai < w[1].ai));
        let gtin = entry("01").unwrap();
        assert!(!gtin.fnc1 && gtin.dl_attr);
        assert_eq!(
            (gtin.parts[0].cset, gtin.parts[0].min, gtin.parts[0].max),
            (Cset::N, 14, 14)
        );
        assert_eq!(gtin.parts[0].lints, [Lint::Csum, Lint::Gcppos2]);
        assert_eq!(gtin.dlpkey, Some(&[&["22", "10", "21"][..], &["235"][..]][..]));
        assert_eq!(gtin.ex, ["255", "37"]);
        let price = entry("3922").unwrap();
        assert_eq!(
            price.req,
            [&[
                &["01", "30"][..],
                &["01", "31nn"],
                &["01", "32nn"],
                &["01", "35nn"],
                &["01", "36nn"]
            ][..]]
        );
        assert_eq!(price.ex, ["392n", "393n"]);
        assert!(price.fnc1);
        assert_eq!(entry("10").unwrap().title, "BATCH/LOT");
        assert_eq!(
            (entry("253").unwrap().min_len(), entry("253").unwrap().max_len()),
            (13, 30)
        );
        assert!(entry("3106").is_none());
        assert!(entry("23").is_none());
        assert_eq!(entry_at("2351234").map(|e| e.ai), Some("235"));
        assert_eq!(entry_at("3103000750").map(|e| e.ai), Some("3103"));
        assert!(entry_at("2345").is_none());
    }

    #[test]
    fn patterns_and_paths() {
        assert!(matches("31nn", "3103"));
        assert!(matches("0n", "01"));
        assert!(!matches("0nn", "01"));
        assert!(!matches("23", "235"));
        assert!(matches("23n", "235"));
        assert!(valid_dl_path(&["01"]));
        assert!(valid_dl_path(&["01", "22", "10", "21"]));
        assert!(valid_dl_path(&["01", "10", "21"]));
        assert!(valid_dl_path(&["01", "235"]));
        assert!(!valid_dl_path(&["01", "10", "22"]));
        assert!(!valid_dl_path(&["01", "22", "235"]));
        assert!(!valid_dl_path(&["10", "01"]));
        assert!(valid_dl_path(&["414", "254"]));
        assert!(valid_dl_path(&["00"]));
        assert!(!valid_dl_path(&["00", "10"]));
    }
}
