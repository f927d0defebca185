//! cargo-fuzz target; the check is `fuzz/checks/loyalty_token.rs` (see its comment),
//! shared with `tests/fuzz_corpora.rs`, which replays the committed corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/loyalty_token.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
