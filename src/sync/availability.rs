//! Live availability of a product in other stores and online, asked of HQ
//! and cached in `kiosk.sqlite` with the time of the answer: a fresh cached
//! answer is reused, and when HQ cannot be reached the last answer is given
//! with its age (the UI says "as of 14:05").

use std::time::Duration;

use rusqlite::{OptionalExtension, params};
use vitrine_core::Gtin;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::Availability;

use super::client::HqClient;
use super::{Outbox, SyncError};

/// An answer with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedAvailability {
    pub availability: Availability,
    /// When HQ gave it (kiosk clock).
    pub fetched_at: UnixTime,
    /// True when HQ was not asked (fresh cache) or could not be reached.
    pub from_cache: bool,
}

/// The availability query. Cheap to clone.
#[derive(Clone)]
pub struct AvailabilityService {
    outbox: Outbox,
    max_age_s: u64,
    timeout: Duration,
    runtime: Option<tokio::runtime::Handle>,
}

impl AvailabilityService {
    pub fn new(outbox: Outbox, max_age_s: u64, timeout: Duration) -> AvailabilityService {
        AvailabilityService {
            outbox,
            max_age_s,
            timeout,
            runtime: None,
        }
    }

    pub(crate) fn with_runtime(mut self, rt: tokio::runtime::Handle) -> AvailabilityService {
        self.runtime = Some(rt);
        self
    }

    /// The cached answer, if any, without asking HQ.
    pub fn cached(&self, gtin: Gtin) -> Result<Option<CachedAvailability>, SyncError> {
        let conn = self.outbox.lock();
        let row = conn
            .query_row(
                "SELECT data, fetched_at FROM availability_cache WHERE gtin = ?1",
                [gtin.value() as i64],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(data, fetched_at)| {
            serde_json::from_str(&data).ok().map(|availability| CachedAvailability {
                availability,
                fetched_at,
                from_cache: true,
            })
        }))
    }

    fn store(&self, a: &Availability, now: UnixTime) -> Result<(), SyncError> {
        let data = serde_json::to_string(a).map_err(|e| SyncError::Invalid(e.to_string()))?;
        self.outbox.lock().execute(
            "INSERT INTO availability_cache(gtin, data, fetched_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(gtin) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at",
            params![a.gtin.value() as i64, data, now],
        )?;
        Ok(())
    }

    /// A fresh cached answer, else HQ's answer (cached), else the last
    /// cached answer if HQ cannot be reached.
    pub async fn get(&self, gtin: Gtin) -> Result<CachedAvailability, SyncError> {
        let now = crate::clock::now();
        let cached = self.cached(gtin)?;
        if let Some(c) = &cached
            && now.saturating_sub(c.fetched_at) < self.max_age_s as i64
        {
            return Ok(c.clone());
        }
        let ident = self.outbox.identity()?.ok_or(SyncError::NotEnrolled)?;
        let client = HqClient::new(&ident.hq_url, &ident.token, self.timeout)?;
        match client.availability(gtin).await {
            Ok(a) => {
                self.store(&a, now)?;
                Ok(CachedAvailability {
                    availability: a,
                    fetched_at: now,
                    from_cache: false,
                })
            }
            Err(e) => match cached {
                Some(c) if e.is_retryable() => Ok(c),
                _ => Err(e.into()),
            },
        }
    }

    /// [`Self::get`] for a thread outside the runtime (a UI worker thread):
    /// blocks that thread, never the runtime. Must not be called from inside
    /// the runtime.
    pub fn get_blocking(&self, gtin: Gtin) -> Result<CachedAvailability, SyncError> {
        match &self.runtime {
            Some(rt) => rt.block_on(self.get(gtin)),
            None => Err(SyncError::Invalid(
                "availability: no runtime (use SyncHandle::availability)".into(),
            )),
        }
    }
}
