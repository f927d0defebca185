//! The sync worker, on the tokio runtime the caller built:
//! - the push stream (`GET /v1/events`, server-sent events), reconnected
//!   with backoff and `Last-Event-ID` (the catalog version);
//! - the catalog puller: on a push event, on each (re)connection, and every
//!   `hq.poll_interval_s` while the stream is down; each update is verified
//!   (HQ's signature, content hash, store, version) and applied in one
//!   transaction, or refused with the old catalog kept and the reason in
//!   [`SyncStatus::last_error`];
//! - the outbox sender: oldest first, retried with capped exponential
//!   backoff and full jitter, 4xx answers to the dead-letter table;
//! - the heartbeat: this kiosk's health to HQ every `hq.heartbeat_s`, and
//!   at once when its state changes (catalog, queue, camera, screen, sound).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use vitrine_core::Gtin;
use vitrine_core::product::UnixTime;
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{
    ChangesAnswer, EVENT_SETTINGS, EVENT_VERSION, EnrollRequest, Expect, SignedUpdate, UpdateKind, VersionEvent,
};

use super::availability::{AvailabilityService, CachedAvailability};
use super::backoff::Backoff;
use super::client::{HqClient, HqError};
use super::health::{self, HealthProbe};
use super::outbox::{MessageKind, Outbox};
use super::sse::SseParser;
use super::store::DeviceIdentity;
use super::{Problem, SyncError, SyncStatus, snapshot};

/// An error as the status reports it: its kind, and its technical words.
fn fault(e: &SyncError) -> (Problem, String) {
    (Problem::of(e), e.to_string())
}
use crate::catalog::{Catalog, VersionMove, meta};
use crate::config::{HqTransport, KioskConfig};

/// What `prices_origin` says once the catalog comes from HQ.
pub const HQ_ORIGIN: &str = "hq";

/// The worker's timings.
#[derive(Debug, Clone, Copy)]
pub struct SyncSettings {
    pub poll_interval: Duration,
    pub request_timeout: Duration,
    pub backoff: Backoff,
    pub availability_max_age_s: u64,
    /// Reconnect the push stream after this long without a byte (HQ sends
    /// a keep-alive comment every 15 s).
    pub stream_idle_timeout: Duration,
    /// Which HQ addresses the kiosk may use ([`check_hq_url`]): checked
    /// again at every exchange, so a kiosk enrolled over loopback HTTP
    /// stops talking plain HTTP once the setting says `https`.
    pub transport: HqTransport,
    /// Time between two heartbeats (a change of state is sent at once).
    pub heartbeat: Duration,
}

impl SyncSettings {
    pub fn from_config(c: &KioskConfig) -> SyncSettings {
        SyncSettings {
            poll_interval: Duration::from_secs(u64::from(c.hq.poll_interval_s)),
            request_timeout: Duration::from_secs(u64::from(c.hq.request_timeout_s)),
            backoff: Backoff {
                base: Duration::from_millis(u64::from(c.hq.retry_base_ms)),
                cap: Duration::from_secs(u64::from(c.hq.retry_max_s)),
            },
            availability_max_age_s: u64::from(c.hq.availability_cache_s),
            stream_idle_timeout: Duration::from_secs(45),
            transport: c.hq.transport,
            heartbeat: Duration::from_secs(u64::from(c.hq.heartbeat_s)),
        }
    }
}

/// Runs `f` on the blocking pool (SQLite work never blocks the async threads).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Storage(format!("a database task failed: {e}")))?
}

/// Whether the catalog already came from HQ for this store.
pub(crate) fn synced_with(cat: &Catalog, store: &str) -> Result<bool, SyncError> {
    Ok(cat.meta(meta::STORE)?.as_deref() == Some(store) && cat.meta(meta::ORIGIN)?.as_deref() == Some(HQ_ORIGIN))
}

