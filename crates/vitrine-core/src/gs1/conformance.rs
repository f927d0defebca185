//! GS1's own test vectors (`tests/data/gs1/`, copied from GS1's Syntax
//! Engine and its Barcode Syntax Dictionary linters, Apache-2.0) replayed
//! against Vitrine's parser: the same verdicts, the same element strings,
//! the same content rule at fault.

use super::lint::Lint;
use super::{
    AiProblem, Charset, GS, Gs1Date, Gs1Error, dictionary, each_ai, lint, parse_digital_link, parse_element_string,
};

const DL: &str = include_str!("../../tests/data/gs1/syntax-engine-dl.tsv");
const AI: &str = include_str!("../../tests/data/gs1/syntax-engine-ai.tsv");
const LINTERS: &str = include_str!("../../tests/data/gs1/syntax-dictionary-linters.tsv");

const TODAY: Gs1Date = Gs1Date {
    year: 2026,
    month: 12,
    day: 3,
};

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// GS1's notation of an element string: "^" for FNC1, first and after
/// every variable-length value but the last.
fn caret(pairs: &[(&str, &str)]) -> String {
    let mut s = String::from("^");
    for (i, (ai, v)) in pairs.iter().enumerate() {
        s.push_str(ai);
        s.push_str(v);
        let fnc1 = dictionary::entry(ai).is_none_or(|e| e.fnc1);
        if fnc1 && i + 1 < pairs.len() {
            s.push('^');
        }
    }
    s
}

fn kind(p: &AiProblem) -> String {
    match p {
        AiProblem::Character { set, .. } => format!(
            "character:{}",
            match set {
                Charset::Digits => "digits",
                Charset::Cset82 => "cset82",
                Charset::Cset39 => "cset39",
                Charset::Cset64 => "cset64",
            }
        ),
        AiProblem::Base64Padding => "base64-padding".into(),
        AiProblem::CheckDigit => "check-digit".into(),
        AiProblem::CheckPair => "check-pair".into(),
        AiProblem::CompanyPrefix => "company-prefix".into(),
        AiProblem::Month => "month".into(),
        AiProblem::Day => "day".into(),
        AiProblem::Hour => "hour".into(),
        AiProblem::Minute => "minute".into(),
        AiProblem::Second => "second".into(),
        AiProblem::Currency => "currency".into(),
        AiProblem::Country => "country".into(),
        AiProblem::Zero => "zero".into(),
        AiProblem::ZeroPrefix => "zero-prefix".into(),
        AiProblem::Rule { rule } => format!("rule:{rule}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn digital_links_as_gs1s_syntax_engine_reads_them() {
    let mut n = 0;
    for row in rows(DL) {
        let (verdict, uri, expected) = (row[0], row[1], row.get(2).copied().unwrap_or(""));
        let got = parse_digital_link(uri, TODAY);
        match verdict {
            "ok" => {
                let d = got.unwrap_or_else(|e| panic!("{uri}: GS1 accepts it, Vitrine says {e}"));
                let pairs: Vec<(&str, &str)> = d.elements.iter().map(|e| (e.ai.as_str(), e.value.as_str())).collect();
                assert_eq!(caret(&pairs), expected, "{uri}");
                assert_eq!(format!("^{}", d.raw().replace(GS, "^")), expected, "{uri}");
            }
            _ => assert!(got.is_err(), "{uri}: GS1 refuses it, Vitrine reads {got:?}"),
        }
        n += 1;
    }
    assert!(n >= 80, "{n} Digital Link vectors");
}

#[test]
fn element_strings_and_content_rules_as_gs1s_syntax_engine_checks_them() {
    let mut n = 0;
    for row in rows(AI) {
        let (test, verdict, input, expected) = (row[0], row[1], row[2], row[3]);
        match (test, verdict) {
            ("parse", "ok") => {
                let pairs =
                    each_ai(input, TODAY).unwrap_or_else(|e| panic!("{input}: GS1 accepts it, Vitrine says {e}"));
                let pairs: Vec<(&str, &str)> = pairs.iter().map(|(e, v)| (e.ai, v.as_str())).collect();
                assert_eq!(caret(&pairs), expected, "{input}");
            }
            ("parse", _) => assert!(each_ai(input, TODAY).is_err(), "{input}: GS1 refuses it"),
            ("lint", "ok") => {
                parse_element_string(input, TODAY)
                    .unwrap_or_else(|e| panic!("{input}: GS1 accepts it, Vitrine says {e}"));
            }
            _ => match parse_element_string(input, TODAY) {
                Err(Gs1Error::Value { problem, .. }) => assert_eq!(kind(&problem), expected, "{input} ({})", row[4]),
                other => panic!("{input}: GS1 refuses it for {}, Vitrine says {other:?}", row[4]),
            },
        }
        n += 1;
    }
    assert!(n >= 60, "{n} element string vectors");
}

#[test]
fn content_rules_one_by_one() {
    let mut n = 0;
    for row in rows(LINTERS) {
        let (name, data, verdict) = (row[0], row[1], row[2]);
        // The reference tests place two-digit years from 2021.
        let got = match name {
            "cset64" => lint::charset(Charset::Cset64, data, 0),
            _ => {
                let l = match name {
                    "yymmd0" => Lint::Yymmd0,
                    "csumalpha" => Lint::Csumalpha,
                    "gcppos1" => Lint::Gcppos1,
                    "gcppos2" => Lint::Gcppos2,
                    "mediatype" => Lint::Mediatype,
                    "iso4217" => Lint::Iso4217,
                    "iso3166" => Lint::Iso3166,
                    other => panic!("no linter {other} in the vectors' list"),
                };
                l.check(data, 2021)
            }
        };
        assert_eq!(got.is_ok(), verdict == "ok", "{name}({data:?}): {got:?}");
        n += 1;
    }
    assert!(n >= 160, "{n} linter vectors");
}
