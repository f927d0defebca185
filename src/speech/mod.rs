//! Audio mode's voice: the kiosk speaks what it shows (EN 301 549 §5.1.3,
//! closed functionality), offline, in the session's language.
//!
//! # Layout
//! - this module: [`Speaker`], the handle the UI thread holds. Every call
//!   only sends a command to the speech worker thread and returns: speech
//!   never blocks the UI.
//! - [`engine`]: espeak-ng as a separate process per utterance (GPL, never
//!   linked), its sound handed to the player (`aplay`), a file or nowhere;
//!   tones; WAV rendering for `vitrine speak`.
//! - [`ssip`]: the other engine, the speech-dispatcher daemon over its
//!   SSIP socket.
//! - [`audio`]: is there a sound device, is a headset plugged in (ALSA jack
//!   controls through `amixer`).
//! - [`keys`]: the keys of audio mode (`[accessibility] key_*`).
//! - [`log`]: the speech log (one JSON line per utterance).
//! - [`guide`]: aiming guidance from the decoder's symbol positions.
//!
//! Why espeak-ng by default: it is the only engine packaged for Debian that
//! speaks French, English and German offline (flite and festival have no
//! French or German voices; Pico and Mbrola are not in Debian's main
//! archive); it renders a sentence in a few milliseconds on one core, stays
//! intelligible at high rates (up to 450 words per minute, used by blind
//! people every day), and as a process it is cut at once by a kill. Figures
//! in docs/BENCHMARKS.md ("Speech").

pub mod audio;
pub mod engine;
pub mod guide;
pub mod keys;
pub mod log;
pub mod ssip;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use engine::{Sink, Voice};

/// Which engine speaks (`accessibility.engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    EspeakNg,
    SpeechDispatcher,
}

/// How the worker starts.
pub struct Settings {
    pub engine: EngineKind,
    pub voice: Voice,
    /// The command that plays WAV from its standard input.
    pub player: Vec<String>,
    /// The speech log, if any.
    pub log: Option<PathBuf>,
    /// Where the sound goes; `None`: the player when there is a sound
    /// device, else nowhere.
    pub sink: Option<Sink>,
    /// Watch the headset jack; `on_headset` is told of every change.
    pub headset_detection: bool,
    pub on_headset: Option<Box<dyn Fn(bool) + Send>>,
}

/// What the speech worker reports (benchmarks and tests listen).
#[derive(Debug, Clone, PartialEq)]
pub enum SpeechEvent {
    /// Utterance `no` was asked for at `asked` and its first sound reached
    /// the sound stack at `at`.
    Started { no: u64, asked: Instant, at: Instant },
    /// Utterance `no` was said to its end.
    Finished { no: u64 },
    /// Utterance `no` was cut by a newer one (or a stop).
    Cut { no: u64 },
    /// The engine could not say it (the log still has it).
    Failed { no: u64, reason: String },
}

/// The state of the kiosk's voice, for the staff status screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeechStatus {
    pub output: audio::AudioOutput,
    /// The engine's program or daemon is there.
    pub engine_ok: bool,
    /// `Some(true)`: a headset is plugged in; `None`: nothing reports it.
    pub headset: Option<bool>,
}

enum Cmd {
    Say {
        no: u64,
        text: String,
        lang: String,
        queue: bool,
        asked: Instant,
    },
    Stop,
    Voice(Voice),
    Tone {
        hz: u32,
        ms: u32,
    },
    Quit,
}

/// The UI thread's handle on the speech worker. Cloning shares the worker;
/// it stops when the last handle is dropped.
#[derive(Clone)]
pub struct Speaker {
    inner: Arc<Inner>,
}

struct Inner {
    tx: Mutex<mpsc::Sender<Cmd>>,
    next: Mutex<u64>,
    status: Arc<Mutex<SpeechStatus>>,
    events: flume::Receiver<SpeechEvent>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(Cmd::Quit);
        }
    }
}

