//! The kiosk on the UI thread: the shell with its screens. This is where
//! the screens are listed (one line each) and where a code read goes; the
//! rest is in `super::shell` and `super::screens`.

use std::rc::Rc;
use std::time::Duration;

use super::generated::{KioskWindow, Page};
use super::screens::{attract, basket, collect, handoff, identify, product, scan, staff};
use super::shell::Shell;
pub use super::shell::{KioskError, KioskOptions, ScanSender, Wake};
use crate::config::LoadedConfig;
use crate::session::Session;

/// The kiosk: its window, the shopper's session and the screens.
pub struct Kiosk {
    shell: Rc<Shell>,
    scan: Rc<scan::Scan>,
}

impl Kiosk {
    /// Creates the window, starts the catalog thread and sets up every
    /// screen. The window is not shown: [`super::run`] shows it; tests
    /// drive it headless.
    pub fn new(cfg: LoadedConfig, opts: KioskOptions) -> Result<Rc<Kiosk>, KioskError> {
        let shell = Shell::new(cfg, opts)?;
        // The screens, each wired to its page's adapter. A new screen is one
        // line here (after the screens it hands the shopper to).
        let handoff = handoff::setup(&shell);
        let identify = identify::setup(&shell);
        let basket = basket::setup(&shell, &handoff);
        let product = product::setup(&shell, &handoff);
        let scan = scan::setup(&shell, &product, &identify, &basket);
        attract::setup(&shell, &scan);
        collect::setup(&shell);
        let staff = staff::setup(&shell);

        // A code read while the staff screens are shown is theirs (the
        // camera test); anywhere else it is the shopper's.
        let (to_scan, to_staff) = (Rc::downgrade(&scan), Rc::downgrade(&staff));
        let me = Rc::downgrade(&shell);
        shell.read_codes_with(move |ev| {
            let Some(shell) = me.upgrade() else { return };
            match shell.page() {
                Page::Staff | Page::StaffPin => {
                    if let Some(s) = to_staff.upgrade() {
                        s.code_read(&ev);
                    }
                }
                _ => {
                    if let Some(s) = to_scan.upgrade() {
                        s.on_scan(ev);
                    }
                }
            }
        });
        shell.start();
        Ok(Rc::new(Kiosk { shell, scan }))
    }

    pub fn window(&self) -> &KioskWindow {
        &self.shell.ui
    }

    /// For the camera decoder, the USB scanner and tests.
    pub fn scan_sender(&self) -> ScanSender {
        self.shell.scan_sender()
    }

    /// The session (tests check what a reset leaves).
    pub fn session(&self) -> Session {
        self.shell.st().session.clone()
    }

    /// Scan-to-product-on-screen latencies measured so far.
    pub fn latencies(&self) -> Vec<Duration> {
        self.scan.latencies()
    }

    /// The configuration in force (the file's and the environment's, with
    /// HQ's remote settings over it).
    pub fn config(&self) -> crate::config::LoadedConfig {
        self.shell.st().cfg.clone()
    }

    pub fn page(&self) -> Page {
        self.shell.page()
    }

    /// What the speech worker reports (benchmarks time speech starts).
    pub fn speech_events(&self) -> Option<flume::Receiver<crate::speech::SpeechEvent>> {
        self.shell.speech_events()
    }

    /// Handles everything the workers sent.
    pub fn pump(&self) {
        self.shell.pump();
    }

    /// Waits (up to `timeout`) until every answer asked of a worker has
    /// come and been handled. For headless tests and benchmarks, which run
    /// no event loop. Returns false on timeout.
    pub fn settle(&self, timeout: Duration) -> bool {
        self.shell.settle(timeout)
    }

    /// Wipes the session and returns to the attract screen.
    pub fn reset_session(&self, reason: &str) {
        self.shell.reset_session(reason);
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        // The screens hold the shell and the shell holds the screens: let
        // go of them so that neither outlives the kiosk.
        self.shell.forget_screens();
    }
}
