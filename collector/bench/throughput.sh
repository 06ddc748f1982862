#!/usr/bin/env bash
# Throughput and latency of accepted submissions on loopback.
#
#   collector/bench/throughput.sh [SECONDS] [CONCURRENCY]            # SQLite in a temp dir
#   DATABASE_URL=postgres://… collector/bench/throughput.sh 10 32     # PostgreSQL
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
SECONDS_RUN="${1:-10}"
CONCURRENCY="${2:-32}"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$ROOT"
. collector/bench/common.sh
if [ -n "${DATABASE_URL:-}" ]; then DB=(--database-url "$DATABASE_URL"); else DB=(--db "$WORK/bench.sqlite"); fi
start_collector bench "${DB[@]}"
"$LOAD" --url "http://127.0.0.1:$PORT" --seconds "$SECONDS_RUN" --concurrency "$CONCURRENCY"
kill -TERM "$PID"; wait "$PID" || true
