//! The customer referential: customers (first name, tier, consent), the
//! keyed hashes of their identifiers (never the identifiers), coupons, one
//! redemption per coupon, and the satisfaction surveys.
//!
//! "Forget" ([`CustomerStore::forget_customer`]) erases what identifies a
//! person in one transaction: the customer's first name and identifier
//! hashes, the contact details and names in their orders, handoffs and
//! surveys, and the messages addressed to those contacts; a backend makes
//! sure the erased bytes do not linger in its files.
//!
//! Records are the customer's either by their customer id or by a contact
//! detail (an anonymous click&collect order, a basket claimed by email, the
//! survey and messages that followed): the caller passes how a contact
//! hashes ([`CustomerStore::forget_customer`]'s `hashes_of`, HQ's keyed
//! hash of the normalised email or phone) and every contact stored in clear
//! is compared with the customer's identifier hashes before those are
//! deleted.
//!
//! A scheduled message can be tied to a coupon
//! ([`Scheduled::until_redeemed`]): recording the coupon's use cancels it.

use serde::Serialize;
use vitrine_core::pricing::Tier;
use vitrine_core::product::UnixTime;

use super::Result;
use super::notifications::Scheduled;

/// A customer as HQ keeps it (no contact detail in clear).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRecord {
    pub id: String,
    /// None once forgotten.
    pub first_name: Option<String>,
    pub tier: Option<Tier>,
    pub consent: bool,
    pub created_at: UnixTime,
    pub forgotten_at: Option<UnixTime>,
    /// The kinds of identifiers on file (`email`, `phone`, `card`).
    pub identifiers: Vec<String>,
}

/// The keyed hash of one of a customer's identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierHash {
    /// `email`, `phone` or `card`.
    pub kind: String,
    pub hash: String,
}

/// A customer with a loyalty card, for the kiosks' offline card table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHolder {
    /// The card's slow-hash secret (hex, `vitrine_core::cardtable`).
    pub hash: String,
    pub customer: CustomerRecord,
}

/// A coupon issued by HQ (single use, any channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouponRecord {
    pub code: String,
    pub customer_id: Option<String>,
    pub basis_points: u32,
    pub min_spend_minor: i64,
    pub valid_from: Option<UnixTime>,
    pub valid_until: UnixTime,
    /// `survey`, `admin`…
    pub source: String,
    pub created_at: UnixTime,
    pub redemption: Option<Redemption>,
}

/// The one use of a coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redemption {
    pub code: String,
    /// `kiosk`, `phone`, `online`.
    pub channel: String,
    /// The order or handoff id.
    pub reference: String,
    pub store: Option<String>,
    /// When the shopper used it (a kiosk's time for an offline order).
    pub used_at: UnixTime,
    /// When HQ recorded it.
    pub recorded_at: UnixTime,
}

/// The outcome of recording a redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    Recorded,
    /// The same order/handoff already recorded it (a repeat).
    AlreadyThis,
    /// Used before, elsewhere.
    UsedElsewhere(Redemption),
    Unknown,
    Expired(UnixTime),
}

/// A satisfaction survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyRecord {
    pub id: String,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    /// The language of its messages and page (a code such as `de`).
    pub lang: String,
    pub reference: String,
    pub created_at: UnixTime,
    pub answered_at: Option<UnixTime>,
    pub score: Option<u8>,
    pub coupon_code: Option<String>,
}

/// A one-time code sent to a shopper's email or phone to prove they hold
/// it. Only hashes are stored: of the contact (HQ's keyed hash, as
/// lookup) and of the code (keyed with the challenge id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRecord {
    pub id: String,
    /// `email` or `phone`.
    pub kind: String,
    pub contact_hash: String,
    /// The kiosk that asked: only it may answer.
    pub device_id: String,
    /// None: the contact is no customer's (no code was sent; no code
    /// passes).
    pub customer_id: Option<String>,
    pub code_hash: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// How many challenges may be opened per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeLimits {
    /// The window (seconds).
    pub window_s: i64,
    pub per_contact: u32,
    pub per_device: u32,
}

