//! Idle reset: after `timeout` seconds without a touch, a warning counts
//! down `warning` seconds, then the session is wiped.
//!
//! The clock is a count of one-second ticks fed by the UI's timer, so the
//! rule is tested without waiting and the UI test drives it with Slint's
//! mock time.

/// Where the idle countdown stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdlePhase {
    /// Someone is using the kiosk.
    Active,
    /// The "are you still there?" warning, with the seconds left.
    Warning { remaining_s: u32 },
    /// Time is up: wipe the session.
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleClock {
    timeout_s: u32,
    warning_s: u32,
    idle_s: u32,
}

impl IdleClock {
    pub fn new(timeout_s: u32, warning_s: u32) -> IdleClock {
        IdleClock {
            timeout_s,
            warning_s,
            idle_s: 0,
        }
    }

    /// New settings from the staff screen; the count starts again.
    pub fn configure(&mut self, timeout_s: u32, warning_s: u32) {
        self.timeout_s = timeout_s;
        self.warning_s = warning_s;
        self.idle_s = 0;
    }

    /// A touch, a key, a scan: the shopper is there.
    pub fn touch(&mut self) {
        self.idle_s = 0;
    }

    /// One second passed without a touch.
    pub fn tick(&mut self) -> IdlePhase {
        self.idle_s = self.idle_s.saturating_add(1);
        self.phase()
    }

    pub fn phase(&self) -> IdlePhase {
        let end = self.timeout_s + self.warning_s;
        if self.idle_s < self.timeout_s {
            IdlePhase::Active
        } else if self.idle_s < end {
            IdlePhase::Warning {
                remaining_s: end - self.idle_s,
            }
        } else {
            IdlePhase::Expired
        }
    }

    pub fn timeout_s(&self) -> u32 {
        self.timeout_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_then_expires_and_a_touch_starts_again() {
        let mut c = IdleClock::new(60, 10);
        for _ in 0..59 {
            assert_eq!(c.tick(), IdlePhase::Active);
        }
        assert_eq!(c.tick(), IdlePhase::Warning { remaining_s: 10 });
        assert_eq!(c.tick(), IdlePhase::Warning { remaining_s: 9 });
        c.touch();
        assert_eq!(c.phase(), IdlePhase::Active);
        for _ in 0..69 {
            c.tick();
        }
        assert_eq!(c.phase(), IdlePhase::Warning { remaining_s: 1 });
        assert_eq!(c.tick(), IdlePhase::Expired);
        assert_eq!(c.tick(), IdlePhase::Expired);
    }
}
