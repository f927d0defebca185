//! The kiosk's camera, through nokhwa (V4L2 on Linux).
//!
//! [`CameraSource`] only holds settings and is `Send`; the `nokhwa::Camera`
//! it opens is not, so it is created, read and dropped on the capture thread
//! (see [`super::FrameSource`]). Frames are read raw (`frame_raw`, a borrow
//! of the driver's memory-mapped buffer) and converted to luma in one pass,
//! so the luma is the only copy.
//!
//! The picture mode is chosen by [`choose_mode`] rather than nokhwa's
//! `Closest` request, which finds nothing when the camera lacks the exact
//! resolution asked for.

use std::path::Path;
use std::time::Instant;

use nokhwa::Camera;
use nokhwa::utils::{CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType};

use super::convert::{self, PixelFormat};
use super::{FailedStep, Frame, FrameSource, FrameStream, SourceError, Stop, StreamMode};
use crate::config::CameraSection;

/// A camera by index (`"0"` is `/dev/video0`) or by a part of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraSource {
    pub device: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl CameraSource {
    pub fn from_config(c: &CameraSection) -> CameraSource {
        CameraSource {
            device: c.device.clone(),
            width: c.width,
            height: c.height,
            fps: c.fps,
        }
    }

    /// The camera's index: the number itself, or the first camera whose name
    /// contains `device` (case-insensitive).
    fn resolve(&self) -> Result<u32, SourceError> {
        let wanted = self.device.trim();
        if let Ok(index) = wanted.parse::<u32>() {
            // nokhwa's error for a missing node is obscure; say it plainly.
            if cfg!(target_os = "linux") && !Path::new(&format!("/dev/video{index}")).exists() {
                return Err(SourceError::NotFound {
                    device: index.to_string(),
                    missing_node: Some(format!("/dev/video{index}")),
                    connected: None,
                });
            }
            return Ok(index);
        }
        let cameras = nokhwa::query(nokhwa::utils::ApiBackend::Auto).map_err(|e| SourceError::Failed {
            device: format!("\"{wanted}\""),
            step: FailedStep::ListCameras,
            detail: e.to_string(),
        })?;
        let needle = wanted.to_lowercase();
        let found = cameras
            .iter()
            .find(|c| c.human_name().to_lowercase().contains(&needle))
            .and_then(|c| c.index().as_index().ok());
        found.ok_or_else(|| SourceError::NotFound {
            device: wanted.to_string(),
            missing_node: None,
            connected: Some(cameras.iter().map(|c| c.human_name()).collect()),
        })
    }
}

impl FrameSource for CameraSource {
    fn describe(&self) -> String {
        format!(
            "camera {} ({}x{} at {} fps)",
            self.device, self.width, self.height, self.fps
        )
    }

    fn duplicate(&self) -> Option<Box<dyn FrameSource>> {
        Some(Box::new(self.clone()))
    }

    fn open(&mut self, _stop: &Stop) -> Result<Box<dyn FrameStream>, SourceError> {
        let index = self.resolve()?;
        let device = self.device.clone();
        let err = |e: nokhwa::NokhwaError| open_error(&device, &e.to_string());
        let any = RequestedFormat::with_formats(RequestedFormatType::None, &ALL_FORMATS);
        let mut camera = Camera::new(CameraIndex::Index(index), any).map_err(err)?;
        let modes: Vec<StreamMode> = camera
            .compatible_camera_formats()
            .map_err(err)?
            .iter()
            .filter_map(to_mode)
            .collect();
        let mode = choose_mode(&modes, self.width, self.height, self.fps).ok_or_else(|| SourceError::NoUsableMode {
            device: device.clone(),
            detail: format!("{} modes listed by the driver, none usable", modes.len()),
        })?;
        let chosen = CameraFormat::new_from(mode.width, mode.height, to_frame_format(mode.format), mode.fps);
        let formats = [chosen.format()];
        camera
            .set_camera_requset(RequestedFormat::with_formats(
                RequestedFormatType::Exact(chosen),
                &formats,
            ))
            .map_err(err)?;
        camera.open_stream().map_err(err)?;
        tracing::info!(
            device = %device, width = mode.width, height = mode.height, fps = mode.fps,
            format = mode.format.name(), "camera opened"
        );
        Ok(Box::new(CameraStream { camera, mode, device }))
    }
}

const ALL_FORMATS: [FrameFormat; 6] = [
    FrameFormat::MJPEG,
    FrameFormat::YUYV,
    FrameFormat::NV12,
    FrameFormat::GRAY,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
];

