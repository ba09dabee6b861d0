# Shuttle: `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: all deps build debug run test bench callgrind services stop-services clean

all: build

deps:
	@scripts/install-deps.sh

# Release binary at .build/release/shuttle. The Swift runtime is linked in statically: the worker maps only
# the code it uses (no Foundation/ICU: Sources import FoundationEssentials), which cuts its resident memory.
build: deps
	swift build -c release --product shuttle --static-swift-stdlib

debug: deps
	swift build

# Runs the worker against the local Redis (started on a private port when none answers) and SQLite.
run: build
	@scripts/run.sh

# The whole suite, interop tests with real PHP, Redis and PostgreSQL included.
test: deps
	@scripts/test.sh

bench: build
	@scripts/bench.sh
	@scripts/bench-monzo.sh
	@scripts/bench-apple-health.sh

# Instructions per no-op job, worker and Redis, under callgrind: repeatable where wall-clock is not.
callgrind: build
	@CALLGRIND_REDIS=1 scripts/bench/callgrind.sh

services:
	@scripts/services.sh start

stop-services:
	@scripts/services.sh stop

clean:
	rm -rf .build .build-services
