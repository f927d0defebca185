//! HQ's storage: one trait per aggregate (catalog, devices, handoffs,
//! orders, customers, notifications, the order webhook's outbox, settings, product pictures, the fleet's health), with types that name no
//! database, and [`HqStorage`], every one of them at once: what the rest of
//! HQ holds (`Arc<dyn HqStorage>`). SQL lives only in the SQLite backend
//! ([`SqliteStorage`], module `sqlite`), so a PostgreSQL backend for large
//! chains is another module implementing the same traits.
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
pub mod phone;
pub mod settings;
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
pub use phone::{BasketEdit, PhoneStore};
pub use settings::{SettingRecord, SettingsStore};
pub use sqlite::{HQ_DB_FILE, HQ_MIGRATIONS, MAX_IDLE_READERS, ReadView, Reader, SqliteStorage};
pub use staff::{AuditEntry, StaffAccount, StaffSessionRecord, StaffStore};
pub use webhooks::{EventState, NewWebhookEvent, OutboxEvent, WebhookStore};

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
    /// Whether trying again later may succeed (the database was busy).
    pub fn is_retryable(&self) -> bool {
        matches!(self, StorageError::Sql(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
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
        + Send
        + Sync
        + 'static
{
}
