//! Click&collect orders: accepted once by id (a repeat gets the first
//! receipt, even if prices changed since), priced by HQ with the
//! identified customer's member prices and the coupons the kiosk applied
//! (each used once across channels), confirmed to the shopper in the
//! order's language, then moved through its statuses by the store's staff.

use uuid::Uuid;
use vitrine_core::Money;
use vitrine_core::sign::sha256_hex;
use vitrine_core::wire::{OrderReceipt, OrderRequest, OrderStatus, order_number};

use super::ServiceError;
use super::coupons::{AppliedCoupons, apply_coupons};
use super::customers::pricing_context;
use super::notify::messages::{order_messages, status_messages};
use super::pricing::price_lines_with;
use super::survey::after_collected;
use crate::Hq;
use crate::storage::{Device, OrderRecord, ProductPrice, Put};

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
    // The identified customer's member prices (with their consent) and
    // the coupons the kiosk applied, each used once across channels.
    let customer = match req.customer.customer_id.as_deref() {
        Some(id) => hq.storage.customer(id)?.map(|c| pricing_context(&c)),
        None => None,
    };
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
        req.created_at,
    )?;
    let priced = price_lines_with(
        hq,
        &req.store,
        &req.lines,
        customer.as_ref(),
        &promos,
        &accepted,
        req.created_at,
    )?;
    let total = priced
        .priced
        .as_ref()
        .map(|p| p.total)
        .unwrap_or(Money::zero(hq.config.currency));
    let receipt = OrderReceipt {
        id: req.id,
        number: order_number(&req.id),
        store: req.store.clone(),
        status: OrderStatus::Received,
        total,
        created_at: req.created_at,
        coupons,
    };
    let record = OrderRecord {
        id: req.id,
        number: receipt.number.clone(),
        store: req.store.clone(),
        device_id: dev.id.clone(),
        created_at: req.created_at,
        received_at: hq.now(),
        status: OrderStatus::Received,
        request_json: serde_json::to_string(req).map_err(ServiceError::internal)?,
        fingerprint: fingerprint.clone(),
        receipt_json: serde_json::to_string(&receipt).map_err(ServiceError::internal)?,
        total,
    };
    let notes = order_messages(hq, req, &receipt, &priced, &refused);
    match hq.storage.put_order(&record, &notes)? {
        Put::Created(_) => {
            tracing::info!(order = %req.id, number = %receipt.number, store = %req.store, "order received");
            Ok((true, receipt))
        }
        Put::Existing(old) => Ok((false, same_or_conflict(&old, &fingerprint)?)),
        Put::Conflict => Err(ServiceError::Conflict("order id reused".into())),
    }
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

/// A member of the store's staff (`staff`, written in the audit log)
/// moves an order to `status`: the shopper hears when it
/// is ready, and the survey loop starts once it is collected. None: no
/// such order in this store.
pub fn set_status(
    hq: &Hq,
    store: &str,
    id: &Uuid,
    status: OrderStatus,
    staff: &str,
) -> Result<Option<OrderRecord>, ServiceError> {
    let Some(o) = hq.storage.order(id)?.filter(|o| o.store == store) else {
        return Ok(None);
    };
    let notes = status_messages(hq, &o, status);
    let updated = hq.storage.set_order_status_by(id, status, staff, hq.now(), &notes)?;
    if status == OrderStatus::Collected
        && let Some(o) = &updated
        && let Err(e) = after_collected(hq, o)
    {
        tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
    }
    hq.wake_notifier();
    Ok(updated)
}
