#!/usr/bin/env bash
# Debian packages through CPack: configures a packaging tree (prefix /usr, no tests, examples or
# benchmarks), builds it, runs cpack -G DEB, checks each package's name and dependencies, then
# unpacks them all into a clean root (dpkg -x) and uses them from there: the tool runs without
# LD_LIBRARY_PATH and finds the drivers, and a program builds with the packaged pkg-config file.
set -euo pipefail
ROOT=${1:?usage: check-packages.sh ROOT WORKDIR}
WORK=${2:?usage: check-packages.sh ROOT WORKDIR}
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
B="$WORK/build"
cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DATHANOR_BUILD_TESTS=OFF -DATHANOR_BUILD_EXAMPLES=OFF -DATHANOR_BUILD_BENCH=OFF \
    >"$WORK/configure.log" 2>&1 || { tail -20 "$WORK/configure.log"; fail "configure"; }
cmake --build "$B" -j"$(nproc)" >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; fail "build"; }
(cd "$B" && cpack -G DEB) >"$WORK/cpack.log" 2>&1 || { tail -20 "$WORK/cpack.log"; fail "cpack"; }

version=$(sed -n 's/^#define ATH_VERSION_STRING "\(.*\)"/\1/p' "$B/include/athanor/version.h")
soversion=$(sed -n 's/^#define ATH_SOVERSION *\([0-9]*\)/\1/p' "$B/include/athanor/version.h")
deb() { # package name -> its file
    local f
    f=$(ls "$B"/"$1"_*.deb 2>/dev/null | head -n 1)
    [ -n "$f" ] || fail "no package $1 (built: $(cd "$B" && ls ./*.deb | tr '\n' ' '))"
    [ "$(dpkg-deb -f "$f" Package)" = "$1" ] || fail "$f is not package $1"
    [ "$(dpkg-deb -f "$f" Version)" = "$version" ] || fail "$1 has version $(dpkg-deb -f "$f" Version)"
    echo "$f"
}
depends() { dpkg-deb -f "$(deb "$1")" Depends; }
contents() { dpkg-deb -c "$1" >"$WORK/contents.txt"; grep -q "$2" "$WORK/contents.txt"; }
n=0
lib=$(deb "libathanor$soversion")
dev=$(deb libathanor-dev)
[ "$(depends libathanor-dev)" = "libathanor$soversion (= $version)" ] \
    || fail "libathanor-dev depends on '$(depends libathanor-dev)'"
contents "$lib" "libathanor.so.$soversion" || fail "libathanor$soversion lacks the library"
contents "$lib" '\.h$' && fail "libathanor$soversion holds headers"
contents "$dev" 'include/athanor/athanor.h' || fail "libathanor-dev lacks the headers"
n=$((n + 1))
declare -A want=([sqlite]=libsqlite3-0 [postgresql]=libpq5 [mysql]=libmariadb3)
drivers=()
for drv in sqlite postgresql mysql; do
    [ -f "$B/lib/athanor/athanor_$drv.so" ] || continue # not built here (client library missing)
    got=$(depends "athanor-driver-$drv")
    [ "$got" = "${want[$drv]}" ] || fail "athanor-driver-$drv depends on '$got', expected '${want[$drv]}' only"
    contents "$(deb "athanor-driver-$drv")" "/usr/lib/.*athanor/athanor_$drv.so" \
        || fail "athanor-driver-$drv lacks its module"
    drivers+=("$drv")
    n=$((n + 1))
done
[ ${#drivers[@]} -gt 0 ] || fail "no driver package was built"

# a clean root holding only these packages
R="$WORK/root"
mkdir -p "$R"
for f in "$B"/*.deb; do dpkg -x "$f" "$R"; done
tool="$R/usr/bin/athanor"
[ "$(env -u LD_LIBRARY_PATH "$tool" --version)" = "athanor $version (library $version)" ] \
    || fail "the packaged tool: $(env -u LD_LIBRARY_PATH "$tool" --version 2>&1)"
listed=$(env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$tool" drivers)
for drv in "${drivers[@]}"; do
    echo "$listed" | grep -E "^$drv +ok +$R/usr/lib/.*athanor_$drv.so" >/dev/null \
        || fail "the packaged tool does not load the packaged $drv driver: $listed"
done
env -u LD_LIBRARY_PATH -u ATHANOR_DRIVER_PATH "$tool" ping sqlite:///:memory: >/dev/null \
    || fail "the packaged tool cannot ping SQLite"
pc=$(find "$R" -name athanor.pc | head -n 1)
libdir=$(dirname "$(find "$R" -name libathanor.so | head -n 1)")
flags=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --define-variable=prefix="$R/usr" \
    --define-variable=libdir="$libdir" --define-variable=includedir="$R/usr/include" \
    --cflags --libs athanor)
gcc -std=c11 "$ROOT/tests/install/outside/main.c" $flags -Wl,-rpath,"$libdir" -o "$WORK/outside"
[ "$("$WORK/outside")" = "outside: 42" ] || fail "a program built against the packages"
n=$((n + 1))
echo "SUMMARY tests=$n failed_tests=0 (packages: $(cd "$B" && ls ./*.deb | sed 's|./||' | tr '\n' ' '))"
rm -rf "$WORK"
