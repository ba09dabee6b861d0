#!/usr/bin/env bash
# Monzo fetch benchmarks against the fake Monzo API (scripts/fake-monzo, HTTPS with a private CA):
#  (a) the historical backfill of BENCH_MONZO_HISTORY (50000) transactions end to end: one MonzoHistoricalData
#      fetches them page by page and dispatches MonzoTransactionData chunks of 100, which the same worker
#      (--concurrency 8) writes into a fresh PostgreSQL database; transactions/s (wall time of the worker,
#      start-up included) and peak RSS.
#  (b) MonzoTransactionPull jobs against the fake answering every call after 100 ms (4 calls a job: /accounts,
#      then /transactions for each of the three accounts; no transactions in the window, so the jobs measure
#      fetching alone): BENCH_MONZO_PULLS (1000) at --concurrency 64 beside BENCH_MONZO_PULLS_SERIAL (200) at
#      --concurrency 1 (one job at a time, as one PHP worker runs them); jobs/s, the ratio, peak RSS.
#
# Needs the release binary and the test services (scripts/services.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shuttle=${BENCH_SHUTTLE:-$root/.build/release/shuttle}
[ -x "$shuttle" ] || { echo "bench-monzo-fetch: $shuttle missing: swift build -c release --product shuttle" >&2; exit 1; }
eval "$("$root/scripts/services.sh" start)"
export PGOPTIONS="-c client_min_messages=warning"
history=${BENCH_MONZO_HISTORY:-50000}
pulls=${BENCH_MONZO_PULLS:-1000}
serial=${BENCH_MONZO_PULLS_SERIAL:-200}
now=2025-09-03T00:00:00Z
tmp=$(mktemp -d /tmp/shuttle-bench-monzo-fetch.XXXXXX)
pg=(psql -h 127.0.0.1 -p "$SHUTTLE_TEST_PG_PORT" -U postgres -qAtX -v ON_ERROR_STOP=1)
user=11111111-1111-4111-8111-111111111111 group=22222222-2222-4222-8222-222222222222
integration=33333333-3333-4333-8333-333333333333
"$root/scripts/tls/make-ca.sh" "$tmp/tls"
fake_pid=
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() {  # message: stops the fake, keeps $tmp (the worker's log) for a look
  echo "bench-monzo-fetch: $1" >&2
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  trap - EXIT
  exit 1
}