/// Verifies an update against the kiosk's state and applies it in one
/// transaction. On any refusal the catalog is untouched. Returns the new
/// version.
pub fn apply_update(
    cat: &mut Catalog,
    ident: &DeviceIdentity,
    update: &SignedUpdate,
    now: UnixTime,
) -> Result<u64, SyncError> {
    let current = cat.version()?;
    let first_sync = !synced_with(cat, &ident.store)?;
    let changes = update.verify(
        &ident.hq_public_key,
        &Expect {
            store: &ident.store,
            current_version: current,
            first_sync,
            now,
        },
    )?;
    // The bookkeeping goes in the update's own transaction: a kill
    // between the two used to leave the kiosk believing it never synced, or
    // showing the wrong demo flag.
    let bookkeeping = [
        (meta::ORIGIN, HQ_ORIGIN.to_string()),
        (meta::STORE, ident.store.clone()),
        (meta::LAST_SYNC, now.to_string()),
        (
            meta::HQ_DEMO_PRICES,
            if update.demo_prices { "1" } else { "0" }.to_string(),
        ),
    ];
    let v = match update.kind {
        UpdateKind::Snapshot => cat.replace_all(&changes, update.to_version, now, &bookkeeping)?,
        UpdateKind::Delta => cat.apply_recording(
            &changes,
            VersionMove::To(update.to_version),
            now,
            &bookkeeping,
            &mut |_| {},
        )?,
    };
    tracing::info!(
        kind = update.kind.as_str(),
        from = update.from_version,
        to = v,
        changes = changes.len(),
        "catalog updated from HQ"
    );
    Ok(v)
}

/// Whether `url`'s host is this machine (127.0.0.0/8, ::1, localhost).
fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses an HQ address the kiosk may not use: plain HTTP (anyone on the
/// network could read the token and change the catalog and HQ's key on the
/// way) unless `transport` allows it for an HQ on this machine.
pub fn check_hq_url(url: &str, transport: HqTransport) -> Result<(), SyncError> {
    if url.starts_with("https://") {
        return Ok(());
    }
    if transport == HqTransport::LoopbackHttp && is_loopback_url(url) {
        return Ok(());
    }
    Err(SyncError::Invalid(format!(
        "HQ's address must start with https:// ({url} is not HTTPS); plain http:// is allowed only to an HQ on this machine with hq.transport = \"loopback-http\""
    )))
}

/// Enrolls the kiosk: a new device key, the one-time code exchanged for a
/// token and HQ's key, all recorded in `kiosk.sqlite`. The address must be
/// HTTPS ([`check_hq_url`]), and HQ's key must match the fingerprint the
/// code carries: a machine in the middle cannot hand the kiosk its own key.
pub async fn enroll(
    data_dir: &Path,
    hq_url: &str,
    code: &str,
    transport: HqTransport,
    timeout: Duration,
    now: UnixTime,
) -> Result<DeviceIdentity, SyncError> {
    check_hq_url(hq_url, transport)?;
    let Some(fingerprint) = vitrine_core::wire::split_enrollment_code(code).1 else {
        return Err(SyncError::Invalid(
            "this enrollment code carries no fingerprint of HQ's key (it is too short or from an older HQ); get a new one with `vitrine-hq device add`".into(),
        ));
    };
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| SyncError::Storage(format!("no random source for the device key: {e}")))?;
    let key = SecretKey::from_seed(seed);
    let hostname = std::env::var("HOSTNAME").ok();
    let resp = HqClient::enroll(
        hq_url,
        &EnrollRequest {
            code: code.trim().to_string(),
            device_public_key: key.public().to_text(),
            device_name: hostname,
        },
        timeout,
    )
    .await?;
    let hq_public_key = vitrine_core::sign::PublicKey::from_text(&resp.hq_public_key)
        .map_err(|e| SyncError::Invalid(format!("HQ sent an unusable public key: {e}")))?;
    if vitrine_core::sign::key_fingerprint(&hq_public_key) != fingerprint {
        tracing::warn!("enrollment refused: HQ's key does not match the code's fingerprint");
        return Err(SyncError::Invalid(
            "the server answering at this address is not the HQ that made this code (its key does not match the code's fingerprint): check the address; nothing was saved".into(),
        ));
    }
    let ident = DeviceIdentity {
        device_id: resp.device_id,
        store: resp.store,
        hq_url: hq_url.trim_end_matches('/').to_string(),
        token: resp.token,
        hq_public_key,
        device_key: key,
        public_base_url: resp.public_base_url,
        enrolled_at: now,
    };
    let dir = data_dir.to_path_buf();
    let saved = ident.clone();
    blocking(move || Outbox::open(&dir)?.save_identity(&saved)).await?;
    tracing::info!(device = %ident.device_id, store = %ident.store, "kiosk enrolled");
    Ok(ident)
}

