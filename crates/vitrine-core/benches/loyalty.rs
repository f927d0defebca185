//! What identification costs the kiosk's CPU: checking a loyalty token and
//! a coupon QR offline (ed25519 + JSON), the keyed hash of a card number
//! (the online lookup key), the slow hash of the sealed offline card table,
//! and pricing a member's basket.
//! Prints figures; no assertions. `cargo bench -p vitrine-core --bench loyalty`;
//! under `cargo test` (no `--bench` argument) each runs a few times only.

// A benchmark is a program outside the core that measures it: it reads the
// clock and its arguments, which the core's purity lint (clippy.toml)
// forbids in the core itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::hint::black_box;
use std::time::Instant;

use vitrine_core::cardtable::{CardKdf, card_secret};
use vitrine_core::loyalty::{
    DEFAULT_CARD_PREFIX, IdKind, LoyaltyToken, SignedCoupon, card_number, issuer_id, keyed_hash, normalise_card,
};
use vitrine_core::pricing::{
    Audience, BasketLine, CustomerContext, PricingContext, PromoKind, Promotion, Target, Tier, price_basket,
};
use vitrine_core::sign::SecretKey;
use vitrine_core::{Currency, Gtin, Money};

fn time(label: &str, n: u32, mut f: impl FnMut(u32)) {
    let n = if std::env::args().any(|a| a == "--bench") {
        n
    } else {
        10
    };
    for i in 0..n / 10 {
        f(i);
    }
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    let per = t.elapsed().as_secs_f64() / f64::from(n);
    println!("{label:<48} {:>9.2} µs/op  ({n} ops)", per * 1e6);
}

fn main() {
    let key = SecretKey::from_seed([1; 32]);
    let public = key.public();
    let now = 1_790_000_000;
    let token = LoyaltyToken::new(&public, "cus-8WCSSNDWZ2", "Camille", Some(Tier::Gold), true, now).sign(&key);
    println!("token length: {} characters (the QR code the app shows)", token.len());
    time("LoyaltyToken::verify", 5_000, |_| {
        black_box(LoyaltyToken::verify(black_box(&token), &public, now).unwrap());
    });
    let coupon = SignedCoupon {
        iss: issuer_id(&public),
        code: "MERCI-7KM2QXAB".into(),
        basis_points: 1000,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + 30 * 86_400,
    }
    .sign(&key);
    time("SignedCoupon::verify", 5_000, |_| {
        black_box(SignedCoupon::verify(black_box(&coupon), &public, now).unwrap());
    });
    let hmac_key = [7u8; 64];
    time("card: normalise + keyed hash (HMAC-SHA256)", 200_000, |i| {
        let c = card_number(DEFAULT_CARD_PREFIX, u64::from(i));
        let n = normalise_card(&c, DEFAULT_CARD_PREFIX).unwrap();
        black_box(keyed_hash(&hmac_key, IdKind::Card, &n));
    });
    // The sealed card table (issue 14): one slow hash per card tried, the
    // price of a scan offline and of each guess from a stolen disk.
    let salt = [7u8; 16];
    let n: u32 = if std::env::args().any(|a| a == "--bench") {
        50
    } else {
        10
    };
    let t = Instant::now();
    for i in 0..n {
        let c = card_number(DEFAULT_CARD_PREFIX, u64::from(i));
        black_box(card_secret(&c, &salt, CardKdf::DEFAULT).unwrap());
    }
    let per = t.elapsed().as_secs_f64() / f64::from(n);
    println!(
        "{:<48} {:>9.2} ms/op  ({n} ops); every card of the range: {:.0} core-days",
        "card_secret (Argon2id 16 MiB, 2 passes)",
        per * 1e3,
        per * 1e8 / 86_400.0
    );

    // A 20-line basket priced for a gold member with 500 catalog promotions
    // (member prices) and a personal coupon.
    let gtins: Vec<Gtin> = (0..500u64)
        .map(|i| Gtin::from_body(&format!("{:012}", 400_000_000_000 + i)).unwrap())
        .collect();
    let mut promos: Vec<Promotion> = gtins
        .iter()
        .enumerate()
        .map(|(i, g)| Promotion {
            id: format!("member-{i}"),
            kind: PromoKind::FixedPrice { amount_minor: 150 },
            target: Target::Gtins(vec![*g]),
            audience: Audience::Members { min_tier: Tier::Member },
            valid_from: None,
            valid_until: None,
            stores: Vec::new(),
            coupon_code: None,
        })
        .collect();
    promos.push(vitrine_core::loyalty::coupon_promotion(
        "MERCI-1",
        1000,
        0,
        None,
        now + 86_400,
    ));
    let lines: Vec<BasketLine> = gtins
        .iter()
        .step_by(25)
        .map(|g| BasketLine::new(*g, 2, Money::new(199, Currency::EUR)))
        .collect();
    let customer = CustomerContext {
        customer_id: "cus-1".into(),
        tier: Some(Tier::Gold),
        coupons: vec!["MERCI-1".into()],
    };
    time("price_basket: 20 lines, 501 promotions, member", 20_000, |_| {
        let ctx = PricingContext {
            promotions: &promos,
            customer: Some(&customer),
            scanned_coupons: &[],
            now,
            store: Some("paris-01"),
        };
        black_box(price_basket(black_box(&lines), &ctx, Currency::EUR).unwrap());
    });
}
