//! The live scan pipeline: a frame source on a capture thread, the decoder on
//! a decoder thread, and a handle for the UI.
//!
//! ```text
//!  capture thread                     decoder thread
//!  source.open() (retried, backoff)   wait for a frame
//!  stream.next_frame()  ──► [latest] ──► take it, decode (fast / harder pass)
//!  preview (throttled)      one slot    confirm, debounce ──► ScanEvent channel
//! ```
//!
//! The decoder alternates two passes (see [`decoder::live_pass`]): fast on
//! the whole frame, harder on the centre region. A code the harder pass
//! reads is only sent once read a second time ([`Confirmer`]).
//!
//! A source that fails (missing, busy, unplugged: an error from `open` or
//! `next_frame`) is reported in [`CameraStatus::Unavailable`] and opened
//! again after a backoff ([`retry_delay`]). A stream that sends nothing and
//! no error either (a stalled USB camera blocks in its read, which cannot be
//! interrupted) is caught by a watchdog thread after
//! [`PipelineSettings::stall_timeout`] (5 s by default): it is reported
//! ([`SourceError::Stalled`]), abandoned on its thread, and a fresh copy of
//! the source ([`FrameSource::duplicate`]) is opened on a new capture
//! thread.
//!
//! The slot holds one frame: the capture thread replaces a frame the decoder
//! has not taken yet (it is dropped and counted), so frames are dropped, never
//! queued, and an event is never older than one decode. Buffers go back and
//! forth between the threads, so a running pipeline allocates nothing per
//! frame. Nothing here runs on the UI thread.
//!
//! # For the UI
//!
//! ```no_run
//! # fn demo(cfg: &vitrine::config::KioskConfig) {
//! use vitrine::scan::ScanPipeline;
//! let mut pipeline = ScanPipeline::from_config(cfg);
//! let events = pipeline.events(); // flume::Receiver<ScanEvent>, clonable
//! std::thread::spawn(move || {
//!     for event in events.iter() {
//!         // hand it to the UI thread (e.g. slint::invoke_from_event_loop)
//!         let _ = event;
//!     }
//! });
//! // From a UI timer (cheap, never blocks on the decoder):
//! let _status = pipeline.status(); // CameraStatus::text() for the screen
//! let _preview = pipeline.preview(); // Option<Arc<PreviewFrame>> (RGB8)
//! let _metrics = pipeline.metrics(); // fps, decode time, latency: staff screen
//! // Staff changed the camera settings:
//! pipeline.restart(cfg);
//! # }
//! ```
//!
//! `restart` keeps the same event channel, so a receiver taken before keeps
//! working. Dropping the handle stops both threads.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use vitrine_core::code::{CodeContext, Scanned, Symbology, VariableMeasureRules};
use vitrine_i18n::{Text, text};

use super::debounce::{Confirmer, DebounceRules, Debouncer};
use super::decoder::{self, BarcodeDecoder, LumaImage, ZxingDecoder};
use super::{ScanEvent, ScanSource};
use crate::camera::{self, FailedStep, Frame, FrameSource, SourceError, Stop, StreamMode, convert};
use crate::config::KioskConfig;

/// Makes the decoder on the decoder thread (zxing-cpp's reader is not `Send`).
pub type DecoderFactory = Arc<dyn Fn() -> Box<dyn BarcodeDecoder> + Send + Sync>;

/// Called on the capture thread with each new preview frame.
pub type PreviewCallback = Arc<dyn Fn(Arc<PreviewFrame>) + Send + Sync>;

/// How the pipeline runs.
#[derive(Clone)]
pub struct PipelineSettings {
    /// Variable-measure label layouts (`scan.variable_measure`).
    pub rules: VariableMeasureRules,
    /// A USB scanner's replacement for GS1's FNC1 (`scan.gs1_separator`):
    /// a camera reads GS itself, but a code shown to the camera and typed
    /// by a scanner is then read the same way.
    pub gs1_separator: Option<char>,
    pub debounce: DebounceRules,
    /// Preview frames are shrunk to at most this width.
    pub preview_max_width: u32,
    /// At most this many preview frames per second (0: no preview).
    pub preview_fps: u32,
    /// Wait before the first retry of a source that failed; doubled on each
    /// further failure up to `retry_max`.
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// A stream that sends no frame (and no error) for this long is reported
    /// ([`SourceError::Stalled`]) and its source opened again on a new
    /// capture thread. Zero: no watchdog.
    pub stall_timeout: Duration,
    pub decoder: DecoderFactory,
    /// Optional push of preview frames (the UI may poll `preview()` instead).
    pub on_preview: Option<PreviewCallback>,
}

impl PipelineSettings {
    pub fn from_config(cfg: &KioskConfig) -> PipelineSettings {
        PipelineSettings {
            rules: cfg.scan.variable_measure.clone(),
            gs1_separator: cfg.scan.separator(),
            debounce: DebounceRules::from_config(&cfg.scan),
            ..PipelineSettings::default()
        }
    }
}

