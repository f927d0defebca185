//! HQ's two storage backends side by side: the same migrations (versions,
//! tables, columns), the same answers to the same calls, and what replicas
//! share through PostgreSQL (notifications, rate-limit buckets, one
//! snapshot cut per version). Each test runs on SQLite and on a real
//! PostgreSQL server (`vitrine_testkit::pg_server`) whatever the run's
//! backend.

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use vitrine_core::catalog::Change;
use vitrine_core::product::{PriceEntry, Product};
use vitrine_core::wire::Contact;
use vitrine_core::{Gtin, Money};
use vitrine_hq::storage::{
    Backend, CatalogStore, ChangesSince, Claim, DeviceStore, FeedEvent, HQ_MIGRATIONS, HandoffRecord, HqStorage,
    MetaStore, NewDevice, NewNotification, PG_MIGRATIONS, PgStorage, SharedStore, SqliteStorage, StoredCut, open,
};

fn g(s: &str) -> Gtin {
    Gtin::from_digits(s).unwrap()
}

fn price(minor: i64, store: Option<&str>) -> Change {
    Change::SetPrice(PriceEntry {
        gtin: g("5449000039231"),
        store: store.map(String::from),
        price: Money::eur(minor),
    })
}

/// Both backends, empty, with `max_delta_changes`.
fn both(max_delta: usize) -> Vec<(&'static str, Arc<dyn HqStorage>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = open(&Backend::Sqlite(dir.path().to_path_buf()), max_delta).unwrap();
    let pg = open(&Backend::Postgres(vitrine_testkit::new_database()), max_delta).unwrap();
    vec![("sqlite", sqlite, Some(dir)), ("postgres", pg, None)]
}

#[test]
fn both_dialects_have_the_same_migrations_tables_and_columns() {
    assert_eq!(
        HQ_MIGRATIONS.len(),
        PG_MIGRATIONS.len(),
        "every HQ migration needs its PostgreSQL version (and the reverse)"
    );
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStorage::open(dir.path(), 10).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(vitrine_hq::storage::HQ_DB_FILE)).unwrap();
    let mut sqlite: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in tables {
        let mut cols: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({t})"))
            .unwrap()
            .query_map([], |r| r.get(1))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        cols.sort();
        sqlite.insert(t, cols);
    }
    let url = vitrine_testkit::new_database();
    drop(PgStorage::connect(&url, 10, 2).unwrap());
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut pg: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in c
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' ORDER BY 1, 2",
            &[],
        )
        .unwrap()
    {
        pg.entry(r.get(0)).or_default().push(r.get(1));
    }
    assert_eq!(sqlite, pg);
    let applied: i64 = c
        .query_one("SELECT applied FROM schema_migrations WHERE component = 'hq'", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied as usize, PG_MIGRATIONS.len());
    // Opening again migrates nothing and keeps the data.
    let s = PgStorage::connect(&url, 10, 2).unwrap();
    s.set_meta("k", "v").unwrap();
    drop(s);
    assert_eq!(
        PgStorage::connect(&url, 10, 2).unwrap().meta("k").unwrap().as_deref(),
        Some("v")
    );
}

