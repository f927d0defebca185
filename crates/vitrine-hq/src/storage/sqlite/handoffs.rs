//! The handoffs table.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::Contact;

use super::notifications::insert_notes;
use super::{SqliteStorage, corrupt, json};
use crate::storage::handoffs::{Claim, HandoffRecord, HandoffStore};
use crate::storage::notifications::NewNotification;
use crate::storage::{Put, Result};

const HANDOFF_COLS: &str =
    "id, store, device_id, created_at, lines, payload, compact, contact, customer_id, received_at, source, claimed_at";

/// A `handoffs` row as SQLite holds it (ids, lines and contact as text),
/// read in the order of [`HANDOFF_COLS`].
struct HandoffRow {
    id: String,
    store: String,
    device_id: String,
    created_at: i64,
    lines: String,
    payload: String,
    compact: String,
    contact: Option<String>,
    customer_id: Option<String>,
    received_at: i64,
    source: String,
    claimed_at: Option<i64>,
}

impl HandoffRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoffRow> {
        Ok(HandoffRow {
            id: r.get(0)?,
            store: r.get(1)?,
            device_id: r.get(2)?,
            created_at: r.get(3)?,
            lines: r.get(4)?,
            payload: r.get(5)?,
            compact: r.get(6)?,
            contact: r.get(7)?,
            customer_id: r.get(8)?,
            received_at: r.get(9)?,
            source: r.get(10)?,
            claimed_at: r.get(11)?,
        })
    }

    /// The record, or [`crate::storage::StorageError::Corrupt`] when a
    /// column does not parse.
    fn record(self) -> Result<HandoffRecord> {
        Ok(HandoffRecord {
            id: Uuid::parse_str(&self.id).map_err(corrupt)?,
            store: self.store,
            device_id: self.device_id,
            created_at: self.created_at,
            lines: serde_json::from_str(&self.lines).map_err(corrupt)?,
            payload: self.payload,
            compact: self.compact,
            contact: self
                .contact
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(corrupt)?,
            customer_id: self.customer_id,
            received_at: self.received_at,
            source: self.source,
            claimed_at: self.claimed_at,
        })
    }
}

impl HandoffStore for SqliteStorage {
    fn put_handoff(&self, h: &HandoffRecord) -> Result<Put<HandoffRecord>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let existing = tx
            .query_row(
                &format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = ?1"),
                [h.id.to_string()],
                HandoffRow::read,
            )
            .optional()?;
        if let Some(row) = existing {
            let mut old = row.record()?;
            if old.payload != h.payload {
                return Ok(Put::Conflict);
            }
            // Contact details are merged, not compared.
            if old.contact.is_none() && h.contact.is_some() {
                old.contact = h.contact.clone();
                tx.execute(
                    "UPDATE handoffs SET contact = ?2 WHERE id = ?1",
                    params![h.id.to_string(), json(&old.contact)?],
                )?;
            }
            if old.customer_id.is_none() && h.customer_id.is_some() {
                old.customer_id = h.customer_id.clone();
                tx.execute(
                    "UPDATE handoffs SET customer_id = ?2 WHERE id = ?1",
                    params![h.id.to_string(), old.customer_id],
                )?;
            }
            tx.commit()?;
            return Ok(Put::Existing(old));
        }
        tx.execute(
            &format!("INSERT INTO handoffs({HANDOFF_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
            params![
                h.id.to_string(),
                h.store,
                h.device_id,
                h.created_at,
                json(&h.lines)?,
                h.payload,
                h.compact,
                h.contact.as_ref().map(json).transpose()?,
                h.customer_id,
                h.received_at,
                h.source,
                h.claimed_at
            ],
        )?;
        tx.commit()?;
        Ok(Put::Created(h.clone()))
    }

    fn handoff(&self, id: &Uuid) -> Result<Option<HandoffRecord>> {
        let row = self
            .reader()?
            .query_row(
                &format!("SELECT {HANDOFF_COLS} FROM handoffs WHERE id = ?1"),
                [id.to_string()],
                HandoffRow::read,
            )
            .optional()?;
        row.map(HandoffRow::record).transpose()
    }

    fn claim_handoff(&self, id: &Uuid, contact: &Contact, now: UnixTime, notes: &[NewNotification]) -> Result<Claim> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        // Claimed once: a second claim changes nothing and sends nothing.
        let n = tx.execute(
            "UPDATE handoffs SET contact = ?2, claimed_at = ?3 WHERE id = ?1 AND claimed_at IS NULL",
            params![id.to_string(), json(contact)?, now],
        )?;
        if n == 1 {
            insert_notes(&tx, notes, now)?;
            tx.commit()?;
            return Ok(Claim::Claimed);
        }
        let before: Option<Option<String>> = tx
            .query_row("SELECT contact FROM handoffs WHERE id = ?1", [id.to_string()], |r| {
                r.get(0)
            })
            .optional()?;
        tx.commit()?;
        Ok(match before {
            None => Claim::NotFound,
            Some(c) => Claim::AlreadyClaimed(c.map(|c| serde_json::from_str(&c)).transpose().map_err(corrupt)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handoff_is_claimed_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 100).unwrap();
        let id = Uuid::now_v7();
        let h = HandoffRecord {
            id,
            store: "paris-01".into(),
            device_id: "dev-1".into(),
            created_at: 1,
            lines: vec![],
            payload: "p".into(),
            compact: "c".into(),
            contact: None,
            customer_id: None,
            received_at: 1,
            source: "kiosk".into(),
            claimed_at: None,
        };
        s.put_handoff(&h).unwrap();
        let ana = Contact {
            email: Some("ana@example.fr".into()),
            phone: None,
        };
        let eve = Contact {
            email: Some("eve@example.com".into()),
            phone: None,
        };
        let note = |to: &str| NewNotification {
            channel: "email".into(),
            to: to.into(),
            subject: "s".into(),
            body: "b".into(),
        };
        let queued = || -> i64 {
            s.lock()
                .query_row("SELECT COUNT(*) FROM notifications", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(
            s.claim_handoff(&id, &ana, 5, &[note("ana@example.fr")]).unwrap(),
            Claim::Claimed
        );
        assert_eq!(queued(), 1);
        assert_eq!(
            s.claim_handoff(&id, &eve, 6, &[note("eve@example.com")]).unwrap(),
            Claim::AlreadyClaimed(Some(ana.clone()))
        );
        assert_eq!(queued(), 1);
        let stored = s.handoff(&id).unwrap().unwrap();
        assert_eq!((stored.contact, stored.claimed_at), (Some(ana), Some(5)));
        assert_eq!(
            s.claim_handoff(&Uuid::now_v7(), &eve, 6, &[note("eve@example.com")])
                .unwrap(),
            Claim::NotFound
        );
        assert_eq!(queued(), 1);
    }
}