impl Default for PipelineSettings {
    fn default() -> Self {
        PipelineSettings {
            rules: VariableMeasureRules::default(),
            gs1_separator: None,
            debounce: DebounceRules {
                cooldown: Duration::from_millis(2000),
                leave: Duration::from_millis(300),
            },
            preview_max_width: 640,
            preview_fps: 15,
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(30),
            stall_timeout: Duration::from_secs(5),
            decoder: Arc::new(|| Box::new(ZxingDecoder::new())),
            on_preview: None,
        }
    }
}

impl std::fmt::Debug for PipelineSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineSettings")
            .field("debounce", &self.debounce)
            .field("preview_max_width", &self.preview_max_width)
            .field("preview_fps", &self.preview_fps)
            .field("retry_initial", &self.retry_initial)
            .field("retry_max", &self.retry_max)
            .field("stall_timeout", &self.stall_timeout)
            .finish_non_exhaustive()
    }
}

/// The frame source's state, for the UI ("camera unavailable", retry) and
/// the staff screen.
#[derive(Debug, Clone, PartialEq)]
pub enum CameraStatus {
    /// `camera.source = "none"`: no camera on this kiosk.
    Off,
    /// Opening the source.
    Starting { source: String },
    /// Frames are coming.
    Running { source: String, mode: Option<StreamMode> },
    /// The source failed (missing, busy, unplugged...): retried after
    /// `retry_in` (from `since`), `attempt` failures in a row so far.
    Unavailable {
        source: String,
        error: SourceError,
        attempt: u32,
        retry_in: Duration,
        since: Instant,
    },
    /// A replay with a set number of loops played to its end.
    Ended { source: String },
    /// The pipeline was stopped.
    Stopped,
}

impl CameraStatus {
    pub fn is_running(&self) -> bool {
        matches!(self, CameraStatus::Running { .. })
    }

    /// One line for the screen (messages `camera-*`). For the shopper the
    /// UI may show only whether scanning works; the staff screen shows this.
    pub fn text(&self) -> Text {
        match self {
            CameraStatus::Off => text!("camera-off"),
            CameraStatus::Starting { .. } => text!("camera-starting"),
            CameraStatus::Running { mode: Some(m), .. } => {
                text!("camera-running-mode", width = m.width, height = m.height, fps = m.fps)
            }
            CameraStatus::Running { mode: None, .. } => text!("camera-running"),
            CameraStatus::Unavailable {
                error,
                attempt,
                retry_in,
                ..
            } => text!(
                "camera-unavailable",
                why = error.text(),
                secs = retry_in.as_secs_f32().ceil() as u64,
                attempt = *attempt,
            ),
            CameraStatus::Ended { .. } => text!("camera-ended"),
            CameraStatus::Stopped => text!("camera-stopped"),
        }
    }
}

/// The latest picture, shrunk, as RGB8 (grey in the three channels) for the
/// screen: with Slint, `SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(
/// &p.rgb, p.width, p.height)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewFrame {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
    pub captured_at: Instant,
    /// Increases with every preview frame (skip redrawing an unchanged one).
    pub seq: u64,
}

/// Figures for the staff screen (over the last two seconds where a rate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanMetrics {
    /// Frames per second the source delivers.
    pub capture_fps: f32,
    /// Frames per second the decoder reads (at most `capture_fps`).
    pub decode_fps: f32,
    /// Decode time of the last frame, and mean and max over the window, in ms.
    pub decode_ms_last: f32,
    pub decode_ms_mean: f32,
    pub decode_ms_max: f32,
    pub frames_captured: u64,
    pub frames_decoded: u64,
    /// Frames replaced in the slot before the decoder took them.
    pub frames_dropped: u64,
    pub scans: u64,
    /// From the capture of the frame to the event being sent, for the last scan.
    pub last_latency_ms: Option<f32>,
}

const WINDOW: Duration = Duration::from_secs(2);

#[derive(Default)]
struct MetricsState {
    captured: VecDeque<Instant>,
    decoded: VecDeque<(Instant, f32)>,
    m: ScanMetrics,
}

impl MetricsState {
    fn trim(&mut self, now: Instant) {
        while self.captured.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
            self.captured.pop_front();
        }
        while self
            .decoded
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > WINDOW)
        {
            self.decoded.pop_front();
        }
    }

    fn snapshot(&mut self, now: Instant) -> ScanMetrics {
        self.trim(now);
        let rate = |first: Option<Instant>, last: Option<Instant>, n: usize| match (first, last) {
            (Some(a), Some(b)) if n >= 2 && b > a => (n - 1) as f32 / (b - a).as_secs_f32(),
            _ => 0.0,
        };
        let mut m = self.m.clone();
        m.capture_fps = rate(
            self.captured.front().copied(),
            self.captured.back().copied(),
            self.captured.len(),
        );
        m.decode_fps = rate(
            self.decoded.front().map(|d| d.0),
            self.decoded.back().map(|d| d.0),
            self.decoded.len(),
        );
        if !self.decoded.is_empty() {
            m.decode_ms_mean = self.decoded.iter().map(|d| d.1).sum::<f32>() / self.decoded.len() as f32;
            m.decode_ms_max = self.decoded.iter().map(|d| d.1).fold(0.0, f32::max);
        }
        m
    }
}

