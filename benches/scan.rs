//! Scanning benchmark: decode rate per format on the in-repo photos, time per
//! camera frame, false reads on empty frames, scan-event latency in replay.
//!
//! ```sh
//! cargo bench --bench scan --no-run                       # build it
//! taskset -c 1 target/release/deps/scan-* --bench         # all, on one core
//! taskset -c 1 target/release/deps/scan-* --bench rates   # or: frames, falsepos, latency
//! cargo bench --bench scan --features rxing -- rates      # rxing side by side
//! ```
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) it does nothing.
//! Figures and the decision are in docs/BENCHMARKS.md, "Scanning".

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use image::GrayImage;
use vitrine::camera::replay::ReplaySource;
use vitrine::scan::decoder::{
    self, BarcodeDecoder, Effort, HARDER_MAX_PIXELS, LumaImage, Pass, Symbol, ZxingDecoder, centre_region,
};
use vitrine::scan::pipeline::{PipelineSettings, ScanPipeline};
use vitrine::scan::{CameraStatus, debounce::DebounceRules};
use vitrine_core::code::{CodeContext, Scanned};

#[path = "../tests/support/frames.rs"]
mod frames;
#[path = "../tests/support/photos.rs"]
mod photos;

use photos::{Row, busy_frame, data_dir, manifest, noise_frame, photo};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("scan bench: run it with `cargo bench --bench scan` (see benches/scan.rs)");
        return;
    }
    let picked: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let all = picked.is_empty();
    let want = |name: &str| all || picked.contains(&name);
    println!(
        "# scan bench (decoders: {})",
        decoders().iter().map(|d| d.0).collect::<Vec<_>>().join(", ")
    );
    if want("rates") {
        rates();
    }
    if want("frames") {
        frames();
    }
    if want("falsepos") {
        falsepos();
    }
    if want("latency") {
        latency();
    }
}

type Factory = fn() -> Box<dyn BarcodeDecoder>;

