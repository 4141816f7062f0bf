#!/usr/bin/env bash
# Installs what building and testing need and is missing on this machine.
# Usage: scripts/tools.sh [--browser | --bench]
#   --browser adds Chromium for the end-to-end tests; --bench adds brotli and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# The CLI must match the wasm-bindgen library that Cargo.lock pins.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores)"
  # no_downloads: fail clearly instead of fetching tools from the internet.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its locked dependencies is no longer published.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt (binaryen) and the browser test runner come from npm.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
  || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
  say "installing the npm packages of end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
fi

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# The tests run every API test on PostgreSQL too (scripts/postgres.sh).
apt_install postgresql

if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

if ! cargo deny --version >/dev/null 2>&1; then
  say "installing cargo-deny (about 8 minutes on 2 cores)"
  cargo install cargo-deny --locked
fi

case "${1:-}" in
  --browser) apt_install chromium ;;
  --bench) apt_install brotli wrk curl sqlite3 ;;
esac
