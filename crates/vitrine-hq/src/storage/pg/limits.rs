//! Rate-limit buckets and cut snapshots, shared by the replicas.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use vitrine_core::product::UnixTime;

use super::PgStorage;
use crate::storage::Result;
use crate::storage::shared::{Feed, SharedStore, StoredCut};

/// The database's clock in milliseconds: every replica's buckets count
/// with the same one.
const NOW_MS: &str = "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT";

/// Takes between two sweeps of the buckets untouched for an hour (full by
/// then at any rate, so dropping them changes nothing).
const SWEEP_EVERY: u64 = 1000;

static TAKES: AtomicU64 = AtomicU64::new(0);

/// The session advisory lock of cutting `store`'s snapshot.
fn cut_lock_key(store: &str) -> i64 {
    // FNV-1a: stable across processes and versions (std's hasher is not).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in store.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

impl SharedStore for PgStorage {
    fn is_shared(&self) -> bool {
        super::off_runtime(|| true)
    }

    fn listen(&self) -> Result<Option<Box<dyn Feed>>> {
        super::off_runtime(|| Ok(Some(Box::new(self.feed()?) as Box<dyn Feed>)))
    }

    fn take_token(&self, key: &str, per_minute: u32) -> Result<std::result::Result<(), Duration>> {
        super::off_runtime(|| {
            if per_minute == 0 {
                return Ok(Ok(()));
            }
            let cap = f64::from(per_minute);
            let per_ms = cap / 60_000.0;
            let mut c = self.conn()?;
            if TAKES.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                c.execute(
                    &format!("DELETE FROM rate_buckets WHERE at_ms < {NOW_MS} - 3600000"),
                    &[],
                )?;
            }
            let refilled = format!("LEAST($2::float8, b.tokens + GREATEST(0, {NOW_MS} - b.at_ms) * $3::float8)");
            let taken = c.query_opt(
                &format!(
                    "INSERT INTO rate_buckets AS b (key, tokens, at_ms) VALUES ($1, $2::float8 - 1, {NOW_MS})
                 ON CONFLICT (key) DO UPDATE SET tokens = {refilled} - 1, at_ms = GREATEST(b.at_ms, {NOW_MS})
                 WHERE {refilled} >= 1
                 RETURNING tokens"
                ),
                &[&key, &cap, &per_ms],
            )?;
            if taken.is_some() {
                return Ok(Ok(()));
            }
            let r = c.query_one(
                &format!("SELECT {refilled} FROM rate_buckets b WHERE key = $1"),
                &[&key, &cap, &per_ms],
            )?;
            let tokens: f64 = r.get(0);
            Ok(Err(Duration::from_secs_f64(
                ((1.0 - tokens) / per_ms / 1000.0).max(0.001),
            )))
        })
    }

    fn cut_once(
        &self,
        store: &str,
        min_version: u64,
        signed_after: UnixTime,
        cut: &mut dyn FnMut() -> Result<StoredCut>,
    ) -> Result<(StoredCut, bool)> {
        super::off_runtime_local(|| {
            let mut c = self.conn()?;
            let key = cut_lock_key(store);
            // Session lock on this connection: the others wait here for the cut.
            c.execute("SELECT pg_advisory_lock($1)", &[&key])?;
            let r = (|| -> Result<(StoredCut, bool)> {
                let stored = c.query_opt(
                "SELECT version, signed_at, gzip FROM snapshot_cuts WHERE store = $1 AND version >= $2 AND signed_at >= $3",
                &[&store, &(min_version as i64), &signed_after],
            )?;
                if let Some(r) = stored {
                    return Ok((
                        StoredCut {
                            version: r.get::<_, i64>(0) as u64,
                            signed_at: r.get(1),
                            gzip: r.get(2),
                        },
                        false,
                    ));
                }
                let new = cut()?;
                c.execute(
                    "INSERT INTO snapshot_cuts(store, version, signed_at, gzip) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (store) DO UPDATE SET version = excluded.version, signed_at = excluded.signed_at,
                   gzip = excluded.gzip",
                    &[&store, &(new.version as i64), &new.signed_at, &new.gzip],
                )?;
                Ok((new, true))
            })();
            let unlocked = c.execute("SELECT pg_advisory_unlock($1)", &[&key]);
            let out = r?;
            unlocked?;
            Ok(out)
        })
    }
}
