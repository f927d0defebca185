//! Finishing a purchase on the phone: the handed-off basket as the shopper
//! edits it (each edit a new version, priced by HQ's one pricing engine),
//! the stores to collect it from with the basket's stock, home delivery
//! (address, slot, fee), the order made through
//! [`super::orders::create_order`], and the shopper identified by a
//! one-time code (the kiosk's challenge, asked for the basket).
//!
//! The kiosk's signed basket stays the origin: an edit only changes the
//! quantities of its lines (or removes them), never adds a product or a
//! price.

use serde::{Deserialize, Serialize};
use time::UtcOffset;
use uuid::Uuid;
use vitrine_core::Gtin;
use vitrine_core::Money;
use vitrine_core::product::{ONLINE, Store, UnixTime};
use vitrine_core::sign::sha256_hex;
use vitrine_core::wire::customers::{
    Challenge, ChallengeAnswer, ChallengeRequest, CustomerLookup, CustomerView, LookupKind,
};
use vitrine_core::wire::{Contact, MAX_QUANTITY, OrderCustomer, OrderReceipt, OrderRequest, order_number};
use vitrine_i18n::{Text, text};
use vitrine_infra::slots::{Slot, SlotRules, slots};

use super::ServiceError;
use super::customers::CustomerError;
use super::handoffs::{current, handoff_reference, price_handoff, price_handoff_at};
use super::identify::{Refusal, answer_challenge, open_challenge};
use super::notify::messages::phone_order_messages;
use super::orders::{NewOrder, create_order};
use super::pricing::PricedLines;
use super::webhooks::OrderOrigin;
use crate::Hq;
use crate::storage::HandoffRecord;
use vitrine_core::webhook::{WebhookDelivery, WebhookSlot};

/// A handed-off basket as the phone page shows it.
pub struct PhoneBasket {
    /// The basket now (the last edit's lines, the customer HQ vouches for).
    pub record: HandoffRecord,
    /// The edit's version (0: as the kiosk signed it).
    pub version: u32,
    pub priced: PricedLines,
    /// The orders already made from it, oldest first: it cannot be edited
    /// any more.
    pub orders: Vec<Uuid>,
}

impl PhoneBasket {
    /// Lines HQ has no price for (an unknown product, none at this store).
    pub fn unpriced(&self) -> Vec<Gtin> {
        self.priced
            .products
            .iter()
            .filter(|l| l.price.is_none())
            .map(|l| l.line.gtin)
            .collect()
    }

    /// The basket's total (lines without a price left out).
    pub fn total(&self) -> Option<Money> {
        self.priced.priced.as_ref().map(|p| p.total)
    }
}

/// The basket `id` as the phone page shows it; None when HQ has not
/// received it.
pub fn basket(hq: &Hq, id: &Uuid) -> Result<Option<PhoneBasket>, ServiceError> {
    let Some(h) = hq.storage.handoff(id)? else {
        return Ok(None);
    };
    let (record, version) = current(hq, &h)?;
    let priced = price_handoff(hq, &h)?;
    let orders = hq.storage.orders_of_handoff(id)?;
    Ok(Some(PhoneBasket {
        record,
        version,
        priced,
        orders,
    }))
}

/// What became of an edit of the basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Done,
    /// The page showed an older version (another tab, a double tap): the
    /// basket is shown again as it is.
    Stale,
    /// An order was made from the basket: it no longer changes.
    Ordered,
    /// No such line, or a quantity a weighed or labelled pack cannot have.
    Refused,
    NotFound,
}

