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
    // Errors are in the configured language: French in the shipped file.
    let out = vitrine(dir.path(), &["lookup", "5449000039232"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("la clé de contrôle devrait être 1, pas 2"), "{err}");
    let out = vitrine_env(
        dir.path(),
        &["lookup", "5449000039232"],
        ("VITRINE__UI__LANGUAGE", "en"),
    );
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
    assert!(String::from_utf8_lossy(&out.stdout).contains("configuration valide : config/kiosk.toml"));
    let out = vitrine_env(dir.path(), &["config", "check"], ("VITRINE__UI__LANGUAGE", "en"));
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

#[test]
fn gs1_label_price_is_what_the_shopper_pays() {
    let dir = tempfile::tempdir().unwrap();
    let plain = json(&vitrine(dir.path(), &["lookup", "5449000039231", "--json"]));
    // Issue 19: a label price is charged only on a variable-measure item.
    // Before it, this priced the fixed-price can at the label's 12.34; now
    // the label is refused (exit 2, see tests/gs1_codes.rs). The demo Comté
    // (sold by the kg, 13.99 € a kg) carries the label instead.
    let out = vitrine(dir.path(), &["lookup", "(01)05449000039231(3103)000750(3922)1234"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let unit = 1399;
    // AI 3103 (net weight, kg with 3 decimals) and 3922 (price, 2 decimals).
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "(01)02500100000002(3103)000750(3922)1234", "--json"],
    ));
    assert_eq!(v["gtin14"], "02500100000002");
    assert_eq!(v["price"]["amount_minor"], 1234);
    assert_eq!(v["price"]["currency"], "EUR");
    assert_eq!(v["unit_price"]["amount_minor"], unit);
    assert_eq!(v["code"]["net_weight_g"], 750);
    assert_eq!(v["code"]["label_price"]["amount_minor"], 1234);
    assert_eq!(v["code"]["label_price"]["currency"], "EUR");
    // The same in text.
    let out = vitrine(dir.path(), &["lookup", "(01)02500100000002(3103)000750(3922)1234"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(field(&text, "prix").is_some_and(|p| p.starts_with("12,34 €")), "{text}");
    assert_eq!(field(&text, "poids net"), Some("750 g"), "{text}");
    assert_eq!(field(&text, "prix étiquette"), Some("12,34 €"), "{text}");
    assert!(field(&text, "prix unitaire").is_some(), "{text}");

    // A label price in another currency (AI 393n, USD) is shown, not
    // charged: the weight prices the pack (0.750 kg at 13.99 = 10.49).
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "(01)02500100000002(3103)000750(3932)8401234", "--json"],
    ));
    assert_eq!(v["price"]["amount_minor"], 1049);
    assert_eq!(v["code"]["label_price"]["currency"], "USD");
    assert_eq!(v["code"]["label_price"]["amount_minor"], 1234);

    // A plain code has neither.
    assert!(plain["code"]["net_weight_g"].is_null());
    assert!(plain["code"]["label_price"].is_null());
    assert!(plain["unit_price"].is_null());
}

#[test]
fn gs1_net_weight_of_an_item_sold_by_weight_prices_it() {
    let dir = tempfile::tempdir().unwrap();
    // The demo Comté (13,99 € per kg) under its own GTIN, 1.500 kg (AI 3103).
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "(01)02500100000002(3103)001500", "--json"],
    ));
    assert_eq!(v["sold_by"], "kg");
    assert_eq!(v["unit_price"]["amount_minor"], 1399);
    // 1.5 × 13.99 = 20.985, rounded half away from zero.
    assert_eq!(v["price"]["amount_minor"], 2099);
    assert_eq!(v["code"]["net_weight_g"], 1500);
    assert!(v["code"]["label_price"].is_null());
    // With a price on the label too, the label's price wins.
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "(01)02500100000002(3103)001500(3922)1999", "--json"],
    ));
    assert_eq!(v["price"]["amount_minor"], 1999);
}

#[test]
fn weighed_item_label_prices_its_weight_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    // 25 00100 07500 0: 7,500 g of the demo Comté at 13,99 € per kg.
    let v = json(&vitrine(dir.path(), &["lookup", "2500100075000", "--json"]));
    assert_eq!(v["gtin14"], "02500100000002");
    assert_eq!(v["unit_price"]["amount_minor"], 1399);
    // 7.5 × 13.99 = 104.925, rounded half away from zero.
    assert_eq!(v["price"]["amount_minor"], 10493);
    assert_eq!(v["code"]["variable_measure"]["embedded"]["kind"], "weight");
    assert_eq!(v["code"]["variable_measure"]["embedded"]["grams"], 7500);
    assert_eq!(v["code"]["variable_measure"]["label"], "2500100075000");
    assert_eq!(v["code"]["net_weight_g"], 7500);
}

