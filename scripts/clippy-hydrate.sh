#!/usr/bin/env bash
# Clippy for the browser build (hydrate, wasm32), -D warnings: rustup's cargo
# when it has the wasm32 std, else Debian's, which rebuilds the std from source.
# Its own target dir: `make test` runs it while the bundle builds in target/front.
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=(clippy --lib --target wasm32-unknown-unknown --target-dir target/front-check
  --no-default-features --features hydrate)
if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  cargo "${ARGS[@]}" -- -D warnings
else
  # /usr/bin first, or cargo finds rustup's cargo-clippy proxy.
  env PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo "${ARGS[@]}" -Zbuild-std=std,panic_abort -- -D warnings
fi
