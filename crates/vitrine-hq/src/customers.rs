//! The customer referential and the survey loop.
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
//!   kiosk syncs ([`card_table`]), whose hashes use a key of their own
//!   derived from the lookup secret, so a kiosk never holds the key of the
//!   email and phone hashes.
//! - Email or phone: online only.
//!
//! # Personal prices and coupons
//! Member prices are catalog promotions for a tier (applied when the
//! customer consented). Personal coupons are single-use basket coupons held
//! by a customer; a kiosk lists the ones it applied in the order, and HQ
//! records each one's single use ([`apply_coupons`]); a second use, on any
//! channel, is refused with the first one's channel and date.
//!
//! # Survey loop
//! When an order is collected or a handoff claimed ([`after_collected`],
//! [`after_claim`]) HQ queues a thank-you email at once and a survey link
//! `survey_delay_s` later. Answering the survey ([`answer_survey`]) issues a
//! coupon valid `coupon_valid_days` on every channel, emails it at once and
//! queues a reminder `reminder_days_before` its expiry. The notifier sends
//! each message when it is due by HQ's clock.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{self, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use thiserror::Error;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::loyalty::{
    self, CardEntry, IdKind, LoyaltyToken, SignedCoupon, TokenOffer, coupon_promotion, issuer_id, keyed_hash,
};
use vitrine_core::pricing::{CustomerContext, Promotion, Tier};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::customers::{
    CardTable, CouponOutcome, CouponState, CouponStatus, CustomerLookup, CustomerView, LookupKind,
};
use vitrine_core::wire::{Contact, OrderRequest};
use vitrine_i18n::MoneyText;
use vitrine_infra::datetime::format_date;

use crate::Hq;
use crate::api::{ApiJson, AuthDevice, Failure, PricedLines, blocking};
use crate::keys;
use crate::pages::{PageForm, esc};
use crate::storage::customers::{CouponRecord, CustomerRecord, Redeem, Redemption, Scheduled, SurveyRecord};
use crate::storage::{HandoffRecord, NewNotification, OrderRecord, StorageError};

