//! The connections HQ accepts, below the routes: one host must not be able
//! to take HQ down (issue 14).
//!
//! - **Slow and idle connections are closed.** hyper's header-read timeout
//!   ([`Limits::header_read_timeout`]) runs from the moment a connection
//!   waits for a request: a socket that sends nothing, half a request line
//!   or headers byte by byte, and a keep-alive connection that stays idle
//!   after its last answer, are all closed when it expires. A request whose
//!   answer is not ready within [`Limits::request_timeout`] (a body sent
//!   byte by byte, say) is answered 408 and its connection closed. The push
//!   stream is not affected: its answer is ready at once and then streams.
//! - **Connections are capped**, overall ([`Limits::max_connections`], also
//!   kept below the process's open-file limit) and per client address
//!   ([`Limits::max_connections_per_ip`]; an IPv6 client counts by its /64).
//!   A connection over a cap is closed as soon as it is accepted: it costs
//!   HQ one file descriptor for a moment, never a slot. So one host that
//!   floods HQ with idle sockets fills only its own share, and health checks
//!   and kiosks from other addresses keep being answered.
//! - An accept error (the process out of file descriptors) pauses accepting
//!   for a moment instead of spinning; the connections already open go on.
//!
//! Behind a reverse proxy every connection comes from the proxy's address:
//! raise the per-address cap to the proxy's connection pool (or set it to 0,
//! no per-address cap) and let the proxy cap its own clients (README, "HTTPS
//! behind a reverse proxy").

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// The connection limits (from [`crate::HqConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open connections at most, all clients together.
    pub max_connections: usize,
    /// Open connections at most from one client address (0: no such cap).
    pub max_connections_per_ip: usize,
    /// A connection that has not sent a whole request head within this
    /// time after it started waiting for one (connected, or answered) is
    /// closed.
    pub header_read_timeout: Duration,
    /// A request not answered within this time gets 408.
    pub request_timeout: Duration,
}

/// File descriptors kept for HQ itself (SQLite, the SMTP relay, logs) below
/// the process's limit.
const RESERVED_FDS: usize = 64;

/// The process's open-file limit (soft), raised to the hard limit first: a
/// server wants all it may have.
#[cfg(unix)]
pub fn open_file_limit() -> Option<usize> {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) != 0 {
            return None;
        }
        if l.rlim_cur < l.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: l.rlim_max,
                rlim_max: l.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                l.rlim_cur = l.rlim_max;
            }
        }
        usize::try_from(l.rlim_cur).ok()
    }
}

#[cfg(not(unix))]
pub fn open_file_limit() -> Option<usize> {
    None
}

impl Limits {
    /// The limits, with the overall cap kept below the open-file limit.
    pub fn effective(self) -> Limits {
        let fds = open_file_limit().map(|n| n.saturating_sub(RESERVED_FDS).max(16));
        Limits {
            max_connections: fds.map_or(self.max_connections, |f| self.max_connections.min(f)),
            ..self
        }
    }
}

/// The address a client's connections are counted under: IPv4 as is, an
/// IPv4-mapped IPv6 address as its IPv4, other IPv6 by their /64 (one
/// host usually holds a whole /64).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Open connections, overall and per client address.
#[derive(Default)]
struct Counts {
    total: AtomicUsize,
    // std Mutex: held for a map update, never across an await.
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    refused: AtomicU64,
    /// Connections closed because their request head did not arrive in
    /// time (hyper's header-read timeout).
    header_timeouts: AtomicU64,
    /// When the last "connection refused" warning was logged (ms since start).
    last_warned_ms: AtomicU64,
}

/// A slot held by an open connection; freed when dropped.
struct Slot {
    counts: Arc<Counts>,
    key: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.counts.total.fetch_sub(1, Ordering::SeqCst);
        let mut m = self.counts.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// Why a connection was closed at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Total,
    PerIp,
}

impl Counts {
    fn admit(self: &Arc<Self>, ip: IpAddr, limits: &Limits) -> Result<Slot, Refusal> {
        let key = client_key(ip);
        let mut m = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if self.total.load(Ordering::SeqCst) >= limits.max_connections {
            return Err(Refusal::Total);
        }
        let n = m.entry(key).or_insert(0);
        if limits.max_connections_per_ip > 0 && *n >= limits.max_connections_per_ip {
            return Err(Refusal::PerIp);
        }
        *n += 1;
        self.total.fetch_add(1, Ordering::SeqCst);
        Ok(Slot {
            counts: self.clone(),
            key,
        })
    }

