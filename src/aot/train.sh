#!/usr/bin/env bash
# Makes Parley's ahead-of-time cache: runs a server with -XX:AOTCacheOutput under a short load from
# the bundled bench (a fan-out and a many-groups run), then stops it; the JVM writes the cache as
# it exits. Called by the launcher after a build.
#   usage: train.sh JAVA JAR CACHE JVM_OPTION...
set -euo pipefail
java=$1 jar=$2 cache=$3
shift 3
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
"$java" "$@" -XX:AOTCacheOutput="$cache" -jar "$jar" server 127.0.0.1:0 --http 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
address=
for _ in $(seq 1 300); do
  address=$(sed -n 's/.* server\.started .*address=\([0-9.]*:[0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$address" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "training server did not start"; cat "$log"; exit 1; }
# The load only has to run the hot path: its verdict does not matter. On a busy machine the bench
# reports lag and exits non-zero, which under set -e ended the training without a cache.
bench() { timeout 60 "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" bench "$address" --duration 3s --warmup 1s "$@" || true; }
bench --scenario fanout --rate 3000
bench --scenario groups --rate 5000
kill -TERM "$pid"
wait "$pid" || true
cat "$log"
[ -s "$cache" ]
