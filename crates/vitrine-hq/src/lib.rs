//! # vitrine-hq
//!
//! Vitrine's HQ: the product referential master, the kiosk API (`/v1`,
//! described in `openapi.json`), the phone handoff page, click&collect
//! orders with their staff page, email and SMS confirmations, the customer
//! referential and the survey loop.
//!
//! # Layout
//! Requests go one way: [`routes`] → [`services`] → [`storage`]. A route
//! uses [`http`] (the plumbing every route shares) and the services; a
//! service uses other services below it and storage; storage uses
//! neither. No route module imports another.
//! - [`routes`]: the one route table (who may call each route) and one
//!   module per resource: the kiosk API (`/v1`: enrollment, catalog, push
//!   stream, handoffs, orders, availability, customers and coupons), the
//!   phone page (`/h/…`), the survey page (`/s/…`), the staff page
//!   (`/staff/…`), `/openapi.json`.
//! - [`http`]: the JSON error ([`http::Failure`]) and body extractor, who
//!   is calling ([`http::AuthDevice`], [`http::Staff`]), `blocking`,
//!   gzip, and the pages' shell, language, forms and HTML escaping.
//! - [`services`]: what HQ does (catalog publication, enrollment,
//!   pricing, handoffs, orders, customers, coupons, the survey loop, the
//!   messages to shoppers and their sender, the commands' operations).
//! - [`storage`]: one trait per aggregate, [`storage::HqStorage`] for all,
//!   and the SQLite backend.
//! - [`dates`]: dates and times, for people (in their language) and for
//!   the command line.
//! - [`keys`]: HQ's signing key, device ids, codes and tokens.
//! - [`ratelimit`]: per-device token buckets and push-stream slots.
//!
//! Every text a shopper or the store's staff reads (pages, emails, text
//! messages) comes from the message catalogue (`vitrine-i18n`, the
//! `hq*.ftl` files), in the page's language or the one the order or basket
//! carries. API error messages and the `vitrine-hq` command line are for
//! developers and operators: English.
//!
//! The server takes a listener and a shutdown future ([`serve`]), so tests
//! start the real server on `127.0.0.1:0`.

pub mod dates;
pub mod http;
pub mod keys;
pub mod metrics;
pub mod ratelimit;
pub mod routes;
pub mod server;
pub mod services;
pub mod storage;

/// The operations of the `vitrine-hq` commands and of the customer
/// referential, as tests and tools drive HQ in-process.
pub use services::{admin, customers};

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use vitrine_core::Currency;
use vitrine_core::catalog::Change;
use vitrine_core::product::UnixTime;
use vitrine_core::sign::SecretKey;

use services::catalog::SnapshotCache;
use storage::{HqStorage, StorageError};

/// HQ's wall clock, and the clock HQ reads its time from (the system
/// clock, or a manual one a test moves: the survey loop's scheduler is
/// tested with it). One implementation for kiosk and HQ.
pub use vitrine_infra::clock::{Clock, now};

/// The survey loop's timing and the coupon it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySettings {
    /// Seconds between the thank-you email and the survey email.
    pub survey_delay_s: i64,
    /// Days the survey's coupon is valid.
    pub coupon_valid_days: i64,
    /// Days before the coupon's expiry that the reminder goes.
    pub reminder_days_before: i64,
    /// The coupon's percentage off the basket (basis points: 1000 = 10 %).
    pub coupon_basis_points: u32,
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings {
            survey_delay_s: 24 * 3600,
            coupon_valid_days: 30,
            reminder_days_before: 3,
            coupon_basis_points: 1000,
        }
    }
}

/// The SMTP relay confirmations go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender address, e.g. `Vitrine <no-reply@example.com>`.
    pub from: String,
}

