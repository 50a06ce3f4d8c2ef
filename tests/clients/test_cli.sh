#!/usr/bin/env bash
# The AWS CLI against a running ssm-server: the `aws ssm` commands of the
# seed documents and the rest of the maintenance-window lifecycle.
#
# Needs AWS_ENDPOINT_URL (the server), AWS_DEFAULT_REGION and dummy
# credentials in the environment, as run.sh sets them. Some commands reach
# the server through `--endpoint-url` with AWS_ENDPOINT_URL unset, the others
# through AWS_ENDPOINT_URL alone. Each check prints `ok - NAME` or
# `not ok - NAME`; the exit status is 1 when any check failed.
set -uo pipefail

: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL to the server, e.g. http://127.0.0.1:4580}"
: "${AWS_DEFAULT_REGION:?set AWS_DEFAULT_REGION, e.g. us-east-2}"
EP="$AWS_ENDPOINT_URL"
REGION="$AWS_DEFAULT_REGION"
export AWS_PAGER=""

PASS=0
FAIL=0
OUT=""
ERR=""
RC=0
TMP="$(mktemp -d "${TMPDIR:-/tmp}/ssm-cli.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

ok() {
    echo "ok - $1"
    PASS=$((PASS + 1))
}
not_ok() {
    echo "not ok - $1"
    shift
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/#   /'
    done
    FAIL=$((FAIL + 1))
}

# run CMD...: runs a command, keeping its stdout in OUT, stderr in ERR and
# exit status in RC.
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    OUT="$(cat "$TMP/out")"
    ERR="$(cat "$TMP/err")"
}
# The endpoint from AWS_ENDPOINT_URL only.
ssm() { run aws ssm "$@"; }
# The endpoint from --endpoint-url only.
ssm_flag() { run env -u AWS_ENDPOINT_URL aws --endpoint-url "$EP" ssm "$@"; }

# check NAME EXPECTED ACTUAL
check() {
    if [[ "$2" == "$3" ]]; then
        ok "$1"
    else
        not_ok "$1" "expected: $2" "got:      $3" "rc=$RC stderr: $ERR"
    fi
}
# check_match NAME REGEX ACTUAL
check_match() {
    if [[ "$3" =~ $2 ]]; then
        ok "$1"
    else
        not_ok "$1" "expected to match: $2" "got: $3" "rc=$RC stderr: $ERR"
    fi
}
# check_success NAME: the last command exited 0.
check_success() {
    if [[ $RC -eq 0 ]]; then
        ok "$1"
    else
        not_ok "$1" "exit status $RC" "stderr: $ERR"
    fi
}
# check_error NAME CODE MESSAGE: the last command failed with the AWS error
# CODE, and stderr holds MESSAGE verbatim.
check_error() {
    if [[ $RC -ne 0 && "$ERR" == *"An error occurred ($2)"* && "$ERR" == *"$3"* ]]; then
        ok "$1"
    else
        not_ok "$1" "expected a failure with ($2) and: $3" "rc=$RC stdout: $OUT" "stderr: $ERR"
    fi
}
# py EXPR: evaluates a Python expression with `d` bound to the JSON in OUT
# and prints the result (lists and dicts as JSON).
# Statements may come first: `py 'i = d["X"][0]; i["Y"]'`.
py() {
    printf '%s' "$OUT" | python3 -c '
import ast, json, sys
try:
    d = json.loads(sys.stdin.read())
    tree = ast.parse(sys.argv[1].strip())
    last = tree.body.pop()
    scope = {"json": json, "d": d}
    exec(compile(tree, "<py>", "exec"), scope)
    v = eval(compile(ast.Expression(last.value), "<py>", "eval"), scope)
except Exception as e:
    print("<error: %s: %s>" % (type(e).__name__, e))
    raise SystemExit(0)
print(json.dumps(v, sort_keys=True) if isinstance(v, (list, dict)) else v)
' "$1"
}
now_epoch() { python3 -c 'import time; print(time.time())'; }
# near_now NAME VALUE: VALUE is epoch seconds (a JSON number, as the CLI prints
# a timestamp it was sent as one) within five minutes of now.
near_now() {
    local now
    now="$(now_epoch)"
    if python3 -c 'import sys; v = float(sys.argv[1]); n = float(sys.argv[2]); raise SystemExit(0 if abs(v - n) < 300 else 1)' "$2" "$now" 2>/dev/null; then
        ok "$1"
    else
        not_ok "$1" "expected epoch seconds near $now" "got: $2"
    fi
}
# admin_run WINDOW_ID [REGION]: starts a run through the admin endpoint,
# signed as `--auth sigv4` requires (curl signs SigV4 itself); the body lands
# in OUT, the HTTP status in RC.
admin_run() {
    local region="${2:-$REGION}"
    RC="$(curl -sS -o "$TMP/out" -w '%{http_code}' -X POST \
        --aws-sigv4 "aws:amz:$region:ssm" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
        "$EP/_admin/windows/$1/run?region=$region" 2>"$TMP/err")"
    OUT="$(cat "$TMP/out")"
    ERR="$(cat "$TMP/err")"
}

