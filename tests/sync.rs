//! Kiosk ↔ HQ sync for real: the HQ server on 127.0.0.1:0 with its SQLite
//! file, kiosks with their own SQLite files, the sync worker on a tokio
//! runtime, and a TCP proxy that cuts, delays, drops and rewrites.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use serde_json::value::RawValue;
use uuid::Uuid;
use vitrine::catalog::Catalog;
use vitrine::sync::client::HqClient;
use vitrine::sync::worker::apply_update;
use vitrine::sync::{NewOrder, Outbox, SyncError, sync_once};
use vitrine_core::wire::{ChangesAnswer, HandoffLine, OrderCustomer, UpdateRejected};
use vitrine_core::{Gtin, Lang, Money};
use vitrine_hq::admin;

fn gtin(s: &str) -> Gtin {
    Gtin::from_digits(s).unwrap()
}

fn lines() -> Vec<HandoffLine> {
    vec![
        HandoffLine {
            gtin: gtin(COKE),
            quantity: 2,
            measure: None,
        },
        HandoffLine {
            gtin: gtin(BOOK),
            quantity: 1,
            measure: None,
        },
    ]
}

fn new_order(name: &str) -> NewOrder {
    NewOrder {
        lines: lines(),
        customer: OrderCustomer {
            name: name.into(),
            email: Some("shopper@example.fr".into()),
            phone: None,
            customer_id: None,
        },
        lang: Lang::FR,
        identification: None,
    }
}