/// Why a customer command failed.
#[derive(Debug, Error)]
pub enum CustomerError {
    /// Bad input: the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    #[error("no customer {0} at HQ")]
    NotFound(String),
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

fn card_hash(key: &[u8], normalised: &str) -> String {
    keyed_hash(key, IdKind::Card, normalised)
}

/// Adds a customer; returns the new id.
pub fn add(hq: &Hq, c: &NewCustomer) -> Result<String, CustomerError> {
    let first = c.first_name.trim();
    if first.is_empty() || first.chars().count() > 50 || first.contains(char::is_control) {
        return Err(CustomerError::Invalid(
            "--first-name: a first name of 1 to 50 characters is required".into(),
        ));
    }
    let mut hashes = Vec::new();
    if let Some(e) = &c.email {
        let n = loyalty::normalise_email(e)
            .ok_or_else(|| CustomerError::Invalid("--email: not a valid email address".into()))?;
        hashes.push(("email".to_string(), hash(hq, IdKind::Email, &n)));
    }
    if let Some(p) = &c.phone {
        let n = loyalty::normalise_phone(p)
            .ok_or_else(|| CustomerError::Invalid("--phone: not a valid phone number (digits, optionally +)".into()))?;
        hashes.push(("phone".to_string(), hash(hq, IdKind::Phone, &n)));
    }
    if let Some(card) = &c.card {
        let n = loyalty::normalise_card(card, &hq.config.card_prefix).ok_or_else(|| {
            CustomerError::Invalid(format!(
                "--card: a loyalty card is 13 digits starting with {} with a right check digit",
                hq.config.card_prefix
            ))
        })?;
        hashes.push(("card".to_string(), card_hash(&card_key(hq), &n)));
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

/// The reference of a handed-off basket's coupon uses (channel `phone`).
fn handoff_reference(h: &HandoffRecord) -> String {
    format!("handoff:{}", h.id)
}

/// What a handed-off basket is priced with: the customer the kiosk had
/// identified (their member prices, with their consent, the same
/// [`pricing_context`] as an order's) and the HQ coupons used on it from
/// the phone page, with `extra` (a coupon code and its promotion, if it is
/// an HQ coupon) on top.
fn price_handoff_with(
    hq: &Hq,
    h: &HandoffRecord,
    extra: Option<(&str, Option<Promotion>)>,
) -> Result<PricedLines, Failure> {
    let customer = match h.customer_id.as_deref() {
        Some(id) => hq.storage.customer(id)?.map(|c| pricing_context(&c)),
        None => None,
    };
    let used = hq.storage.coupons_redeemed_for(&handoff_reference(h))?;
    let mut promos: Vec<Promotion> = used.iter().map(coupon_promo).collect();
    let mut codes: Vec<String> = used.into_iter().map(|c| c.code).collect();
    if let Some((code, promo)) = extra
        && !codes.iter().any(|c| c == code)
    {
        promos.extend(promo);
        codes.push(code.to_string());
    }
    crate::api::price_lines_with(hq, &h.store, &h.lines, customer.as_ref(), &promos, &codes, hq.now())
}

/// A handed-off basket priced as the phone page and the claim email show
/// it: with the identified customer's prices and the coupons used on it.
pub fn price_handoff(hq: &Hq, h: &HandoffRecord) -> Result<PricedLines, Failure> {
    price_handoff_with(hq, h, None)
}

fn coupon_promo(c: &CouponRecord) -> Promotion {
    coupon_promotion(&c.code, c.basis_points, c.min_spend_minor, c.valid_from, c.valid_until)
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
    })
}

/// Finds a customer from what the shopper presented; None: unknown.
pub fn lookup(hq: &Hq, q: &CustomerLookup) -> Result<Option<CustomerView>, CustomerError> {
    let now = hq.now();
    let found = match q.kind {
        LookupKind::Email => {
            let n = loyalty::normalise_email(&q.value)
                .ok_or_else(|| CustomerError::Invalid("not a valid email address".into()))?;
            hq.storage.customer_by_hash(&hash(hq, IdKind::Email, &n))?
        }
        LookupKind::Phone => {
            let n = loyalty::normalise_phone(&q.value)
                .ok_or_else(|| CustomerError::Invalid("not a valid phone number".into()))?;
            hq.storage.customer_by_hash(&hash(hq, IdKind::Phone, &n))?
        }
        LookupKind::Card => {
            let n = loyalty::normalise_card(&q.value, &hq.config.card_prefix)
                .ok_or_else(|| CustomerError::Invalid("not one of this retailer's loyalty card numbers".into()))?;
            hq.storage.customer_by_hash(&card_hash(&card_key(hq), &n))?
        }
        LookupKind::Token => {
            let t = LoyaltyToken::verify(&q.value, &hq.key.public(), now).map_err(|e| {
                CustomerError::Invalid(match e {
                    loyalty::TokenError::Expired(at) => format!(
                        "the code has expired (at {}); show a fresh one",
                        crate::admin::format_time(at)
                    ),
                    e => e.to_string(),
                })
            })?;
            hq.storage.customer(&t.sub)?.filter(|c| c.forgotten_at.is_none())
        }
    };
    found.map(|c| view(hq, &c, now)).transpose()
}

/// The offline card table for kiosks.
pub fn card_table(hq: &Hq) -> Result<CardTable, CustomerError> {
    let entries = hq
        .storage
        .card_holders()?
        .into_iter()
        .map(|(hash, c)| CardEntry {
            hash,
            customer_id: c.id,
            first_name: c.first_name.unwrap_or_default(),
            tier: c.tier,
            consent: c.consent,
        })
        .collect();
    Ok(CardTable {
        prefix: hq.config.card_prefix.clone(),
        key: URL_SAFE_NO_PAD.encode(card_key(hq)),
        entries,
        as_of: hq.now(),
    })
}

/// The QR text of a coupon (scanned at a kiosk).
pub fn signed_coupon(hq: &Hq, c: &CouponRecord) -> String {
    SignedCoupon {
        iss: issuer_id(&hq.key.public()),
        code: c.code.clone(),
        basis_points: c.basis_points,
        min_spend_minor: c.min_spend_minor,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
    }
    .sign(&hq.key)
}

/// Where a coupon stands (for a kiosk online, before it applies one).
pub fn coupon_state(hq: &Hq, code: &str, now: UnixTime) -> Result<CouponState, CustomerError> {
    let code = code.trim();
    let st = |status, promotion, r: Option<&Redemption>| CouponState {
        code: code.to_string(),
        status,
        promotion,
        used_channel: r.map(|r| r.channel.clone()),
        used_at: r.map(|r| r.used_at),
    };
    Ok(match hq.storage.coupon(code)? {
        Some(c) if c.redemption.is_some() => st(CouponStatus::Used, Some(coupon_promo(&c)), c.redemption.as_ref()),
        Some(c) if now >= c.valid_until => st(CouponStatus::Expired, Some(coupon_promo(&c)), None),
        Some(c) => st(CouponStatus::Valid, Some(coupon_promo(&c)), None),
        None => match hq
            .storage
            .promotions()?
            .into_iter()
            .find(|p| p.coupon_code.as_deref() == Some(code))
        {
            Some(p) => st(CouponStatus::Valid, Some(p), None),
            None => st(CouponStatus::Unknown, None, None),
        },
    })
}

fn channel_name(channel: &str, lang: Lang) -> &'static str {
    match channel {
        "kiosk" => lang.pick("à une borne en magasin", "at an in-store kiosk"),
        "phone" => lang.pick("sur un téléphone", "on a phone"),
        _ => lang.pick("en ligne", "online"),
    }
}

