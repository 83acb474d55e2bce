#!/usr/bin/env bash
# Drives the command line (the herodb example's `db`, built on ath_cli_main, and the athanor
# tool) against every URL of ATHANOR_TEST_URLS (default: a SQLite file): exit codes and output
# of create-all, sql, load (good and bad input, nothing loaded on failure), dump (JSON, CSV,
# gzip; dump -> load -> dump gives the same bytes), drop-all, inspect, migrate (check, autogen,
# up, current, history/status, down), usage errors and --help.
set -uo pipefail
BUILD=${1:?usage: check-cli.sh BUILD_DIR}
export ATHANOR_DRIVER_PATH=${ATHANOR_DRIVER_PATH:-$BUILD/lib/athanor}
APP="$BUILD/bin/herodb"
TOOL="$BUILD/bin/athanor"
WORK=$(mktemp -d /tmp/athanor-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect CODE DESCRIPTION command... ; output in $WORK/out, $WORK/err
expect() {
    local want=$1 what=$2; shift 2
    checks=$((checks + 1))
    "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    [ "$rc" = "$want" ] || { fail "$what: exit $rc, wanted $want; stderr: $(head -3 "$WORK/err")"; return 1; }
}
has() { # FILE TEXT
    checks=$((checks + 1))
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(head -3 "$1")"
}

# --- no database needed ----------------------------------------------------------------------
expect 0 "help" "$APP" db help && has "$WORK/out" "create-all"
for cmd in create-all drop-all sql dump load inspect migrate; do
    expect 0 "$cmd --help" "$APP" db "$cmd" --help && has "$WORK/out" "usage: herodb db $cmd"
done
expect 2 "unknown command" "$APP" db frobnicate && has "$WORK/err" "unknown command 'frobnicate'"
expect 2 "unknown option" "$APP" db dump --frob && has "$WORK/err" "Try 'herodb db dump --help'"
expect 2 "dump without --table" "$APP" db dump sqlite:// && has "$WORK/err" "--table T is required"
expect 2 "load without file" "$APP" db load --table hero && has "$WORK/err" "no FILE"
expect 2 "bad format" "$APP" db dump --table hero --format xml && has "$WORK/err" "unknown format 'xml'"
expect 2 "unknown table" "$APP" db dump sqlite:// --table villain && has "$WORK/err" "the program's tables are: team hero"
env -u DATABASE_URL "$APP" db create-all >/dev/null 2>"$WORK/err"; rc=$?
checks=$((checks + 1)); [ $rc = 3 ] || fail "no URL: exit $rc, wanted 3"
has "$WORK/err" "no database URL"
expect 3 "bad URL" "$APP" db create-all --url "nosuchdb://x" || true
expect 0 "sql" "$APP" db sql --url sqlite:// && has "$WORK/out" "CREATE TABLE"
expect 2 "tool without models" "$TOOL" create-all --url sqlite:// && has "$WORK/err" "no compiled models"
expect 0 "tool help" "$TOOL" help && has "$WORK/out" "dump"

# --- per database ----------------------------------------------------------------------------
cat >"$WORK/teams.csv" <<'CSV'
id,name,headquarters
1,Preventers,"Sharp Tower, 3rd floor"
2,Z-Force,
CSV
cat >"$WORK/heroes.jsonl" <<'JSON'
{"id":1,"name":"Deadpond","secret_name":"Dive Wilson","age":null,"born":null,"team_id":2}
{"id":2,"name":"Rusty-Man","secret_name":"Tommy \"Sharp\" Stark","age":48,"born":"1976-05-29T10:00:00Z","team_id":1}
{"id":3,"name":"Spider-Boy","secret_name":"Pedro Parqueador","age":null,"born":null,"team_id":null}
JSON
printf '{"id":7,"name":"Ok","secret_name":"x"}\n{"id":8,"name":"Bad","secret_name":"y","age":"old"}\n' >"$WORK/bad.jsonl"
printf 'id,name,secret_name\n7,Ok,x\n8,"Bad\n' >"$WORK/bad.csv"

n=0
for url in ${ATHANOR_TEST_URLS:-sqlite:///$WORK/cli.db}; do
    case "$url" in *:memory:*|sqlite://) continue ;; esac # each run is a new process
    n=$((n + 1))
    tag=${url%%:*}
    export DATABASE_URL=$url
    "$APP" db drop-all -q >/dev/null 2>&1
    expect 0 "$tag create-all" "$APP" db create-all && has "$WORK/err" "created"
    expect 0 "$tag load teams (csv)" "$APP" db load --table team "$WORK/teams.csv"
    has "$WORK/err" "load team: 2 rows"
    expect 0 "$tag load heroes (jsonl, URL positional)" "$APP" db load "$url" --table hero "$WORK/heroes.jsonl"
    expect 1 "$tag bad json" "$APP" db load --table hero "$WORK/bad.jsonl" && has "$WORK/err" "bad.jsonl:2: key 'age': expected an integer, got a string"
    expect 1 "$tag bad csv" "$APP" db load --table hero "$WORK/bad.csv" && has "$WORK/err" "bad.csv:3: a quoted field is not closed"
    expect 1 "$tag duplicate key" "$APP" db load --table hero "$WORK/heroes.jsonl" && has "$WORK/err" "ATH_EDUPLICATE"
    expect 0 "$tag dump json" "$APP" db dump --table hero -q
    checks=$((checks + 1))
    [ "$(wc -l <"$WORK/out")" = 3 ] || fail "$tag: dump has $(wc -l <"$WORK/out") lines, wanted 3 (nothing of the bad loads)"
    has "$WORK/out" '"secret_name":"Tommy \"Sharp\" Stark","age":48,"born":"1976-05-29T10:00:00.000000Z"'
    cp "$WORK/out" "$WORK/hero1.jsonl"
    expect 0 "$tag dump csv.gz" "$APP" db dump --table team --out "$WORK/team1.csv.gz"
    expect 0 "$tag dump csv" "$APP" db dump --table team --format csv --out "$WORK/team1.csv"
    has "$WORK/team1.csv" '"Sharp Tower, 3rd floor"'
    # round trip: empty tables, load the dumps, dump again, same bytes
    expect 0 "$tag drop-all" "$APP" db drop-all
    expect 0 "$tag create-all again" "$APP" db create-all
    expect 0 "$tag reload teams (gz)" "$APP" db load --table team "$WORK/team1.csv.gz"
    expect 0 "$tag reload heroes" "$APP" db load --table hero "$WORK/hero1.jsonl"
    expect 0 "$tag dump again" "$APP" db dump --table hero --out "$WORK/hero2.jsonl"
    checks=$((checks + 1)); cmp -s "$WORK/hero1.jsonl" "$WORK/hero2.jsonl" || fail "$tag: hero dump differs after a reload"
    expect 0 "$tag dump teams again" "$APP" db dump --table team --format csv --out "$WORK/team2.csv"
    checks=$((checks + 1)); cmp -s "$WORK/team1.csv" "$WORK/team2.csv" || fail "$tag: team dump differs after a reload"
    # keys go on after loaded ones (PostgreSQL's identity is moved past them)
    printf '{"name":"Nobody","secret_name":"n"}\n' >"$WORK/nokey.jsonl"
    expect 0 "$tag load without key" "$APP" db load --table hero "$WORK/nokey.jsonl"
    expect 0 "$tag dump after" "$APP" db dump --table hero && has "$WORK/out" '{"id":4,"name":"Nobody"'
    expect 0 "$tag drop-all at the end" "$APP" db drop-all
    # migrations: check finds the drift, autogen writes it, the tool applies and undoes it
    mig="$WORK/mig-$n"; mkdir -p "$mig"
    expect 4 "$tag migrate check (drift)" "$APP" db migrate check && has "$WORK/out" "add table hero"
    expect 0 "$tag migrate autogen" "$APP" db migrate --dir "$mig" autogen initial && has "$WORK/out" "add table team"
    checks=$((checks + 1)); [ -s "$mig/0001_initial.up.sql" ] && [ -s "$mig/0001_initial.down.sql" ] || fail "$tag: autogen wrote no 0001_initial files"
    expect 0 "$tag migrate current (base)" "$TOOL" migrate --dir "$mig" current && has "$WORK/out" "base"
    expect 4 "$tag migrate status --check (pending)" "$TOOL" migrate --dir "$mig" status --check && has "$WORK/out" "0001 initial"
    expect 0 "$tag migrate up" "$TOOL" migrate --dir "$mig" up && has "$WORK/err" "applied 1 migration"
    expect 0 "$tag migrate check (clean)" "$APP" db migrate check && has "$WORK/err" "matches the models"
    expect 0 "$tag migrate current" "$TOOL" migrate --dir "$mig" current && has "$WORK/out" "0001"
    expect 0 "$tag migrate history" "$TOOL" migrate --dir "$mig" history && has "$WORK/out" "applied"
    expect 0 "$tag inspect hero" "$TOOL" inspect "$url" hero && has "$WORK/out" "table hero"
    has "$WORK/out" "primary key (id)"; has "$WORK/out" "foreign key"; has "$WORK/out" "-> team (id)"
    expect 1 "$tag inspect unknown table" "$TOOL" inspect "$url" villain && has "$WORK/err" "no table villain"
    expect 0 "$tag migrate down" "$TOOL" migrate --dir "$mig" down && has "$WORK/err" "undid 1 migration"
    expect 0 "$tag migrate current after down" "$TOOL" migrate --dir "$mig" current && has "$WORK/out" "base"
    expect 0 "$tag migrate new" "$TOOL" migrate --dir "$mig" new "seed data" && has "$WORK/out" "0002_seed_data.up.sql"
    expect 0 "$tag migrate up (hand-written, comments only)" "$TOOL" migrate --dir "$mig" up && has "$WORK/err" "applied 2 migrations"
    expect 0 "$tag migrate current after new" "$TOOL" migrate --dir "$mig" current && has "$WORK/out" "0002"
    expect 0 "$tag migrate down to base" "$TOOL" migrate --dir "$mig" down base && has "$WORK/err" "undid 2 migrations"
    expect 2 "$tag migrate unknown command" "$TOOL" migrate --dir "$mig" frob && has "$WORK/err" "unknown migrate command 'frob'"
done
echo "SUMMARY tests=$checks failed_tests=$fails databases=$n"
[ "$fails" = 0 ] && [ "$n" -gt 0 ]
