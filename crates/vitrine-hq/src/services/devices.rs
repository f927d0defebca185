//! Kiosks joining HQ and proving who they are: enrollment with a one-time
//! code, then a bearer token on every request.

use vitrine_core::sign::PublicKey;
use vitrine_core::wire::{EnrollRequest, EnrollResponse};

use super::ServiceError;
use crate::storage::devices::Enrollment;
use crate::storage::{Device, StorageError};
use crate::{Hq, keys, now};

/// Enrolls a kiosk with its one-time code: HQ records its public key and
/// gives it a bearer token (kept only as a hash) and HQ's public key.
/// `client` is who asked (for the log of refused codes).
pub fn enroll(hq: &Hq, req: &EnrollRequest, client: std::net::IpAddr) -> Result<EnrollResponse, ServiceError> {
    PublicKey::from_text(&req.device_public_key)
        .map_err(|e| ServiceError::Invalid(format!("device_public_key: {e}")))?;
    let token = keys::new_token().map_err(ServiceError::internal)?;
    let name = req
        .device_name
        .as_deref()
        .map(clean_device_name)
        .filter(|n| !n.is_empty());
    let device = hq.storage.enroll_device(
        &Enrollment {
            code_hash: &keys::code_hash(&req.code),
            public_key: &req.device_public_key,
            name: name.as_deref(),
            token_hash: &keys::token_hash(&token),
        },
        now(),
    )?;
    let device = device.ok_or_else(|| {
        // Never the code itself: a log reader must not be able to use it.
        tracing::warn!(client = %client, "enrollment refused: unknown, used, expired or revoked code");
        ServiceError::Forbidden(
            "this enrollment code is unknown, already used, expired or revoked; get a new one with `vitrine-hq device add --store STORE`".into(),
        )
    })?;
    tracing::info!(device = %device.id, store = %device.store, "kiosk enrolled");
    Ok(EnrollResponse {
        device_id: device.id,
        store: device.store,
        token,
        hq_public_key: hq.key.public().to_text(),
        public_base_url: hq.config.public_base_url.clone(),
        catalog_version: hq.storage.current_version()?,
    })
}

/// A device's name as HQ keeps it (the kiosk's host name, for people
/// reading `device list`): at most 64 characters, no control character, so
/// no terminal escape sequence reaches an operator's terminal.
pub fn clean_device_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The device a bearer token belongs to, revoked or not (None: no device
/// has it).
pub fn by_token(hq: &Hq, token: &str) -> Result<Option<Device>, StorageError> {
    hq.storage.device_by_token(&keys::token_hash(token))
}
