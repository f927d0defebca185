//! A customer's journey across channels, on the real HQ server
//! (127.0.0.1:0, real SQLite file) with a real SMTP server on loopback: the
//! personal price carried from the kiosk to the phone page and its email,
//! the phone-page coupon shown on the basket (and refused, unused, when it
//! does not apply), the reason of an offline coupon refused at sync in the
//! order email, and the coupon reminder dropped once the coupon is used.
//! And a German shopper's journey, in German from the phone page to the
//! survey: pages by `?lang=` or the browser's `Accept-Language`, emails in
//! the language the basket's page or the order carries.

use std::sync::Arc;

use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::pricing::{
    Audience, BasketLine, CustomerContext, PricingContext, PromoKind, Promotion, Target, Tier, price_basket,
};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit, OrderCustomer, OrderRequest, OrderStatus};
use vitrine_core::{Gtin, Lang, Money};
use vitrine_hq::customers::{self, NewCustomer};
use vitrine_hq::services::handoffs::{Source, accept_handoff};
use vitrine_hq::services::orders::{accept_order, set_status};
use vitrine_hq::services::survey::after_collected;
use vitrine_hq::storage::Device;
use vitrine_hq::storage::customers::CouponRecord;
use vitrine_hq::storage::devices::Enrollment;
use vitrine_hq::{Clock, Hq, HqConfig, SmtpConfig, admin};
use vitrine_i18n::MoneyText;
use vitrine_testkit::{HqServer, commit_products, next_due_becomes, next_mail_text, smtp_server, start_hq_in_temp_dir};

const COKE: &str = "05449000039231";
const BOOK: &str = "09780439023481";
const STORE: &str = "paris-01";

// ------------------------------------------------------------------ HQ

/// HQ with one kiosk enrolled: its key signs the handed-off baskets.
struct Server {
    server: HqServer,
    hq: Arc<Hq>,
    dev: Device,
    key: SecretKey,
}

fn gtin(g: &str) -> Gtin {
    Gtin::from_digits(g).unwrap()
}

/// 40 % off the drink for silver members and above (better than the demo
/// promotions on it, so it is the one applied).
fn member_promotion() -> Promotion {
    Promotion {
        id: "members-coke".into(),
        kind: PromoKind::PercentOff { basis_points: 4000 },
        target: Target::Gtins(vec![gtin(COKE)]),
        audience: Audience::Members { min_tier: Tier::Silver },
        valid_from: None,
        valid_until: None,
        stores: Vec::new(),
        coupon_code: None,
    }
}

async fn start(smtp_port: Option<u16>, tweak: impl FnOnce(&mut HqConfig)) -> Server {
    let server = start_hq_in_temp_dir(|cfg| {
        cfg.smtp = smtp_port.map(|port| SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        tweak(cfg);
    })
    .await;
    let hq = server.hq.clone();
    commit_products(
        &hq,
        &[(COKE, "Nordic must original"), (BOOK, "The Hunger Games")],
        vec![Change::UpsertPromotion(member_promotion())],
    );
    let (_, code) = admin::device_add(&hq, STORE).unwrap();
    let key = SecretKey::from_seed([7; 32]);
    let dev = hq
        .storage
        .enroll_device(
            &Enrollment {
                code_hash: &vitrine_hq::keys::code_hash(&code),
                public_key: &key.public().to_text(),
                name: None,
                token_hash: &vitrine_hq::keys::token_hash("kiosk-token"),
            },
            hq.now(),
        )
        .unwrap()
        .expect("enrolled");
    Server { server, hq, dev, key }
}

fn gold_member(hq: &Hq, email: &str) -> String {
    customers::add(
        hq,
        &NewCustomer {
            first_name: "Camille".into(),
            email: Some(email.into()),
            tier: Some(Tier::Gold),
            consent: true,
            ..NewCustomer::default()
        },
    )
    .unwrap()
}

fn lines() -> Vec<HandoffLine> {
    vec![
        HandoffLine {
            gtin: gtin(COKE),
            quantity: 3,
            measure: None,
        },
        HandoffLine {
            gtin: gtin(BOOK),
            quantity: 1,
            measure: None,
        },
    ]
}

/// A basket handed off by the kiosk, as `POST /v1/handoffs` stores it.
fn hand_off(s: &Server, customer_id: Option<&str>) -> Uuid {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: s.dev.id.clone(),
        store: STORE.into(),
        created_at: s.hq.now(),
        lines: lines(),
    };
    let sub = HandoffSubmit {
        compact: b.to_compact(&s.key),
        contact: None,
        customer_id: customer_id.map(String::from),
        // The loyalty token HQ signed vouches for the customer.
        identification: customer_id.map(|id| vitrine_hq::customers::issue_token(&s.hq, id).unwrap()),
    };
    accept_handoff(&s.hq, &sub, Source::Kiosk(&s.dev.id), None).unwrap().id
}

