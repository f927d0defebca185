//! cargo-fuzz target; the check is `fuzz/checks/catalog_update.rs` (see its comment),
//! shared with `tests/fuzz_corpora.rs`, which replays the committed corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/catalog_update.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
