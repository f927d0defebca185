//! Randomness and secrets: HQ's signing key, device ids, one-time codes and
//! device tokens (stored only as SHA-256 hashes).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vitrine_core::sign::{PublicKey, SecretKey, key_fingerprint, sha256_hex};
use vitrine_core::wire::{ENROLL_SECRET_CHARS, normalise_enrollment_code, split_enrollment_code};
use vitrine_infra::fs::{Access, write_atomic};

/// The file holding HQ's signing key in the data directory.
pub const KEY_FILE: &str = "hq-signing.key";

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| std::io::Error::other(format!("the operating system's random source failed: {e}")))?;
    Ok(b)
}

fn base32(bytes: &[u8], chars: usize) -> String {
    let mut acc: u128 = 0;
    for b in bytes.iter().take(16) {
        acc = (acc << 8) | u128::from(*b);
    }
    (0..chars)
        .map(|i| CROCKFORD[((acc >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// `dev-XXXXXXXX`.
pub fn new_device_id() -> std::io::Result<String> {
    Ok(format!("dev-{}", base32(&random::<8>()?, 8)))
}

/// A one-time enrollment code: 16 random Crockford base32 characters (80
/// bits; no I, L, O or U to misread) then the 12-character fingerprint of
/// HQ's public key ([`vitrine_core::sign::key_fingerprint`]), in groups of
/// four: `7KMQ-2XTB-…`. The kiosk enrolls only with the HQ whose key
/// matches the fingerprint; HQ keeps only the hash of the secret part.
pub fn new_code(hq_key: &PublicKey) -> std::io::Result<String> {
    let secret = base32(&random::<16>()?, ENROLL_SECRET_CHARS);
    let all = format!("{secret}{}", key_fingerprint(hq_key));
    let groups: Vec<&str> = all
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Ok(groups.join("-"))
}

/// Normalises a typed code (case, spaces, dashes, look-alike letters).
pub fn normalise_code(code: &str) -> String {
    normalise_enrollment_code(code)
}

/// The hash HQ keeps of a code: of its secret part only (a code of an
/// older HQ, without fingerprint, whole).
pub fn code_hash(code: &str) -> String {
    sha256_hex(split_enrollment_code(code).0.as_bytes())
}

/// A device bearer token (256 bits).
pub fn new_token() -> std::io::Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random::<32>()?))
}

pub fn token_hash(token: &str) -> String {
    sha256_hex(token.trim().as_bytes())
}

/// Loads HQ's signing key, creating it (owner-only file) on first start.
pub fn load_or_create_key(data_dir: &Path) -> std::io::Result<SecretKey> {
    let path = data_dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::from_text(text.trim()).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}: {e}; restore it from a backup (kiosks trust this key)",
                    path.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::from_seed(random::<32>()?);
            write_atomic(&path, key.to_text().as_bytes(), Access::OwnerOnly)?;
            tracing::info!(file = %path.display(), "created HQ's signing key");
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

/// The file holding the secret of the customer identifiers' keyed hashes.
pub const LOOKUP_KEY_FILE: &str = "hq-lookup.key";

/// Loads the secret of the keyed hashes (HMAC-SHA256) of customer emails,
/// phone numbers and cards, creating it (owner-only file) on first start.
/// Losing it makes every stored identifier unfindable.
pub fn load_or_create_lookup_key(data_dir: &Path) -> std::io::Result<[u8; 32]> {
    let path = data_dir.join(LOOKUP_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let raw = URL_SAFE_NO_PAD
                .decode(text.trim())
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok());
            raw.ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: not a 32-byte key; restore it from a backup", path.display()),
                )
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random::<32>()?;
            write_atomic(&path, URL_SAFE_NO_PAD.encode(key).as_bytes(), Access::OwnerOnly)?;
            tracing::info!(file = %path.display(), "created HQ's customer lookup secret");
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

/// A random id or code of `chars` Crockford base32 characters.
pub fn random_code(chars: usize) -> std::io::Result<String> {
    Ok(base32(&random::<16>()?, chars.min(25)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_ids() {
        let hq = SecretKey::from_seed([3; 32]).public();
        let c = new_code(&hq).unwrap();
        assert_eq!(c.len(), 34, "{c}");
        assert_eq!(code_hash(&c), code_hash(&c.to_lowercase().replace('-', " ")));
        assert!(c.replace('-', "").ends_with(&key_fingerprint(&hq)), "{c}");
        assert_eq!(split_enrollment_code(&c).1, Some(key_fingerprint(&hq)));
        // The hash is of the secret part: another fingerprint, same hash.
        let secret = &c.replace('-', "")[..16];
        assert_eq!(code_hash(&format!("{secret}000000000000")), code_hash(&c));
        assert_eq!(normalise_code("ab-lo"), "AB10");
        assert!(new_device_id().unwrap().starts_with("dev-"));
        assert_ne!(new_token().unwrap(), new_token().unwrap());
        let dir = tempfile::tempdir().unwrap();
        let k1 = load_or_create_key(dir.path()).unwrap();
        let k2 = load_or_create_key(dir.path()).unwrap();
        assert_eq!(k1.public(), k2.public());
        let l1 = load_or_create_lookup_key(dir.path()).unwrap();
        assert_eq!(l1, load_or_create_lookup_key(dir.path()).unwrap());
        #[cfg(unix)]
        for f in [KEY_FILE, LOOKUP_KEY_FILE] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }
}
