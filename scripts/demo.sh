#!/usr/bin/env bash
# Sets everything up, builds the widget, and runs the demo: the collector serves the demo shop
# page with Allo embedded exactly as an owner would, and stores submissions in SQLite.
#   scripts/demo.sh [--db PATH] [--listen HOST:PORT]   (defaults: allo-demo.sqlite, 127.0.0.1:8080)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
db=allo-demo.sqlite
listen=127.0.0.1:8080
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --listen) listen=$2; shift 2 ;;
    *) echo "demo: unknown option $1 (use --db PATH, --listen HOST:PORT)" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/setup.sh"
. "$ROOT/scripts/env.sh"
"$ROOT/scripts/build.sh"
cargo build -p allo-collector
printf '\n  Demo shop:   http://%s/\n  Submissions: %s (sqlite3 %s "select * from submissions")\n  Stop with Ctrl+C.\n\n' "$listen" "$db" "$db"
exec target/debug/allo-collector --listen "$listen" --db "$db" --site dist
