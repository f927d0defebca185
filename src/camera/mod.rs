//! Frame sources: where the pictures the decoder reads come from.
//!
//! Every source is a [`FrameSource`]: a description that can be sent to the
//! capture thread, which calls [`FrameSource::open`] there and reads frames
//! from the [`FrameStream`] it returns. A stream never leaves the thread that
//! opened it, because `nokhwa::Camera` is not `Send`: the capture thread
//! creates, uses and drops every camera object.
//!
//! - [`device::CameraSource`]: a V4L2 camera through nokhwa (by index or by
//!   name, with the configured resolution and frame rate; MJPEG, YUYV, NV12
//!   or grey converted to luma by [`convert`]).
//! - [`replay::ReplaySource`]: a folder or list of images played as a camera
//!   at a given frame rate, looping (demos, tests, store training).
//!
//! Frames are 8-bit luma only: that is all the decoder reads, and the preview
//! shown to the shopper is grey (see [`crate::scan::PreviewFrame`]).
//!
//! USB barcode scanners in keyboard mode are not frame sources: they type
//! codes, and [`crate::scan::hid`] tells their bursts from a person typing.

pub mod convert;
pub mod device;
pub mod replay;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use vitrine_core::Lang;
use vitrine_i18n::{Text, text};

use crate::config::{CameraSection, CameraSource as Source};

/// One captured frame: 8-bit luma, row-major, `width * height` bytes.
#[derive(Debug, Clone)]
pub struct Frame {
    pub luma: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// When the frame was captured (for a replay: when it was played).
    pub captured_at: Instant,
    /// The image file a replayed frame came from; empty for a camera.
    pub label: Arc<str>,
}

impl Frame {
    /// An empty frame whose buffer a stream fills.
    pub fn empty() -> Frame {
        Frame {
            luma: Vec::new(),
            width: 0,
            height: 0,
            captured_at: Instant::now(),
            label: Arc::from(""),
        }
    }
}

/// A source of frames, sent to the capture thread and opened there.
pub trait FrameSource: Send + 'static {
    /// For logs and the staff screen: "camera 0", "replay demo/ (12 images)".
    fn describe(&self) -> String;

    /// Opens the device or the files. Called on the capture thread, again
    /// after every failure (with a backoff), so it must be cheap to retry.
    /// `stop` is set when the pipeline stops: a stream that waits (a replay
    /// pacing its frames) must wake up for it.
    fn open(&mut self, stop: &Stop) -> Result<Box<dyn FrameStream>, SourceError>;

    /// A new, unopened copy of this source. The pipeline's watchdog opens
    /// it on a new capture thread when a stream stalls (sends nothing, no
    /// error): the stalled stream cannot be interrupted, nor the source it
    /// borrows reused. `None` (the default): a stall is only reported.
    fn duplicate(&self) -> Option<Box<dyn FrameSource>> {
        None
    }

    /// What the scan events of this source say they came from.
    fn scan_source(&self) -> crate::scan::ScanSource {
        crate::scan::ScanSource::Camera
    }
}

/// An open source, living on the capture thread.
pub trait FrameStream {
    /// Blocks until the next frame and writes it into `frame`, reusing its
    /// buffer. An error ends this stream: the capture thread drops it,
    /// reports the error and opens the source again after a backoff.
    fn next_frame(&mut self, frame: &mut Frame) -> Result<(), SourceError>;

    /// The size and rate actually delivered, once known (for the staff screen).
    fn mode(&self) -> Option<StreamMode> {
        None
    }
}

/// What a stream delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamMode {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub format: convert::PixelFormat,
}

/// What went wrong with a source, in words the staff can act on, in the
/// screen's language ([`SourceError::text`]; `Display` is English). The
/// `detail` fields hold the technical text of the driver or of nokhwa
/// (English, kept as is for a technician), always shown in parentheses or
/// after a colon, never as the sentence itself.
///
/// Every kind is retried by the capture thread (a camera can be plugged in,
/// freed by another program or given permissions later);
/// [`SourceError::is_retryable`] tells the staff screen whether waiting
/// alone can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// No such camera. `missing_node`: the `/dev/video<N>` that does not
    /// exist (camera by index); `connected`: the cameras there are (camera
    /// by name).
    NotFound {
        device: String,
        missing_node: Option<String>,
        connected: Option<Vec<String>>,
    },
    Busy {
        device: String,
    },
    PermissionDenied {
        device: String,
    },
    /// Reading a frame failed (unplugged, driver error).
    Disconnected {
        device: String,
        detail: String,
    },
    /// The stream sent no frame (and no error) for `secs` seconds: the
    /// pipeline's watchdog gave up on it and opens the source again.
    Stalled {
        secs: u64,
    },
    NoUsableMode {
        device: String,
        detail: String,
    },
    /// Another failure while `step`.
    Failed {
        device: String,
        step: FailedStep,
        detail: String,
    },
    /// No readable image in a replay folder or list (`what`: the folder or
    /// the count of files, with the system's reason when it cannot be read).
    NoImages {
        what: String,
    },
    /// The replay reached its end.
    Ended,
}

