#!/usr/bin/env bash
# Sets up a fresh Debian machine and starts the kiosk on its embedded demo data.
# The catalog is created in ./data on first start (demo prices and stock).
# The kiosk's settings live in data/kiosk.toml (a copy of config/kiosk.toml made
# on first start), so the staff screen can change them without touching the
# repository. Extra arguments go to `vitrine` (e.g. a subcommand, or
# `--replay assets/demo/frames --replay-fps 1` to play demo barcode photos as
# the camera on a machine without one). VITRINE__UI__FULLSCREEN=false opens a window instead of the
# full screen.
#
# When it starts the kiosk's screen (no subcommand), it also starts a local HQ
# on 127.0.0.1 (data in data/hq, the same demo referential with generated demo
# prices, labelled as such on every screen) and enrolls the kiosk with it on
# first start, so "Send to my phone", click & collect, identification and the
# phone page work on this one machine: the phone page is at
# http://127.0.0.1:8088/h/... (VITRINE_DEMO_HQ_PORT changes the port). Every
# order and status change reaches a small verifying webhook receiver on the
# next port, which logs it in data/hq/orders.log. HQ stops
# when the kiosk does. VITRINE_DEMO_HQ=0: the kiosk alone, as in a store whose
# HQ is not reachable (it works from its cache and says what it cannot do).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
mkdir -p data
[ -f data/kiosk.toml ] || cp config/kiosk.toml data/kiosk.toml
export VITRINE_CONFIG="${VITRINE_CONFIG:-data/kiosk.toml}"
profile="${VITRINE_DEMO_PROFILE:-release}" # `dev` for a debug build
bin_dir="${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")"

with_hq=0
if [ "${VITRINE_DEMO_HQ:-1}" = 1 ] && { [ $# -eq 0 ] || [[ "$1" == -* ]]; }; then
  with_hq=1
fi
if [ "$with_hq" = 0 ]; then
  exec cargo run --profile "$profile" --locked --bin vitrine -- "$@"
fi

cargo build --profile "$profile" --locked --bin vitrine --bin vitrine-hq
hq="$bin_dir/vitrine-hq --data-dir data/hq"
kiosk="$bin_dir/vitrine"
port="${VITRINE_DEMO_HQ_PORT:-8088}"
url="http://127.0.0.1:$port"
if [ ! -f data/hq/.imported ]; then
  mkdir -p data/hq
  echo "demo HQ: importing the demo referential (generated demo prices)" >&2
  $hq import assets/demo/products.jsonl --demo-prices >&2
  $hq import assets/demo/books.jsonl --demo-prices >&2
  touch data/hq/.imported
fi
# The retailer's side of the order webhook: a small receiver that checks
# each signature and logs the demo's orders (data/hq/orders.log), with a
# secret made on first start in HQ's owner-only folder.
if [ ! -s data/hq/webhook-secret ]; then
  (umask 077; head -c 32 /dev/urandom | base64 >data/hq/webhook-secret)
fi
hook_port="${VITRINE_DEMO_WEBHOOK_PORT:-$((port + 1))}"
$hq webhook receive --listen "127.0.0.1:$hook_port" --secret-file data/hq/webhook-secret \
  >>data/hq/orders.log 2>>data/hq/webhook.log &
hook_pid=$!
$hq serve --listen "127.0.0.1:$port" --public-url "$url" \
  --order-webhook "http://127.0.0.1:$hook_port/orders" --order-webhook-secret-file data/hq/webhook-secret \
  >data/hq/serve.log 2>&1 &
hq_pid=$!
kiosk_pid=""
# HQ, its webhook receiver (and the kiosk) stop with this script, however it ends.
trap 'kill $kiosk_pid "$hq_pid" "$hook_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    break
  fi
  if ! kill -0 "$hq_pid" 2>/dev/null; then
    echo "demo HQ did not start; see data/hq/serve.log" >&2
    cat data/hq/serve.log >&2
    exit 1
  fi
  sleep 0.1
done
# The demo HQ is on this machine over plain HTTP: the kiosk allows that only
# for a loopback address and only when told so (hq.transport).
export VITRINE__HQ__TRANSPORT=loopback-http
store="$(sed -n 's/^store *= *"\(.*\)"/\1/p' "$VITRINE_CONFIG" | head -1)"
if ! "$kiosk" status --json | grep -q '"enrolled": *{'; then
  code="$($hq device add --store "${store:-paris-01}" | tail -n 1)"
  "$kiosk" enroll --hq "$url" --code "$code" >&2
fi
# A demo staff account for the click&collect pages (one account per person;
# the password is made on first start and kept in HQ's owner-only folder).
if ! $hq staff list | grep -q '^demo '; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' >data/hq/demo-staff-password)
  $hq staff add demo --store "${store:-paris-01}" <data/hq/demo-staff-password >&2
fi
echo "demo HQ at $url (its log: data/hq/serve.log; orders received by the webhook: data/hq/orders.log)" >&2
echo "staff orders page: $url/staff/login  name: demo  password: $(cat data/hq/demo-staff-password)" >&2
"$kiosk" "$@" &
kiosk_pid=$!
wait "$kiosk_pid"
