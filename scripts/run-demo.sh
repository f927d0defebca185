#!/usr/bin/env bash
# Sets up a fresh Debian machine and starts the kiosk on its embedded demo data.
# The catalog is created in ./data on first start (demo prices and stock).
# The kiosk's settings live in data/kiosk.toml (a copy of config/kiosk.toml made
# on first start), so the staff screen can change them without touching the
# repository. Extra arguments go to `vitrine` (e.g. a subcommand, or
# `--replay assets/demo/frames --replay-fps 1` to play demo barcode photos as
# the camera on a machine without one). VITRINE__UI__FULLSCREEN=false opens a window instead of the
# full screen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
mkdir -p data
[ -f data/kiosk.toml ] || cp config/kiosk.toml data/kiosk.toml
export VITRINE_CONFIG="${VITRINE_CONFIG:-data/kiosk.toml}"
exec cargo run --release --locked --bin vitrine -- "$@"
