//! Recognising a shopper: the loyalty QR token signed by HQ, signed coupon
//! QR codes, loyalty card numbers, and the keyed hashes under which HQ (and
//! a kiosk's offline card table) look identifiers up.
//!
//! Pure functions: keys come in as bytes, time comes in as an argument.
//!
//! # Loyalty token (the retailer app's QR code)
//! `VTL1.<payload>.<signature>`: the payload is base64url JSON
//! ([`LoyaltyToken`]), the signature is HQ's ed25519 signature over
//! `vitrine-loyalty-v1\n<payload>`. The payload names its issuer: the
//! [`issuer_id`] of HQ's public key, so that a token of another retailer is
//! told apart from a forged one. A token lives a few minutes
//! ([`TOKEN_LIFETIME_S`]); the kiosk checks it offline with the HQ key it
//! stored at enrollment, allowing [`CLOCK_SKEW_S`] of clock difference.
//! The token carries the customer's personal coupons (at most
//! [`MAX_TOKEN_OFFERS`], the soonest to expire first), so a kiosk that cannot
//! reach HQ still applies them; their one use is HQ's to record when the
//! order or handoff arrives, as for a scanned coupon.
//!
//! # Coupon QR code
//! `VTC1.<payload>.<signature>`, the same scheme over
//! `vitrine-coupon-v1\n<payload>` ([`SignedCoupon`]). The kiosk prices a
//! scanned coupon offline; HQ records its one use ([`crate::wire`]).
//!
//! # Identification (HQ's word that a shopper proved who they are)
//! `VTI1.<payload>.<signature>`, the same scheme over
//! `vitrine-identification-v1\n<payload>` ([`Identification`]). HQ issues
//! one when a shopper proved possession of an email or phone (a one-time
//! code) or presented a card or loyalty token online; it names the kiosk it
//! was issued to and lives [`IDENTIFICATION_LIFETIME_S`]. A kiosk sends it
//! back with a handoff or an order, and HQ prices for that customer only
//! when the signature is HQ's, the kiosk is the one named and the basket
//! was made within its lifetime ([`Identification::covers`]). A loyalty
//! token (signed by HQ too) is accepted the same way for an offline kiosk,
//! for [`TOKEN_SESSION_GRACE_S`] after it expired (the shopper's session).
//!
//! # Keyed hashes
//! Contact details are never stored in clear for lookup: HQ keeps
//! HMAC-SHA256(secret, normalised value) ([`keyed_hash`]), with
//! [`normalise_email`], [`normalise_phone`] and [`normalise_card`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::pricing::{Audience, PromoKind, Promotion, Target, Tier};
use crate::product::UnixTime;
use crate::sign::{PublicKey, SecretKey, SignError, sha256_hex};

/// How long a loyalty token is valid (seconds): the app shows a fresh one.
pub const TOKEN_LIFETIME_S: i64 = 5 * 60;
/// Clock difference tolerated between HQ and a kiosk (seconds).
pub const CLOCK_SKEW_S: i64 = 60;
/// The longest token text accepted (a QR code's worth).
pub const MAX_TOKEN_LEN: usize = 1024;
/// Loyalty cards: EAN-13 numbers in GS1's restricted-circulation range 04x
/// (numbers a company uses internally); Vitrine's default is `0450…`.
pub const DEFAULT_CARD_PREFIX: &str = "0450";

/// The most personal coupons a loyalty token carries (it stays a QR code a
/// phone shows and a kiosk camera reads at arm's length).
pub const MAX_TOKEN_OFFERS: usize = 4;

const TOKEN_PREFIX: &str = "VTL1.";
const COUPON_PREFIX: &str = "VTC1.";
const IDENTIFICATION_PREFIX: &str = "VTI1.";
const IDENTIFICATION_DOMAIN: &str = "vitrine-identification-v1";

