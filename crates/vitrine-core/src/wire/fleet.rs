//! The fleet part of the kiosk ↔ HQ protocol (`POST /v1/heartbeat`): what a
//! kiosk tells HQ about its own health, so that IT sees from HQ which
//! kiosks are down, behind on the catalog, stuck with a queue or blind.
//!
//! A kiosk reports only what its process really knows: a headless
//! `vitrine sync --follow` has no screen and no camera, and says so
//! ([`ScreenState::None`], [`CameraState::None`]) rather than guessing.

use serde::{Deserialize, Serialize};

use crate::product::UnixTime;

/// The camera as the kiosk's process sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraState {
    /// Frames arrive.
    Ok,
    /// A camera is configured but gives no frames (unplugged, failed):
    /// the kiosk is blind.
    Down,
    /// No camera in this process (a headless sync, `camera.source = "none"`).
    None,
}

impl CameraState {
    pub fn as_str(self) -> &'static str {
        match self {
            CameraState::Ok => "ok",
            CameraState::Down => "down",
            CameraState::None => "none",
        }
    }
}

/// The kiosk's screen as its process sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenState {
    /// The kiosk's window is shown.
    On,
    /// The kiosk runs its UI but its window is hidden or not yet shown.
    Off,
    /// No screen in this process (a headless sync).
    None,
}

impl ScreenState {
    pub fn as_str(self) -> &'static str {
        match self {
            ScreenState::On => "on",
            ScreenState::Off => "off",
            ScreenState::None => "none",
        }
    }
}

/// The most characters of a software version HQ keeps.
pub const MAX_VERSION_CHARS: usize = 64;
/// A decode rate above this is not a camera's: refused.
pub const MAX_DECODE_FPS: u32 = 1000;

/// `POST /v1/heartbeat`: the kiosk's state, sent every
/// `hq.heartbeat_s` seconds and at once when it changes. Times are the
/// kiosk's clock (HQ dates the heartbeat with its own on receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The kiosk's software version (`vitrine --version`).
    pub software_version: String,
    pub catalog_version: u64,
    /// Handoffs and orders waiting to be delivered to HQ.
    pub outbox_pending: u64,
    /// Messages HQ refused, kept in the kiosk's dead-letter table.
    pub outbox_dead: u64,
    /// The last successful catalog sync.
    pub last_sync: Option<UnixTime>,
    /// The last code scanned (camera or scanner); None: none since start.
    pub last_scan: Option<UnixTime>,
    pub camera: CameraState,
    /// Frames the decoder went through in the last seconds, when a camera runs.
    pub decode_fps: Option<u32>,
    /// Free bytes on the kiosk's data folder's file system.
    pub disk_free_bytes: Option<u64>,
    /// Seconds since the process started.
    pub uptime_s: u64,
    pub screen: ScreenState,
    /// Whether an audio output (the headset jack) is present; None: this
    /// process does not know (audio off, or headless).
    pub audio_device: Option<bool>,
}

impl Heartbeat {
    /// Refuses what no real kiosk sends: a version that is not short
    /// printable text, a decode rate no camera has, times before 1970.
    pub fn validate(&self) -> Result<(), String> {
        let v = &self.software_version;
        if v.is_empty() || v.chars().count() > MAX_VERSION_CHARS {
            return Err(format!(
                "software_version: 1 to {MAX_VERSION_CHARS} characters expected"
            ));
        }
        if !v.chars().all(|c| c.is_ascii_graphic()) {
            return Err("software_version: printable ASCII without spaces expected".into());
        }
        if self.decode_fps.is_some_and(|f| f > MAX_DECODE_FPS) {
            return Err(format!("decode_fps: at most {MAX_DECODE_FPS} expected"));
        }
        if self.last_sync.is_some_and(|t| t < 0) || self.last_scan.is_some_and(|t| t < 0) {
            return Err("last_sync and last_scan: Unix times (seconds since 1970) expected".into());
        }
        // Stored as SQLite integers (signed 64-bit).
        let max = i64::MAX as u64;
        if [
            self.outbox_pending,
            self.outbox_dead,
            self.catalog_version,
            self.uptime_s,
        ]
        .into_iter()
        .chain(self.disk_free_bytes)
        .any(|n| n > max)
        {
            return Err("counts out of range".into());
        }
        Ok(())
    }
}

/// HQ's answer to a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatAck {
    /// HQ's clock when it recorded the heartbeat.
    pub received_at: UnixTime,
    /// The version of the remote settings that apply to this kiosk (0:
    /// none): a kiosk that holds another fetches `/v1/settings`.
    pub settings_version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat() -> Heartbeat {
        Heartbeat {
            software_version: "0.1.0".into(),
            catalog_version: 3,
            outbox_pending: 1,
            outbox_dead: 0,
            last_sync: Some(1_700_000_000),
            last_scan: None,
            camera: CameraState::None,
            decode_fps: None,
            disk_free_bytes: Some(1 << 30),
            uptime_s: 12,
            screen: ScreenState::None,
            audio_device: None,
        }
    }

    #[test]
    fn a_heartbeat_reads_back_and_refuses_what_no_kiosk_sends() {
        let b = beat();
        assert_eq!(b.validate(), Ok(()));
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"camera\":\"none\""), "{json}");
        assert_eq!(serde_json::from_str::<Heartbeat>(&json).unwrap(), b);
        for bad in [
            Heartbeat {
                software_version: String::new(),
                ..beat()
            },
            Heartbeat {
                software_version: "1.0\u{1b}[31m".into(),
                ..beat()
            },
            Heartbeat {
                software_version: "x".repeat(65),
                ..beat()
            },
            Heartbeat {
                decode_fps: Some(5000),
                ..beat()
            },
            Heartbeat {
                last_scan: Some(-1),
                ..beat()
            },
            Heartbeat {
                uptime_s: u64::MAX,
                ..beat()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        // An unknown field is refused: the kiosk and HQ share this type.
        let extra = json.replace("{", "{\"x\":1,");
        assert!(serde_json::from_str::<Heartbeat>(&extra).is_err());
    }
}
