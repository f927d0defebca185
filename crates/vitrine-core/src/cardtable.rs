//! The offline loyalty card table (issue 14): what a kiosk holds so that a
//! scanned loyalty card still greets its holder with HQ out of reach, in a
//! form where a copy of the kiosk's disk does not give every card number,
//! first name and tier in minutes.
//!
//! # Design
//! Card numbers are few (10^8 in a retailer's range), so any table a kiosk
//! can search by card number can be searched by an attacker trying every
//! number; what can be chosen is the price of one try. Each card number
//! gives, through Argon2id with the table's salt ([`CardKdf`], 16 MiB and
//! 2 passes by default), a [`CardSecret`]: a short tag (16 bits, the index:
//! about one entry in 65,536 shares it, so it tells almost nothing) and a
//! key that opens the holder's entry (ChaCha20-Poly1305: customer id, first
//! name, tier, consent). The table holds only tags and sealed entries; the
//! kiosk computes one secret per scanned card, and an attacker one per
//! number tried, memory-hard. HQ never has card numbers after a customer is
//! added, so it keeps each card's secret (computed once, at `customer add`)
//! and seals the entries afresh, with a new random nonce, at each table it
//! serves.
//!
//! Pure: the salt, the nonces and the numbers come in as arguments.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::loyalty::CardEntry;

/// The cost of one card number's [`CardSecret`] (Argon2id, one lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardKdf {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Passes over it.
    pub passes: u32,
}

impl CardKdf {
    /// 16 MiB, 2 passes: tens of milliseconds a card on a kiosk (once per
    /// scanned card), the same per number tried by an attacker, who needs
    /// 16 MiB per try in parallel.
    pub const DEFAULT: CardKdf = CardKdf {
        m_kib: 16 * 1024,
        passes: 2,
    };

    /// The cheapest parameters a kiosk accepts: a table with less (a false
    /// HQ lowering the cost) is refused.
    pub const MIN: CardKdf = CardKdf {
        m_kib: 8 * 1024,
        passes: 1,
    };

    /// Whether a kiosk takes a table made with these parameters (not below
    /// [`CardKdf::MIN`], not so costly a scan would hang: 256 MiB, 10 passes).
    pub fn acceptable(&self) -> bool {
        self.m_kib >= CardKdf::MIN.m_kib
            && self.passes >= CardKdf::MIN.passes
            && self.m_kib <= 256 * 1024
            && self.passes <= 10
    }
}

/// Why a card secret or entry could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardTableError {
    #[error("the card table's hash parameters are not usable: {0}")]
    Kdf(String),
    #[error("a card table entry could not be sealed")]
    Seal,
    #[error("the stored card secret is not readable")]
    BadSecret,
}

/// Bytes of a card secret: the tag's material then the entry's key.
const SECRET_BYTES: usize = 48;

/// What one card number gives through the slow hash: its entry's tag and
/// key. HQ stores it (hex) in place of the number it never keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct CardSecret([u8; SECRET_BYTES]);

impl std::fmt::Debug for CardSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardSecret(tag {})", self.tag())
    }
}

/// The secret of a normalised card number (`loyalty::normalise_card`)
/// with the table's `salt` (at least 8 bytes).
pub fn card_secret(normalised: &str, salt: &[u8], kdf: CardKdf) -> Result<CardSecret, CardTableError> {
    let params =
        Params::new(kdf.m_kib, kdf.passes, 1, Some(SECRET_BYTES)).map_err(|e| CardTableError::Kdf(e.to_string()))?;
    let mut out = [0u8; SECRET_BYTES];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(normalised.as_bytes(), salt, &mut out)
        .map_err(|e| CardTableError::Kdf(e.to_string()))?;
    Ok(CardSecret(out))
}

