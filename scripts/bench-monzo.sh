#!/usr/bin/env bash
# Monzo processing throughput: BENCH_MONZO_JOBS (100) MonzoTransactionData jobs of 100 fixture-shaped
# transactions each, pushed by PHP (scripts/laravel/dispatch-monzo.php: a job's JSON is too long for an
# argument of `shuttle dispatch`), worked by `shuttle work --stop-when-empty` into a fresh
# PostgreSQL database (the app's schema, `shuttle migrate`) and a fresh SQLite file, at --concurrency 1 and 8.
# Prints per run: transactions/s (wall time of the worker, start-up included), peak RSS, SQL round trips per
# transaction (the jobs' own count, logged at debug); then the floor: the same final rows written again by one
# multi-row INSERT per table in one transaction, from Swift over one connection (`shuttle bench-floor`), and
# Shuttle's time over the floor's.
#
# Then the fetch side (scripts/bench-monzo-fetch.sh): the 50,000-transaction backfill end to end, and pull jobs
# against a slow fake Monzo at --concurrency 64 beside 1.
#
# Needs the release binary and the test services (scripts/services.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shuttle=${BENCH_SHUTTLE:-$root/.build/release/shuttle}
[ -x "$shuttle" ] || { echo "bench-monzo: $shuttle missing: swift build -c release --product shuttle" >&2; exit 1; }
eval "$("$root/scripts/services.sh" start)"
export PGOPTIONS="-c client_min_messages=warning"
jobs=${BENCH_MONZO_JOBS:-100}
per_job=100
total=$(( jobs * per_job ))
tmp=$(mktemp -d /tmp/shuttle-bench-monzo.XXXXXX)
pg=(psql -h 127.0.0.1 -p "$SHUTTLE_TEST_PG_PORT" -U postgres -qAtX -v ON_ERROR_STOP=1)
user=11111111-1111-4111-8111-111111111111 group=22222222-2222-4222-8222-222222222222
integration=33333333-3333-4333-8333-333333333333 master=44444444-4444-4444-8444-444444444444
seed="insert into users (id, name, email, password) values ('$user', 'Bench', 'bench@example.invalid', 'x');
insert into integration_groups (id, user_id, service, created_at, updated_at) values ('$group', '$user', 'monzo', '2025-09-01 00:00:00', '2025-09-01 00:00:00');
insert into integrations (id, user_id, integration_group_id, service, name, instance_type, configuration, created_at, updated_at) values
  ('$integration', '$user', '$group', 'monzo', 'transactions', 'transactions', '[]', '2025-09-01 00:00:00', '2025-09-01 00:00:00'),
  ('$master', '$user', '$group', 'monzo', 'accounts', 'accounts', '[]', '2025-09-01 00:00:00', '2025-09-01 00:00:00');"
python3 "$root/scripts/bench/monzo-jobs.py" "$jobs" "$per_job" > "$tmp/jobs.jsonl"

run() {  # backend concurrency
  local backend=$1 concurrency=$2 env=() start end
  local prefix="bench_monzo_$$_${backend}_${concurrency}_"
  if [ "$backend" = postgres ]; then
    local name="bench_monzo_$$_$concurrency"
    "${pg[@]}" -d postgres -c "drop database if exists $name" -c "create database $name"
    env=(DB_CONNECTION=pgsql DB_HOST=127.0.0.1 DB_PORT="$SHUTTLE_TEST_PG_PORT" DB_DATABASE="$name" DB_USERNAME=postgres DB_SSLMODE=disable)
  else
    env=(DB_CONNECTION=sqlite DB_DATABASE="$tmp/$concurrency.sqlite")
  fi
  env+=(REDIS_HOST=127.0.0.1 REDIS_PORT="$SHUTTLE_TEST_REDIS_PORT" REDIS_PREFIX="$prefix" REDIS_QUEUE=pull CACHE_DRIVER=redis
        QUEUE_CONNECTION=redis SHUTTLE_LARAVEL_VERSION=8 SHUTTLE_NOW=2025-09-02T21:30:00Z)
  (cd "$tmp" && env "${env[@]}" "$shuttle" migrate 2>/dev/null)
  if [ "$backend" = postgres ]; then "${pg[@]}" -d "$name" -c "$seed"; else sqlite3 "$tmp/$concurrency.sqlite" "$seed"; fi
  while IFS= read -r raw; do
    printf '%s' "$raw" | env "${env[@]}" php "$root/scripts/laravel/dispatch-monzo.php" MonzoTransactionData "$integration" \
      acc_0000FAKE0000CURRENT0001 >/dev/null
  done < "$tmp/jobs.jsonl"
  start=$(date +%s.%N)
  (cd "$tmp" && env "${env[@]}" LOG_LEVEL=debug /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$shuttle" work --queue pull --stop-when-empty \
    --sleep 0.1 --concurrency "$concurrency" --tries 1 2> "$tmp/work.log")
  end=$(date +%s.%N)
  local events trips rss seconds
  if [ "$backend" = postgres ]; then events=$("${pg[@]}" -d "$name" -c "select count(*) from events");
  else events=$(sqlite3 "$tmp/$concurrency.sqlite" "select count(*) from events"); fi
  [ "$events" = "$total" ] || { echo "bench-monzo: $backend c=$concurrency wrote $events events, not $total (log: $tmp/work.log)" >&2; exit 1; }
  trips=$(grep -o 'round_trips=[0-9]*' "$tmp/work.log" | awk -F= '{s += $2} END {print s}')
  read -r rss_kb user_cpu sys_cpu < "$tmp/rss"
  rss=$(( rss_kb / 1024 ))
  seconds=$(python3 -c "print(f'{$end - $start:.3f}')")
  local floor
  # The floor, from Swift over one connection (`shuttle bench-floor`): the same final rows written again by one
  # multi-row INSERT per table in one transaction, into the emptied tables.
  floor=$(cd "$tmp" && env "${env[@]}" "$shuttle" bench-floor 2>/dev/null)
  if [ "$backend" = postgres ]; then "${pg[@]}" -d postgres -c "drop database if exists $name with (force)"; fi
  python3 - "$backend" "$concurrency" "$total" "$seconds" "$rss" "$trips" "$floor" "$user_cpu" "$sys_cpu" <<'PY'
import sys
backend, c, total, seconds, rss, trips, floor = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], int(sys.argv[6]), float(sys.argv[7])
cpu = float(sys.argv[8]) + float(sys.argv[9])
print(f"{backend:9} --concurrency {c}: {total / seconds:8.0f} transactions/s ({seconds:.2f} s, Shuttle CPU {cpu:.2f} s), "
      f"peak RSS {rss} MB, {trips / total:.3f} round trips/transaction; floor {floor:.2f} s, Shuttle/floor {seconds / floor:.1f}x")
PY
}

for backend in postgres sqlite; do
  for concurrency in 1 8; do run "$backend" "$concurrency"; done
done
rm -rf "$tmp"
"$root/scripts/bench-monzo-fetch.sh"
