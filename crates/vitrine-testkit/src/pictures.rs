//! Product pictures made in the test: no picture file is needed in the
//! repository, and each test knows exactly what it drew.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A `width`×`height` PNG with transparency: a red left half, a
/// half-transparent blue right half.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgba([220, 30, 30, 255])
        } else {
            Rgba([30, 30, 220, 128])
        }
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).expect("encode a PNG");
    out.into_inner()
}

/// A `width`×`height` JPEG of one colour (`seed` changes the colour, so
/// that two pictures differ).
pub fn jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_pixel(width, height, Rgb([seed, 160, 255 - seed]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).expect("encode a JPEG");
    out.into_inner()
}

/// A PNG whose header says `width`×`height` (a decompression bomb's
/// claim): a 1×1 picture with the header's size and checksum rewritten.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    // The signature (8 bytes), then IHDR: length (4), type (4), width (4),
    // height (4), five more bytes, then the CRC of type and data.
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// The CRC-32 PNG chunks carry (bit by bit: a test's few bytes).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
