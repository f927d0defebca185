//! The SQLite backend of HQ's storage: one file, WAL, append-only
//! migrations. Every SQL statement of HQ is in this module and its
//! children, one per aggregate (`catalog`, `devices`, `handoffs`, `orders`,
//! `customers`, `notifications`, `meta`, `images`, `phone`, `webhooks`, `fleet`, `settings`); each reads its rows into a named
//! row struct and turns it into the backend-neutral record.
//!
//! # Connections: one writer, pooled readers
//! [`SqliteStorage`] keeps one write connection behind a mutex (SQLite allows
//! one writer at a time anyway) and a pool of read connections
//! ([`SqliteStorage::read_view`]). In WAL mode a reader sees the database as
//! of its transaction's start and neither waits on the writer nor holds it
//! up. Every pure read (the device-token check, deltas, snapshots, prices,
//! handoffs, orders, notifications due) goes through a reader, so a snapshot
//! cut (seconds for a million products, in one read transaction for a
//! consistent version) holds only its own reader: price changes, enrolments,
//! orders and other kiosks' requests go on meanwhile. Reads that decide a
//! write (idempotent inserts, one-time codes, claims) stay in the writer's
//! transaction. Idle readers are kept up to [`MAX_IDLE_READERS`]; more are
//! opened when needed (the blocking pool bounds how many run at once).

mod catalog;
mod customers;
mod devices;
mod fleet;
mod handoffs;
mod images;
mod meta;
mod notifications;
mod orders;
mod phone;
mod settings;
mod shared;
mod staff;
mod webhooks;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;
use serde::Serialize;
use vitrine_core::Gtin;
use vitrine_infra::migrate::MigrateError;

use super::catalog::{Snapshot, SnapshotPart};
use super::{Result, StorageError};

