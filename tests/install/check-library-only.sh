#!/usr/bin/env bash
# A library-only build needs no CUnit: configured as if CUnit were absent, the suites default to
# OFF, and the library, the drivers and the tool build.
set -euo pipefail
ROOT=${1:?usage: check-library-only.sh ROOT}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$ROOT" -B "$work" -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_FIND_PACKAGE_CUnit=ON \
    -DATHANOR_BUILD_BENCH=OFF -DATHANOR_BUILD_EXAMPLES=OFF >"$work/configure.log" 2>&1 \
    || { tail -20 "$work/configure.log"; echo "FAIL: configure without CUnit"; exit 1; }
grep -q '^ATHANOR_BUILD_TESTS:BOOL=OFF' "$work/CMakeCache.txt" \
    || { echo "FAIL: ATHANOR_BUILD_TESTS is not OFF without CUnit"; exit 1; }
cmake --build "$work" -j"$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; echo "FAIL: library-only build"; exit 1; }
test -x "$work/bin/athanor" && test -f "$work/lib/athanor/athanor_sqlite.so" \
    || { echo "FAIL: the tool or the sqlite driver was not built"; exit 1; }
"$work/bin/athanor" ping sqlite:///:memory: >/dev/null || { echo "FAIL: the tool does not run"; exit 1; }
echo "SUMMARY tests=1 failed_tests=0 (configured and built without CUnit: tests OFF)"