# wait_execution NAME ID: polls get-maintenance-window-execution until the
# run has ended (60 s at most); the last answer stays in OUT.
wait_execution() {
    local deadline=$((SECONDS + 60)) status=""
    while ((SECONDS < deadline)); do
        run aws ssm get-maintenance-window-execution --window-execution-id "$2" --query Status --output text
        status="$OUT"
        case "$status" in
        PENDING | IN_PROGRESS | CANCELLING) sleep 0.5 ;;
        *) break ;;
        esac
    done
    check "$1" "SUCCESS" "$status"
}

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
WINDOW_RE='^mw-[0-9a-f]{17}$'
SUFFIX="$(python3 -c 'import uuid; print(uuid.uuid4().hex[:8])')"

echo "# endpoint $EP, region $REGION, names end in $SUFFIX"

# --- create-maintenance-window -----------------------------------------------
# The AWS CLI reference's example, through --endpoint-url.
ssm_flag create-maintenance-window \
    --name "My-First-Maintenance-Window-$SUFFIX" \
    --schedule "cron(0 16 ? * TUE *)" \
    --duration 2 \
    --cutoff 0 \
    --no-allow-unassociated-targets \
    --query WindowId --output text
check_match "create-maintenance-window (--endpoint-url) returns a window id" "$WINDOW_RE" "$OUT"
W1="$OUT"

# The window of the GetMaintenanceWindow seed, through AWS_ENDPOINT_URL, tagged.
ssm create-maintenance-window \
    --name "My-Maintenance-Window-$SUFFIX" \
    --schedule "rate(3 days)" \
    --duration 6 \
    --cutoff 1 \
    --allow-unassociated-targets \
    --tags "Key=Environment,Value=Test" \
    --output json
W2="$(py 'd["WindowId"]')"
check_match "create-maintenance-window (AWS_ENDPOINT_URL) returns a window id" "$WINDOW_RE" "$W2"
if [[ "$W1" != "$W2" ]]; then ok "two windows get two ids"; else not_ok "two windows get two ids" "both $W1"; fi

# --- get-maintenance-window --------------------------------------------------
ssm get-maintenance-window --window-id "$W2" \
    --query '[WindowId,Name,Schedule,Duration,Cutoff,AllowUnassociatedTargets,Enabled]' --output text
check "get-maintenance-window returns what was created" \
    "$W2	My-Maintenance-Window-$SUFFIX	rate(3 days)	6	1	True	True" "$OUT"

ssm_flag get-maintenance-window --window-id "$W2" --output json
check "get-maintenance-window has no Description when none was given" "False" "$(py '"Description" in d')"
near_now "get-maintenance-window CreatedDate is epoch seconds of now" "$(py 'd["CreatedDate"]')"
check "get-maintenance-window ModifiedDate equals CreatedDate before any update" "True" "$(py 'd["ModifiedDate"] == d["CreatedDate"]')"
check_match "get-maintenance-window NextExecutionTime is an ISO-8601 UTC time" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{3})?)?Z$' "$(py 'd["NextExecutionTime"]')"
CREATED_W2="$(py 'd["CreatedDate"]')"

ssm get-maintenance-window --window-id "$W1" --query '[Schedule,Duration,Cutoff,AllowUnassociatedTargets,NextExecutionTime]' --output text
check_match "get-maintenance-window of the cron window: next run is a Tuesday at 16:00Z" \
    $'^cron\\(0 16 \\? \\* TUE \\*\\)\t2\t0\tFalse\t[0-9]{4}-[0-9]{2}-[0-9]{2}T16:00Z$' "$OUT"
NEXT_W1="$(printf '%s' "$OUT" | cut -f5)"
check "the next run of cron(0 16 ? * TUE *) falls on a Tuesday" "Tuesday" \
    "$(python3 -c 'import datetime, sys; print(datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%MZ").strftime("%A"))' "$NEXT_W1" 2>&1)"

# --- update-maintenance-window (the seed's example) --------------------------
sleep 0.01
ssm_flag update-maintenance-window \
    --window-id "$W2" \
    --duration 10 \
    --name "Default-Maintenance-Window-$SUFFIX" \
    --description "Standard maintenance windows for production servers" \
    --output json
