#!/usr/bin/env bash
# The load suites under ThreadSanitizer: configures and builds a tree of its own (build/tsan, or
# ATHANOR_TSAN_BUILD) with -fsanitize=thread on the core, the drivers and the test, then runs
# athanor_load_tests against ATHANOR_TEST_URLS (arguments are passed on: suite names).
# A data race, a lock-order inversion or a leaked thread fails the run (exit status 66).
# ATHANOR_TSAN_PROGRAM=athanor_unit runs the unit program of that tree instead (its threaded
# suites, e.g. `workers`: core/workers.c's thread pool).
#
#   tests/reliability/load/run-tsan.sh                    # build, then every load suite
#   tests/reliability/load/run-tsan.sh load@postgresql    # one suite
#   ATHANOR_TSAN_BUILD_ONLY=1 tests/reliability/load/run-tsan.sh
#   ATHANOR_TSAN_PROGRAM=athanor_unit tests/reliability/load/run-tsan.sh workers
#
# TSan slows the run down (about 2x here, waiting on the servers dominates), so the default is
# 1500 transactions per thread
# (ATHANOR_LOAD_TRANSACTIONS overrides it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
. "$ROOT/scripts/lib/common.sh"
. "$ROOT/scripts/lib/build.sh"
B=${ATHANOR_TSAN_BUILD:-$ROOT/build/tsan}
mkdir -p "$B"
TSAN="-fsanitize=thread"
BUILD_TARGETS="athanor_load_tests athanor_unit athanor_async_tests" build_tree "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$TSAN -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="$TSAN" -DCMAKE_SHARED_LINKER_FLAGS="$TSAN" \
    -DCMAKE_MODULE_LINKER_FLAGS="$TSAN" \
    -DATHANOR_BUILD_EXAMPLES=OFF -DATHANOR_BUILD_BENCH=OFF
[ "${ATHANOR_TSAN_BUILD_ONLY:-0}" = 1 ] && exit 0
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ATHANOR_LOAD_TRANSACTIONS=${ATHANOR_LOAD_TRANSACTIONS:-1500}
exec "$B/bin/${ATHANOR_TSAN_PROGRAM:-athanor_load_tests}" "$@"
