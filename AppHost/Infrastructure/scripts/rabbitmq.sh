#!/usr/bin/env bash
# RabbitMQ for local-process mode: a node of its own (name, ports, cookie, data) bound to loopback.
set -euo pipefail
: "${PORT:?}" "${RABBITMQ_DIST_PORT:?}" "${DATA_DIR:?}" "${RABBITMQ_NODENAME:?}"
export HOME="$DATA_DIR"
export RABBITMQ_NODE_PORT="$PORT" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$DATA_DIR/mnesia" RABBITMQ_LOG_BASE="$DATA_DIR/log" RABBITMQ_LOGS=-
export RABBITMQ_ENABLED_PLUGINS_FILE="$DATA_DIR/enabled_plugins"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
[ -f "$RABBITMQ_ENABLED_PLUGINS_FILE" ] || echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
exec /usr/lib/rabbitmq/bin/rabbitmq-server
