//! Click&collect orders: accepted once by id (a repeat gets the first
//! receipt, even if prices changed since), priced by HQ at its own time
//! (the kiosk's time only within [`super::identify::OFFLINE_TOLERANCE_S`]
//! of HQ's clock) with the member prices of the customer HQ vouches for
//! and the coupons the kiosk applied (each used once across channels, a
//! personal one only by its holder), confirmed to the shopper in the
//! order's language, then moved through its statuses by the store's staff.
//!
//! Every order, whatever its channel (kiosk click&collect, phone
//! click&collect, delivery), is stored by [`create_order`], and every status
//! change is made by [`set_status`]: these two write the shopper's messages
//! and the order webhook's event ([`super::webhooks`]) in the transaction
//! of the order or the change, so the retailer's systems see them all.
//! How a status may move is the core's one rule
//! ([`OrderStatus::may_become`]); HQ refuses any other change.

use uuid::Uuid;
use vitrine_core::Money;
use vitrine_core::product::UnixTime;
use vitrine_core::sign::sha256_hex;
use vitrine_core::wire::customers::CouponOutcome;
use vitrine_core::wire::{CancelReason, OrderReceipt, OrderRequest, OrderStatus, order_number};

use super::ServiceError;
use super::coupons::{AppliedCoupons, CouponRefusal, apply_coupons};
use super::customers::pricing_context;
use super::identify::{pricing_time, vouched_customer};
use super::notify::messages::{order_messages, status_messages};
use super::pricing::{PricedLines, price_lines_with};
use super::survey::after_collected;
use super::webhooks::{self, OrderOrigin};
use crate::Hq;
use crate::storage::{Device, NewNotification, OrderRecord, ProductPrice, Put, StatusUpdate, StatusUpdated};

fn same_or_conflict(old: &OrderRecord, fingerprint: &str) -> Result<OrderReceipt, ServiceError> {
    if old.fingerprint != fingerprint {
        return Err(ServiceError::Conflict(format!(
            "order {} already exists with other content; a new order needs a new id",
            old.id
        )));
    }
    serde_json::from_str(&old.receipt_json).map_err(ServiceError::internal)
}

/// Stores an order from kiosk `dev` once; returns whether it is new and
/// the receipt (the first one, for a repeat).
pub fn accept_order(hq: &Hq, dev: &Device, req: &OrderRequest) -> Result<(bool, OrderReceipt), ServiceError> {
    req.validate().map_err(ServiceError::Invalid)?;
    if req.store != dev.store {
        return Err(ServiceError::Forbidden(format!(
            "this kiosk is enrolled for store {}, the order names store {}",
            dev.store, req.store
        )));
    }
    let fingerprint = sha256_hex(serde_json::to_string(req).map_err(ServiceError::internal)?.as_bytes());
    // A repeat is answered before anything else (prices may have changed).
    if let Some(old) = hq.storage.order(&req.id)? {
        return Ok((false, same_or_conflict(&old, &fingerprint)?));
    }
    // A label price or weight the core's rule refuses, before any coupon
    // is used.
    super::pricing::check_labels(hq, &req.store, &req.lines)?;
    // Every product must be sold here, checked before any coupon is used.
    for l in &req.lines {
        match hq.storage.product_price(l.gtin, &req.store)? {
            Some(ProductPrice { price: Some(_), .. }) => {}
            None => {
                return Err(ServiceError::Invalid(format!(
                    "product {} is not in HQ's catalog; remove it from the order",
                    l.gtin
                )));
            }
            Some(ProductPrice { price: None, .. }) => {
                return Err(ServiceError::Invalid(format!(
                    "product {} has no price at store {}; remove it from the order",
                    l.gtin, req.store
                )));
            }
        }
    }
    // HQ's pricing time: the kiosk's within the tolerance (an order made
    // offline), else HQ's clock.
    let (at, retimed) = pricing_time(req.created_at, hq.now());
    if retimed {
        tracing::warn!(order = %req.id, "order dated outside the tolerance of HQ's clock: priced at HQ's time");
    }
    // The customer HQ vouches for (never the request's customer_id), their
    // member prices (with their consent) and the coupons the kiosk
    // applied, each used once across channels, a personal one only by
    // its holder.
    let vouched = vouched_customer(hq, req.identification.as_deref(), &dev.id, at)?;
    let customer = vouched.as_ref().map(pricing_context);
    let holder = vouched.as_ref().map(|c| c.id.as_str());
    let AppliedCoupons {
        outcomes: coupons,
        refused,
        promotions: promos,
        codes: accepted,
    } = apply_coupons(
        hq,
        &req.coupons,
        "kiosk",
        &format!("order:{}", req.id),
        Some(&req.store),
        at,
        holder,
    )?;
    let priced = price_lines_with(hq, &req.store, &req.lines, customer.as_ref(), &promos, &accepted, at)?;
    // What HQ keeps of the request: the customer it vouched for, not the
    // one the kiosk named, and not the evidence (a card number, a token).
    let mut kept = req.clone();
    kept.customer.customer_id = holder.map(String::from);
    kept.identification = None;
    create_order(
        hq,
        NewOrder {
            request: kept,
            device_id: &dev.id,
            at,
            priced: &priced,
            extra: Money::zero(hq.config.currency),
            coupons,
            refused: &refused,
            fingerprint,
            details: None,
            notes: None,
            origin: OrderOrigin::KIOSK,
        },
    )
}

