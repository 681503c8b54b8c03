#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite: a temporary directory, 127.0.0.1 only,
# a superuser role "kesos", durability switched off for speed.
# Authentication: trust on the Unix socket; on TCP $KESOS_PG_AUTH (default scram-sha-256, like
# a facility's server, password "kesos" in the URL; KESOS_PG_AUTH=trust gives a URL without one).
#
#   bash .ci/pg-cluster.sh make test          # start, run the command with KESOS_TEST_PG_URL, remove
#   bash .ci/pg-cluster.sh                    # start and wait; Ctrl-C stops and removes it
#   source .ci/pg-cluster.sh; pg_cluster_start; ...; pg_cluster_stop     (what .ci/run does)
#
# Uses the newest server under /usr/lib/postgresql/*/bin (Debian's postgresql-NN package).
# The server never runs as root: as root, it runs as the system user $KESOS_PG_OS_USER
# (default "kesosci", created when missing); otherwise as the calling user.
# Port: $KESOS_PG_PORT or the first free one from 55432. Data: see _pg_parent_dir below.

PG_CLUSTER_DIR=""
PG_CLUSTER_BIN=""
PG_CLUSTER_PORT=""
PG_CLUSTER_AS=()

_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Where the data directory goes: $KESOS_PG_TMPDIR, else /dev/shm when it is a roomy tmpfs, else
# $TMPDIR or /tmp. A test database is created from a template for every test: ~0.02 s on an idle
# disk or on tmpfs, but 0.45 s on a disk kept busy by other jobs' fsyncs (fsync=off or not), and
# tmpfs is immune to that. Docker's default /dev/shm (64 MB) is too small and is skipped.
_pg_parent_dir() {
    if [[ -n "${KESOS_PG_TMPDIR:-}" ]]; then
        echo "$KESOS_PG_TMPDIR"
        return
    fi
    local free_kb
    free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
    if [[ -d /dev/shm && -w /dev/shm && "${free_kb:-0}" -ge 1048576 ]]; then
        echo /dev/shm
    else
        echo "${TMPDIR:-/tmp}"
    fi
}

# Run a server command as the cluster's OS user, from a directory that user may enter (as root,
# the caller's directory, e.g. /root/project, is usually closed to it).
_pg_run() {
    (cd "$PG_CLUSTER_DIR" && "${PG_CLUSTER_AS[@]}" "$@")
}

pg_cluster_start() {
    PG_CLUSTER_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$PG_CLUSTER_BIN" || ! -x "$PG_CLUSTER_BIN/initdb" ]]; then
        echo "pg-cluster: no PostgreSQL server under /usr/lib/postgresql/*/bin" \
             "(apt-get install postgresql)" >&2
        return 1
    fi
    PG_CLUSTER_DIR=$(mktemp -d "$(_pg_parent_dir)/kesos-pg.XXXXXX")
    if [[ $(id -u) == 0 ]]; then
        local os_user=${KESOS_PG_OS_USER:-kesosci}
        if ! id -u "$os_user" >/dev/null 2>&1; then
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                    --shell /usr/sbin/nologin "$os_user"
        fi
        chown "$os_user:" "$PG_CLUSTER_DIR"
        PG_CLUSTER_AS=(runuser -u "$os_user" --)
    else
        PG_CLUSTER_AS=()
    fi

    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_args=(--locale=C.UTF-8)
    fi
    local auth=${KESOS_PG_AUTH:-scram-sha-256} password=kesos
    echo "$password" >"$PG_CLUSTER_DIR/pwfile"
    chmod 644 "$PG_CLUSTER_DIR/pwfile"
    if ! _pg_run "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U kesos \
            --pwfile="$PG_CLUSTER_DIR/pwfile" --auth-local=trust --auth-host="$auth" \
            --encoding=UTF8 "${locale_args[@]}" --no-sync --no-instructions \
            >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
        cat "$PG_CLUSTER_DIR/initdb.log" >&2
        echo "pg-cluster: initdb failed" >&2
        return 1
    fi
    cat >>"$PG_CLUSTER_DIR/data/postgresql.conf" <<EOF

# --- kesos test cluster: throw-away data, speed over durability ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_CLUSTER_DIR'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF

    local port=${KESOS_PG_PORT:-55432} tries=0
    while :; do
        if ! _pg_port_busy "$port" &&
           _pg_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" \
               -l "$PG_CLUSTER_DIR/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
            break
        fi
        if [[ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]]; then  # slow start that timed out
            _pg_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate stop \
                >/dev/null 2>&1 || true
        fi
        tries=$((tries + 1))
        if (( tries >= 20 )) || [[ -n "${KESOS_PG_PORT:-}" ]]; then
            tail -n 20 "$PG_CLUSTER_DIR/server.log" >&2 2>/dev/null || true
            echo "pg-cluster: could not start a server (last port tried: $port)" >&2
            return 1
        fi
        port=$((port + 1))
    done
    PG_CLUSTER_PORT=$port
    local credentials=kesos
    [[ "$auth" == trust ]] || credentials="kesos:$password"
    export KESOS_TEST_PG_URL="postgresql+psycopg://$credentials@127.0.0.1:$port/postgres"
    echo "pg-cluster: PostgreSQL $("$PG_CLUSTER_BIN/postgres" --version | awk '{print $3}')" \
         "at $KESOS_TEST_PG_URL ($auth on TCP; data in $PG_CLUSTER_DIR)"
}

pg_cluster_stop() {
    [[ -n "$PG_CLUSTER_DIR" && -d "$PG_CLUSTER_DIR" ]] || return 0
    if [[ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]]; then
        _pg_run "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" \
            -m immediate -w -t 30 stop >/dev/null 2>&1 || {
            local pid
            pid=$(head -n 1 "$PG_CLUSTER_DIR/data/postmaster.pid" 2>/dev/null || true)
            [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
        }
    fi
    rm -rf "$PG_CLUSTER_DIR"
    echo "pg-cluster: stopped and removed $PG_CLUSTER_DIR"
    PG_CLUSTER_DIR=""
    unset KESOS_TEST_PG_URL
}

# Run as a script (not sourced): start, run the command (or wait), always clean up.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    trap pg_cluster_stop EXIT
    trap 'exit 130' INT TERM
    pg_cluster_start
    if (( $# )); then
        "$@"
    else
        echo "pg-cluster: running; Ctrl-C to stop and remove it"
        while :; do sleep 3600; done
    fi
fi
