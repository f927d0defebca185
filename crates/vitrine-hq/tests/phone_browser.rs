//! The phone half of the journey as a shopper lives it (issue 16's test),
//! in a real phone-sized Chromium driven over WebDriver (Debian's
//! chromium-driver): the kiosk's basket opened on the phone, a quantity
//! changed and the total priced again by HQ, identification by the
//! one-time code read from a real SMTP server, a click&collect order at a
//! store chosen in the list (nearest first, with distances) and a slot,
//! then a home delivery from another basket; the confirmations arrive
//! (SMTP, the SMS webhook) and the retailer's side, HQ's own verifying
//! receiver (`vitrine-hq webhook receive`, as the demo runs it), logs each
//! order exactly once; the order page reloads with its status. And the
//! service worker: with HQ stopped, the basket page still shows the last
//! basket, saying it is offline.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;
use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::geo::GeoPoint;
use vitrine_core::pricing::Tier;
use vitrine_core::product::{ONLINE, StockEntry, Store};
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit, OrderStatus};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::customers::{self, NewCustomer};
use vitrine_hq::services::handoffs::{Source, accept_handoff};
use vitrine_hq::services::{orders, phone};
use vitrine_hq::storage::EventState;
use vitrine_hq::{HqConfig, OrderWebhook, SmtpConfig, WebhookSecret};
use vitrine_i18n::MoneyText;
use vitrine_testkit::{
    Browser, EnrolledKiosk, HqServer, code_in, commit_products, enroll_kiosk, next_mail_text, next_sms, sms_server,
    smtp_server, start_hq_in_temp_dir,
};

const COKE: &str = "05449000039231";
const BOOK: &str = "09780439023481";
const STORE: &str = "paris-01";
/// A second Paris store, 2.5 km from the kiosk's, with the basket in stock.
const BASTILLE: &str = "paris-02";
/// A store without a position: listed after those with one.
const NANTES: &str = "nantes-05";
const SECRET: &str = "a-browser-test-webhook-secret-0123";

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

/// HQ with two products (the demo generator's stores, which have
/// positions, plus Bastille and Nantes), the given configuration, and a
/// kiosk enrolled at `paris-01`.
async fn start(tweak: impl FnOnce(&mut HqConfig)) -> (HqServer, EnrolledKiosk) {
    let server = start_hq_in_temp_dir(tweak).await;
    commit_products(
        &server.hq,
        &[(COKE, "Nordic must original"), (BOOK, "The Hunger Games")],
        vec![
            Change::UpsertStore(Store {
                id: BASTILLE.into(),
                name: "Vitrine Paris Bastille".into(),
                city: Some("Paris".into()),
                address: Some("2 place de la Bastille".into()),
                location: Some(GeoPoint::new(48.8533, 2.3692).unwrap()),
            }),
            Change::UpsertStore(Store {
                id: NANTES.into(),
                name: "Vitrine Nantes".into(),
                city: Some("Nantes".into()),
                address: None,
                location: None,
            }),
            stock(COKE, STORE, 50),
            stock(BOOK, STORE, 5),
            stock(COKE, BASTILLE, 50),
            stock(BOOK, BASTILLE, 5),
            stock(COKE, ONLINE, 500),
            stock(BOOK, ONLINE, 500),
        ],
    );
    let kiosk = enroll_kiosk(&server, STORE, 7).await;
    (server, kiosk)
}

/// A basket the kiosk hands off (signed, as the kiosk does).
fn hand_off(s: &HqServer, k: &EnrolledKiosk, lines: Vec<HandoffLine>) -> Uuid {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: k.id.clone(),
        store: STORE.into(),
        created_at: s.hq.now(),
        lines,
    };
    let sub = HandoffSubmit {
        compact: b.to_compact(&k.key),
        contact: None,
        customer_id: None,
        identification: None,
    };
    accept_handoff(&s.hq, &sub, Source::Kiosk(&k.id), None).unwrap().id
}

