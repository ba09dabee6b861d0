#!/usr/bin/env bash
# `make bench`: one PHP `queue:work` (Laravel 8.83) against Shuttle on the same N no-op jobs.
#
# Fills a private Redis with N `Shuttle\Jobs\Probe` jobs (no sleep, no record) dispatched by the real Laravel,
# snapshots the queue, and for each worker restores the identical jobs, resets Redis' stats and times the worker
# from start to exit (--stop-when-empty). Prints per worker: jobs/s, peak RSS, Redis commands and Redis CPU µs
# per job (INFO commandstats), Redis process CPU per job (INFO cpu), the per-command breakdown, and last
# `ratio: R` (Shuttle's jobs/s over PHP's). Exits 1 when a worker did not process every job exactly once.
#
# The machine may be shared and loaded: each worker runs BENCH_ROUNDS times, alternating, and the best round counts.
#
#   BENCH_JOBS=N (20000)  BENCH_CONCURRENCY=C (64)  BENCH_ROUNDS=R (3)
#   BENCH_TIMEOUT=S (per worker run, default max(120, N/100))
#   BENCH_KEEP=1 keeps the temp dir (logs, raw stats) and prints its path.
#   BENCH_SIDES="http limit mixed router" (all): the rounds run besides php and shuttle.
# Needs the release binary (.build/release/shuttle): `make bench` builds it first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${BENCH_JOBS:-20000}
concurrency=${BENCH_CONCURRENCY:-64}
rounds=${BENCH_ROUNDS:-3}
limit=${BENCH_TIMEOUT:-$(( jobs / 100 > 120 ? jobs / 100 : 120 ))}
calibration_jobs=200
shuttle="$root/.build/release/shuttle"

