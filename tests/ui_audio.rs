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
    kiosk_with(lang, extra, false)
}

/// `enrolled`: handoffs and orders go to a real outbox (enrolled as HQ
/// would leave it), as on a store's kiosk.
fn kiosk_with(lang: &str, extra: &[(&str, &str)], enrolled: bool) -> Audio {
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
    let outbox = enrolled.then(|| support::enrolled_outbox(dir.path(), "https://shop.example"));
    let k = TestKiosk::with_outbox(config(dir.path(), &env), outbox);
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
        self.focus_where(prefix, |t| t.starts_with(prefix));
    }

    /// Presses Down until a control whose spoken line matches `pred` has
    /// the focus.
    fn focus_where(&self, prefix: &str, pred: impl Fn(&str) -> bool) {
        for _ in 0..40 {
            let n = self.lines().len();
            self.key(Key::DownArrow);
            let i = self.heard(n, "a control", |t| t.contains(", "));
            if pred(&self.lines()[i].text) {
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
    let a = kiosk_with(lang, &[], true);
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
    let a = journey(
        "en",
        "Audio mode on.",
        "Start: scan a product, button.",
        "Add to basket, button.",
        "Basket",
        "Total:",
    );
    send_by_text(
        &a,
        "Send to my phone",
        "Get the link by text message or email, button.",
        // "+" types here: it is audio mode's volume key elsewhere.
        "+33612345678",
        "The link to your basket will go by text message to •• •• •• •• 78",
    );
}

/// From the basket, by keys alone: "send to my phone", then the phone
/// number typed (said back digit by digit) and Enter: the confirmation is
/// spoken, the link is queued for HQ with the number, and what was typed
/// is gone from the session.
fn send_by_text(a: &Audio, send: &str, get_link: &str, number: &str, confirmation: &str) {
    a.focus(send);
    let n = a.lines().len();
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Handoff);
    // The page says how to get the link without the QR code; its main
    // action is the text-or-email button.
    a.heard(n, "the send button", |t| t == get_link);
    let n = a.lines().len();
    let typing = n;
    a.type_slowly(number);
    a.heard(n, "the digits said back", |t| t == "8");
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "the confirmation", |t| t.starts_with(confirmation));
    assert!(
        a.lines()[typing..].iter().all(|l| !l.text.starts_with("Volume")),
        "every key typed into the number: {:?}",
        a.lines()
    );
    assert!(a.k.kiosk.session().typed.handoff_contact.is_empty(), "typed text wiped");
    let ob = vitrine::sync::Outbox::open(a._dir.path()).unwrap();
    let p = ob.next_pending().unwrap().unwrap();
    assert_eq!(p.kind, vitrine::sync::MessageKind::Handoff, "the basket first");
    let bytes = |f: &str| std::fs::read(a._dir.path().join(f)).unwrap_or_default();
    let raw = String::from_utf8_lossy(&bytes("kiosk.sqlite-wal")).to_string()
        + &String::from_utf8_lossy(&bytes("kiosk.sqlite"));
    assert!(raw.contains("+33612345678"), "the number queued for HQ");
    // The next shopper finds nothing of it.
    a.k.kiosk.reset_session("test: next shopper");
    assert!(!a.k.shows("78"), "the masked number is gone from the screen");
}

#[test]
fn a_blind_shopper_sends_the_basket_by_text_message_in_french() {
    let a = journey(
        "fr",
        "Mode audio activé.",
        "Commencer : scanner un produit, bouton.",
        "Ajouter au panier, bouton.",
        "Panier",
        "Total :",
    );
    send_by_text(
        &a,
        "Envoyer sur mon téléphone",
        "Recevoir le lien par SMS ou e-mail, bouton.",
        "0612345678",
        "Le lien de votre panier partira par SMS au •• •• •• •• 78",
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

/// Click & collect by keys alone: the kiosk's store is chosen already, a
/// slot is picked with Down and Enter, the name and the phone number are
/// typed on the keyboard (said back), the order is confirmed with Enter and
/// its number is spoken.
#[test]
fn a_blind_shopper_orders_click_and_collect_by_keys() {
    let a = journey(
        "en",
        "Audio mode on.",
        "Start: scan a product, button.",
        "Add to basket, button.",
        "Basket",
        "Total:",
    );
    a.focus("Click & collect");
    let n = a.lines().len();
    a.key(Key::Return);
    assert_eq!(a.k.kiosk.page(), Page::Collect);
    a.heard(n, "step 1", |t| t.starts_with("Click and collect, step 1 of 4"));
    a.heard(n, "Next", |t| t == "Next, button.");
    // The stores with the basket in stock come from the catalog thread.
    let deadline = Instant::now() + Duration::from_secs(20);
    while a.k.kiosk.session().collect.store.is_none() {
        assert!(Instant::now() < deadline, "no store chosen");
        std::thread::sleep(Duration::from_millis(20));
        a.k.settle();
    }
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "step 2", |t| t.starts_with("Step 2 of 4"));
    a.focus_where("a slot", |t| t.ends_with(", option."));
    a.key(Key::Return);
    assert!(a.k.kiosk.session().collect.slot.is_some(), "Enter picked the slot");
    a.focus("Next");
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "step 3", |t| t.starts_with("Step 3 of 4"));
    a.type_slowly("Camille");
    a.key(Key::Return);
    let n = a.lines().len();
    a.type_slowly("0612345678");
    a.heard(n, "the digits said back", |t| t == "8");
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "step 4", |t| t.starts_with("Step 4 of 4"));
    a.heard(n, "Confirm", |t| t.starts_with("Confirm the order, button."));
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "the order number", |t| t.starts_with("Order number: "));
    assert!(a.k.kiosk.session().typed.is_empty(), "what was typed is wiped");
}

/// A product scanned while another product's page is shown is said too
/// (the page stays the product page); and a search hit reached by Down
/// opens with Enter even after the page redrew (issue 18's kiosk journey
/// found both broken).
#[test]
fn a_product_scanned_on_a_products_page_and_a_search_hit_opened_by_keys_are_said() {
    let a = kiosk("fr", &[]);
    let other = vitrine::catalog::Catalog::open_readonly(a._dir.path())
        .unwrap()
        .all_products()
        .unwrap()
        .into_iter()
        .find(|p| {
            p.gtin.short_form().len() == 13 && p.gtin.short_form() != NORDIC && !p.gtin.is_restricted_circulation()
        })
        .unwrap();
    a.key(Key::F1);
    a.heard(0, "the announcement", |t| t.starts_with("Mode audio activé."));
    a.k.scan(NORDIC, vitrine_core::Symbology::Ean13);
    assert_eq!(a.k.kiosk.page(), Page::Product);
    a.heard(0, "the first product", |t| t == "Nordic must original.");
    let n = a.lines().len();
    a.k.scan(&other.gtin.short_form(), vitrine_core::Symbology::Ean13);
    a.heard(n, "the second product", |t| t == format!("{}.", other.name));

    // Search by name: the hit focused by Down, the page redrawn (as every
    // answer and the camera's figures do), then Enter.
    a.k.go(Page::Attract);
    a.focus("Chercher par nom");
    a.key(Key::Return);
    a.type_slowly("nordic");
    a.focus_where("a search hit", |t| t.starts_with("Nordic must original, "));
    a.k.kiosk.pump();
    a.k.go(Page::Scan);
    let n = a.lines().len();
    a.key(Key::Return);
    a.heard(n, "the product found by name", |t| t == "Nordic must original.");
}
