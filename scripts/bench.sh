#!/usr/bin/env bash
# The benchmark (timing goals live here and in docs/performance.md, never in tests).
#   scripts/bench.sh             one headless Chromium run on two generated exports: ours (the page's
#                                worker: full pipeline; bodies of every batch; first request), Papa
#                                Parse and uDSV parse-only, TextDecoder, the page itself, the native
#                                CLI; memory, module size and start-up. Prints a table, then, last, one
#                                line: ratio ours/papaparse=X.XX ours/udsv=Y.YY (for the first export)
#   scripts/bench.sh --profile   CPU profiles instead: ours in Chromium (a --profiling-funcs build in
#                                build/wasm-prof) and `enrich validate` under perf; the top functions by
#                                self time; the profiles in build/bench/ (*.cpuprofile opens in DevTools)
# Options: --rows N (the basic export, default 1000000; a bare number means the same),
#          --wide-rows N (the 30-column export, default 280000: about the same size in bytes),
#          --reps N (runs of each measurement, default 5; the median is shown),
#          --send-reps N, --page-reps N (runs of "first request" and of the page, default: --reps)
# The exports are generated once per size and generator (scripts/bench/gen_exports.py, fixed seed) into
# build/bench/ (BENCH_DIR=DIR: there instead, with the results and profiles); builds what is out of
# date first (build/native's enrich, build/web); JOBS=2 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
OUT=${BENCH_DIR:-build/bench}
ROWS=1000000 WIDE_ROWS=280000 PROFILE=0
pass=()
number() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "bench: $1 needs a whole number above 0, not '$2'" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rows|--wide-rows|--reps|--send-reps|--page-reps) number "$1" "${2:-}" ;;&
    --rows) ROWS=$2; shift 2 ;;
    --wide-rows) WIDE_ROWS=$2; shift 2 ;;
    --reps|--send-reps|--page-reps) pass+=("$1" "$2"); shift 2 ;;
    --profile) PROFILE=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) number rows "$1"; ROWS=$1; shift ;;
    *) echo "bench: unknown argument '$1' (scripts/bench.sh --help lists them)" >&2; exit 2 ;;
  esac
done

# What the project installs (npm ci brings papaparse and udsv); perf only for --profile.
if [ "$PROFILE" = 1 ]; then scripts/deps.sh bench; else scripts/deps.sh; fi

echo "bench: building what is out of date" >&2
mkdir -p build "$OUT"
export NODE_PATH=/usr/share/nodejs   # Debian's emcc runs its JS tools under this Node (as scripts/build.sh)
{
  scripts/configure.sh build/native cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
  cmake --build build/native -j"$JOBS" --target enrich
  JOBS=$JOBS scripts/build.sh page
  if [ "$PROFILE" = 1 ]; then
    # The same module with its function names kept (--profiling-funcs), in a folder of its own; only
    # the link flags differ, so CMakeLists.txt needs no option for it.
    scripts/configure.sh build/wasm-prof emcmake cmake -S . -B build/wasm-prof -DCMAKE_BUILD_TYPE=Release \
      -DPE_BUILD_TESTS=OFF -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs
    cmake --build build/wasm-prof -j"$JOBS" --target enricher
  fi
} >build/bench-build.log 2>&1 || { tail -30 build/bench-build.log >&2; echo "bench: the build failed (build/bench-build.log)" >&2; exit 1; }

# The exports: named by rows and by the generator's hash, so a changed generator makes new ones.
gen=$(sha256sum scripts/bench/gen_exports.py | cut -c1-8)
find "$OUT" -maxdepth 1 -name '*.csv' ! -name "*-$gen.csv" -delete
basic=$OUT/basic-$ROWS-$gen.csv
wide=$OUT/wide-$WIDE_ROWS-$gen.csv
[ -f "$basic" ] || { echo "bench: writing $basic" >&2; python3 scripts/bench/gen_exports.py basic "$ROWS" "$basic"; }
[ -f "$wide" ] || { echo "bench: writing $wide" >&2; python3 scripts/bench/gen_exports.py apollo "$WIDE_ROWS" "$wide"; }

args=(--file "basic=$basic" --file "wide=$wide" --out "$OUT" "${pass[@]}")
[ "$PROFILE" = 1 ] && args+=(--profile)
exec node scripts/bench/run.js "${args[@]}"
