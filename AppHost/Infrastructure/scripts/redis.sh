#!/usr/bin/env bash
# Redis for local-process mode. The password comes in through the environment and stdin, never the command line.
# The memory limit and eviction policy come from the AppHost (Infrastructure/RedisMemory.cs).
set -euo pipefail
: "${REDIS_SERVER:?}" "${PORT:?}" "${DATA_DIR:?}" "${REDIS_PASSWORD:?}" "${REDIS_MAXMEMORY:?}" "${REDIS_MAXMEMORY_POLICY:?}"
exec "$REDIS_SERVER" - --bind 127.0.0.1 --port "$PORT" --dir "$DATA_DIR" \
  --appendonly yes --save "" --protected-mode yes \
  --maxmemory "$REDIS_MAXMEMORY" --maxmemory-policy "$REDIS_MAXMEMORY_POLICY" <<<"requirepass $REDIS_PASSWORD"
