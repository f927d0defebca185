//! Staff accounts (one per person, for one store or for every store), their
//! login sessions and the audit log of what they changed. Passwords and
//! session tokens are kept only as hashes (Argon2 for passwords, SHA-256 of
//! a 256-bit random token for sessions): the database alone lets nobody in.

use serde::Serialize;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;

use super::Result;

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffAccount {
    /// The login name (unique).
    pub name: String,
    /// The one store this person works for; None: HQ's role, every store.
    pub store: Option<String>,
    /// Argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// Wrong passwords since the last right one.
    pub failed_logins: u32,
    /// No login (even with the right password) before this time.
    pub locked_until: UnixTime,
    pub created_at: UnixTime,
}

/// A logged-in session: its account and the token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRecord {
    pub account: StaffAccount,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    pub expires_at: UnixTime,
}

/// One status change of an order, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: UnixTime,
    pub staff: String,
    pub store: String,
    pub order_id: String,
    pub order_number: String,
    pub from: OrderStatus,
    pub to: OrderStatus,
}

/// Storage of staff accounts, sessions and the audit log.
pub trait StaffStore {
    /// Adds an account; `Duplicate` when the name is taken.
    fn add_staff(&self, a: &StaffAccount) -> Result<()>;
    /// Removes an account and ends its sessions; false when unknown.
    fn remove_staff(&self, name: &str) -> Result<bool>;
    /// Sets a new password hash, clears the lockout and ends every session
    /// of the account; false when unknown.
    fn set_staff_password(&self, name: &str, password_hash: &str) -> Result<bool>;
    fn staff_account(&self, name: &str) -> Result<Option<StaffAccount>>;
    fn staff_accounts(&self) -> Result<Vec<StaffAccount>>;
    /// Counts a wrong password; from `lock_after` in a row the account is
    /// locked until `now + lock_for_s`. The account as it is now.
    fn staff_login_failed(&self, name: &str, now: UnixTime, lock_after: u32, lock_for_s: i64) -> Result<()>;
    /// A right password: the count of wrong ones starts again, and the
    /// session (its token's hash) is stored.
    fn staff_login(&self, name: &str, token_hash: &str, csrf: &str, now: UnixTime, expires_at: UnixTime) -> Result<()>;
    /// The unexpired session with this token hash (expired ones are deleted).
    fn staff_session(&self, token_hash: &str, now: UnixTime) -> Result<Option<StaffSessionRecord>>;
    fn end_staff_session(&self, token_hash: &str) -> Result<()>;
    /// The latest `limit` audit entries, newest first (one store's, or all).
    fn order_audit(&self, store: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>>;
}
