//! `vitrine search WORDS`: products by name and brand.

use std::io::Write;

use serde_json::{Value, json};
use vitrine_i18n::{MoneyText, tr};

use super::output::{self, Exit, price_json};
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(required = true)]
    text: Vec<String>,
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let cat = output::open_catalog(cfg)?;
    let query = args.text.join(" ");
    let hits = cat.search(&query, &crate::sync::served_store(cfg), args.limit)?;
    if args.json {
        let v: Vec<Value> = hits
            .iter()
            .map(|h| {
                json!({
                    "gtin14": h.gtin.as_gtin14(),
                    "name": h.name,
                    "brand": h.brand,
                    "quantity": h.quantity,
                    "price": h.price.map(|p| price_json(p, lang)),
                })
            })
            .collect();
        return output::print_json(out, &v);
    }
    if hits.is_empty() {
        return writeln!(out, "{}", tr!(lang, "cli-search-none", query = query.as_str())).map_err(output::write_failed);
    }
    for h in &hits {
        let price = h.price.map(|p| p.format(lang)).unwrap_or_else(|| "-".into());
        let brand = h.brand.as_deref().map(|b| format!(" — {b}")).unwrap_or_default();
        writeln!(out, "{}  {:>10}  {}{}", h.gtin, price, h.name, brand).map_err(output::write_failed)?;
    }
    Ok(())
}
