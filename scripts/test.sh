#!/usr/bin/env bash
# `make test`: starts the test services, builds, runs the whole XCTest suite, and ends with one plain
# summary line ("tests: N passed, N failed") so a reader of the log needs no knowledge of XCTest.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(scripts/services.sh start)" || exit 1
swift build --build-tests || exit 1
log=$(mktemp /tmp/shuttle-test.XXXXXX)
# Swift Testing is not used; disabling it keeps its empty "0 tests" summary from closing the log.
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1)
total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
# Secrets never leak: the tokens, keys, passwords and webhook secrets the tests configure (Tests/test-secrets.txt)
# must appear nowhere in the suite's output — logs, errors and failure messages included.
leaks=$(grep -n -F -f Tests/test-secrets.txt "$log" | cut -d: -f1 | tr '\n' ' ')
rm -f "$log"
if [ -n "$leaks" ]; then echo "tests: a configured secret appears in the test output (log lines $leaks)"; status=1; fi
if [ -z "$summary" ]; then echo "tests: no XCTest summary found (exit $status)"; exit $(( status == 0 ? 1 : status )); fi
echo "tests: $(( total - failed )) passed, $failed failed"
exit "$status"
