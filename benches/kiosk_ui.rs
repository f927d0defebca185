//! Kiosk UI benchmarks (figures in docs/BENCHMARKS.md, section "Kiosk UI").
//!
//! 1. Frame time of the scan screen, portrait 1080×1920, with a live camera
//!    preview changing every frame, drawn by Slint's software renderer into
//!    a 32-bit buffer: full repaints and partial (only what changed).
//! 2. Scan to product visible: from a scan event's capture time to the end
//!    of the first frame that shows the product (catalog lookup on the
//!    catalog thread, page switch, render), over real demo products.
//! 3. The same in replay: QR codes (GS1 Digital Link of demo products)
//!    played as a camera through the real scan pipeline (capture thread,
//!    zxing-cpp decoder thread, debounce) and the camera link to the
//!    screen; from the frame's capture time to the end of the frame that
//!    shows the product.
//!
//! 4. The same with real photos (issue 18): the in-repo photos of product
//!    codes (EAN-13, EAN-8, UPC-A, UPC-E), each pasted at its own size in
//!    the centre of a busy 1280x720 frame and played as a camera on its
//!    own (up to 1 s), their GTINs added to the demo catalog.
//!
//! Run: `cargo bench --bench kiosk_ui` (release build; no display needed).

#[path = "../tests/support/frames.rs"]
mod frames;
#[path = "../tests/support/photos.rs"]
mod photos;

use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::platform::software_renderer::{MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel, SharedPixelBuffer};
use vitrine::catalog::Catalog;
use vitrine::scan::{ScanEvent, ScanSource};
use vitrine::ui::generated::App;
use vitrine::ui::{Kiosk, KioskOptions, Page, Wake};
use vitrine_core::Symbology;
use vitrine_core::code::{CodeContext, classify};

struct BenchPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for BenchPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

const W: u32 = 1080;
const H: u32 = 1920;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<58} n={:<4} p50={:>7.2} ms  p95={:>7.2} ms  max={:>7.2} ms",
        v.len(),
        ms(percentile(&v, 0.5)),
        ms(percentile(&v, 0.95)),
        ms(*v.last().unwrap_or(&Duration::ZERO))
    );
}

