//! Per-device rate limits: a token bucket per device id, refilled at
//! `per_minute / 60` tokens a second, holding at most `per_minute` (so a
//! kiosk that was offline can flush its outbox in one burst); and a cap on
//! the push streams a device holds open ([`StreamSlots`]).
//!
//! With several replicas on one database the buckets are the database's
//! ([`RateLimiter::shared`]): a kiosk, or a client guessing enrollment
//! codes, gets its limit once, not once per replica. Taking a token then
//! queries the database: call [`RateLimiter::check`] on the blocking pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::storage::HqStorage;

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    /// The database's buckets and this limiter's name in them.
    shared: Option<(Arc<dyn HqStorage>, &'static str)>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// A limiter whose buckets are `storage`'s (named `name:key`), shared
    /// by every process using it. When the database cannot be reached the
    /// process's own buckets count instead (logged): the limit then holds
    /// per replica until it is back.
    pub fn shared(per_minute: u32, name: &'static str, storage: Arc<dyn HqStorage>) -> RateLimiter {
        RateLimiter {
            shared: Some((storage, name)),
            ..RateLimiter::new(per_minute)
        }
    }

    /// Takes a token for `key` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let cap = f64::from(self.per_minute);
        let rate = cap / 60.0;
        // std Mutex: held for a few arithmetic operations, never across an await.
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 100_000 {
            b.retain(|_, (tokens, at)| *tokens < cap || now.duration_since(*at) < Duration::from_secs(60));
        }
        let (tokens, at) = b.entry(key.to_string()).or_insert((cap, now));
        let elapsed = now.saturating_duration_since(*at).as_secs_f64();
        *tokens = (*tokens + elapsed * rate).min(cap);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }

    /// Takes a token for `key` now; `Err(wait)` when the bucket is empty.
    /// Blocks on the database for a shared limiter.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        if let Some((storage, name)) = &self.shared {
            match storage.take_token(&format!("{name}:{key}"), self.per_minute) {
                Ok(taken) => return taken,
                Err(e) => tracing::warn!(error = %e, limiter = name, "shared rate limit unavailable; counting locally"),
            }
        }
        self.check_at(key, Instant::now())
    }
}

/// The push streams open per device, at most `max` each: a stream holds
/// a task, a socket and a watch receiver for as long as it lives, and a
/// kiosk needs one (two while a reconnection overlaps the stream it
/// replaces), so a device token cannot hold thousands.
pub struct StreamSlots {
    max: usize,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open push stream; the slot is freed when it is dropped (the stream
/// ended or its connection closed).
pub struct StreamSlot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    device: String,
}

impl StreamSlots {
    pub fn new(max: usize) -> StreamSlots {
        StreamSlots {
            max,
            open: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for `device`, or None when it has `max` streams open.
    pub fn open(&self, device: &str) -> Option<StreamSlot> {
        // std Mutex: held for a map update, never across an await.
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(device.to_string()).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(StreamSlot {
            open: self.open.clone(),
            device: device.to_string(),
        })
    }

    /// The streams open, all devices together.
    pub fn total(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).values().sum()
    }

    /// The streams `device` has open.
    pub fn count(&self, device: &str) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(device)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.device) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.device);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill_per_device() {
        let l = RateLimiter::new(60);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(l.check_at("a", t0).is_ok());
        }
        let wait = l.check_at("a", t0).unwrap_err();
        assert!(wait <= Duration::from_secs(1));
        assert!(l.check_at("b", t0).is_ok(), "other devices are not affected");
        assert!(l.check_at("a", t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn stream_slots_cap_each_device_and_free_on_drop() {
        let s = StreamSlots::new(2);
        let a1 = s.open("a");
        let a2 = s.open("a");
        assert!(a1.is_some() && a2.is_some());
        assert!(s.open("a").is_none(), "a third stream is refused");
        assert!(s.open("b").is_some(), "other devices are not affected");
        drop(a1);
        assert_eq!(s.count("a"), 1);
        assert!(s.open("a").is_some(), "a closed stream frees its slot");
    }
}
