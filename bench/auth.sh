#!/usr/bin/env bash
# What checking signatures costs (issue 11): GetMaintenanceWindow throughput,
# latency and server CPU per request with --auth sigv4 next to --auth open,
# two servers from one release binary, measured alternately round by round
# with wrk (Debian's `wrk` package) on loopback. Bounded: ROUNDS × 2 × (1 +
# SECONDS) seconds of load plus the release build.
#
#   bench/auth.sh [CONNS [ROUNDS [SECONDS]]]      defaults: 8 connections, 5 rounds, 5 s
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-8}
rounds=${2:-5}
seconds=${3:-5}
command -v wrk >/dev/null || { echo "bench/auth.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
source bench/build.sh
"$target_dir/release/loadgen" auth-cost --ssm-server "$target_dir/release/ssm-server" \
    --conns "$conns" --rounds "$rounds" --warmup 1 --duration "$seconds"