/// The exact text of the element with `id` (spaces as written: money has
/// no-break spaces WebDriver's text would turn into spaces).
async fn text_of(b: &Browser, id: &str) -> String {
    b.eval(
        "var e = document.getElementById(arguments[0]); return e ? e.textContent : null;",
        json!([id]),
    )
    .await
    .as_str()
    .unwrap_or_else(|| panic!("no #{id} on the page"))
    .to_string()
}

/// The receiver the demo runs, `vitrine-hq webhook receive`, on a free
/// port: its URL, the lines it logs, and the process.
async fn receiver(secret_file: &std::path::Path) -> (String, mpsc::UnboundedReceiver<String>, tokio::process::Child) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vitrine-hq"))
        .args(["webhook", "receive", "--listen", "127.0.0.1:0", "--secret-file"])
        .arg(secret_file)
        .env("VITRINE_HQ_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start vitrine-hq webhook receive");
    let mut errors = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), errors.next_line())
        .await
        .expect("the receiver did not start within 30 s")
        .unwrap()
        .expect("the receiver exited");
    let url = first
        .strip_prefix("webhook receiver on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .trim()
        .to_string();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let tx2 = tx.clone();
    tokio::spawn(async move {
        while let Ok(Some(l)) = out.next_line().await {
            let _ = tx.send(l);
        }
    });
    // A refused delivery (a bad signature) is said on standard error.
    tokio::spawn(async move {
        while let Ok(Some(l)) = errors.next_line().await {
            let _ = tx2.send(format!("stderr: {l}"));
        }
    });
    (format!("{url}/orders"), rx, child)
}

/// Waits (bounded) for the receiver's line containing `needle`, keeping
/// every line seen in `log`.
async fn logged(rx: &mut mpsc::UnboundedReceiver<String>, log: &mut Vec<String>, needle: &str) {
    if log.iter().any(|l| l.contains(needle)) {
        return;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let line = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("the receiver logged no `{needle}` within 30 s: {log:#?}"))
            .expect("the receiver's log ended");
        log.push(line);
        if log.last().is_some_and(|l| l.contains(needle)) {
            return;
        }
    }
}

