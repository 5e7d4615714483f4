# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup build build-dev seed clean

DATABASE_URL ?= sqlite://data/quittance.db
LEPTOS_SITE_ADDR ?= 127.0.0.1:3000
export DATABASE_URL LEPTOS_SITE_ADDR
export LEPTOS_OUTPUT_NAME = quittance
export LEPTOS_SITE_ROOT = target/site
export LEPTOS_SITE_PKG_DIR = pkg
export LEPTOS_ENV = PROD

## Set up what is missing, build the release, seed demo data on an empty database, serve.
run: setup
	scripts/build-site.sh release
	./target/release/quittance seed-demo --if-empty
	./target/release/quittance serve

## Every test: fmt, clippy (ssr + hydrate), unit, integration (SQLite + PostgreSQL), e2e.
test:
	QUITTANCE_DEFER_WASM_BINDGEN=1 scripts/setup-toolchain.sh
	scripts/test.sh

setup:
	scripts/setup-toolchain.sh

build: setup
	scripts/build-site.sh release

build-dev: setup
	scripts/build-site.sh dev

clean:
	cargo clean