/// Shared state of the worker's tasks.
#[derive(Clone)]
struct Ctx {
    /// The kiosk's data folder (where a snapshot download goes).
    data_dir: PathBuf,
    settings: SyncSettings,
    outbox: Outbox,
    catalog: Arc<Mutex<Catalog>>,
    status: Arc<watch::Sender<SyncStatus>>,
    /// Set while the push stream is connected.
    stream_up: Arc<AtomicBool>,
    pull_now: Arc<Notify>,
    /// Wakes the card task (coalesced: requests made while a refresh runs
    /// give one more refresh after it).
    cards_now: Arc<Notify>,
    /// Wakes the settings task (HQ announced a new settings version).
    settings_now: Arc<Notify>,
    /// What the UI knows of the kiosk's health.
    probe: HealthProbe,
}

impl Ctx {
    fn new(data_dir: &Path, settings: SyncSettings, outbox: Outbox) -> Result<Ctx, SyncError> {
        let catalog = Catalog::open(data_dir)?;
        let ctx = Ctx {
            data_dir: data_dir.to_path_buf(),
            settings,
            status: outbox.status_sender(),
            outbox,
            catalog: Arc::new(Mutex::new(catalog)),
            stream_up: Arc::new(AtomicBool::new(false)),
            pull_now: Arc::new(Notify::new()),
            cards_now: Arc::new(Notify::new()),
            settings_now: Arc::new(Notify::new()),
            probe: HealthProbe::new(),
        };
        let remote = ctx.outbox.remote_settings()?;
        let (version, last_sync) = {
            let cat = ctx.lock_catalog();
            (cat.version()?, cat.meta(meta::LAST_SYNC)?.and_then(|v| v.parse().ok()))
        };
        ctx.outbox.refresh_status()?;
        ctx.status.send_modify(|s| {
            s.catalog_version = version;
            s.last_sync = last_sync;
            s.remote_settings = remote.settings;
            s.remote_settings_version = remote.version;
        });
        Ok(ctx)
    }

    fn lock_catalog(&self) -> std::sync::MutexGuard<'_, Catalog> {
        // Nothing is awaited while it is held; a poisoned lock means a
        // panic mid-transaction, which SQLite rolled back.
        self.catalog.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn client(&self, ident: &DeviceIdentity) -> Result<HqClient, SyncError> {
        check_hq_url(&ident.hq_url, self.settings.transport)?;
        Ok(HqClient::new(&ident.hq_url, &ident.token, self.settings.request_timeout)?.with_hq_key(ident.hq_public_key))
    }

    async fn identity(&self) -> Result<Option<DeviceIdentity>, SyncError> {
        let ob = self.outbox.clone();
        blocking(move || ob.identity()).await
    }

    fn set_error(&self, e: Option<(Problem, String)>) {
        let (problem, text) = e.map_or((None, None), |(p, t)| (Some(p), Some(t)));
        self.status.send_if_modified(|s| {
            let changed = s.last_error != text || s.problem != problem;
            s.last_error = text;
            s.problem = problem;
            changed
        });
    }

    fn set_online(&self, online: bool) {
        self.status.send_if_modified(|s| {
            let changed = s.online != online;
            s.online = online;
            changed
        });
    }

