//! Catalog cache at scale: a seeded 1,000,000-product catalog.
//!
//! Run with `cargo bench --bench catalog_1m` (optionally `-- --products N`).
//! Measures: JSONL import time, applying a realistic mix of prices (national
//! and per store), 5 stores' stock, offers and promotions at several levels, lookup latency by GTIN (p50/p99, through the same code path as
//! `vitrine lookup`), FTS5 search latency (p50/p99), database size, and the
//! peak RSS of a `vitrine lookup` process on that database.
//!
//! Under `cargo test` (no `--bench` argument) it only checks that the
//! generator is deterministic, so the test suite stays fast.

use std::io::{BufWriter, Write};
use std::time::Instant;

use vitrine::catalog::{Catalog, VersionMove};
use vitrine_core::Gtin;
use vitrine_core::catalog::Change;
use vitrine_core::code::parse_product_code;
use vitrine_core::demo::{
    DEMO_SEED, demo_offers, demo_price, demo_promotions, demo_stock, demo_store_price, demo_stores,
};

const WORDS: &[&str] = &[
    "chocolat",
    "noir",
    "lait",
    "biscuit",
    "sablé",
    "pâte",
    "tartiner",
    "noisette",
    "yaourt",
    "nature",
    "fraise",
    "vanille",
    "café",
    "moulu",
    "thé",
    "vert",
    "jus",
    "orange",
    "pomme",
    "poire",
    "compote",
    "confiture",
    "miel",
    "riz",
    "basmati",
    "pâtes",
    "complètes",
    "sauce",
    "tomate",
    "basilic",
    "huile",
    "olive",
    "vinaigre",
    "moutarde",
    "sel",
    "poivre",
    "farine",
    "sucre",
    "beurre",
    "doux",
    "fromage",
    "comté",
    "chèvre",
    "jambon",
    "saumon",
    "fumé",
    "thon",
    "sardines",
    "lentilles",
    "pois",
    "chiches",
    "haricots",
    "maïs",
    "soupe",
    "légumes",
    "céréales",
    "muesli",
    "granola",
    "avoine",
    "chips",
    "crackers",
    "bonbons",
    "gaufres",
    "madeleines",
    "brioche",
    "pain",
    "mie",
    "eau",
    "gazeuse",
    "limonade",
    "cola",
    "bière",
    "vin",
    "rouge",
    "blanc",
    "cidre",
    "bio",
    "light",
    "original",
    "intense",
    "dark",
    "milk",
    "cookies",
    "crunchy",
    "organic",
    "whole",
    "grain",
    "peanut",
    "butter",
    "honey",
    "roasted",
];
const BRANDS: &[&str] = &[
    "Lindt",
    "Bonne Maman",
    "Lu",
    "Danone",
    "Président",
    "Panzani",
    "Barilla",
    "Lustucru",
    "Carte Noire",
    "Lipton",
    "Tropicana",
    "Andros",
    "St Michel",
    "Heudebert",
    "Fleury Michon",
    "Petit Navire",
    "Bjorg",
    "Jardin Bio",
    "Alter Eco",
    "Nestlé",
    "Ferrero",
    "Kellogg's",
    "Quaker",
    "Evian",
    "Vittel",
    "Perrier",
    "Orangina",
    "Brets",
];

/// splitmix64 step.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The i-th generated GTIN: EAN-13 with prefix 3 (France) and 11 scattered
/// digits (a bijection of i modulo 10^11), check digit computed.
fn gen_gtin(i: u64) -> Gtin {
    let body = (i.wrapping_mul(7_919_792_311) + 12_345_678_901) % 100_000_000_000;
    Gtin::from_body(&format!("3{body:011}")).unwrap_or_else(|e| panic!("generated body {body}: {e}"))
}

fn gen_record(i: u64, seed: u64) -> String {
    let mut s = seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407);
    let n = 2 + next(&mut s) % 4;
    let name: Vec<&str> = (0..n)
        .map(|_| WORDS[(next(&mut s) % WORDS.len() as u64) as usize])
        .collect();
    let brand = BRANDS[(next(&mut s) % BRANDS.len() as u64) as usize];
    let grams = 50 * (1 + next(&mut s) % 20);
    let g = gen_gtin(i);
    serde_json::json!({
        "gtin": g.short_form(),
        "gtin14": g.as_gtin14(),
        "gtin_valid": true,
        "name": name.join(" "),
        "brand": brand,
        "quantity": format!("{grams} g"),
        "category": null,
        "source": "vitrine-bench-generator",
        "license": "CC0-1.0",
    })
    .to_string()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

