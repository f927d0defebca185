//! speech-dispatcher's SSIP protocol over its Unix socket: the other
//! engine (`accessibility.engine = "speech-dispatcher"`), for kiosk images
//! where the system's speech daemon already owns the sound (it then runs
//! espeak-ng itself: the kiosk still never links it).
//!
//! A command is one line ending in CRLF; the answer's last line has a space
//! after its 3-digit code (`208 OK CLIENT NAME SET`), earlier lines a dash.
//! `SPEAK` is answered 230, then the text follows, ended by a line with one
//! dot (a line of the text that starts with a dot gets a second one).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Voice;

#[derive(Debug, thiserror::Error)]
pub enum SsipError {
    #[error("cannot reach speech-dispatcher at {path}: {source}")]
    Connect { path: String, source: std::io::Error },
    #[error("speech-dispatcher: {0}")]
    Io(#[from] std::io::Error),
    #[error("speech-dispatcher refused `{command}`: {answer}")]
    Refused { command: String, answer: String },
}

/// Where speech-dispatcher listens: `$SPEECHD_ADDRESS` (`unix_socket:PATH`),
/// else `$XDG_RUNTIME_DIR/speech-dispatcher/speechd.sock`.
pub fn socket_path() -> PathBuf {
    if let Ok(addr) = std::env::var("SPEECHD_ADDRESS")
        && let Some(p) = addr.strip_prefix("unix_socket:")
    {
        return PathBuf::from(p);
    }
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/run/user/0"))
        .join("speech-dispatcher/speechd.sock")
}

/// SSIP's rate goes -100..100 around the voice's normal rate; the kiosk's
/// 175 words per minute is 0, each 2.75 words per minute one step.
pub fn ssip_rate(wpm: u32) -> i32 {
    ((f64::from(wpm) - 175.0) / 2.75).round().clamp(-100.0, 100.0) as i32
}

pub struct Client {
    stream: UnixStream,
    reader: BufReader<UnixStream>,
}

impl Client {
    pub fn connect(path: &Path, voice: Voice) -> Result<Client, SsipError> {
        let stream = UnixStream::connect(path).map_err(|source| SsipError::Connect {
            path: path.display().to_string(),
            source,
        })?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let reader = BufReader::new(stream.try_clone()?);
        let mut c = Client { stream, reader };
        let user = std::env::var("USER").unwrap_or_else(|_| "kiosk".into());
        c.command(&format!("SET SELF CLIENT_NAME {user}:vitrine:main"))?;
        c.command("SET SELF PRIORITY important")?;
        c.set_voice(voice);
        Ok(c)
    }

    /// Sends one command line; returns the answer's lines.
    pub fn command(&mut self, line: &str) -> Result<Vec<String>, SsipError> {
        self.stream.write_all(format!("{line}\r\n").as_bytes())?;
        let answer = self.answer()?;
        let ok = answer.last().is_some_and(|l| l.starts_with('2'));
        if !ok {
            return Err(SsipError::Refused {
                command: line.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
                answer: answer.join(" / "),
            });
        }
        Ok(answer)
    }

    fn answer(&mut self) -> Result<Vec<String>, SsipError> {
        let mut lines = Vec::new();
        loop {
            let mut l = String::new();
            if self.reader.read_line(&mut l)? == 0 {
                return Err(SsipError::Io(std::io::ErrorKind::UnexpectedEof.into()));
            }
            let l = l.trim_end().to_string();
            let last = l.as_bytes().get(3) == Some(&b' ') || l.len() == 3;
            // Event notifications (7xx) are not answers.
            if !l.starts_with('7') {
                lines.push(l);
                if last {
                    return Ok(lines);
                }
            }
        }
    }

    pub fn set_voice(&mut self, voice: Voice) {
        let rate = ssip_rate(voice.rate_wpm);
        let volume = i64::from(voice.volume.min(100)) * 2 - 100;
        for cmd in [format!("SET SELF RATE {rate}"), format!("SET SELF VOLUME {volume}")] {
            if let Err(e) = self.command(&cmd) {
                tracing::warn!(error = %e, "speech-dispatcher: cannot set the voice");
            }
        }
    }

    /// Queues `text` in `lang` (answered once it is queued).
    pub fn speak(&mut self, lang: &str, text: &str) -> Result<(), SsipError> {
        self.command(&format!("SET SELF LANGUAGE {lang}"))?;
        self.command("SPEAK")?;
        let mut body = String::new();
        for line in text.lines() {
            if line.starts_with('.') {
                body.push('.');
            }
            body.push_str(line);
            body.push_str("\r\n");
        }
        body.push_str(".\r\n");
        self.stream.write_all(body.as_bytes())?;
        self.answer().map(|_| ())
    }

    /// Cuts what this client is saying.
    pub fn cancel(&mut self) {
        if let Err(e) = self.command("CANCEL SELF") {
            tracing::warn!(error = %e, "speech-dispatcher: cannot cancel");
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.stream.write_all(b"QUIT\r\n");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rate_maps_onto_ssips_scale() {
        assert_eq!(super::ssip_rate(175), 0);
        assert_eq!(super::ssip_rate(450), 100);
        assert_eq!(super::ssip_rate(80), -35);
    }
}
