//! Rate-limit buckets and cut snapshots in the SQLite file. A SQLite HQ is
//! one process ([`SharedStore::is_shared`] false) and keeps both in memory;
//! this is the same behaviour as PostgreSQL's, for the tools and tests
//! that use it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension, params};
use vitrine_core::product::UnixTime;

use super::SqliteStorage;
use crate::storage::Result;
use crate::storage::shared::{Feed, SharedStore, StoredCut};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl SharedStore for SqliteStorage {
    fn is_shared(&self) -> bool {
        false
    }

    fn listen(&self) -> Result<Option<Box<dyn Feed>>> {
        Ok(None)
    }

    fn take_token(&self, key: &str, per_minute: u32) -> Result<std::result::Result<(), Duration>> {
        if per_minute == 0 {
            return Ok(Ok(()));
        }
        let cap = f64::from(per_minute);
        let per_ms = cap / 60_000.0;
        let now = now_ms();
        let conn = self.lock();
        let refilled = "MIN(?2, rate_buckets.tokens + MAX(0, ?4 - rate_buckets.at_ms) * ?3)";
        let taken: Option<f64> = conn
            .query_row(
                &format!(
                    "INSERT INTO rate_buckets (key, tokens, at_ms) VALUES (?1, ?2 - 1, ?4)
                     ON CONFLICT (key) DO UPDATE SET tokens = {refilled} - 1, at_ms = MAX(rate_buckets.at_ms, ?4)
                     WHERE {refilled} >= 1
                     RETURNING tokens"
                ),
                params![key, cap, per_ms, now],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Ok(Ok(()));
        }
        let tokens: f64 = conn.query_row(
            &format!("SELECT {refilled} FROM rate_buckets WHERE key = ?1"),
            params![key, cap, per_ms, now],
            |r| r.get(0),
        )?;
        Ok(Err(Duration::from_secs_f64(
            ((1.0 - tokens) / per_ms / 1000.0).max(0.001),
        )))
    }

    fn cut_once(
        &self,
        store: &str,
        min_version: u64,
        signed_after: UnixTime,
        cut: &mut dyn FnMut() -> Result<StoredCut>,
    ) -> Result<(StoredCut, bool)> {
        let stored = self
            .reader()?
            .query_row(
                "SELECT version, signed_at, gzip FROM snapshot_cuts WHERE store = ?1 AND version >= ?2 AND signed_at >= ?3",
                params![store, min_version as i64, signed_after],
                |r| {
                    Ok(StoredCut {
                        version: r.get::<_, i64>(0)? as u64,
                        signed_at: r.get(1)?,
                        gzip: r.get(2)?,
                    })
                },
            )
            .optional()?;
        if let Some(s) = stored {
            return Ok((s, false));
        }
        // One process: its own single flight (the caller's) is enough.
        let new = cut()?;
        self.lock().execute(
            "INSERT INTO snapshot_cuts(store, version, signed_at, gzip) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (store) DO UPDATE SET version = excluded.version, signed_at = excluded.signed_at,
               gzip = excluded.gzip",
            params![store, new.version as i64, new.signed_at, new.gzip],
        )?;
        Ok((new, true))
    }
}
