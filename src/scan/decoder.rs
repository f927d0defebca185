//! The barcode decoder, behind [`BarcodeDecoder`].
//!
//! The kiosk uses zxing-cpp ([`ZxingDecoder`]), chosen by measurement against
//! rxing (docs/BENCHMARKS.md, "Scanning"): zxing-cpp reads at least as many
//! photos on every format, reads 1D codes held sideways without its slow
//! mode, returns no made-up codes on empty frames and keeps GS1 separators.
//! rxing sits behind the same trait only with the `rxing` cargo feature, so
//! the bench can measure both.
//!
//! Whatever the library, a [`Symbol`] comes out normalised the same way:
//! UPC-A as 12 digits (zxing-cpp reports it as an EAN-13 starting with 0),
//! UPC-E as its 8 printed digits, GS1 data as raw element strings with GS
//! (0x1D) separators, and [`Symbol::scan_text`] gives the text in the form
//! `vitrine_core::code::classify` parses (the AIM symbology identifier in
//! front of GS1 data, so `]d2…` and `]C1…` reach the GS1 parser).

use thiserror::Error;
use vitrine_core::code::{self, CodeContext, CodeError, Scanned, Symbology};

/// A borrowed 8-bit luma image, row-major, no row padding.
#[derive(Debug, Clone, Copy)]
pub struct LumaImage<'a> {
    pub data: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// A rectangle of the image, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// How hard the decoder looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effort {
    /// Every frame: zxing-cpp's fast mode, with 1D codes also tried turned
    /// 90° (almost free, and shoppers hold products any way up).
    Fast,
    /// zxing-cpp's `try_harder` (denser scan lines, more binarizers), still
    /// rotating: about 8 times the cost, so the live pipeline runs it on a
    /// centre region of at most [`HARDER_MAX_PIXELS`].
    Harder,
    /// Everything, inverted codes included: for still images (`vitrine scan`),
    /// where time does not matter.
    Thorough,
}

/// How the pixels are prepared before the decoder sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prep {
    /// As captured.
    Raw,
    /// Local contrast normalisation (see [`local_contrast`]): reads codes
    /// washed out by glare or low light, which the binarizer takes for flat
    /// areas.
    LocalContrast,
    /// The whole image's levels stretched so that its darkest and lightest
    /// 1 % become black and white (see [`stretch_levels`]).
    Stretch,
}

/// How the decoder turns grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Threshold {
    /// Per block, from the local average (zxing's default "hybrid"
    /// binarizer): right for nearly everything.
    Local,
    /// One threshold per row, from its histogram.
    Global,
    /// Mid-grey, for images already stretched.
    Fixed,
}

/// One decode: how hard, where (`None`: the whole image), on which pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub effort: Effort,
    pub region: Option<Region>,
    pub prep: Prep,
    pub threshold: Threshold,
}

impl Pass {
    pub const fn full(effort: Effort) -> Pass {
        Pass::region(effort, None)
    }

    pub const fn region(effort: Effort, region: Option<Region>) -> Pass {
        Pass {
            effort,
            region,
            prep: Prep::Raw,
            threshold: Threshold::Local,
        }
    }

    /// On the local-contrast-normalised pixels.
    pub const fn enhanced(self) -> Pass {
        Pass {
            prep: Prep::LocalContrast,
            ..self
        }
    }

    /// On the level-stretched pixels, with this threshold.
    pub const fn stretched(self, threshold: Threshold) -> Pass {
        Pass {
            prep: Prep::Stretch,
            threshold,
            ..self
        }
    }
}

/// Four corners, clockwise from top-left, in image pixels.
pub type Quad = [(i32, i32); 4];

/// One symbol read from an image, normalised (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub symbology: Symbology,
    /// The content: digits for EAN/UPC (UPC-A 12, UPC-E 8), raw GS1 element
    /// strings with GS separators, or the payload of a QR code as read.
    pub text: String,
    /// The AIM symbology identifier, e.g. `]E0`, `]d2`, `]C1`, `]Q1`.
    pub aim: String,
    /// The content is GS1 data (GS1 DataMatrix, GS1-128, GS1 QR).
    pub gs1: bool,
    pub position: Quad,
}

