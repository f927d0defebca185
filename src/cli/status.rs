//! `vitrine status`: the catalog, the link with HQ and the outbox.

use std::io::Write;

use serde_json::{Value, json};
use vitrine_core::Lang;
use vitrine_core::product::UnixTime;
use vitrine_i18n::tr;

use super::output::{self, Exit};
use crate::clock;
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    json: bool,
}

/// Labels padded to one 21-character column whatever the language (the
/// lines `status` and `sync` share line up the same).
pub(super) const LABEL_WIDTH: usize = 21;

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let cat = output::open_catalog(cfg)?;
    let st = cat.status()?;
    let ob = crate::sync::Outbox::open(&cfg.config.kiosk.data_dir)?;
    let outbox = ob.counts()?;
    let ident = ob.identity()?;
    if args.json {
        let v = json!({
            "store": crate::sync::served_store(cfg),
            "catalog_version": st.catalog_version,
            "catalog_updated_at": st.catalog_updated_at,
            "last_sync": st.last_sync,
            "products": st.products,
            "prices": st.prices,
            "promotions": st.promotions,
            "stock_rows": st.stock_rows,
            "offers": st.offers,
            "stores": st.stores,
            "prices_origin": st.prices_origin,
            "database": st.path,
            "database_bytes": st.size_bytes,
            "hq": if cfg.config.hq.url.is_empty() { Value::Null } else { json!(cfg.config.hq.url) },
            "outbox_pending": outbox.0,
            "outbox_dead": outbox.1,
            "enrolled": ident.as_ref().map(|i| json!({
                "device_id": i.device_id, "store": i.store, "hq": i.hq_url,
            })),
        });
        return output::print_json(out, &v);
    }
    let lang = cfg.lang();
    let line = |out: &mut dyn Write, label: String, value: &str| output::row(out, LABEL_WIDTH, &label, value);
    line(out, tr!(lang, "cli-status-store"), &crate::sync::served_store(cfg))?;
    write_catalog_version(out, lang, st.catalog_version)?;
    if let Some(at) = st.catalog_updated_at {
        line(out, tr!(lang, "cli-status-catalog-updated"), &clock::format_utc(at))?;
    }
    write_last_sync(out, lang, st.last_sync)?;
    line(
        out,
        tr!(lang, "cli-status-products-label"),
        &tr!(
            lang,
            "cli-status-products",
            products = st.products,
            prices = st.prices,
            promotions = st.promotions,
            stock = st.stock_rows,
            offers = st.offers,
            stores = st.stores
        ),
    )?;
    if let Some(o) = &st.prices_origin {
        line(out, tr!(lang, "cli-status-prices-origin"), o)?;
    }
    line(
        out,
        tr!(lang, "cli-status-database"),
        &tr!(
            lang,
            "cli-status-database-size",
            path = st.path.display().to_string(),
            bytes = st.size_bytes
        ),
    )?;
    let hq = match &ident {
        Some(i) => tr!(
            lang,
            "cli-status-hq-enrolled",
            hq = i.hq_url.as_str(),
            device = i.device_id.as_str(),
            store = i.store.as_str()
        ),
        None => tr!(lang, "cli-status-not-enrolled"),
    };
    line(out, tr!(lang, "cli-status-hq"), &hq)?;
    write_outbox(out, lang, outbox.0, outbox.1)
}

/// The catalog version line of `status` and `sync`.
pub(super) fn write_catalog_version(out: &mut dyn Write, lang: Lang, version: u64) -> Result<(), Exit> {
    output::row(
        out,
        LABEL_WIDTH,
        &tr!(lang, "cli-status-catalog-version"),
        &version.to_string(),
    )
}

/// The last sync line of `status` and `sync`.
pub(super) fn write_last_sync(out: &mut dyn Write, lang: Lang, at: Option<UnixTime>) -> Result<(), Exit> {
    let when = at
        .map(clock::format_utc)
        .unwrap_or_else(|| tr!(lang, "cli-status-never"));
    output::row(out, LABEL_WIDTH, &tr!(lang, "cli-status-last-sync"), &when)
}

/// The outbox line of `status` and `sync`.
pub(super) fn write_outbox(out: &mut dyn Write, lang: Lang, pending: u64, dead: u64) -> Result<(), Exit> {
    output::row(
        out,
        LABEL_WIDTH,
        &tr!(lang, "cli-status-outbox"),
        &tr!(lang, "cli-status-outbox-counts", pending = pending, dead = dead),
    )
}
