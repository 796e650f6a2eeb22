#!/usr/bin/env bash
# Builds everything: native (core, enrich CLI, tests) and wasm (module, tests), then assembles
# the ready page in build/web/ (works from file:// and over http).
#   scripts/build.sh        everything (what scripts/test.sh needs)
#   scripts/build.sh page   only the wasm module and the page (what scripts/run.sh needs)
set -euo pipefail
WHAT=${1:-all}
case "$WHAT" in all|page) ;; *) echo "usage: scripts/build.sh [all|page]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
# Debian's emcc runs its JS tools under the machine's Node, which must see Debian's JS modules.
export NODE_PATH=/usr/share/nodejs
# A step that fails says which one, and what to do, instead of stopping without a word.
step=""
trap 'echo "build: failed during: $step. The output above says why; scripts/deps.sh installs what is missing." >&2' ERR

if [ "$WHAT" = all ]; then
  echo "== native build"
  step="configure build/native"
  scripts/configure.sh build/native cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
  step="compile build/native"
  cmake --build build/native -j"$JOBS"
fi

echo "== wasm build"
# Emscripten 3.1.6 output under Node 20 would fetch() the .wasm file: tests run with fetch off.
step="configure build/wasm"
scripts/configure.sh build/wasm emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$(command -v node);--no-experimental-fetch"
step="compile build/wasm"
if [ "$WHAT" = all ]; then
  cmake --build build/wasm -j"$JOBS"
else
  cmake --build build/wasm -j"$JOBS" --target enricher
fi

echo "== page"
step="assemble build/web"
node scripts/bundle_web.js build/wasm/enricher.js web build/web
echo "build: ready: build/web/index.html$([ "$WHAT" = all ] && echo " and build/native/enrich")"
