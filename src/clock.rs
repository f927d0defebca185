//! The kiosk's wall clock. The domain core takes the time as an argument;
//! this is where it comes from. One implementation for kiosk and HQ, in
//! [`vitrine_infra`]; re-exported here so kiosk code reads `crate::clock`.

/// Seconds since the Unix epoch (0 if the system clock is before 1970).
pub use vitrine_infra::clock::now;
/// `2026-11-23 14:05 UTC`, for screens and status output.
pub use vitrine_infra::datetime::format_utc;