"$root/scripts/install-deps.sh"
[ -x "$shuttle" ] || { echo "bench: $shuttle missing; run \`make bench\` (or \`swift build -c release --product shuttle\`)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/shuttle-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rc() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
monitor_pid=""
worker_pid=""

cleanup() {
  local status=$?
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true
  [ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null || true
  rc shutdown nosave >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp" --save '' --appendonly no \
  --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null
for _ in $(seq 1 50); do rc ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
rc ping >/dev/null

# The same Laravel app for both workers (cwd = temp dir: no stray .env is read).
export REDIS_HOST=127.0.0.1 REDIS_PORT=$port REDIS_PREFIX=laravel_database_ REDIS_DB=0 REDIS_CACHE_DB=1
export QUEUE_CONNECTION=redis CACHE_DRIVER=redis DB_CONNECTION=sqlite DB_DATABASE="$tmp/app.sqlite"
export SHUTTLE_STORAGE_PATH="$tmp/storage" SHUTTLE_LARAVEL_VERSION=8 QUEUE_FAILED_DRIVER=database-uuids
cd "$tmp"
php "$root/scripts/laravel/migrate.php" >/dev/null

ready=laravel_database_queues:default
keys=("$ready" "$ready:notify" "$ready:reserved" "$ready:delayed")
# The router round's --hand-back-to queue.
target_queue=php-target
target=("laravel_database_queues:$target_queue" "laravel_database_queues:$target_queue:notify")

# Fill once with Laravel's dispatcher, then keep the exact bytes aside: every run gets the same jobs.
fill_start=$(date +%s.%N)
php "$root/scripts/laravel/dispatch.php" probe --count "$jobs" >/dev/null
fill_end=$(date +%s.%N)
[ "$(rc llen "$ready")" = "$jobs" ] || { echo "bench: dispatch left $(rc llen "$ready") jobs, not $jobs" >&2; exit 1; }
rc copy "$ready" bench:snapshot:ready >/dev/null
rc copy "$ready:notify" bench:snapshot:notify >/dev/null
# PHP-only jobs (App\Jobs\NoopJob, no Shuttle handler) for the mixed and router rounds, on the same queue name so
# their bytes are what the app pushes there; their uuids in pushed order are what PHP's order is checked against.
rc del "${keys[@]}" >/dev/null
php "$root/scripts/laravel/dispatch.php" noop --count "$jobs" | cut -d' ' -f1 > "$tmp/noop-uuids.txt"
rc rename "$ready" bench:snapshot:noop >/dev/null
rc del "$ready:notify" >/dev/null
# Mixed: the first N/2 of each, interleaved (PHP's, Shuttle's, PHP's, …), bytes untouched.
python3 "$root/scripts/bench/redis_limit.py" "$port" interleave bench:snapshot:noop bench:snapshot:ready bench:tmp >/dev/null
rc ltrim bench:tmp 0 $(( jobs - 1 )) >/dev/null
rc rename bench:tmp bench:snapshot:mixed >/dev/null
rc del bench:tmp:notify >/dev/null
head -n $(( jobs / 2 )) "$tmp/noop-uuids.txt" > "$tmp/mixed-php-uuids.txt"
echo "bench: dispatched $jobs jobs in $(python3 -c "print(f'{$fill_end-$fill_start:.1f}')") s; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Queue holds the first $1 jobs of snapshot $2 (ready: the probe jobs; noop; mixed), one notify token each,
# nothing reserved or delayed, and the router's target queue is empty.
restore() {
  rc del "${keys[@]}" "${target[@]}" >/dev/null
  rc copy "bench:snapshot:${2:-ready}" "$ready" >/dev/null
  rc copy bench:snapshot:notify "$ready:notify" >/dev/null
  if [ "$1" != "$jobs" ]; then rc ltrim "$ready" 0 $(( $1 - 1 )) >/dev/null; rc ltrim "$ready:notify" 0 $(( $1 - 1 )) >/dev/null; fi
}

# Sets `worker` to the command line of side $1.
worker_command() {
  case "$1" in
    php) worker=(php "$root/scripts/bench/queue-work.php" --sleep=0 --stop-when-empty) ;;
    shuttle) worker=("$shuttle" work --stop-when-empty --concurrency "$concurrency" --sleep 0) ;;
    # Beside PHP, Shuttle only sees its jobs among the first --scan-window elements: it would call the queue empty
    # (--stop-when-empty) as soon as that window held only PHP's, and spin on it with --sleep 0. So it polls every
    # 10 ms and is stopped (SIGTERM: it finishes the jobs it holds) once PHP has emptied the queue.
    mixed) worker=("$shuttle" work --concurrency "$concurrency" --sleep 0.01) ;;
    router) worker=("$shuttle" work --stop-when-empty --concurrency "$concurrency" --sleep 0 --hand-back-to="$target_queue") ;;
  esac
}

# Rows in failed_jobs; `failed_jobs clear` empties the table first.
failed_jobs() {
  python3 - "$DB_DATABASE" "${1:-}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if sys.argv[2] == "clear":
    db.execute("delete from failed_jobs"); db.commit()
print(db.execute("select count(*) from failed_jobs").fetchone()[0])
PY
}

# How many jobs the worker says it finished.
processed_count() {
  case "$1" in
    php) grep -c 'Processed:' "$2" || true ;;
    # Shuttle logs one line per job only at debug level; its closing line carries the count.
    shuttle) sed -nE 's/.* processed=([0-9]+) .*worker stopped$/\1/p' "$2" | tail -1 ;;
    # The PHP worker of the mixed round logs one JSON line per event (scripts/laravel/work.php).
    php-events) grep -c '"event":"processed"' "$2" || true ;;
  esac
}

# A short run under MONITOR, outside the measurement: which commands the worker sends itself and which its
# Lua scripts call (commandstats counts both, and a script's time already includes its commands').
calibrate() {
  local side=$1 dir=$tmp/$1
  restore "$calibration_jobs"
  # redis-cli itself, not through `rc`: $! must be its pid, so that the kill below ends the MONITOR.
  redis-cli -h 127.0.0.1 -p "$port" monitor > "$dir/monitor.txt" &
  monitor_pid=$!
  for _ in $(seq 1 50); do [ -s "$dir/monitor.txt" ] && break; sleep 0.05; done
  worker_command "$side"
  timeout --kill-after=5 "$limit" "${worker[@]}" >/dev/null 2>"$dir/calibration.log" || true
  rc ping >/dev/null; sleep 0.2
  kill "$monitor_pid" 2>/dev/null || true; wait "$monitor_pid" 2>/dev/null || true; monitor_pid=""
  for _ in $(seq 1 50); do rc client list type monitor | grep -q . || break; sleep 0.05; done
}

