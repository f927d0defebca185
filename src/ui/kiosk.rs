//! The kiosk controller: owns the window, the shopper's session and the
//! handles to the workers, and connects every UI callback.
//!
//! Everything here runs on the UI thread and is quick: a callback changes
//! the session or sends a request to a worker, and returns. Catalog
//! queries, photo decoding, PIN hashing and file writes run elsewhere and
//! come back as [`Msg`]s, drained by [`Kiosk::pump`].

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, Image, SharedString, Timer, TimerMode};
use time::UtcOffset;
use tokio::runtime::Handle;
use vitrine_core::code::{CodeError, ProductCode, Scanned, parse_product_code_with};
use vitrine_core::pricing::Promotion;
use vitrine_core::product::Store;
use vitrine_core::{Lang, parse_product_code};
use vitrine_i18n::MoneyText;

use super::generated::*;
use super::orders::OrderDesk;
use super::present::{self, Text2, model};
use super::worker::{CacheInfo, CatalogClient, Inbox, Msg, Outlet, Reply, Request, SlideData, channel_pair};
use crate::catalog::{Lookup, ProductView, SearchHit};
use crate::clock;
use crate::config::{CameraSource, Layout, LoadedConfig};
use crate::scan::hid::{HidClassifier, HidOutput, Key};
use crate::scan::{CameraStatus, ScanEvent, ScanMetrics, ScanSource};
use crate::session::{IdleClock, IdlePhase, Session};
use crate::staff::StaffGate;
use crate::sync::SyncStatus;

/// How workers wake the UI thread.
pub enum Wake {
    /// `slint::invoke_from_event_loop` (the running kiosk).
    EventLoop,
    /// Nothing: the caller drains with [`Kiosk::settle`] (headless tests,
    /// benchmarks).
    Manual,
}

