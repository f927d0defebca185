//! Fuzzes every code a shopper can present: retail barcodes, ISBN, GS1 element
//! strings (raw with GS separators and bracketed), GS1 Digital Link URIs and
//! variable-measure labels. Nothing may panic; an accepted code must give a
//! GTIN whose check digit verifies and which round-trips through GTIN-14 text.
//!
//! Shared by the fuzz target and `tests/fuzz_corpora.rs`, which replays the
//! committed corpus in CI.

use vitrine_core::Gtin;
use vitrine_core::code::{Scanned, Symbology, VariableMeasureRules, classify, parse_product_code_with};

const SYMBOLOGIES: [Symbology; 9] = [
    Symbology::Ean13,
    Symbology::Ean8,
    Symbology::UpcA,
    Symbology::UpcE,
    Symbology::Qr,
    Symbology::DataMatrix,
    Symbology::Code128,
    Symbology::DataBar,
    Symbology::Other,
];

pub fn check(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rules = VariableMeasureRules::default();
    let hint = (selector & 0x80 != 0).then(|| SYMBOLOGIES[usize::from(selector) % SYMBOLOGIES.len()]);
    if let Ok(code) = parse_product_code_with(text, hint, &rules) {
        check_gtin(code.gtin);
        if let Some(alt) = code.alternative {
            check_gtin(alt);
        }
        let _ = code.gs1.net_weight_grams();
        if let Some(p) = code.gs1.price {
            let _ = p.to_minor(2);
        }
    }
    let sym = SYMBOLOGIES[usize::from(selector) % SYMBOLOGIES.len()];
    if let Ok(Scanned::Product(code)) = classify(text, sym, &rules) {
        check_gtin(code.gtin);
    }
}

fn check_gtin(g: Gtin) {
    let text = g.as_gtin14();
    assert_eq!(text.len(), 14);
    assert_eq!(Gtin::from_gtin14(&text).ok(), Some(g));
}
