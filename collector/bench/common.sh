# Shared by throughput.sh and crash-test.sh: build, start a collector, read its port.
# Sourced, not run. Expects ROOT and WORK to be set.
cargo build --release -q -p allo-collector --bin allo-collector --example load
BIN="$ROOT/target/release/allo-collector"
LOAD="$ROOT/target/release/examples/load"

# start_collector LOGNAME ARGS... → sets PID and PORT
start_collector() {
  local name="$1"; shift
  # Every load connection comes from 127.0.0.1: no per-address limits (requests or
  # connections), or the benchmark would measure them.
  "$BIN" --listen 127.0.0.1:0 --rate-limit 0 --max-connections-per-ip 0 --log warn "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID=$!
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$WORK/$name.out" 2>/dev/null; then break; fi
    if ! kill -0 "$PID" 2>/dev/null; then cat "$WORK/$name.err" >&2; return 1; fi
    sleep 0.05
  done
  PORT="$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$WORK/$name.out" | head -n 1)"
  [ -n "$PORT" ] || { echo "no start-up line" >&2; return 1; }
}

# count_rows DBARGS... → prints the number of stored submissions
count_rows() {
  if [ "$1" = "--database-url" ]; then
    psql -tAq "$2" -c "SELECT COUNT(*) FROM submissions" 2>/dev/null || echo 0
  else
    sqlite3 "$2" "SELECT COUNT(*) FROM submissions" 2>/dev/null || echo 0
  fi
}
