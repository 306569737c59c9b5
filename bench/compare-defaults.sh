#!/usr/bin/env bash
# The shared fan-out comparison (../shared/bench/compare.sh) against the server as shipped: the
# launcher's defaults, the store on in a fresh data folder for every server start (compare.sh
# starts one per scenario), the memory budget at its default. Options before -- go to compare.sh;
# words after -- are added to Parley's command line.
#   bench/compare-defaults.sh                                      Parley, Redis and NATS, a, b and c
#   bench/compare-defaults.sh --servers parley --scenarios a,b     Parley alone, two scenarios
#   bench/compare-defaults.sh --servers parley -- --data none      the same against the in-memory server
# COMPARE=PATH names compare.sh when it is not at ../shared/bench/compare.sh beside the checkout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compare=${COMPARE:-$here/../shared/bench/compare.sh}
[ -x "$compare" ] || { echo "compare.sh not found at $compare; set COMPARE=PATH" >&2; exit 2; }
opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
extra=("$@")
data=$(mktemp -d "${TMPDIR:-/tmp}/parley-compare.XXXXXX"); trap 'rm -rf "$data"' EXIT
# Build (and train the AOT cache) before the first timed start, as a user's second start would be.
"$here/parley" server --help >/dev/null
store=(--data "$data/data-{port}")
case " ${extra[*]:-} " in *" --data "*) store=() ;; esac
"$compare" "${opts[@]}" -- "$here/parley" server '127.0.0.1:{port}' "${store[@]}" "${extra[@]}"
