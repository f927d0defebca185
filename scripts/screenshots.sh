#!/usr/bin/env bash
# Renders every kiosk screen (French, English and German, landscape 1920x1080
# and portrait 1080x1920) with Slint's software renderer, no display needed, and
# writes them at half size to docs/screenshots/. Look at them after a UI change.
#   scripts/screenshots.sh            # all of them
#   scripts/screenshots.sh portrait-de   # only names containing this
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
export VITRINE_WRITE_SCREENSHOTS=1
if [ $# -gt 0 ]; then
  export VITRINE_SCREENSHOT_ONLY="$1"
else
  rm -f docs/screenshots/*.png
fi
cargo test --locked --test ui_screenshots -- --nocapture
ls docs/screenshots
