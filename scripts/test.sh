#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs Vitrine's whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
export CARGO_INCREMENTAL=0
cargo test --workspace --all-targets --locked
# Every HQ test again with HQ on PostgreSQL (issue 18): the testkit's HQ
# starters and `run_hq` put each HQ on a database of a PostgreSQL server the
# test process starts itself.
VITRINE_TEST_HQ_BACKEND=postgres cargo test -p vitrine-hq --all-targets --locked
# The fuzz targets still compile (they include kiosk sources by path, so a
# change there can break them unseen; running them is scripts/fuzz.sh).
cargo check --manifest-path fuzz/Cargo.toml --locked --bins
