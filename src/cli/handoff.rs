//! `vitrine handoff CODE[xQTY]...`: queue a basket for a phone and print
//! the link its QR code encodes.

use std::io::Write;

use serde_json::json;
use vitrine_core::code::parse_product_code_with;
use vitrine_core::wire::{HandoffLine, MAX_QUANTITY};
use vitrine_i18n::text;

use super::output::{self, EXIT_INVALID, EXIT_NOT_FOUND, Exit};
use crate::catalog::Lookup;
use crate::clock;
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Products as CODE or CODExQTY (e.g. 5449000039231x2).
    #[arg(required = true, value_name = "GTIN[xQTY]")]
    items: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let mut lines = Vec::new();
    let mut codes = Vec::new();
    for item in &args.items {
        let (code, qty) = match item.rsplit_once(['x', 'X']) {
            Some((c, q)) if !c.is_empty() && q.chars().all(|ch| ch.is_ascii_digit()) && !q.is_empty() => {
                let q: u32 = q
                    .parse()
                    .map_err(|_| Exit::new(EXIT_INVALID, text!("cli-handoff-bad-quantity", item = item.as_str())))?;
                (c, q)
            }
            _ => (item.as_str(), 1),
        };
        let parsed = parse_product_code_with(code, None, &crate::scan::code_context(&cfg.config.scan))
            .map_err(|e| output::invalid_code(code, &e))?;
        if !(1..=MAX_QUANTITY).contains(&qty) {
            return Err(Exit::new(
                EXIT_INVALID,
                text!("cli-handoff-quantity-range", item = item.as_str(), max = MAX_QUANTITY),
            ));
        }
        codes.push(parsed.clone());
        lines.push(HandoffLine {
            gtin: parsed.gtin,
            quantity: qty,
            measure: None,
        });
    }
    // What the kiosk cannot price is not handed off: the phone would show a
    // line without a price and a total that leaves it out.
    let cat = output::open_catalog(cfg)?;
    let store = crate::sync::served_store(cfg);
    for parsed in &codes {
        if let Lookup::Unknown { gtin, .. } = cat.lookup(parsed, &store, clock::now())? {
            return Err(Exit::new(
                EXIT_NOT_FOUND,
                text!("phone-cli-handoff-unknown", gtin = gtin.to_string()),
            ));
        }
    }
    let ob = crate::sync::Outbox::open(&cfg.config.kiosk.data_dir)?;
    let q = ob.queue_handoff(&lines, None, None)?;
    if args.json {
        output::print_json(out, &json!({"id": q.id, "url": q.url}))
    } else {
        writeln!(out, "{}", q.url).map_err(output::write_failed)
    }
}