pub struct KioskOptions {
    pub wake: Wake,
    /// The kiosk's local time offset (read at start, before threads exist).
    pub utc_offset: UtcOffset,
    pub runtime: Handle,
    /// The outbox for handoffs and orders; `None`: not available here.
    pub orders: Option<Arc<dyn OrderDesk>>,
    /// The sync worker's status (online, last sync, outbox depth).
    pub sync_status: Option<tokio::sync::watch::Receiver<SyncStatus>>,
    /// Live stock in other stores and online, asked of HQ (cached answers
    /// with their time when HQ cannot be reached).
    pub availability: Option<crate::sync::AvailabilityService>,
}

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("cannot create the kiosk window: {0}")]
    Platform(#[from] slint::PlatformError),
    #[error("cannot open the catalog: {0} (run `vitrine status` to create it from the demo data)")]
    Catalog(#[from] crate::catalog::CatalogError),
}

thread_local! {
    /// The kiosk of this (UI) thread, for wakes coming from workers.
    static CURRENT: RefCell<Weak<Kiosk>> = const { RefCell::new(Weak::new()) };
}

/// A product on screen.
pub(super) struct Shown {
    pub view: Box<ProductView>,
    pub code: Box<ProductCode>,
    pub photo: Option<Image>,
    /// HQ's answer about stock elsewhere, when it came.
    pub live: Option<crate::sync::CachedAvailability>,
}

/// A message on a page, with its tone.
pub(super) type Note = Option<(Text2, Tone)>;

#[derive(Default)]
pub(super) struct HandoffUi {
    pub qr: Option<Image>,
    pub remaining: u32,
    pub status: Note,
    pub summary: Text2,
}

#[derive(Default)]
pub(super) struct CollectUi {
    pub step: Option<CollectStep>,
    /// Stores with how many lines they miss, this store first.
    pub stores: Vec<(Store, usize)>,
    pub slots: Vec<crate::session::Slot>,
    pub message: Note,
    pub busy: bool,
    pub remaining: u32,
    pub seq: u64,
}

#[derive(Default)]
pub(super) struct StaffUi {
    pub pin_message: Note,
    pub locked_until: Option<i64>,
    pub checking: bool,
    pub default_pin: bool,
    pub draft: Option<crate::staff::Settings>,
    pub editing: Option<StaffField>,
    pub new_pin: String,
    pub new_pin_again: String,
    pub message: Note,
    pub saving: bool,
    pub status: Option<crate::catalog::CatalogStatus>,
    pub last_code: String,
    /// The one-time enrollment code being typed, and whether the exchange
    /// with HQ is under way.
    pub enroll_code: String,
    pub enrolling: bool,
}

pub(super) struct State {
    pub cfg: LoadedConfig,
    pub offset: UtcOffset,
    pub session: Session,
    pub idle: IdleClock,
    pub page: Page,
    pub promotions: Vec<Promotion>,
    pub slides: Vec<SlideData>,
    /// The catalog's prices and stock are generated demo values.
    pub demo: bool,
    pub stores: Vec<Store>,
    pub product: Option<Shown>,
    pub cache: CacheInfo,
    pub feedback: Note,
    pub search_hits: Vec<SearchHit>,
    pub search_note: Text2,
    pub seq: u64,
    /// Which shopper's session is on screen: moves at every reset.
    pub session_no: u64,
    pub lookup_seq: u64,
    pub search_seq: u64,
    pub pending: usize,
    pub sync: SyncStatus,
    pub identify: Note,
    pub handoff: HandoffUi,
    pub collect: CollectUi,
    pub staff: StaffUi,
    pub camera_status: Text2,
    /// Tells a USB barcode scanner's key bursts from a person typing.
    pub hid: HidClassifier,
    pub toast: Note,
    /// Scan (capture time) to product on screen, most recent last.
    pub latencies: Vec<Duration>,
}

impl State {
    pub fn lang(&self) -> Lang {
        self.session.lang
    }

    pub fn store_id(&self) -> String {
        self.cfg.config.kiosk.store.clone()
    }

    pub fn store_name(&self) -> String {
        let id = &self.cfg.config.kiosk.store;
        self.stores
            .iter()
            .find(|s| &s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.clone())
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

struct Timers {
    idle: Timer,
    toast: Timer,
    countdown: Timer,
    refresh: Timer,
    /// Releases keys held back by the USB scanner classifier.
    hid: Timer,
}

/// The kiosk on the UI thread.
pub struct Kiosk {
    pub(super) ui: KioskWindow,
    pub(super) st: RefCell<State>,
    inbox: Inbox,
    pub(super) outlet: Outlet,
    pub(super) catalog: CatalogClient,
    pub(super) rt: Handle,
    pub(super) gate: Arc<Mutex<StaffGate>>,
    pub(super) orders: Option<Arc<dyn OrderDesk>>,
    availability: Option<crate::sync::AvailabilityService>,
    timers: Timers,
    pub(super) me: Weak<Kiosk>,
}

/// Hands scan events to the kiosk from any thread (camera decoder, USB
/// scanner, tests).
#[derive(Clone)]
pub struct ScanSender(Outlet);

impl ScanSender {
    pub fn send(&self, event: ScanEvent) {
        self.0.send(Msg::Scan(event));
    }

    /// A preview picture (the latest replaces one not yet shown).
    pub fn preview(&self, frame: slint::SharedPixelBuffer<slint::Rgb8Pixel>) {
        self.0.preview(frame);
    }

    pub fn sync_status(&self, status: SyncStatus) {
        self.0.send(Msg::Sync(status));
    }

    /// The scan pipeline's state and figures (staff status, camera test).
    pub fn camera(&self, status: CameraStatus, metrics: ScanMetrics) {
        self.0.send(Msg::Camera { status, metrics });
    }
}

impl Kiosk {
    /// Creates the window and starts the catalog thread. The window is not
    /// shown: [`super::run`] shows it; tests drive it headless.
    pub fn new(cfg: LoadedConfig, opts: KioskOptions) -> Result<Rc<Kiosk>, KioskError> {
        let ui = KioskWindow::new()?;
        let wake: Arc<dyn Fn() + Send + Sync> = match opts.wake {
            Wake::EventLoop => Arc::new(|| {
                let result = slint::invoke_from_event_loop(|| {
                    if let Some(k) = CURRENT.with(|c| c.borrow().upgrade()) {
                        k.pump();
                    }
                });
                if let Err(e) = result {
                    tracing::error!(error = %e, "cannot wake the UI thread (is the event loop running?)");
                }
            }),
            Wake::Manual => Arc::new(|| {}),
        };
        let (outlet, inbox) = channel_pair(wake);
        let c = &cfg.config;
        let catalog = CatalogClient::start(&c.kiosk.data_dir, c.kiosk.store.clone(), outlet.clone())?;
        let gate = Arc::new(Mutex::new(StaffGate::open(&c.kiosk.data_dir, &c.staff)));
        let lang = cfg.lang();
        let session = Session::new(lang, c.ui.large_text, c.ui.layout == Layout::LowReach, cfg.currency());
        let camera_status = camera_status_text(&cfg);
        let st = State {
            idle: IdleClock::new(c.ui.idle_timeout_s, c.ui.idle_warning_s),
            offset: opts.utc_offset,
            session,
            page: Page::Attract,
            promotions: Vec::new(),
            slides: Vec::new(),
            demo: false,
            stores: Vec::new(),
            product: None,
            cache: CacheInfo::default(),
            feedback: None,
            search_hits: Vec::new(),
            search_note: Text2::default(),
            seq: 0,
            session_no: 0,
            lookup_seq: 0,
            search_seq: 0,
            pending: 0,
            sync: SyncStatus {
                configured: !c.hq.url.is_empty(),
                ..SyncStatus::default()
            },
            identify: None,
            handoff: HandoffUi::default(),
            collect: CollectUi::default(),
            staff: StaffUi::default(),
            camera_status,
            hid: HidClassifier::from_config(&cfg.config.scan),
            toast: None,
            latencies: Vec::new(),
            cfg,
        };
        let kiosk = Rc::new_cyclic(|me| Kiosk {
            ui,
            st: RefCell::new(st),
            inbox,
            outlet,
            catalog,
            rt: opts.runtime,
            gate,
            orders: opts.orders,
            availability: opts.availability,
            timers: Timers {
                idle: Timer::default(),
                toast: Timer::default(),
                countdown: Timer::default(),
                refresh: Timer::default(),
                hid: Timer::default(),
            },
            me: me.clone(),
        });
        CURRENT.with(|c| *c.borrow_mut() = Rc::downgrade(&kiosk));
        if let Some(mut rx) = opts.sync_status {
            let sender = kiosk.scan_sender();
            sender.sync_status(rx.borrow_and_update().clone());
            kiosk.rt.spawn(async move {
                while rx.changed().await.is_ok() {
                    let status = rx.borrow_and_update().clone();
                    sender.sync_status(status);
                }
            });
        }
        kiosk.connect();
        kiosk.start_timers();
        kiosk.request(Request::Stores);
        kiosk.request(Request::Promotions);
        kiosk.apply_session_look();
        kiosk.render_all();
        Ok(kiosk)
    }

    pub fn window(&self) -> &KioskWindow {
        &self.ui
    }

    /// For the camera decoder, the USB scanner and tests.
    pub fn scan_sender(&self) -> ScanSender {
        ScanSender(self.outlet.clone())
    }

    /// The session (tests check what a reset leaves).
    pub fn session(&self) -> Session {
        self.st.borrow().session.clone()
    }

    /// Scan-to-product-on-screen latencies measured so far.
    pub fn latencies(&self) -> Vec<Duration> {
        self.st.borrow().latencies.clone()
    }

    pub fn page(&self) -> Page {
        self.st.borrow().page
    }

    /// Handles everything the workers sent.
    pub fn pump(&self) {
        self.inbox.woken();
        while let Ok(msg) = self.inbox.rx.try_recv() {
            self.handle(msg);
        }
    }

    /// Waits (up to `timeout`) until every request sent to a worker has
    /// been answered and handled. For headless tests and benchmarks, which
    /// run no event loop. Returns false on timeout.
    pub fn settle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.pump();
            if self.st.borrow().pending == 0 {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.inbox.rx.recv_timeout(left) {
                Ok(msg) => self.handle(msg),
                Err(_) => return false,
            }
        }
    }

    pub(super) fn request(&self, r: Request) {
        self.st.borrow_mut().pending += 1;
        if !self.catalog.send(r) {
            self.st.borrow_mut().pending -= 1;
            tracing::error!("the catalog thread has stopped; the kiosk cannot look products up");
        }
    }

    /// Work for a blocking worker on the runtime; its answer comes back as a
    /// message.
    pub(super) fn spawn_blocking(&self, f: impl FnOnce() -> Msg + Send + 'static) {
        self.st.borrow_mut().pending += 1;
        let outlet = self.outlet.clone();
        self.rt.spawn_blocking(move || outlet.send(f()));
    }

    /// As [`Self::spawn_blocking`], for an answer that belongs to the
    /// current shopper's session only.
    pub(super) fn spawn_for_session(&self, f: impl FnOnce() -> Msg + Send + 'static) {
        let no = self.st.borrow().session_no;
        self.spawn_blocking(move || Msg::ForSession(no, Box::new(f())));
    }

    fn handle(&self, msg: Msg) {
        match msg {
            Msg::ForSession(no, inner) => {
                if no == self.st.borrow().session_no {
                    self.handle(*inner);
                } else {
                    self.done_pending();
                    tracing::info!("an answer for a session that has ended was dropped");
                }
            }
            Msg::Scan(ev) => self.on_scan(ev),
            Msg::Preview => self.on_preview(),
            Msg::Camera { status, metrics } => self.on_camera(&status, &metrics),
            Msg::Sync(s) => {
                let new_catalog = {
                    let mut st = self.st.borrow_mut();
                    let changed = st.sync.catalog_version != s.catalog_version;
                    st.sync = s;
                    changed
                };
                if new_catalog {
                    // HQ pushed a new catalog: promotions may have changed.
                    self.request(Request::Promotions);
                }
                self.render_product();
                self.render_handoff();
                self.render_collect();
                self.render_staff();
            }
            Msg::Reply(r) => {
                {
                    let mut st = self.st.borrow_mut();
                    st.pending = st.pending.saturating_sub(1);
                }
                self.on_reply(r);
            }
            Msg::Live { seq, result } => {
                self.done_pending();
                let shown = {
                    let mut st = self.st.borrow_mut();
                    let current = st.lookup_seq == seq;
                    match (result, st.product.as_mut()) {
                        (Ok(live), Some(p)) if current && live.availability.gtin == p.view.product.gtin => {
                            p.live = Some(live);
                            true
                        }
                        (Err(e), _) => {
                            tracing::debug!(error = %e, "no live availability; showing the catalog's stock");
                            false
                        }
                        _ => false,
                    }
                };
                if shown {
                    self.render_product();
                }
            }
            Msg::Pin(r) => {
                self.done_pending();
                self.on_pin_result(r);
            }
            Msg::Saved(r) => {
                self.done_pending();
                self.on_saved(*r);
            }
            Msg::Handoff(r) => {
                self.done_pending();
                self.on_handoff(r);
            }
            Msg::Order(r) => {
                self.done_pending();
                self.on_order(r);
            }
            Msg::Enrolled(r) => {
                self.done_pending();
                self.on_enrolled(*r);
            }
            Msg::Identified(r) => {
                self.done_pending();
                self.on_identified(*r);
            }
            Msg::Coupon(r) => {
                self.done_pending();
                self.on_coupon(r);
            }
        }
    }

    pub(super) fn done_pending(&self) {
        let mut st = self.st.borrow_mut();
        st.pending = st.pending.saturating_sub(1);
    }

    fn on_reply(&self, r: Reply) {
        match r {
            Reply::Product {
                seq,
                code,
                captured_at,
                result,
                photo,
                cache,
            } => self.on_product(seq, code, captured_at, result, photo, cache),
            Reply::Search { seq, hits } => {
                let mut st = self.st.borrow_mut();
                if seq != st.search_seq {
                    return;
                }
                match hits {
                    Ok(h) => {
                        st.search_note = if h.is_empty() && !st.session.typed.search.trim().is_empty() {
                            Text2::new(
                                "Aucun produit ne correspond : essayez un autre mot.",
                                "No product matches: try another word.",
                            )
                        } else {
                            Text2::default()
                        };
                        st.search_hits = h;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "search failed");
                        st.search_note = Text2::new(
                            "La recherche ne répond pas : réessayez.",
                            "Search is not answering: please try again.",
                        );
                    }
                }
                drop(st);
                self.render_scan();
            }
            Reply::Promotions {
                promotions,
                slides,
                demo,
            } => {
                {
                    let mut st = self.st.borrow_mut();
                    st.promotions = promotions;
                    st.slides = slides;
                    st.demo = demo;
                }
                self.render_attract();
                self.render_basket();
            }
            Reply::Stores(stores) => {
                self.st.borrow_mut().stores = stores;
                self.render_app();
                self.render_staff();
            }
            Reply::Availability { seq, stores } => self.on_availability(seq, stores),
            Reply::Status(s) => {
                match s {
                    Ok(s) => self.st.borrow_mut().staff.status = Some(s),
                    Err(e) => tracing::error!(error = %e, "cannot read the catalog status"),
                }
                self.render_staff();
            }
        }
    }

    // ----- callbacks -----

    fn connect(&self) {
        let app = self.ui.global::<App>();
        let me = self.me.clone();
        let with = move |f: fn(&Kiosk)| {
            let me = me.clone();
            move || {
                if let Some(k) = me.upgrade() {
                    f(&k);
                }
            }
        };
        let me = self.me.clone();
        macro_rules! on {
            (|$k:ident $(, $a:ident : $t:ty)*| $body:expr) => {{
                let me = me.clone();
                move |$($a: $t),*| {
                    if let Some($k) = me.upgrade() {
                        $body
                    }
                }
            }};
        }
        app.on_activity(with(|k| k.activity()));
        app.on_navigate(on!(|k, p: Page| k.navigate(p)));
        app.on_set_language(on!(
            |k, code: SharedString| k.set_language(Lang::parse(&code).unwrap_or_default())
        ));
        app.on_set_large_text(on!(|k, on: bool| {
            k.st.borrow_mut().session.large_text = on;
            k.apply_session_look();
        }));
        app.on_set_low_reach(on!(|k, on: bool| {
            k.st.borrow_mut().session.low_reach = on;
            k.apply_session_look();
        }));
        app.on_still_here(with(|k| k.activity()));
        app.on_end_session(with(|k| k.reset_session("finished by the shopper")));
        app.on_dismiss_toast(with(|k| k.dismiss_toast()));
        app.on_staff_corner(with(|k| k.open_staff_pin()));
        app.on_key_text(on!(|k, t: SharedString| k.on_key_text(&t)));

        let attract = self.ui.global::<AttractAdapter>();
        attract.on_start(with(|k| {
            k.ui.global::<ScanAdapter>().set_mode(ScanMode::Keypad);
            k.navigate(Page::Scan);
        }));
        attract.on_start_search(with(|k| {
            k.ui.global::<ScanAdapter>().set_mode(ScanMode::Search);
            k.navigate(Page::Scan);
        }));

        let scan = self.ui.global::<ScanAdapter>();
        scan.on_keypad_key(on!(|k, key: SharedString| k.keypad_key(&key)));
        scan.on_search_key(on!(|k, key: SharedString| k.search_key(&key)));
        scan.on_pick(on!(|k, i: i32| k.pick_search(i)));

        let product = self.ui.global::<ProductAdapter>();
        product.on_add(with(|k| {
            k.add_shown_product();
        }));
        product.on_scan_another(with(|k| k.navigate(Page::Scan)));
        product.on_collect_elsewhere(with(|k| {
            if k.add_shown_product_once() {
                k.navigate(Page::Collect);
            }
        }));
        product.on_deliver(with(|k| {
            if k.add_shown_product_once() {
                k.start_handoff();
            }
        }));

        self.connect_basket();
        self.connect_staff();
    }

    // ----- timers -----

    fn start_timers(&self) {
        let me = self.me.clone();
        self.timers
            .idle
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(k) = me.upgrade() {
                    k.idle_tick();
                }
            });
        let me = self.me.clone();
        self.timers
            .countdown
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(k) = me.upgrade() {
                    k.countdown_tick();
                }
            });
        // Promotions start and end on their own: read them again now and then.
        let me = self.me.clone();
        self.timers
            .refresh
            .start(TimerMode::Repeated, Duration::from_secs(300), move || {
                if let Some(k) = me.upgrade() {
                    k.request(Request::Promotions);
                }
            });
    }

    fn idle_tick(&self) {
        let phase = {
            let mut st = self.st.borrow_mut();
            if st.page == Page::Attract {
                st.idle.touch();
                return;
            }
            st.idle.tick()
        };
        let app = self.ui.global::<App>();
        match phase {
            IdlePhase::Active => app.set_idle_warning(false),
            IdlePhase::Warning { remaining_s } => {
                app.set_idle_remaining(remaining_s as i32);
                app.set_idle_warning(true);
            }
            IdlePhase::Expired => self.reset_session("idle timeout"),
        }
    }

    /// The shopper touched the screen (or a key, or scanned).
    pub(super) fn activity(&self) {
        self.st.borrow_mut().idle.touch();
        self.ui.global::<App>().set_idle_warning(false);
    }

    fn countdown_tick(&self) {
        let (page, expired) = {
            let mut st = self.st.borrow_mut();
            match st.page {
                Page::Handoff if st.handoff.qr.is_some() => {
                    st.handoff.remaining = st.handoff.remaining.saturating_sub(1);
                    (Page::Handoff, st.handoff.remaining == 0)
                }
                Page::Collect if st.collect.step == Some(CollectStep::Done) => {
                    st.collect.remaining = st.collect.remaining.saturating_sub(1);
                    (Page::Collect, st.collect.remaining == 0)
                }
                p => (p, false),
            }
        };
        if expired {
            self.reset_session("handoff or order done");
            return;
        }
        match page {
            Page::Handoff => self.render_handoff(),
            Page::Collect => self.render_collect(),
            _ => {}
        }
    }

    /// A short message over the page for a few seconds.
    pub(super) fn toast(&self, text: Text2, tone: Tone) {
        self.st.borrow_mut().toast = Some((text, tone));
        self.render_toast();
        let me = self.me.clone();
        self.timers
            .toast
            .start(TimerMode::SingleShot, Duration::from_secs(4), move || {
                if let Some(k) = me.upgrade() {
                    k.st.borrow_mut().toast = None;
                    k.render_toast();
                }
            });
    }

    /// Closes the message now (a touch on it, or a page it no longer
    /// concerns).
    pub(super) fn dismiss_toast(&self) {
        self.timers.toast.stop();
        self.st.borrow_mut().toast = None;
        self.render_toast();
    }

    fn render_toast(&self) {
        let st = self.st.borrow();
        let app = self.ui.global::<App>();
        match &st.toast {
            Some((t, tone)) => {
                app.set_toast(t.get(st.lang()));
                app.set_toast_tone(*tone);
            }
            None => app.set_toast(SharedString::new()),
        }
    }

    // ----- navigation, session, language -----

    pub(super) fn navigate(&self, page: Page) {
        let from = self.st.borrow().page;
        match page {
            Page::Collect => {
                if self.st.borrow().session.is_empty() {
                    self.toast(
                        Text2::new("Votre panier est vide.", "Your basket is empty."),
                        Tone::Warn,
                    );
                    return;
                }
                if from != Page::Collect {
                    self.start_collect();
                }
            }
            Page::Scan => {
                self.st.borrow_mut().feedback = None;
            }
            Page::Basket => self.render_basket(),
            Page::Identify => self.st.borrow_mut().identify = None,
            _ => {}
        }
        // A confirmation ("added to the basket") belongs to the page it was
        // given on: it would only hide the top of the next one. Warnings and
        // errors stay their 4 s.
        let confirmation = matches!(self.st.borrow().toast, Some((_, Tone::Ok)));
        if page != from && confirmation {
            self.dismiss_toast();
        }
        self.st.borrow_mut().page = page;
        self.ui.global::<App>().set_page(page);
        self.render_scan();
    }

    /// Wipes the session and returns to the attract screen.
    pub fn reset_session(&self, reason: &str) {
        tracing::info!(reason, "session reset");
        {
            let mut st = self.st.borrow_mut();
            st.session.reset();
            st.session_no += 1;
            st.idle.touch();
            st.product = None;
            st.feedback = None;
            st.search_hits.clear();
            st.search_note = Text2::default();
            st.identify = None;
            st.handoff = HandoffUi::default();
            st.collect = CollectUi::default();
            // Staff state goes too (a staff member who walks away is logged
            // out), except the lockout.
            st.staff = StaffUi {
                locked_until: st.staff.locked_until,
                ..StaffUi::default()
            };
            st.hid = HidClassifier::from_config(&st.cfg.config.scan);
            st.toast = None;
            st.page = Page::Attract;
        }
        let app = self.ui.global::<App>();
        app.set_idle_warning(false);
        app.set_a11y_open(false);
        app.set_page(Page::Attract);
        self.ui.global::<ScanAdapter>().set_mode(ScanMode::Keypad);
        self.ui.global::<CollectAdapter>().set_step(CollectStep::Store);
        self.ui.global::<CollectAdapter>().set_editing_name(true);
        self.ui.global::<StaffAdapter>().set_tab(StaffTab::Settings);
        self.ui.global::<AttractAdapter>().set_current(0);
        self.apply_session_look();
        self.render_all();
    }

    fn set_language(&self, lang: Lang) {
        self.st.borrow_mut().session.lang = lang;
        self.apply_session_look();
        self.render_all();
    }

    /// Language, text size and layout of the session on screen.
    pub(super) fn apply_session_look(&self) {
        let st = self.st.borrow();
        let code = match st.session.lang {
            Lang::Fr => "",
            _ => "en",
        };
        if let Err(e) = slint::select_bundled_translation(code) {
            tracing::error!(error = %e, "cannot switch the screen's language");
        }
        let app = self.ui.global::<App>();
        app.set_lang(st.session.lang.code().into());
        app.set_low_reach(st.session.low_reach);
        self.ui.global::<Theme>().set_large_text(st.session.large_text);
    }

    pub(super) fn render_all(&self) {
        self.render_app();
        self.render_attract();
        self.render_scan();
        self.render_product();
        self.render_basket();
        self.render_identify();
        self.render_handoff();
        self.render_collect();
        self.render_staff();
        self.render_toast();
    }

    pub(super) fn render_app(&self) {
        let st = self.st.borrow();
        let app = self.ui.global::<App>();
        app.set_store_name(st.store_name().into());
        app.set_staff_hold_ms(st.cfg.config.ui.staff_hold_ms as i32);
        let slide_s = st.cfg.config.ui.attract_slide_s;
        self.ui
            .global::<AttractAdapter>()
            .set_slide_interval(i64::from(slide_s) * 1000);
        drop(st);
        self.render_basket_summary();
    }

    fn render_attract(&self) {
        let st = self.st.borrow();
        let slides = present::slides(&st.slides, st.session.currency, st.lang());
        let a = self.ui.global::<AttractAdapter>();
        if a.get_current() as usize >= slides.len().max(1) {
            a.set_current(0);
        }
        a.set_slides(model(slides));
        self.ui.global::<App>().set_demo(st.demo);
    }

    // ----- scanning -----

    /// A code was read (camera, replay, USB scanner, keypad, search).
    pub fn on_scan(&self, ev: ScanEvent) {
        self.activity();
        let page = self.st.borrow().page;
        if page == Page::Staff {
            self.st.borrow_mut().staff.last_code = ev.text.clone();
            self.render_staff();
            return;
        }
        if page == Page::StaffPin {
            return;
        }
        match ev.result {
            Err(e) => {
                self.feedback(code_error_text(&e), Tone::Bad);
                if page == Page::Attract {
                    self.navigate(Page::Scan);
                }
            }
            Ok(Scanned::Product(code)) if self.is_loyalty_card(&code) => {
                // A loyalty card (the retailer's internal number range),
                // not a product: identify the shopper.
                self.identify_input(code.gtin.short_form());
            }
            Ok(Scanned::Product(code)) => {
                let shown = code.gtin.short_form();
                self.feedback(
                    Text2::new(
                        format!("Code lu : {shown} — recherche…"),
                        format!("Code read: {shown} — looking it up…"),
                    ),
                    Tone::Busy,
                );
                if page != Page::Scan && page != Page::Product {
                    self.navigate(Page::Scan);
                    self.feedback(
                        Text2::new(
                            format!("Code lu : {shown} — recherche…"),
                            format!("Code read: {shown} — looking it up…"),
                        ),
                        Tone::Busy,
                    );
                }
                self.lookup(code, ev.captured_at);
            }
            Ok(Scanned::Payload(text)) => self.on_payload(&text),
        }
    }

    fn feedback(&self, text: Text2, tone: Tone) {
        self.st.borrow_mut().feedback = Some((text, tone));
        self.render_scan();
    }

    fn lookup(&self, code: Box<ProductCode>, captured_at: Instant) {
        let seq = {
            let mut st = self.st.borrow_mut();
            let seq = st.next_seq();
            st.lookup_seq = seq;
            seq
        };
        self.request(Request::Lookup { seq, code, captured_at });
    }

    fn on_payload(&self, text: &str) {
        let code = text.trim();
        if code.starts_with("VTL1.") {
            self.identify_input(code.to_string());
            return;
        }
        if code.starts_with("VTC1.") {
            self.scan_coupon(code.to_string());
            return;
        }
        let coupon = {
            let st = self.st.borrow();
            st.promotions
                .iter()
                .find(|p| p.coupon_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code)))
                .cloned()
        };
        if let Some(p) = coupon {
            let currency = self.st.borrow().session.currency;
            let added = self
                .st
                .borrow_mut()
                .session
                .add_coupon(p.coupon_code.as_deref().unwrap_or(code));
            let describe = Text2::with(|l| {
                vitrine_i18n::domain::promo_sentence(&p, vitrine_core::Money::zero(currency)).render(l)
            });
            let msg = if added {
                Text2::new(
                    format!("Coupon ajouté : {}", describe.fr),
                    format!("Coupon added: {}", describe.en),
                )
            } else {
                Text2::new(
                    "Ce coupon est déjà dans votre panier.",
                    "This coupon is already in your basket.",
                )
            };
            self.toast(msg, Tone::Ok);
            self.render_basket();
            return;
        }
        if self.st.borrow().page == Page::Identify {
            self.identify_input(code.to_string());
            return;
        }
        let msg = if code.starts_with("http://") || code.starts_with("https://") {
            Text2::new(
                "Ce QR code n'est pas un produit : ouvrez-le avec votre téléphone.",
                "This QR code is not a product: open it with your phone.",
            )
        } else {
            Text2::new(
                "Ce code n'est pas un code produit : scannez le code-barres du produit.",
                "This is not a product code: scan the product's barcode.",
            )
        };
        self.feedback(msg, Tone::Warn);
    }

    fn on_product(
        &self,
        seq: u64,
        code: Box<ProductCode>,
        captured_at: Instant,
        result: Result<Lookup, String>,
        photo: Option<slint::SharedPixelBuffer<slint::Rgba8Pixel>>,
        cache: CacheInfo,
    ) {
        if seq != self.st.borrow().lookup_seq {
            return; // a newer scan replaced it
        }
        match result {
            Ok(Lookup::Found(view)) => {
                {
                    let name = view.product.name.clone();
                    let mut st = self.st.borrow_mut();
                    st.product = Some(Shown {
                        view,
                        code,
                        photo: photo.map(Image::from_rgba8),
                        live: None,
                    });
                    st.cache = cache;
                    st.feedback = Some((Text2::same(name), Tone::Ok));
                }
                self.render_product();
                self.navigate(Page::Product);
                self.ask_live_availability(seq);
                let latency = captured_at.elapsed();
                tracing::debug!(latency_ms = latency.as_secs_f64() * 1000.0, "scan to product on screen");
                self.st.borrow_mut().latencies.push(latency);
            }
            Ok(Lookup::Unknown { gtin, catalog_version }) => {
                tracing::info!(gtin = %gtin.for_log(), catalog_version, "scanned product not in the catalog");
                let short = gtin.short_form();
                self.feedback(
                    Text2::new(
                        format!("Produit inconnu (code {short}) : demandez à un vendeur."),
                        format!("Unknown product (code {short}): please ask a member of staff."),
                    ),
                    Tone::Bad,
                );
            }
            Err(e) => {
                tracing::error!(error = %e, "product lookup failed");
                self.feedback(
                    Text2::new(
                        "Le catalogue ne répond pas : réessayez dans un instant.",
                        "The catalog is not answering: please try again in a moment.",
                    ),
                    Tone::Bad,
                );
            }
        }
    }

    /// Asks HQ (through the sync link's cache) for the product's stock in
    /// other stores and online; the page is already shown from the catalog.
    fn ask_live_availability(&self, seq: u64) {
        let (Some(svc), Some(gtin)) = (
            self.availability.clone(),
            self.st.borrow().product.as_ref().map(|p| p.view.product.gtin),
        ) else {
            return;
        };
        self.st.borrow_mut().pending += 1;
        let outlet = self.outlet.clone();
        self.rt.spawn(async move {
            let result = svc.get(gtin).await.map_err(|e| e.to_string());
            outlet.send(Msg::Live { seq, result });
        });
    }

    fn keypad_key(&self, key: &str) {
        let submit = {
            let mut st = self.st.borrow_mut();
            let t = &mut st.session.typed.keypad;
            match key {
                "BACK" => {
                    t.pop();
                    None
                }
                "CLEAR" => {
                    t.clear();
                    None
                }
                "OK" => Some(std::mem::take(t)),
                d if d.len() == 1 && d.chars().all(|c| c.is_ascii_digit()) => {
                    if t.len() < 48 {
                        t.push_str(d);
                    }
                    None
                }
                _ => None,
            }
        };
        self.render_scan();
        if let Some(text) = submit.filter(|t| !t.is_empty()) {
            let ev = self.typed_event(&text, ScanSource::Keypad);
            self.on_scan(ev);
        }
    }

    /// A code typed on the keypad or by a USB scanner, as a scan event.
    pub(super) fn typed_event(&self, text: &str, source: ScanSource) -> ScanEvent {
        let rules = self.st.borrow().cfg.config.scan.variable_measure.clone();
        let t = text.trim();
        let looks_like_code = t.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
        let result = if looks_like_code {
            parse_product_code_with(t, None, &rules).map(|c| Scanned::Product(Box::new(c)))
        } else {
            vitrine_core::code::classify(t, vitrine_core::Symbology::Other, &rules)
        };
        ScanEvent {
            text: t.to_string(),
            symbology: None,
            result,
            source,
            captured_at: Instant::now(),
        }
    }

    /// Keys from a physical keyboard. A USB barcode scanner types a code
    /// and Enter faster than any person: [`HidClassifier`] tells its bursts
    /// (a scan) from typing (applied to the field on screen).
    fn on_key_text(&self, text: &str) {
        let Some(key) = Key::from_text(text) else {
            return;
        };
        let outputs = self.st.borrow_mut().hid.key(key, Instant::now());
        self.hid_outputs(outputs);
        self.arm_hid_timer();
    }

    /// Keys held back as a possible scanner burst are released as typed when
    /// no fast key follows.
    fn arm_hid_timer(&self) {
        let Some(deadline) = self.st.borrow().hid.deadline() else {
            self.timers.hid.stop();
            return;
        };
        let me = self.me.clone();
        let wait = deadline.saturating_duration_since(Instant::now());
        self.timers.hid.start(TimerMode::SingleShot, wait, move || {
            if let Some(k) = me.upgrade() {
                let out = k.st.borrow_mut().hid.tick(Instant::now());
                k.hid_outputs(out.into_iter().collect());
                k.arm_hid_timer();
            }
        });
    }

    fn hid_outputs(&self, outputs: Vec<HidOutput>) {
        for out in outputs {
            match out {
                HidOutput::Scan { code, last_key_at, .. } => {
                    if code.trim().is_empty() {
                        continue;
                    }
                    let mut ev = self.typed_event(&code, ScanSource::Hid);
                    ev.captured_at = last_key_at;
                    self.on_scan(ev);
                }
                HidOutput::Keys(keys) => self.typed_keys(&keys),
            }
        }
    }

    /// Keys a person typed on a physical keyboard go to the field on
    /// screen (the code keypad, the search, the identify field); elsewhere
    /// they are ignored.
    fn typed_keys(&self, keys: &str) {
        let page = self.st.borrow().page;
        let mode = self.ui.global::<ScanAdapter>().get_mode();
        for c in keys.chars() {
            let key = if c == '\n' { "OK".to_string() } else { c.to_string() };
            match page {
                Page::Scan if mode == ScanMode::Keypad => self.keypad_key(&key),
                Page::Scan => self.search_key(&key),
                Page::Identify => self.identify_key(&key),
                _ => {}
            }
        }
    }

    fn search_key(&self, key: &str) {
        let query = {
            let mut st = self.st.borrow_mut();
            let t = &mut st.session.typed.search;
            match key {
                "BACK" => {
                    t.pop();
                }
                "SPACE" if !t.is_empty() && !t.ends_with(' ') && t.len() < 64 => t.push(' '),
                k if k.chars().count() == 1 && t.chars().count() < 64 => t.push_str(k),
                _ => {}
            }
            st.session.typed.search.clone()
        };
        if query.trim().is_empty() {
            let mut st = self.st.borrow_mut();
            st.search_hits.clear();
            st.search_note = Text2::default();
            st.search_seq = st.next_seq();
        } else {
            let seq = {
                let mut st = self.st.borrow_mut();
                st.search_seq = st.next_seq();
                st.search_seq
            };
            self.request(Request::Search { seq, text: query });
        }
        self.render_scan();
    }

    fn pick_search(&self, i: i32) {
        let hit = self.st.borrow().search_hits.get(i as usize).map(|h| h.gtin);
        let Some(gtin) = hit else {
            return;
        };
        match parse_product_code(&gtin.as_gtin14()) {
            Ok(code) => {
                self.activity();
                self.lookup(Box::new(code), Instant::now());
            }
            Err(e) => tracing::error!(error = %e, "search hit with an unreadable GTIN"),
        }
    }

    /// The scan pipeline reported: the text under the preview (when there
    /// is no picture) and on the staff screens says what the camera does.
    fn on_camera(&self, status: &CameraStatus, metrics: &ScanMetrics) {
        let text = camera_text(status, metrics);
        let changed = {
            let mut st = self.st.borrow_mut();
            let changed = st.camera_status != text;
            st.camera_status = text;
            changed
        };
        if !status.is_running() {
            self.ui.global::<ScanAdapter>().set_has_preview(false);
        }
        // The figures change twice a second: redraw only the page showing
        // them (navigating to a page renders it from the state).
        if changed {
            match self.page() {
                Page::Scan => self.render_scan(),
                Page::Staff => self.render_staff(),
                _ => {}
            }
        }
    }

    fn on_preview(&self) {
        if let Some(frame) = self.inbox.take_preview() {
            let s = self.ui.global::<ScanAdapter>();
            s.set_preview(Image::from_rgb8(frame));
            s.set_has_preview(true);
        }
    }

    pub(super) fn render_scan(&self) {
        let st = self.st.borrow();
        let lang = st.lang();
        let s = self.ui.global::<ScanAdapter>();
        match &st.feedback {
            Some((t, tone)) => {
                s.set_feedback(t.get(lang));
                s.set_feedback_tone(*tone);
            }
            None => s.set_feedback(SharedString::new()),
        }
        s.set_camera_status(st.camera_status.get(lang));
        s.set_keypad_text(st.session.typed.keypad.as_str().into());
        s.set_search_text(st.session.typed.search.as_str().into());
        s.set_search_note(st.search_note.get(lang));
        let rows: Vec<SearchRow> = st
            .search_hits
            .iter()
            .map(|h| SearchRow {
                name: h.name.as_str().into(),
                detail: [h.brand.as_deref(), h.quantity.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ")
                    .into(),
                price: h
                    .price
                    .map(|p| p.format(lang))
                    .unwrap_or_else(|| lang.pick("prix non disponible", "no price").into())
                    .into(),
            })
            .collect();
        s.set_results(model(rows));
    }

    pub(super) fn render_product(&self) {
        let st = self.st.borrow();
        let Some(shown) = &st.product else {
            let p = self.ui.global::<ProductAdapter>();
            p.set_name(SharedString::new());
            p.set_has_photo(false);
            p.set_photo(Image::default());
            p.set_promotions(model(Vec::new()));
            return;
        };
        let lang = st.lang();
        let screen = present::product_screen(
            &shown.view,
            &shown.code,
            shown.live.as_ref(),
            (&st.store_id(), &st.store_name()),
            clock::now(),
            st.offset,
            lang,
        );
        let p = self.ui.global::<ProductAdapter>();
        p.set_name(screen.name.into());
        p.set_subtitle(screen.subtitle.into());
        p.set_code_line(screen.code_line.into());
        p.set_initial(screen.initial.into());
        p.set_category(screen.category.into());
        match &shown.photo {
            Some(img) => {
                p.set_photo(img.clone());
                p.set_has_photo(true);
            }
            None => {
                p.set_photo(Image::default());
                p.set_has_photo(false);
            }
        }
        p.set_price(screen.price.into());
        p.set_price_note(screen.price_note.into());
        p.set_demo(shown.view.demo_values);
        let mut since = present::since_text(&st.sync, st.cache, clock::now(), st.offset, lang);
        if !screen.live_note.is_empty() {
            since = if since.is_empty() {
                screen.live_note.clone()
            } else {
                format!("{since} {}", screen.live_note)
            };
        }
        p.set_since(since.into());
        p.set_promotions(model(screen.promotions));
        p.set_member_price(screen.member_price.into());
        p.set_stock_here(screen.stock_here);
        p.set_stock_elsewhere(model(screen.stock_elsewhere));
        p.set_online(screen.online);
        p.set_offers(model(screen.offers));
        p.set_allergens(model(screen.allergens));
        p.set_facts_title(screen.facts_title.into());
        p.set_facts(model(screen.facts));
        p.set_out_here(screen.out_here);
        p.set_can_add(screen.can_add);
        p.set_can_collect_elsewhere(screen.can_collect_elsewhere && self.orders.is_some());
        p.set_can_deliver(screen.can_deliver && self.orders.is_some());
    }
}

