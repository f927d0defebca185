//! The devices table.

use postgres::Row;
use vitrine_core::product::UnixTime;

use super::PgStorage;
use crate::storage::Result;
use crate::storage::devices::{Device, DeviceStore, Enrollment, NewDevice};

/// The channel a revocation is announced on (payload: the device id).
pub(super) const DEVICES_CHANNEL: &str = "vitrine_devices";

const DEVICE_COLS: &str = "id, store, name, public_key, created_at, enrolled_at, revoked_at";

fn device_of(r: &Row) -> Device {
    Device {
        id: r.get(0),
        store: r.get(1),
        name: r.get(2),
        public_key: r.get(3),
        created_at: r.get(4),
        enrolled_at: r.get(5),
        revoked_at: r.get(6),
    }
}

impl DeviceStore for PgStorage {
    fn add_device(&self, d: &NewDevice<'_>, now: UnixTime) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                "INSERT INTO devices(id, store, code_hash, code_expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&d.id, &d.store, &d.code_hash, &d.code_expires_at, &now],
            )?;
                Ok(())
            })
        })
    }

    fn enroll_device(&self, e: &Enrollment<'_>, now: UnixTime) -> Result<Option<Device>> {
        super::off_runtime(|| {
            self.write(|tx| {
                let Some(row) = tx.query_opt(
                    "SELECT id FROM devices WHERE code_hash = $1 AND code_expires_at > $2 AND revoked_at IS NULL",
                    &[&e.code_hash, &now],
                )?
                else {
                    return Ok(None);
                };
                let id: String = row.get(0);
                let r = tx.query_one(
                    &format!(
                        "UPDATE devices SET code_hash = NULL, code_expires_at = NULL, public_key = $2, name = $3,
                       token_hash = $4, enrolled_at = $5 WHERE id = $1 RETURNING {DEVICE_COLS}"
                    ),
                    &[&id, &e.public_key, &e.name, &e.token_hash, &now],
                )?;
                Ok(Some(device_of(&r)))
            })
        })
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(
                    &format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = $1"),
                    &[&token_hash],
                )?
                .map(|r| device_of(&r)))
        })
    }

    fn device(&self, id: &str) -> Result<Option<Device>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(&format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1"), &[&id])?
                .map(|r| device_of(&r)))
        })
    }

    fn revoke_device(&self, id: &str, now: UnixTime) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
                let n = tx.execute(
                    "UPDATE devices SET revoked_at = $2, code_hash = NULL WHERE id = $1 AND revoked_at IS NULL",
                    &[&id, &now],
                )?;
                if n == 1 {
                    // Every replica ends this device's push streams.
                    tx.execute("SELECT pg_notify($1, $2)", &[&DEVICES_CHANNEL, &id])?;
                }
                Ok(n == 1)
            })
        })
    }

    fn revoked_device_ids(&self) -> Result<Vec<String>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query("SELECT id FROM devices WHERE revoked_at IS NOT NULL ORDER BY id", &[])?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn devices(&self) -> Result<Vec<Device>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query(
                    &format!("SELECT {DEVICE_COLS} FROM devices ORDER BY created_at, id"),
                    &[],
                )?
                .iter()
                .map(device_of)
                .collect())
        })
    }
}
