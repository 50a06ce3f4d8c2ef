#!/usr/bin/env bash
# Memory benchmark (issue 10): ssm-server's RSS empty, after creating N
# windows (default 100,000) with 3 targets and 3 tasks each over 8 keep-alive
# connections, and after a restart that loads them back; loopback only,
# bounded by --timeout (default 900 s). Prints a markdown table; extra
# arguments go to `loadgen memory` (e.g. --windows 20000 --work-dir DIR).
# Older builds can be measured in the same run beside the one built here:
#
#   bench/memory.sh --ssm-server /tmp/ssm-server-before
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
exec timeout 1800 "$target_dir/release/loadgen" memory \
    --ssm-server "$target_dir/release/ssm-server" "$@"
