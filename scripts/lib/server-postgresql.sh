# A throwaway PostgreSQL server for the tests. Sourced (after common.sh), not run.
#
#   url=$(start_postgresql DIR)   initdb into DIR/data, start on a free loopback port, create a
#                                 password user and a database; prints only the URL on stdout
#                                 (everything else goes to stderr, the server's own output to
#                                 DIR/server.log); returns non-zero when it cannot start.
#   stop_postgresql DIR           pg_ctl stop on DIR/data, if a server runs there.
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` system user
# (runuser), otherwise to the current user. Local (Unix socket) connections trust the admin user;
# TCP connections need a password (scram-sha-256), so the tests exercise the password path.

# Where the PostgreSQL 15 server binaries are (ATHANOR_PG_BIN overrides).
_pg_bindir() {
    local d
    for d in "${ATHANOR_PG_BIN:-}" /usr/lib/postgresql/15/bin; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

# Runs a command as the cluster's owner.
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# _pg_try_start BIN DIR PORT: starts the cluster in DIR/data on PORT; the server logs to DIR/server.log.
_pg_try_start() {
    local bin=$1 dir=$2 port=$3
    _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir" \
        start >&2 </dev/null
}

start_postgresql() {
    local dir=$1
    local bin port password admin=athanor_admin user=athanor db=athanor
    if ! bin=$(_pg_bindir); then
        ensure_packages postgresql-15 >&2 </dev/null || true
        bin=$(_pg_bindir) || {
            log "postgresql: no initdb/pg_ctl in /usr/lib/postgresql/15/bin (set ATHANOR_PG_BIN)"
            return 1
        }
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        log "postgresql: running as root but there is no 'postgres' user to own the cluster"
        return 1
    fi
    mkdir -p "$dir" || return 1
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"

    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    local pwfile="$dir/password"
    (umask 077 && printf '%s\n' "$password" >"$pwfile")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"

    log "postgresql: initdb in $dir/data"
    _pg_as_owner "$bin/initdb" -D "$dir/data" -U "$admin" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 </dev/null || {
        tail -20 "$dir/initdb.log" >&2
        log "postgresql: initdb failed"
        return 1
    }

    local started=0 attempt
    for attempt in 1 2 3; do
        port=$(free_port)
        log "postgresql: starting on 127.0.0.1:$port (attempt $attempt)"
        if _pg_try_start "$bin" "$dir" "$port"; then
            started=1
            break
        fi
        tail -5 "$dir/server.log" >&2 2>/dev/null || true
    done
    if [ $started -ne 1 ]; then
        log "postgresql: the server did not start (see $dir/server.log)"
        return 1
    fi

    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$admin")
    _pg_as_owner "${psql[@]}" -d postgres \
        -c "CREATE ROLE $user LOGIN PASSWORD '$password'" >&2 </dev/null &&
        _pg_as_owner "${psql[@]}" -d postgres -c "CREATE DATABASE $db OWNER $user" >&2 </dev/null &&
        # the routing suite pauses a standby's replay to make it lag (replica_max_lag); a
        # standby made by pg_basebackup copies this grant
        _pg_as_owner "${psql[@]}" -d "$db" -c "GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(),
            pg_wal_replay_resume() TO $user" >&2 </dev/null || {
        log "postgresql: could not create the test user and database"
        return 1
    }

    local url="postgresql://$user:$password@127.0.0.1:$port/$db"
    # reachable over TCP with the password, as the tests will connect
    if ! PGCONNECT_TIMEOUT=10 "$bin/psql" -X -q -d "$url" -c "SELECT 1" >/dev/null 2>&1 </dev/null; then
        log "postgresql: started but not reachable at 127.0.0.1:$port with the test password"
        return 1
    fi
    log "postgresql: ready on 127.0.0.1:$port (database $db, user $user)"
    echo "$url"
}

stop_postgresql() {
    local dir=$1 bin
    [ -f "$dir/data/postmaster.pid" ] || return 0
    bin=$(_pg_bindir) || return 1
    log "postgresql: stopping the server in $dir"
    _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 </dev/null
}

# --- a streaming hot standby (docs/scaling.md) ---------------------------------------------------
#
#   url=$(start_postgresql_standby DIR PRIMARY_DIR PRIMARY_URL)
#                                 pg_basebackup -R of the server start_postgresql runs in
#                                 PRIMARY_DIR (over its Unix socket, as its admin user) into
#                                 DIR/data, started as a hot standby on a free loopback port that
#                                 streams from the primary; prints the standby's URL (the same
#                                 user, password and database as PRIMARY_URL); waits until it
#                                 accepts read-only connections. Non-zero when it cannot start.
#   promote_postgresql DIR        pg_ctl promote -w: the standby in DIR becomes a primary.
#   stop_postgresql DIR           stops it, as for a primary.
#
# The primary needs nothing extra: PostgreSQL 15's defaults are wal_level=replica and
# max_wal_senders=10, and initdb --auth-local=trust lets the admin user replicate over the socket.

start_postgresql_standby() {
    local dir=$1 pdir=$2 purl=$3 bin port attempt
    bin=$(_pg_bindir) || { log "postgresql standby: no PostgreSQL 15 binaries"; return 1; }
    local re='^postgresql://[^@]+@[^:/]+:([0-9]+)/'
    [[ $purl =~ $re ]] || { log "postgresql standby: cannot read the primary's port"; return 1; }
    local pport=${BASH_REMATCH[1]}
    mkdir -p "$dir" || return 1
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    log "postgresql standby: pg_basebackup -R from the primary on port $pport into $dir/data"
    _pg_as_owner "$bin/pg_basebackup" -D "$dir/data" -h "$pdir" -p "$pport" -U athanor_admin \
        -R -X stream -c fast >"$dir/basebackup.log" 2>&1 </dev/null || {
        tail -20 "$dir/basebackup.log" >&2
        log "postgresql standby: pg_basebackup failed"
        return 1
    }
    local started=0
    for attempt in 1 2 3; do
        port=$(free_port)
        log "postgresql standby: starting on 127.0.0.1:$port (attempt $attempt)"
        if _pg_try_start "$bin" "$dir" "$port"; then
            started=1
            break
        fi
        tail -5 "$dir/server.log" >&2 2>/dev/null || true
    done
    [ $started -eq 1 ] || { log "postgresql standby: did not start (see $dir/server.log)"; return 1; }
    local url
    url=$(printf '%s' "$purl" | sed -E "s#@([^:/]+):$pport/#@\\1:$port/#")
    local i
    for ((i = 0; i < 100; i++)); do
        if [ "$(PGCONNECT_TIMEOUT=5 "$bin/psql" -X -qtA -d "$url" -c "SELECT pg_is_in_recovery()" \
                2>/dev/null </dev/null)" = t ]; then
            log "postgresql standby: ready on 127.0.0.1:$port (hot standby of port $pport)"
            echo "$url"
            return 0
        fi
        sleep 0.1
    done
    log "postgresql standby: started but not answering as a standby at 127.0.0.1:$port"
    return 1
}

promote_postgresql() {
    local dir=$1 bin
    bin=$(_pg_bindir) || return 1
    _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 promote >&2 </dev/null
}
