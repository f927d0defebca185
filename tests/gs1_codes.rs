//! Issue 19 as its "done when" says, with the `vitrine` binary on a fresh
//! data dir (the seeded demo catalog): GS1 codes read by GS1's rules, a
//! forged label price refused with a sentence, a USB scanner's plain GS1
//! output and its configured separator, GS1's century rule.

use std::path::Path;
use std::process::{Command, Output};

fn vitrine(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vitrine"));
    c.arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // Tests must not pick up the developer's config or environment.
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run vitrine")
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

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.stdout.is_empty(),
        "nothing priced: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_label_price_without_a_measure_is_refused_with_a_sentence_as_element_string_and_digital_link() {
    let dir = tempfile::tempdir().unwrap();
    let en = [("VITRINE__UI__LANGUAGE", "en")];
    for code in [
        "(01)05449000039231(3922)0001",
        "https://id.gs1.org/01/05449000039231?3922=0001",
        "]d2010544900003923139220001",
    ] {
        let err = refused(&vitrine(dir.path(), &["lookup", code], &en));
        assert!(
            err.contains("(3922)")
                && err.contains("only valid beside a measure of the item")
                && err.contains("not accepted"),
            "{code}: {err}"
        );
        // In the shipped file's language (French) too.
        let err = refused(&vitrine(dir.path(), &["lookup", code], &[]));
        assert!(err.contains("n'est valable qu'à côté d'une mesure"), "{code}: {err}");
    }
    // With a measure beside it GS1's syntax holds, but the can has a fixed
    // price: the label's price is refused all the same.
    let err = refused(&vitrine(
        dir.path(),
        &["lookup", "(01)05449000039231(3103)000330(3922)0001"],
        &en,
    ));
    assert!(err.contains("this product has a fixed price"), "{err}");
    let err = refused(&vitrine(
        dir.path(),
        &["lookup", "(01)05449000039231(3103)000330(3922)0001"],
        &[("VITRINE__UI__LANGUAGE", "de")],
    ));
    assert!(err.contains("Dieses Produkt hat einen festen Preis"), "{err}");
}

#[test]
fn a_usb_scanners_plain_gs1_output_finds_the_product_with_its_lot() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "010544900003923110ABC123", "--json"],
        &[],
    ));
    assert_eq!(v["gtin14"], "05449000039231");
    assert_eq!(v["name"], "Nordic must original");
    assert_eq!(v["code"]["lot"], "ABC123");
    assert_eq!(v["code"]["form"], "gs1-element-string");
    // A scanner set to send "^" for GS: told in [scan] gs1_separator.
    let sep = [("VITRINE__SCAN__GS1_SEPARATOR", "^")];
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "010544900003923110ABC123^17751231", "--json"],
        &sep,
    ));
    assert_eq!(
        (v["code"]["lot"].as_str(), v["code"]["expiry"].as_str()),
        (Some("ABC123"), Some("2075-12-31"))
    );
    // Without the setting the "^" is part of the lot, which GS1 forbids.
    let err = refused(&vitrine(
        dir.path(),
        &["lookup", "010544900003923110ABC123^17751231"],
        &[("VITRINE__UI__LANGUAGE", "en")],
    ));
    assert!(err.contains("AI (10)") && err.contains("GS1 character set 82"), "{err}");
}

#[test]
fn a_two_digit_year_follows_gs1s_century_rule() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&vitrine(
        dir.path(),
        &["lookup", "(01)05449000039231(17)751231", "--json"],
        &[],
    ));
    assert_eq!(v["gtin14"], "05449000039231");
    assert_eq!(v["code"]["expiry"], "2075-12-31");
}

#[test]
fn the_scanner_separator_is_validated_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["a", "%", "^^"] {
        let out = vitrine(
            dir.path(),
            &["config", "check"],
            &[("VITRINE__SCAN__GS1_SEPARATOR", bad)],
        );
        assert_eq!(out.status.code(), Some(78), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("scan.gs1_separator"), "{bad}: {err}");
    }
    let out = vitrine(
        dir.path(),
        &["config", "check"],
        &[("VITRINE__SCAN__GS1_SEPARATOR", "~")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