/// The one-frame slot between the threads.
#[derive(Default)]
struct Slot {
    latest: Option<Frame>,
    /// Buffers the decoder is done with, for the capture thread to fill.
    spare: Vec<Vec<u8>>,
    /// The decoder is working on a frame.
    busy: bool,
    /// The source ended (a replay with a set number of loops).
    ended: bool,
}

struct Shared {
    slot: Mutex<Slot>,
    slot_cv: Condvar,
    status: Mutex<CameraStatus>,
    status_cv: Condvar,
    preview: Mutex<Option<Arc<PreviewFrame>>>,
    metrics: Mutex<MetricsState>,
    /// Stops the whole pipeline (decoder, watchdog, current capture thread).
    stop: Stop,
    /// The current capture thread (replaced when the watchdog gives up on a
    /// stalled stream). Lock order: `capture`, then `status`.
    capture: Mutex<Capture>,
    /// Since when the open stream has been quiet, while one is open.
    activity: Mutex<Option<Activity>>,
}

/// The capture thread now in charge.
struct Capture {
    /// Increases each time a capture thread replaces another; a thread whose
    /// generation is not the current one sets no status.
    generation: u64,
    /// This thread's own stop: set by [`ScanPipeline::stop`], or when the
    /// watchdog abandons it.
    stop: Stop,
    thread: Option<JoinHandle<()>>,
    /// Receives when the thread has finished.
    done: Option<flume::Receiver<()>>,
}

/// For the watchdog: the last sign of life of the open stream.
#[derive(Debug, Clone, Copy)]
struct Activity {
    /// When the stream opened, or its last frame came.
    since: Instant,
    /// Frames since it opened.
    frames: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic on another thread must not take the kiosk down with it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    fn new(status: CameraStatus) -> Shared {
        Shared {
            slot: Mutex::new(Slot::default()),
            slot_cv: Condvar::new(),
            status: Mutex::new(status),
            status_cv: Condvar::new(),
            preview: Mutex::new(None),
            metrics: Mutex::new(MetricsState::default()),
            stop: Stop::new(),
            capture: Mutex::new(Capture {
                generation: 0,
                stop: Stop::new(),
                thread: None,
                done: None,
            }),
            activity: Mutex::new(None),
        }
    }

    fn set_status(&self, s: CameraStatus) {
        *lock(&self.status) = s;
        self.status_cv.notify_all();
    }

    /// Sets the status if capture thread `generation` is still the current one.
    fn set_status_from(&self, generation: u64, s: CameraStatus) {
        let capture = lock(&self.capture);
        if capture.generation == generation {
            self.set_status(s);
        }
    }
}

struct Run {
    shared: Arc<Shared>,
    decode: Option<JoinHandle<()>>,
    watchdog: Option<JoinHandle<()>>,
}

/// The running pipeline. See the module docs.
pub struct ScanPipeline {
    settings: PipelineSettings,
    events_tx: flume::Sender<ScanEvent>,
    events_rx: flume::Receiver<ScanEvent>,
    run: Option<Run>,
    /// Status when no source runs (`Off`, `Stopped`).
    idle_status: CameraStatus,
}

/// Scan events waiting for the UI at most; beyond, new ones are dropped
/// (and logged): a UI that stopped reading must not grow memory forever.
const EVENT_CAPACITY: usize = 256;

impl ScanPipeline {
    /// Starts what the configuration says: the camera, a replay, or nothing
    /// (`camera.source = "none"`: status [`CameraStatus::Off`], no threads).
    /// Never fails: a camera that cannot be opened shows in [`Self::status`]
    /// and is retried.
    pub fn from_config(cfg: &KioskConfig) -> ScanPipeline {
        let settings = PipelineSettings::from_config(cfg);
        match camera::source_from_config(&cfg.camera) {
            Some(source) => ScanPipeline::start(source, settings),
            None => ScanPipeline::idle(settings, CameraStatus::Off),
        }
    }

    /// Like [`Self::from_config`] with `settings` (e.g. a preview callback)
    /// instead of the ones the configuration gives.
    pub fn from_config_with(cfg: &KioskConfig, settings: PipelineSettings) -> ScanPipeline {
        match camera::source_from_config(&cfg.camera) {
            Some(source) => ScanPipeline::start(source, settings),
            None => ScanPipeline::idle(settings, CameraStatus::Off),
        }
    }

