//! The fleet's health: the latest heartbeat of every kiosk, and a short
//! history per kiosk (bounded: the oldest go as new ones come).

use vitrine_core::product::UnixTime;
use vitrine_core::wire::fleet::Heartbeat;

use super::Result;

/// A heartbeat as HQ recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatRecord {
    pub device_id: String,
    /// HQ's clock when it arrived (the kiosk's clock is not trusted for
    /// "last seen").
    pub received_at: UnixTime,
    pub beat: Heartbeat,
}

/// Storage of the fleet's health.
pub trait FleetStore {
    /// Records `beat` as `device`'s latest and appends it to its history,
    /// keeping its `keep` latest entries.
    fn record_heartbeat(&self, device: &str, beat: &Heartbeat, received_at: UnixTime, keep: u32) -> Result<()>;
    /// The latest heartbeat of every kiosk that sent one.
    fn latest_heartbeats(&self) -> Result<Vec<HeartbeatRecord>>;
    /// `device`'s history, newest first, at most `limit`.
    fn heartbeat_history(&self, device: &str, limit: u32) -> Result<Vec<HeartbeatRecord>>;
}
