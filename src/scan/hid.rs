//! USB barcode scanners in keyboard mode: they "type" the code, then Enter,
//! much faster than a person. [`HidClassifier`] watches every key press with
//! its time and tells a scanner's burst from a person typing.
//!
//! How the UI uses it (pure logic, no thread, no clock of its own):
//!
//! ```
//! use std::time::{Duration, Instant};
//! use vitrine::scan::hid::{HidClassifier, HidOutput, Key};
//!
//! let mut hid = HidClassifier::new(Duration::from_millis(35), 8);
//! let t0 = Instant::now();
//! let mut out = Vec::new();
//! // Every key event the window receives, with its time:
//! for (i, ch) in "5449000039231\n".chars().enumerate() {
//!     let at = t0 + Duration::from_millis(8 * i as u64);
//!     if let Some(key) = Key::from_text(&ch.to_string()) {
//!         out.extend(hid.key(key, at));
//!     }
//! }
//! // ...and, from a timer, when nothing was typed for a while:
//! if let Some(deadline) = hid.deadline() {
//!     out.extend(hid.tick(deadline));
//! }
//! assert!(matches!(&out[..], [HidOutput::Scan { code, .. }] if code == "5449000039231"));
//! ```
//!
//! Keys are held back while they may still be the start of a scanner burst
//! (at most `max_key_interval`, 35 ms by default, unnoticeable when typing)
//! and handed back as [`HidOutput::Keys`] once the timing shows a person: the
//! UI then applies them to the focused field as usual.
//!
//! Rules: a burst is a run of keys each at most `max_key_interval` after the
//! previous one, ended by Enter within that interval too; it is a scan when
//! it has at least `min_length` characters. Anything else is typing. The
//! scanner must be set to send Enter after the code (the factory default of
//! nearly all of them).

use std::time::{Duration, Instant};

use vitrine_core::code::CodeContext;

use super::{ScanEvent, ScanSource};

/// A key press, as the classifier needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character key (digits, letters, punctuation).
    Char(char),
    /// Enter / Return.
    Enter,
}

impl Key {
    /// From a key event's text (Slint's `KeyEvent.text`): `"\n"` or `"\r"` is
    /// Enter, one printable character is itself, and so is GS (0x1D), the
    /// FNC1 separator a scanner sends inside GS1 data; modifiers, arrows and
    /// other special keys (other control or private-use characters) are
    /// `None` and need not be fed.
    pub fn from_text(text: &str) -> Option<Key> {
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        match c {
            '\n' | '\r' => Some(Key::Enter),
            '\u{1d}' => Some(Key::Char(c)),
            c if c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c) => None,
            c => Some(Key::Char(c)),
        }
    }
}

/// What the classifier decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HidOutput {
    /// A scanner sent `code` (without the Enter).
    Scan {
        code: String,
        /// The first and the last key of the burst (the Enter).
        first_key_at: Instant,
        last_key_at: Instant,
    },
    /// Keys typed by a person, to apply as usual, in order; `'\n'` is Enter.
    Keys(String),
}

impl HidOutput {
    /// The scan as a [`ScanEvent`] (`None` for typed keys). Digits are read as
    /// a product code; anything else (a 2D scanner reading a QR code) is
    /// classified like a QR payload.
    pub fn to_event(&self, ctx: &CodeContext<'_>) -> Option<ScanEvent> {
        match self {
            HidOutput::Scan { code, last_key_at, .. } => Some(ScanEvent {
                text: code.clone(),
                symbology: None,
                result: super::classify_typed(code, ctx),
                source: ScanSource::Hid,
                captured_at: *last_key_at,
            }),
            HidOutput::Keys(_) => None,
        }
    }
}

/// Longest burst kept; beyond it the keys are handed back as typed.
const MAX_BURST: usize = 4096;

/// Tells scanner bursts from typing. See the module docs.
#[derive(Debug, Clone)]
pub struct HidClassifier {
    max_interval: Duration,
    min_length: usize,
    pending: String,
    first_at: Option<Instant>,
    last_at: Option<Instant>,
}

impl HidClassifier {
    pub fn new(max_key_interval: Duration, min_length: usize) -> HidClassifier {
        HidClassifier {
            max_interval: max_key_interval,
            min_length: min_length.max(1),
            pending: String::new(),
            first_at: None,
            last_at: None,
        }
    }

    /// `scan.hid_max_key_interval_ms` and `scan.hid_min_length`.
    pub fn from_config(scan: &crate::config::ScanSection) -> HidClassifier {
        HidClassifier::new(
            Duration::from_millis(u64::from(scan.hid_max_key_interval_ms)),
            scan.hid_min_length as usize,
        )
    }