/// HQ's migrations (component `hq`), append-only: a change is a new entry.
pub const HQ_MIGRATIONS: &[&str] = &[
    // 1
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE products (gtin INTEGER PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE prices (
        gtin INTEGER NOT NULL, store TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
        PRIMARY KEY (gtin, store)
    ) WITHOUT ROWID;
    CREATE TABLE promotions (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE stock (
        gtin INTEGER NOT NULL, store TEXT NOT NULL, quantity INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (gtin, store)
    ) WITHOUT ROWID;
    CREATE TABLE offers (gtin INTEGER NOT NULL, seller_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (gtin, seller_id)) WITHOUT ROWID;
    CREATE TABLE stores (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE catalog_versions (
        version    INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        scope      TEXT,             -- NULL: every store
        count      INTEGER NOT NULL,
        changes    TEXT              -- JSON array; NULL: too large or pruned (snapshot needed)
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY, store TEXT NOT NULL, name TEXT, public_key TEXT,
        code_hash TEXT UNIQUE, code_expires_at INTEGER, token_hash TEXT UNIQUE,
        created_at INTEGER NOT NULL, enrolled_at INTEGER, revoked_at INTEGER
    );
    CREATE TABLE handoffs (
        id TEXT PRIMARY KEY, store TEXT NOT NULL, device_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        lines TEXT NOT NULL, payload TEXT NOT NULL, compact TEXT NOT NULL, contact TEXT, customer_id TEXT,
        received_at INTEGER NOT NULL, source TEXT NOT NULL, claimed_at INTEGER
    );
    CREATE TABLE orders (
        id TEXT PRIMARY KEY, number TEXT NOT NULL, store TEXT NOT NULL, device_id TEXT NOT NULL,
        created_at INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL,
        request TEXT NOT NULL, fingerprint TEXT NOT NULL, receipt TEXT NOT NULL,
        total_minor INTEGER NOT NULL, currency TEXT NOT NULL, updated_at INTEGER NOT NULL
    );
    CREATE INDEX orders_store ON orders(store, created_at);
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, recipient TEXT NOT NULL,
        subject TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, sent_at INTEGER, last_error TEXT
    );
    CREATE INDEX notifications_due ON notifications(next_at) WHERE sent_at IS NULL;
    "#,
    // 2: the customer referential (issue 6): identifiers only as keyed
    // hashes, single-use coupons, surveys.
    r#"
    CREATE TABLE customers (
        id TEXT PRIMARY KEY, first_name TEXT, tier TEXT, consent INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL, forgotten_at INTEGER
    );
    CREATE TABLE customer_ids (
        hash TEXT PRIMARY KEY, customer_id TEXT NOT NULL, kind TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX customer_ids_customer ON customer_ids(customer_id);
    CREATE TABLE coupons (
        code TEXT PRIMARY KEY, customer_id TEXT, basis_points INTEGER NOT NULL,
        min_spend_minor INTEGER NOT NULL DEFAULT 0, valid_from INTEGER, valid_until INTEGER NOT NULL,
        source TEXT NOT NULL, created_at INTEGER NOT NULL
    );
    CREATE INDEX coupons_customer ON coupons(customer_id);
    CREATE TABLE redemptions (
        code TEXT PRIMARY KEY, channel TEXT NOT NULL, reference TEXT NOT NULL, store TEXT,
        used_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL
    );
    CREATE TABLE surveys (
        id TEXT PRIMARY KEY, customer_id TEXT, email TEXT, lang TEXT NOT NULL,
        reference TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
        answered_at INTEGER, score INTEGER, coupon_code TEXT
    );
    "#,
    // 3: a message cancelled once a coupon is used (the reminder of an
    // unused coupon).
    r#"
    ALTER TABLE notifications ADD COLUMN until_redeemed TEXT;
    CREATE INDEX notifications_until_redeemed ON notifications(until_redeemed) WHERE until_redeemed IS NOT NULL;
    "#,
    // 4: staff accounts (issue 14): one per person, for a store or (store
    // NULL) for every store; Argon2 password hashes; sessions by the hash
    // of their token; who changed which order's status.
    r#"
    CREATE TABLE staff (
        name TEXT PRIMARY KEY, store TEXT, password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE staff_sessions (
        token_hash TEXT PRIMARY KEY, staff TEXT NOT NULL, csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
    );
    CREATE INDEX staff_sessions_staff ON staff_sessions(staff);
    CREATE TABLE order_audit (
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, staff TEXT NOT NULL, store TEXT NOT NULL,
        order_id TEXT NOT NULL, order_number TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL
    );
    CREATE INDEX order_audit_store ON order_audit(store, at);
    "#,
    // 5: one-time codes that prove a shopper holds an email or phone
    // (issue 14): hashes only.
    r#"
    CREATE TABLE identify_challenges (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, contact_hash TEXT NOT NULL, device_id TEXT NOT NULL, customer_id TEXT,
        code_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, passed_at INTEGER
    );
    CREATE INDEX identify_challenges_contact ON identify_challenges(contact_hash, created_at);
    CREATE INDEX identify_challenges_device ON identify_challenges(device_id, created_at);
    "#,
    // 6: product pictures (issue 16): by the SHA-256 of the original file, with
    // the sizes made of it
    r#"
    CREATE TABLE images (
        id TEXT PRIMARY KEY, width INTEGER NOT NULL, height INTEGER NOT NULL, original BLOB NOT NULL
    );
    CREATE TABLE image_sizes (
        id TEXT NOT NULL REFERENCES images(id), size TEXT NOT NULL, bytes BLOB NOT NULL,
        PRIMARY KEY (id, size)
    ) WITHOUT ROWID;
    "#,
    // 7: the phone page (issue 16): a handed-off basket's edits (the
    // kiosk's signed basket stays as it was), how a phone order is
    // fulfilled and paid, and the shopper a one-time code identified on
    // the phone.
    r#"
    CREATE TABLE handoff_edits (
        handoff_id TEXT PRIMARY KEY, version INTEGER NOT NULL, lines TEXT NOT NULL, updated_at INTEGER NOT NULL
    );
    CREATE TABLE order_details (
        order_id TEXT PRIMARY KEY, handoff_id TEXT, data TEXT NOT NULL
    );
    CREATE INDEX order_details_handoff ON order_details(handoff_id);
    CREATE TABLE phone_identities (
        handoff_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, verified_at INTEGER NOT NULL
    );
    "#,
    // 8 (issue 16, orders): the order webhook's outbox (written with the
    // order or status change it reports; `next_at` NULL once delivered or
    // dead), the checkout address the retailer's system answered, and why a
    // store cancelled an order.
    r#"
    ALTER TABLE orders ADD COLUMN checkout_url TEXT;
    ALTER TABLE orders ADD COLUMN cancel_reason TEXT;
    CREATE TABLE webhook_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, order_id TEXT,
        kind TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, delivered_at INTEGER, dead_at INTEGER,
        last_error TEXT
    );
    CREATE INDEX webhook_outbox_due ON webhook_outbox(next_at) WHERE next_at IS NOT NULL;
    CREATE INDEX webhook_outbox_order ON webhook_outbox(order_id, seq);
    "#,
    // 9: the fleet's health (issue 17): each kiosk's latest heartbeat, and
    // a short history per kiosk (bounded by the writer).
    r#"
    CREATE TABLE device_health (
        device_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, data TEXT NOT NULL
    );
    CREATE TABLE device_health_history (
        id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, received_at INTEGER NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX device_health_history_device ON device_health_history(device_id, id);
    "#,
    // 10: remote kiosk settings (issue 17), per store or per device; a
    // removed one keeps its row without value (its removal is a version).
    r#"
    CREATE TABLE remote_settings (
        scope TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        updated_at INTEGER NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (scope, target, key)
    ) WITHOUT ROWID;
    "#,
    // 11: what replicas share (issue 18): rate-limit buckets and cut
    // snapshots. A SQLite HQ is one process and keeps both in memory; the
    // tables keep both backends' schemas the same.
    r#"
    CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at_ms INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE snapshot_cuts (
        store TEXT PRIMARY KEY, version INTEGER NOT NULL, signed_at INTEGER NOT NULL, gzip BLOB NOT NULL
    );
    "#,
];

/// The SQLite backend: one write connection, pooled read connections (see
/// the module's documentation).
pub struct SqliteStorage {
    conn: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    path: PathBuf,
    max_delta_changes: usize,
}

/// Idle read connections kept open for reuse.
pub const MAX_IDLE_READERS: usize = 8;

/// A read connection taken from the pool; back to the pool when dropped.
pub struct Reader<'a> {
    conn: Option<Connection>,
    storage: &'a SqliteStorage,
}

impl Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        // Only None inside drop.
        self.conn
            .as_ref()
            .unwrap_or_else(|| unreachable!("a reader is used after its drop"))
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take()
            && c.is_autocommit()
        {
            let mut pool = self.storage.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < MAX_IDLE_READERS {
                pool.push(c);
            }
        }
    }
}

/// A consistent read of HQ's database: a reader with its read transaction
/// open. Everything read through it is as of the moment it was opened, while
/// writes and other reads go on. A snapshot cut runs in one.
pub struct ReadView<'a> {
    reader: Reader<'a>,
}

