//! The staff, staff_sessions and order_audit tables.

use postgres::Row;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;

use super::{PgStorage, corrupt};
use crate::storage::staff::{AuditEntry, StaffAccount, StaffSessionRecord, StaffStore};
use crate::storage::{Result, StorageError};

const STAFF_COLS: &str = "name, store, password_hash, failed_logins, locked_until, created_at";

/// The account of a row whose columns from `at` on are [`STAFF_COLS`].
fn account_at(r: &Row, at: usize) -> StaffAccount {
    StaffAccount {
        name: r.get(at),
        store: r.get(at + 1),
        password_hash: r.get(at + 2),
        failed_logins: r.get::<_, i64>(at + 3).clamp(0, i64::from(u32::MAX)) as u32,
        locked_until: r.get(at + 4),
        created_at: r.get(at + 5),
    }
}

fn status_of(s: &str) -> Result<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| corrupt(format!("unknown order status {s}")))
}

impl StaffStore for PgStorage {
    fn add_staff(&self, a: &StaffAccount) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                let n = tx.execute(
                    "INSERT INTO staff(name, store, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT(name) DO NOTHING",
                    &[&a.name, &a.store, &a.password_hash, &a.created_at],
                )?;
                if n == 0 {
                    return Err(StorageError::Duplicate(format!(
                        "a staff account named {} exists",
                        a.name
                    )));
                }
                Ok(())
            })
        })
    }

    fn remove_staff(&self, name: &str) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute("DELETE FROM staff_sessions WHERE staff = $1", &[&name])?;
                Ok(tx.execute("DELETE FROM staff WHERE name = $1", &[&name])? == 1)
            })
        })
    }

    fn set_staff_password(&self, name: &str, password_hash: &str) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute("DELETE FROM staff_sessions WHERE staff = $1", &[&name])?;
                let n = tx.execute(
                    "UPDATE staff SET password_hash = $2, failed_logins = 0, locked_until = 0 WHERE name = $1",
                    &[&name, &password_hash],
                )?;
                Ok(n == 1)
            })
        })
    }

    fn staff_account(&self, name: &str) -> Result<Option<StaffAccount>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(&format!("SELECT {STAFF_COLS} FROM staff WHERE name = $1"), &[&name])?
                .map(|r| account_at(&r, 0)))
        })
    }

    fn staff_accounts(&self) -> Result<Vec<StaffAccount>> {
        super::off_runtime(|| {
            // SQLite sorts NULL first, PostgreSQL last: said explicitly.
            Ok(self
                .conn()?
                .query(
                    &format!("SELECT {STAFF_COLS} FROM staff ORDER BY store NULLS FIRST, name"),
                    &[],
                )?
                .iter()
                .map(|r| account_at(r, 0))
                .collect())
        })
    }

    fn staff_login_failed(&self, name: &str, now: UnixTime, lock_after: u32, lock_for_s: i64) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute(
                    "UPDATE staff SET failed_logins = failed_logins + 1,
                   locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
                 WHERE name = $1",
                    &[&name, &i64::from(lock_after), &(now + lock_for_s)],
                )?;
                Ok(())
            })
        })
    }

    fn staff_login(&self, name: &str, token_hash: &str, csrf: &str, now: UnixTime, expires_at: UnixTime) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
            tx.execute("UPDATE staff SET failed_logins = 0 WHERE name = $1", &[&name])?;
            tx.execute("DELETE FROM staff_sessions WHERE expires_at <= $1", &[&now])?;
            tx.execute(
                "INSERT INTO staff_sessions(token_hash, staff, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&token_hash, &name, &csrf, &now, &expires_at],
            )?;
            Ok(())
        })
        })
    }

    fn staff_session(&self, token_hash: &str, now: UnixTime) -> Result<Option<StaffSessionRecord>> {
        super::off_runtime(|| {
            let cols = STAFF_COLS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            Ok(self
                .conn()?
                .query_opt(
                    &format!(
                        "SELECT s.csrf, s.expires_at, {cols} FROM staff_sessions s JOIN staff a ON a.name = s.staff
                     WHERE s.token_hash = $1 AND s.expires_at > $2"
                    ),
                    &[&token_hash, &now],
                )?
                .map(|r| StaffSessionRecord {
                    csrf: r.get(0),
                    expires_at: r.get(1),
                    account: account_at(&r, 2),
                }))
        })
    }

    fn end_staff_session(&self, token_hash: &str) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                tx.execute("DELETE FROM staff_sessions WHERE token_hash = $1", &[&token_hash])?;
                Ok(())
            })
        })
    }

    fn order_audit(&self, store: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    "SELECT at, staff, store, order_id, order_number, from_status, to_status FROM order_audit
                 WHERE $1::text IS NULL OR store = $1 ORDER BY at DESC, id DESC LIMIT $2",
                    &[&store, &i64::from(limit)],
                )?
                .iter()
                .map(|r| {
                    Ok(AuditEntry {
                        at: r.get(0),
                        staff: r.get(1),
                        store: r.get(2),
                        order_id: r.get(3),
                        order_number: r.get(4),
                        from: status_of(r.get(5))?,
                        to: status_of(r.get(6))?,
                    })
                })
                .collect()
        })
    }
}
