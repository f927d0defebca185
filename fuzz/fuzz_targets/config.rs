//! cargo-fuzz target; the check is `fuzz/checks/config.rs` (see its
//! comment), shared with `tests/fuzz_corpora.rs`, which replays the
//! committed corpus. The loader is the kiosk's own `src/config.rs`,
//! included here so that the fuzz build does not pull the kiosk's UI and
//! camera stack (only its key map, `src/speech/keys.rs`, and Slint's key
//! names without a backend).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/config.rs"]
mod config;

// The key map the accessibility section is checked against, as
// `crate::speech::keys` (the path config.rs names it by).
#[allow(dead_code)]
#[path = "../../src/speech/keys.rs"]
pub(crate) mod speech_keys;
mod speech {
    pub(crate) use super::speech_keys as keys;
}

#[path = "../checks/config.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
