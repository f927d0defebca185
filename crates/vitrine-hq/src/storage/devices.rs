//! The kiosks HQ knows: registered with a one-time code (kept only as a
//! hash), enrolled with their public key and a bearer token (kept only as a
//! hash), revoked for good.

use serde::Serialize;
use vitrine_core::product::UnixTime;

use super::Result;

/// A kiosk known to HQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: String,
    pub store: String,
    pub name: Option<String>,
    pub public_key: Option<String>,
    pub created_at: UnixTime,
    pub enrolled_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

/// A kiosk registered for a store, waiting for its enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice<'a> {
    /// Made by the caller (`dev-…`).
    pub id: &'a str,
    pub store: &'a str,
    /// The hash of its one-time enrollment code.
    pub code_hash: &'a str,
    pub code_expires_at: UnixTime,
}

/// What an enrolling kiosk brings with its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment<'a> {
    pub code_hash: &'a str,
    pub public_key: &'a str,
    pub name: Option<&'a str>,
    /// The hash of the bearer token HQ gives it.
    pub token_hash: &'a str,
}

/// Storage of the fleet.
pub trait DeviceStore {
    /// Records a new device waiting for enrollment.
    fn add_device(&self, d: &NewDevice<'_>, now: UnixTime) -> Result<()>;
    /// Consumes a one-time code: the device gets its key and token hash.
    /// None: the code is unknown, used, expired or its device revoked.
    fn enroll_device(&self, e: &Enrollment<'_>, now: UnixTime) -> Result<Option<Device>>;
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>>;
    fn device(&self, id: &str) -> Result<Option<Device>>;
    /// False when the device is unknown or already revoked.
    fn revoke_device(&self, id: &str, now: UnixTime) -> Result<bool>;
    fn devices(&self) -> Result<Vec<Device>>;
    /// The ids of every revoked device (push streams of these end).
    fn revoked_device_ids(&self) -> Result<Vec<String>>;
}
