//! The words for `vitrine-core`'s types. The domain returns typed values
//! (a promotion, a stock level, why a token was refused); the kiosk, the
//! command line and HQ's pages and emails all describe them here, so a
//! promotion reads the same on the kiosk, the phone page and in an email.
//! Messages: `locales/<lang>/domain.ftl`.

use vitrine_core::loyalty::TokenError;
use vitrine_core::money::percent_of;
use vitrine_core::pricing::{AppliedPromotion, Audience, PromoHint, PromoKind, Promotion, Tier};
use vitrine_core::product::StockLevel;
use vitrine_core::wire::OrderStatus;
use vitrine_core::{Currency, Money};

use crate::{Arg, Text, text};

/// "Gold", "Or", "Gold".
pub fn tier(t: Tier) -> Text {
    match t {
        Tier::Member => text!("tier-member"),
        Tier::Silver => text!("tier-silver"),
        Tier::Gold => text!("tier-gold"),
    }
}

/// "In stock", "Low stock", "Out of stock".
pub fn stock_level(l: StockLevel) -> Text {
    match l {
        StockLevel::InStock => text!("stock-in"),
        StockLevel::Low => text!("stock-low"),
        StockLevel::Out => text!("stock-out"),
    }
}

/// A click&collect order's status for its customer and the store's staff.
pub fn order_status(s: OrderStatus) -> Text {
    match s {
        OrderStatus::Received => text!("order-status-received"),
        OrderStatus::Preparing => text!("order-status-preparing"),
        OrderStatus::Ready => text!("order-status-ready"),
        OrderStatus::Collected => text!("order-status-collected"),
        OrderStatus::Cancelled => text!("order-status-cancelled"),
    }
}

/// Open Food Facts allergen tags with a name in the catalogue: the EU's 14.
const ALLERGENS: &[(&str, &str)] = &[
    ("en:gluten", "allergen-gluten"),
    ("en:crustaceans", "allergen-crustaceans"),
    ("en:eggs", "allergen-eggs"),
    ("en:fish", "allergen-fish"),
    ("en:peanuts", "allergen-peanuts"),
    ("en:soybeans", "allergen-soybeans"),
    ("en:milk", "allergen-milk"),
    ("en:nuts", "allergen-nuts"),
    ("en:celery", "allergen-celery"),
    ("en:mustard", "allergen-mustard"),
    ("en:sesame-seeds", "allergen-sesame"),
    ("en:sulphur-dioxide-and-sulphites", "allergen-sulphites"),
    ("en:lupin", "allergen-lupin"),
    ("en:molluscs", "allergen-molluscs"),
];

/// An allergen by its Open Food Facts tag. The EU's 14 have their name in
/// each language; words taken from an ingredient list (the 2018 records)
/// are shown as they are, capitalised.
pub fn allergen(tag: &str) -> Text {
    if let Some((_, id)) = ALLERGENS.iter().find(|(t, _)| *t == tag) {
        return Text::new(*id);
    }
    let word = tag.split_once(':').map(|(_, w)| w).unwrap_or(tag).replace('-', " ");
    let mut c = word.chars();
    Text::verbatim(
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default(),
    )
}

/// Why a loyalty or coupon QR code was refused, for the shopper.
pub fn token_error(e: &TokenError) -> Text {
    match e {
        TokenError::NotAToken | TokenError::Malformed(_) => text!("token-unreadable"),
        TokenError::OtherRetailer => text!("token-other-retailer"),
        TokenError::Forged => text!("token-forged"),
        TokenError::Expired(_) => text!("token-expired"),
        TokenError::NotYetValid => text!("token-not-yet-valid"),
    }
}

fn money(minor: i64, currency: Currency) -> Arg {
    Arg::Money(Money::new(minor, currency))
}