    /// Pulls the catalog once: changes since our version, or a snapshot.
    async fn pull(&self) -> Result<u64, SyncError> {
        let ident = self.identity().await?.ok_or(SyncError::NotEnrolled)?;
        let client = self.client(&ident)?;
        let (version, synced) = {
            let cat = self.lock_catalog();
            (cat.version()?, synced_with(&cat, &ident.store)?)
        };
        let update = if !synced {
            None
        } else {
            match client.changes_since(version).await? {
                ChangesAnswer::UpToDate { .. } => {
                    let now = crate::clock::now();
                    let cat = self.catalog.clone();
                    blocking(move || {
                        let mut c = cat.lock().unwrap_or_else(|p| p.into_inner());
                        Ok(c.set_meta(meta::LAST_SYNC, &now.to_string())?)
                    })
                    .await?;
                    self.status.send_modify(|s| {
                        s.last_sync = Some(now);
                        s.catalog_version = version;
                        s.last_error = None;
                        s.problem = None;
                    });
                    return Ok(version);
                }
                ChangesAnswer::Delta { update } => Some(update),
                ChangesAnswer::SnapshotRequired { reason, .. } => {
                    tracing::info!(since = version, reason = %reason, "HQ asks for a snapshot");
                    None
                }
            }
        };
        let now = crate::clock::now();
        let cat = self.catalog.clone();
        let id2 = ident.clone();
        let v = match update {
            Some(update) => {
                blocking(move || {
                    let mut c = cat.lock().unwrap_or_else(|p| p.into_inner());
                    apply_update(&mut c, &id2, &update, now)
                })
                .await?
            }
            None => {
                // Streamed to a file (resumed if an earlier download was
                // cut), then checked and applied from it.
                let part = snapshot::part_path(&self.data_dir);
                client.snapshot_to(&part).await?;
                blocking(move || {
                    let mut c = cat.lock().unwrap_or_else(|p| p.into_inner());
                    snapshot::apply_snapshot_file(&mut c, &id2, &part, now)
                })
                .await?
            }
        };
        // One status change: the new version and the end of any earlier error.
        self.status.send_modify(|s| {
            s.last_sync = Some(now);
            s.catalog_version = v;
            s.last_error = None;
            s.problem = None;
        });
        Ok(v)
    }

    async fn pull_and_report(&self) -> bool {
        match self.pull().await {
            Ok(_) => {
                self.set_error(None);
                true
            }
            Err(SyncError::NotEnrolled) => false,
            Err(e) => {
                tracing::warn!(error = %e, "catalog sync failed");
                self.set_error(Some(fault(&e)));
                false
            }
        }
    }

    /// HQ says settings version `v` applies: fetched when this kiosk holds
    /// another.
    fn on_settings_version(&self, v: u64) {
        if self.status.borrow().remote_settings_version != v {
            self.settings_now.notify_one();
        }
    }

    /// Fetches the remote settings (checked with HQ's key) and keeps them
    /// (which publishes them); a failure keeps the ones held.
    async fn refresh_settings(&self) -> Result<(), SyncError> {
        let ident = self.identity().await?.ok_or(SyncError::NotEnrolled)?;
        let answer = self.client(&ident)?.settings().await?;
        let ob = self.outbox.clone();
        let device = ident.device_id.clone();
        let held = blocking(move || ob.save_remote_settings(&device, &answer)).await?;
        tracing::info!(
            version = held.version,
            count = held.settings.len(),
            "remote settings from HQ"
        );
        Ok(())
    }

    /// Refreshes the offline loyalty card table; a failure keeps the old one.
    async fn refresh_cards(&self) {
        let Ok(Some(ident)) = self.identity().await else { return };
        let Ok(client) = self.client(&ident) else { return };
        match crate::customer::refresh_card_table(&self.outbox, &client).await {
            Ok(n) => tracing::debug!(cards = n, "card table synced"),
            Err(e) => tracing::warn!(error = %e, "cannot sync the loyalty card table; the previous one stays"),
        }
    }