check_success "update-maintenance-window (seed example) succeeds"
check "update-maintenance-window answers like the seed's sample response" \
    "{\"AllowUnassociatedTargets\": true, \"Cutoff\": 1, \"Description\": \"Standard maintenance windows for production servers\", \"Duration\": 10, \"Enabled\": true, \"Name\": \"Default-Maintenance-Window-$SUFFIX\", \"Schedule\": \"rate(3 days)\", \"WindowId\": \"$W2\"}" \
    "$(py 'd')"

ssm get-maintenance-window --window-id "$W2" --output json
check "get-maintenance-window shows the update" \
    "Default-Maintenance-Window-$SUFFIX|10|1|Standard maintenance windows for production servers" \
    "$(py '"|".join(str(d.get(k)) for k in ("Name", "Duration", "Cutoff", "Description"))')"
check "update keeps CreatedDate and moves ModifiedDate forward" "True True" \
    "$(py "d['CreatedDate'] == $CREATED_W2, d['ModifiedDate'] > $CREATED_W2" | tr -d '(),')"

# Only the parameters given change.
ssm update-maintenance-window --window-id "$W2" --no-enabled --query '[Name,Duration,Enabled,Description]' --output text
check "update-maintenance-window --no-enabled changes only Enabled" \
    "Default-Maintenance-Window-$SUFFIX	10	False	Standard maintenance windows for production servers" "$OUT"
ssm get-maintenance-window --window-id "$W2" --output json
check "a disabled window has no NextExecutionTime" "False" "$(py '"NextExecutionTime" in d')"

# --- describe-maintenance-windows ---------------------------------------------
ssm describe-maintenance-windows --filters "Key=Enabled,Values=true" --output json
check "describe-maintenance-windows Enabled=true lists the enabled window" "True" \
    "$(py '"'"$W1"'" in [w["WindowId"] for w in d["WindowIdentities"]]')"
check "describe-maintenance-windows Enabled=true leaves out the disabled window" "False" \
    "$(py '"'"$W2"'" in [w["WindowId"] for w in d["WindowIdentities"]]')"
check "describe-maintenance-windows Enabled=true lists only enabled windows" "True" \
    "$(py 'all(w["Enabled"] is True for w in d["WindowIdentities"])')"

# With --output json the CLI merges its pages before --query applies; with
# text it would apply the query page by page.
ssm_flag describe-maintenance-windows --filters "Key=Enabled,Values=false" \
    --query "WindowIdentities[?Name=='Default-Maintenance-Window-$SUFFIX'].[WindowId,Enabled,Duration,Cutoff,Schedule,Description]" --output json
check "describe-maintenance-windows Enabled=false lists the disabled window" \
    "[[\"$W2\", false, 10, 1, \"rate(3 days)\", \"Standard maintenance windows for production servers\"]]" "$(py d)"

ssm describe-maintenance-windows --filters "Key=Name,Values=Default-Maintenance-Window-$SUFFIX" \
    --query 'WindowIdentities[].WindowId' --output text
check "describe-maintenance-windows Name filter: the exact name" "$W2" "$OUT"
ssm describe-maintenance-windows --filters "Key=Name,Values=My-" \
    --query "WindowIdentities[?ends_with(Name, '$SUFFIX')].Name" --output json
check "describe-maintenance-windows Name filter is a prefix" "[\"My-First-Maintenance-Window-$SUFFIX\"]" "$(py d)"
ssm describe-maintenance-windows --filters "Key=Name,Values=Maintenance-Window-$SUFFIX" \
    --query 'length(WindowIdentities)' --output json
check "describe-maintenance-windows Name filter does not match inside names" "0" "$OUT"
ssm describe-maintenance-windows \
    --filters "Key=Name,Values=My-First,Default-Maintenance" "Key=Enabled,Values=true" \
    --query "WindowIdentities[?ends_with(Name, '$SUFFIX')].WindowId" --output json
check "describe-maintenance-windows: values OR, filters AND" "[\"$W1\"]" "$(py d)"
ssm describe-maintenance-windows --page-size 10 \
    --query "length(WindowIdentities[?ends_with(Name, '$SUFFIX')])" --output json
check "describe-maintenance-windows --page-size 10 (the CLI paginates)" "2" "$OUT"
ssm describe-maintenance-windows --filters "Key=Colour,Values=red"
check_error "describe-maintenance-windows rejects an unknown filter key" ValidationException "Colour"

# --- register-target-with-maintenance-window ----------------------------------
ssm_flag register-target-with-maintenance-window \
    --window-id "$W2" \
    --resource-type "INSTANCE" \
    --targets "Key=InstanceIds,Values=i-0000293ffd8c57862" \
    --owner-information "Single instance" \
    --name "My-Targets" \
    --description "One instance" \
    --query WindowTargetId --output text
check_match "register-target-with-maintenance-window (instance ids) returns a target id" "$UUID_RE" "$OUT"
T1="$OUT"

