# A throwaway MariaDB server for the tests: a data directory in a temporary folder, mariadbd on a
# free loopback port and its own socket, a database and a password user. Sourced by scripts/test
# (after common.sh, which gives log, ensure_packages and free_port).
#
#   url=$(start_mariadb DIR)   prints only the URL on stdout; logs go to stderr; non-zero on failure
#   stop_mariadb DIR           shuts the server down (safe to call when start failed or never ran)
#
#   url=$(start_mariadb_replica DIR PRIMARY_DIR PRIMARY_URL)
#                              a second mariadbd in DIR replicating (binlog, GTID) from the server
#                              start_mariadb runs in PRIMARY_DIR; prints its URL (the primary's
#                              user, password and database, its own port) once both replication
#                              threads run; non-zero on failure. stop_mariadb DIR stops it.
#
# Everything the server writes stays in DIR: data/, sock, mariadbd.pid, mariadbd.log.

# mariadb_bin NAME: the path of a MariaDB program (the server lives in /usr/sbin, often not on a
# non-root PATH).
mariadb_bin() {
    local name=$1 d
    command -v "$name" 2>/dev/null && return 0
    for d in /usr/sbin /usr/local/sbin /usr/libexec /usr/local/bin; do
        [ -x "$d/$name" ] && { echo "$d/$name"; return 0; }
    done
    return 1
}

# mariadb_root_sql DIR SQL: runs SQL as the server's root user over its socket.
mariadb_root_sql() {
    "$(mariadb_bin mariadb)" --no-defaults --protocol=socket --socket="$1/sock" -uroot -e "$2"
}

# mariadb_admin_bin: the path of mariadb-admin (or of mysqladmin, its older name).
mariadb_admin_bin() { mariadb_bin mariadb-admin || mariadb_bin mysqladmin; }

# mariadb_admin DIR ARGS...: runs mariadb-admin ARGS as the root user of the server in DIR, over
# its socket.
mariadb_admin() {
    local dir=$1 admin
    shift
    admin=$(mariadb_admin_bin) || return 1
    "$admin" --no-defaults --protocol=socket --socket="$dir/sock" -uroot "$@"
}

# mariadb_wait_up DIR: waits up to 60 s for the server launched as DIR/launcher.pid to answer a
# ping: 0 once it does, 2 when it exits first, 1 when it gives no answer in time.
mariadb_wait_up() {
    local dir=$1 i
    for ((i = 0; i < 600; i++)); do
        mariadb_admin "$dir" --connect-timeout=2 ping >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$dir/launcher.pid" 2>/dev/null)" 2>/dev/null || return 2
        sleep 0.1
    done
    return 1
}

# mariadb_init_datadir INSTALL_DB DIR LABEL: a fresh system database in DIR/data (as root, owned
# by root: the server then runs with --user=root).
mariadb_init_datadir() {
    local install_db=$1 dir=$2 label=$3 as_user=()
    [ "$(id -u)" -eq 0 ] && as_user=(--user=root)
    mkdir -p "$dir/data" || return 1
    log "$label: initialising $dir/data"
    if ! "$install_db" --no-defaults "${as_user[@]}" --datadir="$dir/data" \
        --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
        >"$dir/install.log" 2>&1; then
        tail -20 "$dir/install.log" >&2
        log "$label: mariadb-install-db failed (log: $dir/install.log)"
        return 1
    fi
}

