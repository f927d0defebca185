//! The real HQ server on 127.0.0.1:0 with a real SQLite file, driven over
//! HTTP: the OpenAPI file against the server, idempotency, body limits, rate
//! limits, revocation.

use std::sync::Arc;

use serde_json::{Value, json};
use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::product::Product;
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit, OrderCustomer, OrderRequest};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::{Hq, HqConfig, admin};
use vitrine_testkit::schema::{check, resolve};
use vitrine_testkit::{
    EnrolledKiosk, HqServer, chromium_dom, commit_products, enroll_kiosk, run_hq, serve_hq, start_hq_in_temp_dir,
};

const COKE: &str = "05449000039231";
const BOOK: &str = "09780439023481";

/// HQ with the drink and the book at demo prices.
async fn start(tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let s = start_hq_in_temp_dir(tweak).await;
    commit_products(
        &s.hq,
        &[(COKE, "Nordic must original"), (BOOK, "The Hunger Games")],
        Vec::new(),
    );
    s
}

fn line(g: &str, q: u32) -> HandoffLine {
    HandoffLine {
        gtin: Gtin::from_digits(g).unwrap(),
        quantity: q,
        measure: None,
    }
}

fn order(k: &EnrolledKiosk, id: Uuid, qty: u32) -> OrderRequest {
    OrderRequest {
        id,
        store: k.store.clone(),
        created_at: 1_790_000_000,
        lines: vec![line(COKE, qty)],
        customer: OrderCustomer {
            name: "Ana".into(),
            email: Some("ana@example.fr".into()),
            phone: None,
            customer_id: None,
        },
        lang: Lang::FR,
        coupons: vec![],
        identification: None,
    }
}

fn handoff(k: &EnrolledKiosk) -> HandoffSubmit {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: k.id.clone(),
        store: k.store.clone(),
        created_at: vitrine_hq::now(),
        lines: vec![line(COKE, 2), line(BOOK, 1)],
    };
    HandoffSubmit {
        compact: b.to_compact(&k.key),
        contact: None,
        customer_id: None,
        identification: None,
    }
}

// The JSON Schema checker is vitrine_testkit::schema (the webhook's tests use it too).