fn price_at(dir: &std::path::Path, g: &str, store: &str) -> Option<Money> {
    Catalog::open_readonly(dir).unwrap().price(gtin(g), store).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_change_at_hq_reaches_the_kiosk_by_push() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    // Polling every hour: only the push stream can bring changes in time.
    let (handle, mut rx) = start_synced_worker(&hq, k_dir.path()).await;

    // HQ's referential has generated demo prices (start_hq imports with the
    // demo seed): the kiosk keeps saying they are not real prices.
    assert!(
        vitrine::catalog::Catalog::open_readonly(k_dir.path())
            .unwrap()
            .demo_values()
            .unwrap()
    );
    let (v1, _) = admin::price_set(&hq.hq, COKE, "1.23", Some("paris-01")).unwrap();
    let st = wait_until(&mut rx, 10, "the pushed price", |s| s.catalog_version == v1).await;
    assert!(
        vitrine::catalog::Catalog::open_readonly(k_dir.path())
            .unwrap()
            .demo_values()
            .unwrap()
    );
    assert!(st.last_error.is_none(), "{st:?}");
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(123)));

    // A change written by another process (the CLI) is noticed and pushed too.
    let v2 = hq
        .hq
        .storage
        .commit_changes(
            &[vitrine_core::catalog::Change::SetPrice(
                vitrine_core::product::PriceEntry {
                    gtin: gtin(BOOK),
                    store: Some("paris-01".into()),
                    price: Money::eur(1500),
                },
            )],
            Some("paris-01"),
            vitrine_hq::now(),
        )
        .unwrap();
    wait_until(&mut rx, 10, "the change from another process", |s| {
        s.catalog_version == v2
    })
    .await;
    assert_eq!(price_at(k_dir.path(), BOOK, "paris-01"), Some(Money::eur(1500)));
    // A price for another store moves the version but not this store's price.
    let (v3, _) = admin::price_set(&hq.hq, COKE, "0.50", Some("lyon-02")).unwrap();
    wait_until(&mut rx, 10, "the other store's version", |s| s.catalog_version == v3).await;
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(123)));
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hq_down_while_handoffs_and_orders_queue_then_up_each_arrives_exactly_once() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut hq = start_hq(hq_dir.path(), |_| {}).await;
    let addr = hq.addr;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let (handle, mut rx) = start_synced_worker(&hq, k_dir.path()).await;

    hq.stop().await;
    let ob = handle.outbox().clone();
    // Queued from a worker thread, as the UI does.
    let (handoffs, orders) = tokio::task::spawn_blocking(move || {
        let hs: Vec<Uuid> = (0..3)
            .map(|_| ob.queue_handoff(&lines(), None, None).unwrap().id)
            .collect();
        let os: Vec<Uuid> = (0..3)
            .map(|i| ob.queue_order(new_order(&format!("Shopper {i}"))).unwrap().id)
            .collect();
        (hs, os)
    })
    .await
    .unwrap();
    let st = wait_until(&mut rx, 10, "HQ to be seen down", |s| {
        s.outbox_pending == 6 && s.last_error.is_some() && !s.online
    })
    .await;
    assert_eq!(st.outbox_dead, 0);
    // HQ changes a price while the kiosk cannot hear it.
    let (v1, _) = admin::price_set(&hq.hq, COKE, "3.33", Some("paris-01")).unwrap();

    let hq2 = start_hq_at(hq_dir.path(), &addr.to_string(), |_| {}).await;
    let st = wait_until(&mut rx, 30, "the outbox to drain and the catalog to catch up", |s| {
        s.outbox_pending == 0 && s.catalog_version == v1 && s.online
    })
    .await;
    assert_eq!(st.outbox_dead, 0);
    for id in &handoffs {
        assert!(hq2.hq.storage.handoff(id).unwrap().is_some(), "handoff {id} missing");
        assert!(handle.outbox().is_delivered(id).unwrap());
    }
    let at_hq = hq2.hq.storage.orders("paris-01").unwrap();
    assert_eq!(at_hq.len(), 3, "each order exactly once");
    for id in &orders {
        assert_eq!(at_hq.iter().filter(|o| o.id == *id).count(), 1);
    }
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(333)));
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_lost_or_late_after_hq_committed_cause_no_duplicate() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let proxy = Proxy::start(hq.addr).await;
    enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    let mut s = settings();
    s.request_timeout = Duration::from_millis(1000);
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), s).unwrap();
    let mut rx = handle.status();
    let v0 = hq.hq.storage.current_version().unwrap();
    wait_until(&mut rx, 30, "the first snapshot", |s| s.catalog_version == v0).await;

    // 1. Answers cut after HQ has them.
    proxy.set(Mode::DropResponses(3));
    let ob = handle.outbox().clone();
    let (order, handoff) = tokio::task::spawn_blocking(move || {
        (
            ob.queue_order(new_order("Léa")).unwrap().id,
            ob.queue_handoff(&lines(), None, None).unwrap().id,
        )
    })
    .await
    .unwrap();
    wait_until(&mut rx, 30, "the outbox to drain through the cuts", |s| {
        s.outbox_pending == 0
    })
    .await;
    assert!(proxy.dropped.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    let at_hq = hq.hq.storage.orders("paris-01").unwrap();
    assert_eq!(at_hq.iter().filter(|o| o.id == order).count(), 1);
    assert_eq!(at_hq.len(), 1);
    assert!(hq.hq.storage.handoff(&handoff).unwrap().is_some());
    assert_eq!(rx.borrow().outbox_dead, 0);

    // 2. Answers slower than the kiosk waits: HQ commits, the kiosk times
    //    out and sends again.
    proxy.set(Mode::Delay(Duration::from_millis(1500)));
    let ob = handle.outbox().clone();
    let late = tokio::task::spawn_blocking(move || ob.queue_order(new_order("Noé")).unwrap().id)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while hq.hq.storage.order(&late).unwrap().is_none() {
        assert!(tokio::time::Instant::now() < deadline, "HQ never got the late order");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_until(&mut rx, 20, "a timed-out attempt", |s| {
        s.last_error.is_some() && s.outbox_pending == 1
    })
    .await;
    proxy.set(Mode::Pass);
    wait_until(&mut rx, 30, "the late order to be confirmed", |s| s.outbox_pending == 0).await;
    let at_hq = hq.hq.storage.orders("paris-01").unwrap();
    assert_eq!(at_hq.len(), 2);
    assert_eq!(at_hq.iter().filter(|o| o.id == late).count(), 1);
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_replayed_and_other_store_deltas_are_refused_and_the_old_catalog_kept() {
    let (hq_dir, k_dir, b_dir) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let proxy = Proxy::start(hq.addr).await;
    let ident = enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    let other = enroll(&hq, &hq.url(), b_dir.path(), "lyon-02").await;
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    let v0 = hq.hq.storage.current_version().unwrap();
    assert_eq!(st.catalog_version, v0);
    let before = price_at(k_dir.path(), COKE, "paris-01");

    let (v1, _) = admin::price_set(&hq.hq, COKE, "2.49", Some("paris-01")).unwrap();
    let client = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5)).unwrap();
    let ChangesAnswer::Delta { update } = client.changes_since(v0).await.unwrap() else {
        panic!("expected a delta")
    };
    let client_b = HqClient::new(&hq.url(), &other.token, Duration::from_secs(5)).unwrap();
    let ChangesAnswer::Delta { update: for_lyon } = client_b.changes_since(v0).await.unwrap() else {
        panic!("expected a delta")
    };
    let mut cat = Catalog::open(k_dir.path()).unwrap();
    let unchanged = |cat: &Catalog| {
        assert_eq!(cat.version().unwrap(), v0);
        assert_eq!(cat.price(gtin(COKE), "paris-01").unwrap(), before);
    };

    // Tampered content under HQ's signature.
    let mut t = update.clone();
    t.changes = RawValue::from_string(update.changes.get().replace("249", "111")).unwrap();
    let e = apply_update(&mut cat, &ident, &t, 1).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::HashMismatch)), "{e}");
    unchanged(&cat);
    // Tampered header.
    let mut t = update.clone();
    t.to_version += 5;
    let e = apply_update(&mut cat, &ident, &t, 1).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::Signature(_))), "{e}");
    unchanged(&cat);
    // Another store's delta, genuinely signed by HQ.
    let e = apply_update(&mut cat, &ident, &for_lyon, 1).unwrap_err();
    assert!(
        matches!(e, SyncError::Rejected(UpdateRejected::OtherStore { .. })),
        "{e}"
    );
    assert!(e.to_string().contains("lyon-02"));
    unchanged(&cat);
    // The genuine one, presented after it expired (captured and replayed
    // later, or a kiosk clock far ahead).
    let e = apply_update(&mut cat, &ident, &update, update.expires_at + 1).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::Expired { .. })), "{e}");
    assert!(e.to_string().contains("expired"), "{e}");
    unchanged(&cat);
    // The genuine one applies; replaying it is refused.
    assert_eq!(apply_update(&mut cat, &ident, &update, 1).unwrap(), v1);
    assert_eq!(cat.price(gtin(COKE), "paris-01").unwrap(), Some(Money::eur(249)));
    let e = apply_update(&mut cat, &ident, &update, 1).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::NotNewer { .. })), "{e}");
    assert_eq!(cat.version().unwrap(), v1);
    drop(cat);

    // End to end: a proxy rewrites a price in a delta on the way. The worker
    // refuses it, keeps its catalog and says so in its status.
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), settings()).unwrap();
    let mut rx = handle.status();
    wait_until(&mut rx, 20, "the push stream", |s| s.online).await;
    proxy.set(Mode::Rewrite(
        b"\"amount_minor\":777".to_vec(),
        b"\"amount_minor\":111".to_vec(),
    ));
    let (v2, _) = admin::price_set(&hq.hq, COKE, "7.77", Some("paris-01")).unwrap();
    let st = wait_until(&mut rx, 20, "the refusal", |s| s.last_error.is_some()).await;
    let err = st.last_error.unwrap();
    assert!(err.contains("refused"), "{err}");
    assert_eq!(st.catalog_version, v1);
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(249)));
    // Once the path is clean, the next version brings everything.
    proxy.set(Mode::Pass);
    let (v3, _) = admin::price_set(&hq.hq, BOOK, "9.99", None).unwrap();
    assert!(v3 > v2);
    let st = wait_until(&mut rx, 20, "recovery", |s| s.catalog_version == v3).await;
    assert!(st.last_error.is_none());
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(777)));
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_too_old_for_hq_leads_to_a_snapshot() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let v0 = sync_once(k_dir.path(), settings()).await.unwrap().catalog_version;
    for p in ["1.01", "1.02", "1.03"] {
        admin::price_set(&hq.hq, COKE, p, Some("paris-01")).unwrap();
    }
    hq.hq.storage.prune_history(1).unwrap();
    let client = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5)).unwrap();
    let answer = client.changes_since(v0).await.unwrap();
    assert!(matches!(answer, ChangesAnswer::SnapshotRequired { .. }), "{answer:?}");
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(st.catalog_version, v0 + 3);
    assert!(st.last_error.is_none(), "{st:?}");
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(103)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_goes_to_the_dead_letters_and_does_not_block_the_queue() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    // A product HQ does not know: HQ refuses the order (422) for good.
    let mut bad = new_order("Zoé");
    bad.lines = vec![HandoffLine {
        gtin: gtin("4006381333931"),
        quantity: 1,
        measure: None,
    }];
    ob.queue_order(bad).unwrap();
    let good = ob.queue_order(new_order("Jean")).unwrap();
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!((st.outbox_pending, st.outbox_dead), (0, 1));
    let dead = ob.dead_letters().unwrap();
    assert_eq!(dead[0].http_status, Some(422));
    assert!(dead[0].error.contains("not in HQ's catalog"), "{:?}", dead[0]);
    assert!(hq.hq.storage.order(&good.id).unwrap().is_some());

    // Availability, asked live then answered from the cache.
    let svc = vitrine::sync::AvailabilityService::new(ob.clone(), 60, Duration::from_secs(5));
    let a = svc.get(gtin(COKE)).await.unwrap();
    assert!(!a.from_cache);
    assert!(a.availability.stores.iter().any(|s| s.store == "lyon-02"));
    let again = svc.get(gtin(COKE)).await.unwrap();
    assert!(again.from_cache);
    assert_eq!(again.availability, a.availability);
}

