//! Crash harness: kills a real kiosk process with SIGKILL at random points,
//! again and again, while it writes handoffs and orders (each with its
//! outbox row), marks messages delivered or dead, and applies signed catalog
//! snapshots and deltas through the real verification path. After every kill
//! it checks, on the files the next run opens:
//!
//! - `PRAGMA integrity_check` is `ok` on `kiosk.sqlite` and `catalog.sqlite`;
//! - every write the child acknowledged (it prints a line after each commit,
//!   before doing anything else) is there;
//! - every undelivered handoff or order has its outbox row (or its dead
//!   letter), no outbox row lacks its handoff or order, no delivered one
//!   keeps an outbox row;
//! - the catalog is entirely one version: every product's price is that
//!   version's, the product count is whole;
//! - the sync's bookkeeping belongs to that version: origin HQ, the store,
//!   the last-sync time and the demo-price flag of the update that made it.
//!
//! It is its own test binary (`harness = false`): without arguments it runs
//! 200 kills (`VITRINE_CRASH_KILLS` or `--kills N` change it), what CI runs:
//! about 46 s in a debug build on a 2-core machine (figures in
//! docs/RELIABILITY.md). It fails when no write of some kind (queued,
//! delivered, dead letter, catalog version) was acknowledged: such a run
//! tested nothing of that kind. The same binary is the child:
//! `--child DIR SEED`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use vitrine::catalog::Catalog;
use vitrine::sync::NewOrder;
use vitrine::sync::outbox::Outbox;
use vitrine::sync::store::DeviceIdentity;
use vitrine::sync::worker::apply_update;
use vitrine_core::catalog::Change;
use vitrine_core::product::{PriceEntry, Product};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffLine, OrderCustomer, SignedUpdate, UpdateKind};
use vitrine_core::{Gtin, Lang, Money};

/// Products in the child's catalog: every update rewrites all their prices.
const PRODUCTS: u64 = 300;
const STORE: &str = "paris-01";
/// A fixed time for the signed updates and records (the child's clock).
const NOW: i64 = 1_790_000_000;

fn hq_key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

fn gtin(i: u64) -> Gtin {
    // A range of EAN-13 bodies (prefix 300) with no demo product in it.
    Gtin::from_body(&format!("{:012}", 300_000_000_000 + i)).expect("a valid body")
}

/// When the child applies catalog version `v`.
fn synced_at(v: u64) -> i64 {
    NOW + v as i64
}

/// Whether HQ flags catalog version `v`'s prices as demo values.
fn demo_flag(v: u64) -> bool {
    v.is_multiple_of(2)
}

/// The price every product has at catalog version `v`.
fn price_of(v: u64, i: u64) -> i64 {
    (v * 1000 + i) as i64
}

fn identity() -> DeviceIdentity {
    DeviceIdentity {
        device_id: "dev-CRASH001".into(),
        store: STORE.into(),
        hq_url: "http://127.0.0.1:9".into(),
        token: "crash-token".into(),
        hq_public_key: hq_key().public(),
        device_key: SecretKey::from_seed([2; 32]),
        public_base_url: "https://hq.example".into(),
        enrolled_at: NOW,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let dir = PathBuf::from(&args[1]);
        let seed: u64 = args[2].parse().expect("seed");
        child(&dir, seed);
        return;
    }
    // libtest-style flags cargo may pass (--quiet, --nocapture, filters) are
    // ignored; only --kills N and --keep are ours.
    let mut kills: u32 = std::env::var("VITRINE_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--kills"
            && let Some(n) = args.get(i + 1).and_then(|v| v.parse().ok())
        {
            kills = n;
            i += 1;
        }
        if args[i] == "--list" {
            // `cargo test -- --list` asks what tests exist.
            println!("crash_harness: test");
            return;
        }
        i += 1;
    }
    parent(kills);
}

// ------------------------------------------------------------------ child

