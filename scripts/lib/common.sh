# Shared helpers for the scripts: logging, package installation, free ports, the work directory.
# Sourced, not run.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PKG...: apt-get installs the Debian packages that are missing (as root).
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # keep packaged servers from starting themselves: the tests start their own
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod +x /usr/sbin/policy-rc.d
        ATHANOR_REMOVE_POLICY=1
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || die "apt-get could not install ${missing[*]}"
    if [ "${ATHANOR_REMOVE_POLICY:-0}" = 1 ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
    python3 - <<'PY' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# ncpu: nproc with a floor of 1
ncpu() { nproc 2>/dev/null || echo 1; }

# redact_urls TEXT...: prints TEXT with the passwords of the URLs in it replaced by ***.
redact_urls() { printf '%s\n' "$*" | sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#g'; }

# make_workdir NAME: sets WORK to a new directory /tmp/NAME.XXXXXX (mode 755: servers run as
# another user reach it) and STOPS to an empty list of commands; on exit, interrupt or termination
# the commands in STOPS run, last first (failures ignored), WORK is removed, and the script exits
# with the status it had.
make_workdir() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    chmod 755 "$WORK"
    STOPS=()
    trap _workdir_cleanup EXIT INT TERM
}
_workdir_cleanup() {
    local rc=$? i
    for ((i = ${#STOPS[@]} - 1; i >= 0; i--)); do ${STOPS[$i]} || true; done
    rm -rf "$WORK"
    exit $rc
}
