#!/usr/bin/env bash
# Installs the Debian packages Shuttle builds, runs and tests with, when any is missing. Idempotent.
set -euo pipefail

packages=(
  libhiredis-dev libssl-dev libsqlite3-dev libpq-dev libxxhash-dev libcurl4-openssl-dev  # C libraries the Swift targets link (libpq, libcurl: dlopened, headers only at build)
  openssl                                              # private CAs for the HTTPS fakes in tests and the demo
  redis-server redis-tools                             # the queue
  postgresql postgresql-client                         # the app's database in tests
  php-cli php-redis php-sqlite3 php-pgsql php-laravel-framework  # the real Laravel for interop tests
  procps python3 time                                  # time: the benchmark's peak RSS (/usr/bin/time -v)
  prometheus supervisor python3-yaml                   # promtool (alert rules, /metrics); deploy/ tests; compose.yml parsing
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian starts these services on install; Shuttle's scripts run their own on private ports.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now redis-server postgresql prometheus supervisor >/dev/null 2>&1 || true
fi
