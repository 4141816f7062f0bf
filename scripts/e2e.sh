#!/usr/bin/env bash
# Runs the browser tests against the release build, on a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${E2E_PORT:-3456}
data=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

APP_DEMO=1 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  DATABASE_URL="sqlite://$data/e2e.db" ./target/release/server >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$data/server.log"; exit 1; fi
  sleep 0.2
done

cd end2end
BASE_URL="http://127.0.0.1:$port" npx playwright test "$@"
