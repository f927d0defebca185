//! The kiosk's touchscreen: the Slint UI (`ui/*.slint`, one global adapter
//! per page) and the Rust side that feeds it.
//!
//! # Layout
//! The shell, in two parts:
//! - [`kiosk`]: the kiosk as the rest of the crate and the tests see it
//!   (`Kiosk::new`, `scan_sender`, `settle`, `session`, `page`, `window`):
//!   it builds the shell, lists the screens (one line each) and says who
//!   takes a code read.
//! - `shell`: what the screens share — the window, the session, navigation,
//!   the timers (idle reset, toast, countdowns, promotion refresh, USB
//!   scanner), the session reset, the session's language and look, and the
//!   message pump that hands each worker's answer to the screen that asked.
//!
//! Then the screens and what they use:
//! - `screens`: one controller per page adapter — `attract`, `scan`,
//!   `product`, `basket`, `identify`, `handoff`, `collect`, `staff` — each
//!   owning its state, wiring its adapter's callbacks in `setup`, drawing
//!   its adapter, and taking the answers to its own requests.
//! - [`present`]: domain data to screen text, from the message catalogue.
//! - [`worker`]: the catalog thread and the channel results come back on.
//! - [`qr`]: the handoff QR code.
//! - [`camera_link`]: scan events, preview pictures and the camera's state
//!   from the scan pipeline to the screen.
//! - [`orders`]: the outbox port for handoffs and orders.
//! - [`screen`]: scales the layout to whatever screen the kiosk gets.
//! - [`watchdog`]: systemd's readiness notice and watchdog pings, from the
//!   UI thread's event loop.
//! - [`run`]: picks the display backend, opens the window, runs the event
//!   loop on the main thread.
//!
//! Adding a screen is one `.slint` page, one Rust module and one line in
//! the shell: the page `ui/pages/xxx.slint` with its `XxxAdapter` global
//! (shown from `ui/main.slint` for its value of `Page` in `ui/app.slint`),
//! the module `screens/xxx.rs` with `setup(&shell, …) -> Rc<Xxx>` (wires
//! the adapter's callbacks, adds the screen to the shell) and an
//! `impl Screen` (`pages`, `render`, and what it needs of `enter`, `reset`,
//! `changed`, `tick`, `typed`), and the line in [`kiosk`] calling `setup`.
//! Its texts go in `crates/vitrine-i18n/locales/*/kiosk.ftl` (Rust) and
//! the `.po` files (`@tr` in the page).
//!
//! # Text
//! Texts drawn from Rust come from the message catalogue
//! (`crates/vitrine-i18n/locales/<lang>/kiosk.ftl`, `kiosk-staff.ftl`):
//! screens keep `vitrine_i18n::Text` in their state and render it in the
//! session's language when they draw. The `.slint` files use `@tr` with
//! the French source strings and `ui/translations/<lang>/LC_MESSAGES/vitrine.po`
//! for the others. Choosing a language selects both.
//!
//! # Threads
//! The Slint event loop owns the main thread. Callbacks change the session
//! or send a request and return; catalog queries run on their own thread,
//! Argon2, file writes and waits for HQ on the tokio runtime's blocking
//! pool, and answers come back through `slint::invoke_from_event_loop` (an
//! error there is logged, never unwrapped).

/// A Slint callback that reaches `$me` (a `Weak`) if it still exists:
/// `on!(me, |screen, arg: Type| body)`.
macro_rules! on {
    ($me:expr, |$s:ident $(, $a:ident : $t:ty)*| $body:expr) => {{
        let me = $me.clone();
        move |$($a: $t),*| {
            if let Some($s) = me.upgrade() {
                $body
            }
        }
    }};
}

pub mod camera_link;
pub mod kiosk;
pub mod orders;
pub mod present;
pub mod qr;
pub mod screen;
mod screens;
mod shell;
pub mod watchdog;
pub mod worker;

/// The code slint-build generated from `ui/main.slint`.
#[allow(clippy::all, missing_docs, unused_qualifications)]
pub mod generated {
    slint::include_modules!();
}

use std::sync::Arc;

use slint::ComponentHandle;

pub use generated::{KioskWindow, Page};
pub use kiosk::{Kiosk, KioskError, KioskOptions, ScanSender, Wake};

use crate::config::{Backend, Layout, LoadedConfig, Renderer};