    /// Sends the outbox, oldest first, until it is empty or HQ cannot take
    /// more now.
    async fn flush(&self) -> Flush {
        let ident = match self.identity().await {
            Ok(Some(i)) => i,
            Ok(None) => return Flush::NotEnrolled,
            Err(e) => return Flush::Retry(fault(&e), None),
        };
        let client = match self.client(&ident) {
            Ok(c) => c,
            Err(e) => return Flush::Retry(fault(&e), None),
        };
        loop {
            let ob = self.outbox.clone();
            let next = match blocking(move || ob.next_pending()).await {
                Ok(Some(p)) => p,
                Ok(None) => return Flush::Empty,
                Err(e) => return Flush::Retry(fault(&e), None),
            };
            let result: Result<(Option<String>, Vec<_>), HqError> = match next.kind {
                MessageKind::Handoff => client.post_handoff(&next.body).await.map(|_| (None, Vec::new())),
                MessageKind::HandoffLink => client.post_handoff_link(&next.body).await.map(|_| (None, Vec::new())),
                MessageKind::Order => client
                    .post_order(&next.body)
                    .await
                    .map(|r| (Some(r.status.as_str().to_string()), r.coupons)),
            };
            let ob = self.outbox.clone();
            let outcome = match result {
                Ok((status, coupons)) => {
                    tracing::info!(message = %next.id, kind = next.kind.as_str(), "delivered to HQ");
                    blocking(move || {
                        // HQ's word on the coupons this order used here.
                        crate::customer::reconcile(&ob, &next.id, &coupons)?;
                        ob.delivered(&next, status.as_deref())
                    })
                    .await
                }
                Err(e) if e.is_retryable() || matches!(e.status(), Some(401 | 403)) => {
                    let msg = e.to_string();
                    if let Err(db) = blocking(move || ob.failed(&next, &msg)).await {
                        tracing::warn!(error = %db, "cannot record a failed attempt");
                    }
                    return Flush::Retry((Problem::of_hq(&e), e.to_string()), e.retry_after());
                }
                Err(e) => {
                    let msg = e.to_string();
                    let status = e.status();
                    blocking(move || ob.dead_letter(&next, status, &msg)).await
                }
            };
            if let Err(e) = outcome {
                return Flush::Retry(fault(&e), None);
            }
        }
    }
}

enum Flush {
    Empty,
    NotEnrolled,
    /// Try again later; HQ's `Retry-After` when it gave one.
    Retry((Problem, String), Option<Duration>),
}