/// What the phone page shows of the retailer, and how a purchase finishes
/// there: click&collect and delivery slots, the delivery fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopSettings {
    /// The retailer's name, at the top of the phone page and its title.
    pub retailer_name: String,
    /// The retailer's colour (`#rrggbb`): the page's buttons and links.
    pub colour: String,
    /// The retailer's logo (its bytes and content type), served at
    /// `/brand/logo`.
    pub logo: Option<(Vec<u8>, String)>,
    /// Click&collect slots (the kiosk's `[collect]` rules).
    pub collect: vitrine_infra::slots::SlotRules,
    /// Home delivery slots.
    pub delivery: vitrine_infra::slots::SlotRules,
    /// The delivery fee, minor units of [`HqConfig::currency`].
    pub delivery_fee_minor: i64,
    /// A basket of at least this total (minor units) is delivered free;
    /// None: never free.
    pub free_delivery_from_minor: Option<i64>,
    /// The stores' local time (seconds east of UTC): slots are whole hours
    /// there.
    pub utc_offset_s: i32,
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            retailer_name: "Vitrine".into(),
            colour: "#0b3d91".into(),
            logo: None,
            collect: vitrine_infra::slots::SlotRules {
                open_hour: 9,
                close_hour: 20,
                slot_minutes: 60,
                lead_minutes: 120,
                days: 3,
            },
            delivery: vitrine_infra::slots::SlotRules {
                open_hour: 8,
                close_hour: 20,
                slot_minutes: 120,
                lead_minutes: 24 * 60,
                days: 5,
            },
            delivery_fee_minor: 490,
            free_delivery_from_minor: Some(5000),
            utc_offset_s: 3600,
        }
    }
}

