#!/usr/bin/env bash
# Apple Health end to end: a synthetic Health Auto Export upload of BENCH_AH_POINTS (100,000) metric points
# (scripts/bench/apple-health-export.py) is dispatched by PHP as the app's WebhookController does
# (scripts/laravel/dispatch-apple-health.php), then one `shuttle work --stop-when-empty` runs the hook, which
# splits the series into chunks of SHUTTLE_APPLE_HEALTH_CHUNK (5,000) points, and the chunk jobs, into a fresh
# PostgreSQL database (the app's schema, `shuttle migrate`). Prints points/s (wall time of the worker, start-up
# included) and its peak RSS, at --concurrency 1 and 2.
# Then the hook alone on a ~50 MB upload (BENCH_AH_BIG_POINTS, 570,000 points): `shuttle work --max-jobs 1`, peak
# RSS against the upload's size (target under 3x).
#
# Needs the release binary and the test services (scripts/services.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shuttle=${BENCH_SHUTTLE:-$root/.build/release/shuttle}
[ -x "$shuttle" ] || { echo "bench-apple-health: $shuttle missing: swift build -c release --product shuttle" >&2; exit 1; }
eval "$("$root/scripts/services.sh" start)"
export PGOPTIONS="-c client_min_messages=warning"
points=${BENCH_AH_POINTS:-100000}
big_points=${BENCH_AH_BIG_POINTS:-570000}
chunk=${SHUTTLE_APPLE_HEALTH_CHUNK:-5000}
tmp=$(mktemp -d /tmp/shuttle-bench-ah.XXXXXX)
pg=(psql -h 127.0.0.1 -p "$SHUTTLE_TEST_PG_PORT" -U postgres -qAtX -v ON_ERROR_STOP=1)
secret=BenchSecretBenchSecretBenchSecr1
user=11111111-1111-4111-8111-111111111111 group=22222222-2222-4222-8222-222222222222
integration=55555555-5555-4555-8555-555555555555
seed="insert into users (id, name, email, password) values ('$user', 'Bench', 'bench@example.invalid', 'x');
insert into integration_groups (id, user_id, service, account_id, created_at, updated_at) values ('$group', '$user', 'apple_health', '$secret', '2025-09-01 00:00:00', '2025-09-01 00:00:00');
insert into integrations (id, user_id, integration_group_id, service, name, account_id, instance_type, configuration, created_at, updated_at) values
  ('$integration', '$user', '$group', 'apple_health', 'metrics', '$secret', 'metrics', '[]', '2025-09-01 00:00:00', '2025-09-01 00:00:00');"
python3 "$root/scripts/bench/apple-health-export.py" "$points" > "$tmp/upload.json"
python3 "$root/scripts/bench/apple-health-export.py" "$big_points" 40 > "$tmp/big.json"

database() {  # name → env array in $env
  local name=$1
  "${pg[@]}" -d postgres -c "drop database if exists $name" -c "create database $name"
  env=(DB_CONNECTION=pgsql DB_HOST=127.0.0.1 DB_PORT="$SHUTTLE_TEST_PG_PORT" DB_DATABASE="$name" DB_USERNAME=postgres DB_SSLMODE=disable
       REDIS_HOST=127.0.0.1 REDIS_PORT="$SHUTTLE_TEST_REDIS_PORT" REDIS_PREFIX="${name}_" REDIS_QUEUE=pull CACHE_DRIVER=redis
       QUEUE_CONNECTION=redis SHUTTLE_LARAVEL_VERSION=8 SHUTTLE_APPLE_HEALTH_CHUNK="$chunk")
  (cd "$tmp" && env "${env[@]}" "$shuttle" migrate 2>/dev/null)
  "${pg[@]}" -d "$name" -c "$seed"
}

run() {  # concurrency
  local concurrency=$1 name="bench_ah_$$_$1" start end events rss seconds
  database "$name"
  env "${env[@]}" php "$root/scripts/laravel/dispatch-apple-health.php" "$integration" "$secret" < "$tmp/upload.json" >/dev/null
  start=$(date +%s.%N)
  (cd "$tmp" && env "${env[@]}" /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$shuttle" work --queue pull --stop-when-empty \
    --sleep 0.1 --concurrency "$concurrency" --tries 1 --memory 4096 2> "$tmp/work.log")
  end=$(date +%s.%N)
  events=$("${pg[@]}" -d "$name" -c "select count(*) from events")
  [ "$events" = "$points" ] || { echo "bench-apple-health: c=$concurrency wrote $events events, not $points (log: $tmp/work.log)" >&2; exit 1; }
  read -r rss_kb user_cpu sys_cpu < "$tmp/rss"
  "${pg[@]}" -d postgres -c "drop database if exists $name with (force)"
  python3 - "$concurrency" "$points" "$chunk" "$start" "$end" "$rss_kb" "$user_cpu" "$sys_cpu" <<'PY'
import sys
c, points, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seconds = float(sys.argv[5]) - float(sys.argv[4])
rss, cpu = int(sys.argv[6]) // 1024, float(sys.argv[7]) + float(sys.argv[8])
print(f"apple health, {points} points in chunks of {chunk}, --concurrency {c}: {points / seconds:8.0f} points/s "
      f"({seconds:.2f} s, Shuttle CPU {cpu:.2f} s), peak RSS {rss} MB")
PY
}

hook_memory() {
  local name="bench_ah_$$_big" size
  database "$name"
  env "${env[@]}" php -d memory_limit=-1 "$root/scripts/laravel/dispatch-apple-health.php" "$integration" "$secret" < "$tmp/big.json" >/dev/null
  size=$(stat -c %s "$tmp/big.json")
  (cd "$tmp" && env "${env[@]}" /usr/bin/time -f '%M %e' -o "$tmp/rss" "$shuttle" work --queue pull --max-jobs 1 --sleep 0.1 --memory 4096 \
    --tries 1 2> "$tmp/hook.log")
  read -r rss_kb seconds < "$tmp/rss"
  local jobs
  jobs=$("${pg[@]}" -d postgres -c "select 1" >/dev/null; redis-cli -h 127.0.0.1 -p "$SHUTTLE_TEST_REDIS_PORT" llen "${name}_queues:pull")
  "${pg[@]}" -d postgres -c "drop database if exists $name with (force)"
  redis-cli -h 127.0.0.1 -p "$SHUTTLE_TEST_REDIS_PORT" del "${name}_queues:pull" "${name}_queues:pull:notify" >/dev/null
  python3 - "$size" "$rss_kb" "$seconds" "$jobs" "$big_points" <<'PY'
import sys
size, rss = int(sys.argv[1]), int(sys.argv[2]) * 1024
print(f"apple health hook alone, {int(sys.argv[5])} points ({size / 1e6:.1f} MB upload) split into {sys.argv[4]} jobs in {float(sys.argv[3]):.2f} s: "
      f"peak RSS {rss / 1e6:.0f} MB = {rss / size:.2f}x the upload")
PY
}

for concurrency in 1 2; do run "$concurrency"; done
hook_memory
rm -rf "$tmp"