/// How long an identification HQ issued vouches for a shopper (seconds):
/// one visit at the kiosk, from the proof to the order.
pub const IDENTIFICATION_LIFETIME_S: i64 = 30 * 60;
/// How long after its expiry a loyalty token still vouches for the basket
/// of the session it opened (an offline kiosk has nothing better).
pub const TOKEN_SESSION_GRACE_S: i64 = 30 * 60;
/// The longest customer id HQ accepts anywhere (its ids are `cus-` and 10
/// characters).
pub const MAX_CUSTOMER_ID_LEN: usize = 64;

/// Whether `id` has the shape of a customer id (bounded, token
/// characters only).
pub fn valid_customer_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CUSTOMER_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// How the shopper proved who they are, as an identification says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// A one-time code sent to their email.
    EmailCode,
    /// A one-time code sent to their phone.
    PhoneCode,
    /// Their loyalty card, looked up online.
    Card,
    /// The retailer app's loyalty token, looked up online.
    Token,
}

/// HQ's signed statement that the shopper at kiosk `dev` is customer
/// `sub` (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identification {
    pub iss: String,
    pub sub: String,
    /// The kiosk (device id) it was issued to: no other kiosk may use it.
    pub dev: String,
    pub how: ProofKind,
    pub iat: UnixTime,
    pub exp: UnixTime,
}

impl Identification {
    /// An identification of `customer_id` for kiosk `device_id`, valid
    /// [`IDENTIFICATION_LIFETIME_S`] from `now`.
    pub fn new(hq: &PublicKey, customer_id: &str, device_id: &str, how: ProofKind, now: UnixTime) -> Identification {
        Identification {
            iss: issuer_id(hq),
            sub: customer_id.to_string(),
            dev: device_id.to_string(),
            how,
            iat: now,
            exp: now.saturating_add(IDENTIFICATION_LIFETIME_S),
        }
    }

    pub fn sign(&self, key: &SecretKey) -> String {
        encode(IDENTIFICATION_PREFIX, IDENTIFICATION_DOMAIN, key, self)
    }

    /// Checks issuer and signature, not time: HQ checks time against the
    /// basket it comes with ([`Identification::covers`]).
    pub fn verify_signature(text: &str, hq: &PublicKey) -> Result<Identification, TokenError> {
        let (prefix, payload, sig) = split_token(text)?;
        if prefix != IDENTIFICATION_PREFIX {
            return Err(TokenError::NotAToken);
        }
        let t: Identification = decode(payload)?;
        if !valid_customer_id(&t.sub) || t.dev.is_empty() || t.dev.len() > 64 {
            return Err(TokenError::Malformed("customer or kiosk id out of bounds".into()));
        }
        if t.iss != issuer_id(hq) {
            return Err(TokenError::OtherRetailer);
        }
        check_sig(hq, IDENTIFICATION_DOMAIN, payload, sig)?;
        Ok(t)
    }

    /// Whether it vouches for a basket made at `at` by kiosk `device_id`:
    /// the same kiosk, within its lifetime (with [`CLOCK_SKEW_S`]).
    pub fn covers(&self, device_id: &str, at: UnixTime) -> bool {
        self.dev == device_id
            && at.saturating_add(CLOCK_SKEW_S) >= self.iat
            && at <= self.exp.saturating_add(CLOCK_SKEW_S)
            && self.exp.saturating_sub(self.iat) <= IDENTIFICATION_LIFETIME_S
    }
}

/// What the retailer app's QR code says about the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyToken {
    /// The issuer: [`issuer_id`] of the signing HQ's public key.
    pub iss: String,
    /// The customer's id at HQ.
    pub sub: String,
    /// First name only (the screen shows nothing else).
    pub name: String,
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Consent to personalisation (member prices, personal offers).
    #[serde(default)]
    pub consent: bool,
    pub iat: UnixTime,
    pub exp: UnixTime,
    /// The customer's personal coupons when the token was issued (empty
    /// without consent), for a kiosk that cannot ask HQ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<TokenOffer>,
}

