//! Publishing the catalog to kiosks: signed snapshots, cut once per version
//! and store and kept (with their gzipped form) until a newer version or an
//! hour of their validity has passed, and signed deltas. With several
//! replicas on one database a cut is made once for all of them and kept in
//! the database, where each replica takes it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

// The `bytes` crate's buffer, as axum re-exports it: a cut snapshot is
// shared by every answer that serves it, never copied.
use axum::body::Bytes;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::{ChangesAnswer, SignedUpdate, UpdateKind};

use super::ServiceError;
use crate::Hq;
use crate::storage::{ChangesSince, StorageError, StoredCut};

/// HQ's meta key set when its prices are generated demo values: every
/// update HQ signs then says so.
pub const DEMO_PRICES_META: &str = "demo_prices";

/// HQ's meta key naming where its prices come from (`demo…` for the
/// seeded demo prices).
pub const PRICES_ORIGIN_META: &str = "prices_origin";

/// Seconds a cut snapshot is served before it is signed again.
const RESIGN_AFTER_S: i64 = 3600;

/// A signed snapshot as cut for a store: its JSON and the same gzipped.
#[derive(Clone)]
pub struct CutSnapshot {
    pub version: u64,
    pub signed_at: UnixTime,
    pub json: Bytes,
    pub gzip: Bytes,
}

/// The last snapshot cut for each store, and the lock that makes a cut
/// single-flight per store.
#[derive(Default)]
pub struct SnapshotCache {
    cuts: Mutex<HashMap<String, CutSnapshot>>,
    /// One async lock per store: the requests that find no fresh cut wait
    /// for the first one's, so a burst of kiosks asking for a new version
    /// (after an import, every kiosk of a store at once) cuts it once, not
    /// once each: a cut is a whole catalog read, signed and gzipped.
    cutting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Snapshots cut since HQ started (for tests and metrics).
    count: AtomicU64,
}

impl SnapshotCache {
    fn get(&self, store: &str) -> Option<CutSnapshot> {
        // std Mutex: held for a clone or an insert, never across an await.
        self.cuts.lock().unwrap_or_else(|p| p.into_inner()).get(store).cloned()
    }

