#!/usr/bin/env bash
# Runs every test of flashdeck, installing what the tests need first:
#   - Debian's chromium, poppler-utils and DejaVu fonts for the print and
#     browser tests (.ci/install-print-deps.sh says what it installs, or what
#     to install by hand where it cannot);
#   - Anki's own Python package (anki on PyPI, 12 MB of wheels, 65 MB installed), which
#     tests/integration/anki_import.rs installs into target/anki-venv on first use.
# The tests run in the release profile: `cargo run --release -- build` has
# compiled every dependency for it already, so they are not compiled a second
# time for the test profile (on a 2-core machine that second compile took
# over five minutes).
# Usage: bash scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-print-deps.sh
if [ ! -x target/anki-venv/bin/python ]; then
  echo "test.sh: the Anki import tests will create target/anki-venv with Anki's engine (pip install anki, 12 MB to download, 65 MB installed) on first use"
fi
cargo test --release "$@"