    /// Starts a pipeline on `source`.
    pub fn start(source: Box<dyn FrameSource>, settings: PipelineSettings) -> ScanPipeline {
        let mut p = ScanPipeline::idle(settings, CameraStatus::Stopped);
        p.run = Some(spawn(source, &p.settings, p.events_tx.clone()));
        p
    }

    fn idle(settings: PipelineSettings, status: CameraStatus) -> ScanPipeline {
        let (events_tx, events_rx) = flume::bounded(EVENT_CAPACITY);
        ScanPipeline {
            settings,
            events_tx,
            events_rx,
            run: None,
            idle_status: status,
        }
    }

    /// The scan events (debounced). Clone it freely: every clone receives
    /// from the same queue (each event once). Stays valid across restarts.
    pub fn events(&self) -> flume::Receiver<ScanEvent> {
        self.events_rx.clone()
    }

    pub fn status(&self) -> CameraStatus {
        match &self.run {
            Some(r) => lock(&r.shared.status).clone(),
            None => self.idle_status.clone(),
        }
    }

    /// Waits up to `timeout` for a status that satisfies `pred` (for tests
    /// and the command line; the UI polls [`Self::status`]).
    pub fn wait_status(&self, timeout: Duration, pred: impl Fn(&CameraStatus) -> bool) -> Option<CameraStatus> {
        let Some(r) = &self.run else {
            return pred(&self.idle_status).then(|| self.idle_status.clone());
        };
        let guard = lock(&r.shared.status);
        let (guard, _) = r
            .shared
            .status_cv
            .wait_timeout_while(guard, timeout, |s| !pred(s))
            .unwrap_or_else(|p| p.into_inner());
        pred(&guard).then(|| guard.clone())
    }

    /// Waits up to `timeout` until a source that ended (a replay with a set
    /// number of loops) has had its last frame decoded. True if so.
    pub fn wait_finished(&self, timeout: Duration) -> bool {
        let Some(r) = &self.run else { return true };
        let guard = lock(&r.shared.slot);
        let (guard, _) = r
            .shared
            .slot_cv
            .wait_timeout_while(guard, timeout, |s| !(s.ended && s.latest.is_none() && !s.busy))
            .unwrap_or_else(|p| p.into_inner());
        guard.ended && guard.latest.is_none() && !guard.busy
    }

    /// The latest preview frame, if any yet.
    pub fn preview(&self) -> Option<Arc<PreviewFrame>> {
        self.run.as_ref().and_then(|r| lock(&r.shared.preview).clone())
    }

    pub fn metrics(&self) -> ScanMetrics {
        match &self.run {
            Some(r) => lock(&r.shared.metrics).snapshot(Instant::now()),
            None => ScanMetrics::default(),
        }
    }

    /// Stops the threads and starts again from `cfg` (staff changed the
    /// camera). Events already queued stay in the channel.
    pub fn restart(&mut self, cfg: &KioskConfig) {
        self.stop();
        self.settings = PipelineSettings {
            rules: cfg.scan.variable_measure.clone(),
            gs1_separator: cfg.scan.separator(),
            debounce: DebounceRules::from_config(&cfg.scan),
            ..self.settings.clone()
        };
        match camera::source_from_config(&cfg.camera) {
            Some(source) => self.run = Some(spawn(source, &self.settings, self.events_tx.clone())),
            None => self.idle_status = CameraStatus::Off,
        }
    }

    /// Restarts on another source, keeping the settings.
    pub fn restart_with(&mut self, source: Box<dyn FrameSource>) {
        self.stop();
        self.run = Some(spawn(source, &self.settings, self.events_tx.clone()));
    }

    /// Stops the threads. The decoder and watchdog threads are joined; the
    /// capture thread is waited for up to two seconds (a camera driver stuck
    /// in a read cannot be interrupted; it is then left to finish on its
    /// own).
    pub fn stop(&mut self) {
        let Some(mut run) = self.run.take() else { return };
        run.shared.stop.set();
        let (capture, done) = {
            let mut c = lock(&run.shared.capture);
            c.stop.set();
            // No status from the capture thread from now on.
            c.generation += 1;
            (c.thread.take(), c.done.take())
        };
        // Taking the slot's lock orders the stop before the decoder's next
        // check of it, so the notification cannot be missed.
        drop(lock(&run.shared.slot));
        run.shared.slot_cv.notify_all();
        for (h, what) in [(run.decode.take(), "decoder"), (run.watchdog.take(), "watchdog")] {
            if let Some(h) = h
                && h.join().is_err()
            {
                tracing::error!("the {what} thread panicked");
            }
        }
        let finished = match done.map(|d| d.recv_timeout(Duration::from_secs(2))) {
            None | Some(Ok(())) | Some(Err(flume::RecvTimeoutError::Disconnected)) => true,
            Some(Err(flume::RecvTimeoutError::Timeout)) => false,
        };
        if !finished {
            tracing::warn!("the camera did not stop within 2 s; leaving its thread to finish");
        } else if let Some(h) = capture
            && h.join().is_err()
        {
            tracing::error!("the capture thread panicked");
        }
        run.shared.set_status(CameraStatus::Stopped);
        self.idle_status = CameraStatus::Stopped;
    }
}

