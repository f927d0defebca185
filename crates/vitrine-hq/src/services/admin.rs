//! What the `vitrine-hq` commands do to the referential and the fleet. Each
//! catalog command is one new catalog version.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use thiserror::Error;

use vitrine_core::catalog::{Change, parse_record_with_image};
use vitrine_core::geo::GeoPoint;
use vitrine_core::picture::{ImageId, ImageSource};
use vitrine_core::pricing::{Audience, PromoKind, Promotion, Target, Tier};
use vitrine_core::product::{PriceEntry, Product, StockEntry, Store, UnixTime};
use vitrine_core::{Currency, Gtin, Money};

use super::catalog::{DEMO_PRICES_META, PRICES_ORIGIN_META};
use super::pictures::{self, PictureHosts};
use crate::storage::{HqStorage, NewDevice, StorageError};
use crate::{Hq, keys, now};

#[derive(Debug, Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: u64,
    pub skipped_examples: Vec<String>,
    pub changes: u64,
    pub catalog_version: u64,
    /// Products imported with a picture.
    pub pictures: u64,
    /// Products whose `image` could not be imported (they are imported
    /// without a picture), and the first few reasons.
    pub picture_problems: u64,
    pub picture_examples: Vec<String>,
}

/// Imports the referential's JSONL (one version). With `demo_prices`, adds
/// the seeded demo prices, stock, offers, promotions and stores (not real
/// prices). A malformed line stops the import with nothing written.
/// Pictures named by path are not read (there is no file to be beside):
/// [`import_file`] does.
pub fn import(hq: &Hq, reader: impl BufRead, demo_prices: Option<u64>) -> Result<ImportReport, AdminError> {
    import_with_pictures(hq, reader, demo_prices, None, &PictureHosts::default())
}

/// [`import`] of the JSONL file at `path`, with the pictures its lines
/// name (paths relative to the file's folder; see
/// [`crate::services::pictures`]).
pub fn import_file(hq: &Hq, path: &Path, demo_prices: Option<u64>) -> Result<ImportReport, AdminError> {
    import_file_fetching(hq, path, demo_prices, &PictureHosts::default())
}

/// [`import_file`], fetching the pictures named by a URL on one of `hosts`
/// (`vitrine-hq import --picture-hosts`).
pub fn import_file_fetching(
    hq: &Hq,
    path: &Path,
    demo_prices: Option<u64>,
    hosts: &PictureHosts,
) -> Result<ImportReport, AdminError> {
    let f =
        std::fs::File::open(path).map_err(|e| AdminError::Invalid(format!("cannot read {}: {e}", path.display())))?;
    let folder = path
        .parent()
        .map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
    import_with_pictures(
        hq,
        std::io::BufReader::with_capacity(1 << 20, f),
        demo_prices,
        folder,
        hosts,
    )
}

fn import_with_pictures(
    hq: &Hq,
    reader: impl BufRead,
    demo_prices: Option<u64>,
    folder: Option<&Path>,
    hosts: &PictureHosts,
) -> Result<ImportReport, AdminError> {
    let mut products: Vec<Product> = Vec::new();
    let mut report = ImportReport::default();
    // A file named by many lines is read and checked once.
    let mut pictures: HashMap<String, Option<ImageId>> = HashMap::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_record_with_image(&line) {
            Ok((mut p, source)) => {
                if let Some(source) = source {
                    p.image = picture(hq, (folder, hosts), &source, &mut pictures, &mut report, i + 1);
                }
                products.push(p);
            }
            Err(e) if e.is_fatal() => {
                return Err(AdminError::Invalid(format!(
                    "line {}: {e}; nothing was imported",
                    i + 1
                )));
            }
            Err(e) => {
                report.skipped += 1;
                if report.skipped_examples.len() < 10 {
                    report.skipped_examples.push(format!("line {}: {e}", i + 1));
                }
            }
        }
    }
    report.imported = products.len() as u64;
    let extra = demo_prices
        .map(|seed| vitrine_core::demo::demo_changes(&products, seed, now()))
        .unwrap_or_default();
    if demo_prices.is_some() {
        // Every update HQ signs from now on says its prices are demo values.
        hq.storage.set_meta(DEMO_PRICES_META, "1")?;
    }
    let mut changes: Vec<Change> = products.into_iter().map(Change::UpsertProduct).collect();
    changes.extend(extra);
    report.changes = changes.len() as u64;
    report.catalog_version = hq.commit(&changes, None)?;
    if demo_prices.is_some() {
        hq.storage
            .set_meta(PRICES_ORIGIN_META, vitrine_core::demo::DEMO_ORIGIN)?;
    }
    Ok(report)
}