ssm register-target-with-maintenance-window \
    --window-id "$W2" \
    --resource-type "INSTANCE" \
    --targets "Key=tag:Environment,Values=Production" \
    --query WindowTargetId --output text
check_match "register-target-with-maintenance-window (tag) returns a target id" "$UUID_RE" "$OUT"
T2="$OUT"

ssm register-target-with-maintenance-window --window-id "$W2" --resource-type INSTANCE \
    --targets "Key=Colour,Values=red"
check_error "register-target-with-maintenance-window rejects an unknown target key" ValidationException "Colour"

# --- describe-maintenance-window-targets ---------------------------------------
ssm describe-maintenance-window-targets --window-id "$W2" --output json
check "describe-maintenance-window-targets lists both targets" "$(printf '%s\n' "$T1" "$T2" | sort | tr '\n' ' ')" \
    "$(py '" ".join(sorted(t["WindowTargetId"] for t in d["Targets"])) + " "')"
check "describe-maintenance-window-targets shows the instance target as registered" \
    "$W2|INSTANCE|[{\"Key\": \"InstanceIds\", \"Values\": [\"i-0000293ffd8c57862\"]}]|Single instance|My-Targets|One instance" \
    "$(py 't = [t for t in d["Targets"] if t["WindowTargetId"] == "'"$T1"'"][0]; "|".join([t["WindowId"], t["ResourceType"], json.dumps(t["Targets"]), t["OwnerInformation"], t["Name"], t["Description"]])')"
ssm_flag describe-maintenance-window-targets --window-id "$W2" --filters "Key=WindowTargetId,Values=$T2" \
    --query 'Targets[].Targets[0].[Key,Values[0]]' --output text
check "describe-maintenance-window-targets WindowTargetId filter" "tag:Environment	Production" "$OUT"

# --- update-maintenance-window-target -------------------------------------------
ssm update-maintenance-window-target --window-id "$W2" --window-target-id "$T2" \
    --targets "Key=tag:Environment,Values=Production,Staging" --name "Tagged" --output json
check "update-maintenance-window-target changes targets and name, keeps the rest" \
    "$T2|[\"Production\", \"Staging\"]|Tagged|False" \
    "$(py '"|".join([d["WindowTargetId"], json.dumps(d["Targets"][0]["Values"]), d["Name"], str("OwnerInformation" in d)])')"

# --- register-task-with-maintenance-window ---------------------------------------
ssm_flag register-task-with-maintenance-window \
    --window-id "$W2" \
    --targets "Key=WindowTargetIds,Values=$T1" \
    --task-arn "AWS-RunShellScript" \
    --service-role-arn "arn:aws:iam::111222333444:role/MaintenanceWindowsRole" \
    --task-type "RUN_COMMAND" \
    --task-invocation-parameters '{"RunCommand":{"Parameters":{"commands":["df"]}}}' \
    --priority 10 \
    --max-concurrency 1 \
    --max-errors 1 \
    --name "Disk-Usage" \
    --query WindowTaskId --output text
check_match "register-task-with-maintenance-window (RUN_COMMAND) returns a task id" "$UUID_RE" "$OUT"
TASK1="$OUT"

ssm register-task-with-maintenance-window --window-id "$W2" --task-arn "AWS-RunShellScript" \
    --task-type RUN_COMMAND --max-concurrency 1 --max-errors 1
check_error "register-task-with-maintenance-window: Run Command needs targets" ValidationException \
    "Maintenance window Run Command tasks require at least one target."

ssm register-task-with-maintenance-window --window-id "$W2" --task-arn "AWS-RunShellScript" \
    --task-type RUN_COMMAND --targets "Key=WindowTargetIds,Values=$T1"
check_error "register-task-with-maintenance-window: targets need max-concurrency" ValidationException "maxConcurrency"

ssm register-task-with-maintenance-window --window-id "$W2" --task-arn "AWS-RunShellScript" \
    --task-type RUN_COMMAND --targets "Key=WindowTargetIds,Values=00000000-0000-4000-8000-000000000000" \
    --max-concurrency 1 --max-errors 1
check_error "register-task-with-maintenance-window: an unknown window target" DoesNotExistException \
    "00000000-0000-4000-8000-000000000000"

# --- describe-maintenance-window-tasks / get-maintenance-window-task -------------
ssm describe-maintenance-window-tasks --window-id "$W2" \
    --query 'Tasks[].[WindowTaskId,TaskArn,Type,Priority,MaxConcurrency,MaxErrors,ServiceRoleArn,Targets[0].Key,Targets[0].Values[0],Name]' --output text
check "describe-maintenance-window-tasks lists the task" \
    "$TASK1	AWS-RunShellScript	RUN_COMMAND	10	1	1	arn:aws:iam::111222333444:role/MaintenanceWindowsRole	WindowTargetIds	$T1	Disk-Usage" "$OUT"
