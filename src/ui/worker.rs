//! Work the UI thread hands off, and the channel its results come back on.
//!
//! - [`Outlet`] / [`Inbox`]: a channel that wakes the UI thread when
//!   something is sent (in the running kiosk the waker is
//!   `slint::invoke_from_event_loop`; headless tests use one that does
//!   nothing and drain the channel themselves, which keeps them
//!   deterministic).
//! - [`CatalogClient`]: the catalog thread, which owns its own read-only
//!   SQLite connection and runs the queries screens send it
//!   ([`CatalogQueries`]), photo decoding included. Who asked and where the
//!   answer goes is the caller's business (see `super::shell`): this module
//!   knows nothing of screens.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use slint::{Rgba8Pixel, SharedPixelBuffer};
use vitrine_core::code::ProductCode;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{Product, Store, UnixTime};
use vitrine_core::{Gtin, Money};

use crate::catalog::pictures::PictureCache;
use crate::catalog::{Catalog, CatalogError, CatalogStatus, Lookup, SearchHit, meta};
use crate::clock;

/// Sends to the UI thread and wakes it.
pub struct Outlet<M> {
    tx: Sender<M>,
    wake: Arc<dyn Fn() + Send + Sync>,
    /// A wake is already scheduled: further sends need not schedule another.
    scheduled: Arc<AtomicBool>,
}

impl<M> Clone for Outlet<M> {
    fn clone(&self) -> Self {
        Outlet {
            tx: self.tx.clone(),
            wake: self.wake.clone(),
            scheduled: self.scheduled.clone(),
        }
    }
}

impl<M> Outlet<M> {
    pub fn send(&self, msg: M) {
        if self.tx.send(msg).is_ok() && !self.scheduled.swap(true, Ordering::AcqRel) {
            (self.wake)();
        }
    }
}

/// The UI thread's end.
pub struct Inbox<M> {
    rx: Receiver<M>,
    scheduled: Arc<AtomicBool>,
}

impl<M> Inbox<M> {
    /// Marks the wake as consumed: the next send schedules a new one.
    pub fn woken(&self) {
        self.scheduled.store(false, Ordering::Release);
    }

    pub fn try_recv(&self) -> Option<M> {
        self.rx.try_recv().ok()
    }

    /// Waits up to `timeout` (headless tests and benchmarks only: the
    /// running kiosk never waits on the UI thread).
    pub fn recv_timeout(&self, timeout: Duration) -> Result<M, RecvTimeoutError> {
        self.rx.recv_timeout(timeout)
    }
}

pub fn channel_pair<M>(wake: Arc<dyn Fn() + Send + Sync>) -> (Outlet<M>, Inbox<M>) {
    let (tx, rx) = channel();
    let scheduled = Arc::new(AtomicBool::new(false));
    (
        Outlet {
            tx,
            wake,
            scheduled: scheduled.clone(),
        },
        Inbox { rx, scheduled },
    )
}

/// When the cached prices and stock were last refreshed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CacheInfo {
    pub last_sync: Option<UnixTime>,
    pub catalog_updated_at: Option<UnixTime>,
}

/// A promotion for the attract screen with the product it is about.
#[derive(Debug, Clone)]
pub struct SlideData {
    pub promotion: Promotion,
    pub product_name: Option<String>,
    pub unit_price: Option<Money>,
}

/// A scanned code looked up, with what the product page needs besides.
pub struct Looked {
    pub result: Result<Lookup, String>,
    pub photo: Option<SharedPixelBuffer<Rgba8Pixel>>,
    pub cache: CacheInfo,
}

/// The store's active promotions and what the attract screen shows of them.
pub struct Promotions {
    pub promotions: Vec<Promotion>,
    pub slides: Vec<SlideData>,
    /// Prices and stock are the generated demo values.
    pub demo: bool,
}

/// What a query sent to the catalog thread can read. Runs on that thread
/// only.
pub struct CatalogQueries {
    catalog: Catalog,
    data_dir: PathBuf,
    /// The kiosk's store: prices and stock are this store's.
    store: String,
}

impl CatalogQueries {
    pub fn set_store(&mut self, store: String) {
        self.store = store;
    }

    pub fn lookup(&self, code: &ProductCode) -> Looked {
        let result = self
            .catalog
            .lookup(code, &self.store, clock::now())
            .map_err(|e| e.to_string());
        let photo = match &result {
            Ok(Lookup::Found(view)) => load_photo(&self.data_dir, &view.product),
            _ => None,
        };
        Looked {
            result,
            photo,
            cache: CacheInfo {
                last_sync: self.meta_time(meta::LAST_SYNC),
                catalog_updated_at: self.meta_time(meta::UPDATED_AT),
            },
        }
    }

    pub fn search(&self, text: &str) -> Result<Vec<SearchHit>, String> {
        self.catalog.search(text, &self.store, 8).map_err(|e| e.to_string())
    }

    pub fn promotions(&self) -> Promotions {
        let promotions = self
            .catalog
            .active_promotions(&self.store, clock::now())
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read the promotions");
                Vec::new()
            });
        let slides = slides(&self.catalog, &self.store, &promotions);
        let demo = self.catalog.demo_values().unwrap_or(false);
        Promotions {
            promotions,
            slides,
            demo,
        }
    }

    pub fn stores(&self) -> Vec<Store> {
        self.catalog.stores().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot read the stores");
            Vec::new()
        })
    }

    /// Per store: how many of `lines` (GTIN and units wanted) it does not
    /// have in stock (0: everything is there).
    pub fn availability(&self, lines: &[(Gtin, u32)]) -> Vec<(Store, usize)> {
        availability(&self.catalog, &self.store, lines)
    }

    pub fn status(&self) -> Result<CatalogStatus, String> {
        self.catalog.status().map_err(|e| e.to_string())
    }

    fn meta_time(&self, key: &str) -> Option<UnixTime> {
        self.catalog.meta(key).ok().flatten().and_then(|v| v.parse().ok())
    }
}

