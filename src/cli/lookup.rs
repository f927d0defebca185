//! `vitrine lookup CODE`: a product by any code, priced for a store.

use std::io::Write;

use serde_json::{Value, json};
use vitrine_core::code::{ProductCode, parse_product_code_with};
use vitrine_core::label::{LabelMeasure, LabelRefusal, pack_price};
use vitrine_core::product::{SoldBy, StockLevel};
use vitrine_core::{Currency, Lang};
use vitrine_i18n::{MoneyText, text, tr};

use super::output::{self, EXIT_INVALID, EXIT_NOT_FOUND, Exit, price_json};
use crate::catalog::pictures::PictureCache;
use crate::catalog::{Lookup, ProductView};
use crate::clock;
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    code: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Store to price for (default: the store HQ enrolled the kiosk for,
    /// else kiosk.store).
    #[arg(long)]
    store: Option<String>,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let code = &args.code;
    let parsed = parse_product_code_with(code, None, &crate::scan::code_context(&cfg.config.scan))
        .map_err(|e| output::invalid_code(code, &e))?;
    let cat = output::open_catalog(cfg)?;
    let store = args.store.clone().unwrap_or_else(|| crate::sync::served_store(cfg));
    match cat.lookup(&parsed, &store, clock::now())? {
        Lookup::Found(view) => {
            // A label price GS1's rules do not trust here is refused (exit
            // 2, as an invalid code), never printed as the price.
            let priced = Priced::new(&view, &parsed, cfg.currency()).map_err(|r| {
                Exit::new(
                    EXIT_INVALID,
                    text!(
                        "gs1-cli-label-refused",
                        code = code.trim(),
                        reason = vitrine_i18n::gs1::label_refusal(r)
                    ),
                )
            })?;
            if args.json {
                let mut v = lookup_json(&view, &parsed, &priced, cfg.lang());
                v["store"] = json!(store);
                // The cached picture's file, null until the kiosk has it.
                let cache = PictureCache::new(&cfg.config.kiosk.data_dir, cfg.config.catalog.images_max_bytes());
                v["image"] = json!(view.product.image.as_ref().and_then(|id| cache.get(id)));
                output::print_json(out, &v)
            } else {
                write_text(out, &view, &priced, cfg.lang())
            }
        }
        Lookup::Unknown { gtin, catalog_version } => Err(Exit::new(
            EXIT_NOT_FOUND,
            text!(
                "cli-error-unknown-product",
                gtin = gtin.to_string(),
                version = catalog_version
            ),
        )),
    }
}

/// The pack's price and what its label says, read once for both outputs.
struct Priced {
    /// What the shopper pays for this pack.
    price: Option<vitrine_core::Money>,
    label: Option<LabelMeasure>,
}

impl Priced {
    fn new(view: &ProductView, code: &ProductCode, store_currency: Currency) -> Result<Priced, LabelRefusal> {
        // The label reads in the catalog price's currency (the store's).
        let currency = view.price.map(|u| u.currency).unwrap_or(store_currency);
        let label = LabelMeasure::of(code, currency);
        Ok(Priced {
            price: pack_price(view.product.gtin, view.price, view.product.sold_by, label.as_ref())?,
            label,
        })
    }
}

fn lookup_json(view: &ProductView, code: &ProductCode, priced: &Priced, lang: Lang) -> Value {
    let p = &view.product;
    let price = priced.price;
    let unit_price = view.price;
    let promotions: Vec<Value> = view
        .promotions
        .iter()
        .map(|pr| {
            json!({
                "id": pr.id,
                "kind": pr.kind,
                "audience": pr.audience,
                "badge": unit_price.map(|u| vitrine_i18n::domain::promo_badge(&pr.kind, u.currency).render(lang)),
                "description": unit_price.map(|u| vitrine_i18n::domain::promo_sentence(pr, u).render(lang)),
            })
        })
        .collect();
    json!({
        "gtin14": p.gtin.as_gtin14(),
        "name": p.name,
        "brand": p.brand,
        "quantity": p.quantity,
        "category": p.category,
        "sold_by": if p.sold_by == SoldBy::Kilogram { "kg" } else { "unit" },
        "price": price.map(|m| price_json(m, lang)),
        "unit_price": if code.variable.is_some() || price != unit_price { unit_price.map(|m| price_json(m, lang)) } else { None },
        "demo_price": view.demo_values,
        "promotions": promotions,
        "stock_here": view.stock_here,
        "stock_level_here": view.stock_level_here(),
        "stock_online": view.stock_online,
        "stock_elsewhere": view.stock_elsewhere.iter().map(|(s, q)| json!({
            "store": s.id, "name": s.name, "quantity": q, "level": StockLevel::from_quantity(*q)
        })).collect::<Vec<_>>(),
        "offers": view.offers.iter().map(|o| json!({
            "seller": o.seller_name,
            "price": price_json(o.price, lang),
            "shipping": price_json(o.shipping, lang),
            "delivery_days": o.delivery_days,
        })).collect::<Vec<_>>(),
        "code": {
            "form": code.form,
            "lot": code.gs1.lot,
            "serial": code.gs1.serial,
            "expiry": code.gs1.expiry.map(|d| d.to_string()),
            "best_before": code.gs1.best_before.map(|d| d.to_string()),
            "variable_measure": code.variable,
            "net_weight_g": priced.label.and_then(|l| l.net_weight_g()),
            "label_price": priced.label.and_then(|l| l.price()).map(|m| price_json(m, lang)),
        },
        "food": p.food,
        "book": p.book,
        "catalog_version": view.catalog_version,
    })
}