ssm describe-maintenance-window-tasks --window-id "$W2" --filters "Key=TaskType,Values=AUTOMATION" \
    --query 'length(Tasks)' --output text
check "describe-maintenance-window-tasks TaskType filter" "0" "$OUT"

ssm_flag get-maintenance-window-task --window-id "$W2" --window-task-id "$TASK1" --output json
check "get-maintenance-window-task returns the invocation parameters" '["df"]' \
    "$(py 'd["TaskInvocationParameters"]["RunCommand"]["Parameters"]["commands"]')"
check "get-maintenance-window-task: type, priority, cutoff behavior" "RUN_COMMAND|10|CONTINUE_TASK" \
    "$(py '"|".join(str(d.get(k)) for k in ("TaskType", "Priority", "CutoffBehavior"))')"

# --- update-maintenance-window-task ------------------------------------------------
ssm update-maintenance-window-task --window-id "$W2" --window-task-id "$TASK1" \
    --description "Shows free disk space" --query '[WindowTaskId,Priority,Description,Name,MaxConcurrency]' --output text
check "update-maintenance-window-task changes only what is given" \
    "$TASK1	10	Shows free disk space	Disk-Usage	1" "$OUT"

# --- describe-maintenance-windows-for-target ------------------------------------------
ssm describe-maintenance-windows-for-target --resource-type INSTANCE \
    --targets "Key=InstanceIds,Values=i-0000293ffd8c57862" --query 'WindowIdentities[].[WindowId,Name]' --output text
check "describe-maintenance-windows-for-target finds the window of the instance" \
    "$W2	Default-Maintenance-Window-$SUFFIX" "$OUT"
ssm describe-maintenance-windows-for-target --resource-type INSTANCE \
    --targets "Key=InstanceIds,Values=i-1111111111EXAMPLE" --query 'length(WindowIdentities)' --output text
check "describe-maintenance-windows-for-target: no window for another instance" "0" "$OUT"

# --- run the window (admin endpoint) ----------------------------------------------------
ssm update-maintenance-window --window-id "$W2" --enabled --query Enabled --output text
check "update-maintenance-window --enabled" "True" "$OUT"
admin_run "$W2"
check "POST /_admin/windows/{id}/run answers 200" "200" "$RC"
E1="$(py 'd["WindowExecutionId"]')"
check_match "the admin run returns a WindowExecutionId" "$UUID_RE" "$E1"
ssm get-maintenance-window-execution --window-execution-id "$E1" --query Status --output text
check_match "right after the admin run, the run is under way or done" '^(PENDING|IN_PROGRESS|SUCCESS)$' "$OUT"
wait_execution "the admin run ends in SUCCESS" "$E1"

admin_run "$W2" "eu-west-1"
check "the admin run of a window in another region is a 400" "400" "$RC"
check "the admin run of a window in another region: DoesNotExistException" \
    "DoesNotExistException|Maintenance window $W2 does not exist" "$(py 'd["__type"].split("#")[-1] + "|" + d["message"]')"

# --- get-maintenance-window-execution ----------------------------------------------------
ssm_flag get-maintenance-window-execution --window-execution-id "$E1" --output json
check "get-maintenance-window-execution: id, status, one task" "$E1|SUCCESS|1" \
    "$(py '"|".join([d["WindowExecutionId"], d["Status"], str(len(d["TaskIds"]))])')"
near_now "get-maintenance-window-execution StartTime is epoch seconds of now" "$(py 'd["StartTime"]')"
check "get-maintenance-window-execution: the run took one batch of invocations" "True" \
    "$(py 'abs(d["EndTime"] - d["StartTime"] - '"${SSM_CLIENTS_INVOCATION_SECONDS:-5}"') < 0.001')"
TE1="$(py 'd["TaskIds"][0]')"
check_match "get-maintenance-window-execution TaskIds are uuids" "$UUID_RE" "$TE1"

# --- describe-maintenance-window-executions ------------------------------------------------
sleep 0.01
admin_run "$W2"
E2="$(py 'd["WindowExecutionId"]')"
wait_execution "the second admin run ends in SUCCESS" "$E2"
ssm describe-maintenance-window-executions --window-id "$W2" --output json
check "describe-maintenance-window-executions lists both runs, newest first" "[\"$E2\", \"$E1\"]" \
    "$(py '[e["WindowExecutionId"] for e in d["WindowExecutions"]]')"
check "describe-maintenance-window-executions: window id and status" "True" \
    "$(py 'all(e["WindowId"] == "'"$W2"'" and e["Status"] == "SUCCESS" for e in d["WindowExecutions"])')"
