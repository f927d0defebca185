#!/usr/bin/env bash
# Runs every cargo-fuzz target for a fixed time budget each (default 60 s),
# starting from the corpora committed under fuzz/corpus/. Fails on the first
# crash, hang (timeout) or out-of-memory.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The stable toolchain is used
# with RUSTC_BOOTSTRAP=1 for the sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
# A crash makes `cargo fuzz run` fail, and with pipefail the `tee` below
# passes that failure on.
budget=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
export RUSTC_BOOTSTRAP=1
summary=()
for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${budget}s"
  mkdir -p "corpus/$t"
  # Work on a copy so the committed corpus only grows when someone chooses to.
  work=$(mktemp -d)
  cp -r "corpus/$t/." "$work/"
  log=$(mktemp)
  cargo fuzz run "$t" "$work" -- -max_total_time="$budget" -timeout=5 -rss_limit_mb=1024 -max_len=4096 2>&1 | tee "$log"
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
  summary+=("$t: ${runs:-no summary}, $(ls "$work" | wc -l) inputs in the working corpus, no crash, hang or OOM")
  rm -rf "$work" "$log"
done
echo "== summary (${budget}s per target)"
printf '%s\n' "${summary[@]}"
