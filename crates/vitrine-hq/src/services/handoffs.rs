//! Baskets handed off from a kiosk to a phone. The kiosk signs the basket
//! with its own key; HQ stores it once whoever delivers it first (the
//! kiosk's outbox, or the phone page with the basket carried in its link),
//! prices it as the kiosk did (the customer the kiosk identified, the
//! coupons used on it from the phone), sends it to the shopper who claims
//! it, and records a coupon used on it from the phone.

use uuid::Uuid;
use vitrine_core::loyalty::{normalise_email, normalise_phone};
use vitrine_core::pricing::Promotion;
use vitrine_core::sign::{PublicKey, handoff_message};
use vitrine_core::wire::{
    Contact, HandoffBasket, HandoffReceipt, HandoffSend, HandoffSent, HandoffSubmit, check_customer_fields,
};
use vitrine_core::{Lang, Money};

use super::ServiceError;
use super::coupons::{AppliedCoupons, CouponRefusal, apply_coupons, coupon_promo, is_catalog_code};
use super::customers::pricing_context;
use super::identify::{pricing_time, vouched_customer};
use super::notify::messages::claim_messages;
use super::pricing::{PricedLines, price_lines_with};
use super::survey::after_claim;
use crate::Hq;
use crate::storage::{Claim, HandoffRecord, Put};

/// Who delivers a handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// An enrolled kiosk (its device id): the only one that may vouch for
    /// the basket's customer, and only for a basket it made itself.
    Kiosk(&'a str),
    /// The phone page: the basket is anonymous (whatever it sends).
    Phone,
}

/// Whether a basket dated `created_at` (the kiosk's clock) may still be
/// stored as a new handoff at HQ time `now`: not older than
/// [`crate::HqConfig::basket_max_age_s`] (a kiosk offline that long still
/// delivers its outbox), not later than
/// [`crate::HqConfig::basket_max_ahead_s`] (kiosk clocks drift a little).
/// A signed basket is otherwise valid for ever, so a link or a captured
/// basket could be replayed years later.
fn basket_in_window(hq: &Hq, created_at: i64, now: i64) -> Result<(), ServiceError> {
    if created_at < now - hq.config.basket_max_age_s {
        return Err(ServiceError::Invalid(format!(
            "the basket is too old (made more than {} days ago); make a new basket at the kiosk",
            hq.config.basket_max_age_s / 86_400
        )));
    }
    if created_at > now + hq.config.basket_max_ahead_s {
        return Err(ServiceError::Invalid(
            "the basket is dated in the future; check the kiosk's clock".into(),
        ));
    }
    Ok(())
}

/// A kiosk's `POST /v1/handoffs`: as [`accept_handoff`], but a basket of
/// another store than the calling kiosk's (`device_store`) is refused
/// before anything is stored.
pub fn accept_kiosk_handoff(
    hq: &Hq,
    sub: &HandoffSubmit,
    device_id: &str,
    device_store: &str,
) -> Result<HandoffRecord, ServiceError> {
    accept(hq, sub, Source::Kiosk(device_id), None, Some(device_store))
}

/// Checks a submitted handoff (the device's signature over the basket, its
/// date) and stores it once. Used by the phone page (and tests); `path_id`
/// is the id the phone page's link names.
///
/// The customer is the one HQ vouches for
/// ([`super::identify::vouched_customer`]) from what the basket's own kiosk
/// sent; the `customer_id` a client sends is never taken. A kiosk's
/// delivery may add its vouched customer to a basket the phone delivered
/// first (the kiosk was offline); nothing else changes a stored basket's
/// customer.
pub fn accept_handoff(
    hq: &Hq,
    sub: &HandoffSubmit,
    source: Source<'_>,
    path_id: Option<Uuid>,
) -> Result<HandoffRecord, ServiceError> {
    accept(hq, sub, source, path_id, None)
}

