//! Remote settings (`GET /v1/settings`): the kiosk settings HQ sets for a
//! store or for one kiosk. The answer carries HQ's signature like every
//! signed `/v1` answer; the kiosk checks it with HQ's key before it applies
//! anything.
//!
//! # Which value wins
//! For one key: a kiosk's own setting at HQ beats its store's. Between HQ
//! and the kiosk's staff, the **newer** one wins: HQ's value carries the
//! time HQ set it (`updated_at`, HQ's clock), a staff change on the kiosk
//! the time it was made; a staff change stays until HQ sets that key again
//! after it. An HQ value removed (`unset`) leaves the kiosk's own.

use serde::{Deserialize, Serialize};

use crate::product::UnixTime;

/// What a remote setting is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingScope {
    Store,
    Device,
}

impl SettingScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SettingScope::Store => "store",
            SettingScope::Device => "device",
        }
    }

    pub fn parse(s: &str) -> Option<SettingScope> {
        match s {
            "store" => Some(SettingScope::Store),
            "device" => Some(SettingScope::Device),
            _ => None,
        }
    }
}

/// The kiosk settings HQ may set: the kiosk configuration's keys.
pub const REMOTE_KEYS: [&str; 6] = [
    "ui.idle_timeout_s",
    "ui.languages",
    "ui.layout",
    "accessibility.volume",
    "accessibility.rate_wpm",
    "staff.pin_hash",
];

/// Layouts the kiosk has (`ui.layout`).
pub const LAYOUTS: [&str; 3] = ["landscape", "portrait", "low-reach"];

/// Checks that `value` is a possible value of `key` (the kiosk checks its
/// whole configuration again before applying it). Values are text:
/// numbers in digits, `ui.languages` as comma-separated tags, `staff.pin_hash`
/// an Argon2 PHC string (never a PIN).
pub fn check_setting(key: &str, value: &str) -> Result<(), String> {
    let number = |lo: u32, hi: u32| -> Result<(), String> {
        match value.trim().parse::<u32>() {
            Ok(n) if (lo..=hi).contains(&n) => Ok(()),
            _ => Err(format!(
                "{key}: a whole number from {lo} to {hi} expected, found \"{value}\""
            )),
        }
    };
    match key {
        "ui.idle_timeout_s" => number(10, 3600),
        "accessibility.volume" => number(0, 100),
        "accessibility.rate_wpm" => number(80, 450),
        "ui.layout" => {
            if LAYOUTS.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "ui.layout: one of {} expected, found \"{value}\"",
                    LAYOUTS.join(", ")
                ))
            }
        }
        "ui.languages" => {
            let tags: Vec<&str> = value.split(',').map(str::trim).collect();
            if tags.is_empty() || tags.iter().any(|t| crate::Lang::parse(t).is_none()) {
                return Err(format!(
                    "ui.languages: language tags separated by commas expected (fr,en,de), found \"{value}\""
                ));
            }
            Ok(())
        }
        "staff.pin_hash" => {
            if value.starts_with("$argon2") && value.len() <= 256 && value.chars().all(|c| c.is_ascii_graphic()) {
                Ok(())
            } else {
                Err("staff.pin_hash: an Argon2 hash expected (`vitrine staff hash-pin` makes one), never a PIN".into())
            }
        }
        _ => Err(format!(
            "{key}: not a remote setting; one of {} expected",
            REMOTE_KEYS.join(", ")
        )),
    }
}

/// One setting as HQ holds it for a kiosk. `value` None: removed at HQ
/// (kept so the removal reaches the kiosk, and versions only grow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteSetting {
    pub key: String,
    pub value: Option<String>,
    pub scope: SettingScope,
    /// HQ's clock when it was set or removed.
    pub updated_at: UnixTime,
    /// HQ's settings version when it was set (grows with every change).
    pub version: u64,
}

/// `GET /v1/settings`: the settings HQ holds for the asking kiosk, its
/// store's and its own, with the version they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsAnswer {
    pub device_id: String,
    pub store: String,
    /// The highest version among `settings` (0: none).
    pub version: u64,
    pub settings: Vec<RemoteSetting>,
}

impl SettingsAnswer {
    /// For each key, the setting that applies: the device's over the
    /// store's. A removed device value lets the store's apply; a key whose
    /// applying entry is removed is left out.
    pub fn effective(&self) -> Vec<&RemoteSetting> {
        let mut out: Vec<&RemoteSetting> = Vec::new();
        for key in REMOTE_KEYS {
            let device = self
                .settings
                .iter()
                .find(|s| s.key == key && s.scope == SettingScope::Device && s.value.is_some());
            let store = self
                .settings
                .iter()
                .find(|s| s.key == key && s.scope == SettingScope::Store && s.value.is_some());
            if let Some(s) = device.or(store) {
                out.push(s);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(key: &str, value: Option<&str>, scope: SettingScope, version: u64) -> RemoteSetting {
        RemoteSetting {
            key: key.into(),
            value: value.map(String::from),
            scope,
            updated_at: 100 + version as i64,
            version,
        }
    }

    #[test]
    fn values_are_checked_per_key() {
        assert!(check_setting("ui.idle_timeout_s", "90").is_ok());
        assert!(check_setting("ui.idle_timeout_s", "5").is_err());
        assert!(check_setting("ui.languages", "fr,de").is_ok());
        assert!(check_setting("ui.languages", "fr,!!").is_err());
        assert!(check_setting("ui.layout", "portrait").is_ok());
        assert!(check_setting("ui.layout", "diagonal").is_err());
        assert!(check_setting("staff.pin_hash", "1234").is_err());
        assert!(check_setting("staff.pin_hash", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA").is_ok());
        assert!(check_setting("kiosk.store", "x").is_err());
    }

    #[test]
    fn a_device_value_beats_the_stores_and_a_removed_one_gives_way() {
        let a = SettingsAnswer {
            device_id: "dev-1".into(),
            store: "paris-01".into(),
            version: 4,
            settings: vec![
                s("ui.idle_timeout_s", Some("90"), SettingScope::Store, 1),
                s("ui.idle_timeout_s", Some("120"), SettingScope::Device, 2),
                s("ui.layout", Some("portrait"), SettingScope::Store, 3),
                s("ui.layout", None, SettingScope::Device, 4),
                s("accessibility.volume", None, SettingScope::Store, 4),
            ],
        };
        let e: Vec<(&str, Option<&str>)> = a
            .effective()
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_deref()))
            .collect();
        assert_eq!(
            e,
            vec![("ui.idle_timeout_s", Some("120")), ("ui.layout", Some("portrait"))]
        );
    }
}
