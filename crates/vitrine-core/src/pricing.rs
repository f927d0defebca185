//! The pricing and promotion engine: the one place a price is computed, used
//! by the kiosk and by HQ alike.
//!
//! # Rules
//! - Lines of the same product (same GTIN and unit price) are merged before
//!   pricing, so splitting or reordering lines never changes a total.
//!   Variable-measure labels (a weighed pack with its own price) stay separate.
//! - Line promotions (percentage off, amount off, N for the price of M, n-th
//!   item at X % off, fixed/member price) do **not** stack: each product gets
//!   the single eligible promotion that saves the shopper the most (ties go to
//!   the smallest promotion id, so the result is deterministic).
//! - N-for-M and n-th-item promotions count units of the same product.
//! - Then at most one basket promotion (percentage or amount off the basket,
//!   usually a coupon) applies, again the best one, on the total after line
//!   promotions. Its `min_spend` is checked against that total.
//! - A discount never exceeds what it applies to: no line and no total is
//!   ever negative.
//! - Rounding: see [`crate::money`] (nearest minor unit, halves away from zero,
//!   discounts rounded before they are subtracted).
//! - A promotion is eligible when `valid_from <= now < valid_until` (either
//!   bound optional), the store is listed (or none are), the audience matches
//!   (everyone; members of at least a tier; one customer) and, for a coupon,
//!   its code was scanned or is held by the identified customer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::gtin::Gtin;
use crate::money::{Currency, Money, percent_of};
use crate::product::UnixTime;

/// Loyalty tiers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Member,
    Silver,
    Gold,
}

impl Tier {
    pub fn parse(s: &str) -> Option<Tier> {
        match s.to_ascii_lowercase().as_str() {
            "member" | "membre" => Some(Tier::Member),
            "silver" | "argent" => Some(Tier::Silver),
            "gold" | "or" => Some(Tier::Gold),
            _ => None,
        }
    }
}

/// The identified shopper, as far as pricing needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerContext {
    pub customer_id: String,
    pub tier: Option<Tier>,
    /// Coupon codes the customer holds (applied without scanning).
    #[serde(default)]
    pub coupons: Vec<String>,
}

/// What a promotion does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum PromoKind {
    /// X % off each unit (basis points: 2000 = 20 %).
    PercentOff { basis_points: u32 },
    /// A fixed amount off each unit.
    AmountOff { amount_minor: i64 },
    /// Buy `buy`, pay `pay` (3 for the price of 2).
    BuyNPayM { buy: u32, pay: u32 },
    /// Every `nth` unit at X % off ("the 2nd at -50 %").
    NthPercentOff { nth: u32, basis_points: u32 },
    /// A unit price (member price when the audience is members).
    FixedPrice { amount_minor: i64 },
    /// X % off the basket.
    BasketPercentOff {
        basis_points: u32,
        #[serde(default)]
        min_spend_minor: i64,
    },
    /// A fixed amount off the basket.
    BasketAmountOff {
        amount_minor: i64,
        #[serde(default)]
        min_spend_minor: i64,
    },
}

impl PromoKind {
    /// Whether it discounts the basket rather than products.
    pub fn is_basket(&self) -> bool {
        matches!(
            self,
            PromoKind::BasketPercentOff { .. } | PromoKind::BasketAmountOff { .. }
        )
    }
}

/// What a promotion applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Target {
    Gtins(Vec<Gtin>),
    Category(String),
    Brand(String),
    /// Every product (and the basket, for basket promotions).
    All,
}

/// Who may have it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Audience {
    #[default]
    Everyone,
    Members {
        min_tier: Tier,
    },
    Customer {
        customer_id: String,
    },
}

/// A promotion of the referential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub id: String,
    pub kind: PromoKind,
    pub target: Target,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub valid_from: Option<UnixTime>,
    #[serde(default)]
    pub valid_until: Option<UnixTime>,
    /// Stores where it applies; empty means every store.
    #[serde(default)]
    pub stores: Vec<String>,
    /// When set, the promotion is a coupon: it needs this code scanned or held.
    #[serde(default)]
    pub coupon_code: Option<String>,
}

