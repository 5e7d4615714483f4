#!/usr/bin/env bash
# Every test layer, as CI runs it: format, lints (ssr and hydrate), unit and
# integration tests (SQLite and PostgreSQL), then Playwright in Chromium against
# the optimised bundle, then the bundle's size budgets.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "clippy (ssr)"
cargo clippy --features ssr --all-targets -- -D warnings

step "clippy (hydrate, wasm32)"
if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  cargo clippy --lib --target wasm32-unknown-unknown --target-dir target/front \
    --no-default-features --features hydrate -- -D warnings
else
  env PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo clippy --lib --target wasm32-unknown-unknown --target-dir target/front \
    --no-default-features --features hydrate -Zbuild-std=std,panic_abort -- -D warnings
fi

step "unit and integration tests (SQLite and PostgreSQL)"
scripts/ensure-postgres.sh
cargo test --features ssr

step "end-to-end tests (Playwright, Debian Chromium)"
# The optimised wasm (what users get) with the dev server: the e2e tests and
# the size budgets below run on the real bundle.
scripts/build-site.sh e2e
(cd end2end && npx playwright test)

step "size budgets (first load, brotli as sent): pay link JS + wasm <= 100 KB, any page <= 150 KB, CSS <= 25 KB"
QUITTANCE_BIN=target/debug/quittance node scripts/measure/bundle.mjs --check
