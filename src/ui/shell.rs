//! The shell: what the screens share, and nothing that belongs to one of
//! them. It holds the window, the shopper's session and the kiosk-wide
//! state (configuration, promotions, stores, link with HQ, camera); it
//! navigates between pages, runs the timers (idle reset, toast, countdowns,
//! promotion refresh, USB scanner), resets the session, sets the session's
//! language and look, and runs the message pump that hands each worker's
//! answer to whoever asked for it.
//!
//! Screens (`super::screens`) use the shell; the shell sees them only as
//! [`Screen`]s, so dependencies run one way (screens → shell → workers).
//!
//! # Answers
//! A screen that needs work done off the UI thread calls
//! [`Shell::query`] (the catalog thread), [`Shell::blocking`] (the tokio
//! runtime's blocking pool) or [`Shell::background`] (an async task) with
//! the work and the continuation that takes its typed answer — usually one
//! of the screen's own methods, through [`reply`]. The continuation stays
//! on the UI thread in a table; the worker sends back only the answer and
//! its number. An answer asked [`For::Session`] is dropped if the shopper
//! who asked has gone (the session was reset) by the time it comes.

use std::any::Any;
use std::cell::{Cell, OnceCell, Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, SharedString, Timer, TimerMode};
use time::UtcOffset;
use tokio::runtime::Handle;
use vitrine_core::Lang;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::Store;
use vitrine_i18n::{MoneyText, Text, text};

mod audio;

pub(super) use audio::speech_text;

use super::generated::*;
use super::orders::OrderDesk;
use super::present::{self, model};
use super::worker::{CatalogClient, CatalogQueries, Inbox, Outlet, Promotions, SlideData, channel_pair};
use crate::clock;
use crate::config::LoadedConfig;
use crate::scan::hid::{HidClassifier, HidOutput, Key};
use crate::scan::{CameraStatus, ScanEvent, ScanMetrics, ScanSource};
use crate::session::{IdleClock, IdlePhase, Session};
use crate::speech::guide::Guidance;
use crate::speech::keys::KeyMap;
use crate::speech::{EngineKind, Settings as SpeechSettings, Speaker, Voice};
use crate::sync::SyncStatus;

/// The language the `.slint` files are written in (their `@tr` source
/// strings): it has no `.po` file, every other language has one under
/// `ui/translations/<code>/`.
const SLINT_SOURCE_LANGUAGE: Lang = Lang::FR;

/// Whether sessions start with the controls low down (`ui.layout`).
fn low_reach(c: &crate::config::KioskConfig) -> bool {
    c.ui.layout == crate::config::Layout::LowReach
}

/// How long a toast stays.
const TOAST: Duration = Duration::from_secs(4);

/// How workers wake the UI thread.
pub enum Wake {
    /// `slint::invoke_from_event_loop` (the running kiosk).
    EventLoop,
    /// Nothing: the caller drains with `Kiosk::settle` (headless tests,
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

/// A message on a page, with its tone (never colour alone: every tone has
/// an icon on screen).
pub(super) type Note = Option<(Text, Tone)>;

/// A note in `lang`, for an adapter's text and tone properties.
pub(super) fn note_in(note: &Note, lang: Lang) -> (SharedString, Tone) {
    match note {
        Some((t, tone)) => (t.render(lang).into(), *tone),
        None => (SharedString::new(), Tone::Info),
    }
}

/// Something shared that changed, for every screen that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// The basket or the identified shopper.
    Session,
    /// The store's promotions (and whether prices are demo values).
    Promotions,
    /// The list of stores.
    Stores,
    /// The link with HQ.
    Sync,
    /// The camera's state; `redraw`: its words on screen changed.
    Camera { running: bool, redraw: bool },
    /// A camera picture is waiting in [`Shell::take_preview`].
    Preview,
}

/// A page controller as the shell sees it. Each screen module also wires
/// its adapter's callbacks in its `setup` and keeps its own state.
pub(super) trait Screen {
    /// The pages (`App.page`) it draws.
    fn pages(&self) -> &'static [Page];
    /// Draws its adapter from its state and the session, in the session's
    /// language.
    fn render(&self);
    /// The shopper is about to see `page` (one of [`Self::pages`]), coming
    /// from `from`. `false` keeps them where they are.
    fn enter(&self, page: Page, from: Page) -> bool {
        let _ = (page, from);
        true
    }
    /// Forget the shopper: the session is being reset (the shell renders
    /// everything afterwards).
    fn reset(&self) {}
    /// Something shared changed.
    fn changed(&self, what: Change) {
        let _ = what;
    }
    /// One second passed (countdowns).
    fn tick(&self) {}
    /// A key typed on a physical keyboard while its page is shown ("OK",
    /// "BACK" or one character).
    fn typed(&self, key: &str) {
        let _ = key;
    }
    /// Whether its page has a text field open that may hold `+` or `-`
    /// (a phone number, an email): those keys then type instead of setting
    /// audio mode's volume.
    fn takes_text(&self) -> bool {
        false
    }
}