start_mariadb() {
    local dir=$1
    if ! mariadb_bin mariadbd >/dev/null || ! mariadb_bin mariadb-install-db >/dev/null; then
        ensure_packages mariadb-server mariadb-client libmariadb-dev >&2
    fi
    local mariadbd install_db
    mariadbd=$(mariadb_bin mariadbd) || { log "mariadbd is not installed"; return 1; }
    install_db=$(mariadb_bin mariadb-install-db) || { log "mariadb-install-db is missing"; return 1; }
    mariadb_admin_bin >/dev/null || { log "mysqladmin is missing"; return 1; }

    # as root, the server runs as root (it refuses to otherwise without --user); else as ourselves
    local as_user=()
    [ "$(id -u)" -eq 0 ] && as_user=(--user=root)
    mariadb_init_datadir "$install_db" "$dir" mariadb || return 1

    local port
    port=$(free_port)
    # Settings for a small, fast, throwaway server. innodb_flush_log_at_trx_commit=2 and no
    # doublewrite buffer trade crash safety for speed: acceptable only because this data is
    # deleted after the run. A row-format binary log with server_id 1, so that a replica
    # (start_mariadb_replica) can follow it; sync_binlog stays 0 (no fsync per commit) and
    # log_bin_trust_function_creators lets the test user create functions and triggers as
    # without a binary log. No DNS lookups on connect. innodb_autoinc_lock_mode stays at
    # MariaDB's default (1, "consecutive"), the mode the driver's multi-row id rule relies on.
    log "mariadb: starting mariadbd on 127.0.0.1:$port"
    "$mariadbd" --no-defaults "${as_user[@]}" --datadir="$dir/data" --socket="$dir/sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" \
        --log-error="$dir/mariadbd.log" \
        --server-id=1 --log-bin=binlog --binlog-format=ROW --sync-binlog=0 \
        --log-bin-trust-function-creators=1 --skip-name-resolve \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        --max-connections=200 \
        </dev/null >>"$dir/mariadbd.log" 2>&1 &
    echo $! >"$dir/launcher.pid"

    local up=0
    mariadb_wait_up "$dir" || up=$?
    if [ $up -ne 0 ]; then
        tail -20 "$dir/mariadbd.log" >&2
        local why="no answer to ping after 60 s"
        [ $up -ne 2 ] || why="mariadbd exited during startup"
        log "mariadb: $why (log: $dir/mariadbd.log)"
        return 1
    fi

    # hex only, so the password needs no escaping in SQL or in the URL
    local password
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    if ! mariadb_root_sql "$dir" "
        CREATE DATABASE athanor CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
        CREATE USER 'athanor'@'127.0.0.1' IDENTIFIED BY '$password';
        CREATE USER 'athanor'@'localhost' IDENTIFIED BY '$password';
        GRANT ALL PRIVILEGES ON athanor.* TO 'athanor'@'127.0.0.1';
        GRANT ALL PRIVILEGES ON athanor.* TO 'athanor'@'localhost';
        GRANT SLAVE MONITOR ON *.* TO 'athanor'@'127.0.0.1';" >&2; then
        log "mariadb: could not create the database and user"
        return 1
    fi
    log "mariadb: ready ($("$mariadbd" --version 2>/dev/null | awk '{print $3}'))"
    echo "mysql://athanor:$password@127.0.0.1:$port/athanor"
}

stop_mariadb() {
    local dir=$1 pid=""
    [ -f "$dir/launcher.pid" ] && pid=$(cat "$dir/launcher.pid")
    [ -z "$pid" ] && [ -f "$dir/mariadbd.pid" ] && pid=$(cat "$dir/mariadbd.pid")
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    log "mariadb: shutting down"
    mariadb_admin "$dir" --connect-timeout=5 shutdown >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        # after 10 s, ask with a signal; after 25 s, insist
        if ((i == 100)); then kill -TERM "$pid" 2>/dev/null || true; fi
        if ((i == 250)); then kill -KILL "$pid" 2>/dev/null || true; fi
        sleep 0.1
    done
    log "mariadb: pid $pid did not exit"
    return 1
}

# --- a replica (docs/scaling.md) ----------------------------------------------------------------
#
# The replica starts from the primary's binary log position at the moment it is made (GTID,
# MASTER_USE_GTID=slave_pos), not from a copy of the primary's data: it gets its own database and
# user (the primary's names and password) and then applies every transaction the primary commits
# from then on. Tables that existed on the primary before are not on the replica (the scale suite
# creates its own after the replica is up). The replica is read-only (read_only=1: the test user
# has no READ ONLY ADMIN privilege), has server_id = its port (unique on the host, so several
# replicas of one primary can run), relay logs in DIR/data, no binary log of its own, and the
# test user may watch and pause replication (SLAVE MONITOR: SHOW REPLICA STATUS for
# replica_max_lag; REPLICATION SLAVE ADMIN: STOP/START SLAVE SQL_THREAD in the lag test). On the
# primary a replication user per replica (athanor_repl_<port>, REPLICATION SLAVE) is created.

# mariadb_root_value DIR SQL: the single value SQL returns, as root over the socket of DIR.
mariadb_root_value() {
    "$(mariadb_bin mariadb)" --no-defaults --protocol=socket --socket="$1/sock" -uroot -N -B -e "$2"
}