fn vitrine(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    kiosk_command(data_dir)
        .args(args)
        .env("VITRINE__HQ__RETRY_BASE_MS", "20")
        .output()
        .expect("run vitrine")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_command_line_enrolls_syncs_and_queues_handoffs() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let (_, code) = admin::device_add(&hq.hq, "paris-01").unwrap();
    let dir = k_dir.path().to_path_buf();
    let url = hq.url();
    let run = move |args: Vec<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            vitrine(&dir, &a)
        })
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    let out = stdout_ok(&run(s(&["enroll", "--hq", &url, "--code", &code])).await.unwrap());
    // In the configured language (French in the shipped file).
    assert!(out.contains("enrôlé") && out.contains("paris-01"), "{out}");
    let again = run(s(&["enroll", "--hq", &url, "--code", &code])).await.unwrap();
    assert_ne!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("device add"));

    let out = stdout_ok(&run(s(&["sync", "--once", "--json"])).await.unwrap());
    let st: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(st["catalog_version"], hq.hq.storage.current_version().unwrap());
    assert!(st["last_sync"].is_i64());

    let out = stdout_ok(&run(s(&["handoff", "5449000039231x2", "9780002314572"])).await.unwrap());
    let url_line = out.trim();
    assert!(
        url_line.starts_with(&format!("{url}/h/")) && url_line.contains('#'),
        "{out}"
    );
    let bad = run(s(&["handoff", "5449000039232"])).await.unwrap();
    assert_eq!(bad.status.code(), Some(2));
    // A product the catalog does not know is not handed off (the phone
    // could not price it): exit 3, naming it, and nothing is queued.
    let unknown = run(s(&["handoff", "5449000039231", "4006381333931"])).await.unwrap();
    assert_eq!(unknown.status.code(), Some(3));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(err.contains("4006381333931"), "{err}");

    let out = stdout_ok(&run(s(&["status", "--json"])).await.unwrap());
    let st: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(st["outbox_pending"], 1);
    assert!(st["last_sync"].is_i64());
    assert!(st["catalog_version"].is_u64());
    assert_eq!(st["enrolled"]["store"], "paris-01");

    let out = stdout_ok(&run(s(&["sync", "--once", "--json"])).await.unwrap());
    let st: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(st["outbox_pending"], 0);
    let id = url_line.split("/h/").nth(1).unwrap().split('#').next().unwrap();
    assert!(hq.hq.storage.handoff(&Uuid::parse_str(id).unwrap()).unwrap().is_some());

    // --follow prints the status as JSON lines until stopped. It polls
    // once an hour here: what it shows comes from the push stream, and from
    // noticing messages another process queued.
    let mut child = kiosk_command(k_dir.path())
        .args(["sync", "--follow"])
        .env("VITRINE__HQ__POLL_INTERVAL_S", "3600")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(serde_json::from_str(&line).unwrap()).is_err() {
                return;
            }
        }
    });
    async fn wait_for(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>,
        what: &str,
        f: impl Fn(&serde_json::Value) -> bool,
    ) {
        let found = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(v) = rx.recv().await {
                if f(&v) {
                    return true;
                }
            }
            false
        })
        .await;
        assert!(matches!(found, Ok(true)), "sync --follow never showed {what}");
    }
    let (v1, _) = admin::price_set(&hq.hq, COKE, "4.56", Some("paris-01")).unwrap();
    wait_for(&mut rx, "the new version", |v| v["catalog_version"] == v1).await;
    // A handoff queued by another process (`vitrine handoff`) is sent by
    // the running worker within seconds, not at its next poll.
    let out = stdout_ok(&run(s(&["handoff", "5449000039231"])).await.unwrap());
    let id = out
        .trim()
        .split("/h/")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_string();
    let id = Uuid::parse_str(&id).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while hq.hq.storage.handoff(&id).unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the handoff queued by another process never reached HQ"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
}