impl Speaker {
    /// Starts the speech worker thread (and the headset watcher).
    pub fn start(settings: Settings) -> Speaker {
        let engine_ok = match settings.engine {
            EngineKind::EspeakNg => audio::program_exists("espeak-ng"),
            EngineKind::SpeechDispatcher => ssip::socket_path().exists(),
        };
        let output = audio::detect();
        let sink = settings.sink.clone().unwrap_or_else(|| {
            if output.present() && settings.player.first().is_some_and(|p| audio::program_exists(p)) {
                Sink::Player(settings.player.clone())
            } else {
                Sink::Discard
            }
        });
        if !output.present() {
            tracing::warn!("no sound device: the kiosk speaks into its speech log only");
        }
        if !engine_ok {
            tracing::warn!(engine = ?settings.engine, "the speech engine is missing (apt-get install espeak-ng speech-dispatcher)");
        }
        let status = Arc::new(Mutex::new(SpeechStatus {
            output: output.clone(),
            engine_ok,
            headset: None,
        }));
        let (tx, rx) = mpsc::channel();
        // Bounded: nobody may be listening; old events are dropped.
        let (ev_tx, ev_rx) = flume::bounded(1024);
        let log = settings.log.as_ref().and_then(|p| match log::SpeechLog::open(p) {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::error!(error = %e, path = %p.display(), "cannot open the speech log");
                None
            }
        });
        let worker = Worker {
            engine: settings.engine,
            voice: settings.voice,
            sink,
            log,
            events: ev_tx,
            queue: VecDeque::new(),
            playing: None,
            tone: None,
            files: 0,
            ssip: None,
        };
        if let Err(e) = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || worker.run(rx))
        {
            tracing::error!(error = %e, "cannot start the speech thread: the kiosk will not speak");
        }
        if settings.headset_detection && matches!(output, audio::AudioOutput::Cards(_)) {
            watch_headset(status.clone(), settings.on_headset);
        }
        Speaker {
            inner: Arc::new(Inner {
                tx: Mutex::new(tx),
                next: Mutex::new(0),
                status,
                events: ev_rx,
            }),
        }
    }

    fn send(&self, cmd: Cmd) {
        let sent = self.inner.tx.lock().map(|tx| tx.send(cmd).is_ok()).unwrap_or(false);
        if !sent {
            tracing::error!("the speech thread has stopped");
        }
    }

    fn number(&self) -> u64 {
        match self.inner.next.lock() {
            Ok(mut n) => {
                *n += 1;
                *n
            }
            Err(_) => 0,
        }
    }

    /// Says `text` in `lang` now, cutting whatever was being said.
    /// Returns the utterance's number (in [`SpeechEvent`]s).
    pub fn say(&self, lang: &str, text: &str) -> u64 {
        self.say_with(lang, text, false)
    }

    /// Says `text` after what is being said.
    pub fn say_after(&self, lang: &str, text: &str) -> u64 {
        self.say_with(lang, text, true)
    }

    fn say_with(&self, lang: &str, text: &str, queue: bool) -> u64 {
        let no = self.number();
        self.send(Cmd::Say {
            no,
            text: text.to_string(),
            lang: lang.to_string(),
            queue,
            asked: Instant::now(),
        });
        no
    }

    /// Silence now.
    pub fn stop(&self) {
        self.send(Cmd::Stop);
    }

    /// The shopper's rate and volume, from the next utterance on.
    pub fn set_voice(&self, voice: Voice) {
        self.send(Cmd::Voice(voice));
    }

    /// A short tone (aiming guidance), over nothing else being played.
    pub fn tone(&self, hz: u32, ms: u32) {
        self.send(Cmd::Tone { hz, ms });
    }

    pub fn status(&self) -> SpeechStatus {
        self.inner.status.lock().map(|s| s.clone()).unwrap_or(SpeechStatus {
            output: audio::AudioOutput::None,
            engine_ok: false,
            headset: None,
        })
    }

    /// What the worker reports (started, finished, cut).
    pub fn events(&self) -> flume::Receiver<SpeechEvent> {
        self.inner.events.clone()
    }
}

