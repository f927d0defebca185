//! Sync with HQ: catalog pull on push events, the outbox of handoffs and
//! orders. [`SyncStatus`] is what the UI and `vitrine status` show.
//!
//! # For the UI
//! Build the tokio runtime in `main`, then [`start`] the worker on it. The
//! returned [`SyncHandle`] gives:
//! - [`SyncHandle::outbox`]: [`Outbox::queue_handoff`] (returns the id and
//!   the QR code's URL) and [`Outbox::queue_order`] (returns the id and the
//!   short order number). Both are one small SQLite transaction, no network:
//!   call them from a worker thread.
//! - [`SyncHandle::status`]: a `tokio::sync::watch::Receiver<SyncStatus>`.
//! - [`SyncHandle::availability`]: live stock of a product in other stores
//!   and online, with cached answers ([`AvailabilityService`]).
//!
//! # Layout
//! - [`store`]: `kiosk.sqlite` (identity, handoffs, orders, outbox, dead
//!   letters, availability cache), separate from `catalog.sqlite`.
//! - [`outbox`]: queueing and the outbox's bookkeeping.
//! - [`worker`]: the async worker (push stream, polling, outbox sender),
//!   enrollment, and [`worker::apply_update`] (verify, then apply in one
//!   transaction).
//! - [`client`]: the HTTP client for HQ's `/v1` API.
//! - [`sse`], [`backoff`]: the push stream's parser, retry delays.
//! - [`availability`]: the availability query with its cache.

pub mod availability;
pub mod backoff;
pub mod client;
pub mod outbox;
pub mod sse;
pub mod store;
pub mod worker;

use serde::Serialize;
use thiserror::Error;
use vitrine_core::product::UnixTime;

pub use availability::{AvailabilityService, CachedAvailability};
pub use outbox::{NewOrder, Outbox, QueuedHandoff, QueuedOrder};
pub use worker::{SyncHandle, SyncSettings, enroll, start, sync_once};

/// The state of the link with HQ, published by the sync worker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// HQ is configured at all.
    pub configured: bool,
    /// The last exchange with HQ succeeded and the push stream is up.
    pub online: bool,
    /// Last successful catalog sync.
    pub last_sync: Option<UnixTime>,
    pub catalog_version: u64,
    /// Handoffs and orders waiting to be delivered to HQ.
    pub outbox_pending: u64,
    /// Messages HQ refused (moved to the dead-letter table).
    pub outbox_dead: u64,
    /// The last error, in words for store staff.
    pub last_error: Option<String>,
}

/// What went wrong in sync, queueing or enrollment.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error(
        "this kiosk is not enrolled with HQ: run `vitrine enroll --hq URL --code CODE` (or enroll from the staff screen)"
    )]
    NotEnrolled,
    #[error("{0}")]
    Invalid(String),
    #[error("kiosk database: {0}")]
    Storage(String),
    #[error("kiosk database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error(transparent)]
    Hq(#[from] client::HqError),
    #[error(transparent)]
    Rejected(#[from] vitrine_core::wire::UpdateRejected),
}

impl SyncError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Hq(e) => e.is_retryable(),
            SyncError::Catalog(e) => e.is_retryable(),
            SyncError::Sql(_) | SyncError::Storage(_) => true,
            SyncError::NotEnrolled | SyncError::Invalid(_) | SyncError::Rejected(_) => false,
        }
    }
}
