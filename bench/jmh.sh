#!/usr/bin/env bash
# Builds Parley's JMH micro-benchmarks (Maven profile `jmh` -> target/benchmarks.jar) and runs them.
#
#   bench/jmh.sh                      every benchmark: 1 fork, 3 x 1 s warm-up, 5 x 1 s measured (about 2 minutes)
#   bench/jmh.sh CodecBench           only benchmarks matching a regular expression
#   bench/jmh.sh BroadcastBench.send -p receivers=100
#   bench/jmh.sh -l                   list them; any JMH option passes through (-h lists all)
#
# Settings you give replace the defaults above. Results also go to target/jmh-result.json.
# The machine's other work skews the numbers: compare runs made back to back on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/target/benchmarks.jar"

find_jdk() {
  local major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/temurin-25*; do
    [ -x "$d/bin/javac" ] && { echo "$d"; return 0; }
  done
  echo "jmh.sh: JDK 25 not found: set JAVA_HOME to a JDK 25 or newer" >&2
  return 1
}
JAVA_HOME=$(find_jdk)
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/src/jmh" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "jmh.sh: building target/benchmarks.jar..." >&2
  (cd "$root" && mvn -q -B -P jmh package -Dmaven.test.skip=true) >&2
fi

# Defaults, each used only when the caller did not give that option.
defaults=()
has() { local o; for o in "${@:2}"; do [ "$o" = "$1" ] && return 0; done; return 1; }
has -f "$@"   || defaults+=(-f 1)
has -wi "$@"  || defaults+=(-wi 3)
has -w "$@"   || defaults+=(-w 1s)
has -i "$@"   || defaults+=(-i 5)
has -r "$@"   || defaults+=(-r 1s)
has -rf "$@"  || defaults+=(-rf json)
has -rff "$@" || defaults+=(-rff "$root/target/jmh-result.json")

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar "$jar" "${defaults[@]}" "$@"