/// Whom a worker's answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum For {
    /// The kiosk: delivered whenever it comes.
    Kiosk,
    /// The shopper who asked: dropped if their session has ended, so that
    /// it never reaches the next shopper's screen.
    Session,
}

/// The continuation for an answer to a screen's `method` (the screen is
/// held weakly: one that is gone gets nothing).
pub(super) fn reply<S: 'static, R: 'static>(
    me: &Weak<S>,
    method: impl FnOnce(&S, R) + 'static,
) -> impl FnOnce(R) + 'static {
    let me = me.clone();
    move |r| {
        if let Some(s) = me.upgrade() {
            method(&s, r);
        }
    }
}

/// Something for the UI thread.
pub(super) enum Msg {
    /// A code read (camera, replay, USB scanner, tests).
    Scan(ScanEvent),
    /// A camera picture waits in the preview slot (only the latest is kept).
    Preview,
    /// The camera's (or replay's) state and figures, from the scan pipeline.
    Camera {
        status: CameraStatus,
        metrics: ScanMetrics,
    },
    Sync(SyncStatus),
    /// A headset was plugged in (true) or out.
    Headset(bool),
    /// Where the code is in the camera's view (audio mode's aiming).
    Aim(Guidance),
    /// A worker's answer for the continuation `id`.
    Answer {
        id: u64,
        value: Box<dyn Any + Send>,
    },
}

type PreviewSlot = Arc<Mutex<Option<slint::SharedPixelBuffer<slint::Rgb8Pixel>>>>;

/// Hands scan events, camera pictures and states and the sync status to
/// the kiosk from any thread (camera decoder, USB scanner, sync worker,
/// tests).
#[derive(Clone)]
pub struct ScanSender {
    outlet: Outlet<Msg>,
    preview: PreviewSlot,
}

impl ScanSender {
    pub fn send(&self, event: ScanEvent) {
        self.outlet.send(Msg::Scan(event));
    }

    /// A preview picture: the latest replaces one not yet shown (frames are
    /// dropped, never queued).
    pub fn preview(&self, frame: slint::SharedPixelBuffer<slint::Rgb8Pixel>) {
        let was_empty = match self.preview.lock() {
            Ok(mut slot) => slot.replace(frame).is_none(),
            Err(_) => return,
        };
        if was_empty {
            self.outlet.send(Msg::Preview);
        }
    }

    pub fn sync_status(&self, status: SyncStatus) {
        self.outlet.send(Msg::Sync(status));
    }

    /// The scan pipeline's state and figures (staff status, camera test).
    pub fn camera(&self, status: CameraStatus, metrics: ScanMetrics) {
        self.outlet.send(Msg::Camera { status, metrics });
    }

    /// Where the code is in the camera's view (audio mode guides the aim).
    pub fn aim(&self, guidance: Guidance) {
        self.outlet.send(Msg::Aim(guidance));
    }
}

/// What every screen may read and change (borrowed briefly: never across
/// a call into another screen or the shell).
pub(super) struct Shared {
    /// The configuration in force: `base_cfg` with HQ's remote settings
    /// over it ([`LoadedConfig::with_remote`]).
    pub cfg: LoadedConfig,
    /// The configuration from the file and the environment.
    pub base_cfg: LoadedConfig,
    /// When staff last changed each setting here (beats an older HQ value).
    pub staff_changes: Vec<(String, vitrine_core::product::UnixTime)>,
    pub offset: UtcOffset,
    pub session: Session,
    pub idle: IdleClock,
    /// Which shopper's session is on screen: moves at every reset.
    pub session_no: u64,
    pub page: Page,
    pub promotions: Vec<Promotion>,
    pub slides: Vec<SlideData>,
    /// The catalog's prices and stock are generated demo values.
    pub demo: bool,
    pub stores: Vec<Store>,
    pub sync: SyncStatus,
    /// The store HQ enrolled the kiosk for (read at start, then from the
    /// sync worker's status when the kiosk is enrolled while it runs).
    pub enrolled_store: Option<String>,
    /// What the camera does, in words (with its figures while it runs).
    pub camera: Text,
    pub toast: Note,
}

impl Shared {
    pub fn lang(&self) -> Lang {
        self.session.lang
    }

    /// The store this kiosk serves: the one HQ enrolled it for, else
    /// `kiosk.store` (only the default until enrollment).
    pub fn store_id(&self) -> String {
        self.enrolled_store
            .clone()
            .unwrap_or_else(|| self.cfg.config.kiosk.store.clone())
    }

