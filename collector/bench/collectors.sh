#!/usr/bin/env bash
# One collector versus three on one PostgreSQL: accepted submissions per second and latency,
# the load spread round robin over the collectors' connections (as behind a load balancer).
#
#   DATABASE_URL=postgres://… collector/bench/collectors.sh [SECONDS] [CONCURRENCY]
#
# Each run gets a fresh schema in that database (dropped afterwards). No webhooks or email:
# what is measured is accepting and storing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
SECONDS_RUN="${1:-10}"
CONCURRENCY="${2:-32}"
: "${DATABASE_URL:?set DATABASE_URL=postgres://… (e.g. \$(collector/tests/start-postgres.sh))}"
PIDS=()
SCHEMAS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for s in "${SCHEMAS[@]}"; do psql -qAt "$DATABASE_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$ROOT"
. collector/bench/common.sh
sep='?'; case "$DATABASE_URL" in *\?*) sep='&' ;; esac
for n in 1 3; do
  schema="bench_collectors_$$_$n"
  SCHEMAS+=("$schema")
  psql -qAt "$DATABASE_URL" -c "CREATE SCHEMA $schema" >/dev/null
  url="${DATABASE_URL}${sep}options=-c%20search_path%3D${schema}"
  urls=()
  for i in $(seq 1 "$n"); do
    start_collector "c$n-$i" --database-url "$url"
    PIDS+=("$PID")
    urls+=(--url "http://127.0.0.1:$PORT")
  done
  echo "== $n collector(s), $CONCURRENCY connections, ${SECONDS_RUN}s"
  "$LOAD" "${urls[@]}" --seconds "$SECONDS_RUN" --concurrency "$CONCURRENCY"
  echo "   stored: $(psql -qAt "$url" -c 'SELECT COUNT(*) FROM submissions')"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
done