    /// Feeds one key press at `at` (key events in the order received).
    /// Returns what can be decided now: up to two outputs (keys of a person
    /// that the new key proved were typed, then possibly a scan).
    pub fn key(&mut self, key: Key, at: Instant) -> Vec<HidOutput> {
        let mut out = Vec::new();
        let in_burst = self
            .last_at
            .is_some_and(|last| at.saturating_duration_since(last) <= self.max_interval);
        if !self.pending.is_empty() && !in_burst {
            // Too slow after the previous key: what was held back was typed.
            out.extend(self.release());
        }
        match key {
            Key::Enter => {
                let count = self.pending.chars().count();
                if count >= self.min_length {
                    let first_key_at = self.first_at.unwrap_or(at);
                    out.push(HidOutput::Scan {
                        code: std::mem::take(&mut self.pending),
                        first_key_at,
                        last_key_at: at,
                    });
                    self.first_at = None;
                    self.last_at = None;
                } else {
                    // Enter after too short a burst (or on its own): typed.
                    self.pending.push('\n');
                    out.extend(self.release());
                }
            }
            Key::Char(c) => {
                if self.pending.is_empty() {
                    self.first_at = Some(at);
                }
                self.pending.push(c);
                self.last_at = Some(at);
                if self.pending.len() > MAX_BURST {
                    out.extend(self.release());
                }
            }
        }
        out
    }

    /// Call at [`HidClassifier::deadline`] (or any time after): keys held back
    /// that no fast key followed were typed by a person.
    pub fn tick(&mut self, now: Instant) -> Option<HidOutput> {
        let last = self.last_at?;
        if !self.pending.is_empty() && now.saturating_duration_since(last) > self.max_interval {
            self.release()
        } else {
            None
        }
    }

    /// When held-back keys must be released if no key comes (for a timer);
    /// `None` when nothing is held back.
    pub fn deadline(&self) -> Option<Instant> {
        if self.pending.is_empty() {
            return None;
        }
        self.last_at.map(|t| t + self.max_interval + Duration::from_millis(1))
    }

