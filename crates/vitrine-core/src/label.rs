//! The price of one scanned pack: what the catalog says about the item
//! (its unit price, how it is sold) and what the pack's label says (a
//! price, a weight) give the amount the shopper pays for that pack.
//!
//! The kiosk's product page, its basket and the command line price a code
//! here; HQ is to price a basket line the same way from the
//! [`LabelMeasure`] the line carries, which is why the rule takes plain
//! values (a unit price, a [`SoldBy`], a measure) and not a catalog row.
//!
//! # Rules ([`pack_price`])
//! 1. No catalog price, no price: the store does not sell the item, whatever
//!    its label says.
//! 2. An in-store variable-measure label (EAN-13 prefixes 02 and 20–29, laid
//!    out as [`VariableMeasureRules`](crate::code::VariableMeasureRules)
//!    say) is the retailer's own label for a weighed or priced pack: its
//!    embedded price is the pack's price, its embedded weight is priced at
//!    the catalog's price per kilogram (the layout says the item is
//!    weighed, so the catalog's [`SoldBy`] is not asked).
//!    A price is charged only in the catalog price's currency (an in-store
//!    label's price is read in the store's: see [`LabelMeasure::of`]).
//! 3. A GS1 label's price (AI 392n in the store's currency, or 393n naming
//!    the catalog price's currency) is the pack's price. A 393n price in
//!    another currency is shown, never charged.
//! 4. Otherwise a GS1 net weight (AI 310n in kg, 320n in lb) prices an item
//!    sold by the kilogram at its price per kg; on an item sold by the unit
//!    it is information only (a fixed-measure pack: "750 g").
//! 5. Otherwise the catalog's unit price.
//!
//! Weights are rounded to the gram when read, and a weight's price is
//! rounded as [`price_for_weight`] says.

use serde::{Deserialize, Serialize};

use crate::code::{Embedded, ProductCode};
use crate::money::{Currency, Money, price_for_weight};
use crate::product::SoldBy;

/// What a code's label says about its pack, beyond naming the item.
///
/// Serialisable so that a basket line can carry it from the kiosk to HQ,
/// which then prices the line with [`pack_price`] as the kiosk did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LabelMeasure {
    /// An in-store variable-measure label's embedded price, in the store's
    /// currency.
    PackPrice { price: Money },
    /// An in-store variable-measure label's embedded net weight.
    PackWeight { grams: u32 },
    /// A GS1 element string or Digital Link with a price (AI 392n/393n)
    /// and/or a net weight (AI 310n/320n). At least one is there.
    Gs1 {
        price: Option<Money>,
        net_weight_g: Option<u32>,
    },
}

impl LabelMeasure {
    /// What `code`'s label says about its pack, `None` when it says
    /// nothing (a plain retail code, a GS1 code with neither price nor
    /// weight). `store_currency` is the currency of an in-store label's
    /// price and of AI 392n; a 393n price whose ISO 4217 code Vitrine does
    /// not know, or too large an amount, is left out.
    pub fn of(code: &ProductCode, store_currency: Currency) -> Option<LabelMeasure> {
        match code.variable.as_ref().map(|v| v.embedded) {
            Some(Embedded::Price { amount_minor }) => {
                return Some(LabelMeasure::PackPrice {
                    price: Money::new(amount_minor, store_currency),
                });
            }
            Some(Embedded::Weight { grams }) => return Some(LabelMeasure::PackWeight { grams }),
            None => {}
        }
        let price = code.gs1.price.and_then(|p| {
            let currency = match p.iso_numeric {
                None => store_currency,
                Some(n) => Currency::from_iso_numeric(n)?,
            };
            Some(Money::new(p.to_minor(currency.exponent())?, currency))
        });
        // 310n/320n hold at most 999,999 kg or lb: always within u32 grams.
        let net_weight_g = code.gs1.net_weight_grams().and_then(|g| u32::try_from(g).ok());
        (price.is_some() || net_weight_g.is_some()).then_some(LabelMeasure::Gs1 { price, net_weight_g })
    }

    /// The price printed on the label, in its own currency.
    pub fn price(&self) -> Option<Money> {
        match *self {
            LabelMeasure::PackPrice { price } => Some(price),
            LabelMeasure::PackWeight { .. } => None,
            LabelMeasure::Gs1 { price, .. } => price,
        }
    }

