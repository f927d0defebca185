//! A server-sent events parser (the subset HQ uses: `id`, `event`, `data`,
//! comments), fed with the bytes of the stream as they arrive. What it
//! holds is bounded ([`MAX_EVENT_BYTES`]): a stream that never ends a line
//! or an event (a broken or hostile server, a proxy's error page) is
//! refused instead of filling the kiosk's memory.

/// The most bytes an unfinished line, or an unfinished event's data, may
/// hold. HQ's events are a few dozen bytes (`{"version":N}`).
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// The stream sent more than [`MAX_EVENT_BYTES`] without ending a line or
/// an event: the kiosk drops the connection and reconnects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the push stream sent an event larger than {MAX_EVENT_BYTES} bytes; reconnecting")]
pub struct EventTooLarge;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

/// Incremental parser: feed chunks, get complete events.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    id: Option<String>,
    event: String,
    data: Vec<String>,
    /// Bytes in `data` (and `id`, `event`) of the event being read.
    pending: usize,
}

impl SseParser {
    /// The events `chunk` completes. After an error the parser's state is
    /// undefined: drop it with the connection.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, EventTooLarge> {
        let mut out = Vec::new();
        // A chunk is taken a line at a time, so neither an endless line nor
        // a huge chunk is ever buffered whole.
        let mut rest = chunk;
        while !rest.is_empty() {
            let (part, more) = match rest.iter().position(|b| *b == b'\n') {
                Some(i) => rest.split_at(i + 1),
                None => (rest, &[][..]),
            };
            rest = more;
            if self.buf.len() + part.len() > MAX_EVENT_BYTES {
                return Err(EventTooLarge);
            }
            self.buf.extend_from_slice(part);
            self.lines(&mut out)?;
        }
        Ok(out)
    }

    fn lines(&mut self, out: &mut Vec<SseEvent>) -> Result<(), EventTooLarge> {
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if !self.data.is_empty() || !self.event.is_empty() {
                    out.push(SseEvent {
                        id: self.id.clone(),
                        event: if self.event.is_empty() {
                            "message".into()
                        } else {
                            std::mem::take(&mut self.event)
                        },
                        data: self.data.join("\n"),
                    });
                    self.data.clear();
                }
                self.pending = 0;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()),
                None => (line.clone(), String::new()),
            };
            self.pending += value.len();
            if self.pending > MAX_EVENT_BYTES {
                return Err(EventTooLarge);
            }
            match field.as_str() {
                "id" => self.id = Some(value),
                "event" => self.event = value,
                "data" => self.data.push(value),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_split_chunks_comments_and_crlf() {
        let mut p = SseParser::default();
        assert!(p.feed(b": keep-alive\n\nid: 4\r\nevent: vers").unwrap().is_empty());
        let ev = p.feed(b"ion\ndata: {\"version\":4}\n\ndata: a\ndata: b\n\n").unwrap();
        assert_eq!(
            ev,
            vec![
                SseEvent {
                    id: Some("4".into()),
                    event: "version".into(),
                    data: "{\"version\":4}".into()
                },
                SseEvent {
                    id: Some("4".into()),
                    event: "message".into(),
                    data: "a\nb".into()
                }
            ]
        );
    }

    #[test]
    fn an_endless_line_or_event_is_refused_not_buffered() {
        // A line that never ends, in small chunks.
        let mut p = SseParser::default();
        let chunk = [b'x'; 1000];
        let mut refused = false;
        for _ in 0..(MAX_EVENT_BYTES / chunk.len() + 2) {
            if p.feed(&chunk).is_err() {
                refused = true;
                break;
            }
        }
        assert!(refused, "an endless line was buffered");
        assert!(p.buf.len() <= MAX_EVENT_BYTES);
        // An event that never ends: short data lines without the blank line.
        let mut p = SseParser::default();
        let line = format!("data: {}\n", "y".repeat(500));
        let refused = (0..(MAX_EVENT_BYTES / 500 + 2)).any(|_| p.feed(line.as_bytes()).is_err());
        assert!(refused, "an endless event was buffered");
        // A big chunk of many small events is fine.
        let mut p = SseParser::default();
        let many = "data: {\"version\":1}\n\n".repeat(10_000);
        assert_eq!(p.feed(many.as_bytes()).unwrap().len(), 10_000);
    }
}
