//! The link between the scan pipeline (camera or replay, decoder thread)
//! and the kiosk's screen.
//!
//! A bridge thread forwards the pipeline's debounced scan events to the UI
//! thread as they come, and its state and figures twice a second (only when
//! they changed). Preview pictures are pushed from the capture thread
//! through the pipeline's preview callback; the UI keeps only the latest, so
//! a busy screen drops pictures, never queues them. Nothing here runs on the
//! UI thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use slint::{Rgb8Pixel, SharedPixelBuffer};

use super::ScanSender;
use crate::config::KioskConfig;
use crate::scan::pipeline::{PipelineSettings, PreviewCallback};
use crate::scan::{CameraStatus, PreviewFrame, ScanMetrics, ScanPipeline};
use vitrine_core::wire::fleet::CameraState;

/// How often the bridge reports the camera's state and figures.
const REPORT_EVERY: Duration = Duration::from_millis(500);

/// How often the latest preview is searched for a code to guide the aim
/// (audio mode uses it on the scan page; the search takes about a
/// millisecond on a preview frame).
const AIM_EVERY: Duration = Duration::from_millis(300);

/// Where the code is in a preview frame (its grey levels are in each of
/// the RGB channels), as a tone and a hint.
fn aim(p: &PreviewFrame) -> crate::speech::guide::Guidance {
    use crate::speech::guide::{find_candidate, guide};
    let luma: Vec<u8> = p.rgb.chunks_exact(3).map(|c| c[1]).collect();
    // The kiosk's camera faces the shopper: their left is its right.
    guide(find_candidate(&luma, p.width as usize, p.height as usize), true)
}

/// The running link; dropping it stops the bridge and the pipeline.
pub struct CameraLink {
    stop: Arc<AtomicBool>,
    bridge: Option<JoinHandle<ScanPipeline>>,
}

/// A preview frame as a Slint picture.
pub fn preview_buffer(p: &PreviewFrame) -> Option<SharedPixelBuffer<Rgb8Pixel>> {
    let len = (p.width as usize) * (p.height as usize) * 3;
    (p.width > 0 && p.height > 0 && p.rgb.len() == len)
        .then(|| SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(&p.rgb, p.width, p.height))
}

impl CameraLink {
    /// Starts the pipeline the configuration describes (camera, replay or
    /// none) and the bridge to `sender`. Never fails: a camera that cannot
    /// open is reported on screen and retried by the pipeline. Without a
    /// source, the screen is told once ("no camera on this kiosk").
    /// `health` (the heartbeat's probe) hears the camera's state, the
    /// decode rate and each scan.
    pub fn start(
        cfg: &KioskConfig,
        sender: ScanSender,
        health: Option<crate::sync::HealthProbe>,
    ) -> std::io::Result<CameraLink> {
        let mut settings = PipelineSettings::from_config(cfg);
        let to_ui = sender.clone();
        let on_preview: PreviewCallback = Arc::new(move |p: Arc<PreviewFrame>| {
            if let Some(buf) = preview_buffer(&p) {
                to_ui.preview(buf);
            }
        });
        settings.on_preview = Some(on_preview);
        let pipeline = ScanPipeline::from_config_with(cfg, settings);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let bridge = std::thread::Builder::new()
            .name("vitrine-scan-link".into())
            .spawn(move || bridge(pipeline, sender, flag, health))?;
        Ok(CameraLink {
            stop,
            bridge: Some(bridge),
        })
    }
}

/// The camera's state as the fleet sees it: frames coming, or not; a
/// kiosk without a camera has none.
fn camera_state(status: &CameraStatus) -> CameraState {
    match status {
        CameraStatus::Off => CameraState::None,
        CameraStatus::Running { .. } | CameraStatus::Starting { .. } => CameraState::Ok,
        CameraStatus::Unavailable { .. } | CameraStatus::Ended { .. } | CameraStatus::Stopped => CameraState::Down,
    }
}

/// Tells the heartbeat's probe what the pipeline reports.
fn report_health(h: &crate::sync::HealthProbe, status: &CameraStatus, m: &ScanMetrics, last_scans: &mut u64) {
    let state = camera_state(status);
    let fps = (state == CameraState::Ok).then(|| m.decode_fps.round().max(0.0) as u32);
    h.set_camera(state, fps);
    if m.scans > *last_scans {
        *last_scans = m.scans;
        h.note_scan(crate::clock::now());
    }
}

fn bridge(
    pipeline: ScanPipeline,
    sender: ScanSender,
    stop: Arc<AtomicBool>,
    health: Option<crate::sync::HealthProbe>,
) -> ScanPipeline {
    let mut scans_seen = 0u64;
    let events = pipeline.events();
    let mut last: Option<(CameraStatus, ScanMetrics)> = None;
    let mut next_report = Instant::now();
    let mut next_aim = Instant::now();
    let mut last_seq = None;
    while !stop.load(Ordering::Acquire) {
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(ev) => sender.send(ev),
            Err(flume::RecvTimeoutError::Timeout) => {}
            Err(flume::RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if now >= next_aim {
            next_aim = now + AIM_EVERY;
            if let Some(p) = pipeline.preview()
                && last_seq != Some(p.seq)
            {
                last_seq = Some(p.seq);
                sender.aim(aim(&p));
            }
        }
        if now >= next_report {
            next_report = now + REPORT_EVERY;
            let report = (pipeline.status(), pipeline.metrics());
            if let Some(h) = &health {
                report_health(h, &report.0, &report.1, &mut scans_seen);
            }
            if last.as_ref() != Some(&report) {
                sender.camera(report.0.clone(), report.1.clone());
                last = Some(report);
            }
        }
    }
    pipeline
}

impl Drop for CameraLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.bridge.take() {
            match h.join() {
                // Dropping the pipeline stops its threads.
                Ok(pipeline) => drop(pipeline),
                Err(_) => tracing::error!("the scan link thread panicked"),
            }
        }
    }
}
