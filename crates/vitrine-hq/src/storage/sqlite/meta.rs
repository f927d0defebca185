//! The meta table: HQ's settings as key and text.

use rusqlite::{OptionalExtension, params};

use super::SqliteStorage;
use crate::storage::Result;
use crate::storage::meta::MetaStore;

impl MetaStore for SqliteStorage {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .reader()?
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.lock().execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn claim_meta(&self, key: &str, value: &str) -> Result<String> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            params![key, value],
        )?;
        Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
    }
}
