//! What several HQ processes serving from one database share through it:
//! the news of what another one wrote (a catalog version, a revoked
//! device), rate-limit buckets, and cut snapshots. SQLite is one process's
//! file ([`SharedStore::is_shared`] false): HQ keeps these in memory then
//! and looks for the CLI's writes by reading the version; PostgreSQL is
//! made for several replicas: HQ keeps them in the database and hears of
//! writes through `LISTEN`.

use std::time::Duration;

use vitrine_core::product::UnixTime;

use super::Result;

/// Something another process wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// A new catalog version.
    Version(u64),
    /// A device was revoked.
    Revoked(String),
    /// A new remote settings version.
    Settings(u64),
}

/// The database's push of what any process writes.
pub trait Feed: Send {
    /// The next event, waiting at most `timeout` (None: none came). An
    /// error means the connection is lost: events may have been missed, so
    /// the caller reads the state again after listening anew.
    fn next(&mut self, timeout: Duration) -> Result<Option<FeedEvent>>;
}

/// A signed snapshot as kept for every replica: its gzipped answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCut {
    pub version: u64,
    pub signed_at: UnixTime,
    pub gzip: Vec<u8>,
}

/// Storage shared by several processes.
pub trait SharedStore {
    /// Whether several HQ processes may serve from this storage at once.
    fn is_shared(&self) -> bool;
    /// Listens to what every process writes; None when the backend cannot
    /// push (the caller reads the state periodically instead).
    fn listen(&self) -> Result<Option<Box<dyn Feed>>>;
    /// Takes a token from the bucket `key` (refilled at `per_minute / 60` a
    /// second, holding at most `per_minute`), by the database's clock so
    /// that every process counts alike: `Err(wait)` when it is empty.
    fn take_token(&self, key: &str, per_minute: u32) -> Result<std::result::Result<(), Duration>>;
    /// The stored cut of `store` at `min_version` or newer signed at
    /// `signed_after` or later, else the one `cut` makes, stored for the
    /// others; one process cuts a store at a time, the others wait for its
    /// cut. The flag: whether this call cut it.
    fn cut_once(
        &self,
        store: &str,
        min_version: u64,
        signed_after: UnixTime,
        cut: &mut dyn FnMut() -> Result<StoredCut>,
    ) -> Result<(StoredCut, bool)>;
}
