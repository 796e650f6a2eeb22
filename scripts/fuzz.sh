#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and UBSan in build/fuzz,
# and runs each on its committed seed corpus for SECONDS (default 60).
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     targets: reader decoder fields document api xlsx (all by default)
# New inputs the fuzzer finds go to build/fuzz/corpus/<target>/ (not committed; FUZZ_WORK=DIR puts
# them in DIR/<target>/ instead, which scripts/test.sh uses to start from the seeds each time, so
# that its run time does not grow with the corpus of earlier runs). A crash or a broken
# invariant stops that target; its input is saved in build/fuzz/crashes/<target>/ and its path
# printed. Replay one with: build/fuzz/fuzz_<target> <path>. Exits non-zero if any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(reader decoder fields document api xlsx)
JOBS=${JOBS:-2}
case "$SECS" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, got '$SECS'" >&2; exit 2 ;; esac
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found; run scripts/deps.sh (installs clang and libclang-rt-14-dev)" >&2; exit 2; }

echo "== fuzz build (clang, ASan+UBSan, build/fuzz)"
cmake -S tests/fuzz -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ >/dev/null || { echo "fuzz: configure failed" >&2; exit 2; }
cmake --build build/fuzz -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}" >build/fuzz/build.log 2>&1 ||
  { tail -40 build/fuzz/build.log; echo "fuzz: build failed (build/fuzz/build.log)" >&2; exit 2; }

# Stack traces with file:line (llvm-14 comes with emscripten; the plain llvm-symbolizer name may not).
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
pass=0 fail=0
for t in "${TARGETS[@]}"; do
  seeds=tests/fuzz/corpus/$t work=${FUZZ_WORK:-build/fuzz/corpus}/$t crashes=build/fuzz/crashes/$t log=build/fuzz/$t.log
  [ -d "$seeds" ] || { echo "fuzz_$t: no seed corpus at $seeds"; fail=$((fail + 1)); continue; }
  mkdir -p "$work" "$crashes"
  # The first corpus directory receives new inputs: the working copy, never the committed seeds.
  # -timeout: one input running this long is a hang (a failure), not a slow machine.
  "build/fuzz/fuzz_$t" -max_total_time="$SECS" -timeout=60 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(grep -aoE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  speed=$(grep -aoE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  if [ $rc -eq 0 ]; then
    echo "fuzz_$t: ok, ${runs:-?} runs in ${SECS}s (${speed:-?} exec/s), corpus $(ls "$work" | wc -l) inputs"
    pass=$((pass + 1))
  else
    input=$(grep -aoE 'Test unit written to .*' "$log" | tail -1 | sed 's/^Test unit written to //')
    echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs"
    grep -aE 'INVARIANT FAILED|^    \(|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" | head -8 | sed 's/^/  /'
    echo "  input: ${input:-(none written; see $log)}"
    echo "  log:   $log"
    fail=$((fail + 1))
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
