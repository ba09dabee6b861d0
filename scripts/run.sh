#!/usr/bin/env bash
# `make run`: use the Redis configured in .env/environment when it answers, else start one on a private
# loopback port in a temp dir; then run the worker on its embedded default database (SQLite).
#
# With no app configured (no DB_CONNECTION/DB_DATABASE), it is the Monzo demo: a fake Monzo API over HTTPS
# (scripts/fake-monzo/server.py, with a private CA from scripts/tls/make-ca.sh), a seeded user, group and the
# four Monzo instances (`shuttle demo-seed`), and the worker with the schedule on, so the log shows
# CheckIntegrationUpdates → fetch → processing → rows. `shuttle status` (same environment) then shows, per
# integration, its last run and the rows written.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shuttle=${SHUTTLE_BIN:-$root/.build/release/shuttle}
host=${REDIS_HOST:-127.0.0.1}
port=${REDIS_PORT:-6379}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
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
demo=0
if [ -z "${DB_CONNECTION:-}${DB_DATABASE:-}" ]; then
  # The embedded default: Shuttle's own SQLite file, whose tables Shuttle creates.
  export DB_CONNECTION=sqlite DB_DATABASE=$root/.build-services/shuttle.sqlite SHUTTLE_EMBEDDED_DATABASE=1
  demo=1
fi
mkdir -p "$(dirname "$DB_DATABASE")"
# Shuttle's own file: Spark's tables and the queue's, created when new, checked when not.
if [ "${SHUTTLE_EMBEDDED_DATABASE:-}" = 1 ]; then "$shuttle" migrate; fi
if [ "$demo" = 1 ] && [ -f "$root/scripts/fake-monzo/server.py" ]; then
  tls=$root/.build-services/demo-tls
  "$root/scripts/tls/make-ca.sh" "$tls"
  log=$root/.build-services/fake-monzo.log
  : > "$log"
  # The fake prints its port on its first line; its fixture transactions are re-dated to end an hour ago,
  # so the pull's 7-day window finds them.
  python3 "$root/scripts/fake-monzo/server.py" --port 0 --cert-dir "$tls" --shift-to-now > "$log" 2>&1 &
  pids+=($!)
  api_port=
  for _ in $(seq 1 100); do
    api_port=$(head -n1 "$log" | grep -Eo '^[0-9]+$' || true)
    [ -n "$api_port" ] && break
    sleep 0.1
  done
  [ -n "$api_port" ] || { echo "run: the fake Monzo API did not start (see $log)" >&2; exit 1; }
  export SHUTTLE_HTTP_CA_FILE=$tls/ca.pem MONZO_API_BASE=https://127.0.0.1:$api_port
  export MONZO_CLIENT_ID=${MONZO_CLIENT_ID:-fake-client-id} MONZO_CLIENT_SECRET=${MONZO_CLIENT_SECRET:-fake-client-secret}
  # Spark's own settings: Laravel 12, every job on `pull`.
  export QUEUE_CONNECTION=redis REDIS_QUEUE=${REDIS_QUEUE:-pull} SHUTTLE_LARAVEL_VERSION=${SHUTTLE_LARAVEL_VERSION:-12}
  "$shuttle" demo-seed
  echo "run: demo: fake Monzo API on https://127.0.0.1:$api_port, CheckIntegrationUpdates every minute (this one too)." >&2
  echo "run: in another shell: DB_CONNECTION=sqlite DB_DATABASE=$DB_DATABASE REDIS_HOST=$host REDIS_PORT=$port REDIS_QUEUE=pull $shuttle status" >&2
  echo "run: Ctrl-C stops the worker and prints that status." >&2
  # Debug level: one line per job processed, so the processing jobs show between the fetches.
  export LOG_LEVEL=${LOG_LEVEL:-debug}
  # Ctrl-C reaches the worker (which finishes its jobs and stops); this shell then prints the status.
  trap 'true' INT
  code=0
  "$shuttle" work --schedule --schedule-now --sleep 1 "$@" || code=$?
  LOG_LEVEL=warning "$shuttle" status || true
  exit "$code"
fi
exec "$shuttle" work "$@"
