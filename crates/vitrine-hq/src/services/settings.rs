//! Remote kiosk settings (issue 17): HQ sets idle time, languages, layout,
//! audio defaults or the staff PIN's hash for a store or for one kiosk.
//! Each change gets a new settings version, announced on the push stream
//! (`settings` event); a kiosk then asks `/v1/settings`, whose answer HQ
//! signs, and applies it without a restart. Which value wins on the kiosk
//! is said in [`vitrine_core::wire::settings`].

use vitrine_core::wire::settings::{REMOTE_KEYS, SettingScope, SettingsAnswer, check_setting};

use super::ServiceError;
use crate::Hq;
use crate::storage::{Device, SettingRecord, StorageError};

/// A store id as HQ makes them (letters, digits, `-`, `_`).
fn store_id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks that `target` names a store (by its id's form) or a known device.
fn check_target(hq: &Hq, scope: SettingScope, target: &str) -> Result<(), ServiceError> {
    match scope {
        SettingScope::Store if store_id_ok(target) => Ok(()),
        SettingScope::Store => Err(ServiceError::Invalid(format!(
            "store \"{target}\": letters, digits, - and _ expected"
        ))),
        SettingScope::Device => match hq.storage.device(target)? {
            Some(_) => Ok(()),
            None => Err(ServiceError::NotFound(format!(
                "no device {target} (see `vitrine-hq device list`)"
            ))),
        },
    }
}

/// Sets `key` to `value` for a store or a device; the new version is
/// announced to the push streams. Returns it.
pub fn set(hq: &Hq, scope: SettingScope, target: &str, key: &str, value: &str) -> Result<u64, ServiceError> {
    check_setting(key, value).map_err(ServiceError::Invalid)?;
    check_target(hq, scope, target)?;
    let v = hq.storage.put_setting(scope, target, key, Some(value), hq.now())?;
    // Never the value: a PIN hash has no business in a log.
    tracing::info!(scope = scope.as_str(), target, key, version = v, "remote setting set");
    hq.announce_settings(v);
    Ok(v)
}

/// Removes `key` for a store or a device (the kiosks go back to their own
/// value, or the store's). Returns the new version.
pub fn unset(hq: &Hq, scope: SettingScope, target: &str, key: &str) -> Result<u64, ServiceError> {
    if !REMOTE_KEYS.contains(&key) {
        return Err(ServiceError::Invalid(format!(
            "{key}: not a remote setting; one of {} expected",
            REMOTE_KEYS.join(", ")
        )));
    }
    check_target(hq, scope, target)?;
    let v = hq.storage.put_setting(scope, target, key, None, hq.now())?;
    tracing::info!(
        scope = scope.as_str(),
        target,
        key,
        version = v,
        "remote setting removed"
    );
    hq.announce_settings(v);
    Ok(v)
}

/// Every setting HQ holds (removed ones too).
pub fn list(hq: &Hq) -> Result<Vec<SettingRecord>, StorageError> {
    hq.storage.all_settings()
}

/// The settings version that applies to a device of `store` (0: none).
pub fn version_for(hq: &Hq, store: &str, device: &str) -> Result<u64, StorageError> {
    Ok(hq
        .storage
        .settings_for(store, device)?
        .iter()
        .map(|r| r.setting.version)
        .max()
        .unwrap_or(0))
}

/// `GET /v1/settings` for `device`.
pub fn answer_for(hq: &Hq, device: &Device) -> Result<SettingsAnswer, StorageError> {
    let settings: Vec<_> = hq
        .storage
        .settings_for(&device.store, &device.id)?
        .into_iter()
        .map(|r| r.setting)
        .collect();
    Ok(SettingsAnswer {
        device_id: device.id.clone(),
        store: device.store.clone(),
        version: settings.iter().map(|s| s.version).max().unwrap_or(0),
        settings,
    })
}