/// A short badge for a product tile: "-20 %", "3 pour 2".
pub fn promo_badge(kind: &PromoKind, currency: Currency) -> Text {
    match kind {
        PromoKind::PercentOff { basis_points } | PromoKind::BasketPercentOff { basis_points, .. } => {
            text!("promo-badge-off", off = Arg::Percent(*basis_points))
        }
        PromoKind::AmountOff { amount_minor } | PromoKind::BasketAmountOff { amount_minor, .. } => {
            text!("promo-badge-off", off = money(*amount_minor, currency))
        }
        PromoKind::BuyNPayM { buy, pay } => text!("promo-badge-buy-pay", buy = *buy, pay = *pay),
        PromoKind::NthPercentOff { nth, basis_points } => {
            text!("promo-badge-nth", nth = *nth, percent = Arg::Percent(*basis_points))
        }
        PromoKind::FixedPrice { amount_minor } => text!("promo-badge-price", price = money(*amount_minor, currency)),
    }
}

/// Who the promotion is for, around what it gives: "Prix membre Argent : …".
fn for_whom(p: &Promotion, offer: Text) -> Text {
    match (&p.audience, &p.coupon_code) {
        (Audience::Customer { .. }, _) => text!("promo-for-customer", offer = offer),
        (Audience::Members { min_tier: Tier::Member }, _) => text!("promo-for-members", offer = offer),
        (Audience::Members { min_tier }, _) => text!("promo-for-tier", tier = tier(*min_tier), offer = offer),
        (Audience::Everyone, Some(_)) => text!("promo-with-coupon", offer = offer),
        (Audience::Everyone, None) => offer,
    }
}

/// A sentence for the product screen, before anything is in the basket:
/// what the promotion gives on this product at this unit price.
pub fn promo_sentence(p: &Promotion, unit_price: Money) -> Text {
    let c = unit_price.currency;
    let old = unit_price.amount_minor;
    let offer = match &p.kind {
        PromoKind::PercentOff { basis_points } => text!(
            "promo-percent-off",
            percent = Arg::Percent(*basis_points),
            new = money(old - percent_of(old, *basis_points), c),
            old = money(old, c),
        ),
        PromoKind::AmountOff { amount_minor } => text!(
            "promo-amount-off",
            amount = money(*amount_minor, c),
            new = money((old - amount_minor).max(0), c),
            old = money(old, c),
        ),
        PromoKind::BuyNPayM { buy, pay } => text!(
            "promo-buy-pay",
            buy = *buy,
            pay = *pay,
            paid = money(old * i64::from(*pay), c),
            full = money(old * i64::from(*buy), c),
        ),
        PromoKind::NthPercentOff { nth, basis_points } => text!(
            "promo-nth-off",
            nth = *nth,
            percent = Arg::Percent(*basis_points),
            new = money(old - percent_of(old, *basis_points), c),
            old = money(old, c),
        ),
        PromoKind::FixedPrice { amount_minor } => {
            text!("promo-fixed-price", new = money(*amount_minor, c), old = money(old, c))
        }
        PromoKind::BasketPercentOff {
            basis_points,
            min_spend_minor,
        } => basket(
            text!("promo-badge-off", off = Arg::Percent(*basis_points)),
            *min_spend_minor,
            c,
        ),
        PromoKind::BasketAmountOff {
            amount_minor,
            min_spend_minor,
        } => basket(
            text!("promo-badge-off", off = money(*amount_minor, c)),
            *min_spend_minor,
            c,
        ),
    };
    for_whom(p, offer)
}

fn basket(off: Text, min_spend_minor: i64, c: Currency) -> Text {
    if min_spend_minor > 0 {
        text!("promo-basket-min", off = off, min = money(min_spend_minor, c))
    } else {
        text!("promo-basket", off = off)
    }
}

