//! The `vitrine` binary driven as a user would, on real temporary data dirs.

use std::path::Path;
use std::process::{Command, Output};

fn vitrine(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // Tests must not pick up the developer's config or environment.
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vitrine")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn lookup_on_a_fresh_data_dir_gives_the_real_product_with_a_demo_price() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&vitrine(dir.path(), &["lookup", "5449000039231", "--json"]));
    assert_eq!(v["gtin14"], "05449000039231");
    assert_eq!(v["name"], "Nordic must original");
    assert_eq!(v["demo_price"], true);
    assert_eq!(v["price"]["currency"], "EUR");
    assert!(v["price"]["amount_minor"].as_i64().unwrap() > 0);
    assert!(v["price"]["formatted"].as_str().unwrap().ends_with(" €"));
    assert!(
        v["promotions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "demo-3-for-2")
    );
    assert!(v["stock_here"].is_i64());
    assert_eq!(v["catalog_version"], 1);
    for key in ["brand", "quantity"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn upce_and_digital_link_reach_the_same_products() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&vitrine(dir.path(), &["lookup", "04965802", "--json"]));
    assert_eq!(v["gtin14"], "00049000006582");
    assert_eq!(v["name"], "coke diet");
    let a = json(&vitrine(dir.path(), &["lookup", "5449000039231", "--json"]));
    let b = json(&vitrine(
        dir.path(),
        &[
            "lookup",
            "https://id.gs1.org/01/05449000039231/10/LOT?17=261231",
            "--json",
        ],
    ));
    assert_eq!(a["gtin14"], b["gtin14"]);
    assert_eq!(a["price"], b["price"]);
    assert_eq!(b["code"]["lot"], "LOT");
    assert_eq!(b["code"]["expiry"], "2026-12-31");
}

#[test]
fn invalid_code_exits_2_naming_the_check_digit() {
    let dir = tempfile::tempdir().unwrap();
    let out = vitrine(dir.path(), &["lookup", "5449000039232"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("check digit should be 1, not 2"), "{err}");
}

#[test]
fn unknown_product_exits_3_naming_gtin_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = vitrine(dir.path(), &["lookup", "4006381333931"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("04006381333931") && err.contains("version 1"), "{err}");
}

#[test]
fn malformed_config_exits_nonzero_naming_the_key_before_touching_data() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[ui]\nidle_timeout_s = \"soon\"\n").unwrap();
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "config",
            "check",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("ui.idle_timeout_s") && err.contains("integer"),
        "{err}"
    );
    // Same for a lookup: refused before the data dir is created.
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "lookup",
            "5449000039231",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(!data.exists(), "a bad config must not touch data");
    // From the environment, the variable is named.
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["--data-dir", data.to_str().unwrap(), "config", "check"])
        .env("VITRINE__CAMERA__FPS", "0")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("VITRINE__CAMERA__FPS") && err.contains("camera.fps"),
        "{err}"
    );
}

#[test]
fn shipped_config_checks_ok() {
    let dir = tempfile::tempdir().unwrap();
    let out = vitrine(dir.path(), &["config", "check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("configuration OK: config/kiosk.toml"));
}

#[test]
fn search_import_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let hits = json(&vitrine(dir.path(), &["search", "nordic", "must", "--json"]));
    assert_eq!(hits[0]["gtin14"], "05449000039231");

    let file = dir.path().join("extra.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"gtin":"4006381333931","gtin14":"04006381333931","name":"Stabilo pen","brand":"Stabilo"}"#,
            "\n",
            r#"{"gtin":"00002220","gtin14":"00000000002220","name":"bad check digit"}"#,
            "\n"
        ),
    )
    .unwrap();
    let rep = json(&vitrine(dir.path(), &["import", file.to_str().unwrap(), "--json"]));
    assert_eq!(rep["imported"], 1);
    assert_eq!(rep["skipped"], 1);
    assert_eq!(rep["catalog_version"], 2);
    let v = json(&vitrine(dir.path(), &["lookup", "4006381333931", "--json"]));
    assert_eq!(v["name"], "Stabilo pen");
    assert!(v["price"].is_null(), "imported without --demo-prices: no price");

    let st = json(&vitrine(dir.path(), &["status", "--json"]));
    assert_eq!(st["catalog_version"], 2);
    assert_eq!(st["products"], 2974 + 1000 + 3 + 1);

    // A damaged file: exit 2, nothing changed.
    std::fs::write(&file, "{\"gtin14\":\n").unwrap();
    let out = vitrine(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    let st = json(&vitrine(dir.path(), &["status", "--json"]));
    assert_eq!(st["catalog_version"], 2);
    let out = vitrine(dir.path(), &["import", "/nonexistent.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
}
