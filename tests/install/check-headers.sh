#!/usr/bin/env bash
# Every public header compiles on its own, as C11 and as C++11, warnings as errors.
set -euo pipefail
ROOT=${1:?usage: check-headers.sh ROOT [BUILD]}
# the generated athanor/version.h lives in the build tree
BUILD=${2:-$ROOT/build/release}
[ -f "$BUILD/include/athanor/version.h" ] || { echo "FAIL: $BUILD/include/athanor/version.h missing (configure first)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$ROOT"/include/athanor/*.h "$ROOT"/include/athanor/sys/*.h "$BUILD"/include/athanor/*.h "$ROOT"/plugins/include/athanor/*.h; do
    case "$h" in */athanor/sys/*) name=sys/$(basename "$h") ;; *) name=$(basename "$h") ;; esac
    printf '#include <athanor/%s>\n#include <athanor/%s>\nint athanor_header_check_%s;\n' \
        "$name" "$name" "$(basename "${name%.h}")" > "$tmp/c.c"
    cp "$tmp/c.c" "$tmp/c.cpp"
    gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" -I"$BUILD/include" -I"$ROOT/plugins/include" -c "$tmp/c.c" -o "$tmp/c.o" \
        || { echo "FAIL: $name as C11"; exit 1; }
    g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" -I"$BUILD/include" -I"$ROOT/plugins/include" -c "$tmp/c.cpp" -o "$tmp/cpp.o" \
        || { echo "FAIL: $name as C++11"; exit 1; }
    # C++ must see C linkage: the mangled name would differ otherwise
    nm "$tmp/cpp.o" | grep -q ' _Z' && { echo "FAIL: $name declares C++-mangled symbols"; exit 1; }
    n=$((n + 1))
done
echo "SUMMARY tests=$((n * 2)) failed_tests=0 headers=$n (C11 and C++11)"
