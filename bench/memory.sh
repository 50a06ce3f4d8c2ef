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
source bench/build.sh
exec timeout 1800 "$target_dir/release/loadgen" memory \
    --ssm-server "$target_dir/release/ssm-server" "$@"