impl Drop for ScanPipeline {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(source: Box<dyn FrameSource>, settings: &PipelineSettings, events: flume::Sender<ScanEvent>) -> Run {
    let name = source.describe();
    let shared = Arc::new(Shared::new(CameraStatus::Starting { source: name.clone() }));
    let scan_source = source.scan_source();
    // The watchdog opens a fresh copy of the source when a stream stalls.
    let template = source.duplicate();
    let started = start_capture(&shared, settings, source, 0, Duration::ZERO);
    let decode = {
        let shared = shared.clone();
        let settings = settings.clone();
        std::thread::Builder::new()
            .name("vitrine-decode".into())
            .spawn(move || decode_loop(&shared, &settings, scan_source, &events))
            .map_err(|e| tracing::error!(error = %e, "cannot start the decoder thread"))
            .ok()
    };
    let watchdog = if settings.stall_timeout.is_zero() {
        None
    } else {
        let watched = name.clone();
        let shared = shared.clone();
        let settings = settings.clone();
        std::thread::Builder::new()
            .name("vitrine-watchdog".into())
            .spawn(move || watchdog_loop(&shared, &settings, &watched, template))
            .map_err(|e| tracing::error!(error = %e, "cannot start the camera watchdog thread"))
            .ok()
    };
    if started.is_err() || decode.is_none() {
        shared.stop.set();
        lock(&shared.capture).stop.set();
        shared.set_status(thread_failed(&name));
    }
    Run {
        shared,
        decode,
        watchdog,
    }
}

fn thread_failed(source: &str) -> CameraStatus {
    CameraStatus::Unavailable {
        source: source.to_string(),
        error: SourceError::Failed {
            device: source.to_string(),
            step: FailedStep::StartThread,
            detail: "a thread could not be spawned".into(),
        },
        attempt: 1,
        retry_in: Duration::ZERO,
        since: Instant::now(),
    }
}

/// Starts a capture thread on `source` as the current one (a new
/// generation), after `wait_first`, counting `attempt` failures so far.
/// Called with the capture lock free.
fn start_capture(
    shared: &Arc<Shared>,
    settings: &PipelineSettings,
    source: Box<dyn FrameSource>,
    attempt: u32,
    wait_first: Duration,
) -> std::io::Result<()> {
    let mut current = lock(&shared.capture);
    let generation = current.generation + 1;
    let stop = Stop::new();
    let (done_tx, done) = flume::bounded(1);
    let ctx = CaptureCtx {
        generation,
        stop: stop.clone(),
        attempt,
        wait_first,
    };
    let thread = {
        let shared = shared.clone();
        let settings = settings.clone();
        std::thread::Builder::new()
            .name("vitrine-capture".into())
            .spawn(move || {
                capture_loop(source, &shared, &settings, ctx);
                let _ = done_tx.send(());
            })
            .inspect_err(|e| tracing::error!(error = %e, "cannot start the capture thread"))?
    };
    *current = Capture {
        generation,
        stop,
        thread: Some(thread),
        done: Some(done),
    };
    Ok(())
}

/// How often the watchdog looks at the stream, at most.
const WATCHDOG_PERIOD: Duration = Duration::from_millis(500);

/// Reports a stream that sent nothing for `settings.stall_timeout` (and no
/// error either: a stalled USB camera blocks in its read) and opens the
/// source again on a new capture thread. The stalled thread is abandoned:
/// its stop is set (which wakes a stream that waits on it) and whatever it
/// does after its read returns is ignored; a driver stuck for good keeps
/// that thread (and may keep the device busy, which the new thread reports
/// and retries).
fn watchdog_loop(
    shared: &Arc<Shared>,
    settings: &PipelineSettings,
    name: &str,
    template: Option<Box<dyn FrameSource>>,
) {
    let period = (settings.stall_timeout / 4).clamp(Duration::from_millis(10), WATCHDOG_PERIOD);
    let mut stalls = 0u32;
    while !shared.stop.wait(period) {
        let Some(activity) = *lock(&shared.activity) else {
            continue;
        };
        if activity.frames > 0 {
            stalls = 0;
        }
        let quiet = activity.since.elapsed();
        if quiet < settings.stall_timeout {
            continue;
        }
        stalls += 1;
        // At least this long (the watchdog looks a little later).
        let secs = settings.stall_timeout.as_secs_f32().ceil() as u64;
        let retry_in = retry_delay(stalls, settings.retry_initial, settings.retry_max);
        tracing::warn!(source = %name, secs, "the camera sent no picture; opening it again");
        *lock(&shared.activity) = None;
        {
            let mut current = lock(&shared.capture);
            current.stop.set();
            current.generation += 1;
            // Detached: it may stay stuck in the driver.
            current.thread = None;
            current.done = None;
            shared.set_status(CameraStatus::Unavailable {
                source: name.to_string(),
                error: SourceError::Stalled { secs },
                attempt: stalls,
                retry_in,
                since: Instant::now(),
            });
        }
        let Some(template) = &template else {
            tracing::warn!(source = %name, "this source cannot be opened twice: not reopened");
            return;
        };
        let Some(source) = template.duplicate() else { return };
        if start_capture(shared, settings, source, stalls, retry_in).is_err() {
            shared.set_status(thread_failed(name));
            return;
        }
    }
}

/// The wait before retry number `attempt` (1-based): `initial`, doubled each
/// time, at most `max`.
pub fn retry_delay(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    initial.saturating_mul(factor).min(max)
}

/// What a capture thread is given.
struct CaptureCtx {
    generation: u64,
    stop: Stop,
    /// Failures in a row before this thread started.
    attempt: u32,
    /// Wait this long before the first open (after a stall).
    wait_first: Duration,
}

fn capture_loop(mut source: Box<dyn FrameSource>, shared: &Shared, settings: &PipelineSettings, ctx: CaptureCtx) {
    let name = source.describe();
    let CaptureCtx {
        generation,
        stop,
        mut attempt,
        wait_first,
    } = ctx;
    let stop = &stop;
    let mut frame = Frame::empty();
    let mut last_preview: Option<Instant> = None;
    let mut preview_seq = 0u64;
    let preview_period = (settings.preview_fps > 0).then(|| Duration::from_secs(1) / settings.preview_fps);
    let set_activity = |a: Option<Activity>| {
        if !stop.is_set() {
            *lock(&shared.activity) = a;
        }
    };
    let fail = |error: SourceError, attempt: u32| -> bool {
        set_activity(None);
        let retry_in = retry_delay(attempt, settings.retry_initial, settings.retry_max);
        if attempt == 1 {
            tracing::warn!(source = %name, error = %error, "frame source unavailable; retrying");
        } else {
            tracing::debug!(source = %name, error = %error, attempt, "frame source still unavailable");
        }
        shared.set_status_from(
            generation,
            CameraStatus::Unavailable {
                source: name.clone(),
                error,
                attempt,
                retry_in,
                since: Instant::now(),
            },
        );
        stop.wait(retry_in)
    };
    if !wait_first.is_zero() && stop.wait(wait_first) {
        return;
    }
    'open: while !stop.is_set() {
        let mut stream = match source.open(stop) {
            Ok(s) => s,
            Err(e) => {
                attempt += 1;
                if fail(e, attempt) {
                    break;
                }
                continue;
            }
        };
        set_activity(Some(Activity {
            since: Instant::now(),
            frames: 0,
        }));
        shared.set_status_from(
            generation,
            CameraStatus::Running {
                source: name.clone(),
                mode: stream.mode(),
            },
        );
        loop {
            if stop.is_set() {
                break 'open;
            }
            let result = stream.next_frame(&mut frame);
            // Abandoned by the watchdog (or stopped) while it waited.
            if stop.is_set() {
                break 'open;
            }
            match result {
                Ok(()) if frame.width == 0 || frame.height == 0 => {}
                Ok(()) => {
                    attempt = 0;
                    let now = Instant::now();
                    set_activity(Some(Activity { since: now, frames: 1 }));
                    if let Some(period) = preview_period
                        && last_preview.is_none_or(|t| now.duration_since(t) >= period)
                    {
                        last_preview = Some(now);
                        preview_seq += 1;
                        let p = Arc::new(make_preview(&frame, settings.preview_max_width, preview_seq));
                        *lock(&shared.preview) = Some(p.clone());
                        if let Some(cb) = &settings.on_preview {
                            cb(p);
                        }
                    }
                    frame = publish(shared, frame);
                }
                Err(SourceError::Ended) => {
                    set_activity(None);
                    shared.set_status_from(generation, CameraStatus::Ended { source: name.clone() });
                    lock(&shared.slot).ended = true;
                    shared.slot_cv.notify_all();
                    break 'open;
                }
                Err(e) => {
                    drop(stream);
                    attempt += 1;
                    if fail(e, attempt) {
                        break 'open;
                    }
                    continue 'open;
                }
            }
        }
    }
}

