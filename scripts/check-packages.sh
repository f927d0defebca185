#!/usr/bin/env bash
# CI (after the tests): builds the Debian packages from the debug binaries
# the tests built (scripts/package.sh --ci), checks their content and their
# systemd units, installs them on this machine with dpkg -i, runs the
# installed binaries, starts HQ from the installed paths as its service
# would (its user, its settings file, its data folder) until /v1/health
# answers, checks that an upgrade keeps data and settings and that `remove`
# keeps the data, then purges both packages. Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
fail() { echo "check-packages: $*" >&2; exit 1; }
start=$(date +%s)

scripts/package.sh --ci
target_dir="$(cargo metadata --format-version 1 --no-deps --locked | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
kiosk_deb="$target_dir/debian/vitrine_${version}-1_$(dpkg --print-architecture).deb"
hq_deb="$target_dir/debian/vitrine-hq_${version}-1_$(dpkg --print-architecture).deb"
[ -f "$kiosk_deb" ] || fail "missing $kiosk_deb"
[ -f "$hq_deb" ] || fail "missing $hq_deb"

echo "== content" >&2
contains() { # deb path...
  local deb=$1; shift
  local list; list="$(dpkg-deb -c "$deb")"
  for p in "$@"; do
    grep -qE " \./$p\$" <<<"$list" || fail "$(basename "$deb") lacks $p"
  done
}
contains "$kiosk_deb" usr/bin/vitrine usr/lib/systemd/system/vitrine-kiosk.service \
  usr/lib/systemd/system/vitrine-sync.service etc/vitrine/kiosk/kiosk.toml \
  usr/share/doc/vitrine/LICENSE-MIT usr/share/doc/vitrine/LICENSE-APACHE \
  usr/share/doc/vitrine/THIRD-PARTY.txt usr/share/doc/vitrine/copyright \
  usr/share/doc/vitrine/demo-data/LICENSE-ODbL-1.0.txt usr/share/doc/vitrine/KIOSK-IMAGE.md
contains "$hq_deb" usr/bin/vitrine-hq usr/lib/systemd/system/vitrine-hq.service etc/vitrine/hq.env \
  usr/share/doc/vitrine-hq/LICENSE-MIT usr/share/doc/vitrine-hq/THIRD-PARTY.txt usr/share/doc/vitrine-hq/copyright
for deb in "$kiosk_deb" "$hq_deb"; do
  dpkg-deb -e "$deb" "$target_dir/debian/ctl-$$"
  grep -q '^/etc/vitrine/' "$target_dir/debian/ctl-$$/conffiles" || fail "$(basename "$deb"): no conffile"
  rm -rf "$target_dir/debian/ctl-$$"
done

echo "== install" >&2
$SUDO dpkg -i "$kiosk_deb" "$hq_deb"

echo "== units" >&2
# Checked where they are installed (their ExecStart binaries exist there).
systemd-analyze verify /usr/lib/systemd/system/vitrine-kiosk.service \
  /usr/lib/systemd/system/vitrine-sync.service /usr/lib/systemd/system/vitrine-hq.service

echo "== users, folders, modes" >&2
owner_mode() { [ "$(stat -c '%U:%G %a' "$1")" = "$2" ] || fail "$1 is $(stat -c '%U:%G %a' "$1"), expected $2"; }
owner_mode /var/lib/vitrine "vitrine:vitrine 750"
owner_mode /var/lib/vitrine-hq "vitrine-hq:vitrine-hq 750"
owner_mode /etc/vitrine/hq.env "root:vitrine-hq 640"
owner_mode /etc/vitrine/kiosk "root:vitrine 770"
owner_mode /etc/vitrine/kiosk/kiosk.toml "root:vitrine 660"
groups="$(id -nG vitrine)"
for g in video input audio render; do
  if getent group "$g" >/dev/null; then
    grep -qw "$g" <<<"$groups" || fail "vitrine is not in group $g ($groups)"
  fi
done

echo "== installed binaries" >&2
/usr/bin/vitrine --version
/usr/bin/vitrine-hq --version
# The packaged settings load, and name the packaged data folder.
$SUDO runuser -u vitrine -- env VITRINE_CONFIG=/etc/vitrine/kiosk/kiosk.toml /usr/bin/vitrine config check >/dev/null
$SUDO runuser -u vitrine -- env VITRINE_CONFIG=/etc/vitrine/kiosk/kiosk.toml /usr/bin/vitrine status >/dev/null
[ -f /var/lib/vitrine/catalog.sqlite ] || fail "the kiosk did not use /var/lib/vitrine"

echo "== HQ smoke start (as vitrine-hq.service runs it)" >&2
port=$((20000 + $$ % 20000))
hq_log="$(mktemp)"
$SUDO runuser -u vitrine-hq -- env -i PATH=/usr/bin:/bin VITRINE_HQ_DATA_DIR=/var/lib/vitrine-hq \
  VITRINE_HQ_LISTEN="127.0.0.1:$port" /usr/bin/vitrine-hq serve >"$hq_log" 2>&1 &
hq_pid=$!
health=""
for _ in $(seq 1 300); do
  if health="$(curl -fsS "http://127.0.0.1:$port/v1/health" 2>/dev/null)"; then
    break
  fi
  kill -0 "$hq_pid" 2>/dev/null || { cat "$hq_log" >&2; fail "HQ stopped"; }
  sleep 0.1
done
grep -q '"status":"ok"' <<<"$health" || { cat "$hq_log" >&2; fail "no health answer: $health"; }
echo "health: $health" >&2
kill "$hq_pid" 2>/dev/null || true
wait "$hq_pid" 2>/dev/null || true
rm -f "$hq_log"
ls /var/lib/vitrine-hq | grep -q . || fail "HQ wrote nothing in /var/lib/vitrine-hq"

echo "== upgrade keeps data and settings; remove keeps data" >&2
echo "VITRINE_HQ_RATE_PER_MINUTE=601" | $SUDO tee -a /etc/vitrine/hq.env >/dev/null
$SUDO sed -i 's/^idle_timeout_s = 60$/idle_timeout_s = 61/' /etc/vitrine/kiosk/kiosk.toml
data_before="$(ls /var/lib/vitrine-hq /var/lib/vitrine | sort)"
$SUDO dpkg -i "$kiosk_deb" "$hq_deb"
grep -q '^VITRINE_HQ_RATE_PER_MINUTE=601$' /etc/vitrine/hq.env || fail "upgrade lost hq.env's change"
grep -q '^idle_timeout_s = 61$' /etc/vitrine/kiosk/kiosk.toml || fail "upgrade lost kiosk.toml's change"
[ "$(ls /var/lib/vitrine-hq /var/lib/vitrine | sort)" = "$data_before" ] || fail "upgrade changed the data folders"
owner_mode /etc/vitrine/hq.env "root:vitrine-hq 640"
$SUDO dpkg -r vitrine vitrine-hq
[ -f /var/lib/vitrine/catalog.sqlite ] || fail "remove deleted the kiosk's data"
ls /var/lib/vitrine-hq | grep -q . || fail "remove deleted HQ's data"
$SUDO dpkg --purge vitrine vitrine-hq
[ ! -e /var/lib/vitrine ] && [ ! -e /var/lib/vitrine-hq ] || fail "purge left the data folders"
! getent passwd vitrine-hq >/dev/null || fail "purge left the vitrine-hq user"

echo "check-packages: OK in $(($(date +%s) - start)) s" >&2