ssm describe-maintenance-window-executions --window-id "$W2" \
    --filters "Key=ExecutedAfter,Values=2099-01-01T00:00:00Z" --query 'length(WindowExecutions)' --output text
check "describe-maintenance-window-executions ExecutedAfter in the future: none" "0" "$OUT"
ssm describe-maintenance-window-executions --window-id "$W2" \
    --filters "Key=ExecutedBefore,Values=2099-01-01T00:00:00Z" "Key=ExecutedAfter,Values=2000-01-01T00:00:00Z" \
    --query 'length(WindowExecutions)' --output text
check "describe-maintenance-window-executions ExecutedBefore and ExecutedAfter around now: both" "2" "$OUT"
ssm describe-maintenance-window-executions --window-id "$W1" --query 'length(WindowExecutions)' --output text
check "describe-maintenance-window-executions of a window never run: none" "0" "$OUT"

# --- describe-maintenance-window-execution-tasks ----------------------------------------------
ssm describe-maintenance-window-execution-tasks --window-execution-id "$E1" \
    --query 'WindowExecutionTaskIdentities[].[WindowExecutionId,TaskExecutionId,TaskArn,TaskType,Status]' --output text
check "describe-maintenance-window-execution-tasks lists the task run" \
    "$E1	$TE1	AWS-RunShellScript	RUN_COMMAND	SUCCESS" "$OUT"

# --- describe-maintenance-window-execution-task-invocations (the seed's command) ----------------
ssm describe-maintenance-window-execution-task-invocations \
    --window-execution-id "$E1" \
    --task-id "$TE1" \
    --output json
check_success "describe-maintenance-window-execution-task-invocations (seed example) succeeds"
check "one invocation, for the window target" "1|$E1|$TE1|SUCCESS|$T1|Single instance" \
    "$(py 'i = d["WindowExecutionTaskInvocationIdentities"]; "|".join([str(len(i)), i[0]["WindowExecutionId"], i[0]["TaskExecutionId"], i[0]["Status"], i[0]["WindowTargetId"], i[0]["OwnerInformation"]])')"
# The seed's Parameters, parsed: the same document, instance, command and thresholds.
check "the invocation's Parameters are the seed's" \
    '{"documentName": "AWS-RunShellScript", "instanceIds": ["i-0000293ffd8c57862"], "maxConcurrency": "1", "maxErrors": "1", "parameters": {"commands": ["df"]}}' \
    "$(py 'json.loads(d["WindowExecutionTaskInvocationIdentities"][0]["Parameters"])')"
check "the invocation's Parameters text is the seed's, member order included" \
    '{"documentName":"AWS-RunShellScript","instanceIds":["i-0000293ffd8c57862"],"parameters":{"commands":["df"]},"maxConcurrency":"1","maxErrors":"1"}' \
    "$(py 'd["WindowExecutionTaskInvocationIdentities"][0]["Parameters"]')"
check "the invocation's StartTime and EndTime are epoch numbers" "True" \
    "$(py 'i = d["WindowExecutionTaskInvocationIdentities"][0]; isinstance(i["StartTime"], (int, float)) and i["EndTime"] >= i["StartTime"]')"
INV1="$(py 'd["WindowExecutionTaskInvocationIdentities"][0]["InvocationId"]')"
check_match "the invocation has a uuid InvocationId" "$UUID_RE" "$INV1"
ssm describe-maintenance-window-execution-task-invocations --window-execution-id "$E1" --task-id "$TE1" \
    --filters "Key=STATUS,Values=FAILED" --query 'length(WindowExecutionTaskInvocationIdentities)' --output text
check "describe-maintenance-window-execution-task-invocations STATUS=FAILED: none" "0" "$OUT"

# --- get-maintenance-window-execution-task(-invocation) -------------------------------------------
ssm_flag get-maintenance-window-execution-task --window-execution-id "$E1" --task-id "$TE1" \
    --query '[WindowExecutionId,TaskExecutionId,TaskArn,Type,Priority,MaxConcurrency,MaxErrors,Status,ServiceRole]' --output text
check "get-maintenance-window-execution-task" \
    "$E1	$TE1	AWS-RunShellScript	RUN_COMMAND	10	1	1	SUCCESS	arn:aws:iam::111222333444:role/MaintenanceWindowsRole" "$OUT"
ssm get-maintenance-window-execution-task-invocation --window-execution-id "$E1" --task-id "$TE1" \
    --invocation-id "$INV1" --query '[InvocationId,TaskExecutionId,Status,TaskType,WindowTargetId,OwnerInformation]' --output text
check "get-maintenance-window-execution-task-invocation" \
    "$INV1	$TE1	SUCCESS	RUN_COMMAND	$T1	Single instance" "$OUT"
ssm get-maintenance-window-execution-task-invocation --window-execution-id "$E1" --task-id "$TE1" \
    --invocation-id "00000000-0000-4000-8000-000000000000"