/// The secret the order webhook's signatures are made with. Never shown:
/// its `Debug` says only how long it is.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    /// The shortest secret accepted (bytes): a guessable one would let
    /// anyone forge orders to the retailer's systems.
    pub const MIN_LEN: usize = 16;

    /// A secret from its text (surrounding spaces and line breaks, as a
    /// file or a variable carries them, removed); None when too short.
    pub fn new(text: &str) -> Option<WebhookSecret> {
        let t = text.trim();
        (t.len() >= Self::MIN_LEN).then(|| WebhookSecret(t.as_bytes().to_vec()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebhookSecret({} bytes)", self.0.len())
    }
}

/// Where orders and their status changes go (the retailer's order
/// management system): see [`services::webhooks`].
#[derive(Debug, Clone)]
pub struct OrderWebhook {
    /// `https://…`, or `http://` to a loopback address.
    pub url: String,
    pub secret: WebhookSecret,
    /// A delivery not answered within this time is tried again later.
    pub timeout: Duration,
    /// Tries before an event becomes a dead letter.
    pub max_attempts: u32,
    /// Seconds before the first retry; doubled at each try, at most an
    /// hour, with random jitter (half to all of it).
    pub retry_base_s: i64,
}

impl OrderWebhook {
    /// The settings for `url` and `secret` with the defaults: 10 s timeout,
    /// 10 tries, first retry after 5 s (then about 10 s, 20 s, … up to an
    /// hour: some 2 hours in all before a dead letter).
    pub fn new(url: &str, secret: WebhookSecret) -> OrderWebhook {
        OrderWebhook {
            url: url.to_string(),
            secret,
            timeout: Duration::from_secs(10),
            max_attempts: 10,
            retry_base_s: 5,
        }
    }
}

/// HQ's settings (command-line options and `VITRINE_HQ_*` variables).
#[derive(Debug, Clone)]
pub struct HqConfig {
    /// HQ's signing and lookup keys, and `hq.sqlite` unless `database` is set.
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://…`) instead of `hq.sqlite`: what
    /// several replicas share. None: SQLite in `data_dir`.
    pub database: Option<String>,
    /// Where phones reach HQ: handoff links are `{public_base_url}/h/{id}`.
    pub public_base_url: String,
    /// The retailer app's deep link, `{id}` replaced by the handoff id
    /// (e.g. `vitrine://basket/{id}`); None: no "open in the app" button.
    pub app_deep_link: Option<String>,
    pub smtp: Option<SmtpConfig>,
    /// SMS webhook: HQ POSTs `{"to": "+33…", "text": "…"}` there.
    pub sms_webhook: Option<String>,
    /// The order webhook (None: orders stay at HQ).
    pub order_webhook: Option<OrderWebhook>,
    /// Requests per minute and device (burst: the same number).
    pub rate_per_minute: u32,
    /// Enrollment attempts per minute and client address (burst: the same);
    /// all clients together get six times that.
    pub enroll_per_minute: u32,
    /// Staff login attempts per minute and client address (burst: the
    /// same); all clients together get ten times that.
    pub login_per_minute: u32,
    pub max_body_bytes: usize,
    /// Catalog versions whose changes are kept for deltas.
    pub keep_versions: u64,
    /// A version with more changes than this is served as a snapshot.
    pub max_delta_changes: usize,
    /// How often HQ looks for versions written, and devices revoked, by
    /// another process (the CLI) on SQLite. On PostgreSQL the database
    /// pushes them (`LISTEN`); this is then only the pause before listening
    /// again after a lost connection.
    pub version_poll: Duration,
    pub sse_keepalive: Duration,
    pub currency: Currency,
    /// Hours a one-time enrollment code stays valid.
    pub code_valid_hours: i64,
    /// Hours a signed catalog update stays valid (its signed `expires_at`).
    /// Kiosks refuse an expired one, so a captured snapshot cannot be
    /// replayed to a fresh kiosk later. A week leaves room for kiosk clocks
    /// that drift.
    pub update_valid_hours: i64,
    /// Seconds a signed basket (a handoff) may be older than HQ's clock when
    /// HQ first receives it: a kiosk offline for up to a week still
    /// delivers its outbox, an older basket is refused (422).
    pub basket_max_age_s: i64,
    /// Seconds a signed basket may be dated ahead of HQ's clock (kiosk
    /// clocks drift a little; a basket from the future is refused, 422).
    pub basket_max_ahead_s: i64,
    /// Push streams (`/v1/events`) one device may hold open at once: a
    /// kiosk needs one; a new one beyond this is refused (429).
    pub max_streams_per_device: usize,
    /// HQ's time (the system clock unless a test sets a manual one).
    pub clock: Clock,
    pub survey: SurveySettings,
    /// The loyalty card number range (the first digits of a card's EAN-13).
    pub card_prefix: String,
    /// Open connections at most, all clients together, and in any case
    /// below the process's open-file limit ([`server::Limits::effective`]).
    /// The default (`usize::MAX`) is that limit alone: a cap of a few
    /// thousand refused a chain's kiosks, each holding a push stream
    /// (docs/BENCHMARKS.md, "HQ and sync").
    pub max_connections: usize,
    /// Open connections at most from one client address (0: no cap; behind
    /// a reverse proxy, the proxy's pool).
    pub max_connections_per_ip: usize,
    /// A connection that sends no whole request head within this time
    /// (after connecting, or after its last answer) is closed.
    pub header_read_timeout: Duration,
    /// A request not answered within this time gets 408 (its body came too
    /// slowly, say). The push stream's answer starts at once: not affected.
    pub request_timeout: Duration,
    /// The retailer on the phone page, click&collect and delivery.
    pub shop: ShopSettings,
    /// Seconds without a heartbeat after which a kiosk is flagged stale
    /// (kiosks beat every minute).
    pub stale_after_s: i64,
    /// A kiosk whose catalog is more than this many versions older than
    /// HQ's is flagged behind.
    pub behind_versions: u64,
    /// Heartbeats kept per kiosk in its history.
    pub health_history: u32,
    /// The bearer token `/metrics` asks for (`--metrics-token-file`); None:
    /// `/metrics` answers loopback clients only.
    pub metrics_token: Option<metrics::MetricsToken>,
}

impl HqConfig {
    pub fn new(data_dir: &Path) -> HqConfig {
        HqConfig {
            data_dir: data_dir.to_path_buf(),
            database: None,
            public_base_url: "http://127.0.0.1:8080".into(),
            app_deep_link: None,
            smtp: None,
            sms_webhook: None,
            order_webhook: None,
            rate_per_minute: 600,
            enroll_per_minute: 10,
            login_per_minute: 10,
            max_body_bytes: 64 * 1024,
            keep_versions: 10_000,
            max_delta_changes: 200_000,
            version_poll: Duration::from_millis(200),
            sse_keepalive: Duration::from_secs(15),
            currency: Currency::EUR,
            code_valid_hours: 72,
            update_valid_hours: 168,
            basket_max_age_s: 7 * 86_400,
            basket_max_ahead_s: 600,
            max_streams_per_device: 2,
            clock: Clock::system(),
            survey: SurveySettings::default(),
            card_prefix: vitrine_core::loyalty::DEFAULT_CARD_PREFIX.into(),
            max_connections: usize::MAX,
            max_connections_per_ip: 128,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            shop: ShopSettings::default(),
            stale_after_s: 300,
            behind_versions: 2,
            health_history: 60,
            metrics_token: None,
        }
    }

    /// The connection limits of [`server::run`].
    pub fn limits(&self) -> server::Limits {
        server::Limits {
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            header_read_timeout: self.header_read_timeout,
            request_timeout: self.request_timeout,
        }
    }
}

/// A failure opening HQ.
#[derive(Debug, thiserror::Error)]
pub enum HqError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("HQ signing key: {0}")]
    Key(#[from] std::io::Error),
    #[error(
        "this replica's signing key ({mine}) is not the one HQ's database was first served with ({recorded}): every replica needs the same key files (copy {dir}/{file} and {dir}/{lookup})"
    )]
    KeyMismatch {
        mine: String,
        recorded: String,
        dir: String,
        file: &'static str,
        lookup: &'static str,
    },
}