fake() {  # fake-monzo flags…: starts it, sets $api
  [ -n "$fake_pid" ] && { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null || true; }
  : > "$tmp/fake.log"
  python3 "$root/scripts/fake-monzo/server.py" --port 0 --cert-dir "$tmp/tls" --history-end "$now" "$@" > "$tmp/fake.log" 2>&1 &
  fake_pid=$!
  local port=
  for _ in $(seq 1 600); do
    port=$(head -n1 "$tmp/fake.log" | grep -Eo '^[0-9]+$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || fail "the fake Monzo did not start ($tmp/fake.log)"
  api=https://127.0.0.1:$port
}

database() {  # name: a fresh database with Spark's tables, the user, a Monzo group holding the fake's tokens
  local name=$1
  "${pg[@]}" -d postgres -c "drop database if exists $name" -c "create database $name"
  env=(DB_CONNECTION=pgsql DB_HOST=127.0.0.1 DB_PORT="$SHUTTLE_TEST_PG_PORT" DB_DATABASE="$name" DB_USERNAME=postgres DB_SSLMODE=disable
       REDIS_HOST=127.0.0.1 REDIS_PORT="$SHUTTLE_TEST_REDIS_PORT" REDIS_PREFIX="bench_fetch_$$_${name}_" REDIS_QUEUE=pull
       CACHE_DRIVER=redis QUEUE_CONNECTION=redis SHUTTLE_LARAVEL_VERSION=12 SHUTTLE_NOW=$now
       MONZO_API_BASE="$api" SHUTTLE_HTTP_CA_FILE="$tmp/tls/ca.pem" MONZO_CLIENT_ID=fake-client-id MONZO_CLIENT_SECRET=fake-client-secret)
  (cd "$tmp" && env "${env[@]}" "$shuttle" migrate >/dev/null 2>&1)
  "${pg[@]}" -d "$name" -c "insert into users (id, name, email, password) values ('$user', 'Bench', 'bench@example.invalid', 'x');
    insert into integration_groups (id, user_id, service, access_token, refresh_token, expiry, created_at, updated_at)
      values ('$group', '$user', 'monzo', 'fake-access-token', 'fake-refresh-token', '2025-09-03 06:00:00', '2025-09-01 00:00:00', '2025-09-01 00:00:00');
    insert into integrations (id, user_id, integration_group_id, service, name, instance_type, configuration, created_at, updated_at)
      values ('$integration', '$user', '$group', 'monzo', 'transactions', 'transactions', '[]', '2025-09-01 00:00:00', '2025-09-01 00:00:00');"
}

properties="{\"*integration\":{\"@model\":\"App\\\\Models\\\\Integration\",\"id\":\"$integration\",\"relations\":[\"user\",\"group\"],\"connection\":\"pgsql\"},\"*serviceName\":\"monzo\"}"

work() {  # concurrency: runs the worker until the queue is empty; sets $seconds $rss
  local start end rss_kb user_cpu sys_cpu
  start=$(date +%s.%N)
  (cd "$tmp" && env "${env[@]}" /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$shuttle" work --queue pull --stop-when-empty \
    --sleep 0.05 --concurrency "$1" 2> "$tmp/work.log")
  end=$(date +%s.%N)
  read -r rss_kb user_cpu sys_cpu < "$tmp/rss"
  rss=$(( rss_kb / 1024 ))
  seconds=$(python3 -c "print(f'{$end - $start:.3f}')")
}

# (a) The backfill.
fake --history "$history" --history-days 29 --no-fixture-transactions
database bench_fetch_backfill
(cd "$tmp" && env "${env[@]}" "$shuttle" dispatch 'App\Jobs\Initialization\Monzo\MonzoHistoricalData' --queue pull --tries 1 \
  --timeout 600 --properties "$properties" >/dev/null)
work 8
events=$("${pg[@]}" -d bench_fetch_backfill -c "select count(*) from events where source_id like 'tx_gen%'")
failed=$("${pg[@]}" -d bench_fetch_backfill -c "select count(*) from failed_jobs")
[ "$events" = "$history" ] && [ "$failed" = 0 ] || fail "backfill wrote $events events of $history, $failed failed jobs (log: $tmp/work.log)"
"${pg[@]}" -d postgres -c "drop database if exists bench_fetch_backfill with (force)"
python3 -c "print(f'backfill  {$history} transactions (fetch → chunks of 100 → PostgreSQL, --concurrency 8): {$history / $seconds:8.0f} transactions/s ({$seconds:.2f} s), peak RSS $rss MB')"

# (b) Pull jobs against a slow Monzo.
fake --delay-ms 100 --no-fixture-transactions
declare -A rate memory
for run in "1 $serial" "64 $pulls"; do
  read -r concurrency count <<< "$run"
  database "bench_fetch_pull_$concurrency"
  (cd "$tmp" && env "${env[@]}" "$shuttle" dispatch 'App\Jobs\OAuth\Monzo\MonzoTransactionPull' --queue pull --count "$count" \
    --tries 3 --backoff 60,300,600 --timeout 120 --properties "$properties" >/dev/null)
  work "$concurrency"
  failed=$("${pg[@]}" -d "bench_fetch_pull_$concurrency" -c "select count(*) from failed_jobs")
  left=$("${pg[@]}" -d "bench_fetch_pull_$concurrency" -c "select count(*) from integrations where last_successful_update_at is null")
  [ "$failed" = 0 ] && [ "$left" = 0 ] || fail "pulls at c=$concurrency: $failed failed, $left not updated (log: $tmp/work.log)"
  "${pg[@]}" -d postgres -c "drop database if exists bench_fetch_pull_$concurrency with (force)"
  rate[$concurrency]=$(python3 -c "print(f'{$count / $seconds:.2f}')")
  memory[$concurrency]=$rss
  python3 -c "print(f'pulls     {$count} MonzoTransactionPull, 100 ms a call, --concurrency {$concurrency:>2}: {$count / $seconds:8.2f} jobs/s ({$seconds:.2f} s), peak RSS $rss MB')"
done
python3 -c "r = ${rate[64]} / ${rate[1]}; print(f'pulls     --concurrency 64 over --concurrency 1: {r:.1f}x (target 40x)')"
