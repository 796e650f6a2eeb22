#!/usr/bin/env bash
# Writes an nginx config: nginx_conf.sh STATE_DIR ROOT PORT SANDBOX_PORT > file
set -euo pipefail
state=$1 root=$2 port=$3 sandbox_port=$4
mkdir -p "$state"
user_line=""
resolver=$(awk '/^nameserver/ && $2 !~ /:/ {print $2; exit}' /etc/resolv.conf 2>/dev/null)
resolver=${resolver:-127.0.0.1}
ca_bundle=/etc/ssl/certs/ca-certificates.crt   # Debian's ca-certificates
[ "$(id -u)" -eq 0 ] && user_line="user root;"
sed -e "s|@USER@|$user_line|" -e "s|@RESOLVER@|$resolver|g" -e "s|@CA_BUNDLE@|$ca_bundle|g" -e "s|@STATE@|$state|g" -e "s|@ROOT@|$root|g" \
    -e "s|@PORT@|$port|g" -e "s|@SANDBOX_PORT@|$sandbox_port|g" "$(dirname "$0")/nginx.conf.in"
