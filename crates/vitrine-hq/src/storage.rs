//! HQ's storage, behind the [`HqStorage`] trait so that a PostgreSQL backend
//! can follow for large chains (none exists yet); [`SqliteStorage`] is the
//! only backend (one file, WAL, append-only migrations).
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
//!
//! The server never calls storage from an async worker thread: handlers go
//! through `spawn_blocking`, so a slow query cannot stall `/v1/health` or the
//! push streams.
//!
//! Catalog: the current state (products, prices, promotions, stock, offers,
//! stores) plus a change log, one row per catalog version with its changes
//! as the JSON text kiosks receive. Deltas are cut from the log; snapshots
//! from the state. A version with more than `max_delta_changes` changes (a
//! bulk import) is logged without its content: a kiosk behind it takes a
//! snapshot, which is smaller than such a delta anyway.

pub mod customers;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{ONLINE, PriceEntry, Product, StockEntry, StockLevel, UnixTime};
use vitrine_core::wire::{Contact, HandoffLine, OrderStatus, StoreStock};
use vitrine_core::{Currency, Gtin, Money};
use vitrine_infra::catalog::{ApplyError, TableLayout, apply_change};
use vitrine_infra::migrate::MigrateError;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("HQ database {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("HQ database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "HQ database {path} was written by a newer vitrine-hq (schema {found}, this one knows {known}): update vitrine-hq"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("stored record is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Duplicate(String),
}

impl StorageError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, StorageError::Sql(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// The answer to "what changed since version V for store S".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangesSince {
    UpToDate {
        version: u64,
    },
    /// `changes_json` is a JSON array of `Change`.
    Changes {
        to: u64,
        changes_json: String,
    },
    /// The log no longer has (or never had) what is needed.
    TooOld {
        version: u64,
        reason: String,
    },
}

/// A kiosk known to HQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: String,
    pub store: String,
    pub name: Option<String>,
    pub public_key: Option<String>,
    pub created_at: UnixTime,
    pub enrolled_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

/// A handoff as HQ keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffRecord {
    pub id: Uuid,
    pub store: String,
    pub device_id: String,
    pub created_at: UnixTime,
    pub lines: Vec<HandoffLine>,
    /// The signed basket text (the idempotency fingerprint).
    pub payload: String,
    pub compact: String,
    pub contact: Option<Contact>,
    pub customer_id: Option<String>,
    pub received_at: UnixTime,
    /// "kiosk" or "phone": who delivered it first.
    pub source: String,
    pub claimed_at: Option<UnixTime>,
}

/// A click&collect order as HQ keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub id: Uuid,
    pub number: String,
    pub store: String,
    pub device_id: String,
    pub created_at: UnixTime,
    pub received_at: UnixTime,
    pub status: OrderStatus,
    pub request_json: String,
    /// Hex SHA-256 of the canonical request (the idempotency fingerprint).
    pub fingerprint: String,
    /// The receipt answered the first time (answered again on a repeat).
    pub receipt_json: String,
    pub total: Money,
}

/// The outcome of an idempotent insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put<T> {
    Created(T),
    /// Same id, same content: the stored record.
    Existing(T),
    /// Same id, other content.
    Conflict,
}

/// The outcome of claiming a handoff from the phone page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Claimed now: the contact is recorded and the confirmation queued.
    Claimed,
    /// Claimed before (with this contact, or None if it was lost): nothing
    /// changed and nothing was queued.
    AlreadyClaimed(Option<Contact>),
    /// No such handoff.
    NotFound,
}