/// Peak RSS of a `vitrine lookup` process, through GNU time (a child forked
/// from this big benchmark process would report the parent's RSS as its own).
fn peak_rss_of_lookup(data_dir: &std::path::Path, code: &str) -> Option<(i32, u64)> {
    let bin = env!("CARGO_BIN_EXE_vitrine");
    let out = std::process::Command::new("/usr/bin/time")
        .args([
            "-f",
            "%x %M",
            bin,
            "--data-dir",
            data_dir.to_str()?,
            "lookup",
            code,
            "--json",
        ])
        .env("VITRINE_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last()?;
    let mut it = last.split_whitespace();
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    if !bench {
        // cargo test runs bench targets too: the generator makes distinct
        // GTINs (a collision would make the million products fewer) and
        // records the kiosk's import reads.
        assert_ne!(gen_gtin(1), gen_gtin(2));
        let p = vitrine_core::catalog::parse_record(&gen_record(42, DEMO_SEED)).expect("a readable record");
        assert_eq!(p.gtin, gen_gtin(42));
        println!("catalog_1m: run with `cargo bench --bench catalog_1m` for figures");
        return;
    }
    let n: u64 = args
        .iter()
        .position(|a| a == "--products")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&root).expect("create output dir");
    let jsonl = root.join("catalog.jsonl");
    let data = root.join("data");

    let t = Instant::now();
    {
        let mut w = BufWriter::new(std::fs::File::create(&jsonl).expect("create jsonl"));
        for i in 0..n {
            writeln!(w, "{}", gen_record(i, DEMO_SEED)).expect("write jsonl");
        }
        w.flush().expect("flush");
    }
    let jsonl_bytes = std::fs::metadata(&jsonl).map(|m| m.len()).unwrap_or(0);
    println!(
        "generate  {n} products, {:.1} MB JSONL in {:.1} s",
        jsonl_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let mut cat = Catalog::open(&data).expect("open catalog");
    let t = Instant::now();
    let file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&jsonl).expect("open jsonl"));
    let report = cat.import_jsonl(file, 0, None, &mut |_| {}).expect("import");
    let import_s = t.elapsed().as_secs_f64();
    println!(
        "import    {} products in {import_s:.1} s (one transaction, FTS5 index included)",
        report.imported
    );

    // A realistic mix (issue 18): a national price, every demo store's price
    // and stock (5 stores), marketplace offers and the demo's promotions (all
    // products, brands, categories, single products, over a sample of 1 in
    // 100 products), in batches of about 200,000 changes. The lookup parses
    // every promotion that can apply on each call, so they must be there.
    let stores = demo_stores();
    let store = &stores[0];
    let t = Instant::now();
    let mut batch: Vec<Change> = stores.iter().cloned().map(Change::UpsertStore).collect();
    let mut sample = Vec::new();
    let mut written = 0usize;
    for i in 0..n {
        let p = vitrine_core::catalog::parse_record(&gen_record(i, DEMO_SEED)).expect("a generated record");
        batch.push(Change::SetPrice(demo_price(&p, DEMO_SEED)));
        for s in &stores {
            if let Some(sp) = demo_store_price(&p, s, DEMO_SEED) {
                batch.push(Change::SetPrice(sp));
            }
            batch.push(Change::SetStock(demo_stock(&p, s, DEMO_SEED, 0)));
        }
        batch.extend(demo_offers(&p, DEMO_SEED).into_iter().map(Change::UpsertOffer));
        if i % 100 == 0 {
            sample.push(p);
        }
        if batch.len() >= 200_000 {
            written += batch.len();
            cat.apply(&batch, VersionMove::Increment, 0, &mut |_| {})
                .expect("apply");
            batch.clear();
        }
    }
    batch.extend(
        demo_promotions(&sample, DEMO_SEED)
            .into_iter()
            .map(Change::UpsertPromotion),
    );
    written += batch.len();
    cat.apply(&batch, VersionMove::Increment, 0, &mut |_| {})
        .expect("apply");
    let st = cat.status().expect("status");
    println!(
        "prices    {written} changes applied in {:.1} s: {} prices, {} stock rows ({} stores), {} offers, {} promotions",
        t.elapsed().as_secs_f64(),
        st.prices,
        st.stock_rows,
        st.stores,
        st.offers,
        st.promotions
    );
    drop(cat);
    let db_bytes = std::fs::metadata(data.join("catalog.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0);

    // Lookups through a reader, as the kiosk does.
    let reader = Catalog::open_readonly(&data).expect("open reader");
    let mut state = 7u64;
    let codes: Vec<String> = (0..100_000)
        .map(|k| {
            if k % 10 == 9 {
                // 10 % misses (valid GTINs not in the catalog)
                Gtin::from_body(&format!("4{:011}", next(&mut state) % 100_000_000_000))
                    .map(|g| g.short_form())
                    .unwrap_or_default()
            } else {
                gen_gtin(next(&mut state) % n).short_form()
            }
        })
        .collect();
    // warm-up
    for c in codes.iter().take(1000) {
        let code = parse_product_code(c, vitrine::scan::today()).expect("code");
        reader.lookup(&code, &store.id, 0).expect("lookup");
    }
    let mut lat = Vec::with_capacity(codes.len());
    let mut found = 0;
    for c in &codes {
        let t = Instant::now();
        let code = parse_product_code(c, vitrine::scan::today()).expect("code");
        if matches!(
            reader.lookup(&code, &store.id, 0).expect("lookup"),
            vitrine::catalog::Lookup::Found(_)
        ) {
            found += 1;
        }
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "lookup    {} lookups ({found} found): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );

    let mut lat = Vec::new();
    for k in 0..1000 {
        let a = WORDS[(next(&mut state) % WORDS.len() as u64) as usize];
        let b = WORDS[(next(&mut state) % WORDS.len() as u64) as usize];
        let q = if k % 2 == 0 {
            format!("{a} {}", b.chars().take(3).collect::<String>())
        } else {
            a.to_string()
        };
        let t = Instant::now();
        let hits = reader.search(&q, &store.id, 20).expect("search");
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(hits);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "search    1000 queries, 20 hits each: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    println!(
        "size      database {:.1} MB ({:.0} bytes per product)",
        db_bytes as f64 / 1e6,
        db_bytes as f64 / n as f64
    );
    drop(reader);
    match peak_rss_of_lookup(&data, &gen_gtin(n / 2).short_form()) {
        Some((code, kb)) => println!(
            "rss       `vitrine lookup` process: exit {code}, peak RSS {:.1} MB",
            kb as f64 / 1024.0
        ),
        None => println!("rss       could not measure the lookup process"),
    }
}
