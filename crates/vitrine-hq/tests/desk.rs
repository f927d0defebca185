//! The click&collect desk (issue 16, part 8) in a real browser (headless
//! Chromium over WebDriver) with the real SMTP sink: a member of staff
//! logs in, sees the store's name and each order's lines to pick, only the
//! actions its status allows, confirms a hand-over, cancels an order with
//! a reason the customer reads in their own language, filters by status,
//! and sees a new order appear without reloading; numbers and dates stay
//! on one line on a phone-sized screen. The server refuses the moves the
//! core's rule does not allow, whoever sends them.

use serde_json::{Value, json};
use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::product::Store;
use vitrine_core::wire::{OrderStatus, order_number};
use vitrine_hq::SmtpConfig;
use vitrine_testkit::{
    Browser, EnrolledKiosk, HqServer, STAFF_PASSWORD, commit_products, enroll_kiosk, next_mail_text, smtp_server,
    start_hq_in_temp_dir,
};

async fn order(s: &HqServer, k: &EnrolledKiosk, name: &str, email: &str, lang: &str, lines: Value) -> Uuid {
    let id = Uuid::now_v7();
    let r = reqwest::Client::new()
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&json!({
            "id": id, "store": k.store, "created_at": s.hq.now(), "lines": lines,
            "customer": {"name": name, "email": email}, "lang": lang
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    id
}

/// The labels of the buttons and summaries of an order's card.
async fn actions(b: &Browser, id: &Uuid) -> Vec<String> {
    let v = b
        .eval(
            "return Array.from(document.querySelectorAll('#o-' + arguments[0] + ' .actions > form button, #o-' + arguments[0] + ' .actions summary')).map(e => e.textContent.trim());",
            json!([id.to_string()]),
        )
        .await;
    serde_json::from_value(v).unwrap()
}

async fn click_action(b: &Browser, id: &Uuid, label: &str) {
    let clicked = b
        .eval(
            "const e = Array.from(document.querySelectorAll('#o-' + arguments[0] + ' .actions > form button, #o-' + arguments[0] + ' .actions summary')).find(e => e.textContent.trim() === arguments[1]); if (!e) return false; e.click(); return true;",
            json!([id.to_string(), label]),
        )
        .await;
    assert_eq!(clicked, json!(true), "no {label} on order {id}");
}

/// Waits until the page shown is a loaded desk (after a form's redirect).
async fn desk_loaded(b: &Browser) {
    for _ in 0..300 {
        if b.find("main #orders").await.is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no desk at {}: {}", b.url().await, b.source().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_in_a_browser_moves_orders_along_their_steps_and_tells_customers() {
    let (port, mut mails) = smtp_server().await;
    let s = start_hq_in_temp_dir(|c| {
        c.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        })
    })
    .await;
    commit_products(
        &s.hq,
        &[
            ("05449000039231", "Nordic must original"),
            ("09780439023481", "The Hunger Games"),
        ],
        vec![Change::UpsertStore(Store {
            id: "paris-01".into(),
            name: "Vitrine Opéra".into(),
            city: Some("Paris".into()),
            address: None,
            location: None,
        })],
    );
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let ana = order(
        &s,
        &k,
        "Ana",
        "ana@example.fr",
        "fr",
        json!([{"gtin": "05449000039231", "quantity": 2}, {"gtin": "09780439023481", "quantity": 1}]),
    )
    .await;
    assert!(next_mail_text(&mut mails).await.contains("To: ana@example.fr"));
    vitrine_hq::services::staff::add(&s.hq, "camille", Some("paris-01"), STAFF_PASSWORD).unwrap();

    // A phone-sized screen: numbers and dates must still not wrap.
    let b = Browser::start(360, 800).await;
    b.goto(&s.at("/staff/login?lang=en&store=paris-01")).await;
    b.type_into("input[name=name]", "camille").await;
    b.type_into("input[name=password]", STAFF_PASSWORD).await;
    b.click("button[type=submit]").await;
    desk_loaded(&b).await;
    let at = b.url().await;
    assert!(at.contains("/staff/paris-01/orders"), "{at}");
    assert_eq!(b.text("h1").await, "Click&collect orders — Vitrine Opéra (Paris)");
    // Landmarks and labels.
    let landmarks = b
        .eval(
            "return [!!document.querySelector('header'), !!document.querySelector('main'), document.querySelector('nav.filters').getAttribute('aria-label'), document.getElementById('live').getAttribute('aria-live'), document.documentElement.lang];",
            json!([]),
        )
        .await;
    assert_eq!(landmarks, json!([true, true, "Show", "polite", "en"]));
    // The order's card: number, lines to pick with a place for each
    // picture, only "start preparing" and "cancel".
    let number = order_number(&ana);
    let card = b.text(&format!("#o-{ana}")).await;
    for words in [
        format!("Order {number}"),
        "For Ana".into(),
        "3 items".into(),
        "2 × Nordic must original".into(),
        "1 × The Hunger Games".into(),
        "Received".into(),
    ] {
        assert!(card.contains(&words), "no {words:?} in {card}");
    }
    let pics = b
        .eval(
            "return Array.from(document.querySelectorAll('#o-' + arguments[0] + ' .lines .pic')).map(p => p.getAttribute('aria-label'));",
            json!([ana.to_string()]),
        )
        .await;
    assert_eq!(
        pics,
        json!(["Picture of Nordic must original", "Picture of The Hunger Games"])
    );
    assert_eq!(actions(&b, &ana).await, ["Start preparing", "Cancel the order"]);
    let one_line = b
        .eval(
            "return Array.from(document.querySelectorAll('.num, .when')).map(e => e.getClientRects().length);",
            json!([]),
        )
        .await;
    assert_eq!(one_line, json!([1, 1]), "an order number or date wrapped");
    let label_ok = b
        .eval(
            "const s = document.querySelector('#o-' + arguments[0] + ' select[name=reason]'); return s.labels.length === 1 && s.labels[0].textContent;",
            json!([ana.to_string()]),
        )
        .await;
    assert_eq!(label_ok, json!("Reason the customer is told"));

    // A new order appears without a reload (the page keeps its state).
    b.eval("window.stillTheSamePage = true; return true;", json!([])).await;
    let dora = order(
        &s,
        &k,
        "Dora",
        "dora@example.de",
        "de",
        json!([{"gtin": "05449000039231", "quantity": 1}]),
    )
    .await;
    assert!(next_mail_text(&mut mails).await.contains("To: dora@example.de"));
    b.wait_for(&format!("#o-{dora}"), 30).await;
    assert_eq!(
        b.eval("return window.stillTheSamePage === true;", json!([])).await,
        json!(true)
    );
    assert!(
        b.text("#live")
            .await
            .contains(&format!("New order {}", order_number(&dora)))
    );

    // Along the steps: preparing, ready (the customer is told), then the
    // hand-over, confirmed first.
    click_action(&b, &ana, "Start preparing").await;
    desk_loaded(&b).await;
    assert_eq!(actions(&b, &ana).await, ["Ready for collection", "Cancel the order"]);
    click_action(&b, &ana, "Ready for collection").await;
    desk_loaded(&b).await;
    let ready = next_mail_text(&mut mails).await;
    assert!(
        ready.contains("To: ana@example.fr") && ready.contains(&format!("Votre commande {number} est pr")),
        "{ready}"
    );
    assert_eq!(actions(&b, &ana).await, ["Handed over…", "Cancel the order"]);
    click_action(&b, &ana, "Handed over…").await;
    b.wait_for("main form input[name=confirm]", 30).await;
    assert_eq!(b.text("h1").await, format!("Hand over order {number}?"));
    assert!(
        b.text("main")
            .await
            .contains("Check the order number with Ana and hand over 3 items")
    );
    assert_eq!(s.hq.storage.order(&ana).unwrap().unwrap().status, OrderStatus::Ready);
    b.click("main form button[type=submit]").await;
    desk_loaded(&b).await;
    assert_eq!(
        s.hq.storage.order(&ana).unwrap().unwrap().status,
        OrderStatus::Collected
    );
    // The "to do" list no longer has it; the collected filter does, with
    // no action left.
    assert!(b.find(&format!("#o-{ana}")).await.is_none());
    let collected_link = b
        .eval(
            "return Array.from(document.querySelectorAll('nav.filters a')).map(a => a.textContent);",
            json!([]),
        )
        .await;
    assert_eq!(
        collected_link,
        json!([
            "To do (1)",
            "Received (1)",
            "Being prepared (0)",
            "Ready for collection (0)",
            "Collected (1)",
            "Cancelled (0)",
            "All (2)"
        ])
    );
    b.eval(
        "Array.from(document.querySelectorAll('nav.filters a')).find(a => a.textContent.startsWith('Collected')).click(); return true;",
        json!([]),
    )
    .await;
    b.wait_for(&format!("#o-{ana}"), 30).await;
    assert!(actions(&b, &ana).await.is_empty());

    // Cancelling needs a reason; the customer reads it in German.
    b.goto(&s.at("/staff/paris-01/orders?lang=en")).await;
    desk_loaded(&b).await;
    click_action(&b, &dora, "Cancel the order").await;
    b.eval(
        "document.querySelector('#o-' + arguments[0] + ' select[name=reason]').value = 'out_of_stock'; return true;",
        json!([dora.to_string()]),
    )
    .await;
    b.click(&format!("#o-{dora} details button[type=submit]")).await;
    desk_loaded(&b).await;
    // (Ana's thank-you for her collected order comes first.)
    let mut cancelled = next_mail_text(&mut mails).await;
    if cancelled.contains("To: ana@example.fr") {
        assert!(cancelled.contains("Merci pour votre visite"), "{cancelled}");
        cancelled = next_mail_text(&mut mails).await;
    }
    assert!(
        cancelled.contains("To: dora@example.de")
            && cancelled.contains(&format!(
                "Ihre Bestellung {} in der Filiale paris-01 ist storniert, weil ein Produkt nicht vorr",
                order_number(&dora)
            )),
        "{cancelled}"
    );
    let stored = s.hq.storage.order(&dora).unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Cancelled);
    // The desk in German says why.
    b.goto(&s.at("/staff/paris-01/orders?lang=de&status=cancelled")).await;
    desk_loaded(&b).await;
    assert!(
        b.text(&format!("#o-{dora}"))
            .await
            .contains("Storniert (Nicht vorrätig)")
    );
    assert_eq!(
        b.text("h1").await,
        "Click-&-Collect-Bestellungen — Vitrine Opéra (Paris)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_moves_the_rule_does_not_allow() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    commit_products(&s.hq, &[("05449000039231", "Nordic must original")], Vec::new());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let id = order(
        &s,
        &k,
        "Ana",
        "ana@example.fr",
        "en",
        json!([{"gtin": "05449000039231", "quantity": 1}]),
    )
    .await;
    let staff = vitrine_testkit::staff_session(&s, "camille", Some("paris-01")).await;
    let status = || s.hq.storage.order(&id).unwrap().unwrap().status;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let path = format!("/staff/paris-01/orders/{id}/status");
        let r = staff.post_form(&path, &form).header("accept", "text/html").send();
        async move {
            let r = r.await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // Skipping a step, or collecting before it is ready: 409, unchanged.
    let (st, page) = post(vec![("status", "ready"), ("lang", "en")]).await;
    assert_eq!(st, 409);
    assert!(page.contains("cannot move to that status"), "{page}");
    let (st, _) = post(vec![("status", "collected"), ("confirm", "yes")]).await;
    assert_eq!(st, 409);
    assert_eq!(status(), OrderStatus::Received);
    // A cancellation without a reason: 422.
    let (st, page) = post(vec![("status", "cancelled"), ("lang", "fr")]).await;
    assert_eq!(st, 422);
    assert!(page.contains("Choisissez le motif"), "{page}");
    // Collected without the confirmation: the confirmation page, unchanged.
    assert_eq!(staff.advance_to("paris-01", &id, "ready").await.status(), 303);
    let (st, page) = post(vec![("status", "collected"), ("lang", "en")]).await;
    assert_eq!(st, 200);
    assert!(page.contains("name=\"confirm\" value=\"yes\""), "{page}");
    assert_eq!(status(), OrderStatus::Ready);
    let (st, _) = post(vec![("status", "collected"), ("confirm", "yes")]).await;
    assert_eq!(st, 303);
    assert_eq!(status(), OrderStatus::Collected);
    // Final: nothing moves a collected order, not even a cancellation.
    let (st, _) = post(vec![("status", "cancelled"), ("reason", "out_of_stock")]).await;
    assert_eq!(st, 409);
    assert_eq!(status(), OrderStatus::Collected);
    // The same status again (a form sent twice) changes nothing and is fine.
    let (st, _) = post(vec![("status", "collected"), ("confirm", "yes")]).await;
    assert_eq!(st, 303);
    let audit = s.hq.storage.order_audit(Some("paris-01"), 10).unwrap();
    assert_eq!(audit.len(), 3, "received → preparing → ready → collected");
}
