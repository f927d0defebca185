//! Click&collect orders, stored once by id (a repeat is answered with the
//! first receipt), with their status as the store's staff moves it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vitrine_core::Money;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::{CancelReason, OrderStatus};

use super::notifications::NewNotification;
use super::webhooks::NewWebhookEvent;
use super::{Put, Result};

/// A click&collect order as HQ keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub id: Uuid,
    pub number: String,
    pub store: String,
    pub device_id: String,
    pub created_at: UnixTime,
    pub received_at: UnixTime,
    pub status: OrderStatus,
    pub request_json: String,
    /// Hex SHA-256 of the canonical request (the idempotency fingerprint).
    pub fingerprint: String,
    /// The receipt answered the first time (answered again on a repeat).
    pub receipt_json: String,
    pub total: Money,
    /// Where the shopper pays, as the retailer's system answered the order
    /// webhook (`https://` only); None: paid at pickup.
    pub checkout_url: Option<String>,
    /// Why the store cancelled it (status cancelled).
    pub cancel_reason: Option<CancelReason>,
}

/// A status change as storage applies it: only if the order is still in
/// `from` (two members of staff clicking at once: one wins, the other is
/// told), with its messages, its webhook event and, when `by` names a
/// member of staff, the audit entry, all in one transaction.
#[derive(Debug, Clone)]
pub struct StatusUpdate<'a> {
    pub id: Uuid,
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub reason: Option<CancelReason>,
    pub by: Option<&'a str>,
    pub now: UnixTime,
    pub notes: &'a [NewNotification],
    pub events: &'a [NewWebhookEvent],
}

/// What [`OrderStore::change_order_status`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusUpdated {
    /// Moved; the order as it is now.
    Changed(OrderRecord),
    /// Not in `from` any more (moved meanwhile): nothing done; the order as
    /// it is now.
    Moved(OrderRecord),
    NotFound,
}

/// Storage of click&collect orders.
pub trait OrderStore {
    /// Stores an order, queues its confirmation and its webhook events,
    /// once: the same fingerprint again is the stored record (nothing
    /// queued), another under the same id a conflict.
    fn put_order(
        &self,
        o: &OrderRecord,
        notes: &[NewNotification],
        events: &[NewWebhookEvent],
    ) -> Result<Put<OrderRecord>>;
    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>>;
    /// A store's orders, the ones still to collect first, newest first.
    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>> {
        self.orders_in(store, &[])
    }
    /// [`OrderStore::orders`] in one of `statuses` (all when empty).
    fn orders_in(&self, store: &str, statuses: &[OrderStatus]) -> Result<Vec<OrderRecord>>;
    /// How many orders a store has in each status (statuses without any
    /// left out).
    fn order_counts(&self, store: &str) -> Result<Vec<(OrderStatus, u64)>>;
    /// Applies a status change (see [`StatusUpdate`]).
    fn change_order_status(&self, u: &StatusUpdate<'_>) -> Result<StatusUpdated>;
}