/// What the source was doing when it failed ([`SourceError::Failed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedStep {
    /// Listing the cameras to find one by name.
    ListCameras,
    /// Opening the camera, reading or setting its modes, starting its stream.
    Open,
    /// Starting the pipeline's capture thread.
    StartThread,
}

impl SourceError {
    /// True when the problem may go away by itself (a busy, unplugged or
    /// stalled camera); false when someone must act (permissions,
    /// configuration).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SourceError::NotFound { .. }
                | SourceError::Busy { .. }
                | SourceError::Disconnected { .. }
                | SourceError::Stalled { .. }
                | SourceError::Failed { .. }
        )
    }

    /// The problem in one sentence (no final full stop) for the staff, with
    /// the driver's technical detail (its own English) in it (messages
    /// `camera-*`).
    pub fn text(&self) -> Text {
        match self {
            SourceError::NotFound {
                device,
                missing_node,
                connected,
            } => {
                let detail = match (missing_node, connected) {
                    (Some(node), _) => Some(text!("camera-detail-no-node", node = node)),
                    (None, Some(c)) if c.is_empty() => Some(text!("camera-detail-none-connected")),
                    (None, Some(c)) => Some(text!("camera-detail-connected", names = c.join(", "))),
                    (None, None) => None,
                };
                match (connected.is_some(), detail) {
                    (false, None) => text!("camera-not-found", device = device),
                    (false, Some(d)) => text!("camera-not-found-detail", device = device, detail = d),
                    (true, None) => text!("camera-not-named", device = device),
                    (true, Some(d)) => text!("camera-not-named-detail", device = device, detail = d),
                }
            }
            SourceError::Busy { device } => text!("camera-busy", device = device),
            SourceError::PermissionDenied { device } => text!("camera-permission", device = device),
            SourceError::Disconnected { device, detail } => {
                text!("camera-disconnected", device = device, detail = detail)
            }
            SourceError::Stalled { secs } => text!("camera-stalled", secs = *secs),
            SourceError::NoUsableMode { device, detail } => text!("camera-no-mode", device = device, detail = detail),
            SourceError::Failed { device, step, detail } => {
                let what = match step {
                    FailedStep::ListCameras => text!("camera-step-list"),
                    FailedStep::Open => text!("camera-step-open"),
                    FailedStep::StartThread => text!("camera-step-thread"),
                };
                text!("camera-failed", device = device, what = what, detail = detail)
            }
            SourceError::NoImages { what } => text!("camera-no-images", what = what),
            SourceError::Ended => text!("camera-replay-ended"),
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Logs and errors on a terminal are in English.
        f.write_str(&self.text().render(Lang::EN))
    }
}

impl std::error::Error for SourceError {}

/// Builds the frame source the configuration names: `None` for
/// `camera.source = "none"` (USB scanner and keypad only). Nothing is opened
/// here: a missing camera or an empty replay folder shows up as the
/// pipeline's status, and is retried.
pub fn source_from_config(camera: &CameraSection) -> Option<Box<dyn FrameSource>> {
    match camera.source {
        Source::Camera => Some(Box::new(device::CameraSource::from_config(camera))),
        Source::Replay => Some(Box::new(replay::ReplaySource::from_dir(
            &camera.replay_dir,
            camera.replay_fps,
        ))),
        Source::None => None,
    }
}

/// A stop flag a waiting thread can sleep on: set once, wakes every waiter.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    pub fn set(&self) {
        let (flag, cv) = &*self.0;
        *flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
    }

    pub fn is_set(&self) -> bool {
        *self.0.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sleeps up to `timeout`; returns true if the stop was set meanwhile.
    pub fn wait(&self, timeout: Duration) -> bool {
        let (flag, cv) = &*self.0;
        let guard = flag.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = cv
            .wait_timeout_while(guard, timeout, |stopped| !*stopped)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }
}
