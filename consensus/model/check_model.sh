#!/usr/bin/env bash
# Model-checks the finality rules of shared/CONSENSUS.md with Debian's `spin` (apt-get install
# spin): finality.pml (voting and finality) and set_change.pml (the producer-set change) must
# verify with no error in a complete search, and every mutant and sanity witness must end in the
# assertion it is meant to break. One summary line per run, then "N passed, N failed".
#   consensus/model/check_model.sh                about 1 min on an idle 2-core machine
#                                                 (2 searches at a time, < 1.5 GB together)
#   MODEL_DEEP=1 consensus/model/check_model.sh   adds the 7-slot correct runs (+1.5 min, 1.6 GB)
#   MODEL_JOBS=1 ...                              one search at a time (default 2)
#   MODEL_KEEP=1 ...                              keeps the work directory (pan output, trails;
#                                                 replay one with `spin <flags> -t -p model.pml`)
#   PAN_CFLAGS="-O2" ...                          compiler flags for pan (default -O0: pan.c is
#                                                 large and the searches are short)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

for tool in spin gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check_model.sh: '$tool' not found; install it (Debian: apt-get install -y $tool)" >&2
    exit 2
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/lingji-model.XXXXXX")"
if [ "${MODEL_KEEP:-0}" = 1 ]; then
  echo "work directory: $work"
else
  trap 'rm -rf "$work"' EXIT
fi
cflags="${PAN_CFLAGS:--O0}"
jobs_max="${MODEL_JOBS:-2}"

# run_one NAME MODEL EXPECT FLAGS...   (in the background; writes $work/NAME/{line,status})
#   EXPECT is "ok" (no error, complete search) or the name of the assertion expression that the
#   first error must violate.
run_one() {
  local name=$1 model=$2 expect=$3
  shift 3
  local dir="$work/$name"
  local t0 t1 verdict=FAIL why="" errors="" states="" depth=""
  t0=$(date +%s.%N)
  cp "$here/$model" "$here/enum.h" "$dir/"
  if ! (cd "$dir" && spin "$@" -a "$model" >spin.out 2>&1); then
    why="spin -a failed: $(tail -n 3 "$dir/spin.out" | tr '\n' ' ')"
  elif ! (cd "$dir" && gcc $cflags -DSAFETY -DCOLLAPSE -DMEMLIM=4096 -w -o pan pan.c \
            >gcc.out 2>&1); then
    why="gcc failed: $(tail -n 3 "$dir/gcc.out" | tr '\n' ' ')"
  else
    # Stops at the first error (default -c1); -m: a depth bound far above the models' depth.
    (cd "$dir" && ./pan -m100000 -w23 >pan.out 2>&1) || true
    local out="$dir/pan.out"
    errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
    states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$out" | head -n 1)
    depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$out" | head -n 1)
    if [ -z "$errors" ]; then
      why="no result from pan: $(tail -n 3 "$out" | tr '\n' ' ')"
    elif [ "$expect" = ok ]; then
      if [ "$errors" != 0 ]; then
        why="$(grep -m1 -E 'assertion violated|invalid end state|error' "$out")"
      elif grep -q -E 'Search not completed|max search depth too small|out of memory' "$out"; then
        why="search incomplete: $(grep -m1 -E 'Search not completed|max search depth|out of memory' "$out")"
      else
        verdict=ok
      fi
    elif [ "$errors" = 0 ]; then
      why="expected a violation of '$expect', none found"
    elif grep -q "assertion violated $expect\b" "$out"; then
      verdict=ok
    else
      why="wrong error: $(grep -m1 -E 'violated|invalid end state|error' "$out")"
    fi
  fi
  t1=$(date +%s.%N)
  local secs want="errors: 0"
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  [ "$expect" = ok ] || want="violates $expect"
  {
    printf '%-4s %-30s %-30s states=%-9s depth=%-4s errors=%-2s %6ss  [%s]\n' \
      "$([ $verdict = ok ] && echo PASS || echo FAIL)" "$name" "$want" "${states:-?}" \
      "${depth:-?}" "${errors:-?}" "$secs" "$*"
    if [ $verdict != ok ]; then
      echo "     $why"
      [ -f "$dir/pan.out" ] && tail -n 25 "$dir/pan.out" | sed 's/^/     | /'
    fi
  } >"$dir/line"
  echo "$verdict" >"$dir/status"
}

