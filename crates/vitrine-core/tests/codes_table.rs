//! One table of codes as shoppers, scanners and typists present them, with
//! the verdict and the fields read from each: retail barcodes, every way a
//! scanner sends GS1 data (AIM identifiers, leading FNC1, none, GS or a
//! configured replacement), bracketed GS1 data, GS1 Digital Links, and what
//! GS1's Barcode Syntax Dictionary refuses (lengths, character sets, check
//! digits, dates by the century rule, repeats, requisites, exclusions).
//!
//! "Today" is fixed (3 December 2026): GS1 places two-digit years relative
//! to the current year.

use vitrine_core::code::{
    CodeContext, CodeError, CodeForm, Embedded, Scanned, Symbology, classify, parse_product_code_with,
};
use vitrine_core::gs1::{AiProblem, DlProblem, Gs1Date, Gs1Error};

const TODAY: Gs1Date = Gs1Date {
    year: 2026,
    month: 12,
    day: 3,
};

fn problem(p: &AiProblem) -> String {
    match p {
        AiProblem::Character { set, .. } => format!("character:{set:?}").to_lowercase(),
        AiProblem::TooShort { .. } => "too-short".into(),
        AiProblem::TooLong { .. } => "too-long".into(),
        AiProblem::CheckDigit => "check-digit".into(),
        AiProblem::Rule { rule } => format!("rule:{rule}"),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn dl(p: &DlProblem) -> String {
    match p {
        DlProblem::Character { .. } => "character".into(),
        DlProblem::Scheme => "scheme".into(),
        DlProblem::Host => "host".into(),
        DlProblem::NoKey => "no-key".into(),
        DlProblem::EmptyValue { ai } => format!("empty ({ai})"),
        DlProblem::Null { ai } => format!("null ({ai})"),
        DlProblem::Qualifiers => "qualifiers".into(),
        DlProblem::NotAttribute { ai } => format!("not-attribute ({ai})"),
        DlProblem::InPath { ai } => format!("in-path ({ai})"),
        DlProblem::UnknownAi { ai } => format!("unknown-ai ({ai})"),
        DlProblem::Duplicate { ai } => format!("duplicate ({ai})"),
    }
}

/// The verdict and the fields, in one line.
fn describe(r: Result<vitrine_core::ProductCode, CodeError>) -> String {
    let c = match r {
        Ok(c) => c,
        Err(e) => {
            return format!(
                "! {}",
                match e {
                    CodeError::Empty => "empty".into(),
                    CodeError::InvalidCharacter { ch, pos } => format!("char {ch}@{}", pos + 1),
                    CodeError::BadLength { len } => format!("length {len}"),
                    CodeError::CheckDigit { .. } => "check-digit".into(),
                    CodeError::CheckDigit8 { .. } => "check-digit-8".into(),
                    CodeError::Isbn10CheckDigit { .. } => "isbn10-check".into(),
                    CodeError::NotUpcE { .. } => "not-upce".into(),
                    CodeError::MissingGtin => "no-gtin".into(),
                    CodeError::NotAProductCode { .. } => "not-a-product".into(),
                    CodeError::Gs1(g) => match g {
                        Gs1Error::Empty => "gs1-empty".into(),
                        Gs1Error::Brackets { .. } => "brackets".into(),
                        Gs1Error::UnknownAi { ai } => format!("unknown-ai ({ai})"),
                        Gs1Error::NoAiAt { .. } => "no-ai-at".into(),
                        Gs1Error::Value { ai, problem: p } => format!("({ai}) {}", problem(&p)),
                        Gs1Error::Repeated { ai } => format!("repeated ({ai})"),
                        Gs1Error::Requires { ai, .. } => format!("requires ({ai})"),
                        Gs1Error::Excludes { ai, other } => format!("excludes ({ai}) ({other})"),
                        Gs1Error::Unserialised { ai } => format!("unserialised ({ai})"),
                        Gs1Error::DigitalLink(p) => format!("dl {}", dl(&p)),
                    },
                }
            );
        }
    };
    let form = match c.form {
        CodeForm::Ean8 => "ean8",
        CodeForm::UpcE => "upc-e",
        CodeForm::UpcA => "upc-a",
        CodeForm::Ean13 => "ean13",
        CodeForm::Isbn13 => "isbn13",
        CodeForm::Isbn10 => "isbn10",
        CodeForm::Gtin14 => "gtin14",
        CodeForm::Gs1ElementString => "gs1",
        CodeForm::DigitalLink => "dl",
    };
    let mut s = format!("{} {form}", c.gtin.as_gtin14());
    let g = &c.gs1;
    if let Some(v) = &g.lot {
        s += &format!(" lot={v}");
    }
    if let Some(v) = &g.serial {
        s += &format!(" ser={v}");
    }
    if let Some(d) = g.best_before {
        s += &format!(" bb={d}");
    }
    if let Some(d) = g.expiry {
        s += &format!(" exp={d}");
    }
    if let Some(w) = g.net_weight_grams() {
        s += &format!(" g={w}");
    }
    if let Some(p) = g.price {
        s += &format!(" price={}/{}", p.value, p.decimals);
        if let Some(iso) = p.iso_numeric {
            s += &format!("/{iso}");
        }
    }
    match c.variable.map(|v| v.embedded) {
        Some(Embedded::Price { amount_minor }) => s += &format!(" var-price={amount_minor}"),
        Some(Embedded::Weight { grams }) => s += &format!(" var-g={grams}"),
        None => {}
    }
    if let Some(a) = c.alternative {
        s += &format!(" alt={}", a.as_gtin14());
    }
    s
}

/// (input, the scanner's GS replacement, verdict and fields)
const TABLE: &[(&str, Option<char>, &str)] = &[
    // Retail barcodes, typed or scanned.
    ("5449000039231", None, "05449000039231 ean13"),
    (" 5449000039231\n", None, "05449000039231 ean13"),
    ("]E05449000039231", None, "05449000039231 ean13"),
    ("049000006582", None, "00049000006582 upc-a"),
    ("04965802", None, "00049000006582 upc-e"),
    ("]E404965802", None, "! check-digit"),
    ("96385074", None, "00000096385074 ean8"),
    ("00049000006582", None, "00049000006582 gtin14"),
    ("978-0-439-02348-1", None, "09780439023481 isbn13"),
    ("0-439-02348-3", None, "09780439023481 isbn10"),
    ("043942089X", None, "09780439420891 isbn10"),
    ("0439023484", None, "! isbn10-check"),
    ("5449000039232", None, "! check-digit"),
    ("12345", None, "! length 5"),
    ("54490000a9231", None, "! char a@9"),
    ("", None, "! empty"),
    ("   ", None, "! empty"),
    ("ftp://id.gs1.org/01/05449000039231", None, "! char f@1"),
    // In-store variable-measure labels (Vitrine's default layouts).
    ("2112345012346", None, "02112345000008 ean13 var-price=1234"),
    ("2500100075000", None, "02500100000002 ean13 var-g=7500"),
    // GS1 element strings: every way a scanner sends them.
    (
        "]C1010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "]d2010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "]Q3010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "]e0010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "]J1010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "\u{1d}010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "010544900003923110ABC123\u{1d}17751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    ("010544900003923110ABC123", None, "05449000039231 gs1 lot=ABC123"),
    (
        "(01)05449000039231(10)ABC123(17)751231",
        None,
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "010544900003923110ABC123^17751231",
        Some('^'),
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "^010544900003923110ABC123^17751231",
        Some('^'),
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    (
        "]C1010544900003923110ABC123~17751231",
        Some('~'),
        "05449000039231 gs1 lot=ABC123 exp=2075-12-31",
    ),
    ("010544900003923110ABC123^17751231", None, "! (10) character:cset82"),
    ("0105449000039231", None, "05449000039231 gs1"),
    ("]C10105449000039231", None, "05449000039231 gs1"),
    ("]C1", None, "! empty"),
    ("]C1\u{1d}", None, "! gs1-empty"),
    (
        "01054490000392311726123110ABC",
        None,
        "05449000039231 gs1 lot=ABC exp=2026-12-31",
    ),
    (
        "0105449000039231310300075039220123",
        None,
        "05449000039231 gs1 g=750 price=123/2",
    ),
    (
        "0105449000039231310300075039220123\u{1d}",
        None,
        "05449000039231 gs1 g=750 price=123/2",
    ),
    ("]d2\u{1d}01054490000392313103000750", None, "05449000039231 gs1 g=750"),
    ("01054490000392311713", None, "! (17) too-short"),
    ("010544900003923110", None, "! (10) empty"),
    ("0105449000039231(9", None, "! no-ai-at"),
    // Dates: GS1's century rule (General Specifications 7.12), day 00.
    (
        "(01)05449000039231(17)751231",
        None,
        "05449000039231 gs1 exp=2075-12-31",
    ),
    (
        "(01)05449000039231(17)761231",
        None,
        "05449000039231 gs1 exp=2076-12-31",
    ),
    (
        "(01)05449000039231(17)771231",
        None,
        "05449000039231 gs1 exp=1977-12-31",
    ),
    ("(01)05449000039231(15)280200", None, "05449000039231 gs1 bb=2028-02-29"),
    (
        "(01)05449000039231(17)261200",
        None,
        "05449000039231 gs1 exp=2026-12-31",
    ),
    (
        "(01)05449000039231(17)000229",
        None,
        "05449000039231 gs1 exp=2000-02-29",
    ),
    ("(01)05449000039231(17)260229", None, "! (17) day"),
    ("(01)05449000039231(17)261331", None, "! (17) month"),
    ("(01)05449000039231(17)2612", None, "! (17) too-short"),
    ("(01)05449000039231(11)261200", None, "05449000039231 gs1"),
    ("(01)05449000039231(8008)261203105959", None, "05449000039231 gs1"),
    ("(01)05449000039231(8008)261203245959", None, "! (8008) hour"),
    // Measures and prices: the dictionary's requisites and exclusions.
    ("(01)05449000039231(3103)000750", None, "05449000039231 gs1 g=750"),
    ("(01)05449000039231(3202)000200", None, "05449000039231 gs1 g=907"),
    (
        "(01)05449000039231(3103)000750(3102)007500",
        None,
        "! excludes (3103) (3102)",
    ),
    (
        "(01)05449000039231(3103)000750(3103)000750",
        None,
        "05449000039231 gs1 g=750",
    ),
    ("(01)05449000039231(3922)0001", None, "! requires (3922)"),
    (
        "(01)05449000039231(3103)000330(3922)0001",
        None,
        "05449000039231 gs1 g=330 price=1/2",
    ),
    (
        "(01)05449000039231(30)5(3922)0299",
        None,
        "05449000039231 gs1 price=299/2",
    ),
    (
        "(01)05449000039231(3103)000330(3932)9780001",
        None,
        "05449000039231 gs1 g=330 price=1/2/978",
    ),
    ("(01)05449000039231(3103)000330(3932)9870001", None, "! (3932) currency"),
    ("(01)05449000039231(3932)9780001", None, "! requires (3932)"),
    (
        "(01)05449000039231(3103)000330(3922)0001(3932)9780001",
        None,
        "! excludes (3922) (3932)",
    ),
    (
        "(01)95449000039234(3103)000750(3922)1234",
        None,
        "95449000039234 gs1 g=750 price=1234/2",
    ),
    ("(01)02500100000002(3103)001500", None, "02500100000002 gs1 g=1500"),
    ("(01)05449000039231(3103)00075", None, "! (3103) too-short"),
    ("(01)05449000039231(3103)0007500", None, "! (3103) too-long"),
    ("(01)05449000039231(3922)1234567890123456", None, "! (3922) too-long"),
    // Values: lengths, character sets, check digits.
    ("(01)05449000039231(10)A(10)B", None, "! repeated (10)"),
    ("(01)05449000039231(10)A(10)A", None, "05449000039231 gs1 lot=A"),
    ("(01)05449000039231(10)AB C", None, "! (10) character:cset82"),
    ("(01)05449000039231(10)ABCDEFGHIJKLMNOPQRSTU", None, "! (10) too-long"),
    ("(01)05449000039231(10)", None, "! (10) empty"),
    ("(01)05449000039231(10)A\\(B", None, "05449000039231 gs1 lot=A(B"),
    ("(01)05449000039231(10)LOT-1/2", None, "05449000039231 gs1 lot=LOT-1/2"),
    (
        "(01)05449000039231(21)SER1(10)LOT",
        None,
        "05449000039231 gs1 lot=LOT ser=SER1",
    ),
    ("(01)0544900003923", None, "! (01) too-short"),
    ("(01)05449000039232", None, "! (01) check-digit"),
    ("(01)0544900003923A", None, "! (01) character:digits"),
    ("(10)LOT", None, "! requires (10)"),
    ("(00)006141411234567890", None, "! no-gtin"),
    (
        "(00)006141411234567890(02)05449000039231(37)12",
        None,
        "05449000039231 gs1",
    ),
    ("(02)05449000039231(37)12", None, "! requires (37)"),
    ("(01)05449000039231(89)X", None, "! unknown-ai (89)"),
    ("(01)05449000039231(7240)XYZ", None, "05449000039231 gs1"),
    ("(01)05449000039231(235)TPX(21)S", None, "! excludes (21) (235)"),
    ("(01)05449000039231(255)9520123456788", None, "! excludes (01) (255)"),
    ("(01)05449000039231(422)250", None, "05449000039231 gs1"),
    ("(01)05449000039231(422)999", None, "! (422) country"),
    ("(01", None, "! brackets"),
    ("()12345", None, "! brackets"),
    ("(1A)12345", None, "! brackets"),
    // GS1 Digital Link.
    ("https://id.gs1.org/01/05449000039231", None, "05449000039231 dl"),
    (
        "https://id.gs1.org/01/05449000039231/10/ABC123?17=751231",
        None,
        "05449000039231 dl lot=ABC123 exp=2075-12-31",
    ),
    (
        "HTTPS://shop.example.com/p/x/01/05449000039231/10/A%2FB?linkType=all#top",
        None,
        "05449000039231 dl lot=A/B",
    ),
    ("http://localhost:8080/01/05449000039231", None, "05449000039231 dl"),
    ("https://id.gs1.org/01/05449000039231#frag", None, "05449000039231 dl"),
    (
        "https://id.gs1.org/01/05449000039231/22/V1/10/L/21/S",
        None,
        "05449000039231 dl lot=L ser=S",
    ),
    (
        "https://id.gs1.org/01/05449000039231/235/TPX",
        None,
        "05449000039231 dl",
    ),
    (
        "https://id.gs1.org/01/05449000039231/10/ABC?17=751231&linkType=gs1:pip",
        None,
        "05449000039231 dl lot=ABC exp=2075-12-31",
    ),
    (
        "https://id.gs1.org/01/05449000039231/10/A%",
        None,
        "05449000039231 dl lot=A%",
    ),
    (
        "https://id.gs1.org/01/05449000039231?3922=0001",
        None,
        "! requires (3922)",
    ),
    (
        "https://id.gs1.org/01/05449000039231?3103=000330&3922=0001",
        None,
        "05449000039231 dl g=330 price=1/2",
    ),
    ("https://id.gs1.org/gtin/05449000039231", None, "! dl no-key"),
    ("https://id.gs1.org/01/5449000039231", None, "! (01) too-short"),
    (
        "https://id.gs1.org/01/05449000039231/21/S/10/L",
        None,
        "! dl qualifiers",
    ),
    ("https://id.gs1.org/01/05449000039231?10=L", None, "! dl in-path (10)"),
    (
        "https://id.gs1.org/01/05449000039231?21=S",
        None,
        "! dl not-attribute (21)",
    ),
    (
        "https://id.gs1.org/01/05449000039231/10/A%20B",
        None,
        "! (10) character:cset82",
    ),
    ("https://id.gs1.org/01/05449000039231/10/A%00", None, "! dl null (10)"),
    ("https://id.gs1.org/01/05449000039231?17=261232", None, "! (17) day"),
    (
        "https://id.gs1.org/01/05449000039231?99=X&99=Y",
        None,
        "! dl duplicate (99)",
    ),
    (
        "https://id.gs1.org/01/05449000039231?3103=000330&3103=000330",
        None,
        "! dl duplicate (3103)",
    ),
    (
        "https://id.gs1.org/01/05449000039231?8200=x",
        None,
        "! dl not-attribute (8200)",
    ),
    (
        "https://id.gs1.org/01/05449000039231?89=x",
        None,
        "! dl unknown-ai (89)",
    ),
    ("https://id.gs1.org/01/05449000039231?17=", None, "! dl empty (17)"),
    ("https://id.gs1.org/414/9520123456788", None, "! no-gtin"),
    ("https://example.com/product/42", None, "! dl no-key"),
    ("https://id.gs1.org/01/05449000039231 ", None, "05449000039231 dl"),
    ("https://id.gs1.org/01/05449 000039231", None, "! dl character"),
];

#[test]
fn every_form_its_verdict_and_fields() {
    assert!(TABLE.len() >= 100, "{} rows", TABLE.len());
    let rules = vitrine_core::code::VariableMeasureRules::default();
    let mut wrong = Vec::new();
    for (input, separator, want) in TABLE {
        let ctx = CodeContext::new(&rules, TODAY).with_separator(*separator);
        let got = describe(parse_product_code_with(input, None, &ctx));
        if got != *want {
            wrong.push(format!(
                "{input:?} (separator {separator:?}):\n   want {want}\n    got {got}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ:\n{}",
        wrong.len(),
        TABLE.len(),
        wrong.join("\n")
    );
}

/// What a camera (a symbology) or a keyboard (`Other`) hands over: a
/// product, another payload (a web address that is no Digital Link, a
/// loyalty token), or a refusal.
#[test]
fn products_payloads_and_refusals_by_symbol() {
    let rules = vitrine_core::code::VariableMeasureRules::default();
    let ctx = CodeContext::new(&rules, TODAY);
    let verdict = |text: &str, sym: Symbology| match classify(text, sym, &ctx) {
        Ok(Scanned::Product(p)) => p.gtin.as_gtin14(),
        Ok(Scanned::Payload(_)) => "payload".into(),
        Err(_) => "refused".into(),
    };
    for (text, sym, want) in [
        ("https://id.gs1.org/01/05449000039231", Symbology::Qr, "05449000039231"),
        ("https://shop.example/h/0191aa", Symbology::Qr, "payload"),
        ("https://id.gs1.org/gtin/05449000039231", Symbology::Qr, "payload"),
        (
            "https://id.gs1.org/01/05449000039231?3922=0001",
            Symbology::Qr,
            "refused",
        ),
        ("VTL1.abc.def", Symbology::Qr, "payload"),
        ("]Q3010544900003923110LOT", Symbology::Qr, "05449000039231"),
        ("]d2010544900003923110LOT", Symbology::DataMatrix, "05449000039231"),
        (
            "]d2010544900003923110LOT\u{1d}17261331",
            Symbology::DataMatrix,
            "refused",
        ),
        ("010544900003923110LOT", Symbology::Qr, "payload"),
        ("010544900003923110LOT", Symbology::Other, "05449000039231"),
        ("(01)05449000039231(17)751231", Symbology::Other, "05449000039231"),
        ("(01)05449000039231(17)751231", Symbology::Qr, "05449000039231"),
        ("(not gs1)", Symbology::Other, "payload"),
        ("5449000039231", Symbology::Ean13, "05449000039231"),
        ("5449000039232", Symbology::Ean13, "refused"),
    ] {
        assert_eq!(verdict(text, sym), want, "{text:?} as {sym:?}");
    }
}

mod round_trip {
    use proptest::prelude::*;
    use vitrine_core::code::{CodeContext, VariableMeasureRules, parse_product_code_with};

    use super::TODAY;

    proptest! {
        /// The fuzz target's property (`fuzz/checks/code_parser.rs`) on
        /// generated GS1-like text: nothing panics, and whatever is
        /// accepted reads back from its canonical form to the same code.
        #[test]
        fn whatever_is_accepted_reads_back_from_its_canonical_form(
            prefix in prop::sample::select(vec![
                "", "]C1", "]d2", "]Q3", "\u{1d}", "^", "01054490000392311",
                "(01)05449000039231", "(01)05449000039231(3103)000750",
                "https://id.gs1.org/01/05449000039231", "https://a/b/01/05449000039231?3103=000750&",
            ]),
            body in "[0-9A-Za-z()/%?=&#^ +.\u{1d}-]{0,32}",
        ) {
            let rules = VariableMeasureRules::default();
            let text = format!("{prefix}{body}");
            for sep in [None, Some('^')] {
                let ctx = CodeContext::new(&rules, TODAY).with_separator(sep);
                if let Ok(c) = parse_product_code_with(&text, None, &ctx) {
                    let canonical = c.canonical();
                    let back = parse_product_code_with(&canonical, None, &CodeContext::new(&rules, TODAY));
                    prop_assert!(back.is_ok(), "{text:?} -> {canonical:?}: {back:?}");
                    let back = back.unwrap();
                    prop_assert_eq!(back.gtin, c.gtin);
                    prop_assert_eq!(&back.gs1, &c.gs1);
                    prop_assert_eq!(&back.variable, &c.variable);
                }
            }
        }
    }
}
