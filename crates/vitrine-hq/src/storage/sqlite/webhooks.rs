//! The webhook_outbox table.

use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;
use vitrine_core::product::UnixTime;

use super::{SqliteStorage, corrupt};
use crate::storage::Result;
use crate::storage::webhooks::{EventState, NewWebhookEvent, OutboxEvent, WebhookStore};

const COLS: &str = "id, order_id, kind, body, created_at, attempts, next_at, delivered_at, dead_at, last_error";

/// Queues `events` in the caller's transaction (the order or status change
/// they report), due at once.
pub(super) fn insert_events(tx: &Transaction<'_>, events: &[NewWebhookEvent], now: UnixTime) -> Result<()> {
    for e in events {
        tx.execute(
            "INSERT INTO webhook_outbox(id, order_id, kind, body, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![e.id.to_string(), e.order_id.map(|o| o.to_string()), e.kind, e.body, now],
        )?;
    }
    Ok(())
}

/// A row as SQLite holds it, in the order of [`COLS`].
struct Row {
    id: String,
    order_id: Option<String>,
    kind: String,
    body: String,
    created_at: i64,
    attempts: i64,
    next_at: Option<i64>,
    delivered_at: Option<i64>,
    dead_at: Option<i64>,
    last_error: Option<String>,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            id: r.get(0)?,
            order_id: r.get(1)?,
            kind: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get(4)?,
            attempts: r.get(5)?,
            next_at: r.get(6)?,
            delivered_at: r.get(7)?,
            dead_at: r.get(8)?,
            last_error: r.get(9)?,
        })
    }

    fn event(self) -> Result<OutboxEvent> {
        let state = match (self.delivered_at, self.dead_at) {
            (Some(_), _) => EventState::Delivered,
            (None, Some(_)) => EventState::Dead,
            (None, None) => EventState::Pending,
        };
        Ok(OutboxEvent {
            id: Uuid::parse_str(&self.id).map_err(corrupt)?,
            order_id: self
                .order_id
                .as_deref()
                .map(Uuid::parse_str)
                .transpose()
                .map_err(corrupt)?,
            kind: self.kind,
            body: self.body,
            created_at: self.created_at,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            state,
            next_at: self.next_at,
            done_at: self.delivered_at.or(self.dead_at),
            last_error: self.last_error,
        })
    }
}

fn collect(rows: impl Iterator<Item = rusqlite::Result<Row>>) -> Result<Vec<OutboxEvent>> {
    let mut out = Vec::new();
    for r in rows {
        out.push(r?.event()?);
    }
    Ok(out)
}

impl WebhookStore for SqliteStorage {
    fn due_webhook_events(&self, now: UnixTime, limit: usize) -> Result<Vec<OutboxEvent>> {
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!(
            "SELECT {COLS} FROM webhook_outbox e WHERE next_at IS NOT NULL AND next_at <= ?1
             AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.order_id = e.order_id
                             AND p.seq < e.seq AND p.next_at IS NOT NULL)
             ORDER BY seq LIMIT ?2"
        ))?;
        let rows = s.query_map(params![now, limit as i64], Row::read)?;
        collect(rows)
    }

    fn next_webhook_at(&self) -> Result<Option<UnixTime>> {
        Ok(self
            .reader()?
            .query_row(
                "SELECT MIN(next_at) FROM webhook_outbox WHERE next_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    fn webhook_delivered(&self, id: &Uuid, now: UnixTime, checkout_url: Option<&str>) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let order: Option<Option<String>> = tx
            .query_row(
                "UPDATE webhook_outbox SET delivered_at = ?2, next_at = NULL, attempts = attempts + 1, last_error = NULL
                 WHERE id = ?1 AND next_at IS NOT NULL RETURNING order_id",
                params![id.to_string(), now],
                |r| r.get(0),
            )
            .optional()?;
        if let (Some(Some(order)), Some(url)) = (order, checkout_url) {
            tx.execute("UPDATE orders SET checkout_url = ?2 WHERE id = ?1", params![order, url])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn webhook_failed(&self, id: &Uuid, error: &str, now: UnixTime, next_at: Option<UnixTime>) -> Result<()> {
        self.lock().execute(
            "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?2, next_at = ?3,
             dead_at = CASE WHEN ?3 IS NULL THEN ?4 ELSE NULL END
             WHERE id = ?1 AND next_at IS NOT NULL",
            params![id.to_string(), error, next_at, now],
        )?;
        Ok(())
    }

    fn webhook_events(&self, state: EventState, limit: usize) -> Result<Vec<OutboxEvent>> {
        let filter = match state {
            EventState::Pending => "next_at IS NOT NULL",
            EventState::Delivered => "delivered_at IS NOT NULL",
            EventState::Dead => "dead_at IS NOT NULL AND next_at IS NULL",
        };
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!(
            "SELECT {COLS} FROM webhook_outbox WHERE {filter} ORDER BY seq DESC LIMIT ?1"
        ))?;
        let rows = s.query_map([limit as i64], Row::read)?;
        collect(rows)
    }

    fn replay_webhook(&self, id: &Uuid, now: UnixTime) -> Result<bool> {
        let n = self.lock().execute(
            "UPDATE webhook_outbox SET next_at = ?2, dead_at = NULL, attempts = 0
             WHERE id = ?1 AND dead_at IS NOT NULL AND next_at IS NULL AND delivered_at IS NULL",
            params![id.to_string(), now],
        )?;
        Ok(n == 1)
    }
}
