#!/usr/bin/env bash
# scripts/bench-edge.sh BASE_URL PID: the public edge of a running server
# with the demo accounts. 60 wrong passwords in a row for one account, then
# the right one (how the answers go); 160 wrong sign-ins at once from one
# address (the server's resident memory before and at its peak, how many
# were refused outright and how many held back, and how long /healthz takes
# meanwhile); a client that sends half its headers and stops (how long
# until the server cuts it).
set -euo pipefail
base=$1
pid=$2

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }

echo "== 60 wrong passwords in a row for one account, then the right one"
started=$(date +%s.%N)
for i in $(seq 1 60); do
  curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/json' \
    -d '{"email":"jefe-ugat@demo.local","password":"incorrecta-123"}' "$base/api/v1/login"
done | sort | uniq -c | awk '{ printf "%s: %s  ", $2, $1 } END { print "" }'
right=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"jefe-ugat@demo.local","password":"demo"}' "$base/api/v1/login" | tr -d '\r' |
  awk '/^HTTP/ { code = $2 } tolower($1) == "retry-after:" { wait = $2 } END { print code " (Retry-After: " wait " s)" }')
awk -v s="$started" -v e="$(date +%s.%N)" -v r="$right" 'BEGIN { printf "in %.1f s; then the right password: %s\n", e - s, r }'

echo "== 160 wrong sign-ins at once from one address"
before=$(rss_mb)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$(date +%s.%N)
for i in $(seq 1 160); do
  curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/json' \
    -d "{\"email\":\"intruso$i@example.gob.bo\",\"password\":\"incorrecta\"}" \
    "$base/api/v1/login" >>"$work/statuses" &
done
sleep 0.3
health=$(curl -s -o /dev/null -w '%{time_total}' "$base/healthz")
peak=$before
while [ "$(jobs -r | wc -l)" -gt 0 ]; do
  now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.02
done
wait
took=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
refused=$(grep -c '^401$' "$work/statuses" || true)
held=$(grep -c '^429$' "$work/statuses" || true)
printf 'memory %s MB -> peak %s MB (+%s MB); 401: %s, 429: %s; all answered in %s s; /healthz during it %.0f ms\n' \
  "$before" "$peak" "$((peak - before))" "$refused" "$held" "$took" "$(awk -v t="$health" 'BEGIN { print t * 1000 }')"

echo "== A client that sends half its headers and stops"
host=${base#http://}
started=$(date +%s.%N)
# A request line and one header, never the blank line that ends them; the
# read ends when the server closes the connection.
exec 3<>"/dev/tcp/${host%:*}/${host##*:}"
printf 'GET /procedimientos HTTP/1.1\r\nHost: %s\r\n' "$host" >&3
timeout 35 cat <&3 >/dev/null || true
exec 3>&-
awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "cut after %.1f s (header-read timeout: 10 s)\n", e - s }'