impl Symbol {
    /// The text in the form `vitrine_core::code::classify` parses: the AIM
    /// identifier in front of GS1 data, the content as is otherwise. This is
    /// the text a [`super::ScanEvent`] carries.
    pub fn scan_text(&self) -> String {
        if self.gs1 {
            // The library's identifier when it is a GS1 one; some report
            // another modifier for GS1 data (zxing-cpp gives `]d8` for a
            // rectangular GS1 DataMatrix), so the symbology says which.
            let aim = if matches!(self.aim.as_str(), "]C1" | "]e0" | "]d2" | "]Q3" | "]J1") {
                self.aim.as_str()
            } else {
                match self.symbology {
                    Symbology::DataMatrix => "]d2",
                    Symbology::Qr => "]Q3",
                    Symbology::DataBar => "]e0",
                    _ => "]C1",
                }
            };
            format!("{aim}{}", self.text)
        } else {
            self.text.clone()
        }
    }

    /// Product code (normalised GTIN-14), other payload, or why it was refused.
    pub fn classify(&self, ctx: &CodeContext<'_>) -> Result<Scanned, CodeError> {
        code::classify(&self.scan_text(), self.symbology, ctx)
    }

    /// The name `vitrine scan` prints: the symbology, with "GS1-" in front
    /// of GS1 data ("GS1-DataMatrix", "GS1-Code128", "GS1-QR").
    pub fn format_name(&self) -> String {
        if self.gs1 {
            format!("GS1-{}", self.symbology.name())
        } else {
            self.symbology.name().to_string()
        }
    }

    /// Normalises what a library returned (see the module docs). `upce8` is
    /// the 8-digit UPC-E when the library reports it separately.
    pub fn normalised(
        symbology: Symbology,
        text: String,
        aim: String,
        gs1: bool,
        upce8: Option<String>,
        position: Quad,
    ) -> Symbol {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let (symbology, text) = match symbology {
            // An EAN-13 starting with 0 is a UPC-A symbol (the same bars).
            Symbology::Ean13 | Symbology::UpcA if digits(&text, 13) && text.starts_with('0') => {
                (Symbology::UpcA, text[1..].to_string())
            }
            Symbology::UpcE if !digits(&text, 8) => match upce8 {
                Some(u) if digits(&u, 8) => (Symbology::UpcE, u),
                _ => (Symbology::UpcE, text),
            },
            _ => (symbology, text),
        };
        Symbol {
            symbology,
            text,
            aim,
            gs1,
            position,
        }
    }
}

/// Why an image could not be decoded at all (finding no code is not an
/// error: it is an empty list).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("the image is {width}x{height} but holds {len} bytes of luma")]
    BadImage { width: u32, height: u32, len: usize },
    #[error("the barcode decoder failed: {0}")]
    Decoder(String),
}

/// A barcode decoder. Not `Send`: zxing-cpp's reader is an FFI object, so a
/// decoder is created on the thread that uses it (see
/// [`super::pipeline::DecoderFactory`]).
pub trait BarcodeDecoder {
    /// "zxing-cpp" or "rxing", for logs and the bench.
    fn name(&self) -> &'static str;