/// Checks a response against what openapi.json says for this path, method
/// and status.
async fn conforms(spec: &Value, path: &str, method: &str, resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let op = &spec["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not in openapi.json");
    let declared = &op["responses"][status.to_string()];
    assert!(
        declared.is_object(),
        "{method} {path} answered {status}, which openapi.json does not declare"
    );
    let declared = resolve(spec, declared);
    if ctype.starts_with("text/event-stream") {
        assert!(declared["content"]["text/event-stream"].is_object());
        return (status, Value::Null);
    }
    if ctype.starts_with("application/x-vitrine-snapshot") {
        assert!(declared["content"]["application/x-vitrine-snapshot"].is_object());
        return (status, Value::Null);
    }
    assert!(
        ctype.starts_with("application/json"),
        "{method} {path}: content-type {ctype}"
    );
    let body: Value = resp.json().await.unwrap();
    let schema = &declared["content"]["application/json"]["schema"];
    if let Err(e) = check(spec, schema, &body, "body") {
        panic!("{method} {path} {status}: {e}\n{body:#}");
    }
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_openapi_exists_and_answers_match_its_schemas() {
    let s = start(|_| {}).await;
    let spec: Value = serde_json::from_str(vitrine_hq::routes::openapi::OPENAPI).unwrap();
    // The server publishes the same file.
    let served: Value = reqwest::get(s.at("/openapi.json")).await.unwrap().json().await.unwrap();
    assert_eq!(served, spec);
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let auth = |r: reqwest::RequestBuilder| r.bearer_auth(&k.token);
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut hit = |p: &str, m: &str| seen.push((p.to_string(), m.to_string()));

    let (st, _) = conforms(
        &spec,
        "/v1/health",
        "get",
        c.get(s.at("/v1/health")).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    hit("/v1/health", "get");

    let (_, code) = admin::device_add(&s.hq, "lyon-02").unwrap();
    let key = SecretKey::from_seed([9; 32]);
    let body = json!({"code": code, "device_public_key": key.public().to_text()});
    let (st, _) = conforms(
        &spec,
        "/v1/enroll",
        "post",
        c.post(s.at("/v1/enroll")).json(&body).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    // The code is one-time.
    let (st, err) = conforms(
        &spec,
        "/v1/enroll",
        "post",
        c.post(s.at("/v1/enroll")).json(&body).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 403);
    assert!(err["message"].as_str().unwrap().contains("device add"), "{err}");
    hit("/v1/enroll", "post");

    let (st, _) = conforms(
        &spec,
        "/v1/catalog/snapshot",
        "get",
        auth(c.get(s.at("/v1/catalog/snapshot"))).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    // The snapshot is a gzipped file of one JSON record a line, not JSON.
    let r = auth(c.get(s.at("/v1/catalog/snapshot"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-vitrine-snapshot");
    let first_line = gunzip(&r.bytes().await.unwrap());
    let first_line = first_line.split(|b| *b == b'\n').next().unwrap();
    let header: Value = serde_json::from_slice(first_line).unwrap();
    assert_eq!(header["format"], "vitrine-snapshot-v3");
    let (st, _) = conforms(
        &spec,
        "/v1/catalog/snapshot",
        "get",
        c.get(s.at("/v1/catalog/snapshot")).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 401);
    hit("/v1/catalog/snapshot", "get");

    admin::price_set(&s.hq, COKE, "2.49", None).unwrap();
    for (q, want) in [
        ("?since=1", "delta"),
        ("?since=2", "up_to_date"),
        ("?since=99", "snapshot_required"),
    ] {
        let (st, v) = conforms(
            &spec,
            "/v1/catalog/changes",
            "get",
            auth(c.get(s.at(&format!("/v1/catalog/changes{q}"))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((st, v["status"].as_str().unwrap()), (200, want));
    }
    let (st, _) = conforms(
        &spec,
        "/v1/catalog/changes",
        "get",
        auth(c.get(s.at("/v1/catalog/changes"))).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 400);
    hit("/v1/catalog/changes", "get");

    let mut ev = auth(c.get(s.at("/v1/events")))
        .header("Last-Event-ID", "1")
        .send()
        .await
        .unwrap();
    let first = String::from_utf8(ev.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(first.contains("event: version") && first.contains("id: 2"), "{first}");
    let (st, _) = conforms(&spec, "/v1/events", "get", ev).await;
    assert_eq!(st, 200);
    hit("/v1/events", "get");

    let h = handoff(&k);
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs",
        "post",
        auth(c.post(s.at("/v1/handoffs"))).json(&h).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 201);
    let mut bad = h.clone();
    bad.compact = bad.compact.replace("*2,", "*3,");
    let (st, err) = conforms(
        &spec,
        "/v1/handoffs",
        "post",
        auth(c.post(s.at("/v1/handoffs"))).json(&bad).send().await.unwrap(),
    )
    .await;
    assert_eq!((st, err["error"].as_str().unwrap()), (403, "bad_signature"));
    hit("/v1/handoffs", "post");

    // The kiosk sends the basket's link to the contact typed on it: once;
    // another contact is refused; another kiosk cannot.
    let id = HandoffBasket::parse_compact(&h.compact).unwrap().0.id;
    let send = |to: &str| json!({"handoff": id, "contact": {"email": to}, "lang": "fr"});
    let path = format!("/v1/handoffs/{id}/send");
    for want in ["sent", "already_sent"] {
        let (st, v) = conforms(
            &spec,
            "/v1/handoffs/{id}/send",
            "post",
            auth(c.post(s.at(&path)))
                .json(&send("ana@example.org"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((st, v["status"].as_str()), (200, Some(want)));
    }
    let (st, err) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        auth(c.post(s.at(&path)))
            .json(&send("eve@example.org"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, err["error"].as_str()), (409, Some("already_claimed")));
    let other = enroll_kiosk(&s, "paris-01", 2).await;
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        c.post(s.at(&path))
            .bearer_auth(&other.token)
            .json(&send("ana@example.org"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404, "another kiosk's basket is not found");
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        auth(c.post(s.at(&format!("/v1/handoffs/{}/send", Uuid::now_v7()))))
            .json(&send("ana@example.org"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 422, "the body names another handoff");
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        auth(c.post(s.at("/v1/handoffs/not-a-uuid/send")))
            .json(&send("ana@example.org"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 400, "not a UUID");
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        auth(c.post(s.at(&path)))
            .json(&json!({"handoff": id, "contact": {}, "lang": "fr"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 422, "no contact");
    let (st, _) = conforms(
        &spec,
        "/v1/handoffs/{id}/send",
        "post",
        c.post(s.at(&path)).json(&send("ana@example.org")).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 401);
    hit("/v1/handoffs/{id}/send", "post");

    let o = order(&k, Uuid::now_v7(), 2);
    let (st, receipt) = conforms(
        &spec,
        "/v1/orders",
        "post",
        auth(c.post(s.at("/v1/orders"))).json(&o).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(receipt["status"], "received");
    let (st, _) = conforms(
        &spec,
        "/v1/orders",
        "post",
        auth(c.post(s.at("/v1/orders")))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 400);
    hit("/v1/orders", "post");

    let (st, got) = conforms(
        &spec,
        "/v1/orders/{id}",
        "get",
        auth(c.get(s.at(&format!("/v1/orders/{}", o.id)))).send().await.unwrap(),
    )
    .await;
    assert_eq!((st, &got["number"]), (200, &receipt["number"]));
    let (st, _) = conforms(
        &spec,
        "/v1/orders/{id}",
        "get",
        auth(c.get(s.at(&format!("/v1/orders/{}", Uuid::now_v7()))))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);
    hit("/v1/orders/{id}", "get");

    let (st, a) = conforms(
        &spec,
        "/v1/availability/{gtin}",
        "get",
        auth(c.get(s.at(&format!("/v1/availability/{COKE}"))))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert!(!a["stores"].as_array().unwrap().is_empty());
    let (st, _) = conforms(
        &spec,
        "/v1/availability/{gtin}",
        "get",
        auth(c.get(s.at("/v1/availability/12345"))).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 400);
    hit("/v1/availability/{gtin}", "get");

    // Customers: lookup (the minimum), the card table, a coupon's state.
    let card = vitrine_core::loyalty::card_number("0450", 7);
    let cid = vitrine_hq::customers::add(
        &s.hq,
        &vitrine_hq::customers::NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille@example.com".into()),
            card: Some(card.clone()),
            tier: Some(vitrine_core::pricing::Tier::Silver),
            consent: true,
            ..Default::default()
        },
    )
    .unwrap();
    let lookup = |kind: &str, value: &str| {
        auth(c.post(s.at("/v1/customers/lookup")))
            .json(&json!({"kind": kind, "value": value}))
            .send()
    };
    // An email or phone identifies no one by itself (issue 14).
    let (st, v) = conforms(
        &spec,
        "/v1/customers/lookup",
        "post",
        lookup("email", " Camille@Example.com").await.unwrap(),
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (403, Some("proof_required")));
    assert!(v["customer_id"].is_null() && !v.to_string().contains("Camille"), "{v}");
    let (st, v) = conforms(
        &spec,
        "/v1/customers/lookup",
        "post",
        lookup("card", &card).await.unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        (v["customer_id"].as_str(), v["first_name"].as_str()),
        (Some(cid.as_str()), Some("Camille"))
    );
    assert!(v["identification"].as_str().unwrap().starts_with("VTI1."), "{v}");
    let (st, _) = conforms(
        &spec,
        "/v1/customers/lookup",
        "post",
        lookup("card", &vitrine_core::loyalty::card_number("0450", 8))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);
    let (st, _) = conforms(
        &spec,
        "/v1/customers/lookup",
        "post",
        lookup("card", "nope").await.unwrap(),
    )
    .await;
    assert_eq!(st, 422);
    // The one-time code: asked (202, the same for anyone), then a wrong
    // code (422), and an unknown challenge (410).
    let (st, ch) = conforms(
        &spec,
        "/v1/customers/challenge",
        "post",
        auth(c.post(s.at("/v1/customers/challenge")))
            .json(&json!({"kind": "phone", "value": "06 99 99 99 99"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 202);
    hit("/v1/customers/challenge", "post");
    let verify = |id: &str, code: &str| {
        auth(c.post(s.at("/v1/customers/verify")))
            .json(&json!({"id": id, "code": code}))
            .send()
    };
    let (st, v) = conforms(
        &spec,
        "/v1/customers/verify",
        "post",
        verify(ch["id"].as_str().unwrap(), "000000").await.unwrap(),
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (422, Some("wrong_code")));
    let (st, v) = conforms(
        &spec,
        "/v1/customers/verify",
        "post",
        verify("NOSUCHCHALLENGE", "000000").await.unwrap(),
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (410, Some("code_closed")));
    hit("/v1/customers/verify", "post");
    hit("/v1/customers/lookup", "post");
    let (st, t) = conforms(
        &spec,
        "/v1/customers/cards",
        "get",
        auth(c.get(s.at("/v1/customers/cards"))).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(t["entries"].as_array().unwrap().len(), 1);
    assert!(!t.to_string().contains(&card), "card numbers only as keyed hashes");
    hit("/v1/customers/cards", "get");
    let (st, v) = conforms(
        &spec,
        "/v1/coupons/{code}",
        "get",
        auth(c.get(s.at("/v1/coupons/NOPE-123"))).send().await.unwrap(),
    )
    .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("unknown")));
    hit("/v1/coupons/{code}", "get");
    // A picture HQ does not have, asked without a token (the pictures HQ
    // serves are tested in pictures.rs).
    let (st, _) = conforms(
        &spec,
        "/v1/images/{id}/{size}",
        "get",
        c.get(s.at(&format!("/v1/images/{}/thumb", "0".repeat(64))))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);
    hit("/v1/images/{id}/{size}", "get");

    // The kiosk's health (issue 17).
    let beat = json!({
        "software_version": "0.1.0", "catalog_version": 1, "outbox_pending": 0, "outbox_dead": 0,
        "last_sync": null, "last_scan": null, "camera": "none", "decode_fps": null,
        "disk_free_bytes": null, "uptime_s": 5, "screen": "none", "audio_device": null
    });
    let (st, ack) = conforms(
        &spec,
        "/v1/heartbeat",
        "post",
        auth(c.post(s.at("/v1/heartbeat"))).json(&beat).send().await.unwrap(),
    )
    .await;
    assert_eq!((st, ack["settings_version"].as_u64()), (200, Some(0)));
    let (st, _) = conforms(
        &spec,
        "/v1/heartbeat",
        "post",
        c.post(s.at("/v1/heartbeat")).json(&beat).send().await.unwrap(),
    )
    .await;
    assert_eq!(st, 401);
    hit("/v1/heartbeat", "post");

    // Remote settings (issue 17).
    vitrine_hq::services::settings::set(
        &s.hq,
        vitrine_core::wire::settings::SettingScope::Store,
        "paris-01",
        "ui.idle_timeout_s",
        "90",
    )
    .unwrap();
    let (st, v) = conforms(
        &spec,
        "/v1/settings",
        "get",
        auth(c.get(s.at("/v1/settings"))).send().await.unwrap(),
    )
    .await;
    assert_eq!((st, v["settings"][0]["value"].as_str()), (200, Some("90")));
    hit("/v1/settings", "get");

    // Every operation in the file was exercised.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(
                seen.contains(&(path.clone(), method.clone())),
                "{method} {path} is in openapi.json but not tested"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_id_same_body_same_answer_other_body_refused() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let id = Uuid::now_v7();
    let post = |o: &OrderRequest| c.post(s.at("/v1/orders")).bearer_auth(&k.token).json(o).send();
    let r1 = post(&order(&k, id, 2)).await.unwrap();
    let (s1, b1) = (r1.status(), r1.bytes().await.unwrap());
    // Prices change between the two attempts: the answer does not.
    admin::price_set(&s.hq, COKE, "9.99", None).unwrap();
    let r2 = post(&order(&k, id, 2)).await.unwrap();
    let (s2, b2) = (r2.status(), r2.bytes().await.unwrap());
    assert_eq!((s1, &b1), (s2, &b2));
    let r3 = post(&order(&k, id, 3)).await.unwrap();
    assert_eq!(r3.status(), 409);
    let e: Value = r3.json().await.unwrap();
    assert_eq!(e["error"], "id_reused_with_other_content");
    assert_eq!(e["retryable"], false);
    assert_eq!(s.hq.storage.orders("paris-01").unwrap().len(), 1);

    let h = handoff(&k);
    let p1 = c
        .post(s.at("/v1/handoffs"))
        .bearer_auth(&k.token)
        .json(&h)
        .send()
        .await
        .unwrap();
    let (hs1, hb1) = (p1.status(), p1.bytes().await.unwrap());
    let p2 = c
        .post(s.at("/v1/handoffs"))
        .bearer_auth(&k.token)
        .json(&h)
        .send()
        .await
        .unwrap();
    assert_eq!((hs1, hb1), (p2.status(), p2.bytes().await.unwrap()));
    // Another basket signed under the same id.
    let (b, _, _) = HandoffBasket::parse_compact(&h.compact).unwrap();
    let other = HandoffBasket {
        lines: vec![line(BOOK, 5)],
        ..b
    };
    let other = HandoffSubmit {
        compact: other.to_compact(&k.key),
        contact: None,
        customer_id: None,
        identification: None,
    };
    let p3 = c
        .post(s.at("/v1/handoffs"))
        .bearer_auth(&k.token)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(p3.status(), 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_and_rate_limits_429_per_device_as_json() {
    let s = start(|c| {
        c.max_body_bytes = 4096;
        c.rate_per_minute = 5;
    })
    .await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let k2 = enroll_kiosk(&s, "paris-01", 2).await;
    let c = reqwest::Client::new();
    let mut big = order(&k, Uuid::now_v7(), 1);
    big.customer.name = "x".repeat(10_000);
    let r = c
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "body_too_large");
    assert!(e["message"].as_str().unwrap().contains("smaller"), "{e}");

    let mut last = 0;
    for _ in 0..10 {
        let r = c
            .get(s.at("/v1/catalog/changes?since=1"))
            .bearer_auth(&k.token)
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
        if last == 429 {
            assert!(r.headers().get("retry-after").is_some());
            let e: Value = r.json().await.unwrap();
            assert_eq!(
                (e["error"].as_str(), e["retryable"].as_bool()),
                (Some("rate_limited"), Some(true))
            );
            break;
        }
    }
    assert_eq!(last, 429);
    // Another kiosk is not slowed down by the first.
    let r = c
        .get(s.at("/v1/catalog/changes?since=1"))
        .bearer_auth(&k2.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_kiosk_is_cut_off_with_a_message_saying_what_to_do() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let ok = c
        .get(s.at("/v1/catalog/snapshot"))
        .bearer_auth(&k.token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    admin::device_revoke(s.hq.storage.as_ref(), &k.id).unwrap();
    let r = c
        .get(s.at("/v1/catalog/snapshot"))
        .bearer_auth(&k.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "device_revoked");
    assert!(e["message"].as_str().unwrap().contains("enroll it again"), "{e}");
    let r = c.get(s.at("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let e: Value = r.json().await.unwrap();
    assert!(e["message"].as_str().unwrap().contains("/v1"));
}

/// Every row of every table of HQ's database, as text: what "nothing
/// changed" is compared on.
fn dump(data_dir: &std::path::Path) -> Vec<String> {
    vitrine_testkit::db_dump(data_dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_get_a_json_error_and_change_nothing() {
    let s = start(|c| c.max_body_bytes = 8 * 1024).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();
    // A first real order and handoff, so that "nothing changed" covers
    // existing records too.
    let first = order(&k, Uuid::now_v7(), 1);
    let r = c
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let h = handoff(&k);
    let r = c
        .post(s.at("/v1/handoffs"))
        .bearer_auth(&k.token)
        .json(&h)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let before = dump(s.data_dir.as_path());

    let valid_order = serde_json::to_string(&order(&k, Uuid::now_v7(), 1)).unwrap();
    let valid_handoff = serde_json::to_string(&handoff(&k)).unwrap();
    let deep = format!("{}{}", "[".repeat(3_000), "]".repeat(3_000));
    let mut bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not json", b"hello".to_vec()),
        (
            "truncated order",
            valid_order.as_bytes()[..valid_order.len() / 2].to_vec(),
        ),
        (
            "truncated handoff",
            valid_handoff.as_bytes()[..valid_handoff.len() - 1].to_vec(),
        ),
        ("wrong types", br#"{"id": 5, "store": [], "lines": "x"}"#.to_vec()),
        ("null", b"null".to_vec()),
        ("array", b"[1,2,3]".to_vec()),
        ("invalid utf-8", vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}']),
        ("nul bytes", b"{\"id\":\"\0\0\"}".to_vec()),
        ("deep nesting", deep.into_bytes()),
        (
            "oversized",
            format!("{{\"pad\":\"{}\"}}", "x".repeat(100_000)).into_bytes(),
        ),
        ("huge number", br#"{"created_at": 1e999999}"#.to_vec()),
    ];
    // A valid order whose quantities, names and codes are out of range.
    let mut bad = order(&k, Uuid::now_v7(), 1);
    bad.lines[0].quantity = 0;
    bodies.push(("zero quantity", serde_json::to_vec(&bad).unwrap()));
    let mut bad = serde_json::to_value(order(&k, Uuid::now_v7(), 1)).unwrap();
    bad["lines"][0]["gtin"] = json!("05449000039232");
    bodies.push(("bad check digit", serde_json::to_vec(&bad).unwrap()));

    // A body that reads as an order but whose values are out of range: 422
    // (a GTIN is checked as it is read: a bad check digit is a 400).
    let semantic = ["zero quantity"];

    let hid = HandoffBasket::parse_compact(&h.compact).unwrap().0.id;
    let (submit, claim, coupon, survey, status) = (
        format!("/h/{hid}/submit"),
        format!("/h/{hid}/claim"),
        format!("/h/{hid}/coupon"),
        format!("/s/{}", Uuid::now_v7()),
        format!("/staff/paris-01/orders/{}/status", first.id),
    );
    // Every POST route HQ serves.
    let routes = [
        "/v1/orders",
        "/v1/handoffs",
        "/v1/enroll",
        "/v1/customers/lookup",
        "/v1/customers/challenge",
        "/v1/customers/verify",
        submit.as_str(),
        claim.as_str(),
        coupon.as_str(),
        survey.as_str(),
        status.as_str(),
    ];
    // A fresh connection per request: HQ closes one after refusing a body
    // it did not read (413), and a pooled one could be reused meanwhile.
    let c = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut tried = 0;
    for route in routes {
        for (what, body) in &bodies {
            let page_form = route.ends_with("/claim")
                || route.ends_with("/coupon")
                || route.ends_with("/status")
                || route.starts_with("/s/");
            // A page's form is refused for its content type before its
            // size: the oversized one is sent as a form.
            let content_type = if page_form && *what == "oversized" {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            let sent = c
                .post(s.at(route))
                .bearer_auth(&k.token)
                .header("content-type", content_type)
                .header("accept", "application/json")
                .body(body.clone())
                .send()
                .await;
            let r = match sent {
                Ok(r) => r,
                // A form route may refuse (and close) before reading a
                // 100 KB body: the client sees its write cut.
                Err(_) if page_form && *what == "oversized" => {
                    tried += 1;
                    continue;
                }
                Err(e) => panic!("{route} {what}: {e}"),
            };
            let status = r.status().as_u16();
            let ok_status = if *what == "oversized" {
                status == 413
            } else if semantic.contains(what) && route == "/v1/orders" {
                status == 422
            } else {
                status == 400
            };
            let text = r.text().await.unwrap();
            let e: Value = serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{route} {what}: not a JSON error ({status}): {text}"));
            assert!(ok_status, "{route} {what}: status {status}, body {text}");
            assert!(
                e["error"].is_string() && e["message"].is_string(),
                "{route} {what}: {e}"
            );
            assert_eq!(e["retryable"], false, "{route} {what}: {e}");
            tried += 1;
        }
    }
    // Not JSON at all: the content type is checked too.
    let r = c
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .header("content-type", "text/plain")
        .body(valid_order.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"].is_string(), "{e}");
    // A page's form with a field missing or of the wrong type, from a
    // browser: 400 and the reason in the page's language.
    for (route, form) in [
        (survey.as_str(), "score=ten"),
        (status.as_str(), "lang=en"),
        (coupon.as_str(), "lang=fr"),
    ] {
        let r = c
            .post(s.at(route))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("accept-language", "en-GB,en")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{route} {form}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("role=\"alert\"") && html.contains("Go back and try again"),
            "{route}: {html}"
        );
    }
    assert_eq!(dump(s.data_dir.as_path()), before, "a refused body changed HQ's data");
    assert!(tried >= 120, "{tried}");
}

/// Reads a gzip body back.
fn gunzip(b: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b).read_to_end(&mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_answers_go_gzipped_to_clients_that_accept_it() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let v0 = s.hq.storage.current_version().unwrap();
    // 2,000 products: a snapshot and a delta of a few hundred kilobytes.
    let changes: Vec<Change> = (0..2000u64)
        .map(|i| {
            let mut p = Product::new(
                Gtin::from_body(&format!("{:012}", 377_000_000_000 + i)).unwrap(),
                format!("Produit de démonstration numéro {i}"),
            );
            p.brand = Some("Marque Démo".into());
            Change::UpsertProduct(p)
        })
        .collect();
    s.hq.commit(&changes, None).unwrap();
    // A client that does not decode (raw bytes), asking for gzip or not.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    // (The snapshot is a gzipped file whatever the client accepts: see
    // `a_snapshot_download_resumes_from_an_offset_of_the_same_cut`.)
    for path in [format!("/v1/catalog/changes?since={v0}")] {
        let plain = raw
            .get(s.at(&path))
            .bearer_auth(&k.token)
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), 200);
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.bytes().await.unwrap();
        let gz = raw
            .get(s.at(&path))
            .bearer_auth(&k.token)
            .header("accept-encoding", "br;q=1.0, gzip;q=0.8")
            .send()
            .await
            .unwrap();
        assert_eq!(gz.status(), 200);
        assert_eq!(gz.headers()["content-encoding"], "gzip", "{path}");
        assert_eq!(gz.headers()["content-type"], "application/json");
        let gz = gz.bytes().await.unwrap();
        assert!(
            gz.len() * 4 < plain.len(),
            "{path}: {} gzipped vs {} plain",
            gz.len(),
            plain.len()
        );
        let inflated = gunzip(&gz);
        // The same signed answer (a delta is signed afresh each time: same
        // changes and versions).
        let a: Value = serde_json::from_slice(&inflated).unwrap();
        let b: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(a["status"], "delta");
        assert_eq!(a["update"]["changes"].as_array().map(Vec::len), Some(2000));
        assert_eq!(a["update"]["changes"], b["update"]["changes"]);
        assert_eq!(a["update"]["to_version"], b["update"]["to_version"]);
        // `gzip;q=0` means no.
        let refused = raw
            .get(s.at(&path))
            .bearer_auth(&k.token)
            .header("accept-encoding", "gzip;q=0")
            .send()
            .await
            .unwrap();
        assert!(refused.headers().get("content-encoding").is_none());
    }
    // A small answer is not worth compressing.
    let v = s.hq.storage.current_version().unwrap();
    let small = raw
        .get(s.at(&format!("/v1/catalog/changes?since={v}")))
        .bearer_auth(&k.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(small.headers().get("content-encoding").is_none());
}

/// The streamed snapshot is one gzipped file per cut, served byte for byte
/// the same: a kiosk whose download was cut asks for the rest of that cut
/// (`Range` + `If-Range`), and gets the whole file when the cut changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_download_resumes_from_an_offset_of_the_same_cut() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::builder().no_gzip().build().unwrap();
    let get = |range: Option<(&str, String)>| {
        let mut r = c.get(s.at("/v1/catalog/snapshot")).bearer_auth(&k.token);
        if let Some((etag, range)) = range {
            r = r.header("range", range).header("if-range", etag);
        }
        r.send()
    };
    let whole = get(None).await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let etag = whole.headers()["etag"].to_str().unwrap().to_string();
    let whole = whole.bytes().await.unwrap();
    let cut = whole.len() * 9 / 10;

    let rest = get(Some((&etag, format!("bytes={cut}-")))).await.unwrap();
    assert_eq!(rest.status(), 206);
    assert_eq!(
        rest.headers()["content-range"],
        format!("bytes {cut}-{}/{}", whole.len() - 1, whole.len()).as_str()
    );
    assert_eq!(rest.bytes().await.unwrap(), whole.slice(cut..));
    // Another cut's name: the whole file again.
    let other = get(Some(("\"1-0000\"", format!("bytes={cut}-")))).await.unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(other.bytes().await.unwrap(), whole);
    // Past the end: nothing to send.
    let past = get(Some((&etag, format!("bytes={}-", whole.len())))).await.unwrap();
    assert_eq!(past.status(), 416);

    // Inside: a header, one record a line, a signed end that HQ's key checks.
    let text = String::from_utf8(gunzip(&whole)).unwrap();
    let mut check = vitrine_core::stream::StreamCheck::new();
    for line in text.lines() {
        check.feed(line).unwrap();
    }
    assert!(check.records() > 10, "{}", check.records());
    let header = check
        .finish(
            &s.hq.key.public(),
            &vitrine_core::wire::Expect {
                store: "paris-01",
                current_version: 0,
                first_sync: true,
                now: s.hq.now(),
            },
        )
        .unwrap();
    assert_eq!(header.version, s.hq.storage.current_version().unwrap());
}

// ------------------------------------------------------------ audit fixes

/// A guard against a hang (a request stuck behind a lock): generous, it is
/// not a performance assertion.
const HANG: std::time::Duration = std::time::Duration::from_secs(60);

fn count(data_dir: &std::path::Path, sql: &str) -> i64 {
    vitrine_testkit::db_i64(data_dir, sql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_cut_holds_only_its_own_reader_while_requests_and_writes_go_on() {
    use vitrine_hq::storage::{CatalogStore, SqliteStorage};
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut cfg = HqConfig::new(dir.path());
    cfg.public_base_url = format!("http://{}", listener.local_addr().unwrap());
    let storage = Arc::new(SqliteStorage::open(dir.path(), cfg.max_delta_changes).unwrap());
    let hq = Hq::with_storage(cfg, storage.clone(), SecretKey::from_seed([3; 32])).unwrap();
    let coke = Product::new(Gtin::from_digits(COKE).unwrap(), "Nordic must original");
    let mut changes = vec![Change::UpsertProduct(coke.clone())];
    changes.extend(vitrine_core::demo::demo_changes(&[coke], 1, 1_700_000_000));
    hq.commit(&changes, None).unwrap();
    let s = serve_hq(listener, hq.clone());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();

    // A cut in progress: a read transaction open on a reader of its own,
    // as `snapshot_json` holds one for the whole cut.
    let cut = storage.read_view().unwrap();
    let v0 = cut.version().unwrap();

    // An authenticated request (token check, then the delta read).
    let r = tokio::time::timeout(
        HANG,
        c.get(s.at("/v1/catalog/changes?since=0")).bearer_auth(&k.token).send(),
    )
    .await
    .expect("an authenticated request waited for the cut")
    .unwrap();
    assert_eq!(r.status(), 200);
    // A write from the operator (a price change) and one from a kiosk (an order).
    let hq2 = hq.clone();
    let (v1, _) = tokio::time::timeout(
        HANG,
        tokio::task::spawn_blocking(move || admin::price_set(&hq2, COKE, "12.34", None)),
    )
    .await
    .expect("a price change waited for the cut")
    .unwrap()
    .unwrap();
    assert_eq!(v1, v0 + 1);
    let r = tokio::time::timeout(
        HANG,
        c.post(s.at("/v1/orders"))
            .bearer_auth(&k.token)
            .json(&order(&k, Uuid::now_v7(), 1))
            .send(),
    )
    .await
    .expect("an order waited for the cut")
    .unwrap();
    assert_eq!(r.status(), 201);
    let h: Value = c.get(s.at("/v1/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(h["catalog_version"], v1);

    // The cut still reads the version it started at, whole.
    assert_eq!(cut.version().unwrap(), v0);
    let national_price = |snap: &str| {
        let changes: Vec<Change> = serde_json::from_str(snap).unwrap();
        changes
            .iter()
            .find_map(|c| match c {
                Change::SetPrice(p) if p.store.is_none() => Some(p.price.amount_minor),
                _ => None,
            })
            .unwrap()
    };
    let snap = cut.snapshot_json("paris-01").unwrap();
    assert_eq!(snap.version, v0);
    let before = national_price(&snap.changes_json);
    drop(cut);
    let snap = storage.snapshot_json("paris-01").unwrap();
    assert_eq!(snap.version, v1);
    assert_eq!(national_price(&snap.changes_json), 1234);
    assert_ne!(before, 1234, "the cut saw a price committed after it started");
    // Its reader went back to the pool for the next read.
    assert!(storage.idle_readers() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_kiosk_ends_its_push_stream_and_its_reconnection_gets_401() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let other = enroll_kiosk(&s, "paris-01", 2).await;
    let c = reqwest::Client::new();
    let open = |token: String| {
        let c = c.clone();
        let url = s.at("/v1/events");
        async move { c.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let mut mine = open(k.token.clone()).await;
    let mut theirs = open(other.token.clone()).await;
    assert_eq!((mine.status().as_u16(), theirs.status().as_u16()), (200, 200));
    // Both hear the current version at once.
    for r in [&mut mine, &mut theirs] {
        let first = tokio::time::timeout(HANG, r.chunk()).await.unwrap().unwrap().unwrap();
        assert!(String::from_utf8_lossy(&first).contains("event: version"));
    }

    // Revoked by the operator's command, another process on the same data.
    let dir = s.data_dir.clone();
    let id = k.id.clone();
    let out =
        tokio::task::spawn_blocking(move || run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), &dir, &["device", "revoke", &id]))
            .await
            .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The revoked kiosk's stream ends (keep-alives at most before its end).
    let ended = tokio::time::timeout(HANG, async {
        while let Ok(Some(b)) = mine.chunk().await {
            assert!(
                !String::from_utf8_lossy(&b).contains("event: version"),
                "a revoked kiosk still hears versions"
            );
        }
    })
    .await;
    assert!(ended.is_ok(), "the revoked kiosk's push stream stayed open");

    // The other kiosk's stream goes on and hears the next version.
    let v =
        s.hq.commit(
            &[Change::SetPrice(vitrine_core::product::PriceEntry {
                gtin: Gtin::from_digits(COKE).unwrap(),
                store: None,
                price: vitrine_core::Money::eur(42),
            })],
            None,
        )
        .unwrap();
    let heard = tokio::time::timeout(HANG, async {
        loop {
            let b = theirs.chunk().await.unwrap().expect("the other stream ended");
            if String::from_utf8_lossy(&b).contains(&format!("\"version\":{v}")) {
                break;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "the other kiosk did not hear version {v}");

    // Reconnecting: 401, and why.
    let r = open(k.token.clone()).await;
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "device_revoked");
}

/// A claim form posted as a phone would, without following the redirect.
async fn claim(s: &HqServer, id: Uuid, form: &[(&str, &str)]) -> (u16, String) {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c.post(s.at(&format!("/h/{id}/claim"))).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handoff_is_claimed_once_a_repeat_sends_nothing_and_another_contact_gets_the_same_refusal() {
    // Messages are queued (an address that refuses: they stay queued, and
    // are counted).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let s = start(|c| {
        c.smtp = Some(vitrine_hq::SmtpConfig {
            host: "127.0.0.1".into(),
            port: closed.port(),
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        c.sms_webhook = Some(format!("http://{closed}/sms"));
    })
    .await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let h = handoff(&k);
    let id = HandoffBasket::parse_compact(&h.compact).unwrap().0.id;
    let r = reqwest::Client::new()
        .post(s.at("/v1/handoffs"))
        .bearer_auth(&k.token)
        .json(&h)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let dir = s.data_dir.as_path();
    let queued = |to: &str| {
        count(
            dir,
            &format!("SELECT COUNT(*) FROM notifications WHERE recipient = '{to}'"),
        )
    };
    let all = || count(dir, "SELECT COUNT(*) FROM notifications") + count(dir, "SELECT COUNT(*) FROM surveys");

    let (st, _) = claim(&s, id, &[("email", "ana@example.fr"), ("lang", "fr")]).await;
    assert_eq!(st, 303);
    assert!(queued("ana@example.fr") >= 1);
    let after_first = all();
    let contact = || s.hq.storage.handoff(&id).unwrap().unwrap().contact.unwrap();
    assert_eq!(contact().email.as_deref(), Some("ana@example.fr"));

    // The same shopper again (a double tap, another case): nothing more
    // sent, and the same answer as anyone else's claim (issue 14: the
    // answer does not tell whether an address was the one used).
    let (st, same_html) = claim(&s, id, &[("email", " Ana@Example.FR "), ("lang", "fr")]).await;
    assert_eq!(st, 409);
    assert_eq!(all(), after_first);
    let (st, other_html) = claim(&s, id, &[("email", "mallory@example.com"), ("lang", "fr")]).await;
    assert_eq!(
        (st, &other_html),
        (409, &same_html),
        "the right and a wrong address get the same answer"
    );

    // Someone else's address: refused in both languages, nothing sent,
    // the contact kept.
    for (lang, first, second) in [
        ("fr", "Ce panier a déjà été enregistré", "This basket was already saved"),
        ("en", "This basket was already saved", "Ce panier a déjà été enregistré"),
    ] {
        for form in [
            vec![("email", "mallory@example.com"), ("lang", lang)],
            vec![("phone", "+33612345678"), ("lang", lang)],
            vec![("email", "ana@example.fr"), ("phone", "+33612345678"), ("lang", lang)],
        ] {
            let (st, html) = claim(&s, id, &form).await;
            assert_eq!(st, 409, "{form:?}: {html}");
            let (a, b) = (
                html.find(&pages_esc(first)).unwrap_or_else(|| panic!("{html}")),
                html.find(&pages_esc(second)).unwrap_or_else(|| panic!("{html}")),
            );
            assert!(a < b, "the page's language comes first: {html}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{html}");
        }
    }
    assert_eq!(all(), after_first, "a refused claim queued a message");
    assert_eq!(queued("mallory@example.com") + queued("+33612345678"), 0);
    assert_eq!(contact().email.as_deref(), Some("ana@example.fr"));
    assert_eq!(contact().phone, None);

    // The basket page says it is saved.
    let page = reqwest::get(s.at(&format!("/h/{id}?lang=en")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Basket saved"), "{page}");
}

fn pages_esc(s: &str) -> String {
    vitrine_hq::http::esc(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_status_errors_are_pages_in_the_staff_pages_language() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let staff = vitrine_testkit::staff_session(&s, "camille", Some("paris-01")).await;
    let o = order(&k, Uuid::now_v7(), 1);
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&o)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let staff = &staff;
    let post = |order: Uuid, form: Vec<(&'static str, &'static str)>, accept_language: &'static str| {
        let path = format!("/staff/paris-01/orders/{order}/status");
        async move {
            let r = staff
                .post_form(&path, &form)
                .header("accept", "text/html")
                .header("accept-language", accept_language)
                .send()
                .await
                .unwrap();
            let ctype = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (r.status().as_u16(), ctype, r.text().await.unwrap())
        }
    };
    let cases = [
        (
            Uuid::now_v7(),
            "ready",
            404,
            "Cette commande n'existe pas",
            "There is no such order",
        ),
        (o.id, "shipped", 422, "Statut inconnu", "Unknown status"),
    ];
    for (id, status, code, fr, en) in cases {
        for (form_lang, accept, text, not) in [
            (Some("fr"), "en", fr, en),
            (Some("en"), "fr", en, fr),
            (None, "en-GB,en", en, fr),
            (None, "fr-FR", fr, en),
        ] {
            let mut form = vec![("status", status)];
            if let Some(l) = form_lang {
                form.push(("lang", l));
            }
            let (st, ctype, html) = post(id, form, accept).await;
            assert_eq!(st, code, "{html}");
            assert!(ctype.starts_with("text/html"), "{ctype}");
            assert!(html.contains(&pages_esc(text)), "{form_lang:?}/{accept}: {html}");
            assert!(!html.contains(&pages_esc(not)), "{form_lang:?}/{accept}: {html}");
            assert!(html.contains("role=\"alert\""));
        }
    }
    // A right change still goes through.
    let (st, _, _) = post(o.id, vec![("status", "preparing"), ("lang", "fr")], "fr").await;
    assert_eq!(st, 303);
    assert_eq!(
        s.hq.storage.order(&o.id).unwrap().unwrap().status,
        vitrine_core::wire::OrderStatus::Preparing
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_link_shows_its_error_in_the_pages_language_in_chromium() {
    let s = start(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    // A basket naming the kiosk but signed by another key: an altered link.
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: k.id.clone(),
        store: k.store.clone(),
        created_at: vitrine_hq::now(),
        lines: vec![line(COKE, 2)],
    };
    let tampered = b.to_compact(&SecretKey::from_seed([77; 32]));
    // What the page's script is answered: the code it maps.
    let r = reqwest::Client::new()
        .post(s.at(&format!("/h/{}/submit", b.id)))
        .json(&json!({"compact": tampered}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "bad_signature");
    let english_api_message = e["message"].as_str().unwrap().to_string();

    for lang in [Lang::FR, Lang::EN, Lang::DE] {
        let url = s.at(&format!("/h/{}?lang={}#{tampered}", b.id, lang.code()));
        let dom = chromium_dom(&url).await;
        let want = vitrine_hq::http::page::error_text("bad_signature", lang);
        assert!(dom.contains("data-error=\"bad_signature\""), "{dom}");
        assert!(dom.contains(&want), "{lang:?}: {dom}");
        assert!(!dom.contains(&english_api_message), "{dom}");
    }
    assert_eq!(
        vitrine_hq::http::page::error_text("bad_signature", Lang::FR),
        "Ce lien a été abîmé ou modifié : la signature du panier ne correspond pas à la borne qui l'a créé. Scannez à nouveau le QR code de la borne."
    );
    assert!(s.hq.storage.handoff(&b.id).unwrap().is_none());
}
