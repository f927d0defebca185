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
//!
//! # Which labels are trusted ([`check_label`])
//! Anyone can print a barcode. A price read from a label is charged only
//! where GS1 says a label carries the price: on a variable-measure trade
//! item. Vitrine knows an item is one when its catalog sells it by the
//! kilogram, when its GTIN-14 has the indicator digit 9 (GS1's
//! variable-measure GTIN), or when its GTIN is a restricted-circulation
//! number (EAN-13 prefixes 02 and 20–29), the ranges a retailer allocates
//! to its own weighed and priced packs (and from which the
//! [`VariableMeasureRules`](crate::code::VariableMeasureRules) are
//! configured). Refused ([`LabelRefusal`]), never priced:
//! - a GS1 label price (AI 392n/393n) on any other item, a fixed-price
//!   item: its price is the catalog's;
//! - an in-store label's price or weight on a GTIN outside those ranges
//!   (not the retailer's own label).
//!
//! The kiosk refuses such a scan with a message, and HQ re-checks every
//! basket and order line that carries a measure with this same rule
//! (through [`pack_price`]) before accepting it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::code::{Embedded, ProductCode};
use crate::gtin::Gtin;
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

/// Why a label's measure may not price its item. The words a person reads
/// come from the message catalogue (`vitrine_i18n::gs1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LabelRefusal {
    /// A GS1 label price (AI 392n/393n) on an item that is not a
    /// variable-measure trade item.
    #[error("a price printed on the label of a fixed-price item is not charged: the item's price is the catalog's")]
    PriceOnFixedPriceItem,
    /// An in-store variable-measure label (price or weight embedded in the
    /// EAN-13) on a GTIN outside the restricted-circulation ranges.
    #[error("an in-store price or weight label must carry a store number (prefix 02 or 20 to 29)")]
    NotAStoreNumber,
}

/// Whether `item` is a variable-measure trade item as far as Vitrine can
/// tell: sold by the kilogram in the catalog, a GTIN-14 with indicator
/// digit 9, or a restricted-circulation number (see the module docs).
pub fn is_variable_measure(item: Gtin, sold_by: SoldBy) -> bool {
    sold_by == SoldBy::Kilogram || item.as_gtin14().starts_with('9') || item.is_restricted_circulation()
}

/// The rule of the module docs: may `label` price `item`, which the
/// catalog sells `sold_by`? The kiosk asks before showing or adding a
/// scanned pack, HQ before accepting a basket or order line.
pub fn check_label(item: Gtin, sold_by: SoldBy, label: &LabelMeasure) -> Result<(), LabelRefusal> {
    match label {
        LabelMeasure::PackPrice { .. } | LabelMeasure::PackWeight { .. } if !item.is_restricted_circulation() => {
            Err(LabelRefusal::NotAStoreNumber)
        }
        LabelMeasure::Gs1 { price: Some(_), .. } if !is_variable_measure(item, sold_by) => {
            Err(LabelRefusal::PriceOnFixedPriceItem)
        }
        _ => Ok(()),
    }
}

/// The price the shopper pays for one pack of `item`: the catalog's
/// `unit_price` (per kilogram for an item `sold_by` the kilogram) and what
/// its label says, by the rules in the [module documentation](self). A
/// label the rules do not trust is refused ([`check_label`]), whether or
/// not the item has a price.
pub fn pack_price(
    item: Gtin,
    unit_price: Option<Money>,
    sold_by: SoldBy,
    label: Option<&LabelMeasure>,
) -> Result<Option<Money>, LabelRefusal> {
    if let Some(l) = label {
        check_label(item, sold_by, l)?;
    }
    let Some(unit) = unit_price else {
        return Ok(None);
    };
    let by_weight = |grams: u32| Money::new(price_for_weight(unit.amount_minor, grams), unit.currency);
    let priced = match label {
        None => None,
        Some(LabelMeasure::PackPrice { price }) => Some(*price).filter(|p| p.currency == unit.currency),
        Some(LabelMeasure::PackWeight { grams }) => Some(by_weight(*grams)),
        Some(LabelMeasure::Gs1 { price, net_weight_g }) => price
            .filter(|p| p.currency == unit.currency)
            .or_else(|| net_weight_g.filter(|_| sold_by == SoldBy::Kilogram).map(by_weight)),
    };
    Ok(Some(priced.unwrap_or(unit)))
}

