//! The shopper's session: the basket, the identified customer, scanned
//! coupons and every piece of text typed on the screen.
//!
//! A kiosk's screen is shared: [`Session::reset`] wipes all of it (after the
//! idle countdown, after a handoff or an order, on "Finish"), so nothing a
//! shopper entered or was shown about themselves remains for the next one.
//! The session holds no I/O and no clock: time is passed in, so every rule
//! here is tested without a window.

pub mod collect;
pub mod contact;
pub mod idle;

use vitrine_core::pricing::{
    BasketLine, CustomerContext, PricedBasket, PricingContext, PricingError, Promotion, Tier, price_basket,
};
use vitrine_core::product::UnixTime;
use vitrine_core::{Currency, Gtin, Lang, Money};
use vitrine_i18n::{Text, text};

pub use collect::{CollectDraft, Slot, collect_slots};
pub use contact::{Contact, ContactError, parse_contact};
pub use idle::{IdleClock, IdlePhase};

/// Most units of one product a shopper can put in the basket from the screen.
pub const MAX_QUANTITY: u32 = 99;

/// Most lines in a basket (a kiosk basket is a shopping list, not a pallet).
pub const MAX_LINES: usize = 60;

/// A variable-measure label's own value (a weighed pack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    /// The pack's price (embedded, or price per kg times the embedded weight).
    pub price: Money,
    /// The label's digits, so that two packs of the same item stay two lines.
    pub label: String,
    pub grams: Option<u32>,
    /// What the label says, which `price` was computed from: handoffs and
    /// orders carry it so that HQ prices the pack the same way.
    pub measure: vitrine_core::label::LabelMeasure,
}

/// One line of the basket, with what the screen needs to draw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketItem {
    pub gtin: Gtin,
    pub name: String,
    pub brand: Option<String>,
    /// The quantity printed on the pack ("350 g").
    pub pack: Option<String>,
    pub category: Option<String>,
    /// Per unit, or per kilogram for a weighed item.
    pub unit_price: Money,
    pub measured: Option<Measured>,
    pub quantity: u32,
}

/// The identified shopper. Only what the screen may show is kept: the first
/// name and a masked identifier, never the full phone number or email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub customer_id: String,
    pub first_name: String,
    /// E.g. `•••••••• 78` or `j•••@e•••.com`.
    pub masked_identifier: String,
    pub tier: Option<Tier>,
    pub coupons: Vec<String>,
    /// What vouches for the shopper at HQ (its signed identification, the
    /// loyalty token, or the card number shown offline): sent with the
    /// shopper's handoff or order, never shown, wiped at reset.
    pub identification: Option<Evidence>,
}

/// What vouches for an identified shopper at HQ. Its `Debug` never shows
/// it (a card number, a token).
#[derive(Clone, PartialEq, Eq)]
pub struct Evidence(pub String);

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Evidence(…)")
    }
}

/// Every piece of text the shopper typed (keypad, search, contact, identify)
/// and the staff PIN being typed: all wiped on reset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedText {
    pub keypad: String,
    pub search: String,
    pub identify: String,
    pub contact: String,
    /// The phone or email the handoff's link is sent to.
    pub handoff_contact: String,
    /// The name given for a click & collect order.
    pub name: String,
    pub pin: String,
}

impl TypedText {
    pub fn is_empty(&self) -> bool {
        *self == TypedText::default()
    }
}

/// One key of the on-screen keyboard (or typed on a physical one) applied
/// to the text field `t`, at most `max` characters: "BACK" erases the last
/// character, "SPACE" and any single character type. Returns the text when
/// the key is "OK" (the shopper submits it).
pub fn type_key(t: &mut String, key: &str, max: usize) -> Option<String> {
    match key {
        "BACK" => {
            t.pop();
        }
        "OK" => return Some(t.clone()),
        k => {
            let c = if k == "SPACE" { " " } else { k };
            if c.chars().count() == 1 && t.chars().count() < max {
                t.push_str(c);
            }
        }
    }
    None
}

/// Why a product could not go into the basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddError {
    /// The product has no price at this store: it cannot be sold here.
    NoPrice,
    /// The basket already holds [`MAX_LINES`] lines.
    BasketFull,
    /// The line already holds [`MAX_QUANTITY`] units.
    TooMany,
    /// The price is not in the store's currency.
    Currency,
}

impl AddError {
    /// What the shopper is told (messages `basket-*`).
    pub fn text(&self) -> Text {
        match self {
            AddError::NoPrice => text!("basket-no-price"),
            AddError::BasketFull => text!("basket-full"),
            AddError::TooMany => text!("basket-too-many"),
            AddError::Currency => text!("basket-currency"),
        }
    }
}

