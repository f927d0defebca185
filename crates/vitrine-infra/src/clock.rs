//! The wall clock. The domain core takes the time as an argument; this is
//! where both programs read it, and where tests stop it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use vitrine_core::product::UnixTime;

/// Seconds since the Unix epoch by the system clock (0 if the clock is
/// before 1970: a kiosk whose clock was never set must still start).
pub fn now() -> UnixTime {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Where a component reads the time: the system clock, or a manual clock a
/// test moves (HQ's survey loop is tested on one). Clones share the time.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stays at `start` until [`Clock::set`] or [`Clock::advance`].
    pub fn manual(start: UnixTime) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(start))))
    }

    pub fn now(&self) -> UnixTime {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => now(),
        }
    }

    /// Moves a manual clock (no effect on the system clock).
    pub fn set(&self, t: UnixTime) {
        if let Some(c) = &self.0 {
            c.store(t, Ordering::SeqCst);
        }
    }

    /// Moves a manual clock forward by `seconds` (no effect on the system clock).
    pub fn advance(&self, seconds: i64) {
        if let Some(c) = &self.0 {
            c.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(_) => write!(f, "Clock(manual {})", self.now()),
            None => write!(f, "Clock(system)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let c = Clock::manual(1_790_000_000);
        let other = c.clone();
        assert_eq!(c.now(), 1_790_000_000);
        c.advance(3600);
        assert_eq!(other.now(), 1_790_003_600);
        other.set(5);
        assert_eq!(c.now(), 5);
        assert_eq!(format!("{c:?}"), "Clock(manual 5)");
    }

    #[test]
    fn the_system_clock_ignores_moves() {
        let c = Clock::system();
        let before = now();
        c.set(5);
        c.advance(-1_000_000);
        let t = c.now();
        // Read between two system readings: never the value it was told.
        assert!(t >= before && t <= now(), "{t}");
        assert_eq!(format!("{c:?}"), "Clock(system)");
    }
}
