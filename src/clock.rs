//! The kiosk's wall clock. The domain core takes the time as an argument;
//! this is where it comes from.

use std::time::{SystemTime, UNIX_EPOCH};

use vitrine_core::product::UnixTime;

/// Seconds since the Unix epoch (0 if the system clock is before 1970).
pub fn now() -> UnixTime {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-11-23 14:05 UTC`, for screens and status output.
pub fn format_utc(t: UnixTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| t.to_string())
}