    pub fn store_name(&self) -> String {
        let id = self.store_id();
        self.stores
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or(id)
    }
}

struct Pending {
    /// The session it belongs to (`None`: the kiosk's).
    session: Option<u64>,
    then: Box<dyn FnOnce(Box<dyn Any + Send>)>,
}

struct Timers {
    /// Idle reset and the screens' countdowns.
    second: Timer,
    toast: Timer,
    /// Promotions start and end on their own: read them again now and then.
    refresh: Timer,
    /// Releases keys held back by the USB scanner classifier.
    hid: Timer,
}

thread_local! {
    /// The shell of this (UI) thread, for wakes coming from workers.
    static CURRENT: RefCell<Weak<Shell>> = const { RefCell::new(Weak::new()) };
}

pub(super) struct Shell {
    pub ui: KioskWindow,
    st: RefCell<Shared>,
    screens: RefCell<Vec<Rc<dyn Screen>>>,
    /// Who takes a code read (see `super::kiosk`).
    code_reader: OnceCell<Box<dyn Fn(ScanEvent)>>,
    inbox: Inbox<Msg>,
    outlet: Outlet<Msg>,
    preview: PreviewSlot,
    pending: RefCell<BTreeMap<u64, Pending>>,
    last_id: Cell<u64>,
    catalog: CatalogClient,
    pub rt: Handle,
    pub orders: Option<Arc<dyn OrderDesk>>,
    pub availability: Option<crate::sync::AvailabilityService>,
    /// Tells a USB barcode scanner's key bursts from a person typing.
    hid: RefCell<HidClassifier>,
    /// The kiosk's voice (`None`: `accessibility.speech = false`).
    speaker: Option<Speaker>,
    /// Audio mode's keys (`[accessibility] key_*`).
    keymap: KeyMap,
    audio: RefCell<audio::AudioState>,
    timers: Timers,
    /// The pictures of the products in the basket, as the product page
    /// decoded them (off the UI thread), for the basket's lines.
    pub photos: RefCell<BTreeMap<vitrine_core::Gtin, slint::Image>>,
    me: Weak<Shell>,
}