    /// Every symbol found in `image` (or in `pass.region` of it).
    fn decode(&mut self, image: LumaImage<'_>, pass: Pass) -> Result<Vec<Symbol>, DecodeError>;
}

/// The seven symbologies the kiosk reads.
pub const FORMATS: [Symbology; 7] = [
    Symbology::Ean13,
    Symbology::Ean8,
    Symbology::UpcA,
    Symbology::UpcE,
    Symbology::Qr,
    Symbology::DataMatrix,
    Symbology::Code128,
];

/// The harder pass of the live pipeline looks at a centred region of at most
/// this many pixels (640x360: the middle half of a 720p frame, the middle
/// third of a 1080p one; the whole image when it is smaller), which keeps it
/// under the 15 ms frame budget (measured in docs/BENCHMARKS.md). The UI
/// shows this region as the aiming box.
pub const HARDER_MAX_PIXELS: u64 = 230_400;

/// The centred region of the same shape as the image holding at most
/// `max_pixels`; `None` when the whole image is small enough.
pub fn centre_region(width: u32, height: u32, max_pixels: u64) -> Option<Region> {
    let area = u64::from(width) * u64::from(height);
    if area <= max_pixels || width == 0 || height == 0 {
        return None;
    }
    let scale = (max_pixels as f64 / area as f64).sqrt();
    // The epsilon keeps 1920 x 1/3 at 640, not 639.
    let w = ((f64::from(width) * scale + 1e-6) as u32).clamp(1, width);
    let h = ((f64::from(height) * scale + 1e-6) as u32).clamp(1, height);
    Some(Region {
        x: (width - w) / 2,
        y: (height - h) / 2,
        width: w,
        height: h,
    })
}

/// The live pipeline's pass for its `n`-th decoded frame: even frames get the
/// fast pass on the whole frame, odd frames the harder pass on the centre
/// region. A code stays in view for many frames, so it meets both; each
/// frame stays within budget.
pub fn live_pass(n: u64, width: u32, height: u32) -> Pass {
    if n.is_multiple_of(2) {
        Pass::full(Effort::Fast)
    } else {
        Pass::region(Effort::Harder, centre_region(width, height, HARDER_MAX_PIXELS))
    }
}

/// The passes [`decode_still`] tries in turn until one finds a code. Each
/// fallback was kept because, on the in-repo photos, it reads codes the
/// passes before it miss and returns no wrong product code (measured in
/// docs/BENCHMARKS.md, "Scanning").
pub const STILL_PASSES: [Pass; 5] = [
    Pass::full(Effort::Fast),
    Pass::full(Effort::Thorough),
    Pass::full(Effort::Thorough).enhanced(),
    Pass::full(Effort::Thorough).stretched(Threshold::Global),
    Pass::full(Effort::Thorough).stretched(Threshold::Fixed),
];

/// Decodes a still image as well as possible: [`STILL_PASSES`] in turn,
/// until one finds a code (low contrast and glare need the later ones).
pub fn decode_still(decoder: &mut dyn BarcodeDecoder, image: LumaImage<'_>) -> Result<Vec<Symbol>, DecodeError> {
    for pass in STILL_PASSES {
        let found = decoder.decode(image, pass)?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(Vec::new())
}

/// Stretches the levels of `region`: the darkest 1 % of its pixels become
/// 0, the lightest 1 % 255, linearly in between.
pub fn stretch_levels(image: LumaImage<'_>, region: Region) -> Vec<u8> {
    let w = image.width as usize;
    let rows = (0..region.height as usize).map(|y| {
        let start = (region.y as usize + y) * w + region.x as usize;
        &image.data[start..start + region.width as usize]
    });
    let mut hist = [0usize; 256];
    for row in rows.clone() {
        for &v in row {
            hist[usize::from(v)] += 1;
        }
    }
    let n = region.width as usize * region.height as usize;
    let cut = n / 100;
    let level = |it: &mut dyn Iterator<Item = (usize, &usize)>| {
        let mut acc = 0;
        for (i, h) in it {
            acc += h;
            if acc > cut {
                return i as f32;
            }
        }
        0.0
    };
    let lo = level(&mut hist.iter().enumerate());
    let hi = level(&mut hist.iter().enumerate().rev());
    let scale = 255.0 / (hi - lo).max(1.0);
    rows.flat_map(|row| {
        row.iter()
            .map(move |&v| ((f32::from(v) - lo) * scale).clamp(0.0, 255.0) as u8)
    })
    .collect()
}

/// Radius of the window of [`local_contrast`] (a 25x25 pixel window).
pub const CONTRAST_RADIUS: u32 = 12;

/// Local contrast normalisation of `region` of the image: each pixel
/// becomes `128 + 50 * (v - mean) / sd` over the window of `radius` around
/// it (sd at least 6, so flat areas stay flat). Bars washed out by glare or
/// low light get full contrast; the binarizer's "too flat to hold a code"
/// rule no longer hides them. Two summed-area tables: O(1) per pixel.
pub fn local_contrast(image: LumaImage<'_>, region: Region, radius: u32) -> Vec<u8> {
    let (rw, rh) = (region.width as usize, region.height as usize);
    let stride = rw + 1;
    let mut sum = vec![0u64; stride * (rh + 1)];
    let mut sq = vec![0u64; stride * (rh + 1)];
    let w = image.width as usize;
    for y in 0..rh {
        let row = &image.data[(region.y as usize + y) * w + region.x as usize..][..rw];
        let (mut rs, mut rq) = (0u64, 0u64);
        for (x, &v) in row.iter().enumerate() {
            rs += u64::from(v);
            rq += u64::from(v) * u64::from(v);
            sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] + rs;
            sq[(y + 1) * stride + x + 1] = sq[y * stride + x + 1] + rq;
        }
    }
    let r = radius as usize;
    let mut out = Vec::with_capacity(rw * rh);
    for y in 0..rh {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(rh));
        let row = &image.data[(region.y as usize + y) * w + region.x as usize..][..rw];
        for (x, &v) in row.iter().enumerate() {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(rw));
            let n = ((y1 - y0) * (x1 - x0)) as f32;
            let at = |t: &[u64], yy: usize, xx: usize| t[yy * stride + xx];
            let s = (at(&sum, y1, x1) + at(&sum, y0, x0) - at(&sum, y0, x1) - at(&sum, y1, x0)) as f32;
            let q = (at(&sq, y1, x1) + at(&sq, y0, x0) - at(&sq, y0, x1) - at(&sq, y1, x0)) as f32;
            let mean = s / n;
            let sd = (q / n - mean * mean).max(0.0).sqrt().max(6.0);
            out.push((128.0 + 50.0 * (f32::from(v) - mean) / sd).clamp(0.0, 255.0) as u8);
        }
    }
    out
}