measure() {
  local side=$1 dir=$tmp/$1/$2 start end status=0
  mkdir -p "$dir"
  restore "$jobs"
  failed_jobs clear >/dev/null
  worker_command "$side"
  rc info cpu > "$dir/cpu.before"
  rc config resetstat >/dev/null
  start=$(date +%s%N)
  timeout --kill-after=10 "$limit" /usr/bin/time -v -o "$dir/time.txt" "${worker[@]}" >/dev/null 2>"$dir/worker.log" &
  worker_pid=$!
  wait "$worker_pid" || status=$?
  worker_pid=""
  end=$(date +%s%N)
  rc info commandstats > "$dir/commandstats.txt"
  rc info cpu > "$dir/cpu.after"
  {
    echo "wall_ns=$(( end - start ))"
    echo "exit=$status"
    echo "processed=$(processed_count "$side" "$dir/worker.log")"
    echo "ready=$(rc llen "$ready")"
    echo "reserved=$(rc zcard "$ready:reserved")"
    echo "delayed=$(rc zcard "$ready:delayed")"
    echo "failed=$(failed_jobs)"
  } > "$dir/result.txt"
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then echo "bench: $side did not finish within ${limit}s (killed)" >&2; fi
}

for side in php shuttle; do
  mkdir -p "$tmp/$side"
  echo "bench: $side: calibrating ($calibration_jobs jobs under MONITOR)" >&2
  calibrate "$side"
done
# Redis's own limit: the pop script's per-job effects for K jobs and one ZREM of the K, back to back from a
# bare-socket client (scripts/bench/redis_limit.py), on the same jobs.
measure_limit() {
  local dir=$tmp/limit/$1
  mkdir -p "$dir"
  restore "$jobs"
  python3 "$root/scripts/bench/redis_limit.py" "$port" limit "$ready" 64 > "$dir/result.txt"
  echo "left=$(( $(rc llen "$ready") + $(rc zcard "$ready:reserved") + $(rc llen "$ready:notify") ))" >> "$dir/result.txt"
}

# Mixed queue: N/2 PHP-only jobs and N/2 Shuttle jobs interleaved; Shuttle (selective reservation) and one PHP
# worker (with its per-job event log, for the order check) start together; timed until every job is done.
measure_mixed() {
  local dir=$tmp/mixed/$1 start end status=0 php_status=0 php_pid
  mkdir -p "$dir"
  restore "$jobs" mixed
  worker_command mixed
  start=$(date +%s%N)
  timeout --kill-after=10 "$limit" php "$root/scripts/laravel/work.php" --sleep=0 --stop-when-empty >/dev/null 2>"$dir/php.log" &
  php_pid=$!
  timeout --kill-after=10 "$limit" "${worker[@]}" >/dev/null 2>"$dir/worker.log" &
  worker_pid=$!
  wait "$php_pid" || php_status=$?
  # PHP stopped on an empty queue; Shuttle is done when nothing it reserved is left.
  for _ in $(seq 1 500); do [ "$(rc llen "$ready")$(rc zcard "$ready:reserved")" = 00 ] && break; sleep 0.01; done
  end=$(date +%s%N)
  kill -TERM "$worker_pid" 2>/dev/null || true
  wait "$worker_pid" || status=$?
  worker_pid=""
  # PHP's jobs in the order PHP started them, against the order they were pushed in.
  python3 - "$dir/php.log" "$tmp/mixed-php-uuids.txt" > "$dir/order.txt" <<'PY'
import json, sys
started = [e["uuid"] for e in map(json.loads, (l for l in open(sys.argv[1]) if l.startswith("{")))
           if e.get("event") == "processing" and e.get("job") == "App\\Jobs\\NoopJob"]
print("yes" if started == open(sys.argv[2]).read().split() else "no")
PY
  {
    echo "wall_ns=$(( end - start ))"
    echo "exit=$status"
    echo "php_exit=$php_status"
    echo "processed=$(processed_count shuttle "$dir/worker.log")"
    echo "php_processed=$(processed_count php-events "$dir/php.log")"
    echo "order_kept=$(cat "$dir/order.txt")"
    echo "ready=$(rc llen "$ready")"
    echo "reserved=$(rc zcard "$ready:reserved")"
  } > "$dir/result.txt"
}

