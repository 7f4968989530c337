#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on 127.0.0.1, exported as ORMC_TEST_POSTGRESQL_URL.
# The server runs as the `postgres` user when invoked as root (PostgreSQL refuses root), lives in a
# temporary folder with fsync off, and is stopped and removed when the command ends, even on failure.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (install the 'postgresql' package: scripts/setup.sh)" >&2
  exit 1
fi

as_db_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

datadir=$(mktemp -d /tmp/ormc-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$datadir"

# A free port on loopback: the first one nothing answers on.
port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

stop_server() {
  as_db_user "$bindir/pg_ctl" -D "$datadir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap stop_server EXIT

as_db_user "$bindir/initdb" -D "$datadir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$datadir/initdb.log" 2>&1 \
  || { cat "$datadir/initdb.log" >&2; exit 1; }
as_db_user "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/server.log" -w -t 60 \
  -o "-p $port -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null || { cat "$datadir/server.log" >&2; exit 1; }

export ORMC_TEST_POSTGRESQL_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL running at $ORMC_TEST_POSTGRESQL_URL"
set +e
"$@"
status=$?
set -e
exit $status