fn check(image: &LumaImage<'_>) -> Result<(), DecodeError> {
    let needed = image.width as usize * image.height as usize;
    if image.data.len() < needed {
        return Err(DecodeError::BadImage {
            width: image.width,
            height: image.height,
            len: image.data.len(),
        });
    }
    Ok(())
}

/// The pixels a pass decodes when they are not the image as captured: the
/// region (clamped) and its prepared copy.
fn prepare(image: LumaImage<'_>, pass: Pass) -> Option<(Region, Vec<u8>)> {
    if pass.prep == Prep::Raw {
        return None;
    }
    let r = clamp_region(pass.region.unwrap_or(whole(&image)), image.width, image.height);
    Some(match pass.prep {
        Prep::Stretch => (r, stretch_levels(image, r)),
        _ => (r, local_contrast(image, r, CONTRAST_RADIUS)),
    })
}

/// zxing-cpp 3 (through the `zxing-cpp` crate, C++ built from source).
pub struct ZxingDecoder {
    /// One reader per effort and threshold, made when first needed.
    readers: Vec<((Effort, Threshold), zxingcpp::BarcodeReader)>,
}

impl ZxingDecoder {
    pub fn new() -> ZxingDecoder {
        ZxingDecoder { readers: Vec::new() }
    }

    fn reader(&mut self, effort: Effort, threshold: Threshold) -> &zxingcpp::BarcodeReader {
        use zxingcpp::BarcodeFormat as F;
        let key = (effort, threshold);
        let i = match self.readers.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let reader = zxingcpp::BarcodeReader::new()
                    .formats([
                        F::EAN13,
                        F::EAN8,
                        F::UPCA,
                        F::UPCE,
                        F::QRCode,
                        F::DataMatrix,
                        F::Code128,
                    ])
                    .try_harder(effort != Effort::Fast)
                    .try_rotate(true)
                    .try_invert(effort == Effort::Thorough)
                    .binarizer(match threshold {
                        Threshold::Local => zxingcpp::Binarizer::LocalAverage,
                        Threshold::Global => zxingcpp::Binarizer::GlobalHistogram,
                        Threshold::Fixed => zxingcpp::Binarizer::FixedThreshold,
                    })
                    // The default (HRI) turns GS1 data into "(01)…(10)…";
                    // plain keeps the GS separators the parser expects.
                    .text_mode(zxingcpp::TextMode::Plain);
                self.readers.push((key, reader));
                self.readers.len() - 1
            }
        };
        &self.readers[i].1
    }
}

