#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests.
#   cluster.sh start DIR   → initdb in DIR, start on a free loopback port,
#                            print the server's URL (postgres://…/postgres)
#   cluster.sh stop DIR    → stop it (DIR is left for the caller to remove)
# SSM_PG_OPTIONS adds server settings, e.g. "-c fsync=on".
# Run as root, the cluster belongs to the `postgres` user (initdb refuses
# root); the directory is handed to that user.
set -euo pipefail

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$dir" ]]; then
        dir=$(dirname "$(command -v pg_ctl)")
    fi
    echo "$dir"
}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

command=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}
bin=$(bindir)
case "$command" in
start)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    # Sockets in the cluster's own directory: no write access to
    # /var/run/postgresql is needed. fsync off: the cluster is thrown away
    # (benchmarks turn it back on through SSM_PG_OPTIONS, which comes last).
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 ${SSM_PG_OPTIONS:-}" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