start_mariadb_replica() {
    local dir=$1 pdir=$2 purl=$3
    local re='^mysql://([^:@/]+):([^@/]+)@[^:/]+:([0-9]+)/([^?]+)'
    [[ $purl =~ $re ]] || { log "mariadb replica: cannot read the primary's URL"; return 1; }
    local user=${BASH_REMATCH[1]} password=${BASH_REMATCH[2]} pport=${BASH_REMATCH[3]}
    local db=${BASH_REMATCH[4]}
    local mariadbd install_db
    mariadbd=$(mariadb_bin mariadbd) || { log "mariadbd is not installed"; return 1; }
    install_db=$(mariadb_bin mariadb-install-db) || { log "mariadb-install-db is missing"; return 1; }
    [ "$(mariadb_root_value "$pdir" "SELECT @@log_bin" 2>/dev/null)" = 1 ] || {
        log "mariadb replica: the primary in $pdir has no binary log"
        return 1
    }
    local as_user=()
    [ "$(id -u)" -eq 0 ] && as_user=(--user=root)
    mariadb_init_datadir "$install_db" "$dir" "mariadb replica" || return 1
    local port
    port=$(free_port)
    log "mariadb replica: starting mariadbd on 127.0.0.1:$port"
    "$mariadbd" --no-defaults "${as_user[@]}" --datadir="$dir/data" --socket="$dir/sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" \
        --log-error="$dir/mariadbd.log" \
        --server-id="$port" --skip-log-bin --relay-log=relay --read-only=1 --skip-name-resolve \
        --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
        --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        --max-connections=100 \
        </dev/null >>"$dir/mariadbd.log" 2>&1 &
    echo $! >"$dir/launcher.pid"
    local up=0
    mariadb_wait_up "$dir" || up=$?
    if [ $up -ne 0 ]; then
        tail -20 "$dir/mariadbd.log" >&2
        log "mariadb replica: did not start (log: $dir/mariadbd.log)"
        return 1
    fi
    local repl=athanor_repl_$port rpass pos
    rpass=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    mariadb_root_sql "$pdir" "
        CREATE OR REPLACE USER '$repl'@'127.0.0.1' IDENTIFIED BY '$rpass';
        GRANT REPLICATION SLAVE ON *.* TO '$repl'@'127.0.0.1';" >&2 || {
        log "mariadb replica: could not create the replication user on the primary"
        return 1
    }
    # everything the primary commits after this position reaches the replica
    pos=$(mariadb_root_value "$pdir" "SELECT @@gtid_binlog_pos") || {
        log "mariadb replica: cannot read the primary's @@gtid_binlog_pos"
        return 1
    }
    mariadb_root_sql "$dir" "
        CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
        CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$password';
        CREATE USER '$user'@'localhost' IDENTIFIED BY '$password';
        GRANT ALL PRIVILEGES ON $db.* TO '$user'@'127.0.0.1';
        GRANT ALL PRIVILEGES ON $db.* TO '$user'@'localhost';
        GRANT SLAVE MONITOR, REPLICATION SLAVE ADMIN ON *.* TO '$user'@'127.0.0.1';
        SET GLOBAL gtid_slave_pos = '$pos';
        CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $pport, MASTER_USER = '$repl',
            MASTER_PASSWORD = '$rpass', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
        START SLAVE;" >&2 || {
        log "mariadb replica: could not set up replication"
        return 1
    }
    local i status
    for ((i = 0; i < 200; i++)); do
        status=$(mariadb_root_sql "$dir" "SHOW SLAVE STATUS\G" 2>/dev/null |
            awk '$1 == "Slave_IO_Running:" || $1 == "Slave_SQL_Running:" { printf "%s ", $2 }')
        if [ "$status" = "Yes Yes " ]; then
            log "mariadb replica: ready on 127.0.0.1:$port (server_id $port, replicating from port $pport at GTID '${pos}')"
            echo "mysql://$user:$password@127.0.0.1:$port/$db"
            return 0
        fi
        sleep 0.05
    done
    mariadb_root_sql "$dir" "SHOW SLAVE STATUS\G" >&2 || true
    log "mariadb replica: replication threads not running after 10 s"
    return 1
}
