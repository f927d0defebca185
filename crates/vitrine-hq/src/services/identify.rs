//! Proof of possession before HQ names a customer, and HQ's word on who
//! the customer of a basket is.
//!
//! # One-time codes
//! A shopper who types an email or a phone number at a kiosk gets a
//! six-digit code there (SMS webhook or SMTP relay, through the
//! notifications queue): [`open_challenge`] answers the kiosk the same way
//! whether or not the contact is a customer's (a code is sent only if it
//! is), so a kiosk learns nothing by asking. The code lives
//! [`CODE_LIFETIME_S`], may be tried [`MAX_ATTEMPTS`] times, only by the
//! kiosk that asked, and at most [`LIMITS`] challenges are opened per
//! contact and per kiosk. HQ keeps only keyed hashes (of the contact as for
//! lookup, of the code with the challenge's id). The right code
//! ([`answer_challenge`]) gets the customer's view and HQ's signed
//! identification ([`vitrine_core::loyalty::Identification`]), bound to that
//! kiosk and valid [`vitrine_core::loyalty::IDENTIFICATION_LIFETIME_S`].
//!
//! # Who the customer of a basket is
//! [`vouched_customer`]: the customer an identification HQ issued to the
//! kiosk names, or the loyalty token HQ signed, or the loyalty card number
//! the shopper presented (as HQ's own card lookup), each checked against
//! the basket's time. A `customer_id` a client sends is never trusted.

use vitrine_core::loyalty::{
    self, IdKind, Identification, LoyaltyToken, ProofKind, hmac_sha256_hex, keyed_hash, normalise_card,
    valid_customer_id,
};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::customers::{Challenge, ChallengeAnswer, ChallengeRequest, CustomerView, LookupKind};

use super::ServiceError;
use super::customers::{card_key, view};
use super::notify::messages::code_message;
use crate::storage::customers::{ChallengeLimits, ChallengeRecord, CodeCheck, CustomerRecord, Opened};
use crate::{Hq, keys};

/// How long a one-time code is valid (seconds).
pub const CODE_LIFETIME_S: i64 = 10 * 60;
/// How many codes may be tried per challenge.
pub const MAX_ATTEMPTS: u32 = 5;
/// Challenges opened per contact and per kiosk in a window.
pub const LIMITS: ChallengeLimits = ChallengeLimits {
    window_s: 15 * 60,
    per_contact: 3,
    per_device: 20,
};

/// Why a challenge or a code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Too many challenges for this contact or kiosk: again at this time.
    RateLimited { retry_at: UnixTime },
    /// A wrong code: tries left.
    WrongCode { left: u32 },
    /// Expired, used, out of tries, or not this kiosk's.
    Closed,
}

fn code_hash(hq: &Hq, challenge: &str, code: &str) -> String {
    hmac_sha256_hex(hq.lookup_key(), format!("identify-code:{challenge}:{code}").as_bytes())
}

/// Compares two hex hashes in time independent of where they differ.
fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Opens a challenge for what kiosk `device_id` was given: sends a code
/// if the contact is a customer's.
pub fn open_challenge(
    hq: &Hq,
    device_id: &str,
    req: &ChallengeRequest,
) -> Result<Result<Challenge, Refusal>, ServiceError> {
    let (kind, normalised, channel) = match req.kind {
        LookupKind::Email => (
            IdKind::Email,
            loyalty::normalise_email(&req.value)
                .ok_or_else(|| ServiceError::Invalid("not a valid email address".into()))?,
            "email",
        ),
        LookupKind::Phone => (
            IdKind::Phone,
            loyalty::normalise_phone(&req.value)
                .ok_or_else(|| ServiceError::Invalid("not a valid phone number".into()))?,
            "sms",
        ),
        LookupKind::Card | LookupKind::Token => {
            return Err(ServiceError::Invalid(
                "a one-time code is sent to an email or a phone; a card or token is looked up".into(),
            ));
        }
    };
    let contact_hash = keyed_hash(hq.lookup_key(), kind, &normalised);
    let customer = hq
        .storage
        .customer_by_hash(&contact_hash)?
        .filter(|c| c.forgotten_at.is_none());
    let now = hq.now();
    let id = keys::random_code(20).map_err(ServiceError::internal)?;
    let code = keys::random_digits().map_err(ServiceError::internal)?;
    let record = ChallengeRecord {
        id: id.clone(),
        kind: kind.as_str().to_string(),
        contact_hash,
        device_id: device_id.to_string(),
        customer_id: customer.as_ref().map(|c| c.id.clone()),
        code_hash: code_hash(hq, &id, &code),
        created_at: now,
        expires_at: now + CODE_LIFETIME_S,
    };
    let note = customer
        .as_ref()
        .and_then(|_| code_message(hq, channel, &normalised, &code, CODE_LIFETIME_S / 60, req.lang));
    match hq.storage.open_challenge(&record, LIMITS, note.as_ref())? {
        Opened::Opened => {
            tracing::info!(device = %device_id, channel, sent = note.is_some(), "identification code asked");
            if note.is_some() {
                hq.wake_notifier();
            }
            Ok(Ok(Challenge {
                id,
                expires_at: record.expires_at,
                attempts: MAX_ATTEMPTS,
            }))
        }
        Opened::RateLimited { retry_at } => {
            tracing::warn!(device = %device_id, "identification code refused: too many asked");
            Ok(Err(Refusal::RateLimited { retry_at }))
        }
    }
}