check_error "get-maintenance-window-execution-task-invocation of an unknown invocation" DoesNotExistException \
    "00000000-0000-4000-8000-000000000000"

# --- cancel-maintenance-window-execution -----------------------------------------------------------
ssm cancel-maintenance-window-execution --window-execution-id "$E1" --query WindowExecutionId --output text
check "cancel-maintenance-window-execution of a finished run returns its id" "$E1" "$OUT"
ssm get-maintenance-window-execution --window-execution-id "$E1" --query Status --output text
check "a finished run stays SUCCESS after a cancel" "SUCCESS" "$OUT"

# --- describe-maintenance-window-schedule ------------------------------------------------------------
ssm describe-maintenance-window-schedule --window-id "$W1" --max-results 3 --output json
check "describe-maintenance-window-schedule --max-results 3: three runs and a NextToken" "3 True" \
    "$(py 'len(d["ScheduledWindowExecutions"]), bool(d.get("NextToken"))' | tr -d '(),')"
check "describe-maintenance-window-schedule: weekly Tuesdays 16:00Z, ascending, from the NextExecutionTime" "True" \
    "$(py '
import datetime
t = [datetime.datetime.strptime(e["ExecutionTime"], "%Y-%m-%dT%H:%MZ") for e in d["ScheduledWindowExecutions"]]
e0 = d["ScheduledWindowExecutions"][0]
all(x.strftime("%a %H:%M") == "Tue 16:00" for x in t) and all(b - a == datetime.timedelta(days=7) for a, b in zip(t, t[1:])) and e0["ExecutionTime"] == "'"$NEXT_W1"'" and e0["WindowId"] == "'"$W1"'" and e0["Name"] == "My-First-Maintenance-Window-'"$SUFFIX"'"' 2>&1)"
ssm_flag describe-maintenance-window-schedule --window-id "$W1" --page-size 2 --max-items 5 \
    --query 'ScheduledWindowExecutions[].ExecutionTime' --output json
check "describe-maintenance-window-schedule paged by the CLI: 5 distinct ascending runs" "True" \
    "$(py 'len(d) == 5 and d == sorted(set(d))')"
ssm describe-maintenance-window-schedule --resource-type INSTANCE \
    --targets "Key=InstanceIds,Values=i-0000293ffd8c57862" --max-results 2 \
    --query 'ScheduledWindowExecutions[].WindowId' --output text
check "describe-maintenance-window-schedule by target" "$W2	$W2" "$OUT"

# --- tags ----------------------------------------------------------------------------------------------
ssm list-tags-for-resource --resource-type "MaintenanceWindow" --resource-id "$W2" --output json
check "list-tags-for-resource shows the tags given at creation" '[{"Key": "Environment", "Value": "Test"}]' "$(py 'd["TagList"]')"
ssm_flag add-tags-to-resource --resource-type "MaintenanceWindow" --resource-id "$W2" \
    --tags "Key=Stack,Value=Production" "Key=Environment,Value=Prod"
check "add-tags-to-resource succeeds with no output" "0|" "$RC|$OUT"
ssm list-tags-for-resource --resource-type "MaintenanceWindow" --resource-id "$W2" --output json
check "add-tags-to-resource adds a key and overwrites an existing one" \
    '{"Environment": "Prod", "Stack": "Production"}' "$(py '{t["Key"]: t["Value"] for t in d["TagList"]}')"
ssm remove-tags-from-resource --resource-type "MaintenanceWindow" --resource-id "$W2" --tag-keys "Stack"
check_success "remove-tags-from-resource succeeds"
ssm_flag list-tags-for-resource --resource-type "MaintenanceWindow" --resource-id "$W2" \
    --query 'TagList[].Key' --output text
check "remove-tags-from-resource removed only that key" "Environment" "$OUT"
ssm list-tags-for-resource --resource-type "MaintenanceWindow" --resource-id "mw-0123456789abcdef0"
check_error "list-tags-for-resource of an unknown window" InvalidResourceId ""
ssm list-tags-for-resource --resource-type "Document" --resource-id "AWS-RunShellScript"
check_error "list-tags-for-resource of another resource type" InvalidResourceType ""

# --- validation errors ---------------------------------------------------------------------------------
ssm update-maintenance-window --window-id "$W2" --duration 1 --cutoff 2
check_error "update-maintenance-window with a cutoff past the duration" ValidationException \
    "Cuttoff was 2 but must be smaller than 0 (Duration  - 1 )"
ssm_flag create-maintenance-window --name "Bad-Cutoff-$SUFFIX" --schedule "rate(1 day)" \
    --duration 3 --cutoff 3 --allow-unassociated-targets