impl ReadView<'_> {
    /// The catalog version this view sees.
    pub fn version(&self) -> Result<u64> {
        catalog::current_version_on(&self.reader)
    }

    /// The whole catalog of `store` as this view sees it.
    pub fn snapshot_json(&self, store: &str) -> Result<Snapshot> {
        catalog::snapshot_on(&self.reader, store)
    }

    /// The same, one record at a time (see `CatalogStore::snapshot_each`).
    pub fn snapshot_each(&self, store: &str, each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>) -> Result<()> {
        catalog::snapshot_each_on(&self.reader, store, each)
    }
}

impl Drop for ReadView<'_> {
    fn drop(&mut self) {
        // Ends the read transaction; the reader then goes back to the pool.
        let _ = self.reader.execute_batch("COMMIT");
    }
}

/// The file's name in HQ's data directory.
pub const HQ_DB_FILE: &str = "hq.sqlite";

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    vitrine_infra::migrate::migrate(conn, "hq", HQ_MIGRATIONS).map_err(|e| match e {
        MigrateError::TooNew { found, known, .. } => StorageError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        },
        MigrateError::Sql(e) => StorageError::Sql(e),
    })
}

fn corrupt(e: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(e.to_string())
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}

fn gtin_of(v: i64) -> Result<Gtin> {
    Gtin::from_value(v as u64).map_err(corrupt)
}