/// HQ's meta key holding the public signing key the database is served
/// with: a replica with another key (kiosks would refuse its updates)
/// refuses to start.
pub const SIGNING_KEY_META: &str = "signing_public_key";

/// HQ's shared state.
pub struct Hq {
    pub config: HqConfig,
    pub storage: Arc<dyn HqStorage>,
    pub key: SecretKey,
    /// The secret of the customer identifiers' keyed hashes.
    lookup_key: [u8; 32],
    pub limiter: ratelimit::RateLimiter,
    /// Enrollment attempts per client address, and all together.
    pub enroll_limiter: ratelimit::RateLimiter,
    pub enroll_global: ratelimit::RateLimiter,
    /// Staff login attempts per client address, and all together.
    pub login_limiter: ratelimit::RateLimiter,
    pub login_global: ratelimit::RateLimiter,
    version_tx: watch::Sender<u64>,
    /// The remote settings version, for the push streams.
    settings_tx: watch::Sender<u64>,
    /// HQ's Prometheus metrics.
    pub metrics: metrics::Metrics,
    /// The revoked devices, as last read from storage: a push stream ends
    /// when its device joins them.
    revoked_tx: watch::Sender<Arc<HashSet<String>>>,
    shutdown_tx: watch::Sender<bool>,
    /// Serialised snapshot answers per store, for the version they were cut at.
    /// With the time each was signed: one is cut again once it has used
    /// an hour of its validity.
    snapshots: SnapshotCache,
    /// The push streams open per device.
    streams: ratelimit::StreamSlots,
    notifier_wake: Notify,
    webhook_wake: Notify,
    /// The connections open now (the server's count).
    pub connections: server::Gauge,
}