fn decoders() -> Vec<(&'static str, Factory)> {
    #[allow(unused_mut)]
    let mut v: Vec<(&'static str, Factory)> = vec![("zx", || Box::new(ZxingDecoder::new()))];
    #[cfg(feature = "rxing")]
    v.push(("rx", || Box::new(vitrine::scan::decoder::RxingDecoder::new())));
    v
}

/// A way of reading an image: one or more passes whose results are joined.
#[derive(Clone, Copy)]
enum Mode {
    One(Effort),
    /// One pass on the local-contrast-normalised image.
    Enhanced(Effort),
    /// The live pipeline with a third pass, harder on the normalised centre
    /// region, in its cycle.
    Live3,
    /// The live pipeline on a still view: frame n (fast, full frame) and
    /// frame n+1 (harder, centre region), results joined.
    Live,
    /// `vitrine scan FILE`: fast, then thorough if nothing was found.
    Still,
}

fn modes() -> Vec<(&'static str, Mode)> {
    vec![
        ("fast", Mode::One(Effort::Fast)),
        ("harder", Mode::One(Effort::Harder)),
        ("thorough", Mode::One(Effort::Thorough)),
        ("harder-enhanced", Mode::Enhanced(Effort::Harder)),
        ("thorough-enhanced", Mode::Enhanced(Effort::Thorough)),
        ("live", Mode::Live),
        ("live3", Mode::Live3),
        ("still", Mode::Still),
    ]
}

fn run_mode(d: &mut dyn BarcodeDecoder, mode: Mode, img: &GrayImage) -> Vec<Symbol> {
    let image = LumaImage {
        data: img.as_raw(),
        width: img.width(),
        height: img.height(),
    };
    match mode {
        Mode::One(e) => d.decode(image, Pass::full(e)).unwrap_or_default(),
        Mode::Enhanced(e) => d.decode(image, Pass::full(e).enhanced()).unwrap_or_default(),
        Mode::Live3 => {
            let mut v = run_mode(d, Mode::Live, img);
            let roi = centre_region(image.width, image.height, HARDER_MAX_PIXELS);
            v.extend(
                d.decode(image, Pass::region(Effort::Harder, roi).enhanced())
                    .unwrap_or_default(),
            );
            v
        }
        Mode::Live => {
            let mut v = d
                .decode(image, decoder::live_pass(0, image.width, image.height))
                .unwrap_or_default();
            v.extend(
                d.decode(image, decoder::live_pass(1, image.width, image.height))
                    .unwrap_or_default(),
            );
            v
        }
        Mode::Still => decoder::decode_still(d, image).unwrap_or_default(),
    }
}

/// True when `s` is the expected code of `row`.
fn matches(row: &Row, s: &Symbol, rules: &CodeContext<'_>) -> bool {
    if row.format == "qr" {
        return s.text == row.expected_text;
    }
    match s.classify(rules) {
        Ok(Scanned::Product(p)) => p.gtin.as_gtin14() == row.expected_gtin14,
        _ => false,
    }
}

fn mean_p95(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let mean = s.iter().sum::<f64>() / s.len() as f64;
    let idx = ((s.len() as f64 * 0.95).ceil() as usize).clamp(1, s.len()) - 1;
    (mean, s[idx])
}

const FORMATS: [&str; 5] = ["ean13", "ean8", "upca", "upce", "qr"];

fn rates() {
    let rules = CodeContext::defaults(vitrine::scan::today());
    let rows = manifest();
    let images: Vec<GrayImage> = rows
        .iter()
        .map(|r| vitrine::scan::read_luma(&data_dir().join(&r.file)).expect("test photo"))
        .collect();
    let mut per_format: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *per_format.entry(fmt_key(&r.format)).or_default() += 1;
    }
    for (variant, rotate) in [("as photographed", false), ("turned 90°", true)] {
        println!("\n## Read rate on {} in-repo photos, {variant}\n", rows.len());
        let imgs: Vec<GrayImage> = if rotate {
            images.iter().map(image::imageops::rotate90).collect()
        } else {
            images.clone()
        };
        let mut header = String::from("| mode |");
        let mut sep = String::from("|---|");
        for f in FORMATS {
            header.push_str(&format!(" {f} ({}) |", per_format.get(f).copied().unwrap_or(0)));
            sep.push_str("---|");
        }
        header.push_str(" all | wrong codes | mean ms/photo |");
        sep.push_str("---|---|---|");
        println!("{header}\n{sep}");
        for (dname, factory) in decoders() {
            let mut d = factory();
            for (mname, mode) in modes() {
                let mut read: BTreeMap<&str, usize> = BTreeMap::new();
                let mut wrong = 0;
                let mut times = Vec::new();
                for (row, img) in rows.iter().zip(&imgs) {
                    let t = Instant::now();
                    let found = run_mode(d.as_mut(), mode, img);
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    // Scored on the one symbol `vitrine scan` prints
                    // (`scan::best_symbol`), as tests/scan.rs does, not on
                    // any symbol returned (issue 18).
                    if vitrine::scan::best_symbol(&found, &rules).is_some_and(|(s, _)| matches(row, s, &rules)) {
                        *read.entry(fmt_key(&row.format)).or_default() += 1;
                    }
                    // A product code that is not the expected one (and not a
                    // QR payload): a wrong product would be shown.
                    wrong += found
                        .iter()
                        .filter(|s| !matches(row, s, &rules) && matches!(s.classify(&rules), Ok(Scanned::Product(_))))
                        .filter(|_| row.format != "qr")
                        .count();
                }
                let total: usize = read.values().sum();
                let mut line = format!("| {dname}-{mname} |");
                for f in FORMATS {
                    line.push_str(&format!(" {} |", read.get(f).copied().unwrap_or(0)));
                }
                line.push_str(&format!(
                    " {total} ({:.0}%) | {wrong} | {:.2} |",
                    100.0 * total as f64 / rows.len() as f64,
                    mean_p95(&times).0
                ));
                println!("{line}");
            }
        }
    }
}

fn fmt_key(f: &str) -> &'static str {
    FORMATS.iter().copied().find(|k| *k == f).unwrap_or("other")
}

