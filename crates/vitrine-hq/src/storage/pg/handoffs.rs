//! The handoffs table.

use postgres::Row;
use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::Contact;

use super::notifications::insert_notes;
use super::{PgStorage, corrupt, json};
use crate::storage::handoffs::{Claim, HandoffRecord, HandoffStore};
use crate::storage::notifications::NewNotification;
use crate::storage::{Put, Result};

const HANDOFF_COLS: &str =
    "id, store, device_id, created_at, lines, payload, compact, contact, customer_id, received_at, source, claimed_at";

/// The record of a row read in the order of [`HANDOFF_COLS`], or
/// [`crate::storage::StorageError::Corrupt`] when a column does not parse.
fn record(r: &Row) -> Result<HandoffRecord> {
    let contact: Option<&str> = r.get(7);
    Ok(HandoffRecord {
        id: Uuid::parse_str(r.get(0)).map_err(corrupt)?,
        store: r.get(1),
        device_id: r.get(2),
        created_at: r.get(3),
        lines: serde_json::from_str(r.get(4)).map_err(corrupt)?,
        payload: r.get(5),
        compact: r.get(6),
        contact: contact.map(serde_json::from_str).transpose().map_err(corrupt)?,
        customer_id: r.get(8),
        received_at: r.get(9),
        source: r.get(10),
        claimed_at: r.get(11),
    })
}

impl HandoffStore for PgStorage {
    fn put_handoff(&self, h: &HandoffRecord) -> Result<Put<HandoffRecord>> {
        super::off_runtime(|| {
            self.write(|tx| {
                let id = h.id.to_string();
                let existing = tx.query_opt(&format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = $1"), &[&id])?;
                if let Some(row) = existing {
                    let mut old = record(&row)?;
                    if old.payload != h.payload {
                        return Ok(Put::Conflict);
                    }
                    // Contact details are merged, not compared.
                    if old.contact.is_none() && h.contact.is_some() {
                        old.contact = h.contact.clone();
                        tx.execute(
                            "UPDATE handoffs SET contact = $2 WHERE id = $1",
                            &[&id, &json(&old.contact)?],
                        )?;
                    }
                    if old.customer_id.is_none() && h.customer_id.is_some() {
                        old.customer_id = h.customer_id.clone();
                        tx.execute(
                            "UPDATE handoffs SET customer_id = $2 WHERE id = $1",
                            &[&id, &old.customer_id],
                        )?;
                    }
                    return Ok(Put::Existing(old));
                }
                tx.execute(
                &format!(
                    "INSERT INTO handoffs({HANDOFF_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ),
                &[
                    &id,
                    &h.store,
                    &h.device_id,
                    &h.created_at,
                    &json(&h.lines)?,
                    &h.payload,
                    &h.compact,
                    &h.contact.as_ref().map(json).transpose()?,
                    &h.customer_id,
                    &h.received_at,
                    &h.source,
                    &h.claimed_at,
                ],
            )?;
                Ok(Put::Created(h.clone()))
            })
        })
    }

    fn handoff(&self, id: &Uuid) -> Result<Option<HandoffRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query_opt(
                    &format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = $1"),
                    &[&id.to_string()],
                )?
                .map(|r| record(&r))
                .transpose()
        })
    }

    fn claim_handoff(&self, id: &Uuid, contact: &Contact, now: UnixTime, notes: &[NewNotification]) -> Result<Claim> {
        super::off_runtime(|| {
            self.write(|tx| {
                let id = id.to_string();
                // Claimed once: a second claim changes nothing and sends nothing.
                let n = tx.execute(
                    "UPDATE handoffs SET contact = $2, claimed_at = $3 WHERE id = $1 AND claimed_at IS NULL",
                    &[&id, &json(contact)?, &now],
                )?;
                if n == 1 {
                    insert_notes(tx, notes, now)?;
                    return Ok(Claim::Claimed);
                }
                let before = tx.query_opt("SELECT contact FROM handoffs WHERE id = $1", &[&id])?;
                Ok(match before {
                    None => Claim::NotFound,
                    Some(r) => Claim::AlreadyClaimed(
                        r.get::<_, Option<&str>>(0)
                            .map(serde_json::from_str)
                            .transpose()
                            .map_err(corrupt)?,
                    ),
                })
            })
        })
    }
}