/// Sets the quantity of the basket's line `gtin` (0 removes it), on the
/// version `after` the page showed.
pub fn set_quantity(hq: &Hq, id: &Uuid, after: u32, gtin: Gtin, quantity: u32) -> Result<Edit, ServiceError> {
    let Some(b) = basket(hq, id)? else {
        return Ok(Edit::NotFound);
    };
    if !b.orders.is_empty() {
        return Ok(Edit::Ordered);
    }
    if b.version != after {
        return Ok(Edit::Stale);
    }
    if quantity > MAX_QUANTITY {
        return Ok(Edit::Refused);
    }
    let mut lines = b.record.lines.clone();
    let Some(pos) = lines.iter().position(|l| l.gtin == gtin) else {
        return Ok(Edit::Refused);
    };
    // A pack priced by its label (its weight, its price) is one pack: it
    // can be removed, not multiplied.
    if lines[pos].measure.is_some() && quantity > 1 {
        return Ok(Edit::Refused);
    }
    if quantity == 0 {
        lines.remove(pos);
    } else {
        lines[pos].quantity = quantity;
    }
    Ok(match hq.storage.put_basket_edit(id, after, &lines, hq.now())? {
        Some(_) => {
            tracing::info!(handoff = %id, version = after + 1, "basket edited on the phone");
            Edit::Done
        }
        None => Edit::Stale,
    })
}

/// A store to collect the basket from, with how much of it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChoice {
    pub store: Store,
    /// Lines whose whole quantity the store has.
    pub lines_in_stock: usize,
    pub lines: usize,
    /// The store the kiosk was in.
    pub kiosk_store: bool,
    /// Metres from the kiosk's store, when both have a position.
    pub distance_m: Option<u32>,
}

/// The stores the basket may be collected from: the kiosk's first, then
/// the others nearest first (those without a position after, by name;
/// `vitrine_core::geo::nearest_first`), each with the basket's stock.
pub fn collect_stores(hq: &Hq, b: &PhoneBasket) -> Result<Vec<StoreChoice>, ServiceError> {
    let stock = basket_stock(hq, b)?;
    let mut stores: Vec<Store> = hq.storage.stores()?.into_iter().filter(|s| s.id != ONLINE).collect();
    if !stores.iter().any(|s| s.id == b.record.store) {
        stores.push(Store {
            id: b.record.store.clone(),
            name: b.record.store.clone(),
            city: None,
            address: None,
            location: None,
        });
    }
    Ok(vitrine_core::geo::nearest_first(&b.record.store, stores)
        .into_iter()
        .map(|(s, distance_m)| StoreChoice {
            lines_in_stock: stock.iter().filter(|(_, have)| have.contains(&s.id)).count(),
            lines: stock.len(),
            kiosk_store: s.id == b.record.store,
            distance_m,
            store: s,
        })
        .collect())
}

/// For each line, the stores (and `online`) that have its whole quantity.
fn basket_stock(hq: &Hq, b: &PhoneBasket) -> Result<Vec<(Gtin, Vec<String>)>, ServiceError> {
    let mut out = Vec::new();
    for l in &b.record.lines {
        let have = hq
            .storage
            .stock_of(l.gtin)?
            .into_iter()
            .filter(|s| s.quantity >= i64::from(l.quantity))
            .map(|s| s.store)
            .collect();
        out.push((l.gtin, have));
    }
    Ok(out)
}

/// The store `id` (its name and address), if the catalog names it.
pub fn store(hq: &Hq, id: &str) -> Result<Option<Store>, ServiceError> {
    Ok(hq.storage.stores()?.into_iter().find(|s| s.id == id))
}

/// The lines the online warehouse cannot deliver in full.
pub fn not_deliverable(hq: &Hq, b: &PhoneBasket) -> Result<Vec<Gtin>, ServiceError> {
    Ok(basket_stock(hq, b)?
        .into_iter()
        .filter(|(_, have)| !have.iter().any(|s| s == ONLINE))
        .map(|(g, _)| g)
        .collect())
}

/// How the order is fulfilled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    Collect,
    Delivery,
}

/// The stores' local time.
pub fn local_offset(hq: &Hq) -> UtcOffset {
    UtcOffset::from_whole_seconds(hq.config.shop.utc_offset_s).unwrap_or(UtcOffset::UTC)
}

/// The slots offered now for `way` (the kiosk's click&collect rule).
pub fn offered_slots(hq: &Hq, way: Way) -> Vec<Slot> {
    let rules: &SlotRules = match way {
        Way::Collect => &hq.config.shop.collect,
        Way::Delivery => &hq.config.shop.delivery,
    };
    slots(hq.now(), local_offset(hq), rules, 12)
}

