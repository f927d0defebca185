//! Aiming without sight (figures in docs/BENCHMARKS.md, "Aiming guidance").
//!
//! The in-repo EAN-13 photos (tests/data/barcodes) are played as a camera:
//! each photo is a product held somewhere in front of the camera, far
//! (small) and off-centre at the start. Every frame is a 480x270 crop of
//! the scene, decoded by the kiosk's decoder (zxing-cpp, the live
//! pipeline's fast pass) until the expected code is read, for at most
//! `MAX_FRAMES` frames (10 s at 12 frames a second). Two shoppers:
//! - without guidance: they move the product at random (as someone who
//!   cannot see the screen does), a step of about a tenth of the view;
//! - with guidance: they follow the hint of `vitrine::speech::guide`
//!   (found on the frame by `find_candidate`, as the kiosk does), a step
//!   of about a sixth of the view in the direction said ("closer" and
//!   "farther" change the distance by a fifth), with ±30 % error on every
//!   move; with no candidate in view they move at random too.
//!
//! Seeded: the same starts for both. Run: `cargo bench --bench aiming`.

use std::path::Path;

use vitrine::scan::decoder::{BarcodeDecoder, Effort, LumaImage, Pass, ZxingDecoder};
use vitrine::speech::guide::{Hint, find_candidate, guide};

const FW: usize = 480;
const FH: usize = 270;
const MAX_FRAMES: u32 = 120;
const STARTS: usize = 4;

struct Scene {
    /// The photo's luma on a larger grey canvas.
    luma: Vec<u8>,
    w: usize,
    h: usize,
    /// The photo's size (for the starting distance).
    pw: f32,
}

fn scene(path: &Path) -> Option<Scene> {
    let img = image::open(path).ok()?.to_luma8();
    let (pw, ph) = (img.width() as usize, img.height() as usize);
    let (w, h) = (pw * 4, ph * 4);
    let mut rng = fastrand::Rng::with_seed(7);
    let mut luma: Vec<u8> = (0..w * h).map(|_| 150 + rng.u8(0..20)).collect();
    let (ox, oy) = ((w - pw) / 2, (h - ph) / 2);
    for y in 0..ph {
        for x in 0..pw {
            luma[(oy + y) * w + ox + x] = img.get_pixel(x as u32, y as u32).0[0];
        }
    }
    Some(Scene {
        luma,
        w,
        h,
        pw: pw as f32,
    })
}

/// The camera's view: centre and width in scene pixels (16:9).
#[derive(Clone, Copy)]
struct View {
    cx: f32,
    cy: f32,
    vw: f32,
}

fn frame(s: &Scene, v: View) -> Vec<u8> {
    let vh = v.vw * FH as f32 / FW as f32;
    let (x0, y0) = (v.cx - v.vw / 2.0, v.cy - vh / 2.0);
    let mut out = vec![0u8; FW * FH];
    for y in 0..FH {
        let sy = (y0 + (y as f32 + 0.5) * vh / FH as f32) as isize;
        for x in 0..FW {
            let sx = (x0 + (x as f32 + 0.5) * v.vw / FW as f32) as isize;
            out[y * FW + x] = if sx >= 0 && sy >= 0 && (sx as usize) < s.w && (sy as usize) < s.h {
                s.luma[sy as usize * s.w + sx as usize]
            } else {
                150
            };
        }
    }
    out
}

fn clamp(s: &Scene, mut v: View) -> View {
    v.vw = v.vw.clamp(s.pw * 0.5, s.w as f32 * 0.9);
    v.cx = v.cx.clamp(0.0, s.w as f32);
    v.cy = v.cy.clamp(0.0, s.h as f32);
    v
}

fn random_move(v: View, rng: &mut fastrand::Rng) -> View {
    let r = |rng: &mut fastrand::Rng| rng.f32() * 2.0 - 1.0;
    View {
        cx: v.cx + r(rng) * 0.1 * v.vw,
        cy: v.cy + r(rng) * 0.1 * v.vw,
        vw: v.vw * (1.0 + r(rng) * 0.1),
    }
}