/// Runs vitrine with one environment variable set.
fn vitrine_env(data_dir: &Path, args: &[&str], var: (&str, &str)) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .env(var.0, var.1)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vitrine")
}

/// The value of a `  label          value` line of `vitrine lookup`'s text.
fn field<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let l = l.strip_prefix("  ")?;
        let split = l.char_indices().nth(15).map(|(i, _)| i)?;
        (l[..split].trim_end() == label).then(|| l[split..].trim())
    })
}

fn text(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn text_output_speaks_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    // The shipped configuration says language = "fr".
    let fr = text(&vitrine(dir.path(), &["lookup", "5449000039231"]));
    for label in ["prix", "stock ici", "promotion", "catalogue"] {
        assert!(field(&fr, label).is_some(), "{label:?} missing from:\n{fr}");
    }
    assert!(fr.contains("(prix de démonstration, pas un vrai prix)"), "{fr}");
    assert!(fr.contains("3 pour le prix de 2"), "{fr}");
    assert_eq!(field(&fr, "catalogue"), Some("version 1"));
    for english in ["price", "stock here", "brand", "catalog ", "shipping", " days"] {
        assert!(!fr.contains(english), "{english:?} in the French text:\n{fr}");
    }
    let en = text(&vitrine_env(
        dir.path(),
        &["lookup", "5449000039231"],
        ("VITRINE__UI__LANGUAGE", "en"),
    ));
    for label in ["price", "stock here", "promotion", "catalog"] {
        assert!(field(&en, label).is_some(), "{label:?} missing from:\n{en}");
    }
    assert!(en.contains("(demo price, not a real price)"), "{en}");
    assert!(en.contains("3 for the price of 2"), "{en}");
    assert_eq!(field(&en, "catalog"), Some("version 1"));
    for french in ["prix", "stock ici", "marque", "livraison", "jours"] {
        assert!(!en.contains(french), "{french:?} in the English text:\n{en}");
    }

    let st = text(&vitrine(dir.path(), &["status"]));
    assert!(st.contains("version du catalogue") && st.contains("non enrôlé"), "{st}");
    assert!(!st.contains("catalog version") && !st.contains("not enrolled"), "{st}");
    let st = text(&vitrine_env(dir.path(), &["status"], ("VITRINE__UI__LANGUAGE", "en")));
    assert!(st.contains("catalog version") && st.contains("not enrolled"), "{st}");
    let none = text(&vitrine(dir.path(), &["search", "zzzqqqxxx"]));
    assert!(none.contains("aucun produit ne correspond"), "{none}");
}

