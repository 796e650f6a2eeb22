#!/usr/bin/env bash
# One command: install what is missing, build, run every test suite, print each suite's counts.
#   native GoogleTest (ctest)  ·  the same suites as wasm under Node (ctest)  ·  the native suites
#   again under ASan+UBSan (build/asan)  ·  CLI and sandbox API (unittest)  ·  libFuzzer targets, a
#   few seconds each (scripts/fuzz.sh, build/fuzz)  ·  browser end-to-end (node --test,
#   playwright-core driving /usr/bin/chromium)
# Exits non-zero when any suite fails. FUZZ_SECONDS (default 5) sets the time per fuzz target.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh || exit 1
scripts/build.sh || { echo "test: build failed"; exit 1; }

logs=build/test-logs
mkdir -p "$logs"
total_pass=0 total_fail=0 failed_suites=()

# gtest_counts LOG -> "passed failed" summed over every GoogleTest executable in the log
gtest_counts() {
  local p f
  # ctest -V prefixes each line of a test's output with "N: ".
  p=$(grep -aoE '^([0-9]+: )?\[  PASSED  \] [0-9]+ test' "$1" | grep -oE '[0-9]+ test' | awk '{s+=$1} END {print s+0}')
  f=$(grep -aoE '^([0-9]+: )?\[  FAILED  \] [0-9]+ test' "$1" | grep -oE '[0-9]+ test' | awk '{s+=$1} END {print s+0}')
  echo "$p $f"
}

run_ctest() {  # name build-dir
  local name=$1 dir=$2 log="$logs/$1.log" rc
  echo "== $name"
  ctest --test-dir "$dir" -V >"$log" 2>&1; rc=$?
  grep -aE '^ *[0-9]+/[0-9]+ Test|tests passed' "$log"
  read -r p f < <(gtest_counts "$log")
  if [ $rc -ne 0 ]; then
    grep -aE '^([0-9]+: )?\[  FAILED  \]|Failure|error:|ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer' "$log" | head -40
    failed_suites+=("$name")
    [ "$f" -eq 0 ] && f=1
  fi
  echo "$name: $p passed, $f failed"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}

run_ctest native-gtest build/native
run_ctest wasm-gtest build/wasm

# The native suites again with AddressSanitizer (leaks included) and UBSan; any report fails the test.
echo "== asan-gtest build (build/asan, PE_SANITIZE=ON)"
if cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DPE_SANITIZE=ON >"$logs/asan-build.log" 2>&1 &&
   cmake --build build/asan -j"${JOBS:-2}" >>"$logs/asan-build.log" 2>&1; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_ctest asan-gtest build/asan
else
  tail -30 "$logs/asan-build.log"
  echo "asan-gtest: 0 passed, 1 failed (build failed: $logs/asan-build.log)"
  failed_suites+=(asan-gtest); total_fail=$((total_fail + 1))
fi

run_unittest() {  # name dir
  local name=$1 dir=$2 log="$logs/$1.log" rc n f
  echo "== $name"
  python3 -m unittest discover -s "$dir" -p 'test_*.py' >"$log" 2>&1; rc=$?
  n=$(grep -aoE '^Ran [0-9]+ test' "$log" | awk '{print $2}'); n=${n:-0}
  f=$(grep -aoE '^FAILED \(.*\)' "$log" | grep -oE '(failures|errors)=[0-9]+' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  if [ $rc -ne 0 ]; then
    grep -aE -A12 '^(FAIL|ERROR):' "$log" | head -60
    failed_suites+=("$name"); [ "$f" -eq 0 ] && f=1
  fi
  echo "$name: $((n - f)) passed, $f failed"
  total_pass=$((total_pass + n - f)); total_fail=$((total_fail + f))
}

run_unittest cli tests/cli
run_unittest scripts tests/scripts
run_unittest sandbox-api tools/sandbox/tests
run_unittest hosting tests/hosting

# Each libFuzzer target for a few seconds, from its committed seeds only; one count per target.
echo "== fuzz"
rm -rf build/fuzz/test-corpus
FUZZ_WORK=build/fuzz/test-corpus scripts/fuzz.sh "${FUZZ_SECONDS:-5}" >"$logs/fuzz.log" 2>&1; rc=$?
grep -aE '^fuzz_|^  ' "$logs/fuzz.log"
p=$(grep -aoE '^fuzz: [0-9]+ passed' "$logs/fuzz.log" | grep -oE '[0-9]+'); p=${p:-0}
f=$(grep -aoE '^fuzz: [0-9]+ passed, [0-9]+ failed' "$logs/fuzz.log" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+'); f=${f:-0}
if [ $rc -ne 0 ]; then
  [ $((p + f)) -eq 0 ] && tail -20 "$logs/fuzz.log"  # no target ran: the build failed
  failed_suites+=(fuzz); [ "$f" -eq 0 ] && f=1
fi
echo "fuzz: $p passed, $f failed"
total_pass=$((total_pass + p)); total_fail=$((total_fail + f))

echo "== browser"
node --test --test-reporter=spec tests/browser/ >"$logs/browser.log" 2>&1; rc=$?
grep -aE '^# (tests|pass|fail|skipped)|^ℹ (tests|pass|fail|skipped)' "$logs/browser.log"
p=$(grep -aE '^(ℹ|#) pass [0-9]+' "$logs/browser.log" | grep -oE '[0-9]+' | tail -1); p=${p:-0}
f=$(grep -aE '^(ℹ|#) fail [0-9]+' "$logs/browser.log" | grep -oE '[0-9]+' | tail -1); f=${f:-0}
if [ $rc -ne 0 ]; then
  grep -aB2 -A30 -E '✖|not ok' "$logs/browser.log" | head -120
  failed_suites+=(browser); [ "$f" -eq 0 ] && f=1
fi
echo "browser: $p passed, $f failed"
total_pass=$((total_pass + p)); total_fail=$((total_fail + f))

echo
echo "logs: $logs/"
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "total: $total_pass passed, $total_fail failed"
[ ${#failed_suites[@]} -eq 0 ]
