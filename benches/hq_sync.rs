//! HQ and sync benchmarks (figures in docs/BENCHMARKS.md, section "HQ and
//! sync"). `cargo bench --bench hq_sync` runs them at full size;
//! `cargo test --benches` runs each once at a tiny size as a smoke test.
//!
//! 1. price change at HQ → kiosk cache updated (push, loopback), p50/p99;
//! 2. applying 50,000 price changes in one transaction (verify + apply);
//! 3. a 1,000,000-product streamed snapshot: size, time to cut at HQ, and
//!    `vitrine sync --once` taking it (time and peak RSS of that process;
//!    `-- --products N` for another size);
//! 4. the push to a fleet: 10,000 kiosks with their own tokens on two
//!    `vitrine-hq serve` replicas sharing one PostgreSQL, HQ's default
//!    limits on; every kiosk must hear a new version and fetch its delta
//!    (clients in child processes; `cargo test --benches`: 40 kiosks).

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use vitrine::catalog::{Catalog, VersionMove};
use vitrine::sync::SyncSettings;
use vitrine::sync::backoff::Backoff;
use vitrine_core::catalog::Change;
use vitrine_core::product::{PriceEntry, Product};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{Expect, SignedUpdate, UpdateKind};
use vitrine_core::{Gtin, Money};
use vitrine_hq::admin;
use vitrine_testkit::start_hq_at;

fn gtin(i: u64) -> Gtin {
    Gtin::from_body(&format!("{:013}", 2_000_000_000_000u64 + i)).unwrap()
}

fn product(i: u64) -> Product {
    let mut p = Product::new(gtin(i), format!("Produit de test numéro {i}"));
    p.brand = Some(format!("Marque {}", i % 500));
    p.quantity = Some("500 g".into());
    p.category = Some(format!("Catégorie {}", i % 40));
    p
}

fn price(i: u64, minor: i64) -> Change {
    Change::SetPrice(PriceEntry {
        gtin: gtin(i),
        store: None,
        price: Money::eur(minor),
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn settings() -> SyncSettings {
    SyncSettings {
        poll_interval: Duration::from_secs(3600),
        request_timeout: Duration::from_secs(30),
        backoff: Backoff {
            base: Duration::from_millis(50),
            cap: Duration::from_secs(1),
        },
        availability_max_age_s: 60,
        stream_idle_timeout: Duration::from_secs(60),
        transport: vitrine::config::HqTransport::LoopbackHttp,
        heartbeat: Duration::from_secs(3600),
    }
}

/// 1. HQ price change → kiosk cache updated, through the push stream.
async fn price_to_kiosk(products: u64, rounds: usize) {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = start_hq_at(hq_dir.path(), "127.0.0.1:0", |_| {}).await;
    let hq = server.hq.clone();
    let changes: Vec<Change> = (0..products)
        .map(|i| Change::UpsertProduct(product(i)))
        .chain((0..products).map(|i| price(i, 100 + i as i64)))
        .collect();
    hq.commit(&changes, None).unwrap();
    let (_, code) = admin::device_add(&hq, "paris-01").unwrap();
    vitrine::sync::enroll(
        k_dir.path(),
        &server.url(),
        &code,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(10),
        0,
    )
    .await
    .unwrap();
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), k_dir.path(), settings()).unwrap();
    let mut rx = handle.status();
    let v0 = hq.storage.current_version().unwrap();
    while !(rx.borrow().catalog_version == v0 && rx.borrow().online) {
        rx.changed().await.unwrap();
    }
    let mut times = Vec::with_capacity(rounds);
    for r in 0..rounds {
        let t0 = Instant::now();
        let v = hq.commit(&[price(r as u64 % products, 1000 + r as i64)], None).unwrap();
        while rx.borrow_and_update().catalog_version < v {
            rx.changed().await.unwrap();
        }
        times.push(t0.elapsed());
    }
    times.sort();
    println!(
        "price change at HQ -> kiosk cache updated (push, loopback, {products} products, {rounds} changes): p50 {} p99 {} max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap())
    );
    handle.stop().await;
}

/// 2. 50,000 price changes: verify the signed delta, apply in one transaction.
fn apply_changes(n: u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path()).unwrap();
    let products: Vec<Change> = (0..n).map(|i| Change::UpsertProduct(product(i))).collect();
    cat.apply(&products, VersionMove::To(1), 0, &mut |_| {}).unwrap();
    let changes: Vec<Change> = (0..n).map(|i| price(i, 199 + (i % 1000) as i64)).collect();
    let key = SecretKey::from_seed([5; 32]);
    let update = SignedUpdate::sign(UpdateKind::Delta, "paris-01", 1, 2, i64::MAX, &changes, &key).unwrap();
    let wire = serde_json::to_vec(&update).unwrap();
    let t0 = Instant::now();
    let parsed: SignedUpdate = serde_json::from_slice(&wire).unwrap();
    let verified = parsed
        .verify(
            &key.public(),
            &Expect {
                store: "paris-01",
                current_version: 1,
                first_sync: false,
                now: 0,
            },
        )
        .unwrap();
    let t_verify = t0.elapsed();
    let t1 = Instant::now();
    cat.apply(&verified, VersionMove::To(2), 0, &mut |_| {}).unwrap();
    let t_apply = t1.elapsed();
    println!(
        "{n} price changes: delta {} bytes; parse + verify {} ; apply in one transaction {} ; total {}",
        wire.len(),
        ms(t_verify),
        ms(t_apply),
        ms(t0.elapsed())
    );
}

