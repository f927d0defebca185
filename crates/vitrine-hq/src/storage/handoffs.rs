//! Baskets handed off from a kiosk to a phone, stored once by id whoever
//! delivers them first (the kiosk's outbox or the phone page), and claimed
//! once with the shopper's contact.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::{Contact, HandoffLine};

use super::notifications::NewNotification;
use super::{Put, Result};

/// A handoff as HQ keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffRecord {
    pub id: Uuid,
    pub store: String,
    pub device_id: String,
    pub created_at: UnixTime,
    pub lines: Vec<HandoffLine>,
    /// The signed basket text (the idempotency fingerprint).
    pub payload: String,
    pub compact: String,
    pub contact: Option<Contact>,
    pub customer_id: Option<String>,
    pub received_at: UnixTime,
    /// "kiosk" or "phone": who delivered it first.
    pub source: String,
    pub claimed_at: Option<UnixTime>,
}

/// The outcome of claiming a handoff from the phone page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Claimed now: the contact is recorded and the confirmation queued.
    Claimed,
    /// Claimed before (with this contact, or None if it was lost): nothing
    /// changed and nothing was queued.
    AlreadyClaimed(Option<Contact>),
    /// No such handoff.
    NotFound,
}

/// Storage of handed-off baskets.
pub trait HandoffStore {
    /// Stores a handoff once: the same basket again is the stored record
    /// (with a contact or customer it lacked merged in), another basket
    /// under the same id a conflict.
    fn put_handoff(&self, h: &HandoffRecord) -> Result<Put<HandoffRecord>>;
    fn handoff(&self, id: &Uuid) -> Result<Option<HandoffRecord>>;
    /// Records the shopper's contact and queues their confirmation, once: a
    /// handoff already claimed is left as it is (nothing queued) and its
    /// recorded contact returned.
    fn claim_handoff(&self, id: &Uuid, contact: &Contact, now: UnixTime, notes: &[NewNotification]) -> Result<Claim>;
}