impl Default for ZxingDecoder {
    fn default() -> Self {
        ZxingDecoder::new()
    }
}

impl BarcodeDecoder for ZxingDecoder {
    fn name(&self) -> &'static str {
        "zxing-cpp"
    }

    fn decode(&mut self, image: LumaImage<'_>, pass: Pass) -> Result<Vec<Symbol>, DecodeError> {
        use zxingcpp::BarcodeFormat as F;
        check(&image)?;
        if image.width == 0 || image.height == 0 {
            return Ok(Vec::new());
        }
        let prepared;
        // from_slice checks the sizes against the buffer (never from_ptr).
        let view = if let Some((r, pixels)) = prepare(image, pass) {
            prepared = pixels;
            zxingcpp::ImageView::from_slice(&prepared, r.width, r.height, zxingcpp::ImageFormat::Lum)
                .map(|v| (v, r.x as i32, r.y as i32))
        } else {
            zxingcpp::ImageView::from_slice(image.data, image.width, image.height, zxingcpp::ImageFormat::Lum).map(
                |v| {
                    match pass.region.map(|r| clamp_region(r, image.width, image.height)) {
                        // Zero-copy: the view's pointer and size change, not the pixels.
                        Some(r) => (
                            v.cropped(r.x as i32, r.y as i32, r.width as i32, r.height as i32),
                            r.x as i32,
                            r.y as i32,
                        ),
                        None => (v, 0, 0),
                    }
                },
            )
        };
        let (view, ox, oy) = view.map_err(|e| DecodeError::Decoder(e.to_string()))?;
        let reader = self.reader(pass.effort, pass.threshold);
        let barcodes = reader.from(view).map_err(|e| DecodeError::Decoder(e.to_string()))?;
        Ok(barcodes
            .iter()
            .filter(|b| b.is_valid())
            .map(|b| {
                let symbology = match b.format() {
                    F::EAN13 => Symbology::Ean13,
                    F::EAN8 => Symbology::Ean8,
                    F::UPCA => Symbology::UpcA,
                    F::UPCE => Symbology::UpcE,
                    F::QRCode => Symbology::Qr,
                    F::DataMatrix => Symbology::DataMatrix,
                    F::Code128 => Symbology::Code128,
                    _ => Symbology::Other,
                };
                let upce8 = (symbology == Symbology::UpcE).then(|| b.extra_with_key("UPCE"));
                let p = b.position();
                let position = [p.top_left, p.top_right, p.bottom_right, p.bottom_left].map(|q| (q.x + ox, q.y + oy));
                Symbol::normalised(
                    symbology,
                    b.text(),
                    b.symbology_identifier(),
                    b.content_type() == zxingcpp::ContentType::GS1,
                    upce8,
                    position,
                )
            })
            .collect())
    }
}

fn whole(image: &LumaImage<'_>) -> Region {
    Region {
        x: 0,
        y: 0,
        width: image.width,
        height: image.height,
    }
}

fn clamp_region(r: Region, width: u32, height: u32) -> Region {
    let x = r.x.min(width.saturating_sub(1));
    let y = r.y.min(height.saturating_sub(1));
    Region {
        x,
        y,
        width: r.width.clamp(1, width - x),
        height: r.height.clamp(1, height - y),
    }
}

#[cfg(feature = "rxing")]
pub use rx::RxingDecoder;

