//! Issue 14's "Low" findings on the kiosk API, each run as an attack
//! against the real HQ on loopback and shown refused, with HQ still
//! answering afterwards. The table "Security" in `docs/RELIABILITY.md`
//! names these tests. (The claim answer's attack is in `api.rs`:
//! `a_handoff_is_claimed_once_…`.) Every loop is bounded in count and time.

use std::time::Duration;

use uuid::Uuid;
use vitrine_core::Gtin;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit};
use vitrine_hq::{Clock, HqConfig};
use vitrine_testkit::{EnrolledKiosk, HqServer, commit_products, enroll_kiosk, start_hq_in_temp_dir};

const COKE: &str = "05449000000996";

async fn start(tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let s = start_hq_in_temp_dir(tweak).await;
    commit_products(&s.hq, &[(COKE, "Nordic must original")], Vec::new());
    s
}

fn basket(k: &EnrolledKiosk, created_at: i64) -> (Uuid, HandoffSubmit) {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: k.id.clone(),
        store: k.store.clone(),
        created_at,
        lines: vec![HandoffLine {
            gtin: Gtin::from_digits(COKE).unwrap(),
            quantity: 1,
            measure: None,
        }],
    };
    (
        b.id,
        HandoffSubmit {
            compact: b.to_compact(&k.key),
            contact: None,
            customer_id: None,
            identification: None,
        },
    )
}

async fn post_handoff(s: &HqServer, token: &str, sub: &HandoffSubmit) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(s.at("/v1/handoffs"))
        .bearer_auth(token)
        .json(sub)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(serde_json::Value::Null))
}

async fn health(s: &HqServer) -> u16 {
    reqwest::get(s.at("/v1/health"))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Low: a lyon kiosk delivering a paris kiosk's basket (taken from a link)
/// is refused before anything is stored; the paris kiosk's own delivery
/// then goes through as if nothing had happened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_of_another_store_cannot_create_a_stores_handoff() {
    let s = start(|_| {}).await;
    let paris = enroll_kiosk(&s, "paris-01", 1).await;
    let lyon = enroll_kiosk(&s, "lyon-01", 2).await;
    let (id, sub) = basket(&paris, vitrine_hq::now());
    let (st, body) = post_handoff(&s, &lyon.token, &sub).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    assert!(s.hq.storage.handoff(&id).unwrap().is_none(), "the basket was stored");
    assert_eq!(health(&s).await, 200);
    let (st, body) = post_handoff(&s, &paris.token, &sub).await;
    assert_eq!(st, 201, "{body}");
    assert_eq!(s.hq.storage.handoff(&id).unwrap().unwrap().store, "paris-01");
}

/// Low: signed baskets expire. Dated 2000 or 2100 (or just outside the
/// window: 7 days back, 10 minutes ahead) they are refused by the kiosk
/// API and by the phone page alike, and not stored; inside the window they
/// are taken; a basket HQ already holds is answered as before once the
/// window has passed (the shopper opening the link a month later).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baskets_dated_outside_the_window_are_refused() {
    let t0 = vitrine_hq::now();
    let clock = Clock::manual(t0);
    let c2 = clock.clone();
    let s = start(move |c| c.clock = c2).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let week = 7 * 86_400;
    for created in [946_684_800, 4_102_444_800, t0 - week - 60, t0 + 11 * 60] {
        let (id, sub) = basket(&k, created);
        let (st, body) = post_handoff(&s, &k.token, &sub).await;
        assert_eq!(st, 422, "dated {created}: {body}");
        let r = reqwest::Client::new()
            .post(s.at(&format!("/h/{id}/submit")))
            .json(&sub)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "the phone page took a basket dated {created}");
        assert!(s.hq.storage.handoff(&id).unwrap().is_none());
    }
    let mut kept = Vec::new();
    for created in [t0 - week + 60, t0 + 9 * 60, t0] {
        let (id, sub) = basket(&k, created);
        let (st, body) = post_handoff(&s, &k.token, &sub).await;
        assert_eq!(st, 201, "dated {created}: {body}");
        kept.push((id, sub));
    }
    // A month later: what HQ holds is still answered, and its page shown.
    clock.advance(30 * 86_400);
    for (id, sub) in &kept {
        let (st, body) = post_handoff(&s, &k.token, sub).await;
        assert_eq!(st, 201, "{body}");
        assert_eq!(body["id"], id.to_string());
        let page = reqwest::get(s.at(&format!("/h/{id}"))).await.unwrap();
        assert_eq!(page.status(), 200);
    }
    assert_eq!(health(&s).await, 200);
}

/// Low: push streams per device are capped. A device token opening many
/// streams gets its allowance and 429 (JSON, with Retry-After) beyond it;
/// another kiosk still gets its stream and HQ answers; a closed stream
/// frees its slot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cannot_hold_more_push_streams_than_allowed() {
    let s = start(|c| {
        c.max_streams_per_device = 2;
        c.sse_keepalive = Duration::from_millis(100);
    })
    .await;
    let a = enroll_kiosk(&s, "paris-01", 1).await;
    let b = enroll_kiosk(&s, "paris-01", 2).await;
    let client = reqwest::Client::new();
    let open = |token: String| {
        let client = client.clone();
        let url = s.at("/v1/events");
        async move { client.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let mut streams = Vec::new();
    let mut refused = 0;
    for _ in 0..10 {
        let r = open(a.token.clone()).await;
        match r.status().as_u16() {
            200 => streams.push(r),
            429 => {
                assert!(r.headers().contains_key("retry-after"));
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(body["error"], "rate_limited");
                refused += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((streams.len(), refused), (2, 8));
    let other = open(b.token.clone()).await;
    assert_eq!(other.status(), 200, "another kiosk's stream was refused");
    assert_eq!(health(&s).await, 200);
    // One of the two closes: HQ notices at its next keep-alive, and the
    // device may open one again.
    drop(streams.pop());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = open(a.token.clone()).await;
        if r.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the closed stream's slot was never freed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Low: snapshot cuts are single-flight. Many kiosks of a store asking for
/// a new version at once get one cut, the same signed bytes each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_snapshot_requests_for_a_version_cut_it_once() {
    let s = start(|_| {}).await;
    // A catalog big enough that a cut takes a while.
    let gtins: Vec<String> = (0..3000u64)
        .map(|i| {
            let body = format!("{:013}", 3_000_000_000_000u64 + i);
            let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let sum: u32 = d
                .iter()
                .rev()
                .enumerate()
                .map(|(i, x)| if i % 2 == 0 { x * 3 } else { *x })
                .sum();
            format!("{body}{}", (10 - sum % 10) % 10)
        })
        .collect();
    let products: Vec<(&str, &str)> = gtins.iter().map(|g| (g.as_str(), "A product")).collect();
    commit_products(&s.hq, &products, Vec::new());
    let mut kiosks = Vec::new();
    for seed in 1..=4 {
        kiosks.push(enroll_kiosk(&s, "paris-01", seed).await);
    }
    let before = s.hq.snapshots_cut();
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let url = s.at("/v1/catalog/snapshot");
        let token = kiosks[i % kiosks.len()].token.clone();
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let r = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap()
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        bodies.push(t.await.unwrap());
    }
    assert_eq!(s.hq.snapshots_cut() - before, 1, "the version was cut more than once");
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(health(&s).await, 200);
}