/// The session of the shopper in front of the kiosk.
#[derive(Debug, Clone)]
pub struct Session {
    /// The language the session started in (the kiosk's default).
    pub default_lang: Lang,
    pub lang: Lang,
    pub default_large_text: bool,
    pub large_text: bool,
    pub default_low_reach: bool,
    pub low_reach: bool,
    pub currency: Currency,
    basket: Vec<BasketItem>,
    pub customer: Option<Customer>,
    /// Coupon codes scanned during this session.
    pub coupons: Vec<String>,
    /// The promotions of coupon QR codes scanned (HQ-signed coupons that
    /// are not in the catalog).
    pub coupon_promotions: Vec<Promotion>,
    /// The identified customer's personal offers (with their consent).
    pub customer_offers: Vec<Promotion>,
    pub typed: TypedText,
    pub collect: CollectDraft,
    /// The handoff on screen (its URL is personal: it carries the basket).
    pub handoff_url: Option<String>,
    /// The last order number shown on the confirmation screen.
    pub order_number: Option<String>,
}

impl Session {
    pub fn new(lang: Lang, large_text: bool, low_reach: bool, currency: Currency) -> Session {
        Session {
            default_lang: lang,
            lang,
            default_large_text: large_text,
            large_text,
            default_low_reach: low_reach,
            low_reach,
            currency,
            basket: Vec::new(),
            customer: None,
            coupons: Vec::new(),
            coupon_promotions: Vec::new(),
            customer_offers: Vec::new(),
            typed: TypedText::default(),
            collect: CollectDraft::default(),
            handoff_url: None,
            order_number: None,
        }
    }

    /// Wipes everything the shopper entered or was shown about themselves
    /// and goes back to the kiosk's defaults (language, text size, layout).
    pub fn reset(&mut self) {
        *self = Session::new(
            self.default_lang,
            self.default_large_text,
            self.default_low_reach,
            self.currency,
        );
    }

    /// Nothing personal or typed is left.
    pub fn is_blank(&self) -> bool {
        self.basket.is_empty()
            && self.customer.is_none()
            && self.coupons.is_empty()
            && self.coupon_promotions.is_empty()
            && self.customer_offers.is_empty()
            && self.typed.is_empty()
            && self.collect == CollectDraft::default()
            && self.handoff_url.is_none()
            && self.order_number.is_none()
    }

    pub fn items(&self) -> &[BasketItem] {
        &self.basket
    }

    /// Units in the basket.
    pub fn unit_count(&self) -> u32 {
        self.basket.iter().map(|i| i.quantity).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.basket.is_empty()
    }

    /// Adds one unit (or one weighed pack). The same product at the same
    /// price adds to its line; each weighed pack is a line of its own.
    /// Returns the index of the line.
    pub fn add(&mut self, item: BasketItem) -> Result<usize, AddError> {
        if item.unit_price.currency != self.currency {
            return Err(AddError::Currency);
        }
        if item.measured.is_none()
            && let Some(i) = self
                .basket
                .iter()
                .position(|b| b.measured.is_none() && b.gtin == item.gtin && b.unit_price == item.unit_price)
        {
            let line = &mut self.basket[i];
            if line.quantity + item.quantity.max(1) > MAX_QUANTITY {
                return Err(AddError::TooMany);
            }
            line.quantity += item.quantity.max(1);
            return Ok(i);
        }
        if item.measured.as_ref().is_some_and(|m| {
            self.basket
                .iter()
                .any(|b| b.measured.as_ref().is_some_and(|bm| bm.label == m.label))
        }) {
            // The same weighed pack scanned twice is one pack.
            return Err(AddError::TooMany);
        }
        if self.basket.len() >= MAX_LINES {
            return Err(AddError::BasketFull);
        }
        let mut item = item;
        item.quantity = if item.measured.is_some() {
            1
        } else {
            item.quantity.clamp(1, MAX_QUANTITY)
        };
        self.basket.push(item);
        Ok(self.basket.len() - 1)
    }

    /// Sets a line's quantity; 0 removes it. Weighed packs stay at 1.
    pub fn set_quantity(&mut self, index: usize, quantity: u32) {
        if quantity == 0 {
            self.remove(index);
            return;
        }
        if let Some(line) = self.basket.get_mut(index)
            && line.measured.is_none()
        {
            line.quantity = quantity.min(MAX_QUANTITY);
        }
    }

    pub fn remove(&mut self, index: usize) {
        if index < self.basket.len() {
            self.basket.remove(index);
        }
    }

    pub fn clear_basket(&mut self) {
        self.basket.clear();
        self.collect = CollectDraft::default();
    }

