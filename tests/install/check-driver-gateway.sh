#!/usr/bin/env bash
# One gateway to the driver: only core/conn.c calls a driver's vtable (issue 18.1), so a lost
# connection is always marked broken and integers are range-checked in one place. Fails when
# `->driver->` or a call of a driver member (`x->column(`, `drv->changes(`…) appears in any
# other file of core/.
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
members='connect|close|ping|exec|prepare|finalize|execute|step|column_count|column_name|column|changes|last_insert_id|reset|check|bulk_insert'
fail=0
files=0
for f in "$ROOT"/core/*.c "$ROOT"/core/*.h; do
    files=$((files + 1))
    case "$(basename "$f")" in conn.c) continue ;; esac
    if hits=$(grep -nE -- "->driver->|->(${members})\(" "$f"); then
        echo "FAIL: $f calls a driver outside core/conn.c:"; echo "$hits"; fail=1
    fi
done
[ "$files" -gt 10 ] || { echo "FAIL: no core sources under $ROOT/core"; exit 1; }
[ $fail -eq 0 ] || exit 1
echo "SUMMARY tests=$files failed_tests=0 (driver calls only in core/conn.c)"
