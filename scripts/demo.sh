#!/usr/bin/env bash
# Sets everything up, builds the widget, and runs the demo: both sides of Allo on one local
# collector with SQLite. The collector serves the demo shop page with Allo embedded exactly as
# an owner would, stores what visitors send, and serves the owner's inbox, where a submission
# made on the shop page can be opened a second later.
#   scripts/demo.sh [--db PATH] [--listen HOST:PORT]   (defaults: allo-demo.sqlite, 127.0.0.1:8080)
# On first run the demo makes an owner account (owner@demo.example, with a random password
# kept beside the database in PATH.password, created through `allo-collector user add` with
# the password on stdin) and an API token (PATH.token, the Bearer credential for scripts), so
# the same login works after a restart. Nothing is pre-filled.
# ALLO_DEMO_NO_BUILD=1 skips set-up and build (the e2e test of this script uses it: the test
# command has just built everything).
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
if [ "${ALLO_DEMO_NO_BUILD:-}" != 1 ]; then
  "$ROOT/scripts/setup.sh"
  . "$ROOT/scripts/env.sh"
  "$ROOT/scripts/build.sh"
  cargo build -p allo-collector
fi
token_file="$db.token"
if [ ! -s "$token_file" ]; then
  (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' > "$token_file")
fi
token=$(cat "$token_file")
email=owner@demo.example
password_file="$db.password"
if [ ! -s "$password_file" ]; then
  (umask 077; od -An -tx1 -N12 /dev/urandom | tr -d ' \n' > "$password_file")
  target/debug/allo-collector user add "$email" --role owner --name "Demo owner" --db "$db" < "$password_file" >/dev/null \
    || { rm -f "$password_file"; exit 1; }
fi
password=$(cat "$password_file")
printf '\n  Demo shop:   http://%s/\n  Inbox:       http://%s/inbox  (email: %s, password: %s)\n  API token:   %s  (Authorization: Bearer, for scripts)\n  Submissions: %s (sqlite3 %s "select * from submissions")\n  Stop with Ctrl+C.\n\n' \
  "$listen" "$listen" "$email" "$password" "$token" "$db" "$db"
ALLO_INBOX_TOKEN=$token exec target/debug/allo-collector --listen "$listen" --db "$db" --site dist
