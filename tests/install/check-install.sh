#!/usr/bin/env bash
# Installs the Release build into a temporary prefix and checks what an adopter relies on:
#   - headers (the generated version.h too), libraries, drivers, pkg-config files, the man page;
#   - the athanor tool runs from the prefix without LD_LIBRARY_PATH (RUNPATH $ORIGIN/../lib),
#     also after the whole prefix is moved, and finds the drivers installed beside the library;
#   - --version agrees with pkg-config's version; driverdir is where the drivers are;
#   - an outside project builds with find_package(athanor) (athanor::athanor, athanor::mixins)
#     and with pkg-config (athanor, athanor_mixins), and runs.
set -euo pipefail
ROOT=${1:?usage: check-install.sh ROOT PREFIX}
PREFIX=${2:?usage: check-install.sh ROOT PREFIX}
BUILD=${ATHANOR_INSTALL_BUILD:-$ROOT/build/release}
fail() { echo "FAIL: $*"; exit 1; }
n=0
ok() { n=$((n + 1)); }
rm -rf "$PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
test -f "$PREFIX/include/athanor/athanor.h" || fail "athanor.h not installed"
test -f "$PREFIX/include/athanor/version.h" || fail "the generated version.h not installed"
test -f "$PREFIX/include/athanor/sys/driver.h" || fail "the driver header athanor/sys/driver.h not installed"
! grep -q "driver.h" "$PREFIX/include/athanor/athanor.h" || fail "athanor.h includes the driver header"
test ! -e "$PREFIX/include/athanor/version.h.in" || fail "version.h.in installed"
pcdir=$(dirname "$(find "$PREFIX" -name athanor.pc | head -n 1)")
test -f "$pcdir/athanor.pc" || fail "athanor.pc not installed"
test -f "$pcdir/athanor_mixins.pc" || fail "athanor_mixins.pc not installed"
test -f "$PREFIX/share/man/man1/athanor.1" || fail "the man page athanor.1 not installed"
[ -n "$(find "$PREFIX" -path '*/athanor/athanor_sqlite.so')" ] \
    || fail "the sqlite driver was not installed in the driver directory"
ok

# the tool: RUNPATH relative to itself, no LD_LIBRARY_PATH, from this prefix and a moved one
readelf -d "$PREFIX/bin/athanor" | grep -E 'RUNPATH.*\$ORIGIN/\.\./lib' >/dev/null \
    || fail "bin/athanor has no RUNPATH \$ORIGIN/../lib: $(readelf -d "$PREFIX/bin/athanor" | grep -E 'R(UN)?PATH' || echo none)"
version=$(PKG_CONFIG_PATH="$pcdir" pkg-config --modversion athanor)
moved="$PREFIX.moved"
rm -rf "$moved"
cp -a "$PREFIX" "$moved"
for p in "$PREFIX" "$moved"; do
    got=$(env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$p/bin/athanor" --version) \
        || fail "$p/bin/athanor --version did not run"
    [ "$got" = "athanor $version (library $version)" ] \
        || fail "$p/bin/athanor --version says '$got', pkg-config says $version"
    env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$p/bin/athanor" --help | grep -q '^usage: athanor' \
        || fail "athanor --help"
    drivers=$(env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$p/bin/athanor" drivers)
    echo "$drivers" | grep -E "^sqlite +ok +$p/lib/athanor/athanor_sqlite.so" >/dev/null \
        || fail "athanor drivers from $p does not find the driver beside the library: $drivers"
    env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$p/bin/athanor" ping sqlite:///:memory: >/dev/null \
        || fail "athanor ping from $p"
done
rm -rf "$moved"
ok
# the driver directory as pkg-config reports it (for out-of-tree drivers)
driverdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --variable=driverdir athanor)
[ "$(basename "$driverdir")" = athanor ] || fail "driverdir is '$driverdir'"
ok

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$ROOT/tests/install/outside" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$work/cmake" >/dev/null
out=$("$work/cmake/outside")
[ "$out" = "outside: 42" ] || fail "(find_package): got '$out'"
out=$("$work/cmake/outside_mixins")
[ "$out" = "mixins: hello-world version" ] || fail "(find_package, athanor::mixins): got '$out'"
ok

# the example driver, installed with the docs, builds outside against the prefix and loads
exdir=$(find "$PREFIX" -path '*/examples/driver/fake.c' -printf '%h\n' | head -n 1)
[ -n "$exdir" ] && [ -f "$exdir/CMakeLists.txt" ] || fail "the example driver is not installed"
cmake -S "$exdir" -B "$work/driver" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$work/driver" >/dev/null
! readelf -d "$work/driver/athanor_fake.so" | grep -q 'NEEDED.*libathanor' \
    || fail "the example driver links libathanor"
env -u LD_LIBRARY_PATH ATHANOR_DRIVER_PATH="$work/driver" "$PREFIX/bin/athanor" ping fake:// >/dev/null \
    || fail "athanor ping fake:// with the example driver built outside"
env -u LD_LIBRARY_PATH ATHANOR_DRIVER_PATH="$work/driver" "$PREFIX/bin/athanor" drivers \
    | grep -E "^fake +ok +$work/driver/athanor_fake.so" >/dev/null \
    || fail "athanor drivers does not list the example driver"
ok

libdir=$(dirname "$(find "$PREFIX" -name 'libathanor.so' | head -n 1)")
# the .pc files name the configured prefix and directories; point them at the temporary ones
pc() { PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=libdir="$libdir" \
    --define-variable=includedir="$PREFIX/include" "$@"; }
gcc -std=c11 "$ROOT/tests/install/outside/main.c" $(pc --cflags --libs athanor) \
    -Wl,-rpath,"$libdir" -o "$work/pc"
out=$("$work/pc")
[ "$out" = "outside: 42" ] || fail "(pkg-config): got '$out'"
gcc -std=c11 "$ROOT/tests/install/outside/mixins.c" $(pc --cflags --libs athanor_mixins) \
    -Wl,-rpath,"$libdir" -o "$work/pcm"
out=$("$work/pcm")
[ "$out" = "mixins: hello-world version" ] || fail "(pkg-config athanor_mixins): got '$out'"
ok
echo "SUMMARY tests=$n failed_tests=0 (files, tool RUNPATH/--version/drivers from two prefixes, driverdir, find_package and pkg-config with mixins, the example driver built outside, against $PREFIX)"
