//! The orders table.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;
use vitrine_core::{Currency, Money};

use super::notifications::insert_notes;
use super::{SqliteStorage, corrupt};
use crate::storage::notifications::NewNotification;
use crate::storage::orders::{OrderRecord, OrderStore};
use crate::storage::{Put, Result};

const ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency";

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
        })
    }
}

impl OrderStore for SqliteStorage {
    fn put_order(&self, o: &OrderRecord, notes: &[NewNotification]) -> Result<Put<OrderRecord>> {
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
            &format!("INSERT INTO orders({ORDER_COLS}, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6)"),
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

    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare(&format!(
            "SELECT {ORDER_COLS} FROM orders WHERE store = ?1 ORDER BY status = 'collected', created_at DESC LIMIT 500"
        ))?;
        let rows = s.query_map([store], OrderRow::read)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.record()?);
        }
        Ok(out)
    }

    fn set_order_status(
        &self,
        id: &Uuid,
        status: OrderStatus,
        now: UnixTime,
        notes: &[NewNotification],
    ) -> Result<Option<OrderRecord>> {
        set_status(&mut self.lock(), id, status, None, now, notes)
    }
}

/// Moves an order to `status`, queues `notes` and, when `staff` is given,
/// writes the audit entry (from, to, who), all in one transaction; nothing
/// when the status does not change.
pub(super) fn set_status(
    conn: &mut rusqlite::Connection,
    id: &Uuid,
    status: OrderStatus,
    staff: Option<&str>,
    now: UnixTime,
    notes: &[NewNotification],
) -> Result<Option<OrderRecord>> {
    let tx = conn.transaction()?;
    let before: Option<(String, String, String)> = tx
        .query_row(
            "SELECT status, store, number FROM orders WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let n = tx.execute(
        "UPDATE orders SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status <> ?2",
        params![id.to_string(), status.as_str(), now],
    )?;
    if n == 1 {
        insert_notes(&tx, notes, now)?;
        if let (Some(who), Some((from, store, number))) = (staff, &before) {
            tx.execute(
                "INSERT INTO order_audit(at, staff, store, order_id, order_number, from_status, to_status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![now, who, store, id.to_string(), number, from, status.as_str()],
            )?;
        }
    }
    let row = tx
        .query_row(
            &format!("SELECT {ORDER_COLS} FROM orders WHERE id = ?1"),
            [id.to_string()],
            OrderRow::read,
        )
        .optional()?;
    tx.commit()?;
    row.map(OrderRow::record).transpose()
}