/// The running worker. Dropping it stops the worker.
pub struct SyncHandle {
    outbox: Outbox,
    availability: AvailabilityService,
    status: watch::Receiver<SyncStatus>,
    probe: HealthProbe,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SyncHandle {
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The status, updated by the worker and by every queueing call.
    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    pub fn availability(&self) -> &AvailabilityService {
        &self.availability
    }

    /// Where the UI tells the heartbeat what it knows (screen, camera,
    /// scans, sound).
    pub fn health(&self) -> &HealthProbe {
        &self.probe
    }

    /// Availability from a thread outside the runtime (see
    /// [`AvailabilityService::get_blocking`]).
    pub fn availability_blocking(&self, gtin: Gtin) -> Result<CachedAvailability, SyncError> {
        self.availability.get_blocking(gtin)
    }

    /// Asks the worker to stop and waits for it.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts the worker on `rt` for the kiosk whose files are in `data_dir`.
pub fn start(rt: &tokio::runtime::Handle, data_dir: &Path, settings: SyncSettings) -> Result<SyncHandle, SyncError> {
    let outbox = Outbox::open(data_dir)?;
    let ctx = Ctx::new(data_dir, settings, outbox.clone())?;
    let (shutdown, shut_rx) = watch::channel(false);
    let tasks = vec![
        rt.spawn(stream_task(ctx.clone(), shut_rx.clone())),
        rt.spawn(pull_task(ctx.clone(), shut_rx.clone())),
        rt.spawn(cards_task(ctx.clone(), shut_rx.clone())),
        rt.spawn(heartbeat_task(ctx.clone(), shut_rx.clone())),
        rt.spawn(settings_task(ctx.clone(), shut_rx.clone())),
        rt.spawn(outbox_task(ctx.clone(), shut_rx)),
    ];
    let availability = AvailabilityService::new(
        outbox.clone(),
        settings.availability_max_age_s,
        settings.request_timeout,
    )
    .with_runtime(rt.clone());
    Ok(SyncHandle {
        probe: ctx.probe.clone(),
        status: outbox.subscribe(),
        outbox,
        availability,
        shutdown,
        tasks,
    })
}

/// One pull and one pass over the outbox (`vitrine sync --once`); no
/// waiting for retries. Returns the status after.
pub async fn sync_once(data_dir: &Path, settings: SyncSettings) -> Result<SyncStatus, SyncError> {
    let dir: PathBuf = data_dir.to_path_buf();
    let outbox = blocking(move || Outbox::open(&dir)).await?;
    let dir: PathBuf = data_dir.to_path_buf();
    let ctx = blocking(move || Ctx::new(&dir, settings, outbox)).await?;
    if ctx.identity().await?.is_none() {
        return Err(SyncError::NotEnrolled);
    }
    let pulled = ctx.pull_and_report().await;
    if pulled {
        ctx.refresh_cards().await;
    }
    let flushed = ctx.flush().await;
    if let Flush::Retry(e, _) = &flushed {
        ctx.set_error(Some(e.clone()));
    }
    ctx.set_online(pulled && matches!(flushed, Flush::Empty));
    ctx.outbox.refresh_status()?;
    Ok(ctx.status.borrow().clone())
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// The push stream: connect, pull on connect and on each new version event,
/// reconnect with backoff.
async fn stream_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    let mut attempt: u32 = 0;
    loop {
        if *shut.borrow() {
            return;
        }
        let ident = match ctx.identity().await {
            Ok(Some(i)) => Some(i),
            Ok(None) => None,
            Err(e) => {
                ctx.set_error(Some(fault(&e)));
                None
            }
        };
        if let Some(ident) = ident {
            let last_id = { ctx.lock_catalog().version().ok() };
            let opened = match ctx.client(&ident) {
                Ok(c) => tokio::select! {
                    r = c.events(last_id) => r.map_err(SyncError::from),
                    _ = stopped(&mut shut) => return,
                },
                Err(e) => Err(e),
            };
            match opened {
                Ok(mut resp) => {
                    attempt = 0;
                    ctx.stream_up.store(true, Ordering::SeqCst);
                    tracing::info!("push stream connected");
                    // Whatever happened while we were away.
                    ctx.pull_now.notify_one();
                    ctx.settings_now.notify_one();
                    let mut parser = SseParser::default();
                    loop {
                        let chunk = tokio::select! {
                            c = tokio::time::timeout(ctx.settings.stream_idle_timeout, resp.chunk()) => c,
                            _ = stopped(&mut shut) => { ctx.stream_up.store(false, Ordering::SeqCst); return; }
                        };
                        match chunk {
                            Ok(Ok(Some(bytes))) => {
                                let events = match parser.feed(&bytes) {
                                    Ok(events) => events,
                                    Err(e) => {
                                        tracing::warn!(error = %e, "push stream refused");
                                        break;
                                    }
                                };
                                for ev in events {
                                    if ev.event == EVENT_SETTINGS {
                                        if let Ok(e) = serde_json::from_str::<VersionEvent>(&ev.data) {
                                            ctx.on_settings_version(e.version);
                                        }
                                        continue;
                                    }
                                    if ev.event != EVENT_VERSION {
                                        continue;
                                    }
                                    let v = serde_json::from_str::<VersionEvent>(&ev.data).map(|e| e.version).ok();
                                    let current = ctx.status.borrow().catalog_version;
                                    if v.is_none_or(|v| v > current) {
                                        ctx.pull_now.notify_one();
                                    }
                                }
                            }
                            Ok(Ok(None)) => {
                                tracing::info!("push stream closed by HQ");
                                break;
                            }
                            Ok(Err(e)) => {
                                tracing::info!(error = %e, "push stream cut");
                                break;
                            }
                            Err(_) => {
                                tracing::info!("push stream silent too long; reconnecting");
                                break;
                            }
                        }
                    }
                    ctx.stream_up.store(false, Ordering::SeqCst);
                    ctx.set_online(false);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "push stream not available");
                    if !matches!(e, SyncError::NotEnrolled) {
                        ctx.set_error(Some(fault(&e)));
                    }
                    ctx.set_online(false);
                }
            }
        }
        let delay = if ctx.status.borrow().configured {
            ctx.settings.backoff.delay(attempt)
        } else {
            ctx.settings.poll_interval
        };
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped(&mut shut) => return,
        }
    }
}