/// Pastes `patch` scaled to `frac` of the frame's width, centred at (cx, cy).
fn paste(frame: &mut GrayImage, patch: &GrayImage, frac: f32, cx: f32, cy: f32) {
    let tw = (frame.width() as f32 * frac) as u32;
    let th = (u64::from(patch.height()) * u64::from(tw) / u64::from(patch.width())) as u32;
    let p = image::imageops::resize(patch, tw, th, image::imageops::FilterType::Triangle);
    let x = (frame.width() as f32 * cx) as i64 - i64::from(tw) / 2;
    let y = (frame.height() as f32 * cy) as i64 - i64::from(th) / 2;
    image::imageops::replace(frame, &p, x, y);
}

const EAN_PHOTO: &str = "zxing-cpp/ean13-1/10.webp"; // 8480010001136
const QR_PHOTO: &str = "zxing-cpp/qrcode-1/11.webp";

/// The pass to time for a frame of this width and height.
type PassFor = Box<dyn Fn(u32, u32) -> Pass>;

fn frames() {
    let ean = photo(EAN_PHOTO);
    let qr = photo(QR_PHOTO);
    let iters = 40;
    println!("\n## Time per camera frame (mean / p95 ms over {iters} decodes; ✓ read, ✗ not read)\n");
    let passes: Vec<(&str, PassFor)> = vec![
        ("fast, full frame", Box::new(|_, _| Pass::full(Effort::Fast))),
        (
            "harder, centre region",
            Box::new(|w, h| Pass::region(Effort::Harder, centre_region(w, h, HARDER_MAX_PIXELS))),
        ),
        (
            "harder enhanced, centre region",
            Box::new(|w, h| Pass::region(Effort::Harder, centre_region(w, h, HARDER_MAX_PIXELS)).enhanced()),
        ),
        ("harder, full frame", Box::new(|_, _| Pass::full(Effort::Harder))),
        ("thorough, full frame", Box::new(|_, _| Pass::full(Effort::Thorough))),
    ];
    let mut cols = String::from("| frame |");
    let mut sep = String::from("|---|");
    for (dname, _) in decoders() {
        for (pname, _) in &passes {
            cols.push_str(&format!(" {dname} {pname} |"));
            sep.push_str("---|");
        }
        cols.push_str(&format!(" {dname} live (alternating) |"));
        sep.push_str("---|");
    }
    println!("{cols}\n{sep}");
    for (w, h) in [(1280u32, 720u32), (1920, 1080)] {
        let label = if h == 720 { "720p" } else { "1080p" };
        let mut cases: Vec<(String, GrayImage, Option<&str>)> = vec![
            (
                format!("{label} flat grey"),
                GrayImage::from_pixel(w, h, image::Luma([128])),
                None,
            ),
            (format!("{label} noise+gradient"), noise_frame(w, h, 7), None),
            (format!("{label} busy"), busy_frame(w, h, 7), None),
        ];
        for (name, patch, frac, code) in [
            ("EAN-13 @30%", &ean, 0.30, "8480010001136"),
            ("EAN-13 @20% off-centre", &ean, 0.20, "8480010001136"),
            ("QR @15%", &qr, 0.15, "qr"),
        ] {
            let mut f = busy_frame(w, h, 7);
            let cx = if name.contains("off-centre") { 0.2 } else { 0.5 };
            paste(&mut f, patch, frac, cx, 0.5);
            cases.push((format!("{label} busy + {name}"), f, Some(code)));
        }
        for (name, img, code) in &cases {
            let mut line = format!("| {name} |");
            for (_, factory) in decoders() {
                let mut d = factory();
                for (_, pass) in &passes {
                    let pass = pass(w, h);
                    let (mean, p95, read) = time_pass(d.as_mut(), img, pass, iters, *code);
                    line.push_str(&format!(" {mean:.1} / {p95:.1}{} |", mark(*code, read)));
                }
                let (mean, alt_read) = live_loop(d.as_mut(), img, iters, *code);
                line.push_str(&format!(
                    " {mean:.1} ms = {:.0} fps{} |",
                    1000.0 / mean,
                    mark(*code, alt_read)
                ));
            }
            println!("{line}");
        }
    }
}

