#!/usr/bin/env bash
# The core links no database client, exports only the public API (ath_*), and each driver
# module exports only its entry symbol.
set -euo pipefail
BUILD=${1:?usage: check-core-deps.sh BUILD_DIR}
lib=$(ls "$BUILD"/lib/libathanor.so.* | head -n 1)
fail=0
if readelf -d "$lib" | grep NEEDED | grep -Ei 'libpq|mysql|mariadb|sqlite'; then
    echo "FAIL: $lib links a database client"; fail=1
fi
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -vE '^ath_|^_init$|^_fini$' || true)
if [ -n "$bad" ]; then echo "FAIL: $lib exports non-API symbols:"; echo "$bad"; fail=1; fi
checked=1
for mod in "$BUILD"/lib/athanor/athanor_*.so; do
    [ -e "$mod" ] || continue
    name=$(basename "$mod" .so)
    extra=$(nm -D --defined-only "$mod" | awk '{print $3}' | grep -vE "^${name}_driver\$|^_init\$|^_fini\$" || true)
    if [ -n "$extra" ]; then echo "FAIL: $mod exports more than ${name}_driver:"; echo "$extra"; fail=1; fi
    if readelf -d "$mod" | grep NEEDED | grep -q libathanor; then
        echo "FAIL: $mod links the core (drivers must call nothing in it)"; fail=1
    fi
    checked=$((checked + 1))
done
[ $fail -eq 0 ] || exit 1
echo "SUMMARY tests=$checked failed_tests=0 (core + driver modules: dependencies and exported symbols)"
