#!/usr/bin/env bash
# Instructions per no-op job on the worker's hot path, under callgrind (counts are repeatable on a shared,
# noisy machine, where wall-clock is not).
#
# Fills a private Redis with N `Shuttle\Jobs\Probe` jobs (no sleep, no record) dispatched by the real Laravel,
# as `make bench` does, runs the release `shuttle work --stop-when-empty --sleep 0` on them under
# `valgrind --tool=callgrind`, then once more on the empty queue, and prints
#   instructions/job: (Ir of the run with N jobs - Ir of the empty run) / N
# with the processed count (must be N). The empty run takes away start-up and shutdown.
#
#   CALLGRIND_JOBS=N (2000)  CALLGRIND_CONCURRENCY=C (64)
#   CALLGRIND_KEEP=1 keeps the temp dir (callgrind.out.* for callgrind_annotate --inclusive=yes) and prints it.
# Needs the release binary: swift build -c release --product shuttle --static-swift-stdlib
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${CALLGRIND_JOBS:-2000}
concurrency=${CALLGRIND_CONCURRENCY:-64}
shuttle="$root/.build/release/shuttle"
[ -x "$shuttle" ] || { echo "callgrind: $shuttle missing; swift build -c release --product shuttle" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "callgrind: valgrind missing (apt-get install valgrind)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/shuttle-callgrind.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rc() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
cleanup() {
  local status=$?
  rc shutdown nosave >/dev/null 2>&1 || true
  if [ "${CALLGRIND_KEEP:-0}" = 1 ]; then echo "callgrind: kept $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CALLGRIND_REDIS=1: redis-server runs under callgrind too, and its instructions per job are reported (the Lua
# scripts' and commands' cost: Redis and the worker share the machine's cores).
if [ "${CALLGRIND_REDIS:-0}" = 1 ]; then
  valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$tmp/redis.callgrind.%p" \
    redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp" --save '' --appendonly no --logfile "$tmp/redis.log" \
    >/dev/null 2>"$tmp/redis-valgrind.log" &
  redis_valgrind=$!
else
  redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp" --save '' --appendonly no \
    --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null
fi
for _ in $(seq 1 100); do rc ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
rc ping >/dev/null

export REDIS_HOST=127.0.0.1 REDIS_PORT=$port REDIS_PREFIX=laravel_database_ REDIS_DB=0 REDIS_CACHE_DB=1
export QUEUE_CONNECTION=redis CACHE_DRIVER=redis DB_CONNECTION=sqlite DB_DATABASE="$tmp/app.sqlite"
export SHUTTLE_STORAGE_PATH="$tmp/storage" SHUTTLE_LARAVEL_VERSION=8 QUEUE_FAILED_DRIVER=database-uuids
cd "$tmp"
php "$root/scripts/laravel/migrate.php" >/dev/null

ready=laravel_database_queues:default
php "$root/scripts/laravel/dispatch.php" probe --count "$jobs" >/dev/null
[ "$(rc llen "$ready")" = "$jobs" ] || { echo "callgrind: dispatch left $(rc llen "$ready") jobs, not $jobs" >&2; exit 1; }

# Runs the worker under callgrind into callgrind.out.$1; prints its total Ir.
run() {
  valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$tmp/callgrind.out.$1" \
    "$shuttle" work --stop-when-empty --concurrency "$concurrency" --sleep 0 >/dev/null 2>"$tmp/$1.log"
  sed -nE 's/^(summary|totals): ([0-9]+).*/\2/p' "$tmp/callgrind.out.$1" | tail -1
}

# Redis's instructions while $1 runs: counters zeroed before, dumped after (callgrind_control).
redis_ir() {
  [ -n "${redis_valgrind:-}" ] || return 0
  if [ "$1" = zero ]; then callgrind_control -z "$redis_valgrind" >/dev/null; return; fi
  callgrind_control -d "$1" "$redis_valgrind" >/dev/null
  local f; f=$(ls -t "$tmp"/redis.callgrind.* | head -1)
  sed -nE 's/^(summary|totals): ([0-9]+).*/\2/p' "$f" | tail -1
}

redis_ir zero
full=$(run jobs)
redis_full=$(redis_ir jobs)
processed=$(sed -nE 's/.* processed=([0-9]+) .*worker stopped$/\1/p' "$tmp/jobs.log" | tail -1)
left=$(( $(rc llen "$ready") + $(rc zcard "$ready:reserved") ))
redis_ir zero
empty=$(run empty)
redis_empty=$(redis_ir empty)
echo "callgrind: jobs=$jobs processed=${processed:-?} left=$left total_ir=$full empty_ir=$empty"
echo "instructions/job: $(( (full - empty) / jobs ))"
if [ -n "${redis_valgrind:-}" ]; then
  echo "redis: jobs_ir=$redis_full empty_ir=$redis_empty"
  echo "redis instructions/job: $(( (redis_full - redis_empty) / jobs ))"
fi
[ "${processed:-0}" = "$jobs" ] && [ "$left" = 0 ] || { echo "callgrind: not every job was processed exactly once" >&2; exit 1; }
