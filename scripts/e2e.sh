#!/usr/bin/env bash
# Runs the browser tests against the release build: every page on one
# server with a fresh SQLite database, then the two-server test on two
# servers sharing a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${E2E_PORT:-3456}
data=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

# start_server PORT DATABASE_URL: the release server with the demo accounts
# (and, for the single server, sign-in through the stand-in provider).
start_server() {
  APP_DEMO=1 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$1" RUST_LOG=warn \
    APP_FILE_STORE="$data/files" DATABASE_URL="$2" ./target/release/server >"$data/server-$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$pid" 2>/dev/null; then cat "$data/server-$1.log"; exit 1; fi
    sleep 0.2
  done
  echo "the server on port $1 did not answer" >&2
  cat "$data/server-$1.log"
  exit 1
}

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  # The tests' stand-in for Ciudadanía Digital (no network).
  provider_port=$((port + 3))
  # With the name `cargo leptos build` gave the site, the example reuses
  # that build's compiled crates instead of building them all again (and
  # leaves its server binary as it was).
  LEPTOS_OUTPUT_NAME=manual cargo build --release --quiet -p server --example oidc_provider
  ./target/release/examples/oidc_provider "$provider_port" >"$data/provider.log" 2>&1 &
  pids+=("$!")
  export CD_ISSUER="http://127.0.0.1:$provider_port" CD_CLIENT_ID=manual-procedimientos \
    CD_CLIENT_SECRET=secreto-de-prueba APP_PASSWORD_SIGN_IN=all
  start_server "$port" "sqlite://$data/e2e.db"
  unset CD_ISSUER CD_CLIENT_ID CD_CLIENT_SECRET APP_PASSWORD_SIGN_IN
  # A second server on two years of synthetic history, for the dashboard's
  # chart of many months.
  DATABASE_URL="sqlite://$data/months.db" ./target/release/server seed 400 4000 720 >"$data/seed.log" 2>&1
  start_server $((port + 4)) "sqlite://$data/months.db"
  (cd end2end && BASE_URL="http://127.0.0.1:$port" PROVIDER_URL="http://127.0.0.1:$provider_port" \
    MONTHS_URL="http://127.0.0.1:$((port + 4))" npx playwright test "$@")
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pids=()
  # The same script again, beside a throwaway PostgreSQL cluster.
  scripts/postgres.sh "$0" "$@"
  exit
fi

# Beside the cluster: two servers on one new database.
psql -q "$TEST_POSTGRES_URL" -c "CREATE DATABASE e2e"
shared="${TEST_POSTGRES_URL/\/postgres\?/\/e2e?}"
start_server $((port + 1)) "$shared"
start_server $((port + 2)) "$shared"
cd end2end
BASE_URL_A="http://127.0.0.1:$((port + 1))" BASE_URL_B="http://127.0.0.1:$((port + 2))" \
  npx playwright test tests/servers.spec.ts
