//! Work the UI thread hands off: catalog queries (a thread that owns its
//! own read-only SQLite connection), photo decoding, and the way results
//! come back to the UI thread.
//!
//! Results are sent on a channel and the UI thread is woken through
//! [`Outlet`], whose waker in the running kiosk is
//! `slint::invoke_from_event_loop` (see `super::kiosk`). Headless tests use a
//! waker that does nothing and drain the channel themselves, which keeps
//! them deterministic.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use slint::{Rgba8Pixel, SharedPixelBuffer};
use vitrine_core::code::ProductCode;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{Store, UnixTime};
use vitrine_core::{Gtin, Money};

use crate::catalog::{Catalog, CatalogError, CatalogStatus, Lookup, SearchHit, meta};
use crate::clock;
use crate::scan::ScanEvent;
use crate::staff::{PinCheck, Saved, SettingsError, StaffError};
use crate::sync::SyncStatus;

/// Something for the UI thread.
pub enum Msg {
    Scan(ScanEvent),
    Reply(Reply),
    /// A camera (or replay) picture for the preview (only the latest is kept).
    Preview,
    /// The camera's (or replay's) state and figures, from the scan pipeline.
    Camera {
        status: crate::scan::CameraStatus,
        metrics: crate::scan::ScanMetrics,
    },
    Sync(SyncStatus),
    Pin(Result<PinCheck, StaffError>),
    Saved(Box<Result<Saved, SettingsError>>),
    /// HQ's live answer about a product's stock elsewhere (or its cached one).
    Live {
        seq: u64,
        result: Result<crate::sync::CachedAvailability, String>,
    },
    Handoff(Result<super::orders::HandoffTicket, super::orders::DeskError>),
    Order(Result<super::orders::OrderTicket, super::orders::DeskError>),
    /// Enrollment with HQ from the staff screen.
    Enrolled(Box<Result<crate::sync::store::DeviceIdentity, crate::sync::SyncError>>),
    /// The shopper recognised (or why not).
    Identified(Box<Result<crate::customer::Identified, crate::customer::IdentifyError>>),
    /// A scanned coupon QR checked.
    Coupon(Result<vitrine_core::pricing::Promotion, crate::customer::CouponError>),
    /// An answer about one shopper's session (identification, coupon,
    /// handoff, order): dropped if that session has ended meanwhile, so it
    /// never reaches the next shopper's screen.
    ForSession(u64, Box<Msg>),
}

/// A catalog query's answer.
pub enum Reply {
    Product {
        seq: u64,
        code: Box<ProductCode>,
        captured_at: Instant,
        result: Result<Lookup, String>,
        photo: Option<SharedPixelBuffer<Rgba8Pixel>>,
        cache: CacheInfo,
    },
    Search {
        seq: u64,
        hits: Result<Vec<SearchHit>, String>,
    },
    Promotions {
        promotions: Vec<Promotion>,
        slides: Vec<SlideData>,
        /// Prices and stock are the generated demo values.
        demo: bool,
    },
    Stores(Vec<Store>),
    Availability {
        seq: u64,
        /// Per store: lines not in stock there (0: everything is there).
        stores: Vec<(Store, usize)>,
    },
    Status(Result<CatalogStatus, String>),
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

/// What the catalog thread is asked.
pub enum Request {
    Lookup {
        seq: u64,
        code: Box<ProductCode>,
        captured_at: Instant,
    },
    Search {
        seq: u64,
        text: String,
    },
    Promotions,
    Stores,
    /// Which stores hold every line (GTIN and units wanted).
    Availability {
        seq: u64,
        lines: Vec<(Gtin, u32)>,
    },
    Status,
    SetStore(String),
}

/// Sends results to the UI thread and wakes it.
#[derive(Clone)]
pub struct Outlet {
    tx: Sender<Msg>,
    wake: Arc<dyn Fn() + Send + Sync>,
    /// A wake is already scheduled: further sends need not schedule another.
    scheduled: Arc<AtomicBool>,
    preview: Arc<Mutex<Option<SharedPixelBuffer<slint::Rgb8Pixel>>>>,
}

impl Outlet {
    pub fn send(&self, msg: Msg) {
        if self.tx.send(msg).is_ok() && !self.scheduled.swap(true, Ordering::AcqRel) {
            (self.wake)();
        }
    }

    /// Hands a preview picture over, replacing one the UI has not shown yet
    /// (frames are dropped, never queued).
    pub fn preview(&self, frame: SharedPixelBuffer<slint::Rgb8Pixel>) {
        let was_empty = match self.preview.lock() {
            Ok(mut slot) => slot.replace(frame).is_none(),
            Err(_) => return,
        };
        if was_empty {
            self.send(Msg::Preview);
        }
    }
}

/// The UI thread's end.
pub struct Inbox {
    pub rx: Receiver<Msg>,
    scheduled: Arc<AtomicBool>,
    preview: Arc<Mutex<Option<SharedPixelBuffer<slint::Rgb8Pixel>>>>,
}

impl Inbox {
    /// Marks the wake as consumed: the next send schedules a new one.
    pub fn woken(&self) {
        self.scheduled.store(false, Ordering::Release);
    }

