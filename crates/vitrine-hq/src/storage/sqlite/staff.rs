//! The staff, staff_sessions and order_audit tables.

use rusqlite::{OptionalExtension, params};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;

use super::{SqliteStorage, corrupt};
use crate::storage::staff::{AuditEntry, StaffAccount, StaffSessionRecord, StaffStore};
use crate::storage::{Result, StorageError};

const STAFF_COLS: &str = "name, store, password_hash, failed_logins, locked_until, created_at";

fn account_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffAccount> {
    Ok(StaffAccount {
        name: r.get(0)?,
        store: r.get(1)?,
        password_hash: r.get(2)?,
        failed_logins: r.get(3)?,
        locked_until: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn status_of(s: &str) -> Result<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| corrupt(format!("unknown order status {s}")))
}

impl StaffStore for SqliteStorage {
    fn add_staff(&self, a: &StaffAccount) -> Result<()> {
        let conn = self.lock();
        let n = conn.execute(
            "INSERT INTO staff(name, store, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO NOTHING",
            params![a.name, a.store, a.password_hash, a.created_at],
        )?;
        if n == 0 {
            return Err(StorageError::Duplicate(format!(
                "a staff account named {} exists",
                a.name
            )));
        }
        Ok(())
    }

    fn remove_staff(&self, name: &str) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM staff_sessions WHERE staff = ?1", [name])?;
        let n = tx.execute("DELETE FROM staff WHERE name = ?1", [name])?;
        tx.commit()?;
        Ok(n == 1)
    }

    fn set_staff_password(&self, name: &str, password_hash: &str) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM staff_sessions WHERE staff = ?1", [name])?;
        let n = tx.execute(
            "UPDATE staff SET password_hash = ?2, failed_logins = 0, locked_until = 0 WHERE name = ?1",
            params![name, password_hash],
        )?;
        tx.commit()?;
        Ok(n == 1)
    }

    fn staff_account(&self, name: &str) -> Result<Option<StaffAccount>> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {STAFF_COLS} FROM staff WHERE name = ?1"),
                [name],
                account_of,
            )
            .optional()?)
    }

    fn staff_accounts(&self) -> Result<Vec<StaffAccount>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!("SELECT {STAFF_COLS} FROM staff ORDER BY store, name"))?;
        let rows = st.query_map([], account_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn staff_login_failed(&self, name: &str, now: UnixTime, lock_after: u32, lock_for_s: i64) -> Result<()> {
        self.lock().execute(
            "UPDATE staff SET failed_logins = failed_logins + 1,
               locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
             WHERE name = ?1",
            params![name, lock_after, now + lock_for_s],
        )?;
        Ok(())
    }

    fn staff_login(&self, name: &str, token_hash: &str, csrf: &str, now: UnixTime, expires_at: UnixTime) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("UPDATE staff SET failed_logins = 0 WHERE name = ?1", [name])?;
        tx.execute("DELETE FROM staff_sessions WHERE expires_at <= ?1", [now])?;
        tx.execute(
            "INSERT INTO staff_sessions(token_hash, staff, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, name, csrf, now, expires_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn staff_session(&self, token_hash: &str, now: UnixTime) -> Result<Option<StaffSessionRecord>> {
        let conn = self.lock();
        let row = conn
            .query_row(
                &format!(
                    "SELECT s.csrf, s.expires_at, {} FROM staff_sessions s JOIN staff a ON a.name = s.staff
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                    STAFF_COLS
                        .split(", ")
                        .map(|c| format!("a.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                params![token_hash, now],
                |r| {
                    let csrf: String = r.get(0)?;
                    let expires_at: i64 = r.get(1)?;
                    Ok(StaffSessionRecord {
                        account: StaffAccount {
                            name: r.get(2)?,
                            store: r.get(3)?,
                            password_hash: r.get(4)?,
                            failed_logins: r.get(5)?,
                            locked_until: r.get(6)?,
                            created_at: r.get(7)?,
                        },
                        csrf,
                        expires_at,
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    fn end_staff_session(&self, token_hash: &str) -> Result<()> {
        self.lock()
            .execute("DELETE FROM staff_sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    fn order_audit(&self, store: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT at, staff, store, order_id, order_number, from_status, to_status FROM order_audit
             WHERE ?1 IS NULL OR store = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![store, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(at, staff, store, order_id, order_number, from, to)| {
                Ok(AuditEntry {
                    at,
                    staff,
                    store,
                    order_id,
                    order_number,
                    from: status_of(&from)?,
                    to: status_of(&to)?,
                })
            })
            .collect()
    }
}
