//! Camera frames for replay tests and benches: a QR code drawn by the
//! kiosk's own QR renderer (`vitrine::ui::qr`) in the middle of a grey
//! 1280x720 frame, as a camera sees a phone screen or a label.

use std::path::Path;

/// Writes to `path` a 1280x720 grey frame holding a QR code of `data`.
pub fn write_qr_frame(path: &Path, data: &str) {
    let qr = vitrine::ui::qr::render(data, 400).expect("a QR code");
    let (w, h) = (qr.width(), qr.height());
    let px = qr.as_slice();
    let code = image::GrayImage::from_fn(w, h, |x, y| image::Luma([px[(y * w + x) as usize].r]));
    let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([150]));
    image::imageops::overlay(&mut frame, &code, i64::from((1280 - w) / 2), i64::from((720 - h) / 2));
    frame.save(path).expect("write a replay frame");
}
