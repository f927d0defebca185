//! Scanning: what reaches the rest of the kiosk when a code is read.
//!
//! Frame sources (camera, replay) live in `crate::camera`; this module turns
//! their frames into [`ScanEvent`]s. The USB scanner ([`hid`]) and the
//! on-screen keypad feed the same [`ScanEvent`]s, so the UI handles every way
//! of entering a code the same way.
//!
//! - [`pipeline`]: the live pipeline (capture thread, decoder thread, latest
//!   frame only, debounce, preview, status, metrics). The UI starts it with
//!   [`pipeline::ScanPipeline::from_config`].
//! - [`decoder`]: the barcode decoder (zxing-cpp, chosen by measurement)
//!   behind a trait, and the normalisation of what it reads.
//! - [`debounce`]: one code held in view is one scan.
//! - [`hid`]: USB barcode scanners in keyboard mode told from a person typing.
//! - [`read_luma`] / [`decode_file`]: still images (`vitrine scan FILE`).

pub mod debounce;
pub mod decoder;
pub mod hid;
pub mod pipeline;

use std::path::Path;
use std::time::Instant;

use thiserror::Error;
use vitrine_core::code::{self, CodeContext, CodeError, Scanned, Symbology};
use vitrine_core::gs1::Gs1Date;

pub use pipeline::{CameraStatus, PreviewFrame, ScanMetrics, ScanPipeline};

/// Where a code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanSource {
    Camera,
    Replay,
    /// A USB barcode scanner in keyboard mode.
    Hid,
    /// Typed on the on-screen keypad.
    Keypad,
}

/// One debounced scan.
#[derive(Debug, Clone)]
pub struct ScanEvent {
    /// The decoded text as the decoder (or keyboard) gave it; GS1 data from
    /// the camera has its AIM symbology identifier in front (`]d2…`, `]C1…`)
    /// and GS (0x1D) separators, the form `vitrine_core::code` parses.
    pub text: String,
    pub symbology: Option<Symbology>,
    /// The text classified: a product code (normalised GTIN-14) or another
    /// payload (loyalty token, coupon, handoff link), or why it was refused.
    pub result: Result<Scanned, CodeError>,
    pub source: ScanSource,
    /// When the frame holding the code was captured (or the last key typed):
    /// scan-to-screen latency is measured from here.
    pub captured_at: Instant,
}

/// Classifies a code that came without a symbology (typed on the keypad or
/// sent by a USB scanner): digits (with an optional AIM identifier such as
/// `]E0`) are a product code; anything else is classified like the payload of
/// a QR code (GS1 Digital Link, GS1 element strings, or a payload returned
/// as is).
pub fn classify_typed(text: &str, ctx: &CodeContext<'_>) -> Result<Scanned, CodeError> {
    let t = text.trim();
    let body = match t.as_bytes() {
        [b']', a, b, ..] if a.is_ascii_alphabetic() && b.is_ascii_alphanumeric() => &t[3..],
        _ => t,
    };
    let digits = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        && body.chars().any(|c| c.is_ascii_digit());
    if digits {
        code::parse_product_code_with(t, None, ctx).map(|p| Scanned::Product(Box::new(p)))
    } else {
        code::classify(t, Symbology::Other, ctx)
    }
}

/// Today, for GS1's two-digit years (the core has no clock).
pub fn today() -> Gs1Date {
    Gs1Date::from_unix(crate::clock::now())
}

/// What reading a code needs from the kiosk's `[scan]` settings, today.
pub fn code_context(scan: &crate::config::ScanSection) -> CodeContext<'_> {
    CodeContext::new(&scan.variable_measure, today()).with_separator(scan.separator())
}

/// Which of the symbols read in one image `vitrine scan FILE` reports (and
/// what the decode-rate test scores): the first product code (a GTIN), else
/// the first symbol. `classified` holds each symbol's classification, in the
/// decoder's order; the answer is an index into it, `None` when it is empty.
pub fn best_of(classified: &[Result<Scanned, CodeError>]) -> Option<usize> {
    classified
        .iter()
        .position(|r| matches!(r, Ok(Scanned::Product(_))))
        .or(if classified.is_empty() { None } else { Some(0) })
}

/// The symbol [`best_of`] picks among `symbols`, with its classification.
pub fn best_symbol<'a>(
    symbols: &'a [decoder::Symbol],
    ctx: &CodeContext<'_>,
) -> Option<(&'a decoder::Symbol, Result<Scanned, CodeError>)> {
    let mut classified: Vec<_> = symbols.iter().map(|s| s.classify(ctx)).collect();
    let i = best_of(&classified)?;
    Some((&symbols[i], classified.swap_remove(i)))
}

/// An image file that cannot be read.
#[derive(Debug, Error)]
#[error("cannot read {path}: {reason}")]
pub struct ReadImageError {
    pub path: String,
    pub reason: String,
}

/// Reads an image file (PNG, JPEG, WebP) as 8-bit luma. A truncated or
/// damaged file is an error, never a panic: the image decoders are guarded.
pub fn read_luma(path: &Path) -> Result<image::GrayImage, ReadImageError> {
    let err = |reason: String| ReadImageError {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    decode_luma(&bytes).map_err(err)
}

/// Decodes an image held in memory as 8-bit luma (see [`read_luma`]).
pub fn decode_luma(bytes: &[u8]) -> Result<image::GrayImage, String> {
    let decoded = std::panic::catch_unwind(|| {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())?
            .decode()
            .map_err(|e| match e {
                image::ImageError::Unsupported(_) => {
                    format!("not a PNG, JPEG or WebP image ({e})")
                }
                other => format!("damaged or truncated image ({other})"),
            })
    });
    match decoded {
        Ok(Ok(img)) => Ok(img.to_luma8()),
        Ok(Err(reason)) => Err(reason),
        Err(_) => Err("damaged image (the image decoder failed on it)".into()),
    }
}

/// Decodes every symbol in a still image file, as well as possible (see
/// [`decoder::decode_still`]). Finding nothing is `Ok(vec![])`.
pub fn decode_file(
    decoder: &mut dyn decoder::BarcodeDecoder,
    path: &Path,
) -> Result<Vec<decoder::Symbol>, ReadImageError> {
    let img = read_luma(path)?;
    let image = decoder::LumaImage {
        data: img.as_raw(),
        width: img.width(),
        height: img.height(),
    };
    decoder::decode_still(decoder, image).map_err(|e| ReadImageError {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