/// What the shopper is told about a code that could not be read.
pub(super) fn code_error_text(e: &CodeError) -> Text2 {
    match e {
        CodeError::CheckDigit { .. } | CodeError::CheckDigit8 { .. } | CodeError::Isbn10CheckDigit { .. } => {
            Text2::new(
                "Ce code ne correspond à aucun produit : vérifiez les chiffres (le dernier est une clé de contrôle).",
                "This code matches no product: check the digits (the last one is a check digit).",
            )
        }
        CodeError::BadLength { len } => Text2::new(
            format!("Un code-barres a 8, 12, 13 ou 14 chiffres ; celui-ci en a {len}."),
            format!("A barcode has 8, 12, 13 or 14 digits; this one has {len}."),
        ),
        CodeError::Empty => Text2::new("Tapez les chiffres du code-barres.", "Type the barcode's digits."),
        _ => Text2::new(
            "Ce code n'a pas pu être lu comme un code produit : réessayez ou tapez les chiffres.",
            "This code could not be read as a product code: try again or type the digits.",
        ),
    }
}

/// The camera's state as the scan pipeline reports it, with its figures
/// while it runs (frames read per second, decode time).
pub fn camera_text(status: &CameraStatus, m: &ScanMetrics) -> Text2 {
    Text2::with(|lang| {
        let base = status.text().render(lang);
        if !status.is_running() || m.frames_decoded == 0 {
            return base;
        }
        match lang {
            Lang::Fr => format!(
                "{base} — {:.0} images lues/s sur {:.0}, décodage {} ms en moyenne ({} ms au plus)",
                m.decode_fps,
                m.capture_fps,
                format!("{:.1}", m.decode_ms_mean).replace('.', ","),
                format!("{:.1}", m.decode_ms_max).replace('.', ",")
            ),
            _ => format!(
                "{base} — {:.0} of {:.0} frames/s read, decode {:.1} ms on average ({:.1} ms at most)",
                m.decode_fps, m.capture_fps, m.decode_ms_mean, m.decode_ms_max
            ),
        }
    })
}

/// The camera's state before the scan pipeline reports anything.
fn camera_status_text(cfg: &LoadedConfig) -> Text2 {
    match cfg.config.camera.source {
        CameraSource::None => Text2::new(
            "Pas de caméra sur cette borne : tapez le code, cherchez par nom ou utilisez la douchette.",
            "No camera on this kiosk: type the code, search by name or use the hand scanner.",
        ),
        _ => Text2::new(
            "Caméra indisponible : tapez le code, cherchez par nom ou utilisez la douchette.",
            "Camera unavailable: type the code, search by name or use the hand scanner.",
        ),
    }
}
