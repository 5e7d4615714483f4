#!/usr/bin/env bash
# Every test layer, as CI runs it: format, lints (ssr and hydrate), unit and
# integration tests (SQLite and PostgreSQL), then Playwright in Chromium against
# the optimised bundle, then the bundle's size budgets.
#
# The optimised wasm builds in the background from the start, beside the
# server's lints and tests and the browser build's clippy: on a clean machine
# it is the longest build (its link-time optimisation runs on one core), so
# the other core does the rest meanwhile. Clippy (hydrate) checks into its own
# target dir, so that it never waits for the bundle build's lock.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH"
step() { printf '\n==> %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

step "cargo fmt --check"
cargo fmt --check

mkdir -p target
FRONT_LOG=target/front-build.log
step "in the background: the optimised bundle for the e2e tests; log in $FRONT_LOG"
# Its own process group (setsid), so that a failure below stops all of it.
setsid bash -c 'scripts/setup-toolchain.sh && BUILD_SITE_SERVER=0 scripts/build-site.sh e2e' \
  > "$FRONT_LOG" 2>&1 &
FRONT=$!
trap 'kill -- "-$FRONT" 2>/dev/null || true' EXIT

step "clippy (ssr)"
cargo clippy --features ssr --all-targets -- -D warnings

step "the Factur-X validator passes a valid invoice and refuses a wrong one (scripts/facturx/selftest.sh)"
scripts/facturx/selftest.sh

step "unit and integration tests (SQLite and PostgreSQL)"
scripts/ensure-postgres.sh
cargo test --features ssr

step "clippy (hydrate, wasm32)"
scripts/clippy-hydrate.sh

step "waiting for the background build (the optimised bundle)"
if ! wait "$FRONT"; then
  cat "$FRONT_LOG"
  echo "the optimised bundle failed: its log is above" >&2
  exit 1
fi
trap - EXIT
cat "$FRONT_LOG"

step "end-to-end tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)

step "size budgets (first load, brotli as sent): pay link JS + wasm <= 100 KB, any page <= 150 KB, CSS <= 25 KB"
QUITTANCE_BIN=target/debug/quittance node scripts/measure/bundle.mjs --check
