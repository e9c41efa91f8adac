#!/usr/bin/env bash
# Renders the print page of each bank for a person to look at: PDF, one PNG per
# page, and a screenshot of the screen view. Needs .ci/install-print-deps.sh.
# Usage: tests/print/render.sh [OUT_DIR] [DPI]   (default: target/print-review, 60)
# The banks are copied first, so the repo's lock files are never written.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-target/print-review}")
dpi=${2:-60}
rm -rf "$out" && mkdir -p "$out/bank/examples"
cp source/django-interview.yaml "$out/bank/"
cp -r source/examples/showcase.yaml source/examples/media "$out/bank/examples/"
cargo build --quiet
SOURCE_DATE_EPOCH=1764028800 target/debug/flashdeck build --quiet \
  "$out/bank/django-interview.yaml" "$out/bank/examples/showcase.yaml" --out "$out/html" --format html
chrome() {
  local profile
  profile=$(mktemp -d)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" "$@" 2>/dev/null
  rm -rf "$profile"
}
for html in "$out"/html/*.html; do
  name=$(basename "$html" .html)
  chrome --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "file://$html"
  pdftoppm -png -r "$dpi" "$out/$name.pdf" "$out/$name-page"
  chrome --hide-scrollbars --window-size=1200,1600 --screenshot="$out/$name-screen.png" "file://$html"
  chrome --hide-scrollbars --window-size=420,900 --screenshot="$out/$name-phone.png" "file://$html"
  echo "$name: $(pdfinfo "$out/$name.pdf" | awk '/^Pages:/ {print $2}') pages"
done
echo "PDFs and PNGs in $out"