/// The push stream blocked on the way (a firewall closes `/v1/events`):
/// the kiosk says it is not online and polls, and HQ's changes still arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_push_stream_blocked_the_kiosk_polls_and_still_gets_changes() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let proxy = Proxy::start(hq.addr).await;
    proxy.set(Mode::BlockPath("/v1/events".into()));
    enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    let mut s = settings();
    s.poll_interval = Duration::from_secs(1);
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), s).unwrap();
    let mut rx = handle.status();
    let v0 = hq.hq.storage.current_version().unwrap();
    wait_until(&mut rx, 30, "the first catalog, by polling", |s| {
        s.catalog_version == v0
    })
    .await;
    let (v1, _) = admin::price_set(&hq.hq, COKE, "2.34", Some("paris-01")).unwrap();
    let st = wait_until(&mut rx, 30, "the new price, by polling", |s| s.catalog_version == v1).await;
    assert!(
        !st.online,
        "the push stream is blocked: the kiosk is not online: {st:?}"
    );
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(234)));
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_kiosk_waits_as_long_as_hq_asks_and_keeps_its_queue() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Two requests a minute for each kiosk: once spent, HQ says "retry after
    // about 30 s".
    let hq = start_hq(hq_dir.path(), |c| c.rate_per_minute = 2).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let client = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5)).unwrap();
    let mut refused = None;
    for _ in 0..3 {
        if let Err(e) = client.changes_since(0).await {
            refused = Some(e);
            break;
        }
    }
    let e = refused.expect("HQ rate-limits the kiosk");
    assert_eq!(e.status(), Some(429));
    assert!(e.is_retryable());
    let wait = e.retry_after().expect("HQ says how long to wait");
    assert!(wait >= Duration::from_secs(20), "{wait:?}");

    // The worker retries every 20-300 ms when HQ is down; told to wait, it
    // tries once and plans its next try no sooner than HQ asked.
    let ob = Outbox::open(k_dir.path()).unwrap();
    let q = ob.queue_order(new_order("Jean")).unwrap();
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), settings()).unwrap();
    let mut rx = handle.status();
    let st = wait_until(&mut rx, 10, "the outbox to be refused for now", |s| {
        s.last_error.as_deref().is_some_and(|e| e.contains("429")) && s.outbox_retry_in_s.is_some()
    })
    .await;
    assert_eq!((st.outbox_pending, st.outbox_dead), (1, 0), "{st:?}");
    // HQ's Retry-After (about 30 s, at least 20 s above) is the wait, not the
    // back-off's 20-300 ms.
    let planned = st.outbox_retry_in_s.unwrap();
    assert!(planned >= 15, "the next try in {planned} s");
    let pending = ob.next_pending().unwrap().expect("the order still waits");
    assert_eq!(pending.id, q.id);
    assert_eq!(pending.attempts, 1, "one try, then HQ's Retry-After was honoured");
    assert!(hq.hq.storage.order(&q.id).unwrap().is_none());
    handle.stop().await;
}