/// The total the kiosk shows: `vitrine_core::pricing` on the same lines,
/// prices and promotions, for the customer its token identified.
fn kiosk_total(hq: &Hq, customer: Option<&CustomerContext>, coupons: &[String], extra: &[Promotion]) -> Money {
    let mut basket = Vec::new();
    for l in lines() {
        let p = hq.storage.product_price(l.gtin, STORE).unwrap().unwrap();
        let mut b = BasketLine::new(l.gtin, l.quantity, p.price.unwrap());
        let p = p.product;
        b.category = p.category.clone();
        b.brand = p.brand.clone();
        basket.push(b);
    }
    let mut promotions = hq.storage.promotions().unwrap();
    promotions.extend(extra.iter().cloned());
    price_basket(
        &basket,
        &PricingContext {
            promotions: &promotions,
            customer,
            scanned_coupons: coupons,
            now: hq.now(),
            store: Some(STORE),
        },
        hq.config.currency,
    )
    .unwrap()
    .total
}

fn total_on(page: &str) -> String {
    page.split("id=\"total\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("no total on the page: {page}"))
        .replace("&#39;", "'")
        .to_string()
}

fn coupon(code: &str, basis_points: u32, min_spend_minor: i64, customer: Option<&str>, now: i64) -> CouponRecord {
    CouponRecord {
        code: code.into(),
        customer_id: customer.map(String::from),
        basis_points,
        min_spend_minor,
        valid_from: None,
        valid_until: now + 14 * 86_400,
        source: "admin".into(),
        created_at: now,
        redemption: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_basket_sent_to_the_phone_shows_the_kiosk_total_there_and_in_the_claim_email() {
    let (port, mut mails) = smtp_server().await;
    let s = start(Some(port), |_| {}).await;
    let id = gold_member(&s.hq, "camille@example.fr");
    let hid = hand_off(&s, Some(&id));

    let ctx = CustomerContext {
        customer_id: id.clone(),
        tier: Some(Tier::Gold),
        coupons: Vec::new(),
    };
    let at_kiosk = kiosk_total(&s.hq, Some(&ctx), &[], &[]);
    let anonymous = kiosk_total(&s.hq, None, &[], &[]);
    assert!(
        at_kiosk.amount_minor < anonymous.amount_minor,
        "the member price must make a difference: {at_kiosk:?} vs {anonymous:?}"
    );

    let c = reqwest::Client::new();
    let page = c
        .get(s.server.at(&format!("/h/{hid}?lang=en")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total_on(&page), at_kiosk.format(Lang::EN), "{page}");
    assert!(page.contains("class=\"promo\""), "{page}");

    // The claim email carries the same total.
    let resp = c
        .post(s.server.at(&format!("/h/{hid}/claim")))
        .form(&[("email", "camille@example.fr"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let mail = next_mail_text(&mut mails).await;
    assert!(mail.contains("Subject: Your Vitrine basket"), "{mail}");
    assert!(
        mail.contains(&format!("Total: {}", at_kiosk.format(Lang::EN))),
        "{mail}"
    );

    // An anonymous basket keeps the everyday price.
    let anon = hand_off(&s, None);
    let page = c
        .get(s.server.at(&format!("/h/{anon}?lang=en")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total_on(&page), anonymous.format(Lang::EN), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_coupon_shows_on_the_basket_and_one_that_does_not_apply_stays_unused() {
    let s = start(None, |_| {}).await;
    let now = s.hq.now();
    s.hq.storage
        .put_coupon(&coupon("MERCI-PHONE01", 1000, 0, None, now))
        .unwrap();
    // A minimum spend of €10,000: never reached by this basket.
    s.hq.storage
        .put_coupon(&coupon("MERCI-BIG00001", 1500, 1_000_000, None, now))
        .unwrap();
    let hid = hand_off(&s, None);
    let c = reqwest::Client::new();
    let post = |code: &'static str, lang: &'static str| {
        c.post(s.server.at(&format!("/h/{hid}/coupon")))
            .form(&[("code", code), ("lang", lang)])
            .send()
    };

    // Does not apply: refused in the page's language, and still unused.
    let r = post("MERCI-BIG00001", "fr").await.unwrap();
    assert_eq!(r.status(), 409);
    let text = r.text().await.unwrap();
    assert!(text.contains("ne s&#39;applique pas à ce panier"), "{text}");
    let r = post("MERCI-BIG00001", "en").await.unwrap();
    let text = r.text().await.unwrap();
    assert!(text.contains("does not apply to this basket"), "{text}");
    assert!(
        s.hq.storage
            .coupon("MERCI-BIG00001")
            .unwrap()
            .unwrap()
            .redemption
            .is_none(),
        "a coupon that does not apply is not used"
    );

    // Applies: used once (phone), and the basket page now shows it.
    let r = post("MERCI-PHONE01", "en").await.unwrap();
    assert_eq!(r.status(), 200);
    let applied = total_on(&r.text().await.unwrap());
    let with_coupon = kiosk_total(
        &s.hq,
        None,
        &["MERCI-PHONE01".into()],
        &[vitrine_core::loyalty::coupon_promotion(
            "MERCI-PHONE01",
            1000,
            0,
            None,
            now + 14 * 86_400,
        )],
    );
    assert_eq!(applied, with_coupon.format(Lang::EN));
    assert!(with_coupon.amount_minor < kiosk_total(&s.hq, None, &[], &[]).amount_minor);
    let used =
        s.hq.storage
            .coupon("MERCI-PHONE01")
            .unwrap()
            .unwrap()
            .redemption
            .unwrap();
    assert_eq!(
        (used.channel.as_str(), used.reference),
        ("phone", format!("handoff:{hid}"))
    );
    let page = c
        .get(s.server.at(&format!("/h/{hid}?lang=en")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total_on(&page), applied, "the basket shows the coupon it used: {page}");
    assert!(page.contains("class=\"promo\""), "{page}");
    // The same code again on the same basket: the same total, one use.
    let r = post("MERCI-PHONE01", "en").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(total_on(&r.text().await.unwrap()), applied);

    // Another basket cannot use it again.
    let other = hand_off(&s, None);
    let r = c
        .post(s.server.at(&format!("/h/{other}/coupon")))
        .form(&[("code", "MERCI-PHONE01"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("already used"));
}

fn order_with(s: &Server, coupons: &[&str], lang: Lang, email: &str) -> OrderRequest {
    OrderRequest {
        id: Uuid::now_v7(),
        store: STORE.into(),
        created_at: s.hq.now(),
        lines: lines(),
        customer: OrderCustomer {
            name: "Ana".into(),
            email: Some(email.into()),
            phone: None,
            customer_id: None,
        },
        lang,
        coupons: coupons.iter().map(|c| c.to_string()).collect(),
        identification: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_coupon_refused_at_sync_is_explained_in_the_order_email() {
    let (port, mut mails) = smtp_server().await;
    let s = start(Some(port), |_| {}).await;
    let now = s.hq.now();
    s.hq.storage
        .put_coupon(&coupon("MERCI-TWICE001", 1000, 0, None, now))
        .unwrap();

    // The first kiosk's order uses it: no refusal in its email.
    let (_, r1) = accept_order(
        &s.hq,
        &s.dev,
        &order_with(&s, &["MERCI-TWICE001"], Lang::EN, "ana@example.fr"),
    )
    .unwrap();
    assert!(r1.coupons[0].accepted);
    s.hq.wake_notifier();
    let m1 = next_mail_text(&mut mails).await;
    assert!(
        m1.contains("is received") && !m1.contains("could not be applied"),
        "{m1}"
    );

    // A kiosk that was offline applied it too: HQ refuses it and says why.
    let (_, r2) = accept_order(
        &s.hq,
        &s.dev,
        &order_with(&s, &["MERCI-TWICE001"], Lang::EN, "bea@example.fr"),
    )
    .unwrap();
    assert!(!r2.coupons[0].accepted);
    assert!(r2.total.amount_minor > r1.total.amount_minor);
    s.hq.wake_notifier();
    let m2 = next_mail_text(&mut mails).await;
    assert!(m2.contains("To: bea@example.fr"), "{m2}");
    assert!(
        m2.contains("Coupon MERCI-TWICE001 could not be applied (this coupon was already used on"),
        "{m2}"
    );
    assert!(m2.contains("the total above is without it"), "{m2}");
    assert!(m2.contains(&format!("Total: {}", r2.total.format(Lang::EN))), "{m2}");

    let (_, r3) = accept_order(
        &s.hq,
        &s.dev,
        &order_with(&s, &["MERCI-TWICE001"], Lang::FR, "chloe@example.fr"),
    )
    .unwrap();
    assert!(!r3.coupons[0].accepted);
    s.hq.wake_notifier();
    let m3 = next_mail_text(&mut mails).await;
    assert!(
        m3.contains("Le bon MERCI-TWICE001 n'a pas pu être appliqué (ce bon de réduction a déjà été utilisé le"),
        "{m3}"
    );
    assert!(m3.contains("le total ci-dessus est calculé sans ce bon"), "{m3}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_survey_loop_drops_the_coupon_reminder_once_the_coupon_is_used() {
    let (port, mut mails) = smtp_server().await;
    let start_at = 1_790_000_000;
    let clock = Clock::manual(start_at);
    let s = start(Some(port), |c| {
        c.clock = clock.clone();
        c.survey.survey_delay_s = 3600;
        c.survey.coupon_valid_days = 14;
        c.survey.reminder_days_before = 3;
    })
    .await;

    // An order, collected: thank-you now, survey an hour later.
    let (_, receipt) = accept_order(&s.hq, &s.dev, &order_with(&s, &[], Lang::EN, "dora@example.fr")).unwrap();
    s.hq.wake_notifier();
    assert!(next_mail_text(&mut mails).await.contains("is received"));
    for st in [OrderStatus::Preparing, OrderStatus::Ready] {
        set_status(&s.hq, "paris-01", &receipt.id, st, "test", None).unwrap();
    }
    assert!(next_mail_text(&mut mails).await.contains("is ready"));
    let o = set_status(&s.hq, "paris-01", &receipt.id, OrderStatus::Collected, "test", None)
        .unwrap()
        .unwrap();
    // Collecting it scheduled the survey loop, once.
    assert!(!after_collected(&s.hq, &o).unwrap());
    assert!(
        next_mail_text(&mut mails)
            .await
            .contains("Subject: Thank you for your visit")
    );
    clock.advance(3600);
    s.hq.wake_notifier();
    let survey = next_mail_text(&mut mails).await;
    let link = survey
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .expect("survey link")
        .to_string();
    let c = reqwest::Client::new();
    let answered = c
        .post(link.split('?').next().unwrap())
        .form(&[("score", "5"), ("lang", "en")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = answered
        .split("id=\"coupon\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    assert!(
        next_mail_text(&mut mails)
            .await
            .contains(&format!("Your 10 % coupon: {code}"))
    );
    let coupon = s.hq.storage.coupon(&code).unwrap().unwrap();
    let reminder_at = coupon.valid_until - 3 * 86_400;
    next_due_becomes(&s.hq, Some(reminder_at)).await;

    // The shopper uses the coupon: the reminder is cancelled at once.
    clock.advance(86_400);
    let (_, used) = accept_order(
        &s.hq,
        &s.dev,
        &order_with(&s, &[code.as_str()], Lang::EN, "dora@example.fr"),
    )
    .unwrap();
    assert!(used.coupons[0].accepted, "{:?}", used.coupons);
    s.hq.wake_notifier();
    assert!(next_mail_text(&mut mails).await.contains("is received"));
    next_due_becomes(&s.hq, None).await;

    // At the reminder's time, the next email is another order's
    // confirmation, not the reminder (which would come first, being older).
    clock.set(reminder_at);
    let (_, later) = accept_order(&s.hq, &s.dev, &order_with(&s, &[], Lang::EN, "dora@example.fr")).unwrap();
    s.hq.wake_notifier();
    let next = next_mail_text(&mut mails).await;
    assert!(
        next.contains(&format!("Your order {} is received", later.number)),
        "{next}"
    );
    assert!(!next.contains("expires soon"), "{next}");
}

// ------------------------------------------------------------ in German

/// A page fetched with an `Accept-Language` header (or none).
async fn get_page(
    url: &str,
    accept_language: Option<&str>,
    staff: Option<&vitrine_testkit::StaffSession>,
) -> (u16, String) {
    let mut r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url);
    if let Some(a) = accept_language {
        r = r.header("accept-language", a);
    }
    if let Some(s) = staff {
        r = r.header("cookie", format!("vitrine_staff={}", s.cookie));
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_page_speaks_the_browsers_language_or_the_one_asked_for_and_so_does_its_email() {
    let (port, mut mails) = smtp_server().await;
    let s = start(Some(port), |_| {}).await;
    let hid = hand_off(&s, None);
    let total = kiosk_total(&s.hq, None, &[], &[]);
    let url = s.server.at(&format!("/h/{hid}"));

    // A Swiss German browser, and a German page asked for by the link
    // whatever the browser says; a language the catalogue lacks is not
    // taken from the link.
    for (url, accept) in [
        (url.clone(), Some("de-CH,de;q=0.9,en;q=0.8")),
        (format!("{url}?lang=de"), None),
        (format!("{url}?lang=de"), Some("en-GB,en")),
        (format!("{url}?lang=it"), Some("it,de;q=0.5")),
    ] {
        let (st, page) = get_page(&url, accept, None).await;
        assert_eq!(st, 200, "{page}");
        assert!(page.contains("<html lang=\"de\""), "{url} {accept:?}: {page}");
        for words in [
            "<title>Ihr Warenkorb</title>",
            "<h1>Ihr Vitrine-Warenkorb</h1>",
            "<strong>Nordic must original</strong>",
            "Menge: 3",
            "<span>Gesamt</span>",
            "Diesen Warenkorb erhalten",
            // The store's name, not its id (issue 16).
            "Filiale: Vitrine Paris Rivoli, Paris",
            "aria-current=\"true\">Deutsch</a>",
            "<label for=\"coupon\">Gutschein</label>",
        ] {
            assert!(page.contains(words), "{url} {accept:?}: no {words:?} in {page}");
        }
        assert_eq!(total_on(&page), total.format(Lang::DE));
        assert!(
            !page.contains("Votre panier") && !page.contains("Your basket"),
            "{page}"
        );
    }
    // Without a language the catalogue has, French.
    let (_, page) = get_page(&url, Some("it,es;q=0.8"), None).await;
    assert!(
        page.contains("<html lang=\"fr\"") && page.contains("Votre panier Vitrine"),
        "{page}"
    );

    // A claim refused in German, then the basket by email in German.
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let claim = |form: Vec<(&'static str, &'static str)>| {
        c.post(s.server.at(&format!("/h/{hid}/claim")))
            .header("accept-language", "de")
            .form(&form)
            .send()
    };
    let r = claim(vec![("email", "keine-adresse")]).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Die E-Mail-Adresse ist ungültig."), "{page}");
    assert!(page.contains("Zurück zum Warenkorb"), "{page}");
    let r = claim(vec![("email", "lena@example.de"), ("lang", "de")]).await.unwrap();
    assert_eq!(r.status(), 303);
    let mail = next_mail_text(&mut mails).await;
    assert!(mail.contains("Subject: Ihr Vitrine-Warenkorb"), "{mail}");
    assert!(
        mail.contains("hier ist der Warenkorb, den Sie am Terminal der Filiale paris-01 zusammengestellt haben:"),
        "{mail}"
    );
    assert!(mail.contains(&format!("Gesamt: {}", total.format(Lang::DE))), "{mail}");
    assert!(
        mail.contains(&format!("Sie finden ihn jederzeit unter: {url}")),
        "{mail}"
    );
    // The page now says it is saved, in German; another address is refused
    // in German first.
    let (_, page) = get_page(&format!("{url}?lang=de"), None, None).await;
    assert!(
        page.contains("Warenkorb gespeichert: Die Bestätigung ist unterwegs."),
        "{page}"
    );
    let r = claim(vec![("email", "mallory@example.com"), ("lang", "de")])
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    let (de, fr) = (
        page.find("Dieser Warenkorb wurde bereits")
            .unwrap_or_else(|| panic!("{page}")),
        page.find("Ce panier a déjà été enregistré")
            .unwrap_or_else(|| panic!("{page}")),
    );
    assert!(de < fr, "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_order_is_confirmed_in_german_and_the_staff_and_survey_pages_speak_german() {
    let (port, mut mails) = smtp_server().await;
    let s = start(Some(port), |c| {
        c.survey.survey_delay_s = 0;
    })
    .await;

    // The order carries German: its confirmation is in German, through the
    // real SMTP server.
    let (_, receipt) = accept_order(
        &s.hq,
        &s.dev,
        &order_with(&s, &["NICHT-DA"], Lang::DE, "lena@example.de"),
    )
    .unwrap();
    s.hq.wake_notifier();
    let mail = next_mail_text(&mut mails).await;
    assert!(mail.contains("To: lena@example.de"), "{mail}");
    assert!(
        mail.contains(&format!("Subject: Ihre Bestellung {} ist eingegangen", receipt.number)),
        "{mail}"
    );
    for words in [
        "Guten Tag Ana,".to_string(),
        format!(
            "wir haben Ihre Click-&-Collect-Bestellung {} für die Filiale paris-01 erhalten.",
            receipt.number
        ),
        "  3 x Nordic must original  ".to_string(),
        format!("Gesamt: {}", receipt.total.format(Lang::DE)),
        "Der Gutschein NICHT-DA konnte nicht angewendet werden (unbekannter Gutscheincode): Die Summe oben ist ohne ihn berechnet.".to_string(),
        "Wir benachrichtigen Sie, sobald sie zur Abholung bereitliegt.".to_string(),
    ] {
        assert!(mail.contains(&words), "no {words:?} in {mail}");
    }

    // The staff page in German (the browser's language), its refusals too.
    let staff = s.server.at("/staff/paris-01/orders");
    let (st, _) = get_page(&staff, Some("de-DE,de"), None).await;
    assert_eq!(st, 303, "to the login page");
    let (st, page) = get_page(&s.server.at("/staff/login"), Some("de-DE,de"), None).await;
    assert_eq!(st, 200);
    assert!(
        page.contains("Anmeldung für Mitarbeitende") && page.contains("Passwort"),
        "{page}"
    );
    let lena = vitrine_testkit::staff_session(&s.server, "lena", Some("paris-01")).await;
    let (st, page) = get_page(&staff, Some("de-DE,de"), Some(&lena)).await;
    assert_eq!(st, 200);
    for words in [
        "<html lang=\"de\"",
        "<h1>Click-&amp;-Collect-Bestellungen — ",
        "Für ",
        "4 Artikel",
        "<span class=\"status\">Eingegangen</span>",
        ">Zusammenstellen beginnen</button>",
        "<summary>Bestellung stornieren</summary>",
    ] {
        assert!(page.contains(words), "no {words:?} in {page}");
    }
    assert!(page.contains(&receipt.total.format(Lang::DE)), "{page}");
    let path = format!("/staff/paris-01/orders/{}/status", receipt.id);
    let set = |status: &'static str| {
        lena.post_form(&path, &[("status", status), ("lang", "de"), ("confirm", "yes")])
            .send()
    };
    let r = set("versandt").await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Unbekannter Status") && page.contains("Zurück zu den Bestellungen"),
        "{page}"
    );
    assert_eq!(set("preparing").await.unwrap().status(), 303);
    assert_eq!(set("ready").await.unwrap().status(), 303);
    let mail = next_mail_text(&mut mails).await;
    assert!(
        mail.contains(&format!("Subject: Ihre Bestellung {} ist abholbereit", receipt.number)),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "Ihre Bestellung {} liegt in der Filiale paris-01 zur Abholung bereit.",
            receipt.number
        )),
        "{mail}"
    );

    // Collected: the thank-you and the survey in German, the survey page in
    // German, the coupon it earns too.
    assert_eq!(set("collected").await.unwrap().status(), 303);
    let thanks = next_mail_text(&mut mails).await;
    assert!(
        thanks.contains("vielen Dank, dass Sie sich für Vitrine entschieden haben."),
        "{thanks}"
    );
    let survey = next_mail_text(&mut mails).await;
    assert!(survey.contains("Subject: Ihre Meinung"), "{survey}");
    assert!(
        survey.contains("als Dankeschön erhalten Sie einen Gutschein über 10 %"),
        "{survey}"
    );
    let link = survey
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .expect("survey link")
        .to_string();
    assert!(link.ends_with("?lang=de"), "{link}");
    let (st, page) = get_page(&link, None, None).await;
    assert_eq!(st, 200);
    for words in [
        "<html lang=\"de\"",
        "<h1>Ihre Meinung</h1>",
        "<legend>Wie zufrieden sind Sie mit Ihrem Einkauf?</legend>",
        "<button type=\"submit\">Senden</button>",
    ] {
        assert!(page.contains(words), "no {words:?} in {page}");
    }
    let page = reqwest::Client::new()
        .post(link.split('?').next().unwrap())
        .form(&[("score", "4"), ("lang", "de")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h1>Vielen Dank!</h1>") && page.contains("Ihr Gutschein:"),
        "{page}"
    );
    let code = page
        .split("id=\"coupon\">")
        .nth(1)
        .and_then(|p| p.split('<').next())
        .unwrap()
        .to_string();
    let coupon = s.hq.storage.coupon(&code).unwrap().unwrap();
    let until = vitrine_hq::dates::date(coupon.valid_until).render(Lang::DE);
    assert!(until.split('.').count() == 3, "{until}");
    assert!(page.contains(&format!("(gültig bis {until})")), "{page}");
    let mail = next_mail_text(&mut mails).await;
    assert!(
        mail.contains(&format!(
            "Hier ist Ihr Gutschein über 10 % auf Ihren Einkauf, gültig im Geschäft (Terminal) und online bis {until}:"
        )),
        "{mail}"
    );
    assert!(
        mail.replace("\r\n", "\n").contains(&format!("\n\n  {code}\n\n")),
        "{mail}"
    );
    // An unknown survey link: a German page, not a JSON error.
    let (st, page) = get_page(&s.server.at("/s/NOPE?lang=de"), None, None).await;
    assert_eq!(st, 404);
    assert!(page.contains("Dieser Link ist ungültig."), "{page}");
}

/// Product pictures (issue 16) on the phone's basket and the click&collect
/// desk: each line with a picture shows HQ's thumb size in a fixed 80 px
/// box, lazily loaded, with the product's name as its text; a product
/// without one shows none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_basket_and_the_staff_orders_show_product_pictures() {
    let s = start(None, |_| {}).await;
    let png = vitrine_testkit::pictures::png(300, 200);
    let id = vitrine_hq::services::pictures::import_bytes(&*s.hq.storage, &png, "coke.png").unwrap();
    let mut coke = s.hq.storage.product_price(gtin(COKE), "").unwrap().unwrap().product;
    coke.image = Some(id.clone());
    s.hq.commit(&[Change::UpsertProduct(coke)], None).unwrap();
    let img = format!(
        "<img class=\"thumb\" src=\"/v1/images/{id}/thumb\" width=\"56\" height=\"56\" alt=\"Nordic must original\" loading=\"lazy\" decoding=\"async\">"
    );

    let hid = hand_off(&s, None);
    let (st, page) = get_page(&s.server.at(&format!("/h/{hid}?lang=en")), None, None).await;
    assert_eq!(st, 200);
    assert_eq!(page.matches(&img).count(), 1, "{page}");
    assert_eq!(page.matches("<img").count(), 1, "the book has no picture: {page}");
    // The page's picture loads from the same origin (the page's CSP allows it).
    let thumb = reqwest::get(s.server.at(&format!("/v1/images/{id}/thumb")))
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);

    let (_, receipt) = accept_order(&s.hq, &s.dev, &order_with(&s, &[], Lang::EN, "ana@example.com")).unwrap();
    let lena = vitrine_testkit::staff_session(&s.server, "lena", Some("paris-01")).await;
    let (st, page) = get_page(&s.server.at("/staff/paris-01/orders?lang=en"), None, Some(&lena)).await;
    assert_eq!(st, 200);
    let row = page
        .split(&format!("data-order=\"{}\"", receipt.id))
        .nth(1)
        .unwrap_or_else(|| panic!("{page}"));
    assert!(row.split("</tr>").next().unwrap().contains(&img), "{page}");
}
