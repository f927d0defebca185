//! Recognising the shopper at the kiosk, and their coupons.
//!
//! # Ways to identify
//! - The retailer app's loyalty QR (`VTL1.…`): checked **offline** with the
//!   HQ public key stored at enrollment (issuer, signature, expiry). When HQ
//!   answers, the customer's personal offers are fetched too; when it does
//!   not, member prices still apply from the token's tier and the personal
//!   coupons the token carries apply (less those already used at this
//!   kiosk; HQ records their one use when the order or handoff arrives).
//! - A loyalty card (an EAN-13 in the retailer's card range): looked up
//!   online, else in the card table synced from HQ (keyed hashes of card
//!   numbers, `kiosk.sqlite`).
//! - An email or a phone number typed on the screen: online only, and only
//!   with proof that the shopper holds it: HQ sends a one-time code there
//!   ([`identify`] answers [`IdentifyError::CodeSent`]), the shopper types
//!   it ([`verify_code`]), and only then HQ answers with the first name,
//!   tier, consent and personal offers.
//!
//! # What vouches for the shopper at HQ
//! HQ prices a handoff or an order for the customer only when something it
//! signed vouches for them ([`crate::session::Evidence`], sent with the
//! basket): its identification for this kiosk (an online identification),
//! else the loyalty token (offline), else the card number (offline card
//! table). The customer id alone is not trusted.
//!
//! # What the kiosk keeps
//! Only [`crate::session::Customer`] (first name, masked identifier, tier,
//! coupon codes) and the personal offers, in the session, wiped at reset.
//! Without consent to personalisation the tier and offers are dropped: no
//! personal price. Nothing identifying reaches the log.
//!
//! # Coupons
//! A coupon QR (`VTC1.…`) is checked offline and priced at once; the order
//! lists the coupons it used, HQ records their one use, and the kiosk keeps
//! a provisional redemption until the order is delivered
//! ([`crate::sync::Outbox::queue_order_with_coupons`], [`reconcile`]).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{OptionalExtension, params};
use thiserror::Error;
use uuid::Uuid;
use vitrine_core::cardtable::{CardKdf, SealedCard, card_secret};
use vitrine_core::loyalty::{self, CardEntry, LoyaltyToken, SignedCoupon, TokenError};
use vitrine_core::pricing::{Promotion, Tier};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::customers::{
    CardTable, ChallengeAnswer, ChallengeRequest, CouponOutcome, CouponStatus, CustomerLookup, CustomerView, LookupKind,
};

use crate::session::{self, Customer};
use crate::sync::client::{HqClient, HqError};
use crate::sync::{Outbox, SyncError};

/// What the shopper presented, as the kiosk reads it.
#[derive(Clone, PartialEq, Eq)]
pub enum Presented {
    Token(String),
    Coupon(String),
    Card(String),
    Email(String),
    Phone(String),
}

impl std::fmt::Debug for Presented {
    /// Never the identifier itself (logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Presented::Token(_) => "Token",
            Presented::Coupon(_) => "Coupon",
            Presented::Card(_) => "Card",
            Presented::Email(_) => "Email",
            Presented::Phone(_) => "Phone",
        })
    }
}

/// Why the shopper was not identified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentifyError {
    #[error("{0}")]
    Token(#[from] TokenError),
    #[error("this is not a loyalty QR code, a card number, an email or a phone number")]
    NotUnderstood,
    #[error("no customer with this card, email or phone")]
    Unknown,
    #[error("HQ cannot be reached, and a phone number or email is looked up online only")]
    Offline,
    #[error(
        "this kiosk is not enrolled with HQ: run `vitrine enroll --hq URL --code CODE` (or enroll from the staff screen)"
    )]
    NotEnrolled,
    /// Not an error: a one-time code was sent to the email or phone typed
    /// (if it is a customer's); the shopper types it next.
    #[error("a code was sent; type it to be identified")]
    CodeSent(PendingCode),
    #[error("wrong code; {0} tries left")]
    WrongCode(u32),
    #[error("this code expired or was used; ask for a new one")]
    CodeClosed,
    #[error("too many codes were asked; try again later")]
    TooManyCodes,
    #[error("{0}")]
    Failed(String),
}

