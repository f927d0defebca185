//! The webhook_outbox table, shared by every replica's sender: a replica
//! leases the due events it sends (see [`SEND_LEASE_S`]).

use postgres::{Row, Transaction};
use uuid::Uuid;
use vitrine_core::product::UnixTime;

use super::notifications::SEND_LEASE_S;
use super::{PgStorage, corrupt};
use crate::storage::Result;
use crate::storage::webhooks::{EventState, NewWebhookEvent, OutboxEvent, WebhookStore};

const COLS: &str = "id, order_id, kind, body, created_at, attempts, next_at, delivered_at, dead_at, last_error";

/// Queues `events` in the caller's transaction (the order or status change
/// they report), due at once.
pub(super) fn insert_events(tx: &mut Transaction<'_>, events: &[NewWebhookEvent], now: UnixTime) -> Result<()> {
    for e in events {
        tx.execute(
            "INSERT INTO webhook_outbox(id, order_id, kind, body, created_at, next_at) VALUES ($1, $2, $3, $4, $5, $5)",
            &[
                &e.id.to_string(),
                &e.order_id.map(|o| o.to_string()),
                &e.kind,
                &e.body,
                &now,
            ],
        )?;
    }
    Ok(())
}

/// The event of a row read in the order of [`COLS`].
fn event(r: &Row) -> Result<OutboxEvent> {
    event_at(r, 0)
}

/// The event of a row whose columns from `at` on are [`COLS`].
fn event_at(r: &Row, at: usize) -> Result<OutboxEvent> {
    let delivered_at: Option<i64> = r.get(at + 7);
    let dead_at: Option<i64> = r.get(at + 8);
    let state = match (delivered_at, dead_at) {
        (Some(_), _) => EventState::Delivered,
        (None, Some(_)) => EventState::Dead,
        (None, None) => EventState::Pending,
    };
    let order_id: Option<&str> = r.get(at + 1);
    Ok(OutboxEvent {
        id: Uuid::parse_str(r.get(at)).map_err(corrupt)?,
        order_id: order_id.map(Uuid::parse_str).transpose().map_err(corrupt)?,
        kind: r.get(at + 2),
        body: r.get(at + 3),
        created_at: r.get(at + 4),
        attempts: u32::try_from(r.get::<_, i64>(at + 5)).unwrap_or(u32::MAX),
        state,
        next_at: r.get(at + 6),
        done_at: delivered_at.or(dead_at),
        last_error: r.get(at + 9),
    })
}

impl WebhookStore for PgStorage {
    fn due_webhook_events(&self, now: UnixTime, limit: usize) -> Result<Vec<OutboxEvent>> {
        super::off_runtime(|| {
            // Leased (next_at moved on) so another replica's sender leaves
            // them; an order's events still go in order (an earlier one
            // pending, leased or not, holds the later ones back).
            let rows = self.conn()?.query(
                &format!(
                    "UPDATE webhook_outbox SET next_at = $1 + $3 WHERE seq IN (
                       SELECT seq FROM webhook_outbox e WHERE next_at IS NOT NULL AND next_at <= $1
                       AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.order_id = e.order_id
                                       AND p.seq < e.seq AND p.next_at IS NOT NULL)
                       ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
                     RETURNING seq, {COLS}"
                ),
                &[&now, &(limit as i64), &SEND_LEASE_S],
            )?;
            let mut out: Vec<(i64, OutboxEvent)> = Vec::new();
            for r in &rows {
                // `event` reads COLS from column 0: skip seq.
                let seq: i64 = r.get(0);
                let e = event_at(r, 1)?;
                out.push((seq, e));
            }
            out.sort_by_key(|(s, _)| *s);
            // The sender sees the time it was due, not the lease.
            Ok(out
                .into_iter()
                .map(|(_, mut e)| {
                    e.next_at = Some(now);
                    e
                })
                .collect())
        })
    }

    fn next_webhook_at(&self) -> Result<Option<UnixTime>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_one("SELECT MIN(next_at) FROM webhook_outbox WHERE next_at IS NOT NULL", &[])?
                .get(0))
        })
    }

    fn webhook_delivered(&self, id: &Uuid, now: UnixTime, checkout_url: Option<&str>) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                let order = tx.query_opt(
                    "UPDATE webhook_outbox SET delivered_at = $2, next_at = NULL, attempts = attempts + 1, last_error = NULL
                     WHERE id = $1 AND next_at IS NOT NULL RETURNING order_id",
                    &[&id.to_string(), &now],
                )?;
                if let (Some(r), Some(url)) = (order, checkout_url)
                    && let Some(order) = r.get::<_, Option<String>>(0)
                {
                    tx.execute("UPDATE orders SET checkout_url = $2 WHERE id = $1", &[&order, &url])?;
                }
                Ok(())
            })
        })
    }

    fn webhook_failed(&self, id: &Uuid, error: &str, now: UnixTime, next_at: Option<UnixTime>) -> Result<()> {
        super::off_runtime(|| {
            self.conn()?.execute(
                "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, next_at = $3,
                 dead_at = CASE WHEN $3::BIGINT IS NULL THEN $4::BIGINT ELSE NULL END
                 WHERE id = $1 AND next_at IS NOT NULL",
                &[&id.to_string(), &error, &next_at, &now],
            )?;
            Ok(())
        })
    }

    fn webhook_events(&self, state: EventState, limit: usize) -> Result<Vec<OutboxEvent>> {
        super::off_runtime(|| {
            let filter = match state {
                EventState::Pending => "next_at IS NOT NULL",
                EventState::Delivered => "delivered_at IS NOT NULL",
                EventState::Dead => "dead_at IS NOT NULL AND next_at IS NULL",
            };
            self.conn()?
                .query(
                    &format!("SELECT {COLS} FROM webhook_outbox WHERE {filter} ORDER BY seq DESC LIMIT $1"),
                    &[&(limit as i64)],
                )?
                .iter()
                .map(event)
                .collect()
        })
    }

    fn replay_webhook(&self, id: &Uuid, now: UnixTime) -> Result<bool> {
        super::off_runtime(|| {
            let n = self.conn()?.execute(
                "UPDATE webhook_outbox SET next_at = $2, dead_at = NULL, attempts = 0
                 WHERE id = $1 AND dead_at IS NOT NULL AND next_at IS NULL AND delivered_at IS NULL",
                &[&id.to_string(), &now],
            )?;
            Ok(n == 1)
        })
    }
}
