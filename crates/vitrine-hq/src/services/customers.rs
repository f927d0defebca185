//! The customer referential.
//!
//! # Customers
//! A customer is an id (`cus-…`), a first name, a tier and a consent to
//! personalisation. Emails, phone numbers and card numbers are stored only
//! as keyed hashes (HMAC-SHA256 with HQ's lookup secret, `hq-lookup.key`),
//! enough to find a customer from what they type or scan, never enough to
//! read the identifier back. [`forget`] erases a customer's personal data.
//!
//! # Identification
//! - Loyalty token ([`issue_token`]): signed with HQ's signing key, checked
//!   by the kiosk offline ([`vitrine_core::loyalty::LoyaltyToken`]).
//! - Card: looked up online ([`lookup`]) or offline in the card table the
//!   kiosk syncs ([`card_table`]): entries sealed under a slow hash of each
//!   card number ([`vitrine_core::cardtable`]), computed once when the
//!   customer is added (HQ keeps that secret, never the number), so a
//!   kiosk's copy cannot be read back without trying every card number at
//!   the slow hash's price.
//! - Email or phone: online only, and only with a one-time code sent there
//!   ([`super::identify`]): a lookup by email or phone is refused.
//!
//! An online identification answers with HQ's signed identification for
//! the kiosk that asked, which vouches for the customer on the shopper's
//! handoff or order ([`super::identify::vouched_customer`]).
//!
//! # Personal prices and coupons
//! Member prices are catalog promotions for a tier (applied when the
//! customer consented, [`pricing_context`]). Personal coupons
//! ([`super::coupons`]) ride along in the loyalty token and the lookup
//! answer.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;
use vitrine_core::cardtable::{CardKdf, CardSecret, card_secret};
use vitrine_core::loyalty::{self, CardEntry, IdKind, Identification, LoyaltyToken, ProofKind, TokenOffer, keyed_hash};
use vitrine_core::pricing::{CustomerContext, Tier};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::customers::{CardTable, CustomerLookup, CustomerView, LookupKind};

use super::coupons::coupon_promo;
use crate::storage::StorageError;
use crate::storage::customers::{CardHolder, CustomerRecord, IdentifierHash};
use crate::{Hq, dates, keys};

/// Why a customer command failed.
#[derive(Debug, Error)]
pub enum CustomerError {
    /// Bad input: the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    #[error("no customer {0} at HQ")]
    NotFound(String),
    /// An email or phone number was looked up without a one-time code.
    #[error("an email or a phone number identifies a shopper only with a one-time code: POST /v1/customers/challenge")]
    ProofRequired,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("HQ's random source: {0}")]
    Io(#[from] std::io::Error),
}

/// A customer to add.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub card: Option<String>,
    pub tier: Option<Tier>,
    pub consent: bool,
}

fn hash(hq: &Hq, kind: IdKind, normalised: &str) -> String {
    keyed_hash(hq.lookup_key(), kind, normalised)
}

/// The key of the card table's hashes: derived from the lookup secret, so
/// the kiosks that hold it cannot hash emails or phone numbers HQ's way.
pub fn card_key(hq: &Hq) -> Vec<u8> {
    loyalty::hmac_sha256_hex(hq.lookup_key(), b"vitrine-card-table-v1").into_bytes()
}

/// The kind under which a card's slow-hash secret is stored beside its
/// keyed hash (not an identifier HQ looks up: `customer show` omits it).
pub const CARD_SECRET_KIND: &str = "card_secret";

