//! Fuzzes the kiosk's configuration loader on the text of a configuration
//! file, optionally followed by `VITRINE__…` variables (after a line
//! `---`, one `NAME=VALUE` a line). Nothing may panic; every refusal names
//! the file or the variable and says what was expected; an accepted
//! configuration passes its own validation again.
//!
//! The loader is the kiosk's own `src/config.rs`: the fuzz target includes
//! it as `config` (so that the fuzz build does not pull the kiosk's UI and
//! camera stack), the corpus test re-exports `vitrine::config`.
//!
//! Shared by the fuzz target and `tests/fuzz_corpora.rs`, which replays the
//! committed corpus in CI.

use std::path::Path;

use super::config;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (file, env_text) = text.split_once("\n---\n").unwrap_or((text, ""));
    let env: Vec<(String, String)> = env_text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let path = Path::new("fuzz/kiosk.toml");
    match config::load_text(Some((path, file)), env.clone()) {
        Ok(loaded) => {
            assert_eq!(loaded.file.as_deref(), Some(path));
            let _ = loaded.lang();
            let _ = loaded.currency();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("fuzz/kiosk.toml") || msg.contains("VITRINE__") || msg.contains("default"),
                "an error that names neither the file nor the variable: {msg}"
            );
        }
    }
}
