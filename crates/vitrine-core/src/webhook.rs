//! The order webhook: what HQ posts to the retailer's systems (an order
//! management system, an e-commerce back office) for every order and every
//! status change, and how the receiver knows HQ sent it.
//!
//! # Signature
//! HQ signs `"{timestamp}.{body}"` with HMAC-SHA256 under the webhook's
//! shared secret and sends `Vitrine-Signature: t={timestamp},v1={hex}`.
//! The timestamp is in the signed text, so a receiver that refuses
//! timestamps older than [`REPLAY_WINDOW_S`] cannot be fed an old capture;
//! within the window, the event id ([`IDEMPOTENCY_HEADER`], also the body's
//! `id`) lets it drop a repeat. HQ delivers at least once: the same event
//! (same id, same body) may come again after a timeout, never a different
//! body under the same id.
//!
//! The types are shared by HQ (which sends them) and by
//! `vitrine-hq webhook receive` (which checks and logs them), so the two
//! cannot drift; `openapi.json` describes the same JSON for the retailer.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::gtin::Gtin;
use crate::lang::Lang;
use crate::loyalty::hmac_sha256_hex;
use crate::money::Money;
use crate::product::UnixTime;
use crate::wire::{CancelReason, OrderStatus};

/// The header carrying `t={timestamp},v1={signature}`.
pub const SIGNATURE_HEADER: &str = "Vitrine-Signature";
/// The header carrying the event's id: the same on every delivery of one
/// event, so a receiver processes it once.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The header carrying the event's type (also the body's `type`).
pub const EVENT_TYPE_HEADER: &str = "Vitrine-Event";
/// How far (seconds) a receiver should accept a timestamp from its own
/// clock, either way: enough for retries in flight and clock drift, short
/// enough that a captured request cannot be replayed later.
pub const REPLAY_WINDOW_S: i64 = 300;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// A new order (any channel).
    #[serde(rename = "order.created")]
    OrderCreated,
    /// An order moved to another status.
    #[serde(rename = "order.status_changed")]
    OrderStatusChanged,
    /// `vitrine-hq webhook test`: checks the receiver and its secret.
    #[serde(rename = "webhook.test")]
    Test,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::OrderCreated => "order.created",
            EventKind::OrderStatusChanged => "order.status_changed",
            EventKind::Test => "webhook.test",
        }
    }
}

/// One event, the body of one POST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The idempotency key (UUIDv7), also in [`IDEMPOTENCY_HEADER`].
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// When HQ recorded the event (with the order or the change).
    pub created_at: UnixTime,
    /// The order (whole for `order.created`; its id, number, store and
    /// status for a status change); absent for a test event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<WebhookOrder>,
    /// The change, for `order.status_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<StatusChange>,
}

/// An order as the retailer's systems receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookOrder {
    pub id: Uuid,
    /// The short number the shopper reads out at the counter.
    pub number: String,
    pub store: String,
    pub status: OrderStatus,
    /// Where it was ordered: `kiosk` or `phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// How the shopper gets it: `click_and_collect` or `delivery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<String>,
    /// How it is paid: `at_pickup`, `on_delivery`, or `checkout` (the
    /// receiver answers with a checkout URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<UnixTime>,
    /// The language of the shopper's messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<WebhookCustomer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<WebhookLine>,
}

/// Who collects the order, as the shopper gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookCustomer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The customer HQ vouched for (a loyalty member), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// One line, priced by HQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookLine {
    pub gtin: Gtin,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One unit's price (a weighed pack's own price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    /// What the line costs after its promotions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub at: UnixTime,
    /// Why it was cancelled (for `to: cancelled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CancelReason>,
}

/// What a receiver may answer to `order.created` (any other answer body is
/// ignored): where the shopper pays, an `https://` address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WebhookAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
}

/// The longest checkout URL HQ keeps.
pub const MAX_CHECKOUT_URL_LEN: usize = 2048;

