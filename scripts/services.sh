#!/usr/bin/env bash
# Starts (or reuses) the test services on loopback, private ports, in a state directory:
#   scripts/services.sh start   -> prints `export` lines for SHUTTLE_TEST_REDIS_PORT, SHUTTLE_TEST_PG_PORT
#   scripts/services.sh stop
# Their ports live in $SHUTTLE_SERVICES_DIR (default: <repo>/.build-services), so two checkouts never share
# servers; their data lives in temp dirs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${SHUTTLE_SERVICES_DIR:-$root/.build-services}
mkdir -p "$dir"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

redis_up() { [ -f "$dir/redis.port" ] && redis-cli -h 127.0.0.1 -p "$(cat "$dir/redis.port")" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_up; then return; fi
  local port rdir
  port=$(free_port)
  rdir=$(mktemp -d /tmp/shuttle-redis.XXXXXX)
  redis-server --bind 127.0.0.1 --port "$port" --dir "$rdir" --save '' --appendonly no \
    --daemonize yes --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  echo "$port" > "$dir/redis.port"
  echo "$rdir" > "$dir/redis.dir"
  redis_up || { echo "services: redis did not start (see $rdir/redis.log)" >&2; exit 1; }
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

pg_up() { [ -f "$dir/pg.port" ] && pg_isready -q -h 127.0.0.1 -p "$(cat "$dir/pg.port")" 2>/dev/null; }

start_postgres() {
  if pg_up; then return; fi
  local bin port pgdir data as=()
  bin=$(pg_bin); port=$(free_port)
  # The cluster lives in its own temp dir: the postgres user may not be able to reach the checkout's path
  # (a clone under /root, say), and initdb and pg_ctl refuse to run as root.
  pgdir=$(mktemp -d /tmp/shuttle-pg.XXXXXX); data="$pgdir/data"
  if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); chown postgres "$pgdir"; fi
  "${as[@]}" "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >"$pgdir/initdb.log" 2>&1 \
    || { echo "services: initdb failed (see $pgdir/initdb.log)" >&2; exit 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$pgdir/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  echo "$port" > "$dir/pg.port"
  echo "$pgdir" > "$dir/pg.dir"
  pg_up || { echo "services: postgres did not start (see $pgdir/pg.log)" >&2; exit 1; }
}

case "${1:-start}" in
  start)
    start_redis
    start_postgres
    echo "export SHUTTLE_TEST_REDIS_PORT=$(cat "$dir/redis.port")"
    echo "export SHUTTLE_TEST_PG_PORT=$(cat "$dir/pg.port")"
    ;;
  stop)
    [ -f "$dir/redis.port" ] && redis-cli -h 127.0.0.1 -p "$(cat "$dir/redis.port")" shutdown nosave >/dev/null 2>&1 || true
    [ -f "$dir/redis.dir" ] && rm -rf "$(cat "$dir/redis.dir")"
    if [ -f "$dir/pg.dir" ] && [ -d "$(cat "$dir/pg.dir")/data" ]; then
      as=(); [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
      "${as[@]}" "$(pg_bin)/pg_ctl" -D "$(cat "$dir/pg.dir")/data" -m immediate stop >/dev/null 2>&1 || true
      rm -rf "$(cat "$dir/pg.dir")"
    fi
    rm -f "$dir/redis.port" "$dir/redis.dir" "$dir/pg.port" "$dir/pg.dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
