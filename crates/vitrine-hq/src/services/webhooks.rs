//! The order webhook: every order and every status change reaches the
//! retailer's systems (`serve --order-webhook URL`).
//!
//! - **Outbox.** [`super::orders`] writes each event in the transaction of
//!   the order or the change it reports ([`order_created`],
//!   [`status_changed`]): an event is never lost, nor sent for something
//!   that was not stored.
//! - **Delivery.** [`run`] posts due events, oldest first (an order's
//!   events in the order they happened), signed
//!   ([`vitrine_core::webhook`]: HMAC-SHA256 over timestamp and body, the
//!   event id as idempotency key). A 2xx answer delivers it; a timeout, a
//!   network error, a 5xx, 408 or 429 is tried again after an exponential
//!   delay with jitter; another 4xx (the receiver refuses this event for
//!   good) or the last try makes it a dead letter, which never holds up
//!   the others and waits for `vitrine-hq webhook replay ID`.
//! - **Checkout.** A receiver may answer a new order with
//!   `{"checkout_url": "https://…"}`: HQ keeps it on the order
//!   (`https://` only) for the phone's order page.
//!
//! Nothing about the webhook's address or secret reaches the log or the
//! outbox's `last_error` (the address may carry a key).

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::webhook::{
    EVENT_TYPE_HEADER, EventKind, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, StatusChange, WebhookAnswer, WebhookCustomer,
    WebhookDelivery, WebhookEvent, WebhookLine, WebhookOrder, WebhookSlot, checkout_url_ok, signature_header,
};
use vitrine_core::wire::{CancelReason, OrderRequest, OrderStatus};

use super::ServiceError;
use super::pricing::PricedLines;
use crate::storage::{EventState, NewWebhookEvent, OrderRecord, OutboxEvent};
use crate::{Hq, OrderWebhook};

/// The largest answer body HQ reads (a checkout URL fits many times).
const MAX_ANSWER_BYTES: usize = 16 * 1024;
/// The longest delay between two tries (seconds).
const MAX_DELAY_S: i64 = 3600;

/// How an order was placed and will be handed over, for its event.
#[derive(Debug, Clone, Copy)]
pub struct OrderOrigin<'a> {
    /// `kiosk` or `phone`.
    pub channel: &'a str,
    /// `click_and_collect` or `delivery`.
    pub fulfilment: &'a str,
    /// `at_pickup`, `on_delivery`, `checkout`.
    pub payment: &'a str,
    /// The slot chosen on the phone.
    pub slot: Option<WebhookSlot>,
    /// A home delivery's address and fee.
    pub delivery: Option<&'a WebhookDelivery>,
}

impl OrderOrigin<'static> {
    /// A click&collect order from a kiosk, paid at pickup.
    pub const KIOSK: OrderOrigin<'static> = OrderOrigin {
        channel: "kiosk",
        fulfilment: "click_and_collect",
        payment: "at_pickup",
        slot: None,
        delivery: None,
    };
}

fn event(kind: EventKind, now: UnixTime, order: Option<WebhookOrder>, change: Option<StatusChange>) -> WebhookEvent {
    WebhookEvent {
        id: Uuid::now_v7(),
        kind,
        created_at: now,
        order,
        change,
    }
}

fn queued(e: &WebhookEvent) -> Result<NewWebhookEvent, ServiceError> {
    Ok(NewWebhookEvent {
        id: e.id,
        order_id: e.order.as_ref().map(|o| o.id),
        kind: e.kind.as_str().to_string(),
        body: serde_json::to_string(e).map_err(ServiceError::internal)?,
    })
}

/// The event of a new order (None when HQ has no order webhook): the
/// order whole, its lines priced by HQ, the customer HQ kept.
pub fn order_created(
    hq: &Hq,
    record: &OrderRecord,
    request: &OrderRequest,
    priced: &PricedLines,
    origin: OrderOrigin<'_>,
) -> Result<Option<NewWebhookEvent>, ServiceError> {
    if hq.config.order_webhook.is_none() {
        return Ok(None);
    }
    let engine_lines = priced.priced.as_ref().map(|b| b.lines.as_slice()).unwrap_or_default();
    let mut priced_iter = engine_lines.iter();
    let lines = priced
        .products
        .iter()
        .map(|p| {
            // The engine prices the lines it could price, in order.
            let engine = if p.price.is_some() { priced_iter.next() } else { None };
            WebhookLine {
                gtin: p.line.gtin,
                quantity: p.line.quantity,
                name: p.product.as_ref().map(|x| x.name.clone()),
                unit_price: p.price,
                total: engine.map(|l| l.net),
            }
        })
        .collect();
    let order = WebhookOrder {
        id: record.id,
        number: record.number.clone(),
        store: record.store.clone(),
        status: record.status,
        channel: Some(origin.channel.to_string()),
        fulfilment: Some(origin.fulfilment.to_string()),
        payment: Some(origin.payment.to_string()),
        created_at: Some(record.created_at),
        lang: Some(request.lang),
        total: Some(record.total),
        customer: Some(WebhookCustomer {
            name: request.customer.name.clone(),
            email: request.customer.email.clone(),
            phone: request.customer.phone.clone(),
            customer_id: request.customer.customer_id.clone(),
        }),
        lines,
        slot: origin.slot,
        delivery: origin.delivery.cloned(),
    };
    queued(&event(EventKind::OrderCreated, hq.now(), Some(order), None)).map(Some)
}