/// The outcome of opening a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Opened,
    /// Too many challenges for this contact or this kiosk: try again at
    /// this time.
    RateLimited {
        retry_at: UnixTime,
    },
}

/// The outcome of trying a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// The right code: the customer it identifies and the kind of contact
    /// (the challenge is used).
    Passed { customer_id: String, kind: String },
    /// A wrong code: how many tries are left.
    Wrong { left: u32 },
    /// No such challenge for this kiosk, or expired, used, or out of tries.
    Closed,
}

/// Storage of the customer referential.
pub trait CustomerStore {
    /// Opens a challenge and queues its message (None: the contact is no
    /// customer's, nothing is sent), in one transaction, unless `limits`
    /// are reached for its contact or its kiosk.
    fn open_challenge(
        &self,
        c: &ChallengeRecord,
        limits: ChallengeLimits,
        note: Option<&super::NewNotification>,
    ) -> Result<Opened>;
    /// Tries a code on kiosk `device_id`'s challenge `id`, at most
    /// `max_attempts` times: `matches` compares the stored code hash with
    /// the typed code's.
    fn try_challenge(
        &self,
        id: &str,
        device_id: &str,
        now: UnixTime,
        max_attempts: u32,
        matches: &dyn Fn(&str) -> bool,
    ) -> Result<CodeCheck>;

    /// Adds a customer with the keyed hashes of their identifiers. Fails
    /// with [`super::StorageError::Duplicate`] when one is already someone's.
    fn add_customer(&self, c: &CustomerRecord, hashes: &[IdentifierHash]) -> Result<()>;
    fn customer(&self, id: &str) -> Result<Option<CustomerRecord>>;
    fn customer_by_hash(&self, hash: &str) -> Result<Option<CustomerRecord>>;
    /// Every live customer with a card.
    fn card_holders(&self) -> Result<Vec<CardHolder>>;
    /// Erases the customer's personal data; false if unknown. Records not
    /// linked by id are theirs when a contact stored in them hashes (by
    /// `hashes_of`, which normalises and hashes a raw email or phone as
    /// lookup does) to one of the customer's identifier hashes: their
    /// contacts (and an order's name) are erased, the order itself is kept
    /// for the store.
    fn forget_customer(&self, id: &str, now: UnixTime, hashes_of: &dyn Fn(&str) -> Vec<String>) -> Result<bool>;

    fn put_coupon(&self, c: &CouponRecord) -> Result<()>;
    fn coupon(&self, code: &str) -> Result<Option<CouponRecord>>;
    /// Coupons of a customer that are neither used nor expired at `now`.
    fn live_coupons(&self, customer_id: &str, now: UnixTime) -> Result<Vec<CouponRecord>>;
    /// Records the one use of `code` (checked and written in one
    /// transaction) and cancels the messages scheduled until its use.
    fn redeem(&self, r: &Redemption) -> Result<Redeem>;
    /// The HQ coupons whose use is recorded for `reference` (an order or a
    /// handoff, `handoff:{id}`), in the order they were used.
    fn coupons_redeemed_for(&self, reference: &str) -> Result<Vec<CouponRecord>>;

    /// Creates a survey and schedules its messages, once per `reference`;
    /// false if that reference already has one.
    fn schedule_survey(&self, s: &SurveyRecord, notes: &[Scheduled]) -> Result<bool>;
    fn survey(&self, id: &str) -> Result<Option<SurveyRecord>>;
    /// Records the answer, the coupon it earns and its messages, once.
    fn answer_survey(
        &self,
        id: &str,
        score: u8,
        coupon: &CouponRecord,
        notes: &[Scheduled],
        now: UnixTime,
    ) -> Result<bool>;
}
