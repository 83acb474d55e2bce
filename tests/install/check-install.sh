#!/usr/bin/env bash
# Installs the Release build into a temporary prefix and builds a tiny outside project against
# it twice: with find_package(athanor) and with pkg-config. Both must run a query on SQLite.
set -euo pipefail
ROOT=${1:?usage: check-install.sh ROOT PREFIX}
PREFIX=${2:?usage: check-install.sh ROOT PREFIX}
rm -rf "$PREFIX"
cmake --install "$ROOT/build/release" --prefix "$PREFIX" >/dev/null
test -f "$PREFIX/include/athanor/athanor.h"
test -f "$PREFIX/lib/pkgconfig/athanor.pc" || test -f "$PREFIX"/lib/*/pkgconfig/athanor.pc
[ -n "$(find "$PREFIX" -path '*/athanor/athanor_sqlite.so')" ] \
    || { echo "FAIL: the sqlite driver was not installed in the driver directory"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$ROOT/tests/install/outside" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$work/cmake" >/dev/null
out=$("$work/cmake/outside")
[ "$out" = "outside: 42" ] || { echo "FAIL (find_package): got '$out'"; exit 1; }

pc=$(find "$PREFIX" -name athanor.pc | head -n 1)
libdir=$(dirname "$(find "$PREFIX" -name 'libathanor.so' | head -n 1)")
# the .pc file names the configured prefix and directories; point them at the temporary ones
flags=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --define-variable=libdir="$libdir" \
    --define-variable=includedir="$PREFIX/include" --cflags --libs athanor)
gcc -std=c11 "$ROOT/tests/install/outside/main.c" $flags -Wl,-rpath,"$libdir" -o "$work/pc"
out=$("$work/pc")
[ "$out" = "outside: 42" ] || { echo "FAIL (pkg-config): got '$out'"; exit 1; }
echo "SUMMARY tests=2 failed_tests=0 (find_package and pkg-config against $PREFIX)"