/// A message to a shopper (email or SMS), sent by HQ's notifier with retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// "email" or "sms".
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Everything HQ stores. Implementations are synchronous and may block; the
/// server calls them on the blocking pool only, never on an async worker
/// thread.
pub trait HqStorage: customers::CustomerStore + Send + Sync + 'static {
    // catalog
    /// Writes `changes` as one new catalog version and returns it. `scope`:
    /// the one store it concerns, or None for every store.
    fn commit_changes(&self, changes: &[Change], scope: Option<&str>, now: UnixTime) -> Result<u64>;
    fn current_version(&self) -> Result<u64>;
    fn changes_since(&self, since: u64, store: &str) -> Result<ChangesSince>;
    /// The whole catalog of `store` as a JSON array of `Change`, with its version.
    fn snapshot_json(&self, store: &str) -> Result<(u64, String)>;
    /// The product and its price at `store` (store price, else national).
    fn product_price(&self, gtin: Gtin, store: &str) -> Result<Option<(Product, Option<Money>)>>;
    fn promotions(&self) -> Result<Vec<Promotion>>;
    fn stock_of(&self, gtin: Gtin) -> Result<Vec<StoreStock>>;
    fn store_ids(&self) -> Result<Vec<String>>;
    /// Drops the content of logged versions older than the newest `keep`.
    fn prune_history(&self, keep: u64) -> Result<()>;

    // devices
    /// Records a new device `id` (made by the caller) waiting for enrollment.
    fn add_device(
        &self,
        id: &str,
        store: &str,
        code_hash: &str,
        code_expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<()>;
    /// Consumes a one-time code: the device gets its key and token hash.
    fn enroll_device(
        &self,
        code_hash: &str,
        public_key: &str,
        name: Option<&str>,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Device>>;
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>>;
    fn device(&self, id: &str) -> Result<Option<Device>>;
    fn revoke_device(&self, id: &str, now: UnixTime) -> Result<bool>;
    fn devices(&self) -> Result<Vec<Device>>;
    /// The ids of every revoked device (push streams of these end).
    fn revoked_device_ids(&self) -> Result<Vec<String>>;

    // handoffs
    fn put_handoff(&self, h: &HandoffRecord) -> Result<Put<HandoffRecord>>;
    fn handoff(&self, id: &Uuid) -> Result<Option<HandoffRecord>>;
    /// Records the shopper's contact and queues their confirmation, once: a
    /// handoff already claimed is left as it is (nothing queued) and its
    /// recorded contact returned.
    fn claim_handoff(&self, id: &Uuid, contact: &Contact, now: UnixTime, notes: &[NewNotification]) -> Result<Claim>;

    // orders
    fn put_order(&self, o: &OrderRecord, notes: &[NewNotification]) -> Result<Put<OrderRecord>>;
    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>>;
    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>>;
    fn set_order_status(
        &self,
        id: &Uuid,
        status: OrderStatus,
        now: UnixTime,
        notes: &[NewNotification],
    ) -> Result<Option<OrderRecord>>;

    // notifications
    fn due_notifications(&self, now: UnixTime, limit: usize) -> Result<Vec<Notification>>;
    fn notification_sent(&self, id: i64, now: UnixTime) -> Result<()>;
    /// A failed try: retried at `next_at`, or given up when `next_at` is None.
    fn notification_failed(&self, id: i64, error: &str, next_at: Option<UnixTime>) -> Result<()>;
    fn next_notification_at(&self) -> Result<Option<UnixTime>>;

    // settings
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

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
        current_version_on(&self.reader)
    }

    /// The whole catalog of `store` as a JSON array of `Change`, with the
    /// version it is at.
    pub fn snapshot_json(&self, store: &str) -> Result<(u64, String)> {
        snapshot_on(&self.reader, store)
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
    /// Opens (creating and migrating) `hq.sqlite` in `data_dir`.
    pub fn open(data_dir: &Path, max_delta_changes: usize) -> Result<SqliteStorage> {
        std::fs::create_dir_all(data_dir).map_err(|e| StorageError::Open {
            path: data_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let path = data_dir.join(HQ_DB_FILE);
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

fn write_change(tx: &Transaction<'_>, c: &Change) -> Result<()> {
    apply_change(tx, c, TableLayout::Documents).map_err(|e| match e {
        ApplyError::Sql(e) => StorageError::Sql(e),
        ApplyError::Encode(e) => corrupt(e),
    })
}

/// Appends `{"op":OP,"data":DATA}` to a JSON array being built.
fn push_raw(out: &mut String, first: &mut bool, op: &str, data: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push_str("{\"op\":\"");
    out.push_str(op);
    out.push_str("\",\"data\":");
    out.push_str(data);
    out.push('}');
}

fn read_order(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

type OrderRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
);

const ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency";

fn order_of(row: OrderRow) -> Result<OrderRecord> {
    let (
        id,
        number,
        store,
        device_id,
        created_at,
        received_at,
        status,
        request_json,
        fingerprint,
        receipt_json,
        total,
        cur,
    ) = row;
    Ok(OrderRecord {
        id: Uuid::parse_str(&id).map_err(corrupt)?,
        number,
        store,
        device_id,
        created_at,
        received_at,
        status: OrderStatus::parse(&status).ok_or_else(|| corrupt(format!("order status {status}")))?,
        request_json,
        fingerprint,
        receipt_json,
        total: Money::new(total, Currency::from_code(&cur).map_err(corrupt)?),
    })
}

const HANDOFF_COLS: &str =
    "id, store, device_id, created_at, lines, payload, compact, contact, customer_id, received_at, source, claimed_at";

type HandoffRow = (
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    Option<i64>,
);

fn read_handoff(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoffRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn handoff_of(row: HandoffRow) -> Result<HandoffRecord> {
    let (
        id,
        store,
        device_id,
        created_at,
        lines,
        payload,
        compact,
        contact,
        customer_id,
        received_at,
        source,
        claimed_at,
    ) = row;
    Ok(HandoffRecord {
        id: Uuid::parse_str(&id).map_err(corrupt)?,
        store,
        device_id,
        created_at,
        lines: serde_json::from_str(&lines).map_err(corrupt)?,
        payload,
        compact,
        contact: contact.map(|c| serde_json::from_str(&c)).transpose().map_err(corrupt)?,
        customer_id,
        received_at,
        source,
        claimed_at,
    })
}

fn device_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        store: r.get(1)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        created_at: r.get(4)?,
        enrolled_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

const DEVICE_COLS: &str = "id, store, name, public_key, created_at, enrolled_at, revoked_at";

fn insert_notes(tx: &Transaction<'_>, notes: &[NewNotification], now: UnixTime) -> Result<()> {
    insert_notes_at(tx, notes, now, now)
}

/// Queues messages due at `at` (later than `now` for the survey loop).
fn insert_notes_at(tx: &Transaction<'_>, notes: &[NewNotification], now: UnixTime, at: UnixTime) -> Result<()> {
    for n in notes {
        tx.execute(
            "INSERT INTO notifications(channel, recipient, subject, body, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![n.channel, n.to, n.subject, n.body, now, at],
        )?;
    }
    Ok(())
}

fn current_version_on(conn: &Connection) -> Result<u64> {
    let v: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
        r.get(0)
    })?;
    Ok(v as u64)
}

/// The catalog of `store` read on `tx` (a connection in a read transaction).
fn snapshot_on(tx: &Connection, store: &str) -> Result<(u64, String)> {
    let version = current_version_on(tx)?;
    let mut out = String::with_capacity(1 << 20);
    out.push('[');
    let mut first = true;
    {
        let mut s = tx.prepare("SELECT data FROM stores ORDER BY id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            push_raw(&mut out, &mut first, "upsert_store", &r.get::<_, String>(0)?);
        }
        let mut s = tx.prepare("SELECT data FROM products ORDER BY gtin")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            push_raw(&mut out, &mut first, "upsert_product", &r.get::<_, String>(0)?);
        }
        let mut s = tx.prepare(
            "SELECT gtin, store, amount_minor, currency FROM prices WHERE store IN ('', ?1) ORDER BY gtin, store",
        )?;
        let mut rows = s.query([store])?;
        while let Some(r) = rows.next()? {
            let st: String = r.get(1)?;
            let cur = Currency::from_code(&r.get::<_, String>(3)?).map_err(corrupt)?;
            let e = PriceEntry {
                gtin: gtin_of(r.get(0)?)?,
                store: (!st.is_empty()).then_some(st),
                price: Money::new(r.get(2)?, cur),
            };
            push_raw(&mut out, &mut first, "set_price", &json(&e)?);
        }
        let mut s = tx.prepare("SELECT data FROM promotions ORDER BY id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            push_raw(&mut out, &mut first, "upsert_promotion", &r.get::<_, String>(0)?);
        }
        let mut s = tx.prepare("SELECT gtin, store, quantity, updated_at FROM stock ORDER BY gtin, store")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            let e = StockEntry {
                gtin: gtin_of(r.get(0)?)?,
                store: r.get(1)?,
                quantity: r.get(2)?,
                updated_at: r.get(3)?,
            };
            push_raw(&mut out, &mut first, "set_stock", &json(&e)?);
        }
        let mut s = tx.prepare("SELECT data FROM offers ORDER BY gtin, seller_id")?;
        let mut rows = s.query([])?;
        while let Some(r) = rows.next()? {
            push_raw(&mut out, &mut first, "upsert_offer", &r.get::<_, String>(0)?);
        }
    }
    out.push(']');
    Ok((version, out))
}

impl HqStorage for SqliteStorage {
    fn commit_changes(&self, changes: &[Change], scope: Option<&str>, now: UnixTime) -> Result<u64> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let current: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
            r.get(0)
        })?;
        for c in changes {
            write_change(&tx, c)?;
        }
        let logged = if changes.len() > self.max_delta_changes {
            None
        } else {
            Some(json(&changes)?)
        };
        let v = current + 1;
        tx.execute(
            "INSERT INTO catalog_versions(version, created_at, scope, count, changes) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![v, now, scope, changes.len() as i64, logged],
        )?;
        tx.commit()?;
        Ok(v as u64)
    }

    fn current_version(&self) -> Result<u64> {
        current_version_on(&*self.reader()?)
    }

    fn changes_since(&self, since: u64, store: &str) -> Result<ChangesSince> {
        let conn = self.reader()?;
        let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
            r.get(0)
        })?;
        let current = current as u64;
        if since == current {
            return Ok(ChangesSince::UpToDate { version: current });
        }
        if since > current {
            return Ok(ChangesSince::TooOld {
                version: current,
                reason: format!("version {since} is unknown at HQ (HQ is at {current})"),
            });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT version, scope, changes FROM catalog_versions WHERE version > ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map([since as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = String::from("[");
        let mut expected = since as i64 + 1;
        for row in rows {
            let (v, scope, changes) = row?;
            if v != expected {
                break;
            }
            expected += 1;
            let Some(changes) = changes else {
                return Ok(ChangesSince::TooOld {
                    version: current,
                    reason: format!("the changes of version {v} are no longer kept (pruned or a bulk import)"),
                });
            };
            if scope.as_deref().is_some_and(|s| s != store) {
                continue;
            }
            let inner = changes
                .trim()
                .strip_prefix('[')
                .and_then(|c| c.strip_suffix(']'))
                .ok_or_else(|| corrupt(format!("the change log of version {v} is not a JSON array")))?;
            if !inner.trim().is_empty() {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(inner);
            }
        }
        if (expected - 1) as u64 != current {
            return Ok(ChangesSince::TooOld {
                version: current,
                reason: format!("the changes since version {since} are no longer kept"),
            });
        }
        out.push(']');
        Ok(ChangesSince::Changes {
            to: current,
            changes_json: out,
        })
    }

    fn snapshot_json(&self, store: &str) -> Result<(u64, String)> {
        // One read transaction on a reader of its own: the snapshot is
        // consistent with its version, and the writer is free meanwhile.
        self.read_view()?.snapshot_json(store)
    }

    fn product_price(&self, gtin: Gtin, store: &str) -> Result<Option<(Product, Option<Money>)>> {
        let conn = self.reader()?;
        let data: Option<String> = conn
            .query_row(
                "SELECT data FROM products WHERE gtin = ?1",
                [gtin.value() as i64],
                |r| r.get(0),
            )
            .optional()?;
        let Some(data) = data else { return Ok(None) };
        let product: Product = serde_json::from_str(&data).map_err(corrupt)?;
        let price = conn
            .query_row(
                "SELECT amount_minor, currency FROM prices WHERE gtin = ?1 AND store IN (?2, '') ORDER BY store = '' LIMIT 1",
                params![gtin.value() as i64, store],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(a, c)| Currency::from_code(&c).map(|c| Money::new(a, c)).map_err(corrupt))
            .transpose()?;
        Ok(Some((product, price)))
    }

    fn promotions(&self) -> Result<Vec<Promotion>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT data FROM promotions ORDER BY id")?;
        let rows = s.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?).map_err(corrupt)?);
        }
        Ok(out)
    }

    fn stock_of(&self, gtin: Gtin) -> Result<Vec<StoreStock>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT s.store, s.quantity, s.updated_at, st.data FROM stock s LEFT JOIN stores st ON st.id = s.store
             WHERE s.gtin = ?1 ORDER BY s.quantity DESC, s.store",
        )?;
        let rows = s.query_map([gtin.value() as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (store, quantity, updated_at, data) = r?;
            let info: Option<vitrine_core::product::Store> =
                data.map(|d| serde_json::from_str(&d)).transpose().map_err(corrupt)?;
            out.push(StoreStock {
                name: info.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| {
                    if store == ONLINE {
                        "online".into()
                    } else {
                        store.clone()
                    }
                }),
                city: info.and_then(|s| s.city),
                store,
                quantity,
                level: StockLevel::from_quantity(quantity),
                updated_at,
            });
        }
        Ok(out)
    }

    fn store_ids(&self) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut s = conn.prepare("SELECT id FROM stores ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn prune_history(&self, keep: u64) -> Result<()> {
        self.lock().execute(
            "UPDATE catalog_versions SET changes = NULL
             WHERE version <= (SELECT COALESCE(MAX(version), 0) FROM catalog_versions) - ?1 AND changes IS NOT NULL",
            [keep as i64],
        )?;
        Ok(())
    }

    fn add_device(
        &self,
        id: &str,
        store: &str,
        code_hash: &str,
        code_expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<()> {
        self.lock().execute(
            "INSERT INTO devices(id, store, code_hash, code_expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, store, code_hash, code_expires_at, now],
        )?;
        Ok(())
    }

    fn enroll_device(
        &self,
        code_hash: &str,
        public_key: &str,
        name: Option<&str>,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Device>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let id: Option<String> = tx
            .query_row(
                "SELECT id FROM devices WHERE code_hash = ?1 AND code_expires_at > ?2 AND revoked_at IS NULL",
                params![code_hash, now],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        tx.execute(
            "UPDATE devices SET code_hash = NULL, code_expires_at = NULL, public_key = ?2, name = ?3,
               token_hash = ?4, enrolled_at = ?5 WHERE id = ?1",
            params![id, public_key, name, token_hash, now],
        )?;
        let d = tx.query_row(
            &format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1"),
            [&id],
            device_of,
        )?;
        tx.commit()?;
        Ok(Some(d))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>> {
        Ok(self
            .reader()?
            .prepare_cached(&format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = ?1"))?
            .query_row([token_hash], device_of)
            .optional()?)
    }

    fn device(&self, id: &str) -> Result<Option<Device>> {
        Ok(self
            .reader()?
            .prepare_cached(&format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1"))?
            .query_row([id], device_of)
            .optional()?)
    }

    fn revoke_device(&self, id: &str, now: UnixTime) -> Result<bool> {
        let n = self.lock().execute(
            "UPDATE devices SET revoked_at = ?2, code_hash = NULL WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        Ok(n == 1)
    }

    fn revoked_device_ids(&self) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT id FROM devices WHERE revoked_at IS NOT NULL ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn devices(&self) -> Result<Vec<Device>> {
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!("SELECT {DEVICE_COLS} FROM devices ORDER BY created_at, id"))?;
        let rows = s.query_map([], device_of)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_handoff(&self, h: &HandoffRecord) -> Result<Put<HandoffRecord>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let existing = tx
            .query_row(
                &format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = ?1"),
                [h.id.to_string()],
                read_handoff,
            )
            .optional()?;
        if let Some(row) = existing {
            let mut old = handoff_of(row)?;
            if old.payload != h.payload {
                return Ok(Put::Conflict);
            }
            // Contact details are merged, not compared.
            if old.contact.is_none() && h.contact.is_some() {
                old.contact = h.contact.clone();
                tx.execute(
                    "UPDATE handoffs SET contact = ?2 WHERE id = ?1",
                    params![h.id.to_string(), json(&old.contact)?],
                )?;
            }
            if old.customer_id.is_none() && h.customer_id.is_some() {
                old.customer_id = h.customer_id.clone();
                tx.execute(
                    "UPDATE handoffs SET customer_id = ?2 WHERE id = ?1",
                    params![h.id.to_string(), old.customer_id],
                )?;
            }
            tx.commit()?;
            return Ok(Put::Existing(old));
        }
        tx.execute(
            &format!("INSERT INTO handoffs({HANDOFF_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
            params![
                h.id.to_string(),
                h.store,
                h.device_id,
                h.created_at,
                json(&h.lines)?,
                h.payload,
                h.compact,
                h.contact.as_ref().map(json).transpose()?,
                h.customer_id,
                h.received_at,
                h.source,
                h.claimed_at
            ],
        )?;
        tx.commit()?;
        Ok(Put::Created(h.clone()))
    }

    fn handoff(&self, id: &Uuid) -> Result<Option<HandoffRecord>> {
        let row = self
            .reader()?
            .query_row(
                &format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = ?1"),
                [id.to_string()],
                read_handoff,
            )
            .optional()?;
        row.map(handoff_of).transpose()
    }

    fn claim_handoff(&self, id: &Uuid, contact: &Contact, now: UnixTime, notes: &[NewNotification]) -> Result<Claim> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        // Claimed once: a second claim changes nothing and sends nothing.
        let n = tx.execute(
            "UPDATE handoffs SET contact = ?2, claimed_at = ?3 WHERE id = ?1 AND claimed_at IS NULL",
            params![id.to_string(), json(contact)?, now],
        )?;
        if n == 1 {
            insert_notes(&tx, notes, now)?;
            tx.commit()?;
            return Ok(Claim::Claimed);
        }
        let before: Option<Option<String>> = tx
            .query_row("SELECT contact FROM handoffs WHERE id = ?1", [id.to_string()], |r| {
                r.get(0)
            })
            .optional()?;
        tx.commit()?;
        Ok(match before {
            None => Claim::NotFound,
            Some(c) => Claim::AlreadyClaimed(c.map(|c| serde_json::from_str(&c)).transpose().map_err(corrupt)?),
        })
    }

    fn put_order(&self, o: &OrderRecord, notes: &[NewNotification]) -> Result<Put<OrderRecord>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let existing = tx
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [o.id.to_string()],
                read_order,
            )
            .optional()?;
        if let Some(row) = existing {
            let old = order_of(row)?;
            return Ok(if old.fingerprint == o.fingerprint {
                Put::Existing(old)
            } else {
                Put::Conflict
            });
        }
        tx.execute(
            &format!("INSERT INTO orders({ORDER_COLS}, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6)"),
            params![
                o.id.to_string(),
                o.number,
                o.store,
                o.device_id,
                o.created_at,
                o.received_at,
                o.status.as_str(),
                o.request_json,
                o.fingerprint,
                o.receipt_json,
                o.total.amount_minor,
                o.total.currency.code()
            ],
        )?;
        insert_notes(&tx, notes, o.received_at)?;
        tx.commit()?;
        Ok(Put::Created(o.clone()))
    }

    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>> {
        let row = self
            .reader()?
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [id.to_string()],
                read_order,
            )
            .optional()?;
        row.map(order_of).transpose()
    }

    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!(
            "SELECT {ORDER_COLS} FROM orders WHERE store = ?1 ORDER BY status = 'collected', created_at DESC LIMIT 500"
        ))?;
        let rows = s.query_map([store], read_order)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(order_of(r?)?);
        }
        Ok(out)
    }

    fn set_order_status(
        &self,
        id: &Uuid,
        status: OrderStatus,
        now: UnixTime,
        notes: &[NewNotification],
    ) -> Result<Option<OrderRecord>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE orders SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status <> ?2",
            params![id.to_string(), status.as_str(), now],
        )?;
        if n == 1 {
            insert_notes(&tx, notes, now)?;
        }
        let row = tx
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [id.to_string()],
                read_order,
            )
            .optional()?;
        tx.commit()?;
        row.map(order_of).transpose()
    }

    fn due_notifications(&self, now: UnixTime, limit: usize) -> Result<Vec<Notification>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT id, channel, recipient, subject, body, attempts FROM notifications
             WHERE sent_at IS NULL AND next_at IS NOT NULL AND next_at <= ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = s.query_map(params![now, limit as i64], |r| {
            Ok(Notification {
                id: r.get(0)?,
                channel: r.get(1)?,
                to: r.get(2)?,
                subject: r.get(3)?,
                body: r.get(4)?,
                attempts: r.get::<_, i64>(5)?.max(0) as u32,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn notification_sent(&self, id: i64, now: UnixTime) -> Result<()> {
        self.lock().execute(
            "UPDATE notifications SET sent_at = ?2, attempts = attempts + 1, next_at = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    fn notification_failed(&self, id: i64, error: &str, next_at: Option<UnixTime>) -> Result<()> {
        self.lock().execute(
            "UPDATE notifications SET attempts = attempts + 1, last_error = ?2, next_at = ?3 WHERE id = ?1",
            params![id, error, next_at],
        )?;
        Ok(())
    }

    fn next_notification_at(&self) -> Result<Option<UnixTime>> {
        Ok(self.reader()?.query_row(
            "SELECT MIN(next_at) FROM notifications WHERE sent_at IS NULL AND next_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .reader()?
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.lock().execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Gtin {
        Gtin::from_digits(s).unwrap()
    }

    fn price(minor: i64, store: Option<&str>) -> Change {
        Change::SetPrice(PriceEntry {
            gtin: g("5449000039231"),
            store: store.map(String::from),
            price: Money::eur(minor),
        })
    }

    #[test]
    fn versions_deltas_scopes_and_too_old() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 3).unwrap();
        let p = Product::new(g("5449000039231"), "Nordic must");
        assert_eq!(s.commit_changes(&[Change::UpsertProduct(p)], None, 1).unwrap(), 1);
        assert_eq!(s.commit_changes(&[price(100, None)], None, 2).unwrap(), 2);
        assert_eq!(
            s.commit_changes(&[price(90, Some("lyon-02"))], Some("lyon-02"), 3)
                .unwrap(),
            3
        );
        assert_eq!(
            s.changes_since(3, "paris-01").unwrap(),
            ChangesSince::UpToDate { version: 3 }
        );
        let ChangesSince::Changes { to, changes_json } = s.changes_since(1, "paris-01").unwrap() else {
            panic!()
        };
        assert_eq!(to, 3);
        let parsed: Vec<Change> = serde_json::from_str(&changes_json).unwrap();
        assert_eq!(parsed, vec![price(100, None)]);
        let ChangesSince::Changes { changes_json, .. } = s.changes_since(1, "lyon-02").unwrap() else {
            panic!()
        };
        let parsed: Vec<Change> = serde_json::from_str(&changes_json).unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(matches!(
            s.changes_since(9, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));
        // A bulk version (more than max_delta_changes) is not logged.
        let bulk: Vec<Change> = (0..4).map(|i| price(100 + i, None)).collect();
        s.commit_changes(&bulk, None, 4).unwrap();
        assert!(matches!(
            s.changes_since(3, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));
        s.commit_changes(&[price(5, None)], None, 5).unwrap();
        assert!(matches!(
            s.changes_since(4, "paris-01").unwrap(),
            ChangesSince::Changes { .. }
        ));
        s.prune_history(0).unwrap();
        assert!(matches!(
            s.changes_since(4, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));

        let (v, snap) = s.snapshot_json("paris-01").unwrap();
        assert_eq!(v, 5);
        let parsed: Vec<Change> = serde_json::from_str(&snap).unwrap();
        assert!(parsed.contains(&price(5, None)));
        assert!(
            !parsed
                .iter()
                .any(|c| matches!(c, Change::SetPrice(p) if p.store.is_some()))
        );
        let (_, snap) = s.snapshot_json("lyon-02").unwrap();
        let parsed: Vec<Change> = serde_json::from_str(&snap).unwrap();
        assert!(parsed.contains(&price(90, Some("lyon-02"))));
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
        s.add_device("dev-1", "paris-01", "code", 10, 1).unwrap();
        assert!(s.device("dev-1").unwrap().is_some());
        assert!(s.revoke_device("dev-1", 3).unwrap());
        assert_eq!(s.revoked_device_ids().unwrap(), vec!["dev-1".to_string()]);
        // The view still reads version 1, whole.
        assert_eq!(view.version().unwrap(), 1);
        let (v, snap) = view.snapshot_json("paris-01").unwrap();
        assert_eq!(v, 1);
        assert!(
            serde_json::from_str::<Vec<Change>>(&snap)
                .unwrap()
                .contains(&price(100, None))
        );
        drop(view);
        let (v, snap) = s.snapshot_json("paris-01").unwrap();
        assert_eq!(v, 2);
        assert!(
            serde_json::from_str::<Vec<Change>>(&snap)
                .unwrap()
                .contains(&price(200, None))
        );
        // Readers are reused, and they cannot write.
        assert!(s.idle_readers() >= 1);
        let r = s.reader().unwrap();
        assert!(r.execute("DELETE FROM catalog_versions", []).is_err());
    }

    #[test]
    fn a_handoff_is_claimed_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 100).unwrap();
        let id = Uuid::now_v7();
        let h = HandoffRecord {
            id,
            store: "paris-01".into(),
            device_id: "dev-1".into(),
            created_at: 1,
            lines: vec![],
            payload: "p".into(),
            compact: "c".into(),
            contact: None,
            customer_id: None,
            received_at: 1,
            source: "kiosk".into(),
            claimed_at: None,
        };
        s.put_handoff(&h).unwrap();
        let ana = Contact {
            email: Some("ana@example.fr".into()),
            phone: None,
        };
        let eve = Contact {
            email: Some("eve@example.com".into()),
            phone: None,
        };
        let note = |to: &str| NewNotification {
            channel: "email".into(),
            to: to.into(),
            subject: "s".into(),
            body: "b".into(),
        };
        let queued = || -> i64 {
            s.lock()
                .query_row("SELECT COUNT(*) FROM notifications", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(
            s.claim_handoff(&id, &ana, 5, &[note("ana@example.fr")]).unwrap(),
            Claim::Claimed
        );
        assert_eq!(queued(), 1);
        assert_eq!(
            s.claim_handoff(&id, &eve, 6, &[note("eve@example.com")]).unwrap(),
            Claim::AlreadyClaimed(Some(ana.clone()))
        );
        assert_eq!(queued(), 1);
        let stored = s.handoff(&id).unwrap().unwrap();
        assert_eq!((stored.contact, stored.claimed_at), (Some(ana), Some(5)));
        assert_eq!(
            s.claim_handoff(&Uuid::now_v7(), &eve, 6, &[note("eve@example.com")])
                .unwrap(),
            Claim::NotFound
        );
        assert_eq!(queued(), 1);
    }
}