/// Bench 3, a streamed snapshot of `n` products (each with a national
/// price): HQ's cut, then `vitrine sync --once` taking it as a separate
/// process under GNU time (`/usr/bin/time -v`) (its peak RSS is the kiosk's, not this big
/// process's). Under `cargo test` (1,000 products) it checks that the
/// kiosk process ends well with every product, which the figure rests on.
async fn snapshot(n: u64) {
    let hq_dir = tempfile::tempdir().unwrap();
    let k_dir = tempfile::tempdir().unwrap();
    let server = start_hq_at(hq_dir.path(), "127.0.0.1:0", |c| c.max_delta_changes = 10_000).await;
    let hq = server.hq.clone();
    let t0 = Instant::now();
    let batch = 100_000u64;
    let mut start = 0;
    while start < n {
        let end = (start + batch).min(n);
        let changes: Vec<Change> = (start..end)
            .map(|i| Change::UpsertProduct(product(i)))
            .chain((start..end).map(|i| price(i, 100 + (i % 5000) as i64)))
            .collect();
        hq.storage.commit_changes(&changes, None, 0).unwrap();
        start = end;
    }
    let t_load = t0.elapsed();
    let t1 = Instant::now();
    let cut = vitrine_hq::services::catalog::cut_snapshot(&hq, "paris-01")
        .await
        .unwrap();
    let t_cut = t1.elapsed();
    let (_, code) = admin::device_add(&hq, "paris-01").unwrap();
    vitrine::sync::enroll(
        k_dir.path(),
        &server.url(),
        &code,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(10),
        0,
    )
    .await
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_vitrine");
    let k_path = k_dir.path().to_path_buf();
    let t2 = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("/usr/bin/time")
            .arg("-v")
            .arg(bin)
            .arg("--data-dir")
            .arg(&k_path)
            .args(["sync", "--once"])
            .env_remove("VITRINE_CONFIG")
            .env("VITRINE_LOG", "warn")
            .env("VITRINE__HQ__TRANSPORT", "loopback-http")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let t_sync = t2.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    // GNU time's report: "Maximum resident set size (kbytes): N", "Exit status: N".
    let field = |name: &str| {
        err.lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let (code, kb) = (
        field("Exit status:").unwrap_or(-1),
        field("Maximum resident set size (kbytes):").unwrap_or(0),
    );
    assert_eq!(code, 0, "vitrine sync --once failed: {err}");
    let cat = Catalog::open_readonly(k_dir.path()).unwrap();
    assert_eq!(cat.version().unwrap(), cut.version);
    assert_eq!(cat.status().unwrap().products, n, "every product reached the kiosk");
    assert!(cat.product(gtin(n - 1)).unwrap().is_some());
    let db = std::fs::metadata(k_dir.path().join("catalog.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "streamed snapshot of {n} products + {n} prices: {:.1} MB gzipped on the wire; HQ load {:.1} s; HQ cut (read, sign, gzip) {:.1} s; `vitrine sync --once` (download, verify, apply in one transaction, FTS index) {:.1} s, peak RSS {:.0} MB; kiosk catalog file {:.1} MB",
        cut.gzip.len() as f64 / 1e6,
        t_load.as_secs_f64(),
        t_cut.as_secs_f64(),
        t_sync.as_secs_f64(),
        kb as f64 / 1024.0,
        db as f64 / 1e6,
    );
}

fn raise_fd_limit() -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            return lim.rlim_cur;
        }
    }
    0
}

fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Kiosks per store in the fleet bench: each store's kiosks reach HQ from
/// one address of their own (the store's line), as in a chain.
const KIOSKS_PER_STORE: usize = 10;

/// The loopback address store `s`'s kiosks connect from (127.0.0.0/8 is
/// all loopback on Linux).
fn store_ip(s: usize) -> std::net::IpAddr {
    std::net::IpAddr::from([
        127,
        1 + (s / 62_500) as u8,
        ((s / 250) % 250) as u8,
        (s % 250 + 1) as u8,
    ])
}

/// The resident memory of process `pid`, in KiB (`/proc/PID/status`).
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// An error with its causes (reqwest's own message names only the URL).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// What one fleet client reports to its process's main task.
enum ClientEvent {
    /// Connected; its first event named this version.
    Ready,
    /// A later version event, at this time (ms since the epoch).
    Seen(u64),
    /// The delta fetched, checked and holding the change, at this time.
    Delta(u64),
    Failed(String),
}

/// One kiosk of the fleet bench, doing what the kiosk's sync worker does
/// (`HqClient::events`, `SseParser`, `HqClient::changes_since`,
/// `SignedUpdate::verify` as `apply_update` calls it) with its own token,
/// from its store's address: opens its push stream, waits for its first
/// `version` event, then for the next one, then fetches the changes since
/// the version it had and checks they are signed by HQ and hold the new
/// price `(gtin, minor)`. `http` (with a request timeout) and
/// `stream_http` (without) are its own clients, built from its store's
/// address by [`kiosk_clients`].
#[allow(clippy::too_many_arguments)]
async fn fleet_client(
    base: String,
    token: String,
    store: String,
    (http, stream_http): (reqwest::Client, reqwest::Client),
    hq_key: vitrine_core::sign::PublicKey,
    target: (Gtin, i64),
    tx: tokio::sync::mpsc::UnboundedSender<ClientEvent>,
) {
    let fail = |tx: &tokio::sync::mpsc::UnboundedSender<ClientEvent>, m: String| {
        let _ = tx.send(ClientEvent::Failed(m));
    };
    let resp = stream_http
        .get(format!("{base}/v1/events"))
        .bearer_auth(&token)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await;
    let mut resp = match resp {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            return fail(&tx, format!("/v1/events {status}: {body}"));
        }
        Err(e) => return fail(&tx, format!("/v1/events: {}", chain(&e))),
    };
    let mut parser = vitrine::sync::sse::SseParser::default();
    let mut first: Option<u64> = None;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => return fail(&tx, "the push stream ended".into()),
            Err(e) => return fail(&tx, format!("the push stream broke: {}", chain(&e))),
        };
        let events = match parser.feed(&chunk) {
            Ok(ev) => ev,
            Err(e) => return fail(&tx, e.to_string()),
        };
        for ev in events {
            if ev.event != vitrine_core::wire::EVENT_VERSION {
                continue;
            }
            let Ok(v) = serde_json::from_str::<vitrine_core::wire::VersionEvent>(&ev.data) else {
                return fail(&tx, format!("a version event that does not parse: {}", ev.data));
            };
            let Some(since) = first else {
                first = Some(v.version);
                let _ = tx.send(ClientEvent::Ready);
                continue;
            };
            if v.version <= since {
                continue;
            }
            let _ = tx.send(ClientEvent::Seen(epoch_ms()));
            let r = http
                .get(format!("{base}/v1/catalog/changes?since={since}"))
                .bearer_auth(&token)
                .send()
                .await;
            let r = match r {
                Ok(r) => r,
                Err(e) => return fail(&tx, format!("/v1/catalog/changes: {}", chain(&e))),
            };
            let status = r.status();
            let body = match r.bytes().await {
                Ok(b) => b,
                Err(e) => return fail(&tx, format!("/v1/catalog/changes body: {e}")),
            };
            if status != reqwest::StatusCode::OK {
                return fail(
                    &tx,
                    format!("/v1/catalog/changes {status}: {}", String::from_utf8_lossy(&body)),
                );
            }
            let update = match serde_json::from_slice::<vitrine_core::wire::ChangesAnswer>(&body) {
                Ok(vitrine_core::wire::ChangesAnswer::Delta { update }) => update,
                Ok(_) => return fail(&tx, "/v1/catalog/changes: not a delta".into()),
                Err(e) => return fail(&tx, format!("/v1/catalog/changes: {e}")),
            };
            let checked = update.verify(
                &hq_key,
                &Expect {
                    store: &store,
                    current_version: since,
                    first_sync: false,
                    now: (epoch_ms() / 1000) as i64,
                },
            );
            let changes = match checked {
                Ok(c) => c,
                Err(e) => return fail(&tx, format!("the delta was refused: {e}")),
            };
            let holds = update.to_version == v.version
                && changes.iter().any(|c| {
                    matches!(c, Change::SetPrice(p) if p.gtin == target.0 && p.store.is_none() && p.price == Money::eur(target.1))
                });
            if !holds {
                return fail(&tx, format!("the delta to {} lacks the new price", update.to_version));
            }
            let _ = tx.send(ClientEvent::Delta(epoch_ms()));
            // The stream stays open (and is counted) until the bench ends.
        }
    }
}

