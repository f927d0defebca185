//! Ed25519 signatures: HQ signs every catalog snapshot and delta, a kiosk
//! signs every basket it hands to a phone. Signing and checking are pure
//! (keys come in as bytes, randomness is the caller's), so they live here and
//! the kiosk and HQ cannot disagree on what is signed.
//!
//! # What is signed
//! - A catalog update: `vitrine-catalog-v2`, its kind (`snapshot`/`delta`),
//!   the store, the from and to versions, the SHA-256 of the exact bytes of
//!   its `changes` array and the time it expires, one per line
//!   ([`update_message`]).
//! - A handoff basket: `vitrine-handoff-v1` and the basket's compact text
//!   ([`crate::wire::HandoffBasket::payload`]).
//! - An answer of HQ's API ([`answer_message`]): `vitrine-answer-v1`, the
//!   kiosk's nonce for this request, the method and path (with its query)
//!   asked, the status and the SHA-256 of the body exactly as sent, so an
//!   answer cannot be altered, replayed, or moved to another request. The
//!   kiosk checks it on what it trusts: customers, coupons, the card table
//!   and the enrollment answer (which carries `public_base_url`).
//!
//! Keys and signatures travel as unpadded base64url text.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Why a key or a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("the public key is not valid: {0}")]
    BadKey(String),
    #[error("the signature is not readable: {0}")]
    BadSignatureEncoding(String),
    #[error("the signature does not match the content (tampered, or signed by another key)")]
    Mismatch,
}

/// A secret signing key (HQ's, or a kiosk's device key). Its `Debug` never
/// shows the key.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(public {})", self.public().to_text())
    }
}