/// rxing 0.9 behind the same trait, for the measurement only.
#[cfg(feature = "rxing")]
mod rx {
    use std::collections::HashSet;

    use rxing::common::HybridBinarizer;
    use rxing::{
        BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiFormatReader, RXingResult,
        RXingResultMetadataType as Md, RXingResultMetadataValue as MdV,
    };

    use super::*;

    /// rxing's `MultiFormatReader`. `Fast` is `TryHarder` off; `Harder` turns
    /// it on (rxing's only way to read 1D codes turned 90°); `Thorough` adds
    /// inverted codes.
    pub struct RxingDecoder {
        readers: [(Effort, MultiFormatReader); 3],
    }

    impl RxingDecoder {
        pub fn new() -> RxingDecoder {
            let reader = |harder: bool, inverted: bool| {
                let hints = DecodeHints {
                    PossibleFormats: Some(HashSet::from([
                        BarcodeFormat::EAN_13,
                        BarcodeFormat::EAN_8,
                        BarcodeFormat::UPC_A,
                        BarcodeFormat::UPC_E,
                        BarcodeFormat::QR_CODE,
                        BarcodeFormat::DATA_MATRIX,
                        BarcodeFormat::CODE_128,
                    ])),
                    TryHarder: Some(harder),
                    AlsoInverted: Some(inverted),
                    // Without it rxing drops the FNC1s of GS1-128.
                    AssumeGs1: Some(true),
                    ..Default::default()
                };
                let mut r = MultiFormatReader::default();
                r.set_hints(&hints);
                r
            };
            RxingDecoder {
                readers: [
                    (Effort::Fast, reader(false, false)),
                    (Effort::Harder, reader(true, false)),
                    (Effort::Thorough, reader(true, true)),
                ],
            }
        }
    }

    impl Default for RxingDecoder {
        fn default() -> Self {
            RxingDecoder::new()
        }
    }

    impl BarcodeDecoder for RxingDecoder {
        fn name(&self) -> &'static str {
            "rxing"
        }

