//! Aiming without sight: where the barcode is in the camera's view, as a
//! tone and a short hint. The symbol's position comes from the decoder
//! when it reads one; when nothing is read (the code half out of view, too
//! small, blurred by movement), [`find_candidate`] looks for a barcode-like
//! patch itself: 1D barcodes are many parallel edges, so blocks where the
//! brightness changes much more along one axis than the other.
//!
//! Pure functions: the scan link runs them on the latest preview frame,
//! off the UI thread; the benchmark (`benches/aiming.rs`) plays the test
//! photos as a camera with and without following the hints.

/// Where a code is, as fractions of the frame (0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Centre.
    pub cx: f32,
    pub cy: f32,
    /// Size.
    pub w: f32,
    pub h: f32,
}

impl Target {
    /// From a decoder's quadrilateral (pixels) in a `width`x`height` frame.
    pub fn from_quad(quad: &[(i32, i32); 4], width: u32, height: u32) -> Target {
        let xs = quad.iter().map(|p| p.0 as f32);
        let ys = quad.iter().map(|p| p.1 as f32);
        let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let (w, h) = (width.max(1) as f32, height.max(1) as f32);
        Target {
            cx: (x0 + x1) / 2.0 / w,
            cy: (y0 + y1) / 2.0 / h,
            w: (x1 - x0) / w,
            h: (y1 - y0) / h,
        }
    }
}

/// What the shopper is told, in their terms: "left" is their left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hint {
    Left,
    Right,
    Up,
    Down,
    Closer,
    Farther,
    HoldStill,
    /// No code in view.
    NotSeen,
}

/// A tone and a hint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guidance {
    pub hint: Hint,
    /// How well placed the code is, 0 (not seen) to 1 (centred, right size).
    pub score: f32,
    /// The tone's pitch: higher when better placed.
    pub pitch_hz: u32,
}

/// How far off centre (fraction of the frame) is still centred.
const CENTRED: f32 = 0.12;
/// A code narrower than this fraction of the frame is too far.
const TOO_SMALL: f32 = 0.30;
/// Wider than this: too close (the decoder needs a quiet zone around it).
const TOO_BIG: f32 = 0.85;

/// The guidance for a code at `target` (`None`: nothing in view). A camera
/// that faces the shopper (`facing_shopper`) sees their left on its right.
pub fn guide(target: Option<Target>, facing_shopper: bool) -> Guidance {
    let Some(t) = target else {
        return Guidance {
            hint: Hint::NotSeen,
            score: 0.0,
            pitch_hz: 0,
        };
    };
    let dx = t.cx - 0.5;
    let dy = t.cy - 0.5;
    let size = t.w.max(t.h);
    let centred = 1.0 - ((dx.abs() + dy.abs()) / 0.7).min(1.0);
    let sized = if size < TOO_SMALL {
        size / TOO_SMALL
    } else if size > TOO_BIG {
        (TOO_BIG / size).min(1.0)
    } else {
        1.0
    };
    let score = (centred * sized).clamp(0.0, 1.0);
    let hint = if dx.abs() > CENTRED && dx.abs() >= dy.abs() {
        // The code is on the image's right: move it back toward the middle.
        let to_image_left = dx > 0.0;
        if to_image_left == facing_shopper {
            Hint::Right
        } else {
            Hint::Left
        }
    } else if dy.abs() > CENTRED {
        if dy > 0.0 { Hint::Up } else { Hint::Down }
    } else if size < TOO_SMALL {
        Hint::Closer
    } else if size > TOO_BIG {
        Hint::Farther
    } else {
        Hint::HoldStill
    };
    Guidance {
        hint,
        score,
        pitch_hz: 300 + (score * 900.0) as u32,
    }
}

/// Side of the blocks the frame is cut into.
const BLOCK: usize = 8;

