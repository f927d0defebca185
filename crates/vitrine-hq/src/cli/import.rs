//! `vitrine-hq import FILE`: the referential's JSONL file as one catalog
//! version, with the pictures its lines name (beside the file).

use std::path::PathBuf;

use vitrine_hq::Hq;
use vitrine_hq::admin;

#[derive(Debug, clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Also generate the seeded demo prices, stock and promotions (not real prices).
    #[arg(long)]
    demo_prices: bool,
    /// Hosts whose picture URLs HQ fetches (comma-separated `host` or
    /// `host:port`; HTTPS, no redirects); other URLs are reported.
    #[arg(long, env = "VITRINE_HQ_PICTURE_HOSTS", value_name = "HOSTS", default_value = "")]
    picture_hosts: String,
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let seed = a.demo_prices.then_some(vitrine_core::demo::DEMO_SEED);
    let hosts = vitrine_hq::services::pictures::PictureHosts::parse(&a.picture_hosts)
        .map_err(|e| anyhow::anyhow!("--picture-hosts: {e}"))?;
    let r = admin::import_file_fetching(hq, &a.file, seed, &hosts)?;
    println!(
        "imported {} products ({} changes), skipped {}; catalog version {}",
        r.imported, r.changes, r.skipped, r.catalog_version
    );
    for ex in &r.skipped_examples {
        println!("  skipped {ex}");
    }
    if r.pictures > 0 || r.picture_problems > 0 {
        println!(
            "{} products with a picture; {} pictures not imported (those products have none)",
            r.pictures, r.picture_problems
        );
    }
    for ex in &r.picture_examples {
        println!("  picture not imported, {ex}");
    }
    Ok(())
}