/// The id of the picture `source` names, stored; `None` (and the problem
/// reported) when it cannot be imported.
fn picture(
    hq: &Hq,
    (folder, hosts): (Option<&Path>, &PictureHosts),
    source: &ImageSource,
    seen: &mut HashMap<String, Option<ImageId>>,
    report: &mut ImportReport,
    line: usize,
) -> Option<ImageId> {
    let key = match source {
        ImageSource::File(s) | ImageSource::Url(s) => s.clone(),
    };
    let id = match seen.get(&key) {
        Some(id) => id.clone(),
        None => {
            let id = pictures::read_source(folder, source, hosts)
                .and_then(|bytes| pictures::import_bytes(&*hq.storage, &bytes, &key));
            let id = match id {
                Ok(id) => Some(id),
                Err(e) => {
                    report.picture_problems += 1;
                    if report.picture_examples.len() < 10 {
                        report.picture_examples.push(format!("line {line}: {e}"));
                    }
                    None
                }
            };
            seen.insert(key, id.clone());
            id
        }
    };
    report.pictures += u64::from(id.is_some());
    id
}

fn gtin(code: &str) -> Result<Gtin, AdminError> {
    Gtin::from_digits(code.trim()).map_err(|e| AdminError::Invalid(format!("\"{code}\" is not a valid GTIN: {e}")))
}

fn check_store(store: &str) -> Result<(), AdminError> {
    if store.is_empty() || !store.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(AdminError::Invalid(format!(
            "\"{store}\" is not a store id (letters, digits, - and _)"
        )));
    }
    Ok(())
}

fn known_product(hq: &Hq, g: Gtin) -> Result<(), AdminError> {
    if hq.storage.product_price(g, "")?.is_none() {
        return Err(AdminError::Invalid(format!(
            "product {g} is not in HQ's referential; import it first (vitrine-hq import FILE)"
        )));
    }
    Ok(())
}

/// Sets a national (or store) price, `amount` in major units (`1.23`).
pub fn price_set(hq: &Hq, code: &str, amount: &str, store: Option<&str>) -> Result<(u64, Money), AdminError> {
    let g = gtin(code)?;
    if let Some(s) = store {
        check_store(s)?;
    }
    let price = Money::parse_major(amount, hq.config.currency)
        .map_err(|e| AdminError::Invalid(format!("amount \"{amount}\": {e} (write it like 1.23)")))?;
    if price.amount_minor < 0 {
        return Err(AdminError::Invalid("a price cannot be negative".into()));
    }
    known_product(hq, g)?;
    let v = hq.commit(
        &[Change::SetPrice(PriceEntry {
            gtin: g,
            store: store.map(String::from),
            price,
        })],
        store,
    )?;
    Ok((v, price))
}

/// Sets the units of a product at a store (or `online`).
pub fn stock_set(hq: &Hq, code: &str, quantity: i64, store: &str) -> Result<u64, AdminError> {
    let g = gtin(code)?;
    check_store(store)?;
    known_product(hq, g)?;
    Ok(hq.commit(
        &[Change::SetStock(StockEntry {
            gtin: g,
            store: store.to_string(),
            quantity,
            updated_at: now(),
        })],
        None,
    )?)
}

/// What `store set` changes of a store; `None` keeps what the store has.
#[derive(Debug, Clone, Default)]
pub struct StoreSpec {
    pub id: String,
    pub name: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    /// `Some(None)` removes the store's position.
    pub location: Option<Option<GeoPoint>>,
}

/// Adds a store or changes it (one catalog version, sent to the kiosks
/// like any change); a new store needs a name. Its position orders the
/// phone's click&collect stores nearest first.
pub fn store_set(hq: &Hq, spec: &StoreSpec) -> Result<(Store, u64), AdminError> {
    check_store(&spec.id)?;
    let old = hq.storage.store(&spec.id)?;
    let name = match (&spec.name, &old) {
        (Some(n), _) if !n.trim().is_empty() => n.trim().to_string(),
        (Some(_), _) => return Err(AdminError::Invalid("a store's name cannot be empty".into())),
        (None, Some(o)) => o.name.clone(),
        (None, None) => {
            return Err(AdminError::Invalid(format!(
                "store {} is new: give its --name",
                spec.id
            )));
        }
    };
    let text = |new: &Option<String>, was: Option<&String>| match new {
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v.trim().to_string()),
        None => was.cloned(),
    };
    let store = Store {
        id: spec.id.clone(),
        name,
        city: text(&spec.city, old.as_ref().and_then(|o| o.city.as_ref())),
        address: text(&spec.address, old.as_ref().and_then(|o| o.address.as_ref())),
        location: spec.location.unwrap_or(old.as_ref().and_then(|o| o.location)),
    };
    let v = hq.commit(&[Change::UpsertStore(store.clone())], None)?;
    Ok((store, v))
}

/// The chain's stores, by id.
pub fn stores(hq: &Hq) -> Result<Vec<Store>, AdminError> {
    Ok(hq.storage.stores()?)
}

/// The position `LAT,LON` (decimal degrees, as maps give them).
pub fn parse_position(text: &str) -> Result<GeoPoint, AdminError> {
    let bad = || {
        AdminError::Invalid(format!(
            "\"{text}\" is not a position: LAT,LON in decimal degrees, e.g. 48.8606,2.3376"
        ))
    };
    let (lat, lon) = text.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    GeoPoint::new(lat, lon).map_err(|e| AdminError::Invalid(format!("\"{text}\": {e}")))
}

