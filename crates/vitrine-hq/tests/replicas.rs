//! Two HQ replicas on one PostgreSQL database (in this process, each its
//! own `Hq`: own pool, own listener, own memory), whatever the run's
//! backend: a snapshot is cut once for both, a device's rate limit and a
//! client's enrollment attempts hold across them, a revocation through one
//! ends the kiosk's push stream on the other. The same with real
//! `vitrine-hq serve` processes and a kiosk: the root's `tests/replicas.rs`.

use std::time::Duration;

use vitrine_hq::HqConfig;
use vitrine_testkit::{HqServer, enroll_kiosk, new_database, start_hq, start_hq_at};

/// Replica A (with the demo referential) and B on one new database and
/// the same key files.
async fn two_replicas(tweak: fn(&mut HqConfig)) -> (tempfile::TempDir, HqServer, HqServer) {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database();
    let db2 = db.clone();
    let a = start_hq(dir.path(), move |c| {
        c.database = Some(db);
        tweak(c)
    })
    .await;
    let b = start_hq_at(dir.path(), "127.0.0.1:0", move |c| {
        c.database = Some(db2);
        tweak(c)
    })
    .await;
    (dir, a, b)
}

const HANG: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_asked_of_both_replicas_at_once_is_cut_once() {
    let (_dir, a, b) = two_replicas(|_| {}).await;
    let k = enroll_kiosk(&a, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let get = |s: &HqServer| c.get(s.at("/v1/catalog/snapshot")).bearer_auth(&k.token).send();
    let (ra, rb) = tokio::join!(get(&a), get(&b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!((ra.status().as_u16(), rb.status().as_u16()), (200, 200));
    let (ba, bb) = (ra.bytes().await.unwrap(), rb.bytes().await.unwrap());
    assert_eq!(ba, bb, "both replicas serve the same signed cut");
    assert_eq!(a.hq.snapshots_cut() + b.hq.snapshots_cut(), 1, "cut once for both");
    // A new version is cut again, once.
    vitrine_hq::admin::price_set(&b.hq, "5449000039231", "1.23", Some("paris-01")).unwrap();
    let v = b.hq.storage.current_version().unwrap();
    vitrine_testkit::eventually(60, "replica A hears the version", || *a.hq.versions().borrow() == v).await;
    for s in [&a, &b, &a] {
        let r = get(s).await.unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(a.hq.snapshots_cut() + b.hq.snapshots_cut(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosks_rate_limit_and_a_clients_enrollment_attempts_hold_across_replicas() {
    let (_dir, a, b) = two_replicas(|c| {
        c.rate_per_minute = 4;
        c.enroll_per_minute = 2;
    })
    .await;
    let k = enroll_kiosk(&a, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let status = |s: &HqServer| {
        let r = c.get(s.at("/v1/catalog/changes?since=0")).bearer_auth(&k.token).send();
        async move { r.await.unwrap().status().as_u16() }
    };
    for s in [&a, &b, &a, &b] {
        assert_eq!(status(s).await, 200);
    }
    assert_eq!(status(&a).await, 429, "4 a minute, whichever replica counts");
    assert_eq!(status(&b).await, 429);

    // The enrollment attempt of the kiosk above took one of this address's
    // two a minute: one more wrong code on B, then A refuses.
    let wrong = serde_json::json!({"code": "AAAA-AAAA-AAAA-AAAA", "device_public_key": "x"});
    let r = c.post(b.at("/v1/enroll")).json(&wrong).send().await.unwrap();
    assert_ne!(r.status(), 429);
    let r = c.post(a.at("/v1/enroll")).json(&wrong).send().await.unwrap();
    assert_eq!(r.status(), 429, "the limit holds across replicas");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_through_one_replica_ends_the_stream_on_the_other() {
    let (_dir, a, b) = two_replicas(|_| {}).await;
    let k = enroll_kiosk(&a, "paris-01", 1).await;
    let c = reqwest::Client::new();
    let mut stream = c.get(b.at("/v1/events")).bearer_auth(&k.token).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    let first = tokio::time::timeout(HANG, stream.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: version"));
    // A version committed through A reaches B's stream.
    let (v, _) = vitrine_hq::admin::price_set(&a.hq, "5449000039231", "1.23", Some("paris-01")).unwrap();
    let heard = tokio::time::timeout(HANG, async {
        loop {
            let b = stream.chunk().await.unwrap().unwrap();
            if String::from_utf8_lossy(&b).contains(&format!("id: {v}")) {
                return;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "B's stream did not hear A's version");
    vitrine_hq::admin::device_revoke(&*a.hq.storage, &k.id).unwrap();
    let ended = tokio::time::timeout(HANG, async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the revoked kiosk's stream on B stayed open");
}