/// An order about to be stored, whichever channel made it (the kiosk's
/// click&collect, the phone's click&collect or delivery).
pub struct NewOrder<'a> {
    /// The request as HQ keeps it (the customer it vouches for, no
    /// evidence).
    pub request: OrderRequest,
    /// The kiosk that made the order (or the basket it comes from).
    pub device_id: &'a str,
    /// HQ's pricing time.
    pub at: UnixTime,
    pub priced: &'a PricedLines,
    /// Added to the basket's total (a delivery fee).
    pub extra: Money,
    pub coupons: Vec<CouponOutcome>,
    pub refused: &'a [(String, CouponRefusal)],
    /// The idempotency fingerprint.
    pub fingerprint: String,
    /// How a phone order is fulfilled and paid (see
    /// [`crate::services::phone`]), with the basket it comes from.
    pub details: Option<(Uuid, String)>,
    /// The confirmation to send (None: the kiosk order's).
    pub notes: Option<Vec<NewNotification>>,
    /// Its channel, fulfilment and payment, for the retailer's webhook.
    pub origin: OrderOrigin<'a>,
}

/// Stores an order once with its confirmation: the ONE function every
/// order goes through, so that whatever follows an order (its messages,
/// the retailer's webhook) sees them all. Returns whether it is new and
/// the receipt (the first one, for a repeat).
pub fn create_order(hq: &Hq, o: NewOrder<'_>) -> Result<(bool, OrderReceipt), ServiceError> {
    let req = &o.request;
    let basket = o
        .priced
        .priced
        .as_ref()
        .map(|p| p.total)
        .unwrap_or(Money::zero(hq.config.currency));
    let total = basket.checked_add(o.extra).map_err(ServiceError::internal)?;
    let receipt = OrderReceipt {
        id: req.id,
        number: order_number(&req.id),
        store: req.store.clone(),
        status: OrderStatus::Received,
        total,
        created_at: o.at,
        coupons: o.coupons,
    };
    let record = OrderRecord {
        id: req.id,
        number: receipt.number.clone(),
        store: req.store.clone(),
        device_id: o.device_id.to_string(),
        created_at: o.at,
        received_at: hq.now(),
        status: OrderStatus::Received,
        request_json: serde_json::to_string(req).map_err(ServiceError::internal)?,
        fingerprint: o.fingerprint.clone(),
        receipt_json: serde_json::to_string(&receipt).map_err(ServiceError::internal)?,
        total,
        checkout_url: None,
        cancel_reason: None,
    };
    let notes = match o.notes {
        Some(notes) => notes,
        None => order_messages(hq, req, &receipt, o.priced, o.refused),
    };
    // The details first: an order never exists without them (a failure
    // after leaves details no order names, harmless).
    if let Some((handoff, details)) = &o.details {
        hq.storage.put_order_details(&req.id, handoff, details)?;
    }
    // The retailer's webhook event goes in the order's transaction.
    let events: Vec<_> = webhooks::order_created(hq, &record, req, o.priced, o.origin)?
        .into_iter()
        .collect();
    match hq.storage.put_order(&record, &notes, &events)? {
        Put::Created(_) => {
            tracing::info!(order = %req.id, number = %receipt.number, store = %req.store, channel = o.origin.channel, "order received");
            hq.wake_notifier();
            hq.wake_webhooks();
            Ok((true, receipt))
        }
        Put::Existing(old) => Ok((false, same_or_conflict(&old, &o.fingerprint)?)),
        Put::Conflict => Err(ServiceError::Conflict("order id reused".into())),
    }
}