/// What `promo add` describes.
#[derive(Debug, Clone, Default)]
pub struct PromoSpec {
    pub id: String,
    pub percent: Option<String>,
    pub amount_off: Option<String>,
    pub buy_pay: Option<(u32, u32)>,
    pub fixed: Option<String>,
    pub gtins: Vec<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub stores: Vec<String>,
    pub from: Option<UnixTime>,
    pub until: Option<UnixTime>,
    pub coupon: Option<String>,
    /// Member price: only for identified customers who consented, of this
    /// tier or above (None: every shopper).
    pub min_tier: Option<Tier>,
}

fn basis_points(text: &str) -> Result<u32, AdminError> {
    let m = Money::parse_major(text, Currency::EUR)
        .map_err(|_| AdminError::Invalid(format!("percentage \"{text}\": write it like 20 or 12.5")))?;
    // "20" reads as 20.00, i.e. 2000 hundredths of a percent: basis points.
    let bp = m.amount_minor;
    if !(1..=10_000).contains(&bp) {
        return Err(AdminError::Invalid(format!(
            "percentage \"{text}\" must be above 0 and at most 100"
        )));
    }
    Ok(bp as u32)
}

/// Adds (or replaces) a promotion.
pub fn promo_add(hq: &Hq, spec: &PromoSpec) -> Result<u64, AdminError> {
    if spec.id.trim().is_empty() {
        return Err(AdminError::Invalid("a promotion needs an id".into()));
    }
    let major = |t: &str| {
        Money::parse_major(t, hq.config.currency)
            .map(|m| m.amount_minor)
            .map_err(|e| AdminError::Invalid(format!("amount \"{t}\": {e}")))
    };
    let kinds = [
        spec.percent.is_some(),
        spec.amount_off.is_some(),
        spec.buy_pay.is_some(),
        spec.fixed.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(AdminError::Invalid(
            "give exactly one of --percent, --amount-off, --buy/--pay, --fixed".into(),
        ));
    }
    let kind = if let Some(p) = &spec.percent {
        PromoKind::PercentOff {
            basis_points: basis_points(p)?,
        }
    } else if let Some(a) = &spec.amount_off {
        PromoKind::AmountOff {
            amount_minor: major(a)?,
        }
    } else if let Some((buy, pay)) = spec.buy_pay {
        if pay >= buy || pay == 0 {
            return Err(AdminError::Invalid("--pay must be at least 1 and below --buy".into()));
        }
        PromoKind::BuyNPayM { buy, pay }
    } else {
        PromoKind::FixedPrice {
            amount_minor: major(spec.fixed.as_deref().unwrap_or("0"))?,
        }
    };
    let target = if !spec.gtins.is_empty() {
        Target::Gtins(spec.gtins.iter().map(|g| gtin(g)).collect::<Result<_, _>>()?)
    } else if let Some(c) = &spec.category {
        Target::Category(c.clone())
    } else if let Some(b) = &spec.brand {
        Target::Brand(b.clone())
    } else {
        Target::All
    };
    for s in &spec.stores {
        check_store(s)?;
    }
    let promo = Promotion {
        id: spec.id.trim().to_string(),
        kind,
        target,
        audience: match spec.min_tier {
            Some(min_tier) => Audience::Members { min_tier },
            None => Audience::Everyone,
        },
        valid_from: spec.from,
        valid_until: spec.until,
        stores: spec.stores.clone(),
        coupon_code: spec.coupon.clone(),
    };
    Ok(hq.commit(&[Change::UpsertPromotion(promo)], None)?)
}

/// A new device waiting for enrollment: its id and one-time code.
pub fn device_add(hq: &Hq, store: &str) -> Result<(String, String), AdminError> {
    check_store(store)?;
    let id = keys::new_device_id()?;
    let code = keys::new_code(&hq.key.public())?;
    let t = now();
    hq.storage.add_device(
        &NewDevice {
            id: &id,
            store,
            code_hash: &keys::code_hash(&code),
            code_expires_at: t + hq.config.code_valid_hours * 3600,
        },
        t,
    )?;
    Ok((id, code))
}

pub fn device_revoke(storage: &dyn HqStorage, id: &str) -> Result<(), AdminError> {
    if storage.device(id)?.is_none() {
        return Err(AdminError::Invalid(format!(
            "no device {id} (see `vitrine-hq device list`)"
        )));
    }
    if !storage.revoke_device(id, now())? {
        return Err(AdminError::Invalid(format!("device {id} is already revoked")));
    }
    Ok(())
}

/// Parses a date (`2026-12-31`) or a Unix time given to a command.
pub fn parse_time(s: &str) -> Result<UnixTime, AdminError> {
    crate::dates::parse_time(s).ok_or_else(|| AdminError::Invalid(format!("\"{s}\" is not a date (write 2026-12-31)")))
}
