//! A long outage, on a controlled clock: the kiosk's runtime runs on tokio's
//! paused clock (it jumps to the next timer whenever the kiosk is idle), HQ
//! and the proxy in front of it run on real time on their own runtime.
//!
//! - HQ is unreachable for 72 simulated hours while handoffs and orders
//!   are queued: 1,000 in CI, 5,000 with `VITRINE_OUTAGE_MESSAGES=5000`
//!   (docs/RELIABILITY.md; each is a durable SQLite commit, so the count
//!   costs real time); the
//!   kiosk answers lookups from its cache and queues offline; its retries
//!   follow the capped exponential backoff (the count of attempts is what
//!   the formula predicts, not a hot loop, not a retry that stopped);
//! - HQ comes back: every message arrives exactly once and the queue drains;
//! - a fleet of 1,000 kiosks that lost HQ at the same instant comes back
//!   spread out: the histogram of their retries per second after HQ returns
//!   has no synchronised burst (max/mean printed; without jitter all would
//!   come in the same second).

mod common;

use std::time::Duration;

use common::*;
use vitrine::catalog::Catalog;
use vitrine::sync::backoff::Backoff;
use vitrine::sync::{NewOrder, SyncSettings};
use vitrine_core::wire::{HandoffLine, OrderCustomer};
use vitrine_core::{Gtin, Lang};

const HOUR: u64 = 3600;

/// The shipped defaults (config/kiosk.toml): 500 ms doubling to 300 s.
fn shipped_backoff() -> Backoff {
    Backoff {
        base: Duration::from_millis(500),
        cap: Duration::from_secs(300),
    }
}

fn line(g: &str, quantity: u32) -> HandoffLine {
    HandoffLine::new(Gtin::from_digits(g).unwrap(), quantity)
}

