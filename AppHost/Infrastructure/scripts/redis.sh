#!/usr/bin/env bash
# Redis for local-process mode. The password comes in through the environment and stdin, never the command line.
set -euo pipefail
: "${REDIS_SERVER:?}" "${PORT:?}" "${DATA_DIR:?}" "${REDIS_PASSWORD:?}"
exec "$REDIS_SERVER" - --bind 127.0.0.1 --port "$PORT" --dir "$DATA_DIR" \
  --appendonly yes --save "" --protected-mode yes <<<"requirepass $REDIS_PASSWORD"