/// A one-time code on its way to the shopper: what the kiosk keeps to
/// check it (never the email or phone, only its masked form).
#[derive(Clone, PartialEq, Eq)]
pub struct PendingCode {
    /// HQ's challenge id.
    pub id: String,
    /// Where it was sent, masked (`•••• 78`).
    pub masked: String,
    pub expires_at: UnixTime,
}

impl std::fmt::Debug for PendingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingCode")
    }
}

impl IdentifyError {
    /// The message for the shopper.
    pub fn text(&self) -> vitrine_i18n::Text {
        use vitrine_i18n::text;
        match self {
            IdentifyError::Token(t) => vitrine_i18n::domain::token_error(t),
            IdentifyError::NotUnderstood => text!("identify-not-understood"),
            IdentifyError::Unknown => text!("identify-unknown"),
            IdentifyError::Offline => text!("identify-offline"),
            IdentifyError::CodeSent(p) => text!("kiosk-trust-code-sent", masked = p.masked.as_str()),
            IdentifyError::WrongCode(left) => text!("kiosk-trust-code-wrong", left = *left),
            IdentifyError::CodeClosed => text!("kiosk-trust-code-closed"),
            IdentifyError::TooManyCodes => text!("kiosk-trust-code-too-many"),
            IdentifyError::NotEnrolled | IdentifyError::Failed(_) => text!("identify-unavailable"),
        }
    }

    /// Whether the same input may work later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            IdentifyError::Offline | IdentifyError::Failed(_) | IdentifyError::TooManyCodes
        )
    }
}

impl From<SyncError> for IdentifyError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::NotEnrolled => IdentifyError::NotEnrolled,
            e => IdentifyError::Failed(e.to_string()),
        }
    }
}

/// How the shopper was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The token, checked offline; HQ gave the offers too.
    TokenOnline,
    /// The token alone (HQ not reached): member prices and the personal
    /// coupons the token carries.
    TokenOffline,
    CardOnline,
    /// The synced card table.
    CardOffline,
    Contact,
}

/// A recognised shopper: what the session keeps, and their offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    pub customer: Customer,
    /// Consent to personalisation.
    pub consent: bool,
    /// The tier as HQ knows it (shown even without consent).
    pub tier: Option<Tier>,
    pub offers: Vec<Promotion>,
    pub via: Via,
}

impl Identified {
    #[allow(clippy::too_many_arguments)]
    fn new(
        customer_id: String,
        first_name: String,
        masked: String,
        tier: Option<Tier>,
        consent: bool,
        offers: Vec<Promotion>,
        via: Via,
        evidence: Option<String>,
    ) -> Identified {
        // Without consent: no member price, no personal offer.
        let offers = if consent { offers } else { Vec::new() };
        Identified {
            customer: Customer {
                customer_id,
                first_name,
                masked_identifier: masked,
                tier: if consent { tier } else { None },
                coupons: offers.iter().filter_map(|p| p.coupon_code.clone()).collect(),
                identification: evidence.map(session::Evidence),
            },
            consent,
            tier,
            offers,
            via,
        }
    }

    /// HQ's answer, with the evidence HQ signed (else `fallback`).
    fn from_view(v: CustomerView, masked: String, via: Via, fallback: Option<String>) -> Identified {
        let evidence = v.identification.or(fallback);
        Identified::new(
            v.customer_id,
            v.first_name,
            masked,
            v.tier,
            v.consent,
            v.offers,
            via,
            evidence,
        )
    }

    /// Puts the shopper into the session (replacing anyone before).
    pub fn apply(self, s: &mut session::Session) {
        s.customer = Some(self.customer);
        s.customer_offers = self.offers;
    }
}