/// The sentence for a coupon used before (English / French, it may reach a
/// shopper through a kiosk).
pub fn used_message(r: &Redemption, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!(
            "Ce bon de réduction a déjà été utilisé le {} {} : il ne sert qu'une fois.",
            format_date(r.used_at),
            channel_name(&r.channel, lang)
        ),
        _ => format!(
            "This coupon was already used on {} {}: it can be used only once.",
            format_date(r.used_at),
            channel_name(&r.channel, lang)
        ),
    }
}

/// The coupons of an order or a phone basket, once HQ has looked at them.
#[derive(Debug, Clone, Default)]
pub struct AppliedCoupons {
    /// One per code, accepted or refused with the reason.
    pub outcomes: Vec<CouponOutcome>,
    /// The promotions of the accepted HQ coupons (to price with).
    pub promotions: Vec<Promotion>,
    /// The accepted codes (to price with, as scanned codes).
    pub codes: Vec<String>,
}

/// Records the use of each coupon of an order or a phone basket and
/// returns the outcomes with the promotions of the accepted ones. Catalog
/// coupons (a code printed on a leaflet) are not single-use.
pub fn apply_coupons(
    hq: &Hq,
    codes: &[String],
    channel: &str,
    reference: &str,
    store: Option<&str>,
    used_at: UnixTime,
) -> Result<AppliedCoupons, CustomerError> {
    let mut outcomes = Vec::new();
    let mut promos = Vec::new();
    let mut accepted = Vec::new();
    let catalog = hq.storage.promotions()?;
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).take(10) {
        let refused = |reason: String| CouponOutcome {
            code: code.to_string(),
            accepted: false,
            reason: Some(reason),
        };
        let Some(coupon) = hq.storage.coupon(code)? else {
            if catalog.iter().any(|p| p.coupon_code.as_deref() == Some(code)) {
                accepted.push(code.to_string());
                outcomes.push(CouponOutcome {
                    code: code.to_string(),
                    accepted: true,
                    reason: None,
                });
            } else {
                outcomes.push(refused("unknown coupon code / code de réduction inconnu".into()));
            }
            continue;
        };
        let r = Redemption {
            code: code.to_string(),
            channel: channel.to_string(),
            reference: reference.to_string(),
            store: store.map(String::from),
            used_at,
            recorded_at: hq.now(),
        };
        match hq.storage.redeem(&r)? {
            Redeem::Recorded | Redeem::AlreadyThis => {
                tracing::info!(channel, reference, "coupon redeemed");
                promos.push(coupon_promo(&coupon));
                accepted.push(code.to_string());
                outcomes.push(CouponOutcome {
                    code: code.to_string(),
                    accepted: true,
                    reason: None,
                });
            }
            Redeem::UsedElsewhere(old) => outcomes.push(refused(format!(
                "{} / {}",
                used_message(&old, Lang::En),
                used_message(&old, Lang::Fr)
            ))),
            Redeem::Expired(at) => outcomes.push(refused(format!(
                "this coupon expired on {} / ce bon a expiré le {}",
                format_date(at),
                format_date(at)
            ))),
            Redeem::Unknown => outcomes.push(refused("unknown coupon code / code de réduction inconnu".into())),
        }
    }
    Ok(AppliedCoupons {
        outcomes,
        promotions: promos,
        codes: accepted,
    })
}

