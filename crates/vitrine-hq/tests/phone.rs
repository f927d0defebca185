//! The phone half of the journey (issue 16) against a real HQ on loopback,
//! a real SMTP sink and SMS receiver, and Debian's headless Chromium: the
//! basket page (store's name, lines, a line without a price said, quantities
//! changed by forms that post, each edit priced by HQ), click&collect and
//! home delivery ending in an order with a number, a confirmation and a
//! page that reloads, and identification by one-time code.

use std::sync::Arc;

use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::pricing::Tier;
use vitrine_core::product::{ONLINE, StockEntry};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::customers::{self, NewCustomer};
use vitrine_hq::services::handoffs::{Source, accept_handoff};
use vitrine_hq::services::phone;
use vitrine_hq::storage::EventState;
use vitrine_hq::storage::devices::Enrollment;
use vitrine_hq::{Hq, OrderWebhook, SmtpConfig, WebhookSecret, admin};
use vitrine_testkit::{
    HqServer, chromium_dom, code_in, commit_products, next_mail_text, next_sms, sms_server, smtp_server,
    start_hq_in_temp_dir,
};

const COKE: &str = "05449000039231";
const BOOK: &str = "09780439023481";
/// A valid GTIN the catalog does not have.
const UNKNOWN: &str = "04006381333931";
const STORE: &str = "paris-01";

struct Server {
    server: HqServer,
    hq: Arc<Hq>,
    dev: String,
    key: SecretKey,
}

fn gtin(g: &str) -> Gtin {
    Gtin::from_digits(g).unwrap()
}

fn stock(g: &str, store: &str, quantity: i64) -> Change {
    Change::SetStock(StockEntry {
        gtin: gtin(g),
        store: store.into(),
        quantity,
        updated_at: 1_700_000_000,
    })
}

async fn start(smtp_port: u16, sms: String) -> Server {
    let server = start_hq_in_temp_dir(|cfg| {
        cfg.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        cfg.sms_webhook = Some(sms);
        cfg.shop.retailer_name = "Maison Test".into();
        cfg.shop.colour = "#7a1f5c".into();
        cfg.shop.logo = Some((
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>".to_vec(),
            "image/svg+xml".into(),
        ));
        cfg.shop.delivery_fee_minor = 490;
        cfg.shop.free_delivery_from_minor = Some(100_000);
        cfg.app_deep_link = Some("maisontest://basket/{id}".into());
        // The retailer's order webhook (nobody listens: the events stay in
        // HQ's outbox, where the test reads them).
        cfg.order_webhook = Some(OrderWebhook::new(
            "http://127.0.0.1:9/orders",
            WebhookSecret::new("phone-test-secret-0123").unwrap(),
        ));
    })
    .await;
    let hq = server.hq.clone();
    commit_products(
        &hq,
        &[(COKE, "Nordic must original"), (BOOK, "The Hunger Games")],
        vec![
            stock(COKE, STORE, 50),
            stock(BOOK, STORE, 5),
            stock(COKE, "lille-03", 0),
            stock(BOOK, "lille-03", 5),
            stock(COKE, ONLINE, 500),
            stock(BOOK, ONLINE, 500),
        ],
    );
    let (_, code) = admin::device_add(&hq, STORE).unwrap();
    let key = SecretKey::from_seed([9; 32]);
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
        .expect("enrolled")
        .id;
    Server { server, hq, dev, key }
}

