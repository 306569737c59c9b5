#!/usr/bin/env bash
# Builds the jcstress tests of the broadcast ring and of a connection's writer role
# (src/jcstress/java, Maven profile `jcstress`) into target/jcstress.jar and runs them all (or those
# -t selects). Exits non-zero if any test has a forbidden outcome, an error, or if no test ran at all.
#
#   scripts/jcstress.sh                  short mode, as CI runs it: -time 100 -iters 1 -f 1 -fsm 1
#                                        (about 13 s a test on 2 cores)
#   scripts/jcstress.sh --long           jcstress's own default mode: minutes a test, far more samples
#   scripts/jcstress.sh -t TwoSenders    any jcstress options (short mode unless --long is given)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
  for d in /usr/lib/jvm/temurin-25*; do [ -x "$d/bin/javac" ] && JAVA_HOME=$d && break; done
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

mode=(-time 100 -iters 1 -f 1 -fsm 1)
args=()
for a in "$@"; do
  if [ "$a" = "--long" ]; then mode=(); else args+=("$a"); fi
done

echo "jcstress: building target/jcstress.jar" >&2
mvn -q -B -Pjcstress -Dmaven.test.skip=true package

out=target/jcstress-results
rm -rf "$out"
mkdir -p "$out"
log="$out/console.txt"
: >"$log" # exists before tail follows it
set +e
# Run inside the results folder: jcstress drops its result blob in the working directory.
(cd "$out" && exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar "$here/target/jcstress.jar" "${mode[@]}" ${args[@]+"${args[@]}"} -r . -v) >"$log" 2>&1 &
pid=$!
# Progress while it runs (the full console output is in $log), then the per-test outcome tables.
tail -n +1 -f "$log" --pid "$pid" | grep --line-buffered -E '^\(Results:|\[FAILED\]|\[ERROR\]|Exception' || true
wait "$pid"
rc=$?
sed -n '/^RUN RESULTS/,$p' "$log"
set -e

# The last progress line counts results: "(Results: 14 planned; 14 passed, 0 failed, 0 soft errs, 0 hard errs)".
# A jar without a TestList runs nothing, so "0 planned" (or no such line) is a failure too.
summary=$(grep -oE 'Results: [0-9]+ planned; [0-9]+ passed, [0-9]+ failed, [0-9]+ soft errs, [0-9]+ hard errs' "$log" | tail -1 || true)
passed=$(echo "$summary" | sed -nE 's/.* ([0-9]+) passed.*/\1/p')
if [ -z "$summary" ] || [ "${passed:-0}" -eq 0 ]; then
  echo "jcstress: no test ran (is the TestList in target/jcstress.jar?)" >&2
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "jcstress: FAILED (exit $rc): a forbidden outcome or an error; see $out/index.html" >&2
  exit "$rc"
fi
echo "jcstress: OK: $summary; report in $out/index.html" >&2