names=()
run() {  # run NAME MODEL EXPECT FLAGS...: queued, started when a job slot is free
  local name=$1
  names+=("$name")
  mkdir -p "$work/$name"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_one "$@" &
}

# Bounds (see the headers of the models). finality.pml: N=4, f=1 (key 3), Q=3, slots 1..NS.
# set_change.pml: S={0,1,2,3}, S'={0,1,2,4}, Q=3 of each, one faulty key per set.
# Correct runs use -DFULL_CHECK with MAXB one above what they need: the assertion that the block
# array never fills up then shows that MAXB limits nothing. BYZPER keeps its default (the number
# of honest keys), which limits nothing either, except in runs that must fail, where a smaller
# BYZPER only makes the search shorter. The longest runs are started first.
run sc_correct_shared_faulty   set_change.pml ok  -DNS=6 -DMAXB=12 -DFULL_CHECK
run sc_mutant_pend_only_s      set_change.pml no_conflicting_final -DNS=7 -DMAXB=13 -DBYZPER=2 -DPEND_ONLY_S
run sc_witness_new_final_slot5 set_change.pml witness -DNS=6 -DMAXB=11 -DBYZPER=1 -DNEW_FINAL_AT=5
run correct_any_proposer       finality.pml   ok  -DNS=5 -DMAXB=9 -DANY_PROPOSER -DFULL_CHECK
run sc_mutant_early            set_change.pml no_conflicting_final -DNS=6 -DMAXB=11 -DBYZPER=2 -DSC_EARLY
run sc_mutant_pend_only_sp     set_change.pml no_conflicting_final -DNS=6 -DMAXB=11 -DBYZPER=2 -DPEND_ONLY_SP
run sc_correct_new_faulty      set_change.pml ok  -DNS=6 -DMAXB=12 -DFULL_CHECK -DFAULTY_NEW
run correct                    finality.pml   ok  -DNS=6 -DMAXB=10 -DFULL_CHECK
run witness_final_slot5        finality.pml   witness -DNS=6 -DMAXB=9 -DFINAL_AT=5
run witness_fork               finality.pml   witness -DNS=6 -DMAXB=9 -DFORK_WITNESS
run mutant_no_slot_plus_one    finality.pml   no_conflicting_final -DNS=6 -DMAXB=9 -DNO_SLOT_PLUS_ONE
run mutant_persist_after_send  finality.pml   no_conflicting_final -DNS=6 -DMAXB=9 -DPERSIST_AFTER_SEND
run mutant_no_lock_check       finality.pml   no_conflicting_final -DNS=6 -DMAXB=9 -DNO_LOCK_CHECK
run mutant_lock_reset          finality.pml   no_conflicting_final -DNS=6 -DMAXB=9 -DLOCK_RESET
if [ "${MODEL_DEEP:-0}" = 1 ]; then
  run deep_sc_correct          set_change.pml ok  -DNS=7 -DMAXB=14 -DFULL_CHECK
  run deep_correct             finality.pml   ok  -DNS=7 -DMAXB=11 -DFULL_CHECK
fi
wait

pass=0
fail=0
for name in "${names[@]}"; do
  cat "$work/$name/line" 2>/dev/null || echo "FAIL $name: no result"
  if [ "$(cat "$work/$name/status" 2>/dev/null)" = ok ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
done
echo "consensus models: $pass passed, $fail failed"
[ $fail -eq 0 ]
