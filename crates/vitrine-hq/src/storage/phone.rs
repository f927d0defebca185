//! What the phone page adds to a handed-off basket: the shopper's edits
//! (a new version of the lines; the kiosk's signed basket is kept as it
//! was), the shopper a one-time code identified on the phone, and how an
//! order made on the phone is fulfilled and paid.

use uuid::Uuid;
use vitrine_core::product::{Store, UnixTime};
use vitrine_core::wire::HandoffLine;

use super::Result;

/// The lines of a basket as the shopper last edited them on the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketEdit {
    /// 1 for the first edit, one more for each.
    pub version: u32,
    pub lines: Vec<HandoffLine>,
}

/// Storage of the phone page's state.
pub trait PhoneStore {
    /// The basket's latest edit, None when never edited.
    fn basket_edit(&self, handoff: &Uuid) -> Result<Option<BasketEdit>>;
    /// Records `lines` as the basket's new version (the one after
    /// `after`, the version the edit was made on: 0 for the kiosk's).
    /// None when another edit came first (the page showed an old version).
    fn put_basket_edit(
        &self,
        handoff: &Uuid,
        after: u32,
        lines: &[HandoffLine],
        now: UnixTime,
    ) -> Result<Option<BasketEdit>>;
    /// Every store the catalog names (with its name and address).
    fn stores(&self) -> Result<Vec<Store>>;
    /// Keeps how an order made on the phone is fulfilled and paid (JSON).
    fn put_order_details(&self, order: &Uuid, handoff: &Uuid, data: &str) -> Result<()>;
    /// An order's details (JSON) and its checkout address, None for an
    /// order without (a kiosk's).
    fn order_details(&self, order: &Uuid) -> Result<Option<(String, Option<String>)>>;
    /// The orders made from a handed-off basket, oldest first.
    fn orders_of_handoff(&self, handoff: &Uuid) -> Result<Vec<Uuid>>;
    /// Where the shopper pays an order (the retailer's answer to the order
    /// webhook); false when the order has no details.
    fn set_order_checkout_url(&self, order: &Uuid, url: &str) -> Result<bool>;
    /// The customer a one-time code identified on this basket's phone.
    fn phone_identity(&self, handoff: &Uuid) -> Result<Option<String>>;
    fn set_phone_identity(&self, handoff: &Uuid, customer_id: &str, now: UnixTime) -> Result<()>;
}
