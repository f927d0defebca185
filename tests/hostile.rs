//! A hostile network between the kiosk and HQ: the real sync worker talks
//! to the real HQ through a TCP proxy that, at random, cuts requests
//! half-way, delays answers past the kiosk's timeout, truncates answers and
//! drops answers after HQ committed. The outbox must drain with every
//! message at HQ exactly once, no message refused for the network's fault,
//! the catalog must reach HQ's version (damaged updates refused, never
//! applied), and the worker must not be stuck afterwards.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use vitrine::catalog::Catalog;
use vitrine::sync::NewOrder;
use vitrine_core::wire::{HandoffLine, OrderCustomer};
use vitrine_core::{Gtin, Lang, Money};
use vitrine_hq::admin;

fn line(g: &str, quantity: u32) -> HandoffLine {
    HandoffLine::new(Gtin::from_digits(g).unwrap(), quantity)
}

fn order(i: usize) -> NewOrder {
    NewOrder {
        lines: vec![line(COKE, 1 + (i % 4) as u32), line(BOOK, 1)],
        customer: OrderCustomer {
            name: format!("Client {i}"),
            email: Some("client@example.fr".into()),
            phone: None,
            customer_id: None,
        },
        lang: Lang::FR,
        identification: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_cuts_delays_truncations_and_lost_answers_lose_and_duplicate_nothing() {
    let messages: usize = std::env::var("VITRINE_HOSTILE_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    fastrand::seed(7);
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |c| c.rate_per_minute = 1_000_000).await;
    let proxy = Proxy::start(hq.addr).await;
    enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    let mut s = settings();
    // Some delays outlast the kiosk's patience: HQ commits, the kiosk
    // times out and sends again.
    s.request_timeout = Duration::from_millis(400);
    s.stream_idle_timeout = Duration::from_secs(2);
    s.poll_interval = Duration::from_millis(500);
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), s).unwrap();
    let mut rx = handle.status();
    let v0 = hq.hq.storage.current_version().unwrap();
    wait_until(&mut rx, 30, "the first snapshot", |s| s.catalog_version == v0).await;

    proxy.set(Mode::Chaos {
        percent: 25,
        max_delay: Duration::from_millis(800),
    });
    let ob = handle.outbox().clone();
    let hq2 = hq.hq.clone();
    // Shoppers keep queueing while HQ keeps changing prices.
    let (handoffs, orders, last_price) = tokio::task::spawn_blocking(move || {
        let (mut hs, mut os) = (Vec::new(), Vec::new());
        let mut price = 0;
        for i in 0..messages {
            if i % 2 == 0 {
                hs.push(
                    ob.queue_handoff(&[line(COKE, 1 + (i % 3) as u32)], None, None)
                        .unwrap()
                        .id,
                );
            } else {
                os.push(ob.queue_order(order(i)).unwrap().id);
            }
            if i % 50 == 0 {
                price = 100 + i as i64;
                let text = format!("{}.{:02}", price / 100, price % 100);
                admin::price_set(&hq2, COKE, &text, Some("paris-01")).unwrap();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        (hs, os, price)
    })
    .await
    .unwrap();
    let st = wait_until(&mut rx, 300, "the outbox to drain through the faults", |s| {
        s.outbox_pending == 0
    })
    .await;
    let faults = &proxy.faults;
    println!(
        "hostile network: {messages} messages through {} connections; faults: {} requests cut, \
         {} answers delayed, {} truncated, {} dropped after HQ committed",
        proxy.connections.load(Ordering::SeqCst),
        faults.requests_cut.load(Ordering::SeqCst),
        faults.answers_delayed.load(Ordering::SeqCst),
        faults.answers_truncated.load(Ordering::SeqCst),
        faults.answers_dropped.load(Ordering::SeqCst),
    );
    assert_eq!(
        st.outbox_dead, 0,
        "the network's faults are not the messages' fault: {st:?}"
    );
    for kind in [
        &faults.requests_cut,
        &faults.answers_delayed,
        &faults.answers_truncated,
        &faults.answers_dropped,
    ] {
        assert!(kind.load(Ordering::SeqCst) > 0, "every kind of fault happened");
    }

    // Exactly once at HQ.
    // (Rows in HQ's database: each id once, its primary key.)
    let conn = rusqlite::Connection::open(hq_dir.path().join(vitrine_hq::storage::HQ_DB_FILE)).unwrap();
    let count = |t: &str| -> usize {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0))
            .unwrap() as usize
    };
    assert_eq!(count("orders"), orders.len(), "orders at HQ");
    assert_eq!(count("handoffs"), handoffs.len(), "handoffs at HQ");
    for id in &orders {
        assert!(hq.hq.storage.order(id).unwrap().is_some(), "order {id} lost");
    }
    for id in &handoffs {
        assert!(hq.hq.storage.handoff(id).unwrap().is_some(), "handoff {id} lost");
        assert!(handle.outbox().is_delivered(id).unwrap());
    }

    // The catalog caught up through the faults (or catches up now), and
    // never holds a damaged update.
    proxy.set(Mode::Pass);
    let v_end = hq.hq.storage.current_version().unwrap();
    let st = wait_until(&mut rx, 60, "the catalog to catch up", |s| s.catalog_version == v_end).await;
    assert_eq!(
        Catalog::open_readonly(k_dir.path())
            .unwrap()
            .price(Gtin::from_digits(COKE).unwrap(), "paris-01")
            .unwrap(),
        Some(Money::eur(last_price)),
        "{st:?}"
    );

    // No stuck worker: a new order goes straight through.
    let ob = handle.outbox().clone();
    let late = tokio::task::spawn_blocking(move || ob.queue_order(order(10_000)).unwrap().id)
        .await
        .unwrap();
    wait_until(&mut rx, 20, "a new order after the storm", |s| s.outbox_pending == 0).await;
    assert!(hq.hq.storage.order(&late).unwrap().is_some());
    handle.stop().await;
}
