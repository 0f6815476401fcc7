#!/usr/bin/env bash
# PostgreSQL for local-process mode: initdb and the database on first start, then the server in the foreground.
set -euo pipefail
: "${PG_BIN:?}" "${PORT:?}" "${DATA_DIR:?}" "${POSTGRES_PASSWORD:?}" "${POSTGRES_DB:?}"
cluster="$DATA_DIR/cluster"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  # initdb and postgres refuse to run as root: run them as the postgres user that the Debian package made.
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
  chown postgres:postgres "$DATA_DIR"
fi

if [ ! -s "$cluster/PG_VERSION" ]; then
  pwfile="$DATA_DIR/.pwfile"
  trap 'rm -f "$pwfile"' EXIT
  (umask 077; printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile")
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
  "${as_owner[@]}" "$PG_BIN/initdb" -D "$cluster" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "CREATE DATABASE \"$POSTGRES_DB\";" | "${as_owner[@]}" "$PG_BIN/postgres" --single -D "$cluster" postgres >/dev/null
fi

exec "${as_owner[@]}" "$PG_BIN/postgres" -D "$cluster" -p "$PORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300
