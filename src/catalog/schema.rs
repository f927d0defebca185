//! Append-only migrations of the kiosk's SQLite files.
//!
//! Each component (the catalog here; the outbox, staff settings… in their own
//! modules) has its own ordered list of migrations, and the `schema_migrations`
//! table records how many of each list a file has applied. A migration is never
//! edited once it has shipped: a change is a new entry at the end of its list.
//! Each runs in its own transaction with its bookkeeping row, so a crash
//! mid-way leaves the file at the previous step.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

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
    CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, brand) VALUES ('delete', old.gtin, old.name, old.brand);
    END;
    "#,
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
];

/// Applies the pending migrations of `component` from `migrations`.
pub fn migrate(conn: &mut Connection, path: &Path, component: &str, migrations: &[&str]) -> Result<(), CatalogError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            component TEXT PRIMARY KEY,
            applied   INTEGER NOT NULL
        )",
    )?;
    let current: i64 = conn
        .query_row(
            "SELECT applied FROM schema_migrations WHERE component = ?1",
            [component],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let known = migrations.len() as i64;
    if current > known {
        return Err(CatalogError::TooNew {
            path: path.to_path_buf(),
            found: current,
            known,
        });
    }
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations(component, applied) VALUES (?1, ?2)
             ON CONFLICT(component) DO UPDATE SET applied = excluded.applied",
            rusqlite::params![component, (i + 1) as i64],
        )?;
        tx.commit()?;
        tracing::info!(component, migration = i + 1, "schema migrated");
    }
    Ok(())
}