#[test]
fn versions_deltas_scopes_snapshots_and_pruning_are_the_same_on_both() {
    for (name, s, _dir) in both(3) {
        let p = Product::new(g("5449000039231"), "Nordic must");
        assert_eq!(
            s.commit_changes(&[Change::UpsertProduct(p)], None, 1).unwrap(),
            1,
            "{name}"
        );
        assert_eq!(s.commit_changes(&[price(100, None)], None, 2).unwrap(), 2);
        assert_eq!(
            s.commit_changes(&[price(90, Some("lyon-02"))], Some("lyon-02"), 3)
                .unwrap(),
            3
        );
        assert_eq!(
            s.changes_since(3, "paris-01").unwrap(),
            ChangesSince::UpToDate { version: 3 },
            "{name}"
        );
        let ChangesSince::Changes { to, changes_json } = s.changes_since(1, "paris-01").unwrap() else {
            panic!("{name}")
        };
        assert_eq!(to, 3);
        assert_eq!(
            serde_json::from_str::<Vec<Change>>(&changes_json).unwrap(),
            vec![price(100, None)]
        );
        let ChangesSince::Changes { changes_json, .. } = s.changes_since(1, "lyon-02").unwrap() else {
            panic!("{name}")
        };
        assert_eq!(serde_json::from_str::<Vec<Change>>(&changes_json).unwrap().len(), 2);
        assert!(matches!(
            s.changes_since(9, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));
        let bulk: Vec<Change> = (0..4).map(|i| price(100 + i, None)).collect();
        s.commit_changes(&bulk, None, 4).unwrap();
        assert!(
            matches!(s.changes_since(3, "paris-01").unwrap(), ChangesSince::TooOld { .. }),
            "{name}"
        );
        s.commit_changes(&[price(5, None)], None, 5).unwrap();
        assert!(matches!(
            s.changes_since(4, "paris-01").unwrap(),
            ChangesSince::Changes { .. }
        ));
        s.prune_history(0).unwrap();
        assert!(
            matches!(s.changes_since(4, "paris-01").unwrap(), ChangesSince::TooOld { .. }),
            "{name}"
        );
        let snap = s.snapshot_json("lyon-02").unwrap();
        assert_eq!(snap.version, 5);
        let parsed: Vec<Change> = serde_json::from_str(&snap.changes_json).unwrap();
        assert!(
            parsed.contains(&price(5, None)) && parsed.contains(&price(90, Some("lyon-02"))),
            "{name}"
        );
        let pp = s.product_price(g("5449000039231"), "lyon-02").unwrap().unwrap();
        assert_eq!(pp.price, Some(Money::eur(90)), "{name}");
        let pp = s.product_price(g("5449000039231"), "paris-01").unwrap().unwrap();
        assert_eq!(pp.price, Some(Money::eur(5)), "{name}");
    }
}

#[test]
fn devices_handoffs_and_messages_behave_the_same_on_both() {
    for (name, s, _dir) in both(100) {
        let dev = NewDevice {
            id: "dev-1",
            store: "paris-01",
            code_hash: "code",
            code_expires_at: 10,
        };
        s.add_device(&dev, 1).unwrap();
        assert!(s.add_device(&dev, 1).is_err(), "{name}: an id is taken once");
        assert!(s.revoke_device("dev-1", 3).unwrap());
        assert!(!s.revoke_device("dev-1", 4).unwrap(), "{name}");
        assert_eq!(s.revoked_device_ids().unwrap(), vec!["dev-1".to_string()]);

        let id = uuid::Uuid::now_v7();
        let h = HandoffRecord {
            id,
            store: "paris-01".into(),
            device_id: "dev-1".into(),
            created_at: 1,
            lines: vec![],
            payload: "p".into(),
            compact: "c".into(),
            contact: None,
            customer_id: None,
            received_at: 1,
            source: "kiosk".into(),
            claimed_at: None,
        };
        assert!(matches!(
            s.put_handoff(&h).unwrap(),
            vitrine_hq::storage::Put::Created(_)
        ));
        assert!(matches!(
            s.put_handoff(&h).unwrap(),
            vitrine_hq::storage::Put::Existing(_)
        ));
        let other = HandoffRecord {
            payload: "q".into(),
            ..h.clone()
        };
        assert_eq!(
            s.put_handoff(&other).unwrap(),
            vitrine_hq::storage::Put::Conflict,
            "{name}"
        );
        let ana = Contact {
            email: Some("ana@example.fr".into()),
            phone: None,
        };
        let note = NewNotification {
            channel: "email".into(),
            to: "ana@example.fr".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        assert_eq!(
            s.claim_handoff(&id, &ana, 5, std::slice::from_ref(&note)).unwrap(),
            Claim::Claimed
        );
        assert_eq!(
            s.claim_handoff(&id, &ana, 6, &[note]).unwrap(),
            Claim::AlreadyClaimed(Some(ana.clone())),
            "{name}"
        );
        assert_eq!(s.next_notification_at().unwrap(), Some(5), "{name}");
        let due = s.due_notifications(5, 10).unwrap();
        assert_eq!(due.len(), 1, "{name}: one message, queued once");
        s.notification_failed(due[0].id, "down", Some(50)).unwrap();
        assert!(s.due_notifications(49, 10).unwrap().is_empty(), "{name}");
        let due = s.due_notifications(50, 10).unwrap();
        assert_eq!((due.len(), due[0].attempts), (1, 1), "{name}");
        s.notification_sent(due[0].id, 51).unwrap();
        assert_eq!(s.next_notification_at().unwrap(), None, "{name}");

        assert_eq!(s.claim_meta("key", "first").unwrap(), "first");
        assert_eq!(s.claim_meta("key", "second").unwrap(), "first", "{name}");
    }
}

#[test]
fn a_token_bucket_empties_and_says_how_long_to_wait_on_both() {
    for (name, s, _dir) in both(100) {
        for _ in 0..3 {
            assert_eq!(s.take_token("device:a", 3).unwrap(), Ok(()), "{name}");
        }
        let wait = s.take_token("device:a", 3).unwrap().unwrap_err();
        // 3 a minute: one token every 20 s.
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "{name}: {wait:?}"
        );
        assert_eq!(
            s.take_token("device:b", 3).unwrap(),
            Ok(()),
            "{name}: buckets are per key"
        );
        assert_eq!(s.take_token("device:a", 0).unwrap(), Ok(()), "{name}: 0 is no limit");
    }
}

/// Two replicas on one database: what one writes, the other hears of at
/// once (LISTEN/NOTIFY); they share rate-limit buckets; a snapshot is cut
/// once for both.
#[test]
fn replicas_hear_each_others_writes_share_buckets_and_cut_once() {
    let url = vitrine_testkit::new_database();
    let a = Arc::new(PgStorage::connect(&url, 100, 4).unwrap());
    let b = Arc::new(PgStorage::connect(&url, 100, 4).unwrap());
    let mut feed = b.listen().unwrap().expect("PostgreSQL pushes");
    let v = a
        .commit_changes(&[price(123, Some("paris-01"))], Some("paris-01"), 1)
        .unwrap();
    let got = feed.next(Duration::from_secs(30)).unwrap();
    assert_eq!(got, Some(FeedEvent::Version(v)));
    a.add_device(
        &NewDevice {
            id: "dev-9",
            store: "paris-01",
            code_hash: "c9",
            code_expires_at: 10,
        },
        1,
    )
    .unwrap();
    a.revoke_device("dev-9", 2).unwrap();
    assert_eq!(
        feed.next(Duration::from_secs(30)).unwrap(),
        Some(FeedEvent::Revoked("dev-9".into()))
    );
    // SQLite pushes nothing: HQ reads the version instead.
    let dir = tempfile::tempdir().unwrap();
    assert!(SqliteStorage::open(dir.path(), 10).unwrap().listen().unwrap().is_none());

    // One bucket for both: 4 a minute, taken 2 by each, the fifth refused anywhere.
    for s in [&a, &b, &a, &b] {
        assert_eq!(s.take_token("enroll:10.0.0.1", 4).unwrap(), Ok(()));
    }
    assert!(a.take_token("enroll:10.0.0.1", 4).unwrap().is_err());
    assert!(b.take_token("enroll:10.0.0.1", 4).unwrap().is_err());

    // Both ask for the same store's snapshot at once: one cuts it.
    let start = Arc::new(Barrier::new(2));
    let cuts: Vec<(StoredCut, bool)> = [a.clone(), b.clone()]
        .into_iter()
        .map(|s| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                s.cut_once("paris-01", v, 0, &mut || {
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(StoredCut {
                        version: v,
                        signed_at: 100,
                        gzip: b"cut".to_vec(),
                    })
                })
                .unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(cuts.iter().filter(|(_, here)| *here).count(), 1, "cut once for both");
    assert_eq!(cuts[0].0, cuts[1].0);
    // A newer version is cut again.
    let (_, here) = a
        .cut_once("paris-01", v + 1, 0, &mut || {
            Ok(StoredCut {
                version: v + 1,
                signed_at: 100,
                gzip: b"cut2".to_vec(),
            })
        })
        .unwrap();
    assert!(here);
}

/// Tests and start-up code call storage from async code: the synchronous
/// PostgreSQL client then runs off the runtime's thread, on either kind of
/// runtime.
#[tokio::test]
async fn postgres_storage_answers_on_a_current_thread_runtime() {
    let s = open(&Backend::Postgres(vitrine_testkit::new_database()), 100).unwrap();
    assert_eq!(s.commit_changes(&[price(100, None)], None, 1).unwrap(), 1);
    assert_eq!(s.current_version().unwrap(), 1);
    drop(s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_storage_answers_on_a_multi_thread_runtime_worker() {
    let s = open(&Backend::Postgres(vitrine_testkit::new_database()), 100).unwrap();
    assert_eq!(s.commit_changes(&[price(100, None)], None, 1).unwrap(), 1);
    assert_eq!(s.current_version().unwrap(), 1);
    drop(s);
}
