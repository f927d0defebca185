//! Remote kiosk settings: set at HQ for a store or a device, with the time
//! and the settings version of each change. A removed setting stays as a
//! row without value, so its removal reaches the kiosks and versions only
//! grow.

use vitrine_core::product::UnixTime;
use vitrine_core::wire::settings::{RemoteSetting, SettingScope};

use super::Result;

/// A remote setting with what it is set for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingRecord {
    /// The store's or the device's id.
    pub target: String,
    pub setting: RemoteSetting,
}

/// Storage of the remote settings.
pub trait SettingsStore {
    /// Sets (`value` Some) or removes (None) `key` for `target`; returns the
    /// new settings version (one more than the highest so far).
    fn put_setting(
        &self,
        scope: SettingScope,
        target: &str,
        key: &str,
        value: Option<&str>,
        now: UnixTime,
    ) -> Result<u64>;
    /// The settings (removed ones too) of `store` and of `device`.
    fn settings_for(&self, store: &str, device: &str) -> Result<Vec<SettingRecord>>;
    /// Every setting, removed ones too.
    fn all_settings(&self) -> Result<Vec<SettingRecord>>;
    /// The highest settings version (0: none ever set).
    fn settings_version(&self) -> Result<u64>;
}