fn hand_off(s: &Server, lines: Vec<HandoffLine>) -> Uuid {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: s.dev.clone(),
        store: STORE.into(),
        created_at: s.hq.now(),
        lines,
    };
    let sub = HandoffSubmit {
        compact: b.to_compact(&s.key),
        contact: None,
        customer_id: None,
        identification: None,
    };
    accept_handoff(&s.hq, &sub, Source::Kiosk(&s.dev), None).unwrap().id
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(s: &Server, path: &str, lang: &str) -> (u16, String) {
    let r = client()
        .get(s.server.at(path))
        .header("Accept-Language", lang)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Posts a form; the status and the `Location` (or the page).
async fn post(s: &Server, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = client().post(s.server.at(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    match r.headers().get("location") {
        Some(l) => (status, l.to_str().unwrap().to_string()),
        None => (status, r.text().await.unwrap()),
    }
}

/// The value of the first `name="…" value="…"` input in a page.
fn input_value(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

fn total_of(page: &str) -> String {
    let at = page.find("id=\"total\">").expect("a total");
    let rest = &page[at + 11..];
    rest[..rest.find('<').unwrap()].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_basket_page_names_the_store_says_the_unpriced_line_and_edits_are_priced_by_hq() {
    let (port, _mails) = smtp_server().await;
    let (sms, _texts) = sms_server().await;
    let s = start(port, sms).await;
    let id = hand_off(
        &s,
        vec![
            HandoffLine::new(gtin(COKE), 3),
            HandoffLine::new(gtin(BOOK), 1),
            HandoffLine::new(gtin(UNKNOWN), 1),
        ],
    );

    // In the browser's language, the store's name, not its id; the line
    // without a price is said, and so is the total that leaves it out.
    let (status, de) = get(&s, &format!("/h/{id}"), "de-DE,de;q=0.9").await;
    assert_eq!(status, 200);
    assert!(de.contains("<html lang=\"de\""), "{de}");
    assert!(de.contains("Filiale: Vitrine Paris Rivoli, Paris"), "{de}");
    assert!(de.contains("Maison Test"), "the retailer's name: {de}");
    assert!(
        de.contains(&format!(
            "Produkt {UNKNOWN} hat hier keinen Preis: Die Summe enthält es nicht."
        )),
        "{de}"
    );
    assert!(de.contains("Summe ohne das Produkt ohne Preis"), "{de}");
    assert!(de.contains("maisontest://basket/"), "the app's link: {de}");
    // The pictures' place on each line.
    assert!(
        de.contains(&format!("<div class=\"pic\" data-gtin=\"{COKE}\">")),
        "{de}"
    );

    // Switchable: ?lang= wins over the browser's.
    let (_, en) = get(&s, &format!("/h/{id}?lang=en"), "de").await;
    assert!(en.contains("Store: Vitrine Paris Rivoli"), "{en}");
    let before = total_of(&en);
    let hq_total = phone::basket(&s.hq, &id).unwrap().unwrap().total().unwrap();
    assert_eq!(before, vitrine_i18n::MoneyText::format(&hq_total, Lang::EN));

    // The real browser renders the same page (its script leaves it be).
    let dom = chromium_dom(&s.server.at(&format!("/h/{id}?lang=fr"))).await;
    assert!(dom.contains("<main>") && dom.contains("Nordic must original"), "{dom}");
    assert!(dom.contains("Retirer Nordic must original"), "{dom}");

    // Remove the unknown line, then one drink less: each a new version,
    // priced by HQ (the forms post; no script).
    let (st, loc) = post(
        &s,
        &format!("/h/{id}/lines"),
        &[("gtin", UNKNOWN), ("quantity", "0"), ("v", "0"), ("lang", "en")],
    )
    .await;
    assert_eq!((st, loc.as_str()), (303, format!("/h/{id}?lang=en").as_str()));
    let (st, _) = post(
        &s,
        &format!("/h/{id}/lines"),
        &[("gtin", COKE), ("quantity", "2"), ("v", "1"), ("lang", "en")],
    )
    .await;
    assert_eq!(st, 303);
    // A page showing an old version changes nothing.
    post(
        &s,
        &format!("/h/{id}/lines"),
        &[("gtin", COKE), ("quantity", "9"), ("v", "1"), ("lang", "en")],
    )
    .await;
    let b = phone::basket(&s.hq, &id).unwrap().unwrap();
    assert_eq!(b.version, 2);
    assert_eq!(
        b.record.lines,
        vec![HandoffLine::new(gtin(COKE), 2), HandoffLine::new(gtin(BOOK), 1)]
    );
    let (_, en) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(!en.contains("without a price"), "{en}");
    assert!(en.contains("Quantity: 2"), "{en}");
    assert_eq!(
        total_of(&en),
        vitrine_i18n::MoneyText::format(&b.total().unwrap(), Lang::EN)
    );
    assert_ne!(total_of(&en), before);
    // The kiosk's signed basket is kept as it was.
    assert_eq!(s.hq.storage.handoff(&id).unwrap().unwrap().lines.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_and_collect_and_delivery_from_the_phone_end_in_orders_with_a_page_and_a_confirmation() {
    let (port, mut mails) = smtp_server().await;
    let (sms, mut texts) = sms_server().await;
    let s = start(port, sms).await;

    // Click&collect: the kiosk's store first, with the basket's stock;
    // a store missing a product cannot be chosen.
    let id = hand_off(
        &s,
        vec![HandoffLine::new(gtin(COKE), 2), HandoffLine::new(gtin(BOOK), 1)],
    );
    let (_, form) = get(&s, &format!("/h/{id}/collect?lang=en"), "en").await;
    let paris = form.find("Vitrine Paris Rivoli").expect("the kiosk's store");
    let lille = form.find("Vitrine Lille Centre").expect("another store");
    assert!(paris < lille, "{form}");
    assert!(form.contains("1 product missing"), "{form}");
    let token = input_value(&form, "token");
    let slot = input_value(&form, "slot");
    let order_form = [
        ("way", "collect"),
        ("token", token.as_str()),
        ("store", STORE),
        ("slot", slot.as_str()),
        ("name", "Camille Martin"),
        ("email", "camille@example.org"),
        ("lang", "en"),
    ];
    let (st, loc) = post(&s, &format!("/h/{id}/order"), &order_form).await;
    assert_eq!(st, 303, "{loc}");
    assert_eq!(loc, format!("/o/{token}?lang=en"));
    // The same form twice is one order.
    let (_, again) = post(&s, &format!("/h/{id}/order"), &order_form).await;
    assert_eq!(again, loc);
    assert_eq!(s.hq.storage.orders_of_handoff(&id).unwrap().len(), 1);
    let number =
        s.hq.storage
            .order(&Uuid::parse_str(&token).unwrap())
            .unwrap()
            .unwrap()
            .number;
    let mail = next_mail_text(&mut mails).await;
    assert!(
        mail.contains(&format!("We have received your order {number}")),
        "{mail}"
    );
    assert!(mail.contains("Collect it at Vitrine Paris Rivoli, Paris"), "{mail}");
    // The order page reloads later, with the way it is paid.
    let (st, page) = get(&s, &loc, "en").await;
    assert_eq!(st, 200);
    assert!(page.contains(&format!("Order {number}")), "{page}");
    assert!(page.contains("You pay at the store when you collect it."), "{page}");
    // Ordered: the basket no longer changes, and links to its order.
    let (st, _) = post(
        &s,
        &format!("/h/{id}/lines"),
        &[("gtin", COKE), ("quantity", "1"), ("v", "0")],
    )
    .await;
    assert_eq!(st, 409);
    let (_, basket) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(basket.contains(&format!("See order {number}")), "{basket}");

    // Delivery (where the kiosk's "have it delivered" leads): an address
    // HQ refuses is said; a valid one makes the order, with HQ's fee.
    let id = hand_off(&s, vec![HandoffLine::new(gtin(BOOK), 1)]);
    let (_, form) = get(&s, &format!("/h/{id}/delivery?lang=fr"), "fr").await;
    assert!(form.contains("Frais de livraison : 4,90"), "{form}");
    let token = input_value(&form, "token");
    let slot = input_value(&form, "slot");
    let mut delivery = vec![
        ("way", "delivery"),
        ("token", token.as_str()),
        ("slot", slot.as_str()),
        ("street", "12 rue de Rivoli"),
        ("postcode", "PARIS"),
        ("city", "Paris"),
        ("name", "Camille Martin"),
        ("phone", "+33612345678"),
        ("lang", "fr"),
    ];
    let (st, refused) = post(&s, &format!("/h/{id}/order"), &delivery).await;
    assert_eq!(st, 422);
    assert!(
        refused.contains("role=\"alert\"") && refused.contains("Le code postal n&#39;est pas valide."),
        "{refused}"
    );
    delivery[4] = ("postcode", "75001");
    let (st, loc) = post(&s, &format!("/h/{id}/order"), &delivery).await;
    assert_eq!(st, 303, "{loc}");
    let order_id = Uuid::parse_str(&token).unwrap();
    let o = s.hq.storage.order(&order_id).unwrap().unwrap();
    let basket_total = phone::basket(&s.hq, &id).unwrap().unwrap().total().unwrap();
    assert_eq!(o.total.amount_minor, basket_total.amount_minor + 490);
    let text = next_sms(&mut texts).await;
    assert_eq!(text["to"], "+33612345678");
    assert!(text["text"].as_str().unwrap().contains(&o.number), "{text}");
    assert!(
        text["text"].as_str().unwrap().contains("12 rue de Rivoli, 75001 Paris"),
        "{text}"
    );
    let (_, page) = get(&s, &loc, "fr").await;
    assert!(page.contains("Vous payez à la livraison."), "{page}");
    // The retailer's order system gets what it needs to deliver: the
    // channel, the address, the slot and the fee.
    let events: Vec<_> = [EventState::Pending, EventState::Delivered, EventState::Dead]
        .into_iter()
        .flat_map(|st| s.hq.storage.webhook_events(st, 100).unwrap())
        .filter(|e| e.order_id == Some(order_id) && e.kind == "order.created")
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    let body: serde_json::Value = serde_json::from_str(&events[0].body).unwrap();
    let order = &body["order"];
    assert_eq!(order["channel"], "phone", "{body}");
    assert_eq!(order["fulfilment"], "delivery", "{body}");
    assert_eq!(order["payment"], "on_delivery", "{body}");
    assert_eq!(order["delivery"]["street"], "12 rue de Rivoli", "{body}");
    assert_eq!(order["delivery"]["postcode"], "75001", "{body}");
    assert_eq!(order["delivery"]["fee"]["amount_minor"], 490, "{body}");
    assert!(
        order["slot"]["start"].as_i64().unwrap() < order["slot"]["end"].as_i64().unwrap(),
        "{body}"
    );
    // The retailer's system answers the webhook with a checkout: the page
    // sends the shopper there.
    assert!(vitrine_hq::services::orders::set_checkout_url(&s.hq, &order_id, "https://pay.example/o/1").unwrap());
    let (_, page) = get(&s, &loc, "fr").await;
    assert!(page.contains("href=\"https://pay.example/o/1\""), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_code_from_the_email_identifies_the_shopper_on_the_phone() {
    let (port, mut mails) = smtp_server().await;
    let (sms, _texts) = sms_server().await;
    let s = start(port, sms).await;
    customers::add(
        &s.hq,
        &NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille@example.org".into()),
            tier: Some(Tier::Gold),
            consent: true,
            ..NewCustomer::default()
        },
    )
    .unwrap();
    let id = hand_off(&s, vec![HandoffLine::new(gtin(COKE), 1)]);
    let (_, page) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(!page.contains("Camille"), "nothing personal before the code");
    let (st, form) = post(
        &s,
        &format!("/h/{id}/identify"),
        &[("value", "camille@example.org"), ("lang", "en")],
    )
    .await;
    assert_eq!(st, 200, "{form}");
    let challenge = input_value(&form, "challenge");
    let mail = next_mail_text(&mut mails).await;
    let code = code_in(&mail);
    // A wrong code is said, with the tries left.
    let (st, wrong) = post(
        &s,
        &format!("/h/{id}/verify"),
        &[("challenge", challenge.as_str()), ("code", "000000"), ("lang", "en")],
    )
    .await;
    assert_eq!(st, 422);
    assert!(wrong.contains("Wrong code."), "{wrong}");
    let (st, loc) = post(
        &s,
        &format!("/h/{id}/verify"),
        &[
            ("challenge", challenge.as_str()),
            ("code", code.as_str()),
            ("lang", "en"),
        ],
    )
    .await;
    assert_eq!((st, loc), (303, format!("/h/{id}?lang=en")));
    let (_, page) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(
        page.contains("Hello Camille: your member prices are applied."),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retailers_app_identifies_the_shopper_with_a_loyalty_token_hq_signed_and_nothing_else() {
    let (port, _mails) = smtp_server().await;
    let (sms, _texts) = sms_server().await;
    let s = start(port, sms).await;
    let cid = customers::add(
        &s.hq,
        &NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille@example.org".into()),
            tier: Some(Tier::Gold),
            consent: true,
            ..NewCustomer::default()
        },
    )
    .unwrap();
    let id = hand_off(&s, vec![HandoffLine::new(gtin(COKE), 1)]);
    let path = format!("/h/{id}/app-identify");
    let token = customers::issue_token(&s.hq, &cid).unwrap();
    // Forged: the same token with its signature changed; signed by another
    // key; too long to be one; garbage. Each is refused and nothing personal
    // shows.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let other = vitrine_core::loyalty::LoyaltyToken::new(
        &s.hq.key.public(),
        &cid,
        "Camille",
        Some(Tier::Gold),
        true,
        s.hq.now(),
    )
    .sign(&SecretKey::from_seed([42; 32]));
    let huge = "A".repeat(phone::MAX_LOYALTY_TOKEN + 1);
    for bad in [forged.as_str(), other.as_str(), huge.as_str(), "not a token"] {
        let (st, page) = post(&s, &path, &[("loyalty", bad), ("lang", "en")]).await;
        assert_eq!(st, 422, "{page}");
        assert!(page.contains("This loyalty code was not accepted"), "{page}");
        assert!(!page.contains("Camille"), "{page}");
    }
    let (_, page) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(!page.contains("Camille"), "refused tokens identify no one");
    // The app's real token identifies the shopper on this basket.
    let (st, loc) = post(&s, &path, &[("loyalty", token.as_str()), ("lang", "en")]).await;
    assert_eq!((st, loc), (303, format!("/h/{id}?lang=en")));
    let (_, page) = get(&s, &format!("/h/{id}?lang=en"), "en").await;
    assert!(
        page.contains("Hello Camille: your member prices are applied."),
        "{page}"
    );
    // An unknown basket is said, not identified.
    let (st, _) = post(
        &s,
        &format!("/h/{}/app-identify", Uuid::now_v7()),
        &[("loyalty", token.as_str()), ("lang", "en")],
    )
    .await;
    assert_eq!(st, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_come_gzipped_with_an_icon_a_manifest_and_a_service_worker() {
    let (port, _mails) = smtp_server().await;
    let (sms, _texts) = sms_server().await;
    let s = start(port, sms).await;
    let id = hand_off(&s, vec![HandoffLine::new(gtin(COKE), 1)]);
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let r = raw
        .get(s.server.at(&format!("/h/{id}")))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let zipped = r.bytes().await.unwrap().len();
    // First load well under 60 KB transferred (pictures aside).
    assert!(zipped < 60 * 1024, "{zipped} bytes");
    for (path, kind) in [
        ("/favicon.ico", "image/svg+xml"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/sw.js", "application/javascript"),
        ("/brand.css", "text/css"),
    ] {
        let r = raw.get(s.server.at(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], kind, "{path}");
    }
    let m: serde_json::Value = raw
        .get(s.server.at("/manifest.webmanifest"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["name"], "Maison Test");
    // The retailer's colour and logo, from HQ's settings.
    let css = raw
        .get(s.server.at("/brand.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("--brand:#7a1f5c"), "{css}");
    let logo = raw.get(s.server.at("/brand/logo")).send().await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    let (_, page) = get(&s, &format!("/h/{id}"), "en").await;
    assert!(page.contains("<img src=\"/brand/logo\""), "{page}");
}