impl SecretKey {
    /// The key for a 32-byte seed. The caller draws the seed from the
    /// operating system's random source (the core does no I/O).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// The seed, to store the key.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The seed as base64url text.
    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.seed())
    }

    pub fn from_text(text: &str) -> Result<SecretKey, SignError> {
        let bytes = decode32(text).map_err(SignError::BadKey)?;
        Ok(SecretKey::from_seed(bytes))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message`, giving the signature as base64url text.
    pub fn sign(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.0.sign(message).to_bytes())
    }
}

/// A public key that checks signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn from_text(text: &str) -> Result<PublicKey, SignError> {
        let bytes = decode32(text).map_err(SignError::BadKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|e| SignError::BadKey(e.to_string()))
    }

    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.as_bytes())
    }

    /// Checks `signature` (base64url) over `message`. Strict verification:
    /// no malleable signatures, no weak keys.
    pub fn verify(&self, message: &[u8], signature: &str) -> Result<(), SignError> {
        let raw = URL_SAFE_NO_PAD
            .decode(signature.trim())
            .map_err(|e| SignError::BadSignatureEncoding(e.to_string()))?;
        let bytes: [u8; 64] = raw
            .try_into()
            .map_err(|v: Vec<u8>| SignError::BadSignatureEncoding(format!("{} bytes instead of 64", v.len())))?;
        self.0
            .verify_strict(message, &Signature::from_bytes(&bytes))
            .map_err(|_| SignError::Mismatch)
    }
}

fn decode32(text: &str) -> Result<[u8; 32], String> {
    let raw = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|e| e.to_string())?;
    raw.try_into()
        .map_err(|v: Vec<u8>| format!("{} bytes instead of 32", v.len()))
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of a key's fingerprint (60 bits: finding another key with the
/// same fingerprint takes about 2^60 tries).
pub const FINGERPRINT_CHARS: usize = 12;

/// The fingerprint of HQ's public key that an enrollment code carries: the
/// first [`FINGERPRINT_CHARS`] Crockford base32 characters of the SHA-256
/// of the key. A kiosk enrolls only with the HQ whose key matches it, so a
/// machine in the middle of the enrollment cannot hand it another key.
pub fn key_fingerprint(key: &PublicKey) -> String {
    let digest = Sha256::digest(key.0.as_bytes());
    let mut acc: u128 = 0;
    for b in digest.iter().take(16) {
        acc = (acc << 8) | u128::from(*b);
    }
    (0..FINGERPRINT_CHARS)
        .map(|i| CROCKFORD[((acc >> (123 - 5 * i)) & 31) as usize] as char)
        .collect()
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The bytes HQ signs for a catalog update. `expires_at` (Unix seconds) is
/// signed too, so an update captured on the way cannot be replayed to a
/// kiosk (a fresh one, which takes any first snapshot) once it has expired.
pub fn update_message(
    kind: &str,
    store: &str,
    from_version: u64,
    to_version: u64,
    content_sha256: &str,
    expires_at: i64,
) -> Vec<u8> {
    format!("vitrine-catalog-v2\n{kind}\n{store}\n{from_version}\n{to_version}\n{content_sha256}\n{expires_at}")
        .into_bytes()
}

/// The bytes a device signs for a handoff basket.
pub fn handoff_message(payload: &str) -> Vec<u8> {
    format!("vitrine-handoff-v1\n{payload}").into_bytes()
}

/// The header HQ signs its API answers in ([`answer_message`]).
pub const ANSWER_SIGNATURE_HEADER: &str = "vitrine-signature";
/// The header a kiosk sends a fresh nonce in, for HQ to sign with the answer.
pub const ANSWER_NONCE_HEADER: &str = "vitrine-nonce";

/// Whether `nonce` is one HQ signs with: 1 to 64 base64url characters
/// (anything else is signed as the empty nonce).
pub fn valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty()
        && nonce.len() <= 64
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What HQ signs for one answer: the request's nonce (empty when it gave
/// none or an invalid one), method, path with query (`/v1/coupons/X`), the
/// answer's status and the SHA-256 of its body.
pub fn answer_message(nonce: &str, method: &str, path_and_query: &str, status: u16, body: &[u8]) -> Vec<u8> {
    let nonce = if valid_nonce(nonce) { nonce } else { "" };
    format!(
        "vitrine-answer-v1\n{nonce}\n{method} {path_and_query}\n{status}\n{}",
        sha256_hex(body)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_signature_binds_nonce_request_status_and_body() {
        let k = SecretKey::from_seed([9; 32]);
        let m = answer_message("n1", "GET", "/v1/coupons/A", 200, b"{}");
        let sig = k.sign(&m);
        assert!(k.public().verify(&m, &sig).is_ok());
        for other in [
            answer_message("n2", "GET", "/v1/coupons/A", 200, b"{}"),
            answer_message("n1", "GET", "/v1/coupons/B", 200, b"{}"),
            answer_message("n1", "GET", "/v1/coupons/A", 404, b"{}"),
            answer_message("n1", "GET", "/v1/coupons/A", 200, b"{ }"),
        ] {
            assert_eq!(k.public().verify(&other, &sig), Err(SignError::Mismatch));
        }
        assert_eq!(
            answer_message("bad nonce!", "GET", "/", 200, b""),
            answer_message("", "GET", "/", 200, b"")
        );
    }

    #[test]
    fn sign_and_verify_roundtrip_and_tamper() {
        let k = SecretKey::from_seed([7; 32]);
        let msg = update_message("delta", "paris-01", 3, 4, &sha256_hex(b"[]"), 100);
        let sig = k.sign(&msg);
        let pk = PublicKey::from_text(&k.public().to_text()).unwrap();
        pk.verify(&msg, &sig).unwrap();
        let other = update_message("delta", "lyon-02", 3, 4, &sha256_hex(b"[]"), 100);
        assert_eq!(pk.verify(&other, &sig), Err(SignError::Mismatch));
        let later = update_message("delta", "paris-01", 3, 4, &sha256_hex(b"[]"), 101);
        assert_eq!(pk.verify(&later, &sig), Err(SignError::Mismatch));
        let wrong_key = SecretKey::from_seed([8; 32]).public();
        assert_eq!(wrong_key.verify(&msg, &sig), Err(SignError::Mismatch));
        assert!(matches!(
            pk.verify(&msg, "not base64!"),
            Err(SignError::BadSignatureEncoding(_))
        ));
        assert!(PublicKey::from_text("AAAA").is_err());
        let restored = SecretKey::from_text(&k.to_text()).unwrap();
        assert_eq!(restored.public(), k.public());
        assert!(!format!("{k:?}").contains(&k.to_text()));
    }

    #[test]
    fn a_fingerprint_is_twelve_crockford_characters_per_key() {
        let a = key_fingerprint(&SecretKey::from_seed([1; 32]).public());
        let b = key_fingerprint(&SecretKey::from_seed([2; 32]).public());
        assert_eq!(a.len(), FINGERPRINT_CHARS);
        assert!(a.bytes().all(|c| CROCKFORD.contains(&c)), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, key_fingerprint(&SecretKey::from_seed([1; 32]).public()));
    }

    #[test]
    fn sha256_is_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