/// Whether `url` may be where HQ sends a shopper to pay: `https://`, a
/// host, no spaces or control characters, not too long. Anything else
/// (`http://`, `javascript:`) is refused.
pub fn checkout_url_ok(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    url.len() <= MAX_CHECKOUT_URL_LEN
        && !host.is_empty()
        && !host.contains('@')
        && !url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature_header(secret: &[u8], timestamp: UnixTime, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Hex HMAC-SHA256 of `"{timestamp}.{body}"`.
pub fn signature(secret: &[u8], timestamp: UnixTime, body: &[u8]) -> String {
    let mut msg = format!("{timestamp}.").into_bytes();
    msg.extend_from_slice(body);
    hmac_sha256_hex(secret, &msg)
}

/// Why a receiver refuses a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("no readable `t=…,v1=…` signature header")]
    Malformed,
    #[error("the timestamp is {0} s away from this clock, outside the replay window")]
    OutsideWindow(i64),
    #[error("the signature does not match the body (wrong secret, or altered)")]
    Mismatch,
}

/// Checks a delivery: the header's timestamp within `window_s` of `now`
/// and one of its `v1` signatures (several during a secret rotation) right
/// for `body`. Returns the timestamp.
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: UnixTime,
    window_s: i64,
) -> Result<UnixTime, SignatureError> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v),
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if sigs.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let age = now.saturating_sub(t);
    if age.abs() > window_s {
        return Err(SignatureError::OutsideWindow(age));
    }
    let want = signature(secret, t, body);
    if sigs.iter().any(|s| same(s.as_bytes(), want.as_bytes())) {
        Ok(t)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Compares in time independent of where the texts differ (a receiver
/// must not leak how much of a forged signature was right).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_with_its_secret_body_and_time_only() {
        let body = br#"{"id":"x"}"#;
        let h = signature_header(b"s3cret-s3cret-s3cret", 1_800_000_000, body);
        assert!(h.starts_with("t=1800000000,v1="));
        assert_eq!(
            verify(b"s3cret-s3cret-s3cret", &h, body, 1_800_000_100, REPLAY_WINDOW_S),
            Ok(1_800_000_000)
        );
        assert_eq!(
            verify(b"other-secret-other", &h, body, 1_800_000_100, REPLAY_WINDOW_S),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                b"s3cret-s3cret-s3cret",
                &h,
                br#"{"id":"y"}"#,
                1_800_000_100,
                REPLAY_WINDOW_S
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"s3cret-s3cret-s3cret", &h, body, 1_800_000_301, REPLAY_WINDOW_S),
            Err(SignatureError::OutsideWindow(301))
        );
        // The timestamp is signed: moving it breaks the signature.
        let moved = h.replace("t=1800000000", "t=1800000200");
        assert_eq!(
            verify(b"s3cret-s3cret-s3cret", &moved, body, 1_800_000_200, REPLAY_WINDOW_S),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"k", "v1=abc", body, 0, REPLAY_WINDOW_S),
            Err(SignatureError::Malformed)
        );
        // What a receiver in another language computes: HMAC-SHA256 of
        // "1800000000." followed by the body (RFC 2104; checked against
        // `openssl dgst -sha256 -hmac` in HQ's tests).
        assert_eq!(
            signature(b"key", 1, b"{}"),
            crate::loyalty::hmac_sha256_hex(b"key", b"1.{}")
        );
    }

    #[test]
    fn only_https_checkout_urls_with_a_host_are_kept() {
        assert!(checkout_url_ok("https://pay.example.com/c/123?x=1"));
        for bad in [
            "http://pay.example.com/c",
            "javascript:alert(1)",
            "https:///nohost",
            "https://user@evil.example/",
            "https://pay.example.com/a b",
            "HTTPS://pay.example.com",
        ] {
            assert!(!checkout_url_ok(bad), "{bad}");
        }
        assert!(!checkout_url_ok(&format!("https://a.example/{}", "x".repeat(3000))));
    }

    #[test]
    fn events_read_back_as_written() {
        let e = WebhookEvent {
            id: Uuid::nil(),
            kind: EventKind::OrderStatusChanged,
            created_at: 5,
            order: None,
            change: Some(StatusChange {
                from: OrderStatus::Ready,
                to: OrderStatus::Cancelled,
                at: 5,
                reason: Some(CancelReason::NotCollected),
            }),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["type"], "order.status_changed");
        assert_eq!(json["change"]["reason"], "not_collected");
        assert_eq!(serde_json::from_value::<WebhookEvent>(json).unwrap(), e);
    }
}
