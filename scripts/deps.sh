#!/usr/bin/env bash
# Installs what the project needs and is missing, on Debian (run as root, or with sudo available).
# Idempotent: a machine that has everything installs nothing.
#   scripts/deps.sh         what the builds and the tests need
#   scripts/deps.sh bench   and what `scripts/bench.sh --profile` needs besides (perf)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# clang + libclang-rt-14-dev: libFuzzer and the sanitizer runtimes for scripts/fuzz.sh;
# libidn2-dev: international domains (UTS #46) in the native build;
# libcurl4-openssl-dev: HTTP for the CLI's `enrich queue` and `enrich track` (src/native/http_curl.cpp);
# zlib1g-dev: inflating the parts of .xlsx workbooks in the CLI (src/native/xlsx_file.cpp).
for pkg in cmake g++ make emscripten nlohmann-json3-dev googletest libidn2-dev chromium nginx ca-certificates \
           clang libclang-rt-14-dev libcurl4-openssl-dev zlib1g-dev; do
  have_pkg "$pkg" || need+=("$pkg")
done
# linux-perf: native CPU profiles for scripts/bench.sh --profile only; the tests never need it.
if [ "${1:-}" = bench ]; then have_pkg linux-perf || need+=(linux-perf); fi
command -v python3 >/dev/null || need+=(python3)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Test and benchmark tooling from the committed lock file: playwright-core (it drives
# /usr/bin/chromium and never downloads a browser of its own); papaparse and udsv, the parsers
# scripts/bench.sh compares with.
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
