#!/usr/bin/env bash
# Server control for the fault tests (athanor_fault_tests), in two roles:
#
# Sourced by scripts/test (after common.sh and the server-*.sh files), it defines
#
#   fault_servers_export PG_DIR MARIADB_DIR
#
# which exports the commands the tests run to stop, start and restart the throwaway servers that
# start_postgresql / start_mariadb put in those directories (pass "" for a server not started):
#
#   ATHANOR_TEST_PG_STOP       ATHANOR_TEST_PG_START       ATHANOR_TEST_PG_RESTART
#   ATHANOR_TEST_MARIADB_STOP  ATHANOR_TEST_MARIADB_START  ATHANOR_TEST_MARIADB_RESTART
#
# Run as a program, it is those commands:
#
#   servers.sh postgresql|mariadb stop|start|restart DIR
#   servers.sh postgresql promote DIR     (a standby: athanor_scale_tests' promotion suite)
#
# A restarted server listens on the same port, socket and data directory as before, so the URL
# in ATHANOR_TEST_URLS stays valid, and stop_postgresql / stop_mariadb still stop it at the end
# of the run (the MariaDB pid file they read is rewritten). Each command returns only once the
# server is down, or up and answering.

fault_servers_export() {
    local pg_dir=$1 mariadb_dir=$2
    local self
    self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
    local action cmd
    if [ -n "$pg_dir" ]; then
        for action in stop start restart; do
            printf -v cmd '%q postgresql %s %q' "$self" "$action" "$pg_dir"
            export "ATHANOR_TEST_PG_${action^^}=$cmd"
        done
    fi
    if [ -n "$mariadb_dir" ]; then
        for action in stop start restart; do
            printf -v cmd '%q mariadb %s %q' "$self" "$action" "$mariadb_dir"
            export "ATHANOR_TEST_MARIADB_${action^^}=$cmd"
        done
    fi
}

# --- PostgreSQL -------------------------------------------------------------------------------

# The port the cluster in DIR was last started on (postmaster.opts outlives the server).
_fault_pg_port() {
    sed -n 's/.*"-p" "\([0-9]*\)".*/\1/p' "$1/data/postmaster.opts" 2>/dev/null
}

_fault_pg() {
    local action=$1 dir=$2 bin port
    bin=$(_pg_bindir) || { log "postgresql: no pg_ctl"; return 1; }
    case $action in
    stop) stop_postgresql "$dir" ;;
    start)
        [ -f "$dir/data/postmaster.pid" ] && return 0
        port=$(_fault_pg_port "$dir")
        [ -n "$port" ] || { log "postgresql: no port in $dir/data/postmaster.opts"; return 1; }
        _pg_try_start "$bin" "$dir" "$port"
        ;;
    restart)
        _fault_pg stop "$dir" && _fault_pg start "$dir"
        ;;
    promote) promote_postgresql "$dir" ;; # a standby (start_postgresql_standby) becomes primary
    *) return 2 ;;
    esac
}

# --- MariaDB ----------------------------------------------------------------------------------

_fault_mariadb_running() {
    local pid
    pid=$(cat "$1/launcher.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

_fault_mariadb() {
    local action=$1 dir=$2
    case $action in
    stop)
        _fault_mariadb_running "$dir" || return 0
        # the command line, to start the same server again (same port, socket and options)
        cp "/proc/$(cat "$dir/launcher.pid")/cmdline" "$dir/fault-cmdline" || return 1
        stop_mariadb "$dir"
        ;;
    start)
        _fault_mariadb_running "$dir" && return 0
        [ -s "$dir/fault-cmdline" ] || { log "mariadb: no saved command line in $dir"; return 1; }
        local cmd=()
        mapfile -d '' -t cmd <"$dir/fault-cmdline"
        # its own session: the server outlives the test process that asked for it
        setsid "${cmd[@]}" </dev/null >>"$dir/mariadbd.log" 2>&1 &
        echo $! >"$dir/launcher.pid"
        local rc=0
        mariadb_wait_up "$dir" || rc=$?
        case $rc in
        0) return 0 ;;
        2) log "mariadb: mariadbd exited on restart" ;;
        *) log "mariadb: no answer to ping 60 s after the restart" ;;
        esac
        return 1
        ;;
    restart)
        _fault_mariadb stop "$dir" && _fault_mariadb start "$dir"
        ;;
    *) return 2 ;;
    esac
}

# --- as a program -----------------------------------------------------------------------------

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    if [ $# -ne 3 ]; then
        echo "usage: $0 postgresql|mariadb stop|start|restart DIR (postgresql also: promote)" >&2
        exit 2
    fi
    ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
    . "$ROOT/scripts/lib/common.sh"
    . "$ROOT/scripts/lib/server-postgresql.sh"
    . "$ROOT/scripts/lib/server-mariadb.sh"
    case $1 in
    postgresql) _fault_pg "$2" "$3" ;;
    mariadb) _fault_mariadb "$2" "$3" ;;
    *)
        echo "unknown server $1" >&2
        exit 2
        ;;
    esac
fi