/// A personal coupon as a loyalty token carries it (the fields of
/// [`SignedCoupon`] without the issuer, which is the token's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenOffer {
    pub code: String,
    pub basis_points: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_spend_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<UnixTime>,
    pub valid_until: UnixTime,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

impl TokenOffer {
    /// The promotion the pricing engine applies (the same as the coupon's QR).
    pub fn promotion(&self) -> Promotion {
        coupon_promotion(
            &self.code,
            self.basis_points,
            self.min_spend_minor,
            self.valid_from,
            self.valid_until,
        )
    }

    /// Usable at `now` (its validity window).
    pub fn is_live(&self, now: UnixTime) -> bool {
        now < self.valid_until && self.valid_from.is_none_or(|f| f <= now)
    }
}

/// A coupon as its QR code carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCoupon {
    pub iss: String,
    pub code: String,
    /// Percentage off the basket, in basis points (1000 = 10 %).
    pub basis_points: u32,
    #[serde(default)]
    pub min_spend_minor: i64,
    #[serde(default)]
    pub valid_from: Option<UnixTime>,
    pub valid_until: UnixTime,
}

/// Why a token or coupon QR was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("this is not a Vitrine loyalty or coupon code")]
    NotAToken,
    #[error("the code is damaged (it cannot be read): {0}")]
    Malformed(String),
    #[error("the code belongs to another retailer")]
    OtherRetailer,
    #[error("the code's signature is not valid (forged or altered)")]
    Forged,
    #[error("the code has expired (at {0}); show a fresh one")]
    Expired(UnixTime),
    #[error("the code is not valid yet")]
    NotYetValid,
}

/// The short id of an HQ (a retailer) named in its tokens: the first 16 hex
/// digits of the SHA-256 of its public key.
pub fn issuer_id(key: &PublicKey) -> String {
    sha256_hex(key.to_text().as_bytes())[..16].to_string()
}

fn token_message(domain: &str, payload: &str) -> Vec<u8> {
    format!("{domain}\n{payload}").into_bytes()
}

fn encode<T: Serialize>(prefix: &str, domain: &str, key: &SecretKey, value: &T) -> String {
    // Serialising these plain structs cannot fail.
    let json = serde_json::to_vec(value).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(json);
    let sig = key.sign(&token_message(domain, &payload));
    format!("{prefix}{payload}.{sig}")
}

/// The parts of a token text: `(prefix, payload, signature)`. Checks only
/// the shape (the fuzz target's entry point).
pub fn split_token(text: &str) -> Result<(&'static str, &str, &str), TokenError> {
    let text = text.trim();
    if text.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed(format!("longer than {MAX_TOKEN_LEN} characters")));
    }
    let (prefix, rest) = if let Some(r) = text.strip_prefix(TOKEN_PREFIX) {
        (TOKEN_PREFIX, r)
    } else if let Some(r) = text.strip_prefix(COUPON_PREFIX) {
        (COUPON_PREFIX, r)
    } else if let Some(r) = text.strip_prefix(IDENTIFICATION_PREFIX) {
        (IDENTIFICATION_PREFIX, r)
    } else {
        return Err(TokenError::NotAToken);
    };
    let (payload, sig) = rest
        .split_once('.')
        .ok_or_else(|| TokenError::Malformed("no signature part".into()))?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok(payload) || !ok(sig) {
        return Err(TokenError::Malformed("characters outside base64url".into()));
    }
    Ok((prefix, payload, sig))
}

fn decode<T: for<'de> Deserialize<'de>>(payload: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| TokenError::Malformed(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| TokenError::Malformed(e.to_string()))
}

