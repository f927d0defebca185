//! The phone page's tables: `handoff_edits`, `order_details`,
//! `phone_identities` (and the catalog's `stores`, read).

use uuid::Uuid;
use vitrine_core::product::{Store, UnixTime};
use vitrine_core::wire::HandoffLine;

use super::{PgStorage, corrupt, json};
use crate::storage::Result;
use crate::storage::phone::{BasketEdit, PhoneStore};

impl PhoneStore for PgStorage {
    fn basket_edit(&self, handoff: &Uuid) -> Result<Option<BasketEdit>> {
        super::off_runtime(|| {
            self.conn()?
                .query_opt(
                    "SELECT version, lines FROM handoff_edits WHERE handoff_id = $1",
                    &[&handoff.to_string()],
                )?
                .map(|r| {
                    Ok(BasketEdit {
                        version: u32::try_from(r.get::<_, i64>(0)).map_err(corrupt)?,
                        lines: serde_json::from_str(r.get(1)).map_err(corrupt)?,
                    })
                })
                .transpose()
        })
    }

    fn put_basket_edit(
        &self,
        handoff: &Uuid,
        after: u32,
        lines: &[HandoffLine],
        now: UnixTime,
    ) -> Result<Option<BasketEdit>> {
        super::off_runtime(|| {
            self.write(|tx| {
                let id = handoff.to_string();
                let current: i64 = tx
                    .query_opt("SELECT version FROM handoff_edits WHERE handoff_id = $1", &[&id])?
                    .map_or(0, |r| r.get(0));
                if current != i64::from(after) {
                    return Ok(None);
                }
                let version = after + 1;
                tx.execute(
                    "INSERT INTO handoff_edits (handoff_id, version, lines, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT(handoff_id) DO UPDATE SET version = excluded.version, lines = excluded.lines,
                     updated_at = excluded.updated_at",
                    &[&id, &i64::from(version), &json(&lines)?, &now],
                )?;
                Ok(Some(BasketEdit {
                    version,
                    lines: lines.to_vec(),
                }))
            })
        })
    }

    fn stores(&self) -> Result<Vec<Store>> {
        super::off_runtime(|| {
            self.conn()?
                .query("SELECT data FROM stores ORDER BY id", &[])?
                .iter()
                .map(|r| serde_json::from_str(r.get(0)).map_err(corrupt))
                .collect()
        })
    }

    fn put_order_details(&self, order: &Uuid, handoff: &Uuid, data: &str) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO order_details (order_id, handoff_id, data) VALUES ($1, $2, $3)
                     ON CONFLICT(order_id) DO NOTHING",
                    &[&order.to_string(), &handoff.to_string(), &data],
                )?;
                Ok(())
            })
        })
    }

    fn order_details(&self, order: &Uuid) -> Result<Option<(String, Option<String>)>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(
                    "SELECT d.data, o.checkout_url FROM order_details d JOIN orders o ON o.id = d.order_id WHERE d.order_id = $1",
                    &[&order.to_string()],
                )?
                .map(|r| (r.get(0), r.get(1))))
        })
    }

    fn orders_of_handoff(&self, handoff: &Uuid) -> Result<Vec<Uuid>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    "SELECT d.order_id FROM order_details d JOIN orders o ON o.id = d.order_id
                     WHERE d.handoff_id = $1 ORDER BY o.received_at, o.id",
                    &[&handoff.to_string()],
                )?
                .iter()
                .map(|r| Uuid::parse_str(r.get(0)).map_err(corrupt))
                .collect()
        })
    }

    fn set_order_checkout_url(&self, order: &Uuid, url: &str) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
                let n = tx.execute(
                    "UPDATE orders SET checkout_url = $2 WHERE id = $1 AND id IN (SELECT order_id FROM order_details)",
                    &[&order.to_string(), &url],
                )?;
                Ok(n > 0)
            })
        })
    }

    fn phone_identity(&self, handoff: &Uuid) -> Result<Option<String>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(
                    "SELECT customer_id FROM phone_identities WHERE handoff_id = $1",
                    &[&handoff.to_string()],
                )?
                .map(|r| r.get(0)))
        })
    }

    fn set_phone_identity(&self, handoff: &Uuid, customer_id: &str, now: UnixTime) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO phone_identities (handoff_id, customer_id, verified_at) VALUES ($1, $2, $3)
                     ON CONFLICT(handoff_id) DO UPDATE SET customer_id = excluded.customer_id, verified_at = excluded.verified_at",
                    &[&handoff.to_string(), &customer_id, &now],
                )?;
                Ok(())
            })
        })
    }
}
