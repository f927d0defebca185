//! The shopper's side for real: the handoff page opened in headless
//! Chromium, confirmations received by a real SMTP server and a real SMS
//! webhook on loopback, and the staff page changing an order's status.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use tokio::net::TcpListener;
use vitrine::sync::{NewOrder, Outbox, sync_once};
use vitrine_core::wire::{HandoffLine, OrderCustomer, order_number};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::SmtpConfig;
use vitrine_i18n::MoneyText;

fn lines() -> Vec<HandoffLine> {
    vec![
        HandoffLine {
            gtin: Gtin::from_digits(COKE).unwrap(),
            quantity: 3,
            measure: None,
        },
        HandoffLine {
            gtin: Gtin::from_digits(BOOK).unwrap(),
            quantity: 1,
            measure: None,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handoff_page_in_headless_chromium_shows_the_basket_even_before_the_kiosk_delivers_it() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |c| {
        c.app_deep_link = Some("vitrine://basket/{id}".into());
    })
    .await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    // The kiosk is offline: no worker runs, the handoff stays in its outbox.
    let ob = Outbox::open(k_dir.path()).unwrap();
    let q = ob.queue_handoff(&lines(), None, None).unwrap();
    assert!(q.url.starts_with(&format!("{}/h/{}#", hq.url(), q.id)), "{}", q.url);
    assert!(hq.hq.storage.handoff(&q.id).unwrap().is_none());

    // The phone page gets the basket from the link's fragment (in the
    // browser's language: headless Chromium asks for English).
    let dom = chromium_dom(&q.url).await;
    assert!(dom.contains("Your Vitrine basket"), "{dom}");
    assert!(
        dom.contains("Nordic must original") && dom.contains("Quantity: 3"),
        "{dom}"
    );
    assert!(dom.contains("Lord Edgware Dies"), "{dom}");
    assert!(dom.contains("Open in the app"), "{dom}");
    assert!(dom.contains("Demo prices, not real prices."), "{dom}");
    assert!(dom.contains(&format!("vitrine://basket/{}", q.id)), "{dom}");
    let at_hq = hq.hq.storage.handoff(&q.id).unwrap().expect("submitted by the page");
    assert_eq!(at_hq.source, "phone");

    // The prices shown are HQ's, computed by the pricing engine.
    let priced = vitrine_hq::services::pricing::price_lines(&hq.hq, "paris-01", &lines()).unwrap();
    let total = priced.priced.unwrap().total;
    assert!(
        dom.contains(&format!("id=\"total\">{}<", total.format(Lang::EN))),
        "{total:?} not in {dom}"
    );

    // The kiosk comes back: its copy is the same handoff.
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!((st.outbox_pending, st.outbox_dead), (0, 0));
    let again = hq.hq.storage.handoff(&q.id).unwrap().unwrap();
    assert_eq!(again.source, "phone");
    assert_eq!(again.received_at, at_hq.received_at);

    // In French, rendered by HQ now that it has the basket.
    let dom = chromium_dom(&format!("{}/h/{}?lang=fr", hq.url(), q.id)).await;
    assert!(
        dom.contains("Votre panier Vitrine") && dom.contains("Ouvrir dans l'application"),
        "{dom}"
    );
    assert!(
        dom.contains(&format!("id=\"total\">{}<", total.format(Lang::FR))),
        "{dom}"
    );

    // A tampered link (another quantity under the kiosk's signature) is
    // refused with words for the shopper.
    let q2 = ob.queue_handoff(&lines(), None, None).unwrap();
    let dom = chromium_dom(&q2.url.replace("*3,", "*9,")).await;
    assert!(dom.contains("signature"), "{dom}");
    assert!(!dom.contains("Quantity: 9"), "{dom}");
    assert!(hq.hq.storage.handoff(&q2.id).unwrap().is_none());
}

/// A real HTTP endpoint standing in for the SMS provider.
async fn sms_webhook() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(v): axum::Json<serde_json::Value>| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push(v);
                "ok"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

/// HQ sending its emails to a real SMTP server and its text messages to
/// the webhook stand-in, both on loopback.
async fn notifying_hq(
    dir: &std::path::Path,
) -> (
    HqServer,
    tokio::sync::mpsc::UnboundedReceiver<String>,
    Arc<Mutex<Vec<serde_json::Value>>>,
) {
    let (smtp_port, mails) = smtp_server().await;
    let (sms_url, sms) = sms_webhook().await;
    let hq = start_hq(dir, |c| {
        c.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        c.sms_webhook = Some(sms_url);
    })
    .await;
    (hq, mails, sms)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_and_collect_confirmation_reaches_a_real_smtp_server_and_the_sms_webhook() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (hq, mut mails, sms) = notifying_hq(hq_dir.path()).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    let q = ob
        .queue_order(NewOrder {
            lines: lines(),
            customer: OrderCustomer {
                name: "Camille".into(),
                email: Some("camille@example.fr".into()),
                phone: Some("+33 6 12 34 56 78".into()),
                customer_id: None,
            },
            lang: Lang::FR,
            identification: None,
        })
        .unwrap();
    assert_eq!(q.number, order_number(&q.id));
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(st.outbox_pending, 0);

    let mail = unqp(&next_mail(&mut mails).await);
    assert!(mail.contains("To: camille@example.fr"), "{mail}");
    assert!(mail.contains(&q.number), "{mail}");
    assert!(mail.contains("Bonjour Camille"), "{mail}");
    assert!(mail.contains("Nordic must original"), "{mail}");
    assert!(mail.contains("Prix de démonstration"), "{mail}");
    let order = hq.hq.storage.order(&q.id).unwrap().unwrap();
    assert!(mail.contains(&order.total.format(Lang::FR)), "{mail}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sms.lock().unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no SMS");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    {
        let s = sms.lock().unwrap();
        assert_eq!(s[0]["to"], "+33 6 12 34 56 78");
        assert!(s[0]["text"].as_str().unwrap().contains(&q.number));
    }

    // The staff page lists it and marks it ready; the shopper is told.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = format!("{}/staff/paris-01/orders", hq.url());
    assert_eq!(
        no_redirect.get(&page).send().await.unwrap().status(),
        303,
        "to the login page"
    );
    let staff = vitrine_testkit::staff_session(&hq, "camille", Some("paris-01")).await;
    let html = staff
        .get("/staff/paris-01/orders")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&q.number) && html.contains("Reçue") && html.contains("Camille"),
        "{html}"
    );
    let html_en = staff
        .get("/staff/paris-01/orders?lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html_en.contains("Click&amp;collect orders") && html_en.contains("Received"),
        "{html_en}"
    );
    let r = staff.advance_to("paris-01", &q.id, "ready").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        hq.hq.storage.order(&q.id).unwrap().unwrap().status,
        vitrine_core::wire::OrderStatus::Ready
    );
    let ready = unqp(&next_mail(&mut mails).await);
    assert!(ready.contains("est pr") && ready.contains(&q.number), "{ready}");

    // A shopper claims a handoff on their phone: the basket comes by email.
    let h = ob.queue_handoff(&lines(), None, None).unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let r = no_redirect
        .post(format!("{}/h/{}/claim", hq.url(), h.id))
        .form(&[("email", "sam@example.fr"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mail = unqp(&next_mail(&mut mails).await);
    assert!(
        mail.contains("To: sam@example.fr") && mail.contains("Your Vitrine basket"),
        "{mail}"
    );
    assert!(mail.contains(&format!("/h/{}", h.id)), "{mail}");
    let bad = no_redirect
        .post(format!("{}/h/{}/claim", hq.url(), h.id))
        .form(&[("email", "not an email"), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    // Another basket claimed with a phone number: the link comes by SMS.
    let h2 = ob.queue_handoff(&lines(), None, None).unwrap();
    sync_once(k_dir.path(), settings()).await.unwrap();
    let sent_before = sms.lock().unwrap().len();
    let r = no_redirect
        .post(format!("{}/h/{}/claim", hq.url(), h2.id))
        .form(&[("phone", "06 98 76 54 32"), ("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = sms.lock().unwrap().iter().skip(sent_before).any(|m| {
            m["to"]
                .as_str()
                .is_some_and(|t| t.replace(' ', "").ends_with("698765432"))
                && m["text"].as_str().is_some_and(|t| t.contains(&format!("/h/{}", h2.id)))
        });
        if found {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no SMS with the basket's link: {:?}",
            sms.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A weighed pack (an in-store label: 7.5 kg of the demo Comté) and a GS1
/// label with a net weight (1.5 kg of it) cost on the phone page, in the
/// claim email and in a click&collect order what they cost at the kiosk
/// (issue 13: the lines crossed the wire as `{gtin, quantity}` and HQ
/// priced them at the catalog's price per kg, once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weighed_and_label_priced_packs_cost_the_same_on_the_phone_and_in_orders_as_at_the_kiosk() {
    use vitrine::catalog::{Catalog, Lookup};
    use vitrine::ui::orders::{CollectOrder, OrderDesk, OutboxDesk};
    use vitrine_core::code::{CodeContext, parse_product_code_with};
    use vitrine_core::label::{LabelMeasure, pack_price};
    use vitrine_core::pricing::{BasketLine, PricingContext, price_basket};

    let (smtp_port, mut mails) = smtp_server().await;
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |c| {
        c.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
    })
    .await;
    // The demo's cheese counter item, sold by the kg at 13,99 €.
    let comte = vitrine_core::demo::demo_weighed_items().remove(0);
    hq.hq
        .commit(
            &[
                vitrine_core::catalog::Change::SetPrice(vitrine_core::product::PriceEntry {
                    gtin: comte.gtin,
                    store: None,
                    price: vitrine_core::Money::eur(1399),
                }),
                vitrine_core::catalog::Change::UpsertProduct(comte),
            ],
            None,
        )
        .unwrap();
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    sync_once(k_dir.path(), settings()).await.unwrap();

    // The basket as the kiosk's screen builds it: each pack priced from its
    // label with the catalog's price per kg.
    let cat = Catalog::open(k_dir.path()).unwrap();
    let mut lines = Vec::new();
    for code in ["2500100075000", "(01)02500100000002(3103)001500", COKE] {
        let parsed = parse_product_code_with(code, None, &CodeContext::defaults(vitrine::scan::today())).unwrap();
        let Lookup::Found(view) = cat.lookup(&parsed, "paris-01", vitrine::clock::now()).unwrap() else {
            panic!("{code} is in the demo catalog");
        };
        let unit = view.price.expect("a demo price");
        let mut line = BasketLine::new(view.product.gtin, 1, unit);
        line.measure = LabelMeasure::of(&parsed, unit.currency);
        line.measured_price = line
            .measure
            .and_then(|m| pack_price(view.product.gtin, Some(unit), view.product.sold_by, Some(&m)).unwrap());
        lines.push(line);
    }
    assert_eq!(lines[0].measured_price.map(|m| m.amount_minor), Some(10493)); // 7.5 × 13.99
    assert_eq!(lines[1].measured_price.map(|m| m.amount_minor), Some(2099)); // 1.5 × 13.99
    let promotions = hq.hq.storage.promotions().unwrap();
    let kiosk_total = price_basket(
        &lines,
        &PricingContext {
            promotions: &promotions,
            customer: None,
            scanned_coupons: &[],
            now: vitrine::clock::now(),
            store: Some("paris-01"),
        },
        vitrine_core::Currency::EUR,
    )
    .unwrap()
    .total;
    assert!(kiosk_total.amount_minor > 10493 + 2099, "{kiosk_total:?}");

    // Through the kiosk's own port to the outbox.
    let desk = OutboxDesk(Outbox::open(k_dir.path()).unwrap());
    let ticket = desk.queue_handoff(&lines, None).unwrap();
    let order = desk
        .queue_order(&CollectOrder {
            lines: lines.clone(),
            customer: None,
            store: "paris-01".into(),
            slot_start: 0,
            slot_end: 0,
            name: "Camille".into(),
            contact: vitrine::session::Contact::Email("camille@example.fr".into()),
            lang: Lang::FR,
            coupons: Vec::new(),
            identification: None,
        })
        .unwrap();
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(st.outbox_pending, 0);

    // The order at HQ and its confirmation.
    let id = uuid::Uuid::parse_str(&order.id).unwrap();
    let stored = hq.hq.storage.order(&id).unwrap().unwrap();
    assert_eq!(stored.total, kiosk_total);
    let mail = unqp(&next_mail(&mut mails).await);
    assert!(mail.contains(&kiosk_total.format(Lang::FR)), "{mail}");
    assert!(mail.contains("104,93 €"), "{mail}");

    // The phone page, from the link the QR code carries.
    let page = reqwest::get(format!("{}/h/{}?lang=fr", hq.url(), ticket.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("id=\"total\">{}<", kiosk_total.format(Lang::FR))),
        "{page}"
    );
    assert!(page.contains("104,93 €") && page.contains("20,99 €"), "{page}");
}

/// A shopper who cannot aim a phone at the QR code types their number on
/// the kiosk: the kiosk's outbox carries the request behind the basket, HQ
/// texts the basket's link to that number, once; another contact typed
/// afterwards for the same basket is refused and its details are not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_typed_on_the_kiosk_goes_out_by_text_message_once() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (hq, mut mails, sms) = notifying_hq(hq_dir.path()).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    let h = ob.queue_handoff(&lines(), None, None).unwrap();
    let phone = vitrine_core::wire::Contact {
        email: None,
        phone: Some("+33612345678".into()),
    };
    ob.queue_handoff_link(&h.id, phone.clone(), Lang::FR).unwrap();
    // Queued twice (a double press): sent once.
    ob.queue_handoff_link(&h.id, phone, Lang::FR).unwrap();
    // A link for a basket this kiosk never made is refused before it is queued.
    assert!(
        ob.queue_handoff_link(
            &uuid::Uuid::now_v7(),
            vitrine_core::wire::Contact {
                email: Some("ana@example.org".into()),
                phone: None
            },
            Lang::FR
        )
        .is_err()
    );
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!((st.outbox_pending, st.outbox_dead), (0, 0));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sms.lock().unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no SMS");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    {
        let s = sms.lock().unwrap();
        assert_eq!(s.len(), 1, "sent once: {s:?}");
        assert_eq!(s[0]["to"], "+33612345678");
        let text = s[0]["text"].as_str().unwrap();
        assert!(text.contains(&format!("/h/{}", h.id)), "the basket's link: {text}");
    }
    let stored = hq.hq.storage.handoff(&h.id).unwrap().unwrap();
    assert!(stored.claimed_at.is_some(), "the basket is claimed by that number");

    // Another contact for the same basket: HQ refuses it for good; the
    // dead letter keeps no trace of the address.
    ob.queue_handoff_link(
        &h.id,
        vitrine_core::wire::Contact {
            email: Some("eve@example.org".into()),
            phone: None,
        },
        Lang::FR,
    )
    .unwrap();
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!((st.outbox_pending, st.outbox_dead), (0, 1));
    let dead = ob.dead_letters().unwrap();
    assert_eq!(
        (dead[0].kind.as_str(), dead[0].http_status),
        ("handoff-link", Some(409))
    );
    let raw = std::fs::read(k_dir.path().join("kiosk.sqlite")).unwrap();
    assert!(
        !String::from_utf8_lossy(&raw).contains("eve@example.org"),
        "the refused address is not kept"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mails.try_recv().is_err(), "no email to the second contact");
}