/// Reads what was scanned or typed. `card_prefix`: the card range.
pub fn classify(input: &str, card_prefix: &str) -> Result<Presented, IdentifyError> {
    let t = input.trim();
    if t.starts_with("VTL1.") {
        return Ok(Presented::Token(t.to_string()));
    }
    if t.starts_with("VTC1.") {
        return Ok(Presented::Coupon(t.to_string()));
    }
    if let Some(card) = loyalty::normalise_card(t, card_prefix) {
        return Ok(Presented::Card(card));
    }
    match session::parse_contact(t) {
        Ok(session::Contact::Email(e)) => Ok(Presented::Email(e)),
        Ok(session::Contact::Phone(p)) => Ok(Presented::Phone(p)),
        Err(_) => Err(IdentifyError::NotUnderstood),
    }
}

/// The card range this kiosk knows (from the synced card table), else the
/// default.
pub fn card_prefix(outbox: &Outbox) -> String {
    outbox
        .lock()
        .query_row("SELECT prefix FROM card_meta WHERE id = 1", [], |r| r.get(0))
        .optional()
        .ok()
        .flatten()
        .unwrap_or_else(|| loyalty::DEFAULT_CARD_PREFIX.to_string())
}

/// Identifies the shopper from what they scanned or typed.
pub async fn identify(
    outbox: &Outbox,
    input: &str,
    now: UnixTime,
    timeout: Duration,
) -> Result<Identified, IdentifyError> {
    identify_in(outbox, input, now, timeout, vitrine_core::Lang::default()).await
}

/// [`identify`], a one-time code being sent in `lang`.
pub async fn identify_in(
    outbox: &Outbox,
    input: &str,
    now: UnixTime,
    timeout: Duration,
    lang: vitrine_core::Lang,
) -> Result<Identified, IdentifyError> {
    let ob = outbox.clone();
    let (ident, prefix) = tokio::task::spawn_blocking(move || {
        let ident = ob.identity()?;
        Ok::<_, SyncError>((ident, card_prefix(&ob)))
    })
    .await
    .map_err(|e| IdentifyError::Failed(e.to_string()))??;
    let ident = ident.ok_or(IdentifyError::NotEnrolled)?;
    let presented = classify(input, &prefix)?;
    tracing::info!(kind = ?presented, "identification asked");
    let client = HqClient::new(&ident.hq_url, &ident.token, timeout)
        .map_err(|e| IdentifyError::Failed(e.to_string()))?
        .with_hq_key(ident.hq_public_key);
    let ask = |kind: LookupKind, value: String| {
        let client = client.clone();
        async move { client.lookup_customer(&CustomerLookup { kind, value }).await }
    };
    match presented {
        Presented::Coupon(_) => Err(IdentifyError::NotUnderstood),
        Presented::Token(text) => {
            let t = LoyaltyToken::verify(&text, &ident.hq_public_key, now)?;
            let tail: String = t
                .sub
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let masked = format!("•••• {tail}");
            match ask(LookupKind::Token, text.clone()).await {
                Ok(v) => Ok(Identified::from_view(v, masked, Via::TokenOnline, Some(text))),
                // HQ no longer knows the customer (forgotten meanwhile).
                Err(HqError::Http { status: 404, .. }) => Err(IdentifyError::Unknown),
                Err(e) => {
                    if !e.is_retryable() {
                        tracing::info!(error = %e, "HQ did not confirm the token; identified offline");
                    }
                    let ob = outbox.clone();
                    let carried = t.offers.clone();
                    let offers = tokio::task::spawn_blocking(move || token_offers(&ob, &carried, now))
                        .await
                        .map_err(|e| IdentifyError::Failed(e.to_string()))??;
                    Ok(Identified::new(
                        t.sub,
                        t.name,
                        masked,
                        t.tier,
                        t.consent,
                        offers,
                        Via::TokenOffline,
                        Some(text),
                    ))
                }
            }
        }
        Presented::Card(card) => {
            let masked = loyalty::mask_identifier(&card);
            match ask(LookupKind::Card, card.clone()).await {
                Ok(v) => Ok(Identified::from_view(v, masked, Via::CardOnline, None)),
                Err(HqError::Http { status: 404, .. }) => Err(IdentifyError::Unknown),
                Err(e) if e.is_retryable() => {
                    let ob = outbox.clone();
                    let number = card.clone();
                    let entry = tokio::task::spawn_blocking(move || card_offline(&ob, &number))
                        .await
                        .map_err(|e| IdentifyError::Failed(e.to_string()))??;
                    let e = entry.ok_or(IdentifyError::Unknown)?;
                    Ok(Identified::new(
                        e.customer_id,
                        e.first_name,
                        masked,
                        e.tier,
                        e.consent,
                        Vec::new(),
                        Via::CardOffline,
                        Some(card),
                    ))
                }
                Err(e) => Err(IdentifyError::Failed(e.to_string())),
            }
        }
        Presented::Email(v) | Presented::Phone(v) => {
            let kind = if v.contains('@') {
                LookupKind::Email
            } else {
                LookupKind::Phone
            };
            let masked = loyalty::mask_identifier(&v);
            let q = ChallengeRequest { kind, value: v, lang };
            match client.ask_code(&q).await {
                Ok(c) => Err(IdentifyError::CodeSent(PendingCode {
                    id: c.id,
                    masked,
                    expires_at: c.expires_at,
                })),
                Err(HqError::Http { status: 429, .. }) => Err(IdentifyError::TooManyCodes),
                Err(e) if e.is_retryable() => Err(IdentifyError::Offline),
                Err(e) => Err(IdentifyError::Failed(e.to_string())),
            }
        }
    }
}

