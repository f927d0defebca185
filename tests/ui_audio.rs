//! Audio mode driven by keys alone (EN 301 549 §5.1.6, EZ Access), headless
//! on Slint's testing backend with the real kiosk controller and speech
//! worker: every step is a key event sent to the window, and what a blind
//! shopper hears is read back from the speech log, in order.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, SharedString};
use support::{NORDIC, TestKiosk, config, seed};
use vitrine::speech::log::{Logged, read};
use vitrine::ui::Page;
use vitrine::ui::generated::{App, BasketAdapter};

struct Audio {
    _dir: tempfile::TempDir,
    log: PathBuf,
    k: TestKiosk,
}

fn kiosk(lang: &str, extra: &[(&str, &str)]) -> Audio {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let log = dir.path().join("speech.jsonl");
    let mut env = vec![
        ("VITRINE__UI__LANGUAGE", lang),
        ("VITRINE__ACCESSIBILITY__SPEECH_LOG", log.to_str().unwrap()),
        ("VITRINE__ACCESSIBILITY__HEADSET_DETECTION", "false"),
    ];
    env.extend_from_slice(extra);
    let k = TestKiosk::new(config(dir.path(), &env));
    Audio { _dir: dir, log, k }
}

impl Audio {
    fn key(&self, key: Key) {
        self.text(&char::from(key).to_string());
    }

    fn text(&self, t: &str) {
        let text = SharedString::from(t);
        let w = self.k.ui().window();
        w.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        w.dispatch_event(WindowEvent::KeyReleased { text });
        self.k.settle();
    }

    /// Types like a person (slower than a USB scanner), then lets the held
    /// keys go.
    fn type_slowly(&self, s: &str) {
        for c in s.chars() {
            self.text(&c.to_string());
            std::thread::sleep(Duration::from_millis(45));
        }
        self.k.wait_seconds(0);
        std::thread::sleep(Duration::from_millis(60));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
        self.k.settle();
    }

    /// Waits until the speech worker has logged a line matching `pred`
    /// after the first `from` lines; returns its index.
    fn heard(&self, from: usize, what: &str, pred: impl Fn(&str) -> bool) -> usize {
        wait_for(&self.log, from, what, pred)
    }

    fn lines(&self) -> Vec<Logged> {
        read(&self.log).unwrap()
    }

    /// Presses Down until the control called `label…` has the focus.
    fn focus(&self, prefix: &str) {
        for _ in 0..40 {
            let n = self.lines().len();
            self.key(Key::DownArrow);
            let i = self.heard(n, "a control", |t| t.contains(", "));
            if self.lines()[i].text.starts_with(prefix) {
                return;
            }
        }
        panic!(
            "no control starting with {prefix:?} in the focus order: {:?}",
            self.lines()
        );
    }
}

fn wait_for(log: &Path, from: usize, what: &str, pred: impl Fn(&str) -> bool) -> usize {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines = read(log).unwrap();
        if let Some(i) = lines.iter().skip(from).position(|l| pred(&l.text)) {
            return from + i;
        }
        assert!(Instant::now() < deadline, "never heard {what}; heard: {lines:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The whole journey by keys: F1, Enter on "Start", the code typed and
/// Enter, the product said with its price, Enter adds it, Down to the
/// basket, Enter: the basket's lines and total said. Returns the kiosk.
fn journey(lang: &str, announce: &str, start: &str, added: &str, basket: &str, total: &str) -> Audio {
    let a = kiosk(lang, &[]);
    let app = a.k.ui().global::<App>();
    assert!(!app.get_audio_mode());
    a.key(Key::F1);
    assert!(app.get_audio_mode());
    let on = a.heard(0, "the announcement", |t| t.starts_with(announce));
    // The attract screen's main action has the focus.
    let i = a.heard(on, "the Start button", |t| t.starts_with(start));
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Scan);
    a.type_slowly(NORDIC);
    let n = a.lines().len();
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Product);
    let name = a.heard(n.max(i), "the product", |t| t == "Nordic must original.");
    let price = a.heard(name, "its price", |t| t.contains('€'));
    assert!(price == name + 1, "the price right after the name: {:#?}", a.lines());
    // "Add to basket" is the product page's main action.
    a.heard(price, "the Add button", |t| t.starts_with(added));
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "the confirmation", |t| t.contains("Nordic must original"));
    assert_eq!(a.k.kiosk.session().unit_count(), 1);
    a.focus(basket);
    let n = a.lines().len();
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Basket);
    let b = a.k.ui().global::<BasketAdapter>();
    let said_total = format!("{total} {}.", b.get_total());
    a.heard(n, "the basket's total", |t| t == said_total);
    a
}

