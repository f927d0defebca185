//! `kiosk.sqlite`: the kiosk's own records (device identity, handoffs,
//! click&collect orders, the outbox and its dead letters, cached
//! availability answers).
//!
//! A separate file from `catalog.sqlite`, on purpose: a million-product
//! snapshot rewrites the catalog in one long transaction, and a shopper's
//! order must never wait behind it; the catalog can also be deleted and
//! rebuilt from HQ without losing an order. Each handoff or order is written
//! in the same transaction as its outbox row, so one never exists without the
//! other.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use vitrine_core::product::UnixTime;
use vitrine_core::sign::{PublicKey, SecretKey};

use super::SyncError;
use crate::catalog::schema;

/// The file's name inside the data directory.
pub const KIOSK_FILE: &str = "kiosk.sqlite";

/// The kiosk file's migrations (component `kiosk`), append-only.
pub const KIOSK_MIGRATIONS: &[&str] = &[
    // 1: device identity, handoffs, orders, outbox, dead letters, availability cache
    r#"
    CREATE TABLE device (
        id                 INTEGER PRIMARY KEY CHECK (id = 1),
        device_id          TEXT NOT NULL,
        store              TEXT NOT NULL,
        hq_url             TEXT NOT NULL,
        token              TEXT NOT NULL,
        hq_public_key      TEXT NOT NULL,
        device_secret_key  TEXT NOT NULL,
        public_base_url    TEXT NOT NULL,
        enrolled_at        INTEGER NOT NULL
    );
    CREATE TABLE handoffs (
        id          TEXT PRIMARY KEY,      -- UUIDv7
        store       TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        lines       TEXT NOT NULL,         -- JSON [HandoffLine]
        url         TEXT NOT NULL,
        delivered_at INTEGER
    );
    CREATE TABLE orders (
        id          TEXT PRIMARY KEY,      -- UUIDv7
        number      TEXT NOT NULL,
        store       TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        lines       TEXT NOT NULL,         -- JSON [HandoffLine]
        status      TEXT,                  -- HQ's status once delivered
        delivered_at INTEGER
    );
    CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL CHECK (kind IN ('handoff', 'order')),
        message_id  TEXT NOT NULL UNIQUE,
        body        TEXT NOT NULL,         -- the exact JSON sent, every time
        created_at  INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
    );
    CREATE TABLE dead_letters (
        message_id  TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        body        TEXT NOT NULL,
        http_status INTEGER,
        error       TEXT NOT NULL,
        attempts    INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        dead_at     INTEGER NOT NULL
    );
    CREATE TABLE availability_cache (
        gtin        INTEGER PRIMARY KEY,
        data        TEXT NOT NULL,         -- JSON wire::Availability
        fetched_at  INTEGER NOT NULL
    );
    "#,
    // 2: customers (issue 6): the offline card table (keyed hashes of card
    // numbers, never the numbers) and coupon redemptions made here,
    // provisional until HQ confirms them.
    r#"
    CREATE TABLE card_table (
        hash        TEXT PRIMARY KEY,
        data        TEXT NOT NULL          -- JSON loyalty::CardEntry
    ) WITHOUT ROWID;
    CREATE TABLE card_meta (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        prefix      TEXT NOT NULL,
        key         TEXT NOT NULL,
        as_of       INTEGER NOT NULL
    );
    CREATE TABLE redemptions (
        code        TEXT PRIMARY KEY,
        order_id    TEXT NOT NULL,
        used_at     INTEGER NOT NULL,
        status      TEXT NOT NULL,         -- provisional, confirmed, refused
        reason      TEXT
    );
    "#,
    // 3: a basket's link sent to the contact typed on the kiosk (issue 15:
    // a shopper who cannot aim a phone at a QR code): a third outbox kind.
    // SQLite cannot change a CHECK in place; the table is copied, sequence
    // numbers kept.
    r#"
    CREATE TABLE outbox_v3 (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL CHECK (kind IN ('handoff', 'order', 'handoff-link')),
        message_id  TEXT NOT NULL UNIQUE,
        body        TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
    );
    INSERT INTO outbox_v3(seq, kind, message_id, body, created_at, attempts, last_error)
        SELECT seq, kind, message_id, body, created_at, attempts, last_error FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v3 RENAME TO outbox;
    "#,
    // 4: the card table sealed (issue 14): the keyed hashes, and the key a
    // stolen disk would use to try every card number in minutes, go;
    // entries are found by a slow hash of the card number and opened by it
    // (vitrine_core::cardtable). `card_meta.key` now holds the salt. The
    // next sync fetches the new table.
    r#"
    DROP TABLE card_table;
    DELETE FROM card_meta;
    ALTER TABLE card_meta ADD COLUMN kdf TEXT;  -- JSON cardtable::CardKdf
    CREATE TABLE card_sealed (
        tag         TEXT NOT NULL,
        sealed      TEXT NOT NULL
    );
    CREATE INDEX card_sealed_tag ON card_sealed(tag);
    "#,
    // 5: remote settings from HQ (issue 17): the ones that apply to this
    // kiosk as HQ last signed them, and their version.
    r#"
    CREATE TABLE remote_settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        scope       TEXT NOT NULL,
        updated_at  INTEGER NOT NULL,
        version     INTEGER NOT NULL
    );
    CREATE TABLE remote_settings_meta (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        version     INTEGER NOT NULL
    );
    "#,
];