struct CameraStream {
    camera: Camera,
    mode: StreamMode,
    device: String,
}

impl FrameStream for CameraStream {
    fn next_frame(&mut self, frame: &mut Frame) -> Result<(), SourceError> {
        let raw = self.camera.frame_raw().map_err(|e| SourceError::Disconnected {
            device: self.device.clone(),
            detail: e.to_string(),
        })?;
        let captured_at = Instant::now();
        match convert::to_luma(
            self.mode.format,
            &raw,
            self.mode.width,
            self.mode.height,
            &mut frame.luma,
        ) {
            Ok((w, h)) => {
                frame.width = w;
                frame.height = h;
                frame.captured_at = captured_at;
                Ok(())
            }
            // One damaged frame (USB glitch) is skipped, not fatal: the
            // frame is marked empty and the pipeline ignores it.
            Err(e) => {
                tracing::debug!(error = %e, "camera frame skipped");
                frame.width = 0;
                frame.height = 0;
                frame.luma.clear();
                Ok(())
            }
        }
    }

    fn mode(&self) -> Option<StreamMode> {
        Some(self.mode)
    }
}

impl Drop for CameraStream {
    fn drop(&mut self) {
        if let Err(e) = self.camera.stop_stream() {
            tracing::debug!(error = %e, "camera stream did not stop cleanly");
        }
    }
}

fn to_mode(f: &CameraFormat) -> Option<StreamMode> {
    let format = match f.format() {
        FrameFormat::MJPEG => PixelFormat::Mjpeg,
        FrameFormat::YUYV => PixelFormat::Yuyv,
        FrameFormat::NV12 => PixelFormat::Nv12,
        FrameFormat::GRAY => PixelFormat::Gray,
        FrameFormat::RAWRGB => PixelFormat::Rgb,
        FrameFormat::RAWBGR => PixelFormat::Bgr,
    };
    Some(StreamMode {
        width: f.width(),
        height: f.height(),
        fps: f.frame_rate(),
        format,
    })
}

fn to_frame_format(p: PixelFormat) -> FrameFormat {
    match p {
        PixelFormat::Mjpeg => FrameFormat::MJPEG,
        PixelFormat::Yuyv => FrameFormat::YUYV,
        PixelFormat::Nv12 => FrameFormat::NV12,
        PixelFormat::Gray => FrameFormat::GRAY,
        PixelFormat::Rgb => FrameFormat::RAWRGB,
        PixelFormat::Bgr => FrameFormat::RAWBGR,
    }
}

/// Maps an error from opening the camera to what the staff can act on.
fn open_error(device: &str, message: &str) -> SourceError {
    let m = message.to_lowercase();
    let device = device.to_string();
    if m.contains("busy") {
        SourceError::Busy { device }
    } else if m.contains("permission denied") {
        SourceError::PermissionDenied { device }
    } else if m.contains("no such file") || m.contains("no such device") {
        SourceError::NotFound {
            device,
            missing_node: None,
            connected: None,
        }
    } else if m.contains("fufill") || m.contains("fulfill") {
        SourceError::NoUsableMode {
            device,
            detail: message.to_string(),
        }
    } else {
        SourceError::Failed {
            device,
            step: FailedStep::Open,
            detail: message.to_string(),
        }
    }
}