    /// Keeps `cut`; `cut_here`: this process cut it (else another
    /// replica did, and this one took it from the database).
    fn put(&self, store: &str, cut: CutSnapshot, cut_here: bool) {
        self.cuts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), cut);
        if cut_here {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn cutting(&self, store: &str) -> Arc<tokio::sync::Mutex<()>> {
        // std Mutex: held for a lookup, never across an await (the store's
        // own lock, a tokio one, is what is awaited).
        self.cutting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(store.to_string())
            .or_default()
            .clone()
    }

    /// How many snapshots HQ has cut since it started.
    pub fn cut_count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// A cut still good for version `current` at `now`.
fn fresh(hq: &Hq, store: &str, current: u64, now: UnixTime) -> Option<CutSnapshot> {
    hq.snapshots
        .get(store)
        .filter(|cut| cut.version >= current && now - cut.signed_at < RESIGN_AFTER_S)
}

/// The signed snapshot of `store`, cut (and gzipped) once per version and
/// store, signed again after an hour. The cut runs on the blocking pool;
/// concurrent requests for the same store wait for one cut.
pub async fn cut_snapshot(hq: &Arc<Hq>, store: &str) -> Result<CutSnapshot, ServiceError> {
    let current = *hq.versions().borrow();
    if let Some(cut) = fresh(hq, store, current, hq.now()) {
        return Ok(cut);
    }
    let lock = hq.snapshots.cutting(store);
    let _cutting = lock.lock().await;
    // Cut by the request this one waited for?
    let now = hq.now();
    if let Some(cut) = fresh(hq, store, current, now) {
        return Ok(cut);
    }
    let hq2 = hq.clone();
    let store2 = store.to_string();
    let (cut, cut_here) = tokio::task::spawn_blocking(move || {
        if !hq2.storage.is_shared() {
            return Ok::<_, ServiceError>((cut_now(&hq2, &store2, now)?, true));
        }
        // Replicas share the cut: the first to ask cuts it (the others
        // wait on the database's lock) and every one serves it.
        let mut failure = None;
        let res = hq2.storage.cut_once(&store2, current, now - RESIGN_AFTER_S, &mut || {
            let cut = cut_now(&hq2, &store2, now).map_err(|e| {
                let text = e.to_string();
                failure = Some(e);
                StorageError::Cut(text)
            })?;
            Ok(StoredCut {
                version: cut.version,
                signed_at: cut.signed_at,
                gzip: cut.gzip.to_vec(),
            })
        });
        if let Some(e) = failure {
            return Err(e);
        }
        let (stored, cut_here) = res?;
        let json = gunzip(&stored.gzip)?;
        Ok((
            CutSnapshot {
                version: stored.version,
                signed_at: stored.signed_at,
                json,
                gzip: Bytes::from(stored.gzip),
            },
            cut_here,
        ))
    })
    .await
    .map_err(ServiceError::internal)??;
    hq.snapshots.put(store, cut.clone(), cut_here);
    Ok(cut)
}

/// Cuts, signs and gzips the snapshot of `store` now.
fn cut_now(hq: &Hq, store: &str, now: UnixTime) -> Result<CutSnapshot, ServiceError> {
    let snap = hq.storage.snapshot_json(store)?;
    let expires_at = now + hq.config.update_valid_hours * 3600;
    let update = SignedUpdate::sign_raw(
        UpdateKind::Snapshot,
        store,
        0,
        snap.version,
        expires_at,
        snap.changes_json,
        &hq.key,
    )
    .map_err(ServiceError::internal)?;
    let update = demo_marked(hq, update)?;
    let body = serde_json::to_vec(&update).map_err(ServiceError::internal)?;
    let gz = gzip(&body)?;
    Ok(CutSnapshot {
        version: snap.version,
        signed_at: now,
        json: Bytes::from(body),
        gzip: gz,
    })
}

/// The JSON of a stored cut.
fn gunzip(gz: &[u8]) -> Result<Bytes, ServiceError> {
    use std::io::Read;
    let mut out = Vec::with_capacity(gz.len() * 6);
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .map_err(ServiceError::internal)?;
    Ok(Bytes::from(out))
}

/// What a kiosk at catalog version `since` gets for `store`: up to date, a
/// signed delta, or a request to take a snapshot.
pub fn changes_since(hq: &Hq, since: u64, store: &str) -> Result<ChangesAnswer, ServiceError> {
    Ok(match hq.storage.changes_since(since, store)? {
        ChangesSince::UpToDate { version } => ChangesAnswer::UpToDate { version },
        ChangesSince::TooOld { version, reason } => ChangesAnswer::SnapshotRequired { version, reason },
        ChangesSince::Changes { to, changes_json } => ChangesAnswer::Delta {
            update: demo_marked(
                hq,
                SignedUpdate::sign_raw(
                    UpdateKind::Delta,
                    store,
                    since,
                    to,
                    hq.now() + hq.config.update_valid_hours * 3600,
                    changes_json,
                    &hq.key,
                )
                .map_err(ServiceError::internal)?,
            )?,
        },
    })
}

/// Marks an update as carrying demo prices when HQ's are (signed again).
fn demo_marked(hq: &Hq, update: SignedUpdate) -> Result<SignedUpdate, ServiceError> {
    Ok(if hq.storage.meta(DEMO_PRICES_META)?.as_deref() == Some("1") {
        update.with_demo_prices(&hq.key)
    } else {
        update
    })
}

/// Whether HQ's prices are the seeded demo values (pages and emails say
/// so). A storage error reads as "no": the warning is not worth failing a
/// page for.
pub fn demo_prices(hq: &Hq) -> bool {
    hq.storage
        .meta(PRICES_ORIGIN_META)
        .ok()
        .flatten()
        .is_some_and(|o| o.starts_with("demo"))
}

/// gzip at the fastest level: catalog JSON shrinks several times even so, and
/// HQ spends a fraction of the time level 6 would take.
pub fn gzip(body: &[u8]) -> Result<Bytes, ServiceError> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 6), flate2::Compression::fast());
    enc.write_all(body).map_err(ServiceError::internal)?;
    Ok(Bytes::from(enc.finish().map_err(ServiceError::internal)?))
}