impl Shell {
    /// Creates the window and starts the catalog thread; the screens are
    /// added next, then [`Self::start`].
    pub fn new(cfg: LoadedConfig, opts: KioskOptions) -> Result<Rc<Shell>, KioskError> {
        let ui = KioskWindow::new()?;
        let wake: Arc<dyn Fn() + Send + Sync> = match opts.wake {
            Wake::EventLoop => Arc::new(|| {
                let result = slint::invoke_from_event_loop(|| {
                    if let Some(s) = CURRENT.with(|c| c.borrow().upgrade()) {
                        s.pump();
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
        let enrolled_store = crate::sync::store::enrolled_store(&c.kiosk.data_dir).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the enrolled store; using kiosk.store");
            None
        });
        let served = enrolled_store.clone().unwrap_or_else(|| c.kiosk.store.clone());
        let catalog = CatalogClient::start(&c.kiosk.data_dir, served)?;
        let session = Session::new(cfg.lang(), c.ui.large_text, low_reach(c), cfg.currency());
        let st = Shared {
            idle: IdleClock::new(c.ui.idle_timeout_s, c.ui.idle_warning_s),
            offset: opts.utc_offset,
            session,
            session_no: 0,
            page: Page::Attract,
            promotions: Vec::new(),
            slides: Vec::new(),
            demo: false,
            stores: Vec::new(),
            sync: SyncStatus {
                configured: !c.hq.url.is_empty(),
                ..SyncStatus::default()
            },
            enrolled_store,
            camera: present::camera_before_start(&cfg),
            toast: None,
            // A small file read once at start, like the configuration.
            staff_changes: crate::staff::staff_changes(&c.kiosk.data_dir),
            base_cfg: cfg.clone(),
            cfg: cfg.clone(),
        };
        let a = &c.accessibility;
        let keymap = a.keymap().unwrap_or_else(|(key, e)| {
            tracing::error!(key, error = %e, "audio mode's keys are not valid; none are set");
            KeyMap::default()
        });
        let speaker = a.speech.then(|| {
            let to_ui = outlet.clone();
            Speaker::start(SpeechSettings {
                engine: match a.engine {
                    crate::config::SpeechEngine::EspeakNg => EngineKind::EspeakNg,
                    crate::config::SpeechEngine::SpeechDispatcher => EngineKind::SpeechDispatcher,
                },
                voice: Voice {
                    rate_wpm: a.rate_wpm,
                    volume: a.volume,
                },
                player: a.player.clone(),
                log: (!a.speech_log.is_empty()).then(|| std::path::PathBuf::from(&a.speech_log)),
                sink: None,
                headset_detection: a.headset_detection,
                on_headset: Some(Box::new(move |plugged| to_ui.send(Msg::Headset(plugged)))),
            })
        });
        let shell = Rc::new_cyclic(|me| Shell {
            ui,
            st: RefCell::new(st),
            screens: RefCell::new(Vec::new()),
            code_reader: OnceCell::new(),
            inbox,
            outlet,
            preview: Arc::new(Mutex::new(None)),
            pending: RefCell::new(BTreeMap::new()),
            last_id: Cell::new(0),
            catalog,
            rt: opts.runtime,
            orders: opts.orders,
            availability: opts.availability,
            hid: RefCell::new(HidClassifier::from_config(&cfg.config.scan)),
            speaker,
            keymap,
            audio: RefCell::new(audio::AudioState::default()),
            photos: RefCell::default(),
            timers: Timers {
                second: Timer::default(),
                toast: Timer::default(),
                refresh: Timer::default(),
                hid: Timer::default(),
            },
            me: me.clone(),
        });
        CURRENT.with(|c| *c.borrow_mut() = Rc::downgrade(&shell));
        if let Some(mut rx) = opts.sync_status {
            let sender = shell.scan_sender();
            sender.sync_status(rx.borrow_and_update().clone());
            shell.rt.spawn(async move {
                while rx.changed().await.is_ok() {
                    let status = rx.borrow_and_update().clone();
                    sender.sync_status(status);
                }
            });
        }
        shell.wire();
        shell.start_timers();
        Ok(shell)
    }

    /// Adds a screen (its module's `setup` calls this).
    pub fn add(&self, screen: Rc<dyn Screen>) {
        self.screens.borrow_mut().push(screen);
    }

    /// Says who takes the codes read (camera, USB scanner, keypad).
    pub fn read_codes_with(&self, reader: impl Fn(ScanEvent) + 'static) {
        if self.code_reader.set(Box::new(reader)).is_err() {
            tracing::error!("the kiosk's code reader is set twice; the first one stays");
        }
    }

    /// Lets go of the screens (they hold the shell: the kiosk calls this
    /// when it is dropped, so that neither outlives it).
    pub fn forget_screens(&self) {
        self.screens.borrow_mut().clear();
    }

    /// Asks for what every screen needs and draws them all.
    pub fn start(&self) {
        self.refresh_stores();
        self.refresh_promotions();
        self.apply_look();
        self.render_all();
    }

    pub fn scan_sender(&self) -> ScanSender {
        ScanSender {
            outlet: self.outlet.clone(),
            preview: self.preview.clone(),
        }
    }

    pub fn st(&self) -> Ref<'_, Shared> {
        self.st.borrow()
    }

    pub fn st_mut(&self) -> RefMut<'_, Shared> {
        self.st.borrow_mut()
    }

    pub fn page(&self) -> Page {
        self.st().page
    }

    fn screens(&self) -> Vec<Rc<dyn Screen>> {
        self.screens.borrow().clone()
    }

    /// Whether the page on screen has a text field open (see
    /// [`Screen::takes_text`]).
    fn takes_text(&self) -> bool {
        self.screen_of(self.page()).is_some_and(|s| s.takes_text())
    }

    fn screen_of(&self, page: Page) -> Option<Rc<dyn Screen>> {
        self.screens
            .borrow()
            .iter()
            .find(|s| s.pages().contains(&page))
            .cloned()
    }

    // ----- the message pump -----

    /// Handles everything the workers sent.
    pub fn pump(&self) {
        self.inbox.woken();
        while let Some(msg) = self.inbox.try_recv() {
            self.handle(msg);
        }
    }

    /// Waits (up to `timeout`) until every answer asked of a worker has
    /// come and been handled. For headless tests and benchmarks, which run
    /// no event loop. Returns false on timeout.
    pub fn settle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.pump();
            if self.pending.borrow().is_empty() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.inbox.recv_timeout(left) {
                Ok(msg) => self.handle(msg),
                Err(_) => return false,
            }
        }
    }

    fn handle(&self, msg: Msg) {
        match msg {
            Msg::Answer { id, value } => self.deliver(id, value),
            Msg::Scan(ev) => self.code(ev),
            Msg::Preview => self.changed(Change::Preview),
            Msg::Camera { status, metrics } => self.on_camera(&status, &metrics),
            Msg::Sync(s) => self.on_sync(s),
            Msg::Headset(plugged) => self.headset(plugged),
            Msg::Aim(g) => self.aim(g),
        }
    }

