//! HQ's Debian package configures `vitrine-hq serve` through
//! `/etc/vitrine/hq.env` (`deploy/debian/vitrine-hq/hq.env`, the unit's
//! EnvironmentFile): every setting the server reads from the environment is
//! listed there, commented out, with its default, so that the file
//! documents them all. A new setting without its line fails here.

use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn hq_env_lists_every_setting_of_serve_with_its_default() {
    let help = Command::new(env!("CARGO_BIN_EXE_vitrine-hq"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/debian/vitrine-hq/hq.env"
    ))
    .unwrap();
    let listed: BTreeSet<&str> = file
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("VITRINE_HQ_"))
        .collect();
    // clap's help: "[env: NAME=]" and "[default: VALUE]".
    let mut missing = Vec::new();
    for line in help.split('[').filter_map(|p| p.strip_prefix("env: ")) {
        let name = line.split(['=', ']']).next().unwrap_or_default();
        if name == "VITRINE_HQ_DATA_DIR" {
            // Set by the unit itself: the packaged data folder.
            continue;
        }
        if !listed.contains(name) {
            missing.push(name.to_string());
        }
    }
    assert!(missing.is_empty(), "hq.env does not document {missing:?}");
    // The documented defaults are the server's.
    for (name, default) in [
        ("VITRINE_HQ_LISTEN", "127.0.0.1:8080"),
        ("VITRINE_HQ_RATE_PER_MINUTE", "600"),
        ("VITRINE_HQ_CARD_PREFIX", vitrine_core::loyalty::DEFAULT_CARD_PREFIX),
    ] {
        assert!(file.contains(&format!("#{name}={default}\n")), "{name}={default}");
    }
}
