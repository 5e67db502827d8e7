#!/usr/bin/env bash
# hostile.sh: builds the Release hostile_bench, lingjid, lingji-relay and lingji-hostile, and
# measures finality, memory and bans while each flood of lingji-hostile runs against one node of
# 7 (101 producers, links delayed 50 ms), for docs/performance.md "Hostile peers".
#
# Environment (defaults in brackets): SECONDS_PER_FLOOD [20], TARGET [3], MODES [all].
# Builds take /tmp/build.lock (shared with other builds); the run does not.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-release"
LOCK=/tmp/build.lock
SECONDS_PER_FLOOD=${SECONDS_PER_FLOOD:-20}
TARGET=${TARGET:-3}
MODES=${MODES:-all}

section() { printf '\n==== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

section "build (Release)"
cd "$ROOT"
# The same GCC 12 -O3 false positives as in run_all.sh stay warnings.
configure=(cmake --preset release)
if ! grep -q '^CMAKE_CXX_FLAGS:STRING=.' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  configure+=("-DCMAKE_CXX_FLAGS=-Wno-error=restrict -Wno-error=array-bounds -Wno-error=stringop-overflow -Wno-error=stringop-overread -Wno-error=maybe-uninitialized")
fi
flock "$LOCK" "${configure[@]}" > /dev/null
show flock "$LOCK" ninja -C build-release hostile_bench lingjid lingji-relay lingji-hostile
flock "$LOCK" ninja -C build-release hostile_bench lingjid lingji-relay lingji-hostile | tail -1

section "machine"
show nproc; nproc
lscpu | grep 'Model name' || true
uptime
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

section "floods"
args=(--seconds "$SECONDS_PER_FLOOD" --target "$TARGET" --modes "$MODES")
show build-release/bin/hostile_bench "${args[@]}"
"$BUILD/bin/hostile_bench" "${args[@]}"
uptime