fn check_sig(hq: &PublicKey, domain: &str, payload: &str, sig: &str) -> Result<(), TokenError> {
    hq.verify(&token_message(domain, payload), sig).map_err(|e| match e {
        SignError::BadSignatureEncoding(m) | SignError::BadKey(m) => TokenError::Malformed(m),
        SignError::Mismatch => TokenError::Forged,
    })
}

/// Reads a loyalty token without checking its signature or time (to show
/// why it is refused, and for the fuzz target).
pub fn parse_loyalty_token(text: &str) -> Result<(LoyaltyToken, String, String), TokenError> {
    let (prefix, payload, sig) = split_token(text)?;
    if prefix != TOKEN_PREFIX {
        return Err(TokenError::NotAToken);
    }
    let t: LoyaltyToken = decode(payload)?;
    if t.sub.is_empty() || t.sub.len() > 64 || t.name.chars().count() > 64 {
        return Err(TokenError::Malformed("customer id or first name out of bounds".into()));
    }
    if t.offers.len() > MAX_TOKEN_OFFERS
        || t.offers
            .iter()
            .any(|o| o.code.is_empty() || o.code.len() > 40 || o.basis_points > 10_000 || o.min_spend_minor < 0)
    {
        return Err(TokenError::Malformed("personal offers out of bounds".into()));
    }
    Ok((t, payload.to_string(), sig.to_string()))
}

impl LoyaltyToken {
    /// A token for a customer, valid [`TOKEN_LIFETIME_S`] from `now`.
    pub fn new(
        hq: &PublicKey,
        customer_id: &str,
        first_name: &str,
        tier: Option<Tier>,
        consent: bool,
        now: UnixTime,
    ) -> LoyaltyToken {
        LoyaltyToken {
            iss: issuer_id(hq),
            sub: customer_id.to_string(),
            name: first_name.to_string(),
            tier,
            consent,
            iat: now,
            exp: now.saturating_add(TOKEN_LIFETIME_S),
            offers: Vec::new(),
        }
    }

    /// The same token carrying personal coupons: only with consent, only
    /// those live at `iat`, the soonest to expire first, at most
    /// [`MAX_TOKEN_OFFERS`].
    pub fn with_offers(mut self, mut offers: Vec<TokenOffer>) -> LoyaltyToken {
        if !self.consent {
            return self;
        }
        offers.retain(|o| o.is_live(self.iat));
        offers.sort_by(|a, b| a.valid_until.cmp(&b.valid_until).then_with(|| a.code.cmp(&b.code)));
        offers.truncate(MAX_TOKEN_OFFERS);
        self.offers = offers;
        self
    }

    /// The QR code's text, signed with HQ's key.
    pub fn sign(&self, key: &SecretKey) -> String {
        encode(TOKEN_PREFIX, "vitrine-loyalty-v1", key, self)
    }

    /// Checks issuer and signature, not time (HQ checks a token that comes
    /// with a basket against the basket's time: [`LoyaltyToken::covers`]).
    pub fn verify_signature(text: &str, hq: &PublicKey) -> Result<LoyaltyToken, TokenError> {
        let (t, payload, sig) = parse_loyalty_token(text)?;
        if t.iss != issuer_id(hq) {
            return Err(TokenError::OtherRetailer);
        }
        check_sig(hq, "vitrine-loyalty-v1", &payload, &sig)?;
        Ok(t)
    }

    /// Whether the token vouches for a basket made at `at`: shown before
    /// it, and the basket made within the session it opened
    /// ([`TOKEN_SESSION_GRACE_S`] after the token's expiry).
    pub fn covers(&self, at: UnixTime) -> bool {
        at.saturating_add(CLOCK_SKEW_S) >= self.iat
            && at <= self.exp.saturating_add(TOKEN_SESSION_GRACE_S)
            && self.exp.saturating_sub(self.iat) <= 24 * 3600
    }