impl Hq {
    /// Opens HQ's storage (`config.database`, else SQLite in
    /// `config.data_dir`) and its keys in `config.data_dir`. On a shared
    /// database, the first replica records its public key and the others
    /// must have the same ([`HqError::KeyMismatch`]).
    pub fn open(config: HqConfig) -> Result<Arc<Hq>, HqError> {
        let backend = match &config.database {
            Some(url) => storage::Backend::Postgres(url.clone()),
            None => storage::Backend::Sqlite(config.data_dir.clone()),
        };
        let storage = storage::open(&backend, config.max_delta_changes)?;
        // The keys' folder is owner-only whichever backend holds the data
        // (SQLite's opening makes it so too).
        vitrine_infra::fs::ensure_private_dir(&config.data_dir)?;
        let key = keys::load_or_create_key(&config.data_dir)?;
        let lookup = keys::load_or_create_lookup_key(&config.data_dir)?;
        if storage.is_shared() {
            // The public key and a digest of the lookup secret (which
            // keys the customers' identifier hashes): both must match.
            let mine = format!(
                "{} {}",
                key.public().to_text(),
                &vitrine_core::sign::sha256_hex(&lookup)[..16]
            );
            let recorded = storage.claim_meta(SIGNING_KEY_META, &mine)?;
            if recorded != mine {
                return Err(HqError::KeyMismatch {
                    mine,
                    recorded,
                    dir: config.data_dir.display().to_string(),
                    file: keys::KEY_FILE,
                    lookup: keys::LOOKUP_KEY_FILE,
                });
            }
        }
        Hq::build(config, storage, key, lookup)
    }

    /// HQ over any storage backend. Its lookup secret is derived from the
    /// signing key ([`Hq::open`] keeps a separate one in the data directory).
    pub fn with_storage(config: HqConfig, storage: Arc<dyn HqStorage>, key: SecretKey) -> Result<Arc<Hq>, HqError> {
        let mut lookup_key = [0u8; 32];
        let derived = vitrine_core::loyalty::hmac_sha256_hex(&key.seed(), b"vitrine-lookup-v1");
        for (i, b) in lookup_key.iter_mut().enumerate() {
            *b = u8::from_str_radix(&derived[2 * i..2 * i + 2], 16).unwrap_or(0);
        }
        Hq::build(config, storage, key, lookup_key)
    }