/// Records where the shopper pays an order (the retailer's answer to the
/// order webhook carries `checkout_url`, kept by the webhook worker the
/// same way): the order page links there. https only. False when the
/// order was not made on the phone.
pub fn set_checkout_url(hq: &Hq, id: &Uuid, url: &str) -> Result<bool, ServiceError> {
    if !vitrine_core::webhook::checkout_url_ok(url) {
        return Err(ServiceError::Invalid(
            "checkout_url: an https:// URL of at most 2000 characters".into(),
        ));
    }
    Ok(hq.storage.set_order_checkout_url(id, url)?)
}

/// An order's receipt with its status now, for the kiosk of its store.
pub fn receipt(hq: &Hq, id: &Uuid, store: &str) -> Result<OrderReceipt, ServiceError> {
    let o = hq
        .storage
        .order(id)?
        .filter(|o| o.store == store)
        .ok_or_else(|| ServiceError::NotFound(format!("no order {id} at store {store}")))?;
    let mut receipt: OrderReceipt = serde_json::from_str(&o.receipt_json).map_err(ServiceError::internal)?;
    receipt.status = o.status;
    Ok(receipt)
}

/// Moves an order of `store` to `to`, for `by` (a member of staff, written
/// in the audit log): only along [`OrderStatus::may_become`], a
/// cancellation with its reason. The shopper hears when it is ready or
/// cancelled, the retailer's systems get the change, and the survey loop
/// starts once it is collected. Asking for the status it already has
/// changes nothing (a form sent twice). None: no such order in this store;
/// [`ServiceError::Conflict`] when the move is not allowed from its status
/// (or it moved meanwhile), [`ServiceError::Invalid`] for a cancellation
/// without a reason.
pub fn set_status(
    hq: &Hq,
    store: &str,
    id: &Uuid,
    to: OrderStatus,
    by: &str,
    reason: Option<CancelReason>,
) -> Result<Option<OrderRecord>, ServiceError> {
    let Some(o) = hq.storage.order(id)?.filter(|o| o.store == store) else {
        return Ok(None);
    };
    if o.status == to {
        return Ok(Some(o));
    }
    if !o.status.may_become(to) {
        return Err(ServiceError::Conflict(format!(
            "order {} is {}: it cannot become {}",
            o.number,
            o.status.as_str(),
            to.as_str()
        )));
    }
    let reason = match (to, reason) {
        (OrderStatus::Cancelled, None) => {
            return Err(ServiceError::Invalid("a cancellation needs a reason".into()));
        }
        (OrderStatus::Cancelled, r) => r,
        _ => None,
    };
    let notes = status_messages(hq, &o, to, reason);
    let events: Vec<_> = webhooks::status_changed(hq, &o, to, reason)?.into_iter().collect();
    let update = StatusUpdate {
        id: *id,
        from: o.status,
        to,
        reason,
        by: Some(by),
        now: hq.now(),
        notes: &notes,
        events: &events,
    };
    let updated = match hq.storage.change_order_status(&update)? {
        StatusUpdated::Changed(o) => o,
        StatusUpdated::Moved(now) if now.status == to => return Ok(Some(now)),
        StatusUpdated::Moved(now) => {
            return Err(ServiceError::Conflict(format!(
                "order {} became {} meanwhile",
                now.number,
                now.status.as_str()
            )));
        }
        StatusUpdated::NotFound => return Ok(None),
    };
    tracing::info!(order = %id, from = o.status.as_str(), to = to.as_str(), "order status changed");
    if to == OrderStatus::Collected
        && let Err(e) = after_collected(hq, &updated)
    {
        tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
    }
    hq.wake_notifier();
    hq.wake_webhooks();
    Ok(Some(updated))
}
