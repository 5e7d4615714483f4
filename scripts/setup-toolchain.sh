#!/usr/bin/env bash
# Installs what a fresh machine lacks to build, run and test Quittance, and does
# nothing when everything is already there. Safe to run on every `make`.
#   - Debian's Rust 1.96 with the std sources (rebuilds the wasm32 std; rustup
#     cannot download targets here), lld, and its clippy for the hydrate build;
#   - wasm-bindgen-cli at exactly the version in Cargo.lock;
#   - wasm-opt from npm's binaryen (Debian's 108 silently breaks the wasm);
#   - Chromium and the Playwright test runner for the end-to-end tests;
#   - the offline Factur-X validator's Python venv (.tools/facturx-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin"
log() { printf '[setup] %s\n' "$*" >&2; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(rustc-web cargo-web rust-web-src lld-22 rust-web-clippy chromium poppler-utils)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
# `make test` defers it (QUITTANCE_DEFER_WASM_BINDGEN=1) to its background
# browser build, so that on a clean machine it compiles beside the server's lints.
if [ "$have" != "$want" ] && [ "${QUITTANCE_DEFER_WASM_BINDGEN:-0}" = 1 ]; then
  log "wasm-bindgen-cli $want: deferred to the browser build"
elif [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (takes several minutes once)"
  cargo install wasm-bindgen-cli --version "$want" --root "$TOOLS" --force >/dev/null
fi

# wasm-opt from npm's binaryen, and the Playwright runner, both pinned in package.json files.
if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen (wasm-opt) from npm"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund --prefix "$TOOLS" binaryen@132.0.0 >/dev/null)
fi
if [ ! -d end2end/node_modules/@playwright/test ]; then
  log "installing Playwright test runner (no browser download: Debian's Chromium is used)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
fi
# The email tests talk to a real SMTP server: a small aiosmtpd process (PyPI).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  log "installing aiosmtpd (SMTP server for the email tests)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore aiosmtpd >/dev/null
fi
# The offline Factur-X validator (scripts/facturx/check.py: XSD, EN 16931 and French CTC
# schematrons, PDF/A-3 structure) in its own virtual environment, with the exact pins of
# scripts/facturx/requirements.txt; a copy of that file in the venv marks what is installed.
fx_venv="$TOOLS/facturx-venv"
fx_req="scripts/facturx/requirements.txt"
if ! cmp -s "$fx_req" "$fx_venv/.installed-requirements.txt" \
   || ! "$fx_venv/bin/python" -c 'import facturx, saxonche, pikepdf' 2>/dev/null; then
  log "installing the Factur-X validator (factur-x, saxonche, pikepdf) in $fx_venv"
  [ -x "$fx_venv/bin/python" ] || python3 -m venv "$fx_venv"
  "$fx_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$fx_req" >/dev/null
  cp "$fx_req" "$fx_venv/.installed-requirements.txt"
fi
log "toolchain ready"