/// The delivery fee of a basket of `subtotal`: free from HQ's threshold.
pub fn delivery_fee(hq: &Hq, subtotal: Money) -> Money {
    let shop = &hq.config.shop;
    match shop.free_delivery_from_minor {
        Some(free) if subtotal.amount_minor >= free => Money::zero(hq.config.currency),
        _ => Money::new(shop.delivery_fee_minor, hq.config.currency),
    }
}

/// A delivery address as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

/// What is wrong in a delivery address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    Street,
    Postcode,
    City,
}

impl AddressError {
    pub fn text(&self) -> Text {
        match self {
            AddressError::Street => text!("phone-address-bad-street"),
            AddressError::Postcode => text!("phone-address-bad-postcode"),
            AddressError::City => text!("phone-address-bad-city"),
        }
    }
}

impl Address {
    /// The address trimmed, or the first field that is wrong: a street
    /// with a name (3 to 120 characters), a postcode of 3 to 10 letters,
    /// digits, spaces or dashes with at least one digit, a city.
    pub fn validated(&self) -> Result<Address, AddressError> {
        let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let a = Address {
            street: clean(&self.street),
            postcode: clean(&self.postcode).to_uppercase(),
            city: clean(&self.city),
        };
        let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
        if !(3..=120).contains(&a.street.chars().count()) || letters(&a.street) < 2 {
            return Err(AddressError::Street);
        }
        let pc_ok = (3..=10).contains(&a.postcode.len())
            && a.postcode
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            && a.postcode.chars().any(|c| c.is_ascii_digit());
        if !pc_ok {
            return Err(AddressError::Postcode);
        }
        if !(1..=80).contains(&a.city.chars().count()) || letters(&a.city) < 1 {
            return Err(AddressError::City);
        }
        Ok(a)
    }
}

/// How a phone order is paid: outside Vitrine (at pickup, on delivery), or
/// at the checkout the retailer's system names (the order webhook's
/// answer, [`super::orders::set_checkout_url`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payment {
    AtPickup,
    OnDelivery,
}

/// What HQ keeps of a phone order beside its request (JSON in
/// `order_details`; the order webhook may send it along).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetails {
    pub channel: String,
    pub handoff: Uuid,
    pub way: Way,
    pub slot_start: UnixTime,
    pub slot_end: UnixTime,
    pub payment: Payment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The delivery fee (zero for click&collect).
    pub fee: Money,
}

/// An order's details, None for a kiosk's order; with the checkout
/// address the retailer's system gave.
pub fn order_details(hq: &Hq, order: &Uuid) -> Result<Option<(OrderDetails, Option<String>)>, ServiceError> {
    match hq.storage.order_details(order)? {
        Some((json, checkout)) => Ok(Some((
            serde_json::from_str(&json).map_err(ServiceError::internal)?,
            checkout,
        ))),
        None => Ok(None),
    }
}

/// What the shopper chose on the phone.
#[derive(Debug, Clone)]
pub struct PhoneOrder {
    /// The order's id, made when the form was shown: sending the form
    /// twice makes one order.
    pub id: Uuid,
    pub way: Way,
    /// The collection store (click&collect).
    pub store: Option<String>,
    pub slot_start: UnixTime,
    pub address: Option<Address>,
    pub name: String,
    pub contact: Contact,
    pub lang: vitrine_core::Lang,
}

/// Why an order from the phone was refused (told to the shopper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRefusal {
    Empty,
    /// A line HQ has no price for: remove it first.
    NoPrice(Gtin),
    /// Not enough stock where it would come from.
    OutOfStock(Gtin),
    NoStore,
    NoSlot,
    NoName,
    NoContact,
    BadContact,
    Address(AddressError),
}

impl OrderRefusal {
    pub fn text(&self) -> Text {
        match self {
            OrderRefusal::Empty => text!("phone-order-empty"),
            OrderRefusal::NoPrice(g) => text!("phone-order-no-price", gtin = g.to_string()),
            OrderRefusal::OutOfStock(g) => text!("phone-order-out-of-stock", gtin = g.to_string()),
            OrderRefusal::NoStore => text!("phone-order-no-store"),
            OrderRefusal::NoSlot => text!("phone-order-no-slot"),
            OrderRefusal::NoName => text!("phone-order-no-name"),
            OrderRefusal::NoContact => text!("phone-order-no-contact"),
            OrderRefusal::BadContact => text!("phone-order-bad-contact"),
            OrderRefusal::Address(a) => a.text(),
        }
    }
}