// ------------------------------------------------------------ survey loop

fn link(hq: &Hq, path: &str) -> String {
    format!("{}{path}", hq.config.public_base_url.trim_end_matches('/'))
}

fn mail(hq: &Hq, to: &str, subject: String, body: String) -> Option<NewNotification> {
    hq.config.smtp.as_ref().map(|_| NewNotification {
        channel: "email".into(),
        to: to.trim().to_string(),
        subject,
        body,
    })
}

fn schedule(
    hq: &Hq,
    email: Option<&str>,
    customer_id: Option<&str>,
    lang: Lang,
    reference: String,
) -> Result<bool, CustomerError> {
    let Some(email) = email.filter(|e| vitrine_core::wire::valid_email(e)) else {
        return Ok(false);
    };
    if hq.config.smtp.is_none() {
        tracing::info!("no SMTP relay configured: no thank-you or survey email");
        return Ok(false);
    }
    let now = hq.now();
    let id = keys::random_code(16)?;
    let survey_url = link(hq, &format!("/s/{id}?lang={}", lang.code()));
    let thanks = match lang {
        Lang::Fr => (
            "Merci pour votre visite".to_string(),
            "Bonjour,\n\nMerci d'avoir choisi Vitrine. Nous espérons que tout vous a plu.\n\nVitrine\n".to_string(),
        ),
        _ => (
            "Thank you for your visit".to_string(),
            "Hello,\n\nThank you for choosing Vitrine. We hope you enjoyed everything.\n\nVitrine\n".to_string(),
        ),
    };
    let pct = hq.config.survey.coupon_basis_points / 100;
    let survey = match lang {
        Lang::Fr => (
            "Votre avis compte : 1 minute".to_string(),
            format!(
                "Bonjour,\n\nDites-nous comment s'est passé votre achat ; en remerciement, vous recevrez un bon de {pct} % valable en magasin et en ligne.\n\n{survey_url}\n\nVitrine\n"
            ),
        ),
        _ => (
            "Your opinion matters: 1 minute".to_string(),
            format!(
                "Hello,\n\nTell us how your purchase went; as a thank-you you will receive a {pct} % coupon valid in store and online.\n\n{survey_url}\n\nVitrine\n"
            ),
        ),
    };
    let notes: Vec<Scheduled> = [
        mail(hq, email, thanks.0, thanks.1).map(|note| Scheduled {
            note,
            at: now,
            until_redeemed: None,
        }),
        mail(hq, email, survey.0, survey.1).map(|note| Scheduled {
            note,
            at: now + hq.config.survey.survey_delay_s.max(0),
            until_redeemed: None,
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let s = SurveyRecord {
        id,
        customer_id: customer_id.map(String::from),
        email: Some(email.trim().to_string()),
        lang: lang.code().to_string(),
        reference,
        created_at: now,
        answered_at: None,
        score: None,
        coupon_code: None,
    };
    let created = hq.storage.schedule_survey(&s, &notes)?;
    if created {
        tracing::info!(survey = %s.id, reference = %s.reference, "thank-you and survey scheduled");
        hq.wake_notifier();
    }
    Ok(created)
}

/// An order was collected: thank-you now, survey later (once per order).
pub fn after_collected(hq: &Hq, o: &OrderRecord) -> Result<bool, CustomerError> {
    let Ok(req) = serde_json::from_str::<OrderRequest>(&o.request_json) else {
        return Ok(false);
    };
    schedule(
        hq,
        req.customer.email.as_deref(),
        req.customer.customer_id.as_deref(),
        req.lang,
        format!("order:{}", o.id),
    )
}

/// A handoff was claimed with an email: thank-you now, survey later.
pub fn after_claim(hq: &Hq, h: &HandoffRecord, contact: &Contact, lang: Lang) -> Result<bool, CustomerError> {
    schedule(
        hq,
        contact.email.as_deref(),
        h.customer_id.as_deref(),
        lang,
        format!("handoff:{}", h.id),
    )
}

/// Records a survey's answer and issues its coupon (once): the coupon email
/// now, the reminder before it expires. Returns the coupon.
pub fn answer_survey(hq: &Hq, id: &str, score: u8) -> Result<CouponRecord, CustomerError> {
    if !(1..=5).contains(&score) {
        return Err(CustomerError::Invalid("the score is 1 to 5".into()));
    }
    let s = hq
        .storage
        .survey(id)?
        .ok_or_else(|| CustomerError::NotFound(format!("survey {id}")))?;
    if let Some(code) = &s.coupon_code
        && let Some(c) = hq.storage.coupon(code)?
    {
        return Ok(c);
    }
    let now = hq.now();
    let cfg = &hq.config.survey;
    let coupon = CouponRecord {
        code: format!("MERCI-{}", keys::random_code(8)?),
        customer_id: s.customer_id.clone(),
        basis_points: cfg.coupon_basis_points,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + cfg.coupon_valid_days.max(1) * 86_400,
        source: "survey".into(),
        created_at: now,
        redemption: None,
    };
    let lang = Lang::parse(&s.lang).unwrap_or_default();
    let pct = coupon.basis_points / 100;
    let until = format_date(coupon.valid_until);
    let qr = signed_coupon(hq, &coupon);
    let (s1, b1, s2, b2) = match lang {
        Lang::Fr => (
            format!("Votre bon de {pct} % : {}", coupon.code),
            format!(
                "Bonjour,\n\nMerci pour votre avis. Voici votre bon de {pct} % sur votre panier, valable en magasin (borne) et en ligne jusqu'au {until} :\n\n  {}\n\nCode à scanner sur la borne :\n{qr}\n\nVitrine\n",
                coupon.code
            ),
            format!("Votre bon {} expire bientôt", coupon.code),
            format!(
                "Bonjour,\n\nVotre bon de {pct} % ({}) expire le {until}. Profitez-en en magasin ou en ligne.\n\nVitrine\n",
                coupon.code
            ),
        ),
        _ => (
            format!("Your {pct} % coupon: {}", coupon.code),
            format!(
                "Hello,\n\nThank you for your feedback. Here is your {pct} % coupon on your basket, valid in store (kiosk) and online until {until}:\n\n  {}\n\nCode to scan at the kiosk:\n{qr}\n\nVitrine\n",
                coupon.code
            ),
            format!("Your coupon {} expires soon", coupon.code),
            format!(
                "Hello,\n\nYour {pct} % coupon ({}) expires on {until}. Use it in store or online.\n\nVitrine\n",
                coupon.code
            ),
        ),
    };
    let notes: Vec<Scheduled> = match s.email.as_deref() {
        Some(e) => [
            mail(hq, e, s1, b1).map(|note| Scheduled {
                note,
                at: now,
                until_redeemed: None,
            }),
            // Not sent once the coupon is used (on any channel).
            mail(hq, e, s2, b2).map(|note| Scheduled {
                note,
                at: (coupon.valid_until - cfg.reminder_days_before.max(0) * 86_400).max(now),
                until_redeemed: Some(coupon.code.clone()),
            }),
        ]
        .into_iter()
        .flatten()
        .collect(),
        None => Vec::new(),
    };
    if hq.storage.answer_survey(id, score, &coupon, &notes, now)? {
        tracing::info!(survey = %id, "survey answered, coupon issued");
        hq.wake_notifier();
        Ok(coupon)
    } else {
        // Answered meanwhile by another request: that one's coupon.
        let s = hq.storage.survey(id)?;
        match s.and_then(|s| s.coupon_code) {
            Some(code) => hq.storage.coupon(&code)?.ok_or_else(|| CustomerError::NotFound(code)),
            None => Err(CustomerError::NotFound(format!("survey {id}"))),
        }
    }
}

// ------------------------------------------------------------------- HTTP

/// Routes: `/v1/customers/lookup`, `/v1/customers/cards`,
/// `/v1/coupons/{code}`, the survey page `/s/{id}` and the phone page's
/// coupon form `/h/{id}/coupon`.
pub fn routes() -> Router<Arc<Hq>> {
    Router::new()
        .route("/v1/customers/lookup", post(post_lookup))
        .route("/v1/customers/cards", routing::get(get_cards))
        .route("/v1/coupons/{code}", routing::get(get_coupon))
        .route("/s/{id}", routing::get(survey_page).post(survey_answer))
        .route("/h/{id}/coupon", post(phone_coupon))
}

impl From<CustomerError> for Failure {
    fn from(e: CustomerError) -> Self {
        match e {
            CustomerError::Invalid(m) => Failure::unprocessable(m),
            CustomerError::NotFound(m) => Failure::not_found(format!("no {m}")),
            CustomerError::Storage(s) => s.into(),
            CustomerError::Io(e) => Failure::internal(e),
        }
    }
}

async fn post_lookup(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    ApiJson(q): ApiJson<CustomerLookup>,
) -> Result<Json<CustomerView>, Failure> {
    let hq2 = hq.clone();
    blocking(move || {
        lookup(&hq2, &q)?.map(Json).ok_or_else(|| {
            Failure::not_found("no customer with this card, email or phone / aucun client avec cette carte, cet e-mail ou ce téléphone")
        })
    })
    .await
}

async fn get_cards(State(hq): State<Arc<Hq>>, AuthDevice(_dev): AuthDevice) -> Result<Json<CardTable>, Failure> {
    let hq2 = hq.clone();
    blocking(move || Ok(Json(card_table(&hq2)?))).await
}

async fn get_coupon(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    Path(code): Path<String>,
) -> Result<Json<CouponState>, Failure> {
    let hq2 = hq.clone();
    blocking(move || {
        let now = hq2.now();
        Ok(Json(coupon_state(&hq2, &code, now)?))
    })
    .await
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn page(lang: Lang, title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:16px;font-size:18px}}button,input{{font-size:1em;min-height:48px}}label{{display:block;padding:8px 0}}</style></head><body><h1>{t}</h1>{body}</body></html>",
        lang.code(),
        t = esc(title)
    ))
}

