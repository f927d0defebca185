//! Where baskets sent to a phone and click & collect orders go: the outbox
//! of the HQ link (`crate::sync::Outbox`, issue 5). The UI sees it through
//! [`OrderDesk`], called off the UI thread (it writes to SQLite).

use vitrine_core::pricing::{BasketLine, CustomerContext};
use vitrine_core::product::UnixTime;
use vitrine_core::wire::{HandoffLine, OrderCustomer};

use vitrine_core::pricing::Promotion;

use crate::customer::{CouponError, Identified, IdentifyError};
use crate::session::Contact;
use crate::sync::{NewOrder, Outbox, SyncError};

/// A basket handed to a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffTicket {
    pub id: String,
    /// What the QR code carries.
    pub url: String,
}

/// A click & collect order as the kiosk hands it over.
#[derive(Debug, Clone)]
pub struct CollectOrder {
    pub lines: Vec<BasketLine>,
    pub customer: Option<CustomerContext>,
    /// The store chosen for the collection.
    pub store: String,
    pub slot_start: UnixTime,
    pub slot_end: UnixTime,
    /// The name the order is collected under.
    pub name: String,
    /// Email or phone (its `Debug` is masked): never logged in full.
    pub contact: Contact,
    /// The language of the confirmation message.
    pub lang: vitrine_core::Lang,
    /// The coupons the priced basket used (HQ records their one use).
    pub coupons: Vec<String>,
}

/// The order's reference for the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTicket {
    pub id: String,
    pub number: String,
}

/// Why a handoff or an order could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    /// The kiosk is not enrolled with HQ: it cannot sign a basket.
    #[error("the kiosk is not enrolled with HQ")]
    NotConnected,
    /// The basket or the contact was refused (permanent).
    #[error("refused: {0}")]
    Refused(String),
    /// The kiosk's database failed (may work again).
    #[error("{0}")]
    Failed(String),
}

impl DeskError {
    /// What the shopper is told when a handoff or an order cannot be queued.
    pub fn text(&self) -> vitrine_i18n::Text {
        match self {
            DeskError::NotConnected => vitrine_i18n::text!("kiosk-desk-not-connected"),
            DeskError::Refused(_) => vitrine_i18n::text!("kiosk-desk-refused"),
            DeskError::Failed(_) => vitrine_i18n::text!("kiosk-desk-failed"),
        }
    }
}

impl From<SyncError> for DeskError {
    fn from(e: SyncError) -> DeskError {
        match e {
            SyncError::NotEnrolled => DeskError::NotConnected,
            SyncError::Invalid(m) => DeskError::Refused(m),
            other => DeskError::Failed(other.to_string()),
        }
    }
}

/// Queues handoffs and orders for HQ.
pub trait OrderDesk: Send + Sync {
    fn queue_handoff(
        &self,
        lines: &[BasketLine],
        customer: Option<&CustomerContext>,
    ) -> Result<HandoffTicket, DeskError>;
    fn queue_order(&self, order: &CollectOrder) -> Result<OrderTicket, DeskError>;

    /// Has HQ send the link of handoff `handoff_id` (queued here before) to
    /// `contact` in `lang`: for a shopper who cannot aim a phone at the QR
    /// code.
    fn send_handoff_link(&self, handoff_id: &str, contact: &Contact, lang: vitrine_core::Lang)
    -> Result<(), DeskError>;

    /// Recognises the shopper (loyalty QR, card, phone or email). Runs off
    /// the UI thread; may wait for HQ up to the request timeout.
    fn identify(&self, input: &str) -> Result<Identified, IdentifyError> {
        let _ = input;
        Err(IdentifyError::NotEnrolled)
    }

    /// Checks a scanned coupon QR (offline): its promotion.
    fn check_coupon(&self, text: &str) -> Result<Promotion, CouponError> {
        let _ = text;
        Err(CouponError::NotEnrolled)
    }
}

fn wire_lines(lines: &[BasketLine]) -> Vec<HandoffLine> {
    lines
        .iter()
        .map(|l| HandoffLine {
            gtin: l.gtin,
            quantity: l.quantity,
            measure: l.measure,
        })
        .collect()
}

/// A contact typed here as HQ reads it.
fn wire_contact(c: &Contact) -> vitrine_core::wire::Contact {
    match c {
        Contact::Email(e) => vitrine_core::wire::Contact {
            email: Some(e.clone()),
            phone: None,
        },
        Contact::Phone(p) => vitrine_core::wire::Contact {
            email: None,
            phone: Some(p.clone()),
        },
    }
}

/// The real desk: the kiosk's outbox (`kiosk.sqlite`), delivered by the
/// sync worker when HQ can be reached.
pub struct OutboxDesk(pub Outbox);

impl OrderDesk for OutboxDesk {
    fn queue_handoff(
        &self,
        lines: &[BasketLine],
        customer: Option<&CustomerContext>,
    ) -> Result<HandoffTicket, DeskError> {
        let q = self
            .0
            .queue_handoff(&wire_lines(lines), None, customer.map(|c| c.customer_id.clone()))?;
        Ok(HandoffTicket {
            id: q.id.to_string(),
            url: q.url,
        })
    }

    fn send_handoff_link(
        &self,
        handoff_id: &str,
        contact: &Contact,
        lang: vitrine_core::Lang,
    ) -> Result<(), DeskError> {
        let id = uuid::Uuid::parse_str(handoff_id).map_err(|e| DeskError::Refused(e.to_string()))?;
        self.0.queue_handoff_link(&id, wire_contact(contact), lang)?;
        Ok(())
    }

    /// The order carries the lines, the name, the contact and the language.
    /// The wire order (issue 5's `OrderRequest`) has no field yet for the
    /// collection store and slot chosen on screen: the order goes to this
    /// kiosk's store (see the README).
    fn queue_order(&self, order: &CollectOrder) -> Result<OrderTicket, DeskError> {
        let vitrine_core::wire::Contact { email, phone } = wire_contact(&order.contact);
        let q = self.0.queue_order_with_coupons(
            NewOrder {
                lines: wire_lines(&order.lines),
                customer: OrderCustomer {
                    name: order.name.clone(),
                    email,
                    phone,
                    customer_id: order.customer.as_ref().map(|c| c.customer_id.clone()),
                },
                lang: order.lang,
            },
            order.coupons.clone(),
        )?;
        Ok(OrderTicket {
            id: q.id.to_string(),
            number: q.number,
        })
    }

    fn identify(&self, input: &str) -> Result<Identified, IdentifyError> {
        let rt = tokio::runtime::Handle::try_current().map_err(|e| IdentifyError::Failed(e.to_string()))?;
        rt.block_on(crate::customer::identify(
            &self.0,
            input,
            crate::clock::now(),
            std::time::Duration::from_secs(4),
        ))
    }

    fn check_coupon(&self, text: &str) -> Result<Promotion, CouponError> {
        let now = crate::clock::now();
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => rt
                .block_on(crate::customer::check_coupon_online(
                    &self.0,
                    text,
                    now,
                    std::time::Duration::from_secs(2),
                ))
                .map(|c| c.promotion()),
            Err(_) => crate::customer::check_coupon(&self.0, text, now).map(|c| c.promotion()),
        }
    }
}
