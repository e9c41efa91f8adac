#!/usr/bin/env bash
# Runs every test of flashdeck, installing what the tests need first:
#   - Debian's chromium and poppler-utils for the print tests (.ci/install-print-deps.sh);
#   - Anki's own Python package, which tests/anki_import.rs installs into target/anki-venv.
# Usage: bash scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .ci/install-print-deps.sh ]; then
  bash .ci/install-print-deps.sh
fi
cargo test "$@"
