#!/usr/bin/env bash
# Many connections held at once on this machine, past what one process may open: a cluster of
# Parley nodes (one nats-server between them), each with its own `parley bench --scenario idle`.
#   bench/connections.sh [TOTAL [HOLD_SECONDS]]      default 100000 connections, held 60 s
#
# Why several processes: every process has an open-files hard limit (`ulimit -Hn`), and only a
# process allowed to raise it (CAP_SYS_RESOURCE outside a container) can go past it. The bench
# raises its soft limit to the hard one itself; where the hard limit is below TOTAL, the connections
# are spread over as many nodes as it takes. A plain-TCP connection is two descriptors in the
# server (the socket, and the duplicate its writers and the idle set use), one in the bench.
#
# Every bench verifies each of its connections with a post, which goes through the cluster bus
# (NATS JetStream) and back to the node, then holds them. Once the nodes count TOTAL established connections,
# the script reads every node's RSS and prints: connections held at once, the nodes' RSS summed,
# and RSS growth per connection over the nodes' RSS before connecting. Then each bench's JSON
# report. STAGGER=S sets the seconds between the benches' starts (default 8), PER_NODE=N caps the
# connections of one node (more nodes: CI's smoke run uses it). Loopback only; everything it
# starts is stopped by PID when it ends. Needs nats-server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
parley="$here/parley"
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats" ] || { echo "connections.sh: nats-server not found (apt-get install nats-server)" >&2; exit 1; }
total=${1:-100000}
hold=${2:-60}
groups=100
stagger=${STAGGER:-8}   # seconds between the benches' starts

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
per_node=$(( (hard - 500) / 2 ))            # descriptors left for connections in one node
[ -n "${PER_NODE:-}" ] && [ "$PER_NODE" -lt "$per_node" ] && per_node=$PER_NODE
nodes=$(( (total + per_node - 1) / per_node ))

pids=()
work=$(mktemp -d)
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
established() {  # connections the nodes hold: server-side sockets on the node ports
  local filter=""; for p in "${ports[@]}"; do filter+="${filter:+ or }sport = :$p"; done
  ss -tnH state established "( $filter )" | wc -l
}

echo "open-files hard limit $hard: $total connections over $nodes node(s), $groups groups, held ${hold}s"
"$parley" --version >/dev/null   # build first

natsport=$(free_port)
"$nats" -a 127.0.0.1 -p "$natsport" -js -sd "$work/nats" >/dev/null 2>&1 & pids+=($!)
wait_port "$natsport"

ports=(); nodepids=()
start_node() {
  local port; port=$(free_port)
  "$parley" server "127.0.0.1:$port" --http off --cluster "nats://127.0.0.1:$natsport" \
      --max-connections "$(( per_node + 10 ))" >"$work/node-$port.log" 2>&1 & pids+=($!)
  ports+=("$port"); nodepids+=($!)
}
start_node; wait_port "${ports[0]}"   # the first start may train the start-up cache; then the rest
for _ in $(seq 2 "$nodes"); do start_node; done
for p in "${ports[@]}"; do wait_port "$p" || { echo "a node did not start: $(cat "$work/node-$p.log")" >&2; exit 1; }; done
sleep 2
base_kb=0; for p in "${nodepids[@]}"; do base_kb=$(( base_kb + $(rss_kb "$p") )); done

# The benches start $stagger s apart, each holding that much longer than the next, so that they
# connect and verify one at a time (all at once, 2 cores are shared by every JVM and nats-server,
# and JetStream's acknowledgements of the verification posts come later than the nodes wait for)
# and still all hold together for the last HOLD seconds.
benchpids=()
for i in $(seq 0 $(( nodes - 1 ))); do
  [ "$i" = 0 ] || sleep "$stagger"
  n=$(( total / nodes + (i < total % nodes ? 1 : 0) ))
  "$parley" bench "127.0.0.1:${ports[$i]}" --scenario idle --conns "$n" --groups "$groups" \
      --hold "$(( hold + (nodes - 1 - i) * stagger ))s" --server-pid "${nodepids[$i]}" --json \
      >"$work/bench-$i.json" 2>"$work/bench-$i.err" & pids+=($!)
  benchpids+=($!)
done

# Wait until every connection is up at once, then sample (at most the hold plus 10 min).
deadline=$(( SECONDS + hold + 600 )); held=0
while [ $SECONDS -lt $deadline ]; do
  held=$(established)
  [ "$held" -ge "$total" ] && break
  ended=0; for b in "${benchpids[@]}"; do kill -0 "$b" 2>/dev/null || ended=1; done
  [ $ended = 0 ] || break   # a bench that ended before every connection was up has failed
  sleep 1
done
sleep 3   # verification posts still in flight settle
held=$(established)
rss_total_kb=0; for p in "${nodepids[@]}"; do rss_total_kb=$(( rss_total_kb + $(rss_kb "$p") )); done

status=0
for i in "${!benchpids[@]}"; do wait "${benchpids[$i]}" || status=1; done
for i in "${!benchpids[@]}"; do
  cat "$work/bench-$i.json"
  [ -s "$work/bench-$i.json" ] || { echo "bench $i: $(tail -3 "$work/bench-$i.err")"; status=1; }
done
python3 - "$total" "$held" "$nodes" "$base_kb" "$rss_total_kb" "$work" <<'EOF' || status=1
import json, sys, glob
total, held, nodes, base_kb, rss_kb = (int(a) for a in sys.argv[1:6])
work = sys.argv[6]
reports = [json.load(open(f)) for f in sorted(glob.glob(work + "/bench-*.json")) if open(f).read().strip()]
verified = sum(r.get("verified", 0) for r in reports)
clean = len(reports) == nodes and all(r.get("clean") for r in reports)
growth = (rss_kb - base_kb) * 1024
print(f"connections requested {total:,}, held at once {held:,} over {nodes} nodes, verified {verified:,}")
print(f"nodes' RSS: {base_kb/1024:.1f} MB before connecting, {rss_kb/1024:.1f} MB holding"
      + (f" ({rss_kb*1024/held:,.0f} B per connection, all in)" if held else ""))
if held:
    print(f"RSS growth per connection: {growth/held:,.0f} B")
print("result: " + ("clean" if clean and held >= total else "PROBLEMS (see the reports above)"))
sys.exit(0 if clean and held >= total else 1)
EOF
exit $status
