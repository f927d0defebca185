//! The meta table: HQ's settings as key and text.

use super::PgStorage;
use crate::storage::Result;
use crate::storage::meta::MetaStore;

impl MetaStore for PgStorage {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
                .map(|r| r.get(0)))
        })
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
                Ok(())
            })
        })
    }

    fn claim_meta(&self, key: &str, value: &str) -> Result<String> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO NOTHING",
                    &[&key, &value],
                )?;
                Ok(tx.query_one("SELECT value FROM meta WHERE key = $1", &[&key])?.get(0))
            })
        })
    }
}
