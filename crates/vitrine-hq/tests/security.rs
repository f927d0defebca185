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
    // Counted, and said to whoever watches HQ (/metrics from loopback).
    eventually(10, "the close counted", || s.hq.connections.header_timeouts() >= 1).await;
    let m = reqwest::get(s.at("/metrics")).await.unwrap().text().await.unwrap();
    let closed = vitrine_hq::metrics::sample(&m, "vitrine_connections_closed_total", "reason=\"header_timeout\"");
    assert!(closed.is_some_and(|n| n >= 1.0), "{m}");

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
    assert_eq!(h["referrer-policy"], "same-origin");
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

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Medium: HQ's database (names, contacts, staff password hashes), its WAL
/// and shared memory, and its key files are owner-only in an owner-only
/// folder from their creation; a folder an older HQ left open is closed.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hqs_files_are_owner_only_in_an_owner_only_folder() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    vitrine_hq::customers::add(
        &s.hq,
        &vitrine_hq::customers::NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille@example.com".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let dir = &s.data_dir;
    assert_eq!(mode(dir), 0o700);
    // On PostgreSQL the folder holds the keys only.
    let on_sqlite = vitrine_testkit::database_for(dir).is_none();
    let files: &[&str] = if on_sqlite {
        &[
            "hq.sqlite",
            "hq.sqlite-wal",
            "hq.sqlite-shm",
            "hq-signing.key",
            "hq-lookup.key",
        ]
    } else {
        &["hq-signing.key", "hq-lookup.key"]
    };
    for &f in files {
        assert!(dir.join(f).exists(), "{f}");
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    // Every file in the folder, whatever its name.
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(mode(&p) & 0o077, 0, "{}", p.display());
    }
    // An older HQ's open folder and files are closed when HQ opens them.
    let old = tempfile::tempdir().unwrap();
    let data = old.path().join("hq-data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("hq.sqlite"), b"").unwrap();
    std::fs::write(data.join("hq.sqlite-wal"), b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["hq.sqlite", "hq.sqlite-wal"] {
        std::fs::set_permissions(data.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    drop(vitrine_hq::Hq::open(HqConfig::new(&data)).unwrap());
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("hq.sqlite")), 0o600);
}

/// Medium: a name with a newline, NUL, an escape or a link is refused
/// before it can reach the retailer's emails (an order's name, a
/// customer's first name); nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_would_inject_text_into_emails_are_refused() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    vitrine_testkit::commit_products(&s.hq, &[("05449000039231", "Nordic must")], Vec::new());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    for name in [
        "Ana\nTo finish your order, log in at http://evil.example",
        "Ana\u{0}",
        "Ana\u{1b}[2J",
        "Visit evil.example",
    ] {
        let id = uuid::Uuid::now_v7();
        let r = reqwest::Client::new()
            .post(s.at("/v1/orders"))
            .bearer_auth(&k.token)
            .json(&serde_json::json!({
                "id": id, "store": "paris-01", "created_at": vitrine_hq::now(),
                "lines": [{"gtin": "05449000039231", "quantity": 1}],
                "customer": {"name": name, "email": "ana@example.fr"}, "lang": "en"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{name:?}");
        assert!(s.hq.storage.order(&id).unwrap().is_none());
    }
    let e = vitrine_hq::customers::add(
        &s.hq,
        &vitrine_hq::customers::NewCustomer {
            first_name: "Eve\r\nBcc: all@example.com".into(),
            ..Default::default()
        },
    );
    assert!(
        matches!(e, Err(vitrine_hq::customers::CustomerError::Invalid(_))),
        "{e:?}"
    );
    assert_eq!(health(&s).await, 200);
}

/// Low: a kiosk's name with terminal escape sequences is cleaned when it
/// enrolls, and `vitrine-hq device list` never prints one raw (a name an
/// older HQ stored is escaped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_names_cannot_drive_the_operators_terminal() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let (_, code) = vitrine_hq::admin::device_add(&s.hq, "paris-01").unwrap();
    let key = vitrine_core::sign::SecretKey::from_seed([5; 32]);
    let r = reqwest::Client::new()
        .post(s.at("/v1/enroll"))
        .json(&serde_json::json!({
            "code": code,
            "device_public_key": key.public().to_text(),
            "device_name": "\u{1b}]0;owned\u{7}kiosk-1\u{1b}[2J\u{1b}[31m"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A row as an older HQ stored it, escape sequences and all.
    let (old_id, _) = vitrine_hq::admin::device_add(&s.hq, "lyon-02").unwrap();
    vitrine_testkit::db_execute(
        &s.data_dir,
        &format!(
            "UPDATE devices SET name = {} WHERE id = {}",
            vitrine_testkit::sql_text("\u{1b}[2Jevil\u{7}"),
            vitrine_testkit::sql_text(&old_id)
        ),
    );
    let out = vitrine_testkit::run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), &s.data_dir, &["device", "list"]);
    let text = vitrine_testkit::stdout_ok(&out);
    assert!(!text.bytes().any(|b| b == 0x1b || b == 0x07), "{text:?}");
    assert!(text.contains("]0;ownedkiosk-1[2J[31m"), "{text}");
    assert!(text.contains("\\u{1b}[2Jevil\\u{7}"), "{text}");
}

/// A log writer the test reads back.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// HQ's logs in this test binary, captured once for all its tests (the
/// subscriber is process-wide; each test looks for its own secrets).
fn captured_logs() -> Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("vitrine_hq=trace")
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
    .clone()
}

/// An SMTP relay that refuses every recipient, quoting the address back
/// (as real relays do): `550 5.1.1 <address>: Recipient address rejected`.
async fn refusing_smtp() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..20 {
            let Ok((c, _)) = l.accept().await else { return };
            tokio::spawn(async move {
                let (r, mut w) = c.into_split();
                let mut lines = tokio::io::BufReader::new(r);
                let _ = w.write_all(b"220 relay.test ESMTP\r\n").await;
                let mut line = String::new();
                for _ in 0..20 {
                    line.clear();
                    if tokio::io::AsyncBufReadExt::read_line(&mut lines, &mut line)
                        .await
                        .unwrap_or(0)
                        == 0
                    {
                        return;
                    }
                    let up = line.to_ascii_uppercase();
                    let reply = if up.starts_with("EHLO") || up.starts_with("HELO") {
                        "250 relay.test\r\n".to_string()
                    } else if up.starts_with("RCPT") {
                        let addr = line.trim().trim_start_matches("RCPT TO:").to_string();
                        format!("550 5.1.1 {addr}: Recipient address rejected\r\n")
                    } else if up.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        "250 ok\r\n".to_string()
                    };
                    let _ = w.write_all(reply.as_bytes()).await;
                }
            });
        }
    });
    addr
}