/// The kiosk's writer loop. Prints one line per committed write, after the
/// commit and before anything else: `H id`, `O id` (queued), `D id`
/// (delivered), `X id` (dead letter), `C version` (catalog applied).
fn child(dir: &Path, seed: u64) {
    fastrand::seed(seed);
    let ob = Outbox::open(dir).expect("open kiosk.sqlite").with_clock(|| NOW);
    if ob.identity().expect("identity").is_none() {
        ob.save_identity(&identity()).expect("save identity");
    }
    let ident = identity();
    let mut cat = Catalog::open(dir).expect("open catalog.sqlite");
    let key = hq_key();
    loop {
        let r = fastrand::u32(0..100);
        if r < 35 {
            let lines = basket();
            let q = ob.queue_handoff(&lines, None, None).expect("queue handoff");
            println!("H {}", q.id);
        } else if r < 65 {
            let order = NewOrder {
                lines: basket(),
                customer: OrderCustomer {
                    name: "Crash Test".into(),
                    email: Some("crash@example.fr".into()),
                    phone: None,
                    customer_id: None,
                },
                lang: Lang::FR,
                identification: None,
            };
            let q = ob.queue_order(order).expect("queue order");
            println!("O {}", q.id);
        } else if r < 85 {
            if let Some(p) = ob.next_pending().expect("next pending") {
                if fastrand::u32(0..10) == 0 {
                    ob.dead_letter(&p, Some(422), "refused by the crash harness")
                        .expect("dead letter");
                    println!("X {}", p.id);
                } else {
                    ob.delivered(&p, Some("received")).expect("delivered");
                    println!("D {}", p.id);
                }
            }
        } else {
            let current = cat.version().expect("version");
            let to = current + 1;
            // The first update, and one in five after, is a whole snapshot
            // (every table emptied and refilled); the others are deltas.
            let snapshot = current == 0 || fastrand::u32(0..5) == 0;
            let mut changes = Vec::new();
            for i in 0..PRODUCTS {
                if snapshot {
                    changes.push(Change::UpsertProduct(Product::new(
                        gtin(i),
                        format!("Crash product {i}"),
                    )));
                }
                changes.push(Change::SetPrice(PriceEntry {
                    gtin: gtin(i),
                    store: None,
                    price: Money::eur(price_of(to, i)),
                }));
            }
            // Each version is applied at its own time and every other one
            // carries HQ's demo-price flag, so the bookkeeping written with
            // it (last sync, flag) says which version it belongs to.
            let at = synced_at(to);
            let v = if snapshot {
                // The streamed snapshot, as the kiosk takes it from HQ: a
                // gzipped file checked whole, then applied from it.
                let part = vitrine::sync::snapshot::part_path(dir);
                write_stream(&part, &changes, to, at + 3600, demo_flag(to), &key);
                vitrine::sync::snapshot::apply_snapshot_file(&mut cat, &ident, &part, at).expect("apply the snapshot")
            } else {
                let mut update =
                    SignedUpdate::sign(UpdateKind::Delta, STORE, current, to, at + 3600, &changes, &key).expect("sign");
                if demo_flag(to) {
                    update = update.with_demo_prices(&key);
                }
                apply_update(&mut cat, &ident, &update, at).expect("apply the update")
            };
            println!("C {v}");
        }
    }
}

/// Writes a signed streamed snapshot of `changes` at version `to` (what HQ
/// serves) to `path`.
fn write_stream(path: &Path, changes: &[Change], to: u64, expires_at: i64, demo: bool, key: &SecretKey) {
    use std::io::Write;
    let header = vitrine_core::stream::StreamHeader::new(STORE, to, expires_at, demo);
    let (mut signer, first) = vitrine_core::stream::StreamSigner::begin(header).expect("header");
    let file = std::fs::File::create(path).expect("create the download");
    let mut gz = flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
    gz.write_all(first.as_bytes()).expect("write");
    for c in changes {
        let line = serde_json::to_string(c).expect("a record");
        signer.record(&line);
        gz.write_all(line.as_bytes()).expect("write");
        gz.write_all(b"\n").expect("write");
    }
    gz.write_all(signer.finish(key).expect("end").as_bytes())
        .expect("write");
    gz.finish().expect("gzip").flush().expect("flush");
}

fn basket() -> Vec<HandoffLine> {
    (0..fastrand::u64(1..4))
        .map(|_| HandoffLine {
            gtin: gtin(fastrand::u64(0..PRODUCTS)),
            quantity: fastrand::u32(1..5),
            measure: None,
        })
        .collect()
}

// ----------------------------------------------------------------- parent

/// What the children acknowledged, over all runs.
#[derive(Default)]
struct Acked {
    queued: BTreeSet<String>,
    delivered: BTreeSet<String>,
    dead: BTreeSet<String>,
    catalog_version: u64,
    lines: u64,
}