    fn release(&mut self) -> Option<HidOutput> {
        self.first_at = None;
        self.last_at = None;
        if self.pending.is_empty() {
            None
        } else {
            Some(HidOutput::Keys(std::mem::take(&mut self.pending)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_core::code::Scanned;

    /// Feeds `text` with `gap_ms` between keys from `t0 + start_ms`, then
    /// runs the timer; returns everything decided.
    fn feed(hid: &mut HidClassifier, t0: Instant, start_ms: u64, gap_ms: u64, text: &str) -> Vec<HidOutput> {
        let mut out = Vec::new();
        for (i, ch) in text.chars().enumerate() {
            let at = t0 + Duration::from_millis(start_ms + gap_ms * i as u64);
            let key = Key::from_text(&ch.to_string()).unwrap();
            out.extend(hid.key(key, at));
        }
        if let Some(d) = hid.deadline() {
            out.extend(hid.tick(d));
        }
        out
    }

    fn hid() -> HidClassifier {
        HidClassifier::new(Duration::from_millis(35), 8)
    }

    #[test]
    fn a_scanner_burst_is_a_scan() {
        let t0 = Instant::now();
        let mut h = hid();
        let out = feed(&mut h, t0, 0, 6, "5449000039231\n");
        let [
            HidOutput::Scan {
                code,
                first_key_at,
                last_key_at,
            },
        ] = &out[..]
        else {
            panic!("{out:?}")
        };
        assert_eq!(code, "5449000039231");
        assert_eq!(*first_key_at, t0);
        assert_eq!(*last_key_at, t0 + Duration::from_millis(6 * 13));
        let ev = out[0].to_event(&CodeContext::defaults(crate::scan::today())).unwrap();
        assert_eq!(ev.source, ScanSource::Hid);
        let Ok(Scanned::Product(p)) = ev.result else { panic!() };
        assert_eq!(p.gtin.as_gtin14(), "05449000039231");
        assert_eq!(h.deadline(), None);
    }

    #[test]
    fn a_person_typing_is_not_a_scan() {
        let t0 = Instant::now();
        let mut h = hid();
        // 120 ms between keys: each key is released by the next one.
        let out = feed(&mut h, t0, 0, 120, "5449000039231\n");
        assert!(out.iter().all(|o| matches!(o, HidOutput::Keys(_))), "{out:?}");
        let typed: String = out
            .iter()
            .map(|o| match o {
                HidOutput::Keys(k) => k.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(typed, "5449000039231\n");
        // Fast but short (a person's quick "42" then Enter): typed too.
        let out = feed(&mut h, t0, 5000, 20, "42\n");
        assert_eq!(out, [HidOutput::Keys("42\n".into())]);
        // Key repeat (a held key at 30 Hz) then a person's Enter: typed.
        let mut out = feed(&mut h, t0, 9000, 30, "1111111111");
        out.extend(h.key(Key::Enter, t0 + Duration::from_millis(9800)));
        assert_eq!(
            out,
            [HidOutput::Keys("1111111111".into()), HidOutput::Keys("\n".into())]
        );
    }

    #[test]
    fn a_burst_after_typing_is_still_a_scan() {
        let t0 = Instant::now();
        let mut h = hid();
        // A person types "ab" slowly, then the scanner fires right after.
        let mut out = h.key(Key::Char('a'), t0);
        out.extend(h.key(Key::Char('b'), t0 + Duration::from_millis(150)));
        out.extend(feed(&mut h, t0, 300, 5, "04965802\n"));
        assert_eq!(out[0], HidOutput::Keys("a".into()));
        assert_eq!(out[1], HidOutput::Keys("b".into()));
        assert!(
            matches!(&out[2], HidOutput::Scan { code, .. } if code == "04965802"),
            "{out:?}"
        );
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn a_pause_inside_a_burst_breaks_it() {
        let t0 = Instant::now();
        let mut h = hid();
        let mut out = feed(&mut h, t0, 0, 5, "5449");
        // 200 ms pause: held keys released as typed, then a fresh burst.
        out.extend(feed(&mut h, t0, 200, 5, "000039231\n"));
        assert_eq!(out[0], HidOutput::Keys("5449".into()));
        assert!(matches!(&out[1], HidOutput::Scan { code, .. } if code == "000039231"));
        // A slow Enter after a fast burst: not a scan.
        let mut out = feed(&mut h, t0, 1000, 5, "5449000039231");
        assert!(out.is_empty() || matches!(&out[0], HidOutput::Keys(_)));
        out.extend(h.key(Key::Enter, t0 + Duration::from_millis(1200)));
        assert!(out.iter().all(|o| matches!(o, HidOutput::Keys(_))), "{out:?}");
    }

    #[test]
    fn qr_payloads_from_a_2d_scanner_are_payloads() {
        let t0 = Instant::now();
        let mut h = hid();
        let out = feed(&mut h, t0, 0, 3, "VITRINE-LOYALTY:42\n");
        let ev = out[0].to_event(&CodeContext::defaults(crate::scan::today())).unwrap();
        assert_eq!(ev.result, Ok(Scanned::Payload("VITRINE-LOYALTY:42".into())));
        let out = feed(&mut h, t0, 1000, 3, "https://id.gs1.org/01/05449000039231\n");
        let ev = out[0].to_event(&CodeContext::defaults(crate::scan::today())).unwrap();
        assert!(matches!(ev.result, Ok(Scanned::Product(_))));
    }

    /// Every way a USB scanner in keyboard mode sends GS1 data: no prefix
    /// and no separator before a last variable field, GS typed as itself,
    /// the scanner's configured replacement for GS, an AIM identifier.
    #[test]
    fn gs1_data_from_a_usb_scanner() {
        let t0 = Instant::now();
        let rules = vitrine_core::code::VariableMeasureRules::default();
        let plain = CodeContext::new(&rules, crate::scan::today());
        let caret = plain.with_separator(Some('^'));
        for (i, (sent, ctx)) in [
            ("010544900003923110ABC123", plain),
            ("010544900003923110ABC123\u{1d}17261231", plain),
            ("]C1010544900003923110ABC123\u{1d}17261231", plain),
            ("010544900003923110ABC123^17261231", caret),
            ("^010544900003923110ABC123^17261231", caret),
        ]
        .into_iter()
        .enumerate()
        {
            let mut h = hid();
            let out = feed(&mut h, t0, 1000 * i as u64, 4, &format!("{sent}\n"));
            let ev = out[0].to_event(&ctx).unwrap();
            let Ok(Scanned::Product(p)) = &ev.result else {
                panic!("{sent:?}: {:?}", ev.result)
            };
            assert_eq!(
                (p.gtin.as_gtin14().as_str(), p.gs1.lot.as_deref()),
                ("05449000039231", Some("ABC123")),
                "{sent:?}"
            );
        }
    }

    #[test]
    fn key_text_mapping() {
        assert_eq!(Key::from_text("7"), Some(Key::Char('7')));
        assert_eq!(Key::from_text("\r"), Some(Key::Enter));
        assert_eq!(Key::from_text("\n"), Some(Key::Enter));
        assert_eq!(Key::from_text(""), None);
        assert_eq!(Key::from_text("\u{10}"), None); // Slint's Shift
        assert_eq!(Key::from_text("\u{1d}"), Some(Key::Char('\u{1d}'))); // GS1's FNC1
        assert_eq!(Key::from_text("\u{F700}"), None); // Slint's up arrow
        assert_eq!(Key::from_text("ab"), None);
    }
}
