//! Capped exponential backoff with full jitter: the n-th retry waits a random
//! time between 0 and `min(cap, base * 2^n)`, so kiosks that lost HQ at the
//! same moment do not all come back at the same moment.

use std::time::Duration;

/// Backoff parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The ceiling of the wait before retry number `attempt` (0-based).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u64.checked_shl(attempt.min(40)).unwrap_or(u64::MAX);
        let ms = (self.base.as_millis() as u64).saturating_mul(factor);
        Duration::from_millis(ms).min(self.cap)
    }

    /// The wait before retry number `attempt`, drawn with `rng` in `[0, 1)`.
    pub fn delay_with(&self, attempt: u32, unit: f64) -> Duration {
        self.ceiling(attempt).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// The wait before retry number `attempt` (full jitter).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, fastrand::f64())
    }

    /// The jittered wait, but never less than HQ's `Retry-After` (which the
    /// client caps): a rate-limited kiosk waits as long as HQ asked, and
    /// kiosks told the same time still spread when their draw is longer.
    pub fn delay_after_with(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let drawn = self.delay_with(attempt, unit);
        retry_after.map_or(drawn, |r| drawn.max(r))
    }

    /// [`Backoff::delay_after_with`] with a random draw.
    pub fn delay_after(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        self.delay_after_with(attempt, retry_after, fastrand::f64())
    }
}

/// A periodic wait spread by ±25 % (`unit` in `[0, 1)`), so that kiosks
/// polling HQ while their push stream is down do not poll in step.
pub fn spread_with(period: Duration, unit: f64) -> Duration {
    period.mul_f64(0.75 + 0.5 * unit.clamp(0.0, 1.0))
}

/// [`spread_with`] with a random draw.
pub fn spread(period: Duration) -> Duration {
    spread_with(period, fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_a_floor_under_the_jittered_wait() {
        let b = Backoff {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
        };
        let hq = Some(Duration::from_secs(30));
        assert_eq!(b.delay_after_with(0, hq, 0.9), Duration::from_secs(30));
        assert_eq!(b.delay_after_with(10, hq, 1.0), Duration::from_secs(60));
        assert_eq!(b.delay_after_with(3, None, 0.5), Duration::from_millis(2000));
        assert_eq!(
            b.delay_after_with(3, Some(Duration::ZERO), 0.5),
            Duration::from_millis(2000)
        );
    }

    #[test]
    fn polling_is_spread_around_its_period() {
        let p = Duration::from_secs(60);
        assert_eq!(spread_with(p, 0.0), Duration::from_secs(45));
        assert_eq!(spread_with(p, 0.5), Duration::from_secs(60));
        assert_eq!(spread_with(p, 1.0), Duration::from_secs(75));
        fastrand::seed(11);
        let draws: Vec<Duration> = (0..200).map(|_| spread(p)).collect();
        assert!(
            draws
                .iter()
                .all(|d| *d >= Duration::from_secs(45) && *d <= Duration::from_secs(75))
        );
        assert!(draws.iter().any(|d| *d < Duration::from_secs(50)));
        assert!(draws.iter().any(|d| *d > Duration::from_secs(70)));
    }

    #[test]
    fn doubles_up_to_the_cap_and_jitters_below_the_ceiling() {
        let b = Backoff {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
        };
        assert_eq!(b.ceiling(0), Duration::from_millis(500));
        assert_eq!(b.ceiling(3), Duration::from_millis(4000));
        assert_eq!(b.ceiling(20), Duration::from_secs(60));
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(60));
        assert_eq!(b.delay_with(3, 0.0), Duration::ZERO);
        assert_eq!(b.delay_with(3, 0.5), Duration::from_millis(2000));
        fastrand::seed(7);
        let draws: Vec<Duration> = (0..200).map(|_| b.delay(4)).collect();
        assert!(draws.iter().all(|d| *d <= Duration::from_secs(8)));
        // Full jitter spreads over the whole range, not around the ceiling.
        assert!(draws.iter().any(|d| *d < Duration::from_secs(2)));
        assert!(draws.iter().any(|d| *d > Duration::from_secs(6)));
    }
}