/// A camera-like picture that changes every frame (a moving gradient with
/// bars, like a barcode going by).
fn frame(w: u32, h: u32, t: u32) -> SharedPixelBuffer<Rgb8Pixel> {
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(w, h);
    let px = buf.make_mut_slice();
    for y in 0..h {
        for x in 0..w {
            let bar = ((x + t * 7) / 9).is_multiple_of(2) && y > h / 3 && y < 2 * h / 3;
            let v = if bar { 20 } else { ((x + y + t * 3) % 200 + 40) as u8 };
            px[(y * w + x) as usize] = Rgb8Pixel { r: v, g: v, b: v };
        }
    }
    buf
}

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: do
    // nothing then (the figures mean something only in a release build).
    if !std::env::args().any(|a| a == "--bench") {
        println!("kiosk UI bench: run it with `cargo bench --bench kiosk_ui` (see benches/kiosk_ui.rs)");
        return;
    }
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(BenchPlatform { window: window.clone() })).expect("platform");
    let dir = tempfile::tempdir().expect("temp dir");
    let products = {
        let mut cat = Catalog::open(dir.path()).expect("catalog");
        cat.seed_demo_if_empty(vitrine_core::demo::DEMO_SEED, vitrine::clock::now())
            .expect("demo data");
        let photographed: Vec<vitrine_core::catalog::Change> = photo_products()
            .into_iter()
            .flat_map(|(_, p)| {
                let price = vitrine_core::demo::demo_price(&p, vitrine_core::demo::DEMO_SEED);
                [
                    vitrine_core::catalog::Change::UpsertProduct(p),
                    vitrine_core::catalog::Change::SetPrice(price),
                ]
            })
            .collect();
        cat.apply(&photographed, vitrine::catalog::VersionMove::Increment, 0, &mut |_| {})
            .expect("the photographed products");
        cat.all_products().expect("products")
    };
    let cfg = vitrine::config::load(
        None,
        vec![("VITRINE__KIOSK__DATA_DIR".to_string(), dir.path().display().to_string())],
    )
    .expect("config");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let kiosk: Rc<Kiosk> = Kiosk::new(
        cfg,
        KioskOptions {
            wake: Wake::Manual,
            utc_offset: time::UtcOffset::UTC,
            runtime: rt.handle().clone(),
            orders: None,
            sync_status: None,
            availability: None,
        },
    )
    .expect("kiosk");
    kiosk.settle(Duration::from_secs(10));
    window.set_size(PhysicalSize::new(W, H));
    kiosk.window().show().expect("show");
    let mut pixels = vec![PremultipliedRgbaColor::default(); (W * H) as usize];
    let repaint_mode = std::cell::Cell::new(RepaintBufferType::NewBuffer);
    let draw = |pixels: &mut Vec<PremultipliedRgbaColor>| {
        slint::platform::update_timers_and_animations();
        window.draw_if_needed(|r| {
            r.set_repaint_buffer_type(repaint_mode.get());
            r.render(pixels, W as usize);
        });
    };
    let app = kiosk.window().global::<App>();
    app.invoke_navigate(Page::Scan);
    draw(&mut pixels);
    let sender = kiosk.scan_sender();

    println!("Kiosk UI, {W}x{H} portrait, software renderer");
    for (label, repaint) in [
        ("full repaint", RepaintBufferType::NewBuffer),
        ("partial repaint", RepaintBufferType::ReusedBuffer),
    ] {
        // Takes effect on the next draw (the first frame below is not counted).
        repaint_mode.set(repaint);
        window.request_redraw();
        for (pw, ph) in [(640u32, 360u32), (1280, 720)] {
            let frames: Vec<_> = (0..8).map(|t| frame(pw, ph, t)).collect();
            let mut times = Vec::new();
            for i in 0..240 {
                sender.preview(frames[i % frames.len()].clone());
                let t0 = Instant::now();
                kiosk.pump();
                draw(&mut pixels);
                if i >= 20 {
                    times.push(t0.elapsed());
                }
            }
            report(&format!("scan screen frame, {pw}x{ph} preview, {label}"), times);
        }
    }

    // Scan to product visible.
    repaint_mode.set(RepaintBufferType::ReusedBuffer);
    let rules = CodeContext::defaults(vitrine::scan::today());
    let mut latencies = Vec::new();
    let codes: Vec<String> = products
        .iter()
        .filter(|p| !p.gtin.is_restricted_circulation())
        .take(400)
        .map(|p| p.gtin.short_form())
        .filter(|c| c.len() == 13)
        .take(300)
        .collect();
    for (i, code) in codes.iter().enumerate() {
        app.invoke_navigate(Page::Scan);
        sender.preview(frame(640, 360, i as u32));
        kiosk.pump();
        draw(&mut pixels);
        let captured_at = Instant::now();
        sender.send(ScanEvent {
            text: code.clone(),
            symbology: Some(Symbology::Ean13),
            result: classify(code, Symbology::Ean13, &rules),
            source: ScanSource::Replay,
            captured_at,
        });
        kiosk.settle(Duration::from_secs(5));
        draw(&mut pixels);
        if kiosk.page() == Page::Product {
            latencies.push(captured_at.elapsed());
        }
    }
    report("scan event to product visible (lookup + page + frame)", latencies);

    // Scan to product visible in replay: frames through the real pipeline.
    let frames_dir = dir.path().join("replay");
    std::fs::create_dir_all(&frames_dir).expect("replay folder");
    let replayed: Vec<&String> = codes.iter().take(40).collect();
    for (i, code) in replayed.iter().enumerate() {
        frames::write_qr_frame(
            &frames_dir.join(format!("{i:03}.png")),
            &format!("https://id.gs1.org/01/0{code}"),
        );
    }
    let mut camera_cfg = vitrine::config::KioskConfig::default();
    camera_cfg.camera.source = vitrine::config::CameraSource::Replay;
    camera_cfg.camera.replay_dir = frames_dir.display().to_string();
    // Each frame shows another product: one scan per frame.
    camera_cfg.camera.replay_fps = 4;
    let before = kiosk.latencies().len();
    let link =
        vitrine::ui::camera_link::CameraLink::start(&camera_cfg, kiosk.scan_sender(), None).expect("camera link");
    let mut latencies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = before;
    while latencies.len() < 2 * replayed.len() && Instant::now() < deadline {
        kiosk.pump();
        let all = kiosk.latencies();
        if all.len() > seen {
            // The product is on the page: draw the frame that shows it.
            let t0 = Instant::now();
            draw(&mut pixels);
            latencies.push(all[all.len() - 1] + t0.elapsed());
            seen = all.len();
        } else {
            draw(&mut pixels);
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    drop(link);
    report(
        "replay frame capture to product visible (pipeline + link + lookup + page + frame)",
        latencies,
    );

    // The same with real photos: each its own replay (a new camera link),
    // held up to 1 s; from the capture of the frame that was read to the
    // end of the frame that shows the product.
    let photo_products = photo_products();
    let mut latencies = Vec::new();
    for (k, (row, _)) in photo_products.iter().enumerate() {
        let folder = dir.path().join(format!("photo{k:03}"));
        std::fs::create_dir_all(&folder).expect("replay folder");
        photos::camera_frame(&photos::photo(&row.file), 500 + k as u64)
            .save(folder.join("frame.png"))
            .expect("write a frame");
        app.invoke_navigate(Page::Scan);
        kiosk.pump();
        draw(&mut pixels);
        let mut camera_cfg = camera_cfg.clone();
        camera_cfg.camera.replay_dir = folder.display().to_string();
        camera_cfg.camera.replay_fps = 30;
        let before = kiosk.latencies().len();
        let link =
            vitrine::ui::camera_link::CameraLink::start(&camera_cfg, kiosk.scan_sender(), None).expect("camera link");
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            kiosk.pump();
            let all = kiosk.latencies();
            if all.len() > before {
                let t0 = Instant::now();
                draw(&mut pixels);
                latencies.push(all[all.len() - 1] + t0.elapsed());
                break;
            }
            draw(&mut pixels);
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(link);
    }
    println!(
        "(real photos: {} of {} product photos shown)",
        latencies.len(),
        photo_products.len()
    );
    report(
        "replay of real photos, frame capture to product visible (same path)",
        latencies,
    );
}

/// The in-repo photos of product codes (not QR codes, not in-store label
/// numbers) and a product for each GTIN they hold.
fn photo_products() -> Vec<(photos::Row, vitrine_core::product::Product)> {
    photos::manifest()
        .into_iter()
        .filter(|r| r.format != "qr" && !r.expected_gtin14.is_empty())
        .filter_map(|r| {
            let record = serde_json::json!({
                "gtin14": r.expected_gtin14,
                "name": format!("Photographed product {}", r.expected_gtin14),
                "brand": "Photo",
                "quantity": "1 piece",
                "source": "tests/data/barcodes",
                "license": "Apache-2.0",
            })
            .to_string();
            let p = vitrine_core::catalog::parse_record(&record).ok()?;
            (!p.gtin.is_restricted_circulation()).then_some((r, p))
        })
        .collect()
}