/// Labels padded to one 15-character column whatever the language.
const LABEL_WIDTH: usize = 15;

fn write_text(out: &mut dyn Write, view: &ProductView, priced: &Priced, lang: Lang) -> Result<(), Exit> {
    let row =
        |out: &mut dyn Write, label: &str, value: &str| output::row(out, LABEL_WIDTH + 2, &format!("  {label}"), value);
    let p = &view.product;
    writeln!(out, "{}", p.name).map_err(output::write_failed)?;
    if let Some(b) = &p.brand {
        row(out, &tr!(lang, "cli-lookup-brand"), b)?;
    }
    if let Some(q) = &p.quantity {
        row(out, &tr!(lang, "cli-lookup-quantity"), q)?;
    }
    row(out, "GTIN-14", &p.gtin.to_string())?;
    let price = match priced.price {
        Some(m) if view.demo_values => tr!(lang, "cli-lookup-demo-price", price = m),
        Some(m) => m.format(lang),
        None => tr!(lang, "cli-lookup-no-price"),
    };
    row(out, &tr!(lang, "cli-lookup-price"), &price)?;
    if let Some(u) = view.price.filter(|u| Some(*u) != priced.price) {
        let unit = if p.sold_by == SoldBy::Kilogram {
            tr!(lang, "cli-lookup-per-kg", price = u)
        } else {
            u.format(lang)
        };
        row(out, &tr!(lang, "cli-lookup-unit-price"), &unit)?;
    }
    if let Some(g) = priced.label.and_then(|l| l.net_weight_g()) {
        row(
            out,
            &tr!(lang, "cli-lookup-net-weight"),
            &tr!(lang, "cli-lookup-grams", grams = g),
        )?;
    }
    if let Some(m) = priced.label.and_then(|l| l.price()) {
        row(out, &tr!(lang, "cli-lookup-label-price"), &m.format(lang))?;
    }
    if let Some(u) = view.price {
        for pr in &view.promotions {
            row(
                out,
                &tr!(lang, "cli-lookup-promotion"),
                &vitrine_i18n::domain::promo_sentence(pr, u).render(lang),
            )?;
        }
    }
    let stock = match view.stock_here {
        Some(q) => tr!(
            lang,
            "cli-lookup-stock",
            quantity = q,
            level = vitrine_i18n::domain::stock_level(StockLevel::from_quantity(q))
        ),
        None => tr!(lang, "cli-lookup-stock-unknown"),
    };
    row(out, &tr!(lang, "cli-lookup-stock-here"), &stock)?;
    if let Some(q) = view.stock_online {
        row(out, &tr!(lang, "cli-lookup-online"), &q.to_string())?;
    }
    for (s, q) in &view.stock_elsewhere {
        row(out, &s.id, &format!("{q} ({})", s.name))?;
    }
    for o in &view.offers {
        row(
            out,
            &tr!(lang, "cli-lookup-offer-label"),
            &tr!(
                lang,
                "cli-lookup-offer",
                seller = o.seller_name.as_str(),
                price = o.price,
                shipping = o.shipping,
                days = u32::from(o.delivery_days)
            ),
        )?;
    }
    row(
        out,
        &tr!(lang, "cli-lookup-catalog"),
        &tr!(lang, "cli-lookup-catalog-version", version = view.catalog_version),
    )
}
