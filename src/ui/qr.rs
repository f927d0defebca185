//! The handoff QR code, drawn with the `qrcode` crate into a pixel buffer
//! (one module = `scale` × `scale` pixels, with the 4-module quiet zone
//! the standard asks for), so the screen shows exactly the modules.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Rgb8Pixel, SharedPixelBuffer};

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the QR code: {0} (the link is too long for a QR code)")]
pub struct QrError(String);

/// The quiet zone, in modules.
pub const QUIET_ZONE: u32 = 4;

/// Draws `text` as a QR code about `target_px` wide (the module size is a
/// whole number of pixels, so the code is at most that wide).
pub fn render(text: &str, target_px: u32) -> Result<SharedPixelBuffer<Rgb8Pixel>, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L))
        .map_err(|e| QrError(e.to_string()))?;
    let modules = code.width() as u32;
    let total = modules + 2 * QUIET_ZONE;
    let scale = (target_px / total).max(1);
    let size = total * scale;
    let colors = code.to_colors();
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(size, size);
    let white = Rgb8Pixel { r: 255, g: 255, b: 255 };
    let black = Rgb8Pixel { r: 0, g: 0, b: 0 };
    let pixels = buf.make_mut_slice();
    for y in 0..size {
        let my = (y / scale) as i64 - i64::from(QUIET_ZONE);
        for x in 0..size {
            let mx = (x / scale) as i64 - i64::from(QUIET_ZONE);
            let dark = (0..i64::from(modules)).contains(&mx)
                && (0..i64::from(modules)).contains(&my)
                && colors[(my as usize) * modules as usize + mx as usize] == Color::Dark;
            pixels[(y * size + x) as usize] = if dark { black } else { white };
        }
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_modules_with_a_quiet_zone() {
        let buf = render("https://hq.example/h/0190-abc#payload", 600).unwrap();
        assert_eq!(buf.width(), buf.height());
        assert!(buf.width() <= 600 && buf.width() > 300);
        let px = buf.as_slice();
        // The quiet zone is white, the top-left finder pattern starts dark.
        assert_eq!(px[0].r, 255);
        let scale = buf.width() / (QrCode::new(b"https://hq.example/h/0190-abc#payload").unwrap().width() as u32 + 8);
        let corner = (QUIET_ZONE * scale) as usize;
        assert_eq!(px[corner * buf.width() as usize + corner].r, 0);
    }

    #[test]
    fn too_long_is_an_error() {
        assert!(render(&"x".repeat(5000), 600).is_err());
    }
}
