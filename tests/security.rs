//! Security proofs that need real processes and files:
//!
//! - the kiosk's sync worker (`vitrine sync --follow`, the same worker the
//!   UI starts) opens no listening socket: its sockets, read from
//!   `/proc/PID/fd` and matched in `/proc/net/{tcp,tcp6,udp,udp6}`, are
//!   all outgoing connections; the same for the whole kiosk with its window
//!   on a real X server (Xvfb);
//! - a revoked kiosk is refused by HQ and says so, and keeps its queue
//!   (nothing is lost, nothing is dead-lettered for it);
//! - a shopper's phone number, email and full name stay on disk only while
//!   the message that carries them waits for HQ: once delivered, not a byte
//!   of them is left in `kiosk.sqlite` or its WAL; none ever reaches the
//!   kiosk's logs, nor do they, a loyalty card number or token, through
//!   every identification path (online and offline) and a claim on the
//!   phone page, reach the kiosk's or HQ's logs.
//!
//! The staff PIN (Argon2 hash, lockout growing and surviving a restart,
//! audit log) is proved in `src/staff.rs` and `tests/ui_journeys.rs`; the
//! screen forgetting the shopper in `tests/ui_journeys.rs`
//! (`idle_reset_wipes_everything`, `click_and_collect_…`).

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use vitrine::sync::{NewOrder, Outbox, sync_once};
use vitrine_core::wire::{Contact, HandoffLine, OrderCustomer};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::admin;

const NAME: &str = "Camille Zébulon-Paradis";
const EMAIL: &str = "camille.zebulon@example.fr";
const PHONE: &str = "+33698765432";

fn lines() -> Vec<HandoffLine> {
    vec![HandoffLine {
        gtin: Gtin::from_digits(COKE).unwrap(),
        quantity: 2,
        measure: None,
    }]
}

fn order() -> NewOrder {
    NewOrder {
        lines: lines(),
        customer: OrderCustomer {
            name: NAME.into(),
            email: Some(EMAIL.into()),
            phone: Some(PHONE.into()),
            customer_id: None,
        },
        lang: Lang::FR,
    }
}

/// Socket inodes of a process.
fn socket_inodes(pid: u32) -> HashSet<String> {
    let mut out = HashSet::new();
    if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
        for e in dir.flatten() {
            if let Ok(target) = std::fs::read_link(e.path()) {
                let t = target.to_string_lossy();
                if let Some(inode) = t.strip_prefix("socket:[").and_then(|r| r.strip_suffix(']')) {
                    out.insert(inode.to_string());
                }
            }
        }
    }
    out
}

