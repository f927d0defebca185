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
//! - [`SyncHandle::health`]: the [`HealthProbe`] to tell the heartbeat
//!   about the screen, the camera, scans and the sound output.
//!
//! # Layout
//! - [`store`]: `kiosk.sqlite` (identity, handoffs, orders, outbox, dead
//!   letters, availability cache), separate from `catalog.sqlite`.
//! - [`outbox`]: queueing and the outbox's bookkeeping.
//! - [`worker`]: the async worker (push stream, polling, outbox sender),
//!   enrollment, and [`worker::apply_update`] (verify, then apply in one
//!   transaction).
//! - [`client`]: the HTTP client for HQ's `/v1` API.
//! - [`remote`]: the remote settings HQ signed for this kiosk, kept in
//!   `kiosk.sqlite` and published with the status.
//! - [`health`]: the heartbeat (this kiosk's health, for HQ's fleet page),
//!   and the [`HealthProbe`] the UI tells it what it knows through.
//! - [`sse`], [`backoff`]: the push stream's parser, retry delays.
//! - [`availability`]: the availability query with its cache.
//! - [`pictures`]: the catalog's product pictures fetched in the background
//!   into the capped cache.

pub mod availability;
pub mod backoff;
pub mod client;
pub mod health;
pub mod outbox;
pub mod pictures;
pub mod remote;
pub mod snapshot;
pub mod sse;
pub mod store;
pub mod worker;

use serde::Serialize;
use thiserror::Error;
use vitrine_core::product::UnixTime;

pub use availability::{AvailabilityService, CachedAvailability};
pub use health::HealthProbe;
pub use outbox::{MessageKind, NewOrder, Outbox, QueuedHandoff, QueuedOrder};
pub use worker::{SyncHandle, SyncSettings, enroll, start, sync_once};

/// The store this kiosk serves: the one HQ enrolled it for, else (not
/// enrolled) `kiosk.store` from the configuration, which is only the default
/// until enrollment. Prices, stock, promotions and orders are this store's,
/// on screen and in the command line.
pub fn served_store(cfg: &crate::config::LoadedConfig) -> String {
    match store::enrolled_store(&cfg.config.kiosk.data_dir) {
        Ok(Some(s)) => s,
        Ok(None) => cfg.config.kiosk.store.clone(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the enrolled store; using kiosk.store");
            cfg.config.kiosk.store.clone()
        }
    }
}

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
    /// The last error, in technical words (for the log and `--json`).
    pub last_error: Option<String>,
    /// What kind of problem it is, for the staff screen's sentence in the
    /// kiosk's language ([`Problem::text`]).
    pub problem: Option<Problem>,
    /// The HQ address this kiosk is enrolled with.
    pub hq_url: Option<String>,
    /// The store HQ enrolled this kiosk for: the store it serves (see
    /// [`served_store`]).
    pub store: Option<String>,
    /// The loyalty card range of the synced card table (the UI reads it
    /// here rather than from SQLite on its thread).
    pub card_prefix: Option<String>,
    /// Seconds the outbox waits before its next try after HQ could not take
    /// its messages (HQ's `Retry-After` when it gave one, else the
    /// back-off); None when nothing waits for a retry.
    pub outbox_retry_in_s: Option<u64>,
    /// The remote settings HQ holds for this kiosk (checked with HQ's key),
    /// the ones that apply: the UI lays them over its configuration. Not
    /// in `--json` output: it may hold a PIN hash.
    #[serde(skip)]
    pub remote_settings: Vec<vitrine_core::wire::settings::RemoteSetting>,
    /// Their version (0: none).
    pub remote_settings_version: u64,
}

/// The kind of sync problem, told to store staff in the kiosk's language,
/// with what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    NotEnrolled,
    Unreachable,
    /// HQ refused the kiosk's token (revoked, or enrolled elsewhere).
    Refused,
    /// HQ asked the kiosk to slow down.
    Busy,
    /// HQ answered with an error of its own.
    HqFailed,
    /// A catalog update failed its checks (signature, version, store).
    UpdateRefused,
    /// The kiosk's own database.
    Storage,
    Other,
}

impl Problem {
    /// The kind of `e`.
    pub fn of(e: &SyncError) -> Problem {
        match e {
            SyncError::NotEnrolled => Problem::NotEnrolled,
            SyncError::Hq(e) => Problem::of_hq(e),
            SyncError::Rejected(_) => Problem::UpdateRefused,
            SyncError::Storage(_) | SyncError::Sql(_) | SyncError::Catalog(_) => Problem::Storage,
            SyncError::Invalid(_) => Problem::Other,
        }
    }

    /// The kind of an error of HQ's.
    pub fn of_hq(e: &client::HqError) -> Problem {
        match e {
            client::HqError::Unreachable(_) => Problem::Unreachable,
            client::HqError::Http { status: 401 | 403, .. } => Problem::Refused,
            client::HqError::Http { status: 429, .. } => Problem::Busy,
            _ => Problem::HqFailed,
        }
    }

    /// The sentence for store staff (messages `sync-problem-*`).
    pub fn text(self) -> vitrine_i18n::Text {
        use vitrine_i18n::text;
        match self {
            Problem::NotEnrolled => text!("sync-problem-not-enrolled"),
            Problem::Unreachable => text!("sync-problem-unreachable"),
            Problem::Refused => text!("sync-problem-refused"),
            Problem::Busy => text!("sync-problem-busy"),
            Problem::HqFailed => text!("sync-problem-hq-failed"),
            Problem::UpdateRefused => text!("sync-problem-update-refused"),
            Problem::Storage => text!("sync-problem-storage"),
            Problem::Other => text!("sync-problem-other"),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_core::Lang;

    #[test]
    fn every_sync_problem_is_told_to_staff_in_french_and_english() {
        let http = |status: u16| {
            SyncError::Hq(client::HqError::Http {
                status,
                code: "x".into(),
                message: "x".into(),
                retryable: false,
                retry_after: None,
            })
        };
        let cases = [
            (SyncError::NotEnrolled, Problem::NotEnrolled),
            (
                SyncError::Hq(client::HqError::Unreachable("refused".into())),
                Problem::Unreachable,
            ),
            (http(401), Problem::Refused),
            (http(403), Problem::Refused),
            (http(429), Problem::Busy),
            (http(500), Problem::HqFailed),
            (
                SyncError::Rejected(vitrine_core::wire::UpdateRejected::HashMismatch),
                Problem::UpdateRefused,
            ),
            (SyncError::Storage("disk full".into()), Problem::Storage),
            (SyncError::Invalid("?".into()), Problem::Other),
        ];
        for (e, p) in cases {
            assert_eq!(Problem::of(&e), p, "{e}");
            let t = p.text();
            let (fr, en, de) = (t.render(Lang::FR), t.render(Lang::EN), t.render(Lang::DE));
            assert!(fr != en && en != de && !de.is_empty(), "{p:?}");
        }
        assert!(Problem::Refused.text().render(Lang::FR).contains("révoquée"));
    }
}
