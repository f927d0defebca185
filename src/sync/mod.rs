//! Sync with HQ: catalog pull on push events, the outbox of handoffs and
//! orders. [`SyncStatus`] is what the UI and `vitrine status` show.

use serde::Serialize;
use vitrine_core::product::UnixTime;

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
