#!/usr/bin/env bash
# Fuzzes each Jazzer target for a bounded time, one target per JVM (Jazzer fuzzes one @FuzzTest per
# run). A finding fails the run; Jazzer saves the input that caused it under
# src/test/resources/parley/fuzz/<Class>Inputs/<method>/ so the normal test run replays it from then on.
# New corpus entries go to .cifuzz-corpus/ (git-ignored), so repeated runs pick up where they left off.
#
#   scripts/fuzz.sh              20 s per target (what CI runs: about a minute of fuzzing in all)
#   scripts/fuzz.sh 10m          ten minutes per target (the longer run in docs/reliability.md)
#   scripts/fuzz.sh 30s CodecFuzzTest#decodeRequest   one target
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
  for d in /usr/lib/jvm/temurin-25*; do [ -x "$d/bin/javac" ] && JAVA_HOME=$d && break; done
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

duration=${1:-20s}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(CodecFuzzTest#decodeRequest CodecFuzzTest#decodeReply SessionFuzzTest#requests)
fi

mvn -q -B test-compile
mkdir -p target/fuzz
total=0
for t in "${targets[@]}"; do
  log="target/fuzz/${t//#/.}.log"
  echo "fuzz: $t for $duration" >&2
  if ! JAZZER_FUZZ=1 mvn -B surefire:test -Dtest="$t" -Djazzer.max_duration="$duration" >"$log" 2>&1; then
    grep -vE '^INFO: Instrumented' "$log" | tail -60 >&2
    echo "fuzz: $t FAILED: a finding (the input is saved under src/test/resources/parley/fuzz/), or a build error; full log in $log" >&2
    exit 1
  fi
  runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
  secs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/p' "$log" | tail -1)
  if [ -z "$runs" ]; then
    tail -40 "$log" >&2
    echo "fuzz: $t did not fuzz (no 'Done N runs' line); full log in $log" >&2
    exit 1
  fi
  cov=$(grep -oE '^#[0-9]+\s+DONE\s+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | sed -E 's/^#[0-9]+\s+DONE\s+//')
  echo "fuzz: $t: $runs inputs in ${secs}s, no finding (${cov:-coverage n/a})" >&2
  total=$((total + runs))
done
echo "fuzz: OK: $total inputs fuzzed over ${#targets[@]} targets, no finding" >&2
