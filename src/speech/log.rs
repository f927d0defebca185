//! The speech log (`accessibility.speech_log`): one JSON line per utterance,
//! `{"time": "...", "lang": "fr", "text": "..."}`, written when the kiosk
//! says it (before it is heard, whether a device plays it or not). Tests
//! read it to check what a blind shopper heard, in order. It holds what the
//! screen showed (never a full phone number or email: those are never
//! spoken either).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use serde::Serialize;

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    lang: &'a str,
    text: &'a str,
}

pub struct SpeechLog {
    file: File,
}

impl SpeechLog {
    /// Appends to `path` (created if missing).
    pub fn open(path: &Path) -> std::io::Result<SpeechLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(SpeechLog { file })
    }

    pub fn write(&mut self, lang: &str, text: &str) -> std::io::Result<()> {
        let time = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut line = serde_json::to_string(&Line { time, lang, text }).map_err(std::io::Error::other)?;
        line.push('\n');
        // One write per line: a reader never sees half of one.
        self.file.write_all(line.as_bytes())
    }
}

/// One line of the log, as tests read it back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Logged {
    pub time: String,
    pub lang: String,
    pub text: String,
}

/// Reads a speech log (tests, benches).
pub fn read(path: &Path) -> std::io::Result<Vec<Logged>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(std::io::Error::other))
        .collect()
}
