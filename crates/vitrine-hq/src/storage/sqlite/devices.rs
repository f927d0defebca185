//! The devices table.

use rusqlite::{OptionalExtension, params};
use vitrine_core::product::UnixTime;

use super::SqliteStorage;
use crate::storage::Result;
use crate::storage::devices::{Device, DeviceStore, Enrollment, NewDevice};

/// A `devices` row has the record's own fields: read straight into it.
fn device_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        store: r.get(1)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        created_at: r.get(4)?,
        enrolled_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

const DEVICE_COLS: &str = "id, store, name, public_key, created_at, enrolled_at, revoked_at";

impl DeviceStore for SqliteStorage {
    fn add_device(&self, d: &NewDevice<'_>, now: UnixTime) -> Result<()> {
        self.lock().execute(
            "INSERT INTO devices(id, store, code_hash, code_expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.id, d.store, d.code_hash, d.code_expires_at, now],
        )?;
        Ok(())
    }

    fn enroll_device(&self, e: &Enrollment<'_>, now: UnixTime) -> Result<Option<Device>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let id: Option<String> = tx
            .query_row(
                "SELECT id FROM devices WHERE code_hash = ?1 AND code_expires_at > ?2 AND revoked_at IS NULL",
                params![e.code_hash, now],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        tx.execute(
            "UPDATE devices SET code_hash = NULL, code_expires_at = NULL, public_key = ?2, name = ?3,
               token_hash = ?4, enrolled_at = ?5 WHERE id = ?1",
            params![id, e.public_key, e.name, e.token_hash, now],
        )?;
        let d = tx.query_row(
            &format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1"),
            [&id],
            device_of,
        )?;
        tx.commit()?;
        Ok(Some(d))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>> {
        Ok(self
            .reader()?
            .prepare_cached(&format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = ?1"))?
            .query_row([token_hash], device_of)
            .optional()?)
    }

    fn device(&self, id: &str) -> Result<Option<Device>> {
        Ok(self
            .reader()?
            .prepare_cached(&format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1"))?
            .query_row([id], device_of)
            .optional()?)
    }

    fn revoke_device(&self, id: &str, now: UnixTime) -> Result<bool> {
        let n = self.lock().execute(
            "UPDATE devices SET revoked_at = ?2, code_hash = NULL WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        Ok(n == 1)
    }

    fn revoked_device_ids(&self) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT id FROM devices WHERE revoked_at IS NOT NULL ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn devices(&self) -> Result<Vec<Device>> {
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!("SELECT {DEVICE_COLS} FROM devices ORDER BY created_at, id"))?;
        let rows = s.query_map([], device_of)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
