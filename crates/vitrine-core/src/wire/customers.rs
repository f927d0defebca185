//! The customer part of the kiosk ↔ HQ protocol (`/v1/customers`,
//! `/v1/coupons`). HQ answers with the minimum a kiosk needs: first name,
//! tier, consent and personal offers; never a contact detail.

use serde::{Deserialize, Serialize};

use crate::cardtable::{CardKdf, SealedCard};
use crate::pricing::{Promotion, Tier};
use crate::product::UnixTime;

/// What the shopper presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupKind {
    Email,
    Phone,
    Card,
    /// A loyalty token (already checked by the kiosk; HQ checks it again).
    Token,
}

/// `POST /v1/customers/lookup`. Never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerLookup {
    pub kind: LookupKind,
    pub value: String,
}

/// `POST /v1/customers/challenge`: the shopper typed an email or a phone
/// number; HQ sends a one-time code there. Never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRequest {
    /// [`LookupKind::Email`] or [`LookupKind::Phone`].
    pub kind: LookupKind,
    pub value: String,
    /// The language of the message with the code.
    #[serde(default)]
    pub lang: crate::Lang,
}

/// HQ's answer to a challenge request: the same whether or not the contact
/// is a customer's (a code is sent only if it is), so a kiosk cannot learn
/// who is a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The challenge's id (random), to send back with the code.
    pub id: String,
    /// When the code expires.
    pub expires_at: UnixTime,
    /// How many codes may be tried.
    pub attempts: u32,
}

/// `POST /v1/customers/verify`: the code the shopper typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAnswer {
    pub id: String,
    pub code: String,
}

/// HQ's answer to a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub customer_id: String,
    pub first_name: String,
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Consent to personalisation: without it, no member price and no
    /// personal offer apply (and `offers` is empty).
    pub consent: bool,
    /// The customer's personal coupons as promotions, applied when the
    /// shopper is identified.
    #[serde(default)]
    pub offers: Vec<Promotion>,
    /// HQ's signed identification of this customer for the asking kiosk
    /// ([`crate::loyalty::Identification`]), to send back with the
    /// shopper's handoff or order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
}

impl CustomerView {
    /// The coupon codes of the personal offers.
    pub fn coupon_codes(&self) -> Vec<String> {
        self.offers.iter().filter_map(|p| p.coupon_code.clone()).collect()
    }
}

/// `GET /v1/customers/cards`: the offline card table (see
/// [`crate::cardtable`]): sealed entries found by a slow hash of the card
/// number, never a key that would let a kiosk's copy be read whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardTable {
    /// The card number range (first digits of the EAN-13).
    pub prefix: String,
    /// The slow hash's salt (base64url), HQ's own.
    pub salt: String,
    /// The slow hash's cost.
    pub kdf: CardKdf,
    pub entries: Vec<SealedCard>,
    pub as_of: UnixTime,
}

/// Where a coupon stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    Valid,
    Used,
    Expired,
    Unknown,
}

/// `GET /v1/coupons/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponState {
    pub code: String,
    pub status: CouponStatus,
    #[serde(default)]
    pub promotion: Option<Promotion>,
    /// For a used coupon: the channel and when.
    #[serde(default)]
    pub used_channel: Option<String>,
    #[serde(default)]
    pub used_at: Option<UnixTime>,
}

/// What HQ did with a coupon of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponOutcome {
    pub code: String,
    pub accepted: bool,
    /// Why it was refused (English and French).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