/// The event of a status change (None when HQ has no order webhook).
pub fn status_changed(
    hq: &Hq,
    record: &OrderRecord,
    to: OrderStatus,
    reason: Option<CancelReason>,
) -> Result<Option<NewWebhookEvent>, ServiceError> {
    if hq.config.order_webhook.is_none() {
        return Ok(None);
    }
    let now = hq.now();
    let order = WebhookOrder {
        id: record.id,
        number: record.number.clone(),
        store: record.store.clone(),
        status: to,
        channel: None,
        fulfilment: None,
        payment: None,
        created_at: None,
        lang: None,
        total: None,
        customer: None,
        lines: Vec::new(),
        slot: None,
        delivery: None,
    };
    let change = StatusChange {
        from: record.status,
        to,
        at: now,
        reason,
    };
    queued(&event(EventKind::OrderStatusChanged, now, Some(order), Some(change))).map(Some)
}

/// The outcome of one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// 2xx, with the answer's checkout URL if it gave a valid one.
    Delivered { status: u16, checkout_url: Option<String> },
    /// Worth another try later.
    Failed(String),
    /// The receiver refuses this event for good (a 4xx other than 408/429).
    Refused(String),
}

/// An HTTP client for the webhook: its timeout, no redirects (an event
/// goes to the configured address only).
pub fn client(cfg: &OrderWebhook) -> Result<reqwest::Client, ServiceError> {
    reqwest::Client::builder()
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(ServiceError::internal)
}

/// Why a try failed, in words without the address.
fn failure(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "failed"
    };
    format!("the order webhook {kind}")
}

/// Posts one event (`body`, exactly as stored) signed at `now`.
pub async fn deliver(
    http: &reqwest::Client,
    cfg: &OrderWebhook,
    id: &Uuid,
    kind: &str,
    body: &str,
    now: UnixTime,
) -> Delivery {
    let sent = http
        .post(&cfg.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            signature_header(cfg.secret.bytes(), now, body.as_bytes()),
        )
        .header(IDEMPOTENCY_HEADER, id.to_string())
        .header(EVENT_TYPE_HEADER, kind)
        .body(body.to_string())
        .send()
        .await;
    let mut resp = match sent {
        Ok(r) => r,
        Err(e) => return Delivery::Failed(failure(&e)),
    };
    let status = resp.status();
    if !status.is_success() {
        let code = status.as_u16();
        let msg = format!("the order webhook answered {code}");
        return if status.is_client_error() && code != 408 && code != 429 {
            Delivery::Refused(msg)
        } else {
            Delivery::Failed(msg)
        };
    }
    // The answer, read up to a bound (a receiver cannot fill HQ's memory).
    let mut answer = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) if answer.len() + c.len() <= MAX_ANSWER_BYTES => answer.extend_from_slice(&c),
            Ok(Some(_)) => {
                answer.clear();
                break;
            }
            Ok(None) => break,
            // Delivered all the same: the receiver said 2xx.
            Err(_) => {
                answer.clear();
                break;
            }
        }
    }
    let checkout_url = if kind == EventKind::OrderCreated.as_str() {
        serde_json::from_slice::<WebhookAnswer>(&answer)
            .ok()
            .and_then(|a| a.checkout_url)
            .filter(|u| {
                let ok = checkout_url_ok(u);
                if !ok {
                    tracing::warn!(event = %id, "the order webhook answered a checkout_url that is not https://: ignored");
                }
                ok
            })
    } else {
        None
    };
    Delivery::Delivered {
        status: status.as_u16(),
        checkout_url,
    }
}

/// The delay before try `attempts + 1` (after `attempts` failed ones):
/// `base × 2^(attempts-1)`, at most an hour, of which a random half to
/// all (jitter: receivers back from an outage are not hit by every HQ at
/// once). `unit` is a random number in [0, 1].
pub fn retry_delay(base_s: i64, attempts: u32, unit: f64) -> i64 {
    let full = base_s
        .max(1)
        .saturating_mul(1i64 << attempts.saturating_sub(1).min(20))
        .min(MAX_DELAY_S);
    let unit = unit.clamp(0.0, 1.0);
    ((full as f64) * (0.5 + unit / 2.0)).round().max(1.0) as i64
}