    /// The net weight printed on the label, in grams.
    pub fn net_weight_g(&self) -> Option<u32> {
        match *self {
            LabelMeasure::PackPrice { .. } => None,
            LabelMeasure::PackWeight { grams } => Some(grams),
            LabelMeasure::Gs1 { net_weight_g, .. } => net_weight_g,
        }
    }
}

/// The price the shopper pays for one pack: the catalog's `unit_price`
/// (per kilogram for an item `sold_by` the kilogram) and what its label
/// says, by the rules in the [module documentation](self).
pub fn pack_price(unit_price: Option<Money>, sold_by: SoldBy, label: Option<&LabelMeasure>) -> Option<Money> {
    let unit = unit_price?;
    let by_weight = |grams: u32| Money::new(price_for_weight(unit.amount_minor, grams), unit.currency);
    let priced = match label {
        None => None,
        Some(LabelMeasure::PackPrice { price }) => Some(*price).filter(|p| p.currency == unit.currency),
        Some(LabelMeasure::PackWeight { grams }) => Some(by_weight(*grams)),
        Some(LabelMeasure::Gs1 { price, net_weight_g }) => price
            .filter(|p| p.currency == unit.currency)
            .or_else(|| net_weight_g.filter(|_| sold_by == SoldBy::Kilogram).map(by_weight)),
    };
    Some(priced.unwrap_or(unit))
}

