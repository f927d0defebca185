//! `vitrine scan` driven as a user would: the real binary on real image files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs vitrine in English: the messages checked below are the English
/// ones (the output follows `ui.language`, French in the shipped file).
fn vitrine(args: &[&str]) -> Output {
    vitrine_in("en", args)
}

fn vitrine_in(lang: &str, args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .env("VITRINE__UI__LANGUAGE", lang)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vitrine")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn scan_files_prints_one_tsv_line_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(200, 100, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let ean = "tests/data/catalog-photos/ean13-1/4.webp";
    let upce = "tests/data/catalog-photos/upce-3/01.webp";
    let upca = "tests/data/catalog-photos/upca-2/15.webp";
    let blank_s = blank.display().to_string();
    let out = vitrine(&["scan", ean, upce, upca, &blank_s]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{ean}\tEAN-13\t5449000039231\t05449000039231"),
            format!("{upce}\tUPC-E\t04965802\t00049000006582"),
            format!("{upca}\tUPC-A\t051000000675\t00051000000675"),
            format!("{blank_s}\t-\t-\t-"),
        ]
    );
}

#[test]
fn scan_json_and_gs1_text_escaping() {
    // A GS1 DataMatrix made with zxing-cpp's writer, saved as PNG.
    use zxingcpp::{BarcodeFormat, create, write};
    let dir = tempfile::tempdir().unwrap();
    let bc = create(BarcodeFormat::DataMatrix)
        .options("gs1")
        .from_str("(01)05449000039231(10)LOT1(17)261231")
        .unwrap();
    let img = bc.to_image_with(&write().scale(4)).unwrap();
    let (w, h) = (img.width() as u32, img.height() as u32);
    let mut page = image::GrayImage::from_pixel(w + 40, h + 40, image::Luma([255]));
    image::imageops::replace(
        &mut page,
        &image::GrayImage::from_raw(w, h, img.data()).unwrap(),
        20,
        20,
    );
    let file = dir.path().join("gs1.png");
    page.save(&file).unwrap();
    let f = file.display().to_string();

    let out = vitrine(&["scan", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{f}\tGS1-DataMatrix\t010544900003923110LOT1\\x1d17261231\t05449000039231\n")
    );

    let out = vitrine(&["scan", "--json", &f, "tests/data/catalog-photos/upce-3/02.webp"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], f.as_str());
    assert_eq!(lines[0]["format"], "GS1-DataMatrix");
    assert_eq!(lines[0]["text"], "010544900003923110LOT1\u{1d}17261231");
    assert_eq!(lines[0]["gtin14"], "05449000039231");
    assert_eq!(lines[0]["symbology_identifier"], "]d2");
    assert_eq!(lines[0]["code"]["lot"], "LOT1");
    assert_eq!(lines[1]["format"], "UPC-E");
    assert_eq!(lines[1]["gtin14"], "00049000006582");
}

#[test]
fn scan_exits_2_for_an_unreadable_file_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.webp");
    let good = std::fs::read(repo("tests/data/catalog-photos/ean13-1/4.webp")).unwrap();
    std::fs::write(&broken, &good[..good.len() / 2]).unwrap();
    let b = broken.display().to_string();
    let ean = "tests/data/catalog-photos/ean13-1/4.webp";
    let out = vitrine(&["scan", &b, ean, "no/such/file.png"]);
    assert_eq!(out.status.code(), Some(2));
    // The readable file is still reported.
    assert_eq!(stdout(&out), format!("{ean}\tEAN-13\t5449000039231\t05449000039231\n"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("vitrine: cannot read {b}: damaged or truncated image")),
        "{err}"
    );
    assert!(
        err.contains("vitrine: cannot read no/such/file.png: No such file"),
        "{err}"
    );
    // No file at all: a usage error from the argument parser.
    let out = vitrine(&["scan"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn scan_replay_prints_events_with_latency() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("tests/data/catalog-photos/ean13-1/4.webp"),
        dir.path().join("1.webp"),
    )
    .unwrap();
    std::fs::copy(
        repo("tests/data/catalog-photos/upce-3/01.webp"),
        dir.path().join("2.webp"),
    )
    .unwrap();
    let d = dir.path().display().to_string();
    let out = vitrine(&["scan", "--replay", &d, "--fps", "20", "--loops", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // Two photos alternating at 20 fps: each is missing from view for only
    // 50 ms (less than scan.leave_ms, 300 ms), so each is one scan in all.
    // The second photo always meets the harder pass (the passes alternate),
    // whose readings wait for a second one: it is sent on the second loop.
    let events: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(events.len(), 2, "{text}");
    assert_eq!(events[0][1..4], ["EAN-13", "5449000039231", "05449000039231"]);
    assert_eq!(events[1][1..4], ["UPC-E", "04965802", "00049000006582"]);
    for e in &events {
        let latency: f64 = e[4].parse().unwrap();
        assert!(latency >= 0.0);
        let at: f64 = e[0].parse().unwrap();
        assert!(at >= 0.0);
    }
    assert!(lines.last().unwrap().starts_with("# 2 scans; latency p50"), "{text}");
    // The summary line is in the configured language; the events are not words.
    for (lang, start) in [("fr", "# 2 lectures ; latence p50"), ("de", "# 2 Scans; Latenz p50")] {
        let out = vitrine_in(lang, &["scan", "--replay", &d, "--fps", "20", "--loops", "2"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let text = stdout(&out);
        let last = text.lines().last().unwrap_or_default();
        assert!(last.starts_with(start), "{lang}: {text}");
        assert_eq!(
            text.lines().filter(|l| !l.starts_with('#')).count(),
            2,
            "{lang}: {text}"
        );
    }

    let out = vitrine(&["scan", "--json", "--replay", &d, "--fps", "20", "--loops", "2"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(v[0]["gtin14"], "05449000039231");
    assert!(v[0]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(v.last().unwrap()["summary"]["scans"], 2);

    // An empty folder: exit 2 with the reason.
    let empty = tempfile::tempdir().unwrap();
    let out = vitrine(&["scan", "--replay", &empty.path().display().to_string(), "--loops", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no readable image"));
}

#[test]
fn the_demo_camera_frames_replay_to_three_demo_products() {
    let out = vitrine(&["scan", "--replay", "assets/demo/frames", "--fps", "24", "--loops", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let gtins: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(3).map(str::to_string))
        .collect();
    assert_eq!(gtins, ["05449000039231", "00049000006582", "00069000061015"]);
}

#[test]
fn scan_replay_plays_a_list_of_files_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    // Named so that name order (a, b) is not the order given (b, a).
    let ean = dir.path().join("b.webp");
    let upce = dir.path().join("a.webp");
    std::fs::copy(repo("tests/data/catalog-photos/ean13-1/4.webp"), &ean).unwrap();
    std::fs::copy(repo("tests/data/catalog-photos/upce-3/01.webp"), &upce).unwrap();
    let (e, u) = (ean.display().to_string(), upce.display().to_string());
    let out = vitrine(&["scan", "--replay", &e, &u, "--fps", "20", "--loops", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let gtins: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(3))
        .collect();
    // As with a folder (see above): one scan each, the second photo on the
    // second loop.
    assert_eq!(gtins, ["05449000039231", "00049000006582"], "{text}");
    assert!(text.contains("# 2 scans;"), "{text}");

    // One file works too.
    let out = vitrine(&["scan", "--json", "--replay", &u, "--fps", "20", "--loops", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(v[0]["gtin14"], "00049000006582");

    // A missing file, or a folder among files: exit 2 with the reason.
    let out = vitrine(&["scan", "--replay", &e, "no/such/file.png", "--loops", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read no/such/file.png"), "{err}");
    let d = dir.path().display().to_string();
    let out = vitrine(&["scan", "--replay", &e, &d, "--loops", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--replay takes one folder or image files"), "{err}");
    // Files and --replay at once: a usage error.
    let out = vitrine(&["scan", &e, "--camera", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

/// No camera on this machine: `--camera` fails cleanly, naming the device.
#[test]
fn scan_camera_without_a_camera_exits_non_zero_naming_the_device() {
    let out = vitrine(&["scan", "--camera", "57"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("camera \"57\" unavailable: no camera 57 (/dev/video57 does not exist)"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&out).is_empty());

    let out = vitrine(&["scan", "--camera", "No Such Webcam", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("camera \"No Such Webcam\" unavailable"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
