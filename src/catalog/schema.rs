//! Append-only migrations of the kiosk's SQLite file.
//!
//! `PRAGMA user_version` holds the number of migrations applied. A migration
//! is never edited once it has shipped: a change is a new entry at the end.
//! Each runs in its own transaction with the version bump, so a crash mid-way
//! leaves the file at the previous version.

use std::path::Path;

use rusqlite::Connection;

use super::CatalogError;

/// The migrations, in order. Later modules (outbox, session, staff) append here.
pub const MIGRATIONS: &[&str] = &[
    // 1: catalog
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
    CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, name, brand) VALUES (new.gtin, new.name, new.brand);
    END;
    CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, brand) VALUES ('delete', old.gtin, old.name, old.brand);
    END;
    CREATE TRIGGER products_au AFTER UPDATE OF name, brand ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, brand) VALUES ('delete', old.gtin, old.name, old.brand);
        INSERT INTO products_fts(rowid, name, brand) VALUES (new.gtin, new.name, new.brand);
    END;
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
    "#,
];

pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), CatalogError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(CatalogError::TooNew {
            path: path.to_path_buf(),
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = i + 1, "catalog schema migrated");
    }
    Ok(())
}