/// [`pack_price`] of a scanned code: its label read in the catalog price's
/// currency (the store's), `store_currency` when the item has no price.
pub fn code_price(
    unit_price: Option<Money>,
    sold_by: SoldBy,
    code: &ProductCode,
    store_currency: crate::money::Currency,
) -> Result<Option<Money>, LabelRefusal> {
    let currency = unit_price.map(|u| u.currency).unwrap_or(store_currency);
    let label = LabelMeasure::of(code, currency);
    pack_price(code.gtin, unit_price, sold_by, label.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{CodeContext, VariableMeasureRules, parse_product_code_with};
    use crate::gs1::Gs1Date;

    fn code(s: &str) -> ProductCode {
        let rules = VariableMeasureRules::default();
        let today = Gs1Date {
            year: 2026,
            month: 12,
            day: 3,
        };
        parse_product_code_with(s, None, &CodeContext::new(&rules, today)).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    const EUR: Currency = Currency::EUR;
    fn eur(minor: i64) -> Option<Money> {
        Some(Money::eur(minor))
    }
    fn price(unit: Option<Money>, sold_by: SoldBy, c: &str) -> Result<Option<Money>, LabelRefusal> {
        code_price(unit, sold_by, &code(c), EUR)
    }
    /// A weighed item of the retailer's own range (restricted circulation).
    const WEIGHED: &str = "(01)02500100000002";

    #[test]
    fn a_plain_code_costs_the_catalog_price() {
        let c = code("5449000039231");
        assert_eq!(LabelMeasure::of(&c, EUR), None);
        assert_eq!(pack_price(c.gtin, eur(309), SoldBy::Unit, None), Ok(eur(309)));
        assert_eq!(price(eur(309), SoldBy::Unit, "5449000039231"), Ok(eur(309)));
        // A GS1 code with only a lot and an expiry says nothing about the pack.
        let lot = "(01)05449000039231(10)LOT(17)261231";
        assert_eq!(LabelMeasure::of(&code(lot), EUR), None);
        assert_eq!(price(eur(309), SoldBy::Unit, lot), Ok(eur(309)));
    }

    #[test]
    fn no_catalog_price_no_price_whatever_the_label_says() {
        for (c, sold_by) in [
            ("5449000039231", SoldBy::Unit),
            ("(01)02500100000002(3103)000750(3922)1234", SoldBy::Unit),
            ("2100100012342", SoldBy::Unit),
            ("2500100075000", SoldBy::Kilogram),
        ] {
            let parsed = code(c);
            assert_eq!(code_price(None, sold_by, &parsed, EUR), Ok(None), "{c}");
            let m = LabelMeasure::of(&parsed, EUR);
            assert_eq!(pack_price(parsed.gtin, None, sold_by, m.as_ref()), Ok(None), "{c}");
        }
    }

    #[test]
    fn a_gs1_label_price_is_the_price_of_a_variable_measure_pack() {
        let c = code(&format!("{WEIGHED}(3103)000750(3922)1234"));
        let m = LabelMeasure::of(&c, EUR).unwrap();
        assert_eq!(
            m,
            LabelMeasure::Gs1 {
                price: eur(1234),
                net_weight_g: Some(750)
            }
        );
        assert_eq!((m.price(), m.net_weight_g()), (eur(1234), Some(750)));
        // The label's price wins over the weight.
        assert_eq!(pack_price(c.gtin, eur(1399), SoldBy::Kilogram, Some(&m)), Ok(eur(1234)));
        // 393n naming the store's own currency (978, EUR) is charged too.
        assert_eq!(
            price(
                eur(1399),
                SoldBy::Kilogram,
                &format!("{WEIGHED}(3103)000750(3933)9781234")
            ),
            Ok(eur(123))
        );
        // An item the catalog sells by the kg is a variable-measure item,
        // whatever its GTIN; so is a GTIN-14 with indicator digit 9.
        assert_eq!(
            price(eur(1399), SoldBy::Kilogram, "(01)05449000039231(3103)000750(3922)1234"),
            Ok(eur(1234))
        );
        assert_eq!(
            price(eur(309), SoldBy::Unit, "(01)95449000039234(3103)000750(3922)1234"),
            Ok(eur(1234))
        );
    }

    #[test]
    fn a_label_price_on_a_fixed_price_item_is_refused_never_charged() {
        // Issue 19: a printed price beside a weight on a can sold by the unit.
        let forged = "(01)05449000039231(3103)000330(3922)0001";
        assert_eq!(
            price(eur(309), SoldBy::Unit, forged),
            Err(LabelRefusal::PriceOnFixedPriceItem)
        );
        let m = LabelMeasure::of(&code(forged), EUR).unwrap();
        let can = code("5449000039231").gtin;
        assert_eq!(
            check_label(can, SoldBy::Unit, &m),
            Err(LabelRefusal::PriceOnFixedPriceItem)
        );
        // The same measure as HQ receives it in a basket line.
        let sent = LabelMeasure::Gs1 {
            price: eur(1),
            net_weight_g: None,
        };
        assert_eq!(
            pack_price(can, eur(309), SoldBy::Unit, Some(&sent)),
            Err(LabelRefusal::PriceOnFixedPriceItem)
        );
        // In another currency too: a fixed-price item takes no label price.
        assert_eq!(
            price(eur(309), SoldBy::Unit, "(01)05449000039231(3103)000330(3932)8401234"),
            Err(LabelRefusal::PriceOnFixedPriceItem)
        );
        // An in-store label layout on an ordinary GTIN is not the store's.
        for m in [
            LabelMeasure::PackPrice { price: Money::eur(1) },
            LabelMeasure::PackWeight { grams: 1 },
        ] {
            assert_eq!(
                pack_price(can, eur(309), SoldBy::Kilogram, Some(&m)),
                Err(LabelRefusal::NotAStoreNumber)
            );
        }
    }

    #[test]
    fn a_label_price_in_another_currency_is_shown_not_charged() {
        let c = code(&format!("{WEIGHED}(3103)001500(3932)8401234"));
        let m = LabelMeasure::of(&c, EUR).unwrap();
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(m.price(), Some(Money::new(1234, usd)));
        // Sold by the kg: priced by the weight instead (1.5 kg at 13.99).
        assert_eq!(pack_price(c.gtin, eur(1399), SoldBy::Kilogram, Some(&m)), Ok(eur(2099)));
        assert_eq!(pack_price(c.gtin, eur(309), SoldBy::Unit, Some(&m)), Ok(eur(309)));
        // An ISO code Vitrine does not know: no label price at all.
        let c = code(&format!("{WEIGHED}(3103)001500(3932)9991234"));
        assert_eq!(LabelMeasure::of(&c, EUR).unwrap().price(), None);
    }

    #[test]
    fn a_gs1_weight_prices_an_item_sold_by_the_kg_and_only_that() {
        // 1.500 kg at 13.99 per kg: 20.985, rounded half away from zero.
        let c = format!("{WEIGHED}(3103)001500");
        assert_eq!(price(eur(1399), SoldBy::Kilogram, &c), Ok(eur(2099)));
        // On an item sold by the unit the weight is information only.
        assert_eq!(price(eur(309), SoldBy::Unit, &c), Ok(eur(309)));
        assert_eq!(
            price(eur(309), SoldBy::Unit, "(01)05449000039231(3103)000330"),
            Ok(eur(309))
        );
        assert_eq!(LabelMeasure::of(&code(&c), EUR).unwrap().net_weight_g(), Some(1500));
        // Pounds (320n): 2.00 lb is 907 g.
        let c = format!("{WEIGHED}(3202)000200");
        assert_eq!(LabelMeasure::of(&code(&c), EUR).unwrap().net_weight_g(), Some(907));
        assert_eq!(price(eur(1000), SoldBy::Kilogram, &c), Ok(eur(907)));
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
        assert_eq!(pack_price(c.gtin, eur(999), SoldBy::Unit, Some(&m)), Ok(eur(1234)));
        // Read in another currency than the catalog's, it is not charged.
        let chf = Currency::from_code("CHF").unwrap();
        let other = LabelMeasure::of(&c, chf).unwrap();
        assert_eq!(pack_price(c.gtin, eur(999), SoldBy::Unit, Some(&other)), Ok(eur(999)));
        // 25 00100 07500 0: 7.500 kg at 13.99 per kg is 104.925 -> 104.93.
        let c = code("2500100075000");
        let m = LabelMeasure::of(&c, EUR).unwrap();
        assert_eq!(m, LabelMeasure::PackWeight { grams: 7500 });
        assert_eq!((m.price(), m.net_weight_g()), (None, Some(7500)));
        assert_eq!(
            pack_price(c.gtin, eur(1399), SoldBy::Kilogram, Some(&m)),
            Ok(eur(10493))
        );
        // The label layout says the item is weighed: priced by weight even
        // where the catalog did not say "kg".
        assert_eq!(pack_price(c.gtin, eur(1399), SoldBy::Unit, Some(&m)), Ok(eur(10493)));
    }

    #[test]
    fn a_measure_travels_as_json_and_prices_the_same() {
        for c in [
            "(01)02500100000002(3103)000750(3922)1234",
            "2100100012342",
            "2500100075000",
        ] {
            let parsed = code(c);
            let m = LabelMeasure::of(&parsed, EUR).unwrap();
            let json = serde_json::to_string(&m).unwrap();
            let back: LabelMeasure = serde_json::from_str(&json).unwrap();
            assert_eq!(back, m, "{json}");
            assert_eq!(
                pack_price(parsed.gtin, eur(1399), SoldBy::Kilogram, Some(&back)),
                pack_price(parsed.gtin, eur(1399), SoldBy::Kilogram, Some(&m))
            );
        }
        let json = serde_json::to_value(LabelMeasure::PackWeight { grams: 7500 }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "pack_weight", "grams": 7500}));
    }
}
