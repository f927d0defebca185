//! Staff accounts: one per person, for one store or (HQ's role) for every
//! store. Passwords are Argon2 hashes; a login gives a session whose token
//! only the browser holds (HQ keeps its SHA-256) and whose forms carry a
//! CSRF token; wrong passwords lock the account for a while.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use vitrine_core::product::UnixTime;
use vitrine_core::sign::sha256_hex;

use super::ServiceError;
use crate::storage::{StaffAccount, StaffSessionRecord, StorageError};
use crate::{Hq, keys};

/// Shortest password accepted (a passphrase of a few words is longer).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Wrong passwords in a row before the account is locked.
pub const LOCK_AFTER: u32 = 10;
/// How long a locked account stays locked (then `LOCK_AFTER` more tries).
pub const LOCK_FOR_S: i64 = 15 * 60;
/// How long a session lasts (one working day).
pub const SESSION_S: i64 = 12 * 3600;

/// A login name: 1 to 64 of `a-z 0-9 . _ - @` (lower case: no look-alikes
/// between two accounts).
pub fn check_name(name: &str) -> Result<(), ServiceError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "staff name \"{}\": 1 to 64 lower-case letters, digits, '.', '_', '-' or '@'",
            name.escape_default()
        )))
    }
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.chars().count() > 256 {
        return Err(ServiceError::Invalid(format!(
            "a staff password has {MIN_PASSWORD_CHARS} to 256 characters"
        )));
    }
    Ok(())
}

/// The Argon2 hash (PHC string, random salt) of `password`.
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ServiceError::internal)
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash no password matches, verified for unknown names so that a login
/// takes as long whether the name exists or not.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let random = keys::new_token().unwrap_or_else(|_| "decoy-password-for-unknown-names".into());
        hash_password(&random).unwrap_or_default()
    })
}

/// Adds an account for `store` (None: HQ's role, every store).
pub fn add(hq: &Hq, name: &str, store: Option<&str>, password: &str) -> Result<StaffAccount, ServiceError> {
    check_name(name)?;
    if let Some(s) = store
        && (s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        return Err(ServiceError::Invalid(format!(
            "store \"{}\": letters, digits, '-' or '_'",
            s.escape_default()
        )));
    }
    check_password(password)?;
    let account = StaffAccount {
        name: name.to_string(),
        store: store.map(String::from),
        password_hash: hash_password(password)?,
        failed_logins: 0,
        locked_until: 0,
        created_at: hq.now(),
    };
    hq.storage.add_staff(&account).map_err(|e| match e {
        StorageError::Duplicate(m) => ServiceError::Conflict(m),
        e => e.into(),
    })?;
    Ok(account)
}

/// Removes an account (its sessions end at once).
pub fn remove(hq: &Hq, name: &str) -> Result<(), ServiceError> {
    if hq.storage.remove_staff(name)? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "no staff account named {}",
            name.escape_default()
        )))
    }
}

/// Sets a new password: the lockout is lifted and every session ends.
pub fn set_password(hq: &Hq, name: &str, password: &str) -> Result<(), ServiceError> {
    check_password(password)?;
    if hq.storage.set_staff_password(name, &hash_password(password)?)? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "no staff account named {}",
            name.escape_default()
        )))
    }
}

/// The outcome of a login.
#[derive(Debug)]
pub enum Login {
    /// The session: its token (for the cookie; HQ keeps only its hash).
    Granted { account: StaffAccount, token: String },
    /// Unknown name or wrong password (which one is not said).
    Refused,
    /// Too many wrong passwords: no login before `until`, right password
    /// or not.
    Locked { until: UnixTime },
}

/// Checks a name and password (Argon2: call it off the async threads).
pub fn login(hq: &Hq, name: &str, password: &str) -> Result<Login, ServiceError> {
    let now = hq.now();
    let account = if check_name(name).is_ok() {
        hq.storage.staff_account(name)?
    } else {
        None
    };
    let Some(account) = account else {
        verify(password, decoy_hash());
        return Ok(Login::Refused);
    };
    if account.locked_until > now {
        return Ok(Login::Locked {
            until: account.locked_until,
        });
    }
    if !verify(password, &account.password_hash) {
        hq.storage.staff_login_failed(name, now, LOCK_AFTER, LOCK_FOR_S)?;
        tracing::warn!(staff = name, "staff login refused: wrong password");
        return Ok(match hq.storage.staff_account(name)? {
            Some(a) if a.locked_until > now => {
                tracing::warn!(staff = name, "staff account locked after {LOCK_AFTER} wrong passwords");
                Login::Locked { until: a.locked_until }
            }
            _ => Login::Refused,
        });
    }
    let token = keys::new_token().map_err(ServiceError::internal)?;
    let csrf = keys::new_token().map_err(ServiceError::internal)?;
    hq.storage
        .staff_login(name, &sha256_hex(token.as_bytes()), &csrf, now, now + SESSION_S)?;
    tracing::info!(staff = name, "staff logged in");
    Ok(Login::Granted { account, token })
}

/// The live session of a cookie's token.
pub fn session(hq: &Hq, token: &str) -> Result<Option<StaffSessionRecord>, ServiceError> {
    Ok(hq.storage.staff_session(&sha256_hex(token.as_bytes()), hq.now())?)
}

/// Ends the session of a cookie's token.
pub fn logout(hq: &Hq, token: &str) -> Result<(), ServiceError> {
    Ok(hq.storage.end_staff_session(&sha256_hex(token.as_bytes()))?)
}

/// Whether `account` may see and move `store`'s orders.
pub fn may_act_for(account: &StaffAccount, store: &str) -> bool {
    account.store.as_deref().is_none_or(|s| s == store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_hashes_verify_only_their_password() {
        assert!(check_name("camille.dupont").is_ok());
        for bad in ["", "Camille", "a b", "x\u{1b}[2J", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", decoy_hash()));
        assert!(check_password("short").is_err());
    }

    #[test]
    fn store_staff_act_for_their_store_and_hq_for_all() {
        let mut a = StaffAccount {
            name: "p".into(),
            store: Some("paris-01".into()),
            password_hash: String::new(),
            failed_logins: 0,
            locked_until: 0,
            created_at: 0,
        };
        assert!(may_act_for(&a, "paris-01"));
        assert!(!may_act_for(&a, "lyon-02"));
        a.store = None;
        assert!(may_act_for(&a, "lyon-02"));
    }
}