/// A query for the catalog thread; it sends its own answer.
pub type CatalogJob = Box<dyn FnOnce(&mut CatalogQueries) + Send>;

/// The handle to the catalog thread.
#[derive(Clone)]
pub struct CatalogClient {
    tx: Sender<CatalogJob>,
}

impl CatalogClient {
    /// Starts the thread. It opens the catalog read-only (the writer is the
    /// sync worker or the CLI); `store` is the kiosk's store.
    pub fn start(data_dir: &Path, store: String) -> Result<CatalogClient, CatalogError> {
        let catalog = Catalog::open_readonly(data_dir)?;
        let (tx, rx) = channel::<CatalogJob>();
        let mut queries = CatalogQueries {
            catalog,
            data_dir: data_dir.to_path_buf(),
            store,
        };
        let spawned = std::thread::Builder::new()
            .name("vitrine-catalog".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut queries);
                }
            });
        if let Err(e) = spawned {
            return Err(CatalogError::Import(format!("cannot start the catalog thread: {e}")));
        }
        Ok(CatalogClient { tx })
    }

    /// Queues a query; false if the thread is gone (logged by the caller).
    pub fn send(&self, job: CatalogJob) -> bool {
        self.tx.send(job).is_ok()
    }
}

/// A product's photo, decoded here (never on the UI thread) and scaled to
/// at most 640 px: the picture HQ names for it, from the kiosk's picture
/// cache (marked as shown, so that the cache keeps it longest), else one
/// the retailer put in `<data_dir>/images/<GTIN-14>.{jpg,png,webp}`. None
/// (the placeholder) while neither is there: nothing here waits for HQ.
pub fn load_photo(data_dir: &Path, product: &Product) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    if let Some(id) = &product.image {
        let cache = PictureCache::for_reading(data_dir);
        if let Some(path) = cache.get(id)
            && let Some(photo) = decode_photo(&path)
        {
            cache.shown(id);
            return Some(photo);
        }
    }
    let dir = data_dir.join("images");
    ["jpg", "jpeg", "png", "webp"]
        .into_iter()
        .map(|ext| dir.join(format!("{}.{ext}", product.gtin.as_gtin14())))
        .filter(|path| path.exists())
        .find_map(|path| decode_photo(&path))
}

fn decode_photo(path: &Path) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    match image::open(path) {
        Ok(img) => {
            let img = if img.width() > 640 || img.height() > 640 {
                img.thumbnail(640, 640)
            } else {
                img
            };
            let rgba = img.to_rgba8();
            Some(SharedPixelBuffer::clone_from_slice(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
            ))
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cached product photo unreadable; showing the placeholder");
            None
        }
    }
}

/// The attract screen's slides: promotions for everyone (no coupon, no
/// members-only basket offer), with the first product each is about.
fn slides(catalog: &Catalog, store: &str, promotions: &[Promotion]) -> Vec<SlideData> {
    use vitrine_core::pricing::{Audience, Target};
    let mut out = Vec::new();
    let mut members = 0;
    for p in promotions {
        if p.coupon_code.is_some() || matches!(p.audience, Audience::Customer { .. }) {
            continue;
        }
        if matches!(p.audience, Audience::Members { .. }) {
            members += 1;
            if members > 1 {
                continue;
            }
        }
        let (product_name, unit_price) = match &p.target {
            Target::Gtins(g) => match g.first() {
                Some(&gtin) => {
                    let name = catalog.product(gtin).ok().flatten().map(|pr| pr.name);
                    let price = catalog.price(gtin, store).ok().flatten();
                    (name, price)
                }
                None => continue,
            },
            _ => (None, None),
        };
        if matches!(p.target, Target::Gtins(_)) && product_name.is_none() {
            continue;
        }
        out.push(SlideData {
            promotion: p.clone(),
            product_name,
            unit_price,
        });
        if out.len() >= 8 {
            break;
        }
    }
    out
}

fn availability(catalog: &Catalog, store: &str, lines: &[(Gtin, u32)]) -> Vec<(Store, usize)> {
    let now = clock::now();
    let stores = catalog.stores().unwrap_or_default();
    let mut missing: Vec<(Store, usize)> = stores
        .into_iter()
        .filter(|s| s.id != vitrine_core::product::ONLINE)
        .map(|s| (s, 0))
        .collect();
    for &(g, wanted) in lines {
        let wanted = i64::from(wanted.max(1));
        let Ok(Some(view)) = catalog.product_view(g, store, now) else {
            for m in &mut missing {
                m.1 += 1;
            }
            continue;
        };
        for (s, count) in &mut missing {
            let qty = if s.id == store {
                view.stock_here.unwrap_or(0)
            } else {
                view.stock_elsewhere
                    .iter()
                    .find(|(o, _)| o.id == s.id)
                    .map(|(_, q)| *q)
                    .unwrap_or(0)
            };
            if qty < wanted {
                *count += 1;
            }
        }
    }
    missing
}
