#!/usr/bin/env bash
# Builds the Debian packages `vitrine` (kiosk) and `vitrine-hq` with cargo-deb
# into target/debian/ (or $CARGO_TARGET_DIR/debian/).
#
#   scripts/package.sh         # release build, then both packages (15-35 min
#                              # on 2 cores for a clean release build)
#   scripts/package.sh --ci    # packages the debug binaries the tests already
#                              # built, as they are (no second build: CI's
#                              # time budget); builds them only if missing
#
# Packaging (binaries, units, conffiles, maintainer scripts) is declared in
# [package.metadata.deb] of Cargo.toml and crates/vitrine-hq/Cargo.toml; the
# units, maintainer scripts and default settings are in deploy/debian/.
# cargo-deb is installed (pinned) by scripts/setup-debian.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=release
case "${1:-}" in
  --ci) mode=ci ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--ci]" >&2; exit 2 ;;
esac

if ! command -v cargo-deb >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo-deb" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo-deb >/dev/null 2>&1 || { echo "cargo-deb missing: run scripts/setup-debian.sh" >&2; exit 1; }

target_dir="$(cargo metadata --format-version 1 --no-deps --locked | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
if [ "$mode" = ci ]; then
  profile=dev
  profile_dir=debug
  # The debug binaries `cargo test` built for the tests, as they are: a
  # `cargo build` here would build them again (the tests' dev-dependencies
  # change the features of some libraries). Built only when missing.
  if [ ! -x "$target_dir/debug/vitrine" ] || [ ! -x "$target_dir/debug/vitrine-hq" ]; then
    cargo build --locked --bin vitrine --bin vitrine-hq
  fi
  build_flags=(--no-build --profile dev --fast)
else
  profile=release
  profile_dir=release
  cargo build --release --locked --bin vitrine --bin vitrine-hq
  build_flags=(--no-build)
fi

# Attributions: every crate linked into each binary, with its licence and
# source (cargo tree reads the lock file; no network).
for pkg in vitrine vitrine-hq; do
  out="$target_dir/$profile_dir/THIRD-PARTY-$pkg.txt"
  {
    echo "Third-party Rust crates linked into $pkg, with their licences"
    echo "(SPDX expressions from each crate's manifest). The licence texts"
    echo "are in each crate's source, at the address given."
    echo
    cargo tree --locked -p "$pkg" -e normal,build --prefix none \
      --format '{p} | {l} | {r}' | sed 's/ (\*)$//; s/ (proc-macro)//' | grep -v '^vitrine' | sort -u
  } >"$out"
done

cargo deb --locked -p vitrine "${build_flags[@]}"
cargo deb --locked -p vitrine-hq "${build_flags[@]}"
echo "profile $profile: packages in $target_dir/debian/" >&2
ls -l "$target_dir"/debian/*.deb >&2