/// A kiosk's two HTTP clients, from its store's address `ip`: one for
/// requests (30 s timeout), one for the push stream (none).
fn kiosk_clients(ip: std::net::IpAddr) -> reqwest::Result<(reqwest::Client, reqwest::Client)> {
    let timeout = Duration::from_secs(30);
    let build = |with_timeout: bool| {
        let b = reqwest::Client::builder()
            .local_address(ip)
            .connect_timeout(timeout)
            .user_agent("vitrine-kiosk/bench");
        if with_timeout { b.timeout(timeout) } else { b }.build()
    };
    Ok((build(true)?, build(false)?))
}

/// Child process of the fleet bench: the kiosks in `jobs` (lines `token
/// store address`) against HQ at `base`. Builds their HTTP clients and
/// prints `built N`; after a line on stdin, connects them all and prints
/// `ready OK FAILED` once each
/// has its first event or failed; then, after a line on stdin, `done SEEN
/// DELTA FAILED` once each has seen the next version and fetched its delta
/// (or failed, or 120 s passed), then the times (ms since the epoch) each
/// saw the version, and each fetched the delta, one line each. Failures
/// go to stderr (the first 5).
async fn fleet_clients(base: String, jobs: String, hq_key: String, gtin_digits: String, minor: i64) {
    raise_fd_limit();
    let hq_key = vitrine_core::sign::PublicKey::from_text(&hq_key).expect("HQ's public key");
    let target = (Gtin::from_digits(&gtin_digits).expect("the GTIN"), minor);
    let text = std::fs::read_to_string(&jobs).expect("the jobs file");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // Every kiosk's clients are built before the first connects: building
    // one is CPU work that does not yield (TLS set-up), and thousands of
    // them interleaved with the connections on this machine's two cores
    // left sockets connected but silent for more than HQ's 10 s
    // header-read timeout, which (rightly) closed them. Real kiosks are
    // separate machines; the bench measures HQ, not its own harness.
    let built = Instant::now();
    let mut kiosks = Vec::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(token), Some(store), Some(ip)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        let ip: std::net::IpAddr = ip.parse().expect("an address");
        let clients = kiosk_clients(ip).expect("a kiosk's HTTP clients");
        kiosks.push((token.to_string(), store.to_string(), clients));
    }
    let n = kiosks.len();
    eprintln!(
        "fleet process {}: {n} kiosks' HTTP clients built in {:.1} s, before any connects",
        std::process::id(),
        built.elapsed().as_secs_f64()
    );
    // The parent starts every process's kiosks at once (and its clock).
    println!("built {n}");
    let start = tokio::task::spawn_blocking(|| {
        let mut l = String::new();
        std::io::stdin().read_line(&mut l).map(|_| l)
    });
    let _ = start.await;
    for (token, store, clients) in kiosks {
        tokio::spawn(fleet_client(
            base.clone(),
            token,
            store,
            clients,
            hq_key,
            target,
            tx.clone(),
        ));
    }
    drop(tx);
    let mut tally = Tally::default();
    while tally.ready + tally.failed < n {
        match rx.recv().await {
            Some(e) => tally.take(e),
            None => break,
        }
    }
    println!("ready {} {}", tally.ready, tally.failed);
    let go = tokio::task::spawn_blocking(|| {
        let mut l = String::new();
        std::io::stdin().read_line(&mut l).map(|_| l)
    });
    let _ = go.await;
    // What arrived before the parent's line counts too (a replica may push
    // before the line arrives).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while tally.delta.len() + tally.failed < n {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(e)) => tally.take(e),
            Ok(None) | Err(_) => break,
        }
    }
    let join = |v: &[u64]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    println!("done {} {} {}", tally.seen.len(), tally.delta.len(), tally.failed);
    println!("{}", join(&tally.seen));
    println!("{}", join(&tally.delta));
}

