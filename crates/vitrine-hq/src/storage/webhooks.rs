//! The order webhook's outbox: one row per event (a new order, a status
//! change), written in the transaction of what it reports, delivered by
//! HQ's webhook worker with retries, kept as a dead letter after the last
//! try until an operator replays it.

use uuid::Uuid;
use vitrine_core::product::UnixTime;

use super::Result;

/// An event to queue with the change it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEvent {
    /// The idempotency key.
    pub id: Uuid,
    pub order_id: Option<Uuid>,
    /// `order.created`, `order.status_changed`.
    pub kind: String,
    /// The JSON body, exactly as it is sent (and signed) on every try.
    pub body: String,
}

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventState {
    /// Waiting for its next try.
    Pending,
    Delivered,
    /// Given up after the last try (or refused by the receiver for good).
    Dead,
}

/// An event of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub order_id: Option<Uuid>,
    pub kind: String,
    pub body: String,
    pub created_at: UnixTime,
    pub attempts: u32,
    pub state: EventState,
    /// The next try (pending events only).
    pub next_at: Option<UnixTime>,
    pub done_at: Option<UnixTime>,
    /// Why the last try failed, in words without a secret.
    pub last_error: Option<String>,
}

/// Storage of the webhook outbox.
pub trait WebhookStore {
    /// Pending events due at `now`, oldest first, leaving out any event
    /// whose order has an older event still pending (an order's events
    /// reach the receiver in the order they happened).
    fn due_webhook_events(&self, now: UnixTime, limit: usize) -> Result<Vec<OutboxEvent>>;
    /// When the next pending event falls due (None: nothing waits).
    fn next_webhook_at(&self) -> Result<Option<UnixTime>>;
    /// A delivered event; `checkout_url` (the receiver's answer to a new
    /// order) is stored on its order in the same transaction.
    fn webhook_delivered(&self, id: &Uuid, now: UnixTime, checkout_url: Option<&str>) -> Result<()>;
    /// A failed try: tried again at `next_at`, or a dead letter when None.
    fn webhook_failed(&self, id: &Uuid, error: &str, now: UnixTime, next_at: Option<UnixTime>) -> Result<()>;
    /// Events in `state`, the latest first, at most `limit`.
    fn webhook_events(&self, state: EventState, limit: usize) -> Result<Vec<OutboxEvent>>;
    /// Puts a dead letter back in the queue, due at `now`, its tries counted
    /// from zero again; false when there is no such dead letter.
    fn replay_webhook(&self, id: &Uuid, now: UnixTime) -> Result<bool>;
}
