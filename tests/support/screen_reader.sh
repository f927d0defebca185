#!/bin/bash
# What a screen reader sees of the kiosk: runs `vitrine` (its path: $1, data
# folder: $2) on a private Xvfb display inside its own D-Bus session with the
# AT-SPI registry (Debian's at-spi2-core), then prints every named element of
# its accessibility tree as "role | name", read through AT-SPI with pyatspi
# (python3-pyatspi), the interface Orca uses. Run by tests/screen_reader.rs
# under `dbus-run-session`.
set -euo pipefail
vitrine="$1"
data="$2"
dispfile="$(mktemp)"
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$dispfile" 2>/dev/null &
xvfb=$!
/usr/libexec/at-spi-bus-launcher --launch-immediately 2>/dev/null &
bus=$!
trap 'kill $kiosk $bus $xvfb 2>/dev/null || true' EXIT
kiosk=""
for _ in $(seq 1 100); do
  [ -s "$dispfile" ] && break
  sleep 0.1
done
# A screen reader switches accessibility on when it starts (Orca does, through
# the bus launcher's org.a11y.Status.IsEnabled); applications such as Slint's
# AccessKit adapter only publish their tree once it is on. Without a desktop
# setting saying so (a fresh machine has none), it is off.
enabled=""
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
      org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled \
      variant:boolean:true >/dev/null 2>&1; then
    enabled=1
    break
  fi
  sleep 0.1
done
if [ -z "$enabled" ]; then
  echo "could not switch accessibility on (org.a11y.Bus did not answer)" >&2
  exit 1
fi
export DISPLAY=":$(head -n1 "$dispfile")"
VITRINE__UI__FULLSCREEN=false VITRINE_LOG=warn "$vitrine" --data-dir "$data" >/dev/null 2>&1 &
kiosk=$!
/usr/bin/python3 - <<'PY'
import time
import pyatspi

def walk(acc, depth, out):
    try:
        name, role = acc.name, acc.getRoleName()
    except Exception:
        return
    if name:
        out.append(f"{role} | {name}")
    if depth > 40:
        return
    for i in range(acc.childCount):
        try:
            walk(acc.getChildAtIndex(i), depth + 1, out)
        except Exception:
            pass

out = []
deadline = time.time() + 60
while time.time() < deadline:
    out = []
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "vitrine":
            walk(app, 0, out)
    if any(line.startswith("push button") for line in out):
        break
    time.sleep(0.5)
print("\n".join(out))
PY
