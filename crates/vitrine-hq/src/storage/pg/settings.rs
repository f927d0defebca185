//! The remote_settings table.

use postgres::Row;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::settings::{RemoteSetting, SettingScope};

use super::{PgStorage, corrupt};
use crate::storage::Result;
use crate::storage::settings::{SettingRecord, SettingsStore};

/// The channel a new settings version is announced on (payload: the
/// version): every replica pushes it to its kiosks.
pub(super) const SETTINGS_CHANNEL: &str = "vitrine_settings";

const COLS: &str = "scope, target, key, value, updated_at, version";

fn record(r: &Row) -> Result<SettingRecord> {
    let scope_s: &str = r.get(0);
    let scope = SettingScope::parse(scope_s).ok_or_else(|| corrupt(format!("setting scope {scope_s}")))?;
    Ok(SettingRecord {
        target: r.get(1),
        setting: RemoteSetting {
            key: r.get(2),
            value: r.get(3),
            scope,
            updated_at: r.get(4),
            version: u64::try_from(r.get::<_, i64>(5)).map_err(corrupt)?,
        },
    })
}

impl SettingsStore for PgStorage {
    fn put_setting(
        &self,
        scope: SettingScope,
        target: &str,
        key: &str,
        value: Option<&str>,
        now: UnixTime,
    ) -> Result<u64> {
        super::off_runtime(|| {
            self.write(|tx| {
                let version: i64 = tx
                    .query_one("SELECT COALESCE(MAX(version), 0) + 1 FROM remote_settings", &[])?
                    .get(0);
                tx.execute(
                    "INSERT INTO remote_settings(scope, target, key, value, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT(scope, target, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                       version = excluded.version",
                    &[&scope.as_str(), &target, &key, &value, &now, &version],
                )?;
                tx.execute("SELECT pg_notify($1, $2)", &[&SETTINGS_CHANNEL, &version.to_string()])?;
                u64::try_from(version).map_err(corrupt)
            })
        })
    }

    fn settings_for(&self, store: &str, device: &str) -> Result<Vec<SettingRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    &format!(
                        "SELECT {COLS} FROM remote_settings WHERE (scope = 'store' AND target = $1) OR (scope = 'device' AND target = $2)
                         ORDER BY key, scope"
                    ),
                    &[&store, &device],
                )?
                .iter()
                .map(record)
                .collect()
        })
    }

    fn all_settings(&self) -> Result<Vec<SettingRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    &format!("SELECT {COLS} FROM remote_settings ORDER BY scope, target, key"),
                    &[],
                )?
                .iter()
                .map(record)
                .collect()
        })
    }

    fn settings_version(&self) -> Result<u64> {
        super::off_runtime(|| {
            let v: i64 = self
                .conn()?
                .query_one("SELECT COALESCE(MAX(version), 0) FROM remote_settings", &[])?
                .get(0);
            u64::try_from(v).map_err(corrupt)
        })
    }
}
