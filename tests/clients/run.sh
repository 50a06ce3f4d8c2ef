#!/usr/bin/env bash
# Real-client tests: the AWS CLI (test_cli.sh) and boto3 (test_boto3.py)
# against a freshly started ssm-server with an in-memory database.
#
#   pip install -r tests/clients/requirements.txt   # awscli, boto3, pytest
#   cargo build -p ssm-server
#   bash tests/clients/run.sh
#
# SSM_CLIENTS_AUTH=sigv4 starts the server with `--auth sigv4` and a
# credentials file matching the clients' keys (default: open). SSM_SERVER_BIN
# overrides the server binary (default: target/debug/ssm-server in the
# repository). `aws` and `python3` come from PATH. The last line printed
# is `N passed, M failed` over both suites; the exit status is non-zero when
# anything failed or the server could not be started.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
server_bin="${SSM_SERVER_BIN:-$repo/target/debug/ssm-server}"
python="${PYTHON:-python3}"

fail_setup() {
    echo "run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[[ -x "$server_bin" ]] || fail_setup "server binary not found or not executable: $server_bin (build it with cargo build -p ssm-server, or set SSM_SERVER_BIN)"
command -v aws >/dev/null || fail_setup "aws (awscli) is not on PATH: pip install -r tests/clients/requirements.txt"
command -v "$python" >/dev/null || fail_setup "$python is not on PATH"
"$python" -c 'import boto3, pytest' 2>/dev/null || fail_setup "$python cannot import boto3 and pytest: pip install -r tests/clients/requirements.txt"

# Only the flags given here configure the server, not a caller's SSM_SERVER_*.
while read -r name; do
    [[ "$name" == SSM_SERVER_BIN ]] || unset "$name"
done < <(compgen -e | grep '^SSM_SERVER_' || true)

work="$(mktemp -d "${TMPDIR:-/tmp}/ssm-clients.XXXXXX")"
server_pid=""
server_log="$work/server.log"

cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$python" - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

# Start the server on a free port and wait (30 s at most) for its
# "listening on" line and a healthy /health. A port taken between choosing
# it and binding it makes the server exit at once; then another is tried.
start_server() {
    local port deadline
    port="$(free_port)"
    : >"$server_log"
    "$server_bin" --listen "127.0.0.1:$port" --db :memory: --admin "${auth_args[@]}" \
        --invocation-seconds "$invocation_seconds" >"$server_log" 2>&1 &
    server_pid=$!
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            wait "$server_pid" 2>/dev/null || true
            server_pid=""
            return 1
        fi
        if grep -q "^listening on http://127.0.0.1:$port\$" "$server_log" &&
            curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health"; then
            endpoint="http://127.0.0.1:$port"
            return 0
        fi
        sleep 0.1
    done
    echo "run.sh: the server did not report 'listening on' and a healthy /health within 30 s" >&2
    return 2
}

auth="${SSM_CLIENTS_AUTH:-open}"
export SSM_CLIENTS_AUTH="$auth"
case "$auth" in
open) auth_args=() ;;
sigv4)
    # The clients' key in the default account, and one whose id is its
    # account, as open mode reads a 12-digit key.
    cat >"$work/credentials.toml" <<'EOF'
[[credentials]]
access_key_id = "AKIAIOSFODNN7EXAMPLE"
secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
account_id = "123456789012"

[[credentials]]
access_key_id = "111122223333"
secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
account_id = "111122223333"
EOF
    auth_args=(--auth sigv4 --credentials "$work/credentials.toml")
    ;;
*) fail_setup "SSM_CLIENTS_AUTH is open or sigv4, not $auth" ;;
esac

# Simulated runs take this long per batch of invocations (the server's
# default is 5 s): long enough to see a run IN_PROGRESS, short enough to wait for.
invocation_seconds=1
export SSM_CLIENTS_INVOCATION_SECONDS="$invocation_seconds"

endpoint=""
for attempt in 1 2 3; do
    rc=0
    start_server || rc=$?
    [[ $rc -eq 0 ]] && break
    echo "run.sh: server start attempt $attempt failed; its output:" >&2
    sed 's/^/  | /' "$server_log" >&2
    [[ $rc -eq 2 ]] && break
done
[[ -n "$endpoint" ]] || fail_setup "could not start $server_bin"
echo "# ssm-server $("$server_bin" --version 2>/dev/null | awk '{print $2}') at $endpoint (pid $server_pid), --auth $auth"

export AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE"
export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SECURITY_TOKEN
export AWS_DEFAULT_REGION="us-east-2"
export AWS_REGION="us-east-2"
export AWS_ENDPOINT_URL="$endpoint"
export AWS_PAGER=""
# Never read a developer's own ~/.aws files.
export AWS_CONFIG_FILE="$work/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
export AWS_EC2_METADATA_DISABLED=true
export PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0

# (a) AWS CLI
echo "# --- aws cli: tests/clients/test_cli.sh"
cli_rc=0
bash "$here/test_cli.sh" 2>&1 | tee "$work/cli.out" || cli_rc=$?
cli_pass=$(grep -c '^ok - ' "$work/cli.out" || true)
cli_fail=$(grep -c '^not ok - ' "$work/cli.out" || true)
if [[ $cli_rc -ne 0 && $cli_fail -eq 0 ]]; then
    echo "not ok - test_cli.sh exited with status $cli_rc"
    cli_fail=1
fi
if [[ $((cli_pass + cli_fail)) -eq 0 ]]; then
    echo "not ok - test_cli.sh ran no check"
    cli_fail=1
fi
passed=$((passed + cli_pass))
failed=$((failed + cli_fail))

# (b) boto3
echo "# --- boto3: tests/clients/test_boto3.py"
py_rc=0
(cd "$repo" && "$python" -m pytest -q -p no:cacheprovider --tb=short \
    --junitxml="$work/boto3.xml" tests/clients/test_boto3.py) || py_rc=$?
read -r py_pass py_fail < <("$python" - "$work/boto3.xml" <<'EOF' || echo "0 0"
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = skipped = 0
for s in suites:
    tests += int(s.get("tests", 0))
    failures += int(s.get("failures", 0)) + int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
# The suite skips nothing: a skipped test counts as a failure.
print(tests - failures - skipped, failures + skipped)
EOF
)
if [[ $py_rc -ne 0 && $py_fail -eq 0 ]]; then
    echo "not ok - pytest exited with status $py_rc"
    py_fail=1
fi
if [[ $((py_pass + py_fail)) -eq 0 ]]; then
    echo "not ok - pytest ran no test"
    py_fail=1
fi
passed=$((passed + py_pass))
failed=$((failed + py_fail))

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "not ok - ssm-server exited while the suites ran"
    failed=$((failed + 1))
fi
if [[ $failed -ne 0 ]]; then
    echo "# server log (last 60 lines):"
    tail -n 60 "$server_log" | sed 's/^/#   /'
fi

echo "# aws cli: $cli_pass passed, $cli_fail failed; boto3: $py_pass passed, $py_fail failed"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