impl Promotion {
    /// Whether the promotion is in force at `now` in `store` (audience and
    /// coupon aside).
    pub fn is_active(&self, now: UnixTime, store: Option<&str>) -> bool {
        self.valid_from.is_none_or(|f| now >= f)
            && self.valid_until.is_none_or(|u| now < u)
            && (self.stores.is_empty() || store.is_some_and(|s| self.stores.iter().any(|x| x == s)))
    }

    fn audience_ok(&self, customer: Option<&CustomerContext>) -> bool {
        match &self.audience {
            Audience::Everyone => true,
            Audience::Members { min_tier } => customer.and_then(|c| c.tier).is_some_and(|t| t >= *min_tier),
            Audience::Customer { customer_id } => customer.is_some_and(|c| &c.customer_id == customer_id),
        }
    }

    fn coupon_ok(&self, customer: Option<&CustomerContext>, scanned: &[String]) -> bool {
        match &self.coupon_code {
            None => true,
            Some(code) => {
                scanned.iter().any(|s| s == code) || customer.is_some_and(|c| c.coupons.iter().any(|s| s == code))
            }
        }
    }

    /// Whether it applies to a product with this GTIN, category and brand.
    pub fn targets(&self, gtin: Gtin, category: Option<&str>, brand: Option<&str>) -> bool {
        match &self.target {
            Target::Gtins(g) => g.contains(&gtin),
            Target::Category(c) => category.is_some_and(|x| x.eq_ignore_ascii_case(c)),
            Target::Brand(b) => brand.is_some_and(|x| x.eq_ignore_ascii_case(b)),
            Target::All => true,
        }
    }
}

/// A line handed to the engine. The caller resolves the unit price (store
/// price, else national price) from the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    pub gtin: Gtin,
    pub quantity: u32,
    pub unit_price: Money,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    /// For a variable-measure label: the pack's price (embedded, or price per
    /// kg times the embedded weight). Such a line has quantity 1.
    #[serde(default)]
    pub measured_price: Option<Money>,
    /// What the pack's label says (its price or weight), which
    /// `measured_price` was computed from with [`crate::label::pack_price`]:
    /// it travels with the line to HQ, which prices it the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<crate::label::LabelMeasure>,
}

impl BasketLine {
    pub fn new(gtin: Gtin, quantity: u32, unit_price: Money) -> BasketLine {
        BasketLine {
            gtin,
            quantity,
            unit_price,
            category: None,
            brand: None,
            measured_price: None,
            measure: None,
        }
    }
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub gtin: Gtin,
    pub quantity: u32,
    pub unit_price: Money,
    pub gross: Money,
    pub discount: Money,
    pub net: Money,
    pub promotion_id: Option<String>,
    pub measured: bool,
}

/// A promotion that applied, with what it saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPromotion {
    pub promotion: Promotion,
    /// The products it applied to (empty for a basket promotion).
    pub gtins: Vec<Gtin>,
    /// Units it counted.
    pub units: u32,
    /// Units given free or discounted by N-for-M and n-th item promotions.
    pub discounted_units: u32,
    pub discount: Money,
}

/// A nudge: the shopper is one unit away from a promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoHint {
    pub gtin: Gtin,
    pub promotion_id: String,
    pub units_missing: u32,
    pub kind: PromoKind,
}

/// The result of pricing a basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedBasket {
    pub currency: Currency,
    pub lines: Vec<PricedLine>,
    pub applied: Vec<AppliedPromotion>,
    pub hints: Vec<PromoHint>,
    /// Sum of gross line amounts (before any promotion).
    pub subtotal: Money,
    /// Everything saved (line and basket promotions).
    pub discount_total: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PricingError {
    #[error("the basket mixes currencies ({0} and {1}); a basket is priced in one currency")]
    CurrencyMismatch(Currency, Currency),
    #[error("the basket's amount is too large to compute")]
    Overflow,
}