    fn build(
        config: HqConfig,
        storage: Arc<dyn HqStorage>,
        key: SecretKey,
        lookup_key: [u8; 32],
    ) -> Result<Arc<Hq>, HqError> {
        let version = storage.current_version()?;
        let (version_tx, _) = watch::channel(version);
        let (settings_tx, _) = watch::channel(storage.settings_version()?);
        let revoked: HashSet<String> = storage.revoked_device_ids()?.into_iter().collect();
        let (revoked_tx, _) = watch::channel(Arc::new(revoked));
        let (shutdown_tx, _) = watch::channel(false);
        // On a shared database the buckets are the database's: a limit
        // holds across every replica.
        let limiter = |name: &'static str, per_minute: u32| {
            if storage.is_shared() {
                ratelimit::RateLimiter::shared(per_minute, name, storage.clone())
            } else {
                ratelimit::RateLimiter::new(per_minute)
            }
        };
        Ok(Arc::new(Hq {
            limiter: limiter("device", config.rate_per_minute),
            enroll_limiter: limiter("enroll", config.enroll_per_minute),
            enroll_global: limiter("enroll-all", config.enroll_per_minute.saturating_mul(6)),
            login_limiter: limiter("login", config.login_per_minute),
            login_global: limiter("login-all", config.login_per_minute.saturating_mul(10)),
            storage,
            key,
            lookup_key,
            version_tx,
            settings_tx,
            metrics: metrics::Metrics::new(),
            revoked_tx,
            shutdown_tx,
            snapshots: SnapshotCache::default(),
            streams: ratelimit::StreamSlots::new(config.max_streams_per_device),
            notifier_wake: Notify::new(),
            webhook_wake: Notify::new(),
            connections: server::Gauge::default(),
            config,
        }))
    }

    /// Commits changes as a new catalog version and announces it to the
    /// connected kiosks at once.
    pub fn commit(&self, changes: &[Change], scope: Option<&str>) -> Result<u64, StorageError> {
        let v = self.storage.commit_changes(changes, scope, now())?;
        if self.config.keep_versions > 0 && v % 100 == 0 {
            self.storage.prune_history(self.config.keep_versions)?;
        }
        self.announce(v);
        Ok(v)
    }

    /// Tells the push streams about version `v`.
    pub fn announce(&self, v: u64) {
        self.version_tx.send_if_modified(|cur| {
            if v > *cur {
                *cur = v;
                true
            } else {
                false
            }
        });
    }

    pub fn versions(&self) -> watch::Receiver<u64> {
        self.version_tx.subscribe()
    }

    /// Tells the push streams about remote settings version `v`.
    pub fn announce_settings(&self, v: u64) {
        self.settings_tx.send_if_modified(|cur| {
            if v > *cur {
                *cur = v;
                true
            } else {
                false
            }
        });
    }

    /// The remote settings version; changes with every setting set or removed.
    pub fn settings_versions(&self) -> watch::Receiver<u64> {
        self.settings_tx.subscribe()
    }

    /// Push streams open now, all devices together.
    pub fn push_connections(&self) -> usize {
        self.streams.total()
    }

    /// The revoked devices; changes when one more is revoked.
    pub fn revoked(&self) -> watch::Receiver<Arc<HashSet<String>>> {
        self.revoked_tx.subscribe()
    }

    /// Takes the revoked devices as read from storage (revocation only ever
    /// adds: a device is never un-revoked).
    pub fn note_revoked(&self, ids: Vec<String>) {
        self.revoked_tx.send_if_modified(|cur| {
            if ids.len() != cur.len() || ids.iter().any(|id| !cur.contains(id)) {
                *cur = Arc::new(ids.into_iter().collect());
                true
            } else {
                false
            }
        });
    }

    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown_tx.subscribe()
    }

    /// HQ's time now (its configured clock).
    pub fn now(&self) -> UnixTime {
        self.config.clock.now()
    }

    /// The secret of the identifiers' keyed hashes.
    pub(crate) fn lookup_key(&self) -> &[u8; 32] {
        &self.lookup_key
    }

    /// How many catalog snapshots HQ has cut since it started (each is a
    /// whole catalog read, signed and gzipped; concurrent requests share one).
    pub fn snapshots_cut(&self) -> u64 {
        self.snapshots.cut_count()
    }

    /// Opens a push stream for `device`, or None when it has
    /// [`HqConfig::max_streams_per_device`] open already; the stream counts
    /// until the returned slot is dropped.
    pub fn open_stream(&self, device: &str) -> Option<ratelimit::StreamSlot> {
        self.streams.open(device)
    }

    /// Wakes the notifier to send what is due (after a test moves the clock).
    pub fn wake_notifier(&self) {
        self.notifier_wake.notify_one();
    }

    /// Wakes the order webhook's worker (an event was queued, or a test
    /// moved the clock).
    pub fn wake_webhooks(&self) {
        self.webhook_wake.notify_one();
    }
}

/// The public base URL HQ gives when none is configured: `http://` and the
/// address it actually listens on (so `--listen 127.0.0.1:0` gives the port
/// the system chose, not `:0`).
pub fn default_public_url(bound: std::net::SocketAddr) -> String {
    format!("http://{bound}")
}

/// Serves HQ on `listener` until `shutdown` completes: the API, the pages,
/// the version watcher (versions written by other processes, such as the
/// `vitrine-hq` commands), the notifier and the order webhook's worker.
pub async fn serve(
    listener: TcpListener,
    hq: Arc<Hq>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = routes::router(hq.clone());
    let watcher = tokio::spawn(watch_versions(hq.clone()));
    let notifier = tokio::spawn(services::notify::run(hq.clone()));
    let webhooks = tokio::spawn(services::webhooks::run(hq.clone()));
    let hq2 = hq.clone();
    let limits = hq.config.limits().effective();
    tracing::debug!(?limits, "connection limits");
    let result = server::run(
        listener,
        app,
        limits,
        hq.connections.clone(),
        async move {
            shutdown.await;
            // Ends the push streams, so graceful shutdown does not wait on them.
            let _ = hq2.shutdown_tx.send(true);
        },
        Duration::from_secs(10),
    )
    .await;
    let _ = hq.shutdown_tx.send(true);
    watcher.abort();
    notifier.abort();
    webhooks.abort();
    result
}