/// What enrollment gave the kiosk. The token and the secret key never appear
/// in `Debug` output or logs.
#[derive(Clone)]
pub struct DeviceIdentity {
    pub device_id: String,
    pub store: String,
    pub hq_url: String,
    pub token: String,
    pub hq_public_key: PublicKey,
    pub device_key: SecretKey,
    pub public_base_url: String,
    pub enrolled_at: UnixTime,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("device_id", &self.device_id)
            .field("store", &self.store)
            .field("hq_url", &self.hq_url)
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

/// Opens (creating and migrating) `kiosk.sqlite` in `data_dir`.
pub fn open(data_dir: &Path) -> Result<Connection, SyncError> {
    std::fs::create_dir_all(data_dir).map_err(|e| SyncError::Storage(format!("{}: {e}", data_dir.display())))?;
    let path = data_dir.join(KIOSK_FILE);
    // The file holds the device token and signing key: owner-only from its
    // creation (SQLite gives its WAL and shared-memory files the same mode).
    if let Err(e) = vitrine_infra::fs::ensure_owner_only(&path) {
        tracing::warn!(file = %path.display(), error = %e, "cannot make the kiosk file owner-only");
    }
    let mut conn = Connection::open(&path).map_err(|e| SyncError::Storage(format!("{}: {e}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // A queued order must survive a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Outbox bodies carry the shopper's contact details: a deleted row is
    // overwritten with zeros, not left in a free page (see
    // [`crate::sync::Outbox::delivered`] for the WAL side).
    conn.pragma_update(None, "secure_delete", "ON")?;
    schema::migrate(&mut conn, &path, "kiosk", KIOSK_MIGRATIONS).map_err(|e| SyncError::Storage(e.to_string()))?;
    Ok(conn)
}

/// The store HQ enrolled this kiosk for, read from `kiosk.sqlite` without
/// creating or migrating it: `None` when the kiosk is not enrolled (no file,
/// no table, no identity yet).
pub fn enrolled_store(data_dir: &Path) -> Result<Option<String>, SyncError> {
    let path = data_dir.join(KIOSK_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| SyncError::Storage(format!("{}: {e}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let has_table: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'device'",
        [],
        |r| r.get(0),
    )?;
    if has_table == 0 {
        return Ok(None);
    }
    Ok(conn
        .query_row("SELECT store FROM device WHERE id = 1", [], |r| r.get::<_, String>(0))
        .optional()?)
}

/// The enrolled identity, if any.
pub fn identity(conn: &Connection) -> Result<Option<DeviceIdentity>, SyncError> {
    let row = conn
        .query_row(
            "SELECT device_id, store, hq_url, token, hq_public_key, device_secret_key, public_base_url, enrolled_at
             FROM device WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((device_id, store, hq_url, token, hq_key, secret, public_base_url, enrolled_at)) = row else {
        return Ok(None);
    };
    let damaged = |what: &str, e: String| {
        SyncError::Storage(format!(
            "{KIOSK_FILE}: the stored {what} is damaged ({e}); enroll the kiosk again"
        ))
    };
    Ok(Some(DeviceIdentity {
        device_id,
        store,
        hq_url,
        token,
        hq_public_key: PublicKey::from_text(&hq_key).map_err(|e| damaged("HQ key", e.to_string()))?,
        device_key: SecretKey::from_text(&secret).map_err(|e| damaged("device key", e.to_string()))?,
        public_base_url,
        enrolled_at,
    }))
}

/// Records (or replaces) the enrolled identity.
pub fn save_identity(conn: &Connection, id: &DeviceIdentity) -> Result<(), SyncError> {
    conn.execute(
        "INSERT INTO device(id, device_id, store, hq_url, token, hq_public_key, device_secret_key, public_base_url, enrolled_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET device_id = excluded.device_id, store = excluded.store,
           hq_url = excluded.hq_url, token = excluded.token, hq_public_key = excluded.hq_public_key,
           device_secret_key = excluded.device_secret_key, public_base_url = excluded.public_base_url,
           enrolled_at = excluded.enrolled_at",
        params![
            id.device_id,
            id.store,
            id.hq_url,
            id.token,
            id.hq_public_key.to_text(),
            id.device_key.to_text(),
            id.public_base_url,
            id.enrolled_at
        ],
    )?;
    Ok(())
}

/// Outbox and dead-letter counts.
pub fn counts(conn: &Connection) -> Result<(u64, u64), SyncError> {
    let pending: i64 = conn.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?;
    let dead: i64 = conn.query_row("SELECT COUNT(*) FROM dead_letters", [], |r| r.get(0))?;
    Ok((pending as u64, dead as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_kiosk_file_and_its_journal_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        conn.execute(
            "INSERT INTO card_meta(id, prefix, key, as_of) VALUES (1, '99', 'k', 0)",
            [],
        )
        .unwrap();
        for f in [KIOSK_FILE, "kiosk.sqlite-wal", "kiosk.sqlite-shm"] {
            let mode = std::fs::metadata(dir.path().join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
        drop(conn);
        // Opening again keeps the records (the file is not recreated).
        let conn = open(dir.path()).unwrap();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM card_meta", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
