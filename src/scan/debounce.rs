//! Debounce: a code held in front of the camera is read in frame after
//! frame, but is one scan. (And [`Confirmer`]: codes from a pass that can
//! misread wait for a second reading.)
//!
//! Rules (times are the frames' capture times, so the rules do not depend on
//! how fast the decoder runs, and tests drive them with made-up instants):
//! - a code read in a frame when it was not in view is a scan;
//! - while it stays in view it is not a scan again, until `cooldown` has
//!   passed since its last scan (then it counts again, once per cooldown;
//!   a cooldown of 0 means never while it stays in view);
//! - it has left the view once it was missing from at least
//!   [`MIN_MISSED_FRAMES`] decoded frames in a row *and* for at least
//!   `leave` since it was last read. Both are needed: one frame in which the
//!   decoder missed a code still in view (blur, glare, the alternate pass not
//!   covering it) must not make it a new scan, and neither must one slow frame.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Consecutive decoded frames without a code before it may have left.
pub const MIN_MISSED_FRAMES: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebounceRules {
    /// The same code kept in view counts again after this long (0: never).
    pub cooldown: Duration,
    /// A code unseen for this long (and [`MIN_MISSED_FRAMES`] frames) has
    /// left the view.
    pub leave: Duration,
}

impl DebounceRules {
    pub fn from_config(scan: &crate::config::ScanSection) -> DebounceRules {
        DebounceRules {
            cooldown: Duration::from_millis(u64::from(scan.cooldown_ms)),
            leave: Duration::from_millis(u64::from(scan.leave_ms)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Track {
    last_scan: Instant,
    last_seen: Instant,
    missed: u32,
}

/// Tracks the codes in view; `K` identifies a code (symbology and text).
#[derive(Debug)]
pub struct Debouncer<K> {
    rules: DebounceRules,
    in_view: HashMap<K, Track>,
}

impl<K: Hash + Eq + Clone> Debouncer<K> {
    pub fn new(rules: DebounceRules) -> Debouncer<K> {
        Debouncer {
            rules,
            in_view: HashMap::new(),
        }
    }

    /// One decoded frame captured at `at`, with the codes read in it. Returns
    /// those that are scans, in the order given (each at most once).
    pub fn frame(&mut self, at: Instant, codes: &[K]) -> Vec<K> {
        let leave = self.rules.leave;
        self.in_view.retain(|k, t| {
            if codes.contains(k) {
                return true;
            }
            t.missed += 1;
            !(t.missed >= MIN_MISSED_FRAMES && at.saturating_duration_since(t.last_seen) >= leave)
        });
        let mut scans = Vec::new();
        for code in codes {
            if scans.contains(code) {
                continue;
            }
            match self.in_view.get_mut(code) {
                None => {
                    self.in_view.insert(
                        code.clone(),
                        Track {
                            last_scan: at,
                            last_seen: at,
                            missed: 0,
                        },
                    );
                    scans.push(code.clone());
                }
                Some(t) => {
                    if t.last_seen == at && t.missed == 0 {
                        continue; // listed twice in this frame
                    }
                    t.missed = 0;
                    t.last_seen = at;
                    let cooldown = self.rules.cooldown;
                    if !cooldown.is_zero() && at.saturating_duration_since(t.last_scan) >= cooldown {
                        t.last_scan = at;
                        scans.push(code.clone());
                    }
                }
            }
        }
        scans
    }

    /// Forgets every code (the camera restarted).
    pub fn clear(&mut self) {
        self.in_view.clear();
    }

    /// How many codes are in view.
    pub fn in_view(&self) -> usize {
        self.in_view.len()
    }
}

/// Decoded frames within which a second reading confirms a code.
pub const CONFIRM_WINDOW: u64 = 4;

/// Second-reading rule for codes from passes that can misread.
///
/// On the test photos zxing-cpp's fast pass returned no wrong product code,
/// its harder pass a few (a wrong product on screen is worse than a slower
/// scan). So a code read by a trusted pass goes through at once, and a code
/// read only by an untrusted pass goes through once it was read again (by
/// any pass) within [`CONFIRM_WINDOW`] decoded frames. A camera's frames
/// differ a little from one another; a misread rarely repeats, a real code
/// does.
#[derive(Debug)]
pub struct Confirmer<K> {
    frame: u64,
    seen: HashMap<K, u64>,
}

impl<K: Hash + Eq + Clone> Default for Confirmer<K> {
    fn default() -> Self {
        Confirmer {
            frame: 0,
            seen: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Clone> Confirmer<K> {
    pub fn new() -> Confirmer<K> {
        Confirmer::default()
    }

    /// One decoded frame: its codes, each with whether the pass that read
    /// it is trusted. Returns the codes to hand to the [`Debouncer`].
    pub fn frame(&mut self, codes: &[(K, bool)]) -> Vec<K> {
        self.frame += 1;
        let now = self.frame;
        let mut out: Vec<K> = Vec::new();
        for (k, trusted) in codes {
            let again = self.seen.get(k).is_some_and(|&f| f < now && now - f <= CONFIRM_WINDOW);
            if (*trusted || again) && !out.contains(k) {
                out.push(k.clone());
            }
        }
        for (k, _) in codes {
            self.seen.insert(k.clone(), now);
        }
        self.seen.retain(|_, f| now - *f <= CONFIRM_WINDOW);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames every 33 ms, from a fixed origin: time is made up, not slept.
    struct Clock(Instant);
    impl Clock {
        fn at(&self, ms: u64) -> Instant {
            self.0 + Duration::from_millis(ms)
        }
    }

    fn rules(cooldown_ms: u64, leave_ms: u64) -> DebounceRules {
        DebounceRules {
            cooldown: Duration::from_millis(cooldown_ms),
            leave: Duration::from_millis(leave_ms),
        }
    }

    #[test]
    fn a_code_held_in_view_is_one_scan() {
        let c = Clock(Instant::now());
        let mut d = Debouncer::new(rules(2000, 300));
        assert_eq!(d.frame(c.at(0), &["A"]), ["A"]);
        for i in 1..30 {
            assert!(d.frame(c.at(i * 33), &["A"]).is_empty(), "frame {i}");
        }
        assert_eq!(d.in_view(), 1);
    }

    #[test]
    fn the_same_code_counts_again_after_the_cooldown() {
        let c = Clock(Instant::now());
        let mut d = Debouncer::new(rules(2000, 300));
        let mut scans = Vec::new();
        for i in 0..=130u64 {
            // 4.3 s of frames with A always in view
            if !d.frame(c.at(i * 33), &["A"]).is_empty() {
                scans.push(i * 33);
            }
        }
        assert_eq!(scans, [0, 2013, 4026]);
        // Cooldown 0: never again while in view.
        let mut d = Debouncer::new(rules(0, 300));
        let n: usize = (0..200u64).map(|i| d.frame(c.at(i * 33), &["A"]).len()).sum();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_code_that_left_the_view_counts_again_at_once() {
        let c = Clock(Instant::now());
        let mut d = Debouncer::new(rules(2000, 300));
        assert_eq!(d.frame(c.at(0), &["A"]), ["A"]);
        // Gone for 10 frames (330 ms): it has left.
        for i in 1..=10 {
            assert!(d.frame(c.at(i * 33), &[]).is_empty());
        }
        assert_eq!(d.in_view(), 0);
        assert_eq!(d.frame(c.at(363), &["A"]), ["A"]);
    }

    #[test]
    fn short_misses_do_not_make_a_new_scan() {
        let c = Clock(Instant::now());
        let mut d = Debouncer::new(rules(2000, 300));
        assert_eq!(d.frame(c.at(0), &["A"]), ["A"]);
        // The decoder misses it every other frame (alternating passes) and
        // then for 5 frames in a row (165 ms < 300 ms): still in view.
        let mut t = 0;
        for i in 1..20 {
            t = i * 33;
            let codes: &[&str] = if i % 2 == 0 { &["A"] } else { &[] };
            assert!(d.frame(c.at(t), codes).is_empty(), "frame {i}");
        }
        for k in 1..=5 {
            assert!(d.frame(c.at(t + k * 33), &[]).is_empty());
        }
        assert!(d.frame(c.at(t + 6 * 33), &["A"]).is_empty());
        // One slow frame 400 ms later is a single miss: still in view.
        let t = t + 6 * 33;
        assert!(d.frame(c.at(t + 400), &[]).is_empty());
        assert!(d.frame(c.at(t + 433), &["A"]).is_empty());
    }

    #[test]
    fn untrusted_reads_need_a_second_reading() {
        let mut c = Confirmer::new();
        // Trusted: at once.
        assert_eq!(c.frame(&[("A", true)]), ["A"]);
        // Untrusted: not on its first reading...
        assert!(c.frame(&[("B", false)]).is_empty());
        // ...but on a second one within the window (here two frames later,
        // as with alternating passes).
        assert!(c.frame(&[]).is_empty());
        assert_eq!(c.frame(&[("B", false)]), ["B"]);
        // A one-off misread is never confirmed.
        assert!(c.frame(&[("X", false)]).is_empty());
        for _ in 0..CONFIRM_WINDOW {
            assert!(c.frame(&[]).is_empty());
        }
        assert!(c.frame(&[("X", false)]).is_empty());
        // A code seen by the trusted pass keeps its untrusted readings going.
        assert_eq!(c.frame(&[("A", true)]), ["A"]);
        assert_eq!(c.frame(&[("A", false)]), ["A"]);
        // Listed twice in one frame: once, and not its own confirmation.
        assert!(c.frame(&[("Y", false), ("Y", false)]).is_empty());
    }

    #[test]
    fn codes_are_tracked_separately() {
        let c = Clock(Instant::now());
        let mut d = Debouncer::new(rules(2000, 300));
        assert_eq!(d.frame(c.at(0), &["A"]), ["A"]);
        assert_eq!(d.frame(c.at(33), &["A", "B", "B"]), ["B"]);
        assert!(d.frame(c.at(66), &["B", "A"]).is_empty());
        // A leaves, B stays; A comes back: a scan; B still is not.
        for i in 3..=13 {
            d.frame(c.at(i * 33), &["B"]);
        }
        assert_eq!(d.frame(c.at(14 * 33), &["B", "A"]), ["A"]);
        d.clear();
        assert_eq!(d.frame(c.at(15 * 33), &["B"]), ["B"]);
    }
}