fn accept(
    hq: &Hq,
    sub: &HandoffSubmit,
    source: Source<'_>,
    path_id: Option<Uuid>,
    caller_store: Option<&str>,
) -> Result<HandoffRecord, ServiceError> {
    check_customer_fields(sub.customer_id.as_deref(), sub.identification.as_deref()).map_err(ServiceError::Invalid)?;
    let (basket, payload, sig) =
        HandoffBasket::parse_compact(&sub.compact).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    if path_id.is_some_and(|id| id != basket.id) {
        return Err(ServiceError::Invalid(
            "the basket in the link belongs to another handoff; scan the QR code again".into(),
        ));
    }
    let device = hq
        .storage
        .device(&basket.device_id)?
        .filter(|d| d.revoked_at.is_none())
        .ok_or_else(|| {
            ServiceError::Forbidden("the basket was made by a kiosk HQ does not know (or has revoked)".into())
        })?;
    let key = device
        .public_key
        .as_deref()
        .and_then(|k| PublicKey::from_text(k).ok())
        .ok_or_else(|| ServiceError::Forbidden("the kiosk that made this basket is not enrolled".into()))?;
    key.verify(&handoff_message(&payload), &sig)
        .map_err(|_| ServiceError::BadSignature)?;
    if basket.store != device.store {
        return Err(ServiceError::Forbidden(
            "the basket names another store than its kiosk's".into(),
        ));
    }
    if let Some(store) = caller_store
        && store != basket.store
    {
        return Err(ServiceError::Forbidden(format!(
            "this kiosk is enrolled for store {store}, the basket is from store {}",
            basket.store
        )));
    }
    // A basket HQ already has is answered as before (the phone page's link
    // opened late, the outbox's retry): only a new one must be recent.
    if hq.storage.handoff(&basket.id)?.is_none() {
        basket_in_window(hq, basket.created_at, hq.now())?;
    }
    if let Some(c) = &sub.contact {
        c.validate().map_err(ServiceError::Invalid)?;
    }
    super::pricing::check_labels(hq, &basket.store, &basket.lines)?;
    let customer_id = match source {
        Source::Kiosk(dev) if dev == basket.device_id => {
            let (at, _) = pricing_time(basket.created_at, hq.now());
            vouched_customer(hq, sub.identification.as_deref(), dev, at)?.map(|c| c.id)
        }
        Source::Kiosk(_) | Source::Phone => None,
    };
    let record = HandoffRecord {
        id: basket.id,
        store: basket.store.clone(),
        device_id: basket.device_id.clone(),
        created_at: basket.created_at,
        lines: basket.lines.clone(),
        payload,
        compact: sub.compact.trim().to_string(),
        contact: sub.contact.clone().filter(|c| !c.is_empty()),
        customer_id,
        received_at: hq.now(),
        source: match source {
            Source::Kiosk(_) => "kiosk".into(),
            Source::Phone => "phone".into(),
        },
        claimed_at: None,
    };
    match hq.storage.put_handoff(&record)? {
        Put::Created(h) => {
            tracing::info!(handoff = %h.id, source = %h.source, "handoff received");
            Ok(h)
        }
        Put::Existing(h) => Ok(h),
        Put::Conflict => Err(ServiceError::Conflict(format!(
            "handoff {} already exists with another basket; a new basket needs a new id",
            basket.id
        ))),
    }
}

/// What the kiosk is answered: where the phone finds the basket.
pub fn handoff_receipt(hq: &Hq, h: &HandoffRecord) -> HandoffReceipt {
    HandoffReceipt {
        id: h.id,
        url: format!("{}/h/{}", hq.config.public_base_url.trim_end_matches('/'), h.id),
        store: h.store.clone(),
        items: h.lines.iter().map(|l| l.quantity).sum(),
        received_at: h.received_at,
    }
}

/// The reference of a handed-off basket's coupon uses (channel `phone`).
pub fn handoff_reference(h: &HandoffRecord) -> String {
    format!("handoff:{}", h.id)
}

