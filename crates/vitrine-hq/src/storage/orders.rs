//! Click&collect orders, stored once by id (a repeat is answered with the
//! first receipt), with their status as the store's staff moves it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vitrine_core::Money;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderStatus;

use super::notifications::NewNotification;
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
}

/// Storage of click&collect orders.
pub trait OrderStore {
    /// Stores an order and queues its confirmation, once: the same
    /// fingerprint again is the stored record (nothing queued), another
    /// under the same id a conflict.
    fn put_order(&self, o: &OrderRecord, notes: &[NewNotification]) -> Result<Put<OrderRecord>>;
    fn order(&self, id: &Uuid) -> Result<Option<OrderRecord>>;
    /// A store's orders, the ones still to collect first, newest first.
    fn orders(&self, store: &str) -> Result<Vec<OrderRecord>>;
    /// Sets the status and queues `notes` if it changed; the order as it
    /// is now, None when there is no such order.
    fn set_order_status(
        &self,
        id: &Uuid,
        status: OrderStatus,
        now: UnixTime,
        notes: &[NewNotification],
    ) -> Result<Option<OrderRecord>>;
}
