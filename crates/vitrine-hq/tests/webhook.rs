//! The order webhook (issue 16, part 4) against a real HTTP receiver on
//! loopback (axum, in the test) that checks every signature itself:
//! orders and status changes arrive signed, each event processed once
//! (its idempotency key) though HQ may deliver it again; a receiver that
//! answers too slowly or fails is tried again; one that always fails ends
//! in the dead letters, and `vitrine-hq webhook replay` delivers it; a
//! checkout URL answered is kept on the order (https only). Retries are
//! driven by HQ's manual clock, never by waiting for real delays.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use tokio::sync::watch;
use uuid::Uuid;
use vitrine_core::wire::{CancelReason, OrderStatus};
use vitrine_hq::services::orders::set_status;
use vitrine_hq::storage::EventState;
use vitrine_hq::{Clock, OrderWebhook, WebhookSecret};
use vitrine_testkit::{EnrolledKiosk, HqServer, commit_products, enroll_kiosk, eventually, run_hq, stdout_ok};

const SECRET: &str = "a-webhook-secret-of-32-characters";

/// What the receiver does with the next delivery.
#[derive(Debug, Clone)]
enum Answer {
    Ok,
    Checkout(&'static str),
    Status(u16),
    /// Answers only after this long (longer than HQ's timeout).
    Slow(Duration),
}

/// One delivery as the receiver saw it.
#[derive(Debug, Clone)]
struct Delivery {
    key: String,
    kind: String,
    body: Value,
    signature_ok: bool,
}

#[derive(Default)]
struct ReceiverState {
    script: Mutex<VecDeque<Answer>>,
    /// The answer once the script is used up.
    otherwise: Mutex<Option<Answer>>,
    deliveries: Mutex<Vec<Delivery>>,
    count: Mutex<Option<watch::Sender<usize>>>,
}

/// Checks a signature as a receiver in any language would: HMAC-SHA256 of
/// "{t}.{body}" (RFC 2104; the core's implementation is checked against
/// RFC 4231 and, below, against openssl), t within 300 s of this clock.
fn signature_ok(header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", x)) => t = x.parse::<i64>().ok(),
            Some(("v1", x)) => v1 = Some(x.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    (vitrine_hq::now() - t).abs() <= 300 && vitrine_core::loyalty::hmac_sha256_hex(SECRET.as_bytes(), &msg) == v1
}

async fn receive(State(st): State<Arc<ReceiverState>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let d = Delivery {
        key: header("idempotency-key"),
        kind: header("vitrine-event"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        signature_ok: signature_ok(&header("vitrine-signature"), &body),
    };
    let answer = {
        let next = st.script.lock().unwrap().pop_front();
        next.or_else(|| st.otherwise.lock().unwrap().clone())
            .unwrap_or(Answer::Ok)
    };
    {
        let mut all = st.deliveries.lock().unwrap();
        all.push(d);
        if let Some(tx) = st.count.lock().unwrap().as_ref() {
            tx.send_replace(all.len());
        }
    }
    match answer {
        Answer::Ok => (StatusCode::OK, "{}".into()),
        Answer::Checkout(url) => (StatusCode::OK, format!("{{\"checkout_url\": \"{url}\"}}")),
        Answer::Status(s) => (StatusCode::from_u16(s).unwrap(), "no".into()),
        Answer::Slow(d) => {
            tokio::time::sleep(d).await;
            (StatusCode::OK, "{}".into())
        }
    }
}

struct Receiver {
    url: String,
    state: Arc<ReceiverState>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/orders", listener.local_addr().unwrap());
        let state = Arc::new(ReceiverState::default());
        let (tx, _) = watch::channel(0);
        *state.count.lock().unwrap() = Some(tx);
        let app = axum::Router::new()
            .route("/orders", axum::routing::post(receive))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, state }
    }

    fn then(&self, answers: &[Answer]) {
        self.state.script.lock().unwrap().extend(answers.iter().cloned());
    }

    fn otherwise(&self, a: Answer) {
        *self.state.otherwise.lock().unwrap() = Some(a);
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` deliveries arrived.
    async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        let mut rx = self.state.count.lock().unwrap().as_ref().unwrap().subscribe();
        vitrine_testkit::wait_until(&mut rx, 30, &format!("{n} deliveries"), |c| *c >= n).await;
        self.deliveries()
    }
}

/// HQ with the webhook pointed at `url`, a manual clock at the real time
/// (the receiver checks timestamps against its own clock), a catalog and
/// an enrolled kiosk.
async fn hq(url: &str, clock: &Clock, tweak: impl FnOnce(&mut OrderWebhook)) -> (HqServer, EnrolledKiosk) {
    let mut cfg = OrderWebhook::new(url, WebhookSecret::new(SECRET).unwrap());
    cfg.timeout = Duration::from_millis(500);
    cfg.max_attempts = 3;
    cfg.retry_base_s = 2;
    tweak(&mut cfg);
    let clock = clock.clone();
    let s = vitrine_testkit::start_hq_in_temp_dir(move |c| {
        c.order_webhook = Some(cfg);
        c.clock = clock;
    })
    .await;
    commit_products(&s.hq, &[("05449000039231", "Nordic must original")], Vec::new());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    (s, k)
}

async fn order(s: &HqServer, k: &EnrolledKiosk, qty: u32) -> Uuid {
    let id = Uuid::now_v7();
    let r = reqwest::Client::new()
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&serde_json::json!({
            "id": id, "store": k.store, "created_at": s.hq.now(),
            "lines": [{"gtin": "05449000039231", "quantity": qty}],
            "customer": {"name": "Ana", "email": "ana@example.org", "phone": "+33612345678"}, "lang": "de"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    id
}

/// Waits until the outbox has recorded `n` tries of the event of order
/// `id` of kind `kind`, then moves HQ's clock past its next try and wakes
/// the worker.
async fn after_failed_try(s: &HqServer, clock: &Clock, id: &Uuid, kind: &str, n: u32) {
    let hq = s.hq.clone();
    let (id, kind) = (*id, kind.to_string());
    eventually(30, "the failed try recorded", move || {
        [EventState::Pending, EventState::Dead].into_iter().any(|st| {
            hq.storage
                .webhook_events(st, 100)
                .unwrap()
                .iter()
                .any(|e| e.order_id == Some(id) && e.kind == kind && e.attempts >= n)
        })
    })
    .await;
    // Past any delay of the first tries (base 2 s), within the receiver's
    // 300 s window (HQ signs with its own clock).
    clock.advance(60);
    s.hq.wake_webhooks();
}

/// The openapi document's schema for an event.
fn conforms(event: &Value) {
    let spec: Value = serde_json::from_str(vitrine_hq::routes::openapi::OPENAPI).unwrap();
    let schema = &spec["webhooks"]["orderEvent"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    if let Err(e) = vitrine_testkit::schema::check(&spec, schema, event, "event") {
        panic!("{e}\n{event:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_and_status_changes_arrive_signed_once_each_through_slow_and_failing_answers() {
    let r = Receiver::start().await;
    let clock = Clock::manual(vitrine_hq::now());
    let (s, k) = hq(&r.url, &clock, |_| {}).await;

    // Order 1: the receiver answers too late the first time (HQ's timeout
    // is 500 ms), then at once.
    r.then(&[Answer::Slow(Duration::from_secs(3)), Answer::Ok]);
    let o1 = order(&s, &k, 2).await;
    r.wait_for(1).await;
    after_failed_try(&s, &clock, &o1, "order.created", 1).await;
    r.wait_for(2).await;

    // Order 2: 500, then OK.
    r.then(&[Answer::Status(500), Answer::Ok]);
    let o2 = order(&s, &k, 1).await;
    r.wait_for(3).await;
    after_failed_try(&s, &clock, &o2, "order.created", 1).await;
    r.wait_for(4).await;

    // Status changes of order 1, along the counter's steps, and a
    // cancellation of order 2 with its reason.
    for st in [OrderStatus::Preparing, OrderStatus::Ready] {
        set_status(&s.hq, "paris-01", &o1, st, "camille", None).unwrap();
    }
    set_status(
        &s.hq,
        "paris-01",
        &o2,
        OrderStatus::Cancelled,
        "camille",
        Some(CancelReason::OutOfStock),
    )
    .unwrap();
    let all = r.wait_for(7).await;

    // Every delivery signed with the secret and the time; each event is
    // the same body under the same key on every try; every order arrived
    // once (one key per order's creation), in the document's schema.
    assert!(all.iter().all(|d| d.signature_ok), "{all:#?}");
    let mut by_key: BTreeMap<String, Vec<&Delivery>> = BTreeMap::new();
    for d in &all {
        assert_eq!(d.body["id"].as_str(), Some(d.key.as_str()));
        assert_eq!(d.body["type"].as_str(), Some(d.kind.as_str()));
        conforms(&d.body);
        by_key.entry(d.key.clone()).or_default().push(d);
    }
    for tries in by_key.values() {
        assert!(tries.iter().all(|d| d.body == tries[0].body));
    }
    let created: Vec<&Vec<&Delivery>> = by_key.values().filter(|t| t[0].kind == "order.created").collect();
    assert_eq!(created.len(), 2, "one creation event per order");
    assert_eq!(by_key.len(), 5, "2 orders + 3 status changes, each processed once");
    let first = created
        .iter()
        .find(|t| t[0].body["order"]["id"] == o1.to_string())
        .unwrap();
    assert_eq!(first.len(), 2, "the slow answer was tried again under the same key");
    let o = &first[0].body["order"];
    assert_eq!(o["number"], vitrine_core::wire::order_number(&o1));
    assert_eq!(o["store"], "paris-01");
    assert_eq!(o["status"], "received");
    assert_eq!(o["channel"], "kiosk");
    assert_eq!(o["fulfilment"], "click_and_collect");
    assert_eq!(o["lang"], "de");
    assert_eq!(o["customer"]["name"], "Ana");
    assert_eq!(o["customer"]["phone"], "+33612345678");
    assert_eq!(o["lines"][0]["gtin"], "05449000039231");
    assert_eq!(o["lines"][0]["quantity"], 2);
    assert_eq!(o["lines"][0]["name"], "Nordic must original");
    let stored = s.hq.storage.order(&o1).unwrap().unwrap();
    assert_eq!(o["total"]["amount_minor"], stored.total.amount_minor);
    assert_eq!(o["lines"][0]["total"]["amount_minor"], stored.total.amount_minor);
    // The status changes of order 1 came after its creation, in order.
    let changes: Vec<(String, String)> = all
        .iter()
        .filter(|d| d.kind == "order.status_changed" && d.body["order"]["id"] == o1.to_string())
        .map(|d| {
            (
                d.body["change"]["from"].as_str().unwrap().to_string(),
                d.body["change"]["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("received".into(), "preparing".into()),
            ("preparing".into(), "ready".into())
        ]
    );
    let cancel = all.iter().find(|d| d.body["change"]["to"] == "cancelled").unwrap();
    assert_eq!(cancel.body["change"]["reason"], "out_of_stock");
    assert_eq!(cancel.body["order"]["id"], o2.to_string());
    // Nothing waits (once HQ has recorded the last answer), nothing is dead.
    let hq = s.hq.clone();
    eventually(30, "every answer recorded", move || {
        hq.storage.webhook_events(EventState::Pending, 10).unwrap().is_empty()
    })
    .await;
    assert!(s.hq.storage.webhook_events(EventState::Dead, 10).unwrap().is_empty());
    // A refused move changes nothing and sends nothing.
    assert!(set_status(&s.hq, "paris-01", &o2, OrderStatus::Ready, "camille", None).is_err());
    assert_eq!(
        s.hq.storage.webhook_events(EventState::Delivered, 100).unwrap().len(),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_url_answered_is_kept_on_the_order_when_it_is_https() {
    let r = Receiver::start().await;
    let clock = Clock::manual(vitrine_hq::now());
    let (s, k) = hq(&r.url, &clock, |_| {}).await;
    r.then(&[Answer::Checkout("https://pay.example.com/c/42?t=x")]);
    let paid = order(&s, &k, 1).await;
    r.wait_for(1).await;
    r.then(&[Answer::Checkout("http://pay.example.com/c/43")]);
    let plain = order(&s, &k, 1).await;
    r.wait_for(2).await;
    let hq = s.hq.clone();
    eventually(30, "both delivered", move || {
        hq.storage.webhook_events(EventState::Delivered, 10).unwrap().len() == 2
    })
    .await;
    assert_eq!(
        s.hq.storage.order(&paid).unwrap().unwrap().checkout_url.as_deref(),
        Some("https://pay.example.com/c/42?t=x")
    );
    assert_eq!(s.hq.storage.order(&plain).unwrap().unwrap().checkout_url, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_always_fails_gets_dead_letters_that_replay_delivers() {
    let r = Receiver::start().await;
    let clock = Clock::manual(vitrine_hq::now());
    let (s, k) = hq(&r.url, &clock, |c| c.max_attempts = 3).await;
    r.otherwise(Answer::Status(500));
    let o = order(&s, &k, 1).await;
    for n in 1..=2 {
        r.wait_for(n).await;
        after_failed_try(&s, &clock, &o, "order.created", n as u32).await;
    }
    r.wait_for(3).await;
    let hq = s.hq.clone();
    eventually(30, "a dead letter", move || {
        hq.storage.webhook_events(EventState::Dead, 10).unwrap().len() == 1
    })
    .await;
    // A later order is not held up by the dead one (a 4xx: dead at once,
    // without retries).
    r.then(&[Answer::Status(422)]);
    let refused = order(&s, &k, 3).await;
    r.wait_for(4).await;
    let hq = s.hq.clone();
    eventually(30, "two dead letters", move || {
        hq.storage.webhook_events(EventState::Dead, 10).unwrap().len() == 2
    })
    .await;
    let dead = s.hq.storage.webhook_events(EventState::Dead, 10).unwrap();
    let first = dead.iter().find(|e| e.order_id == Some(o)).unwrap();
    assert_eq!(first.attempts, 3);
    assert_eq!(first.last_error.as_deref(), Some("the order webhook answered 500"));
    let other = dead.iter().find(|e| e.order_id == Some(refused)).unwrap();
    assert_eq!(other.attempts, 1);

    // The operator lists them, the receiver is fixed, one is replayed by
    // the command (another process): the running server delivers it.
    let bin = env!("CARGO_BIN_EXE_vitrine-hq");
    let listed = stdout_ok(&run_hq(bin, &s.data_dir, &["webhook", "dead"]));
    assert!(
        listed.contains(&first.id.to_string())
            && listed.contains(&vitrine_core::wire::order_number(&o))
            && listed.contains("3 tries")
            && listed.contains("answered 500"),
        "{listed}"
    );
    r.otherwise(Answer::Ok);
    let out = run_hq(bin, &s.data_dir, &["webhook", "replay", &first.id.to_string()]);
    assert!(stdout_ok(&out).contains("back in the queue"));
    let all = r.wait_for(5).await;
    let last = all.last().unwrap();
    assert_eq!(last.key, first.id.to_string());
    assert!(last.signature_ok);
    let hq = s.hq.clone();
    let id = first.id;
    eventually(30, "the replayed event delivered", move || {
        hq.storage
            .webhook_events(EventState::Delivered, 10)
            .unwrap()
            .iter()
            .any(|e| e.id == id)
    })
    .await;
    // Replaying what is not a dead letter is the operator's mistake.
    let again = run_hq(bin, &s.data_dir, &["webhook", "replay", &first.id.to_string()]);
    assert_eq!(again.status.code(), Some(2));
}

fn secret_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{text}\n")).unwrap();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_test_sends_a_signed_event_and_says_when_the_secret_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_vitrine-hq");
    let right = secret_file(dir.path(), "right", SECRET);
    // The receiver checks signatures (the demo's `webhook receive`).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut receiver = tokio::process::Command::new(bin)
        .args([
            "webhook",
            "receive",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--secret-file",
        ])
        .arg(&right)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/orders");
    eventually(30, "the receiver listening", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
    .await;
    let data = dir.path().join("hq");
    let ok = run_hq(
        bin,
        &data,
        &[
            "webhook",
            "test",
            "--order-webhook",
            &url,
            "--order-webhook-secret-file",
            right.to_str().unwrap(),
        ],
    );
    assert!(stdout_ok(&ok).contains("delivered: the webhook answered 200"));
    let wrong = secret_file(dir.path(), "wrong", "another-secret-of-enough-length");
    let refused = run_hq(
        bin,
        &data,
        &[
            "webhook",
            "test",
            "--order-webhook",
            &url,
            "--order-webhook-secret-file",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("answered 401"),
        "{refused:?}"
    );
    // Refused settings: no secret, a short one, plain HTTP to another host.
    let short = secret_file(dir.path(), "short", "short");
    for args in [
        vec!["webhook", "test", "--order-webhook", url.as_str()],
        vec![
            "webhook",
            "test",
            "--order-webhook",
            url.as_str(),
            "--order-webhook-secret-file",
            short.to_str().unwrap(),
        ],
        vec![
            "webhook",
            "test",
            "--order-webhook",
            "http://oms.example.com/x",
            "--order-webhook-secret-file",
            right.to_str().unwrap(),
        ],
    ] {
        let out = run_hq(bin, &data, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }

    // A real HQ pointed at the receiver: the order is logged (number,
    // store, lines, total), once, without the customer's contact details.
    let clock = Clock::manual(vitrine_hq::now());
    let (s, k) = hq(&url, &clock, |_| {}).await;
    let id = order(&s, &k, 2).await;
    set_status(&s.hq, "paris-01", &id, OrderStatus::Preparing, "camille", None).unwrap();
    let mut out = tokio::io::BufReader::new(receiver.stdout.take().unwrap());
    let mut lines = Vec::new();
    use tokio::io::AsyncBufReadExt;
    while lines.len() < 3 {
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(30), out.read_line(&mut line))
            .await
            .expect("a line from the receiver")
            .unwrap();
        lines.push(line);
    }
    let number = vitrine_core::wire::order_number(&id);
    assert!(lines[0].starts_with("webhook.test"), "{lines:?}");
    assert!(
        lines[1].starts_with("order.created")
            && lines[1].contains(&format!("order {number}"))
            && lines[1].contains("store paris-01")
            && lines[1].contains("kiosk click_and_collect")
            && lines[1].contains("1 lines"),
        "{lines:?}"
    );
    assert!(
        lines[2].contains(&format!("order {number}")) && lines[2].contains("received -> preparing"),
        "{lines:?}"
    );
    assert!(!lines.concat().contains("ana@example.org") && !lines.concat().contains("+336"));
    // A forged delivery is refused.
    let forged = reqwest::Client::new()
        .post(&url)
        .header(
            "vitrine-signature",
            format!("t={},v1={}", vitrine_hq::now(), "0".repeat(64)),
        )
        .header("idempotency-key", Uuid::now_v7().to_string())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

/// The README's check with openssl finds HQ's signature.
#[test]
fn the_signature_is_what_openssl_computes() {
    let body = br#"{"id":"0192f0c1-0000-7000-8000-000000000000","type":"webhook.test","created_at":1800000000}"#;
    let header = vitrine_core::webhook::signature_header(SECRET.as_bytes(), 1_800_000_000, body);
    let mut signed = b"1800000000.".to_vec();
    signed.extend_from_slice(body);
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", SECRET])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&signed).unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let hex = out.trim().rsplit(' ').next().unwrap();
    assert_eq!(header, format!("t=1800000000,v1={hex}"));
}
