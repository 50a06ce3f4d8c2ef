#!/usr/bin/env bash
# The console in a real browser: starts ssm-server with a few windows
# created through the API (two overlapping, one disabled, one in
# Asia/Kolkata with a ScheduleOffset) and two finished executions, loads
# /console in headless Chromium and checks the rendered page (where bars are
# drawn for known run times, the overlap marks, status colours, hidden
# sensitive values, no page-wide horizontal scroll at phone width), then
# saves screenshots of the three views.
#
#   bash tests/console/run.sh            # builds target/debug/ssm-server if needed
#
# SSM_SERVER_BIN: the server binary (default: the debug build, built here).
# CONSOLE_SCREENSHOTS: where screenshots go (default: target/console-screenshots).
# CHROMIUM: the browser (default: chromium, installed with apt-get if missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"

chromium="${CHROMIUM:-chromium}"
if ! command -v "$chromium" >/dev/null; then
    echo "# installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

server_bin="${SSM_SERVER_BIN:-}"
if [[ -z "$server_bin" ]]; then
    cargo build --quiet -p ssm-server
    server_bin="$target/debug/ssm-server"
fi

export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/browser_test.py" \
    --server "$server_bin" \
    --chromium "$(command -v "$chromium")" \
    --screenshots "${CONSOLE_SCREENSHOTS:-$target/console-screenshots}"