/// How often the offline loyalty card table is fetched again while the
/// catalog does not change (it is also fetched after every catalog pull): a
/// customer added, or forgotten, at HQ reaches every kiosk within this time.
pub const CARD_REFRESH: Duration = Duration::from_secs(10 * 60);

/// Keeps the offline loyalty card table fresh: after every catalog pull, and
/// every [`CARD_REFRESH`] while the push stream is up and nothing was pulled.
/// Its own task, so that the next catalog version is never held up behind a
/// card table download: a burst of price changes at HQ reaches the kiosk
/// one delta after another, with one card refresh for the lot (a pull that
/// comes while a refresh runs gives one more refresh after it).
async fn cards_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = ctx.cards_now.notified() => {}
            _ = tokio::time::sleep(CARD_REFRESH) => {
                if !ctx.stream_up.load(Ordering::SeqCst) {
                    // Down: the poller's successful pulls ask for it.
                    continue;
                }
            }
            _ = stopped(&mut shut) => return,
        }
        ctx.refresh_cards().await;
    }
}

/// Pulls when the stream says so, and polls while the stream is down. After
/// a failed pull the poll waits as the outbox does (capped exponential
/// backoff, full jitter), never less than the poll interval: kiosks facing
/// a down HQ do not knock in step, nor every minute for days.
async fn pull_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    let mut failures: u32 = 0;
    loop {
        // Spread (±25 %): kiosks whose stream went down together do not
        // poll HQ in step.
        let mut wait = super::backoff::spread(ctx.settings.poll_interval);
        if failures > 0 {
            wait = wait.max(ctx.settings.backoff.delay(failures));
        }
        tokio::select! {
            _ = ctx.pull_now.notified() => {}
            _ = tokio::time::sleep(wait) => {
                if ctx.stream_up.load(Ordering::SeqCst) {
                    continue;
                }
            }
            _ = stopped(&mut shut) => return,
        }
        let ok = ctx.pull_and_report().await;
        if ok {
            failures = 0;
            ctx.cards_now.notify_one();
        } else {
            failures = failures.saturating_add(1);
        }
        ctx.set_online(ok && ctx.stream_up.load(Ordering::SeqCst));
    }
}

/// How often the worker looks for messages queued by another process.
const ELSEWHERE_CHECK: Duration = Duration::from_secs(1);

/// Waits until a message may be waiting: queued through this process's
/// outbox (woken at once), queued by another process (seen within
/// [`ELSEWHERE_CHECK`]), or the poll interval. False when the worker stops.
async fn wait_for_messages(ctx: &Ctx, wake: &Notify, shut: &mut watch::Receiver<bool>) -> bool {
    let until = tokio::time::Instant::now() + ctx.settings.poll_interval;
    loop {
        tokio::select! {
            _ = wake.notified() => return true,
            _ = tokio::time::sleep_until(until) => return true,
            _ = tokio::time::sleep(ELSEWHERE_CHECK) => {
                let ob = ctx.outbox.clone();
                let elsewhere = blocking(move || {
                    let w = ob.written_elsewhere();
                    if w {
                        ob.refresh_status()?;
                    }
                    Ok(w)
                })
                .await
                .unwrap_or(false);
                if elsewhere {
                    return true;
                }
            }
            _ = stopped(shut) => return false,
        }
    }
}

