#!/usr/bin/env bash
# catchup.sh: how fast a new node catches up from a peer over P2P. An API node serves an existing
# chain (a `pipeline_bench --keep` data dir); a fresh node with the same genesis dials it and
# syncs from zero (batches of blocks, signatures checked on all cores, every rule applied).
# Prints blocks/s and transactions/s, and checks that both nodes end on the same state root.
#
#   bench/catchup.sh CHAIN_DATA_DIR GENESIS_JSON [TRANSACTIONS]
# (bench/run_all.sh section 5 passes the pipeline's chain and its transaction count; without it
# the count is read block by block from the API, which takes a while on a big chain.)
# Uses build-release/bin/lingjid; the chain dir is only read (a copy is served).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LINGJI_BIN:-$ROOT/build-release/bin}  # LINGJI_BIN=build/bin to try it on a Debug build
CHAIN=$1
GENESIS=$2
WORK=$(mktemp -d /tmp/lingji-catchup-XXXXXX)
PIDS=()
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts lingjid with the given arguments, logging to $WORK/$1.out; sets API and PEER_PORT.
start_node() {
  local name=$1; shift
  "$BIN/lingjid" --http 127.0.0.1:0 --listen 127.0.0.1:0 "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  PIDS+=($!)
  API=""; PEER_PORT=""
  for _ in $(seq 200); do
    API=$(grep -o 'API on http://[0-9.]*:[0-9]*' "$WORK/$name.out" 2>/dev/null | head -1 | sed 's/API on //' || true)
    PEER_PORT=$(grep -o 'peers on 127.0.0.1:[0-9]*' "$WORK/$name.out" 2>/dev/null | head -1 | sed 's/.*://' || true)
    [[ -n "$API" && -n "$PEER_PORT" ]] && return 0
    sleep 0.1
  done
  echo "lingjid ($name) did not start:"; cat "$WORK/$name.err"; exit 1
}
info() { curl -s "$1/v1/info" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$2'])"; }

cp -r "$CHAIN" "$WORK/source"
start_node source --data-dir "$WORK/source"
SOURCE_API=$API
SOURCE_PEER=$PEER_PORT
HEAD=$(info "$SOURCE_API" head_height)
TXS=${3:-$(python3 - "$SOURCE_API" "$HEAD" <<'PY'
import json, sys, urllib.request
api, head = sys.argv[1], int(sys.argv[2])
print(sum(json.load(urllib.request.urlopen(f"{api}/v1/blocks/{h}"))["transaction_count"] for h in range(1, head + 1)))
PY
)}
echo "source: head $HEAD, $TXS transactions"

start=$(date +%s%N)
start_node fresh --data-dir "$WORK/fresh" --genesis "$GENESIS" --peer "127.0.0.1:$SOURCE_PEER"
FRESH_API=$API
while (( $(info "$FRESH_API" head_height) < HEAD )); do sleep 0.1; done
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "fresh node synced $HEAD blocks, $TXS transactions in $ms ms (process start to head, polled every 100 ms)"
python3 -c "print(f'catch-up: {$HEAD*1000/$ms:.1f} blocks/s, {$TXS*1000/$ms:.0f} tx/s')"
[[ $(info "$FRESH_API" head_state_root) == $(info "$SOURCE_API" head_state_root) ]] || { echo "state roots differ"; exit 1; }
echo "state roots match"
