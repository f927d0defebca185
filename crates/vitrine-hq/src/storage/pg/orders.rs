//! The orders table.

use postgres::Row;
use uuid::Uuid;
use vitrine_core::wire::{CancelReason, OrderStatus};
use vitrine_core::{Currency, Money};

use super::notifications::insert_notes;
use super::webhooks::insert_events;
use super::{PgStorage, corrupt};
use crate::storage::notifications::NewNotification;
use crate::storage::orders::{OrderRecord, OrderStore, StatusUpdate, StatusUpdated};
use crate::storage::webhooks::NewWebhookEvent;
use crate::storage::{Put, Result};

const ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency, checkout_url, cancel_reason";
/// The columns an insert writes (the ones a new order has).
const NEW_ORDER_COLS: &str = "id, number, store, device_id, created_at, received_at, status, request, fingerprint, receipt, total_minor, currency";

/// The record of a row read in the order of [`ORDER_COLS`].
fn record(r: &Row) -> Result<OrderRecord> {
    let status: &str = r.get(6);
    let reason: Option<&str> = r.get(13);
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
        checkout_url: r.get(12),
        cancel_reason: reason
            .map(|x| CancelReason::parse(x).ok_or_else(|| corrupt(format!("cancel reason {x}"))))
            .transpose()?,
    })
}

impl OrderStore for PgStorage {
    fn put_order(
        &self,
        o: &OrderRecord,
        notes: &[NewNotification],
        events: &[NewWebhookEvent],
    ) -> Result<Put<OrderRecord>> {
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
                        "INSERT INTO orders({NEW_ORDER_COLS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $6)"
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
                insert_events(tx, events, o.received_at)?;
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

    fn orders_in(&self, store: &str, statuses: &[OrderStatus]) -> Result<Vec<OrderRecord>> {
        super::off_runtime(|| {
            // The statuses are the enum's own words, never the caller's text.
            let filter = if statuses.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
                format!(" AND status IN ({})", list.join(","))
            };
            self.conn()?
                .query(
                    &format!(
                        "SELECT {ORDER_COLS} FROM orders WHERE store = $1{filter}
                         ORDER BY status IN ('collected', 'cancelled'), created_at DESC LIMIT 500"
                    ),
                    &[&store],
                )?
                .iter()
                .map(record)
                .collect()
        })
    }

    fn order_counts(&self, store: &str) -> Result<Vec<(OrderStatus, u64)>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    "SELECT status, COUNT(*) FROM orders WHERE store = $1 GROUP BY status ORDER BY status",
                    &[&store],
                )?
                .iter()
                .map(|r| {
                    let st: &str = r.get(0);
                    let n: i64 = r.get(1);
                    let st = OrderStatus::parse(st).ok_or_else(|| corrupt(format!("order status {st}")))?;
                    Ok((st, n.max(0) as u64))
                })
                .collect()
        })
    }

    fn change_order_status(&self, u: &StatusUpdate<'_>) -> Result<StatusUpdated> {
        super::off_runtime(|| {
            self.write(|tx| {
                let id = u.id.to_string();
                let n = tx.execute(
                    "UPDATE orders SET status = $2, cancel_reason = $4, updated_at = $5 WHERE id = $1 AND status = $3",
                    &[
                        &id,
                        &u.to.as_str(),
                        &u.from.as_str(),
                        &u.reason.map(|r| r.as_str()),
                        &u.now,
                    ],
                )?;
                let Some(row) = tx.query_opt(&format!("SELECT {ORDER_COLS} FROM orders WHERE id = $1"), &[&id])? else {
                    return Ok(StatusUpdated::NotFound);
                };
                let rec = record(&row)?;
                if n == 0 {
                    return Ok(StatusUpdated::Moved(rec));
                }
                insert_notes(tx, u.notes, u.now)?;
                insert_events(tx, u.events, u.now)?;
                if let Some(who) = u.by {
                    tx.execute(
                        "INSERT INTO order_audit(at, staff, store, order_id, order_number, from_status, to_status)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        &[
                            &u.now,
                            &who,
                            &rec.store,
                            &id,
                            &rec.number,
                            &u.from.as_str(),
                            &u.to.as_str(),
                        ],
                    )?;
                }
                Ok(StatusUpdated::Changed(rec))
            })
        })
    }
}
