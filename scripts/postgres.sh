#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: initdb into a
# temporary folder, listening on a Unix socket there only (no port to
# collide with), stopped and removed when the command ends. The command
# sees TEST_POSTGRES_URL (the cluster's `postgres` database, superuser) and
# TEST_DATABASE=postgres.
# Usage: scripts/postgres.sh COMMAND [ARGS...]
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed: run scripts/tools.sh" >&2
  exit 1
fi

folder=$(mktemp -d /tmp/pg.XXXXXX)
# initdb refuses to run as root: the cluster then belongs to `postgres`.
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$folder"
  as_owner() { runuser -u postgres -- "$@"; }
fi
stop() {
  as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap stop EXIT

as_owner "$bin/initdb" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$folder/data" >"$folder/initdb.log" 2>&1 ||
  { cat "$folder/initdb.log" >&2; exit 1; }
# A throwaway cluster for tests need not survive a power cut: fsync off
# makes them quicker. PG_DURABLE=1 keeps PostgreSQL's defaults, for
# measuring durable transitions.
settings="-c listen_addresses='' -k $folder -c max_connections=500"
if [ "${PG_DURABLE:-}" != 1 ]; then
  settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -o "$settings" \
  start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }

export TEST_POSTGRES_URL="postgres://postgres@localhost/postgres?host=$folder"
export TEST_DATABASE=postgres
"$@"