/// Checks the one-time code the shopper typed for `pending`: the customer
/// as HQ answers, with HQ's identification for this kiosk.
pub async fn verify_code(
    outbox: &Outbox,
    pending: &PendingCode,
    code: &str,
    timeout: Duration,
) -> Result<Identified, IdentifyError> {
    let ob = outbox.clone();
    let ident = tokio::task::spawn_blocking(move || ob.identity())
        .await
        .map_err(|e| IdentifyError::Failed(e.to_string()))??
        .ok_or(IdentifyError::NotEnrolled)?;
    // The customer HQ answers with is checked with HQ's key.
    let client = HqClient::new(&ident.hq_url, &ident.token, timeout)
        .map_err(|e| IdentifyError::Failed(e.to_string()))?
        .with_hq_key(ident.hq_public_key);
    let a = ChallengeAnswer {
        id: pending.id.clone(),
        code: code.trim().to_string(),
    };
    match client.verify_code(&a).await {
        Ok(v) => Ok(Identified::from_view(v, pending.masked.clone(), Via::Contact, None)),
        Err(HqError::Http { code, message, .. }) if code == vitrine_core::wire::codes::WRONG_CODE => {
            // "wrong code; N tries left"
            let left = message
                .split(|c: char| !c.is_ascii_digit())
                .find_map(|w| w.parse().ok())
                .unwrap_or(0);
            Err(IdentifyError::WrongCode(left))
        }
        Err(HqError::Http { status: 410, .. }) => Err(IdentifyError::CodeClosed),
        Err(e) if e.is_retryable() => Err(IdentifyError::Offline),
        Err(e) => Err(IdentifyError::Failed(e.to_string())),
    }
}

/// The personal coupons a token carries that can apply now at this kiosk:
/// live, and not already used here (a provisional or confirmed redemption).
fn token_offers(outbox: &Outbox, carried: &[loyalty::TokenOffer], now: UnixTime) -> Result<Vec<Promotion>, SyncError> {
    let conn = outbox.lock();
    let mut out = Vec::new();
    for o in carried.iter().filter(|o| o.is_live(now)) {
        if !used_here(&conn, &o.code)? {
            out.push(o.promotion());
        }
    }
    Ok(out)
}

