#!/usr/bin/env bash
# Crash durability at length (issue 9): the `crash` test of ssm-server with
# many more SIGKILLs than `cargo test` runs, once per --sync mode. Prints
# each run's summary line; a failure prints the seed to replay it with.
#
#   bench/crash.sh                 # 200 kills with --sync full, 200 with normal
#   KILLS=50 SYNCS=full bench/crash.sh
#
# Bounded: each run stops after 8 minutes (a kill cycle takes about a second).
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${KILLS:-200}"
syncs="${SYNCS:-full normal}"
cargo test -p ssm-server --test crash --no-run >&2
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)"
status=0
for sync in $syncs; do
    log="$(mktemp)"
    if SSM_CRASH_KILLS="$kills" SSM_CRASH_SYNC="$sync" timeout 480 \
        cargo test -q -p ssm-server --test crash -- --nocapture >"$log" 2>&1; then
        grep '^crash summary' "$log"
    else
        echo "FAILED with --sync $sync:"
        grep -E '^crash: seed|panicked|after kill|during the writes' "$log" || tail -n 40 "$log"
        status=1
    fi
    rm -f "$log"
done
exit "$status"
