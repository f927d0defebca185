//! The fleet (issue 17) with a real HQ on loopback and real kiosks: the
//! heartbeat of `vitrine sync --follow` in HQ's device list and metrics, a
//! stopped kiosk flagged stale; remote settings set at HQ reaching the
//! kiosk's worker, signed, a device's over its store's.

mod common;

use std::time::Duration;

use common::*;
use vitrine::sync::client::{HqClient, HqError};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::settings::SettingScope;
use vitrine_hq::services::{fleet, settings};
use vitrine_hq::{Clock, admin};

/// Kills the child process when dropped (a failed assertion must not leave
/// a kiosk running).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_following_kiosk_is_seen_at_hq_and_flagged_stale_once_it_stops() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // HQ's clock is moved by the test: "five minutes later" without waiting.
    let clock = Clock::manual(vitrine::clock::now());
    let c2 = clock.clone();
    let hq = start_hq(hq_dir.path(), move |c| c.clock = c2).await;
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let child = Child(
        kiosk_command(k_dir.path())
            .args(["sync", "--follow"])
            .env("VITRINE__HQ__HEARTBEAT_S", "5")
            .env("VITRINE__HQ__POLL_INTERVAL_S", "3600")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let current = hq.hq.storage.current_version().unwrap();
    // Seen, with its version, its catalog (synced: no lag) and its outbox.
    let synced = |k: &fleet::KioskHealth, v: u64| k.heartbeat.as_ref().is_some_and(|h| h.catalog_version == v);
    eventually(30, "the kiosk's heartbeat with its synced catalog", || {
        fleet::fleet(&hq.hq)
            .unwrap()
            .first()
            .is_some_and(|k| synced(k, current))
    })
    .await;
    let seen = fleet::fleet(&hq.hq).unwrap().remove(0);
    let json = serde_json::to_value(&seen).unwrap();
    assert!(json["last_seen_age_s"].as_i64().unwrap() < 90, "{json}");
    assert_eq!(json["store"], "paris-01");
    assert_eq!(json["heartbeat"]["software_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["heartbeat"]["outbox_pending"], 0);
    assert_eq!(json["catalog_lag"], 0);
    // A headless sync has no screen and no camera, and says so.
    assert_eq!(json["heartbeat"]["screen"], "none");
    assert_eq!(json["heartbeat"]["camera"], "none");
    assert_eq!(json["flags"], serde_json::json!([]), "{json}");

    // A price change: the kiosk's next beat (at once: its catalog changed)
    // has the new version.
    let (v, _) = admin::price_set(&hq.hq, COKE, "3.33", Some("paris-01")).unwrap();
    eventually(30, "the heartbeat with the new catalog version", || {
        fleet::fleet(&hq.hq).unwrap().first().is_some_and(|k| synced(k, v))
    })
    .await;

    // /metrics from HQ's own machine: Prometheus text with the kiosk gauges.
    let m = reqwest::get(hq.at("/metrics")).await.unwrap();
    assert_eq!(m.status(), 200);
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{:?}",
        m.headers()
    );
    let text = m.text().await.unwrap();
    assert_eq!(
        vitrine_hq::metrics::sample(&text, "vitrine_kiosks", "state=\"ok\""),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        vitrine_hq::metrics::sample(&text, "vitrine_kiosks", "state=\"stale\""),
        Some(0.0)
    );
    assert_eq!(
        vitrine_hq::metrics::sample(&text, "vitrine_catalog_version", ""),
        Some(v as f64)
    );
    assert!(
        vitrine_hq::metrics::sample(&text, "vitrine_http_requests_total", "route=\"/v1/heartbeat\"")
            .is_some_and(|n| n >= 1.0),
        "{text}"
    );

    // The kiosk stops; six minutes pass at HQ: stale.
    drop(child);
    clock.advance(6 * 60);
    let k = fleet::fleet(&hq.hq).unwrap().remove(0);
    assert_eq!(k.flags, vec![fleet::Flag::Stale], "{k:?}");
    let text = reqwest::get(hq.at("/metrics")).await.unwrap().text().await.unwrap();
    assert_eq!(
        vitrine_hq::metrics::sample(&text, "vitrine_kiosks", "state=\"stale\""),
        Some(1.0),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_settings_reach_the_kiosk_signed_and_a_devices_beat_its_stores() {
    let (hq_dir, k_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = start_hq(hq_dir.path(), |_| {}).await;
    let ident = enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    let rt = tokio::runtime::Handle::current();
    let handle = vitrine::sync::start(&rt, k_dir.path(), settings()).unwrap();
    let mut rx = handle.status();
    let idle = |st: &vitrine::sync::SyncStatus| {
        st.remote_settings
            .iter()
            .find(|s| s.key == "ui.idle_timeout_s")
            .map(|s| (s.value.clone().unwrap_or_default(), s.scope))
    };

    // A store setting reaches the running kiosk (push stream event).
    settings::set(&hq.hq, SettingScope::Store, "paris-01", "ui.idle_timeout_s", "90").unwrap();
    wait_for_status(&mut rx, "the store's idle time", |st| {
        idle(st) == Some(("90".into(), SettingScope::Store))
    })
    .await;
    // Another store's does not.
    settings::set(&hq.hq, SettingScope::Store, "lyon-02", "ui.layout", "portrait").unwrap();
    // The kiosk's own beats its store's.
    settings::set(
        &hq.hq,
        SettingScope::Device,
        &ident.device_id,
        "ui.idle_timeout_s",
        "150",
    )
    .unwrap();
    wait_for_status(&mut rx, "the device's idle time", |st| {
        idle(st) == Some(("150".into(), SettingScope::Device))
    })
    .await;
    assert!(!rx.borrow().remote_settings.iter().any(|s| s.key == "ui.layout"));
    // Removed for the device: the store's applies again.
    settings::unset(&hq.hq, SettingScope::Device, &ident.device_id, "ui.idle_timeout_s").unwrap();
    wait_for_status(&mut rx, "the store's idle time again", |st| {
        idle(st) == Some(("90".into(), SettingScope::Store))
    })
    .await;
    // Kept across a restart of the worker (HQ away or not).
    handle.stop().await;
    let ob = vitrine::sync::Outbox::open(k_dir.path()).unwrap();
    let held = ob.remote_settings().unwrap();
    assert_eq!(held.settings.len(), 1);
    assert_eq!(held.settings[0].value.as_deref(), Some("90"));

    // An answer not signed by the HQ the kiosk enrolled with is refused.
    let other = SecretKey::from_seed([9; 32]).public();
    let forged = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5))
        .unwrap()
        .with_hq_key(other)
        .settings()
        .await;
    assert!(matches!(forged, Err(HqError::Unsigned(_))), "{forged:?}");
    // Without HQ's key nothing is read.
    let unsigned = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5))
        .unwrap()
        .settings()
        .await;
    assert!(matches!(unsigned, Err(HqError::Unsigned(_))), "{unsigned:?}");
    // An answer for another kiosk, or older than the one held, is refused.
    let good = HqClient::new(&hq.url(), &ident.token, Duration::from_secs(5))
        .unwrap()
        .with_hq_key(ident.hq_public_key)
        .settings()
        .await
        .unwrap();
    assert!(ob.save_remote_settings("dev-other", &good).is_err());
    let mut old = good.clone();
    old.version -= 1;
    assert!(ob.save_remote_settings(&ident.device_id, &old).is_err());
    assert_eq!(ob.remote_settings().unwrap(), held);
}

async fn wait_for_status(
    rx: &mut tokio::sync::watch::Receiver<vitrine::sync::SyncStatus>,
    what: &str,
    f: impl Fn(&vitrine::sync::SyncStatus) -> bool,
) {
    wait_until(rx, 30, what, f).await;
}
