//! The notifications table: the queue of messages to shoppers, shared by
//! every replica's notifier.

use postgres::Transaction;
use vitrine_core::product::UnixTime;

use super::PgStorage;
use crate::storage::Result;
use crate::storage::notifications::{NewNotification, Notification, NotificationStore, Scheduled};

/// Seconds a replica holds the due messages it took while it sends them:
/// another replica's notifier leaves them alone meanwhile, and takes them
/// if this one dies before recording the outcome.
pub const SEND_LEASE_S: i64 = 120;

/// Queues messages due at once.
pub(super) fn insert_notes(tx: &mut Transaction<'_>, notes: &[NewNotification], now: UnixTime) -> Result<()> {
    insert_notes_at(tx, notes, now, now, None)
}

fn insert_notes_at(
    tx: &mut Transaction<'_>,
    notes: &[NewNotification],
    now: UnixTime,
    at: UnixTime,
    until_redeemed: Option<&str>,
) -> Result<()> {
    for n in notes {
        tx.execute(
            "INSERT INTO notifications(channel, recipient, subject, body, created_at, next_at, until_redeemed)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&n.channel, &n.to, &n.subject, &n.body, &now, &at, &until_redeemed],
        )?;
    }
    Ok(())
}

/// Queues the survey loop's messages, each due at its time, the ones tied
/// to a coupon marked with it.
pub(super) fn insert_scheduled(tx: &mut Transaction<'_>, notes: &[Scheduled], now: UnixTime) -> Result<()> {
    for s in notes {
        insert_notes_at(
            tx,
            std::slice::from_ref(&s.note),
            now,
            s.at,
            s.until_redeemed.as_deref(),
        )?;
    }
    Ok(())
}

impl NotificationStore for PgStorage {
    fn due_notifications(&self, now: UnixTime, limit: usize) -> Result<Vec<Notification>> {
        super::off_runtime(|| {
            // Taken with a lease (see SEND_LEASE_S): rows another replica is
            // taking at this moment are skipped, not waited for.
            let rows = self.conn()?.query(
                "UPDATE notifications SET next_at = $1 + $3
             WHERE id IN (SELECT id FROM notifications
                          WHERE sent_at IS NULL AND next_at IS NOT NULL AND next_at <= $1
                          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
             RETURNING id, channel, recipient, subject, body, attempts",
                &[&now, &(limit as i64), &SEND_LEASE_S],
            )?;
            let mut out: Vec<Notification> = rows
                .iter()
                .map(|r| Notification {
                    id: r.get(0),
                    channel: r.get(1),
                    to: r.get(2),
                    subject: r.get(3),
                    body: r.get(4),
                    attempts: r.get::<_, i64>(5).clamp(0, i64::from(u32::MAX)) as u32,
                })
                .collect();
            out.sort_by_key(|n| n.id);
            Ok(out)
        })
    }

    fn notification_sent(&self, id: i64, now: UnixTime) -> Result<()> {
        super::off_runtime(|| {
            self.conn()?.execute(
                "UPDATE notifications SET sent_at = $2, attempts = attempts + 1, next_at = NULL WHERE id = $1",
                &[&id, &now],
            )?;
            Ok(())
        })
    }

    fn notification_failed(&self, id: i64, error: &str, next_at: Option<UnixTime>) -> Result<()> {
        super::off_runtime(|| {
            self.conn()?.execute(
                "UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_at = $3 WHERE id = $1",
                &[&id, &error, &next_at],
            )?;
            Ok(())
        })
    }

    fn next_notification_at(&self) -> Result<Option<UnixTime>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_one(
                    "SELECT MIN(next_at) FROM notifications WHERE sent_at IS NULL AND next_at IS NOT NULL",
                    &[],
                )?
                .get(0))
        })
    }
}
