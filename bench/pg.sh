#!/usr/bin/env bash
# PostgreSQL backend benchmark (issue 12), loopback only, bounded in time
# (~2 minutes plus the release build):
#   1. GetMaintenanceWindow and CreateMaintenanceWindow throughput and p99 on
#      SQLite (one process, --sync full), PostgreSQL with one replica, and
#      PostgreSQL with three replicas (the load's connections spread over
#      them round robin); PostgreSQL runs with fsync on, like SQLite's full;
#   2. the delay between a run's scheduled time and the commit that records
#      it, with three replicas ticking (commit timestamps from PostgreSQL).
# Everything (load, replicas, PostgreSQL) shares this machine.
#
#   bench/pg.sh [CONNS [SECONDS]]      defaults: 8 connections, 5 s per cell
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-8}
seconds=${2:-5}
source bench/build.sh
server=$target_dir/release/ssm-server
loadgen=$target_dir/release/loadgen

scratch=$(mktemp -d /tmp/ssm-pgbench.XXXXXX)
chmod 755 "$scratch"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    server/tests/pg/cluster.sh stop "$scratch/cluster" || true
    rm -rf "$scratch"
}
trap cleanup EXIT
url=$(SSM_PG_OPTIONS="-c fsync=on -c track_commit_timestamp=on" \
    server/tests/pg/cluster.sh start "$scratch/cluster")

# A fresh schema on the cluster, as a URL the servers take.
fresh_db() {
    local schema="b_$RANDOM$RANDOM"
    psql -q "$url" -c "CREATE SCHEMA $schema" >/dev/null
    echo "$url?options=-csearch_path%3D$schema"
}

# Starts one ssm-server on $1 (more flags after it) and appends its address
# to $addrs (comma-separated).
start_server() {
    local db=$1 log
    shift
    log=$(mktemp "$scratch/server.XXXX.log")
    timeout 600 "$server" --listen 127.0.0.1:0 --db "$db" --log warn --max-windows 10000000 "$@" \
        </dev/null >/dev/null 2>"$log" &
    pids+=($!)
    for _ in $(seq 300); do
        if grep -q '^listening on' "$log"; then
            addrs=${addrs:+$addrs,}$(sed -n 's/^listening on http:\/\///p' "$log")
            return
        fi
        sleep 0.1
    done
    echo "server did not start: $(cat "$log")" >&2
    exit 1
}

stop_servers() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}

call() {
    curl -sf -X POST "http://$1/" -H 'Content-Type: application/x-amz-json-1.1' \
        -H "X-Amz-Target: AmazonSSM.$2" -d "$3"
}

create_body='{"Name":"bench","Schedule":"rate(7 days)","Duration":2,"Cutoff":1,"AllowUnassociatedTargets":true}'

# One row of the table: $1 label, $2 comma-separated addresses.
measure() {
    local label=$1 targets=$2 first window get create
    first=${targets%%,*}
    window=$(call "$first" CreateMaintenanceWindow "$create_body" | sed 's/.*"WindowId":"\([^"]*\)".*/\1/')
    get=$("$loadgen" run --addr "$targets" --op GetMaintenanceWindow --body "{\"WindowId\":\"$window\"}" \
        --conns "$conns" --warmup 1 --duration "$seconds")
    create=$("$loadgen" run --addr "$targets" --op CreateMaintenanceWindow --body "$create_body" \
        --conns "$conns" --warmup 1 --duration "$seconds")
    echo "| $label | Get | $get |"
    echo "| $label | Create | $create |"
}

echo "conns $conns, ${seconds} s per cell after 1 s of warm-up"
echo
echo "| backend | operation | loadgen run |"
echo "|---|---|---|"
addrs=
start_server "$scratch/bench.db" --sync full
measure "SQLite, 1 process" "$addrs"
stop_servers
addrs=
start_server "$(fresh_db)"
measure "PostgreSQL, 1 replica" "$addrs"
stop_servers
db=$(fresh_db)
addrs=
for _ in 1 2 3; do start_server "$db"; done
measure "PostgreSQL, 3 replicas" "$addrs"
stop_servers

# Schedule-to-start: 30 windows with one run each, 5 to 14 s ahead, three
# replicas ticking; the delay is the recording commit's time minus the run's
# scheduled time.
db=$(fresh_db)
addrs=
for _ in 1 2 3; do start_server "$db"; done
IFS=, read -r -a replicas <<<"$addrs"
now=$(date -u +%s)
for n in $(seq 0 29); do
    at=$(date -u -d "@$((now + 5 + n / 3))" +%Y-%m-%dT%H:%M:%S)
    call "${replicas[$((n % 3))]}" CreateMaintenanceWindow \
        "{\"Name\":\"due-$n\",\"Schedule\":\"at($at)\",\"Duration\":2,\"Cutoff\":1,\"AllowUnassociatedTargets\":true}" >/dev/null
done
sleep $((5 + 10 + 3))
schema=${db##*%3D}
echo
echo "Schedule-to-start with 3 replicas (30 runs):"
psql -q "$url" -At -F ' ' -c "
    SELECT count(*) AS runs,
           count(DISTINCT window_id) AS windows,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric) AS p50_ms,
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric) AS p99_ms,
           round(max(d)::numeric) AS max_ms
    FROM (SELECT window_id,
                 extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 - start_ms AS d
          FROM $schema.executions) delays" \
    | awk '{print "runs " $1 ", windows " $2 ", delay p50 " $3 " ms, p99 " $4 " ms, max " $5 " ms"}'
stop_servers