/// A false HQ on loopback: answers every connection with `reply` (bytes as
/// they go on the wire) and passes on the request it read, lower-cased.
async fn false_hq(reply: Vec<u8>) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (reply, tx) = (reply.clone(), tx.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let _ = tx.send(String::from_utf8_lossy(&buf[..n]).to_lowercase());
                let _ = sock.write_all(&reply).await;
            });
        }
    });
    (url, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_asks_for_gzipped_catalogs_and_reads_them() {
    // What the kiosk's client sends, read by a false HQ.
    let (url, mut seen) =
        false_hq(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()).await;
    let client = HqClient::new(&url, "t", Duration::from_secs(5)).unwrap();
    let part_dir = tempfile::tempdir().unwrap();
    assert!(client.snapshot_to(&part_dir.path().join("s.part")).await.is_err());
    let request = seen.recv().await.unwrap();
    assert!(request.starts_with("get /v1/catalog/snapshot"), "{request}");
    assert!(request.contains("accept-encoding: gzip"), "{request}");

    // From the real HQ, the demo catalog's streamed snapshot (a gzipped
    // file of one record a line, several hundred kilobytes inflated) is
    // read and applied.
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let r = raw
        .get(format!("{}/v1/catalog/snapshot", hq.url()))
        .bearer_auth(&ident.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/x-vitrine-snapshot");
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(&r.bytes().await.unwrap()[..2], &[0x1f, 0x8b], "a gzip file");
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(st.catalog_version, hq.hq.storage.current_version().unwrap());
    assert!(st.last_error.is_none(), "{st:?}");
    assert!(price_at(k_dir.path(), COKE, "paris-01").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_bomb_from_a_false_hq_is_stopped_at_the_size_ceiling() {
    use std::io::Write;
    // 16 MB of zeros gzipped: about 16 KB on the wire.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![0u8; 16 << 20]).unwrap();
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 100_000);
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    reply.extend_from_slice(&bomb);
    let (url, _seen) = false_hq(reply).await;
    let client = HqClient::new(&url, "t", Duration::from_secs(5))
        .unwrap()
        .with_max_snapshot_bytes(1 << 20);
    let part_dir = tempfile::tempdir().unwrap();
    let part = part_dir.path().join("s.part");
    let e = client.snapshot_to(&part).await.unwrap_err();
    assert!(!part.exists(), "an oversized download is not kept");
    assert!(
        matches!(e, vitrine::sync::client::HqError::TooLarge(n) if n == 1 << 20),
        "{e:?}"
    );
    assert!(e.to_string().contains("larger than"), "{e}");
    // Other answers have their own ceiling (64 MB): the same 16 MB are read,
    // then found not to be JSON.
    let default = HqClient::new(&url, "t", Duration::from_secs(5)).unwrap();
    assert!(matches!(
        default.changes_since(1).await,
        Err(vitrine::sync::client::HqError::Decode(_))
    ));
}

/// The store HQ enrolled the kiosk for is the kiosk's store: a kiosk whose
/// configuration says `paris-01` (the default) but was enrolled for `S1`
/// shows S1's prices, in `lookup` as in `status` (issue 13: it showed no
/// price and only printed a note).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_hq_enrolled_the_kiosk_for_is_the_store_it_serves() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let (_, code) = admin::device_add(&hq.hq, "S1").unwrap();
    let dir = k_dir.path().to_path_buf();
    let url = hq.url();
    let run = move |args: Vec<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut c = kiosk_command(&dir);
            c.args(&a).env("VITRINE__UI__LANGUAGE", "en");
            c.output().expect("run vitrine")
        })
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    stdout_ok(&run(s(&["enroll", "--hq", &url, "--code", &code])).await.unwrap());
    admin::price_set(&hq.hq, COKE, "1.23", Some("S1")).unwrap();
    stdout_ok(&run(s(&["sync", "--once", "--json"])).await.unwrap());

    let out = stdout_ok(&run(s(&["lookup", "5449000039231", "--json"])).await.unwrap());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["price"]["amount_minor"], 123, "{out}");
    assert_eq!(v["store"], "S1", "{out}");
    let text = stdout_ok(&run(s(&["lookup", "5449000039231"])).await.unwrap());
    assert!(text.contains("€1.23"), "{text}");
    let st: serde_json::Value =
        serde_json::from_str(&stdout_ok(&run(s(&["status", "--json"])).await.unwrap())).unwrap();
    assert_eq!(st["store"], "S1", "{st}");
    // `--store` still asks for another store's prices explicitly.
    let out = stdout_ok(
        &run(s(&["lookup", "5449000039231", "--json", "--store", "paris-01"]))
            .await
            .unwrap(),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["store"], "paris-01", "{out}");
}

