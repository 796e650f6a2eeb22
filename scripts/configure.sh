#!/usr/bin/env bash
# Configures one CMake build folder for scripts/build.sh, quietly when it works and loudly when it
# does not.
#   scripts/configure.sh BUILD_DIR COMMAND...   e.g.  scripts/configure.sh build/wasm emcmake cmake -S . -B build/wasm
# - A build folder whose cache was made at another path (copied or moved with the project) cannot be
#   reused: CMake refuses it. It is detected, said, and started afresh.
# - A configuration that fails on an existing cache is tried once more from an empty folder (a stale
#   cache from another compiler or toolchain fails in many ways).
# - A configuration that still fails prints its own output (the cause) and what to do; exit code 1.
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: scripts/configure.sh BUILD_DIR COMMAND..." >&2
  exit 2
fi
dir=$1; shift
log="$dir.configure.log"
mkdir -p "$(dirname "$dir")"

cache_dir() { sed -n 's/^CMAKE_CACHEFILE_DIR:INTERNAL=//p' "$dir/CMakeCache.txt" 2>/dev/null; }

if [ -f "$dir/CMakeCache.txt" ]; then
  made_at=$(cache_dir)
  here=$(cd "$dir" && pwd -P)
  if [ -n "$made_at" ] && [ "$(cd "$made_at" 2>/dev/null && pwd -P)" != "$here" ]; then
    echo "configure: $dir was configured at $made_at (copied or moved): starting it afresh"
    rm -rf "$dir"
  fi
fi

if "$@" >"$log" 2>&1; then exit 0; fi
if [ -f "$dir/CMakeCache.txt" ]; then
  echo "configure: $dir did not configure with its existing cache: starting it afresh"
  rm -rf "$dir"
  if "$@" >"$log" 2>&1; then exit 0; fi
fi
echo "configure: '$*' failed. Its output (full log: $log):" >&2
tail -n 40 "$log" | sed 's/^/  | /' >&2
cat >&2 <<MSG
What to do: fix the cause shown above. A missing compiler, CMake, Emscripten, nlohmann/json or
GoogleTest is installed by scripts/deps.sh (run it as root, or with sudo). If it persists, delete
$dir and run the command again.
MSG
exit 1