/// Checks the code the shopper typed at kiosk `device_id`: the customer's
/// view with HQ's identification for that kiosk.
pub fn answer_challenge(
    hq: &Hq,
    device_id: &str,
    a: &ChallengeAnswer,
) -> Result<Result<CustomerView, Refusal>, ServiceError> {
    let now = hq.now();
    let typed: String = a.code.chars().filter(|c| !c.is_whitespace()).collect();
    if a.id.len() > 64 || typed.len() > 16 {
        return Ok(Err(Refusal::Closed));
    }
    let mine = code_hash(hq, &a.id, &typed);
    let check = hq
        .storage
        .try_challenge(&a.id, device_id, now, MAX_ATTEMPTS, &|stored| same_hash(stored, &mine))?;
    match check {
        CodeCheck::Passed { customer_id, kind } => {
            let Some(c) = hq.storage.customer(&customer_id)?.filter(|c| c.forgotten_at.is_none()) else {
                return Ok(Err(Refusal::Closed));
            };
            tracing::info!(device = %device_id, "identification code accepted");
            let how = if kind == "email" {
                ProofKind::EmailCode
            } else {
                ProofKind::PhoneCode
            };
            Ok(Ok(identified_view(hq, &c, device_id, how, now)?))
        }
        CodeCheck::Wrong { left } => {
            tracing::info!(device = %device_id, left, "identification code wrong");
            Ok(Err(Refusal::WrongCode { left }))
        }
        CodeCheck::Closed => Ok(Err(Refusal::Closed)),
    }
}

/// The view of `c` with HQ's identification for kiosk `device_id`.
pub fn identified_view(
    hq: &Hq,
    c: &CustomerRecord,
    device_id: &str,
    how: ProofKind,
    now: UnixTime,
) -> Result<CustomerView, ServiceError> {
    let mut v = view(hq, c, now)?;
    v.identification = Some(Identification::new(&hq.key.public(), &c.id, device_id, how, now).sign(&hq.key));
    Ok(v)
}

/// HQ's pricing time for a basket or an order a kiosk dated `kiosk_time`:
/// the kiosk's time when it is within the tolerance of HQ's clock
/// ([`OFFLINE_TOLERANCE_S`] before, [`loyalty::CLOCK_SKEW_S`] after: an
/// order made offline and delivered later), else HQ's time now. The
/// boolean says whether HQ's time replaced the kiosk's.
pub fn pricing_time(kiosk_time: UnixTime, now: UnixTime) -> (UnixTime, bool) {
    if kiosk_time >= now.saturating_sub(OFFLINE_TOLERANCE_S) && kiosk_time <= now.saturating_add(loyalty::CLOCK_SKEW_S)
    {
        (kiosk_time, false)
    } else {
        (now, true)
    }
}

/// How long before HQ's clock a kiosk's time still counts for an order or
/// basket made offline (seconds): a store's outage of up to a working day.
pub const OFFLINE_TOLERANCE_S: i64 = 12 * 3600;

/// The customer HQ vouches for on a basket made at `at` by kiosk
/// `device_id`, from what the kiosk sent: an identification HQ issued to
/// that kiosk (`VTI1.`), a loyalty token HQ signed (`VTL1.`), or a loyalty
/// card number. None: anonymous (nothing sent, or not accepted: logged).
pub fn vouched_customer(
    hq: &Hq,
    evidence: Option<&str>,
    device_id: &str,
    at: UnixTime,
) -> Result<Option<CustomerRecord>, ServiceError> {
    let Some(text) = evidence.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let key = hq.key.public();
    let id = if text.starts_with("VTI1.") {
        match Identification::verify_signature(text, &key) {
            Ok(i) if i.covers(device_id, at) => Some(i.sub),
            Ok(_) => {
                tracing::warn!(device = %device_id, "identification of another kiosk or time: basket anonymous");
                None
            }
            Err(e) => {
                tracing::warn!(device = %device_id, error = %e, "identification refused: basket anonymous");
                None
            }
        }
    } else if text.starts_with("VTL1.") {
        match LoyaltyToken::verify_signature(text, &key) {
            Ok(t) if t.covers(at) => Some(t.sub),
            Ok(_) => {
                tracing::warn!(device = %device_id, "loyalty token too old for the basket: basket anonymous");
                None
            }
            Err(e) => {
                tracing::warn!(device = %device_id, error = %e, "loyalty token refused: basket anonymous");
                None
            }
        }
    } else if let Some(card) = normalise_card(text, &hq.config.card_prefix) {
        let hash = keyed_hash(&card_key(hq), IdKind::Card, &card);
        hq.storage.customer_by_hash(&hash)?.map(|c| c.id)
    } else {
        tracing::warn!(device = %device_id, "unreadable identification: basket anonymous");
        None
    };
    let Some(id) = id.filter(|id| valid_customer_id(id)) else {
        return Ok(None);
    };
    Ok(hq.storage.customer(&id)?.filter(|c| c.forgotten_at.is_none()))
}