/// The order shown in the browser (`/o/{id}?lang=…`): its id.
async fn order_shown(b: &Browser) -> Uuid {
    let url = b.url().await;
    let id = url
        .split("/o/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .unwrap_or_else(|| panic!("not an order page: {url}"));
    Uuid::parse_str(id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_finishes_two_baskets_on_the_phone_in_a_real_browser() {
    let (smtp_port, mut mails) = smtp_server().await;
    let (sms, mut texts) = sms_server().await;
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("webhook-secret");
    std::fs::write(&secret_file, SECRET).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let (hook, mut hook_log, mut hook_process) = receiver(&secret_file).await;
    let (s, kiosk) = start(|cfg| {
        cfg.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        cfg.sms_webhook = Some(sms);
        cfg.order_webhook = Some(OrderWebhook::new(&hook, WebhookSecret::new(SECRET).unwrap()));
    })
    .await;
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
    let basket = hand_off(
        &s,
        &kiosk,
        vec![HandoffLine::new(gtin(COKE), 1), HandoffLine::new(gtin(BOOK), 1)],
    );
    let b = Browser::start(390, 844).await;

    // The kiosk's link, in French: one more drink, and the total HQ
    // prices again.
    b.goto(&s.at(&format!("/h/{basket}?lang=fr"))).await;
    let before = text_of(&b, "total").await;
    b.click(&format!("#l-{COKE} .count + form button")).await;
    b.wait_true(&format!("return location.pathname === '/h/{basket}'"), 20)
        .await;
    assert!(b.text(&format!("#l-{COKE} .count")).await.contains('2'));
    let after = text_of(&b, "total").await;
    let priced = phone::basket(&s.hq, &basket).unwrap().unwrap();
    assert_eq!(priced.record.lines[0].quantity, 2);
    assert_eq!(after, priced.total().unwrap().format(Lang::FR));
    assert_ne!(after, before);

    // Identify: the code is sent by email and typed into the page.
    b.type_into("#who", "camille@example.org").await;
    b.click("form[action$='/identify'] button").await;
    b.wait_for("#code", 20).await;
    let code = code_in(&next_mail_text(&mut mails).await);
    b.type_into("#code", &code).await;
    b.click("form[action$='/verify'] button").await;
    b.wait_for("#member", 20).await;
    assert!(b.text("#member").await.contains("Camille"));

    // Click&collect: the kiosk's store first, then the nearest (with its
    // distance, written the French way), those without a position last.
    b.click("a[href*='/collect']").await;
    b.wait_for("input[name=store]", 20).await;
    let stores = b
        .eval(
            "return Array.from(document.querySelectorAll('input[name=store]')).map(function (i) { return i.value; });",
            json!([]),
        )
        .await;
    let stores: Vec<&str> = stores.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        stores,
        [STORE, BASTILLE, "lille-03", "lyon-02", "bordeaux-04", NANTES],
        "nearest first"
    );
    let bastille = b
        .eval(
            "return document.querySelector('input[value=\"paris-02\"]').parentElement.textContent;",
            json!([]),
        )
        .await;
    assert!(bastille.as_str().unwrap().contains("à 2,5 km"), "{bastille}");
    // Another store than the kiosk's, and the second slot offered.
    b.click(&format!("input[name=store][value='{BASTILLE}']")).await;
    b.click("fieldset:last-of-type label:nth-of-type(2) input[name=slot]")
        .await;
    let slot: i64 = b
        .eval(
            "return document.querySelector('input[name=slot]:checked').value;",
            json!([]),
        )
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    b.type_into("#name", "Camille Martin").await;
    b.type_into("#email", "camille@example.org").await;
    b.click("form[action$='/order'] button[type=submit]").await;
    b.wait_true("return location.pathname.indexOf('/o/') === 0", 20).await;
    let collect = order_shown(&b).await;
    let collect_order = s.hq.storage.order(&collect).unwrap().expect("the order");
    assert_eq!(collect_order.store, BASTILLE);
    let (details, _) = phone::order_details(&s.hq, &collect).unwrap().unwrap();
    assert_eq!(details.slot_start, slot, "the slot chosen in the page");
    assert!(
        b.text("h1").await.contains(&collect_order.number),
        "the page says the order's number"
    );
    let mail = next_mail_text(&mut mails).await;
    assert!(mail.contains(&collect_order.number), "{mail}");
    assert!(mail.contains("Vitrine Paris Bastille"), "{mail}");

    // Home delivery from another basket, in German: the address typed.
    let second = hand_off(&s, &kiosk, vec![HandoffLine::new(gtin(BOOK), 2)]);
    b.goto(&s.at(&format!("/h/{second}?lang=de"))).await;
    b.click("a[href*='/delivery']").await;
    b.wait_for("#street", 20).await;
    b.type_into("#street", "12 rue de Rivoli").await;
    b.type_into("#postcode", "75001").await;
    b.type_into("#city", "Paris").await;
    b.type_into("#name", "Camille Martin").await;
    b.type_into("#phone", "+33612345678").await;
    b.click("form[action$='/order'] button[type=submit]").await;
    b.wait_true("return location.pathname.indexOf('/o/') === 0", 20).await;
    let delivery = order_shown(&b).await;
    let delivery_order = s.hq.storage.order(&delivery).unwrap().expect("the order");
    let text = next_sms(&mut texts).await;
    assert_eq!(text["to"], "+33612345678");
    let body = text["text"].as_str().unwrap();
    assert!(body.contains(&delivery_order.number), "{text}");
    assert!(body.contains("12 rue de Rivoli, 75001 Paris"), "{text}");

    // The retailer's side logs each order (its signature checked).
    let mut log = Vec::new();
    for o in [&collect_order, &delivery_order] {
        logged(&mut hook_log, &mut log, &format!("order.created  order {}", o.number)).await;
    }

    // The first order's page, reloaded after the store starts preparing
    // it: its number and its new status.
    b.goto(&s.at(&format!("/o/{collect}?lang=fr"))).await;
    assert!(text_of(&b, "status").await.contains("Reçue"));
    orders::set_status(&s.hq, BASTILLE, &collect, OrderStatus::Preparing, "camille", None).unwrap();
    b.reload().await;
    assert!(b.text("h1").await.contains(&collect_order.number));
    assert!(
        text_of(&b, "status").await.contains("En préparation"),
        "{}",
        b.source().await
    );
    logged(&mut hook_log, &mut log, "received -> preparing").await;

    // Exactly once: when HQ has nothing left to deliver, the receiver's
    // whole log has one line per event, none repeated or refused.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !s.hq.storage.webhook_events(EventState::Pending, 10).unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "HQ still has events to deliver");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s.hq.storage.webhook_events(EventState::Dead, 10).unwrap().len(), 0);
    let delivered = s.hq.storage.webhook_events(EventState::Delivered, 10).unwrap();
    assert_eq!(delivered.len(), 3, "{delivered:?}");
    hook_process.kill().await.unwrap();
    while let Some(l) = hook_log.recv().await {
        log.push(l);
    }
    let count = |needle: &str| log.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(
        count(&format!("order.created  order {}", collect_order.number)),
        1,
        "{log:#?}"
    );
    assert_eq!(
        count(&format!("order.created  order {}", delivery_order.number)),
        1,
        "{log:#?}"
    );
    assert_eq!(count("order.status_changed"), 1, "{log:#?}");
    assert_eq!(count("repeat"), 0, "{log:#?}");
    assert_eq!(count("stderr:"), 0, "a delivery was refused: {log:#?}");
    // Each event's idempotency key (its id) once.
    for e in &delivered {
        assert_eq!(count(&format!("event {}", e.id)), 1, "{log:#?}");
    }
    let phone_delivery = log.iter().find(|l| l.contains(&delivery_order.number)).unwrap();
    assert!(phone_delivery.contains("phone delivery"), "{phone_delivery}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_basket_stays_readable_offline_through_the_service_worker() {
    let (mut s, kiosk) = start(|_| {}).await;
    let basket = hand_off(
        &s,
        &kiosk,
        vec![HandoffLine::new(gtin(COKE), 2), HandoffLine::new(gtin(BOOK), 1)],
    );
    let b = Browser::start(390, 844).await;
    b.goto(&s.at(&format!("/h/{basket}?lang=de"))).await;
    let total = text_of(&b, "total").await;
    assert!(
        b.eval("return document.getElementById('offline').hidden;", json!([]))
            .await
            == Value::Bool(true),
        "no offline note while online"
    );
    // The worker takes control of the page that registered it, and keeps
    // that page (the shopper opened the link once).
    b.wait_true("return !!navigator.serviceWorker.controller;", 30).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let kept = b
            .eval_async(
                "var done = arguments[arguments.length - 1];
                 caches.open('vitrine-last-basket')
                   .then(function (c) { return c.keys(); })
                   .then(function (ks) { done(ks.map(function (k) { return k.url; })); },
                         function (e) { done([String(e)]); });",
                json!([]),
            )
            .await;
        if kept.to_string().contains(&format!("/h/{basket}")) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker kept no basket: {kept}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // No more HQ (poor signal in the store): reloading shows the last
    // basket, its names and total, and says it is offline.
    let url = s.at(&format!("/h/{basket}?lang=de"));
    s.stop().await;
    assert!(reqwest::get(&url).await.is_err(), "HQ still answers");
    b.reload().await;
    b.wait_for("#offline[role=status]", 20).await;
    let note = b.text("#offline").await;
    assert!(
        note.contains("Offline: Dies ist der zuletzt bekannte Warenkorb"),
        "{note}"
    );
    let page = b.text("main").await;
    assert!(
        page.contains("Nordic must original") && page.contains("The Hunger Games"),
        "{page}"
    );
    assert_eq!(text_of(&b, "total").await, total);
}