async fn survey_page(State(hq): State<Arc<Hq>>, Path(id): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = Hq::lang_or_default(q.lang.as_deref());
    let hq2 = hq.clone();
    let id2 = id.clone();
    let found = blocking(move || Ok(hq2.storage.survey(&id2)?)).await;
    let title = lang.pick("Votre avis", "Your opinion");
    match found {
        Ok(Some(_)) => {
            let mut radios = String::new();
            for n in 1..=5 {
                radios.push_str(&format!(
                    "<label><input type=\"radio\" name=\"score\" value=\"{n}\" required> {n} / 5</label>"
                ));
            }
            page(
                lang,
                title,
                &format!(
                    "<form method=\"post\" action=\"/s/{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><fieldset><legend>{}</legend>{radios}</fieldset><button type=\"submit\">{}</button></form>",
                    esc(&id),
                    lang.code(),
                    lang.pick("Êtes-vous satisfait de votre achat ?", "How satisfied are you with your purchase?"),
                    lang.pick("Envoyer", "Send")
                ),
            )
            .into_response()
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            page(
                lang,
                title,
                lang.pick("Ce lien n'est pas valide.", "This link is not valid."),
            ),
        )
            .into_response(),
        Err(f) => f.into_response(),
    }
}

#[derive(Deserialize)]
struct SurveyForm {
    score: u8,
    lang: Option<String>,
}

