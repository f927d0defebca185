//! The kiosk's screen fed by the real scan pipeline: a replayed "camera"
//! (image files played as frames) through the zxing-cpp decoder thread and
//! the camera link, and a USB barcode scanner typing on the keyboard.

mod support;

use slint::ComponentHandle;
use std::time::{Duration, Instant};

use support::frames::write_qr_frame;
use support::{NORDIC, TestKiosk, config, seed};
use vitrine::ui::Page;
use vitrine::ui::camera_link::CameraLink;
use vitrine::ui::generated::{App, ProductAdapter, ScanAdapter};

/// Lets the kiosk handle what the workers send until `done` or 20 s.
fn wait_for(k: &TestKiosk, mut done: impl FnMut(&TestKiosk) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        k.kiosk.settle(Duration::from_millis(50));
        if done(k) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_replayed_camera_shows_its_picture_and_the_product_it_reads() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let frames = dir.path().join("frames");
    std::fs::create_dir(&frames).unwrap();
    // A GS1 Digital Link QR code naming the demo's showcase product.
    write_qr_frame(&frames.join("01.png"), &format!("https://id.gs1.org/01/0{NORDIC}"));
    let cfg = config(
        dir.path(),
        &[
            ("VITRINE__CAMERA__SOURCE", "replay"),
            ("VITRINE__CAMERA__REPLAY_DIR", frames.to_str().unwrap()),
            ("VITRINE__CAMERA__REPLAY_FPS", "10"),
            // A code held in view counts again after the cooldown (2 s by
            // default): on a loaded machine this test can take longer than
            // that, so the cooldown is out of its way (what it checks is
            // that frames of a held code are one scan).
            ("VITRINE__SCAN__COOLDOWN_MS", "60000"),
        ],
    );
    let k = TestKiosk::new(cfg.clone());
    let started = Instant::now();
    // The heartbeat's probe hears the camera and the scan too.
    let health = vitrine::sync::HealthProbe::new();
    let link = CameraLink::start(&cfg.config, k.kiosk.scan_sender(), Some(health.clone())).unwrap();
    let scan = k.ui().global::<ScanAdapter>();
    assert!(
        wait_for(&k, |k| k.kiosk.page() == Page::Product),
        "the replayed code reached the screen"
    );
    assert_eq!(k.ui().global::<ProductAdapter>().get_name(), "Nordic must original");
    // Its latency was measured from the frame's capture time: a frame
    // captured after the camera started, shown before now.
    let shown_within = started.elapsed();
    let latencies = k.kiosk.latencies();
    assert_eq!(latencies.len(), 1, "one code held in view is one scan");
    assert!(
        latencies[0] > Duration::ZERO && latencies[0] <= shown_within,
        "{latencies:?} vs {shown_within:?}"
    );
    // The preview and the camera's state reached the screen too.
    assert!(wait_for(&k, |_| scan.get_has_preview()), "a preview picture");
    let preview = scan.get_preview().to_rgb8().expect("an RGB preview");
    assert!(preview.width() > 0 && preview.width() <= 640, "{}", preview.width());
    // The scan page redraws the camera's state only while it is shown (the
    // figures change twice a second): back to it, as the shopper would.
    k.go(Page::Scan);
    assert!(
        wait_for(&k, |_| scan.get_camera_status().starts_with("Caméra en marche")),
        "{}",
        scan.get_camera_status()
    );
    // The same code still in view for a few frames is not a second scan.
    std::thread::sleep(Duration::from_millis(500));
    k.kiosk.settle(Duration::from_millis(50));
    assert_eq!(k.kiosk.latencies().len(), 1);
    let h = health.get();
    assert_eq!(h.camera, vitrine_core::wire::fleet::CameraState::Ok);
    assert!(h.last_scan.is_some() && h.decode_fps.is_some(), "{h:?}");
    drop(link);
}

