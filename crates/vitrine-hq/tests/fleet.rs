//! The fleet at HQ (issue 17): heartbeats over the real API, `vitrine-hq
//! device list --json` and `settings`, the fleet page behind the staff
//! login, `/metrics` and who may read it, the example alert rules.

use std::path::Path;

use serde_json::{Value, json};
use vitrine_hq::metrics::{MetricsToken, sample};
use vitrine_testkit::{enroll_kiosk, run_hq, staff_session, start_hq_at, stdout_ok};

fn beat(catalog_version: u64, camera: &str, dead: u64) -> Value {
    json!({
        "software_version": "0.1.0",
        "catalog_version": catalog_version,
        "outbox_pending": 3,
        "outbox_dead": dead,
        "last_sync": 1_700_000_000,
        "last_scan": null,
        "camera": camera,
        "decode_fps": if camera == "ok" { Some(14) } else { None },
        "disk_free_bytes": 1_000_000_000u64,
        "uptime_s": 60,
        "screen": "on",
        "audio_device": true
    })
}

async fn post_beat(url: &str, token: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}/v1/heartbeat"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_make_the_device_list_the_fleet_page_and_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_hq_at(dir.path(), "127.0.0.1:0", |_| {}).await;
    // Catalog version 4: a kiosk at 1 is behind (more than 2 versions).
    for i in 0..4 {
        vitrine_testkit::commit_products(&s.hq, &[("05449000000996", &format!("Nordic {i}"))], Vec::new());
    }
    let good = enroll_kiosk(&s, "paris-01", 1).await;
    let bad = enroll_kiosk(&s, "lyon-02", 2).await;
    let silent = enroll_kiosk(&s, "lyon-02", 3).await;
    let r = post_beat(&s.url(), &good.token, &beat(4, "ok", 0)).await;
    assert_eq!(r.status(), 200);
    // Signed like every /v1 answer.
    assert!(r.headers().contains_key("vitrine-signature"));
    let ack: Value = r.json().await.unwrap();
    assert_eq!(ack["settings_version"], 0);
    assert_eq!(post_beat(&s.url(), &bad.token, &beat(1, "down", 2)).await.status(), 200);

    // What no kiosk sends is refused, and nothing is recorded.
    let mut wrong = beat(4, "ok", 0);
    wrong["software_version"] = json!("1.0\u{1b}[2J");
    assert_eq!(post_beat(&s.url(), &silent.token, &wrong).await.status(), 422);
    let mut extra = beat(4, "ok", 0);
    extra["password"] = json!("x");
    assert_eq!(post_beat(&s.url(), &silent.token, &extra).await.status(), 400);
    let mut big = beat(4, "ok", 0);
    big["software_version"] = json!("v".repeat(5000));
    assert_eq!(post_beat(&s.url(), &silent.token, &big).await.status(), 413);
    assert_eq!(
        post_beat(&s.url(), "not-a-token", &beat(4, "ok", 0)).await.status(),
        401
    );

    // The command line: every kiosk with its health and flags.
    let out = stdout_ok(&run_hq(
        env!("CARGO_BIN_EXE_vitrine-hq"),
        dir.path(),
        &["device", "list", "--json"],
    ));
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let find = |id: &str| list.iter().find(|k| k["id"] == id).cloned().unwrap();
    let g = find(&good.id);
    assert_eq!(g["flags"], json!([]), "{g}");
    assert_eq!(g["heartbeat"]["outbox_pending"], 3);
    assert_eq!(g["catalog_lag"], 0);
    assert!(g["last_seen_age_s"].as_i64().unwrap() < 90);
    assert_eq!(find(&bad.id)["flags"], json!(["behind", "queuing", "blind"]));
    assert_eq!(find(&silent.id)["flags"], json!(["stale"]));
    assert!(find(&silent.id)["last_seen"].is_null());
    // The text form says the same.
    let text = stdout_ok(&run_hq(
        env!("CARGO_BIN_EXE_vitrine-hq"),
        dir.path(),
        &["device", "list"],
    ));
    assert!(
        text.contains("[behind,queuing,blind]") && text.contains("[stale]"),
        "{text}"
    );

    // The fleet page: behind the staff login, filtered without a script,
    // refreshed by the browser, in the asked language.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(s.at("/staff/fleet"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 303);
    let it = staff_session(&s, "it-team", None).await;
    let page = it.get("/staff/fleet?lang=en&state=blind").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["refresh"], "30");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("data-kiosk=\"{}\"", bad.id)), "{html}");
    assert!(!html.contains(&format!("data-kiosk=\"{}\"", good.id)), "{html}");
    assert!(html.contains("blind (camera down)") && html.contains("<option value=\"blind\" selected>"));
    let de = it
        .get("/staff/fleet?lang=de&store=paris-01")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        de.contains("Kioskflotte") && de.contains(&format!("data-kiosk=\"{}\"", good.id)),
        "{de}"
    );
    assert!(!de.contains(&format!("data-kiosk=\"{}\"", bad.id)));
    let fr = it
        .get("/staff/fleet?lang=fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fr.contains("Parc des bornes") && fr.contains("aveugle"), "{fr}");
    // A store's account sees its own store's kiosks only.
    let paris = staff_session(&s, "camille", Some("paris-01")).await;
    let mine = paris
        .get("/staff/fleet?lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains(&good.id) && !mine.contains(&bad.id), "{mine}");

    // /metrics from loopback (no token configured).
    let m = reqwest::get(s.at("/metrics")).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&m, "vitrine_kiosks", "state=\"stale\""), Some(1.0), "{m}");
    assert_eq!(sample(&m, "vitrine_kiosks", "state=\"blind\""), Some(1.0));
    assert_eq!(sample(&m, "vitrine_kiosks", "state=\"ok\""), Some(1.0));
    assert_eq!(sample(&m, "vitrine_outbox_pending", "store=\"lyon-02\""), Some(3.0));
    assert_eq!(sample(&m, "vitrine_catalog_version", ""), Some(4.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_refused_without_the_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_hq_at(dir.path(), "127.0.0.1:0", |c| {
        c.metrics_token = Some(MetricsToken("a-long-scrape-token-1234".into()));
    })
    .await;
    let c = reqwest::Client::new();
    let none = c.get(s.at("/metrics")).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong = c
        .get(s.at("/metrics"))
        .bearer_auth("a-long-scrape-token-1235")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let ok = c
        .get(s.at("/metrics"))
        .bearer_auth("a-long-scrape-token-1234")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let text = ok.text().await.unwrap();
    // The refusals were counted too, under their route.
    assert_eq!(
        sample(&text, "vitrine_http_requests_total", "status=\"401\""),
        Some(2.0),
        "{text}"
    );
}

#[test]
fn remote_settings_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let hq = |args: &[&str]| run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), dir.path(), args);
    let out = stdout_ok(&hq(&[
        "settings",
        "set",
        "--store",
        "paris-01",
        "ui.idle_timeout_s",
        "90",
    ]));
    assert!(out.contains("version 1"), "{out}");
    let bad = hq(&["settings", "set", "--store", "paris-01", "ui.idle_timeout_s", "5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("10 to 3600"));
    let pin = hq(&["settings", "set", "--store", "paris-01", "staff.pin_hash", "1234"]);
    assert_eq!(pin.status.code(), Some(2), "a PIN is never sent, only its hash");
    let unknown = hq(&["settings", "set", "--device", "dev-nope", "ui.layout", "portrait"]);
    assert_eq!(unknown.status.code(), Some(2));
    stdout_ok(&hq(&[
        "settings",
        "set",
        "--store",
        "paris-01",
        "ui.layout",
        "portrait",
    ]));
    stdout_ok(&hq(&["settings", "unset", "--store", "paris-01", "ui.layout"]));
    let list: Vec<Value> = serde_json::from_str(&stdout_ok(&hq(&["settings", "list", "--json"]))).unwrap();
    assert_eq!(list.len(), 2);
    let layout = list.iter().find(|r| r["key"] == "ui.layout").unwrap();
    assert!(layout["value"].is_null() && layout["version"] == 3, "{layout}");
    let text = stdout_ok(&hq(&["settings", "list"]));
    assert!(text.contains("store paris-01  ui.idle_timeout_s = 90"), "{text}");
}

/// `promtool check rules` (Debian's `prometheus` package, installed by
/// scripts/setup-debian.sh) accepts the shipped alert rules, and they name
/// metrics HQ serves.
#[test]
fn the_example_alert_rules_pass_promtool_and_name_served_metrics() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/prometheus/vitrine-rules.yml");
    let out = std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .expect("promtool (Debian package prometheus; run scripts/setup-debian.sh)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&rules).unwrap();
    let served = vitrine_hq::metrics::Metrics::new();
    served.observe_request("/v1/health", "GET", 200, 0.001);
    served.observe_notification("email", false);
    served.set_fleet(0, 1, &[("ok", 1)], &[("paris-01".into(), 1)]);
    let exposed = served.encode().unwrap();
    for name in [
        "vitrine_kiosks",
        "vitrine_outbox_pending",
        "vitrine_notifications_total",
        "vitrine_http_requests_total",
    ] {
        assert!(text.contains(name) && exposed.contains(name), "{name}");
    }
}