/// [`pack_price`] of a scanned code: its label read in the catalog price's
/// currency (the store's).
pub fn code_price(unit_price: Option<Money>, sold_by: SoldBy, code: &ProductCode) -> Option<Money> {
    let label = LabelMeasure::of(code, unit_price?.currency);
    pack_price(unit_price, sold_by, label.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{VariableMeasureRules, parse_product_code_with};

    fn code(s: &str) -> ProductCode {
        parse_product_code_with(s, None, &VariableMeasureRules::default()).unwrap()
    }

    const EUR: Currency = Currency::EUR;
    fn eur(minor: i64) -> Option<Money> {
        Some(Money::eur(minor))
    }

    #[test]
    fn a_plain_code_costs_the_catalog_price() {
        let c = code("5449000039231");
        assert_eq!(LabelMeasure::of(&c, EUR), None);
        assert_eq!(pack_price(eur(309), SoldBy::Unit, None), eur(309));
        assert_eq!(code_price(eur(309), SoldBy::Unit, &c), eur(309));
        // A GS1 code with only a lot and an expiry says nothing about the pack.
        let lot = code("(01)05449000039231(10)LOT(17)261231");
        assert_eq!(LabelMeasure::of(&lot, EUR), None);
        assert_eq!(code_price(eur(309), SoldBy::Unit, &lot), eur(309));
    }

    #[test]
    fn no_catalog_price_no_price_whatever_the_label_says() {
        for c in [
            "5449000039231",
            "(01)05449000039231(3922)1234",
            "2100100012342",
            "2500100075000",
        ] {
            let c = code(c);
            assert_eq!(code_price(None, SoldBy::Unit, &c), None, "{c:?}");
            let m = LabelMeasure::of(&c, EUR);
            assert_eq!(pack_price(None, SoldBy::Kilogram, m.as_ref()), None, "{c:?}");
        }
    }

    #[test]
    fn a_gs1_label_price_is_the_pack_price() {
        let c = code("(01)05449000039231(3103)000750(3922)1234");
        let m = LabelMeasure::of(&c, EUR).unwrap();
        assert_eq!(
            m,
            LabelMeasure::Gs1 {
                price: eur(1234),
                net_weight_g: Some(750)
            }
        );
        assert_eq!(m.price(), eur(1234));
        assert_eq!(m.net_weight_g(), Some(750));
        // The label's price wins over the weight, sold by the unit or the kg.
        assert_eq!(pack_price(eur(309), SoldBy::Unit, Some(&m)), eur(1234));
        assert_eq!(pack_price(eur(1399), SoldBy::Kilogram, Some(&m)), eur(1234));
        // 393n naming the store's own currency (978, EUR) is charged too.
        let c = code("(01)05449000039231(3932)9781234");
        assert_eq!(code_price(eur(309), SoldBy::Unit, &c), eur(1234));
    }

    #[test]
    fn a_label_price_in_another_currency_is_shown_not_charged() {
        let c = code("(01)05449000039231(3932)8401234");
        let m = LabelMeasure::of(&c, EUR).unwrap();
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(m.price(), Some(Money::new(1234, usd)));
        assert_eq!(pack_price(eur(309), SoldBy::Unit, Some(&m)), eur(309));
        // With a weight beside it, an item sold by the kg is priced by weight.
        let c = code("(01)02500100000002(3103)001500(3932)8401234");
        assert_eq!(code_price(eur(1399), SoldBy::Kilogram, &c), eur(2099));
        // An ISO code Vitrine does not know: no label price at all.
        let c = code("(01)05449000039231(3932)9991234");
        assert_eq!(LabelMeasure::of(&c, EUR), None);
    }

    #[test]
    fn a_gs1_weight_prices_an_item_sold_by_the_kg_and_only_that() {
        // 1.500 kg at 13.99 per kg: 20.985, rounded half away from zero.
        let c = code("(01)02500100000002(3103)001500");
        assert_eq!(code_price(eur(1399), SoldBy::Kilogram, &c), eur(2099));
        // On an item sold by the unit the weight is information only.
        assert_eq!(code_price(eur(309), SoldBy::Unit, &c), eur(309));
        assert_eq!(LabelMeasure::of(&c, EUR).unwrap().net_weight_g(), Some(1500));
        // Pounds (320n): 2.00 lb is 907 g.
        let c = code("(01)02500100000002(3202)000200");
        assert_eq!(LabelMeasure::of(&c, EUR).unwrap().net_weight_g(), Some(907));
        assert_eq!(code_price(eur(1000), SoldBy::Kilogram, &c), eur(907));
    }

    #[test]
    fn in_store_labels_carry_the_pack_price_or_weight() {
        // 21 00100 01234 2: a priced pack of 12.34.
        let c = code("2100100012342");
        let m = LabelMeasure::of(&c, EUR).unwrap();
        assert_eq!(
            m,
            LabelMeasure::PackPrice {
                price: Money::eur(1234)
            }
        );
        assert_eq!((m.price(), m.net_weight_g()), (eur(1234), None));
        assert_eq!(pack_price(eur(999), SoldBy::Unit, Some(&m)), eur(1234));
        // Read in another currency than the catalog's, it is not charged.
        let chf = Currency::from_code("CHF").unwrap();
        let other = LabelMeasure::of(&c, chf).unwrap();
        assert_eq!(pack_price(eur(999), SoldBy::Unit, Some(&other)), eur(999));
        // 25 00100 07500 0: 7.500 kg at 13.99 per kg is 104.925 -> 104.93.
        let c = code("2500100075000");
        let m = LabelMeasure::of(&c, EUR).unwrap();
        assert_eq!(m, LabelMeasure::PackWeight { grams: 7500 });
        assert_eq!((m.price(), m.net_weight_g()), (None, Some(7500)));
        assert_eq!(pack_price(eur(1399), SoldBy::Kilogram, Some(&m)), eur(10493));
        // The label layout says the item is weighed: priced by weight even
        // where the catalog did not say "kg".
        assert_eq!(pack_price(eur(1399), SoldBy::Unit, Some(&m)), eur(10493));
    }

    #[test]
    fn a_measure_travels_as_json_and_prices_the_same() {
        for c in [
            "(01)05449000039231(3103)000750(3922)1234",
            "2100100012342",
            "2500100075000",
        ] {
            let m = LabelMeasure::of(&code(c), EUR).unwrap();
            let json = serde_json::to_string(&m).unwrap();
            let back: LabelMeasure = serde_json::from_str(&json).unwrap();
            assert_eq!(back, m, "{json}");
            assert_eq!(
                pack_price(eur(1399), SoldBy::Kilogram, Some(&back)),
                pack_price(eur(1399), SoldBy::Kilogram, Some(&m))
            );
        }
        let json = serde_json::to_value(LabelMeasure::PackWeight { grams: 7500 }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "pack_weight", "grams": 7500}));
    }
}