/// Why a promotion applied to the basket, and what it saved.
pub fn applied_promotion(a: &AppliedPromotion) -> Text {
    let c = a.discount.currency;
    let saved = Arg::Money(a.discount);
    let offer = match &a.promotion.kind {
        PromoKind::BuyNPayM { buy, pay } => text!(
            "promo-saved-buy-pay",
            buy = *buy,
            pay = *pay,
            free = a.discounted_units,
            saved = saved,
        ),
        PromoKind::NthPercentOff { nth, basis_points } => text!(
            "promo-saved-nth",
            nth = *nth,
            percent = Arg::Percent(*basis_points),
            saved = saved,
        ),
        PromoKind::FixedPrice { amount_minor } => {
            text!("promo-saved-price", price = money(*amount_minor, c), saved = saved)
        }
        PromoKind::PercentOff { basis_points } => {
            text!(
                "promo-saved-percent",
                percent = Arg::Percent(*basis_points),
                saved = saved
            )
        }
        PromoKind::AmountOff { amount_minor } => {
            text!("promo-saved-amount", amount = money(*amount_minor, c), saved = saved)
        }
        PromoKind::BasketPercentOff { basis_points, .. } => {
            text!(
                "promo-saved-basket-percent",
                percent = Arg::Percent(*basis_points),
                saved = saved
            )
        }
        PromoKind::BasketAmountOff { amount_minor, .. } => {
            text!(
                "promo-saved-basket-amount",
                amount = money(*amount_minor, c),
                saved = saved
            )
        }
    };
    for_whom(&a.promotion, offer)
}

/// A nudge: the shopper is a few units away from a promotion.
pub fn promo_hint(h: &PromoHint, currency: Currency) -> Text {
    text!(
        "promo-hint",
        missing = h.units_missing,
        badge = promo_badge(&h.kind, currency)
    )
}

#[cfg(test)]
mod tests {
    use vitrine_core::Gtin;
    use vitrine_core::pricing::{BasketLine, CustomerContext, PricingContext, Target, price_basket};

    use super::*;
    use crate::Lang;

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

    fn priced(
        p: &[Promotion],
        lines: &[BasketLine],
        customer: Option<&CustomerContext>,
    ) -> vitrine_core::pricing::PricedBasket {
        let ctx = PricingContext {
            promotions: p,
            customer,
            scanned_coupons: &[],
            now: 1_000,
            store: Some("paris-01"),
        };
        price_basket(lines, &ctx, Currency::EUR).unwrap()
    }

    #[test]
    fn three_for_two_explained_and_hinted() {
        let p = [promo(
            "p1",
            PromoKind::BuyNPayM { buy: 3, pay: 2 },
            Target::Gtins(vec![g(1)]),
        )];
        let b = priced(&p, &[BasketLine::new(g(1), 3, Money::eur(349))], None);
        let t = applied_promotion(&b.applied[0]);
        assert_eq!(
            t.render(Lang::FR),
            "3 pour le prix de 2 : 1 article offert, vous économisez 3,49 €"
        );
        assert_eq!(t.render(Lang::EN), "3 for the price of 2: 1 item free, you save €3.49");
        assert_eq!(
            t.render(Lang::DE),
            "3 zum Preis von 2: 1 Artikel gratis, Sie sparen 3,49 €"
        );
        let b = priced(&p, &[BasketLine::new(g(1), 2, Money::eur(349))], None);
        assert_eq!(
            promo_hint(&b.hints[0], Currency::EUR).render(Lang::EN),
            "Add 1 more to get 3 for 2"
        );
    }

    #[test]
    fn second_at_half_price() {
        let p = [promo(
            "a",
            PromoKind::NthPercentOff {
                nth: 2,
                basis_points: 5000,
            },
            Target::Gtins(vec![g(1)]),
        )];
        let b = priced(&p, &[BasketLine::new(g(1), 2, Money::eur(300))], None);
        let t = applied_promotion(&b.applied[0]);
        assert_eq!(t.render(Lang::FR), "Le 2e à -50 % : vous économisez 1,50 €");
        assert_eq!(t.render(Lang::EN), "Second item 50% off: you save €1.50");
        assert_eq!(t.render(Lang::DE), "Das 2. Stück -50 %: Sie sparen 1,50 €");
    }

