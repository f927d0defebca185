//! Issue 14's attacks, each run against the real HQ on loopback and shown
//! refused with the server still answering. One test per finding (or per
//! group of related findings); the table in `docs/RELIABILITY.md`
//! ("Security") names them.
//!
//! Loopback only: the flooding client binds `127.0.0.2`, the health checks
//! and kiosks come from `127.0.0.1`, so "one host" and "everyone else" are
//! two addresses on this machine. Every loop is bounded in count and time.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use vitrine_hq::HqConfig;
use vitrine_testkit::{HqServer, enroll_kiosk, eventually, start_hq_in_temp_dir};

/// A connection to HQ from `local` (a loopback address of our choice).
async fn connect_from(local: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let sock = TcpSocket::new_v4()?;
    sock.bind(format!("{local}:0").parse().expect("a loopback address"))?;
    sock.connect(to).await
}

/// Whether HQ closed `s` (end of stream or reset) within `within`.
async fn closed_by_hq(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 512];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // An answer (a 408, say): keep reading until the close.
            Ok(Ok(_)) => {}
        }
    }
}

async fn health(s: &HqServer) -> u16 {
    reqwest::Client::new()
        .get(s.at("/v1/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// High: one host flooding HQ with idle sockets (sending nothing, or half
/// a request line) gets only its own share of connections, the rest are
/// closed at once, health checks and kiosks from elsewhere are answered
/// throughout, and the sockets HQ kept are closed by the header-read
/// timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_host_flooding_idle_connections_cannot_take_hq_down() {
    const FLOOD: usize = 1500;
    const PER_IP: usize = 40;
    let s = start_hq_in_temp_dir(|c: &mut HqConfig| {
        c.max_connections_per_ip = PER_IP;
        c.max_connections = 1000;
        c.header_read_timeout = Duration::from_secs(2);
    })
    .await;
    let kiosk = enroll_kiosk(&s, "paris-01", 1).await;
    let mut flood = Vec::with_capacity(FLOOD);
    for i in 0..FLOOD {
        let mut c = connect_from("127.0.0.2", s.addr).await.expect("connect");
        if i % 2 == 1 {
            // Half a request line, never finished.
            let _ = c.write_all(b"GET /v1/hea").await;
        }
        flood.push(c);
        if i % 300 == 299 {
            // While the flood goes on: health and a kiosk's call answered.
            assert_eq!(health(&s).await, 200, "health check during the flood ({i} sockets)");
        }
    }
    assert_eq!(health(&s).await, 200);
    let changes = reqwest::Client::new()
        .get(s.at("/v1/catalog/changes?since=0"))
        .bearer_auth(&kiosk.token)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("a kiosk's call during the flood");
    assert_eq!(changes.status(), 200);
    // HQ holds at most the flooder's share.
    assert!(
        s.hq.connections.open() <= PER_IP + 2,
        "{} connections open",
        s.hq.connections.open()
    );
    assert!(s.hq.connections.refused() >= (FLOOD - PER_IP) as u64);
    // Every flood socket is closed by HQ: those over the cap at once, the
    // others when the header-read timeout expires (bounded wait).
    let waits = flood
        .into_iter()
        .map(|mut c| tokio::spawn(async move { closed_by_hq(&mut c, Duration::from_secs(30)).await }));
    let mut still_open = 0;
    for w in waits {
        if !w.await.expect("a reader task") {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "sockets HQ never closed");
    assert_eq!(health(&s).await, 200, "HQ answers after the flood");
}

/// High: the overall cap holds when many addresses flood (here every
/// socket from one address with no per-address cap): HQ never holds more
/// than the cap, and answers again once the flood stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overall_connection_cap_holds_and_hq_recovers() {
    let s = start_hq_in_temp_dir(|c: &mut HqConfig| {
        c.max_connections_per_ip = 0;
        c.max_connections = 30;
        c.header_read_timeout = Duration::from_secs(30);
    })
    .await;
    let mut flood = Vec::new();
    for _ in 0..300 {
        flood.push(connect_from("127.0.0.3", s.addr).await.expect("connect"));
    }
    // Give HQ the time to accept what it will (bounded wait on the gauge).
    eventually(20, "HQ refusing the sockets over its cap", || {
        s.hq.connections.refused() >= 270
    })
    .await;
    assert!(s.hq.connections.open() <= 30, "{}", s.hq.connections.open());
    drop(flood);
    eventually(20, "HQ closing the flood's sockets", || s.hq.connections.open() == 0).await;
    assert_eq!(health(&s).await, 200);
}

/// High: a keep-alive connection left idle after its answer, and a request
/// whose body comes too slowly, are closed (the second with a JSON 408).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_and_slow_bodies_are_closed() {
    let s = start_hq_in_temp_dir(|c: &mut HqConfig| {
        c.header_read_timeout = Duration::from_secs(2);
        c.request_timeout = Duration::from_secs(2);
    })
    .await;
    let mut idle = connect_from("127.0.0.1", s.addr).await.unwrap();
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hq\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_by_hq(&mut idle, Duration::from_secs(30)).await,
        "idle keep-alive kept"
    );

    let mut slow = connect_from("127.0.0.1", s.addr).await.unwrap();
    slow.write_all(
        b"POST /v1/enroll HTTP/1.1\r\nHost: hq\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"code\":",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), slow.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/json"), "{text}");
    assert_eq!(health(&s).await, 200);
}

/// Low: HTML pages carry a Content-Security-Policy, frame-ancestors /
/// X-Frame-Options and nosniff; API answers nosniff too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cannot_be_framed_sniffed_or_injected() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let page = reqwest::get(s.at(&format!("/h/{}", uuid::Uuid::now_v7())))
        .await
        .unwrap();
    let h = page.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let api = reqwest::get(s.at("/v1/health")).await.unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}

/// API contract: a query string or a path that does not read, and a method
/// a route does not take, get a JSON error like every other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_query_strings_paths_and_methods_get_json_errors() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let c = reqwest::Client::new();
    for (method, path) in [
        ("GET", "/v1/catalog/changes?since=-1"),
        ("GET", "/v1/catalog/changes?since=abc"),
        ("GET", "/v1/coupons/%FF%FE"),
        ("DELETE", "/v1/health"),
        ("PUT", "/v1/orders"),
    ] {
        let r = c
            .request(method.parse().unwrap(), s.at(path))
            .bearer_auth(&k.token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(status.is_client_error(), "{method} {path}: {status}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("application/json"), "{method} {path}: {ct}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    }
    assert_eq!(health(&s).await, 200);
}

/// Low: a link whose fragment cannot even be decoded ends on a message in
/// the page's language, not on "Loading" for ever (in Chromium, under the
/// page's Content-Security-Policy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_link_fragment_ends_on_a_message() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let id = uuid::Uuid::now_v7();
    let dom = vitrine_testkit::chromium_dom(&s.at(&format!("/h/{id}?lang=de#%E0%A4%A"))).await;
    assert!(dom.contains("data-error=\"bad_request\""), "{dom}");
    let want = vitrine_hq::http::page::error_text("bad_request", vitrine_core::Lang::DE);
    assert!(dom.contains(&want), "{dom}");
}