    /// Checks a token offline: issuer, signature, then time.
    pub fn verify(text: &str, hq: &PublicKey, now: UnixTime) -> Result<LoyaltyToken, TokenError> {
        let (t, payload, sig) = parse_loyalty_token(text)?;
        if t.iss != issuer_id(hq) {
            return Err(TokenError::OtherRetailer);
        }
        check_sig(hq, "vitrine-loyalty-v1", &payload, &sig)?;
        if now >= t.exp.saturating_add(CLOCK_SKEW_S) {
            return Err(TokenError::Expired(t.exp));
        }
        if now.saturating_add(CLOCK_SKEW_S) < t.iat || t.exp.saturating_sub(t.iat) > 24 * 3600 {
            return Err(TokenError::NotYetValid);
        }
        Ok(t)
    }
}

impl SignedCoupon {
    pub fn sign(&self, key: &SecretKey) -> String {
        encode(COUPON_PREFIX, "vitrine-coupon-v1", key, self)
    }

    /// Checks a coupon QR offline: issuer, signature, then validity dates.
    /// One use is HQ's to check (the kiosk records it provisionally).
    pub fn verify(text: &str, hq: &PublicKey, now: UnixTime) -> Result<SignedCoupon, TokenError> {
        let (prefix, payload, sig) = split_token(text)?;
        if prefix != COUPON_PREFIX {
            return Err(TokenError::NotAToken);
        }
        let c: SignedCoupon = decode(payload)?;
        if c.code.is_empty() || c.code.len() > 40 || c.basis_points > 10_000 {
            return Err(TokenError::Malformed("coupon out of bounds".into()));
        }
        if c.iss != issuer_id(hq) {
            return Err(TokenError::OtherRetailer);
        }
        check_sig(hq, "vitrine-coupon-v1", payload, sig)?;
        if now >= c.valid_until {
            return Err(TokenError::Expired(c.valid_until));
        }
        if c.valid_from.is_some_and(|f| now < f) {
            return Err(TokenError::NotYetValid);
        }
        Ok(c)
    }

    /// The promotion the pricing engine applies for this coupon.
    pub fn promotion(&self) -> Promotion {
        coupon_promotion(
            &self.code,
            self.basis_points,
            self.min_spend_minor,
            self.valid_from,
            self.valid_until,
        )
    }
}

/// The promotion of a basket coupon (any channel, any store): the same at
/// the kiosk and at HQ, so both price it alike.
pub fn coupon_promotion(
    code: &str,
    basis_points: u32,
    min_spend_minor: i64,
    valid_from: Option<UnixTime>,
    valid_until: UnixTime,
) -> Promotion {
    Promotion {
        id: format!("coupon-{code}"),
        kind: PromoKind::BasketPercentOff {
            basis_points,
            min_spend_minor,
        },
        target: Target::All,
        audience: Audience::Everyone,
        valid_from,
        valid_until: Some(valid_until),
        stores: Vec::new(),
        coupon_code: Some(code.to_string()),
    }
}

/// HMAC-SHA256 (RFC 2104) as lowercase hex.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What kind of identifier a keyed hash is of (each kind is hashed apart,
/// so an email and a phone number never collide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Email,
    Phone,
    Card,
}

impl IdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Email => "email",
            IdKind::Phone => "phone",
            IdKind::Card => "card",
        }
    }
}

/// The keyed hash of a normalised identifier.
pub fn keyed_hash(key: &[u8], kind: IdKind, normalised: &str) -> String {
    hmac_sha256_hex(key, format!("{}:{normalised}", kind.as_str()).as_bytes())
}

/// An email as looked up: trimmed, lower case.
pub fn normalise_email(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    crate::wire::valid_email(&s).then_some(s)
}

/// A phone number as looked up: digits with a `+` country code; a French
/// national number (`06 12 34 56 78`) becomes `+33612345678`.
pub fn normalise_phone(s: &str) -> Option<String> {
    if !crate::wire::valid_phone(s) {
        return None;
    }
    let t = s.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    Some(if t.starts_with('+') {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("+33{}", &digits[1..])
    } else {
        format!("+{digits}")
    })
}

