#!/usr/bin/env bash
# Runs scripts/test.sh several times in a row with CPU-burning processes beside it, as on a busy
# 2-core CI machine: a test that waits on a wall-clock window instead of a condition shows up here.
#   scripts/stress_tests.sh [RUNS=5] [BURNERS=2]
# Exits non-zero at the first failing run (its logs stay in build/test-logs/).
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BURNERS=${2:-2}
burners=()
stop_burners() { for p in "${burners[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_burners EXIT INT TERM
for _ in $(seq "$BURNERS"); do (while :; do :; done) & burners+=($!); done
mkdir -p build
echo "stress: $RUNS runs of scripts/test.sh beside $BURNERS CPU burners"
for i in $(seq "$RUNS"); do
  start=$(date +%s)
  if scripts/test.sh > "build/stress-run-$i.log" 2>&1; then
    echo "stress: run $i passed in $(( $(date +%s) - start )) s: $(grep '^total:' "build/stress-run-$i.log")"
  else
    echo "stress: run $i FAILED after $(( $(date +%s) - start )) s (log: build/stress-run-$i.log):"
    grep -aE 'failed suites|^total:|✖|FAIL|Failure' "build/stress-run-$i.log" | head -30
    exit 1
  fi
done
echo "stress: all $RUNS runs passed"
