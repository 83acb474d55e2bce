#!/usr/bin/env bash
# Runs the examples and checks their output: the Hero example on SQLite in memory, on a file
# twice (the second run must still work and see both heroes), and on every server URL configured.
set -euo pipefail
BUILD=${1:?usage: check-examples.sh BUILD_DIR}
heroes="$BUILD/bin/heroes"
expect='Hero(id=1, name='"'"'Deadpond'"'"', secret_name='"'"'Dive Wilson'"'"', age=None)'
out=$("$heroes")
[ "$out" = "$expect" ] || { echo "FAIL memory: got '$out'"; exit 1; }
db=$(mktemp -u /tmp/athanor-heroes.XXXXXX).db
"$heroes" "sqlite:///$db" >/dev/null
out=$("$heroes" "sqlite:///$db")
rm -f "$db" "$db-wal" "$db-shm"
[ "$(echo "$out" | grep -c Deadpond)" = 2 ] || { echo "FAIL file, second run: got '$out'"; exit 1; }
n=2
for url in ${ATHANOR_TEST_URLS:-}; do
    case "$url" in sqlite*) continue ;; esac
    out=$("$heroes" "$url") || { echo "FAIL on ${url%%:*}: $out"; exit 1; }
    echo "$out" | grep -q "name='Deadpond', secret_name='Dive Wilson'" \
        || { echo "FAIL on ${url%%:*}: got '$out'"; exit 1; }
    n=$((n + 1))
done
# the same Hero program in C++17, on every URL (CI builds it: build-essential brings g++)
heroes_cpp="$BUILD/bin/heroes_cpp"
if [ -x "$heroes_cpp" ]; then
    for url in "sqlite:///:memory:" ${ATHANOR_TEST_URLS:-}; do
        case "$url" in sqlite:///*.db) continue ;; esac
        out=$("$heroes_cpp" "$url") || { echo "FAIL heroes_cpp on ${url%%:*}: $out"; exit 1; }
        echo "$out" | grep -q "name='Deadpond', secret_name='Dive Wilson', age=None" \
            || { echo "FAIL heroes_cpp on ${url%%:*}: got '$out'"; exit 1; }
        n=$((n + 1))
    done
elif [ "${CI:-}" = true ]; then
    echo "FAIL: heroes_cpp was not built (no C++ compiler?)"; exit 1
fi
# the Hero example on a libuv loop through the async API: SQLite on worker threads, PostgreSQL
# and MariaDB with io=nonblocking on the loop's thread
heroes_async="$BUILD/bin/heroes_async"
if [ -x "$heroes_async" ]; then
    for url in "sqlite:///:memory:" ${ATHANOR_TEST_URLS:-}; do
        case "$url" in
            sqlite:///*.db) ;;
            sqlite*) ;;
            *\?*) url="$url&io=nonblocking" ;;
            *) url="$url?io=nonblocking" ;;
        esac
        out=$("$heroes_async" "$url") || { echo "FAIL heroes_async on ${url%%:*}: $out"; exit 1; }
        echo "$out" | grep -q "name='Deadpond', secret_name='Dive Wilson', age=None" \
            || { echo "FAIL heroes_async on ${url%%:*}: got '$out'"; exit 1; }
        n=$((n + 1))
    done
elif [ "${CI:-}" = true ]; then
    echo "FAIL: heroes_async was not built (libuv1-dev missing?)"; exit 1
fi
# the tenancy example (a custom mixin): each tenant sees only its own rows
tenancy="$BUILD/bin/tenancy"
if [ -x "$tenancy" ]; then
    for url in "sqlite:///:memory:" ${ATHANOR_TEST_URLS:-}; do
        case "$url" in sqlite:///*.db) continue ;; esac
        out=$("$tenancy" "$url") || { echo "FAIL tenancy on ${url%%:*}: $out"; exit 1; }
        for want in "acme sees 2 notes: Q3 plan, Hiring" "globex sees 1 note: Merger memo" \
                    "acme deleting note 3 of another tenant: ATH_ENOTFOUND" "no tenant: ATH_EINVAL"; do
            echo "$out" | grep -qF "$want" || { echo "FAIL tenancy on ${url%%:*}: no '$want' in '$out'"; exit 1; }
        done
        n=$((n + 1))
    done
fi
# engine events: the query counter sees every connection, statement, changed row and error
counter="$BUILD/bin/query_counter"
if [ -x "$counter" ]; then
    for url in "sqlite:///:memory:" ${ATHANOR_TEST_URLS:-}; do
        case "$url" in sqlite:///*.db) continue ;; esac
        out=$("$counter" "$url" 2>/dev/null) || { echo "FAIL query_counter on ${url%%:*}: $out"; exit 1; }
        for want in "heroes: 2" "statements for two adds, a count and a commit: 7" \
                    "connections opened: 1, checkouts: 4, checkins: 4" "rows changed: 2, errors: 1" \
                    "failed: ATH_ESQL: SELECT * FROM no_such_table"; do
            echo "$out" | grep -qF "$want" || { echo "FAIL query_counter on ${url%%:*}: no '$want' in '$out'"; exit 1; }
        done
        n=$((n + 1))
    done
fi
# relationships: Team/Hero loaded in batches, ON DELETE SET NULL
teams="$BUILD/bin/teams"
if [ -x "$teams" ]; then
    for url in "sqlite:///:memory:" ${ATHANOR_TEST_URLS:-}; do
        case "$url" in sqlite:///*.db) continue ;; esac
        out=$("$teams" "$url") || { echo "FAIL teams on ${url%%:*}: $out"; exit 1; }
        for want in "Preventers (Sharp Tower): Rusty-Man" "Z-Force (Sister Margaret's Bar): Deadpond" \
                    "Spider-Boy is in no team" "get: Preventers has 1 hero, Rusty-Man of Preventers"; do
            echo "$out" | grep -qF "$want" || { echo "FAIL teams on ${url%%:*}: no '$want' in '$out'"; exit 1; }
        done
        echo "$out" | sed -n '/after deleting Z-Force/,$p' | grep -qF "Deadpond is in no team" \
            || { echo "FAIL teams on ${url%%:*}: SET NULL not seen in '$out'"; exit 1; }
        n=$((n + 1))
    done
fi
echo "SUMMARY tests=$n failed_tests=0 (heroes in C and C++, tenancy, query_counter and teams examples)"