check_error "create-maintenance-window with cutoff = duration" ValidationException \
    "Cuttoff was 3 but must be smaller than 2 (Duration  - 1 )"
ssm get-maintenance-window --window-id "$W2" --query '[Duration,Cutoff]' --output text
check "a rejected update changes nothing" "10	1" "$OUT"
ssm create-maintenance-window --name "Too-Long-$SUFFIX" --schedule "rate(1 day)" \
    --duration 25 --cutoff 1 --allow-unassociated-targets
check_error "create-maintenance-window with duration 25" ValidationException \
    "1 validation error detected: Value '25' at 'duration' failed to satisfy constraint: Member must have value less than or equal to 24"
ssm get-maintenance-window --window-id "mw-0123456789ABCDEF0"
check_error "get-maintenance-window with an id not matching the pattern" ValidationException \
    "1 validation error detected: Value 'mw-0123456789ABCDEF0' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}\$"
ssm create-maintenance-window --name "Bad-Rate-$SUFFIX" --schedule "rate(3 dayz)" \
    --duration 2 --cutoff 1 --allow-unassociated-targets
check_error "create-maintenance-window with an invalid rate expression" ValidationException "rate(3 dayz)"

# --- does-not-exist errors --------------------------------------------------------------------------------
ssm get-maintenance-window --window-id "mw-0123456789abcdef0"
check_error "get-maintenance-window of an unknown window" DoesNotExistException \
    "Maintenance window mw-0123456789abcdef0 does not exist"
ssm_flag get-maintenance-window-execution --window-execution-id "9fac7dd9-ff21-42a5-96ad-bbc4b0000000"
check_error "get-maintenance-window-execution of an unknown execution" DoesNotExistException \
    "Maintenance window execution 9fac7dd9-ff21-42a5-96ad-bbc4b0000000 does not exist"
ssm describe-maintenance-window-targets --window-id "mw-0123456789abcdef0"
check_error "describe-maintenance-window-targets of an unknown window" DoesNotExistException \
    "Maintenance window mw-0123456789abcdef0 does not exist"
admin_run "mw-0123456789abcdef0"
check "the admin run of an unknown window is a 400 DoesNotExistException" "400|DoesNotExistException" \
    "$RC|$(py 'd["__type"].split("#")[-1]')"

# --- deregister ----------------------------------------------------------------------------------------------
ssm deregister-target-from-maintenance-window --window-id "$W2" --window-target-id "$T1" --safe
check_error "deregister-target-from-maintenance-window --safe of a target a task uses" TargetInUseException "$T1"
ssm deregister-task-from-maintenance-window --window-id "$W2" --window-task-id "$TASK1" \
    --query '[WindowId,WindowTaskId]' --output text
check "deregister-task-from-maintenance-window" "$W2	$TASK1" "$OUT"
ssm describe-maintenance-window-tasks --window-id "$W2" --query 'length(Tasks)' --output text
check "describe-maintenance-window-tasks after deregistering: none" "0" "$OUT"
ssm deregister-task-from-maintenance-window --window-id "$W2" --window-task-id "$TASK1"
check_error "deregister-task-from-maintenance-window twice" DoesNotExistException "$TASK1"
ssm_flag deregister-target-from-maintenance-window --window-id "$W2" --window-target-id "$T1" --safe \
    --query '[WindowId,WindowTargetId]' --output text
check "deregister-target-from-maintenance-window --safe once no task uses it" "$W2	$T1" "$OUT"
ssm describe-maintenance-window-targets --window-id "$W2" --query 'Targets[].WindowTargetId' --output text
check "describe-maintenance-window-targets after deregistering: the other target" "$T2" "$OUT"

# --- delete-maintenance-window --------------------------------------------------------------------------------
ssm_flag delete-maintenance-window --window-id "$W2" --query WindowId --output text
check "delete-maintenance-window returns the id" "$W2" "$OUT"
ssm get-maintenance-window --window-id "$W2"
check_error "get-maintenance-window after delete" DoesNotExistException "Maintenance window $W2 does not exist"
ssm get-maintenance-window-execution --window-execution-id "$E1"
check_error "a deleted window's runs are gone" DoesNotExistException "$E1"
ssm delete-maintenance-window --window-id "$W2"
check_error "delete-maintenance-window twice" DoesNotExistException "Maintenance window $W2 does not exist"
ssm delete-maintenance-window --window-id "$W1" --query WindowId --output text
check "delete-maintenance-window of the cron window" "$W1" "$OUT"
ssm describe-maintenance-windows --filters "Key=Name,Values=My-First-Maintenance-Window-$SUFFIX,Default-Maintenance-Window-$SUFFIX" \
    --query 'length(WindowIdentities)' --output text
check "describe-maintenance-windows after deleting both: none" "0" "$OUT"

echo "# test_cli.sh: $PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
