//! The kiosk's catalog cache: a SQLite file (WAL) holding products, prices,
//! promotions, stock per store, marketplace offers and the catalog version.
//!
//! Every write is a list of [`Change`]s applied in one transaction that also
//! moves the catalog version: a reader (WAL gives readers a snapshot) sees the
//! catalog entirely before or entirely after an update, never half of one.
//! One writer (the import, the demo seeding or the sync worker), readers
//! elsewhere.

mod demo;
mod import;
pub mod pictures;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde::Serialize;
use thiserror::Error;
use vitrine_core::catalog::Change;
use vitrine_core::code::ProductCode;
use vitrine_core::picture::ImageId;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{BookInfo, FoodInfo, ONLINE, Offer, Product, SoldBy, StockLevel, Store, UnixTime};
use vitrine_core::{Currency, Gtin, Money};
use vitrine_infra::catalog::{ApplyError, TableLayout, apply_change};

pub use demo::{DEMO_BOOKS, DEMO_PRODUCTS};
pub use import::{ExtraChanges, ImportReport, read_jsonl};

/// SQLite page cache of the writer, in KiB (negative: KiB, SQLite's convention).
pub(crate) const WRITER_CACHE_KIB: i64 = -16_384;
/// SQLite page cache while a streamed snapshot is applied, in KiB: the
/// kiosk's budget is 150 MB for the whole process (the 256 MB of an import
/// is for the back office's machine).
const STREAM_CACHE_KIB: i64 = -49_152;

/// Hands the memory a large apply freed back to the system. SQLite gives
/// its page cache back when the cache is shrunk, but glibc's allocator keeps
/// freed heap pages in the process: a running kiosk that took a 1,000,000
/// product snapshot kept about 60 MB it no longer used (measured,
/// docs/BENCHMARKS.md).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns the allocator's own free memory to
    // the system; it touches no memory the program holds.
    unsafe {
        libc::malloc_trim(0);
    }
}
/// Changes written per batch while a streamed snapshot is applied.
const STREAM_BATCH: usize = 1000;
/// Readers map the file: lookups then read pages without a system call each.
const READER_MMAP_BYTES: i64 = 1 << 30;

/// The catalog file's name inside the data directory.
pub const CATALOG_FILE: &str = "catalog.sqlite";

#[derive(Debug, Error)]
pub enum CatalogError {
    #[error("catalog database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("data folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("catalog database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "catalog database {path} was written by a newer Vitrine (schema {found}, this one knows {known}): update Vitrine"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("stored record for {gtin} is damaged ({reason}); re-import the catalog")]
    Corrupt { gtin: String, reason: String },
    #[error("{0}")]
    Import(String),
    #[error("catalog update refused: {0}")]
    Refused(String),
}

impl CatalogError {
    /// Whether trying again later may succeed (a busy database) or not.
    pub fn is_retryable(&self) -> bool {
        matches!(self, CatalogError::Sql(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}

/// Metadata keys kept in the `meta` table.
pub mod meta {
    pub const VERSION: &str = "catalog_version";
    pub const UPDATED_AT: &str = "catalog_updated_at";
    /// Where prices and stock come from ("demo: ..." or "hq").
    pub const ORIGIN: &str = "prices_origin";
    pub const STORE: &str = "catalog_store";
    pub const LAST_SYNC: &str = "last_sync";
    /// "1" when HQ said its prices are generated demo values.
    pub const HQ_DEMO_PRICES: &str = "hq_demo_prices";
}

/// The catalog cache.
pub struct Catalog {
    conn: Connection,
    path: PathBuf,
}

/// How a write moves the catalog version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionMove {
    /// A local change (import, demo seeding): version + 1.
    Increment,
    /// A delta or snapshot from HQ: exactly this version, which must be above
    /// the current one.
    To(u64),
}

/// What a product lookup gives the kiosk.
#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub product: Product,
    /// The price at this kiosk's store (store price, else national price).
    pub price: Option<Money>,
    /// Promotions on this product in force now, whoever they are for.
    pub promotions: Vec<Promotion>,
    /// Units at this kiosk's store (None: no stock record).
    pub stock_here: Option<i64>,
    /// Other stores with their units (stores with a record, this one excluded).
    pub stock_elsewhere: Vec<(Store, i64)>,
    pub stock_online: Option<i64>,
    /// When this store's stock figure was last updated.
    pub stock_updated_at: Option<UnixTime>,
    pub offers: Vec<Offer>,
    pub catalog_version: u64,
    /// True when prices and stock are the generated demo values.
    pub demo_values: bool,
}

impl ProductView {
    pub fn stock_level_here(&self) -> Option<StockLevel> {
        self.stock_here.map(StockLevel::from_quantity)
    }
}

/// A search hit.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub gtin: Gtin,
    pub name: String,
    pub brand: Option<String>,
    pub quantity: Option<String>,
    pub price: Option<Money>,
}

