//! Shared by the sync integration tests: the real HQ on 127.0.0.1:0 with a
//! real SQLite file, kiosks enrolled for real, and a TCP proxy that cuts,
//! delays, drops or rewrites traffic between them.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::sync::oneshot;
use vitrine::sync::SyncSettings;
use vitrine::sync::backoff::Backoff;
use vitrine::sync::store::DeviceIdentity;
use vitrine_hq::{Hq, HqConfig, admin};

pub const COKE: &str = "05449000039231";
pub const BOOK: &str = "09780002314572";

/// A running HQ.
pub struct HqServer {
    pub hq: Arc<Hq>,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl HqServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server (connections closed, port freed).
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
    }
}

impl Drop for HqServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts HQ on `bind` (`127.0.0.1:0` for a new port) over `data_dir`.
pub async fn start_hq_at(data_dir: &Path, bind: &str, tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let listener = TcpListener::bind(bind).await.expect("bind HQ");
    let addr = listener.local_addr().unwrap();
    let mut cfg = HqConfig::new(data_dir);
    cfg.public_base_url = format!("http://{addr}");
    cfg.version_poll = Duration::from_millis(50);
    tweak(&mut cfg);
    let hq = Hq::open(cfg).expect("open HQ");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(vitrine_hq::serve(listener, hq.clone(), async {
        let _ = rx.await;
    }));
    HqServer {
        hq,
        addr,
        data_dir: data_dir.to_path_buf(),
        stop: Some(tx),
        task: Some(task),
    }
}

/// HQ with the repo's demo referential imported (real products, demo prices).
pub async fn start_hq(data_dir: &Path, tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let s = start_hq_at(data_dir, "127.0.0.1:0", tweak).await;
    if s.hq.storage.current_version().unwrap() == 0 {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
        let mut text = std::fs::read_to_string(demo.join("products.jsonl")).unwrap();
        text.push('\n');
        text.push_str(&std::fs::read_to_string(demo.join("books.jsonl")).unwrap());
        admin::import(&s.hq, text.as_bytes(), Some(vitrine_core::demo::DEMO_SEED)).unwrap();
    }
    s
}

/// The `vitrine` binary on the kiosk files in `data_dir`, with no
/// configuration file from the environment and quiet logs.
pub fn kiosk_command(data_dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"));
    c.arg("--data-dir")
        .arg(data_dir)
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Fast retries, no polling unless a test wants it.
pub fn settings() -> SyncSettings {
    SyncSettings {
        poll_interval: Duration::from_secs(3600),
        request_timeout: Duration::from_secs(5),
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(300),
        },
        availability_max_age_s: 60,
        stream_idle_timeout: Duration::from_secs(30),
    }
}

/// Enrolls a kiosk whose files are in `kiosk_dir` with HQ at `url`.
pub async fn enroll(hq: &HqServer, url: &str, kiosk_dir: &Path, store: &str) -> DeviceIdentity {
    let (_, code) = admin::device_add(&hq.hq, store).unwrap();
    vitrine::sync::enroll(kiosk_dir, url, &code, Duration::from_secs(5), 1_790_000_000)
        .await
        .expect("enroll")
}

/// Starts the enrolled kiosk's sync worker (files in `kiosk_dir`, [`settings`])
/// and waits (bounded) until it is online with HQ's current catalog version.
pub async fn start_synced_worker(
    hq: &HqServer,
    kiosk_dir: &Path,
) -> (
    vitrine::sync::SyncHandle,
    tokio::sync::watch::Receiver<vitrine::sync::SyncStatus>,
) {
    let handle = vitrine::sync::start(&tokio::runtime::Handle::current(), kiosk_dir, settings()).unwrap();
    let mut rx = handle.status();
    let v0 = hq.hq.storage.current_version().unwrap();
    wait_until(&mut rx, 30, "the first snapshot", |s| {
        s.catalog_version == v0 && s.online
    })
    .await;
    (handle, rx)
}

/// Waits (bounded) until `f` holds, checking whenever the status changes
/// and at least every 50 ms. Panics with `what` on timeout.
pub async fn wait_until(
    rx: &mut tokio::sync::watch::Receiver<vitrine::sync::SyncStatus>,
    secs: u64,
    what: &str,
    mut f: impl FnMut(&vitrine::sync::SyncStatus) -> bool,
) -> vitrine::sync::SyncStatus {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let st = rx.borrow_and_update().clone();
        if f(&st) {
            return st;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}; last status {st:?}");
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), rx.changed()).await;
    }
}

/// What the proxy does to new connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Forward both ways.
    Pass,
    /// Refuse: accept and close at once (HQ looks down).
    Refuse,
    /// Forward the request to HQ, then cut the connection when HQ's answer
    /// starts: the answer is lost after HQ committed. Counts down; then Pass.
    DropResponses(u32),
    /// Hold HQ's answer this long before forwarding it.
    Delay(Duration),
    /// Replace bytes in HQ's answers (same length, so framing stays valid).
    Rewrite(Vec<u8>, Vec<u8>),
    /// Random faults: each piece of a request or an answer meets a fault
    /// with this probability (percent): a request cut half-way, an answer
    /// delayed (up to `max_delay`), truncated half-way or dropped whole
    /// (after HQ committed). Counted in [`Proxy::faults`].
    Chaos { percent: u32, max_delay: Duration },
    /// Close every connection whose request asks for this path (a firewall
    /// that blocks the push stream); forward the rest.
    BlockPath(String),
}

