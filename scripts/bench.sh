#!/usr/bin/env bash
# Prints the browser builds' sizes (raw and brotli), the pages' load and
# first interaction in Chromium, and the server's time to render a procedure
# page, over many requests. Run it through `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh --bench >/dev/null
# `cargo bench` builds in the release folder: with the site's name it
# reuses `cargo leptos build`'s crates and leaves a server that finds the
# site's files.
export LEPTOS_OUTPUT_NAME=manual

port=${BENCH_PORT:-3457}
duration=${BENCH_SECONDS:-10}
pkg=target/site/pkg

brotli_size() { if [ -f "$1.br" ]; then stat -c %s "$1.br"; else brotli -c -q 11 "$1" | wc -c; fi; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

echo "== Browser builds (release; files named by content, brotli as stored beside them)"
# manual.<hash>.wasm has every island; manual-<pages>.<hash>.wasm those of
# some pages only (scripts/wasm-builds.mjs). Unhashed names: an older build.
printf '%-22s %12s %12s\n' "build: wasm + js" raw brotli
for wasm in "$pkg"/manual*.wasm; do
  build=$(basename "$wasm"); build=${build%%.*}
  js=$(ls "$pkg/$build".*js 2>/dev/null | grep -v '\.\(br\|gz\)$' | head -1)
  raw=$(( $(stat -c %s "$wasm") + $(stat -c %s "$js") ))
  br=$(( $(brotli_size "$wasm") + $(brotli_size "$js") ))
  printf '%-22s %12s %12s\n' "$build" "$(kb "$raw")" "$(kb "$br")"
done
css=$(ls "$pkg"/manual*.css | grep -v '\.\(br\|gz\)$' | head -1)
printf '%-22s %12s %12s\n' "stylesheet" "$(kb "$(stat -c %s "$css")")" "$(kb "$(brotli_size "$css")")"
echo "Budgets: the procedure page's build 150 KB brotli, every page's 200 KB."

# The pages in Chromium: fresh loads of a procedure, a case, the dashboard
# and a form, with their wasm and JS on the wire, first contentful paint and
# first answered interaction (scripts/bench-client.mjs, its own server).
echo
scripts/tools.sh --browser >/dev/null
node scripts/bench-client.mjs

data=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  DATABASE_URL="sqlite://$data/bench.db" ./target/release/server >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

url="http://127.0.0.1:$port/procedimientos/PR05"
curl -fsS "$url" -o "$data/page.html"
echo
echo "== /procedimientos/PR05 HTML: raw $(kb "$(stat -c %s "$data/page.html")"), brotli $(kb "$(brotli_size "$data/page.html")")"
wrk -t1 -c1 -d2s "$url" >/dev/null # warm-up

latency() {
  # wrk --latency prints the 50/75/90/99 percentiles; keep 50 and 99.
  wrk -t"$1" -c"$2" -d"${duration}s" --latency "$url" |
    awk -v label="$3" '
      $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
      /Requests\/sec/ { rps = $2 }
      END { printf "%-32s p50 %8s   p99 %8s   %8s req/s\n", label, p50, p99, rps }'
}
echo "== Server render of /procedimientos/PR05 over ${duration}s"
latency 1 1 "1 connection (sequential)"
latency 2 16 "16 concurrent connections"

echo
cargo bench -q -p server --bench transitions 2>/dev/null
# Notices mailed: from a completion's commit to its mail at an SMTP server.
echo
cargo bench -q -p server --bench notices 2>/dev/null
# A case's dossier: 200 history rows read and drawn as a PDF.
echo
cargo bench -q -p server --bench dossier 2>/dev/null
# The same on PostgreSQL with its durable defaults (fsync on), and the time
# from a commit on one server to the event on another server's stream.
PG_DURABLE=1 scripts/postgres.sh bash -c '
  for db in transitions live notices; do psql -q "$TEST_POSTGRES_URL" -c "CREATE DATABASE bench_$db"; done
  echo
  BENCH_DATABASE_URL="${TEST_POSTGRES_URL/\/postgres\?/\/bench_transitions?}" cargo bench -q -p server --bench transitions 2>/dev/null
  echo
  BENCH_DATABASE_URL="${TEST_POSTGRES_URL/\/postgres\?/\/bench_live?}" cargo bench -q -p server --bench live 2>/dev/null
  echo
  BENCH_DATABASE_URL="${TEST_POSTGRES_URL/\/postgres\?/\/bench_notices?}" cargo bench -q -p server --bench notices 2>/dev/null
'

# A case page as a signed-in person sees it, under concurrent load.
APP_DEMO=1 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$((port + 1))" RUST_LOG=warn \
  DATABASE_URL="sqlite://$data/cases.db" ./target/release/server >"$data/server2.log" 2>&1 &
second_pid=$!
trap 'kill $second_pid 2>/dev/null; cleanup' EXIT
base="http://127.0.0.1:$((port + 1))"
for _ in $(seq 1 150); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
# The session cookie is `__Host-sesion` (Secure): read it from the answer.
sign_in() {
  curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo\"}" "$base/api/v1/login" |
    tr -d '\r' | sed -n 's/^set-cookie: __Host-sesion=\([0-9a-f]*\).*/__Host-sesion=\1/Ip'
}
cookie=$(sign_in admin@demo.local)
entity=$(curl -fsS -H "Cookie: $cookie" "$base/api/v1/entities" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
case_id=$(curl -fsS -H "Cookie: $cookie" -H 'content-type: application/json' \
  -d "{\"procedure\":\"PR05\",\"entity_id\":\"$entity\",\"title\":\"Carga\"}" "$base/api/v1/cases" |
  sed 's/^{"id":"\([0-9a-f]*\)".*/\1/')
url="$base/expedientes/$case_id"
wrk -t1 -c1 -d2s -H "Cookie: $cookie" "$url" >/dev/null # warm-up
echo "== GET /expedientes/{id} (signed in, server-rendered) over ${duration}s"
wrk -t2 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" "$url" |
  awk '$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } /Requests\/sec/ { rps = $2 }
       /Non-2xx/ { bad = $NF }
       END { printf "%-32s p50 %8s   p99 %8s   %8s req/s%s\n", "32 concurrent connections", p50, p99, rps, (bad ? "   NON-2XX: " bad : "") }'

# Sign-in under attack: 160 wrong sign-ins at once from one address, the
# server's memory meanwhile and how quickly /healthz answers during it; then
# a client that sends its headers slowly.
echo
scripts/bench-edge.sh "$base" "$second_pid"

# Files: a 200 MB upload (throughput and the server's memory, which must
# stay flat), many smaller ones, the large one downloaded back.
echo
scripts/bench-files.sh $((port + 2))

# The dashboard and the long lists on a large synthetic history: on SQLite
# (made once, then reused) and on PostgreSQL (made in the throwaway cluster).
seeded=target/bench/seeded.db
if [ ! -f "$seeded" ]; then
  mkdir -p target/bench
  echo
  echo "== Seeding $seeded (100 000 cases, 2 000 000 history rows; a few minutes, once)"
  DATABASE_URL="sqlite://$seeded" ./target/release/server seed 100000 2000000
fi
echo
echo "== Dashboard and lists on SQLite: $(sqlite3 "$seeded" 'SELECT COUNT(*) FROM cases') cases, $(sqlite3 "$seeded" 'SELECT COUNT(*) FROM case_history') history rows"
scripts/bench-large.sh "sqlite://$seeded" $((port + 2))

# Reads only: the cluster need not be durable, which makes seeding quicker.
scripts/postgres.sh bash -c '
  psql -q "$TEST_POSTGRES_URL" -c "CREATE DATABASE bench_large"
  url="${TEST_POSTGRES_URL/\/postgres\?/\/bench_large?}"
  echo
  echo "== Seeding PostgreSQL (100 000 cases, 2 000 000 history rows)"
  DATABASE_URL="$url" ./target/release/server seed 100000 2000000
  psql -q "$url" -c "VACUUM ANALYZE"
  echo
  echo "== Dashboard and lists on PostgreSQL: $(psql -tA "$url" -c "SELECT COUNT(*) FROM cases") cases, $(psql -tA "$url" -c "SELECT COUNT(*) FROM case_history") history rows"
  scripts/bench-large.sh "$url" '$((port + 3))'
'
