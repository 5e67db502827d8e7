#!/usr/bin/env bash
# finality.sh: builds the Release finality_bench and lingjid and measures time to finality on
# real lingjid processes on 127.0.0.1 (bench/finality_bench.cpp), printing the machine, each
# command and its output, for docs/performance.md:
#
#   1. 21 producers on 4 nodes, direct loopback links
#   2. 101 producers on 7 nodes, direct
#   3. 21 producers on 4 nodes, every link through the relay with 50 ms each way
#   4. 101 producers on 7 nodes, the same
#
# Environment (defaults in brackets): BLOCKS [40] blocks measured per run, DELAY_MS [50].
# Builds take /tmp/build.lock (shared with other builds); the runs do not.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-release"
LOCK=/tmp/build.lock
BLOCKS=${BLOCKS:-40}
DELAY_MS=${DELAY_MS:-50}

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
show flock "$LOCK" ninja -C build-release finality_bench lingjid
flock "$LOCK" ninja -C build-release finality_bench lingjid | tail -1

section "machine"
show nproc; nproc
lscpu | grep 'Model name' || true
uptime
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

n=0
for delay in 0 "$DELAY_MS"; do
  for net in "21 4" "101 7"; do
    read -r producers nodes <<< "$net"
    n=$((n + 1))
    args=(--producers "$producers" --nodes "$nodes" --blocks "$BLOCKS")
    [[ "$delay" != 0 ]] && args+=(--delay-ms "$delay")
    section "$n. $producers producers on $nodes nodes, links delayed $delay ms each way"
    show build-release/bin/finality_bench "${args[@]}"
    "$BUILD/bin/finality_bench" "${args[@]}"
    uptime
  done
done
