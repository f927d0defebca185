//! The phone page's tables: `handoff_edits`, `order_details`,
//! `phone_identities` (and the catalog's `stores`, read).

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;
use vitrine_core::product::{Store, UnixTime};
use vitrine_core::wire::HandoffLine;

use super::{SqliteStorage, corrupt, json};
use crate::storage::Result;
use crate::storage::phone::{BasketEdit, PhoneStore};

impl PhoneStore for SqliteStorage {
    fn basket_edit(&self, handoff: &Uuid) -> Result<Option<BasketEdit>> {
        let conn = self.reader()?;
        let row: Option<(i64, String)> = conn
            .query_row(
                "SELECT version, lines FROM handoff_edits WHERE handoff_id = ?1",
                [handoff.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(version, lines)| {
            Ok(BasketEdit {
                version: u32::try_from(version).map_err(corrupt)?,
                lines: serde_json::from_str(&lines).map_err(corrupt)?,
            })
        })
        .transpose()
    }

    fn put_basket_edit(
        &self,
        handoff: &Uuid,
        after: u32,
        lines: &[HandoffLine],
        now: UnixTime,
    ) -> Result<Option<BasketEdit>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let current: i64 = tx
            .query_row(
                "SELECT version FROM handoff_edits WHERE handoff_id = ?1",
                [handoff.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if current != i64::from(after) {
            return Ok(None);
        }
        let version = after + 1;
        tx.execute(
            "INSERT INTO handoff_edits (handoff_id, version, lines, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(handoff_id) DO UPDATE SET version = excluded.version, lines = excluded.lines,
             updated_at = excluded.updated_at",
            params![handoff.to_string(), i64::from(version), json(&lines)?, now],
        )?;
        tx.commit()?;
        Ok(Some(BasketEdit {
            version,
            lines: lines.to_vec(),
        }))
    }

    fn stores(&self) -> Result<Vec<Store>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT data FROM stores ORDER BY id")?;
        let rows = s.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?).map_err(corrupt)?);
        }
        Ok(out)
    }

    fn put_order_details(&self, order: &Uuid, handoff: &Uuid, data: &str) -> Result<()> {
        self.lock().execute(
            "INSERT INTO order_details (order_id, handoff_id, data) VALUES (?1, ?2, ?3)
             ON CONFLICT(order_id) DO NOTHING",
            params![order.to_string(), handoff.to_string(), data],
        )?;
        Ok(())
    }

    fn order_details(&self, order: &Uuid) -> Result<Option<(String, Option<String>)>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                "SELECT d.data, o.checkout_url FROM order_details d JOIN orders o ON o.id = d.order_id WHERE d.order_id = ?1",
                [order.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn orders_of_handoff(&self, handoff: &Uuid) -> Result<Vec<Uuid>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT d.order_id FROM order_details d JOIN orders o ON o.id = d.order_id
             WHERE d.handoff_id = ?1 ORDER BY o.received_at, o.id",
        )?;
        let rows = s.query_map([handoff.to_string()], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(Uuid::parse_str(&r?).map_err(corrupt)?);
        }
        Ok(out)
    }

    fn set_order_checkout_url(&self, order: &Uuid, url: &str) -> Result<bool> {
        let n = self.lock().execute(
            "UPDATE orders SET checkout_url = ?2 WHERE id = ?1 AND id IN (SELECT order_id FROM order_details)",
            params![order.to_string(), url],
        )?;
        Ok(n > 0)
    }

    fn phone_identity(&self, handoff: &Uuid) -> Result<Option<String>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                "SELECT customer_id FROM phone_identities WHERE handoff_id = ?1",
                [handoff.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set_phone_identity(&self, handoff: &Uuid, customer_id: &str, now: UnixTime) -> Result<()> {
        self.lock().execute(
            "INSERT INTO phone_identities (handoff_id, customer_id, verified_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(handoff_id) DO UPDATE SET customer_id = excluded.customer_id, verified_at = excluded.verified_at",
            params![handoff.to_string(), customer_id, now],
        )?;
        Ok(())
    }
}