    /// The lines as the pricing engine takes them.
    pub fn basket_lines(&self) -> Vec<BasketLine> {
        self.basket
            .iter()
            .map(|i| BasketLine {
                gtin: i.gtin,
                quantity: i.quantity,
                unit_price: i.unit_price,
                category: i.category.clone(),
                brand: i.brand.clone(),
                measured_price: i.measured.as_ref().map(|m| m.price),
                measure: i.measured.as_ref().map(|m| m.measure),
            })
            .collect()
    }

    pub fn customer_context(&self) -> Option<CustomerContext> {
        self.customer.as_ref().map(|c| CustomerContext {
            customer_id: c.customer_id.clone(),
            tier: c.tier,
            coupons: c.coupons.clone(),
        })
    }

    /// Prices the basket with the promotions in force (through
    /// `vitrine_core::pricing::price_basket`, the one place a price is
    /// computed).
    /// The catalog's `promotions` are joined by the customer's personal
    /// offers and the scanned coupon QR codes' promotions.
    pub fn price(&self, promotions: &[Promotion], store: &str, now: UnixTime) -> Result<PricedBasket, PricingError> {
        let customer = self.customer_context();
        let joined;
        let promotions = if self.customer_offers.is_empty() && self.coupon_promotions.is_empty() {
            promotions
        } else {
            joined = promotions
                .iter()
                .chain(&self.customer_offers)
                .chain(&self.coupon_promotions)
                .cloned()
                .collect::<Vec<_>>();
            &joined
        };
        let ctx = PricingContext {
            promotions,
            customer: customer.as_ref(),
            scanned_coupons: &self.coupons,
            now,
            store: Some(store),
        };
        price_basket(&self.basket_lines(), &ctx, self.currency)
    }

    /// Adds a scanned coupon QR's promotion (and its code). Returns false if
    /// it was there.
    pub fn add_coupon_promotion(&mut self, p: Promotion) -> bool {
        let Some(code) = p.coupon_code.clone() else {
            return false;
        };
        if !self.add_coupon(&code) {
            return false;
        }
        self.coupon_promotions.push(p);
        true
    }

    /// The coupon codes the priced basket used (to list in an order).
    pub fn used_coupons(priced: &PricedBasket) -> Vec<String> {
        priced
            .applied
            .iter()
            .filter_map(|a| a.promotion.coupon_code.clone())
            .collect()
    }

    /// Records a scanned coupon code once. Returns false if it was there.
    pub fn add_coupon(&mut self, code: &str) -> bool {
        if self.coupons.iter().any(|c| c == code) {
            return false;
        }
        self.coupons.push(code.to_string());
        true
    }

    /// "Not you?": forgets the identified customer (and their coupons'
    /// effect on prices), keeping the basket.
    pub fn forget_customer(&mut self) {
        self.customer = None;
        self.customer_offers.clear();
        self.typed.identify.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_core::pricing::{Audience, PromoKind, Target};

    fn gtin(s: &str) -> Gtin {
        Gtin::from_digits(s).unwrap()
    }

    fn item(g: &str, price: i64) -> BasketItem {
        BasketItem {
            gtin: gtin(g),
            name: format!("product {g}"),
            brand: None,
            pack: None,
            category: None,
            unit_price: Money::eur(price),
            measured: None,
            quantity: 1,
        }
    }

    fn three_for_two(g: &str) -> Promotion {
        Promotion {
            id: "p3x2".into(),
            kind: PromoKind::BuyNPayM { buy: 3, pay: 2 },
            target: Target::Gtins(vec![gtin(g)]),
            audience: Audience::Everyone,
            valid_from: None,
            valid_until: None,
            stores: Vec::new(),
            coupon_code: None,
        }
    }

    #[test]
    fn same_product_adds_to_its_line_and_prices_with_the_promotion() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        for _ in 0..3 {
            assert_eq!(s.add(item("5449000039231", 199)), Ok(0));
        }
        s.add(item("3017620422003", 350)).unwrap();
        assert_eq!(s.items().len(), 2);
        assert_eq!(s.unit_count(), 4);
        let priced = s.price(&[three_for_two("5449000039231")], "paris-01", 0).unwrap();
        assert_eq!(priced.subtotal, Money::eur(3 * 199 + 350));
        assert_eq!(priced.total, Money::eur(2 * 199 + 350));
        assert_eq!(priced.applied.len(), 1);
        assert!(
            vitrine_i18n::domain::applied_promotion(&priced.applied[0])
                .render(Lang::FR)
                .contains("vous économisez 1,99 €")
        );
    }

