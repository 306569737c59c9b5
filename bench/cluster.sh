#!/usr/bin/env bash
# Cross-node fan-out on this machine: one node (local mode), one node (cluster mode), and two
# cluster nodes (subscribers on A, publishers through B), each with the same `parley bench` load.
# Prints each bench report and the CPU seconds that each process used during the run.
#   bench/cluster.sh [BENCH OPTIONS...]   e.g. bench/cluster.sh --subs 10 --rate 5000
# (not --warmup or --duration: each configuration gets an unmeasured 2 s + 6 s run to warm the JIT,
# then a measured 1 s + 5 s one).
# Loopback only; everything it starts is stopped by PID when it ends. Needs nats-server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
parley="$here/parley"
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats" ] || { echo "cluster.sh: nats-server not found (apt-get install nats-server)" >&2; exit 1; }
bench_args=("$@")
[ ${#bench_args[@]} -gt 0 ] || bench_args=(--subs 100 --rate 2000)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }   # utime+stime, clock ticks
tick=$(getconf CLK_TCK)
wait_port() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

"$parley" --version >/dev/null   # build first, outside the measurement

start_nats() {
  local port; port=$(free_port); local dir; dir=$(mktemp -d)
  "$nats" -a 127.0.0.1 -p "$port" -js -sd "$dir" >/dev/null 2>&1 & pids+=($!); NATS_PID=$!
  wait_port "$port"; NATS_URL="nats://127.0.0.1:$port"
}
start_node() {  # start_node PORT [--cluster URL]
  "$parley" server "127.0.0.1:$1" --http off "${@:2}" >/dev/null 2>&1 & pids+=($!); NODE_PID=$!
  wait_port "$1"
}
report() {  # report LABEL PID...
  local label=$1; shift
  local line="$label CPU s:"
  for p in "$@"; do line+=" $(awk -v a="${before[$p]}" -v b="$(cpu "$p")" -v t="$tick" 'BEGIN{printf "%.2f", (b-a)/t}')"; done
  echo "$line"
}
declare -A before
measure() {  # measure LABEL TARGET PUBLISH_TO PIDS...
  local label=$1 target=$2 pubto=$3; shift 3
  local extra=(); [ -n "$pubto" ] && extra=(--publish-to "$pubto")
  # An unmeasured run first, so that the JIT has compiled the paths being measured.
  "$parley" bench "$target" "${extra[@]}" "${bench_args[@]}" --warmup 2s --duration 6s >/dev/null 2>&1 || true
  for p in "$@"; do before[$p]=$(cpu "$p"); done
  echo "== $label"
  "$parley" bench "$target" "${extra[@]}" "${bench_args[@]}" --warmup 1s --duration 5s 2>&1 | grep -E "^  (deliveries|throughput|latency|sequence|lag)|result" || true
  report "$label (processes: $*)" "$@"
}

# 1. one node, local mode
pa=$(free_port); start_node "$pa"; A=$NODE_PID
measure "single node, local mode" "127.0.0.1:$pa" "" "$A"
kill "$A"; wait "$A" 2>/dev/null || true

# 2. one node, cluster mode (posts go through JetStream and come back)
start_nats
pa=$(free_port); start_node "$pa" --cluster "$NATS_URL"; A=$NODE_PID
measure "single node, cluster mode" "127.0.0.1:$pa" "" "$A" "$NATS_PID"

# 3. two nodes: subscribers on A, publishers through B
pb=$(free_port); start_node "$pb" --cluster "$NATS_URL"; B=$NODE_PID
measure "two nodes (subs on A, pubs via B)" "127.0.0.1:$pa" "127.0.0.1:$pb" "$A" "$B" "$NATS_PID"
