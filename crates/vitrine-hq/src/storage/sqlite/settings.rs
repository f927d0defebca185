//! The remote_settings table.

use rusqlite::params;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::settings::{RemoteSetting, SettingScope};

use super::{SqliteStorage, corrupt};
use crate::storage::Result;
use crate::storage::settings::{SettingRecord, SettingsStore};

struct Row {
    scope: String,
    target: String,
    key: String,
    value: Option<String>,
    updated_at: UnixTime,
    version: i64,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            scope: r.get(0)?,
            target: r.get(1)?,
            key: r.get(2)?,
            value: r.get(3)?,
            updated_at: r.get(4)?,
            version: r.get(5)?,
        })
    }

    fn record(self) -> Result<SettingRecord> {
        let scope = SettingScope::parse(&self.scope).ok_or_else(|| corrupt(format!("setting scope {}", self.scope)))?;
        Ok(SettingRecord {
            target: self.target,
            setting: RemoteSetting {
                key: self.key,
                value: self.value,
                scope,
                updated_at: self.updated_at,
                version: u64::try_from(self.version).map_err(corrupt)?,
            },
        })
    }
}

const COLS: &str = "scope, target, key, value, updated_at, version";

impl SettingsStore for SqliteStorage {
    fn put_setting(
        &self,
        scope: SettingScope,
        target: &str,
        key: &str,
        value: Option<&str>,
        now: UnixTime,
    ) -> Result<u64> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let version: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) + 1 FROM remote_settings", [], |r| {
            r.get(0)
        })?;
        tx.execute(
            "INSERT INTO remote_settings(scope, target, key, value, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(scope, target, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
               version = excluded.version",
            params![scope.as_str(), target, key, value, now, version],
        )?;
        tx.commit()?;
        u64::try_from(version).map_err(corrupt)
    }

    fn settings_for(&self, store: &str, device: &str) -> Result<Vec<SettingRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(&format!(
            "SELECT {COLS} FROM remote_settings WHERE (scope = 'store' AND target = ?1) OR (scope = 'device' AND target = ?2)
             ORDER BY key, scope"
        ))?;
        let rows = s
            .query_map(params![store, device], Row::read)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(Row::record).collect()
    }

    fn all_settings(&self) -> Result<Vec<SettingRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(&format!(
            "SELECT {COLS} FROM remote_settings ORDER BY scope, target, key"
        ))?;
        let rows = s.query_map([], Row::read)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(Row::record).collect()
    }

    fn settings_version(&self) -> Result<u64> {
        let v: i64 = self
            .reader()?
            .query_row("SELECT COALESCE(MAX(version), 0) FROM remote_settings", [], |r| {
                r.get(0)
            })?;
        u64::try_from(v).map_err(corrupt)
    }
}