#[test]
fn a_missing_replay_folder_is_said_on_screen_and_the_kiosk_keeps_working() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let missing = dir.path().join("no-such-folder");
    let cfg = config(
        dir.path(),
        &[
            ("VITRINE__CAMERA__SOURCE", "replay"),
            ("VITRINE__CAMERA__REPLAY_DIR", missing.to_str().unwrap()),
        ],
    );
    let k = TestKiosk::new(cfg.clone());
    let health = vitrine::sync::HealthProbe::new();
    let _link = CameraLink::start(&cfg.config, k.kiosk.scan_sender(), Some(health.clone())).unwrap();
    let scan = k.ui().global::<ScanAdapter>();
    assert!(
        wait_for(&k, |_| scan.get_camera_status().starts_with("Caméra indisponible")),
        "{}",
        scan.get_camera_status()
    );
    assert!(!scan.get_has_preview());
    // HQ's fleet page will say this kiosk is blind (once the pipeline
    // reports; the screen's first words come from the configuration).
    let deadline = Instant::now() + Duration::from_secs(20);
    while health.get().camera != vitrine_core::wire::fleet::CameraState::Down {
        assert!(Instant::now() < deadline, "the probe never heard: {:?}", health.get());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Codes still come in other ways.
    k.scan(NORDIC, vitrine_core::Symbology::Ean13);
    assert_eq!(k.kiosk.page(), Page::Product);
}

#[test]
fn a_usb_scanner_burst_is_a_scan_and_slow_typing_goes_to_the_keypad() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let k = TestKiosk::new(config(dir.path(), &[]));
    let app = k.ui().global::<App>();
    // A scanner types the 13 digits and Enter within a few milliseconds.
    for c in NORDIC.chars() {
        app.invoke_key_text(c.to_string().into());
    }
    app.invoke_key_text("\n".into());
    k.settle();
    assert_eq!(k.kiosk.page(), Page::Product);
    assert_eq!(k.ui().global::<ProductAdapter>().get_name(), "Nordic must original");

    // A person types on the code keypad: keys far apart are typing, applied
    // to the field (after the short hold the classifier needs).
    k.go(Page::Scan);
    let scan = k.ui().global::<ScanAdapter>();
    for c in "54".chars() {
        app.invoke_key_text(c.to_string().into());
        std::thread::sleep(Duration::from_millis(80));
    }
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    k.settle();
    assert_eq!(scan.get_keypad_text(), "54");
    assert_eq!(k.kiosk.page(), Page::Scan, "typing is not a scan");
}

/// Issue 19 on the kiosk's screen: GS1 data from a USB scanner without
/// prefix and with its configured separator, GS1 data typed in brackets on
/// the code keypad (with its bracket keys), and a forged label price
/// refused with the reason, never shown as the price.
#[test]
fn gs1_data_from_a_usb_scanner_and_typed_in_brackets_reach_the_product_and_a_forged_price_is_refused() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let k = TestKiosk::new(config(dir.path(), &[("VITRINE__SCAN__GS1_SEPARATOR", "^")]));
    let app = k.ui().global::<App>();
    let scan = k.ui().global::<ScanAdapter>();
    // The scanner: GTIN, lot, "^" for GS, expiry, Enter, in one burst.
    for c in format!("010{NORDIC}10ABC123^17751231\n").chars() {
        app.invoke_key_text(c.to_string().into());
    }
    k.settle();
    assert_eq!(k.kiosk.page(), Page::Product, "{}", scan.get_feedback());
    assert_eq!(k.ui().global::<ProductAdapter>().get_name(), "Nordic must original");

    // Typed on the keypad, brackets included.
    k.go(Page::Scan);
    k.type_keys(&format!("(01)0{NORDIC}(17)751231"));
    assert_eq!(scan.get_keypad_text(), format!("(01)0{NORDIC}(17)751231"));
    k.press("Voir le produit");
    assert_eq!(k.kiosk.page(), Page::Product, "{}", scan.get_feedback());

    // A price printed beside a weight on the can's label: GS1's syntax
    // holds, but the can has a fixed price.
    k.go(Page::Scan);
    k.type_keys(&format!("(01)0{NORDIC}(3103)000330(3922)0001"));
    k.press("Voir le produit");
    assert!(
        wait_for(&k, |_| scan.get_feedback().contains("prix fixe")),
        "{}",
        scan.get_feedback()
    );
    assert_eq!(k.kiosk.page(), Page::Scan, "never shown with that price");
    // The label price without a measure: GS1 refuses the code.
    k.type_keys(&format!("(01)0{NORDIC}(3922)0001"));
    k.press("Voir le produit");
    let said = scan.get_feedback();
    assert!(
        said.contains("Ce code a été refusé") && said.contains("(3922)"),
        "{said}"
    );
    assert_eq!(k.kiosk.page(), Page::Scan);
}
