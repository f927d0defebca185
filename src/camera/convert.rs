//! Camera buffers to 8-bit luma, the only pixel format the decoder needs.
//!
//! Each conversion writes the luma straight into the caller's buffer in one
//! pass over the source: the camera's memory-mapped buffer is read once and
//! the luma is the only copy made. The buffer is reused from frame to frame,
//! so a running camera allocates nothing per frame.

use thiserror::Error;

/// The pixel layouts a camera hands over (the V4L2 formats nokhwa reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Motion JPEG: each frame a JPEG file.
    Mjpeg,
    /// Packed 4:2:2, `Y0 U Y1 V`: luma is every even byte.
    Yuyv,
    /// Planar 4:2:0: a full-resolution luma plane, then interleaved chroma.
    Nv12,
    /// 8-bit grey.
    Gray,
    /// 8-bit R, G, B.
    Rgb,
    /// 8-bit B, G, R.
    Bgr,
}

impl PixelFormat {
    pub fn name(self) -> &'static str {
        match self {
            PixelFormat::Mjpeg => "MJPEG",
            PixelFormat::Yuyv => "YUYV",
            PixelFormat::Nv12 => "NV12",
            PixelFormat::Gray => "GRAY",
            PixelFormat::Rgb => "RGB",
            PixelFormat::Bgr => "BGR",
        }
    }
}

/// Why a camera buffer could not be turned into luma. The frame is skipped;
/// the camera keeps running.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConvertError {
    #[error("{format} frame of {width}x{height} needs {needed} bytes, the camera gave {got}")]
    TooShort {
        format: &'static str,
        width: u32,
        height: u32,
        needed: usize,
        got: usize,
    },
    #[error("the camera gave a {width}x{height} frame: nothing to decode")]
    Empty { width: u32, height: u32 },
    #[error("damaged MJPEG frame: {0}")]
    Jpeg(String),
}

/// Converts one camera buffer of `width` x `height` pixels to luma in `out`
/// (resized to `width * height`; its allocation is reused). For MJPEG the
/// size comes from the JPEG itself and is returned, since a camera may send
/// another size than it announced.
pub fn to_luma(
    format: PixelFormat,
    src: &[u8],
    width: u32,
    height: u32,
    out: &mut Vec<u8>,
) -> Result<(u32, u32), ConvertError> {
    if format == PixelFormat::Mjpeg {
        return mjpeg_to_luma(src, out);
    }
    if width == 0 || height == 0 {
        return Err(ConvertError::Empty { width, height });
    }
    let pixels = width as usize * height as usize;
    let needed = match format {
        PixelFormat::Yuyv => pixels * 2,
        PixelFormat::Nv12 => pixels + pixels / 2,
        PixelFormat::Gray => pixels,
        PixelFormat::Rgb | PixelFormat::Bgr => pixels * 3,
        PixelFormat::Mjpeg => 0,
    };
    if src.len() < needed {
        return Err(ConvertError::TooShort {
            format: format.name(),
            width,
            height,
            needed,
            got: src.len(),
        });
    }
    out.clear();
    match format {
        // Only the luma plane is read; the chroma that follows is ignored.
        PixelFormat::Gray | PixelFormat::Nv12 => out.extend_from_slice(&src[..pixels]),
        PixelFormat::Yuyv => out.extend(src[..pixels * 2].iter().step_by(2)),
        PixelFormat::Rgb => out.extend(src[..pixels * 3].chunks_exact(3).map(|p| luma_of(p[0], p[1], p[2]))),
        PixelFormat::Bgr => out.extend(src[..pixels * 3].chunks_exact(3).map(|p| luma_of(p[2], p[1], p[0]))),
        PixelFormat::Mjpeg => {}
    }
    Ok((width, height))
}

/// BT.601 luma in integer arithmetic (weights 77/150/29 out of 256).
fn luma_of(r: u8, g: u8, b: u8) -> u8 {
    ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8) as u8
}

