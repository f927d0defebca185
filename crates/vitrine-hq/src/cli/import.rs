//! `vitrine-hq import FILE`: the referential's JSONL file as one catalog
//! version.

use std::io::BufReader;
use std::path::PathBuf;

use vitrine_hq::Hq;
use vitrine_hq::admin::{self, AdminError};

#[derive(Debug, clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Also generate the seeded demo prices, stock and promotions (not real prices).
    #[arg(long)]
    demo_prices: bool,
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let f = std::fs::File::open(&a.file)
        .map_err(|e| AdminError::Invalid(format!("cannot read {}: {e}", a.file.display())))?;
    let seed = a.demo_prices.then_some(vitrine_core::demo::DEMO_SEED);
    let r = admin::import(hq, BufReader::with_capacity(1 << 20, f), seed)?;
    println!(
        "imported {} products ({} changes), skipped {}; catalog version {}",
        r.imported, r.changes, r.skipped, r.catalog_version
    );
    for ex in &r.skipped_examples {
        println!("  skipped {ex}");
    }
    Ok(())
}