impl SqliteStorage {
    /// Opens (creating and migrating) `hq.sqlite` in `data_dir`. The folder
    /// is owner-only (0700) and so are the database and its `-wal` and
    /// `-shm` files (0600, from their creation: SQLite gives the journal
    /// files the database's mode): they hold names, contact details and
    /// staff password hashes, which no other local user may read.
    pub fn open(data_dir: &Path, max_delta_changes: usize) -> Result<SqliteStorage> {
        let open_err = |path: &Path, e: std::io::Error| StorageError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        vitrine_infra::fs::ensure_private_dir(data_dir).map_err(|e| open_err(data_dir, e))?;
        let path = data_dir.join(HQ_DB_FILE);
        vitrine_infra::fs::ensure_owner_only(&path).map_err(|e| open_err(&path, e))?;
        for suffix in ["-wal", "-shm"] {
            let journal = data_dir.join(format!("{HQ_DB_FILE}{suffix}"));
            vitrine_infra::fs::tighten_if_exists(&journal).map_err(|e| open_err(&journal, e))?;
        }
        let mut conn = Connection::open(&path).map_err(|e| StorageError::Open {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Deleted content is overwritten, not only unlinked: a forgotten
        // customer's data must not stay readable in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn, &path)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            path,
            max_delta_changes,
        })
    }

    /// A read connection: an idle one from the pool, else a new one. It
    /// cannot write (`query_only`).
    pub fn reader(&self) -> Result<Reader<'_>> {
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let c = Connection::open(&self.path).map_err(|e| StorageError::Open {
                    path: self.path.clone(),
                    reason: e.to_string(),
                })?;
                c.busy_timeout(Duration::from_secs(10))?;
                c.pragma_update(None, "query_only", "ON")?;
                c
            }
        };
        Ok(Reader {
            conn: Some(conn),
            storage: self,
        })
    }

    /// Opens a consistent read of the database (see [`ReadView`]).
    pub fn read_view(&self) -> Result<ReadView<'_>> {
        let reader = self.reader()?;
        reader.execute_batch("BEGIN DEFERRED")?;
        let view = ReadView { reader };
        // A deferred transaction takes its snapshot at its first read.
        view.version()?;
        Ok(view)
    }

    /// Read connections open and idle in the pool.
    pub fn idle_readers(&self) -> usize {
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // std Mutex: nothing is awaited while it is held; a poisoned lock
        // means a panic mid-call, whose transaction SQLite rolled back.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::Money;
    use vitrine_core::catalog::Change;
    use vitrine_core::product::PriceEntry;

    use super::*;
    use crate::storage::{CatalogStore, DeviceStore, NewDevice};

    pub(super) fn price(minor: i64, store: Option<&str>) -> Change {
        Change::SetPrice(PriceEntry {
            gtin: Gtin::from_digits("5449000039231").unwrap(),
            store: store.map(String::from),
            price: Money::eur(minor),
        })
    }

    #[test]
    fn a_read_view_sees_its_version_while_the_writer_and_other_readers_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 100).unwrap();
        s.commit_changes(&[price(100, None)], None, 1).unwrap();
        let view = s.read_view().unwrap();
        assert_eq!(view.version().unwrap(), 1);
        // With the view open (a snapshot cut in progress), writes and reads
        // on other connections complete: with one shared connection this
        // would wait on the view forever.
        assert_eq!(s.commit_changes(&[price(200, None)], None, 2).unwrap(), 2);
        assert_eq!(s.current_version().unwrap(), 2);
        let dev = NewDevice {
            id: "dev-1",
            store: "paris-01",
            code_hash: "code",
            code_expires_at: 10,
        };
        s.add_device(&dev, 1).unwrap();
        assert!(s.device("dev-1").unwrap().is_some());
        assert!(s.revoke_device("dev-1", 3).unwrap());
        assert_eq!(s.revoked_device_ids().unwrap(), vec!["dev-1".to_string()]);
        // The view still reads version 1, whole.
        assert_eq!(view.version().unwrap(), 1);
        let snap = view.snapshot_json("paris-01").unwrap();
        assert_eq!(snap.version, 1);
        assert!(
            serde_json::from_str::<Vec<Change>>(&snap.changes_json)
                .unwrap()
                .contains(&price(100, None))
        );
        drop(view);
        let snap = s.snapshot_json("paris-01").unwrap();
        assert_eq!(snap.version, 2);
        assert!(
            serde_json::from_str::<Vec<Change>>(&snap.changes_json)
                .unwrap()
                .contains(&price(200, None))
        );
        // Readers are reused, and they cannot write.
        assert!(s.idle_readers() >= 1);
        let r = s.reader().unwrap();
        assert!(r.execute("DELETE FROM catalog_versions", []).is_err());
    }
}