    #[test]
    fn member_price_and_personal_coupon() {
        let mut p = promo(
            "m",
            PromoKind::FixedPrice { amount_minor: 299 },
            Target::Gtins(vec![g(1)]),
        );
        p.audience = Audience::Members { min_tier: Tier::Silver };
        let gold = CustomerContext {
            customer_id: "c1".into(),
            tier: Some(Tier::Gold),
            coupons: vec!["VTC-1".into()],
        };
        let b = priced(&[p], &[BasketLine::new(g(1), 2, Money::eur(349))], Some(&gold));
        assert_eq!(
            applied_promotion(&b.applied[0]).render(Lang::FR),
            "Prix membre Argent : 2,99 € l'unité : vous économisez 1,00 €"
        );
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
        let lines = [
            BasketLine::new(g(1), 1, Money::eur(1000)),
            BasketLine::new(g(2), 1, Money::eur(505)),
        ];
        let b = priced(&[c], &lines, Some(&gold));
        assert_eq!(
            applied_promotion(&b.applied[0]).render(Lang::EN),
            "Your personal offer: 10% off the basket: you save €1.51"
        );
    }

    #[test]
    fn product_screen_sentences_and_badges() {
        let p = promo("p", PromoKind::BuyNPayM { buy: 3, pay: 2 }, Target::All);
        assert_eq!(
            promo_sentence(&p, Money::eur(349)).render(Lang::FR),
            "3 pour le prix de 2 : 3 achetés, 6,98 € au lieu de 10,47 €"
        );
        let p = promo("p", PromoKind::PercentOff { basis_points: 1250 }, Target::All);
        assert_eq!(
            promo_sentence(&p, Money::eur(1000)).render(Lang::EN),
            "12.5% off: €8.75 instead of €10.00"
        );
        assert_eq!(promo_badge(&p.kind, Currency::EUR).render(Lang::FR), "-12,5 %");
        let p = promo(
            "b",
            PromoKind::BasketAmountOff {
                amount_minor: 500,
                min_spend_minor: 3000,
            },
            Target::All,
        );
        assert_eq!(
            promo_sentence(&p, Money::eur(100)).render(Lang::FR),
            "-5,00 € sur le panier dès 30,00 € d'achat"
        );
        assert_eq!(
            promo_sentence(&p, Money::eur(100)).render(Lang::DE),
            "-5,00 € auf den Einkauf ab 30,00 €"
        );
    }

    #[test]
    fn ordinals_by_each_languages_rules() {
        for (nth, en) in [
            (1, "1st"),
            (2, "second"),
            (3, "third"),
            (4, "4th"),
            (21, "21st"),
            (12, "12th"),
        ] {
            let k = PromoKind::NthPercentOff {
                nth,
                basis_points: 5000,
            };
            assert_eq!(promo_badge(&k, Currency::EUR).render(Lang::EN), format!("{en} 50% off"));
        }
        let k = PromoKind::NthPercentOff {
            nth: 1,
            basis_points: 5000,
        };
        assert_eq!(promo_badge(&k, Currency::EUR).render(Lang::FR), "1er à -50 %");
    }

    #[test]
    fn labels() {
        assert_eq!(stock_level(StockLevel::Out).render(Lang::EN), "Out of stock");
        assert_eq!(tier(Tier::Gold).render(Lang::FR), "Or");
        assert_eq!(order_status(OrderStatus::Ready).render(Lang::DE), "Abholbereit");
        assert_eq!(allergen("en:milk").render(Lang::FR), "Lait");
        assert_eq!(allergen("en:sesame-seeds").render(Lang::EN), "Sesame");
        assert_eq!(allergen("fr:fruits-a-coque").render(Lang::FR), "Fruits a coque");
        assert_eq!(allergen("orge").render(Lang::DE), "Orge");
        for e in [TokenError::Forged, TokenError::Expired(0), TokenError::OtherRetailer] {
            let t = token_error(&e);
            assert_ne!(t.render(Lang::FR), t.render(Lang::EN));
            assert_ne!(t.render(Lang::DE), t.render(Lang::EN));
        }
    }
}