/// Puts `frame` in the slot; returns a frame whose buffer can be filled next.
fn publish(shared: &Shared, frame: Frame) -> Frame {
    let captured_at = frame.captured_at;
    let mut slot = lock(&shared.slot);
    let replaced = slot.latest.replace(frame);
    let dropped = replaced.is_some();
    let next = match replaced {
        Some(old) => old,
        None => Frame {
            luma: slot.spare.pop().unwrap_or_default(),
            ..Frame::empty()
        },
    };
    drop(slot);
    shared.slot_cv.notify_all();
    let mut m = lock(&shared.metrics);
    m.captured.push_back(captured_at);
    m.m.frames_captured += 1;
    if dropped {
        m.m.frames_dropped += 1;
    }
    m.trim(captured_at);
    next
}

fn make_preview(frame: &Frame, max_width: u32, seq: u64) -> PreviewFrame {
    let factor = frame.width.div_ceil(max_width.max(1)).max(1);
    let mut rgb = Vec::new();
    let (width, height) = convert::preview_rgb(&frame.luma, frame.width, frame.height, factor, &mut rgb);
    PreviewFrame {
        width,
        height,
        rgb,
        captured_at: frame.captured_at,
        seq,
    }
}

/// What identifies a code for the debounce.
type CodeKey = (Symbology, String);

