#!/usr/bin/env bash
# Writes an nginx config from scripts/nginx.conf.in:
#   nginx_conf.sh STATE_DIR ROOT PORT SANDBOX_PORT [API_UPSTREAM] > file
# API_UPSTREAM is for tests only: http://127.0.0.1:<port>, a local server that stands in for the
# API behind /woodpecker/. Without it /woodpecker/ goes to https://api.woodpecker.co, with the
# certificate checked against the system's CA bundle.
set -euo pipefail
if [ $# -lt 4 ] || [ $# -gt 5 ]; then
  echo "usage: nginx_conf.sh STATE_DIR ROOT PORT SANDBOX_PORT [http://127.0.0.1:TEST_API_PORT]" >&2
  exit 2
fi
state=$1 root=$2 port=$3 sandbox_port=$4
api_scheme=https api_host=api.woodpecker.co
if [ $# -eq 5 ]; then
  if [[ ! $5 =~ ^http://127\.0\.0\.1:([0-9]{1,5})/?$ ]]; then
    echo "nginx_conf.sh: the API upstream override is for tests only and must be http://127.0.0.1:<port> (got '$5')" >&2
    exit 2
  fi
  api_scheme=http api_host="127.0.0.1:${BASH_REMATCH[1]}"
fi
mkdir -p "$state"
user_line=""
resolver=$(awk '/^nameserver/ && $2 !~ /:/ {print $2; exit}' /etc/resolv.conf 2>/dev/null)
resolver=${resolver:-127.0.0.1}
ca_bundle=/etc/ssl/certs/ca-certificates.crt   # Debian's ca-certificates
[ "$(id -u)" -eq 0 ] && user_line="user root;"
sed -e "s|@USER@|$user_line|" -e "s|@RESOLVER@|$resolver|g" -e "s|@CA_BUNDLE@|$ca_bundle|g" -e "s|@STATE@|$state|g" -e "s|@ROOT@|$root|g" \
    -e "s|@PORT@|$port|g" -e "s|@SANDBOX_PORT@|$sandbox_port|g" \
    -e "s|@API_SCHEME@|$api_scheme|g" -e "s|@API_HOST@|$api_host|g" "$(dirname "$0")/nginx.conf.in"
