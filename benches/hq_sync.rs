//! HQ and sync benchmarks (figures in docs/BENCHMARKS.md, section "HQ and
//! sync"). `cargo bench --bench hq_sync` runs them at full size;
//! `cargo test --benches` runs each once at a tiny size as a smoke test.
//!
//! 1. price change at HQ → kiosk cache updated (push, loopback), p50/p99;
//! 2. applying 50,000 price changes in one transaction (verify + apply);
//! 3. a 1,000,000-product streamed snapshot: size, time to cut at HQ, and
//!    `vitrine sync --once` taking it (time and peak RSS of that process;
//!    `-- --products N` for another size);
//! 4. SSE connections one HQ process holds (clients in a child process).

use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vitrine::catalog::{Catalog, VersionMove};
use vitrine::sync::SyncSettings;
use vitrine::sync::backoff::Backoff;
use vitrine_core::catalog::Change;
use vitrine_core::product::{PriceEntry, Product};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{Expect, SignedUpdate, UpdateKind};
use vitrine_core::{Gtin, Money};
use vitrine_hq::admin;
use vitrine_testkit::{enroll_kiosk, start_hq_at};

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

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
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
/// process under GNU time (its peak RSS is the kiosk's, not this big
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
            .args(["-f", "%x %M"])
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
    let last = err.lines().last().unwrap_or("");
    let mut it = last.split_whitespace();
    let (code, kb): (i32, u64) = (
        it.next().and_then(|v| v.parse().ok()).unwrap_or(-1),
        it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
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

/// Child process: opens `n` SSE connections, prints "ready" when each got
/// its first event, then "got N" when all have seen version `N` announced
/// later (read from stdin).
async fn sse_clients(addr: String, token: String, n: usize) {
    raise_fd_limit();
    let connected = Arc::new(AtomicUsize::new(0));
    // The highest version each connection has heard of.
    let seen: Arc<Vec<std::sync::atomic::AtomicU64>> =
        Arc::new((0..n).map(|_| std::sync::atomic::AtomicU64::new(0)).collect());
    for i in 0..n {
        let (addr, token) = (addr.clone(), token.clone());
        let (connected, seen) = (connected.clone(), seen.clone());
        tokio::spawn(async move {
            let mut s = loop {
                match TcpStream::connect(&addr).await {
                    Ok(s) => break s,
                    Err(_) => tokio::time::sleep(Duration::from_millis(20 + (i % 50) as u64)).await,
                }
            };
            let req = format!(
                "GET /v1/events HTTP/1.1\r\nHost: hq\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
            );
            if s.write_all(req.as_bytes()).await.is_err() {
                return;
            }
            let mut buf = vec![0u8; 4096];
            let mut pending = String::new();
            let mut first = true;
            loop {
                let Ok(k) = s.read(&mut buf).await else { return };
                if k == 0 {
                    return;
                }
                pending.push_str(&String::from_utf8_lossy(&buf[..k]));
                while let Some(pos) = pending.find('\n') {
                    let line: String = pending.drain(..=pos).collect();
                    if let Some(v) = line.trim().strip_prefix("id: ").and_then(|v| v.parse::<u64>().ok()) {
                        seen[i].fetch_max(v, Ordering::SeqCst);
                        if first {
                            first = false;
                            connected.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            }
        });
    }
    while connected.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("ready");
    let line = tokio::task::spawn_blocking(|| {
        let mut l = String::new();
        std::io::stdin().read_line(&mut l).map(|_| l)
    })
    .await
    .unwrap()
    .unwrap();
    let mut parts = line.split_whitespace();
    let v: u64 = parts.next().unwrap().parse().unwrap();
    // The parent's clock reading when it committed, as ms since the epoch.
    let sent_ms: u128 = parts.next().unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let count = || seen.iter().filter(|s| s.load(Ordering::SeqCst) >= v).count();
    while count() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    println!("got {} {}", count(), now_ms.saturating_sub(sent_ms));
}

/// 4. SSE connections one HQ process holds.
async fn sse_hold(n: usize) {
    let limit = raise_fd_limit();
    let dir = tempfile::tempdir().unwrap();
    let server = start_hq_at(dir.path(), "127.0.0.1:0", |c| {
        c.rate_per_minute = 0;
        // All the connections come with one device token: the per-device
        // cap on push streams (2) is a policy, not what is measured here.
        c.max_streams_per_device = usize::MAX;
    })
    .await;
    let (hq, addr) = (server.hq.clone(), server.addr);
    hq.commit(&[Change::UpsertProduct(product(1))], None).unwrap();
    let token = enroll_kiosk(&server, "paris-01", 6).await.token;
    let rss0 = rss_mb();
    let t0 = Instant::now();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--sse-clients", &addr.to_string(), &token, &n.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        (l, out)
    });
    let (l, mut out) = line.await.unwrap();
    assert_eq!(l.trim(), "ready", "the client process failed");
    let t_connect = t0.elapsed();
    let rss1 = rss_mb();
    let sent_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let v = hq.commit(&[price(1, 250)], None).unwrap();
    writeln!(stdin, "{v} {sent_ms}").unwrap();
    let l = tokio::task::spawn_blocking(move || {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        l
    })
    .await
    .unwrap();
    let mut parts = l.split_whitespace().skip(1);
    let got: usize = parts.next().unwrap().parse().unwrap();
    let fanout_ms: u64 = parts.next().unwrap().parse().unwrap();
    let _ = child.wait();
    println!(
        "SSE: {n} connections held by one HQ process (fd limit {limit}); all connected in {:.1} s; a new version reached {got}/{n} of them in {fanout_ms} ms; HQ RSS {:.0} MB -> {:.0} MB ({:.1} KB per connection)",
        t_connect.as_secs_f64(),
        rss0,
        rss1,
        (rss1 - rss0) * 1024.0 / n as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(i) = args.iter().position(|a| a == "--sse-clients") {
        let n: usize = args[i + 3].parse().unwrap();
        rt.block_on(sse_clients(args[i + 1].clone(), args[i + 2].clone(), n));
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
        rt.block_on(sse_hold(if full { 10_000 } else { 20 }));
    }
}
