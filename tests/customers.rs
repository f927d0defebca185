//! The single customer view end to end, on the real HQ (127.0.0.1:0, real
//! SQLite), real kiosks (enrolled for real, real outbox), the `vitrine`
//! binary, and a real SMTP server on loopback:
//! - identify by loyalty QR token with HQ stopped, member price and the
//!   personal coupon the token carries applied offline, once; expired,
//!   forged and other retailers' tokens refused;
//! - the same basket priced identically by the kiosk and by HQ for a member;
//! - a coupon used once at the kiosk (provisional, then confirmed at sync),
//!   then refused on the phone page;
//! - thank-you, survey, coupon and reminder emails received in order, the
//!   scheduler driven by a manual clock.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::*;
use vitrine::catalog::{Catalog, Lookup};
use vitrine::customer::{self, IdentifyError, Via};
use vitrine::session::{BasketItem, Session};
use vitrine::sync::{NewOrder, Outbox, sync_once};
use vitrine_core::catalog::Change;
use vitrine_core::loyalty::{LoyaltyToken, SignedCoupon, TokenError, issuer_id};
use vitrine_core::pricing::{Audience, PromoKind, Promotion, Target, Tier};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffLine, OrderCustomer, OrderStatus};
use vitrine_core::{Currency, Gtin, Lang, parse_product_code};
use vitrine_hq::customers::{self as hq_customers, NewCustomer};
use vitrine_hq::storage::customers::CouponRecord;
use vitrine_hq::{Clock, SmtpConfig};

const TIMEOUT: Duration = Duration::from_secs(3);

fn vitrine(data_dir: &Path, args: &[&str]) -> Output {
    kiosk_command(data_dir).args(args).output().expect("run vitrine")
}

fn camille(hq: &vitrine_hq::Hq, tier: Tier, consent: bool) -> String {
    hq_customers::add(
        hq,
        &NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille@example.com".into()),
            phone: Some("06 12 34 56 78".into()),
            card: Some(vitrine_core::loyalty::card_number("0450", 4242)),
            tier: Some(tier),
            consent,
        },
    )
    .unwrap()
}

/// A personal 10 % coupon for `customer`, as the survey loop issues them,
/// valid 30 days from `now`.
fn survey_coupon(code: &str, customer: &str, now: i64) -> CouponRecord {
    CouponRecord {
        code: code.into(),
        customer_id: Some(customer.to_string()),
        basis_points: 1000,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + 30 * 86_400,
        source: "survey".into(),
        created_at: now,
        redemption: None,
    }
}

/// The session's basket as order lines.
fn order_lines(s: &Session) -> Vec<HandoffLine> {
    s.items()
        .iter()
        .map(|i| HandoffLine {
            gtin: i.gtin,
            quantity: i.quantity,
            measure: None,
        })
        .collect()
}

/// Camille's click&collect order of `lines`, for the shopper `who` the
/// kiosk identified (what vouches for her at HQ goes with it).
fn camille_order(lines: Vec<HandoffLine>, who: &customer::Identified, lang: Lang) -> NewOrder {
    NewOrder {
        lines,
        customer: OrderCustomer {
            name: "Camille".into(),
            email: Some("camille@example.com".into()),
            phone: None,
            customer_id: Some(who.customer.customer_id.clone()),
        },
        lang,
        identification: who.customer.identification.as_ref().map(|e| e.0.clone()),
    }
}

