#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs Vitrine's whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
export CARGO_INCREMENTAL=0
cargo test --workspace --all-targets --locked