fn parent(kills: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("own path");
    let started = Instant::now();
    let mut acked = Acked::default();
    let mut seeds = fastrand::Rng::new();
    let mut killed_before_first_ack = 0;
    for run in 0..kills {
        let seed = seeds.u64(..);
        let mut child = Command::new(&exe)
            .arg("--child")
            .arg(dir.path())
            .arg(seed.to_string())
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the child");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        // A random point: during start-up (opening and recovering the
        // files), or anywhere in the write loop.
        std::thread::sleep(Duration::from_millis(seeds.u64(2..250)));
        if let Some(status) = child.try_wait().expect("child status") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("run {run}: the child stopped by itself ({status}) instead of being killed:\n{err}");
        }
        child.kill().expect("SIGKILL the child");
        let status = child.wait().expect("reap the child");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL),
            "run {run}: {status}"
        );
        let lines = reader.join().expect("reader");
        if lines.is_empty() {
            killed_before_first_ack += 1;
        }
        for l in &lines {
            acked.lines += 1;
            let (tag, value) = l.split_once(' ').unwrap_or((l.as_str(), ""));
            match tag {
                "H" | "O" => {
                    acked.queued.insert(value.to_string());
                }
                "D" => {
                    acked.delivered.insert(value.to_string());
                }
                "X" => {
                    acked.dead.insert(value.to_string());
                }
                "C" => acked.catalog_version = acked.catalog_version.max(value.parse().expect("version")),
                other => panic!("run {run}: unexpected line from the child: {other:?}"),
            }
        }
        if let Err(e) = check(dir.path(), &acked) {
            panic!("run {run} (seed {seed}), after the kill: {e}");
        }
    }
    let secs = started.elapsed().as_secs_f64();
    // A run whose children were always killed before they wrote anything (or
    // never reached one kind of write) proved nothing about that kind: fail
    // rather than pass empty.
    for (what, n) in [
        ("handoffs/orders queued", acked.queued.len() as u64),
        ("deliveries", acked.delivered.len() as u64),
        ("dead letters", acked.dead.len() as u64),
        ("catalog versions", acked.catalog_version),
    ] {
        assert!(
            n > 0,
            "crash harness: no {what} acknowledged in {kills} kills ({} writes in all, \
             {killed_before_first_ack} kills before the first write): nothing of that kind \
             was tested; raise --kills or look at why the child writes nothing",
            acked.lines
        );
    }
    println!(
        "crash harness: {kills} SIGKILLs survived in {secs:.1} s; {} acknowledged writes \
         ({} handoffs/orders queued, {} delivered, {} dead letters, catalog at version {}); \
         {killed_before_first_ack} kills before the first write; integrity_check ok after every kill, nothing lost",
        acked.lines,
        acked.queued.len(),
        acked.delivered.len(),
        acked.dead.len(),
        acked.catalog_version
    );
}

fn count(conn: &Connection, sql: &str) -> Result<i64, String> {
    conn.query_row(sql, [], |r| r.get(0)).map_err(|e| format!("{sql}: {e}"))
}

