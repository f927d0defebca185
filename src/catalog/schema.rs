//! Append-only migrations of the kiosk's SQLite files.
//!
//! Each component (the catalog here; the kiosk file's records in
//! [`crate::sync::store`]) has its own ordered list of migrations, and the
//! `schema_migrations` table records how many of each list a file has
//! applied. A migration is never edited once it has shipped: a change is a
//! new entry at the end of its list. The runner is shared with HQ
//! ([`vitrine_infra::migrate`]): each step runs in its own transaction with
//! its bookkeeping row, so a crash mid-way leaves the file at the previous step.

use std::path::Path;

use rusqlite::Connection;
use vitrine_infra::migrate::MigrateError;

use super::CatalogError;

/// The triggers that keep the search index in step with inserted and renamed
/// products. A bulk import into an empty catalog drops them and rebuilds the
/// index once at the end (much faster than a million incremental updates),
/// then creates them again, all in the import's transaction.
macro_rules! fts_insert_update_triggers {
    () => {
        r#"
    CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, name, brand) VALUES (new.gtin, new.name, new.brand);
    END;
    CREATE TRIGGER products_au AFTER UPDATE OF name, brand ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, brand) VALUES ('delete', old.gtin, old.name, old.brand);
        INSERT INTO products_fts(rowid, name, brand) VALUES (new.gtin, new.name, new.brand);
    END;
    "#
    };
}

/// The trigger removing deleted products from the search index (a snapshot
/// replacing the whole catalog drops it and rebuilds the index once).
macro_rules! fts_delete_trigger {
    () => {
        r#"
    CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, brand) VALUES ('delete', old.gtin, old.name, old.brand);
    END;
    "#
    };
}

/// SQL creating the delete search-index trigger (see the macro).
pub const FTS_DELETE_TRIGGER: &str = fts_delete_trigger!();

/// SQL creating the insert/update search-index triggers (see the macro).
pub const FTS_TRIGGERS: &str = fts_insert_update_triggers!();

/// The catalog's migrations, in order.
pub const CATALOG_MIGRATIONS: &[&str] = &[
    // 1: catalog
    concat!(
        r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE products (
        gtin      INTEGER PRIMARY KEY,   -- GTIN-14 as an integer
        name      TEXT NOT NULL,
        brand     TEXT,
        quantity  TEXT,
        category  TEXT,
        image_url TEXT,
        sold_by   TEXT NOT NULL DEFAULT 'unit' CHECK (sold_by IN ('unit', 'kg')),
        food      TEXT,                  -- JSON FoodInfo
        book      TEXT                   -- JSON BookInfo
    );
    CREATE VIRTUAL TABLE products_fts USING fts5(
        name, brand,
        content = 'products', content_rowid = 'gtin',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    "#,
        fts_delete_trigger!(),
        fts_insert_update_triggers!(),
        r#"
    CREATE TABLE prices (
        gtin         INTEGER NOT NULL,
        store        TEXT NOT NULL,      -- '' for the national price
        amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
        currency     TEXT NOT NULL,
        PRIMARY KEY (gtin, store)
    ) WITHOUT ROWID;
    CREATE TABLE promotions (
        id          TEXT PRIMARY KEY,
        target_kind TEXT NOT NULL,       -- gtins, category, brand, all
        data        TEXT NOT NULL,       -- JSON Promotion
        valid_until INTEGER
    );
    CREATE TABLE promotion_gtins (
        promo_id TEXT NOT NULL,
        gtin     INTEGER NOT NULL,
        PRIMARY KEY (gtin, promo_id)
    ) WITHOUT ROWID;
    CREATE TABLE stock (
        gtin       INTEGER NOT NULL,
        store      TEXT NOT NULL,
        quantity   INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (gtin, store)
    ) WITHOUT ROWID;
    CREATE TABLE offers (
        gtin           INTEGER NOT NULL,
        seller_id      TEXT NOT NULL,
        seller_name    TEXT NOT NULL,
        amount_minor   INTEGER NOT NULL,
        currency       TEXT NOT NULL,
        shipping_minor INTEGER NOT NULL,
        delivery_days  INTEGER NOT NULL,
        PRIMARY KEY (gtin, seller_id)
    ) WITHOUT ROWID;
    CREATE TABLE stores (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        city TEXT
    );
    CREATE TABLE catalog_versions (
        version    INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL,
        changes    INTEGER NOT NULL
    );
    "#
    ),
    // 2: product pictures (issue 16): the picture's id on HQ (the SHA-256
    // of its original file), NULL for none.
    "ALTER TABLE products ADD COLUMN image TEXT;",
];

/// Applies the pending migrations of `component` from `migrations` (the
/// runner is shared with HQ: [`vitrine_infra::migrate`]); a file written by a
/// newer Vitrine is refused with its path.
pub fn migrate(conn: &mut Connection, path: &Path, component: &str, migrations: &[&str]) -> Result<(), CatalogError> {
    vitrine_infra::migrate::migrate(conn, component, migrations).map_err(|e| match e {
        MigrateError::TooNew { found, known, .. } => CatalogError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        },
        MigrateError::Sql(e) => CatalogError::Sql(e),
    })
}
