#!/usr/bin/env bash
# Started by Playwright: a fresh SQLite database with the demo data, served by
# the dev build on E2E_PORT (default 3199).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${TMPDIR:-/tmp}/quittance-e2e.XXXXXX")
export DATABASE_URL="sqlite://$DIR/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3199}"
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=quittance
export RUST_LOG=${RUST_LOG:-warn}
# The simulated bank settles direct debits after 2.5 s: the return page shows
# "processing", then "paid".
export SIMULATED_DELAY_MS=${SIMULATED_DELAY_MS:-2500}
# Unoptimised, the staff invoice page renders deeper than tokio's 2 MiB worker
# stacks (the server aborts with "has overflowed its stack"); tokio leaves its
# workers at std's default, which RUST_MIN_STACK sets.
export RUST_MIN_STACK=${RUST_MIN_STACK:-8388608}
# Mail is written as .eml files there; the account tests read their links from them.
export OUTBOX_DIR="$DIR/outbox"
unset SMTP_URL
./target/debug/quittance seed-demo --if-empty > end2end/.e2e-seed.txt
echo "OUTBOX_DIR=$OUTBOX_DIR" >> end2end/.e2e-seed.txt
exec ./target/debug/quittance serve