/// Whether a coupon was used at this kiosk (a provisional or confirmed
/// redemption; a refused one does not count).
fn used_here(conn: &rusqlite::Connection, code: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM redemptions WHERE code = ?1 AND status <> 'refused'")?
        .exists([code])
}

/// Checks a scanned coupon QR offline: its promotion, or why it is refused
/// (including "already used at this kiosk").
pub fn check_coupon(outbox: &Outbox, text: &str, now: UnixTime) -> Result<SignedCoupon, CouponError> {
    let ident = outbox.identity()?.ok_or(CouponError::NotEnrolled)?;
    let c = SignedCoupon::verify(text, &ident.hq_public_key, now)?;
    if used_here(&outbox.lock(), &c.code)? {
        return Err(CouponError::AlreadyUsed);
    }
    Ok(c)
}

/// [`check_coupon`], then HQ's word when it answers within `timeout`: a
/// coupon used on another channel is refused at once rather than at sync.
/// Offline, the offline check stands (the use is provisional).
pub async fn check_coupon_online(
    outbox: &Outbox,
    text: &str,
    now: UnixTime,
    timeout: Duration,
) -> Result<SignedCoupon, CouponError> {
    let ob = outbox.clone();
    let t = text.to_string();
    let (coupon, ident) = tokio::task::spawn_blocking(move || {
        let c = check_coupon(&ob, &t, now)?;
        Ok::<_, CouponError>((c, ob.identity()?))
    })
    .await
    .map_err(|e| CouponError::Storage(e.to_string()))??;
    let Some(ident) = ident else { return Ok(coupon) };
    let Ok(client) = HqClient::new(&ident.hq_url, &ident.token, timeout) else {
        return Ok(coupon);
    };
    let client = client.with_hq_key(ident.hq_public_key);
    match client.coupon_state(&coupon.code).await {
        Ok(st) if st.status == CouponStatus::Used => Err(CouponError::AlreadyUsed),
        Ok(st) if st.status == CouponStatus::Expired => {
            Err(CouponError::Token(TokenError::Expired(coupon.valid_until)))
        }
        Ok(_) => Ok(coupon),
        Err(e) => {
            tracing::info!(error = %e, "HQ not reached for a coupon check; accepted provisionally");
            Ok(coupon)
        }
    }
}

/// Why a coupon QR was refused at the kiosk.
#[derive(Debug, Error)]
pub enum CouponError {
    #[error("{0}")]
    Token(#[from] TokenError),
    #[error("this coupon was already used")]
    AlreadyUsed,
    #[error("this kiosk is not enrolled with HQ")]
    NotEnrolled,
    #[error("kiosk database: {0}")]
    Storage(String),
}

impl From<SyncError> for CouponError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::NotEnrolled => CouponError::NotEnrolled,
            e => CouponError::Storage(e.to_string()),
        }
    }
}

impl From<rusqlite::Error> for CouponError {
    fn from(e: rusqlite::Error) -> Self {
        CouponError::Storage(e.to_string())
    }
}

impl CouponError {
    /// The message for the shopper.
    pub fn text(&self) -> vitrine_i18n::Text {
        use vitrine_i18n::text;
        match self {
            CouponError::Token(t) => vitrine_i18n::domain::token_error(t),
            CouponError::AlreadyUsed => text!("coupon-already-used"),
            CouponError::NotEnrolled | CouponError::Storage(_) => text!("coupon-unavailable"),
        }
    }
}

/// HQ's word on an order's coupons: confirmed, or refused with the reason.
pub fn reconcile(outbox: &Outbox, order_id: &Uuid, outcomes: &[CouponOutcome]) -> Result<(), SyncError> {
    let conn = outbox.lock();
    for o in outcomes {
        conn.execute(
            "UPDATE redemptions SET status = ?3, reason = ?4 WHERE code = ?1 AND order_id = ?2",
            params![
                o.code,
                order_id.to_string(),
                if o.accepted { "confirmed" } else { "refused" },
                o.reason
            ],
        )?;
        if !o.accepted {
            tracing::warn!(order = %order_id, "HQ refused a coupon of this order (used before elsewhere)");
        }
    }
    Ok(())
}

