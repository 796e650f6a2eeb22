#!/usr/bin/env bash
# One command: install what is missing, build, serve the page with nginx at http://127.0.0.1:8080/
# (same-origin proxy to the API at /woodpecker/, the sandbox API at /sandbox/). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
SANDBOX_PORT=${SANDBOX_PORT:-8090}

scripts/deps.sh
scripts/build.sh page

state="$PWD/build/nginx"
mkdir -p "$state"
scripts/nginx_conf.sh "$state" "$PWD/build/web" "$PORT" "$SANDBOX_PORT" > "$state/nginx.conf"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
}
trap cleanup INT TERM EXIT

python3 tools/sandbox/sandbox_api.py --host 127.0.0.1 --port "$SANDBOX_PORT" --quiet &
pids+=($!)
nginx -e stderr -c "$state/nginx.conf" -p "$state" &
pids+=($!)
sleep 1
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || { echo "run: a server failed to start (is port $PORT or $SANDBOX_PORT in use?)"; exit 1; }
done

cat <<MSG

Prospect Enricher is ready:  http://127.0.0.1:$PORT/
  - real API through the same-origin proxy:  http://127.0.0.1:$PORT/woodpecker/
  - local sandbox API (no account, no credits): choose "Local sandbox" in Settings; its key is sandbox-key
  - or open build/web/index.html straight from disk
Press Ctrl-C to stop.
MSG
wait
