//! The fleet's health as IT reads it: each kiosk's heartbeat recorded, and
//! every kiosk's state with the flags that call for someone to act.
//!
//! # Flags
//! - **stale**: no heartbeat for [`crate::HqConfig::stale_after_s`] (5
//!   minutes by default; a kiosk that never sent one is stale too). A
//!   kiosk beats every minute: five missed beats is a kiosk that is off,
//!   frozen or cut from the network.
//! - **behind**: its catalog is more than
//!   [`crate::HqConfig::behind_versions`] versions older than HQ's.
//! - **queuing**: it holds messages HQ refused (dead letters) — an order
//!   or a basket that will not go without someone looking.
//! - **blind**: its camera is configured but gives no frames.
//!
//! A kiosk with none of them is **ok**. The flags are independent: a
//! stale kiosk keeps the others as of its last heartbeat.

use serde::Serialize;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::fleet::{CameraState, Heartbeat, HeartbeatAck};

use super::ServiceError;
use crate::Hq;
use crate::storage::{Device, StorageError};

/// Something wrong with a kiosk (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Stale,
    Behind,
    Queuing,
    Blind,
}

impl Flag {
    pub const ALL: [Flag; 4] = [Flag::Stale, Flag::Behind, Flag::Queuing, Flag::Blind];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Stale => "stale",
            Flag::Behind => "behind",
            Flag::Queuing => "queuing",
            Flag::Blind => "blind",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The states a kiosk is counted under: each flag, and `ok` for a kiosk
/// with none (the values of `vitrine_kiosks{state=…}`).
pub const STATES: [&str; 5] = ["ok", "stale", "behind", "queuing", "blind"];

/// One kiosk of the fleet, with its latest heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KioskHealth {
    pub id: String,
    pub store: String,
    pub name: Option<String>,
    /// HQ's clock at its latest heartbeat; None: never heard from.
    pub last_seen: Option<UnixTime>,
    /// Seconds since then.
    pub last_seen_age_s: Option<i64>,
    /// HQ's catalog version minus the kiosk's.
    pub catalog_lag: Option<u64>,
    /// The latest heartbeat as the kiosk sent it.
    pub heartbeat: Option<Heartbeat>,
    pub flags: Vec<Flag>,
}

impl KioskHealth {
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }

    /// `ok`, or the flags joined by commas.
    pub fn state(&self) -> String {
        if self.flags.is_empty() {
            "ok".into()
        } else {
            self.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")
        }
    }
}

/// Records `device`'s heartbeat (dated with HQ's clock); the answer tells
/// it which remote settings version applies to it.
pub fn record(hq: &Hq, device: &Device, beat: &Heartbeat) -> Result<HeartbeatAck, ServiceError> {
    beat.validate().map_err(ServiceError::Invalid)?;
    let now = hq.now();
    hq.storage
        .record_heartbeat(&device.id, beat, now, hq.config.health_history)?;
    tracing::debug!(device = %device.id, catalog = beat.catalog_version, "heartbeat");
    Ok(HeartbeatAck {
        received_at: now,
        settings_version: super::settings::version_for(hq, &device.store, &device.id)?,
    })
}

/// The flags of a kiosk whose latest heartbeat is `beat` received at
/// `seen`, at HQ's `now` and catalog version `current`.
pub fn flags_of(hq: &Hq, beat: Option<(&Heartbeat, UnixTime)>, now: UnixTime, current: u64) -> Vec<Flag> {
    let mut flags = Vec::new();
    match beat {
        None => flags.push(Flag::Stale),
        Some((b, seen)) => {
            if now - seen > hq.config.stale_after_s {
                flags.push(Flag::Stale);
            }
            if current.saturating_sub(b.catalog_version) > hq.config.behind_versions {
                flags.push(Flag::Behind);
            }
            if b.outbox_dead > 0 {
                flags.push(Flag::Queuing);
            }
            if b.camera == CameraState::Down {
                flags.push(Flag::Blind);
            }
        }
    }
    flags
}

/// Every enrolled, unrevoked kiosk with its health, by store then id.
pub fn fleet(hq: &Hq) -> Result<Vec<KioskHealth>, StorageError> {
    let now = hq.now();
    let current = hq.storage.current_version()?;
    let latest = hq.storage.latest_heartbeats()?;
    let mut out: Vec<KioskHealth> = hq
        .storage
        .devices()?
        .into_iter()
        .filter(|d| d.enrolled_at.is_some() && d.revoked_at.is_none())
        .map(|d| {
            let rec = latest.iter().find(|r| r.device_id == d.id);
            let flags = flags_of(hq, rec.map(|r| (&r.beat, r.received_at)), now, current);
            KioskHealth {
                last_seen: rec.map(|r| r.received_at),
                last_seen_age_s: rec.map(|r| (now - r.received_at).max(0)),
                catalog_lag: rec.map(|r| current.saturating_sub(r.beat.catalog_version)),
                heartbeat: rec.map(|r| r.beat.clone()),
                flags,
                id: d.id,
                store: d.store,
                name: d.name,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.store, &a.id).cmp(&(&b.store, &b.id)));
    Ok(out)
}

/// How many kiosks are in each of [`STATES`].
pub fn counts(fleet: &[KioskHealth]) -> Vec<(&'static str, u64)> {
    STATES
        .iter()
        .map(|s| {
            let n = fleet
                .iter()
                .filter(|k| match Flag::parse(s) {
                    Some(f) => k.has(f),
                    None => k.flags.is_empty(),
                })
                .count();
            (*s, n as u64)
        })
        .collect()
}

/// The messages waiting in the kiosks' outboxes, summed per store (as of
/// each kiosk's latest heartbeat).
pub fn outbox_per_store(fleet: &[KioskHealth]) -> Vec<(String, u64)> {
    let mut m: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for k in fleet {
        let n = k.heartbeat.as_ref().map_or(0, |h| h.outbox_pending);
        *m.entry(k.store.clone()).or_default() += n;
    }
    m.into_iter().collect()
}
