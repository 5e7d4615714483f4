#!/usr/bin/env bash
# Every measurement of issue 10, one after the other, on the built site and
# server (release: `scripts/build-site.sh release`). Not part of `make test`:
# the figures are printed for a note, not asserted (the size budgets are, by
# `make test` through bundle.mjs --check).
set -euo pipefail
cd "$(dirname "$0")/../.."
step() { printf '\n==> %s\n' "$*"; }
step "compressed JS + wasm per page type"
node scripts/measure/bundle.mjs
step "Lighthouse mobile"
node scripts/measure/lighthouse.mjs
step "Nu Html Checker"
node scripts/measure/vnu.mjs
step "SSR throughput vs a static file of the same bytes"
node scripts/measure/ssr.mjs
step "soak: 20,000 page loads, 32 at a time, SQLite and PostgreSQL"
scripts/ensure-postgres.sh
cargo bench --features ssr --bench soak