fn random_unit() -> f64 {
    let mut b = [0u8; 4];
    if getrandom::fill(&mut b).is_err() {
        return 1.0;
    }
    f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)
}

/// Records the outcome of one try of `e`.
fn record(hq: &Hq, cfg: &OrderWebhook, e: &OutboxEvent, outcome: &Delivery) -> Result<(), ServiceError> {
    let now = hq.now();
    match outcome {
        Delivery::Delivered { status, checkout_url } => {
            tracing::info!(event = %e.id, kind = %e.kind, status, attempts = e.attempts + 1, "order webhook delivered");
            hq.storage.webhook_delivered(&e.id, now, checkout_url.as_deref())?;
        }
        Delivery::Failed(why) if e.attempts + 1 < cfg.max_attempts => {
            let next = now + retry_delay(cfg.retry_base_s, e.attempts + 1, random_unit());
            tracing::warn!(event = %e.id, kind = %e.kind, error = %why, attempts = e.attempts + 1, retry_at = next, "order webhook not delivered; will retry");
            hq.storage.webhook_failed(&e.id, why, now, Some(next))?;
        }
        Delivery::Failed(why) | Delivery::Refused(why) => {
            tracing::error!(event = %e.id, kind = %e.kind, error = %why, attempts = e.attempts + 1, "order webhook event is a dead letter (vitrine-hq webhook dead / replay)");
            hq.storage.webhook_failed(&e.id, why, now, None)?;
        }
    }
    Ok(())
}

/// Delivers due events until HQ stops (nothing when HQ has no webhook).
/// Looks at the outbox at least every second, so a replay made by the
/// `vitrine-hq webhook replay` command (another process) goes out soon.
pub async fn run(hq: Arc<Hq>) {
    let Some(cfg) = hq.config.order_webhook.clone() else {
        return;
    };
    let http = match client(&cfg) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the order webhook's client; orders are not sent");
            return;
        }
    };
    let mut shut = hq.shutdown_signal();
    loop {
        let st = hq.storage.clone();
        let now = hq.now();
        let due = match tokio::task::spawn_blocking(move || st.due_webhook_events(now, 20)).await {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot read the order webhook's outbox");
                Vec::new()
            }
            Err(_) => Vec::new(),
        };
        for e in &due {
            let outcome = deliver(&http, &cfg, &e.id, &e.kind, &e.body, hq.now()).await;
            let (hq2, cfg2, e2) = (hq.clone(), cfg.clone(), e.clone());
            match tokio::task::spawn_blocking(move || record(&hq2, &cfg2, &e2, &outcome)).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::warn!(event = %e.id, error = %err, "cannot record an order webhook try"),
                Err(err) => tracing::warn!(error = %err, "order webhook task failed"),
            }
        }
        if !due.is_empty() {
            continue;
        }
        tokio::select! {
            _ = hq.webhook_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shut.changed() => return,
        }
    }
}

/// Sends a signed `webhook.test` event to `cfg` now (not through the
/// outbox): what the receiver answered.
pub async fn send_test(cfg: &OrderWebhook, now: UnixTime) -> Result<Delivery, ServiceError> {
    let e = event(EventKind::Test, now, None, None);
    let body = serde_json::to_string(&e).map_err(ServiceError::internal)?;
    Ok(deliver(&client(cfg)?, cfg, &e.id, e.kind.as_str(), &body, now).await)
}

/// The dead letters, the latest first.
pub fn dead_letters(hq: &Hq, limit: usize) -> Result<Vec<OutboxEvent>, ServiceError> {
    Ok(hq.storage.webhook_events(EventState::Dead, limit)?)
}

/// Puts dead letter `id` back in the queue (due now, tries from zero).
pub fn replay(hq: &Hq, id: &Uuid) -> Result<(), ServiceError> {
    if hq.storage.replay_webhook(id, hq.now())? {
        hq.wake_webhooks();
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "no dead letter {id} (see `vitrine-hq webhook dead`)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_an_hour_with_jitter_of_at_most_half() {
        assert_eq!(retry_delay(5, 1, 1.0), 5);
        assert_eq!(retry_delay(5, 2, 1.0), 10);
        assert_eq!(retry_delay(5, 4, 1.0), 40);
        assert_eq!(retry_delay(5, 4, 0.0), 20);
        assert_eq!(retry_delay(5, 30, 1.0), 3600);
        assert_eq!(retry_delay(5, 30, 0.0), 1800);
        for u in [0.0, 0.3, 0.99] {
            let d = retry_delay(5, 3, u);
            assert!((10..=20).contains(&d), "{d}");
        }
        // Never zero, even with a base of 0.
        assert_eq!(retry_delay(0, 1, 0.0), 1);
    }
}
