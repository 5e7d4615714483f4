#!/usr/bin/env bash
# Does what `cargo leptos build` does, without needing cargo-leptos:
#   wasm (hydrate) -> wasm-bindgen -> [wasm-opt] -> target/site/pkg, CSS and public/,
#   then the server binary (ssr).
# Usage: scripts/build-site.sh [dev|release]   (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-release}
export LEPTOS_OUTPUT_NAME=quittance LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH"
SITE=target/site
PKG=$SITE/pkg
mkdir -p "$PKG"

case "$MODE" in
  dev) WASM_PROFILE=dev; WASM_DIR=debug; SERVER_FLAGS=() ;;
  release) WASM_PROFILE=wasm-release; WASM_DIR=wasm-release; SERVER_FLAGS=(--release) ;;
  *) echo "usage: $0 [dev|release]" >&2; exit 2 ;;
esac

WASM_ARGS=(build --lib --target wasm32-unknown-unknown --target-dir target/front
  --no-default-features --features hydrate --profile "$WASM_PROFILE")
if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  cargo "${WASM_ARGS[@]}"
else
  # rustup has no wasm32 std here: Debian's Rust rebuilds it from source.
  env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo "${WASM_ARGS[@]}" -Zbuild-std=std,panic_abort
fi

wasm-bindgen --target web --no-typescript --out-dir "$PKG" --out-name quittance \
  "target/front/wasm32-unknown-unknown/$WASM_DIR/quittance.wasm"
mv -f "$PKG/quittance_bg.wasm" "$PKG/quittance.wasm"
if [ "$MODE" = release ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$PKG/quittance.wasm" -o "$PKG/quittance.wasm"
fi
cp style/main.css "$PKG/quittance.css"
cp -r public/. "$SITE/"

cargo build --bin quittance --features ssr "${SERVER_FLAGS[@]}"
echo "site built ($MODE): $(du -h "$PKG/quittance.wasm" | cut -f1) wasm, $(gzip -c "$PKG/quittance.wasm" | wc -c) bytes gzipped"