/// The demo catalog and `n` more products at HQ: a snapshot large enough
/// that the other answers of a sync are small beside it.
fn grow_catalog(hq: &vitrine_hq::Hq, n: u64) {
    let changes: Vec<vitrine_core::catalog::Change> = (0..n)
        .map(|i| {
            let p = vitrine_core::product::Product::new(
                Gtin::from_body(&format!("{:012}", 377_000_000_000 + i)).unwrap(),
                format!("Produit de démonstration numéro {i}"),
            );
            vitrine_core::catalog::Change::UpsertProduct(p)
        })
        .collect();
    hq.commit(&changes, None).unwrap();
}

/// The snapshot HQ serves the kiosk `ident`, as received (gzipped).
async fn snapshot_bytes(hq: &HqServer, ident: &vitrine::sync::store::DeviceIdentity) -> Vec<u8> {
    reqwest::Client::new()
        .get(hq.at("/v1/catalog/snapshot"))
        .bearer_auth(&ident.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// Issue 18: a snapshot download cut at 90 % is resumed for its last 10 %
/// on the next pull, not downloaded again; until then the kiosk keeps its
/// catalog.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_download_cut_at_90_percent_resumes_where_it_stopped() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    grow_catalog(&hq.hq, 3000);
    let proxy = Proxy::start(hq.addr).await;
    let ident = enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    let size = snapshot_bytes(&hq, &ident).await.len() as u64;
    let before = Catalog::open(k_dir.path()).unwrap().version().unwrap();

    let cut_at = size * 9 / 10;
    proxy.set(Mode::CutBody {
        path: "/v1/catalog/snapshot".into(),
        body_bytes: cut_at,
    });
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(proxy.faults.answers_cut.load(Ordering::SeqCst), 1);
    assert!(st.last_error.is_some(), "{st:?}");
    assert_eq!(
        st.catalog_version, before,
        "the old catalog stays until the new one is whole"
    );
    let part = vitrine::sync::snapshot::part_path(k_dir.path());
    assert_eq!(std::fs::metadata(&part).unwrap().len(), cut_at, "what arrived is kept");

    let wire_before = proxy.faults.answer_bytes.load(Ordering::SeqCst);
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    let wire = proxy.faults.answer_bytes.load(Ordering::SeqCst) - wire_before;
    assert!(st.last_error.is_none(), "{st:?}");
    assert_eq!(st.catalog_version, hq.hq.storage.current_version().unwrap());
    // The last 10 % and the other, small answers of a sync: far less than
    // the snapshot again.
    assert!(wire < size / 2, "{wire} bytes on the wire for a {size}-byte snapshot");
    assert!(!part.exists(), "an applied download is removed");
    let cat = Catalog::open(k_dir.path()).unwrap();
    assert!(cat.product(Gtin::from_body("377000002999").unwrap()).unwrap().is_some());
}

/// Issue 18: a streamed snapshot whose content was changed after HQ signed
/// it is refused whole, the old catalog kept, and the download dropped (so
/// it is fetched again, not resumed); the genuine one then applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_streamed_snapshot_is_refused_and_the_old_catalog_kept() {
    use std::io::{Read, Write};
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let v1 = sync_once(k_dir.path(), settings()).await.unwrap().catalog_version;
    let old_price = price_at(k_dir.path(), COKE, "paris-01");
    admin::price_set(&hq.hq, COKE, "2.49", Some("paris-01")).unwrap();

    let genuine = snapshot_bytes(&hq, &ident).await;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&genuine[..])
        .read_to_string(&mut text)
        .unwrap();
    let tampered: String = text
        .lines()
        .map(|l| {
            if l.contains("set_price") && l.contains(COKE) && l.contains("paris-01") {
                assert!(l.contains("249"), "{l}");
                l.replace("249", "149")
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(tampered, text);
    let gz = |t: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(t.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let part = vitrine::sync::snapshot::part_path(k_dir.path());
    let now = vitrine::clock::now();
    std::fs::write(&part, gz(&tampered)).unwrap();
    let mut cat = Catalog::open(k_dir.path()).unwrap();
    let e = vitrine::sync::snapshot::apply_snapshot_file(&mut cat, &ident, &part, now).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::HashMismatch)), "{e:?}");
    assert_eq!(cat.version().unwrap(), v1);
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), old_price);
    assert!(!part.exists(), "a refused download is not resumed");

    // Cut short (its signed end missing): refused too.
    let cut: String = text
        .lines()
        .take(text.lines().count() - 1)
        .map(|l| l.to_string() + "\n")
        .collect();
    std::fs::write(&part, gz(&cut)).unwrap();
    let e = vitrine::sync::snapshot::apply_snapshot_file(&mut cat, &ident, &part, now).unwrap_err();
    assert!(matches!(e, SyncError::Rejected(UpdateRejected::Malformed(_))), "{e:?}");
    assert_eq!(cat.version().unwrap(), v1);

    std::fs::write(&part, &genuine).unwrap();
    let v2 = vitrine::sync::snapshot::apply_snapshot_file(&mut cat, &ident, &part, now).unwrap();
    assert_eq!(v2, hq.hq.storage.current_version().unwrap());
    assert_eq!(price_at(k_dir.path(), COKE, "paris-01"), Some(Money::eur(249)));
}