/// Picks the camera mode closest to the one asked for: the nearest resolution
/// (by pixel count, a larger one preferred to a smaller one at the same
/// distance), then the frame rate nearest to the one asked for without going
/// under it when possible, then the cheapest pixel format to convert (grey,
/// NV12, YUYV, then MJPEG, which needs a JPEG decode, then RGB).
pub fn choose_mode(modes: &[StreamMode], width: u32, height: u32, fps: u32) -> Option<StreamMode> {
    let want = f64::from(width) * f64::from(height);
    modes
        .iter()
        .filter(|m| m.width > 0 && m.height > 0 && m.fps > 0)
        .min_by(|a, b| {
            let key = |m: &StreamMode| {
                let pixels = f64::from(m.width) * f64::from(m.height);
                // Distance in "doublings" of pixel count, so 2x too big and
                // 2x too small weigh the same; smaller loses ties.
                let dist = (pixels / want).log2().abs();
                let smaller = pixels < want;
                let exact = m.width == width && m.height == height;
                let fps_short = fps.saturating_sub(m.fps);
                let fps_over = m.fps.saturating_sub(fps);
                let cost = match m.format {
                    PixelFormat::Gray => 0,
                    PixelFormat::Nv12 => 1,
                    PixelFormat::Yuyv => 2,
                    PixelFormat::Mjpeg => 3,
                    PixelFormat::Rgb | PixelFormat::Bgr => 4,
                };
                (
                    !exact,
                    (dist * 1000.0).round() as u64,
                    smaller,
                    fps_short,
                    fps_over,
                    cost,
                )
            };
            key(a).cmp(&key(b))
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(width: u32, height: u32, fps: u32, format: PixelFormat) -> StreamMode {
        StreamMode {
            width,
            height,
            fps,
            format,
        }
    }

    #[test]
    fn chooses_the_nearest_mode() {
        // A typical UVC webcam: YUYV is slow at 720p, MJPEG is not.
        let webcam = [
            m(640, 480, 30, PixelFormat::Yuyv),
            m(1280, 720, 10, PixelFormat::Yuyv),
            m(1920, 1080, 5, PixelFormat::Yuyv),
            m(640, 480, 30, PixelFormat::Mjpeg),
            m(1280, 720, 30, PixelFormat::Mjpeg),
            m(1920, 1080, 30, PixelFormat::Mjpeg),
        ];
        assert_eq!(
            choose_mode(&webcam, 1280, 720, 30),
            Some(m(1280, 720, 30, PixelFormat::Mjpeg))
        );
        // Same size and rate: the format that needs no JPEG decode.
        assert_eq!(
            choose_mode(&webcam, 640, 480, 30),
            Some(m(640, 480, 30, PixelFormat::Yuyv))
        );
        // No exact size: the nearest, the larger one on a tie.
        let odd = [m(800, 600, 30, PixelFormat::Yuyv), m(1600, 1200, 30, PixelFormat::Yuyv)];
        assert_eq!(
            choose_mode(&odd, 1131, 849, 30),
            Some(m(1600, 1200, 30, PixelFormat::Yuyv))
        );
        assert_eq!(
            choose_mode(&odd, 1280, 720, 30),
            Some(m(800, 600, 30, PixelFormat::Yuyv))
        );
        // Frame rate: at least the one asked for when the camera has it.
        let rates = [
            m(1280, 720, 15, PixelFormat::Mjpeg),
            m(1280, 720, 60, PixelFormat::Mjpeg),
            m(1280, 720, 25, PixelFormat::Mjpeg),
        ];
        assert_eq!(
            choose_mode(&rates, 1280, 720, 30),
            Some(m(1280, 720, 60, PixelFormat::Mjpeg))
        );
        assert_eq!(
            choose_mode(&rates, 1280, 720, 20),
            Some(m(1280, 720, 25, PixelFormat::Mjpeg))
        );
        assert_eq!(choose_mode(&[], 1280, 720, 30), None);
    }

    #[test]
    fn open_errors_say_what_to_do() {
        assert!(matches!(
            open_error("0", "Could not open device 0: Device or resource busy (os error 16)"),
            SourceError::Busy { .. }
        ));
        let e = open_error(
            "0",
            "Could not open device /dev/video0: Permission denied (os error 13)",
        );
        assert!(e.to_string().contains("video` group"), "{e}");
        assert!(!e.is_retryable());
        assert!(matches!(
            open_error("0", "No such file or directory (os error 2)"),
            SourceError::NotFound { .. }
        ));
        assert!(open_error("0", "something else").is_retryable());
        // nokhwa's English text stays as the technical detail; the sentence
        // around it is in the staff's language.
        let e = open_error("0", "Could not set the format: Invalid argument (os error 22)");
        assert_eq!(
            e.text().render(vitrine_core::Lang::FR),
            "erreur de la caméra 0 : impossible de l'ouvrir (Could not set the format: Invalid argument (os error 22))"
        );
        assert_eq!(
            e.text().render(vitrine_core::Lang::EN),
            "camera 0 failed: cannot open it: Could not set the format: Invalid argument (os error 22)"
        );
    }

    /// This machine has no camera: opening one gives a clear "not found",
    /// never a panic (the pipeline test checks the status the UI sees).
    #[test]
    fn a_missing_camera_is_not_found() {
        let mut source = CameraSource {
            device: "57".into(),
            width: 1280,
            height: 720,
            fps: 30,
        };
        let e = source.open(&Stop::new()).err().unwrap();
        assert!(matches!(e, SourceError::NotFound { .. }), "{e}");
        assert!(e.to_string().contains("/dev/video57 does not exist"), "{e}");
        let mut by_name = CameraSource {
            device: "No Such Webcam".into(),
            ..source
        };
        let e = by_name.open(&Stop::new()).err().unwrap();
        assert!(
            matches!(e, SourceError::NotFound { .. } | SourceError::Failed { .. }),
            "{e}"
        );
    }
}