/// The card table's salt: HQ's own (derived from the lookup secret), the
/// same for every table it serves (the secrets HQ keeps depend on it).
pub fn card_salt(hq: &Hq) -> Vec<u8> {
    let hex = loyalty::hmac_sha256_hex(hq.lookup_key(), b"vitrine-card-salt-v1");
    (0..16)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn card_hash(key: &[u8], normalised: &str) -> String {
    keyed_hash(key, IdKind::Card, normalised)
}

/// Adds a customer; returns the new id.
pub fn add(hq: &Hq, c: &NewCustomer) -> Result<String, CustomerError> {
    let first = c.first_name.trim();
    if first.chars().count() > 50 || !vitrine_core::wire::valid_name(first) {
        return Err(CustomerError::Invalid(
            "--first-name: a first name of 1 to 50 letters, digits, spaces, hyphens, apostrophes or full stops is required".into(),
        ));
    }
    let mut hashes = Vec::new();
    if let Some(e) = &c.email {
        let n = loyalty::normalise_email(e)
            .ok_or_else(|| CustomerError::Invalid("--email: not a valid email address".into()))?;
        hashes.push(IdentifierHash {
            kind: "email".into(),
            hash: hash(hq, IdKind::Email, &n),
        });
    }
    if let Some(p) = &c.phone {
        let n = loyalty::normalise_phone(p)
            .ok_or_else(|| CustomerError::Invalid("--phone: not a valid phone number (digits, optionally +)".into()))?;
        hashes.push(IdentifierHash {
            kind: "phone".into(),
            hash: hash(hq, IdKind::Phone, &n),
        });
    }
    if let Some(card) = &c.card {
        let n = loyalty::normalise_card(card, &hq.config.card_prefix).ok_or_else(|| {
            CustomerError::Invalid(format!(
                "--card: a loyalty card is 13 digits starting with {} with a right check digit",
                hq.config.card_prefix
            ))
        })?;
        hashes.push(IdentifierHash {
            kind: "card".into(),
            hash: card_hash(&card_key(hq), &n),
        });
        // The slow hash, once, now that HQ has the number (it keeps only
        // this): the card table seals the entry under it.
        let secret =
            card_secret(&n, &card_salt(hq), CardKdf::DEFAULT).map_err(|e| CustomerError::Invalid(e.to_string()))?;
        hashes.push(IdentifierHash {
            kind: CARD_SECRET_KIND.into(),
            hash: secret.to_hex(),
        });
    }
    let id = format!("cus-{}", keys::random_code(10)?);
    let rec = CustomerRecord {
        id: id.clone(),
        first_name: Some(first.to_string()),
        tier: c.tier,
        consent: c.consent,
        created_at: hq.now(),
        forgotten_at: None,
        identifiers: Vec::new(),
    };
    hq.storage.add_customer(&rec, &hashes).map_err(|e| match e {
        StorageError::Duplicate(m) => CustomerError::Invalid(m),
        e => e.into(),
    })?;
    tracing::info!(customer = %id, "customer added");
    Ok(id)
}

pub fn get(hq: &Hq, id: &str) -> Result<CustomerRecord, CustomerError> {
    hq.storage
        .customer(id)?
        .ok_or_else(|| CustomerError::NotFound(id.to_string()))
}

/// Erases a customer's personal data (the right to erasure). The id stays,
/// with no name and no identifier, so past redemptions still add up. The
/// records that carry one of the customer's email or phone without their id
/// (an anonymous order, a basket claimed by email, the survey and messages
/// that followed) are erased too: each contact stored in clear is
/// normalised and hashed as [`lookup`] does and compared with the
/// customer's hashes.
pub fn forget(hq: &Hq, id: &str) -> Result<(), CustomerError> {
    let hashes_of = |raw: &str| -> Vec<String> {
        let mut out = Vec::with_capacity(2);
        if let Some(e) = loyalty::normalise_email(raw) {
            out.push(hash(hq, IdKind::Email, &e));
        }
        if let Some(p) = loyalty::normalise_phone(raw) {
            out.push(hash(hq, IdKind::Phone, &p));
        }
        out
    };
    if !hq.storage.forget_customer(id, hq.now(), &hashes_of)? {
        return Err(CustomerError::NotFound(id.to_string()));
    }
    tracing::info!(customer = %id, "customer forgotten");
    Ok(())
}

/// A loyalty token for the customer, valid a few minutes (what the
/// retailer's app shows as a QR code).
pub fn issue_token(hq: &Hq, id: &str) -> Result<String, CustomerError> {
    let c = get(hq, id)?;
    let name = c
        .first_name
        .filter(|_| c.forgotten_at.is_none())
        .ok_or_else(|| CustomerError::Invalid(format!("customer {id} was forgotten: no token")))?;
    let now = hq.now();
    // The personal coupons ride along, so a kiosk that cannot reach HQ still
    // applies them (HQ records their one use when the order arrives).
    let offers = if c.consent {
        hq.storage
            .live_coupons(&c.id, now)?
            .iter()
            .map(|k| TokenOffer {
                code: k.code.clone(),
                basis_points: k.basis_points,
                min_spend_minor: k.min_spend_minor,
                valid_from: k.valid_from,
                valid_until: k.valid_until,
            })
            .collect()
    } else {
        Vec::new()
    };
    let t = LoyaltyToken::new(&hq.key.public(), &c.id, &name, c.tier, c.consent, now).with_offers(offers);
    Ok(t.sign(&hq.key))
}

/// The pricing context of a customer: their tier when they consented.
pub fn pricing_context(c: &CustomerRecord) -> CustomerContext {
    CustomerContext {
        customer_id: c.id.clone(),
        tier: if c.consent { c.tier } else { None },
        coupons: Vec::new(),
    }
}

/// What a kiosk may know of an identified customer.
pub fn view(hq: &Hq, c: &CustomerRecord, now: UnixTime) -> Result<CustomerView, CustomerError> {
    let offers = if c.consent {
        hq.storage.live_coupons(&c.id, now)?.iter().map(coupon_promo).collect()
    } else {
        Vec::new()
    };
    Ok(CustomerView {
        customer_id: c.id.clone(),
        first_name: c.first_name.clone().unwrap_or_default(),
        tier: c.tier,
        consent: c.consent,
        offers,
        identification: None,
    })
}

/// Finds a customer from a card or a loyalty token the shopper presented
/// at kiosk `device_id`; None: unknown. The view carries HQ's
/// identification for that kiosk. An email or a phone number identifies
/// no one by itself: the shopper proves they hold it with a one-time code
/// ([`super::identify`]).
pub fn lookup(hq: &Hq, q: &CustomerLookup, device_id: &str) -> Result<Option<CustomerView>, CustomerError> {
    let now = hq.now();
    let (found, how) = match q.kind {
        LookupKind::Email | LookupKind::Phone => return Err(CustomerError::ProofRequired),
        LookupKind::Card => {
            let n = loyalty::normalise_card(&q.value, &hq.config.card_prefix)
                .ok_or_else(|| CustomerError::Invalid("not one of this retailer's loyalty card numbers".into()))?;
            (
                hq.storage.customer_by_hash(&card_hash(&card_key(hq), &n))?,
                ProofKind::Card,
            )
        }
        LookupKind::Token => {
            let t = LoyaltyToken::verify(&q.value, &hq.key.public(), now).map_err(|e| {
                CustomerError::Invalid(match e {
                    loyalty::TokenError::Expired(at) => {
                        format!("the code has expired (at {}); show a fresh one", dates::format_time(at))
                    }
                    e => e.to_string(),
                })
            })?;
            (
                hq.storage.customer(&t.sub)?.filter(|c| c.forgotten_at.is_none()),
                ProofKind::Token,
            )
        }
    };
    let Some(c) = found.filter(|c| c.forgotten_at.is_none()) else {
        return Ok(None);
    };
    let mut v = view(hq, &c, now)?;
    v.identification = Some(Identification::new(&hq.key.public(), &c.id, device_id, how, now).sign(&hq.key));
    Ok(Some(v))
}

/// The offline card table for kiosks: each holder's entry sealed afresh
/// (a new random nonce each time) under their card's secret.
pub fn card_table(hq: &Hq) -> Result<CardTable, CustomerError> {
    let mut entries = Vec::new();
    for CardHolder { hash, customer: c } in hq.storage.card_holders()? {
        let Ok(secret) = CardSecret::from_hex(&hash) else {
            tracing::warn!(customer = %c.id, "unreadable card secret; left out of the card table");
            continue;
        };
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
        let entry = CardEntry {
            customer_id: c.id,
            first_name: c.first_name.unwrap_or_default(),
            tier: c.tier,
            consent: c.consent,
        };
        entries.push(
            secret
                .seal(&entry, nonce)
                .map_err(|e| CustomerError::Invalid(e.to_string()))?,
        );
    }
    Ok(CardTable {
        prefix: hq.config.card_prefix.clone(),
        salt: URL_SAFE_NO_PAD.encode(card_salt(hq)),
        kdf: CardKdf::DEFAULT,
        entries,
        as_of: hq.now(),
    })
}
