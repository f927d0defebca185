//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through
//! the same checks the cargo-fuzz targets run (`fuzz/checks/<target>.rs`),
//! so the inputs that once found a bug, and the seeds, are checked on every
//! CI run without a sanitizer build. The fuzzing itself (new inputs) is
//! `scripts/fuzz.sh`.

use std::path::{Path, PathBuf};

/// The fuzz build includes the kiosk's `src/config.rs` as `config`; here it
/// is the kiosk library's.
mod config {
    pub use vitrine::config::*;
}

#[path = "../fuzz/checks/catalog_update.rs"]
mod catalog_update;
#[path = "../fuzz/checks/code_parser.rs"]
mod code_parser;
#[path = "../fuzz/checks/config.rs"]
mod config_check;
#[path = "../fuzz/checks/loyalty_token.rs"]
mod loyalty_token;

/// Runs `check` on every file of a target's corpus; returns how many.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("fuzz input {target}/{name} fails its check");
        }
    }
    files.len()
}

fn every_target() -> Vec<String> {
    let toml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml")).unwrap();
    toml.lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "vitrine-fuzz")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_fuzz_target_has_a_replayed_corpus() {
    let replayed = ["catalog_update", "code_parser", "config", "loyalty_token"];
    let mut targets = every_target();
    targets.sort();
    assert_eq!(targets, replayed, "a fuzz target without its corpus replay here");
}

#[test]
fn code_parser_corpus() {
    assert!(replay("code_parser", code_parser::check) >= 40);
}

#[test]
fn catalog_update_corpus() {
    assert!(replay("catalog_update", catalog_update::check) >= 10);
}

#[test]
fn config_corpus() {
    assert!(replay("config", config_check::check) >= 5);
}

#[test]
fn loyalty_token_corpus() {
    assert!(replay("loyalty_token", loyalty_token::check) >= 9);
}