/// What a fleet process's clients reported.
#[derive(Default)]
struct Tally {
    ready: usize,
    failed: usize,
    seen: Vec<u64>,
    delta: Vec<u64>,
    errors: Vec<String>,
}

impl Tally {
    fn take(&mut self, e: ClientEvent) {
        match e {
            ClientEvent::Ready => self.ready += 1,
            ClientEvent::Seen(t) => self.seen.push(t),
            ClientEvent::Delta(t) => self.delta.push(t),
            ClientEvent::Failed(m) => {
                self.failed += 1;
                if self.errors.len() < 5 {
                    eprintln!("fleet client failed: {m}");
                    self.errors.push(m);
                }
            }
        }
    }
}

/// The `vitrine-hq` binary of this build's profile (a no-op build when
/// `cargo test --workspace` or `cargo build --release` made it already).
fn hq_bin() -> std::path::PathBuf {
    let mut args = vec!["build", "--locked", "-p", "vitrine-hq", "--bin", "vitrine-hq"];
    if !cfg!(debug_assertions) {
        args.push("--release");
    }
    // This build's target folder (…/target/release/vitrine → …/target),
    // whatever CARGO_TARGET_DIR the bench runs with.
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_vitrine"));
    let target_dir = exe.parent().and_then(|p| p.parent()).expect("the target folder");
    let status = std::process::Command::new(env!("CARGO"))
        .args(&args)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo {}", args.join(" "));
    let bin = exe.with_file_name("vitrine-hq");
    assert!(bin.exists(), "{} not built", bin.display());
    bin
}