/// `vitrine --config FILE --data-dir DIR staff set-pin`, `input` on stdin.
fn set_pin(config: &Path, data_dir: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["staff", "set-pin"])
        .env("VITRINE_LOG", "warn")
        .env_remove("VITRINE__STAFF__PIN_HASH")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run vitrine");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_set_pin_stores_an_argon2_hash_the_staff_check_accepts() {
    use vitrine::staff::{PinCheck, StaffGate};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml"), &config).unwrap();
    let data = dir.path().join("data");
    let shipped = std::fs::read_to_string(&config).unwrap();

    // Refused: too short, not digits, trivial, the factory PIN, a mismatch.
    for bad in ["12\n", "12a45\n", "1111\n", "2468\n", "97315\n97316\n", ""] {
        let out = set_pin(&config, &data, bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&config).unwrap(),
            shipped,
            "{bad:?} changed the file"
        );
    }
    // The PIN is never an argument.
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--config")
        .arg(&config)
        .args(["staff", "set-pin", "97315"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), shipped);

    let out = set_pin(&config, &data, "97315\n97315\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("97315"), "{stdout}");
    let cfg = vitrine::config::load(Some(&config), Vec::new()).unwrap();
    assert!(
        cfg.config.staff.pin_hash.starts_with("$argon2id$"),
        "{}",
        cfg.config.staff.pin_hash
    );
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(!written.contains("97315"));
    assert!(written.contains("# Argon2 hash of the staff PIN"), "comments kept");
    // The staff check: the new PIN opens, the factory PIN no longer does.
    let mut gate = StaffGate::open(&data, &cfg.config.staff);
    assert_eq!(gate.check("2468", 1000).unwrap(), PinCheck::Wrong { attempts_left: 4 });
    assert_eq!(
        gate.check("97315", 1001).unwrap(),
        PinCheck::Granted { default_pin: false }
    );
    let audit = std::fs::read_to_string(data.join("staff-audit.jsonl")).unwrap();
    assert!(audit.contains("pin_set_cli") && !audit.contains("97315"), "{audit}");

    // One line on stdin is enough; the hash changes (new salt) and the old PIN is refused.
    let out = set_pin(&config, &data, "86420\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cfg2 = vitrine::config::load(Some(&config), Vec::new()).unwrap();
    assert_ne!(cfg2.config.staff.pin_hash, cfg.config.staff.pin_hash);
    let mut gate = StaffGate::open(&data, &cfg2.config.staff);
    assert_eq!(gate.check("97315", 1002).unwrap(), PinCheck::Wrong { attempts_left: 4 });
    assert_eq!(
        gate.check("86420", 1003).unwrap(),
        PinCheck::Granted { default_pin: false }
    );
}

/// `3,09 €`: an amount as German writes it.
fn german_euros(minor: i64) -> String {
    format!("{},{:02} €", minor / 100, minor % 100)
}

#[test]
fn german_text_output_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let de = ("VITRINE__UI__LANGUAGE", "de");
    let v = json(&vitrine(dir.path(), &["lookup", "5449000039231", "--json"]));
    let price = v["price"]["amount_minor"].as_i64().unwrap();
    let stock = v["stock_here"].as_i64().unwrap();
    let level = match v["stock_level_here"].as_str().unwrap() {
        "in_stock" => "Vorrätig",
        "low" => "Geringer Bestand",
        other => panic!("stock level {other} in the demo data"),
    };

    let page = text(&vitrine_env(dir.path(), &["lookup", "5449000039231"], de));
    assert_eq!(page.lines().next(), Some("Nordic must original"), "{page}");
    assert_eq!(
        field(&page, "Preis"),
        Some(format!("{} (Demo-Preis, kein echter Preis)", german_euros(price)).as_str()),
        "{page}"
    );
    assert_eq!(
        field(&page, "Bestand hier"),
        Some(format!("{stock} ({level})").as_str()),
        "{page}"
    );
    assert_eq!(field(&page, "Katalog"), Some("Version 1"), "{page}");
    assert!(page.contains("3 zum Preis von 2"), "{page}");
    for other in ["prix", "price", "stock ici", "stock here", "catalog"] {
        assert!(!page.contains(other), "{other:?} in the German text:\n{page}");
    }

    // A label's weight and price, with German amounts (on the demo's
    // weighed Comté: since issue 19 a label price is refused on the can).
    let page = text(&vitrine_env(
        dir.path(),
        &["lookup", "(01)02500100000002(3103)000750(3922)1234"],
        de,
    ));
    assert_eq!(field(&page, "Nettogewicht"), Some("750 g"), "{page}");
    assert_eq!(field(&page, "Etikettenpreis"), Some("12,34 €"), "{page}");
    assert_eq!(field(&page, "Grundpreis"), Some("13,99 € pro kg"), "{page}");

    // A wrong check digit: exit 2, in German.
    let out = vitrine_env(dir.path(), &["lookup", "5449000039232"], de);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("vitrine: Ungültiger Code „5449000039232“: Die Prüfziffer müsste 1 sein, nicht 2"),
        "{err}"
    );
    // An unknown product: exit 3, naming the GTIN-14 and the version.
    let out = vitrine_env(dir.path(), &["lookup", "4006381333931"], de);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Kein Produkt mit der GTIN 04006381333931 im Katalog (Version 1)"),
        "{err}"
    );
    // A file that is not there: exit 2.
    let out = vitrine_env(dir.path(), &["import", "/nonexistent.jsonl"], de);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent.jsonl kann nicht gelesen werden"), "{err}");

    let st = text(&vitrine_env(dir.path(), &["status"], de));
    assert!(
        st.contains("Katalogversion") && st.contains("nicht registriert"),
        "{st}"
    );
    let none = text(&vitrine_env(dir.path(), &["search", "zzzqqqxxx"], de));
    assert_eq!(none.trim(), "Kein Produkt passt zu „zzzqqqxxx“");
}