/// The pipeline's real alternating loop (issue 18): frame k decoded, back
/// to back, with the pass the pipeline gives frame k
/// (`decoder::live_pass`); the mean time per frame, and whether any frame
/// of the loop read the code (as the pipeline would over those frames).
fn live_loop(d: &mut dyn BarcodeDecoder, img: &GrayImage, iters: usize, code: Option<&str>) -> (f64, bool) {
    let image = LumaImage {
        data: img.as_raw(),
        width: img.width(),
        height: img.height(),
    };
    let mut read = false;
    let mut times = Vec::with_capacity(iters);
    let budget = Instant::now();
    for k in 0..iters as u64 {
        let t = Instant::now();
        let found = d
            .decode(image, decoder::live_pass(k, image.width, image.height))
            .unwrap_or_default();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        read |= match code {
            Some("qr") => found.iter().any(|s| s.symbology == vitrine_core::code::Symbology::Qr),
            Some(c) => found.iter().any(|s| s.text == c),
            None => false,
        };
        if budget.elapsed() > Duration::from_secs(8) && k >= 2 {
            break;
        }
    }
    (mean_p95(&times).0, read)
}

fn mark(code: Option<&str>, read: bool) -> &'static str {
    match (code, read) {
        (None, _) => "",
        (Some(_), true) => " ✓",
        (Some(_), false) => " ✗",
    }
}

fn time_pass(
    d: &mut dyn BarcodeDecoder,
    img: &GrayImage,
    pass: Pass,
    iters: usize,
    code: Option<&str>,
) -> (f64, f64, bool) {
    let image = LumaImage {
        data: img.as_raw(),
        width: img.width(),
        height: img.height(),
    };
    let found = d.decode(image, pass).unwrap_or_default();
    let read = match code {
        Some("qr") => found.iter().any(|s| s.symbology == vitrine_core::code::Symbology::Qr),
        Some(c) => found.iter().any(|s| s.text == c),
        None => false,
    };
    let mut times = Vec::with_capacity(iters);
    let budget = Instant::now();
    for _ in 0..iters {
        let t = Instant::now();
        let _ = d.decode(image, pass);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if budget.elapsed() > Duration::from_secs(8) {
            break;
        }
    }
    let (mean, p95) = mean_p95(&times);
    (mean, p95, read)
}

fn falsepos() {
    let seeds = 20u64;
    println!("\n## Codes read on frames with no barcode ({seeds} seeds x busy/noise x 720p/1080p)\n");
    println!("| decoder pass | frames | frames with a code | codes |\n|---|---|---|---|");
    let mut frames = Vec::new();
    for seed in 1..=seeds {
        for (w, h) in [(1280, 720), (1920, 1080)] {
            frames.push(busy_frame(w, h, seed * 1000 + 3));
            frames.push(noise_frame(w, h, seed * 1000 + 5));
        }
    }
    for (dname, factory) in decoders() {
        let mut d = factory();
        for (effort, enhance) in [
            (Effort::Fast, false),
            (Effort::Harder, false),
            (Effort::Thorough, false),
            (Effort::Harder, true),
            (Effort::Thorough, true),
        ] {
            let mut hit = 0;
            let mut codes = Vec::new();
            for f in &frames {
                let image = LumaImage {
                    data: f.as_raw(),
                    width: f.width(),
                    height: f.height(),
                };
                let pass = if enhance {
                    Pass::full(effort).enhanced()
                } else {
                    Pass::full(effort)
                };
                let found = d.decode(image, pass).unwrap_or_default();
                if !found.is_empty() {
                    hit += 1;
                }
                codes.extend(found.into_iter().map(|s| format!("{} {}", s.symbology.name(), s.text)));
            }
            println!(
                "| {dname} {effort:?}{} | {} | {hit} | {} |",
                if enhance { " enhanced" } else { "" },
                frames.len(),
                if codes.is_empty() { "-".into() } else { codes.join(", ") }
            );
        }
    }
}