    /// Logs refused connections at most once a second (a flood must not
    /// flood the log too).
    fn note_refused(&self, started: Instant, why: Refusal, ip: IpAddr) {
        let n = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let now_ms = started.elapsed().as_millis() as u64;
        let last = self.last_warned_ms.load(Ordering::Relaxed);
        if (n == 1 || now_ms >= last + 1000)
            && self
                .last_warned_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                client = %client_key(ip),
                cap = ?why,
                refused_so_far = n,
                "connection closed at once: over HQ's connection cap"
            );
        }
    }
}

/// How many connections HQ holds open now (tests and the health answer).
#[derive(Clone, Default)]
pub struct Gauge(Arc<Counts>);

impl Gauge {
    /// Open connections, all clients together.
    pub fn open(&self) -> usize {
        self.0.total.load(Ordering::SeqCst)
    }

    /// Connections closed at once because a cap was reached, since start.
    pub fn refused(&self) -> u64 {
        self.0.refused.load(Ordering::Relaxed)
    }

    /// Connections closed since start because no whole request head came
    /// within the header-read timeout (slow or idle clients, idle
    /// keep-alive connections).
    pub fn header_timeouts(&self) -> u64 {
        self.0.header_timeouts.load(Ordering::Relaxed)
    }
}

/// Serves `app` on `listener` until `shutdown` completes, with `limits`.
/// Every request carries the client's address ([`ConnectInfo`]). On
/// shutdown, accepting stops and open connections get `grace` to finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    gauge: Gauge,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let counts = gauge.0.clone();
    let started = Instant::now();
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        // Request heads are small (a kiosk's bearer token, a cookie).
        .max_buf_size(64 * 1024);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors (EMFILE) or a connection reset
                    // before it was accepted: wait a moment, then go on.
                    tracing::warn!(error = %e, "cannot accept a connection; pausing 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let slot = match counts.admit(peer.ip(), &limits) {
            Ok(s) => s,
            Err(why) => {
                counts.note_refused(started, why, peer.ip());
                drop(stream);
                continue;
            }
        };
        serve_connection(&builder, &graceful, stream, peer, app.clone(), slot, limits);
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::info!("connections still open after the shutdown grace period; leaving them");
    }
    Ok(())
}

fn serve_connection(
    builder: &http1::Builder,
    graceful: &GracefulShutdown,
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    slot: Slot,
    limits: Limits,
) {
    let _ = stream.set_nodelay(true);
    let timeout = limits.request_timeout;
    let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let req = req.map(axum::body::Body::new);
            match tokio::time::timeout(timeout, app.oneshot(req)).await {
                Ok(r) => r,
                Err(_) => Ok(crate::http::request_timed_out()),
            }
        }
    });
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    let conn = graceful.watch(conn);
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            if e.is_timeout() {
                slot.counts.header_timeouts.fetch_add(1, Ordering::Relaxed);
            }
            tracing::debug!(error = %e, "connection ended with an error");
        }
        drop(slot);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_per_address_and_overall_and_free_on_drop() {
        let counts = Arc::new(Counts::default());
        let limits = Limits {
            max_connections: 3,
            max_connections_per_ip: 2,
            header_read_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
        };
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.1".parse().unwrap();
        let s1 = counts.admit(a, &limits).unwrap();
        let _s2 = counts.admit(a, &limits).unwrap();
        assert_eq!(counts.admit(a, &limits).err(), Some(Refusal::PerIp));
        let _s3 = counts.admit(b, &limits).unwrap();
        assert_eq!(counts.admit(b, &limits).err(), Some(Refusal::Total));
        drop(s1);
        assert!(counts.admit(b, &limits).is_ok());
        // An IPv6 host counts by its /64; a mapped IPv4 as the IPv4.
        assert_eq!(
            client_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            client_key("2001:db8:1:2:bbbb::9".parse().unwrap())
        );
        assert_eq!(client_key("::ffff:127.0.0.2".parse().unwrap()), a);
    }

    #[test]
    fn by_default_the_overall_cap_is_the_open_file_limit_less_a_reserve() {
        // A fixed cap (it was 4,096) refused a chain's kiosks, each holding
        // a push stream: by default only the descriptors bound it.
        let limits = crate::HqConfig::new(std::path::Path::new("/nonexistent")).limits();
        let fds = open_file_limit().expect("the open-file limit");
        assert_eq!(
            limits.effective().max_connections,
            fds.saturating_sub(RESERVED_FDS).max(16)
        );
        let lower = Limits {
            max_connections: 10,
            ..limits
        };
        assert_eq!(lower.effective().max_connections, 10, "a lower cap is kept");
    }
}
