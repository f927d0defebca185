//! cargo-fuzz target; the check is `fuzz/checks/config.rs` (see its
//! comment), shared with `tests/fuzz_corpora.rs`, which replays the
//! committed corpus. The loader is the kiosk's own `src/config.rs`,
//! included here so that the fuzz build does not pull the kiosk's UI and
//! camera stack.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/config.rs"]
mod config;

#[path = "../checks/config.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
