//! A TCP proxy between a kiosk and HQ that cuts, delays, drops or rewrites
//! traffic on command: the network faults a store's connection has, made
//! on purpose.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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
    /// Answer a request for this path itself, as a hostile server would: a
    /// `200 text/event-stream` whose body is one line that never ends, up
    /// to `max_bytes` (then closed), counted in [`Proxy::floods`]. Other
    /// requests are forwarded.
    Flood { path: String, max_bytes: u64 },
    /// Forward the answer to a request for this path until `body_bytes` of
    /// its body have passed, then close the connection (a download cut
    /// part-way, counted in [`Faults::answers_cut`]); then Pass. Other
    /// requests are forwarded.
    CutBody { path: String, body_bytes: u64 },
}

/// What [`Mode::Flood`] sent.
#[derive(Debug, Default)]
pub struct Floods {
    /// Flood answers started.
    pub started: AtomicU64,
    /// Flood answers the client closed before `max_bytes`.
    pub cut_by_client: AtomicU64,
    /// Body bytes written, all floods together.
    pub bytes: AtomicU64,
}

/// What [`Mode::Chaos`] did, by kind.
#[derive(Debug, Default)]
pub struct Faults {
    pub requests_cut: AtomicU64,
    pub answers_delayed: AtomicU64,
    pub answers_truncated: AtomicU64,
    pub answers_dropped: AtomicU64,
    /// Answers cut by [`Mode::CutBody`] (not in [`Faults::total`]).
    pub answers_cut: AtomicU64,
    /// Every answer byte forwarded to the client, whatever the mode (not in
    /// [`Faults::total`]): what a download cost on the wire.
    pub answer_bytes: AtomicU64,
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
    pub floods: Arc<Floods>,
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
        let floods = Arc::new(Floods::default());
        let (m, d, n, f, fl) = (
            mode.clone(),
            dropped.clone(),
            connections.clone(),
            faults.clone(),
            floods.clone(),
        );
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                n.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handle(client, upstream, m.clone(), d.clone(), f.clone(), fl.clone()));
            }
        });
        Proxy {
            addr,
            mode,
            dropped,
            connections,
            faults,
            floods,
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

/// Sends the flood answer of [`Mode::Flood`] on `client`.
async fn flood(client: &mut TcpStream, max_bytes: u64, floods: &Floods) {
    floods.started.fetch_add(1, Ordering::SeqCst);
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\r\ndata: ";
    if client.write_all(head).await.is_err() {
        floods.cut_by_client.fetch_add(1, Ordering::SeqCst);
        return;
    }
    let chunk = vec![b'x'; 8 * 1024];
    let mut sent = 0u64;
    while sent < max_bytes {
        if client.write_all(&chunk).await.is_err() {
            floods.cut_by_client.fetch_add(1, Ordering::SeqCst);
            return;
        }
        sent += chunk.len() as u64;
        floods.bytes.fetch_add(chunk.len() as u64, Ordering::SeqCst);
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    dropped: Arc<AtomicU32>,
    faults: Arc<Faults>,
    floods: Arc<Floods>,
) {
    let current = mode.lock().unwrap().clone();
    if current == Mode::Refuse {
        drop(client);
        return;
    }
    // A flood answers the request itself: its first bytes decide.
    let mut first = Vec::new();
    if let Mode::Flood { path, max_bytes } = &current {
        let mut buf = vec![0u8; 16 * 1024];
        let n = match client.read(&mut buf).await {
            Ok(n @ 1..) => n,
            _ => return,
        };
        let needle = format!(" {path}");
        if buf[..n].windows(needle.len()).any(|w| w == needle.as_bytes()) {
            flood(&mut client, *max_bytes, &floods).await;
            return;
        }
        first = buf[..n].to_vec();
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    if !first.is_empty() && server.write_all(&first).await.is_err() {
        return;
    }
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    // The request now on this connection asks for `CutBody`'s path.
    let armed = std::sync::atomic::AtomicBool::new(false);
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
                    if let Mode::CutBody { path, .. } = &current {
                        let needle = format!(" {path}");
                        armed.store(
                            buf[..n].windows(needle.len()).any(|w| w == needle.as_bytes()),
                            Ordering::SeqCst,
                        );
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
        // `CutBody`: the answer's head seen, and its body bytes passed.
        let (mut head_done, mut body) = (false, 0u64);
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
                        Mode::CutBody { body_bytes, .. } if armed.load(Ordering::SeqCst) => {
                            let start = if head_done {
                                0
                            } else {
                                match buf[..n].windows(4).position(|w| w == b"\r\n\r\n") {
                                    Some(i) => {
                                        head_done = true;
                                        i + 4
                                    }
                                    None => n,
                                }
                            };
                            let in_body = (n - start) as u64;
                            if body + in_body > *body_bytes {
                                let keep = start + (*body_bytes - body) as usize;
                                let _ = cw.write_all(&buf[..keep]).await;
                                faults.answer_bytes.fetch_add(keep as u64, Ordering::SeqCst);
                                faults.answers_cut.fetch_add(1, Ordering::SeqCst);
                                *mode.lock().unwrap() = Mode::Pass;
                                return;
                            }
                            body += in_body;
                        }
                        Mode::Pass | Mode::BlockPath(_) | Mode::Flood { .. } | Mode::CutBody { .. } => {}
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    faults.answer_bytes.fetch_add(n as u64, Ordering::SeqCst);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream that answers each read with the same bytes.
    async fn echo() -> SocketAddr {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    while let Ok(n @ 1..) = s.read(&mut buf).await {
                        if s.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    /// Sends `msg` through the proxy; what comes back (empty: closed).
    async fn round_trip(p: &Proxy, msg: &[u8]) -> Vec<u8> {
        let mut c = TcpStream::connect(p.addr).await.unwrap();
        if c.write_all(msg).await.is_err() {
            return Vec::new();
        }
        let mut got = vec![0u8; msg.len()];
        match tokio::time::timeout(Duration::from_secs(10), c.read_exact(&mut got)).await {
            Ok(Ok(_)) => got,
            _ => Vec::new(),
        }
    }

    #[tokio::test]
    async fn passes_rewrites_refuses_and_drops_on_command() {
        let p = Proxy::start(echo().await).await;
        assert_eq!(round_trip(&p, b"price 100").await, b"price 100");
        p.set(Mode::Rewrite(b"100".to_vec(), b"999".to_vec()));
        assert_eq!(round_trip(&p, b"price 100").await, b"price 999");
        p.set(Mode::Refuse);
        assert!(round_trip(&p, b"hello").await.is_empty());
        p.set(Mode::DropResponses(1));
        assert!(round_trip(&p, b"lost").await.is_empty());
        assert_eq!(p.dropped.load(Ordering::SeqCst), 1);
        // The count ran out: traffic passes again.
        assert_eq!(round_trip(&p, b"back").await, b"back");
        assert_eq!(p.connections.load(Ordering::SeqCst), 5);
    }
}
