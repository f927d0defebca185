//! espeak-ng as a separate process (it is GPL: the kiosk never links it).
//! One process per utterance renders WAV on its standard output; a copier
//! thread hands the sound to the player (`accessibility.player`, `aplay`
//! by default: ALSA, PipeWire or PulseAudio through ALSA), to a file, or
//! drops it when there is no sound device. Killing the process cuts the
//! sentence at once. The first bytes handed on are "speech start", the
//! figure the benchmark measures from a key press.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Instant;

/// How an utterance sounds: the shopper changes rate and volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    pub rate_wpm: u32,
    /// 0-100.
    pub volume: u32,
}

/// Where the sound goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// The player command (the sound stack).
    Player(Vec<String>),
    /// One WAV file per utterance in this folder (`0001.wav`, ...).
    WavDir(PathBuf),
    /// Rendered and dropped: no sound device.
    Discard,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot start {program}: {source} (apt-get install espeak-ng alsa-utils)")]
    Spawn { program: String, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("espeak-ng failed: {0}")]
    Failed(String),
}

/// espeak-ng's arguments for `text` in `lang` (the catalogue's language
/// codes are espeak-ng's voice names: "fr", "en", "de", ...).
pub fn espeak_args(lang: &str, voice: Voice) -> Vec<String> {
    vec![
        "-v".into(),
        lang.into(),
        "-s".into(),
        voice.rate_wpm.clamp(80, 450).to_string(),
        // espeak-ng's amplitude goes 0-200 (100 its default).
        "-a".into(),
        (voice.volume.min(100) * 2).to_string(),
        "--stdout".into(),
    ]
}

/// An utterance being spoken.
pub struct Playing {
    synth: Child,
    player: Option<Child>,
    copier: Option<JoinHandle<()>>,
}

impl Playing {
    /// Starts `text`; `started` is called (on the copier thread) when the
    /// first sound reaches the sink.
    pub fn start(
        text: &str,
        lang: &str,
        voice: Voice,
        sink: &Sink,
        file_no: u32,
        started: impl FnOnce(Instant) + Send + 'static,
    ) -> Result<Playing, EngineError> {
        let mut synth = Command::new("espeak-ng")
            .args(espeak_args(lang, voice))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| EngineError::Spawn {
                program: "espeak-ng".into(),
                source,
            })?;
        // The text on standard input: no argument can be read as an option.
        if let Some(mut stdin) = synth.stdin.take() {
            stdin.write_all(text.as_bytes())?;
        }
        let mut out = synth
            .stdout
            .take()
            .ok_or_else(|| EngineError::Failed("no stdout".into()))?;
        let (mut to, player): (Box<dyn Write + Send>, Option<Child>) = match sink {
            Sink::Player(cmd) => {
                let (program, args) = cmd
                    .split_first()
                    .ok_or_else(|| EngineError::Failed("empty player".into()))?;
                let mut p = Command::new(program)
                    .args(args)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|source| EngineError::Spawn {
                        program: program.clone(),
                        source,
                    })?;
                let stdin = p
                    .stdin
                    .take()
                    .ok_or_else(|| EngineError::Failed("no player stdin".into()))?;
                (Box::new(stdin), Some(p))
            }
            Sink::WavDir(dir) => (
                Box::new(std::fs::File::create(dir.join(format!("{file_no:04}.wav")))?),
                None,
            ),
            Sink::Discard => (Box::new(std::io::sink()), None),
        };
        let copier = std::thread::Builder::new()
            .name("speech-copier".into())
            .spawn(move || {
                let mut buf = [0u8; 8192];
                let mut started = Some(started);
                loop {
                    match out.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            if let Some(f) = started.take() {
                                f(Instant::now());
                            }
                        }
                    }
                }
                let _ = to.flush();
            })?;
        Ok(Playing {
            synth,
            player,
            copier: Some(copier),
        })
    }

    /// Whether the sentence has been said (synthesised and played).
    pub fn finished(&mut self) -> bool {
        let synth_done = matches!(self.synth.try_wait(), Ok(Some(_)) | Err(_));
        let player_done = match &mut self.player {
            Some(p) => matches!(p.try_wait(), Ok(Some(_)) | Err(_)),
            None => true,
        };
        let copier_done = self.copier.as_ref().is_none_or(|c| c.is_finished());
        synth_done && player_done && copier_done
    }

    /// Cuts the sentence now.
    pub fn cut(mut self) {
        let _ = self.synth.kill();
        if let Some(p) = &mut self.player {
            let _ = p.kill();
        }
        self.reap();
    }

    fn reap(&mut self) {
        let _ = self.synth.wait();
        if let Some(p) = &mut self.player {
            let _ = p.wait();
        }
        if let Some(c) = self.copier.take() {
            let _ = c.join();
        }
    }
}

impl Drop for Playing {
    fn drop(&mut self) {
        if self.copier.is_some() {
            let _ = self.synth.kill();
            if let Some(p) = &mut self.player {
                let _ = p.kill();
            }
            self.reap();
        }
    }
}

/// Renders `text` to the WAV file `out` with espeak-ng (`vitrine speak`).
pub fn render_wav(text: &str, lang: &str, voice: Voice, out: &Path) -> Result<(), EngineError> {
    let mut args = espeak_args(lang, voice);
    args.pop(); // --stdout
    args.push("-w".into());
    args.push(out.display().to_string());
    let mut child = Command::new("espeak-ng")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| EngineError::Spawn {
            program: "espeak-ng".into(),
            source,
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(EngineError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(())
}

/// A tone (aiming guidance, success) as a 16-bit mono WAV: `hz` for `ms`,
/// with short fades so it does not click.
pub fn tone_wav(hz: u32, ms: u32, volume: u32) -> Vec<u8> {
    const RATE: u32 = 22_050;
    let n = RATE * ms / 1000;
    let amp = 20_000.0 * f64::from(volume.min(100)) / 100.0;
    let fade = (RATE / 200).max(1) as f64; // 5 ms
    let mut data = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let t = f64::from(i) / f64::from(RATE);
        let edge = (f64::from(i).min(f64::from(n - i)) / fade).min(1.0);
        let s = (amp * edge * (2.0 * std::f64::consts::PI * f64::from(hz) * t).sin()) as i16;
        data.extend_from_slice(&s.to_le_bytes());
    }
    let mut wav = Vec::with_capacity(44 + data.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data);
    wav
}

/// The samples of a 16-bit PCM WAV (tests and `vitrine speak` checks).
pub fn wav_samples(wav: &[u8]) -> Option<(u32, Vec<i16>)> {
    if wav.len() < 12 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return None;
    }
    let mut at = 12;
    let mut rate = None;
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let len = u32::from_le_bytes(wav[at + 4..at + 8].try_into().ok()?) as usize;
        let body = at + 8;
        if id == b"fmt " && body + 8 <= wav.len() {
            rate = Some(u32::from_le_bytes(wav[body + 4..body + 8].try_into().ok()?));
        }
        if id == b"data" {
            // espeak-ng writing to a pipe cannot know the length: it says
            // 0x7fffffff; take what is there.
            let end = body.saturating_add(len).min(wav.len());
            let samples = wav[body..end]
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            return Some((rate?, samples));
        }
        at = body.saturating_add(len);
    }
    None
}