async fn survey_answer(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    PageForm(f): PageForm<SurveyForm>,
) -> Response {
    let lang = Hq::lang_or_default(f.lang.as_deref());
    let hq2 = hq.clone();
    match blocking(move || Ok(answer_survey(&hq2, &id, f.score)?)).await {
        Ok(c) => page(
            lang,
            lang.pick("Merci !", "Thank you!"),
            &format!(
                "<p role=\"status\">{} <strong id=\"coupon\">{}</strong> ({} {}).</p>",
                lang.pick("Votre bon de réduction :", "Your coupon:"),
                esc(&c.code),
                lang.pick("valable jusqu'au", "valid until"),
                format_date(c.valid_until)
            ),
        )
        .into_response(),
        Err(f) => f.into_response(),
    }
}

/// Refuses, before it is used, a fresh coupon that the pricing of this
/// basket would not use (minimum spend not reached, products not covered,
/// not valid yet): it stays unused for another basket. Unknown, expired or
/// already used coupons go on to [`apply_coupons`], which refuses them
/// with their reason without recording anything.
fn does_not_apply(hq: &Hq, h: &HandoffRecord, code: &str) -> Result<Option<CouponOutcome>, Failure> {
    let now = hq.now();
    let promo = match hq.storage.coupon(code)? {
        Some(c) if c.redemption.is_none() && now < c.valid_until => Some(coupon_promo(&c)),
        Some(_) => return Ok(None),
        None => {
            if !hq
                .storage
                .promotions()?
                .iter()
                .any(|p| p.coupon_code.as_deref() == Some(code))
            {
                return Ok(None);
            }
            None
        }
    };
    let priced = price_handoff_with(hq, h, Some((code, promo)))?;
    let used = priced.priced.as_ref().is_some_and(|b| {
        b.applied
            .iter()
            .any(|a| a.promotion.coupon_code.as_deref() == Some(code))
    });
    Ok((!used).then(|| CouponOutcome {
        code: code.to_string(),
        accepted: false,
        reason: Some(
            "this coupon does not apply to this basket (minimum spend, products or dates): it was not used and stays valid \
             / ce bon ne s'applique pas à ce panier (montant minimum, produits ou dates) : il n'a pas été utilisé et reste valable"
                .into(),
        ),
    }))
}

