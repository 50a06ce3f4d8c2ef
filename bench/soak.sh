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
target_dir="${CARGO_TARGET_DIR:-target}"
rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- server runtime generated schedule 2>/dev/null; then
    rev="$rev + uncommitted changes"
fi
cargo build --release -p ssm-server -p loadgen >&2
echo "ssm-server built from $rev" >&2
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
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
