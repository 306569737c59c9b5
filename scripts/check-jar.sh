#!/usr/bin/env bash
# Checks what the shaded jar must carry beyond its classes (run by .ci/run after the tests built it).
#   usage: scripts/check-jar.sh [JAR]      default target/parley.jar
# Helidon's metadata: every Helidon module's META-INF/helidon/manifest must be appended into one.
# With one module's list left (what shading does by default), Helidon finds the jar "unmerged" and
# scans it instead, opening the whole jar as a zip file system once per metadata file on a thread of
# its own after start: about 150 MB of garbage and a young collection or two, in a new server's
# first seconds (docs/performance.md, "A fresh server's first seconds").
set -euo pipefail
jar=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/parley.jar"}
manifest=$(unzip -p "$jar" META-INF/helidon/manifest)
headers=$(grep -c '^#HELIDON MANIFEST#$' <<<"$manifest" || true)
[ "$headers" -ge 2 ] || { echo "check-jar: $jar: META-INF/helidon/manifest is one module's ($headers header); see the AppendingTransformer in pom.xml" >&2; exit 1; }
missing=0
while read -r f; do
  case $f in ''|'#'*) continue ;; esac
  unzip -l "$jar" "$f" >/dev/null 2>&1 || { echo "check-jar: $f is listed but not in the jar" >&2; missing=1; }
done <<<"$manifest"
[ "$missing" = 0 ] || exit 1
for module in io.helidon.webserver io.helidon.webserver.websocket io.helidon.common.mapper; do
  grep -q "META-INF/helidon/$module/" <<<"$manifest" || { echo "check-jar: $module's metadata is not listed" >&2; exit 1; }
done
echo "check-jar: Helidon's manifest merges $headers modules' lists; every listed file is in the jar"