/// The catalog's state for `vitrine status` and the staff screen.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogStatus {
    pub path: PathBuf,
    pub catalog_version: u64,
    pub catalog_updated_at: Option<UnixTime>,
    pub last_sync: Option<UnixTime>,
    pub products: u64,
    pub prices: u64,
    pub promotions: u64,
    pub stock_rows: u64,
    pub offers: u64,
    pub stores: u64,
    pub prices_origin: Option<String>,
    pub size_bytes: u64,
}

/// The result of looking up a code.
#[derive(Debug)]
pub enum Lookup {
    Found(Box<ProductView>),
    /// No product under any reading of the code.
    Unknown {
        gtin: Gtin,
        catalog_version: u64,
    },
}

impl Catalog {
    /// Opens (creating if needed) the catalog in `data_dir`, applying pending
    /// migrations. This is the writer's handle.
    pub fn open(data_dir: &Path) -> Result<Catalog, CatalogError> {
        std::fs::create_dir_all(data_dir).map_err(|source| CatalogError::Folder {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(CATALOG_FILE);
        let conn = Connection::open(&path).map_err(|source| CatalogError::Open {
            path: path.clone(),
            source,
        })?;
        let mut cat = Catalog { conn, path };
        cat.configure()?;
        schema::migrate(&mut cat.conn, &cat.path, "catalog", schema::CATALOG_MIGRATIONS)?;
        Ok(cat)
    }

    /// Opens an existing catalog for reading only (UI thread, CLI lookups).
    /// Migrations are the writer's job; a missing file is an error.
    pub fn open_readonly(data_dir: &Path) -> Result<Catalog, CatalogError> {
        let path = data_dir.join(CATALOG_FILE);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| CatalogError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "mmap_size", READER_MMAP_BYTES)?;
        Ok(Catalog { conn, path })
    }

    /// An in-memory catalog (unit tests).
    pub fn open_in_memory() -> Result<Catalog, CatalogError> {
        let conn = Connection::open_in_memory()?;
        let mut cat = Catalog {
            conn,
            path: PathBuf::from(":memory:"),
        };
        cat.configure()?;
        schema::migrate(&mut cat.conn, &cat.path, "catalog", schema::CATALOG_MIGRATIONS)?;
        Ok(cat)
    }

    /// WAL so that readers never block the writer nor see half an update;
    /// `synchronous = FULL` so that a committed update survives a power cut
    /// (a kiosk is switched off at the wall); see docs/RELIABILITY.md.
    fn configure(&mut self) -> Result<(), CatalogError> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for modules that keep their own tables in
    /// the same file (the outbox is written in the same transaction as what
    /// it describes).
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, CatalogError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), CatalogError> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn version(&self) -> Result<u64, CatalogError> {
        Ok(self.meta(meta::VERSION)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    pub fn is_empty(&self) -> Result<bool, CatalogError> {
        let n: i64 = self
            .conn
            .query_row("SELECT EXISTS(SELECT 1 FROM products)", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// Applies `changes` in one transaction and moves the version. Returns the
    /// new version. `progress` is called every 1,000 changes with the count done.
    pub fn apply(
        &mut self,
        changes: &[Change],
        version: VersionMove,
        now: UnixTime,
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64, CatalogError> {
        self.apply_recording(changes, version, now, &[], progress)
    }

    /// As [`Catalog::apply`], and writes `meta` (key, value) in the same
    /// transaction: a sync's bookkeeping (origin, store, last sync, demo
    /// flag) is part of the update, so a crash cannot keep one without the
    /// other.
    pub fn apply_recording(
        &mut self,
        changes: &[Change],
        version: VersionMove,
        now: UnixTime,
        meta: &[(&str, String)],
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64, CatalogError> {
        let tx = self.conn.transaction()?;
        let new_version = apply_in(&tx, changes, version, now, progress)?;
        set_meta_in(&tx, meta)?;
        tx.commit()?;
        Ok(new_version)
    }

    /// Replaces the whole catalog content with `changes` (an HQ snapshot), in
    /// one transaction, at `version`, with `meta` (key, value) written in
    /// that same transaction (see [`Catalog::apply_recording`]).
    pub fn replace_all(
        &mut self,
        changes: &[Change],
        version: u64,
        now: UnixTime,
        meta: &[(&str, String)],
    ) -> Result<u64, CatalogError> {
        // Like an import into an empty catalog: the search index is rebuilt
        // once at the end instead of row by row, with a large page cache.
        self.conn.pragma_update(None, "cache_size", import::IMPORT_CACHE_KIB)?;
        let result = self.replace_all_in_transaction(changes, version, now, meta);
        self.conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        result
    }

    fn replace_all_in_transaction(
        &mut self,
        changes: &[Change],
        version: u64,
        now: UnixTime,
        meta: &[(&str, String)],
    ) -> Result<u64, CatalogError> {
        let tx = self.conn.transaction()?;
        clear_for_replace(&tx)?;
        let v = apply_in(&tx, changes, VersionMove::To(version), now, &mut |_| {})?;
        tx.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')", [])?;
        tx.execute_batch(schema::FTS_TRIGGERS)?;
        tx.execute_batch(schema::FTS_DELETE_TRIGGER)?;
        set_meta_in(&tx, meta)?;
        tx.commit()?;
        Ok(v)
    }

    /// As [`Catalog::replace_all`], with the changes pulled one at a time
    /// from `next` (a streamed HQ snapshot) and written in batches, so a
    /// million products never sit in memory. `verified` runs after the last
    /// change, before the commit: an error from it (the stream's hash does
    /// not match what was checked before) rolls everything back. Until the
    /// commit, readers see the old catalog (WAL); a crash rolls back.
    pub fn replace_all_streamed(
        &mut self,
        next: &mut dyn FnMut() -> Result<Option<Change>, CatalogError>,
        verified: &mut dyn FnMut() -> Result<(), CatalogError>,
        version: u64,
        now: UnixTime,
        meta: &[(&str, String)],
    ) -> Result<u64, CatalogError> {
        // A page cache of its own size: large enough that the inserts do
        // not thrash, small enough for the kiosk's memory budget.
        self.conn.pragma_update(None, "cache_size", STREAM_CACHE_KIB)?;
        let result = self.replace_all_streamed_in_transaction(next, verified, version, now, meta);
        self.conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        // The running kiosk keeps this connection: give back what the
        // snapshot's cache held (docs/BENCHMARKS.md, the enrolled kiosk).
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        release_freed_memory();
        result
    }

    fn replace_all_streamed_in_transaction(
        &mut self,
        next: &mut dyn FnMut() -> Result<Option<Change>, CatalogError>,
        verified: &mut dyn FnMut() -> Result<(), CatalogError>,
        version: u64,
        now: UnixTime,
        meta: &[(&str, String)],
    ) -> Result<u64, CatalogError> {
        let tx = self.conn.transaction()?;
        clear_for_replace(&tx)?;
        let v = next_version(&tx, VersionMove::To(version))?;
        let mut batch = Vec::with_capacity(STREAM_BATCH);
        let mut written = 0usize;
        loop {
            let change = next()?;
            let done = change.is_none();
            batch.extend(change);
            if batch.len() >= STREAM_BATCH || (done && !batch.is_empty()) {
                write_changes(&tx, &batch, written, &mut |_| {})?;
                written += batch.len();
                batch.clear();
            }
            if done {
                break;
            }
        }
        verified()?;
        record_version(&tx, v, now, written)?;
        tx.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')", [])?;
        tx.execute_batch(schema::FTS_TRIGGERS)?;
        tx.execute_batch(schema::FTS_DELETE_TRIGGER)?;
        set_meta_in(&tx, meta)?;
        tx.commit()?;
        Ok(v)
    }

    /// Looks up a parsed code for `store` at `now`.
    pub fn lookup(&self, code: &ProductCode, store: &str, now: UnixTime) -> Result<Lookup, CatalogError> {
        for gtin in code.candidates() {
            if let Some(view) = self.product_view(gtin, store, now)? {
                return Ok(Lookup::Found(Box::new(view)));
            }
        }
        Ok(Lookup::Unknown {
            gtin: code.gtin,
            catalog_version: self.version()?,
        })
    }

    /// The product with its price, promotions, stock and offers.
    pub fn product_view(&self, gtin: Gtin, store: &str, now: UnixTime) -> Result<Option<ProductView>, CatalogError> {
        let Some(product) = self.product(gtin)? else {
            return Ok(None);
        };
        let price = self.price(gtin, store)?;
        let promotions = self.promotions_for(&product, store, now)?;
        let mut stock_here = None;
        let mut stock_updated_at = None;
        let mut stock_online = None;
        let mut stock_elsewhere = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.store, s.quantity, s.updated_at, st.name, st.city
             FROM stock s LEFT JOIN stores st ON st.id = s.store
             WHERE s.gtin = ?1 ORDER BY s.quantity DESC, s.store",
        )?;
        let rows = stmt.query_map([gtin.value() as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (sid, qty, at, name, city) = row?;
            if sid == store {
                stock_here = Some(qty);
                stock_updated_at = Some(at);
            } else if sid == ONLINE {
                stock_online = Some(qty);
            } else {
                stock_elsewhere.push((
                    Store {
                        name: name.unwrap_or_else(|| sid.clone()),
                        id: sid,
                        city,
                        address: None,
                        location: None,
                    },
                    qty,
                ));
            }
        }
        let offers = self.offers(gtin)?;
        Ok(Some(ProductView {
            product,
            price,
            promotions,
            stock_here,
            stock_elsewhere,
            stock_online,
            stock_updated_at,
            offers,
            catalog_version: self.version()?,
            demo_values: self.demo_values()?,
        }))
    }

    /// Whether prices and stock are generated demo values: the embedded
    /// demo data, or an HQ that says its own are.
    pub fn demo_values(&self) -> Result<bool, CatalogError> {
        Ok(self.meta(meta::ORIGIN)?.is_some_and(|o| o.starts_with("demo"))
            || self.meta(meta::HQ_DEMO_PRICES)?.as_deref() == Some("1"))
    }

    pub fn product(&self, gtin: Gtin) -> Result<Option<Product>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, brand, quantity, category, image_url, sold_by, food, book, image FROM products WHERE gtin = ?1",
        )?;
        let row = stmt
            .query_row([gtin.value() as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .optional()?;
        let Some((name, brand, quantity, category, image_url, sold_by, food, book, image)) = row else {
            return Ok(None);
        };
        let corrupt = |reason: String| CatalogError::Corrupt {
            gtin: gtin.as_gtin14(),
            reason,
        };
        let food: Option<FoodInfo> = food
            .map(|f| serde_json::from_str(&f))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        let book: Option<BookInfo> = book
            .map(|b| serde_json::from_str(&b))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(Some(Product {
            gtin,
            name,
            brand,
            quantity,
            category,
            image_url,
            // An id the store does not recognise reads as no picture.
            image: image.as_deref().and_then(ImageId::parse),
            sold_by: if sold_by == "kg" {
                SoldBy::Kilogram
            } else {
                SoldBy::Unit
            },
            food,
            book,
        }))
    }

    /// The store price, else the national price.
    pub fn price(&self, gtin: Gtin, store: &str) -> Result<Option<Money>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT amount_minor, currency FROM prices WHERE gtin = ?1 AND store IN (?2, '')
             ORDER BY store = '' LIMIT 1",
        )?;
        let row = stmt
            .query_row(params![gtin.value() as i64, store], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        row.map(|(a, c)| {
            Currency::from_code(&c)
                .map(|cur| Money::new(a, cur))
                .map_err(|e| CatalogError::Corrupt {
                    gtin: gtin.as_gtin14(),
                    reason: e.to_string(),
                })
        })
        .transpose()
    }

    /// Promotions that target this product and are in force at `now` in `store`.
    pub fn promotions_for(&self, p: &Product, store: &str, now: UnixTime) -> Result<Vec<Promotion>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM promotions WHERE target_kind <> 'gtins'
             UNION ALL
             SELECT pr.data FROM promotion_gtins pg JOIN promotions pr ON pr.id = pg.promo_id WHERE pg.gtin = ?1",
        )?;
        let rows = stmt.query_map([p.gtin.value() as i64], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let promo: Promotion = serde_json::from_str(&row?).map_err(|e| CatalogError::Corrupt {
                gtin: p.gtin.as_gtin14(),
                reason: format!("promotion: {e}"),
            })?;
            if promo.is_active(now, Some(store)) && promo.targets(p.gtin, p.category.as_deref(), p.brand.as_deref()) {
                out.push(promo);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Every promotion in force at `now` in `store` (for the pricing engine
    /// and the attract screen).
    pub fn active_promotions(&self, store: &str, now: UnixTime) -> Result<Vec<Promotion>, CatalogError> {
        let mut stmt = self.conn.prepare_cached("SELECT data FROM promotions ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let promo: Promotion = serde_json::from_str(&row?).map_err(|e| CatalogError::Corrupt {
                gtin: "-".into(),
                reason: format!("promotion: {e}"),
            })?;
            if promo.is_active(now, Some(store)) {
                out.push(promo);
            }
        }
        Ok(out)
    }

    pub fn offers(&self, gtin: Gtin) -> Result<Vec<Offer>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seller_id, seller_name, amount_minor, currency, shipping_minor, delivery_days
             FROM offers WHERE gtin = ?1 ORDER BY amount_minor + shipping_minor, seller_id",
        )?;
        let rows = stmt.query_map([gtin.value() as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seller_id, seller_name, amount, cur, shipping, days) = row?;
            let currency = Currency::from_code(&cur).map_err(|e| CatalogError::Corrupt {
                gtin: gtin.as_gtin14(),
                reason: e.to_string(),
            })?;
            out.push(Offer {
                gtin,
                seller_id,
                seller_name,
                price: Money::new(amount, currency),
                shipping: Money::new(shipping, currency),
                delivery_days: u16::try_from(days).unwrap_or(u16::MAX),
            });
        }
        Ok(out)
    }

    /// The pictures the catalog's products name (each once).
    ///
    /// This reads the whole products table. Through a reader's memory map
    /// every page it touches stays in the process's resident set until the
    /// connection closes (the whole table at 1,000,000 products, which put
    /// `vitrine sync --once` over the kiosk's 150 MB budget right after a
    /// snapshot: docs/BENCHMARKS.md), so the scan goes through SQLite's
    /// bounded page cache instead, and the map is put back for lookups.
    pub fn image_ids(&self) -> Result<Vec<ImageId>, CatalogError> {
        let mapped: i64 = self.conn.pragma_query_value(None, "mmap_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "mmap_size", 0)?;
        let ids = self.image_ids_unmapped();
        self.conn.pragma_update(None, "mmap_size", mapped)?;
        ids
    }

    fn image_ids_unmapped(&self) -> Result<Vec<ImageId>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT image FROM products WHERE image IS NOT NULL ORDER BY image")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|r| r.ok().and_then(|s| ImageId::parse(&s)))
            .collect();
        Ok(ids)
    }

    pub fn stores(&self) -> Result<Vec<Store>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, city FROM stores ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Store {
                id: r.get(0)?,
                name: r.get(1)?,
                city: r.get(2)?,
                address: None,
                location: None,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Full-text search on name and brand (accents and case ignored, prefix
    /// match on the last word so results come while typing).
    pub fn search(&self, text: &str, store: &str, limit: usize) -> Result<Vec<SearchHit>, CatalogError> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            // Rank inside the FTS table first, join the few winners after:
            // joining every match before sorting costs twice as much.
            "SELECT p.gtin, p.name, p.brand, p.quantity FROM (
                 SELECT rowid, bm25(products_fts, 10.0, 5.0) AS score FROM products_fts
                 WHERE products_fts MATCH ?1 ORDER BY score, rowid LIMIT ?2
             ) f JOIN products p ON p.gtin = f.rowid ORDER BY f.score, p.gtin",
        )?;
        let rows = stmt.query_map(params![query, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (g, name, brand, quantity) = row?;
            let gtin = Gtin::from_value(g as u64).map_err(|e| CatalogError::Corrupt {
                gtin: g.to_string(),
                reason: e.to_string(),
            })?;
            out.push(SearchHit {
                gtin,
                price: self.price(gtin, store)?,
                name,
                brand,
                quantity,
            });
        }
        Ok(out)
    }

    pub fn status(&self) -> Result<CatalogStatus, CatalogError> {
        let count = |t: &str| -> Result<u64, CatalogError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        let size_bytes = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
            + std::fs::metadata(self.path.with_extension("sqlite-wal"))
                .map(|m| m.len())
                .unwrap_or(0);
        Ok(CatalogStatus {
            path: self.path.clone(),
            catalog_version: self.version()?,
            catalog_updated_at: self.meta(meta::UPDATED_AT)?.and_then(|v| v.parse().ok()),
            last_sync: self.meta(meta::LAST_SYNC)?.and_then(|v| v.parse().ok()),
            products: count("products")?,
            prices: count("prices")?,
            promotions: count("promotions")?,
            stock_rows: count("stock")?,
            offers: count("offers")?,
            stores: count("stores")?,
            prices_origin: self.meta(meta::ORIGIN)?,
            size_bytes,
        })
    }

    /// All products (for the demo generator and tests). Streams would be
    /// better for huge catalogs; the demo has a few thousand.
    pub fn all_products(&self) -> Result<Vec<Product>, CatalogError> {
        let mut stmt = self.conn.prepare("SELECT gtin FROM products ORDER BY gtin")?;
        let gtins: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(gtins.len());
        for g in gtins {
            let gtin = Gtin::from_value(g as u64).map_err(|e| CatalogError::Corrupt {
                gtin: g.to_string(),
                reason: e.to_string(),
            })?;
            if let Some(p) = self.product(gtin)? {
                out.push(p);
            }
        }
        Ok(out)
    }
}

/// Builds an FTS5 query from what a shopper typed: each word quoted (so no
/// FTS syntax can be injected), the last one as a prefix.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.replace('"', ""))
        .collect();
    if words.is_empty() {
        return None;
    }
    let n = words.len();
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i + 1 == n {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Empties the catalog for a whole new content, with the search index's
/// triggers off (it is rebuilt once at the end) and no version.
fn clear_for_replace(tx: &Transaction<'_>) -> Result<(), CatalogError> {
    tx.execute_batch("DROP TRIGGER products_ai; DROP TRIGGER products_au; DROP TRIGGER products_ad;")?;
    tx.execute("INSERT INTO products_fts(products_fts) VALUES ('delete-all')", [])?;
    for t in [
        "products",
        "prices",
        "promotions",
        "promotion_gtins",
        "stock",
        "offers",
        "stores",
    ] {
        tx.execute(&format!("DELETE FROM {t}"), [])?;
    }
    tx.execute("DELETE FROM meta WHERE key = ?1", [meta::VERSION])?;
    Ok(())
}

fn set_meta_in(tx: &Transaction<'_>, meta: &[(&str, String)]) -> Result<(), CatalogError> {
    for (k, v) in meta {
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rusqlite::params![k, v],
        )?;
    }
    Ok(())
}

fn apply_in(
    tx: &Transaction<'_>,
    changes: &[Change],
    version: VersionMove,
    now: UnixTime,
    progress: &mut dyn FnMut(usize),
) -> Result<u64, CatalogError> {
    let new_version = next_version(tx, version)?;
    write_changes(tx, changes, 0, progress)?;
    progress(changes.len());
    record_version(tx, new_version, now, changes.len())?;
    Ok(new_version)
}

/// The version a write will give, refusing a version not above the current one.
fn next_version(tx: &Transaction<'_>, version: VersionMove) -> Result<u64, CatalogError> {
    let current: u64 = tx
        .query_row("SELECT value FROM meta WHERE key = ?1", [meta::VERSION], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    match version {
        VersionMove::Increment => Ok(current + 1),
        VersionMove::To(v) if v > current => Ok(v),
        VersionMove::To(v) => Err(CatalogError::Refused(format!(
            "version {v} is not above the catalog's version {current}"
        ))),
    }
}

/// Writes changes inside a transaction the caller owns. `done_before` is the
/// count already written (for progress across batches).
fn write_changes(
    tx: &Transaction<'_>,
    changes: &[Change],
    done_before: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<(), CatalogError> {
    for (i, change) in changes.iter().enumerate() {
        apply_change(tx, change, TableLayout::Columns).map_err(|e| match e {
            ApplyError::Sql(e) => CatalogError::Sql(e),
            ApplyError::Encode(e) => CatalogError::Import(format!("cannot encode a record: {e}")),
        })?;
        if (i + 1) % 1000 == 0 {
            progress(done_before + i + 1);
        }
    }
    Ok(())
}

/// Moves the catalog version and records when and how much changed.
fn record_version(tx: &Transaction<'_>, new_version: u64, now: UnixTime, count: usize) -> Result<(), CatalogError> {
    for (k, v) in [
        (meta::VERSION, new_version.to_string()),
        (meta::UPDATED_AT, now.to_string()),
    ] {
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )?;
    }
    tx.execute(
        // OR REPLACE: a first HQ snapshot may bring a version number the
        // kiosk's demo history already used (replace_all restarts the count).
        "INSERT OR REPLACE INTO catalog_versions(version, applied_at, changes) VALUES (?1, ?2, ?3)",
        params![new_version as i64, now, count as i64],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
