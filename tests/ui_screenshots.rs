//! Renders every screen, in every language of the kiosk (French, English,
//! German), landscape (1920×1080) and portrait (1080×1920), and in German
//! (the longest words) on a small 1280×800 panel and a 3840×2160 one, with
//! Slint's software renderer and no display, on the real catalog and
//! controller.
//!
//! On every screen at every size it checks that the layout fits the
//! screen: the window's scale makes the design fill it (the logical size
//! is at least 1920×1080, or 1080×1920 in portrait, and exactly that one
//! way), every button and text lies inside the window (or inside a list
//! that scrolls, itself inside the window), and no two buttons overlap
//! (except under an overlay: the idle warning, the accessibility options).
//! It also checks the pictures are drawn; with `VITRINE_WRITE_SCREENSHOTS=1`
//! it writes them, at half size, to `docs/screenshots/` (see
//! `scripts/screenshots.sh`).

mod support;

use std::path::PathBuf;

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot, TestingBackend, TestingBackendOptions};
use slint::ComponentHandle;
use support::{NORDIC, TestKiosk, config, seed};
use vitrine::ui::Page;
use vitrine::ui::generated::App;
use vitrine_core::Symbology;

struct Shooter {
    out: Option<PathBuf>,
    count: usize,
}

/// A rectangle in logical pixels: x, y, width, height.
#[derive(Debug, Clone, Copy)]
struct Rect(f32, f32, f32, f32);

impl Rect {
    fn of(e: &ElementHandle) -> Rect {
        let (p, s) = (e.absolute_position(), e.size());
        Rect(p.x, p.y, s.width, s.height)
    }
    /// Inside `o`, give or take half a pixel of rounding.
    fn inside(&self, o: &Rect) -> bool {
        self.0 >= o.0 - 0.5
            && self.1 >= o.1 - 0.5
            && self.0 + self.2 <= o.0 + o.2 + 0.5
            && self.1 + self.3 <= o.1 + o.3 + 0.5
    }
    /// Overlapping by more than a pixel both ways.
    fn overlaps(&self, o: &Rect) -> bool {
        let w = (self.0 + self.2).min(o.0 + o.2) - self.0.max(o.0);
        let h = (self.1 + self.3).min(o.1 + o.3) - self.1.max(o.1);
        w > 1.0 && h > 1.0
    }
    /// Within the columns of `o` (a list that scrolls vertically).
    fn in_columns_of(&self, o: &Rect) -> bool {
        self.0 >= o.0 - 0.5 && self.0 + self.2 <= o.0 + o.2 + 0.5
    }
}

/// The layout fits the window (see the module's documentation). Returns
/// the number of buttons checked.
fn check_fit(k: &TestKiosk, name: &str, expect: (u32, u32), overlay: bool) -> usize {
    let window = k.ui().window();
    let size = window.size();
    assert_eq!((size.width, size.height), expect, "{name}: window size");
    let scale = window.scale_factor();
    let screen = Rect(0.0, 0.0, size.width as f32 / scale, size.height as f32 / scale);
    let (design_w, design_h) = if expect.0 >= expect.1 {
        (1920.0, 1080.0)
    } else {
        (1080.0, 1920.0)
    };
    assert!(
        screen.2 >= design_w - 1.0
            && screen.3 >= design_h - 1.0
            && ((screen.2 - design_w).abs() < 1.0 || (screen.3 - design_h).abs() < 1.0),
        "{name}: logical size {}x{} at scale {scale} does not fit the {design_w}x{design_h} design",
        screen.2,
        screen.3
    );
    let visible = |e: &ElementHandle| e.computed_opacity() > 0.0 && e.size().width > 0.0 && e.size().height > 0.0;
    let lists: Vec<Rect> = ElementHandle::find_by_element_type_name(k.ui(), "Flickable")
        .filter(visible)
        .map(|e| Rect::of(&e))
        .collect();
    for l in &lists {
        assert!(
            l.inside(&screen),
            "{name}: a scrolling list at {l:?} is cut off ({screen:?})"
        );
    }
    // In a list, what is scrolled out of view is not cut off.
    let in_list = |r: &Rect| lists.iter().any(|l| r.in_columns_of(l) && !r.inside(l));
    let buttons: Vec<(Rect, String)> = k
        .ui()
        .root_element()
        .query_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
        .into_iter()
        .filter(visible)
        .map(|e| (Rect::of(&e), e.accessible_label().unwrap_or_default().to_string()))
        .filter(|(r, _)| !in_list(r))
        .collect();
    for (r, label) in &buttons {
        assert!(
            r.inside(&screen),
            "{name}: button {label:?} at {r:?} is cut off ({screen:?})"
        );
    }
    let texts = ElementHandle::find_by_element_type_name(k.ui(), "Text").filter(visible);
    for t in texts {
        let r = Rect::of(&t);
        if !in_list(&r) {
            assert!(r.inside(&screen), "{name}: text at {r:?} is cut off ({screen:?})");
        }
    }
    if !overlay {
        for (i, (a, la)) in buttons.iter().enumerate() {
            for (b, lb) in &buttons[i + 1..] {
                // A button drawn inside another (a key's label area) is one control.
                let nested = a.inside(b) || b.inside(a);
                assert!(
                    !a.overlaps(b) || nested,
                    "{name}: buttons {la:?} {a:?} and {lb:?} {b:?} overlap"
                );
            }
        }
    }
    buttons.len()
}

