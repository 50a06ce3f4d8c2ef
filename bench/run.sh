#!/usr/bin/env bash
# Service load benchmark (issue 3): ssm-server vs moto vs a bare hyper server,
# side by side in one run, loopback only, bounded in time (~7 minutes plus
# the release build; 3 rounds x 34 cells x 4 s by default). Prints a markdown
# table; extra arguments go to `loadgen compare` (e.g. --rounds 3 --duration 3 --warmup 1 --conns 1,8 --out FILE).
#
#   MOTO_SERVER=/tmp/moto-venv/bin/moto_server bench/run.sh --out /tmp/bench.md
#
# moto: python3 -m venv /tmp/moto-venv && /tmp/moto-venv/bin/pip install 'moto[server]'
# Without it (MOTO_SERVER unset and no moto_server on PATH) moto is skipped
# with a printed note.
#
# `bench/run.sh --wrk [args]` sends the same load with wrk (one thread,
# bench/wrk/awsjson.lua) instead of loadgen's client, with 10 windows in the
# small stores unless --small says otherwise (issue 10); it installs Debian's
# `wrk` package first when wrk is missing. --warmup and --duration must then
# be whole seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
client=()
if [[ "${1:-}" == "--wrk" ]]; then
    shift
    client=(--client wrk)
    if ! command -v wrk >/dev/null 2>&1; then
        echo "wrk not found; installing Debian's wrk package" >&2
        sudo=()
        if [[ "$(id -u)" != 0 ]]; then
            command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to install wrk" >&2; exit 1; }
            sudo=(sudo)
        fi
        timeout 600 "${sudo[@]}" apt-get update >&2
        DEBIAN_FRONTEND=noninteractive timeout 600 "${sudo[@]}" apt-get install -y wrk >&2
    fi
fi
source bench/build.sh
export MOTO_SERVER="${MOTO_SERVER:-moto_server}"
if ! command -v "$MOTO_SERVER" >/dev/null 2>&1; then
    echo "NOTE: moto_server not found ($MOTO_SERVER); moto will be skipped." >&2
fi
exec timeout 900 "$target_dir/release/loadgen" compare "${client[@]}" \
    --ssm-server "$target_dir/release/ssm-server" "$@"
