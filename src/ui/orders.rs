//! Where baskets sent to a phone and click & collect orders go: the outbox
//! of the HQ link (issue 5). The UI sees it through [`OrderDesk`], called
//! off the UI thread (it writes to SQLite).

use vitrine_core::pricing::{BasketLine, CustomerContext};
use vitrine_core::product::UnixTime;

/// A basket handed to a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffTicket {
    pub id: String,
    /// What the QR code carries.
    pub url: String,
    /// HQ already has it (false: queued until the kiosk is online).
    pub delivered: bool,
}

/// A click & collect order as the kiosk hands it over.
#[derive(Debug, Clone)]
pub struct CollectOrder {
    pub lines: Vec<BasketLine>,
    pub customer: Option<CustomerContext>,
    pub store: String,
    pub slot_start: UnixTime,
    pub slot_end: UnixTime,
    /// The name the order is collected under.
    pub name: String,
    /// Email or phone (its `Debug` is masked): never logged in full.
    pub contact: crate::session::Contact,
    /// The language of the confirmation message.
    pub lang: vitrine_core::Lang,
}

/// The order's reference for the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTicket {
    pub id: String,
    pub number: String,
    pub delivered: bool,
}

/// Queues handoffs and orders for HQ.
pub trait OrderDesk: Send + Sync {
    fn queue_handoff(
        &self,
        lines: &[BasketLine],
        customer: Option<&CustomerContext>,
    ) -> Result<HandoffTicket, String>;
    fn queue_order(&self, order: &CollectOrder) -> Result<OrderTicket, String>;
}
