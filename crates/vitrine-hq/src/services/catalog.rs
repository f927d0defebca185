//! Publishing the catalog to kiosks: streamed snapshots (one record a line,
//! signed once at the end: `vitrine_core::stream`), cut once per version and
//! store, gzipped as they are read and kept (gzipped only) until a newer
//! version or an hour of their validity has passed, and signed deltas.
//! With several replicas on one database a cut is made once for all of
//! them and kept in the database, where each replica takes it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

// The `bytes` crate's buffer, as axum re-exports it: a cut snapshot is
// shared by every answer that serves it, never copied.
use axum::body::Bytes;
use vitrine_core::product::UnixTime;
use vitrine_core::stream::{StreamHeader, StreamSigner};
use vitrine_core::wire::{ChangesAnswer, SignedUpdate, UpdateKind};

use super::ServiceError;
use crate::Hq;
use crate::storage::{ChangesSince, SnapshotPart, StorageError, StoredCut};

/// HQ's meta key set when its prices are generated demo values: every
/// update HQ signs then says so.
pub const DEMO_PRICES_META: &str = "demo_prices";

/// HQ's meta key naming where its prices come from (`demo…` for the
/// seeded demo prices).
pub const PRICES_ORIGIN_META: &str = "prices_origin";

/// Seconds a cut snapshot is served before it is signed again.
const RESIGN_AFTER_S: i64 = 3600;

/// A streamed snapshot as cut for a store, gzipped. Kept whole and served
/// byte for byte the same until it is cut again, so a kiosk whose download
/// was cut asks for the rest (`Range`, checked against `etag`).
#[derive(Clone)]
pub struct CutSnapshot {
    pub version: u64,
    pub signed_at: UnixTime,
    pub gzip: Bytes,
    /// Names these exact bytes (`If-Range`): another cut, even of the same
    /// version, has another.
    pub etag: String,
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
            return Ok::<_, ServiceError>((cut_stream(&hq2, &store2, now)?, true));
        }
        // Replicas share the cut: the first to ask cuts it (the others wait
        // on the database's lock) and every one serves the same bytes, so a
        // download cut short resumes (Range, If-Range) on any replica.
        let mut failure = None;
        let res = hq2.storage.cut_once(&store2, current, now - RESIGN_AFTER_S, &mut || {
            let cut = cut_stream(&hq2, &store2, now).map_err(|e| {
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
        Ok((
            CutSnapshot {
                etag: etag_of(stored.version, &stored.gzip),
                version: stored.version,
                signed_at: stored.signed_at,
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

/// The ETag of a cut: these exact bytes (every replica serving a stored
/// cut gives the same).
fn etag_of(version: u64, gzip: &[u8]) -> String {
    format!("\"{version}-{}\"", &vitrine_core::sign::sha256_hex(gzip)[..16])
}

/// Reads `store`'s catalog record by record into a signed, gzipped stream:
/// HQ holds the compressed bytes, never the catalog's JSON whole.
fn cut_stream(hq: &Hq, store: &str, now: UnixTime) -> Result<CutSnapshot, ServiceError> {
    use std::io::Write;
    let expires_at = now + hq.config.update_valid_hours * 3600;
    let demo = hq.storage.meta(DEMO_PRICES_META)?.as_deref() == Some("1");
    let mut gz = flate2::write::GzEncoder::new(Vec::with_capacity(1 << 16), flate2::Compression::fast());
    let mut signer: Option<StreamSigner> = None;
    let mut version = 0;
    let mut failed: Option<ServiceError> = None;
    hq.storage
        .snapshot_each(store, &mut |part| {
            let written = match part {
                SnapshotPart::Version(v) => {
                    version = v;
                    StreamSigner::begin(StreamHeader::new(store, v, expires_at, demo))
                        .map_err(ServiceError::internal)
                        .and_then(|(s, header)| {
                            signer = Some(s);
                            gz.write_all(header.as_bytes()).map_err(ServiceError::internal)
                        })
                }
                SnapshotPart::Record(r) => match signer.as_mut() {
                    Some(s) => {
                        s.record(r);
                        gz.write_all(r.as_bytes())
                            .and_then(|()| gz.write_all(b"\n"))
                            .map_err(ServiceError::internal)
                    }
                    None => Err(ServiceError::internal("a snapshot record came before its version")),
                },
            };
            // The storage's error type carries no service error: keep ours and
            // stop the read with a generic one.
            written.map_err(|e| {
                failed = Some(e);
                crate::storage::StorageError::Corrupt("snapshot cut stopped".to_string())
            })
        })
        .map_err(|e| failed.take().unwrap_or_else(|| e.into()))?;
    let signer = signer.ok_or_else(|| ServiceError::internal("the storage gave no snapshot version"))?;
    let end = signer.finish(&hq.key).map_err(ServiceError::internal)?;
    gz.write_all(end.as_bytes()).map_err(ServiceError::internal)?;
    let gzip = gz.finish().map_err(ServiceError::internal)?;
    let etag = etag_of(version, &gzip);
    Ok(CutSnapshot {
        version,
        signed_at: now,
        gzip: Bytes::from(gzip),
        etag,
    })
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