/// What a handed-off basket is priced with: the customer the kiosk had
/// identified (their member prices, with their consent, the same
/// [`pricing_context`] as an order's) and the HQ coupons used on it from
/// the phone page, with `extra` (a coupon code and its promotion, if it is
/// an HQ coupon) on top.
/// A handed-off basket as it is now: the lines of the shopper's last edit
/// on the phone (the kiosk's signed lines until then) and the customer the
/// kiosk vouched for, else the one a one-time code identified on the
/// phone. With the edit's version (0: the kiosk's).
pub fn current(hq: &Hq, h: &HandoffRecord) -> Result<(HandoffRecord, u32), ServiceError> {
    let mut now = h.clone();
    let mut version = 0;
    if let Some(edit) = hq.storage.basket_edit(&h.id)? {
        now.lines = edit.lines;
        version = edit.version;
    }
    if now.customer_id.is_none() {
        now.customer_id = hq.storage.phone_identity(&h.id)?;
    }
    Ok((now, version))
}

fn price_handoff_with(
    hq: &Hq,
    h: &HandoffRecord,
    extra: Option<(&str, Option<Promotion>)>,
) -> Result<PricedLines, ServiceError> {
    price_handoff_at(hq, h, &h.store, extra)
}

/// [`price_handoff`] with `store`'s prices (an order collected in another
/// store), and `extra` (a coupon about to be used).
pub fn price_handoff_at(
    hq: &Hq,
    h: &HandoffRecord,
    store: &str,
    extra: Option<(&str, Option<Promotion>)>,
) -> Result<PricedLines, ServiceError> {
    let (h, _) = current(hq, h)?;
    let h = &h;
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
    price_lines_with(hq, store, &h.lines, customer.as_ref(), &promos, &codes, hq.now())
}

/// A handed-off basket priced as the phone page and the claim email show
/// it: with the identified customer's prices and the coupons used on it.
pub fn price_handoff(hq: &Hq, h: &HandoffRecord) -> Result<PricedLines, ServiceError> {
    price_handoff_with(hq, h, None)
}

/// What became of a claim from the phone page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// Claimed now: the basket is on its way to the shopper.
    Claimed,
    /// Claimed before with the same contact (a double tap, a reload):
    /// nothing more is sent.
    Repeat,
    /// Claimed before with another contact: refused, for the first
    /// shopper's safety.
    Taken,
    NotFound,
}

/// Whether two contacts name the same email and phone (as looked up:
/// case and spacing aside).
fn same_contact(a: &Contact, b: &Contact) -> bool {
    let email = |c: &Contact| {
        c.email
            .as_deref()
            .map(|e| normalise_email(e).unwrap_or_else(|| e.trim().to_lowercase()))
    };
    let phone = |c: &Contact| {
        c.phone
            .as_deref()
            .map(|p| normalise_phone(p).unwrap_or_else(|| p.trim().to_string()))
    };
    email(a) == email(b) && phone(a) == phone(b)
}

/// Claims a handed-off basket with the shopper's contact (already
/// checked): the basket is sent to them in `lang`, once, and the survey
/// loop starts.
pub fn claim(hq: &Hq, id: &Uuid, contact: &Contact, lang: Lang) -> Result<ClaimOutcome, ServiceError> {
    let Some(h) = hq.storage.handoff(id)? else {
        return Ok(ClaimOutcome::NotFound);
    };
    let outcome = if h.claimed_at.is_some() {
        Claim::AlreadyClaimed(h.contact.clone())
    } else {
        let priced = price_handoff(hq, &h)?;
        let notes = claim_messages(hq, &h, contact, &priced, lang);
        // Claimed once, in one statement: of two claims at the same time one
        // wins, the other is answered as a repeat.
        hq.storage.claim_handoff(id, contact, hq.now(), &notes)?
    };
    Ok(match outcome {
        Claim::Claimed => {
            if let Err(e) = after_claim(hq, &h, contact, lang) {
                tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
            }
            hq.wake_notifier();
            ClaimOutcome::Claimed
        }
        Claim::AlreadyClaimed(Some(before)) if same_contact(&before, contact) => ClaimOutcome::Repeat,
        Claim::AlreadyClaimed(_) => {
            tracing::info!(handoff = %id, "claim refused: the basket was claimed with another contact");
            ClaimOutcome::Taken
        }
        Claim::NotFound => ClaimOutcome::NotFound,
    })
}

