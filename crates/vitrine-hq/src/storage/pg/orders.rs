//! The orders table.

use postgres::{Row, Transaction};
use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;
use vitrine_core::{Currency, Money};

use super::notifications::insert_notes;
use super::{PgStorage, corrupt};
use crate::storage::notifications::NewNotification;
use crate::storage::orders::{OrderRecord, OrderStore};
use crate::storage::{Put, Result};

const ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency";

/// The record of a row read in the order of [`ORDER_COLS`].
fn record(r: &Row) -> Result<OrderRecord> {
    let status: &str = r.get(6);
    Ok(OrderRecord {
        id: Uuid::parse_str(r.get(0)).map_err(corrupt)?,
        number: r.get(1),
        store: r.get(2),
        device_id: r.get(3),
        created_at: r.get(4),
        received_at: r.get(5),
        status: OrderStatus::parse(status).ok_or_else(|| corrupt(format!("order status {status}")))?,
        request_json: r.get(7),
        fingerprint: r.get(8),
        receipt_json: r.get(9),
        total: Money::new(r.get(10), Currency::from_code(r.get(11)).map_err(corrupt)?),
    })
}

impl OrderStore for PgStorage {
    fn put_order(&self, o: &OrderRecord, notes: &[NewNotification]) -> Result<Put<OrderRecord>> {
        super::off_runtime(|| {
            self.write(|tx| {
            let id = o.id.to_string();
            if let Some(row) = tx.query_opt(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"), &[&id])? {
                let old = record(&row)?;
                return Ok(if old.fingerprint == o.fingerprint {
                    Put::Existing(old)
                } else {
                    Put::Conflict
                });
            }
            tx.execute(
                &format!(
                    "INSERT INTO orders({ORDER_COLS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $6)"
                ),
                &[
                    &id,
                    &o.number,
                    &o.store,
                    &o.device_id,
                    &o.created_at,
                    &o.received_at,
                    &o.status.as_str(),
                    &o.request_json,
                    &o.fingerprint,
                    &o.receipt_json,
                    &o.total.amount_minor,
                    &o.total.currency.code(),
                ],
            )?;
            insert_notes(tx, notes, o.received_at)?;
            Ok(Put::Created(o.clone()))
        })
        })
    }

    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query_opt(
                    &format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"),
                    &[&id.to_string()],
                )?
                .map(|r| record(&r))
                .transpose()
        })
    }

    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>> {
        super::off_runtime(|| {
            self.conn()?
            .query(
                &format!(
                    "SELECT {ORDER_COLS} FROM orders WHERE store = $1 ORDER BY status = 'collected', created_at DESC LIMIT 500"
                ),
                &[&store],
            )?
            .iter()
            .map(record)
            .collect()
        })
    }

    fn set_order_status(
        &self,
        id: &Uuid,
        status: OrderStatus,
        now: UnixTime,
        notes: &[NewNotification],
    ) -> Result<Option<OrderRecord>> {
        super::off_runtime(|| self.write(|tx| set_status(tx, id, status, None, now, notes)))
    }
}

/// Moves an order to `status`, queues `notes` and, when `staff` is given,
/// writes the audit entry (from, to, who), all in the caller's
/// transaction; nothing when the status does not change.
pub(super) fn set_status(
    tx: &mut Transaction<'_>,
    id: &Uuid,
    status: OrderStatus,
    staff: Option<&str>,
    now: UnixTime,
    notes: &[NewNotification],
) -> Result<Option<OrderRecord>> {
    let id_s = id.to_string();
    let before = tx
        .query_opt("SELECT status, store, number FROM orders WHERE id = $1", &[&id_s])?
        .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, String>(2)));
    let n = tx.execute(
        "UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1 AND status <> $2",
        &[&id_s, &status.as_str(), &now],
    )?;
    if n == 1 {
        insert_notes(tx, notes, now)?;
        if let (Some(who), Some((from, store, number))) = (staff, &before) {
            tx.execute(
                "INSERT INTO order_audit(at, staff, store, order_id, order_number, from_status, to_status)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&now, &who, store, &id_s, number, from, &status.as_str()],
            )?;
        }
    }
    tx.query_opt(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"), &[&id_s])?
        .map(|r| record(&r))
        .transpose()
}
