#!/usr/bin/env bash
# Builds everything: native (core, enrich CLI, tests) and wasm (module, tests), then assembles
# the ready page in build/web/ (works from file:// and over http).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
# Debian's emcc runs its JS tools under the machine's Node, which must see Debian's JS modules.
export NODE_PATH=/usr/share/nodejs

echo "== native build"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$JOBS"

echo "== wasm build"
# Emscripten 3.1.6 output under Node 20 would fetch() the .wasm file: tests run with fetch off.
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$(command -v node);--no-experimental-fetch" >/dev/null
cmake --build build/wasm -j"$JOBS"

echo "== page"
node scripts/bundle_web.js build/wasm/enricher.js web build/web
echo "build: ready: build/web/index.html and build/native/enrich"