/// What became of a kiosk's request to send a basket's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent(HandoffSent),
    /// The basket was claimed with another contact: refused, as a second
    /// claim from the phone page is.
    Taken,
    /// No such basket made by this kiosk (another kiosk's basket is not
    /// told apart from one that does not exist).
    NotFound,
}

/// The kiosk sends a basket's link to the contact the shopper typed on it:
/// the shopper's claim of the basket, made for them by the kiosk that
/// handed it off (and only by that kiosk), so the link goes out once, by
/// the same email or text message as a claim from the phone page.
pub fn send_link(hq: &Hq, device_id: &str, id: &Uuid, req: &HandoffSend) -> Result<SendOutcome, ServiceError> {
    if req.handoff != *id {
        return Err(ServiceError::Invalid(
            "the body names another handoff than the address".into(),
        ));
    }
    req.validate().map_err(ServiceError::Invalid)?;
    match hq.storage.handoff(id)? {
        Some(h) if h.device_id == device_id => {}
        _ => return Ok(SendOutcome::NotFound),
    }
    Ok(match claim(hq, id, &req.contact, req.lang)? {
        ClaimOutcome::Claimed => SendOutcome::Sent(HandoffSent::Sent),
        ClaimOutcome::Repeat => SendOutcome::Sent(HandoffSent::AlreadySent),
        ClaimOutcome::Taken => SendOutcome::Taken,
        ClaimOutcome::NotFound => SendOutcome::NotFound,
    })
}

/// What became of a coupon sent from the phone page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneCoupon {
    /// Used on this basket: its new total.
    Applied(Money),
    Refused(CouponRefusal),
}

/// Refuses, before it is used, a fresh coupon that the pricing of this
/// basket would not use (minimum spend not reached, products not covered,
/// not valid yet): it stays unused for another basket. Unknown, expired or
/// already used coupons go on to [`apply_coupons`], which refuses them
/// with their reason without recording anything.
fn does_not_apply(hq: &Hq, h: &HandoffRecord, code: &str) -> Result<bool, ServiceError> {
    let now = hq.now();
    let promo = match hq.storage.coupon(code)? {
        Some(c) if c.redemption.is_none() && now < c.valid_until => Some(coupon_promo(&c)),
        Some(_) => return Ok(false),
        None => {
            if !is_catalog_code(hq, code)? {
                return Ok(false);
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
    Ok(!used)
}

/// The phone page applies a coupon to a handed-off basket: recorded once
/// (channel `phone`), refused if used before anywhere. None: no such basket.
pub fn use_coupon(hq: &Hq, id: &Uuid, code: &str) -> Result<Option<PhoneCoupon>, ServiceError> {
    let Some(h) = hq.storage.handoff(id)? else {
        return Ok(None);
    };
    let (h, _) = current(hq, &h)?;
    let code = code.trim().to_string();
    if hq
        .storage
        .coupon(&code)?
        .is_some_and(|c| !super::coupons::may_use(&c, h.customer_id.as_deref()))
    {
        tracing::warn!(handoff = %h.id, "personal coupon refused on the phone: not its holder's basket");
        return Ok(Some(PhoneCoupon::Refused(CouponRefusal::NotHolder)));
    }
    if does_not_apply(hq, &h, &code)? {
        return Ok(Some(PhoneCoupon::Refused(CouponRefusal::DoesNotApply)));
    }
    let AppliedCoupons { codes, mut refused, .. } = apply_coupons(
        hq,
        std::slice::from_ref(&code),
        "phone",
        &handoff_reference(&h),
        Some(&h.store),
        hq.now(),
        h.customer_id.as_deref(),
    )?;
    if codes.is_empty() {
        return Ok(Some(PhoneCoupon::Refused(
            refused.pop().map(|(_, why)| why).unwrap_or(CouponRefusal::Unknown),
        )));
    }
    // A catalog coupon (not single-use, not recorded) counts here.
    let catalog = hq.storage.coupon(&code)?.is_none().then_some((code.as_str(), None));
    let total = price_handoff_with(hq, &h, catalog)?.priced.map(|p| p.total);
    Ok(Some(match total {
        Some(t) => PhoneCoupon::Applied(t),
        None => PhoneCoupon::Refused(CouponRefusal::DoesNotApply),
    }))
}