    pub fn take_preview(&self) -> Option<SharedPixelBuffer<slint::Rgb8Pixel>> {
        self.preview.lock().ok().and_then(|mut s| s.take())
    }
}

pub fn channel_pair(wake: Arc<dyn Fn() + Send + Sync>) -> (Outlet, Inbox) {
    let (tx, rx) = channel();
    let scheduled = Arc::new(AtomicBool::new(false));
    let preview = Arc::new(Mutex::new(None));
    (
        Outlet {
            tx,
            wake,
            scheduled: scheduled.clone(),
            preview: preview.clone(),
        },
        Inbox { rx, scheduled, preview },
    )
}

/// The handle to the catalog thread.
#[derive(Clone)]
pub struct CatalogClient {
    tx: Sender<Request>,
}

impl CatalogClient {
    /// Starts the thread. It opens the catalog read-only (the writer is the
    /// sync worker or the CLI); `store` is the kiosk's store.
    pub fn start(data_dir: &Path, store: String, outlet: Outlet) -> Result<CatalogClient, CatalogError> {
        let catalog = Catalog::open_readonly(data_dir)?;
        let (tx, rx) = channel::<Request>();
        let data_dir = data_dir.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("vitrine-catalog".into())
            .spawn(move || serve(catalog, data_dir, store, rx, outlet));
        if let Err(e) = spawned {
            return Err(CatalogError::Import(format!("cannot start the catalog thread: {e}")));
        }
        Ok(CatalogClient { tx })
    }

    /// Queues a request; false if the thread is gone (logged by the caller).
    pub fn send(&self, r: Request) -> bool {
        self.tx.send(r).is_ok()
    }
}

fn serve(catalog: Catalog, data_dir: PathBuf, mut store: String, rx: Receiver<Request>, outlet: Outlet) {
    while let Ok(req) = rx.recv() {
        let reply = match req {
            Request::SetStore(s) => {
                store = s;
                continue;
            }
            Request::Lookup { seq, code, captured_at } => {
                let result = catalog.lookup(&code, &store, clock::now()).map_err(|e| e.to_string());
                let photo = match &result {
                    Ok(Lookup::Found(view)) => load_photo(&data_dir, view.product.gtin),
                    _ => None,
                };
                let cache = CacheInfo {
                    last_sync: meta_time(&catalog, meta::LAST_SYNC),
                    catalog_updated_at: meta_time(&catalog, meta::UPDATED_AT),
                };
                Reply::Product {
                    seq,
                    code,
                    captured_at,
                    result,
                    photo,
                    cache,
                }
            }
            Request::Search { seq, text } => Reply::Search {
                seq,
                hits: catalog.search(&text, &store, 8).map_err(|e| e.to_string()),
            },
            Request::Promotions => {
                let promotions = catalog.active_promotions(&store, clock::now()).unwrap_or_else(|e| {
                    tracing::error!(error = %e, "cannot read the promotions");
                    Vec::new()
                });
                let slides = slides(&catalog, &store, &promotions);
                let demo = catalog.demo_values().unwrap_or(false);
                Reply::Promotions {
                    promotions,
                    slides,
                    demo,
                }
            }
            Request::Stores => Reply::Stores(catalog.stores().unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read the stores");
                Vec::new()
            })),
            Request::Availability { seq, lines } => availability(&catalog, &store, seq, &lines),
            Request::Status => Reply::Status(catalog.status().map_err(|e| e.to_string())),
        };
        outlet.send(Msg::Reply(reply));
    }
}

fn meta_time(catalog: &Catalog, key: &str) -> Option<UnixTime> {
    catalog.meta(key).ok().flatten().and_then(|v| v.parse().ok())
}

/// Cached product photos: `<data_dir>/images/<GTIN-14>.{jpg,png,webp}`,
/// decoded here (never on the UI thread) and scaled to at most 640 px.
pub fn load_photo(data_dir: &Path, gtin: Gtin) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    let dir = data_dir.join("images");
    for ext in ["jpg", "jpeg", "png", "webp"] {
        let path = dir.join(format!("{}.{ext}", gtin.as_gtin14()));
        if !path.exists() {
            continue;
        }
        match image::open(&path) {
            Ok(img) => {
                let img = if img.width() > 640 || img.height() > 640 {
                    img.thumbnail(640, 640)
                } else {
                    img
                };
                let rgba = img.to_rgba8();
                return Some(SharedPixelBuffer::clone_from_slice(
                    rgba.as_raw(),
                    rgba.width(),
                    rgba.height(),
                ));
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cached product photo unreadable; showing the placeholder");
            }
        }
    }
    None
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

fn availability(catalog: &Catalog, store: &str, seq: u64, lines: &[(Gtin, u32)]) -> Reply {
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
    Reply::Availability { seq, stores: missing }
}