#[test]
fn seventy_two_hours_without_hq_then_every_message_arrives_exactly_once() {
    let messages: usize = std::env::var("VITRINE_OUTAGE_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let real_start = std::time::Instant::now();
    if let Ok(filter) = std::env::var("VITRINE_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
    // HQ and the proxy: real time, their own threads.
    let hq_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (hq, proxy, ident) = hq_rt.block_on(async {
        let hq = start_hq(hq_dir.path(), |c| c.rate_per_minute = 1_000_000).await;
        let proxy = Proxy::start(hq.addr).await;
        let ident = enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
        (hq, proxy, ident)
    });
    let v0 = hq.hq.storage.current_version().unwrap();

    // The kiosk: shipped backoff, on a paused clock. Requests and the push
    // stream get a day before they time out: simulated time runs fast while
    // a request is on the (real) wire.
    let kiosk_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let settings = SyncSettings {
        poll_interval: Duration::from_secs(60),
        request_timeout: Duration::from_secs(24 * HOUR),
        backoff: shipped_backoff(),
        availability_max_age_s: 60,
        stream_idle_timeout: Duration::from_secs(24 * HOUR),
        transport: vitrine::config::HqTransport::LoopbackHttp,
        heartbeat: Duration::from_secs(24 * HOUR),
    };
    let handle = kiosk_rt
        .block_on(async { vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), settings).unwrap() });
    let mut rx = handle.status();
    let sim = |secs: u64| async move { tokio::time::sleep(Duration::from_secs(secs)).await };
    // Waits on the simulated clock, bounded in real time.
    let wait = |rx: &mut tokio::sync::watch::Receiver<vitrine::sync::SyncStatus>,
                what: &str,
                real_secs: u64,
                f: &dyn Fn(&vitrine::sync::SyncStatus) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(real_secs);
        kiosk_rt.block_on(async {
            loop {
                let st = rx.borrow_and_update().clone();
                if f(&st) {
                    return st;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "timed out waiting for {what}; last status {st:?}"
                );
                sim(1).await;
            }
        })
    };
    wait(&mut rx, "the first snapshot", 60, &|s| s.catalog_version == v0);
    let coke = Gtin::from_digits(COKE).unwrap();
    let price_before = Catalog::open_readonly(k_dir.path())
        .unwrap()
        .price(coke, "paris-01")
        .unwrap();
    assert!(price_before.is_some());

    // HQ goes away: every connection is refused from now on.
    proxy.set(Mode::Refuse);
    let conns_before = proxy.connections.load(std::sync::atomic::Ordering::SeqCst);
    let t_down = kiosk_rt.block_on(async { tokio::time::Instant::now() });
    let ob = handle.outbox().clone();
    let mut handoffs = Vec::new();
    let mut orders = Vec::new();
    let per_hour = messages.div_ceil(72);
    for hour in 0..72 {
        // An hour of simulated time: the worker retries as it likes.
        kiosk_rt.block_on(sim(HOUR));
        if std::env::var("VITRINE_TEST_LOG").is_ok() {
            eprintln!("hour {hour}: {:?} real {:?}", rx.borrow(), real_start.elapsed());
        }
        // The kiosk keeps working: lookups from the cache, baskets and
        // orders queued offline (the UI's worker thread does the same calls).
        let cat = Catalog::open_readonly(k_dir.path()).unwrap();
        assert_eq!(cat.price(coke, "paris-01").unwrap(), price_before, "hour {hour}");
        drop(cat);
        for i in 0..per_hour {
            if handoffs.len() + orders.len() == messages {
                break;
            }
            if i % 2 == 0 {
                handoffs.push(
                    ob.queue_handoff(&[line(COKE, 1 + (i % 3) as u32)], None, None)
                        .unwrap()
                        .id,
                );
            } else {
                let q = ob
                    .queue_order(NewOrder {
                        lines: vec![line(COKE, 1), line(BOOK, 1)],
                        customer: OrderCustomer {
                            name: format!("Shopper {hour}-{i}"),
                            email: Some("shopper@example.fr".into()),
                            phone: None,
                            customer_id: None,
                        },
                        lang: Lang::FR,
                        identification: None,
                    })
                    .unwrap();
                assert!(!q.number.is_empty());
                orders.push(q.id);
            }
        }
    }
    let down_for = kiosk_rt.block_on(async { tokio::time::Instant::now() }) - t_down;
    assert!(down_for >= Duration::from_secs(72 * HOUR), "{down_for:?}");
    let st = rx.borrow().clone();
    assert_eq!(st.outbox_pending as usize, messages, "{st:?}");
    assert!(!st.online && st.last_error.is_some(), "{st:?}");
    // Retries during the outage: the head message's attempt count against
    // what capped exponential backoff with full jitter predicts (the ramp to
    // the cap, then one try every cap/2 on average).
    let attempts: i64 = rusqlite::Connection::open(k_dir.path().join("kiosk.sqlite"))
        .unwrap()
        .query_row("SELECT attempts FROM outbox ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let b = shipped_backoff();
    let first_queued_after = Duration::from_secs(HOUR);
    let expected = (down_for - first_queued_after).as_secs_f64() / (b.cap.as_secs_f64() / 2.0);
    let refused = proxy.connections.load(std::sync::atomic::Ordering::SeqCst) - conns_before;
    println!(
        "outage: {:.0} h simulated, {messages} messages queued, {attempts} delivery attempts \
         of the oldest message (formula: about {expected:.0}); {refused} connections refused",
        down_for.as_secs_f64() / 3600.0,
    );
    // Every way the kiosk knocks (outbox, catalog poll, push stream) backs
    // off: three knockers at the backoff's pace, not one a minute each.
    assert!(
        (refused as f64) < expected * 3.5,
        "{refused} connections in the outage; three knockers backing off make about {:.0}",
        expected * 3.0
    );
    // The bounds are wide on the low side: while a request is on the (real)
    // wire the paused clock may jump to the next timer (a poll, the stream's
    // retry), which lengthens some waits; a hot loop would be thousands
    // above, a retry that gave up near zero.
    assert!(
        (attempts as f64) > expected * 0.5 && (attempts as f64) < expected * 1.3,
        "{attempts} attempts in the outage, the backoff predicts about {expected:.0}"
    );

    // HQ is back.
    proxy.set(Mode::Pass);
    let t_up = std::time::Instant::now();
    let st = wait(&mut rx, "the queue to drain", 900, &|s| s.outbox_pending == 0);
    let drain_secs = t_up.elapsed().as_secs_f64();
    assert_eq!(st.outbox_dead, 0, "{st:?}");
    let (n_orders, n_handoffs) = hq_counts(hq_dir.path());
    assert_eq!(n_orders, orders.len(), "orders at HQ");
    assert_eq!(n_handoffs, handoffs.len(), "handoffs at HQ");
    for id in &orders {
        assert!(hq.hq.storage.order(id).unwrap().is_some(), "order {id} missing at HQ");
    }
    for id in &handoffs {
        assert!(
            hq.hq.storage.handoff(id).unwrap().is_some(),
            "handoff {id} missing at HQ"
        );
    }
    let delivered: i64 = rusqlite::Connection::open(k_dir.path().join("kiosk.sqlite"))
        .unwrap()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM orders WHERE delivered_at IS NOT NULL)
                  + (SELECT COUNT(*) FROM handoffs WHERE delivered_at IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(delivered as usize, messages);
    println!(
        "recovery: {messages} messages delivered exactly once ({} orders, {} handoffs) in {drain_secs:.1} s real time; \
         whole test {:.1} s",
        orders.len(),
        handoffs.len(),
        real_start.elapsed().as_secs_f64()
    );
    kiosk_rt.block_on(handle.stop());
    drop(ident);
}