fn latency() {
    // 720p frames: 10 empty, 10 with an EAN-13, 10 empty, 10 with a QR, each
    // code held in view for 333 ms at 30 fps, then gone long enough to count again.
    let dir = tempfile::tempdir().expect("temp dir");
    let ean = photo(EAN_PHOTO);
    let qr = photo(QR_PHOTO);
    let mut n = 0;
    for block in 0..4 {
        for i in 0..10 {
            let mut f = busy_frame(1280, 720, 100 + n);
            match block {
                1 => paste(&mut f, &ean, 0.30, 0.5, 0.5),
                3 => paste(&mut f, &qr, 0.15, 0.45 + 0.01 * i as f32, 0.5),
                _ => {}
            }
            f.save(dir.path().join(format!("{n:03}.png"))).expect("write frame");
            n += 1;
        }
    }
    let loops = 15;
    let fps = 30;
    let settings = PipelineSettings {
        debounce: DebounceRules {
            cooldown: Duration::from_millis(2000),
            leave: Duration::from_millis(300),
        },
        preview_fps: 15,
        ..PipelineSettings::default()
    };
    let pipeline = ScanPipeline::start(Box::new(ReplaySource::from_dir(dir.path(), fps).loops(loops)), settings);
    let events = pipeline.events();
    let mut lat = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(ev) => lat.push(ev.captured_at.elapsed().as_secs_f64() * 1000.0),
            Err(_) => {
                if matches!(pipeline.status(), CameraStatus::Ended { .. })
                    && pipeline.wait_finished(Duration::from_secs(5))
                {
                    while let Ok(ev) = events.try_recv() {
                        lat.push(ev.captured_at.elapsed().as_secs_f64() * 1000.0);
                    }
                    break;
                }
                if Instant::now() > deadline {
                    println!("latency: replay did not finish in time");
                    break;
                }
            }
        }
    }
    let m = pipeline.metrics();
    let mut s = lat.clone();
    s.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        s.get(((s.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!("\n## Scan-event latency, replay of 40 frames of 1280x720 at {fps} fps, {loops} loops\n");
    println!(
        "| scans (expected {}) | p50 ms | p95 ms | max ms | frames captured | decoded | dropped | decode ms mean (last 2 s) |",
        2 * loops
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {:.1} |",
        lat.len(),
        pct(0.5),
        pct(0.95),
        s.last().copied().unwrap_or(f64::NAN),
        m.frames_captured,
        m.frames_decoded,
        m.frames_dropped,
        m.decode_ms_mean
    );
    held_codes();
}

/// What one held code gave through the pipeline.
#[derive(Default)]
struct Held {
    /// From the capture of the frame that gave the right event to the event.
    event_ms: Option<f64>,
    /// From the replay's start (the code's first frame) to the capture of
    /// the frame that gave the right event.
    in_view_ms: Option<f64>,
    /// Events for a product code other than the expected one.
    wrong: usize,
    frames_decoded: u64,
    frames_captured: u64,
}

/// Plays `frame` as a camera at 30 fps for `frames` frames through the
/// real pipeline (capture thread, decoder thread alternating its passes,
/// the harder pass's confirmation, debounce; the kiosk's default
/// settings), and scores the events as the kiosk acts on them: `is_right`
/// says whether an event is the expected code.
fn hold(frame: &Path, frames: u32, is_right: &dyn Fn(&vitrine::scan::ScanEvent) -> bool) -> Held {
    let settings = PipelineSettings::from_config(&vitrine::config::KioskConfig::default());
    let start = Instant::now();
    let pipeline = ScanPipeline::start(
        Box::new(ReplaySource::from_files(vec![frame.to_path_buf()], 30).loops(frames)),
        settings,
    );
    let events = pipeline.events();
    let mut held = Held::default();
    let deadline = Instant::now() + Duration::from_secs(30);
    let take = |ev: vitrine::scan::ScanEvent, held: &mut Held| {
        if is_right(&ev) {
            if held.event_ms.is_none() {
                held.event_ms = Some(ev.captured_at.elapsed().as_secs_f64() * 1000.0);
                held.in_view_ms = Some(ev.captured_at.duration_since(start).as_secs_f64() * 1000.0);
            }
        } else if matches!(ev.result, Ok(Scanned::Product(_))) {
            held.wrong += 1;
        }
    };
    loop {
        match events.recv_timeout(Duration::from_millis(50)) {
            Ok(ev) => take(ev, &mut held),
            Err(_) => {
                if matches!(pipeline.status(), CameraStatus::Ended { .. })
                    && pipeline.wait_finished(Duration::from_secs(5))
                {
                    while let Ok(ev) = events.try_recv() {
                        take(ev, &mut held);
                    }
                    break;
                }
                if Instant::now() > deadline {
                    println!("latency: a replay did not finish in time");
                    break;
                }
            }
        }
    }
    let m = pipeline.metrics();
    held.frames_decoded = m.frames_decoded;
    held.frames_captured = m.frames_captured;
    held
}

/// Codes read and codes held, per format.
type ReadPerFormat = BTreeMap<&'static str, (usize, usize)>;

/// Frames each code is held in view: 333 ms at 30 fps.
const HOLD_FRAMES: u32 = 10;

/// The scan-event latency of codes held in view (issue 18): a generated QR
/// code (400 px, a GS1 Digital Link of a product, on flat grey: the
/// perfect case, as tests and the kiosk UI bench use), and the 268 in-repo
/// photos, each pasted at its own size (shrunk to fit when larger) in the
/// centre of a busy 1280x720 frame: every code its own replay of
/// [`HOLD_FRAMES`] frames through the real pipeline.
fn held_codes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows: Vec<(&str, Vec<Held>, ReadPerFormat)> = Vec::new();

    // Generated QR codes: Digital Links of 40 GTINs.
    let mut held = Vec::new();
    for i in 0..40u64 {
        let gtin = vitrine_core::Gtin::from_body(&format!("3{:011}", 12_345_678 + i * 7_919)).expect("a GTIN");
        let path = dir.path().join(format!("qr{i:03}.png"));
        frames::write_qr_frame(&path, &format!("https://id.gs1.org/01/{}", gtin.as_gtin14()));
        held.push(hold(
            &path,
            HOLD_FRAMES,
            &|ev| matches!(&ev.result, Ok(Scanned::Product(p)) if p.gtin == gtin),
        ));
    }
    let mut per = BTreeMap::new();
    per.insert("qr", (held.iter().filter(|h| h.event_ms.is_some()).count(), held.len()));
    rows.push(("generated QR, 400 px on flat grey (40 codes)", held, per));

    // The in-repo photos.
    let manifest = manifest();
    let mut held = Vec::new();
    let mut per = ReadPerFormat::new();
    for (k, row) in manifest.iter().enumerate() {
        let f = photos::camera_frame(&photo(&row.file), 500 + k as u64);
        let path = dir.path().join(format!("photo{k:03}.png"));
        f.save(&path).expect("write frame");
        let h = hold(&path, HOLD_FRAMES, &|ev| {
            if row.format == "qr" {
                ev.text == row.expected_text
            } else {
                matches!(&ev.result, Ok(Scanned::Product(p)) if p.gtin.as_gtin14() == row.expected_gtin14)
            }
        });
        let e = per.entry(fmt_key(&row.format)).or_default();
        e.0 += usize::from(h.event_ms.is_some());
        e.1 += 1;
        held.push(h);
    }
    rows.push(("in-repo photos in busy 1280x720 frames (268)", held, per));

    println!(
        "\n## Scan-event latency, codes held in view {HOLD_FRAMES} frames (333 ms) at 30 fps, one replay per code\n"
    );
    println!(
        "| workload | read | per format | wrong products | event latency p50 / p95 / max ms | in view before read p50 / p95 ms | frames decoded / captured |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, held, per) in rows {
        let read = held.iter().filter(|h| h.event_ms.is_some()).count();
        let mut ev: Vec<f64> = held.iter().filter_map(|h| h.event_ms).collect();
        let mut iv: Vec<f64> = held.iter().filter_map(|h| h.in_view_ms).collect();
        ev.sort_by(f64::total_cmp);
        iv.sort_by(f64::total_cmp);
        let pct = |s: &[f64], p: f64| {
            s.get(((s.len() as f64 - 1.0) * p).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        let formats = per
            .iter()
            .map(|(f, (r, n))| format!("{f} {r}/{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "| {name} | {read} of {} | {formats} | {} | {:.1} / {:.1} / {:.1} | {:.0} / {:.0} | {} / {} |",
            held.len(),
            held.iter().map(|h| h.wrong).sum::<usize>(),
            pct(&ev, 0.5),
            pct(&ev, 0.95),
            ev.last().copied().unwrap_or(f64::NAN),
            pct(&iv, 0.5),
            pct(&iv, 0.95),
            held.iter().map(|h| h.frames_decoded).sum::<u64>(),
            held.iter().map(|h| h.frames_captured).sum::<u64>(),
        );
    }
}
