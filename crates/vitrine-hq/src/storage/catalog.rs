//! The catalog: the current state (products, prices, promotions, stock,
//! offers, stores) plus a change log, one entry per catalog version with its
//! changes as the JSON text kiosks receive. Deltas are cut from the log;
//! snapshots from the state. A version with more than `max_delta_changes`
//! changes (a bulk import) is logged without its content: a kiosk behind it
//! takes a snapshot, which is smaller than such a delta anyway.

use vitrine_core::catalog::Change;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{Product, Store, UnixTime};
use vitrine_core::wire::StoreStock;
use vitrine_core::{Gtin, Money};

use super::Result;

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

/// The whole catalog of a store at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub version: u64,
    /// A JSON array of `Change`, as kiosks receive it (never parsed by HQ:
    /// a million products are cut and signed as text).
    pub changes_json: String,
}

/// What [`CatalogStore::snapshot_each`] hands over, in order: the version
/// once, then each record (one change's JSON text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotPart<'a> {
    Version(u64),
    Record(&'a str),
}

/// A product and its price at a store.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductPrice {
    pub product: Product,
    /// The store's price, else the national one; None: not sold there.
    pub price: Option<Money>,
}

/// Storage of the catalog and its versions.
pub trait CatalogStore {
    /// Writes `changes` as one new catalog version and returns it. `scope`:
    /// the one store it concerns, or None for every store.
    fn commit_changes(&self, changes: &[Change], scope: Option<&str>, now: UnixTime) -> Result<u64>;
    fn current_version(&self) -> Result<u64>;
    fn changes_since(&self, since: u64, store: &str) -> Result<ChangesSince>;
    /// The whole catalog of `store`, consistent with its version.
    fn snapshot_json(&self, store: &str) -> Result<Snapshot>;
    /// The same, one record at a time (the streamed snapshot): a backend
    /// that can read row by row overrides this one, which holds the whole
    /// array.
    fn snapshot_each(&self, store: &str, each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>) -> Result<()> {
        let snap = self.snapshot_json(store)?;
        let records: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(&snap.changes_json).map_err(|e| super::StorageError::Corrupt(e.to_string()))?;
        each(SnapshotPart::Version(snap.version))?;
        for r in records {
            each(SnapshotPart::Record(r.get()))?;
        }
        Ok(())
    }
    /// The product and its price at `store` (store price, else national).
    fn product_price(&self, gtin: Gtin, store: &str) -> Result<Option<ProductPrice>>;
    fn promotions(&self) -> Result<Vec<Promotion>>;
    fn stock_of(&self, gtin: Gtin) -> Result<Vec<StoreStock>>;
    fn store_ids(&self) -> Result<Vec<String>>;
    /// A store of the referential (its name and city), None when unknown.
    fn store(&self, id: &str) -> Result<Option<Store>>;
    /// Drops the content of logged versions older than the newest `keep`.
    fn prune_history(&self, keep: u64) -> Result<()>;
}
