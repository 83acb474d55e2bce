# A throwaway pgbouncer in transaction pooling mode in front of a test PostgreSQL server. Sourced
# (after common.sh and server-postgresql.sh), not run.
#
#   url=$(start_pgbouncer DIR PG_URL)   writes DIR/pgbouncer.ini and DIR/userlist.txt, starts
#                                       pgbouncer on a free loopback port in front of the server
#                                       PG_URL names (postgresql://user:password@127.0.0.1:port/db,
#                                       as start_postgresql prints it), checks that it answers;
#                                       prints only the URL through pgbouncer on stdout, with
#                                       prepared_statements=unnamed (see docs/scaling.md);
#                                       non-zero when it cannot start.
#   stop_pgbouncer DIR                  stops the pgbouncer whose pid file is in DIR, if any.
#
# Debian bookworm's pgbouncer (1.18) does not support named prepared statements in transaction
# mode: a statement parsed on one server connection is unknown on the next. pgbouncer refuses to
# run as root; as root it runs as the `postgres` system user, like the test cluster.

_pgb_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pgb_bin() {
    local p
    for p in "${ATHANOR_PGBOUNCER:-}" "$(command -v pgbouncer 2>/dev/null)" /usr/sbin/pgbouncer; do
        [ -n "$p" ] && [ -x "$p" ] && { echo "$p"; return 0; }
    done
    return 1
}

start_pgbouncer() {
    local dir=$1 pg_url=$2 bin
    if ! bin=$(_pgb_bin); then
        ensure_packages pgbouncer >&2 </dev/null || true
        bin=$(_pgb_bin) || { log "pgbouncer: not installed"; return 1; }
    fi
    local re='^postgresql://([^:@/]+):([^@/]+)@([^:/]+):([0-9]+)/([^?]+)$'
    [[ $pg_url =~ $re ]] || { log "pgbouncer: cannot read the server URL"; return 1; }
    local user=${BASH_REMATCH[1]} password=${BASH_REMATCH[2]} pghost=${BASH_REMATCH[3]}
    local pgport=${BASH_REMATCH[4]} db=${BASH_REMATCH[5]}

    mkdir -p "$dir" || return 1
    chmod 700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    (umask 077 && printf '"%s" "%s"\n' "$user" "$password" >"$dir/userlist.txt")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/userlist.txt"

    local psql port attempt
    psql="$(_pg_bindir 2>/dev/null)/psql"
    [ -x "$psql" ] || psql=psql
    for attempt in 1 2 3; do
        port=$(free_port)
        cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$db = host=$pghost port=$pgport dbname=$db

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
; libpq sends no extra_float_digits, but drivers of other languages do: harmless to accept
ignore_startup_parameters = extra_float_digits
; the fault and scale suites stop and restart the server: retry logins soon after
server_login_retry = 1
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
        [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pgbouncer.ini"
        log "pgbouncer: starting on 127.0.0.1:$port in front of $pghost:$pgport (attempt $attempt)"
        if _pgb_as_owner "$bin" -d -q "$dir/pgbouncer.ini" >&2 </dev/null; then
            local url="postgresql://$user:$password@127.0.0.1:$port/$db"
            local i
            for ((i = 0; i < 50; i++)); do
                if PGCONNECT_TIMEOUT=5 "$psql" -X -q -d "$url" -c "SELECT 1" >/dev/null 2>&1 </dev/null
                then
                    log "pgbouncer: ready on 127.0.0.1:$port (transaction pooling)"
                    echo "$url?prepared_statements=unnamed"
                    return 0
                fi
                sleep 0.1
            done
            stop_pgbouncer "$dir"
        fi
        tail -5 "$dir/pgbouncer.log" >&2 2>/dev/null || true
    done
    log "pgbouncer: did not start (see $dir/pgbouncer.log)"
    return 1
}

stop_pgbouncer() {
    local dir=$1 pid i
    [ -f "$dir/pgbouncer.pid" ] || return 0
    pid=$(cat "$dir/pgbouncer.pid" 2>/dev/null) || return 0
    [ -n "$pid" ] || return 0
    log "pgbouncer: stopping $pid"
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pgbouncer.pid"; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}
