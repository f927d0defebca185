//! The in-repo barcode photos (`tests/data/barcodes/`, Apache-2.0, with
//! their manifest) and camera-sized frames to put them in, used by the
//! scan test and the scan and kiosk UI benches: a busy 1280x720 background (noise, text-like
//! strokes, blocks) with a photo pasted in its centre at its own size.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use image::GrayImage;

/// The photos' folder (copied into the repository with their licence).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/barcodes")
}

/// One photo of the manifest: its file, format (`ean13`, `ean8`, `upca`,
/// `upce`, `qr`), the text it holds and, for product codes, its GTIN-14.
pub struct Row {
    pub file: String,
    pub format: String,
    pub expected_text: String,
    pub expected_gtin14: String,
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Every photo of `manifest.tsv`.
pub fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(data_dir().join("manifest.tsv")).expect("tests/data/barcodes/manifest.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                file: c[0].to_string(),
                format: c[1].to_string(),
                expected_text: unescape(c[2]),
                expected_gtin14: c
                    .get(5)
                    .filter(|g| !g.is_empty())
                    .map(|g| format!("{g:0>14}"))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }
}

pub fn fill(img: &mut GrayImage, x: i64, y: i64, w: i64, h: i64, v: u8) {
    for yy in y.max(0)..(y + h).min(i64::from(img.height())) {
        for xx in x.max(0)..(x + w).min(i64::from(img.width())) {
            img.put_pixel(xx as u32, yy as u32, image::Luma([v]));
        }
    }
}

/// Gradient with ±20 per-pixel noise: harsher than real sensor noise.
pub fn noise_frame(w: u32, h: u32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed.max(1));
    GrayImage::from_fn(w, h, |x, y| {
        let g = 60.0 + 98.0 * (x as f32 / w as f32) + 42.0 * (y as f32 / h as f32);
        image::Luma([(g + rng.range(-20, 20) as f32).clamp(0.0, 255.0) as u8])
    })
}

/// Noise frame plus rows of bar-like "text" strokes and a few solid blocks
/// (the same kind of frame as the decoder comparison of docs/BENCHMARKS.md).
pub fn busy_frame(w: u32, h: u32, seed: u64) -> GrayImage {
    let mut img = noise_frame(w, h, seed);
    let mut rng = Rng(seed.wrapping_mul(31).max(1));
    let s = w as f32 / 1280.0;
    for _ in 0..30 {
        let x0 = rng.range(0, (w as f32 * 0.7) as i64);
        let y0 = rng.range(0, i64::from(h) - (30.0 * s) as i64);
        let gh = (rng.range(8, 20) as f32 * s) as i64;
        let mut x = x0;
        for _ in 0..rng.range(10, 60) {
            let gw = (rng.range(3, 10) as f32 * s).max(1.0) as i64;
            if rng.range(0, 6) == 0 {
                x += gw * 2;
                continue;
            }
            let strokes = rng.range(1, 3);
            for k in 0..strokes {
                fill(&mut img, x + k * gw / strokes, y0, (1.5 * s) as i64 + 1, gh, 25);
            }
            fill(&mut img, x, y0 + rng.range(0, gh.max(1)), gw, (1.5 * s) as i64 + 1, 25);
            x += gw + (2.0 * s) as i64 + 1;
            if x >= i64::from(w) {
                break;
            }
        }
    }
    for _ in 0..6 {
        let bw = rng.range(20, i64::from(w / 5));
        let bh = rng.range(20, i64::from(h / 5));
        let bx = rng.range(0, i64::from(w) - bw);
        let by = rng.range(0, i64::from(h) - bh);
        let v = rng.range(10, 240) as u8;
        fill(&mut img, bx, by, bw, bh, v);
    }
    img
}

pub fn photo(rel: &str) -> GrayImage {
    vitrine::scan::read_luma(&data_dir().join(rel)).expect("test photo")
}

/// The camera frame of a photo: `photo` at its own size (shrunk to fit
/// when larger than the frame) in the centre of a busy 1280x720 frame, as a
/// shopper holds a product in the guide frame.
pub fn camera_frame(photo: &GrayImage, seed: u64) -> GrayImage {
    let (w, h) = (1280u32, 720u32);
    let mut p = photo.clone();
    if p.width() > w || p.height() > h {
        let scale = (w as f32 / p.width() as f32).min(h as f32 / p.height() as f32);
        p = image::imageops::resize(
            &p,
            ((p.width() as f32 * scale) as u32).max(1),
            ((p.height() as f32 * scale) as u32).max(1),
            image::imageops::FilterType::Triangle,
        );
    }
    let mut f = busy_frame(w, h, seed);
    image::imageops::replace(
        &mut f,
        &p,
        i64::from((w - p.width()) / 2),
        i64::from((h - p.height()) / 2),
    );
    f
}