/// Watches storage for what other processes (the `vitrine-hq` commands,
/// other replicas) write: new catalog versions and remote settings,
/// announced to the push streams, and revoked devices, whose push streams
/// end. Pushed by the database when it can
/// ([`storage::SharedStore::listen`]), else read every `version_poll`.
async fn watch_versions(hq: Arc<Hq>) {
    let st = hq.storage.clone();
    let feed = match tokio::task::spawn_blocking(move || st.listen()).await {
        Ok(Ok(Some(feed))) => Some(feed),
        Ok(Ok(None)) => return poll_versions(hq).await,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot listen to the database; trying again");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "version watcher task failed");
            return poll_versions(hq).await;
        }
    };
    // A thread of the blocking pool for as long as HQ serves: it waits on
    // the database's socket. It ends when this task ends (HQ shut down, or
    // the task dropped with its runtime): the runtime waits for it.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _stop_on_drop = StopOnDrop(stop.clone());
    let hq2 = hq.clone();
    let _ = tokio::task::spawn_blocking(move || listen_loop(&hq2, feed, &stop)).await;
}

/// Sets its flag when dropped.
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Takes the database's events until HQ shuts down; after a lost
/// connection listens again and reads the version and revoked devices
/// anew (what was pushed meanwhile was missed).
fn listen_loop(hq: &Hq, mut feed: Option<Box<dyn storage::Feed>>, stop: &std::sync::atomic::AtomicBool) {
    let shut = hq.shutdown_signal();
    let mut fresh = true;
    while !*shut.borrow() && !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let Some(f) = feed.as_mut() else {
            std::thread::sleep(hq.config.version_poll.max(Duration::from_millis(200)));
            match hq.storage.listen() {
                Ok(f) => {
                    feed = f;
                    fresh = true;
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen to the database; trying again"),
            }
            continue;
        };
        if fresh {
            // Listening first, then reading: nothing written in between is lost.
            let st = &hq.storage;
            match (st.current_version(), st.revoked_device_ids(), st.settings_version()) {
                (Ok(v), Ok(revoked), Ok(settings)) => {
                    hq.announce(v);
                    hq.announce_settings(settings);
                    hq.note_revoked(revoked);
                    fresh = false;
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                    tracing::warn!(error = %e, "cannot read the catalog version and revoked devices");
                    feed = None;
                    continue;
                }
            }
        }
        match f.next(Duration::from_millis(500)) {
            Ok(None) => {}
            Ok(Some(storage::FeedEvent::Version(v))) => hq.announce(v),
            Ok(Some(storage::FeedEvent::Settings(v))) => hq.announce_settings(v),
            Ok(Some(storage::FeedEvent::Revoked(_))) => match hq.storage.revoked_device_ids() {
                Ok(ids) => hq.note_revoked(ids),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the revoked devices");
                    feed = None;
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "lost the database's notifications; listening again");
                feed = None;
            }
        }
    }
}

/// Reads the version and revoked devices every `version_poll` (SQLite: no
/// push between processes).
async fn poll_versions(hq: Arc<Hq>) {
    let mut shut = hq.shutdown_signal();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(hq.config.version_poll) => {}
            _ = shut.changed() => return,
        }
        let st = hq.storage.clone();
        match tokio::task::spawn_blocking(move || {
            Ok::<_, StorageError>((st.current_version()?, st.revoked_device_ids()?, st.settings_version()?))
        })
        .await
        {
            Ok(Ok((v, revoked, settings))) => {
                hq.announce(v);
                hq.announce_settings(settings);
                hq.note_revoked(revoked);
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot read the catalog version and revoked devices"),
            Err(e) => tracing::warn!(error = %e, "version watcher task failed"),
        }
    }
}