/// Decodes an MJPEG frame straight to grey: zune-jpeg (the decoder behind
/// `image`) is asked for luma output, so no colour conversion runs. A frame
/// damaged on the USB link is an error; the decoder is guarded so that a bug
/// in it on garbage input costs one frame, not the capture thread.
fn mjpeg_to_luma(src: &[u8], out: &mut Vec<u8>) -> Result<(u32, u32), ConvertError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let options = DecoderOptions::default()
            .jpeg_set_out_colorspace(ColorSpace::Luma)
            .set_max_width(8192)
            .set_max_height(8192);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(src), options);
        decoder.decode_headers().map_err(|e| e.to_string())?;
        let (w, h) = decoder.dimensions().ok_or("no frame size in the JPEG header")?;
        let size = decoder.output_buffer_size().ok_or("frame too large")?;
        out.clear();
        out.resize(size, 0);
        decoder.decode_into(out).map_err(|e| e.to_string())?;
        Ok::<_, String>((w as u32, h as u32))
    }));
    let (width, height) = match decoded {
        Ok(Ok(size)) => size,
        Ok(Err(reason)) => return Err(ConvertError::Jpeg(reason)),
        Err(_) => return Err(ConvertError::Jpeg("the JPEG decoder failed on this frame".into())),
    };
    if width == 0 || height == 0 {
        return Err(ConvertError::Empty { width, height });
    }
    out.truncate(width as usize * height as usize);
    Ok((width, height))
}

