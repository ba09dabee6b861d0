#!/usr/bin/env bash
# `make run`: use the Redis configured in .env/environment when it answers, else start one on a private
# loopback port in a temp dir; then run the worker on its embedded default database (SQLite).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
host=${REDIS_HOST:-127.0.0.1}
port=${REDIS_PORT:-6379}
if ! redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG; then
  dir=$(mktemp -d /tmp/shuttle-redis.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  host=127.0.0.1
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  echo "run: no Redis answered; started one on 127.0.0.1:$port (data in $dir)" >&2
fi
export REDIS_HOST=$host REDIS_PORT=$port
if [ -z "${DB_CONNECTION:-}${DB_DATABASE:-}" ]; then
  # The embedded default: Shuttle's own SQLite file, whose tables Shuttle creates.
  export DB_CONNECTION=sqlite DB_DATABASE=$root/.build-services/shuttle.sqlite SHUTTLE_EMBEDDED_DATABASE=1
fi
mkdir -p "$(dirname "$DB_DATABASE")"
# Shuttle's own file: Spark's tables and the queue's, created when new, checked when not.
if [ "${SHUTTLE_EMBEDDED_DATABASE:-}" = 1 ]; then "$root/.build/release/shuttle" migrate; fi
exec "$root/.build/release/shuttle" work "$@"