/// A loyalty card number: 13 digits in the retailer's range (`prefix`) with
/// a right EAN-13 check digit.
pub fn normalise_card(s: &str, prefix: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) || !digits.starts_with(prefix) {
        return None;
    }
    let body = &digits.as_bytes()[..12];
    let sum: u32 = body
        .iter()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    let check = (10 - sum % 10) % 10;
    (u32::from(digits.as_bytes()[12] - b'0') == check).then_some(digits)
}

/// A card number with its check digit: `prefix` then `serial` zero-padded
/// to 12 digits, then the EAN-13 check digit.
pub fn card_number(prefix: &str, serial: u64) -> String {
    let width = 12usize.saturating_sub(prefix.len());
    let body = format!("{prefix}{serial:0width$}");
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Masks an identifier for the shared screen: `•••• 78` for a phone or
/// card, `c•••@e•••.com` for an email.
pub fn mask_identifier(s: &str) -> String {
    let s = s.trim();
    if let Some((user, domain)) = s.split_once('@') {
        let first = |x: &str| x.chars().next().map(String::from).unwrap_or_default();
        let tld = domain.rsplit_once('.').map(|(_, t)| t).unwrap_or("");
        return format!("{}•••@{}•••.{tld}", first(user), first(domain));
    }
    let digits: Vec<char> = s.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("•••• {tail}")
}

/// What a kiosk may hold about a card holder offline (an entry of the card
/// table HQ syncs, sealed under the card's secret: `crate::cardtable`):
/// the minimum to greet and price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardEntry {
    pub customer_id: String,
    pub first_name: String,
    #[serde(default)]
    pub tier: Option<Tier>,
    #[serde(default)]
    pub consent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hq() -> SecretKey {
        SecretKey::from_seed([3; 32])
    }

    fn offer(code: &str, until: UnixTime) -> TokenOffer {
        TokenOffer {
            code: format!("{code}-8WCSSNDW"),
            basis_points: 1000,
            min_spend_minor: 0,
            valid_from: None,
            valid_until: until,
        }
    }

    #[test]
    fn an_identification_vouches_only_for_its_kiosk_within_its_lifetime() {
        let k = hq();
        let now = 1_795_000_000;
        let text = Identification::new(&k.public(), "cus-8WCSSNDWZ2", "dev-a", ProofKind::PhoneCode, now).sign(&k);
        let id = Identification::verify_signature(&text, &k.public()).expect("HQ's own");
        assert_eq!((id.sub.as_str(), id.how), ("cus-8WCSSNDWZ2", ProofKind::PhoneCode));
        assert!(id.covers("dev-a", now + 60));
        assert!(id.covers("dev-a", now + IDENTIFICATION_LIFETIME_S));
        assert!(!id.covers("dev-b", now + 60), "another kiosk");
        assert!(
            !id.covers("dev-a", now + IDENTIFICATION_LIFETIME_S + CLOCK_SKEW_S + 1),
            "too late"
        );
        assert!(!id.covers("dev-a", now - 3600), "a basket made before");
        // Another key, an altered payload, a token of another kind.
        let other = SecretKey::from_seed([4; 32]);
        assert_eq!(
            Identification::verify_signature(&text, &other.public()),
            Err(TokenError::OtherRetailer)
        );
        let mut forged = Identification::new(&k.public(), "cus-VICTIM0001", "dev-a", ProofKind::Card, now);
        forged.iss = issuer_id(&k.public());
        let signed_by_other = forged.sign(&other);
        let (_, payload, _) = split_token(&signed_by_other).expect("shape");
        let (_, _, sig) = split_token(&text).expect("shape");
        assert_eq!(
            Identification::verify_signature(&format!("VTI1.{payload}.{sig}"), &k.public()),
            Err(TokenError::Forged)
        );
        let token = LoyaltyToken::new(&k.public(), "cus-8WCSSNDWZ2", "Camille", None, true, now).sign(&k);
        assert_eq!(
            Identification::verify_signature(&token, &k.public()),
            Err(TokenError::NotAToken)
        );
        // A loyalty token vouches for the session it opened, not later.
        let t = LoyaltyToken::verify_signature(&token, &k.public()).expect("HQ's own");
        assert!(t.covers(now + TOKEN_LIFETIME_S + TOKEN_SESSION_GRACE_S));
        assert!(!t.covers(now + TOKEN_LIFETIME_S + TOKEN_SESSION_GRACE_S + 1));
        assert!(!t.covers(now - 3600));
        assert!(valid_customer_id("cus-8WCSSNDWZ2"));
        assert!(!valid_customer_id(&"x".repeat(50_000)));
        assert!(!valid_customer_id("cus 1"));
    }

    #[test]
    fn a_token_carries_live_personal_offers_within_bounds_and_signed() {
        let k = hq();
        let offers = vec![
            offer("MERCI-LATE", 9_000),
            offer("MERCI-OLD", 900),
            offer("MERCI-A", 5_000),
            offer("MERCI-B", 6_000),
            offer("MERCI-C", 7_000),
            offer("MERCI-D", 8_000),
        ];
        let now = 1_795_000_000;
        let offers: Vec<_> = offers
            .into_iter()
            .map(|mut o| {
                o.valid_until += now - 1000;
                o
            })
            .collect();
        let t = LoyaltyToken::new(&k.public(), "cus-8WCSSNDWZ2", "Camille", Some(Tier::Gold), true, now)
            .with_offers(offers.clone());
        // Expired dropped, soonest first, at most four.
        let codes: Vec<_> = t.offers.iter().map(|o| &o.code[..7]).collect();
        assert_eq!(codes, ["MERCI-A", "MERCI-B", "MERCI-C", "MERCI-D"]);
        let text = t.sign(&k);
        assert!(text.len() < 800, "still a QR code a camera reads: {}", text.len());
        let k1 = LoyaltyToken::new(&k.public(), "cus-8WCSSNDWZ2", "Camille", Some(Tier::Gold), true, now)
            .with_offers(t.offers[..1].to_vec())
            .sign(&k);
        assert!(k1.len() < 450, "one coupon: {}", k1.len());
        let back = LoyaltyToken::verify(&text, &k.public(), now + 100).unwrap();
        assert_eq!(back.offers, t.offers);
        assert_eq!(
            back.offers[0].promotion(),
            coupon_promotion("MERCI-A-8WCSSNDW", 1000, 0, None, now + 4_000)
        );
        // Without consent: no offer in the token.
        let no = LoyaltyToken::new(&k.public(), "cus-1", "Camille", Some(Tier::Gold), false, now).with_offers(offers);
        assert!(no.offers.is_empty());
        // An offer added after signing: forged; too many: malformed.
        let (_, _, sig) = split_token(&text).unwrap();
        let mut more = back.clone();
        more.offers.push(offer("MERCI-E", 9_500));
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&more).unwrap());
        assert_eq!(
            LoyaltyToken::verify(&format!("VTL1.{payload}.{sig}"), &k.public(), now + 100),
            Err(TokenError::Malformed("personal offers out of bounds".into()))
        );
        more.offers.truncate(4);
        more.offers[0].basis_points = 5000;
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&more).unwrap());
        assert_eq!(
            LoyaltyToken::verify(&format!("VTL1.{payload}.{sig}"), &k.public(), now + 100),
            Err(TokenError::Forged)
        );
    }

    #[test]
    fn token_roundtrip_expiry_forgery_and_other_retailer() {
        let k = hq();
        let t = LoyaltyToken::new(&k.public(), "cus-1", "Camille", Some(Tier::Gold), true, 1000);
        let text = t.sign(&k);
        assert!(text.len() < 400, "fits a small QR code: {}", text.len());
        assert_eq!(LoyaltyToken::verify(&text, &k.public(), 1100).unwrap(), t);
        assert_eq!(
            LoyaltyToken::verify(&text, &k.public(), 1000 + TOKEN_LIFETIME_S + CLOCK_SKEW_S),
            Err(TokenError::Expired(1000 + TOKEN_LIFETIME_S))
        );
        // Same issuer name, wrong key: forged.
        let other = SecretKey::from_seed([4; 32]);
        let forged = t.sign(&other);
        assert_eq!(
            LoyaltyToken::verify(&forged, &k.public(), 1100),
            Err(TokenError::Forged)
        );
        // A payload edited after signing: forged.
        let (_, payload, sig) = split_token(&text).unwrap();
        let mut t2 = t.clone();
        t2.tier = Some(Tier::Gold);
        t2.sub = "cus-2".into();
        let p2 = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&t2).unwrap());
        assert_ne!(p2, payload);
        assert_eq!(
            LoyaltyToken::verify(&format!("VTL1.{p2}.{sig}"), &k.public(), 1100),
            Err(TokenError::Forged)
        );
        // Another retailer's genuine token.
        let theirs = LoyaltyToken::new(&other.public(), "cus-1", "Camille", None, true, 1000).sign(&other);
        assert_eq!(
            LoyaltyToken::verify(&theirs, &k.public(), 1100),
            Err(TokenError::OtherRetailer)
        );
        assert_eq!(
            LoyaltyToken::verify("hello", &k.public(), 0),
            Err(TokenError::NotAToken)
        );
        assert!(matches!(
            LoyaltyToken::verify("VTL1.abc", &k.public(), 0),
            Err(TokenError::Malformed(_))
        ));
    }

    #[test]
    fn coupon_roundtrip() {
        let k = hq();
        let c = SignedCoupon {
            iss: issuer_id(&k.public()),
            code: "MERCI-ABCD".into(),
            basis_points: 1000,
            min_spend_minor: 0,
            valid_from: None,
            valid_until: 5000,
        };
        let text = c.sign(&k);
        assert_eq!(SignedCoupon::verify(&text, &k.public(), 10).unwrap(), c);
        assert_eq!(
            SignedCoupon::verify(&text, &k.public(), 5000),
            Err(TokenError::Expired(5000))
        );
        assert_eq!(c.promotion().coupon_code.as_deref(), Some("MERCI-ABCD"));
        assert_eq!(LoyaltyToken::verify(&text, &k.public(), 10), Err(TokenError::NotAToken));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(
            keyed_hash(b"k", IdKind::Email, "a@b.fr"),
            keyed_hash(b"k", IdKind::Phone, "a@b.fr")
        );
    }

    #[test]
    fn normalising_and_masking() {
        assert_eq!(
            normalise_email(" Camille@Example.COM ").as_deref(),
            Some("camille@example.com")
        );
        assert_eq!(normalise_phone("06 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(normalise_phone("+33 6 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(normalise_phone("0033612345678").as_deref(), Some("+33612345678"));
        let card = card_number(DEFAULT_CARD_PREFIX, 42);
        assert_eq!(card.len(), 13);
        assert_eq!(
            normalise_card(&card, DEFAULT_CARD_PREFIX).as_deref(),
            Some(card.as_str())
        );
        let mut bad = card.clone().into_bytes();
        bad[12] = if bad[12] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            normalise_card(&String::from_utf8(bad).unwrap(), DEFAULT_CARD_PREFIX),
            None
        );
        assert_eq!(normalise_card("5449000039231", DEFAULT_CARD_PREFIX), None);
        assert_eq!(mask_identifier("06 12 34 56 78"), "•••• 78");
        assert_eq!(mask_identifier("camille@example.com"), "c•••@e•••.com");
    }
}