/// What the engine needs besides the lines.
#[derive(Debug, Clone, Copy)]
pub struct PricingContext<'a> {
    pub promotions: &'a [Promotion],
    pub customer: Option<&'a CustomerContext>,
    /// Coupon codes scanned during this session.
    pub scanned_coupons: &'a [String],
    pub now: UnixTime,
    pub store: Option<&'a str>,
}

struct Group<'a> {
    first: &'a BasketLine,
    quantity: u32,
    measured_price: Option<Money>,
}

/// Prices a basket. `currency` is used when the basket is empty.
pub fn price_basket(
    lines: &[BasketLine],
    ctx: &PricingContext<'_>,
    currency: Currency,
) -> Result<PricedBasket, PricingError> {
    let currency = lines.first().map(|l| l.unit_price.currency).unwrap_or(currency);
    for l in lines {
        if l.unit_price.currency != currency {
            return Err(PricingError::CurrencyMismatch(currency, l.unit_price.currency));
        }
        if let Some(m) = l.measured_price
            && m.currency != currency
        {
            return Err(PricingError::CurrencyMismatch(currency, m.currency));
        }
    }
    // Merge unit lines by (gtin, unit price), keeping first-appearance order.
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: BTreeMap<(Gtin, i64), usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.quantity > 0) {
        if l.measured_price.is_some() {
            groups.push(Group {
                first: l,
                quantity: 1,
                measured_price: l.measured_price,
            });
            continue;
        }
        let key = (l.gtin, l.unit_price.amount_minor);
        match index.get(&key) {
            Some(&i) => {
                groups[i].quantity = groups[i]
                    .quantity
                    .checked_add(l.quantity)
                    .ok_or(PricingError::Overflow)?
            }
            None => {
                index.insert(key, groups.len());
                groups.push(Group {
                    first: l,
                    quantity: l.quantity,
                    measured_price: None,
                });
            }
        }
    }

    let eligible: Vec<&Promotion> = ctx
        .promotions
        .iter()
        .filter(|p| {
            p.is_active(ctx.now, ctx.store)
                && p.audience_ok(ctx.customer)
                && p.coupon_ok(ctx.customer, ctx.scanned_coupons)
        })
        .collect();

    let mut priced = Vec::with_capacity(groups.len());
    let mut applied: Vec<AppliedPromotion> = Vec::new();
    let mut hints = Vec::new();
    let mut subtotal: i64 = 0;
    let mut line_discounts: i64 = 0;
    for g in &groups {
        let l = g.first;
        let gross = match g.measured_price {
            Some(m) => m.amount_minor,
            None => l
                .unit_price
                .amount_minor
                .checked_mul(i64::from(g.quantity))
                .ok_or(PricingError::Overflow)?,
        };
        let mut best: Option<(i64, u32, &Promotion)> = None;
        for p in eligible.iter().filter(|p| !p.kind.is_basket()) {
            if !p.targets(l.gtin, l.category.as_deref(), l.brand.as_deref()) {
                continue;
            }
            let Some((d, units)) = line_discount(
                &p.kind,
                l.unit_price.amount_minor,
                g.quantity,
                gross,
                g.measured_price.is_some(),
            ) else {
                continue;
            };
            if g.measured_price.is_none()
                && let Some(missing) = units_missing(&p.kind, g.quantity)
            {
                hints.push(PromoHint {
                    gtin: l.gtin,
                    promotion_id: p.id.clone(),
                    units_missing: missing,
                    kind: p.kind.clone(),
                });
            }
            let d = d.clamp(0, gross.max(0));
            if d > 0 && best.is_none_or(|(bd, _, bp)| d > bd || (d == bd && p.id < bp.id)) {
                best = Some((d, units, p));
            }
        }
        let (discount, promo_id) = match best {
            Some((d, units, p)) => {
                match applied.iter_mut().find(|a| a.promotion.id == p.id) {
                    Some(a) => {
                        a.gtins.push(l.gtin);
                        a.units += g.quantity;
                        a.discounted_units += units;
                        a.discount.amount_minor += d;
                    }
                    None => applied.push(AppliedPromotion {
                        promotion: p.clone(),
                        gtins: vec![l.gtin],
                        units: g.quantity,
                        discounted_units: units,
                        discount: Money::new(d, currency),
                    }),
                }
                (d, Some(p.id.clone()))
            }
            None => (0, None),
        };
        subtotal = subtotal.checked_add(gross).ok_or(PricingError::Overflow)?;
        line_discounts += discount;
        priced.push(PricedLine {
            gtin: l.gtin,
            quantity: g.quantity,
            unit_price: l.unit_price,
            gross: Money::new(gross, currency),
            discount: Money::new(discount, currency),
            net: Money::new(gross - discount, currency),
            promotion_id: promo_id,
            measured: g.measured_price.is_some(),
        });
    }
    // Hints only for promotions that did not already apply to that product.
    hints.retain(|h: &PromoHint| {
        !priced
            .iter()
            .any(|l| l.gtin == h.gtin && l.promotion_id.as_deref() == Some(&h.promotion_id))
    });

    let after_lines = subtotal - line_discounts;
    let mut basket_best: Option<(i64, &Promotion)> = None;
    if after_lines > 0 {
        for p in eligible
            .iter()
            .filter(|p| p.kind.is_basket() && p.target == Target::All)
        {
            let d = match p.kind {
                PromoKind::BasketPercentOff {
                    basis_points,
                    min_spend_minor,
                } if after_lines >= min_spend_minor => percent_of(after_lines, basis_points),
                PromoKind::BasketAmountOff {
                    amount_minor,
                    min_spend_minor,
                } if after_lines >= min_spend_minor => amount_minor,
                _ => continue,
            }
            .clamp(0, after_lines);
            if d > 0 && basket_best.is_none_or(|(bd, bp)| d > bd || (d == bd && p.id < bp.id)) {
                basket_best = Some((d, p));
            }
        }
    }
    let basket_discount = basket_best.map(|(d, _)| d).unwrap_or(0);
    if let Some((d, p)) = basket_best {
        applied.push(AppliedPromotion {
            promotion: p.clone(),
            gtins: Vec::new(),
            units: priced.iter().map(|l| l.quantity).sum(),
            discounted_units: 0,
            discount: Money::new(d, currency),
        });
    }
    let discount_total = line_discounts + basket_discount;
    Ok(PricedBasket {
        currency,
        lines: priced,
        applied,
        hints,
        subtotal: Money::new(subtotal, currency),
        discount_total: Money::new(discount_total, currency),
        total: Money::new(subtotal - discount_total, currency),
    })
}

