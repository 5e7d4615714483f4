#!/usr/bin/env bash
# Does what `cargo leptos build` does, without needing cargo-leptos:
#   wasm (hydrate) -> wasm-bindgen -> [wasm-opt] -> CSS and public/ -> content
#   hashes in the file names (hash.txt) -> brotli and gzip copies, all in a new
#   folder; then the server binary (ssr); then the new folder is swapped in.
#
# target/site is a symbolic link to target/site.d/<build>: the swap renames a
# new link over it (atomic), so a running server serves either the old bundle
# or the new one, never a half-built or unoptimised one. The previous build's
# hashed files are carried over, so pages rendered just before the swap still
# load. Builds older than the previous one are removed.
#
# Usage: scripts/build-site.sh [dev|release|e2e]   (default: release)
#   dev      unoptimised wasm and server
#   release  optimised wasm (wasm-release + wasm-opt) and release server (`make run`)
#   e2e      optimised wasm with the dev server: what `make test` checks and
#            measures (the size budgets hold for what a browser really gets)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-release}
export LEPTOS_OUTPUT_NAME=quittance LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH"
NAME=quittance

case "$MODE" in
  dev) WASM_PROFILE=dev; WASM_DIR=debug; OPT=no; SERVER_FLAGS=(); BR_Q=5; GZ_L=6 ;;
  release) WASM_PROFILE=wasm-release; WASM_DIR=wasm-release; OPT=yes; SERVER_FLAGS=(--release); BR_Q=11; GZ_L=9 ;;
  e2e) WASM_PROFILE=wasm-release; WASM_DIR=wasm-release; OPT=yes; SERVER_FLAGS=(); BR_Q=11; GZ_L=9 ;;
  *) echo "usage: $0 [dev|release|e2e]" >&2; exit 2 ;;
esac

mkdir -p target/site.d
STAGE=$(mktemp -d "target/site.d/build-$(date +%Y%m%d%H%M%S)-XXXX")
chmod 755 "$STAGE"
PKG=$STAGE/pkg
trap 'rm -rf "$STAGE"' ERR INT TERM
mkdir -p "$PKG"

WASM_ARGS=(build --lib --target wasm32-unknown-unknown --target-dir target/front
  --no-default-features --features hydrate --profile "$WASM_PROFILE")
if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  cargo "${WASM_ARGS[@]}"
else
  # rustup has no wasm32 std here: Debian's Rust rebuilds it from source.
  env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo "${WASM_ARGS[@]}" -Zbuild-std=std,panic_abort
fi

wasm-bindgen --target web --no-typescript --out-dir "$PKG" --out-name "$NAME" \
  "target/front/wasm32-unknown-unknown/$WASM_DIR/$NAME.wasm"
mv -f "$PKG/${NAME}_bg.wasm" "$PKG/$NAME.wasm"
if [ "$OPT" = yes ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$PKG/$NAME.wasm" -o "$PKG/$NAME.opt.wasm"
  mv -f "$PKG/$NAME.opt.wasm" "$PKG/$NAME.wasm"
fi
cp style/main.css "$PKG/$NAME.css"
cp -r public/. "$STAGE/"

# Content hashes, in the format Leptos reads (`js: <hash>` lines, see
# HydrationScripts and HashedStylesheet); the server points Leptos at this file.
: > "$STAGE/hash.txt"
for ext in js wasm css; do
  hash=$(sha256sum "$PKG/$NAME.$ext" | cut -c1-16)
  mv "$PKG/$NAME.$ext" "$PKG/$NAME.$hash.$ext"
  echo "$ext: $hash" >> "$STAGE/hash.txt"
done

# Brotli (node's zlib: no extra tool) and gzip copies, served by negotiation.
mapfile -t TEXT < <(find "$PKG" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' \))
node -e '
  const zlib = require("zlib"), fs = require("fs");
  const [quality, ...files] = process.argv.slice(1);
  for (const f of files) {
    const data = fs.readFileSync(f);
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(data, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: Number(quality),
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
    } }));
  }' "$BR_Q" "${TEXT[@]}"
gzip -"$GZ_L" -n -k -f "${TEXT[@]}"

# BUILD_SITE_SERVER=0: the bundle only (`make test` uses the server binary its
# `cargo test` built, with the same code and the test profile's features).
if [ "${BUILD_SITE_SERVER:-1}" = 1 ]; then
  cargo build --bin quittance --features ssr "${SERVER_FLAGS[@]}"
fi

# The previous build's hashed files stay reachable for pages already open.
if [ -f target/site/hash.txt ]; then
  while IFS=': ' read -r ext hash; do
    for f in target/site/pkg/"$NAME.$hash.$ext"*; do
      [ -e "$f" ] && [ ! -e "$PKG/$(basename "$f")" ] && cp -l "$f" "$PKG/" 2>/dev/null || true
    done
  done < target/site/hash.txt
fi
# A real folder left by an older build or by cargo-leptos becomes a build like the others.
if [ -d target/site ] && [ ! -L target/site ]; then
  mv target/site "target/site.d/old-$(date +%s)"
fi
PREVIOUS=$(readlink target/site 2>/dev/null || true)
ln -sfn "site.d/$(basename "$STAGE")" target/site.link
mv -Tf target/site.link target/site
trap - ERR INT TERM
for old in target/site.d/*; do
  case "site.d/$(basename "$old")" in
    "site.d/$(basename "$STAGE")"|"$PREVIOUS") ;;
    *) rm -rf "$old" ;;
  esac
done

size() { wc -c < "$1" | tr -d ' '; }
echo "site built ($MODE) in $(readlink target/site):"
while IFS=': ' read -r ext hash; do
  f=$PKG/$NAME.$hash.$ext
  printf '  %-34s %9s bytes, %8s gzip, %8s brotli\n' "$(basename "$f")" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
done < target/site/hash.txt
