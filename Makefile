# The two commands of the README: `make run` and `make test`.
# Each installs what is missing first (see scripts/tools.sh).

SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Release builds serve the optimised site without the development reload.
RUN_ENV := LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site

.PHONY: run test tools tools-browser build lint unit e2e bench

run: tools build
	$(RUN_ENV) ./target/release/server

test: tools-browser lint unit build e2e

tools:
	scripts/tools.sh

tools-browser:
	scripts/tools.sh --browser

# Release builds name the site's files by their content and store them
# compressed beside (brotli level 11 and gzip), so none is compressed per request;
# then the lighter browser builds, each with the islands of some pages only.
build:
	cargo leptos build --release --precompress
	node scripts/wasm-builds.mjs

# Licenses, banned and duplicate crates, sources (crates.io only): offline,
# so no advisory database (that needs the network); the crates themselves
# are fetched first, as any build would.
lint:
	cargo fmt --all --check
	cargo fetch --locked
	cargo deny --offline --locked check licenses bans sources
	cargo clippy -p server -p app --all-targets --features server/trial-edition -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Every API and store test runs twice: on SQLite, then on a throwaway
# PostgreSQL cluster (one per run, a database per test). The second run
# names the same packages, so that it reuses the first one's build.
# The trial edition of the manual (a version the manual has not had) is
# compiled into the tests' server only, for the tests of versioning.
unit:
	cargo nextest run -p app -p server --features server/trial-edition
	scripts/postgres.sh cargo nextest run -p app -p server --features server/trial-edition -E 'package(server)'

e2e:
	scripts/e2e.sh

bench: tools build
	scripts/bench.sh
