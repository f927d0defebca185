#!/usr/bin/env bash
# Installs the Debian packages Vitrine needs to build, test and run.
# Idempotent: packages already present are not reinstalled. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # build
  pkg-config gcc g++ cmake libfontconfig1-dev libclang1-14
  # nokhwa (V4L2) and Slint's linuxkms backend link against these
  libudev-dev libinput-dev libgbm-dev libxkbcommon-dev
  # fonts for the UI and its screenshots
  fonts-dejavu-core
  # headless UI runs and screenshots (Xvfb), phone-page tests (Chromium)
  xvfb xdotool x11-apps imagemagick libgl1-mesa-dri libegl1
  # the phone handoff page is tested in headless Chromium
  chromium
  # the tests' SMTP server (aiosmtpd) that receives HQ's emails on loopback
  python3-aiosmtpd
  # benchmarks: GNU time for the peak RSS of a process
  time
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
