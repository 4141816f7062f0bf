#!/usr/bin/env bash
# The dashboard and the long lists on a large history already in
# DATABASE_URL (see `server seed`): the release server on PORT, signed in as
# the UGAT head (who sees every case), 8 connections at once.
# Usage: scripts/bench-large.sh DATABASE_URL PORT
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
port=$2
duration=${BENCH_SECONDS:-10}
base="http://127.0.0.1:$port"
work=$(mktemp -d)
pid=
start() {
  APP_DEMO=1 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
    DATABASE_URL="$url" ./target/release/server >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fsS "$base/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/server.log" >&2
  exit 1
}
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  pid=
}
# As if no server had computed the dashboard's figures yet.
forget_figures() {
  local sql="UPDATE dashboard_snapshot SET generated_at = 0, figures = '', computing_until = 0"
  case "$url" in
    sqlite:*) sqlite3 "${url#sqlite://}" "$sql" ;;
    *) psql -q "$url" -c "$sql" ;;
  esac
}
trap 'stop; rm -rf "$work"' EXIT

start
forget_figures
stop
start
token=$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"jefe-ugat@demo.local","password":"demo"}' "$base/api/v1/login" |
  tr -d '\r' | sed -n 's/^set-cookie: __Host-sesion=\([0-9a-f]*\).*/\1/Ip')
cookie="Cookie: __Host-sesion=$token"
first_view() {
  curl -fsS -o /dev/null -w "%{time_total} s" -H "$cookie" "$base/api/v1/stats"
}
printf '%-44s%s\n' "first dashboard view, none computed before" "$(first_view)"
stop
start
printf '%-44s%s\n' "first dashboard view after a restart" "$(first_view)"

# A later page of each list, as someone paging through it reaches it.
next_of() {
  curl -fsS -D - -o /dev/null -H "$cookie" "$base$1" |
    tr -d '\r' | sed -n 's/^link: <\([^>]*\)>; rel="next".*/\1/Ip'
}
later_cases=$(next_of "/api/v1/cases?limit=50")
later_cases=$(next_of "$later_cases")
later_inbox=$(next_of "/api/v1/inbox")
total() { curl -fsS -D - -o /dev/null -H "$cookie" "$base$1" | tr -d '\r' | sed -n 's/^x-total-count: //Ip'; }
echo "(${duration}s each; the inbox holds $(total /api/v1/inbox) activities, the case list $(total /api/v1/cases) cases)"
for path in /api/v1/stats /tablero /bandeja /expedientes "/expedientes?estado=open&procedimiento=PR05" \
  /api/v1/inbox "$later_inbox" /api/v1/cases "$later_cases" "/api/v1/cases?waiting_for_me=true" \
  "/api/v1/cases?entity_id=seed-entity-3"; do
  label="GET ${path%%after=*}"
  [ "$label" != "GET $path" ] && label="${label}after=… (a later page)"
  printf '%-64s' "$label"
  wrk -t2 -c8 -d"${duration}s" -s scripts/percentiles.lua -H "$cookie" "$base$path" | tail -1
done

# The history of every case as CSV (the annual audit), streamed: how long
# it takes, how much it is, and the server's memory before and at its
# highest meanwhile (flat: it holds one batch of cases at a time).
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
before=$(rss_kb)
peak=$before
curl -fsS -H "$cookie" -o "$work/history.csv" -w '%{time_total}' "$base/api/v1/history.csv" >"$work/took" &
fetch=$!
while kill -0 "$fetch" 2>/dev/null; do
  now=$(rss_kb)
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.05
done
wait "$fetch"
printf '%-64s%s s, %s rows, %s MB; server memory %s MB before, %s MB at most\n' \
  "GET /api/v1/history.csv (every case)" "$(cat "$work/took")" "$(($(wc -l <"$work/history.csv") - 1))" \
  "$(($(stat -c %s "$work/history.csv") / 1048576))" "$((before / 1024))" "$((peak / 1024))"
