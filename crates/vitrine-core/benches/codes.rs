//! What reading a code costs: `parse_product_code_with` runs on every code
//! the camera decodes (once per debounced scan) and on every key burst of a
//! USB scanner, so it must stay far below a frame's decode time (~10 ms).
//! Prints figures; no assertions. `cargo bench -p vitrine-core --bench codes`;
//! under `cargo test` (no `--bench` argument) each runs a few times only.

// A benchmark is a program outside the core that measures it: it reads the
// clock and its arguments, which the core's purity lint (clippy.toml)
// forbids in the core itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::hint::black_box;
use std::time::Instant;

use vitrine_core::code::{CodeContext, VariableMeasureRules, parse_product_code_with};
use vitrine_core::gs1::Gs1Date;

fn time(label: &str, n: u32, mut f: impl FnMut()) {
    let n = if std::env::args().any(|a| a == "--bench") {
        n
    } else {
        10
    };
    for _ in 0..n / 10 {
        f();
    }
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    let per = t.elapsed().as_secs_f64() / f64::from(n);
    println!("{label:<58} {:>8.2} µs/op  ({n} ops)", per * 1e6);
}

fn main() {
    let rules = VariableMeasureRules::default();
    let today = Gs1Date {
        year: 2026,
        month: 12,
        day: 3,
    };
    let ctx = CodeContext::new(&rules, today);
    for (label, code) in [
        ("EAN-13", "5449000039231"),
        ("in-store weight label (EAN-13, prefix 25)", "2500100075000"),
        (
            "GS1 DataMatrix: GTIN, lot, expiry (]d2, GS)",
            "]d2010544900003923110ABC123\u{1d}17751231",
        ),
        (
            "GS1 DataMatrix: GTIN, weight, price, expiry",
            "]d20102500100000002310300075039221234\u{1d}17261231",
        ),
        ("bracketed: GTIN, lot, expiry", "(01)05449000039231(10)ABC123(17)751231"),
        ("USB scanner, no prefix: GTIN, lot", "010544900003923110ABC123"),
        (
            "Digital Link: GTIN, lot, expiry",
            "https://id.gs1.org/01/05449000039231/10/ABC123?17=751231",
        ),
        ("refused: label price without a measure", "(01)05449000039231(3922)0001"),
    ] {
        assert_eq!(
            parse_product_code_with(code, None, &ctx).is_ok(),
            !label.starts_with("refused"),
            "{code}"
        );
        time(label, 200_000, || {
            black_box(parse_product_code_with(black_box(code), None, &ctx).ok());
        });
    }
}