fn decode_loop(shared: &Shared, settings: &PipelineSettings, source: ScanSource, events: &flume::Sender<ScanEvent>) {
    let mut decoder = (settings.decoder)();
    let mut debouncer: Debouncer<CodeKey> = Debouncer::new(settings.debounce);
    let mut confirmer: Confirmer<CodeKey> = Confirmer::new();
    let mut n = 0u64;
    loop {
        let frame = {
            let guard = lock(&shared.slot);
            let mut slot = shared
                .slot_cv
                .wait_while(guard, |s| s.latest.is_none() && !shared.stop.is_set())
                .unwrap_or_else(|p| p.into_inner());
            if shared.stop.is_set() {
                return;
            }
            let Some(frame) = slot.latest.take() else { continue };
            slot.busy = true;
            frame
        };
        let t0 = Instant::now();
        let image = LumaImage {
            data: &frame.luma,
            width: frame.width,
            height: frame.height,
        };
        let pass = decoder::live_pass(n, frame.width, frame.height);
        n += 1;
        let symbols = decoder.decode(image, pass).unwrap_or_else(|e| {
            tracing::debug!(error = %e, "frame not decoded");
            Vec::new()
        });
        let decode_ms = t0.elapsed().as_secs_f32() * 1000.0;
        // The fast pass made no wrong read on the test photos; the harder
        // pass's readings wait for a second one (see `Confirmer`).
        let trusted = pass.effort == decoder::Effort::Fast;
        let read: Vec<(CodeKey, bool)> = symbols
            .iter()
            .map(|s| ((s.symbology, s.scan_text()), trusted))
            .collect();
        let keys = confirmer.frame(&read);
        let mut latency = None;
        let mut sent = 0u64;
        for (symbology, text) in debouncer.frame(frame.captured_at, &keys) {
            let ctx = CodeContext::new(&settings.rules, super::today()).with_separator(settings.gs1_separator);
            let result = vitrine_core::code::classify(&text, symbology, &ctx);
            match &result {
                // A company-internal number may be a loyalty card: only its
                // prefix is logged.
                Ok(Scanned::Product(p)) => {
                    tracing::info!(symbology = symbology.name(), gtin = %p.gtin.for_log(), "scan")
                }
                // Payloads may be personal (loyalty, handoff): not logged;
                // nor is a refused code (it may be a mistyped card).
                Ok(Scanned::Payload(_)) => tracing::info!(symbology = symbology.name(), "scan (payload)"),
                Err(_) => tracing::info!(symbology = symbology.name(), "scan refused"),
            }
            let event = ScanEvent {
                text,
                symbology: Some(symbology),
                result,
                source,
                captured_at: frame.captured_at,
            };
            match events.try_send(event) {
                Ok(()) => {
                    sent += 1;
                    latency = Some(frame.captured_at.elapsed().as_secs_f32() * 1000.0);
                }
                Err(flume::TrySendError::Full(_)) => {
                    tracing::warn!("scan event dropped: the UI is not reading scan events")
                }
                Err(flume::TrySendError::Disconnected(_)) => return,
            }
        }
        {
            let now = Instant::now();
            let mut m = lock(&shared.metrics);
            m.decoded.push_back((now, decode_ms));
            m.m.frames_decoded += 1;
            m.m.decode_ms_last = decode_ms;
            m.m.scans += sent;
            if latency.is_some() {
                m.m.last_latency_ms = latency;
            }
            m.trim(now);
        }
        let mut slot = lock(&shared.slot);
        slot.busy = false;
        if slot.spare.len() < 2 {
            slot.spare.push(frame.luma);
        }
        drop(slot);
        shared.slot_cv.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::Lang;

    use super::*;

    #[test]
    fn retry_delays_double_up_to_the_cap() {
        let s = Duration::from_secs(1);
        let max = Duration::from_secs(30);
        let d: Vec<u64> = (1..=8).map(|a| retry_delay(a, s, max).as_secs()).collect();
        assert_eq!(d, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(retry_delay(1000, s, max), max);
    }

    #[test]
    fn status_messages_in_both_languages() {
        let st = CameraStatus::Unavailable {
            source: "camera 0".into(),
            error: SourceError::NotFound {
                device: "0".into(),
                missing_node: Some("/dev/video0".into()),
                connected: None,
            },
            attempt: 3,
            retry_in: Duration::from_millis(3500),
            since: Instant::now(),
        };
        assert_eq!(
            st.text().render(Lang::FR),
            "Caméra indisponible : caméra 0 introuvable (/dev/video0 n'existe pas) : vérifiez qu'elle est \
             branchée (ou réglez camera.device). Nouvel essai dans 4 s (essai 3)."
        );
        let en = st.text().render(Lang::EN);
        assert!(
            en.starts_with("Camera unavailable: no camera 0 (/dev/video0 does not exist)"),
            "{en}"
        );
        assert!(en.ends_with("Retrying in 4 s (attempt 3)."), "{en}");
        assert_eq!(CameraStatus::Off.text().render(Lang::EN), "No camera on this kiosk");
        // nokhwa's English text is a detail in parentheses in the French
        // sentence, and after a colon in the English one.
        let unplugged = CameraStatus::Unavailable {
            source: "camera 0".into(),
            error: SourceError::Disconnected {
                device: "0".into(),
                detail: "Could not capture frame: No such device (os error 19)".into(),
            },
            attempt: 1,
            retry_in: Duration::from_secs(1),
            since: Instant::now(),
        };
        assert_eq!(
            unplugged.text().render(Lang::FR),
            "Caméra indisponible : la caméra 0 n'envoie plus d'images, est-elle débranchée ? (Could not \
             capture frame: No such device (os error 19)). Nouvel essai dans 1 s (essai 1)."
        );
        assert_eq!(
            unplugged.text().render(Lang::EN),
            "Camera unavailable: camera 0 stopped sending pictures (unplugged?): Could not capture frame: No \
             such device (os error 19). Retrying in 1 s (attempt 1)."
        );
        let by_name = SourceError::NotFound {
            device: "Logitech".into(),
            missing_node: None,
            connected: Some(vec!["HD Webcam".into()]),
        };
        assert_eq!(
            by_name.text().render(Lang::FR),
            "aucune caméra nommée « Logitech » (branchées : HD Webcam) : vérifiez qu'elle est branchée (ou \
             réglez camera.device)"
        );
        assert_eq!(
            by_name.to_string(),
            "no camera named \"Logitech\" (connected: HD Webcam): check that it is plugged in (or set camera.device)"
        );
    }

    fn shared() -> Shared {
        Shared::new(CameraStatus::Stopped)
    }

    fn frame(value: u8) -> Frame {
        Frame {
            luma: vec![value; 16],
            width: 4,
            height: 4,
            ..Frame::empty()
        }
    }

    /// The capture thread publishes twice while the decoder is busy: the
    /// slot holds the second frame only, the first is counted as dropped and
    /// its buffer comes back to be filled next (nothing queues up).
    #[test]
    fn a_frame_the_decoder_did_not_take_is_replaced_not_queued() {
        let shared = shared();
        let next = publish(&shared, frame(1));
        assert!(next.luma.is_empty(), "no spare buffer yet: a new one");
        let next = publish(&shared, frame(2));
        assert_eq!(next.luma, vec![1; 16], "the replaced frame's buffer is reused");
        let next = publish(&shared, frame(3));
        assert_eq!(next.luma, vec![2; 16]);
        {
            let slot = lock(&shared.slot);
            assert_eq!(slot.latest.as_ref().map(|f| f.luma[0]), Some(3));
        }
        let m = lock(&shared.metrics).m.clone();
        assert_eq!((m.frames_captured, m.frames_dropped), (3, 2));
        // The decoder takes the latest; the next frame fills an empty slot
        // (not dropped) and reuses a spare buffer the decoder gave back.
        let taken = lock(&shared.slot).latest.take().unwrap();
        assert_eq!(taken.luma[0], 3);
        lock(&shared.slot).spare.push(taken.luma);
        let next = publish(&shared, frame(4));
        assert_eq!(next.luma, vec![3; 16]);
        let m = lock(&shared.metrics).m.clone();
        assert_eq!((m.frames_captured, m.frames_dropped), (4, 2));
    }

    #[test]
    fn metrics_rates_over_the_window() {
        let t = Instant::now();
        let mut m = MetricsState::default();
        for i in 0..31u64 {
            m.captured.push_back(t + Duration::from_millis(i * 33));
            m.decoded
                .push_back((t + Duration::from_millis(i * 66), 4.0 + (i % 2) as f32));
        }
        let s = m.snapshot(t + Duration::from_millis(1000));
        assert!((s.capture_fps - 30.3).abs() < 0.2, "{}", s.capture_fps);
        // Decoded entries older than 2 s are trimmed: 0..=30 at 66 ms spans 1.98 s.
        assert!((s.decode_fps - 15.15).abs() < 0.2, "{}", s.decode_fps);
        assert!((s.decode_ms_mean - 4.48).abs() < 0.05, "{}", s.decode_ms_mean);
        assert_eq!(s.decode_ms_max, 5.0);
    }
}
