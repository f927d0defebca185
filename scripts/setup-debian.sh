#!/usr/bin/env bash
# Installs the Debian packages Vitrine needs to build, test and run, and checks
# Rust (1.95 or later, with rustfmt and clippy; installed with rustup when it
# can be, else the script says what to do and exits 1).
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
  # the click&collect desk is tested in Chromium driven over WebDriver; the
  # order webhook's signature is checked against openssl in a test
  chromium-driver openssl
  # the tests' SMTP server (aiosmtpd) that receives HQ's emails on loopback
  python3-aiosmtpd
  # the API contract test runs Schemathesis (PyPI) from a virtual environment
  python3-venv
  # screen readers see the kiosk over AT-SPI: the test reads it as Orca would
  dbus at-spi2-core python3-pyatspi
  # benchmarks: GNU time for the peak RSS of a process
  time
  # audio mode: the kiosk's voice (a separate process, or the speech daemon),
  # the player and jack controls (alsa-utils), WAV checks in tests (sox)
  espeak-ng speech-dispatcher speech-dispatcher-espeak-ng alsa-utils sox
  # HQ's second storage backend: the tests start their own PostgreSQL server
  # (initdb + postgres, as the package's `postgres` user when run as root,
  # through util-linux's setpriv)
  postgresql util-linux
  # Debian packages (scripts/package.sh, scripts/check-packages.sh): the
  # units checked with systemd-analyze, dependencies found by dpkg-shlibdeps,
  # binaries stripped by binutils, users made by adduser, HQ's health asked
  # with curl
  systemd dpkg-dev binutils adduser curl
  # the pages' Lighthouse and axe-core audit (tools/web-audit, npm) and
  # WebDriver for browser tests
  # (npm: below, only when no npm comes with the installed nodejs)
  nodejs chromium-driver
  # fleet: promtool checks the example alert rules (deploy/prometheus)
  prometheus
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Schemathesis (PyPI, pinned) for the API contract test
# (crates/vitrine-hq/tests/contract.rs), in its own virtual environment with
# Debian's Python; the test looks for it here (or at $VITRINE_SCHEMATHESIS).
SCHEMATHESIS_VERSION=4.32.5
ST_VENV="$HOME/.local/share/vitrine/schemathesis"
if ! "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "installing Schemathesis $SCHEMATHESIS_VERSION in $ST_VENV" >&2
  /usr/bin/python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# Rust: the workspace needs Rust 1.95 or later (rust-version in Cargo.toml)
# with rustfmt and clippy. Debian's own rustc is far older, so it comes from
# rustup. rustup downloads toolchains from the Rust project's servers: where
# they cannot be reached, say exactly what to do and stop.
RUST_MIN=1.95
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

rust_version_ok() {
  local v
  v=$(cargo --version 2>/dev/null | awk '{print $2}') || return 1
  [ -n "$v" ] || return 1
  # version sort: the minimum first means v >= minimum
  [ "$(printf '%s\n%s\n' "$RUST_MIN" "${v%%-*}" | sort -V | head -n1)" = "$RUST_MIN" ]
}

rust_help() {
  cat >&2 <<HELP
setup-debian.sh: $1
Vitrine needs Rust $RUST_MIN or later with rustfmt and clippy, installed with rustup
(Debian's rustc package is too old). On a machine that reaches the Rust servers:

  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y \\
    --profile minimal --default-toolchain $RUST_MIN --component rustfmt,clippy
  . "\$HOME/.cargo/env"

or, with rustup already there:

  rustup toolchain install $RUST_MIN --profile minimal --component rustfmt,clippy
  rustup default $RUST_MIN

Then run this script again.
HELP
  exit 1
}

if ! rust_version_ok; then
  found=$(cargo --version 2>/dev/null || echo "no cargo")
  if command -v rustup >/dev/null 2>&1; then
    echo "Rust $RUST_MIN or later needed ($found): installing it with rustup" >&2
    if ! rustup toolchain install "$RUST_MIN" --profile minimal --component rustfmt,clippy \
      || ! rustup default "$RUST_MIN" || ! rust_version_ok; then
      rust_help "rustup could not install Rust $RUST_MIN (are the Rust servers reachable?)"
    fi
  else
    rust_help "Rust $RUST_MIN or later is needed, found: $found"
  fi
fi
for tool in fmt clippy; do
  if ! cargo "$tool" --version >/dev/null 2>&1; then
    name=$([ "$tool" = fmt ] && echo rustfmt || echo clippy)
    if ! command -v rustup >/dev/null 2>&1 || ! rustup component add "$name"; then
      rust_help "cargo $tool is missing (the $name component)"
    fi
  fi
done

# cargo-deb (pinned; Debian has no package of it) builds the .deb files
# (scripts/package.sh). Built from crates.io with the Rust above, ~3 min once.
CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
  echo "installing cargo-deb $CARGO_DEB_VERSION" >&2
  cargo install --locked --quiet cargo-deb --version "$CARGO_DEB_VERSION"
fi
# Lighthouse and axe-core (npm, pinned in tools/web-audit/package-lock.json)
# for the pages' audit (crates/vitrine-hq/tests/web_audit.rs), run with
# Debian's nodejs and Chromium; installed in the repository's
# tools/web-audit/node_modules (ignored by git).
WEB_AUDIT="$(cd "$(dirname "$0")/.." && pwd)/tools/web-audit"
if [ ! -d "$WEB_AUDIT/node_modules/lighthouse" ] || [ ! -d "$WEB_AUDIT/node_modules/axe-core" ]; then
  # Debian's npm package conflicts with a nodejs that bundles its own npm
  # (NodeSource's): installed only when the npm command is missing.
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  fi
  (cd "$WEB_AUDIT" && npm ci --no-audit --no-fund --ignore-scripts)
fi
