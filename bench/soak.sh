#!/usr/bin/env bash
# Soak (issue 9): 10 minutes of mixed load across all 26 operations on a
# release ssm-server (fresh temporary database, default flags) while the
# scheduler starts a window's run every minute; RSS sampled every 10 s.
# Loopback only, bounded by `timeout` (load + 5 minutes for setup and the
# report; the release build comes before and is not counted). Exits
# non-zero when the verdict fails. Extra arguments go to `loadgen soak`
# (e.g. --duration 120 --workers 2 --out FILE --server-arg=--sync --server-arg=normal).
#
#   bench/soak.sh --out /tmp/soak.md
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/build.sh
# The limit follows --duration when one is given.
duration=600
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --duration) duration="${args[i + 1]:-600}" ;;
        --duration=*) duration="${args[i]#--duration=}" ;;
    esac
done
limit=$(( ${duration%.*} + 300 ))
exec timeout "$limit" "$target_dir/release/loadgen" soak \
    --ssm-server "$target_dir/release/ssm-server" "$@"
