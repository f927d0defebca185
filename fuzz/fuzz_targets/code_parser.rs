//! cargo-fuzz target; the check is `fuzz/checks/code_parser.rs` (see its comment),
//! shared with `tests/fuzz_corpora.rs`, which replays the committed corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/code_parser.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