/// Orders the basket `id` as the shopper chose: checked (prices, stock,
/// slot, address, contact), priced by HQ (the collection store's prices,
/// the basket's store's for delivery, with the customer and coupons of
/// the basket, plus the delivery fee), then made through
/// [`create_order`]. Ok(Err): refused, with the reason for the shopper.
/// None: no such basket.
pub fn place_order(
    hq: &Hq,
    id: &Uuid,
    o: &PhoneOrder,
) -> Result<Option<Result<OrderReceipt, OrderRefusal>>, ServiceError> {
    let Some(b) = basket(hq, id)? else {
        return Ok(None);
    };
    // The same order again (the form sent twice): its first receipt.
    if b.orders.contains(&o.id)
        && let Some(old) = hq.storage.order(&o.id)?
    {
        let receipt: OrderReceipt = serde_json::from_str(&old.receipt_json).map_err(ServiceError::internal)?;
        return Ok(Some(Ok(receipt)));
    }
    Ok(Some(check_and_place(hq, &b, o)?))
}

fn check_and_place(
    hq: &Hq,
    b: &PhoneBasket,
    o: &PhoneOrder,
) -> Result<Result<OrderReceipt, OrderRefusal>, ServiceError> {
    if b.record.lines.is_empty() {
        return Ok(Err(OrderRefusal::Empty));
    }
    if let Some(g) = b.unpriced().first() {
        return Ok(Err(OrderRefusal::NoPrice(*g)));
    }
    let name = o.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 80 {
        return Ok(Err(OrderRefusal::NoName));
    }
    if o.contact.is_empty() {
        return Ok(Err(OrderRefusal::NoContact));
    }
    if o.contact.validate().is_err() {
        return Ok(Err(OrderRefusal::BadContact));
    }
    let Some(slot) = offered_slots(hq, o.way).into_iter().find(|s| s.start == o.slot_start) else {
        return Ok(Err(OrderRefusal::NoSlot));
    };
    let (store, address, payment, price_store) = match o.way {
        Way::Collect => {
            let choices = collect_stores(hq, b)?;
            let Some(choice) = o
                .store
                .as_deref()
                .and_then(|s| choices.iter().find(|c| c.store.id == s))
            else {
                return Ok(Err(OrderRefusal::NoStore));
            };
            let stock = basket_stock(hq, b)?;
            if let Some((g, _)) = stock.iter().find(|(_, have)| !have.contains(&choice.store.id)) {
                return Ok(Err(OrderRefusal::OutOfStock(*g)));
            }
            (
                choice.store.id.clone(),
                None,
                Payment::AtPickup,
                choice.store.id.clone(),
            )
        }
        Way::Delivery => {
            let typed = o.address.clone().unwrap_or_default();
            let address = match typed.validated() {
                Ok(a) => a,
                Err(e) => return Ok(Err(OrderRefusal::Address(e))),
            };
            if let Some(g) = not_deliverable(hq, b)?.first() {
                return Ok(Err(OrderRefusal::OutOfStock(*g)));
            }
            (
                ONLINE.to_string(),
                Some(address),
                Payment::OnDelivery,
                b.record.store.clone(),
            )
        }
    };
    let handoff = hq
        .storage
        .handoff(&b.record.id)?
        .ok_or_else(|| ServiceError::NotFound("basket not found".into()))?;
    let priced = price_handoff_at(hq, &handoff, &price_store, None)?;
    if let Some(l) = priced.products.iter().find(|l| l.price.is_none()) {
        return Ok(Err(OrderRefusal::NoPrice(l.line.gtin)));
    }
    let subtotal = priced
        .priced
        .as_ref()
        .map(|p| p.total)
        .unwrap_or(Money::zero(hq.config.currency));
    let fee = match o.way {
        Way::Collect => Money::zero(hq.config.currency),
        Way::Delivery => delivery_fee(hq, subtotal),
    };
    let coupons: Vec<String> = hq
        .storage
        .coupons_redeemed_for(&handoff_reference(&handoff))?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let request = OrderRequest {
        id: o.id,
        store,
        created_at: hq.now(),
        lines: b.record.lines.clone(),
        customer: OrderCustomer {
            name,
            email: o.contact.email.clone(),
            phone: o.contact.phone.clone(),
            customer_id: b.record.customer_id.clone(),
        },
        lang: o.lang,
        coupons,
        identification: None,
    };
    let details = OrderDetails {
        channel: "phone".into(),
        handoff: b.record.id,
        way: o.way,
        slot_start: slot.start,
        slot_end: slot.end,
        payment,
        address,
        fee,
    };
    let details_json = serde_json::to_string(&details).map_err(ServiceError::internal)?;
    let total = subtotal.checked_add(fee).map_err(ServiceError::internal)?;
    let how = how_text(hq, &details, &request.store)?;
    let notes = phone_order_messages(
        hq,
        &request,
        &order_number(&request.id),
        &priced,
        total,
        &how,
        &format!("/o/{}", request.id),
    );
    let fingerprint = sha256_hex(
        format!(
            "{}|{}",
            serde_json::to_string(&request).map_err(ServiceError::internal)?,
            details_json
        )
        .as_bytes(),
    );
    // What the retailer's order system needs to deliver.
    let delivery = details.address.as_ref().map(|a| WebhookDelivery {
        street: a.street.clone(),
        postcode: a.postcode.clone(),
        city: a.city.clone(),
        fee,
    });
    let (_, receipt) = create_order(
        hq,
        NewOrder {
            at: request.created_at,
            request,
            device_id: &b.record.device_id,
            priced: &priced,
            extra: fee,
            coupons: Vec::new(),
            refused: &[],
            fingerprint,
            details: Some((b.record.id, details_json)),
            notes: Some(notes),
            origin: OrderOrigin {
                channel: "phone",
                fulfilment: match details.way {
                    Way::Collect => "click_and_collect",
                    Way::Delivery => "delivery",
                },
                payment: match details.payment {
                    Payment::AtPickup => "at_pickup",
                    Payment::OnDelivery => "on_delivery",
                },
                slot: Some(WebhookSlot {
                    start: details.slot_start,
                    end: details.slot_end,
                }),
                delivery: delivery.as_ref(),
            },
        },
    )?;
    Ok(Ok(receipt))
}