impl Shooter {
    fn shoot(&mut self, k: &TestKiosk, name: &str, expect: (u32, u32)) {
        k.settle();
        let overlay = k.ui().global::<App>().get_a11y_open() || k.ui().global::<App>().get_idle_warning();
        let checked = check_fit(k, name, expect, overlay);
        assert!(
            checked > 0,
            "{name}: no button found (the UI was compiled without debug info?)"
        );
        // A toast goes after 4 s; mock time does not run between shots.
        k.ui().global::<App>().set_toast("".into());
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(20));
        let snap = k.ui().window().take_snapshot().expect("snapshot");
        let (w, h) = (snap.width(), snap.height());
        // Not blank: the page draws more than its background.
        let px = snap.as_slice();
        let first = px[(h / 2 * w + w / 2) as usize];
        assert!(px.iter().any(|p| *p != first), "{name}: blank picture");
        self.count += 1;
        if let Some(dir) = &self.out {
            let img = image::RgbaImage::from_raw(w, h, snap.as_bytes().to_vec()).expect("pixels");
            let small = image::imageops::resize(&img, w / 2, h / 2, image::imageops::FilterType::Triangle);
            write_palette_png(&dir.join(format!("{name}.png")), &small);
        }
    }
}

#[test]
fn every_screen_in_every_language_and_orientation() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .expect("platform");
    let out = std::env::var_os("VITRINE_WRITE_SCREENSHOTS").map(|_| {
        let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let only = std::env::var("VITRINE_SCREENSHOT_ONLY").ok();
    let mut shooter = Shooter { out, count: 0 };
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    for (orient, w, h, langs) in [
        ("landscape", 1920, 1080, &["fr", "en", "de"][..]),
        ("portrait", 1080, 1920, &["fr", "en", "de"][..]),
        ("1280x800", 1280, 800, &["de"][..]),
        ("3840x2160", 3840, 2160, &["de"][..]),
    ] {
        for &lang in langs {
            let outbox = support::enrolled_outbox(dir.path(), "https://shop.example");
            // The store's own PIN (the factory PIN only allows setting one).
            let pin = vitrine::staff::hash_pin("2468").unwrap();
            let k = TestKiosk::with_outbox(
                config(
                    dir.path(),
                    &[("VITRINE__UI__LANGUAGE", lang), ("VITRINE__STAFF__PIN_HASH", &pin)],
                ),
                Some(outbox),
            );
            k.ui().window().set_size(slint::PhysicalSize::new(w, h));
            k.ui().show().unwrap();
            let mut shot = |k: &TestKiosk, name: &str| {
                k.settle();
                let full = format!("{orient}-{lang}-{name}");
                if only.as_deref().is_none_or(|o| full.contains(o)) {
                    shooter.shoot(k, &full, (w, h));
                }
            };
            let app = k.ui().global::<App>();
            shot(&k, "01-attract");
            app.invoke_navigate(Page::Scan);
            k.type_keys("544900");
            shot(&k, "02-scan-keypad");
            k.scan(NORDIC, Symbology::Ean13);
            shot(&k, "03-product");
            for _ in 0..2 {
                k.kiosk
                    .window()
                    .global::<vitrine::ui::generated::ProductAdapter>()
                    .invoke_add();
            }
            k.settle();
            app.invoke_navigate(Page::Basket);
            shot(&k, "04-basket");
            app.invoke_navigate(Page::Identify);
            k.type_keys("0612");
            shot(&k, "05-identify");
            app.invoke_navigate(Page::Collect);
            shot(&k, "06-collect-store");
            let c = k.ui().global::<vitrine::ui::generated::CollectAdapter>();
            c.invoke_next();
            c.invoke_pick_slot(1);
            k.settle();
            shot(&k, "06b-collect-slot");
            c.invoke_next();
            k.type_keys("camille");
            c.invoke_key("OK".into());
            k.type_keys("camille@example.fr");
            k.settle();
            shot(&k, "06c-collect-contact");
            c.invoke_next();
            k.settle();
            shot(&k, "06d-collect-summary");
            c.invoke_confirm();
            k.settle();
            shot(&k, "06e-collect-done");
            app.invoke_navigate(Page::Basket);
            k.ui()
                .global::<vitrine::ui::generated::BasketAdapter>()
                .invoke_send_to_phone();
            k.settle();
            shot(&k, "04b-send-to-phone");
            app.invoke_navigate(Page::Scan);
            k.ui()
                .global::<vitrine::ui::generated::ScanAdapter>()
                .set_mode(vitrine::ui::generated::ScanMode::Search);
            k.type_keys("choco");
            shot(&k, "07-scan-search");
            k.wait_seconds(60);
            shot(&k, "08-idle-warning");
            k.kiosk.reset_session("screenshots");
            let staff = k.ui().global::<vitrine::ui::generated::StaffAdapter>();
            app.invoke_staff_corner();
            k.type_keys("1111");
            staff.invoke_pin_key("OK".into());
            shot(&k, "09-staff-pin");
            k.type_keys("2468");
            staff.invoke_pin_key("OK".into());
            shot(&k, "10-staff-settings");
            staff.set_tab(vitrine::ui::generated::StaffTab::Status);
            shot(&k, "11-staff-status");
            staff.set_tab(vitrine::ui::generated::StaffTab::Camera);
            shot(&k, "12-staff-camera-test");
            k.kiosk.reset_session("screenshots");
            // Accessibility: the options, larger text, controls low down.
            app.set_a11y_open(true);
            shot(&k, "13-accessibility");
            app.invoke_set_large_text(true);
            app.set_a11y_open(false);
            k.scan(NORDIC, Symbology::Ean13);
            shot(&k, "14-product-large-text");
            app.invoke_set_large_text(false);
            app.invoke_set_low_reach(true);
            app.invoke_navigate(Page::Scan);
            shot(&k, "15-scan-low-reach");
            k.kiosk.reset_session("screenshots");
            app.invoke_set_low_reach(false);
            // The scan screen with a camera picture (a barcode photo from
            // the demo frames) and the camera's state from the pipeline.
            app.invoke_navigate(Page::Scan);
            let sender = k.kiosk.scan_sender();
            sender.preview(camera_picture());
            sender.camera(
                vitrine::scan::CameraStatus::Running {
                    source: "replay".into(),
                    mode: None,
                },
                vitrine::scan::ScanMetrics::default(),
            );
            shot(&k, "16-scan-camera-preview");
            // Out of stock here: collect it in another store (endless aisle).
            k.scan(&out_of_stock_here(dir.path()), Symbology::Ean13);
            shot(&k, "17-product-out-of-stock-here");
            k.kiosk.reset_session("screenshots");
            // An identified shopper (the app's QR code, HQ unreachable: the
            // token's tier and personal coupon apply offline).
            k.scan(&member_item(dir.path()), Symbology::Ean13);
            k.kiosk
                .window()
                .global::<vitrine::ui::generated::ProductAdapter>()
                .invoke_add();
            k.scan(NORDIC, Symbology::Ean13);
            k.kiosk
                .window()
                .global::<vitrine::ui::generated::ProductAdapter>()
                .invoke_add();
            app.invoke_navigate(Page::Identify);
            k.scan(&loyalty_qr(), Symbology::Qr);
            shot(&k, "05b-identified");
            app.invoke_navigate(Page::Basket);
            shot(&k, "04c-basket-member");
            k.kiosk.reset_session("screenshots");
        }
    }
    assert!(shooter.count > 0);
}

/// A demo product with a member price.
fn member_item(dir: &std::path::Path) -> String {
    vitrine::catalog::Catalog::open(dir)
        .unwrap()
        .active_promotions("paris-01", vitrine::clock::now())
        .unwrap()
        .into_iter()
        .find_map(|p| match (&p.audience, &p.target) {
            (vitrine_core::pricing::Audience::Members { .. }, vitrine_core::pricing::Target::Gtins(g)) => {
                g.first().map(|g| g.short_form())
            }
            _ => None,
        })
        .expect("a member price in the demo catalog")
}

/// The retailer app's QR text for a gold member with a 10 % coupon, signed
/// by the key `support::enrolled_outbox` trusts as HQ's.
fn loyalty_qr() -> String {
    use vitrine_core::loyalty::{LoyaltyToken, TokenOffer};
    let hq = vitrine_core::sign::SecretKey::from_seed([4; 32]);
    let now = vitrine::clock::now();
    LoyaltyToken::new(
        &hq.public(),
        "cus-DEMOCAMILLE",
        "Camille",
        Some(vitrine_core::pricing::Tier::Gold),
        true,
        now,
    )
    .with_offers(vec![TokenOffer {
        code: "MERCI-DEMO0001".into(),
        basis_points: 1000,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + 30 * 86_400,
    }])
    .sign(&hq)
}

/// A 640x360 camera picture: a demo barcode photo on a grey background.
fn camera_picture() -> slint::SharedPixelBuffer<slint::Rgb8Pixel> {
    let photo =
        image::open(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/frames/00-nordic-must-original.webp"))
            .expect("demo frame")
            .to_luma8();
    let mut frame = image::GrayImage::from_pixel(640, 360, image::Luma([120]));
    let (x, y) = ((640 - photo.width().min(640)) / 2, (360 - photo.height().min(360)) / 2);
    image::imageops::overlay(&mut frame, &photo, i64::from(x), i64::from(y));
    let rgb: Vec<u8> = frame.as_raw().iter().flat_map(|&l| [l, l, l]).collect();
    slint::SharedPixelBuffer::clone_from_slice(&rgb, 640, 360)
}

/// A demo EAN-13 product out of stock in the kiosk's store and in stock in
/// another.
fn out_of_stock_here(dir: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(dir.join("catalog.sqlite")).unwrap();
    let gtin: i64 = conn
        .query_row(
            "SELECT s.gtin FROM stock s JOIN stock o ON o.gtin = s.gtin AND o.store != s.store AND o.quantity > 5
             WHERE s.store = 'paris-01' AND s.quantity = 0 AND s.gtin BETWEEN 3000000000000 AND 9999999999999
             ORDER BY s.gtin LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a demo product out of stock in paris-01");
    format!("{gtin:013}")
}

/// A 64-colour palette PNG: a flat UI survives the quantisation, the file
/// is a third of an RGB one.
fn write_palette_png(path: &std::path::Path, img: &image::RgbaImage) {
    let rgba = img.as_raw();
    let nq = color_quant::NeuQuant::new(10, 64, rgba);
    let palette: Vec<u8> = nq.color_map_rgb();
    let indices: Vec<u8> = rgba.chunks_exact(4).map(|p| nq.index_of(p) as u8).collect();
    let file = std::fs::File::create(path).expect("create the screenshot");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), img.width(), img.height());
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(palette);
    enc.set_compression(png::Compression::High);
    let mut w = enc.write_header().expect("PNG header");
    w.write_image_data(&indices).expect("PNG data");
}
