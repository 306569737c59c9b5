#!/usr/bin/env bash
# How long `parley server` takes to listen with a large store, and its RSS, against an empty store.
#   bench/store-open.sh [MESSAGES] [GROUPS]     (default 1,000,000 over 10,000; docs/store.md has the numbers)
#   STORE_DIR=DIR bench/store-open.sh           reuse (or keep) the filled store in DIR
# Fills a store in a temporary directory with parley.store.FillStore (test classes), then starts
# the server on it three times, timing until the chat port accepts, and reads VmRSS after 3 s.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
messages=${1:-1000000}; groups=${2:-10000}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java="$JAVA_HOME/bin/java"
cd "$here"
[ -d target/test-classes/parley/store ] || mvn -o -q -B test-compile
cp=$(mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout 2>/dev/null)
cp="target/classes:target/test-classes:$cp"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
big=${STORE_DIR:-$tmp/big}
[ -f "$big/parley.db" ] || "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" parley.store.FillStore "$big" "$messages" "$groups"
mkdir -p "$tmp/empty"
du -sh "$big"
run() { # $1 data dir, $2 label, $3 signal to stop with (TERM; KILL leaves an unclean stop for the next run)
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local t0; t0=$(date +%s%N)
  "$java" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -Xmx512m \
    -XX:+UseG1GC -cp "$cp" parley.cli.Main server "127.0.0.1:$port" --http off --data "$1" 2>"$tmp/err" &
  local pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.01; done
  local t1; t1=$(date +%s%N)
  sleep 3
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -"${3:-TERM}" "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-18s listening after %4d ms, RSS after 3 s %6d KB   %s\n' "$2" $(( (t1 - t0) / 1000000 )) "$rss" \
    "$(grep -o 'store.opened.*' "$tmp/err" | head -1)"
}
for i in 1 2 3; do run "$tmp/empty" empty; run "$big" big; done
run "$big" big KILL; run "$big" 'big after kill -9'
