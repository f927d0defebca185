//! Shared by the headless UI tests: a real catalog (the embedded demo data)
//! in a temporary folder, the real kiosk controller on Slint's testing
//! backend, and helpers that find controls the way a screen reader does.
#![allow(dead_code)]

pub mod frames;

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use slint::ComponentHandle;
use vitrine::catalog::Catalog;
use vitrine::config::{self, LoadedConfig};
use vitrine::scan::{ScanEvent, ScanSource};
use vitrine::ui::{Kiosk, KioskOptions, KioskWindow, Wake};
use vitrine_core::Symbology;
use vitrine_core::code::{CodeContext, classify};

/// The demo catalog's showcase product: "Nordic must original", 3 for 2.
pub const NORDIC: &str = "5449000039231";

pub fn seed(dir: &Path) {
    let mut cat = Catalog::open(dir).expect("open the catalog");
    cat.seed_demo_if_empty(vitrine_core::demo::DEMO_SEED, vitrine::clock::now())
        .expect("seed the demo data");
}

/// The configuration of a kiosk whose data lives in `dir`, with extra
/// `VITRINE__…` settings.
pub fn config(dir: &Path, extra: &[(&str, &str)]) -> LoadedConfig {
    let mut env = vec![("VITRINE__KIOSK__DATA_DIR".to_string(), dir.display().to_string())];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    config::load(None, env).expect("valid test configuration")
}

pub struct TestKiosk {
    pub kiosk: Rc<Kiosk>,
    // Kept alive for the kiosk's blocking work.
    pub runtime: tokio::runtime::Runtime,
}

impl TestKiosk {
    pub fn new(cfg: LoadedConfig) -> TestKiosk {
        TestKiosk::with_outbox(cfg, None)
    }

    /// A kiosk whose handoffs and orders go to the real outbox in `outbox`.
    pub fn with_outbox(cfg: LoadedConfig, outbox: Option<vitrine::sync::Outbox>) -> TestKiosk {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let kiosk = Kiosk::new(
            cfg,
            KioskOptions {
                wake: Wake::Manual,
                utc_offset: time::UtcOffset::UTC,
                runtime: runtime.handle().clone(),
                sync_status: outbox.as_ref().map(|o| o.subscribe()),
                availability: None,
                orders: outbox.map(|o| {
                    std::sync::Arc::new(vitrine::ui::orders::OutboxDesk(o))
                        as std::sync::Arc<dyn vitrine::ui::orders::OrderDesk>
                }),
            },
        )
        .expect("kiosk");
        // The kiosk's screen: 1080p, landscape by default.
        kiosk.window().window().set_size(slint::PhysicalSize::new(1920, 1080));
        let t = TestKiosk { kiosk, runtime };
        t.settle();
        t
    }

    pub fn ui(&self) -> &KioskWindow {
        self.kiosk.window()
    }

    /// Waits for every answer from the workers.
    pub fn settle(&self) {
        assert!(self.kiosk.settle(Duration::from_secs(20)), "the workers did not answer");
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(0));
    }

    /// A code read by the camera, as the scan pipeline sends it.
    pub fn scan(&self, digits: &str, symbology: Symbology) {
        let event = ScanEvent {
            text: digits.to_string(),
            symbology: Some(symbology),
            result: classify(digits, symbology, &CodeContext::defaults(vitrine::scan::today())),
            source: ScanSource::Camera,
            captured_at: Instant::now(),
        };
        self.kiosk.scan_sender().send(event);
        self.settle();
    }

    /// The button a screen reader calls `label` (exactly).
    pub fn button(&self, label: &str) -> ElementHandle {
        self.buttons(label).into_iter().next().unwrap_or_else(|| {
            panic!(
                "no button labelled {label:?} on page {:?}; buttons: {:?}",
                self.kiosk.page(),
                self.button_labels()
            )
        })
    }

    pub fn buttons(&self, label: &str) -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(self.ui(), label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .collect()
    }

    pub fn has_button(&self, label: &str) -> bool {
        !self.buttons(label).is_empty()
    }

    pub fn button_labels(&self) -> Vec<String> {
        ElementQuery::from_root(self.ui())
            .match_accessible_role(AccessibleRole::Button)
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .collect()
    }

    /// Presses a button as a screen reader (or a touch) would, then lets the
    /// workers answer.
    pub fn press(&self, label: &str) {
        let b = self.button(label);
        assert_eq!(b.accessible_enabled(), Some(true), "button {label:?} is disabled");
        b.invoke_accessible_default_action();
        self.settle();
    }

    /// Types on an on-screen keypad or keyboard, key by key.
    pub fn type_keys(&self, text: &str) {
        for c in text.chars() {
            // Keys whose label says their name rather than the sign.
            let names: &[&str] = match c {
                '.' => &["Point", "Dot", "Punkt"],
                '+' => &["Plus"],
                ' ' => &["Espace", "Space", "Leerzeichen"],
                '(' => &["Parenthèse ouvrante", "Opening bracket", "Klammer auf"],
                ')' => &["Parenthèse fermante", "Closing bracket", "Klammer zu"],
                _ => &[],
            };
            let label = names
                .iter()
                .find(|n| self.has_button(n))
                .map(|n| n.to_string())
                .unwrap_or_else(|| c.to_string());
            self.press(&label);
        }
    }

    /// Whether some element reads `text` (a Text, or an element's label).
    pub fn shows(&self, text: &str) -> bool {
        ElementHandle::find_by_accessible_label(self.ui(), text)
            .next()
            .is_some()
    }

    /// Goes to a page as the app's navigation does, then lets the workers
    /// answer.
    pub fn go(&self, page: vitrine::ui::Page) {
        self.ui().global::<vitrine::ui::generated::App>().invoke_navigate(page);
        self.settle();
    }

    /// Advances Slint's mock clock one second at a time.
    pub fn wait_seconds(&self, n: u32) {
        for _ in 0..n {
            i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
        }
        self.settle();
    }
}

pub fn global<'a, T: slint::Global<'a, KioskWindow>>(ui: &'a KioskWindow) -> T {
    ui.global::<T>()
}

/// The kiosk's outbox in `dir`, with a device identity as enrollment
/// would leave it (a fresh key pair; `public_base_url` as HQ would give).
pub fn enrolled_outbox(dir: &Path, public_base_url: &str) -> vitrine::sync::Outbox {
    use vitrine_core::sign::SecretKey;
    let outbox = vitrine::sync::Outbox::open(dir).expect("open the outbox");
    outbox
        .save_identity(&vitrine::sync::store::DeviceIdentity {
            device_id: "kiosk-test-1".into(),
            store: "paris-01".into(),
            hq_url: "http://127.0.0.1:9".into(),
            token: "test-token".into(),
            hq_public_key: SecretKey::from_seed([4; 32]).public(),
            device_key: SecretKey::from_seed([3; 32]),
            public_base_url: public_base_url.into(),
            enrolled_at: vitrine::clock::now(),
        })
        .expect("save the identity");
    outbox
}
