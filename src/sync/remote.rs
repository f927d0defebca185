//! The remote settings HQ sets for this kiosk (issue 17), as last received:
//! fetched from `/v1/settings` (an answer signed with HQ's key, refused
//! otherwise) when HQ announces a new settings version (push stream,
//! heartbeat answer), kept in `kiosk.sqlite` so they hold across restarts
//! and while HQ is away, and published in [`super::SyncStatus`] for the UI,
//! which lays them over its configuration (who wins:
//! [`vitrine_core::wire::settings`]).

use rusqlite::{OptionalExtension, params};
use vitrine_core::wire::settings::{RemoteSetting, SettingScope, SettingsAnswer};

use super::SyncError;
use super::outbox::Outbox;

/// The settings that apply to this kiosk, and their version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteSettings {
    pub version: u64,
    /// One per key: the device's over the store's.
    pub settings: Vec<RemoteSetting>,
}

impl Outbox {
    /// Keeps `answer`'s applying settings in place of the previous ones, in
    /// one transaction, and publishes them in the status. An answer for another device or an older version is
    /// refused (a replayed answer cannot roll settings back).
    pub fn save_remote_settings(&self, device_id: &str, answer: &SettingsAnswer) -> Result<RemoteSettings, SyncError> {
        if answer.device_id != device_id {
            return Err(SyncError::Invalid(format!(
                "HQ's settings are for device {}, not this kiosk ({device_id})",
                answer.device_id
            )));
        }
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let held: Option<i64> = tx
            .query_row("SELECT version FROM remote_settings_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        if held.is_some_and(|h| h as u64 > answer.version) {
            return Err(SyncError::Invalid(format!(
                "HQ's settings version {} is older than the one this kiosk holds ({})",
                answer.version,
                held.unwrap_or(0)
            )));
        }
        tx.execute("DELETE FROM remote_settings", [])?;
        let effective: Vec<RemoteSetting> = answer.effective().into_iter().cloned().collect();
        for s in &effective {
            tx.execute(
                "INSERT INTO remote_settings(key, value, scope, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    s.key,
                    s.value.as_deref().unwrap_or(""),
                    s.scope.as_str(),
                    s.updated_at,
                    s.version as i64
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO remote_settings_meta(id, version) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET version = excluded.version",
            [answer.version as i64],
        )?;
        tx.commit()?;
        drop(conn);
        // Published at once: the UI lays them over its configuration.
        self.status_sender().send_if_modified(|s| {
            let changed = s.remote_settings != effective || s.remote_settings_version != answer.version;
            s.remote_settings = effective.clone();
            s.remote_settings_version = answer.version;
            changed
        });
        Ok(RemoteSettings {
            version: answer.version,
            settings: effective,
        })
    }

    /// The settings last received (none: version 0).
    pub fn remote_settings(&self) -> Result<RemoteSettings, SyncError> {
        let conn = self.lock();
        let version: i64 = conn
            .query_row("SELECT version FROM remote_settings_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0);
        let mut s = conn.prepare("SELECT key, value, scope, updated_at, version FROM remote_settings ORDER BY key")?;
        let rows = s.query_map([], |r| {
            let scope: String = r.get(2)?;
            Ok(RemoteSetting {
                key: r.get(0)?,
                value: Some(r.get(1)?),
                scope: SettingScope::parse(&scope).unwrap_or(SettingScope::Store),
                updated_at: r.get(3)?,
                version: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(RemoteSettings {
            version: version as u64,
            settings: rows.collect::<rusqlite::Result<_>>()?,
        })
    }
}