/// `(file, local address, state, inode)` of every socket in `/proc/net/*`.
fn proc_net() -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for file in ["tcp", "tcp6", "udp", "udp6"] {
        let Ok(text) = std::fs::read_to_string(format!("/proc/net/{file}")) else {
            continue;
        };
        for l in text.lines().skip(1) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() > 9 {
                out.push((file.to_string(), f[1].to_string(), f[3].to_string(), f[9].to_string()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_listens_on_no_port() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let mut child = kiosk_command(k_dir.path())
        .args(["sync", "--follow"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    // Up and synced: the push stream is connected, the catalog pulled.
    let online = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            if v["online"] == true {
                return true;
            }
        }
        false
    });
    let online = tokio::time::timeout(Duration::from_secs(60), online).await;
    let inodes = socket_inodes(pid);
    let table = proc_net();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(matches!(online, Ok(Ok(true))), "the kiosk never came online");
    let mine: Vec<_> = table.iter().filter(|(_, _, _, inode)| inodes.contains(inode)).collect();
    assert!(!mine.is_empty(), "the kiosk's connection to HQ is seen");
    for (file, local, state, _) in &mine {
        // TCP state 0A is LISTEN; a UDP socket is bound to receive.
        assert!(
            file.starts_with("tcp") && state != "0A",
            "the kiosk has a listening socket: {file} {local} state {state}"
        );
    }
    println!("kiosk sockets: {} (all outgoing TCP, none listening)", mine.len());
}

/// Kills a child process when dropped (a failed assertion must not leave
/// an X server or a kiosk behind).
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The whole kiosk, window included (Slint on a real X server, Xvfb), with
/// its sync worker, camera pipeline and catalog threads: connected to HQ,
/// it has no listening socket either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_with_its_window_listens_on_no_port() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    // A private X display (no TCP listener of its own: -nolisten tcp).
    let display = 40 + (std::process::id() % 400);
    let xvfb = std::process::Command::new("Xvfb")
        .arg(format!(":{display}"))
        .args(["-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Xvfb (package xvfb, installed by scripts/setup-debian.sh)");
    let _xvfb = Reaped(xvfb);
    let socket = std::path::PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(socket.exists(), "Xvfb did not start");
    let child = kiosk_command(k_dir.path())
        .env("DISPLAY", format!(":{display}"))
        .env_remove("WAYLAND_DISPLAY")
        .env("VITRINE__UI__RENDERER", "software")
        .env("VITRINE__UI__FULLSCREEN", "false")
        .env("VITRINE__CAMERA__SOURCE", "none")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut kiosk = Reaped(child);
    let pid = kiosk.0.id();
    // Wait until its connection to HQ (the push stream) is established.
    let mut mine = Vec::new();
    for _ in 0..600 {
        if let Ok(Some(status)) = kiosk.0.try_wait() {
            panic!("the kiosk stopped: {status}");
        }
        let inodes = socket_inodes(pid);
        mine = proc_net()
            .into_iter()
            .filter(|(_, _, _, inode)| inodes.contains(inode))
            .collect();
        // TCP state 01 is ESTABLISHED.
        if mine.iter().any(|(f, _, st, _)| f.starts_with("tcp") && st == "01") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        mine.iter().any(|(f, _, st, _)| f.starts_with("tcp") && st == "01"),
        "the kiosk's connection to HQ is seen"
    );
    // Let the window and every thread settle, then look again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(kiosk.0.try_wait().unwrap().is_none(), "the kiosk is running");
    let inodes = socket_inodes(pid);
    let mine: Vec<_> = proc_net()
        .into_iter()
        .filter(|(_, _, _, inode)| inodes.contains(inode))
        .collect();
    for (file, local, state, _) in &mine {
        assert!(
            file.starts_with("tcp") && state != "0A",
            "the kiosk has a listening socket: {file} {local} state {state}"
        );
    }
    println!(
        "kiosk with its window: {} TCP sockets, all outgoing, none listening",
        mine.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_kiosk_is_refused_and_keeps_its_queue() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    sync_once(k_dir.path(), settings()).await.unwrap();
    admin::device_revoke(hq.hq.storage.as_ref(), &ident.device_id).unwrap();
    let ob = Outbox::open(k_dir.path()).unwrap();
    let q = ob.queue_order(order()).unwrap();
    let (v, _) = admin::price_set(&hq.hq, COKE, "9.99", Some("paris-01")).unwrap();
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    let err = st.last_error.clone().unwrap_or_default();
    assert!(err.contains("401") && err.contains("enroll"), "{st:?}");
    assert!(st.catalog_version < v, "no catalog for a revoked kiosk");
    assert_eq!((st.outbox_pending, st.outbox_dead), (1, 0), "the order waits");
    assert!(hq.hq.storage.order(&q.id).unwrap().is_none());
}

/// Low: enrollment cannot be intercepted. The code carries the
/// fingerprint of HQ's key; a server that answers in HQ's place (here a
/// second HQ, with its own key, that accepts the code) is refused by the
/// kiosk, which saves nothing. The code's real HQ then enrolls it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_the_codes_key_cannot_enroll_the_kiosk() {
    let (real_dir, fake_dir, k_dir) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let real = start_hq(real_dir.path(), |_| {}).await;
    let fake = start_hq(fake_dir.path(), |_| {}).await;
    let (_, real_code) = admin::device_add(&real.hq, "paris-01").unwrap();
    let (_, fake_code) = admin::device_add(&fake.hq, "paris-01").unwrap();
    // What the man in the middle accepts, with the real HQ's fingerprint
    // (the code the store's staff typed came from the real HQ).
    let intercepted = format!(
        "{}{}",
        &fake_code.replace('-', "")[..16],
        &real_code.replace('-', "")[16..]
    );
    let err = vitrine::sync::enroll(
        k_dir.path(),
        &fake.url(),
        &intercepted,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(5),
        1_790_000_000,
    )
    .await
    .expect_err("the kiosk refuses a key that does not match the code");
    assert!(err.to_string().contains("fingerprint"), "{err}");
    assert!(
        Outbox::open(k_dir.path()).unwrap().identity().unwrap().is_none(),
        "nothing saved"
    );
    // A code without a fingerprint (an older HQ's, or cut short) is refused before any request.
    let short = &real_code.replace('-', "")[..16];
    let err = vitrine::sync::enroll(
        k_dir.path(),
        &real.url(),
        short,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(5),
        1,
    )
    .await
    .expect_err("no fingerprint");
    assert!(err.to_string().contains("fingerprint"), "{err}");
    let ident = vitrine::sync::enroll(
        k_dir.path(),
        &real.url(),
        &real_code,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(5),
        1,
    )
    .await
    .expect("the real HQ enrolls it");
    assert_eq!(ident.store, "paris-01");
}

/// Low: the kiosk talks to HQ over HTTPS only. Plain http:// to another
/// machine is refused before any request (even with `loopback-http`);
/// http:// to this machine only with `loopback-http`; and a kiosk enrolled
/// that way stops syncing over plain HTTP once the setting says `https`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_hq_is_refused_except_on_loopback_when_told() {
    use vitrine::config::HqTransport::{Https, LoopbackHttp};
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let (_, code) = admin::device_add(&hq.hq, "paris-01").unwrap();
    for (url, transport) in [
        ("http://192.0.2.10:8080", LoopbackHttp),
        ("http://hq.example.com", LoopbackHttp),
        ("http://127.0.0.1.example.com:8080", LoopbackHttp),
        ("http://localhost@192.0.2.10", LoopbackHttp),
        (hq.url().as_str(), Https),
        ("ftp://127.0.0.1", LoopbackHttp),
    ] {
        let err = vitrine::sync::enroll(k_dir.path(), url, &code, transport, Duration::from_secs(5), 1)
            .await
            .expect_err(url);
        assert!(err.to_string().contains("https://"), "{url}: {err}");
    }
    assert!(Outbox::open(k_dir.path()).unwrap().identity().unwrap().is_none());
    // The code was not spent by the refusals: the loopback HQ enrolls with it.
    vitrine::sync::enroll(k_dir.path(), &hq.url(), &code, LoopbackHttp, Duration::from_secs(5), 1)
        .await
        .expect("loopback HTTP when told");
    assert!(sync_once(k_dir.path(), settings()).await.unwrap().last_error.is_none());
    let https_only = vitrine::sync::SyncSettings {
        transport: Https,
        ..settings()
    };
    let refused = match sync_once(k_dir.path(), https_only).await {
        Ok(st) => st.last_error.unwrap_or_default(),
        Err(e) => e.to_string(),
    };
    assert!(refused.contains("https://"), "{refused}");
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every file of the kiosk's database (main file, WAL, shared memory), as bytes.
fn kiosk_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for f in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm"] {
        if let Ok(b) = std::fs::read(dir.join(f)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_details_leave_the_disk_once_delivered_and_never_reach_the_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("vitrine=trace,vitrine_hq=trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_global_default(subscriber);

    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let ob = Outbox::open(k_dir.path()).unwrap();
    // While HQ has not taken them, the messages carry the contact details.
    let o = ob.queue_order(order()).unwrap();
    let h = ob
        .queue_handoff(
            &lines(),
            Some(Contact {
                email: Some(EMAIL.into()),
                phone: Some(PHONE.into()),
            }),
            None,
        )
        .unwrap();
    let before = kiosk_bytes(k_dir.path());
    assert!(contains(&before, EMAIL) && contains(&before, PHONE) && contains(&before, NAME));

    // Delivered: not a byte of them is left, in the tables, the free pages
    // or the WAL.
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!((st.outbox_pending, st.outbox_dead), (0, 0), "{st:?}");
    assert!(hq.hq.storage.order(&o.id).unwrap().is_some());
    assert!(hq.hq.storage.handoff(&h.id).unwrap().is_some());
    // Read while the kiosk still has the database open: closing the last
    // connection checkpoints the WAL anyway, so only this proves the purge.
    let after = kiosk_bytes(k_dir.path());
    drop(ob);
    for pii in [EMAIL, PHONE, NAME, "698765432", "camille.zebulon"] {
        assert!(
            !contains(&after, pii),
            "{pii:?} is still in kiosk.sqlite after delivery"
        );
    }

    // The identification paths: a customer added at HQ with these contact
    // details and a card, then recognised at the kiosk by email, phone,
    // card and the app's QR code (online), by card and QR code offline; a
    // basket claimed on the phone page with an email.
    let card = vitrine_core::loyalty::card_number("0450", 777);
    let id = vitrine_hq::customers::add(
        &hq.hq,
        &vitrine_hq::customers::NewCustomer {
            first_name: "Camille".into(),
            email: Some(EMAIL.into()),
            phone: Some(PHONE.into()),
            card: Some(card.clone()),
            tier: Some(vitrine_core::pricing::Tier::Gold),
            consent: true,
        },
    )
    .unwrap();
    let token = vitrine_hq::customers::issue_token(&hq.hq, &id).unwrap();
    let ob = Outbox::open(k_dir.path()).unwrap();
    let t = Duration::from_secs(3);
    for presented in [EMAIL, PHONE, "06 98 76 54 32", card.as_str(), token.as_str()] {
        let who = vitrine::customer::identify(&ob, presented, vitrine::clock::now(), t)
            .await
            .unwrap();
        assert_eq!(who.customer.first_name, "Camille");
    }
    let h = ob.queue_handoff(&lines(), None, None).unwrap();
    let st = sync_once(k_dir.path(), settings()).await.unwrap();
    assert_eq!(st.outbox_pending, 0, "{st:?}");
    let resp = reqwest::Client::new()
        .post(format!("{}/h/{}/claim", hq.url(), h.id))
        .form(&[("email", EMAIL), ("phone", PHONE), ("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{resp:?}");
    let mut hq = hq;
    hq.stop().await;
    for presented in [card.as_str(), token.as_str()] {
        let who = vitrine::customer::identify(&ob, presented, vitrine::clock::now(), t)
            .await
            .unwrap();
        assert_eq!(who.customer.first_name, "Camille");
    }
    assert!(
        vitrine::customer::identify(&ob, EMAIL, vitrine::clock::now(), t)
            .await
            .is_err()
    );
    let card_digits = card.trim_start_matches('0').to_string();

    // The card held up to the camera: the scan pipeline logs each scan, and
    // a card is a company-internal number it must not log in full.
    let frames = tempfile::tempdir().unwrap();
    let ean = &card[card.len() - 13..];
    let bc = zxingcpp::create(zxingcpp::BarcodeFormat::EAN13).from_str(ean).unwrap();
    let img = bc.to_image_with(&zxingcpp::write().scale(4)).unwrap();
    let (w, h) = (img.width() as u32, img.height() as u32);
    let mut page = image::GrayImage::from_pixel(w + 120, h + 120, image::Luma([255]));
    image::imageops::replace(
        &mut page,
        &image::GrayImage::from_raw(w, h, img.data()).unwrap(),
        60,
        60,
    );
    for i in 0..4 {
        page.save(frames.path().join(format!("{i}.png"))).unwrap();
    }
    let pipeline = vitrine::scan::pipeline::ScanPipeline::start(
        Box::new(vitrine::camera::replay::ReplaySource::from_dir(frames.path(), 30)),
        vitrine::scan::pipeline::PipelineSettings::default(),
    );
    let ev = pipeline
        .events()
        .recv_timeout(Duration::from_secs(20))
        .expect("the card is read by the camera pipeline");
    match &ev.result {
        Ok(vitrine_core::code::Scanned::Product(p)) => assert!(p.gtin.as_gtin14().ends_with(ean)),
        other => panic!("{other:?}"),
    }
    drop(pipeline);

    // Nor in anything the kiosk (or HQ) logged at any level.
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.contains("delivered to HQ"), "the logs were captured: {text}");
    assert!(
        text.contains("identification asked"),
        "the identify path was logged: {text}"
    );
    assert!(text.contains("customer added"), "HQ's customer path was logged: {text}");
    assert!(
        text.contains("company-internal number"),
        "the card scan was logged: {text}"
    );
    for pii in [
        EMAIL,
        PHONE,
        NAME,
        "698765432",
        "Zébulon",
        "06 98 76 54 32",
        &card_digits,
        &token[5..40],
    ] {
        assert!(!text.contains(pii), "{pii:?} in the logs:\n{text}");
    }
}