    fn deliver(&self, id: u64, value: Box<dyn Any + Send>) {
        let Some(p) = self.pending.borrow_mut().remove(&id) else {
            tracing::error!(id, "an answer nobody waits for was dropped");
            return;
        };
        if p.session.is_some_and(|no| no != self.st().session_no) {
            tracing::info!("an answer for a session that has ended was dropped");
            return;
        }
        (p.then)(value);
    }

    fn expect<R: Send + 'static>(&self, whom: For, then: impl FnOnce(R) + 'static) -> u64 {
        let id = self.last_id.get() + 1;
        self.last_id.set(id);
        let session = (whom == For::Session).then(|| self.st().session_no);
        let then = Box::new(move |value: Box<dyn Any + Send>| match value.downcast::<R>() {
            Ok(r) => then(*r),
            Err(_) => tracing::error!("a worker's answer is not of the type asked for; dropped"),
        });
        self.pending.borrow_mut().insert(id, Pending { session, then });
        id
    }

    /// Runs `work` on the runtime's blocking pool (SQLite writes, Argon2,
    /// waiting for HQ); `then` gets its answer on the UI thread.
    pub fn blocking<R: Send + 'static>(
        &self,
        whom: For,
        work: impl FnOnce() -> R + Send + 'static,
        then: impl FnOnce(R) + 'static,
    ) {
        let id = self.expect(whom, then);
        let outlet = self.outlet.clone();
        self.rt.spawn_blocking(move || {
            outlet.send(Msg::Answer {
                id,
                value: Box::new(work()),
            })
        });
    }

    /// Runs `work` as a task on the runtime; `then` gets its answer on the
    /// UI thread.
    pub fn background<R: Send + 'static>(
        &self,
        whom: For,
        work: impl Future<Output = R> + Send + 'static,
        then: impl FnOnce(R) + 'static,
    ) {
        let id = self.expect(whom, then);
        let outlet = self.outlet.clone();
        self.rt.spawn(async move {
            let value = work.await;
            outlet.send(Msg::Answer {
                id,
                value: Box::new(value),
            })
        });
    }

    /// Asks the catalog thread; `then` gets the answer on the UI thread.
    pub fn query<R: Send + 'static>(
        &self,
        query: impl FnOnce(&mut CatalogQueries) -> R + Send + 'static,
        then: impl FnOnce(R) + 'static,
    ) {
        let id = self.expect(For::Kiosk, then);
        let outlet = self.outlet.clone();
        let sent = self.catalog.send(Box::new(move |c: &mut CatalogQueries| {
            outlet.send(Msg::Answer {
                id,
                value: Box::new(query(c)),
            })
        }));
        if !sent {
            self.pending.borrow_mut().remove(&id);
            tracing::error!("the catalog thread has stopped; the kiosk cannot look products up");
        }
    }

    /// Takes the camera picture waiting to be shown, if any.
    pub fn take_preview(&self) -> Option<slint::SharedPixelBuffer<slint::Rgb8Pixel>> {
        self.preview.lock().ok().and_then(|mut s| s.take())
    }

    /// A code was read: the shopper is there, and the kiosk's code reader
    /// takes it.
    pub fn code(&self, ev: ScanEvent) {
        self.activity();
        self.code_read_sound();
        match self.code_reader.get() {
            Some(reader) => reader(ev),
            None => tracing::error!("a code was read before the screens were ready; dropped"),
        }
    }

    /// A code typed on the keypad or by a USB scanner, as a scan event.
    pub fn typed_event(&self, text: &str, source: ScanSource) -> ScanEvent {
        let t = text.trim();
        let result = {
            let st = self.st();
            crate::scan::classify_typed(t, &crate::scan::code_context(&st.cfg.config.scan))
        };
        ScanEvent {
            text: t.to_string(),
            symbology: None,
            result,
            source,
            captured_at: Instant::now(),
        }
    }

    // ----- what the workers report -----

    fn on_sync(&self, s: SyncStatus) {
        let remote_changed = self.st().sync.remote_settings != s.remote_settings;
        if remote_changed {
            let base = {
                let mut st = self.st_mut();
                st.sync.remote_settings = s.remote_settings.clone();
                st.base_cfg.clone()
            };
            tracing::info!(version = s.remote_settings_version, "applying HQ's remote settings");
            self.apply_config(base);
        }
        let (new_catalog, new_store) = {
            let mut st = self.st_mut();
            let changed = st.sync.catalog_version != s.catalog_version;
            // Enrolled (or enrolled again) for another store while running:
            // that store is the kiosk's from now on.
            let before = st.store_id();
            if s.store.is_some() {
                st.enrolled_store = s.store.clone();
            }
            let after = st.store_id();
            st.sync = s;
            (changed, (after != before).then_some(after))
        };
        if let Some(store) = new_store {
            tracing::info!(store = %store, "the kiosk now serves the store HQ enrolled it for");
            self.switch_store(store);
        } else if new_catalog {
            // HQ pushed a new catalog: promotions may have changed.
            self.refresh_promotions();
        }
        self.changed(Change::Sync);
    }

    /// The scan pipeline reported: its state in words, for the scan and
    /// staff screens.
    fn on_camera(&self, status: &CameraStatus, metrics: &ScanMetrics) {
        let text = present::camera_text(status, metrics);
        let redraw = {
            let mut st = self.st_mut();
            let changed = st.camera != text;
            st.camera = text;
            changed
        };
        self.changed(Change::Camera {
            running: status.is_running(),
            redraw,
        });
    }

    pub fn refresh_promotions(&self) {
        let me = self.me.clone();
        self.query(
            |c| c.promotions(),
            move |p: Promotions| {
                if let Some(s) = me.upgrade() {
                    {
                        let mut st = s.st_mut();
                        st.promotions = p.promotions;
                        st.slides = p.slides;
                        st.demo = p.demo;
                    }
                    s.changed(Change::Promotions);
                }
            },
        );
    }

    pub fn refresh_stores(&self) {
        let me = self.me.clone();
        self.query(
            |c| c.stores(),
            move |stores: Vec<Store>| {
                if let Some(s) = me.upgrade() {
                    s.st_mut().stores = stores;
                    s.changed(Change::Stores);
                }
            },
        );
    }

    /// Tells the header and every screen that something shared changed.
    pub fn changed(&self, what: Change) {
        if matches!(what, Change::Session | Change::Promotions | Change::Stores) {
            self.render_app();
        }
        for s in self.screens() {
            s.changed(what);
        }
    }

    /// Staff saved new settings: they apply at once (except what needs a
    /// restart, which the staff screen says).
    pub fn apply_config(&self, base: LoadedConfig) {
        let new_store = {
            let mut st = self.st_mut();
            // HQ's remote settings over it, unless staff changed them since.
            let new = base.with_remote(&st.sync.remote_settings, &st.staff_changes);
            st.base_cfg = base;
            let c = &new.config;
            st.session.default_lang = new.lang();
            st.session.default_low_reach = low_reach(c);
            st.session.low_reach = st.session.default_low_reach;
            // kiosk.store only matters while the kiosk is not enrolled.
            let before = st.store_id();
            st.cfg = new;
            let after = st.store_id();
            (after != before).then_some(after)
        };
        self.apply_time_limits();
        if let Some(store) = new_store {
            self.switch_store(store);
        }
        self.apply_look();
        self.render_app();
    }

    /// Staff changed `keys` at `at` (their values beat HQ's older ones).
    pub fn note_staff_changes(&self, keys: &[String], at: vitrine_core::product::UnixTime) {
        let mut st = self.st_mut();
        for k in keys {
            match st.staff_changes.iter_mut().find(|(key, _)| key == k) {
                Some(e) => e.1 = at,
                None => st.staff_changes.push((k.clone(), at)),
            }
        }
    }

    /// Prices, stock and promotions are now `store`'s.
    fn switch_store(&self, store: String) {
        if !self
            .catalog
            .send(Box::new(move |c: &mut CatalogQueries| c.set_store(store)))
        {
            tracing::error!("the catalog thread has stopped; the kiosk cannot look products up");
        }
        self.refresh_promotions();
        self.render_app();
    }

    // ----- navigation -----

    pub fn navigate(&self, page: Page) {
        let from = self.page();
        if let Some(s) = self.screen_of(page)
            && !s.enter(page, from)
        {
            return;
        }
        // A confirmation ("added to the basket") belongs to the page it was
        // given on: it would only hide the top of the next one. Warnings and
        // errors stay their 4 s.
        let confirmation = matches!(self.st().toast, Some((_, Tone::Ok)));
        if page != from && confirmation {
            self.dismiss_toast();
        }
        self.st_mut().page = page;
        self.ui.global::<App>().set_page(page);
        if page != from && self.audio_mode() {
            self.page_shown();
        }
    }

    /// Wipes the session and returns to the attract screen.
    pub fn reset_session(&self, reason: &str) {
        tracing::info!(reason, "session reset");
        {
            let mut st = self.st_mut();
            st.session.reset();
            st.session_no += 1;
            st.idle.touch();
            st.toast = None;
            st.page = Page::Attract;
        }
        self.timers.toast.stop();
        *self.hid.borrow_mut() = HidClassifier::from_config(&self.st().cfg.config.scan);
        for s in self.screens() {
            s.reset();
        }
        self.end_audio_mode();
        let app = self.ui.global::<App>();
        app.set_idle_warning(false);
        app.set_a11y_open(false);
        app.set_page(Page::Attract);
        self.apply_look();
        self.render_all();
    }

    // ----- timers -----

    fn start_timers(&self) {
        let me = self.me.clone();
        self.timers
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(s) = me.upgrade() {
                    s.second();
                }
            });
        let me = self.me.clone();
        self.timers
            .refresh
            .start(TimerMode::Repeated, Duration::from_secs(300), move || {
                if let Some(s) = me.upgrade() {
                    s.refresh_promotions();
                }
            });
    }

    fn second(&self) {
        if self.idle_tick() {
            return;
        }
        for s in self.screens() {
            s.tick();
        }
    }

    /// Returns whether the session was reset.
    fn idle_tick(&self) -> bool {
        let phase = {
            let mut st = self.st_mut();
            if st.page == Page::Attract {
                st.idle.touch();
                return false;
            }
            st.idle.tick()
        };
        let app = self.ui.global::<App>();
        match phase {
            IdlePhase::Active => app.set_idle_warning(false),
            IdlePhase::Warning { remaining_s } => {
                app.set_idle_remaining(remaining_s as i32);
                if !app.get_idle_warning() {
                    self.idle_warned(remaining_s);
                }
                app.set_idle_warning(true);
            }
            IdlePhase::Expired => {
                self.reset_session("idle timeout");
                return true;
            }
        }
        false
    }

    /// The shopper touched the screen (or a key, or scanned).
    pub fn activity(&self) {
        self.st_mut().idle.touch();
        self.ui.global::<App>().set_idle_warning(false);
    }

    /// A short message over the page for a few seconds.
    pub fn toast(&self, text: Text, tone: Tone) {
        self.say(&text);
        self.st_mut().toast = Some((text, tone));
        self.render_toast();
        let me = self.me.clone();
        self.timers.toast.start(TimerMode::SingleShot, TOAST, move || {
            if let Some(s) = me.upgrade() {
                s.st_mut().toast = None;
                s.render_toast();
            }
        });
    }

    /// Closes the message now (a touch on it, or a page it no longer
    /// concerns).
    pub fn dismiss_toast(&self) {
        self.timers.toast.stop();
        self.st_mut().toast = None;
        self.render_toast();
    }

    fn render_toast(&self) {
        let st = self.st();
        let (text, tone) = note_in(&st.toast, st.lang());
        let app = self.ui.global::<App>();
        app.set_toast(text);
        app.set_toast_tone(tone);
    }

    // ----- a physical keyboard (and USB barcode scanners, which type) -----

    /// A USB barcode scanner types a code and Enter faster than any person:
    /// [`HidClassifier`] tells its bursts (a scan) from typing (applied to
    /// the field on screen).
    fn on_key_text(&self, text: &str) {
        let Some(key) = Key::from_text(text) else {
            return;
        };
        let outputs = self.hid.borrow_mut().key(key, Instant::now());
        self.hid_outputs(outputs);
        self.arm_hid_timer();
    }

    /// Keys held back as a possible scanner burst are released as typed when
    /// no fast key follows.
    fn arm_hid_timer(&self) {
        let Some(deadline) = self.hid.borrow().deadline() else {
            self.timers.hid.stop();
            return;
        };
        let me = self.me.clone();
        let wait = deadline.saturating_duration_since(Instant::now());
        self.timers.hid.start(TimerMode::SingleShot, wait, move || {
            if let Some(s) = me.upgrade() {
                let out = s.hid.borrow_mut().tick(Instant::now());
                s.hid_outputs(out.into_iter().collect());
                s.arm_hid_timer();
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
                    self.code(ev);
                }
                // Typed by a person: for the field of the page on screen.
                HidOutput::Keys(keys) => {
                    if let Some(screen) = self.screen_of(self.page()) {
                        self.typed_keys(&keys);
                        for c in keys.chars() {
                            let key = if c == '\n' { "OK".to_string() } else { c.to_string() };
                            screen.typed(&key);
                        }
                    }
                }
            }
        }
    }

    // ----- the session's language and look -----

    fn set_language(&self, lang: Lang) {
        if !self.st().cfg.langs().contains(&lang) {
            tracing::warn!(%lang, "a language not in ui.languages was asked for; ignored");
            return;
        }
        self.st_mut().session.lang = lang;
        self.apply_look();
        self.render_all();
    }

    /// The language after the session's in `ui.languages` (the language
    /// button goes through them in turn).
    fn next_language(&self) -> Lang {
        let st = self.st();
        let langs = st.cfg.langs();
        let at = langs.iter().position(|l| *l == st.lang());
        let next = at.map_or(0, |i| (i + 1) % langs.len().max(1));
        langs.get(next).copied().unwrap_or(st.lang())
    }

    /// Language, text size and layout of the session on screen. The
    /// language selects both the message catalogue (every text drawn from
    /// Rust) and Slint's bundled translation (the `@tr` texts).
    pub fn apply_look(&self) {
        let next = self.next_language();
        let st = self.st();
        let lang = st.lang();
        let bundle = if lang == SLINT_SOURCE_LANGUAGE { "" } else { lang.code() };
        if let Err(e) = slint::select_bundled_translation(bundle) {
            tracing::error!(%lang, error = %e, "no Slint translation for this language (ui/translations)");
        }
        let app = self.ui.global::<App>();
        app.set_lang(lang.code().into());
        app.set_low_reach(st.session.low_reach);
        app.set_arrangement(super::screen::arrangement(st.cfg.config.ui.layout));
        self.ui.global::<Theme>().set_large_text(st.session.large_text);
        app.set_languages(model(
            st.cfg
                .langs()
                .into_iter()
                .map(|l| LanguageChoice {
                    code: l.code().into(),
                    name: vitrine_i18n::language_name(l).into(),
                    selected: l == lang,
                })
                .collect(),
        ));
        // The button says where it goes, in that language.
        app.set_next_language(next.code().into());
        app.set_next_language_name(vitrine_i18n::language_name(next).into());
        app.set_next_language_label(text!("kiosk-language-switch").render(next).into());
        let keys = |row: Text| -> slint::ModelRc<SharedString> {
            model(row.render(lang).split_whitespace().map(SharedString::from).collect())
        };
        app.set_keyboard_row1(keys(text!("kiosk-keyboard-row1")));
        app.set_keyboard_row2(keys(text!("kiosk-keyboard-row2")));
        app.set_keyboard_row3(keys(text!("kiosk-keyboard-row3")));
    }

    pub fn render_all(&self) {
        self.render_app();
        for s in self.screens() {
            s.render();
        }
        self.render_toast();
    }

    /// The header: store, basket summary, who is identified.
    pub fn render_app(&self) {
        let st = self.st();
        let lang = st.lang();
        let app = self.ui.global::<App>();
        app.set_store_name(st.store_name().into());
        app.set_staff_hold_ms(st.cfg.config.ui.staff_hold_ms as i32);
        app.set_demo(st.demo);
        let count = st.session.unit_count();
        app.set_basket_count(count as i32);
        let total = st
            .session
            .price(&st.promotions, &st.store_id(), clock::now())
            .map(|p| p.total.format(lang))
            .unwrap_or_default();
        app.set_basket_short(
            text!("kiosk-basket-short", count = count, total = total.as_str())
                .render(lang)
                .into(),
        );
        app.set_basket_long(
            text!("kiosk-basket-long", count = count, total = total.as_str())
                .render(lang)
                .into(),
        );
        app.set_basket_total(total.into());
        app.set_customer_name(
            st.session
                .customer
                .as_ref()
                .map(|c| c.first_name.clone())
                .unwrap_or_default()
                .into(),
        );
    }

    /// Scales the layout to the window's size (see [`super::screen`]).
    pub fn fit_screen(&self) {
        let layout = self.st().cfg.config.ui.layout;
        super::screen::apply(self.ui.window(), layout);
    }

    // ----- the window's own callbacks -----

    fn wire(&self) {
        let app = self.ui.global::<App>();
        let me = &self.me;
        app.on_activity(on!(me, |s| s.activity()));
        app.on_navigate(on!(me, |s, p: Page| s.navigate(p)));
        app.on_set_language(on!(me, |s, code: SharedString| match Lang::parse(&code) {
            Some(l) => s.set_language(l),
            None => tracing::warn!(code = %code, "not a language code"),
        }));
        app.on_set_large_text(on!(me, |s, on: bool| {
            s.st_mut().session.large_text = on;
            s.apply_look();
        }));
        app.on_set_low_reach(on!(me, |s, on: bool| {
            s.st_mut().session.low_reach = on;
            s.apply_look();
        }));
        app.on_screen_resized(on!(me, |s| s.fit_screen()));
        app.on_still_here(on!(me, |s| s.activity()));
        app.on_end_session(on!(me, |s| s.reset_session("finished by the shopper")));
        app.on_dismiss_toast(on!(me, |s| s.dismiss_toast()));
        app.on_key_text(on!(me, |s, t: SharedString| s.on_key_text(&t)));
        let me2 = me.clone();
        app.on_key(move |t: SharedString, shift: bool| match me2.upgrade() {
            Some(s) => s.on_key(&t, shift),
            None => true,
        });
        app.on_control_focused(on!(me, |s,
                                        label: SharedString,
                                        checkable: bool,
                                        checked: bool,
                                        moved: bool| {
            s.control_focused(&label, checkable, checked, moved)
        }));
        app.on_control_blurred(on!(me, |s| s.control_blurred()));
    }
}