/// Sends the outbox; backs off while HQ cannot take it.
async fn outbox_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    let wake = ctx.outbox.wake_signal();
    let mut attempt: u32 = 0;
    loop {
        match ctx.flush().await {
            Flush::Empty => {
                if attempt > 0 {
                    ctx.set_error(None);
                    ctx.status.send_modify(|s| s.outbox_retry_in_s = None);
                }
                attempt = 0;
                if !wait_for_messages(&ctx, &wake, &mut shut).await {
                    return;
                }
            }
            Flush::NotEnrolled => {
                if !wait_for_messages(&ctx, &wake, &mut shut).await {
                    return;
                }
            }
            Flush::Retry(e, retry_after) => {
                tracing::info!(error = %e.1, attempt, ?retry_after, "outbox: HQ cannot take messages now; retrying later");
                ctx.set_error(Some(e));
                let delay = ctx.settings.backoff.delay_after(attempt, retry_after);
                ctx.status.send_modify(|s| s.outbox_retry_in_s = Some(delay.as_secs()));
                attempt = attempt.saturating_add(1);
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = stopped(&mut shut) => return,
                }
            }
        }
    }
}

/// Fetches the remote settings when HQ announces another version than the
/// one held (push stream event, heartbeat answer, each connection).
async fn settings_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = ctx.settings_now.notified() => {}
            _ = stopped(&mut shut) => return,
        }
        match ctx.refresh_settings().await {
            Ok(()) | Err(SyncError::NotEnrolled) => {}
            Err(e) => tracing::warn!(error = %e, "cannot take HQ's remote settings; the ones held stay"),
        }
    }
}

/// The shortest time between two heartbeats: a queue that moves message by
/// message sends one beat for the lot, not one per message.
const HEARTBEAT_MIN_GAP: Duration = Duration::from_secs(2);

/// Sends this kiosk's health to HQ every `heartbeat` interval, and at once
/// (at most every [`HEARTBEAT_MIN_GAP`]) when its state changes. A failed
/// beat is not retried: the next one says the same, newer. HQ's answer
/// names the remote settings version: another one than this kiosk holds is
/// fetched.
async fn heartbeat_task(ctx: Ctx, mut shut: watch::Receiver<bool>) {
    let mut status_rx = ctx.status.subscribe();
    let mut last_sent: Option<(u64, u64, u64, _, _, Option<bool>)> = None;
    loop {
        let ident = match ctx.identity().await {
            Ok(i) => i,
            Err(e) => {
                tracing::debug!(error = %e, "heartbeat: cannot read the kiosk's identity");
                None
            }
        };
        if let Some(ident) = ident {
            let status = ctx.status.borrow().clone();
            let beat = health::heartbeat(&status, &ctx.probe, &ctx.data_dir);
            // A failed beat counts as said too: while HQ is away, a change
            // of state waits for the next interval, not one try per change.
            last_sent = Some(health::state_key(&beat));
            match ctx.client(&ident) {
                Ok(client) => match client.post_heartbeat(&beat).await {
                    Ok(ack) => {
                        tracing::debug!(settings = ack.settings_version, "heartbeat sent");
                        ctx.on_settings_version(ack.settings_version);
                    }
                    Err(e) => tracing::debug!(error = %e, "heartbeat not sent"),
                },
                Err(e) => tracing::debug!(error = %e, "heartbeat not sent"),
            }
        }
        let next = tokio::time::Instant::now() + ctx.settings.heartbeat;
        // Not before the gap, whatever changes.
        tokio::select! {
            _ = tokio::time::sleep(HEARTBEAT_MIN_GAP.min(ctx.settings.heartbeat)) => {}
            _ = stopped(&mut shut) => return,
        }
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next) => break,
                r = status_rx.changed() => {
                    if r.is_err() {
                        return;
                    }
                    let status = status_rx.borrow_and_update().clone();
                    let now_key = health::state_key(&health::heartbeat(&status, &ctx.probe, &ctx.data_dir));
                    if last_sent.as_ref() != Some(&now_key) {
                        break;
                    }
                }
                _ = ctx.probe.changed() => break,
                _ = stopped(&mut shut) => return,
            }
        }
    }
}