/// The discount of a line promotion on one product: (amount, discounted units).
fn line_discount(kind: &PromoKind, unit: i64, qty: u32, gross: i64, measured: bool) -> Option<(i64, u32)> {
    let q = i64::from(qty);
    match *kind {
        PromoKind::PercentOff { basis_points } => {
            if measured {
                Some((percent_of(gross, basis_points), 0))
            } else {
                Some((percent_of(unit, basis_points).checked_mul(q)?, 0))
            }
        }
        PromoKind::AmountOff { amount_minor } => Some((amount_minor.min(unit.max(0)).checked_mul(q)?, 0)),
        PromoKind::BuyNPayM { buy, pay } if !measured && buy > pay && buy > 0 => {
            let free = (qty / buy) * (buy - pay);
            Some((unit.checked_mul(i64::from(free))?, free))
        }
        PromoKind::NthPercentOff { nth, basis_points } if !measured && nth > 0 => {
            let n = qty / nth;
            Some((percent_of(unit, basis_points).checked_mul(i64::from(n))?, n))
        }
        PromoKind::FixedPrice { amount_minor } if !measured => Some(((unit - amount_minor).max(0).checked_mul(q)?, 0)),
        _ => None,
    }
}

fn units_missing(kind: &PromoKind, qty: u32) -> Option<u32> {
    let every = match *kind {
        PromoKind::BuyNPayM { buy, pay } if buy > pay => buy,
        PromoKind::NthPercentOff { nth, .. } if nth > 1 => nth,
        _ => return None,
    };
    let rem = qty % every;
    // Only nudge when one unit is missing: a kiosk should not push shoppers hard.
    (rem == every - 1).then_some(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(n: u64) -> Gtin {
        Gtin::from_body(&format!("{:013}", n + 3_000_000_000_000)).unwrap()
    }

    fn promo(id: &str, kind: PromoKind, target: Target) -> Promotion {
        Promotion {
            id: id.into(),
            kind,
            target,
            audience: Audience::Everyone,
            valid_from: None,
            valid_until: None,
            stores: vec![],
            coupon_code: None,
        }
    }

    fn ctx<'a>(promos: &'a [Promotion], customer: Option<&'a CustomerContext>) -> PricingContext<'a> {
        PricingContext {
            promotions: promos,
            customer,
            scanned_coupons: &[],
            now: 1_000,
            store: Some("paris-01"),
        }
    }

    #[test]
    fn three_for_two() {
        let p = [promo(
            "p1",
            PromoKind::BuyNPayM { buy: 3, pay: 2 },
            Target::Gtins(vec![g(1)]),
        )];
        let lines = [BasketLine::new(g(1), 3, Money::eur(349))];
        let b = price_basket(&lines, &ctx(&p, None), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 698);
        assert_eq!(b.applied.len(), 1);
        // two units: hint, no discount
        let lines = [BasketLine::new(g(1), 2, Money::eur(349))];
        let b = price_basket(&lines, &ctx(&p, None), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 698);
        assert_eq!(b.hints.len(), 1);
    }

    #[test]
    fn second_at_half_price_and_best_of_two() {
        let p = [
            promo(
                "a",
                PromoKind::NthPercentOff {
                    nth: 2,
                    basis_points: 5000,
                },
                Target::Gtins(vec![g(1)]),
            ),
            promo("b", PromoKind::PercentOff { basis_points: 1000 }, Target::All),
        ];
        let lines = [BasketLine::new(g(1), 2, Money::eur(300))];
        let b = price_basket(&lines, &ctx(&p, None), Currency::EUR).unwrap();
        // 50 % of one unit = 150 beats 10 % of two = 60.
        assert_eq!(b.total.amount_minor, 450);
        assert_eq!(b.lines[0].promotion_id.as_deref(), Some("a"));
    }

    #[test]
    fn member_price_needs_tier_and_validity_window() {
        let mut p = promo(
            "m",
            PromoKind::FixedPrice { amount_minor: 299 },
            Target::Gtins(vec![g(1)]),
        );
        p.audience = Audience::Members { min_tier: Tier::Silver };
        p.valid_from = Some(500);
        p.valid_until = Some(2_000);
        let ps = [p];
        let lines = [BasketLine::new(g(1), 2, Money::eur(349))];
        let none = price_basket(&lines, &ctx(&ps, None), Currency::EUR).unwrap();
        assert_eq!(none.total.amount_minor, 698);
        let member = CustomerContext {
            customer_id: "c1".into(),
            tier: Some(Tier::Member),
            coupons: vec![],
        };
        let b = price_basket(&lines, &ctx(&ps, Some(&member)), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 698, "tier too low");
        let gold = CustomerContext {
            tier: Some(Tier::Gold),
            ..member
        };
        let b = price_basket(&lines, &ctx(&ps, Some(&gold)), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 598);
        let mut late = ctx(&ps, Some(&gold));
        late.now = 2_000;
        assert_eq!(
            price_basket(&lines, &late, Currency::EUR).unwrap().total.amount_minor,
            698
        );
    }

    #[test]
    fn personal_coupon_on_basket_applies_once_and_only_for_its_customer() {
        let mut c = promo(
            "cp",
            PromoKind::BasketPercentOff {
                basis_points: 1000,
                min_spend_minor: 0,
            },
            Target::All,
        );
        c.audience = Audience::Customer {
            customer_id: "c1".into(),
        };
        c.coupon_code = Some("VTC-1".into());
        let ps = [c];
        let lines = [
            BasketLine::new(g(1), 1, Money::eur(1000)),
            BasketLine::new(g(2), 1, Money::eur(505)),
        ];
        let holder = CustomerContext {
            customer_id: "c1".into(),
            tier: None,
            coupons: vec!["VTC-1".into()],
        };
        let b = price_basket(&lines, &ctx(&ps, Some(&holder)), Currency::EUR).unwrap();
        assert_eq!(b.discount_total.amount_minor, 151); // 150.5 rounded half away
        assert_eq!(b.total.amount_minor, 1354);
        let other = CustomerContext {
            customer_id: "c2".into(),
            ..holder.clone()
        };
        assert_eq!(
            price_basket(&lines, &ctx(&ps, Some(&other)), Currency::EUR)
                .unwrap()
                .discount_total
                .amount_minor,
            0
        );
        let without = CustomerContext {
            coupons: vec![],
            ..holder
        };
        let mut cx = ctx(&ps, Some(&without));
        assert_eq!(
            price_basket(&lines, &cx, Currency::EUR)
                .unwrap()
                .discount_total
                .amount_minor,
            0
        );
        let scanned = ["VTC-1".to_string()];
        cx.scanned_coupons = &scanned;
        assert_eq!(
            price_basket(&lines, &cx, Currency::EUR)
                .unwrap()
                .discount_total
                .amount_minor,
            151
        );
    }

    #[test]
    fn amount_off_never_below_zero_and_min_spend() {
        let p = [
            promo(
                "x",
                PromoKind::AmountOff { amount_minor: 500 },
                Target::Gtins(vec![g(1)]),
            ),
            promo(
                "y",
                PromoKind::BasketAmountOff {
                    amount_minor: 1000,
                    min_spend_minor: 2000,
                },
                Target::All,
            ),
        ];
        let lines = [BasketLine::new(g(1), 2, Money::eur(300))];
        let b = price_basket(&lines, &ctx(&p, None), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 0);
        let lines = [BasketLine::new(g(2), 7, Money::eur(300))];
        let b = price_basket(&lines, &ctx(&p, None), Currency::EUR).unwrap();
        assert_eq!(b.total.amount_minor, 1100);
    }

    #[test]
    fn stores_and_categories() {
        let mut p = promo(
            "s",
            PromoKind::PercentOff { basis_points: 2000 },
            Target::Category("Books".into()),
        );
        p.stores = vec!["lyon-02".into()];
        let ps = [p];
        let mut l = BasketLine::new(g(1), 1, Money::eur(1000));
        l.category = Some("books".into());
        let lines = [l];
        assert_eq!(
            price_basket(&lines, &ctx(&ps, None), Currency::EUR)
                .unwrap()
                .total
                .amount_minor,
            1000
        );
        let mut c = ctx(&ps, None);
        c.store = Some("lyon-02");
        assert_eq!(price_basket(&lines, &c, Currency::EUR).unwrap().total.amount_minor, 800);
    }

    #[test]
    fn measured_lines_stay_apart() {
        let p = [promo(
            "pc",
            PromoKind::PercentOff { basis_points: 1000 },
            Target::Gtins(vec![g(1)]),
        )];
        let mut a = BasketLine::new(g(1), 1, Money::eur(1299));
        a.measured_price = Some(Money::eur(974));
        let mut b = a.clone();
        b.measured_price = Some(Money::eur(500));
        let r = price_basket(&[a, b], &ctx(&p, None), Currency::EUR).unwrap();
        assert_eq!(r.lines.len(), 2);
        assert_eq!(r.subtotal.amount_minor, 1474);
        assert_eq!(r.discount_total.amount_minor, 97 + 50);
    }

    #[test]
    fn currency_mismatch_is_an_error() {
        let usd = Currency::from_code("USD").unwrap();
        let lines = [
            BasketLine::new(g(1), 1, Money::eur(1)),
            BasketLine::new(g(2), 1, Money::new(1, usd)),
        ];
        assert!(price_basket(&lines, &ctx(&[], None), Currency::EUR).is_err());
    }

    fn arb_promos() -> impl Strategy<Value = Vec<Promotion>> {
        let kind = prop_oneof![
            (1u32..=10_000).prop_map(|bp| PromoKind::PercentOff { basis_points: bp }),
            (1i64..=5_000).prop_map(|a| PromoKind::AmountOff { amount_minor: a }),
            (2u32..=5, 1u32..=4).prop_map(|(b, p)| PromoKind::BuyNPayM {
                buy: b,
                pay: p.min(b - 1)
            }),
            (1u32..=4, 1u32..=10_000).prop_map(|(n, bp)| PromoKind::NthPercentOff {
                nth: n,
                basis_points: bp
            }),
            (0i64..=5_000).prop_map(|a| PromoKind::FixedPrice { amount_minor: a }),
            (1u32..=10_000, 0i64..=10_000).prop_map(|(bp, m)| PromoKind::BasketPercentOff {
                basis_points: bp,
                min_spend_minor: m
            }),
            (1i64..=100_000, 0i64..=10_000).prop_map(|(a, m)| PromoKind::BasketAmountOff {
                amount_minor: a,
                min_spend_minor: m
            }),
        ];
        let target = prop_oneof![
            (0u64..6).prop_map(|n| Target::Gtins(vec![g(n)])),
            // The weighed items.
            (100u64..102).prop_map(|n| Target::Gtins(vec![g(n)])),
            Just(Target::All),
        ];
        let audience = prop_oneof![
            Just(Audience::Everyone),
            arb_tier().prop_map(|t| Audience::Members { min_tier: t }),
            (0u8..3).prop_map(|n| Audience::Customer {
                customer_id: format!("c{n}")
            }),
        ];
        // Either bound may be missing; `now` is drawn from the same range, so
        // promotions are before, in and after their window.
        let window = (proptest::option::of(0i64..2_000), proptest::option::of(0i64..2_000));
        let coupon = proptest::option::of(prop_oneof![Just("A"), Just("B"), Just("C")]);
        let stores = prop_oneof![
            Just(Vec::<String>::new()),
            Just(vec!["paris-01".to_string()]),
            Just(vec!["lyon-02".to_string()]),
        ];
        proptest::collection::vec((kind, target, audience, window, coupon, stores), 0..6).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (k, t, audience, (from, until), coupon, stores))| Promotion {
                    audience,
                    valid_from: from,
                    valid_until: until,
                    coupon_code: coupon.map(String::from),
                    stores,
                    ..promo(&format!("p{i}"), k, t)
                })
                .collect()
        })
    }

    fn arb_tier() -> impl Strategy<Value = Tier> {
        prop_oneof![Just(Tier::Member), Just(Tier::Silver), Just(Tier::Gold)]
    }

    /// No customer, or one of four customers (three can be targeted), with
    /// or without a tier, holding some of the coupon codes.
    fn arb_customer() -> impl Strategy<Value = Option<CustomerContext>> {
        proptest::option::of((
            0u8..4,
            proptest::option::of(arb_tier()),
            proptest::sample::subsequence(vec!["A", "B", "C"], 0..=3),
        ))
        .prop_map(|c| {
            c.map(|(n, tier, coupons)| CustomerContext {
                customer_id: format!("c{n}"),
                tier,
                coupons: coupons.into_iter().map(String::from).collect(),
            })
        })
    }

    /// Everything a basket is priced in besides its lines and promotions:
    /// the customer, the coupons scanned, the time and the store.
    #[derive(Debug, Clone)]
    struct Situation {
        customer: Option<CustomerContext>,
        scanned: Vec<String>,
        now: UnixTime,
        store: Option<&'static str>,
    }

    fn arb_situation() -> impl Strategy<Value = Situation> {
        (
            arb_customer(),
            proptest::sample::subsequence(vec!["A", "B", "C"], 0..=3),
            0i64..2_000,
            prop_oneof![Just(None), Just(Some("paris-01")), Just(Some("lyon-02"))],
        )
            .prop_map(|(customer, scanned, now, store)| Situation {
                customer,
                scanned: scanned.into_iter().map(String::from).collect(),
                now,
                store,
            })
    }

    fn ctx_in<'a>(promos: &'a [Promotion], s: &'a Situation) -> PricingContext<'a> {
        PricingContext {
            promotions: promos,
            customer: s.customer.as_ref(),
            scanned_coupons: &s.scanned,
            now: s.now,
            store: s.store,
        }
    }

    /// Unit lines (one price per product, as the catalog gives) and weighed
    /// lines (a variable-measure pack: quantity 1, its own price).
    fn arb_lines() -> impl Strategy<Value = Vec<BasketLine>> {
        let unit = (0u64..6, 0u32..8).prop_map(|(n, q)| BasketLine::new(g(n), q, Money::eur(100 + n as i64 * 37)));
        let weighed = (100u64..102, 1u32..20_000).prop_map(|(n, grams)| {
            let per_kg = 999 + (n as i64 - 100) * 1_400;
            let mut l = BasketLine::new(g(n), 1, Money::eur(per_kg));
            l.measured_price = Some(Money::eur(crate::money::price_for_weight(per_kg, grams)));
            l
        });
        proptest::collection::vec(prop_oneof![3 => unit, 1 => weighed], 0..10)
    }

    /// What the lines cost without any promotion.
    fn gross(lines: &[BasketLine]) -> i64 {
        lines
            .iter()
            .filter(|l| l.quantity > 0)
            .map(|l| match l.measured_price {
                Some(m) => m.amount_minor,
                None => l.unit_price.amount_minor * i64::from(l.quantity),
            })
            .sum()
    }

    proptest! {
        #[test]
        fn total_never_negative(
            lines in arb_lines(),
            promos in arb_promos(),
            sit in arb_situation(),
        ) {
            let b = price_basket(&lines, &ctx_in(&promos, &sit), Currency::EUR).unwrap();
            prop_assert!(b.total.amount_minor >= 0);
            for l in &b.lines {
                prop_assert!(l.net.amount_minor >= 0);
            }
            prop_assert_eq!(b.subtotal.amount_minor, gross(&lines));
            prop_assert_eq!(b.total.amount_minor, b.subtotal.amount_minor - b.discount_total.amount_minor);
            // Whatever applied was in force for this shopper, here and now.
            for a in &b.applied {
                let p = &a.promotion;
                prop_assert!(p.is_active(sit.now, sit.store), "{} outside its window or store", p.id);
                prop_assert!(p.audience_ok(sit.customer.as_ref()), "{} for another audience", p.id);
                prop_assert!(p.coupon_ok(sit.customer.as_ref(), &sit.scanned), "{} without its coupon", p.id);
            }
        }

        #[test]
        fn no_promotion_means_sum_of_unit_prices(lines in arb_lines(), sit in arb_situation()) {
            let b = price_basket(&lines, &ctx_in(&[], &sit), Currency::EUR).unwrap();
            prop_assert_eq!(b.total.amount_minor, gross(&lines));
            prop_assert_eq!(b.discount_total.amount_minor, 0);
        }

        #[test]
        fn line_order_does_not_change_totals(
            lines in arb_lines(),
            promos in arb_promos(),
            sit in arb_situation(),
            seed in any::<u64>(),
        ) {
            let a = price_basket(&lines, &ctx_in(&promos, &sit), Currency::EUR).unwrap();
            let mut shuffled = lines.clone();
            // Deterministic Fisher-Yates from the seed.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let b = price_basket(&shuffled, &ctx_in(&promos, &sit), Currency::EUR).unwrap();
            prop_assert_eq!(a.total, b.total);
            prop_assert_eq!(a.discount_total, b.discount_total);
            prop_assert_eq!(a.subtotal, b.subtotal);
        }
    }
}
