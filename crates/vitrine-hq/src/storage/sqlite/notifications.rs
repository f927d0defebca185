//! The notifications table: the queue of messages to shoppers.

use rusqlite::{Transaction, params};
use vitrine_core::product::UnixTime;

use super::SqliteStorage;
use crate::storage::Result;
use crate::storage::notifications::{NewNotification, Notification, NotificationStore, Scheduled};

/// Queues messages due at once.
pub(super) fn insert_notes(tx: &Transaction<'_>, notes: &[NewNotification], now: UnixTime) -> Result<()> {
    insert_notes_at(tx, notes, now, now)
}

/// Queues messages due at `at` (later than `now` for the survey loop).
pub(super) fn insert_notes_at(
    tx: &Transaction<'_>,
    notes: &[NewNotification],
    now: UnixTime,
    at: UnixTime,
) -> Result<()> {
    for n in notes {
        tx.execute(
            "INSERT INTO notifications(channel, recipient, subject, body, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![n.channel, n.to, n.subject, n.body, now, at],
        )?;
    }
    Ok(())
}

/// Queues the survey loop's messages, each due at its time, the ones tied
/// to a coupon marked with it.
pub(super) fn insert_scheduled(tx: &Transaction<'_>, notes: &[Scheduled], now: UnixTime) -> Result<()> {
    for s in notes {
        insert_notes_at(tx, std::slice::from_ref(&s.note), now, s.at)?;
        if let Some(code) = &s.until_redeemed {
            tx.execute(
                "UPDATE notifications SET until_redeemed = ?1 WHERE id = last_insert_rowid()",
                [code],
            )?;
        }
    }
    Ok(())
}

impl NotificationStore for SqliteStorage {
    fn due_notifications(&self, now: UnixTime, limit: usize) -> Result<Vec<Notification>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT id, channel, recipient, subject, body, attempts FROM notifications
             WHERE sent_at IS NULL AND next_at IS NOT NULL AND next_at <= ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = s.query_map(params![now, limit as i64], |r| {
            Ok(Notification {
                id: r.get(0)?,
                channel: r.get(1)?,
                to: r.get(2)?,
                subject: r.get(3)?,
                body: r.get(4)?,
                attempts: r.get::<_, i64>(5)?.max(0) as u32,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn notification_sent(&self, id: i64, now: UnixTime) -> Result<()> {
        self.lock().execute(
            "UPDATE notifications SET sent_at = ?2, attempts = attempts + 1, next_at = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    fn notification_failed(&self, id: i64, error: &str, next_at: Option<UnixTime>) -> Result<()> {
        self.lock().execute(
            "UPDATE notifications SET attempts = attempts + 1, last_error = ?2, next_at = ?3 WHERE id = ?1",
            params![id, error, next_at],
        )?;
        Ok(())
    }

    fn next_notification_at(&self) -> Result<Option<UnixTime>> {
        Ok(self.reader()?.query_row(
            "SELECT MIN(next_at) FROM notifications WHERE sent_at IS NULL AND next_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }
}
