//! The orders table.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;
use vitrine_core::wire::{CancelReason, OrderStatus};
use vitrine_core::{Currency, Money};

use super::notifications::insert_notes;
use super::webhooks::insert_events;
use super::{SqliteStorage, corrupt};
use crate::storage::notifications::NewNotification;
use crate::storage::orders::{OrderRecord, OrderStore, StatusUpdate, StatusUpdated};
use crate::storage::webhooks::NewWebhookEvent;
use crate::storage::{Put, Result};

const ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency, checkout_url, cancel_reason";
/// The columns an insert writes (the ones a new order has).
const NEW_ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency";

/// An `orders` row as SQLite holds it (id, status and total as text and
/// integers), read in the order of [`ORDER_COLS`].
struct OrderRow {
    id: String,
    number: String,
    store: String,
    device_id: String,
    created_at: i64,
    received_at: i64,
    status: String,
    request: String,
    fingerprint: String,
    receipt: String,
    total_minor: i64,
    currency: String,
    checkout_url: Option<String>,
    cancel_reason: Option<String>,
}

impl OrderRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
        Ok(OrderRow {
            id: r.get(0)?,
            number: r.get(1)?,
            store: r.get(2)?,
            device_id: r.get(3)?,
            created_at: r.get(4)?,
            received_at: r.get(5)?,
            status: r.get(6)?,
            request: r.get(7)?,
            fingerprint: r.get(8)?,
            receipt: r.get(9)?,
            total_minor: r.get(10)?,
            currency: r.get(11)?,
            checkout_url: r.get(12)?,
            cancel_reason: r.get(13)?,
        })
    }

    /// The record, or [`crate::storage::StorageError::Corrupt`] when a
    /// column does not parse.
    fn record(self) -> Result<OrderRecord> {
        Ok(OrderRecord {
            id: Uuid::parse_str(&self.id).map_err(corrupt)?,
            number: self.number,
            store: self.store,
            device_id: self.device_id,
            created_at: self.created_at,
            received_at: self.received_at,
            status: OrderStatus::parse(&self.status).ok_or_else(|| corrupt(format!("order status {}", self.status)))?,
            request_json: self.request,
            fingerprint: self.fingerprint,
            receipt_json: self.receipt,
            total: Money::new(self.total_minor, Currency::from_code(&self.currency).map_err(corrupt)?),
            checkout_url: self.checkout_url,
            cancel_reason: self
                .cancel_reason
                .as_deref()
                .map(|r| CancelReason::parse(r).ok_or_else(|| corrupt(format!("cancel reason {r}"))))
                .transpose()?,
        })
    }
}

impl OrderStore for SqliteStorage {
    fn put_order(
        &self,
        o: &OrderRecord,
        notes: &[NewNotification],
        events: &[NewWebhookEvent],
    ) -> Result<Put<OrderRecord>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let existing = tx
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [o.id.to_string()],
                OrderRow::read,
            )
            .optional()?;
        if let Some(row) = existing {
            let old = row.record()?;
            return Ok(if old.fingerprint == o.fingerprint {
                Put::Existing(old)
            } else {
                Put::Conflict
            });
        }
        tx.execute(
            &format!("INSERT INTO orders({NEW_ORDER_COLS}, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6)"),
            params![
                o.id.to_string(),
                o.number,
                o.store,
                o.device_id,
                o.created_at,
                o.received_at,
                o.status.as_str(),
                o.request_json,
                o.fingerprint,
                o.receipt_json,
                o.total.amount_minor,
                o.total.currency.code()
            ],
        )?;
        insert_notes(&tx, notes, o.received_at)?;
        insert_events(&tx, events, o.received_at)?;
        tx.commit()?;
        Ok(Put::Created(o.clone()))
    }

    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>> {
        let row = self
            .reader()?
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [id.to_string()],
                OrderRow::read,
            )
            .optional()?;
        row.map(OrderRow::record).transpose()
    }

    fn orders_in(&self, store: &str, statuses: &[OrderStatus]) -> Result<Vec<OrderRecord>> {
        let conn = self.reader()?;
        // The statuses are the enum's own words, never the caller's text.
        let filter = if statuses.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
            format!(" AND status IN ({})", list.join(","))
        };
        let mut s = conn.prepare(&format!(
            "SELECT {ORDER_COLS} FROM orders WHERE store = ?1{filter}
             ORDER BY status IN ('collected', 'cancelled'), created_at DESC LIMIT 500"
        ))?;
        let rows = s.query_map([store], OrderRow::read)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.record()?);
        }
        Ok(out)
    }

    fn order_counts(&self, store: &str) -> Result<Vec<(OrderStatus, u64)>> {
        let conn = self.reader()?;
        let mut s = conn.prepare("SELECT status, COUNT(*) FROM orders WHERE store = ?1 GROUP BY status")?;
        let rows = s.query_map([store], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (st, n) = r?;
            let st = OrderStatus::parse(&st).ok_or_else(|| corrupt(format!("order status {st}")))?;
            out.push((st, n.max(0) as u64));
        }
        Ok(out)
    }

    fn change_order_status(&self, u: &StatusUpdate<'_>) -> Result<StatusUpdated> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE orders SET status = ?2, cancel_reason = ?4, updated_at = ?5 WHERE id = ?1 AND status = ?3",
            params![
                u.id.to_string(),
                u.to.as_str(),
                u.from.as_str(),
                u.reason.map(|r| r.as_str()),
                u.now
            ],
        )?;
        let row = tx
            .query_row(
                &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
                [u.id.to_string()],
                OrderRow::read,
            )
            .optional()?;
        let Some(row) = row else {
            return Ok(StatusUpdated::NotFound);
        };
        let record = row.record()?;
        if n == 0 {
            return Ok(StatusUpdated::Moved(record));
        }
        insert_notes(&tx, u.notes, u.now)?;
        insert_events(&tx, u.events, u.now)?;
        if let Some(who) = u.by {
            tx.execute(
                "INSERT INTO order_audit(at, staff, store, order_id, order_number, from_status, to_status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    u.now,
                    who,
                    record.store,
                    u.id.to_string(),
                    record.number,
                    u.from.as_str(),
                    u.to.as_str()
                ],
            )?;
        }
        tx.commit()?;
        Ok(StatusUpdated::Changed(record))
    }
}