/// The checks a restarted kiosk relies on.
fn check(dir: &Path, acked: &Acked) -> Result<(), String> {
    for file in ["kiosk.sqlite", "catalog.sqlite"] {
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        // Opened read-write like the next run does, so the WAL is recovered.
        let conn = Connection::open(&path).map_err(|e| format!("{file}: {e}"))?;
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| format!("{file}: {e}"))?;
        if ok != "ok" {
            return Err(format!("{file}: integrity_check says {ok}"));
        }
    }
    let kiosk = dir.join("kiosk.sqlite");
    if kiosk.exists() {
        let conn = Connection::open(&kiosk).map_err(|e| e.to_string())?;
        let has_table = count(&conn, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox'")? == 1;
        if !has_table {
            if acked.queued.is_empty() {
                return Ok(()); // killed before the first migration committed
            }
            return Err("kiosk.sqlite lost its tables".into());
        }
        let exists = |sql: &str, id: &str| -> Result<bool, String> {
            conn.query_row(sql, [id], |r| r.get::<_, i64>(0))
                .map(|n| n > 0)
                .map_err(|e| format!("{sql}: {e}"))
        };
        for id in &acked.queued {
            let there = exists("SELECT COUNT(*) FROM handoffs WHERE id = ?1", id)?
                || exists("SELECT COUNT(*) FROM orders WHERE id = ?1", id)?;
            if !there {
                return Err(format!("acknowledged handoff/order {id} is missing"));
            }
        }
        for id in &acked.delivered {
            let marked = exists(
                "SELECT COUNT(*) FROM handoffs WHERE id = ?1 AND delivered_at IS NOT NULL",
                id,
            )? || exists(
                "SELECT COUNT(*) FROM orders WHERE id = ?1 AND delivered_at IS NOT NULL",
                id,
            )?;
            if !marked || exists("SELECT COUNT(*) FROM outbox WHERE message_id = ?1", id)? {
                return Err(format!("acknowledged delivery of {id} is not recorded"));
            }
        }
        for id in &acked.dead {
            if !exists("SELECT COUNT(*) FROM dead_letters WHERE message_id = ?1", id)?
                || exists("SELECT COUNT(*) FROM outbox WHERE message_id = ?1", id)?
            {
                return Err(format!("acknowledged dead letter {id} is not recorded"));
            }
        }
        let orphans = count(
            &conn,
            "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = o.message_id)
               AND NOT EXISTS (SELECT 1 FROM handoffs WHERE id = o.message_id)",
        )?;
        if orphans > 0 {
            return Err(format!("{orphans} outbox rows without their handoff or order"));
        }
        for table in ["orders", "handoffs"] {
            let unsent = count(
                &conn,
                &format!(
                    "SELECT COUNT(*) FROM {table} r WHERE delivered_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = r.id)
                       AND NOT EXISTS (SELECT 1 FROM dead_letters WHERE message_id = r.id)"
                ),
            )?;
            if unsent > 0 {
                return Err(format!("{unsent} undelivered {table} without their outbox row"));
            }
            let stale = count(
                &conn,
                &format!(
                    "SELECT COUNT(*) FROM {table} r WHERE delivered_at IS NOT NULL
                       AND EXISTS (SELECT 1 FROM outbox WHERE message_id = r.id)"
                ),
            )?;
            if stale > 0 {
                return Err(format!("{stale} delivered {table} still in the outbox"));
            }
        }
    }
    if dir.join("catalog.sqlite").exists() {
        let cat = match Catalog::open_readonly(dir) {
            Ok(c) => c,
            Err(e) => return Err(format!("catalog.sqlite: {e}")),
        };
        let v = match cat.version() {
            Ok(v) => v,
            // Killed before the first migration committed: no tables yet.
            Err(_) if acked.catalog_version == 0 => return Ok(()),
            Err(e) => return Err(format!("catalog version: {e}")),
        };
        if v < acked.catalog_version {
            return Err(format!(
                "catalog at version {v}, but version {} was acknowledged",
                acked.catalog_version
            ));
        }
        if v == 0 {
            return Ok(());
        }
        let conn = Connection::open(dir.join("catalog.sqlite")).map_err(|e| e.to_string())?;
        // The bookkeeping of a sync is part of it: a catalog at version v
        // says it came from HQ, for this store, synced when v was applied,
        // with v's demo flag (issue 13: it was a second transaction).
        let meta = |key: &str| -> Result<Option<String>, String> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(format!("meta {key}: {e}")),
                })
        };
        let want = [
            (vitrine::catalog::meta::ORIGIN, "hq".to_string()),
            (vitrine::catalog::meta::STORE, STORE.to_string()),
            (vitrine::catalog::meta::LAST_SYNC, synced_at(v).to_string()),
            (
                vitrine::catalog::meta::HQ_DEMO_PRICES,
                if demo_flag(v) { "1" } else { "0" }.to_string(),
            ),
        ];
        for (key, value) in want {
            let found = meta(key)?;
            if found.as_deref() != Some(value.as_str()) {
                return Err(format!(
                    "catalog version {v}: meta {key} is {found:?}, not {value:?} (its sync's bookkeeping was not written with it)"
                ));
            }
        }
        let n = count(&conn, "SELECT COUNT(*) FROM products")?;
        if n as u64 != PRODUCTS {
            return Err(format!("catalog version {v} has {n} products, not {PRODUCTS}"));
        }
        for i in 0..PRODUCTS {
            let p = cat.price(gtin(i), STORE).map_err(|e| e.to_string())?;
            if p != Some(Money::eur(price_of(v, i))) {
                return Err(format!(
                    "catalog version {v} is mixed: product {i} costs {p:?}, not {}",
                    price_of(v, i)
                ));
            }
        }
    }
    Ok(())
}