/// A coupon's redemption as the kiosk knows it: `provisional`, `confirmed`
/// or `refused`.
pub fn redemption_status(outbox: &Outbox, code: &str) -> Result<Option<String>, SyncError> {
    Ok(outbox
        .lock()
        .query_row("SELECT status FROM redemptions WHERE code = ?1", [code], |r| r.get(0))
        .optional()?)
}

/// Replaces the offline card table with HQ's (signed by HQ: the client
/// checked it). A table whose slow hash is cheaper than
/// [`CardKdf::MIN`] is refused: it would make the kiosk's copy easy to read.
pub fn store_card_table(outbox: &Outbox, t: &CardTable) -> Result<(), SyncError> {
    if !t.kdf.acceptable() {
        return Err(SyncError::Invalid(format!(
            "the card table's hash parameters ({} KiB, {} passes) are outside what the kiosk accepts",
            t.kdf.m_kib, t.kdf.passes
        )));
    }
    let kdf = serde_json::to_string(&t.kdf).map_err(|e| SyncError::Invalid(e.to_string()))?;
    let mut conn = outbox.lock();
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM card_sealed", [])?;
    for e in &t.entries {
        tx.execute(
            "INSERT INTO card_sealed(tag, sealed) VALUES (?1, ?2)",
            params![e.tag, e.sealed],
        )?;
    }
    tx.execute(
        "INSERT INTO card_meta(id, prefix, key, as_of, kdf) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET prefix = excluded.prefix, key = excluded.key, as_of = excluded.as_of,
           kdf = excluded.kdf",
        params![t.prefix, t.salt, t.as_of, kdf],
    )?;
    tx.commit()?;
    Ok(())
}

/// Looks a card number up in the synced table: its slow hash (tens of
/// milliseconds, computed without holding the kiosk file's lock), then the
/// entries with its tag, opened with it. Runs on a blocking thread.
pub fn card_offline(outbox: &Outbox, card: &str) -> Result<Option<CardEntry>, SyncError> {
    let meta: Option<(String, String, Option<String>)> = outbox
        .lock()
        .query_row("SELECT prefix, key, kdf FROM card_meta WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((prefix, salt, Some(kdf))) = meta else {
        return Ok(None);
    };
    let (Ok(salt), Ok(kdf)) = (URL_SAFE_NO_PAD.decode(salt), serde_json::from_str::<CardKdf>(&kdf)) else {
        return Ok(None);
    };
    let normalised = loyalty::normalise_card(card, &prefix).unwrap_or_else(|| card.to_string());
    let secret = card_secret(&normalised, &salt, kdf).map_err(|e| SyncError::Invalid(e.to_string()))?;
    let conn = outbox.lock();
    let mut s = conn.prepare_cached("SELECT sealed FROM card_sealed WHERE tag = ?1")?;
    let tag = secret.tag();
    let candidates = s
        .query_map([&tag], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(candidates.into_iter().find_map(|sealed| {
        secret.open(&SealedCard {
            tag: tag.clone(),
            sealed,
        })
    }))
}

/// Fetches the card table from HQ and stores it (after a catalog sync).
pub async fn refresh_card_table(outbox: &Outbox, client: &HqClient) -> Result<usize, SyncError> {
    let t = client.card_table().await?;
    let n = t.entries.len();
    let ob = outbox.clone();
    tokio::task::spawn_blocking(move || {
        store_card_table(&ob, &t)?;
        // The screen learns the card range from the status.
        ob.refresh_status()
    })
    .await
    .map_err(|e| SyncError::Storage(e.to_string()))??;
    Ok(n)
}
