//! Fuzzes what a kiosk decodes from HQ's catalog answers: the snapshot body
//! (`SignedUpdate`), the changes answer (`ChangesAnswer`) and, under a
//! genuine signature, the `changes` array itself (the part a kiosk parses
//! only after the signature and hash checks passed). Nothing may panic; a
//! genuinely signed update is either applied as the changes it says or
//! refused as malformed, never as a signature or hash failure; decoded
//! changes survive a round trip through JSON.
//!
//! The first byte picks the mode (even: a whole answer from the network,
//! odd: the changes array under HQ's signature).
//!
//! Shared by the fuzz target and `tests/fuzz_corpora.rs`, which replays the
//! committed corpus in CI.

use serde_json::value::RawValue;
use vitrine_core::catalog::Change;
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{ChangesAnswer, Expect, SignedUpdate, UpdateKind, UpdateRejected};

const STORE: &str = "paris-01";

pub fn check(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = SecretKey::from_seed([7; 32]);
    let expect = Expect {
        store: STORE,
        current_version: 1,
        first_sync: mode & 2 != 0,
        now: 1_800_000_000,
    };
    if mode & 1 == 0 {
        if let Ok(u) = serde_json::from_slice::<SignedUpdate>(rest) {
            let _ = u.verify(&key.public(), &expect);
        }
        if let Ok(ChangesAnswer::Delta { update }) = serde_json::from_slice::<ChangesAnswer>(rest) {
            let _ = update.verify(&key.public(), &expect);
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Only JSON can be signed as a changes array (HQ sends a JSON text).
    if RawValue::from_string(text.to_string()).is_err() {
        return;
    }
    let kind = if mode & 4 == 0 {
        UpdateKind::Delta
    } else {
        UpdateKind::Snapshot
    };
    let Ok(update) = SignedUpdate::sign_raw(kind, STORE, 1, 2, 1_900_000_000, text.to_string(), &key) else {
        return;
    };
    // Through the wire form, as the kiosk receives it.
    let Ok(wire) = serde_json::to_vec(&update) else {
        return;
    };
    let received: SignedUpdate = serde_json::from_slice(&wire).expect("HQ's own answer parses");
    match received.verify(&key.public(), &expect) {
        Ok(changes) => {
            let again = serde_json::to_string(&changes).expect("changes serialise");
            let back: Vec<Change> = serde_json::from_str(&again).expect("serialised changes parse");
            assert_eq!(back.len(), changes.len());
        }
        Err(UpdateRejected::Malformed(_)) => {}
        Err(UpdateRejected::NotNewer { .. } | UpdateRejected::WrongBase { .. }) if mode & 2 != 0 => {}
        Err(e) => panic!("a genuinely signed update was refused for another reason: {e}"),
    }
}