/// A barcode-like patch in a luma frame, when the decoder read nothing.
pub fn find_candidate(luma: &[u8], width: usize, height: usize) -> Option<Target> {
    if width < BLOCK * 4 || height < BLOCK * 4 || luma.len() < width * height {
        return None;
    }
    let (bw, bh) = (width / BLOCK, height / BLOCK);
    // Per block: how much more the brightness changes along one axis than
    // the other (bars), per pixel.
    let mut score = vec![0f32; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut gx, mut gy) = (0u32, 0u32);
            for y in by * BLOCK..(by + 1) * BLOCK - 1 {
                let row = &luma[y * width..];
                let next = &luma[(y + 1) * width..];
                for x in bx * BLOCK..(bx + 1) * BLOCK - 1 {
                    gx += u32::from(row[x].abs_diff(row[x + 1]));
                    gy += u32::from(row[x].abs_diff(next[x]));
                }
            }
            let n = ((BLOCK - 1) * (BLOCK - 1)) as f32;
            let (gx, gy) = (gx as f32 / n, gy as f32 / n);
            score[by * bw + bx] = (gx.max(gy) - 1.5 * gx.min(gy)).max(0.0);
        }
    }
    let max = score.iter().copied().fold(0.0, f32::max);
    // Bars of a printed code change by tens of grey levels a pixel.
    if max < 12.0 {
        return None;
    }
    let threshold = max * 0.35;
    // The largest group of strong blocks (4-connected).
    let mut seen = vec![false; bw * bh];
    let mut best: Option<(usize, (usize, usize, usize, usize))> = None;
    for start in 0..bw * bh {
        if seen[start] || score[start] < threshold {
            continue;
        }
        let mut stack = vec![start];
        seen[start] = true;
        let (mut n, mut x0, mut y0, mut x1, mut y1) = (0, usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % bw, i / bw);
            n += 1;
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            let mut push = |j: usize| {
                if !seen[j] && score[j] >= threshold {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                push(i - 1);
            }
            if x + 1 < bw {
                push(i + 1);
            }
            if y > 0 {
                push(i - bw);
            }
            if y + 1 < bh {
                push(i + bw);
            }
        }
        if best.is_none_or(|(bn, _)| n > bn) {
            best = Some((n, (x0, y0, x1, y1)));
        }
    }
    let (n, (x0, y0, x1, y1)) = best?;
    if n < 4 {
        return None;
    }
    let (fw, fh) = (bw as f32, bh as f32);
    Some(Target {
        cx: (x0 + x1 + 1) as f32 / 2.0 / fw,
        cy: (y0 + y1 + 1) as f32 / 2.0 / fh,
        w: (x1 + 1 - x0) as f32 / fw,
        h: (y1 + 1 - y0) as f32 / fh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cx: f32, cy: f32, w: f32) -> Option<Target> {
        Some(Target { cx, cy, w, h: w / 2.0 })
    }

    #[test]
    fn hints_bring_the_code_to_the_middle_then_closer_then_still() {
        // The camera faces the shopper: a code on the image's right is on
        // their left, so they move it to their right.
        assert_eq!(guide(at(0.8, 0.5, 0.4), true).hint, Hint::Right);
        assert_eq!(guide(at(0.8, 0.5, 0.4), false).hint, Hint::Left);
        assert_eq!(guide(at(0.2, 0.5, 0.4), true).hint, Hint::Left);
        assert_eq!(guide(at(0.5, 0.85, 0.4), true).hint, Hint::Up);
        assert_eq!(guide(at(0.5, 0.15, 0.4), true).hint, Hint::Down);
        assert_eq!(guide(at(0.5, 0.5, 0.1), true).hint, Hint::Closer);
        assert_eq!(guide(at(0.5, 0.5, 0.95), true).hint, Hint::Farther);
        assert_eq!(guide(at(0.52, 0.48, 0.5), true).hint, Hint::HoldStill);
        assert_eq!(guide(None, true).hint, Hint::NotSeen);
        // The tone rises as the code gets better placed.
        let far_off = guide(at(0.85, 0.8, 0.1), true).pitch_hz;
        let nearer = guide(at(0.6, 0.55, 0.2), true).pitch_hz;
        let placed = guide(at(0.5, 0.5, 0.5), true).pitch_hz;
        assert!(far_off < nearer && nearer < placed, "{far_off} {nearer} {placed}");
    }

    #[test]
    fn a_barcode_like_patch_is_found_where_it_is() {
        // 320x180 grey frame with vertical bars in the right third, middle.
        let (w, h) = (320usize, 180usize);
        let mut luma = vec![128u8; w * h];
        for y in 60..120 {
            for x in 200..290 {
                luma[y * w + x] = if (x / 3) % 2 == 0 { 20 } else { 235 };
            }
        }
        let t = find_candidate(&luma, w, h).expect("the bars are found");
        assert!((t.cx - 245.0 / 320.0).abs() < 0.05, "{t:?}");
        assert!((t.cy - 0.5).abs() < 0.08, "{t:?}");
        assert!(t.w > 0.2 && t.w < 0.4, "{t:?}");
        // A plain frame holds none.
        assert_eq!(find_candidate(&vec![128u8; w * h], w, h), None);
    }

    #[test]
    fn a_decoders_quad_is_a_target() {
        let t = Target::from_quad(&[(100, 50), (300, 50), (300, 150), (100, 150)], 400, 200);
        assert_eq!((t.cx, t.cy, t.w, t.h), (0.5, 0.5, 0.5, 0.5));
    }
}