/// What [`Mode::Chaos`] did, by kind.
#[derive(Debug, Default)]
pub struct Faults {
    pub requests_cut: AtomicU64,
    pub answers_delayed: AtomicU64,
    pub answers_truncated: AtomicU64,
    pub answers_dropped: AtomicU64,
}

impl Faults {
    pub fn total(&self) -> u64 {
        self.requests_cut.load(Ordering::SeqCst)
            + self.answers_delayed.load(Ordering::SeqCst)
            + self.answers_truncated.load(Ordering::SeqCst)
            + self.answers_dropped.load(Ordering::SeqCst)
    }
}

/// A TCP proxy in front of HQ.
pub struct Proxy {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    pub dropped: Arc<AtomicU32>,
    pub connections: Arc<AtomicU64>,
    pub faults: Arc<Faults>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(Mode::Pass));
        let dropped = Arc::new(AtomicU32::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let faults = Arc::new(Faults::default());
        let (m, d, n, f) = (mode.clone(), dropped.clone(), connections.clone(), faults.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                n.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handle(client, upstream, m.clone(), d.clone(), f.clone()));
            }
        });
        Proxy {
            addr,
            mode,
            dropped,
            connections,
            faults,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn replace_all(buf: &mut [u8], from: &[u8], to: &[u8]) {
    if from.is_empty() || from.len() != to.len() {
        return;
    }
    let mut i = 0;
    while i + from.len() <= buf.len() {
        if &buf[i..i + from.len()] == from {
            buf[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

/// A chaos roll: `Some(kind in 0..4)` with `percent` probability.
fn roll(mode: &Mode) -> Option<(u32, Duration)> {
    match mode {
        Mode::Chaos { percent, max_delay } if fastrand::u32(0..100) < *percent => {
            Some((fastrand::u32(0..4), max_delay.mul_f64(fastrand::f64())))
        }
        _ => None,
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    dropped: Arc<AtomicU32>,
    faults: Arc<Faults>,
) {
    if *mode.lock().unwrap() == Mode::Refuse {
        drop(client);
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    let up = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let current = mode.lock().unwrap().clone();
                    if let Mode::BlockPath(path) = &current {
                        let needle = format!(" {path}");
                        if buf[..n].windows(needle.len()).any(|w| w == needle.as_bytes()) {
                            return;
                        }
                    }
                    if let Some((0, _)) = roll(&current) {
                        // The request is cut half-way: HQ sees half of it,
                        // the kiosk a closed connection.
                        faults.requests_cut.fetch_add(1, Ordering::SeqCst);
                        let _ = sw.write_all(&buf[..n / 2]).await;
                        return;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sw.shutdown().await;
        // The request side is done; the answer side decides when to close.
        std::future::pending::<()>().await
    };
    let down = async {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match sr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    // The mode is read for every piece of an answer, so
                    // pooled keep-alive connections obey a change too.
                    let current = {
                        let mut g = mode.lock().unwrap();
                        let now = g.clone();
                        if let Mode::DropResponses(k) = &mut *g {
                            *k = k.saturating_sub(1);
                            if *k == 0 {
                                *g = Mode::Pass;
                            }
                        }
                        now
                    };
                    match &current {
                        Mode::DropResponses(_) | Mode::Refuse => {
                            dropped.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                        Mode::Delay(d) => tokio::time::sleep(*d).await,
                        Mode::Rewrite(from, to) => replace_all(&mut buf[..n], from, to),
                        Mode::Chaos { .. } => match roll(&current) {
                            Some((1, d)) => {
                                faults.answers_delayed.fetch_add(1, Ordering::SeqCst);
                                tokio::time::sleep(d).await;
                            }
                            Some((2, _)) => {
                                faults.answers_truncated.fetch_add(1, Ordering::SeqCst);
                                let _ = cw.write_all(&buf[..n / 2]).await;
                                return;
                            }
                            Some((3, _)) => {
                                faults.answers_dropped.fetch_add(1, Ordering::SeqCst);
                                return;
                            }
                            _ => {}
                        },
                        Mode::Pass | Mode::BlockPath(_) => {}
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = cw.shutdown().await;
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

// ------------------------------------------------------------------ email

/// A real SMTP server on loopback: aiosmtpd (Debian's python3-aiosmtpd,
/// installed by scripts/setup-debian.sh) run by `tests/support/smtp_sink.py`.
/// Each message it receives comes out of the channel. The server stops with
/// the test's runtime (the child is killed on drop, and exits when its
/// standard input closes).
pub async fn smtp_server() -> (u16, mpsc::UnboundedReceiver<String>) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
    let mut child = tokio::process::Command::new("/usr/bin/python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the SMTP server (apt-get install python3-aiosmtpd)");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the SMTP server did not start within 30 s")
        .unwrap()
        .expect("the SMTP server exited (is python3-aiosmtpd installed?)");
    let port: u16 = ready
        .strip_prefix("READY ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from the SMTP server: {ready}"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        // Owns the child: it lives as long as this task.
        let _child = child;
        while let Ok(Some(line)) = lines.next_line().await {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if tx.send(v["mail"].as_str().unwrap_or_default().to_string()).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

pub async fn next_mail(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("no email within 30 s")
        .unwrap()
}

/// Decodes a quoted-printable body well enough to search it.
pub fn unqp(s: &str) -> String {
    let joined = s.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
