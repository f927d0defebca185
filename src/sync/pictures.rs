//! Fetching the catalog's product pictures from HQ in the background into
//! the kiosk's capped cache ([`crate::catalog::pictures`]).
//!
//! A pass runs after each catalog version the worker applies (and at
//! start): it removes the pictures no product names any more, then fetches
//! the `large` size of each picture not cached yet, one at a time, until
//! all are there or the cache is full of pictures newer than the pass. It
//! runs on the async runtime, apart from the catalog thread and the UI
//! thread: a scan never waits for a picture (the product page shows the
//! placeholder until the file is there).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use vitrine_core::picture::{ImageId, ImageSize};

use super::client::HqClient;
use super::outbox::Outbox;
use super::worker::{SyncSettings, check_hq_url};
use super::{SyncError, SyncStatus};
use crate::catalog::Catalog;
use crate::catalog::pictures::{PictureCache, Stored};

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PicturesPass {
    /// Pictures the catalog names.
    pub named: usize,
    /// Fetched by this pass.
    pub fetched: usize,
    /// Not fetched: HQ did not have them, or they did not decode.
    pub failed: usize,
    /// The cache was full: the rest waits for room.
    pub full: bool,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Storage(format!("picture task: {e}")))?
}

/// One pass (see the module's documentation).
pub async fn fetch_pass(
    data_dir: &Path,
    settings: SyncSettings,
    cache: &PictureCache,
) -> Result<PicturesPass, SyncError> {
    let started = SystemTime::now();
    let dir: PathBuf = data_dir.to_path_buf();
    let (ident, ids) = blocking(move || {
        let ident = Outbox::open(&dir)?.identity()?;
        let ids = Catalog::open_readonly(&dir)?.image_ids()?;
        Ok((ident, ids))
    })
    .await?;
    let mut pass = PicturesPass {
        named: ids.len(),
        ..PicturesPass::default()
    };
    {
        let cache = cache.clone();
        let wanted: HashSet<ImageId> = ids.iter().cloned().collect();
        blocking(move || {
            cache
                .prune(&wanted)
                .map_err(|e| SyncError::Storage(format!("picture cache: {e}")))
        })
        .await?;
    }
    if cache.max_bytes() == 0 {
        pass.full = !ids.is_empty();
        return Ok(pass);
    }
    let missing: Vec<ImageId> = ids.into_iter().filter(|id| cache.get(id).is_none()).collect();
    if missing.is_empty() {
        return Ok(pass);
    }
    let ident = ident.ok_or(SyncError::NotEnrolled)?;
    check_hq_url(&ident.hq_url, settings.transport)?;
    let client = HqClient::new(&ident.hq_url, &ident.token, settings.request_timeout)?.with_hq_key(ident.hq_public_key);
    for id in missing {
        let bytes = match fetch(&client, &id).await {
            Ok(b) => b,
            Err(SyncError::Hq(e)) if e.status() == Some(404) => {
                tracing::warn!(picture = %id, "HQ has no such picture");
                pass.failed += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let cache = cache.clone();
        let id2 = id.clone();
        let stored = blocking(move || {
            if image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).is_err() {
                return Ok(None);
            }
            cache
                .store(&id2, &bytes, started)
                .map(Some)
                .map_err(|e| SyncError::Storage(format!("picture cache: {e}")))
        })
        .await?;
        match stored {
            Some(Stored::Stored) => pass.fetched += 1,
            Some(Stored::Full) => {
                pass.full = true;
                break;
            }
            None => {
                tracing::warn!(picture = %id, "a picture from HQ does not decode; not cached");
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// One picture, waiting as HQ says when it limits the rate (a few times).
async fn fetch(client: &HqClient, id: &ImageId) -> Result<Vec<u8>, SyncError> {
    let mut tries = 0;
    loop {
        match client.picture(id, ImageSize::Large).await {
            Err(e) if e.status() == Some(429) && tries < 5 => {
                tries += 1;
                let wait = e.retry_after().unwrap_or(std::time::Duration::from_secs(1));
                tokio::time::sleep(wait).await;
            }
            r => return r.map_err(SyncError::from),
        }
    }
}

/// Runs passes in the background: at start, after each new catalog
/// version `status` reports, and again with backoff after a pass that
/// failed (HQ unreachable). Ends when the worker's status ends.
pub fn start(
    rt: &tokio::runtime::Handle,
    data_dir: &Path,
    settings: SyncSettings,
    max_bytes: u64,
    mut status: watch::Receiver<SyncStatus>,
) -> JoinHandle<()> {
    let dir = data_dir.to_path_buf();
    let cache = PictureCache::new(data_dir, max_bytes);
    rt.spawn(async move {
        let mut done_for: Option<u64> = None;
        let mut failures: u32 = 0;
        loop {
            let version = status.borrow_and_update().catalog_version;
            if done_for != Some(version) {
                match fetch_pass(&dir, settings, &cache).await {
                    Ok(pass) => {
                        tracing::info!(
                            named = pass.named,
                            fetched = pass.fetched,
                            failed = pass.failed,
                            full = pass.full,
                            "product pictures fetched"
                        );
                        done_for = Some(version);
                        failures = 0;
                    }
                    Err(SyncError::NotEnrolled) => done_for = Some(version),
                    Err(e) => {
                        failures = failures.saturating_add(1);
                        tracing::warn!(error = %e, "product pictures: pass failed; will try again");
                    }
                }
            }
            if failures > 0 {
                tokio::select! {
                    _ = tokio::time::sleep(settings.backoff.delay(failures)) => {}
                    r = status.changed() => if r.is_err() { return },
                }
            } else if status.changed().await.is_err() {
                return;
            }
        }
    })
}