/// Polls the headset jack every second (amixer exits at once); tells
/// `on_change` when it changes.
fn watch_headset(status: Arc<Mutex<SpeechStatus>>, on_change: Option<Box<dyn Fn(bool) + Send>>) {
    let weak = Arc::downgrade(&status);
    drop(status);
    let spawned = std::thread::Builder::new().name("headset".into()).spawn(move || {
        let mut last = None;
        loop {
            let Some(status) = weak.upgrade() else { return };
            let now = audio::read_headset();
            if now != last {
                if let Ok(mut s) = status.lock() {
                    s.headset = now;
                }
                if let (Some(plugged), Some(f)) = (now, &on_change)
                    && last.is_some()
                {
                    f(plugged);
                }
                last = now;
            }
            drop(status);
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot watch the headset jack");
    }
}

struct Queued {
    no: u64,
    text: String,
    lang: String,
    asked: Instant,
}

struct Worker {
    engine: EngineKind,
    voice: Voice,
    sink: Sink,
    log: Option<log::SpeechLog>,
    events: flume::Sender<SpeechEvent>,
    queue: VecDeque<Queued>,
    playing: Option<(u64, engine::Playing)>,
    tone: Option<std::process::Child>,
    files: u32,
    ssip: Option<ssip::Client>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Cmd>) {
        loop {
            let cmd = if self.playing.is_some() || !self.queue.is_empty() {
                match rx.recv_timeout(Duration::from_millis(10)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => Some(Cmd::Quit),
                }
            } else {
                Some(rx.recv().unwrap_or(Cmd::Quit))
            };
            match cmd {
                Some(Cmd::Quit) => {
                    self.cut();
                    return;
                }
                Some(Cmd::Say {
                    no,
                    text,
                    lang,
                    queue,
                    asked,
                }) => {
                    if let Some(l) = &mut self.log
                        && let Err(e) = l.write(&lang, &text)
                    {
                        tracing::error!(error = %e, "cannot write the speech log");
                    }
                    if !queue {
                        self.cut();
                    }
                    self.queue.push_back(Queued { no, text, lang, asked });
                }
                Some(Cmd::Stop) => self.cut(),
                Some(Cmd::Voice(v)) => {
                    self.voice = v;
                    if let Some(c) = &mut self.ssip {
                        c.set_voice(v);
                    }
                }
                Some(Cmd::Tone { hz, ms }) => self.play_tone(hz, ms),
                None => {}
            }
            self.advance();
        }
    }

    /// Cuts the current utterance and forgets the queue.
    fn cut(&mut self) {
        if let Some((no, p)) = self.playing.take() {
            p.cut();
            let _ = self.events.try_send(SpeechEvent::Cut { no });
        }
        if self.engine == EngineKind::SpeechDispatcher
            && let Some(c) = &mut self.ssip
        {
            c.cancel();
        }
        self.queue.clear();
    }

    /// Starts the next utterance once the current one is over.
    fn advance(&mut self) {
        if let Some((no, p)) = &mut self.playing {
            if !p.finished() {
                return;
            }
            let _ = self.events.try_send(SpeechEvent::Finished { no: *no });
            self.playing = None;
        }
        let Some(q) = self.queue.pop_front() else { return };
        match self.engine {
            EngineKind::EspeakNg => {
                self.files += 1;
                let events = self.events.clone();
                let (no, asked) = (q.no, q.asked);
                match engine::Playing::start(&q.text, &q.lang, self.voice, &self.sink, self.files, move |at| {
                    let _ = events.try_send(SpeechEvent::Started { no, asked, at });
                }) {
                    Ok(p) => self.playing = Some((q.no, p)),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot speak");
                        let _ = self.events.try_send(SpeechEvent::Failed {
                            no: q.no,
                            reason: e.to_string(),
                        });
                    }
                }
            }
            EngineKind::SpeechDispatcher => {
                if self.ssip.is_none() {
                    match ssip::Client::connect(&ssip::socket_path(), self.voice) {
                        Ok(c) => self.ssip = Some(c),
                        Err(e) => {
                            let _ = self.events.try_send(SpeechEvent::Failed {
                                no: q.no,
                                reason: e.to_string(),
                            });
                            return;
                        }
                    }
                }
                if let Some(c) = &mut self.ssip {
                    match c.speak(&q.lang, &q.text) {
                        Ok(()) => {
                            let _ = self.events.try_send(SpeechEvent::Started {
                                no: q.no,
                                asked: q.asked,
                                at: Instant::now(),
                            });
                        }
                        Err(e) => {
                            self.ssip = None;
                            let _ = self.events.try_send(SpeechEvent::Failed {
                                no: q.no,
                                reason: e.to_string(),
                            });
                        }
                    }
                }
            }
        }
    }

    fn play_tone(&mut self, hz: u32, ms: u32) {
        let Sink::Player(cmd) = &self.sink else { return };
        if let Some(mut t) = self.tone.take() {
            let _ = t.kill();
            let _ = t.wait();
        }
        let Some((program, args)) = cmd.split_first() else {
            return;
        };
        let wav = engine::tone_wav(hz, ms, self.voice.volume);
        match std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(mut child) => {
                if let Some(mut stdin) = child.stdin.take() {
                    use std::io::Write;
                    let _ = stdin.write_all(&wav);
                }
                self.tone = Some(child);
            }
            Err(e) => tracing::warn!(error = %e, "cannot play a tone"),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut t) = self.tone.take() {
            let _ = t.kill();
            let _ = t.wait();
        }
    }
}