/// Shrinks a luma image by an integer `factor` with a box average (each
/// output pixel the mean of a `factor` x `factor` block) and writes it as
/// RGB8 (grey in all three channels): the preview shown on the kiosk screen.
/// A box average is 20 times cheaper than `image::imageops::resize` on a
/// camera frame and looks the same at preview size.
pub fn preview_rgb(luma: &[u8], width: u32, height: u32, factor: u32, out: &mut Vec<u8>) -> (u32, u32) {
    let f = factor.max(1) as usize;
    let (w, h) = (width as usize, height as usize);
    let (ow, oh) = (w / f, h / f);
    out.clear();
    if ow == 0 || oh == 0 || luma.len() < w * h {
        return (0, 0);
    }
    out.reserve(ow * oh * 3);
    let area = (f * f) as u32;
    let mut sums = vec![0u32; ow];
    for oy in 0..oh {
        sums.iter_mut().for_each(|s| *s = 0);
        for row in luma[oy * f * w..(oy * f + f) * w].chunks_exact(w) {
            for (ox, s) in sums.iter_mut().enumerate() {
                *s += row[ox * f..ox * f + f].iter().map(|&v| u32::from(v)).sum::<u32>();
            }
        }
        for s in &sums {
            let v = ((s + area / 2) / area) as u8;
            out.extend_from_slice(&[v, v, v]);
        }
    }
    (ow as u32, oh as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic 4x2 frame whose luma is 10, 20, ... 80.
    fn expected() -> Vec<u8> {
        (1..=8).map(|i| i * 10).collect()
    }

    #[test]
    fn yuyv_keeps_even_bytes() {
        let luma = expected();
        let mut yuyv = Vec::new();
        for pair in luma.chunks(2) {
            yuyv.extend_from_slice(&[pair[0], 128, pair[1], 200]);
        }
        let mut out = vec![1, 2, 3];
        assert_eq!(to_luma(PixelFormat::Yuyv, &yuyv, 4, 2, &mut out), Ok((4, 2)));
        assert_eq!(out, luma);
    }

    #[test]
    fn nv12_and_gray_take_the_luma_plane() {
        let luma = expected();
        let mut nv12 = luma.clone();
        nv12.extend_from_slice(&[99, 98, 97, 96]); // chroma: 4x2 / 2
        let mut out = Vec::new();
        to_luma(PixelFormat::Nv12, &nv12, 4, 2, &mut out).unwrap();
        assert_eq!(out, luma);
        // A camera may hand a buffer longer than the frame (page rounding).
        let mut gray = luma.clone();
        gray.extend_from_slice(&[0; 100]);
        to_luma(PixelFormat::Gray, &gray, 4, 2, &mut out).unwrap();
        assert_eq!(out, luma);
    }

    #[test]
    fn rgb_and_bgr_weigh_channels() {
        let mut out = Vec::new();
        to_luma(
            PixelFormat::Rgb,
            &[255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200],
            2,
            2,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, vec![77, 149, 29, 200]);
        to_luma(
            PixelFormat::Bgr,
            &[0, 0, 255, 0, 255, 0, 255, 0, 0, 200, 200, 200],
            2,
            2,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, vec![77, 149, 29, 200]);
    }

    #[test]
    fn short_and_empty_buffers_are_errors() {
        let mut out = Vec::new();
        let e = to_luma(PixelFormat::Yuyv, &[0; 15], 4, 2, &mut out).unwrap_err();
        assert_eq!(e.to_string(), "YUYV frame of 4x2 needs 16 bytes, the camera gave 15");
        assert!(matches!(
            to_luma(PixelFormat::Nv12, &[0; 11], 4, 2, &mut out),
            Err(ConvertError::TooShort { needed: 12, .. })
        ));
        assert!(matches!(
            to_luma(PixelFormat::Gray, &[], 0, 2, &mut out),
            Err(ConvertError::Empty { .. })
        ));
    }

    #[test]
    fn mjpeg_decodes_to_grey_and_damage_is_an_error() {
        // A real JPEG made by the image crate: left half black, right half white.
        let img = image::GrayImage::from_fn(32, 16, |x, _| image::Luma([if x < 16 { 0 } else { 255 }]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&img)
            .unwrap();
        let mut out = Vec::new();
        // The announced size is ignored: the JPEG says 32x16.
        assert_eq!(to_luma(PixelFormat::Mjpeg, &jpeg, 640, 480, &mut out), Ok((32, 16)));
        assert_eq!(out.len(), 32 * 16);
        assert!(out[0] < 20 && out[31] > 235, "{} {}", out[0], out[31]);
        // Colour JPEG (what most webcams send) goes through the RGB path.
        let rgb = image::RgbImage::from_fn(16, 8, |x, _| {
            image::Rgb(if x < 8 { [0, 0, 0] } else { [250, 250, 250] })
        });
        let mut jpeg_rgb = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg_rgb, 95)
            .encode_image(&rgb)
            .unwrap();
        assert_eq!(to_luma(PixelFormat::Mjpeg, &jpeg_rgb, 0, 0, &mut out), Ok((16, 8)));
        assert!(out[0] < 20 && out[15] > 230, "{} {}", out[0], out[15]);
        // Truncated and garbage frames: an error, never a panic.
        for bad in [
            &jpeg[..jpeg.len() / 3],
            &[0xFF, 0xD8, 0xFF][..],
            &[][..],
            &[7u8; 64][..],
        ] {
            assert!(to_luma(PixelFormat::Mjpeg, bad, 32, 16, &mut out).is_err());
        }
    }

    #[test]
    fn preview_is_a_box_average_in_rgb() {
        // 4x4 luma, factor 2: four 2x2 blocks.
        let luma = [0, 2, 100, 100, 4, 6, 100, 100, 50, 50, 255, 255, 50, 50, 255, 255];
        let mut out = Vec::new();
        assert_eq!(preview_rgb(&luma, 4, 4, 2, &mut out), (2, 2));
        assert_eq!(out, vec![3, 3, 3, 100, 100, 100, 50, 50, 50, 255, 255, 255]);
        // Odd sizes drop the last partial block; factor 1 is a grey copy.
        assert_eq!(preview_rgb(&luma[..12], 4, 3, 2, &mut out), (2, 1));
        assert_eq!(preview_rgb(&[9], 1, 1, 1, &mut out), (1, 1));
        assert_eq!(out, vec![9, 9, 9]);
        assert_eq!(preview_rgb(&[], 4, 4, 2, &mut out), (0, 0));
    }
}