#[derive(Deserialize)]
struct CouponForm {
    code: String,
    lang: Option<String>,
}

/// The coupon form of the phone basket page.
pub fn coupon_form(id: &Uuid, lang: Lang) -> String {
    format!(
        "<form method=\"post\" action=\"/h/{id}/coupon\"><input type=\"hidden\" name=\"lang\" value=\"{l}\">\
<label for=\"coupon\">{t}</label><input id=\"coupon\" name=\"code\" autocomplete=\"off\"><button type=\"submit\">{b}</button></form>",
        l = lang.code(),
        t = lang.pick("Bon de réduction", "Coupon"),
        b = lang.pick("Utiliser", "Use")
    )
}

/// The phone page applies a coupon to a handed-off basket: recorded once
/// (channel `phone`), refused if used before anywhere.
async fn phone_coupon(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    PageForm(f): PageForm<CouponForm>,
) -> Response {
    let lang = Hq::lang_or_default(f.lang.as_deref());
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return Failure::not_found("this basket link is not valid").into_response();
    };
    let hq2 = hq.clone();
    let res = blocking(move || {
        let h = hq2
            .storage
            .handoff(&uuid)?
            .ok_or_else(|| Failure::not_found("basket not found"))?;
        let code = f.code.trim().to_string();
        if let Some(refusal) = does_not_apply(&hq2, &h, &code)? {
            return Ok((vec![refusal], None));
        }
        let AppliedCoupons { outcomes, codes, .. } = apply_coupons(
            &hq2,
            std::slice::from_ref(&code),
            "phone",
            &handoff_reference(&h),
            Some(&h.store),
            hq2.now(),
        )?;
        let total = if codes.is_empty() {
            None
        } else {
            // A catalog coupon (not single-use, not recorded) counts here.
            let catalog = hq2.storage.coupon(&code)?.is_none().then_some((code.as_str(), None));
            price_handoff_with(&hq2, &h, catalog)?.priced.map(|p| p.total)
        };
        Ok((outcomes, total))
    })
    .await;
    let back = format!(
        "<p><a href=\"/h/{uuid}?lang={}\">{}</a></p>",
        lang.code(),
        lang.pick("Retour au panier", "Back to the basket")
    );
    match res {
        Ok((outcomes, total)) => {
            let o = outcomes.into_iter().next();
            match (o, total) {
                (Some(o), Some(total)) if o.accepted => page(
                    lang,
                    lang.pick("Bon appliqué", "Coupon applied"),
                    &format!(
                        "<p role=\"status\">{} <strong id=\"total\">{}</strong></p>{back}",
                        lang.pick("Nouveau total :", "New total:"),
                        esc(&total.format(lang))
                    ),
                )
                .into_response(),
                (o, _) => {
                    let reason = o.and_then(|o| o.reason).unwrap_or_default();
                    // The outcome's reason is "English / French".
                    let text = match (lang, reason.split_once(" / ")) {
                        (Lang::Fr, Some((_, fr))) => fr.to_string(),
                        (Lang::En, Some((en, _))) => en.to_string(),
                        _ => reason,
                    };
                    (
                        StatusCode::CONFLICT,
                        page(
                            lang,
                            lang.pick("Bon refusé", "Coupon refused"),
                            &format!("<p role=\"alert\" id=\"refused\">{}</p>{back}", esc(&text)),
                        ),
                    )
                        .into_response()
                }
            }
        }
        Err(f) => f.into_response(),
    }
}
