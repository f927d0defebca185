//! Shared by the kiosk's integration tests that talk to HQ: kiosks enrolled
//! for real, their sync worker, the `vitrine` binary. What does not need the
//! kiosk library (HQ on 127.0.0.1:0, the SMTP sink, Chromium, the TCP proxy
//! that cuts, delays, drops or rewrites traffic, bounded waits) is in
//! `vitrine-testkit`, shared with HQ's tests, and re-exported here.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use vitrine::sync::SyncSettings;
use vitrine::sync::backoff::Backoff;
use vitrine::sync::store::DeviceIdentity;
use vitrine_hq::admin;
pub use vitrine_testkit::*;

pub const COKE: &str = "05449000039231";
pub const BOOK: &str = "09780002314572";

/// The `vitrine` binary on the kiosk files in `data_dir`, with no
/// configuration file from the environment and quiet logs; it may reach
/// the tests' HQ over plain HTTP on loopback (`hq.transport`).
pub fn kiosk_command(data_dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"));
    c.arg("--data-dir")
        .arg(data_dir)
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .env("VITRINE__HQ__TRANSPORT", "loopback-http")
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
        transport: vitrine::config::HqTransport::LoopbackHttp,
        heartbeat: Duration::from_secs(60),
    }
}

/// Enrolls a kiosk whose files are in `kiosk_dir` with HQ at `url`.
pub async fn enroll(hq: &HqServer, url: &str, kiosk_dir: &Path, store: &str) -> DeviceIdentity {
    let (_, code) = admin::device_add(&hq.hq, store).unwrap();
    vitrine::sync::enroll(
        kiosk_dir,
        url,
        &code,
        vitrine::config::HqTransport::LoopbackHttp,
        Duration::from_secs(5),
        1_790_000_000,
    )
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