# Shuttle as in the `shuttle` round, plus `--http` with /metrics scraped as soon as it answers and then 4 times a
# second (a round lasts about a second; Prometheus scrapes every 15 s): what observability costs. Reported beside
# the plain round (target: within 5% of its jobs/s).
measure_http() {
  local dir=$tmp/http/$1 start end status=0 scraper http_port
  mkdir -p "$dir"
  restore "$jobs"
  failed_jobs clear >/dev/null
  http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  worker_command shuttle
  start=$(date +%s%N)
  timeout --kill-after=10 "$limit" "${worker[@]}" --http "127.0.0.1:$http_port" >/dev/null 2>"$dir/worker.log" &
  worker_pid=$!
  python3 - "$http_port" "$dir/scrapes.txt" <<'PY' &
import sys, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
ok = 0
while True:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
        ok += body.startswith(b"# TYPE")
    except OSError:
        pass
    open(out, "w").write(f"{ok}\n")
    time.sleep(0.25)
PY
  scraper=$!
  wait "$worker_pid" || status=$?
  worker_pid=""
  end=$(date +%s%N)
  kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true
  {
    echo "wall_ns=$(( end - start ))"
    echo "exit=$status"
    echo "processed=$(processed_count shuttle "$dir/worker.log")"
    echo "scrapes=$(cat "$dir/scrapes.txt" 2>/dev/null || echo 0)"
    echo "ready=$(rc llen "$ready")"
    echo "reserved=$(rc zcard "$ready:reserved")"
  } > "$dir/result.txt"
}

# Router: only PHP-only jobs, no PHP worker; Shuttle forwards them all to $target_queue. Timed until it exits;
# then the target must hold the snapshot's bytes in the same order, with one notify token each.
measure_router() {
  local dir=$tmp/router/$1 start end status=0
  mkdir -p "$dir"
  restore "$jobs" noop
  worker_command router
  start=$(date +%s%N)
  timeout --kill-after=10 "$limit" "${worker[@]}" >/dev/null 2>"$dir/worker.log" || status=$?
  end=$(date +%s%N)
  {
    echo "wall_ns=$(( end - start ))"
    echo "exit=$status"
    echo "same_bytes=$(python3 "$root/scripts/bench/redis_limit.py" "$port" same bench:snapshot:noop "${target[0]}")"
    echo "target_notify=$(rc llen "${target[1]}")"
    echo "ready=$(rc llen "$ready")"
    echo "reserved=$(rc zcard "$ready:reserved")"
  } > "$dir/result.txt"
}

for round in $(seq 1 "$rounds"); do
  for side in php shuttle ${BENCH_SIDES:-http limit mixed router}; do
    case "$side" in
      php|shuttle) measure "$side" "$round" ;;
      *) "measure_$side" "$round" ;;
    esac
    awk -F= -v n="$jobs" -v what="round $round: $side" \
      '/^wall_ns=/ { printf "bench: %s %.0f jobs/s\n", what, n / ($2 / 1e9) }' "$tmp/$side/$round/result.txt" >&2
  done
done
rc del "${keys[@]}" "${target[@]}" >/dev/null

python3 "$root/scripts/bench/report.py" "$tmp" "$jobs" "$concurrency"
