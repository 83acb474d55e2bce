#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build/fuzz and runs each one for a fixed time.
# Fails when a target finds a crash, a leak or a broken invariant (the input is kept in
# build/fuzz/artifacts/). Prints the executions of every target.
#
#   tests/fuzz/run.sh [seconds per target]     (default: $ATHANOR_FUZZ_SECONDS or 60)
#
# Needs clang and its runtime (Debian 12: clang-14, libclang-rt-14-dev), cmake, libsqlite3-dev
# and libcunit1-dev. New inputs that find new coverage go to build/fuzz/corpus/<target>; the
# committed seeds in tests/fuzz/corpus/<target> are read, never written.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${1:-${ATHANOR_FUZZ_SECONDS:-60}}
B="$ROOT/build/fuzz"
TARGETS="fuzz_url fuzz_filters fuzz_materialize fuzz_calls"
CC_FUZZ=${ATHANOR_FUZZ_CC:-$(command -v clang || command -v clang-14 || echo clang)}
command -v "$CC_FUZZ" >/dev/null || { echo "fuzz: $CC_FUZZ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }

mkdir -p "$B"
cmake -S "$ROOT" -B "$B" -DCMAKE_C_COMPILER="$CC_FUZZ" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DATHANOR_FUZZ=ON -DATHANOR_SANITIZE=ON -DATHANOR_DRIVERS=sqlite \
    -DATHANOR_BUILD_EXAMPLES=OFF -DATHANOR_BUILD_BENCH=OFF >"$B/configure.log" 2>&1 \
    || { cat "$B/configure.log"; exit 1; }
# shellcheck disable=SC2086
cmake --build "$B" -j "$(nproc)" --target $TARGETS athanor_sqlite >"$B/build.log" 2>&1 \
    || { tail -40 "$B/build.log"; exit 1; }

export ATHANOR_DRIVER_PATH="$B/lib/athanor"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
summary=()
for t in $TARGETS; do
    mkdir -p "$B/corpus/$t" "$B/artifacts"
    log="$B/$t.log"
    rc=0
    "$B/bin/$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=4096 -artifact_prefix="$B/artifacts/$t-" \
        "$B/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    execs=$(grep -h 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}' || true)
    # (|| true: a target that crashes at once prints no coverage line, and set -e must not
    # end the script before it reports the failure)
    cov=$(grep -hoE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)
    if [ $rc -eq 0 ]; then
        summary+=("PASS  $t  ${execs:-?} executions in ${SECONDS_EACH}s, coverage ${cov:-?}")
    else
        tail -60 "$log"
        summary+=("FAIL  $t  exit $rc after ${execs:-?} executions (input in $B/artifacts/)")
        status=1
    fi
done
printf '%s\n' "${summary[@]}"
exit $status