/// Identifies the shopper by the phone number typed at the kiosk: the code
/// HQ sends there (read from the SMS stand-in), typed back.
async fn by_phone(
    ob: &Outbox,
    sms: &mut tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>,
) -> customer::Identified {
    let pending = match customer::identify(ob, "06 12 34 56 78", vitrine::clock::now(), TIMEOUT).await {
        Err(IdentifyError::CodeSent(p)) => p,
        other => panic!("a code should be sent: {other:?}"),
    };
    assert_eq!(pending.masked, "•••• 78");
    let text = next_sms(sms).await["text"].as_str().unwrap().to_string();
    customer::verify_code(ob, &pending, &code_in(&text), TIMEOUT)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identify_by_loyalty_qr_with_hq_stopped_and_refuse_expired_forged_and_foreign_tokens() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let id = camille(&hq.hq, Tier::Gold, true);
    let now = vitrine_hq::now();
    // A personal coupon: the token carries it to a kiosk that cannot ask HQ.
    hq.hq
        .storage
        .put_coupon(&survey_coupon("MERCI-OFFLINE1", &id, now))
        .unwrap();
    let token = hq_customers::issue_token(&hq.hq, &id).unwrap();
    let key = hq.hq.key.clone();
    let expired = LoyaltyToken::new(&key.public(), &id, "Camille", Some(Tier::Gold), true, now - 3600).sign(&key);
    let other = SecretKey::from_seed([9; 32]);
    let mut claims = LoyaltyToken::new(&key.public(), &id, "Camille", Some(Tier::Gold), true, now);
    let forged = claims.sign(&other);
    claims.iss = issuer_id(&other.public());
    let foreign = claims.sign(&other);
    // The card table reaches the kiosk with the catalog.
    sync_once(k_dir.path(), settings()).await.unwrap();

    hq.stop().await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    let who = customer::identify(&ob, &token, vitrine::clock::now(), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(who.via, Via::TokenOffline);
    assert_eq!(who.customer.first_name, "Camille");
    assert_eq!(who.customer.tier, Some(Tier::Gold));
    assert!(!who.customer.masked_identifier.contains(&id));
    // The personal coupon applies offline: 10 % off a basket.
    assert_eq!(who.customer.coupons, vec!["MERCI-OFFLINE1".to_string()]);
    let mut anonymous = Session::new(Lang::FR, false, false, Currency::EUR);
    basket(k_dir.path(), &mut anonymous);
    let mut session = anonymous.clone();
    who.clone().apply(&mut session);
    let at = vitrine::clock::now();
    let promos = Catalog::open(k_dir.path())
        .unwrap()
        .active_promotions("paris-01", at)
        .unwrap();
    let plain = anonymous.price(&promos, "paris-01", at).unwrap();
    let member = session.price(&promos, "paris-01", at).unwrap();
    assert!(member.total.amount_minor < plain.total.amount_minor, "{member:?}");
    let used = Session::used_coupons(&member);
    assert_eq!(used, vec!["MERCI-OFFLINE1".to_string()]);
    // Once used in an order still queued here (provisional), the same token
    // no longer brings it at this kiosk.
    ob.queue_order_with_coupons(camille_order(order_lines(&session), &who, Lang::FR), used)
        .unwrap();
    assert_eq!(
        customer::redemption_status(&ob, "MERCI-OFFLINE1").unwrap().as_deref(),
        Some("provisional")
    );
    let again = customer::identify(&ob, &token, vitrine::clock::now(), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(again.via, Via::TokenOffline);
    assert!(
        again.offers.is_empty() && again.customer.coupons.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.customer.tier, Some(Tier::Gold));

    // The same from the command line, JSON and text.
    let out = vitrine(k_dir.path(), &["identify", &token, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["first_name"], "Camille");
    assert_eq!(v["tier"], "gold");
    let out = vitrine(k_dir.path(), &["identify", &token]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Camille") && text.contains("Or"), "{text}");

    // The loyalty card, offline, from the synced card table (sealed entries).
    let card = vitrine_core::loyalty::card_number("0450", 4242);
    let who = customer::identify(&ob, &card, vitrine::clock::now(), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(
        (who.via, who.customer.first_name.as_str()),
        (Via::CardOffline, "Camille")
    );
    // A phone number needs HQ.
    assert_eq!(
        customer::identify(&ob, "06 12 34 56 78", vitrine::clock::now(), TIMEOUT).await,
        Err(IdentifyError::Offline)
    );

    for (t, want, words) in [
        (&expired, "Expired", "expired"),
        (&forged, "Forged", "not valid (forged"),
        (&foreign, "OtherRetailer", "another retailer"),
    ] {
        let e = customer::identify(&ob, t, vitrine::clock::now(), TIMEOUT)
            .await
            .unwrap_err();
        assert!(format!("{e:?}").contains(want), "{e:?}");
        let out = vitrine(k_dir.path(), &["identify", t, "--json"]);
        assert_eq!(out.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["identified"], false);
        assert!(v["reason"].as_str().unwrap().contains(words), "{v}");
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    assert!(matches!(
        customer::identify(&ob, &expired, vitrine::clock::now(), TIMEOUT).await,
        Err(IdentifyError::Token(TokenError::Expired(_)))
    ));
    let out = vitrine(k_dir.path(), &["identify", "hello"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A member price for gold members on one product, in the catalog.
fn member_price(gtin: &str, minor: i64) -> Change {
    Change::UpsertPromotion(Promotion {
        id: "gold-price".into(),
        kind: PromoKind::FixedPrice { amount_minor: minor },
        target: Target::Gtins(vec![Gtin::from_digits(gtin).unwrap()]),
        audience: Audience::Members { min_tier: Tier::Silver },
        valid_from: None,
        valid_until: None,
        stores: Vec::new(),
        coupon_code: None,
    })
}

fn basket(k_dir: &Path, session: &mut Session) {
    let cat = Catalog::open(k_dir).unwrap();
    for (code, qty) in [(COKE, 3), (BOOK, 1)] {
        let Lookup::Found(v) = cat
            .lookup(
                &parse_product_code(code, vitrine::scan::today()).unwrap(),
                "paris-01",
                vitrine::clock::now(),
            )
            .unwrap()
        else {
            panic!("{code} not in the kiosk's catalog")
        };
        session
            .add(BasketItem {
                gtin: v.product.gtin,
                name: v.product.name.clone(),
                brand: v.product.brand.clone(),
                pack: None,
                category: v.product.category.clone(),
                unit_price: v.price.unwrap(),
                measured: None,
                quantity: qty,
            })
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_basket_is_priced_the_same_by_kiosk_and_hq_and_a_coupon_is_used_once_across_channels() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sms_url, mut sms) = sms_server().await;
    let hq = start_hq(hq_dir.path(), |c| c.sms_webhook = Some(sms_url)).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    hq.hq.commit(&[member_price(COKE, 99)], None).unwrap();
    let id = camille(&hq.hq, Tier::Gold, true);
    // A personal coupon (as the survey loop issues them): 10 % off.
    let now = vitrine_hq::now();
    let coupon = survey_coupon("MERCI-TEST0001", &id, now);
    hq.hq.storage.put_coupon(&coupon).unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let ob = Outbox::open(k_dir.path()).unwrap();

    // Typed phone number: a code sent there, typed back; then first name,
    // tier and the offer, and HQ's identification for this kiosk.
    let who = by_phone(&ob, &mut sms).await;
    assert_eq!(who.via, Via::Contact);
    assert!(
        who.customer
            .identification
            .as_ref()
            .is_some_and(|e| e.0.starts_with("VTI1."))
    );
    assert_eq!(who.customer.masked_identifier, "•••• 78");
    assert_eq!(who.customer.coupons, vec!["MERCI-TEST0001".to_string()]);

    let mut anonymous = Session::new(Lang::FR, false, false, Currency::EUR);
    basket(k_dir.path(), &mut anonymous);
    let mut session = anonymous.clone();
    who.clone().apply(&mut session);
    let promos = Catalog::open(k_dir.path())
        .unwrap()
        .active_promotions("paris-01", vitrine::clock::now())
        .unwrap();
    let at = vitrine::clock::now();
    let plain = anonymous.price(&promos, "paris-01", at).unwrap();
    let member = session.price(&promos, "paris-01", at).unwrap();
    assert!(member.total.amount_minor < plain.total.amount_minor, "{member:?}");
    assert!(member.applied.iter().any(|a| a.promotion.id == "gold-price"));
    let used = Session::used_coupons(&member);
    assert_eq!(used, vec!["MERCI-TEST0001".to_string()]);

    // Without consent: no member price, no offer, the same as anonymous.
    let no_consent = hq_customers::add(
        &hq.hq,
        &NewCustomer {
            first_name: "Lou".into(),
            email: Some("lou@example.com".into()),
            card: Some(vitrine_core::loyalty::card_number("0450", 77)),
            tier: Some(Tier::Gold),
            ..NewCustomer::default()
        },
    )
    .unwrap();
    let lou_card = vitrine_core::loyalty::card_number("0450", 77);
    let lou = customer::identify(&ob, &lou_card, at, TIMEOUT).await.unwrap();
    assert_eq!(lou.customer.customer_id, no_consent);
    let mut lou_session = anonymous.clone();
    lou.apply(&mut lou_session);
    assert_eq!(lou_session.price(&promos, "paris-01", at).unwrap().total, plain.total);

    // The order leaves through the outbox: the coupon is provisional here
    // (the kiosk is "offline" until it syncs), then HQ prices the same
    // basket for the same member at the same time and confirms the coupon.
    let lines = order_lines(&session);
    let q = ob
        .queue_order_with_coupons(camille_order(lines.clone(), &who, Lang::FR), used.clone())
        .unwrap();
    assert_eq!(
        customer::redemption_status(&ob, "MERCI-TEST0001").unwrap().as_deref(),
        Some("provisional")
    );
    sync_once(k_dir.path(), settings()).await.unwrap();
    let order = hq.hq.storage.order(&q.id).unwrap().unwrap();
    assert_eq!(order.total, member.total, "kiosk and HQ disagree on the member's total");
    assert_eq!(
        customer::redemption_status(&ob, "MERCI-TEST0001").unwrap().as_deref(),
        Some("confirmed")
    );
    // HQ no longer offers the used coupon; the kiosk refuses its QR too.
    let again = by_phone(&ob, &mut sms).await;
    assert!(again.offers.is_empty());
    let qr = vitrine_hq::services::coupons::signed_coupon(&hq.hq, &coupon);
    assert!(matches!(
        customer::check_coupon(&ob, &qr, vitrine::clock::now()),
        Err(customer::CouponError::AlreadyUsed)
    ));

    // On the phone page, the same coupon is refused, in words (Camille's
    // basket: HQ's identification goes with it).
    let evidence = again.customer.identification.as_ref().map(|e| e.0.clone());
    let h = ob.queue_handoff(&lines, None, evidence).unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let c = reqwest::Client::new();
    let page = c
        .get(format!("{}/h/{}?lang=en", hq.url(), h.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/h/{}/coupon", h.id)), "{page}");
    let resp = c
        .post(format!("{}/h/{}/coupon", hq.url(), h.id))
        .form(&[("code", "MERCI-TEST0001"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("already used") && html.contains("at an in-store kiosk"),
        "{html}"
    );
    let resp = c
        .post(format!("{}/h/{}/coupon", hq.url(), h.id))
        .form(&[("code", "MERCI-TEST0001"), ("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert!(resp.text().await.unwrap().contains("déjà été utilisé"));
    let redemption = hq
        .hq
        .storage
        .coupon("MERCI-TEST0001")
        .unwrap()
        .unwrap()
        .redemption
        .unwrap();
    assert_eq!(
        (redemption.channel.as_str(), redemption.reference),
        ("kiosk", format!("order:{}", q.id))
    );

    // A fresh coupon works on the phone page, once.
    let mut fresh = coupon.clone();
    fresh.code = "MERCI-TEST0002".into();
    hq.hq.storage.put_coupon(&fresh).unwrap();
    let resp = c
        .post(format!("{}/h/{}/coupon", hq.url(), h.id))
        .form(&[("code", "MERCI-TEST0002"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("New total"));
    // Scanned at a kiosk that reaches HQ, its QR is refused at once.
    let qr2 = vitrine_hq::services::coupons::signed_coupon(&hq.hq, &fresh);
    assert!(
        customer::check_coupon(&ob, &qr2, vitrine::clock::now()).is_ok(),
        "offline it looks fine"
    );
    assert!(matches!(
        customer::check_coupon_online(&ob, &qr2, vitrine::clock::now(), TIMEOUT).await,
        Err(customer::CouponError::AlreadyUsed)
    ));
    // And an order from a kiosk with it is taken, without the coupon.
    let q2 = ob
        .queue_order_with_coupons(camille_order(lines, &again, Lang::EN), vec!["MERCI-TEST0002".into()])
        .unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(
        customer::redemption_status(&ob, "MERCI-TEST0002").unwrap().as_deref(),
        Some("refused")
    );
    let o2 = hq.hq.storage.order(&q2.id).unwrap().unwrap();
    assert!(o2.total.amount_minor > order.total.amount_minor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thank_you_survey_coupon_and_reminder_emails_arrive_in_order_on_a_controlled_clock() {
    let (smtp_port, mut mails) = smtp_server().await;
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = 1_790_000_000;
    let clock = Clock::manual(start);
    let hq = start_hq(hq_dir.path(), |c| {
        c.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        c.clock = clock.clone();
        // HQ's manual clock and the kiosk's (the system's) are months
        // apart here: the basket made at the end is outside HQ's window for
        // new baskets, which this test is not about.
        c.basket_max_age_s = 10 * 365 * 86_400;
        c.basket_max_ahead_s = 10 * 365 * 86_400;
        c.survey.survey_delay_s = 2 * 3600;
        c.survey.coupon_valid_days = 14;
        c.survey.reminder_days_before = 3;
    })
    .await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    let q = ob
        .queue_order(NewOrder {
            lines: vec![HandoffLine {
                gtin: Gtin::from_digits(COKE).unwrap(),
                quantity: 2,
                measure: None,
            }],
            customer: OrderCustomer {
                name: "Camille".into(),
                email: Some("camille@example.fr".into()),
                phone: None,
                customer_id: None,
            },
            lang: Lang::EN,
            identification: None,
        })
        .unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let first = next_mail(&mut mails).await;
    assert!(first.contains("is received"), "{first}");

    // Staff hand the order over at the counter.
    let c = reqwest::Client::new();
    let staff = vitrine_testkit::staff_session(&hq, "camille", Some("paris-01")).await;
    let resp = staff.advance_to("paris-01", &q.id, "collected").await;
    assert!(resp.status().is_redirection());
    // Ready on the way: the shopper was told.
    assert!(unqp(&next_mail(&mut mails).await).contains("is ready"));
    assert_eq!(
        hq.hq.storage.order(&q.id).unwrap().unwrap().status,
        OrderStatus::Collected
    );
    let thanks = unqp(&next_mail(&mut mails).await);
    assert!(thanks.contains("Subject: Thank you for your visit"), "{thanks}");
    assert!(thanks.contains("To: camille@example.fr"), "{thanks}");
    // The survey waits for its time: nothing else is due yet.
    next_due_becomes(&hq.hq, Some(start + 2 * 3600)).await;

    clock.advance(2 * 3600);
    hq.hq.wake_notifier();
    let survey = unqp(&next_mail(&mut mails).await);
    assert!(survey.contains("Subject: Your opinion matters"), "{survey}");
    let link = survey
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .expect("survey link")
        .to_string();
    assert!(link.starts_with(&hq.url()), "{link}");
    let page = c.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("How satisfied"), "{page}");
    let path = link.split('?').next().unwrap().to_string();
    let answered = c
        .post(&path)
        .form(&[("score", "5"), ("lang", "en")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answered.contains("MERCI-"), "{answered}");
    let code = answered
        .split("id=\"coupon\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();

    let coupon_mail = unqp(&next_mail(&mut mails).await);
    assert!(
        coupon_mail.contains(&format!("Subject: Your 10 % coupon: {code}")),
        "{coupon_mail}"
    );
    // The coupon's QR text, checked as a kiosk would, is 10 % for 14 days.
    let qr = coupon_mail
        .split_whitespace()
        .find(|w| w.starts_with("VTC1."))
        .expect("coupon QR text");
    let signed = SignedCoupon::verify(qr, &hq.hq.key.public(), start + 3 * 3600).unwrap();
    assert_eq!((signed.code.as_str(), signed.basis_points), (code.as_str(), 1000));
    assert_eq!(signed.valid_until, start + 2 * 3600 + 14 * 86_400);
    // Answering twice gives the same coupon, no new email.
    let again = c
        .post(&path)
        .form(&[("score", "4")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains(&code));

    // The reminder goes 3 days before the end, not before.
    let reminder_at = signed.valid_until - 3 * 86_400;
    next_due_becomes(&hq.hq, Some(reminder_at)).await;
    clock.set(reminder_at);
    hq.hq.wake_notifier();
    let reminder = unqp(&next_mail(&mut mails).await);
    assert!(
        reminder.contains(&format!("Subject: Your coupon {code} expires soon")),
        "{reminder}"
    );
    next_due_becomes(&hq.hq, None).await;

    // Collected twice: one survey only.
    let o = hq.hq.storage.order(&q.id).unwrap().unwrap();
    assert!(!vitrine_hq::services::survey::after_collected(&hq.hq, &o).unwrap());

    // A basket claimed on a phone with an email: its confirmation, then the
    // thank-you; the survey follows after the delay.
    let h = ob
        .queue_handoff(
            &[HandoffLine {
                gtin: Gtin::from_digits(BOOK).unwrap(),
                quantity: 1,
                measure: None,
            }],
            None,
            None,
        )
        .unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let resp = c
        .post(format!("{}/h/{}/claim", hq.url(), h.id))
        .form(&[("email", "lou@example.fr"), ("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let confirmation = unqp(&next_mail(&mut mails).await);
    assert!(confirmation.contains("Subject: Votre panier Vitrine"), "{confirmation}");
    let thanks = unqp(&next_mail(&mut mails).await);
    assert!(thanks.contains("Subject: Merci pour votre visite"), "{thanks}");
    assert!(thanks.contains("To: lou@example.fr"), "{thanks}");
    next_due_becomes(&hq.hq, Some(reminder_at + 2 * 3600)).await;
}

/// The running kiosk (not `sync --once`) keeps its offline card table fresh:
/// a customer added at HQ is in it once the next catalog version has reached
/// the kiosk, fetched by the worker's own card task. A burst of versions
/// pushed back to back each reach the kiosk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_worker_fetches_the_card_table_after_each_catalog_pull() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let (handle, mut rx) = start_synced_worker(&hq, k_dir.path()).await;
    let card = vitrine_core::loyalty::card_number("0450", 4242);
    let ob = handle.outbox().clone();
    assert!(customer::card_offline(&ob, &card).unwrap().is_none());

    camille(&hq.hq, Tier::Gold, true);
    let versions: Vec<u64> = ["1.01", "1.02", "1.03", "1.04", "1.05"]
        .into_iter()
        .map(|cents| {
            vitrine_hq::admin::price_set(&hq.hq, COKE, cents, Some("paris-01"))
                .unwrap()
                .0
        })
        .collect();
    let last = *versions.last().unwrap();
    wait_until(&mut rx, 10, "the last pushed price", |s| s.catalog_version == last).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let entry = loop {
        if let Some(e) = customer::card_offline(&ob, &card).unwrap() {
            break e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the card table was not fetched after the pull"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(entry.first_name, "Camille");
    handle.stop().await;
}