/// Low: when the SMTP relay refuses a message (quoting its recipient) or
/// the SMS webhook cannot be reached (its URL carries its key), neither the
/// address, the number nor the key reaches HQ's log or the queue's stored
/// error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_and_webhook_failures_leave_no_secret_in_logs_or_storage() {
    let logs = captured_logs();
    const EMAIL: &str = "victim.person@example.org";
    const PHONE: &str = "+33698761234";
    const KEY: &str = "S3CRETWEBHOOKKEY";
    let smtp = refusing_smtp().await;
    let s = start_hq_in_temp_dir(|c: &mut HqConfig| {
        c.smtp = Some(vitrine_hq::SmtpConfig {
            host: smtp.ip().to_string(),
            port: smtp.port(),
            from: "Shop <no-reply@example.com>".into(),
        });
        // A port nothing listens on.
        c.sms_webhook = Some(format!("http://127.0.0.1:9/sms?key={KEY}"));
    })
    .await;
    vitrine_testkit::commit_products(&s.hq, &[("05449000039231", "Nordic must")], Vec::new());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    for (email, phone) in [(Some(EMAIL), None), (None, Some(PHONE))] {
        let r = reqwest::Client::new()
            .post(s.at("/v1/orders"))
            .bearer_auth(&k.token)
            .json(&serde_json::json!({
                "id": uuid::Uuid::now_v7(), "store": "paris-01", "created_at": vitrine_hq::now(),
                "lines": [{"gtin": "05449000039231", "quantity": 1}],
                "customer": {"name": "Ana", "email": email, "phone": phone}, "lang": "en"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let errors = || -> Vec<String> {
        vitrine_testkit::db_column(
            &s.data_dir,
            "SELECT last_error FROM notifications WHERE last_error IS NOT NULL",
        )
    };
    eventually(30, "both messages failing once", || errors().len() >= 2).await;
    let stored = errors().join("\n");
    assert!(
        stored.contains("SMTP relay refused the message permanently"),
        "{stored}"
    );
    assert!(stored.contains("SMS webhook could not be reached"), "{stored}");
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(logged.contains("confirmation not sent"), "{logged}");
    for secret in [EMAIL, "victim.person", PHONE, "698761234", KEY, "127.0.0.1:9"] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
        assert!(!logged.contains(secret), "{secret} logged: {logged}");
    }
}

/// Medium: enrollment codes cannot be guessed. A code is 80 random bits
/// (plus the fingerprint of HQ's key); one host guessing gets 429 with
/// `Retry-After` after `enroll_per_minute` attempts, each refusal is logged
/// with the client's address and never the code, and meanwhile HQ answers
/// health checks and a real kiosk from another address enrolls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_enrollment_codes_is_rate_limited_and_logged() {
    let logs = captured_logs();
    let s = start_hq_in_temp_dir(|c: &mut HqConfig| c.enroll_per_minute = 10).await;
    let (_, real) = vitrine_hq::admin::device_add(&s.hq, "paris-01").unwrap();
    assert_eq!(real.replace('-', "").len(), 28, "{real}");
    let attacker = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let key = vitrine_core::sign::SecretKey::from_seed([9; 32]);
    let mut statuses = Vec::new();
    let mut guesses = Vec::new();
    for i in 0..40u32 {
        let guess = format!("GUESS{i:011}{}", &real.replace('-', "")[16..]);
        let r = attacker
            .post(s.at("/v1/enroll"))
            .json(&serde_json::json!({"code": guess, "device_public_key": key.public().to_text()}))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
        }
        statuses.push(r.status().as_u16());
        guesses.push(guess);
    }
    assert_eq!(statuses.iter().filter(|c| **c == 403).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|c| **c == 429).count(), 30, "{statuses:?}");
    assert!(statuses[10..].iter().all(|c| *c == 429), "{statuses:?}");
    // Everyone else is still served: health, and the real kiosk.
    assert_eq!(health(&s).await, 200);
    let v = vitrine_testkit::enroll_with_code(&s.url(), &real, &key).await;
    assert_eq!(v["store"], "paris-01");
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("enrollment refused") && logged.contains("127.0.0.2"),
        "{logged}"
    );
    assert!(logged.contains("rate limit reached"), "{logged}");
    for g in &guesses {
        assert!(!logged.contains(&g[..16]), "{g} logged");
    }
    assert!(!logged.contains(&real.replace('-', "")[..16]) && !logged.contains(&real[..9]));
}