        fn decode(&mut self, image: LumaImage<'_>, pass: Pass) -> Result<Vec<Symbol>, DecodeError> {
            check(&image)?;
            if image.width == 0 || image.height == 0 {
                return Ok(Vec::new());
            }
            // rxing always uses its hybrid binarizer (`pass.threshold` is
            // zxing-cpp's); prepared pixels are honoured.
            let (ox, oy, w, h, luma) = match (prepare(image, pass), pass.region) {
                (Some((r, pixels)), _) => (r.x as i32, r.y as i32, r.width, r.height, pixels),
                (None, Some(r)) => {
                    let r = clamp_region(r, image.width, image.height);
                    let mut crop = Vec::with_capacity((r.width * r.height) as usize);
                    for row in r.y..r.y + r.height {
                        let start = (row * image.width + r.x) as usize;
                        crop.extend_from_slice(&image.data[start..start + r.width as usize]);
                    }
                    (r.x as i32, r.y as i32, r.width, r.height, crop)
                }
                (None, None) => (
                    0,
                    0,
                    image.width,
                    image.height,
                    image.data[..(image.width * image.height) as usize].to_vec(),
                ),
            };
            let reader = self
                .readers
                .iter_mut()
                .find(|(e, _)| *e == pass.effort)
                .map(|(_, r)| r)
                .ok_or_else(|| DecodeError::Decoder("no reader".into()))?;
            let source = Luma8LuminanceSource::new(luma, w, h).map_err(|e| DecodeError::Decoder(format!("{e:?}")))?;
            let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
            // `decode_with_state` keeps the hints set in `new` (`decode` resets
            // them). rxing is a large hand port: a panic on odd input costs a
            // frame.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode_with_state(&mut bitmap)));
            match r {
                Ok(Ok(res)) => Ok(vec![convert(&res, ox, oy)]),
                Ok(Err(_)) => Ok(Vec::new()),
                Err(_) => Err(DecodeError::Decoder("rxing panicked".into())),
            }
        }
    }

    fn convert(r: &RXingResult, ox: i32, oy: i32) -> Symbol {
        let aim = match r.getRXingResultMetadata().get(&Md::SYMBOLOGY_IDENTIFIER) {
            Some(MdV::SymbologyIdentifier(s)) => s.clone(),
            _ => String::new(),
        };
        let mut text = r.getText().to_string();
        // With AssumeGs1, rxing puts "]C1" inside the Code 128 text.
        if let Some(rest) = text.strip_prefix("]C1") {
            text = rest.to_string();
        }
        let symbology = match r.getBarcodeFormat() {
            BarcodeFormat::EAN_13 => Symbology::Ean13,
            BarcodeFormat::EAN_8 => Symbology::Ean8,
            BarcodeFormat::UPC_A => Symbology::UpcA,
            BarcodeFormat::UPC_E => Symbology::UpcE,
            BarcodeFormat::QR_CODE => Symbology::Qr,
            BarcodeFormat::DATA_MATRIX => Symbology::DataMatrix,
            BarcodeFormat::CODE_128 => Symbology::Code128,
            _ => Symbology::Other,
        };
        // rxing gives UPC-A as 12 digits already; make it look like zxing-cpp's
        // EAN-13 form so one normalisation serves both.
        let text = if symbology == Symbology::UpcA && text.len() == 12 {
            format!("0{text}")
        } else {
            text
        };
        let gs1 = matches!(aim.as_str(), "]C1" | "]d2" | "]Q3" | "]e0");
        let pts: Vec<(i32, i32)> = r
            .getPoints()
            .iter()
            .map(|p| (p.x as i32 + ox, p.y as i32 + oy))
            .collect();
        let mut position = [(ox, oy); 4];
        for (slot, p) in position.iter_mut().zip(pts.iter().cycle()) {
            *slot = *p;
        }
        Symbol::normalised(symbology, text, aim, gs1, None, position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(symbology: Symbology, text: &str, gs1: bool, aim: &str) -> Symbol {
        Symbol::normalised(symbology, text.into(), aim.into(), gs1, None, [(0, 0); 4])
    }

    #[test]
    fn upc_a_reported_as_ean13_is_normalised() {
        let s = sym(Symbology::Ean13, "0051000000675", false, "]E0");
        assert_eq!((s.symbology, s.text.as_str()), (Symbology::UpcA, "051000000675"));
        let s = sym(Symbology::Ean13, "5449000039231", false, "]E0");
        assert_eq!((s.symbology, s.text.as_str()), (Symbology::Ean13, "5449000039231"));
        let up = Symbol::normalised(
            Symbology::UpcE,
            "0049000006582".into(),
            "]E0".into(),
            false,
            Some("04965802".into()),
            [(0, 0); 4],
        );
        assert_eq!(up.text, "04965802");
        let Ok(Scanned::Product(p)) = up.classify(&CodeContext::defaults(crate::scan::today())) else {
            panic!()
        };
        assert_eq!(p.gtin.as_gtin14(), "00049000006582");
    }

    #[test]
    fn gs1_text_reaches_the_parser_with_its_identifier() {
        let rules = CodeContext::defaults(crate::scan::today());
        let dm = sym(
            Symbology::DataMatrix,
            "010544900003923110LOT1\u{1d}17261231",
            true,
            "]d2",
        );
        assert_eq!(dm.scan_text(), "]d2010544900003923110LOT1\u{1d}17261231");
        assert_eq!(dm.format_name(), "GS1-DataMatrix");
        let Ok(Scanned::Product(p)) = dm.classify(&rules) else {
            panic!()
        };
        assert_eq!(p.gtin.as_gtin14(), "05449000039231");
        assert_eq!(p.gs1.lot.as_deref(), Some("LOT1"));
        // A library that gives no identifier: one is made up from the symbology.
        let c128 = sym(Symbology::Code128, "0105449000039231", true, "");
        assert_eq!(c128.scan_text(), "]C10105449000039231");
        // Not GS1: returned as is.
        let qr = sym(Symbology::Qr, "VITRINE-LOYALTY:42", false, "]Q1");
        assert_eq!(qr.classify(&rules), Ok(Scanned::Payload("VITRINE-LOYALTY:42".into())));
    }

    #[test]
    fn centre_region_bounds_the_pixels() {
        assert_eq!(centre_region(480, 480, HARDER_MAX_PIXELS), None);
        let r = centre_region(1280, 720, HARDER_MAX_PIXELS).unwrap();
        assert_eq!((r.width, r.height, r.x, r.y), (640, 360, 320, 180));
        let r = centre_region(1920, 1080, HARDER_MAX_PIXELS).unwrap();
        assert_eq!((r.width, r.height, r.x, r.y), (640, 360, 640, 360));
        let r = centre_region(640, 480, HARDER_MAX_PIXELS).unwrap();
        assert_eq!((r.width, r.height), (554, 415));
        assert_eq!(live_pass(0, 1280, 720), Pass::full(Effort::Fast));
        assert_eq!(live_pass(1, 1280, 720).effort, Effort::Harder);
    }

    #[test]
    fn local_contrast_stretches_faint_bars_and_keeps_flat_areas_flat() {
        // Faint bars (120 / 130) on the left half, flat 200 on the right.
        let (w, h) = (80u32, 20u32);
        let data: Vec<u8> = (0..h)
            .flat_map(|_| {
                (0..w).map(|x| {
                    if x >= 40 {
                        200
                    } else if (x / 3) % 2 == 0 {
                        120
                    } else {
                        130
                    }
                })
            })
            .collect();
        let img = LumaImage {
            data: &data,
            width: w,
            height: h,
        };
        let out = local_contrast(
            img,
            Region {
                x: 0,
                y: 0,
                width: w,
                height: h,
            },
            4,
        );
        let row = &out[(10 * w) as usize..(11 * w) as usize];
        let (lo, hi) = (row[..30].iter().min().unwrap(), row[..30].iter().max().unwrap());
        assert!(*lo < 90 && *hi > 170, "{lo} {hi}");
        assert!(row[60..].iter().all(|&v| v == 128), "{:?}", &row[60..]);
        // A region: same values as the same pixels of the whole.
        let part = local_contrast(
            img,
            Region {
                x: 50,
                y: 5,
                width: 30,
                height: 10,
            },
            4,
        );
        assert_eq!(part.len(), 300);
        assert!(part.iter().all(|&v| v == 128));
    }

    #[test]
    fn bad_and_degenerate_images_never_panic() {
        let mut d = ZxingDecoder::new();
        let img = |data: &'static [u8], width, height| LumaImage { data, width, height };
        assert!(matches!(
            d.decode(img(&[0; 10], 4, 4), Pass::full(Effort::Fast)),
            Err(DecodeError::BadImage { .. })
        ));
        for (w, h) in [(0, 0), (0, 10), (10, 0)] {
            assert_eq!(d.decode(img(&[], w, h), Pass::full(Effort::Thorough)), Ok(vec![]));
        }
        static WHITE: [u8; 1000] = [255; 1000];
        for (w, h) in [(1, 1), (2, 2), (1, 1000), (1000, 1), (10, 100)] {
            for effort in [Effort::Fast, Effort::Harder, Effort::Thorough] {
                assert_eq!(d.decode(img(&WHITE, w, h), Pass::full(effort)), Ok(vec![]));
            }
        }
        // A region outside the image is clamped, not trusted.
        let pass = Pass::region(
            Effort::Fast,
            Some(Region {
                x: 50,
                y: 50,
                width: 100,
                height: 100,
            }),
        );
        assert_eq!(d.decode(img(&WHITE, 10, 100), pass), Ok(vec![]));
        assert_eq!(d.decode(img(&WHITE, 10, 100), pass.enhanced()), Ok(vec![]));
        assert_eq!(
            d.decode(img(&WHITE, 1, 1), Pass::full(Effort::Fast).enhanced()),
            Ok(vec![])
        );
    }
}