#[test]
fn a_blind_shopper_scans_by_keys_and_hears_the_product_and_the_total_in_french() {
    let a = journey(
        "fr",
        "Mode audio activé.",
        "Commencer : scanner un produit, bouton.",
        "Ajouter au panier, bouton.",
        "Panier",
        "Total :",
    );
    // Escape goes back; F1 says where you are; a new key cuts the sentence.
    let n = a.lines().len();
    a.key(Key::Escape);
    assert_eq!(a.k.kiosk.page(), Page::Scan);
    a.heard(n, "the scan page", |t| t.starts_with("Scanner un produit."));
    let n = a.lines().len();
    a.key(Key::F1);
    a.heard(n, "the keys", |t| t.starts_with("Haut et bas pour vous déplacer"));
    // The shopper's volume and rate.
    a.text("+");
    a.heard(0, "the volume", |t| t == "Volume 90 pour cent.");
    a.key(Key::F2);
    a.heard(0, "the rate", |t| t == "Vitesse rapide.");
    // The session ends: audio mode with it (the next shopper starts it).
    a.k.kiosk.reset_session("test: next shopper");
    assert!(!a.k.ui().global::<App>().get_audio_mode());
}

#[test]
fn a_blind_shopper_scans_by_keys_and_hears_the_product_and_the_total_in_english() {
    journey(
        "en",
        "Audio mode on.",
        "Start: scan a product, button.",
        "Add to basket, button.",
        "Basket",
        "Total:",
    );
}

#[test]
fn a_blind_shopper_in_german_in_portrait_and_large_text() {
    let a = kiosk(
        "de",
        &[("VITRINE__UI__LAYOUT", "portrait"), ("VITRINE__UI__LARGE_TEXT", "true")],
    );
    a.k.ui().window().set_size(slint::PhysicalSize::new(1080, 1920));
    a.key(Key::F1);
    a.heard(0, "the announcement", |t| t.starts_with("Audiomodus eingeschaltet."));
    a.heard(0, "Start", |t| t.starts_with("Starten: Produkt scannen, Schaltfläche."));
    a.key(Key::Return);
    a.type_slowly(NORDIC);
    a.key(Key::Return);
    let name = a.heard(0, "the product", |t| t == "Nordic must original.");
    a.heard(name, "its price", |t| t.starts_with("Preis: ") && t.contains(" €"));
}

/// A sighted keyboard user: Tab moves the focus without audio mode, Enter
/// presses the focused button; nothing is spoken.
#[test]
fn tab_and_enter_work_without_audio_mode_and_say_nothing() {
    let a = kiosk("fr", &[]);
    a.key(Key::Tab);
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Scan, "Tab reached Start and Enter pressed it");
    assert!(a.lines().is_empty(), "{:?}", a.lines());
}

/// Audio mode doubles the idle time limits, and the warning says to press
/// any key.
#[test]
fn the_idle_warning_is_spoken_and_audio_mode_doubles_the_time() {
    let a = kiosk(
        "en",
        &[
            ("VITRINE__UI__IDLE_TIMEOUT_S", "10"),
            ("VITRINE__UI__IDLE_WARNING_S", "5"),
        ],
    );
    a.key(Key::F1);
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Scan);
    a.k.wait_seconds(12);
    assert!(!a.k.ui().global::<App>().get_idle_warning(), "twice 10 s in audio mode");
    a.k.wait_seconds(9);
    assert!(a.k.ui().global::<App>().get_idle_warning());
    a.heard(0, "the warning", |t| {
        t.starts_with("Are you still there?") && t.ends_with("Press any key for more time.")
    });
    a.key(Key::Space);
    assert!(!a.k.ui().global::<App>().get_idle_warning(), "a key gives more time");
}