/// An order of `k`'s store, accepted by HQ.
async fn an_order(s: &HqServer, k: &vitrine_testkit::EnrolledKiosk) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let r = reqwest::Client::new()
        .post(s.at("/v1/orders"))
        .bearer_auth(&k.token)
        .json(&serde_json::json!({
            "id": id, "store": k.store, "created_at": vitrine_hq::now(),
            "lines": [{"gtin": "05449000039231", "quantity": 1}],
            "customer": {"name": "Ana", "email": "ana@example.org"}, "lang": "en"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    id
}

fn status_of(s: &HqServer, id: &uuid::Uuid) -> vitrine_core::wire::OrderStatus {
    s.hq.storage.order(id).unwrap().unwrap().status
}

/// Medium: the staff pages resist cross-site requests. A POST carrying the
/// session cookie (a browser without SameSite) but no CSRF token, or the
/// right token from another site's origin, changes nothing (403); no
/// cookie at all goes to the login page; the cookie is HttpOnly and
/// SameSite=Strict; the change made from HQ's own page goes through and is
/// audited with the staff member's name (page and `staff audit`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_staff_forms_are_refused_and_changes_are_audited() {
    use vitrine_core::wire::OrderStatus;
    let s = start_hq_in_temp_dir(|_| {}).await;
    vitrine_testkit::commit_products(&s.hq, &[("05449000039231", "Nordic must")], Vec::new());
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    let id = an_order(&s, &k).await;
    let camille = vitrine_testkit::staff_session(&s, "camille", Some("paris-01")).await;
    let path = format!("/staff/paris-01/orders/{id}/status");
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = format!("vitrine_staff={}", camille.cookie);
    // No token.
    let r = raw
        .post(s.at(&path))
        .header("cookie", &cookie)
        .form(&[("status", "ready")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Another session's token would not do either: a wrong one.
    let r = raw
        .post(s.at(&path))
        .header("cookie", &cookie)
        .form(&[("status", "ready"), ("csrf", "0123456789abcdef")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The right token, from another site's page.
    for origin in ["https://evil.example", "null"] {
        let r = raw
            .post(s.at(&path))
            .header("cookie", &cookie)
            .header("origin", origin)
            .form(&[("status", "ready"), ("csrf", camille.csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{origin}");
    }
    // No session: the login page, nothing changed.
    let r = raw
        .post(s.at(&path))
        .form(&[("status", "collected")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/staff/login"));
    assert_eq!(status_of(&s, &id), OrderStatus::Received);
    assert_eq!(health(&s).await, 200);
    // The cookie's attributes.
    let r = raw
        .post(s.at("/staff/login"))
        .form(&[("name", "camille"), ("password", vitrine_testkit::STAFF_PASSWORD)])
        .send()
        .await
        .unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/staff"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
    // From HQ's own page: done, and audited with the name.
    assert_eq!(camille.advance_to("paris-01", &id, "ready").await.status(), 303);
    assert_eq!(status_of(&s, &id), OrderStatus::Ready);
    let page = camille
        .get("/staff/paris-01/orders?lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Received → Being prepared, by camille"), "{page}");
    assert!(
        page.contains("Being prepared → Ready for collection, by camille"),
        "{page}"
    );
    let out = vitrine_testkit::run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), &s.data_dir, &["staff", "audit"]);
    let text = vitrine_testkit::stdout_ok(&out);
    assert!(
        text.contains("received -> preparing  by camille")
            && text.contains("preparing -> ready  by camille")
            && text.contains(&id.to_string()),
        "{text}"
    );
    // Logged out: the session is gone at HQ, not only in the browser.
    let r = camille.post_form("/staff/logout", &[]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = camille.get("/staff/paris-01/orders").send().await.unwrap();
    assert_eq!(r.status(), 303, "the old cookie no longer works");
}

/// Medium: a store's staff act on their store only; HQ's role on all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stores_staff_cannot_act_on_another_stores_orders() {
    use vitrine_core::wire::OrderStatus;
    let s = start_hq_in_temp_dir(|_| {}).await;
    vitrine_testkit::commit_products(&s.hq, &[("05449000039231", "Nordic must")], Vec::new());
    let lyon_kiosk = enroll_kiosk(&s, "lyon-02", 2).await;
    let lyon_order = an_order(&s, &lyon_kiosk).await;
    let paris = vitrine_testkit::staff_session(&s, "paris.staff", Some("paris-01")).await;
    let r = paris.get("/staff/lyon-02/orders").send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains("Ana"));
    // Through its own store's address, the order is not found either.
    assert_eq!(paris.set_status("lyon-02", &lyon_order, "ready").await.status(), 403);
    assert_eq!(paris.set_status("paris-01", &lyon_order, "ready").await.status(), 404);
    assert_eq!(status_of(&s, &lyon_order), OrderStatus::Received);
    let hq_role = vitrine_testkit::staff_session(&s, "head.office", None).await;
    assert_eq!(hq_role.get("/staff/lyon-02/orders").send().await.unwrap().status(), 200);
    assert_eq!(
        hq_role.set_status("lyon-02", &lyon_order, "preparing").await.status(),
        303
    );
    assert_eq!(status_of(&s, &lyon_order), OrderStatus::Preparing);
}

/// Medium: 500 wrong passwords from one host: after a few, 429 with
/// `Retry-After` (per client address), the account locked (even the right
/// password from elsewhere waits), other accounts and HQ still answer, and
/// `staff passwd` lifts the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_staff_passwords_locks_out_and_hq_still_answers() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    vitrine_hq::services::staff::add(&s.hq, "victim", Some("paris-01"), vitrine_testkit::STAFF_PASSWORD).unwrap();
    let other = vitrine_testkit::staff_session(&s, "other", Some("paris-01")).await;
    let attacker = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for i in 0..500 {
        let r = attacker
            .post(s.at("/staff/login"))
            .form(&[("name", "victim"), ("password", &format!("guess-number-{i}"))])
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
        }
        *counts.entry(r.status().as_u16()).or_insert(0) += 1;
    }
    assert_eq!(counts.get(&303), None, "{counts:?}");
    assert!(counts[&429] >= 490, "{counts:?}");
    assert_eq!(health(&s).await, 200);
    // The right password, from another address: locked all the same.
    let locked = vitrine_testkit::staff_login(&s.url(), "victim", vitrine_testkit::STAFF_PASSWORD).await;
    assert_eq!(locked.err(), Some(429));
    // Another account's session goes on.
    assert_eq!(other.get("/staff/paris-01/orders").send().await.unwrap().status(), 200);
    // The operator sets a new password: the lock is lifted.
    let mut child = vitrine_testkit::hq_command(env!("CARGO_BIN_EXE_vitrine-hq"), &s.data_dir)
        .args(["staff", "passwd", "victim"])
        .env("VITRINE_HQ_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"a brand new passphrase\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        vitrine_testkit::staff_login(&s.url(), "victim", "a brand new passphrase")
            .await
            .is_ok()
    );
}