/// Frames until the code is read (`None`: not within `MAX_FRAMES`).
fn run(s: &Scene, expected: &str, start: View, guided: bool, seed: u64, dec: &mut ZxingDecoder) -> Option<u32> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut v = start;
    for n in 1..=MAX_FRAMES {
        let f = frame(s, v);
        let image = LumaImage {
            data: &f,
            width: FW as u32,
            height: FH as u32,
        };
        let read = dec.decode(image, Pass::full(Effort::Fast)).unwrap_or_default();
        if read
            .iter()
            .any(|sym| sym.text == expected || format!("0{}", sym.text) == expected)
        {
            return Some(n);
        }
        let err = |rng: &mut fastrand::Rng| 1.0 + (rng.f32() * 2.0 - 1.0) * 0.3;
        v = if guided {
            // In the image's terms (the simulated camera is not mirrored).
            let g = guide(find_candidate(&f, FW, FH), false);
            let step = v.vw / 6.0 * err(&mut rng);
            match g.hint {
                // "Move left": the code goes left in the view.
                Hint::Left => View { cx: v.cx + step, ..v },
                Hint::Right => View { cx: v.cx - step, ..v },
                Hint::Up => View { cy: v.cy + step, ..v },
                Hint::Down => View { cy: v.cy - step, ..v },
                Hint::Closer => View {
                    vw: v.vw * (1.0 - 0.2 * err(&mut rng)),
                    ..v
                },
                Hint::Farther => View {
                    vw: v.vw * (1.0 + 0.2 * err(&mut rng)),
                    ..v
                },
                Hint::HoldStill => v,
                Hint::NotSeen => random_move(v, &mut rng),
            }
        } else {
            random_move(v, &mut rng)
        };
        v = clamp(s, v);
    }
    None
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/barcodes");
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).unwrap();
    let mut dec = ZxingDecoder::new();
    let mut photos = Vec::new();
    for line in manifest.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || f[1] != "ean13" {
            continue;
        }
        let Some(s) = scene(&root.join(f[0])) else { continue };
        // Only photos the fast pass reads when the code is well placed.
        let placed = View {
            cx: s.w as f32 / 2.0,
            cy: s.h as f32 / 2.0,
            vw: s.pw * 1.6,
        };
        let fr = frame(&s, placed);
        let ok = dec
            .decode(
                LumaImage {
                    data: &fr,
                    width: FW as u32,
                    height: FH as u32,
                },
                Pass::full(Effort::Fast),
            )
            .unwrap_or_default()
            .iter()
            .any(|sym| sym.text == f[2]);
        if ok {
            photos.push((s, f[2].to_string()));
        }
        if photos.len() == 24 {
            break;
        }
    }
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut results = [Vec::new(), Vec::new()];
    for (i, (s, expected)) in photos.iter().enumerate() {
        for k in 0..STARTS {
            let (cx0, cy0) = (s.w as f32 / 2.0, s.h as f32 / 2.0);
            let vw = s.pw * (2.2 + rng.f32() * 0.8);
            let angle = rng.f32() * std::f32::consts::TAU;
            let off = vw * (0.35 + rng.f32() * 0.15);
            let start = View {
                cx: cx0 + off * angle.cos(),
                cy: cy0 + off * angle.sin() * 0.5,
                vw,
            };
            let seed = (i * STARTS + k) as u64;
            results[0].push(run(s, expected, start, false, seed, &mut dec));
            results[1].push(run(s, expected, start, true, seed, &mut dec));
        }
    }
    for (name, r) in ["without guidance", "with guidance"].iter().zip(&results) {
        let mut frames: Vec<u32> = r.iter().map(|f| f.unwrap_or(MAX_FRAMES + 1)).collect();
        frames.sort();
        let read = r.iter().filter(|f| f.is_some()).count();
        let pct = |p: f64| frames[((frames.len() as f64 - 1.0) * p).round() as usize];
        let show = |n: u32| {
            if n > MAX_FRAMES {
                format!(">{MAX_FRAMES}")
            } else {
                n.to_string()
            }
        };
        println!(
            "{name:<18} runs={:<4} read within {MAX_FRAMES} frames: {:>5.1} %  median frames: {:>5}  p90: {:>5}",
            r.len(),
            100.0 * read as f64 / r.len() as f64,
            show(pct(0.5)),
            show(pct(0.9)),
        );
    }
    println!(
        "({} photos x {STARTS} starts, {FW}x{FH} frames, zxing-cpp fast pass)",
        photos.len()
    );
}