/// How the kiosk is started from the command line.
pub struct RunOptions {
    pub utc_offset: time::UtcOffset,
    pub runtime: tokio::runtime::Handle,
    pub orders: Option<Arc<dyn orders::OrderDesk>>,
    pub sync_status: Option<tokio::sync::watch::Receiver<crate::sync::SyncStatus>>,
    pub availability: Option<crate::sync::AvailabilityService>,
    /// Where the heartbeat learns the screen's, camera's and sound's state.
    pub health: Option<crate::sync::HealthProbe>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "no display backend could start ({0}): on a desktop check DISPLAY or WAYLAND_DISPLAY; on store hardware set ui.backend = \"linuxkms\" and run from a console with access to /dev/dri"
    )]
    Backend(slint::PlatformError),
    #[error(transparent)]
    Kiosk(#[from] KioskError),
    #[error("cannot start the scanning thread: {0}")]
    Camera(std::io::Error),
    #[error("the window's event loop stopped: {0}")]
    EventLoop(slint::PlatformError),
}

/// Chooses the display backend from `ui.backend` / `ui.renderer` unless
/// `SLINT_BACKEND` is set (Slint reads it itself).
fn select_backend(cfg: &LoadedConfig) -> Result<(), RunError> {
    if std::env::var_os("SLINT_BACKEND").is_some() {
        return Ok(());
    }
    let ui = &cfg.config.ui;
    if ui.backend == Backend::Auto && ui.renderer == Renderer::Auto {
        return Ok(());
    }
    let mut sel = slint::BackendSelector::new();
    if ui.backend != Backend::Auto {
        sel = sel.backend_name(ui.backend.as_str().into());
    }
    if ui.renderer != Renderer::Auto {
        sel = sel.renderer_name(ui.renderer.as_str().into());
    }
    sel.select().map_err(RunError::Backend)
}

/// Opens the kiosk window (full screen unless `ui.fullscreen = false`) and
/// runs until it is closed.
pub fn run(cfg: LoadedConfig, opts: RunOptions) -> Result<(), RunError> {
    select_backend(&cfg)?;
    let fullscreen = cfg.config.ui.fullscreen;
    let layout = cfg.config.ui.layout;
    let portrait = matches!(layout, Layout::Portrait | Layout::LowReach);
    let kiosk_config = cfg.config.clone();
    let kiosk = Kiosk::new(
        cfg,
        KioskOptions {
            wake: Wake::EventLoop,
            utc_offset: opts.utc_offset,
            runtime: opts.runtime,
            orders: opts.orders,
            sync_status: opts.sync_status,
            availability: opts.availability,
        },
    )?;
    let window = kiosk.window().window();
    // The design size first: on a display with no window manager (a bare X
    // server, some store players) full screen is not honoured and the window
    // would otherwise open at a small default size.
    let size = if portrait {
        slint::LogicalSize::new(1080.0, 1920.0)
    } else {
        slint::LogicalSize::new(1920.0, 1080.0)
    };
    window.set_size(size);
    if fullscreen {
        window.set_fullscreen(true);
    }
    // Once the event loop turns, the window exists and is shown: fill the
    // monitor if full screen was not honoured, scale the layout to the
    // screen, tell systemd the kiosk is up and start the watchdog's pings.
    let started: std::rc::Rc<std::cell::RefCell<Option<watchdog::Watchdog>>> = Default::default();
    let weak = kiosk.window().as_weak();
    let slot = started.clone();
    let up = slint::spawn_local(async move {
        if let Some(ui) = weak.upgrade() {
            screen::on_screen(ui.window(), fullscreen).await;
            screen::apply(ui.window(), layout);
        }
        *slot.borrow_mut() = Some(watchdog::start());
    });
    if let Err(e) = up {
        tracing::error!(error = %e, "cannot schedule the start-up tasks: no systemd readiness");
    }
    // The camera (or replay) and the decoder run on their own threads; the
    // link stops them when the window closes.
    let camera = camera_link::CameraLink::start(&kiosk_config, kiosk.scan_sender(), opts.health.clone())
        .map_err(RunError::Camera)?;
    if let Some(h) = &opts.health {
        use vitrine_core::wire::fleet::ScreenState;
        h.set_audio_device(Some(crate::speech::audio::detect().present()));
        // The window is shown by `run` and stays until the kiosk stops.
        h.set_screen(ScreenState::On);
    }
    let result = kiosk.window().run().map_err(RunError::EventLoop);
    drop(started);
    if let Some(h) = &opts.health {
        h.set_screen(vitrine_core::wire::fleet::ScreenState::Off);
    }
    drop(camera);
    result
}
