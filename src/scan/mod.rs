//! Scanning: what reaches the rest of the kiosk when a code is read.
//!
//! Frame sources (camera, replay) and the decoder thread live under this
//! module and `crate::camera`; the USB scanner and the on-screen keypad feed
//! the same [`ScanEvent`]s, so the UI handles every way of entering a code
//! the same way.

use std::time::Instant;

use vitrine_core::code::{CodeError, Scanned, Symbology};

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
    /// The decoded text as the decoder (or keyboard) gave it.
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