/// A `vitrine-hq serve` process; killed when dropped.
struct Replica {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hq_command(bin: &std::path::Path, dir: &std::path::Path, db: &str) -> std::process::Command {
    let mut c = std::process::Command::new(bin);
    c.arg("--data-dir")
        .arg(dir)
        .env("VITRINE_HQ_DATABASE", db)
        .env("VITRINE_HQ_LOG", "warn");
    c
}

/// A replica with HQ's shipped defaults (rate and connection limits
/// included), once it answers `/v1/health`.
fn start_replica(bin: &std::path::Path, dir: &std::path::Path, db: &str) -> Replica {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let child = hq_command(bin, dir, db)
        .args(["serve", "--listen", &addr.to_string()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start vitrine-hq serve");
    let r = Replica { child, addr };
    for _ in 0..1200 {
        let answered = std::net::TcpStream::connect(addr).ok().and_then(|mut s| {
            s.write_all(b"GET /v1/health HTTP/1.0\r\n\r\n").ok()?;
            let mut head = String::new();
            BufReader::new(s).read_line(&mut head).ok()?;
            Some(head.contains(" 200 "))
        });
        if answered == Some(true) {
            return r;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("replica {addr} did not answer");
}

/// `vitrine_connections_closed_total{reason="header_timeout"}` of the HQ
/// at `addr` (its /metrics, asked from loopback).
fn header_timeouts(addr: std::net::SocketAddr) -> u64 {
    let mut s = std::net::TcpStream::connect(addr).expect("connect to a replica");
    s.write_all(b"GET /metrics HTTP/1.0\r\n\r\n").expect("ask /metrics");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut s, &mut text).expect("read /metrics");
    vitrine_hq::metrics::sample(&text, "vitrine_connections_closed_total", "reason=\"header_timeout\"")
        .expect("the header-timeout counter in /metrics") as u64
}

/// Enrolls `n` kiosks (`KIOSKS_PER_STORE` per store) through HQ's own
/// enrollment service on `db`, as `POST /v1/enroll` does (a code from
/// `device add`, traded for a token against the kiosk's public key),
/// without HTTP: the enrollment rate limit (10 a minute per address, 60
/// for all) would make 10,000 take close to three hours. Returns each
/// kiosk's token and store, and HQ's public key.
fn enroll_fleet(dir: &std::path::Path, db: &str, n: usize) -> (Vec<(String, String)>, String) {
    let mut cfg = vitrine_hq::HqConfig::new(dir);
    cfg.database = Some(db.to_string());
    let hq = vitrine_hq::Hq::open(cfg).expect("open HQ on PostgreSQL");
    let products: Vec<Change> = (0..100)
        .map(|i| Change::UpsertProduct(product(i)))
        .chain((0..100).map(|i| price(i, 100 + i as i64)))
        .collect();
    hq.commit(&products, None).expect("the catalog");
    let threads = 4;
    let per = n.div_ceil(threads);
    let mut fleet = Vec::with_capacity(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let hq = &hq;
                s.spawn(move || {
                    (t * per..((t + 1) * per).min(n))
                        .map(|i| {
                            let store = format!("store-{:05}", i / KIOSKS_PER_STORE);
                            let (_, code) = admin::device_add(hq, &store).expect("device add");
                            let mut seed = [7u8; 32];
                            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                            let req = vitrine_core::wire::EnrollRequest {
                                code,
                                device_public_key: SecretKey::from_seed(seed).public().to_text(),
                                device_name: Some(format!("kiosk-{i}")),
                            };
                            let ip = std::net::IpAddr::from([127, 0, 0, 1]);
                            let r = vitrine_hq::services::devices::enroll(hq, &req, ip).expect("enroll");
                            (r.token, store)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            fleet.extend(h.join().expect("an enrolling thread"));
        }
    });
    (fleet, hq.key.public().to_text())
}

/// A fleet process: spawned with its jobs, its stdout read line by line.
struct FleetProcess {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    stdin: std::process::ChildStdin,
}

impl FleetProcess {
    fn line(&mut self) -> String {
        let mut l = String::new();
        self.out.read_line(&mut l).expect("a fleet process's output");
        l
    }
}

/// Bench 4, the push to a fleet: `n` kiosks, each enrolled with its own token,
/// half on each of two `vitrine-hq serve` replicas sharing one PostgreSQL,
/// HQ's default limits on. Every kiosk gets its first event; a price is
/// set with the command line (a third process); every kiosk must hear the
/// new version and fetch a signed delta holding that price (any failure,
/// or a kiosk that does not, fails the bench). Clients live in child
/// processes of at most 5,000 each (a descriptor per stream and one per
/// delta request, under the 20,000 the bench raises its limit to).
fn sse_fleet(n: usize) {
    let db = vitrine_testkit::new_database();
    let bin = hq_bin();
    let dir = tempfile::tempdir().unwrap();
    let t_enroll = Instant::now();
    let (fleet, hq_key) = enroll_fleet(dir.path(), &db, n);
    let t_enroll = t_enroll.elapsed();
    let replicas = [
        start_replica(&bin, dir.path(), &db),
        start_replica(&bin, dir.path(), &db),
    ];
    let rss0: Vec<u64> = replicas.iter().map(|r| rss_kb(r.child.id())).collect();
    // Half the kiosks (whole stores) on each replica, in processes of at
    // most 5,000 kiosks.
    let half = n.div_ceil(2 * KIOSKS_PER_STORE) * KIOSKS_PER_STORE;
    let target = gtin(1);
    let mut procs = Vec::new();
    let mut per_replica = [0usize; 2];
    for (r, part) in [&fleet[..half.min(n)], &fleet[half.min(n)..]].into_iter().enumerate() {
        per_replica[r] = part.len();
        for (c, chunk) in part.chunks(5_000).enumerate() {
            let jobs = dir.path().join(format!("fleet-{r}-{c}.txt"));
            let text: String = chunk
                .iter()
                .map(|(token, store)| {
                    let s: usize = store.trim_start_matches("store-").parse().unwrap();
                    format!("{token} {store} {}\n", store_ip(s))
                })
                .collect();
            std::fs::write(&jobs, text).unwrap();
            let mut child = std::process::Command::new(std::env::current_exe().unwrap())
                .arg("--fleet-clients")
                .arg(format!("http://{}", replicas[r].addr))
                .arg(&jobs)
                .arg(&hq_key)
                .arg(target.to_string())
                .arg("250")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            procs.push(FleetProcess {
                out: BufReader::new(child.stdout.take().unwrap()),
                stdin: child.stdin.take().unwrap(),
                child,
            });
        }
    }
    // Every process builds its kiosks' clients first (`built N`), then all
    // connect at once when told: the clock starts there.
    for p in &mut procs {
        let l = p.line();
        assert!(l.starts_with("built "), "built N: {l}");
    }
    for p in &mut procs {
        writeln!(p.stdin, "connect").unwrap();
    }
    let t0 = Instant::now();
    let (mut ready, mut failed) = (0usize, 0usize);
    for p in &mut procs {
        let l = p.line();
        let mut it = l.split_whitespace().skip(1);
        ready += it
            .next()
            .and_then(|v| v.parse::<usize>().ok())
            .expect("ready OK FAILED");
        failed += it
            .next()
            .and_then(|v| v.parse::<usize>().ok())
            .expect("ready OK FAILED");
    }
    let t_connect = t0.elapsed();
    let rss1: Vec<u64> = replicas.iter().map(|r| rss_kb(r.child.id())).collect();
    // Connections the replicas closed during the connection storm because
    // a request head came late (HQ's slow-client protection), from their
    // /metrics (loopback needs no token).
    let late_heads: u64 = replicas.iter().map(|r| header_timeouts(r.addr)).sum();
    assert_eq!((ready, failed), (n, 0), "every kiosk connects and gets its first event");

    // The price change, written by the command line into the database.
    let t_cmd = epoch_ms();
    let out = hq_command(&bin, dir.path(), &db)
        .args(["price", "set", &target.to_string(), "2.50"])
        .output()
        .unwrap();
    let t_commit = epoch_ms();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "price set: {said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for p in &mut procs {
        writeln!(p.stdin, "go").unwrap();
    }
    let (mut seen_n, mut delta_n) = (0usize, 0usize);
    let (mut seen, mut delta) = (Vec::new(), Vec::new());
    for p in &mut procs {
        let l = p.line();
        let v: Vec<usize> = l.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
        assert_eq!(v.len(), 3, "done SEEN DELTA FAILED: {l}");
        seen_n += v[0];
        delta_n += v[1];
        failed += v[2];
        let times = |l: String| -> Vec<Duration> {
            l.split_whitespace()
                .filter_map(|t| t.parse::<u64>().ok())
                .map(|t| Duration::from_millis(t.saturating_sub(t_cmd)))
                .collect()
        };
        seen.extend(times(p.line()));
        delta.extend(times(p.line()));
    }
    for mut p in procs {
        drop(p.stdin);
        let _ = p.child.wait();
    }
    drop(replicas);
    assert_eq!(failed, 0, "no kiosk failed (their errors are above)");
    assert_eq!(seen_n, n, "every kiosk heard the new version");
    assert_eq!(delta_n, n, "every kiosk fetched the delta with the new price");
    seen.sort();
    delta.sort();
    let per_conn = |r: usize| (rss1[r].saturating_sub(rss0[r])) as f64 / per_replica[r].max(1) as f64;
    println!(
        "push to a fleet: {n} kiosks with their own tokens, {} + {} on two `vitrine-hq serve` replicas on one PostgreSQL, default limits; enrolled (service, no HTTP) in {:.1} s; all connected with their first event in {:.1} s ({late_heads} connections closed by HQ for a late request head); price set by the command line (a process of {} ms: start, connect, commit), from its start: every kiosk saw the version p50 {} max {}, every kiosk fetched and verified the delta p50 {} max {}; errors 0; replica RSS {:.1} -> {:.1} MB and {:.1} -> {:.1} MB ({:.1} and {:.1} KB per connection)",
        per_replica[0],
        per_replica[1],
        t_enroll.as_secs_f64(),
        t_connect.as_secs_f64(),
        t_commit.saturating_sub(t_cmd),
        ms(percentile(&seen, 0.5)),
        ms(*seen.last().unwrap()),
        ms(percentile(&delta, 0.5)),
        ms(*delta.last().unwrap()),
        rss0[0] as f64 / 1024.0,
        rss1[0] as f64 / 1024.0,
        rss0[1] as f64 / 1024.0,
        rss1[1] as f64 / 1024.0,
        per_conn(0),
        per_conn(1),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(i) = args.iter().position(|a| a == "--fleet-clients") {
        let a = &args[i + 1..];
        rt.block_on(fleet_clients(
            a[0].clone(),
            a[1].clone(),
            a[2].clone(),
            a[3].clone(),
            a[4].parse().unwrap(),
        ));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let only = std::env::var("VITRINE_BENCH").unwrap_or_default();
    let run = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);
    if run("push") {
        rt.block_on(price_to_kiosk(
            if full { 10_000 } else { 100 },
            if full { 300 } else { 5 },
        ));
    }
    if run("apply") {
        apply_changes(if full { 50_000 } else { 500 });
    }
    if run("snapshot") {
        let n = args
            .iter()
            .position(|a| a == "--products")
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(if full { 1_000_000 } else { 1_000 });
        rt.block_on(snapshot(n));
    }
    if run("sse") {
        let n = args
            .iter()
            .position(|a| a == "--kiosks")
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(if full { 10_000 } else { 40 });
        sse_fleet(n);
    }
}