    #[test]
    fn quantities_and_removal() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        s.add(item("5449000039231", 199)).unwrap();
        s.set_quantity(0, 5);
        assert_eq!(s.unit_count(), 5);
        s.set_quantity(0, 500);
        assert_eq!(s.items()[0].quantity, MAX_QUANTITY);
        assert_eq!(s.add(item("5449000039231", 199)), Err(AddError::TooMany));
        s.set_quantity(0, 0);
        assert!(s.is_empty());
        s.remove(3); // out of range: nothing happens
    }

    #[test]
    fn weighed_packs_are_lines_of_their_own_and_counted_once() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        let pack = |label: &str, price| {
            let mut i = item("2012345000001", 1299);
            i.measured = Some(Measured {
                price: Money::eur(price),
                label: label.into(),
                grams: Some(500),
                measure: vitrine_core::label::LabelMeasure::PackWeight { grams: 500 },
            });
            i
        };
        s.add(pack("2012345006508", 650)).unwrap();
        s.add(pack("2012345007000", 700)).unwrap();
        assert_eq!(s.add(pack("2012345007000", 700)), Err(AddError::TooMany));
        assert_eq!(s.items().len(), 2);
        s.set_quantity(0, 4);
        assert_eq!(s.items()[0].quantity, 1);
        assert_eq!(s.price(&[], "paris-01", 0).unwrap().total, Money::eur(1350));
    }

    #[test]
    fn reset_wipes_everything_and_restores_defaults() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        s.add(item("5449000039231", 199)).unwrap();
        s.lang = Lang::EN;
        s.large_text = true;
        s.low_reach = true;
        s.customer = Some(Customer {
            customer_id: "c1".into(),
            first_name: "Camille".into(),
            masked_identifier: "•••••••• 78".into(),
            tier: Some(Tier::Gold),
            coupons: vec![],
            identification: None,
        });
        s.add_coupon("BIENVENUE10");
        s.typed.search = "nutel".into();
        s.typed.contact = "camille@example.com".into();
        s.typed.name = "Camille".into();
        s.typed.pin = "24".into();
        s.handoff_url = Some("https://hq/h/1#x".into());
        s.order_number = Some("A1B2".into());
        s.collect.store = Some("lyon-02".into());
        assert!(!s.is_blank());
        s.reset();
        assert!(s.is_blank());
        assert_eq!(s.lang, Lang::FR);
        assert!(!s.large_text && !s.low_reach);
    }

    #[test]
    fn coupons_and_customer() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        assert!(s.add_coupon("BIENVENUE10"));
        assert!(!s.add_coupon("BIENVENUE10"));
        s.customer = Some(Customer {
            customer_id: "c1".into(),
            first_name: "Camille".into(),
            masked_identifier: "x".into(),
            tier: None,
            coupons: vec![],
            identification: None,
        });
        s.typed.identify = "06".into();
        s.add(item("5449000039231", 199)).unwrap();
        s.forget_customer();
        assert!(s.customer.is_none() && s.typed.identify.is_empty());
        assert_eq!(s.items().len(), 1);
    }

    #[test]
    fn personal_offers_and_coupon_qr_promotions_price_and_are_wiped() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        s.add(item("5449000039231", 1000)).unwrap();
        let coupon = vitrine_core::loyalty::coupon_promotion("MERCI-1", 1000, 0, None, 100);
        assert!(s.add_coupon_promotion(coupon.clone()));
        assert!(!s.add_coupon_promotion(coupon));
        let priced = s.price(&[], "paris-01", 0).unwrap();
        assert_eq!(priced.total, Money::eur(900));
        assert_eq!(Session::used_coupons(&priced), vec!["MERCI-1".to_string()]);
        // Expired by then: not applied.
        assert_eq!(s.price(&[], "paris-01", 100).unwrap().total, Money::eur(1000));
        s.customer_offers = vec![vitrine_core::loyalty::coupon_promotion("MERCI-2", 2000, 0, None, 100)];
        s.customer = Some(Customer {
            customer_id: "c1".into(),
            first_name: "Camille".into(),
            masked_identifier: "•••• 78".into(),
            tier: None,
            coupons: vec!["MERCI-2".into()],
            identification: None,
        });
        // One basket coupon applies: the best.
        assert_eq!(s.price(&[], "paris-01", 0).unwrap().total, Money::eur(800));
        s.forget_customer();
        assert!(s.customer_offers.is_empty());
        assert_eq!(s.price(&[], "paris-01", 0).unwrap().total, Money::eur(900));
        s.reset();
        assert!(s.is_blank() && s.coupon_promotions.is_empty());
    }

    #[test]
    fn refuses_another_currency() {
        let mut s = Session::new(Lang::FR, false, false, Currency::EUR);
        let mut i = item("5449000039231", 199);
        i.unit_price = Money::new(199, Currency::from_code("USD").unwrap());
        assert_eq!(s.add(i), Err(AddError::Currency));
    }
}