/// Where and when a phone order is collected or delivered, and how it is
/// paid, in a sentence.
pub fn how_text(hq: &Hq, d: &OrderDetails, store_id: &str) -> Result<Text, ServiceError> {
    let slot = Slot {
        start: d.slot_start,
        end: d.slot_end,
    }
    .label(hq.now(), local_offset(hq));
    Ok(match (&d.way, &d.address) {
        (Way::Delivery, Some(a)) => text!(
            "phone-how-delivery",
            street = a.street.as_str(),
            postcode = a.postcode.as_str(),
            city = a.city.as_str(),
            slot = slot,
            fee = d.fee,
        ),
        _ => {
            let s = store(hq, store_id)?;
            let name = s
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_else(|| store_id.to_string());
            let place = s.as_ref().map(place_of).unwrap_or_default();
            let store = if place.is_empty() {
                name
            } else {
                format!("{name}, {place}")
            };
            text!("phone-how-collect", store = store, slot = slot)
        }
    })
}

/// A store's address for a person: its street address and city, or its
/// city, or nothing.
pub fn place_of(s: &Store) -> String {
    [s.address.as_deref(), s.city.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "device" a basket's one-time codes are asked for: codes for one
/// basket's phone are tried only there, and limited per basket.
fn phone_device(id: &Uuid) -> String {
    format!("phone:{id}")
}

/// Asks for a one-time code for the shopper of basket `id` (the kiosk's
/// challenge: a code is sent only to a customer's email or phone, the
/// answer is the same either way).
pub fn ask_code(
    hq: &Hq,
    id: &Uuid,
    kind: LookupKind,
    value: &str,
    lang: vitrine_core::Lang,
) -> Result<Option<Result<Challenge, Refusal>>, ServiceError> {
    if hq.storage.handoff(id)?.is_none() {
        return Ok(None);
    }
    let req = ChallengeRequest {
        kind,
        value: value.trim().to_string(),
        lang,
    };
    Ok(Some(open_challenge(hq, &phone_device(id), &req)?))
}

/// Checks the code typed on the phone: the customer it names prices the
/// basket from now on (member prices, personal coupons).
pub fn check_code(
    hq: &Hq,
    id: &Uuid,
    challenge: &str,
    code: &str,
) -> Result<Option<Result<CustomerView, Refusal>>, ServiceError> {
    if hq.storage.handoff(id)?.is_none() {
        return Ok(None);
    }
    let answer = ChallengeAnswer {
        id: challenge.to_string(),
        code: code.to_string(),
    };
    let r = answer_challenge(hq, &phone_device(id), &answer)?;
    if let Ok(v) = &r {
        hq.storage.set_phone_identity(id, &v.customer_id, hq.now())?;
        tracing::info!(handoff = %id, "shopper identified on the phone");
    }
    Ok(Some(r))
}

/// The longest loyalty token the phone accepts: a real one is a few hundred
/// bytes (a customer id, a name, some coupons); anything longer is refused
/// before its signature is even parsed.
pub const MAX_LOYALTY_TOKEN: usize = 8 * 1024;

/// Identifies the shopper on the basket's phone by the loyalty token the
/// retailer's app holds (the app opens the basket page and posts it): the
/// token must be signed by this HQ and still valid, and its customer must not
/// be forgotten. `Ok(None)`: no such basket; `Ok(Some(None))`: refused.
pub fn identify_by_token(hq: &Hq, id: &Uuid, token: &str) -> Result<Option<Option<CustomerView>>, ServiceError> {
    if hq.storage.handoff(id)?.is_none() {
        return Ok(None);
    }
    let token = token.trim();
    if token.len() > MAX_LOYALTY_TOKEN {
        return Ok(Some(None));
    }
    // The kiosk's token lookup: signature, issuer, expiry, not forgotten.
    let q = CustomerLookup {
        kind: LookupKind::Token,
        value: token.to_string(),
    };
    let v = match super::customers::lookup(hq, &q, &phone_device(id)) {
        Ok(Some(v)) => v,
        Ok(None) | Err(CustomerError::Invalid(_)) => {
            tracing::info!(handoff = %id, "loyalty token refused on the phone");
            return Ok(Some(None));
        }
        Err(e) => return Err(e.into()),
    };
    hq.storage.set_phone_identity(id, &v.customer_id, hq.now())?;
    tracing::info!(handoff = %id, "shopper identified on the phone by the app's loyalty token");
    Ok(Some(Some(v)))
}

/// The personal offers of the customer identified on the basket's phone
/// (by a one-time code there, or vouched for by the kiosk).
pub fn identified(hq: &Hq, b: &PhoneBasket) -> Result<Option<CustomerView>, ServiceError> {
    let Some(cid) = b.record.customer_id.as_deref() else {
        return Ok(None);
    };
    let Some(c) = hq.storage.customer(cid)?.filter(|c| c.forgotten_at.is_none()) else {
        return Ok(None);
    };
    Ok(Some(super::customers::view(hq, &c, hq.now())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(street: &str, postcode: &str, city: &str) -> Address {
        Address {
            street: street.into(),
            postcode: postcode.into(),
            city: city.into(),
        }
    }

    #[test]
    fn an_address_needs_a_street_a_postcode_with_digits_and_a_city() {
        let ok = addr("  12 rue   de Rivoli ", "75001", " Paris ").validated().unwrap();
        assert_eq!(ok, addr("12 rue de Rivoli", "75001", "Paris"));
        assert_eq!(
            addr("sw1a 1aa road", "sw1a 1aa", "London")
                .validated()
                .unwrap()
                .postcode,
            "SW1A 1AA"
        );
        assert_eq!(addr("12", "75001", "Paris").validated(), Err(AddressError::Street));
        assert_eq!(
            addr("12 rue X", "PARIS", "Paris").validated(),
            Err(AddressError::Postcode)
        );
        assert_eq!(
            addr("12 rue X", "75<01", "Paris").validated(),
            Err(AddressError::Postcode)
        );
        assert_eq!(addr("12 rue X", "75001", " ").validated(), Err(AddressError::City));
    }
}
