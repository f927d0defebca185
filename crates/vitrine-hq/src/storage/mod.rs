//! HQ's storage: one trait per aggregate (catalog, devices, handoffs,
//! orders, customers, notifications, the order webhook's outbox, settings, product pictures, the fleet's health), with types that name no
//! database, and [`HqStorage`], every one of them at once: what the rest of
//! HQ holds (`Arc<dyn HqStorage>`). SQL lives only in the backends: SQLite
//! ([`SqliteStorage`], module `sqlite`, the embedded default) and
//! PostgreSQL ([`PgStorage`], module `pg`, for a chain running
//! several HQ replicas on one database), with the same schema and the same
//! behaviour ([`open`] picks one).
//!
//! Implementations are synchronous and may block: the server calls them on
//! the blocking pool only, never on an async worker thread, so a slow query
//! cannot stall `/v1/health` or the push streams.
//!
//! Writes that go with a message to a shopper (an order and its
//! confirmation, a claim and its email) take the messages as an argument
//! and store both in one transaction: a message is never lost nor sent for
//! something that was not stored.

pub mod catalog;
pub mod customers;
pub mod devices;
pub mod fleet;
pub mod handoffs;
pub mod images;
pub mod meta;
pub mod notifications;
pub mod orders;
mod pg;
pub mod phone;
pub mod settings;
pub mod shared;
mod sqlite;
pub mod staff;
pub mod webhooks;

use std::path::PathBuf;

use thiserror::Error;

pub use catalog::{CatalogStore, ChangesSince, ProductPrice, Snapshot, SnapshotPart};
pub use customers::CustomerStore;
pub use devices::{Device, DeviceStore, NewDevice};
pub use fleet::{FleetStore, HeartbeatRecord};
pub use handoffs::{Claim, HandoffRecord, HandoffStore};
pub use images::{ImageStore, NewImage};
pub use meta::MetaStore;
pub use notifications::{NewNotification, Notification, NotificationStore, Scheduled};
pub use orders::{OrderRecord, OrderStore};
pub use orders::{StatusUpdate, StatusUpdated};
pub use pg::{DEFAULT_MAX_CONNECTIONS, PG_MIGRATIONS, PgStorage, redacted};
pub use phone::{BasketEdit, PhoneStore};
pub use settings::{SettingRecord, SettingsStore};
pub use shared::{Feed, FeedEvent, SharedStore, StoredCut};
pub use sqlite::{HQ_DB_FILE, HQ_MIGRATIONS, MAX_IDLE_READERS, ReadView, Reader, SqliteStorage};
pub use staff::{AuditEntry, StaffAccount, StaffSessionRecord, StaffStore};
pub use webhooks::{EventState, NewWebhookEvent, OutboxEvent, WebhookStore};

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("HQ database {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("HQ database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("HQ database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("HQ database: {0}")]
    Pg(#[from] ::postgres::Error),
    #[error(
        "HQ's PostgreSQL database was written by a newer vitrine-hq (schema {found}, this one knows {known}): update vitrine-hq"
    )]
    TooNewDatabase { found: i64, known: i64 },
    #[error("cutting a snapshot: {0}")]
    Cut(String),
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
    /// Whether trying again later may succeed (the database was busy).
    pub fn is_retryable(&self) -> bool {
        use ::postgres::error::SqlState;
        match self {
            StorageError::Sql(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                )
            }
            // A lost connection, a lock wait or statement cut short, a
            // server shutting down or failing over to its standby.
            StorageError::Pg(e) => {
                e.is_closed()
                    || e.code().is_some_and(|c| {
                        [
                            SqlState::T_R_SERIALIZATION_FAILURE,
                            SqlState::T_R_DEADLOCK_DETECTED,
                            SqlState::LOCK_NOT_AVAILABLE,
                            SqlState::QUERY_CANCELED,
                            SqlState::ADMIN_SHUTDOWN,
                            SqlState::CANNOT_CONNECT_NOW,
                            SqlState::READ_ONLY_SQL_TRANSACTION,
                        ]
                        .contains(c)
                    })
            }
            StorageError::Connect { .. } => true,
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// The outcome of an idempotent insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put<T> {
    Created(T),
    /// Same id, same content: the stored record.
    Existing(T),
    /// Same id, other content.
    Conflict,
}

/// Everything HQ stores, one backend for all aggregates (their writes that
/// span two aggregates, an order and its messages, are one transaction).
pub trait HqStorage:
    CatalogStore
    + DeviceStore
    + HandoffStore
    + OrderStore
    + PhoneStore
    + StaffStore
    + CustomerStore
    + NotificationStore
    + WebhookStore
    + MetaStore
    + ImageStore
    + FleetStore
    + SettingsStore
    + SharedStore
    + Send
    + Sync
    + 'static
{
}

impl<T> HqStorage for T where
    T: CatalogStore
        + DeviceStore
        + HandoffStore
        + OrderStore
        + PhoneStore
        + StaffStore
        + CustomerStore
        + NotificationStore
        + WebhookStore
        + MetaStore
        + ImageStore
        + FleetStore
        + SettingsStore
        + SharedStore
        + Send
        + Sync
        + 'static
{
}

/// Where HQ keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `hq.sqlite` in this folder (the embedded default).
    Sqlite(PathBuf),
    /// A PostgreSQL database (its URL), shared by several replicas.
    Postgres(String),
}

/// Opens (creating and migrating) HQ's storage.
pub fn open(backend: &Backend, max_delta_changes: usize) -> Result<std::sync::Arc<dyn HqStorage>> {
    Ok(match backend {
        Backend::Sqlite(dir) => std::sync::Arc::new(SqliteStorage::open(dir, max_delta_changes)?),
        Backend::Postgres(url) => {
            std::sync::Arc::new(PgStorage::connect(url, max_delta_changes, DEFAULT_MAX_CONNECTIONS)?)
        }
    })
}