impl CardSecret {
    /// The entry's index: 4 hex digits (16 bits).
    pub fn tag(&self) -> String {
        format!("{:02x}{:02x}", self.0[0], self.0[1])
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.0[16..48]))
    }

    /// Seals `entry` with a fresh 12-byte `nonce` (the caller's randomness):
    /// base64url of the nonce and the ciphertext.
    pub fn seal(&self, entry: &CardEntry, nonce: [u8; 12]) -> Result<SealedCard, CardTableError> {
        let plain = serde_json::to_vec(entry).map_err(|_| CardTableError::Seal)?;
        let ct = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
            .map_err(|_| CardTableError::Seal)?;
        let mut all = nonce.to_vec();
        all.extend_from_slice(&ct);
        Ok(SealedCard {
            tag: self.tag(),
            sealed: URL_SAFE_NO_PAD.encode(all),
        })
    }

    /// Opens a sealed entry: None when it is not this card's (another card
    /// with the same tag) or was altered.
    pub fn open(&self, sealed: &SealedCard) -> Option<CardEntry> {
        if sealed.tag != self.tag() {
            return None;
        }
        let all = URL_SAFE_NO_PAD.decode(sealed.sealed.as_bytes()).ok()?;
        if all.len() < 12 {
            return None;
        }
        let (nonce, ct) = all.split_at(12);
        let plain = self.cipher().decrypt(Nonce::from_slice(nonce), ct).ok()?;
        serde_json::from_slice(&plain).ok()
    }

    /// Hex, for HQ's storage.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(hex: &str) -> Result<CardSecret, CardTableError> {
        if hex.len() != SECRET_BYTES * 2 || !hex.is_ascii() {
            return Err(CardTableError::BadSecret);
        }
        let mut out = [0u8; SECRET_BYTES];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| CardTableError::BadSecret)?;
        }
        Ok(CardSecret(out))
    }
}

/// One entry of the table as it travels and as the kiosk stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedCard {
    /// [`CardSecret::tag`] of the holder's card.
    pub tag: String,
    /// base64url: 12-byte nonce, then the ChaCha20-Poly1305 ciphertext of
    /// the [`CardEntry`] JSON.
    pub sealed: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Tier;

    const FAST: CardKdf = CardKdf { m_kib: 64, passes: 1 };

    fn entry() -> CardEntry {
        CardEntry {
            customer_id: "cus-1".into(),
            first_name: "Camille".into(),
            tier: Some(Tier::Gold),
            consent: true,
        }
    }

    #[test]
    fn the_right_card_opens_its_entry_and_no_other_does() {
        let salt = b"0123456789abcdef";
        let s = card_secret("0450000042423", salt, FAST).unwrap();
        let sealed = s.seal(&entry(), [7; 12]).unwrap();
        assert_eq!(sealed.tag.len(), 4);
        assert!(!sealed.sealed.contains("Camille"));
        assert_eq!(s.open(&sealed), Some(entry()));
        let other = card_secret("0450000042430", salt, FAST).unwrap();
        assert_eq!(
            other.open(&SealedCard {
                tag: other.tag(),
                ..sealed.clone()
            }),
            None
        );
        // Another salt (another HQ) gives another secret.
        assert_ne!(card_secret("0450000042423", b"fedcba9876543210", FAST).unwrap(), s);
        // Altered: refused.
        let mut bad = sealed.clone();
        bad.sealed
            .replace_range(20..21, if &bad.sealed[20..21] == "A" { "B" } else { "A" });
        assert_eq!(s.open(&bad), None);
        // Stored and read back.
        assert_eq!(CardSecret::from_hex(&s.to_hex()).unwrap(), s);
        assert!(CardSecret::from_hex("zz").is_err());
        assert!(!format!("{s:?}").contains(&s.to_hex()));
    }

    #[test]
    fn a_table_made_too_cheap_or_too_costly_is_not_acceptable() {
        assert!(CardKdf::DEFAULT.acceptable());
        assert!(!FAST.acceptable());
        assert!(
            !CardKdf {
                m_kib: 1 << 30,
                passes: 2
            }
            .acceptable()
        );
    }
}
