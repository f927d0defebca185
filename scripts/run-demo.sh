#!/usr/bin/env bash
# Sets up a fresh Debian machine and starts the kiosk on its embedded demo data.
# The catalog is created in ./data on first start (demo prices and stock).
# Extra arguments go to `vitrine` (e.g. --replay DIR, or a subcommand).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
exec cargo run --release --locked --bin vitrine -- "$@"
