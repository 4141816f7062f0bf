#!/usr/bin/env bash
# scripts/bench-files.sh PORT: file uploads on a release server of its own
# (SQLite, local file store). One 200 MB file (throughput, and the
# server's resident memory before and at its peak: it must stay flat, the
# upload streams to disk), then 20 files of 5 MB one after another, then
# the 200 MB file downloaded back.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$1
base="http://127.0.0.1:$port"
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

APP_DEMO=1 APP_FILE_MAX_MB=256 APP_UPLOAD_MAX_MB=256 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn DATABASE_URL="sqlite://$work/files.db" \
  ./target/release/server >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
cookie=$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"entidad@demo.local","password":"demo"}' "$base/api/v1/login" |
  tr -d '\r' | sed -n 's/^set-cookie: __Host-sesion=\([0-9a-f]*\).*/__Host-sesion=\1/Ip')
entity=$(curl -fsS -H "Cookie: $cookie" "$base/api/v1/me" | sed 's/.*"entity_id":"\([0-9a-f]*\)".*/\1/')
case_id=$(curl -fsS -H "Cookie: $cookie" -H 'content-type: application/json' \
  -d "{\"procedure\":\"PR6\",\"entity_id\":\"$entity\",\"title\":\"Archivos\"}" "$base/api/v1/cases" |
  sed 's/^{"id":"\([0-9a-f]*\)".*/\1/')

# A PDF's header, then incompressible bytes.
make_pdf() { { printf '%%PDF-1.7\n'; head -c "$(($2 * 1024 * 1024))" /dev/urandom; } >"$1"; }
upload() {
  curl -fsS -o "$work/answer.json" -w '%{time_total}' -H "Cookie: $cookie" \
    -F "file=@$1;type=application/pdf" "$base/api/v1/cases/$case_id/files"
}

echo "== One 200 MB upload"
make_pdf "$work/big.pdf" 200
size=$(stat -c %s "$work/big.pdf")
before=$(rss_mb)
upload "$work/big.pdf" >"$work/took" &
uploader=$!
peak=$before
while kill -0 "$uploader" 2>/dev/null; do
  now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.02
done
wait "$uploader"
took=$(cat "$work/took")
awk -v b="$size" -v t="$took" -v m0="$before" -v m1="$peak" \
  'BEGIN { printf "%.0f MB in %.2f s: %.0f MB/s; server memory %d MB -> peak %d MB (+%d MB)\n", b / 1048576, t, b / 1048576 / t, m0, m1, m1 - m0 }'
id=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$work/answer.json")

echo "== 20 uploads of 5 MB, one after another"
make_pdf "$work/small.pdf" 5
total=0
for i in $(seq 1 20); do
  printf '%%%d' "$i" >>"$work/small.pdf" # a different content each time
  t=$(upload "$work/small.pdf"); total=$(awk -v a="$total" -v b="$t" 'BEGIN { print a + b }')
done
awk -v t="$total" 'BEGIN { printf "100 MB in %.2f s: %.0f MB/s, %.0f ms per file\n", t, 100 / t, t / 20 * 1000 }'

echo "== The 200 MB file downloaded back"
before=$(rss_mb)
took=$(curl -fsS -o "$work/back.pdf" -w '%{time_total}' -H "Cookie: $cookie" "$base/api/v1/files/$id")
cmp -s "$work/big.pdf" "$work/back.pdf" && same=identical || same=DIFFERENT
awk -v b="$size" -v t="$took" -v s="$same" -v m0="$before" -v m1="$(rss_mb)" \
  'BEGIN { printf "%.0f MB/s (%s); server memory after %d MB (was %d MB)\n", b / 1048576 / t, s, m1, m0 }'
