#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster for allo-collector's tests and prints its
# URL on stdout, the only line it prints there:
#
#   export ALLO_TEST_DATABASE_URL="$(collector/tests/start-postgres.sh)"
#   cargo test -p allo-collector
#
# Idempotent: a second run finds the running cluster and prints the same URL. Works on a
# fresh Debian machine as root (installs the `postgresql` package with apt when no server
# binaries are found, and runs the server as the `postgres` user, as PostgreSQL requires) or
# as an ordinary user with PostgreSQL installed. Listens on 127.0.0.1 only, trust auth,
# superuser `allo`, database `allo_test`.
#
#   start-postgres.sh          start or reuse, print the URL
#   start-postgres.sh stop     stop the cluster (its files stay for the next start)
#   start-postgres.sh destroy  stop it and delete its directory
#
# Environment: ALLO_PG_DIR (default /tmp/allo-test-pg), ALLO_PG_PORT (first port tried,
# default 55432; the next free one up to +20 is taken when it is busy).
set -euo pipefail

DIR="${ALLO_PG_DIR:-/tmp/allo-test-pg}"
FIRST_PORT="${ALLO_PG_PORT:-55432}"
DATA="$DIR/data"
log() { echo "start-postgres: $*" >&2; }

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

BIN="$(find_bin)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "no PostgreSQL server found under /usr/lib/postgresql; install it: apt-get install -y postgresql"
    exit 1
  fi
  log "installing PostgreSQL with apt (once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
  [ -n "$BIN" ] || { log "postgresql installed but no server binaries found"; exit 1; }
fi

# PostgreSQL refuses to run as root: as root, run its tools as `postgres`.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_pg() { runuser -u postgres -- "$@"; }
  mkdir -p "$DIR"
  chown postgres:postgres "$DIR"
else
  as_pg() { "$@"; }
  mkdir -p "$DIR"
fi
chmod 700 "$DIR"

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  destroy) stop; rm -rf "$DIR"; exit 0 ;;
  start) ;;
  *) log "usage: $0 [start|stop|destroy]"; exit 2 ;;
esac

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url_for() { echo "postgres://allo@127.0.0.1:$1/allo_test"; }

# Already running: print its URL.
if [ -f "$DIR/port" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  PORT="$(cat "$DIR/port")"
  if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    url_for "$PORT"
    exit 0
  fi
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  log "creating a cluster in $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U allo -A trust -E UTF8 --no-locale >&2
fi

PORT=""
for p in $(seq "$FIRST_PORT" $((FIRST_PORT + 20))); do
  if ! port_busy "$p"; then PORT="$p"; break; fi
done
[ -n "$PORT" ] || { log "no free port in $FIRST_PORT..$((FIRST_PORT + 20))"; exit 1; }

# A stale pid file from a killed server would block the start.
if [ -f "$DATA/postmaster.pid" ] && ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  rm -f "$DATA/postmaster.pid"
fi
as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >&2
echo "$PORT" > "$DIR/port"

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U allo -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'allo_test'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U allo allo_test
fi
url_for "$PORT"