/// Orders and handoffs in HQ's database (rows, each id once: the primary key).
fn hq_counts(hq_dir: &std::path::Path) -> (usize, usize) {
    let conn = rusqlite::Connection::open(hq_dir.join(vitrine_hq::storage::HQ_DB_FILE)).unwrap();
    let n = |t: &str| -> usize {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0))
            .unwrap() as usize
    };
    (n("orders"), n("handoffs"))
}

/// Retry times after HQ comes back, per second, for `kiosks` kiosks that
/// all lost HQ at t = 0; `delay(attempt, rng)` is the wait before each retry.
fn recovery_histogram(
    kiosks: usize,
    back_at: f64,
    window: usize,
    mut delay: impl FnMut(u32, &mut fastrand::Rng) -> f64,
) -> Vec<u32> {
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut bins = vec![0u32; window];
    for _ in 0..kiosks {
        let mut t = 0.0;
        let mut attempt = 0;
        while t <= back_at {
            t += delay(attempt, &mut rng);
            attempt += 1;
        }
        let s = (t - back_at) as usize;
        if s < window {
            bins[s] += 1;
        }
    }
    bins
}

fn max_over_mean(bins: &[u32]) -> (u32, f64, f64) {
    let max = *bins.iter().max().unwrap_or(&0);
    let total: u32 = bins.iter().sum();
    let mean = f64::from(total) / bins.len() as f64;
    (max, mean, f64::from(max) / mean)
}

#[test]
fn a_thousand_kiosks_recovering_together_come_back_spread_out() {
    let b = shipped_backoff();
    let window = b.cap.as_secs() as usize;
    let back_at = (72 * HOUR) as f64;
    // The kiosk's own delay function (full jitter) ...
    let jitter = recovery_histogram(1000, back_at, window, |n, rng| b.delay_with(n, rng.f64()).as_secs_f64());
    // ... against the same backoff without jitter.
    let plain = recovery_histogram(1000, back_at, window, |n, _| b.ceiling(n).as_secs_f64());
    assert_eq!(jitter.iter().sum::<u32>(), 1000, "every kiosk retries within one cap");
    let (jmax, jmean, jratio) = max_over_mean(&jitter);
    let (pmax, pmean, pratio) = max_over_mean(&plain);
    let busiest = jitter.iter().filter(|&&c| c > 0).count();
    println!(
        "1000 kiosks back after 72 h: full jitter: busiest second {jmax} retries, mean {jmean:.2}/s, \
         max/mean {jratio:.2}, {busiest} of {window} seconds used; \
         without jitter: busiest second {pmax}, mean {pmean:.2}/s, max/mean {pratio:.0}"
    );
    assert!(jratio < 5.0, "a synchronised burst: max/mean {jratio:.2}");
    assert!(pratio > 50.0, "the baseline should show the burst jitter avoids");
    // Within the first seconds after HQ returns, no more than a few percent
    // of the fleet.
    let first_10s: u32 = jitter[..10].iter().sum();
    assert!(first_10s < 100, "{first_10s} kiosks in the first 10 s");
}
