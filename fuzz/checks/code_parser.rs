//! Fuzzes every code a shopper can present: retail barcodes, ISBN, GS1 element
//! strings (raw with GS separators or a scanner's replacement character,
//! bracketed) validated with GS1's Barcode Syntax Dictionary, GS1 Digital Link
//! URIs and variable-measure labels. Nothing may panic; an accepted code must
//! give a GTIN whose check digit verifies and which round-trips through
//! GTIN-14 text, and must re-encode to its canonical form (the bracketed
//! element string for GS1 data, the raw form with GS too) that reads back to
//! the same product and the same GS1 data. The label rule
//! (`vitrine_core::label`) must answer for whatever is accepted.
//!
//! Shared by the fuzz target and `tests/fuzz_corpora.rs`, which replays the
//! committed corpus in CI.

use vitrine_core::code::{
    CodeContext, CodeForm, Scanned, Symbology, VariableMeasureRules, classify, parse_product_code_with,
};
use vitrine_core::gs1::Gs1Date;
use vitrine_core::label::{LabelMeasure, code_price, pack_price};
use vitrine_core::product::SoldBy;
use vitrine_core::{Currency, Gtin, Money, ProductCode};

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

/// A fixed "today": the century of two-digit years must not depend on the
/// day the corpus is replayed.
const TODAY: Gs1Date = Gs1Date {
    year: 2026,
    month: 12,
    day: 3,
};

pub fn check(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rules = VariableMeasureRules::default();
    // Bit 6 of the selector: a scanner that sends "^" for GS.
    let separator = (selector & 0x40 != 0).then_some('^');
    let ctx = CodeContext::new(&rules, TODAY).with_separator(separator);
    let hint = (selector & 0x80 != 0).then(|| SYMBOLOGIES[usize::from(selector) % SYMBOLOGIES.len()]);
    if let Ok(code) = parse_product_code_with(text, hint, &ctx) {
        check_code(&code, &ctx);
    }
    let sym = SYMBOLOGIES[usize::from(selector) % SYMBOLOGIES.len()];
    if let Ok(Scanned::Product(code)) = classify(text, sym, &ctx) {
        check_code(&code, &ctx);
    }
}

fn check_code(code: &ProductCode, ctx: &CodeContext<'_>) {
    check_gtin(code.gtin);
    if let Some(alt) = code.alternative {
        check_gtin(alt);
    }
    let _ = code.gs1.net_weight_grams();
    if let Some(p) = code.gs1.price {
        let _ = p.to_minor(2);
    }
    // The canonical form reads back to the same code (no hint, no
    // separator: it is the form a person would type).
    let canonical = code.canonical();
    let plain = CodeContext::new(ctx.variable_measure, ctx.today);
    let back = parse_product_code_with(&canonical, None, &plain)
        .unwrap_or_else(|e| panic!("{canonical:?}, the canonical form of an accepted code, is refused: {e}"));
    assert_eq!(back.gtin, code.gtin, "{canonical:?}");
    assert_eq!(back.gs1, code.gs1, "{canonical:?}");
    assert_eq!(back.variable, code.variable, "{canonical:?}");
    if matches!(code.form, CodeForm::Gs1ElementString | CodeForm::DigitalLink) {
        // And so does the raw form a GS1 symbol carries.
        let raw = format!("]C1{}", code.gs1.raw());
        let back = parse_product_code_with(&raw, None, &plain)
            .unwrap_or_else(|e| panic!("{raw:?}, the raw form of an accepted code, is refused: {e}"));
        assert_eq!(back.gs1, code.gs1, "{raw:?}");
    }
    // The label rule answers, on a unit-priced and a weighed item alike.
    for sold_by in [SoldBy::Unit, SoldBy::Kilogram] {
        let unit = Some(Money::eur(309));
        let priced = code_price(unit, sold_by, code, Currency::EUR);
        let measure = LabelMeasure::of(code, Currency::EUR);
        assert_eq!(pack_price(code.gtin, unit, sold_by, measure.as_ref()), priced);
        if let Ok(Some(p)) = priced {
            assert_eq!(p.currency, Currency::EUR);
        }
    }
}

fn check_gtin(g: Gtin) {
    let text = g.as_gtin14();
    assert_eq!(text.len(), 14);
    assert_eq!(Gtin::from_gtin14(&text).ok(), Some(g));
}
