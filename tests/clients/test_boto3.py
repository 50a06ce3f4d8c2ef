"""boto3 against a running ssm-server (see run.sh, which starts one).

Needs AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and dummy credentials in the
environment. Every test creates its own windows under unique names and
deletes them afterwards, so the tests also run against a server in use.
"""

import datetime
import json
import os
import re
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-2")
# How long the server takes for one batch of simulated invocations
# (run.sh starts it with --invocation-seconds 1; its default is 5).
BATCH = datetime.timedelta(seconds=int(os.environ.get("SSM_CLIENTS_INVOCATION_SECONDS", "5")))
RUNNING = ("PENDING", "IN_PROGRESS", "CANCELLING")

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
WINDOW_RE = re.compile(r"^mw-[0-9a-f]{17}$")
MISSING_WINDOW = "mw-0123456789abcdef0"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
ROLE = "arn:aws:iam::111222333444:role/MaintenanceWindowsRole"
# The server's --auth mode: `sigv4` checks signatures against the keys
# run.sh configured, `open` accepts any.
AUTH = os.environ.get("SSM_CLIENTS_AUTH", "open")


def client(region=REGION, validate=True, signature_version=None, **credentials):
    """An SSM client; `validate=False` lets requests that botocore would
    refuse reach the server; `credentials` (aws_access_key_id, …) replace
    the environment's. No retries, so every error shows."""
    return boto3.client(
        "ssm",
        endpoint_url=ENDPOINT,
        region_name=region,
        config=Config(
            retries={"total_max_attempts": 1},
            parameter_validation=validate,
            signature_version=signature_version,
        ),
        **credentials,
    )


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call, **params):
    """The ClientError that `call(**params)` raises."""
    with pytest.raises(ClientError) as info:
        call(**params)
    return info.value


def code(e):
    return e.response["Error"]["Code"]


def message(e):
    return e.response["Error"]["Message"]


def admin_run(window_id, region=REGION):
    """Starts a run through the admin endpoint, signed as `--auth sigv4`
    requires: (HTTP status, JSON body)."""
    url = f"{ENDPOINT}/_admin/windows/{window_id}/run?region={region}"
    signed = AWSRequest(method="POST", url=url, data=b"")
    SigV4Auth(boto3.session.Session().get_credentials(), "ssm", region).add_auth(signed)
    request = urllib.request.Request(url, data=b"", method="POST", headers=dict(signed.headers))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def run_window(window_id, region=REGION):
    status, body = admin_run(window_id, region)
    assert status == 200, body
    assert UUID_RE.match(body["WindowExecutionId"]), body
    return body["WindowExecutionId"]


def wait_for_execution(ssm, execution_id, timeout=60):
    """GetMaintenanceWindowExecution once the run has ended."""
    deadline = time.monotonic() + timeout
    while True:
        execution = ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)
        if execution["Status"] not in RUNNING:
            return execution
        assert time.monotonic() < deadline, f"run {execution_id} still {execution['Status']} after {timeout} s"
        time.sleep(0.2)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def assert_recent(value):
    """`value` is a timezone-aware datetime within five minutes of now."""
    assert isinstance(value, datetime.datetime), type(value)
    assert value.tzinfo is not None and value.utcoffset() is not None
    assert abs((utcnow() - value).total_seconds()) < 300, value


@pytest.fixture(scope="module")
def ssm():
    return client()


@pytest.fixture
def windows():
    """make(client=None, **params) creates a window with sensible defaults
    and deletes it at the end of the test."""
    made = []

    def make(ssm_client=None, **params):
        c = ssm_client or client()
        request = {
            "Name": unique("pyt"),
            "Schedule": "rate(1 day)",
            "Duration": 2,
            "Cutoff": 1,
            "AllowUnassociatedTargets": True,
        }
        request.update(params)
        window_id = c.create_maintenance_window(**request)["WindowId"]
        made.append((c, window_id))
        return window_id

    yield make
    for c, window_id in made:
        try:
            c.delete_maintenance_window(WindowId=window_id)
        except ClientError as e:
            if code(e) != "DoesNotExistException":
                raise


def register_instance_target(ssm, window_id, *instances, **extra):
    return ssm.register_target_with_maintenance_window(
        WindowId=window_id,
        ResourceType="INSTANCE",
        Targets=[{"Key": "InstanceIds", "Values": list(instances)}],
        **extra,
    )["WindowTargetId"]


def register_run_command(ssm, window_id, target_ids, **extra):
    params = {
        "WindowId": window_id,
        "Targets": [{"Key": "WindowTargetIds", "Values": list(target_ids)}],
        "TaskArn": "AWS-RunShellScript",
        "TaskType": "RUN_COMMAND",
        "MaxConcurrency": "1",
        "MaxErrors": "1",
        "TaskInvocationParameters": {"RunCommand": {"Parameters": {"commands": ["df"]}}},
    }
    params.update(extra)
    return ssm.register_task_with_maintenance_window(**params)["WindowTaskId"]


# --- the whole lifecycle ----------------------------------------------------


def test_lifecycle(ssm):
    name = unique("Lifecycle")
    created = ssm.create_maintenance_window(
        Name=name,
        Description="Standard maintenance windows for Test Servers",
        Schedule="rate(14 days)",
        Duration=6,
        Cutoff=2,
        AllowUnassociatedTargets=False,
        Tags=[{"Key": "Environment", "Value": "Test"}],
    )
    window_id = created["WindowId"]
    assert WINDOW_RE.match(window_id)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert UUID_RE.match(created["ResponseMetadata"]["RequestId"])

    window = ssm.get_maintenance_window(WindowId=window_id)
    assert window["WindowId"] == window_id
    assert window["Name"] == name
    assert window["Description"] == "Standard maintenance windows for Test Servers"
    assert window["Schedule"] == "rate(14 days)"
    assert (window["Duration"], window["Cutoff"]) == (6, 2)
    assert window["AllowUnassociatedTargets"] is False
    assert window["Enabled"] is True
    assert "ScheduleTimezone" not in window and "StartDate" not in window

    # The seed's update: only what is given changes.
    updated = ssm.update_maintenance_window(
        WindowId=window_id,
        Duration=10,
        Name=name + "-Default",
        Description="Standard maintenance windows for production servers",
    )
    assert {k: v for k, v in updated.items() if k != "ResponseMetadata"} == {
        "WindowId": window_id,
        "Name": name + "-Default",
        "Description": "Standard maintenance windows for production servers",
        "Schedule": "rate(14 days)",
        "Duration": 10,
        "Cutoff": 2,
        "AllowUnassociatedTargets": False,
        "Enabled": True,
    }

    target_id = register_instance_target(
        ssm, window_id, "i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE",
        OwnerInformation="Two instances", Name="Web-Servers",
    )
    assert UUID_RE.match(target_id)
    targets = ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    assert [t["WindowTargetId"] for t in targets] == [target_id]
    assert targets[0]["ResourceType"] == "INSTANCE"
    assert targets[0]["Targets"] == [
        {"Key": "InstanceIds", "Values": ["i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE"]}
    ]
    assert targets[0]["OwnerInformation"] == "Two instances"

    task_id = register_run_command(
        ssm, window_id, [target_id], ServiceRoleArn=ROLE, Priority=3, Name="Disk"
    )
    assert UUID_RE.match(task_id)
    tasks = ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    assert [t["WindowTaskId"] for t in tasks] == [task_id]
    assert (tasks[0]["TaskArn"], tasks[0]["Type"], tasks[0]["Priority"]) == (
        "AWS-RunShellScript", "RUN_COMMAND", 3,
    )
    task = ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)
    assert task["ServiceRoleArn"] == ROLE
    assert task["TaskInvocationParameters"]["RunCommand"]["Parameters"] == {"commands": ["df"]}
    assert (task["MaxConcurrency"], task["MaxErrors"]) == ("1", "1")

    updated_task = ssm.update_maintenance_window_task(
        WindowId=window_id, WindowTaskId=task_id, MaxConcurrency="50%", Priority=4
    )
    assert (updated_task["MaxConcurrency"], updated_task["MaxErrors"], updated_task["Priority"]) == ("50%", "1", 4)
    assert updated_task["Name"] == "Disk"

    updated_target = ssm.update_maintenance_window_target(
        WindowId=window_id, WindowTargetId=target_id, Description="The web tier"
    )
    assert updated_target["Description"] == "The web tier"
    assert updated_target["OwnerInformation"] == "Two instances"
    assert updated_target["Targets"] == targets[0]["Targets"]

    execution_id = run_window(window_id)
    execution = wait_for_execution(ssm, execution_id)
    assert execution["WindowExecutionId"] == execution_id
    assert execution["Status"] == "SUCCESS"
    assert len(execution["TaskIds"]) == 1
    task_execution_id = execution["TaskIds"][0]

    executions = ssm.describe_maintenance_window_executions(WindowId=window_id)["WindowExecutions"]
    assert [(e["WindowId"], e["WindowExecutionId"], e["Status"]) for e in executions] == [
        (window_id, execution_id, "SUCCESS")
    ]
    task_runs = ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=execution_id)[
        "WindowExecutionTaskIdentities"
    ]
    assert [(t["TaskExecutionId"], t["TaskArn"], t["TaskType"], t["Status"]) for t in task_runs] == [
        (task_execution_id, "AWS-RunShellScript", "RUN_COMMAND", "SUCCESS")
    ]
    run_task = ssm.get_maintenance_window_execution_task(
        WindowExecutionId=execution_id, TaskId=task_execution_id
    )
    assert (run_task["Priority"], run_task["MaxConcurrency"], run_task["ServiceRole"]) == (4, "50%", ROLE)

    invocations = ssm.describe_maintenance_window_execution_task_invocations(
        WindowExecutionId=execution_id, TaskId=task_execution_id
    )["WindowExecutionTaskInvocationIdentities"]
    # One invocation per node; MaxConcurrency 50% of two nodes is one at a time.
    assert len(invocations) == 2
    for invocation in invocations:
        assert invocation["WindowTargetId"] == target_id
        assert invocation["OwnerInformation"] == "Two instances"
        assert invocation["Status"] == "SUCCESS"
        assert invocation["EndTime"] - invocation["StartTime"] == BATCH
    assert sorted(json.loads(i["Parameters"])["instanceIds"][0] for i in invocations) == [
        "i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE",
    ]
    assert abs(invocations[0]["StartTime"] - invocations[1]["StartTime"]) == BATCH
    invocation = invocations[0]
    assert json.loads(invocation["Parameters"]) == {
        "documentName": "AWS-RunShellScript",
        "instanceIds": [json.loads(invocation["Parameters"])["instanceIds"][0]],
        "parameters": {"commands": ["df"]},
        "maxConcurrency": "50%",
        "maxErrors": "1",
    }
    assert execution["EndTime"] - execution["StartTime"] == 2 * BATCH
    fetched = ssm.get_maintenance_window_execution_task_invocation(
        WindowExecutionId=execution_id, TaskId=task_execution_id, InvocationId=invocation["InvocationId"]
    )
    assert fetched["InvocationId"] == invocation["InvocationId"]
    assert fetched["Parameters"] == invocation["Parameters"]
    assert fetched["StartTime"] == invocation["StartTime"]

    assert ssm.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=task_id)[
        "WindowTaskId"
    ] == task_id
    assert ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"] == []
    assert ssm.deregister_target_from_maintenance_window(
        WindowId=window_id, WindowTargetId=target_id, Safe=True
    )["WindowTargetId"] == target_id
    assert ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"] == []

    assert ssm.delete_maintenance_window(WindowId=window_id)["WindowId"] == window_id
    e = error_of(ssm.get_maintenance_window, WindowId=window_id)
    assert code(e) == "DoesNotExistException"
    assert message(e) == f"Maintenance window {window_id} does not exist"
    e = error_of(ssm.get_maintenance_window_execution, WindowExecutionId=execution_id)
    assert code(e) == "DoesNotExistException"
    e = error_of(ssm.list_tags_for_resource, ResourceType="MaintenanceWindow", ResourceId=window_id)
    assert code(e) == "InvalidResourceId"


# --- timestamps -----------------------------------------------------------------


def test_timestamps_are_datetimes(ssm, windows):
    before = utcnow() - datetime.timedelta(seconds=1)
    window_id = windows()
    window = ssm.get_maintenance_window(WindowId=window_id)
    assert_recent(window["CreatedDate"])
    assert_recent(window["ModifiedDate"])
    assert window["CreatedDate"] >= before
    assert window["ModifiedDate"] == window["CreatedDate"]
    # NextExecutionTime is a string in the model, not a timestamp.
    assert isinstance(window["NextExecutionTime"], str)
    next_run = datetime.datetime.fromisoformat(window["NextExecutionTime"].replace("Z", "+00:00"))
    assert datetime.timedelta(hours=23) < next_run - window["CreatedDate"] <= datetime.timedelta(days=1, seconds=1)

    time.sleep(0.05)
    ssm.update_maintenance_window(WindowId=window_id, Description="changed")
    after = ssm.get_maintenance_window(WindowId=window_id)
    assert after["CreatedDate"] == window["CreatedDate"]
    assert after["ModifiedDate"] > window["ModifiedDate"]

    register_instance_target(ssm, window_id, "i-0123456789abcdef0")
    execution_id = run_window(window_id)
    execution = wait_for_execution(ssm, execution_id)
    assert_recent(execution["StartTime"])
    assert_recent(execution["EndTime"])
    assert execution["StartTime"] >= after["ModifiedDate"]
    # A window without tasks has nothing to wait for.
    assert execution["EndTime"] == execution["StartTime"]
    listed = ssm.describe_maintenance_window_executions(WindowId=window_id)["WindowExecutions"][0]
    assert listed["StartTime"] == execution["StartTime"]


def test_next_execution_time_in_the_window_time_zone(ssm, windows):
    window_id = windows(
        Schedule="cron(0 9 ? * MON *)",
        ScheduleTimezone="America/Los_Angeles",
        Duration=3,
        Cutoff=1,
    )
    window = ssm.get_maintenance_window(WindowId=window_id)
    assert window["ScheduleTimezone"] == "America/Los_Angeles"
    text = window["NextExecutionTime"]
    assert re.match(r"^\d{4}-\d{2}-\d{2}T09:00-0[78]:00$", text), text
    when = datetime.datetime.fromisoformat(text)
    assert when.strftime("%A") == "Monday"
    assert when > utcnow()

    schedule = ssm.describe_maintenance_window_schedule(WindowId=window_id, MaxResults=4)
    times = [e["ExecutionTime"] for e in schedule["ScheduledWindowExecutions"]]
    assert times[0] == text
    assert len(times) == 4
    parsed = [datetime.datetime.fromisoformat(t) for t in times]
    assert all(t.strftime("%A %H:%M") == "Monday 09:00" for t in parsed)
    assert parsed == sorted(parsed)


def test_schedule_options(ssm, windows):
    # A one-time window runs at its time stamp.
    once = windows(Schedule="at(2030-07-07T15:55:00)")
    assert ssm.get_maintenance_window(WindowId=once)["NextExecutionTime"] == "2030-07-07T15:55Z"

    # A schedule offset moves each cron run by whole days; a cron run that is
    # already past does not count even when its offset day is still ahead.
    offset = windows(Schedule="cron(30 23 ? * TUE#3 *)", ScheduleOffset=2, Duration=4, Cutoff=1)
    now = utcnow()
    year, month = now.year, now.month
    while True:
        first = datetime.datetime(year, month, 1, 23, 30, tzinfo=datetime.timezone.utc)
        third_tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 14)
        if third_tuesday > now:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    expected = third_tuesday + datetime.timedelta(days=2)
    window = ssm.get_maintenance_window(WindowId=offset)
    assert window["ScheduleOffset"] == 2
    assert window["NextExecutionTime"] == expected.strftime("%Y-%m-%dT%H:%MZ")

    # A start date in the past counts as now for a rate schedule.
    started = windows(Schedule="rate(1 day)", StartDate="2020-01-01T00:00:00Z")
    window = ssm.get_maintenance_window(WindowId=started)
    assert window["StartDate"] == "2020-01-01T00:00:00Z"
    next_run = datetime.datetime.fromisoformat(window["NextExecutionTime"].replace("Z", "+00:00"))
    assert abs(next_run - window["CreatedDate"] - datetime.timedelta(days=1)) < datetime.timedelta(seconds=1)

    # A window whose end date has passed never runs again.
    ended = windows(EndDate="2020-01-01T00:00:00Z")
    assert "NextExecutionTime" not in ssm.get_maintenance_window(WindowId=ended)

    # ScheduledAfter moves the start of the listed schedule.
    after = ssm.describe_maintenance_window_schedule(
        WindowId=offset, Filters=[{"Key": "ScheduledAfter", "Values": ["2031-01-01T00:00:00Z"]}], MaxResults=1
    )["ScheduledWindowExecutions"]
    assert [r["ExecutionTime"] for r in after] == ["2031-01-23T23:30Z"]

    for label, params in [
        ("offset with a rate", {"Schedule": "rate(1 day)", "ScheduleOffset": 2}),
        ("rate below 5 minutes", {"Schedule": "rate(1 minute)"}),
        ("unknown time zone", {"ScheduleTimezone": "Mars/Olympus"}),
        ("end before start", {"StartDate": "2031-01-01T00:00:00Z", "EndDate": "2030-01-01T00:00:00Z"}),
        ("not a schedule", {"Schedule": "every tuesday"}),
    ]:
        request = dict(Name=unique("Bad"), Schedule="rate(1 day)", Duration=2, Cutoff=1, AllowUnassociatedTargets=True)
        request.update(params)
        e = error_of(ssm.create_maintenance_window, **request)
        assert code(e) == "ValidationException", label
        assert message(e), label


# --- paginators -------------------------------------------------------------------


def test_describe_windows_paginator_returns_every_window_once(ssm, windows):
    prefix = unique("Page")
    ids = [windows(Name=f"{prefix}-{i:02d}") for i in range(23)]
    paginator = ssm.get_paginator("describe_maintenance_windows")

    pages = list(
        paginator.paginate(
            Filters=[{"Key": "Name", "Values": [prefix]}],
            PaginationConfig={"PageSize": 10},
        )
    )
    assert [len(p["WindowIdentities"]) for p in pages] == [10, 10, 3]
    assert all(p.get("NextToken") for p in pages[:-1])
    assert not pages[-1].get("NextToken")
    seen = [w["WindowId"] for p in pages for w in p["WindowIdentities"]]
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == set(ids)

    # Without a filter: every window in the Region, each once, ours included.
    everything = [
        w["WindowId"]
        for p in paginator.paginate(PaginationConfig={"PageSize": 10})
        for w in p["WindowIdentities"]
    ]
    assert len(everything) == len(set(everything))
    assert set(ids) <= set(everything)

    # build_full_result, MaxItems and StartingToken, as the CLI uses them.
    first = paginator.paginate(
        Filters=[{"Key": "Name", "Values": [prefix]}],
        PaginationConfig={"PageSize": 10, "MaxItems": 15},
    ).build_full_result()
    head = [w["WindowId"] for w in first["WindowIdentities"]]
    assert len(head) == 15
    rest = paginator.paginate(
        Filters=[{"Key": "Name", "Values": [prefix]}],
        PaginationConfig={"PageSize": 10, "StartingToken": first["NextToken"]},
    ).build_full_result()
    tail = [w["WindowId"] for w in rest["WindowIdentities"]]
    assert len(tail) == 8
    assert sorted(head + tail) == sorted(ids)


def test_describe_windows_tokens_and_page_limits(ssm, windows):
    prefix = unique("Tok")
    ids = [windows(Name=f"{prefix}-{i:02d}") for i in range(10)]
    only = [{"Key": "Name", "Values": [prefix]}]
    page = ssm.describe_maintenance_windows(Filters=only, MaxResults=10)
    assert sorted(w["WindowId"] for w in page["WindowIdentities"]) == sorted(ids)
    assert not page.get("NextToken"), "exactly one full page leaves no token"

    # A window deleted between pages is simply not returned; the rest are.
    ids += [windows(Name=f"{prefix}-{i:02d}") for i in range(10, 14)]
    page1 = ssm.describe_maintenance_windows(Filters=only, MaxResults=10)
    assert page1["NextToken"]
    first = {w["WindowId"] for w in page1["WindowIdentities"]}
    assert len(first) == 10
    rest = sorted(set(ids) - first)
    ssm.delete_maintenance_window(WindowId=rest[0])
    page2 = ssm.describe_maintenance_windows(Filters=only, MaxResults=10, NextToken=page1["NextToken"])
    assert sorted(w["WindowId"] for w in page2["WindowIdentities"]) == rest[1:]
    assert not page2.get("NextToken")

    e = error_of(ssm.describe_maintenance_windows, NextToken="not-a-token")
    assert code(e) == "ValidationException"
    # A token of another operation is not accepted either.
    raw = client()
    window_id = ids[0]
    for i in range(11):
        register_instance_target(raw, window_id, f"i-{i:017x}")
    targets_token = raw.describe_maintenance_window_targets(WindowId=window_id, MaxResults=10)["NextToken"]
    e = error_of(ssm.describe_maintenance_windows, NextToken=targets_token)
    assert code(e) == "ValidationException"

    unvalidated = client(validate=False)
    e = error_of(unvalidated.describe_maintenance_windows, MaxResults=9)
    assert code(e) == "ValidationException"
    assert message(e) == (
        "1 validation error detected: Value '9' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 10"
    )
    e = error_of(unvalidated.describe_maintenance_windows, MaxResults=101)
    assert code(e) == "ValidationException"
    assert "Member must have value less than or equal to 100" in message(e)


def test_targets_and_tasks_paginators(ssm, windows):
    window_id = windows()
    target_ids = [register_instance_target(ssm, window_id, f"i-{i:017x}") for i in range(12)]
    pages = list(
        ssm.get_paginator("describe_maintenance_window_targets").paginate(
            WindowId=window_id, PaginationConfig={"PageSize": 10}
        )
    )
    assert [len(p["Targets"]) for p in pages] == [10, 2]
    assert sorted(t["WindowTargetId"] for p in pages for t in p["Targets"]) == sorted(target_ids)

    task_ids = [register_run_command(ssm, window_id, [target_ids[i]], Priority=i) for i in range(12)]
    pages = list(
        ssm.get_paginator("describe_maintenance_window_tasks").paginate(
            WindowId=window_id, PaginationConfig={"PageSize": 10}
        )
    )
    assert [len(p["Tasks"]) for p in pages] == [10, 2]
    assert sorted(t["WindowTaskId"] for p in pages for t in p["Tasks"]) == sorted(task_ids)


def test_targets_pagination_survives_a_deregistration_between_pages(ssm, windows):
    """Every target registered for the whole listing is returned exactly once,
    even when another target is deregistered between two pages."""
    window_id = windows()
    target_ids = [register_instance_target(ssm, window_id, f"i-{i:017x}") for i in range(12)]
    page1 = ssm.describe_maintenance_window_targets(WindowId=window_id, MaxResults=10)
    first = [t["WindowTargetId"] for t in page1["Targets"]]
    assert len(set(first)) == 10 and set(first) <= set(target_ids)
    ssm.deregister_target_from_maintenance_window(WindowId=window_id, WindowTargetId=first[0])
    page2 = ssm.describe_maintenance_window_targets(
        WindowId=window_id, MaxResults=10, NextToken=page1["NextToken"]
    )
    second = [t["WindowTargetId"] for t in page2["Targets"]]
    unseen = sorted(set(target_ids) - set(first))
    assert sorted(second) == unseen, (
        f"page 2 after deregistering a target of page 1: {second}; expected the two targets "
        f"not on page 1: {unseen}"
    )


def test_tasks_pagination_survives_a_deregistration_between_pages(ssm, windows):
    """The same for tasks: a task deregistered between pages makes no other
    task disappear from the listing."""
    window_id = windows()
    task_ids = [
        ssm.register_task_with_maintenance_window(
            WindowId=window_id, TaskArn="AWS-RestartEC2Instance", TaskType="AUTOMATION", Name=f"Task-{i:02d}"
        )["WindowTaskId"]
        for i in range(12)
    ]
    page1 = ssm.describe_maintenance_window_tasks(WindowId=window_id, MaxResults=10)
    first = [t["WindowTaskId"] for t in page1["Tasks"]]
    assert len(set(first)) == 10 and set(first) <= set(task_ids)
    ssm.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=first[0])
    page2 = ssm.describe_maintenance_window_tasks(WindowId=window_id, MaxResults=10, NextToken=page1["NextToken"])
    second = [t["WindowTaskId"] for t in page2["Tasks"]]
    unseen = sorted(set(task_ids) - set(first))
    assert sorted(second) == unseen, (
        f"page 2 after deregistering a task of page 1: {second}; expected the two tasks "
        f"not on page 1: {unseen}"
    )


def test_executions_pagination_survives_a_new_run_between_pages(ssm, windows):
    """A run started while a client pages through the history is not
    returned twice, and no older run is lost."""
    window_id = windows()
    register_instance_target(ssm, window_id, "i-0123456789abcdef0")
    runs = []
    for _ in range(11):
        runs.append(run_window(window_id))
        time.sleep(0.003)
    page1 = ssm.describe_maintenance_window_executions(WindowId=window_id, MaxResults=10)
    first = [e["WindowExecutionId"] for e in page1["WindowExecutions"]]
    assert len(set(first)) == 10 and set(first) <= set(runs)
    time.sleep(0.003)
    run_window(window_id)
    page2 = ssm.describe_maintenance_window_executions(
        WindowId=window_id, MaxResults=10, NextToken=page1["NextToken"]
    )
    second = [e["WindowExecutionId"] for e in page2["WindowExecutions"]]
    unseen = set(runs) - set(first)
    assert not set(second) & set(first), f"page 2 repeats runs of page 1: {sorted(set(second) & set(first))}"
    assert unseen <= set(second), f"page 2 {second} lacks the run not on page 1: {sorted(unseen)}"


def test_executions_paginator_newest_first(ssm, windows):
    window_id = windows()
    register_instance_target(ssm, window_id, "i-0123456789abcdef0")
    runs = []
    for _ in range(11):
        runs.append(run_window(window_id))
        time.sleep(0.003)
    pages = list(
        ssm.get_paginator("describe_maintenance_window_executions").paginate(
            WindowId=window_id, PaginationConfig={"PageSize": 10}
        )
    )
    assert [len(p["WindowExecutions"]) for p in pages] == [10, 1]
    listed = [e for p in pages for e in p["WindowExecutions"]]
    assert [e["WindowExecutionId"] for e in listed] == runs[::-1]
    starts = [e["StartTime"] for e in listed]
    assert starts == sorted(starts, reverse=True)

    future = (utcnow() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = (utcnow() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ssm.describe_maintenance_window_executions(
        WindowId=window_id, Filters=[{"Key": "ExecutedAfter", "Values": [future]}]
    )["WindowExecutions"] == []
    assert len(
        ssm.describe_maintenance_window_executions(
            WindowId=window_id,
            Filters=[{"Key": "ExecutedAfter", "Values": [past]}, {"Key": "ExecutedBefore", "Values": [future]}],
        )["WindowExecutions"]
    ) == 11
    e = error_of(
        ssm.describe_maintenance_window_executions,
        WindowId=window_id,
        Filters=[{"Key": "Status", "Values": ["SUCCESS"]}],
    )
    assert code(e) == "ValidationException"
    assert "Status" in message(e)


def test_schedule_paginator(ssm, windows):
    window_id = windows(Schedule="cron(30 23 ? * TUE#3 *)", Duration=3, Cutoff=1)
    result = ssm.get_paginator("describe_maintenance_window_schedule").paginate(
        WindowId=window_id, PaginationConfig={"PageSize": 3, "MaxItems": 7}
    ).build_full_result()
    runs = result["ScheduledWindowExecutions"]
    assert len(runs) == 7
    times = [datetime.datetime.fromisoformat(r["ExecutionTime"].replace("Z", "+00:00")) for r in runs]
    assert times == sorted(set(times))
    # The third Tuesday of seven consecutive months at 23:30 UTC.
    for t in times:
        assert (t.strftime("%A %H:%M"), (t.day - 1) // 7) == ("Tuesday 23:30", 2), t
    months = [(t.year, t.month) for t in times]
    assert len(set(months)) == 7
    assert all(r["WindowId"] == window_id for r in runs)
    assert times[0] == datetime.datetime.fromisoformat(
        ssm.get_maintenance_window(WindowId=window_id)["NextExecutionTime"].replace("Z", "+00:00")
    )


# --- the seeds' sample windows ----------------------------------------------------


def test_seed_get_maintenance_window_sample(ssm, windows):
    """GetMaintenanceWindow's sample: the same members, the same values."""
    name = unique("My-Maintenance-Window")
    window_id = windows(Name=name, Schedule="rate(3 days)", Duration=6, Cutoff=1, AllowUnassociatedTargets=True)
    window = ssm.get_maintenance_window(WindowId=window_id)
    window.pop("ResponseMetadata")
    assert set(window) == {
        "AllowUnassociatedTargets", "CreatedDate", "Cutoff", "Duration", "Enabled",
        "ModifiedDate", "Name", "Schedule", "WindowId", "NextExecutionTime",
    }
    assert (window["AllowUnassociatedTargets"], window["Cutoff"], window["Duration"], window["Enabled"]) == (
        True, 1, 6, True,
    )
    assert (window["Name"], window["Schedule"], window["WindowId"]) == (name, "rate(3 days)", window_id)
    # A rate window first runs one interval after it was created.
    next_run = datetime.datetime.fromisoformat(window["NextExecutionTime"].replace("Z", "+00:00"))
    assert abs((next_run - window["CreatedDate"]) - datetime.timedelta(days=3)) < datetime.timedelta(seconds=1)


def test_seed_describe_maintenance_windows_sample(ssm, windows):
    """DescribeMaintenanceWindows' sample, filtered on Enabled=true: cron
    expressions with a seconds field, Description, Duration and Cutoff."""
    suffix = uuid.uuid4().hex[:8]
    staging = windows(
        Name=f"Windows-Staging-Maintenance-Window-{suffix}",
        Description="Standard maintenance windows for Staging Servers",
        Duration=10, Cutoff=4, Schedule="cron(0 0 6 ? * MON *)",
    )
    production = windows(
        Name=f"Windows-Production-Maintenance-Window-{suffix}",
        Description="Standard maintenance windows for Production Servers",
        Duration=10, Cutoff=4, Schedule="cron(0 0 6 ? * WED *)",
    )
    disabled = windows(Name=f"Windows-Disabled-{suffix}")
    ssm.update_maintenance_window(WindowId=disabled, Enabled=False)
    listed = {
        w["WindowId"]: w
        for p in ssm.get_paginator("describe_maintenance_windows").paginate(
            Filters=[{"Values": ["true"], "Key": "Enabled"}]
        )
        for w in p["WindowIdentities"]
    }
    assert disabled not in listed
    for window_id, name, description, schedule, day in [
        (staging, "Staging", "Staging Servers", "cron(0 0 6 ? * MON *)", "Monday"),
        (production, "Production", "Production Servers", "cron(0 0 6 ? * WED *)", "Wednesday"),
    ]:
        identity = dict(listed[window_id])
        next_run = datetime.datetime.fromisoformat(identity.pop("NextExecutionTime").replace("Z", "+00:00"))
        assert identity == {
            "WindowId": window_id,
            "Name": f"Windows-{name}-Maintenance-Window-{suffix}",
            "Description": f"Standard maintenance windows for {description}",
            "Enabled": True,
            "Duration": 10,
            "Cutoff": 4,
            "Schedule": schedule,
        }
        assert next_run.strftime("%A %H:%M:%S") == f"{day} 06:00:00"
        assert utcnow() < next_run <= utcnow() + datetime.timedelta(days=7)


# --- errors -----------------------------------------------------------------------


def test_validation_errors(ssm, windows):
    e = error_of(
        ssm.create_maintenance_window,
        Name=unique("Bad"), Schedule="rate(1 day)", Duration=1, Cutoff=2, AllowUnassociatedTargets=True,
    )
    assert code(e) == "ValidationException"
    assert message(e) == "Cuttoff was 2 but must be smaller than 0 (Duration  - 1 )"
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    window_id = windows(Duration=4, Cutoff=1)
    e = error_of(ssm.update_maintenance_window, WindowId=window_id, Cutoff=4)
    assert code(e) == "ValidationException"
    assert message(e) == "Cuttoff was 4 but must be smaller than 3 (Duration  - 1 )"
    window = ssm.get_maintenance_window(WindowId=window_id)
    assert (window["Duration"], window["Cutoff"]) == (4, 1), "a rejected update changes nothing"
    # Cutoff may equal Duration - 1.
    assert ssm.update_maintenance_window(WindowId=window_id, Cutoff=3)["Cutoff"] == 3

    e = error_of(
        ssm.create_maintenance_window,
        Name=unique("Bad"), Schedule="rate(1 day)", Duration=25, Cutoff=1, AllowUnassociatedTargets=True,
    )
    assert code(e) == "ValidationException"
    assert message(e) == (
        "1 validation error detected: Value '25' at 'duration' failed to satisfy constraint: "
        "Member must have value less than or equal to 24"
    )

    e = error_of(ssm.get_maintenance_window, WindowId="mw-0123456789ABCDEF0")
    assert code(e) == "ValidationException"
    assert message(e) == (
        "1 validation error detected: Value 'mw-0123456789ABCDEF0' at 'windowId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$"
    )

    e = error_of(
        ssm.create_maintenance_window,
        Name=unique("Bad"), Schedule="rate(1 fortnight)", Duration=2, Cutoff=1, AllowUnassociatedTargets=True,
    )
    assert code(e) == "ValidationException"
    assert "rate(1 fortnight)" in message(e)

    e = error_of(ssm.describe_maintenance_windows, Filters=[{"Key": "Colour", "Values": ["red"]}])
    assert code(e) == "ValidationException"
    assert "Colour" in message(e)

    e = error_of(
        ssm.register_task_with_maintenance_window,
        WindowId=window_id, TaskArn="AWS-RunShellScript", TaskType="RUN_COMMAND",
    )
    assert code(e) == "ValidationException"
    assert message(e) == "Maintenance window Run Command tasks require at least one target."

    e = error_of(
        ssm.register_target_with_maintenance_window,
        WindowId=window_id, ResourceType="INSTANCE", Targets=[{"Key": "Colour", "Values": ["red"]}],
    )
    assert code(e) == "ValidationException"

    # Multiple violations are all reported, as AWS's validator does.
    e = error_of(
        client(validate=False).create_maintenance_window,
        Name="no spaces allowed", Schedule="rate(1 day)", Duration=0, Cutoff=1, AllowUnassociatedTargets=True,
    )
    assert code(e) == "ValidationException"
    assert message(e).startswith("2 validation errors detected: ")
    assert "at 'name'" in message(e) and "at 'duration'" in message(e)


def test_not_found_errors(ssm, windows):
    for call, params in [
        (ssm.get_maintenance_window, {"WindowId": MISSING_WINDOW}),
        (ssm.update_maintenance_window, {"WindowId": MISSING_WINDOW, "Duration": 3}),
        (ssm.delete_maintenance_window, {"WindowId": MISSING_WINDOW}),
        (ssm.describe_maintenance_window_tasks, {"WindowId": MISSING_WINDOW}),
        (ssm.describe_maintenance_window_schedule, {"WindowId": MISSING_WINDOW}),
    ]:
        e = error_of(call, **params)
        assert code(e) == "DoesNotExistException", call
        assert message(e) == f"Maintenance window {MISSING_WINDOW} does not exist"
        assert isinstance(e, ssm.exceptions.DoesNotExistException)

    window_id = windows()
    e = error_of(ssm.get_maintenance_window_task, WindowId=window_id, WindowTaskId=MISSING_UUID)
    assert code(e) == "DoesNotExistException"
    assert MISSING_UUID in message(e) and window_id in message(e)
    e = error_of(
        ssm.update_maintenance_window_target, WindowId=window_id, WindowTargetId=MISSING_UUID, Name="x-y-z"
    )
    assert code(e) == "DoesNotExistException"
    assert MISSING_UUID in message(e)
    e = error_of(ssm.deregister_target_from_maintenance_window, WindowId=window_id, WindowTargetId=MISSING_UUID)
    assert code(e) == "DoesNotExistException"

    e = error_of(ssm.get_maintenance_window_execution, WindowExecutionId=MISSING_UUID)
    assert code(e) == "DoesNotExistException"
    assert message(e) == f"Maintenance window execution {MISSING_UUID} does not exist"
    e = error_of(ssm.cancel_maintenance_window_execution, WindowExecutionId=MISSING_UUID)
    assert code(e) == "DoesNotExistException"

    register_instance_target(ssm, window_id, "i-0123456789abcdef0")
    execution_id = run_window(window_id)
    e = error_of(ssm.get_maintenance_window_execution_task, WindowExecutionId=execution_id, TaskId=MISSING_UUID)
    assert code(e) == "DoesNotExistException"
    assert MISSING_UUID in message(e)

    status, body = admin_run(MISSING_WINDOW)
    assert status == 400
    assert body["__type"].split("#")[-1] == "DoesNotExistException"
    assert body["message"] == f"Maintenance window {MISSING_WINDOW} does not exist"


def test_idempotency_tokens(ssm, windows):
    token = str(uuid.uuid4())
    name = unique("Idem")
    params = dict(Name=name, Schedule="rate(1 day)", Duration=2, Cutoff=1, AllowUnassociatedTargets=True)
    first = windows(ClientToken=token, **params)
    second = ssm.create_maintenance_window(ClientToken=token, **params)["WindowId"]
    assert second == first, "a retry with the same token and parameters returns the same window"
    listed = ssm.describe_maintenance_windows(Filters=[{"Key": "Name", "Values": [name]}])["WindowIdentities"]
    assert [w["WindowId"] for w in listed] == [first]

    e = error_of(ssm.create_maintenance_window, ClientToken=token, **dict(params, Duration=3))
    assert code(e) == "IdempotentParameterMismatch"
    assert message(e)
    assert isinstance(e, ssm.exceptions.IdempotentParameterMismatch)
    assert len(ssm.describe_maintenance_windows(Filters=[{"Key": "Name", "Values": [name]}])["WindowIdentities"]) == 1

    # Without a token, botocore makes a fresh one each time: two windows.
    other = windows(**params)
    assert other != first

    target_token = str(uuid.uuid4())
    t1 = register_instance_target(ssm, first, "i-0123456789abcdef0", ClientToken=target_token)
    t2 = register_instance_target(ssm, first, "i-0123456789abcdef0", ClientToken=target_token)
    assert t1 == t2
    assert len(ssm.describe_maintenance_window_targets(WindowId=first)["Targets"]) == 1
    e = error_of(
        ssm.register_target_with_maintenance_window,
        WindowId=first, ResourceType="INSTANCE", ClientToken=target_token,
        Targets=[{"Key": "InstanceIds", "Values": ["i-0fedcba9876543210"]}],
    )
    assert code(e) == "IdempotentParameterMismatch"

    task_token = str(uuid.uuid4())
    k1 = register_run_command(ssm, first, [t1], ClientToken=task_token)
    k2 = register_run_command(ssm, first, [t1], ClientToken=task_token)
    assert k1 == k2
    assert len(ssm.describe_maintenance_window_tasks(WindowId=first)["Tasks"]) == 1
    e = error_of(ssm.register_task_with_maintenance_window, **{
        "WindowId": first, "Targets": [{"Key": "WindowTargetIds", "Values": [t1]}],
        "TaskArn": "AWS-RunPowerShellScript", "TaskType": "RUN_COMMAND",
        "MaxConcurrency": "1", "MaxErrors": "1", "ClientToken": task_token,
    })
    assert code(e) == "IdempotentParameterMismatch"


def test_limits_and_target_in_use(windows):
    # A Region of its own, so the quota of 50 windows is not shared with other tests.
    eu = client("eu-west-3")
    ids = [windows(eu) for _ in range(50)]
    assert len(set(ids)) == 50
    e = error_of(
        eu.create_maintenance_window,
        Name=unique("One-Too-Many"), Schedule="rate(1 day)", Duration=2, Cutoff=1, AllowUnassociatedTargets=True,
    )
    assert code(e) == "ResourceLimitExceededException"
    assert isinstance(e, eu.exceptions.ResourceLimitExceededException)

    window_id = ids[0]
    target_id = register_instance_target(eu, window_id, "i-0123456789abcdef0")
    task_id = register_run_command(eu, window_id, [target_id])
    e = error_of(eu.deregister_target_from_maintenance_window, WindowId=window_id, WindowTargetId=target_id, Safe=True)
    assert code(e) == "TargetInUseException"
    assert [t["WindowTargetId"] for t in eu.describe_maintenance_window_targets(WindowId=window_id)["Targets"]] == [
        target_id
    ]
    # Without Safe the target goes, and the task no longer names it.
    eu.deregister_target_from_maintenance_window(WindowId=window_id, WindowTargetId=target_id)
    assert eu.describe_maintenance_window_targets(WindowId=window_id)["Targets"] == []
    task = eu.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)
    assert target_id not in json.dumps(task["Targets"])

    for _ in range(19):
        eu.register_task_with_maintenance_window(
            WindowId=window_id, TaskArn="AWS-RestartEC2Instance", TaskType="AUTOMATION"
        )
    e = error_of(
        eu.register_task_with_maintenance_window, WindowId=window_id, TaskArn="AWS-RestartEC2Instance", TaskType="AUTOMATION"
    )
    assert code(e) == "ResourceLimitExceededException"


# --- Replace ----------------------------------------------------------------------


def test_update_window_replace(ssm, windows):
    window_id = windows(
        Description="keep me unless replaced",
        Schedule="cron(0 2 ? * SUN *)",
        ScheduleTimezone="Europe/Paris",
        ScheduleOffset=2,
        StartDate="2030-01-01T00:00:00Z",
        EndDate="2040-01-01T00:00:00Z",
        Duration=4,
        Cutoff=1,
    )
    # Without Replace, fields not given are kept.
    kept = ssm.update_maintenance_window(WindowId=window_id, Duration=5)
    assert kept["Description"] == "keep me unless replaced"
    assert kept["ScheduleTimezone"] == "Europe/Paris"
    assert kept["ScheduleOffset"] == 2
    assert (kept["StartDate"], kept["EndDate"]) == ("2030-01-01T00:00:00Z", "2040-01-01T00:00:00Z")

    # With Replace, every field CreateMaintenanceWindow requires is required...
    e = error_of(ssm.update_maintenance_window, WindowId=window_id, Replace=True, Duration=6)
    assert code(e) == "ValidationException"
    assert "Member must not be null" in message(e)
    assert ssm.get_maintenance_window(WindowId=window_id)["Duration"] == 5

    # ...and the optional fields not given are cleared.
    replaced = ssm.update_maintenance_window(
        WindowId=window_id,
        Replace=True,
        Name="Replaced-Window",
        Schedule="rate(7 days)",
        Duration=3,
        Cutoff=0,
        AllowUnassociatedTargets=False,
    )
    for field in ("Description", "ScheduleTimezone", "ScheduleOffset", "StartDate", "EndDate"):
        assert field not in replaced, field
    assert (replaced["Name"], replaced["Schedule"], replaced["Duration"], replaced["Cutoff"]) == (
        "Replaced-Window", "rate(7 days)", 3, 0,
    )
    window = ssm.get_maintenance_window(WindowId=window_id)
    for field in ("Description", "ScheduleTimezone", "ScheduleOffset", "StartDate", "EndDate"):
        assert field not in window, field
    assert window["AllowUnassociatedTargets"] is False
    assert window["Enabled"] is True


def test_update_target_and_task_replace(ssm, windows):
    window_id = windows()
    target_id = register_instance_target(
        ssm, window_id, "i-0123456789abcdef0", OwnerInformation="owner", Name="Named", Description="described"
    )
    kept = ssm.update_maintenance_window_target(WindowId=window_id, WindowTargetId=target_id, Name="Renamed")
    assert (kept["Name"], kept["OwnerInformation"], kept["Description"]) == ("Renamed", "owner", "described")

    e = error_of(
        ssm.update_maintenance_window_target, WindowId=window_id, WindowTargetId=target_id, Replace=True, Name="x-y-z"
    )
    assert code(e) == "ValidationException"
    replaced = ssm.update_maintenance_window_target(
        WindowId=window_id,
        WindowTargetId=target_id,
        Replace=True,
        Targets=[{"Key": "InstanceIds", "Values": ["i-0fedcba9876543210"]}],
    )
    assert replaced["Targets"] == [{"Key": "InstanceIds", "Values": ["i-0fedcba9876543210"]}]
    for field in ("Name", "OwnerInformation", "Description"):
        assert field not in replaced, field
    listed = ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"][0]
    for field in ("Name", "OwnerInformation", "Description"):
        assert field not in listed, field

    task_id = register_run_command(
        ssm, window_id, [target_id], Name="Named-Task", Description="a task", ServiceRoleArn=ROLE, Priority=7
    )
    e = error_of(
        ssm.update_maintenance_window_task, WindowId=window_id, WindowTaskId=task_id, Replace=True, Priority=2
    )
    assert code(e) == "ValidationException"
    replaced_task = ssm.update_maintenance_window_task(
        WindowId=window_id,
        WindowTaskId=task_id,
        Replace=True,
        TaskArn="AWS-RunPowerShellScript",
        Targets=[{"Key": "WindowTargetIds", "Values": [target_id]}],
        MaxConcurrency="2",
        MaxErrors="0",
        Priority=2,
    )
    assert (replaced_task["TaskArn"], replaced_task["MaxConcurrency"], replaced_task["MaxErrors"], replaced_task["Priority"]) == (
        "AWS-RunPowerShellScript", "2", "0", 2,
    )
    for field in ("Name", "Description", "ServiceRoleArn", "TaskInvocationParameters"):
        assert field not in replaced_task, field
    task = ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)
    for field in ("Name", "Description", "ServiceRoleArn", "TaskInvocationParameters"):
        assert field not in task, field


# --- tags -------------------------------------------------------------------------


def test_tags(ssm, windows):
    window_id = windows(Tags=[{"Key": "Environment", "Value": "Test"}, {"Key": "Team", "Value": "Ops"}])

    def tags():
        return {
            t["Key"]: t["Value"]
            for t in ssm.list_tags_for_resource(ResourceType="MaintenanceWindow", ResourceId=window_id)["TagList"]
        }

    assert tags() == {"Environment": "Test", "Team": "Ops"}
    ssm.add_tags_to_resource(
        ResourceType="MaintenanceWindow",
        ResourceId=window_id,
        Tags=[{"Key": "Environment", "Value": "Production"}, {"Key": "Stack", "Value": "Web"}],
    )
    assert tags() == {"Environment": "Production", "Team": "Ops", "Stack": "Web"}
    ssm.remove_tags_from_resource(ResourceType="MaintenanceWindow", ResourceId=window_id, TagKeys=["Team", "Absent"])
    assert tags() == {"Environment": "Production", "Stack": "Web"}
    ssm.remove_tags_from_resource(ResourceType="MaintenanceWindow", ResourceId=window_id, TagKeys=["Environment", "Stack"])
    assert tags() == {}

    e = error_of(ssm.add_tags_to_resource, ResourceType="MaintenanceWindow", ResourceId=MISSING_WINDOW,
                 Tags=[{"Key": "k", "Value": "v"}])
    assert code(e) == "InvalidResourceId"
    e = error_of(ssm.list_tags_for_resource, ResourceType="Document", ResourceId="AWS-RunShellScript")
    assert code(e) == "InvalidResourceType"


# --- runs -------------------------------------------------------------------------


def test_runs_through_the_admin_endpoint(ssm, windows):
    window_id = windows(Duration=4, Cutoff=1)
    instances = register_instance_target(ssm, window_id, "i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb")
    tagged = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", Targets=[{"Key": "tag:Role", "Values": ["Web"]}]
    )["WindowTargetId"]
    # Priority 1: one node, one batch.
    ssm.register_task_with_maintenance_window(
        WindowId=window_id,
        Targets=[{"Key": "InstanceIds", "Values": ["i-0cccccccccccccccc"]}],
        TaskArn="AWS-RunPatchBaseline", TaskType="RUN_COMMAND", MaxConcurrency="1", MaxErrors="1", Priority=1,
    )
    # Priority 2: two nodes one at a time, two batches.
    register_run_command(ssm, window_id, [instances], Priority=2)
    # Priority 3: a tag target that matches no managed node.
    register_run_command(ssm, window_id, [tagged], Priority=3, TaskArn="AWS-ConfigureAWSPackage")
    # Priority 4: an Automation task without targets runs once, on no node.
    automation = ssm.register_task_with_maintenance_window(
        WindowId=window_id, TaskArn="AWS-RestartEC2Instance", TaskType="AUTOMATION", Priority=4,
    )["WindowTaskId"]
    automation_task = ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=automation)
    assert automation_task["Targets"] == []
    assert (automation_task["MaxConcurrency"], automation_task["MaxErrors"]) == ("1", "1")

    execution_id = run_window(window_id)
    early = ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)
    assert early["Status"] == "IN_PROGRESS"
    assert "EndTime" not in early
    assert_recent(early["StartTime"])
    early_tasks = ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=execution_id)[
        "WindowExecutionTaskIdentities"
    ]
    assert "PENDING" in {t["Status"] for t in early_tasks}, early_tasks

    execution = wait_for_execution(ssm, execution_id)
    # The task on the tag target resolves no node, so the run fails.
    assert execution["Status"] == "FAILED"
    assert execution["StatusDetails"]
    assert len(execution["TaskIds"]) == 4
    # 1 + 2 + 0 + 1 batches, one after another.
    assert execution["EndTime"] - execution["StartTime"] == 4 * BATCH

    identities = ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=execution_id)[
        "WindowExecutionTaskIdentities"
    ]
    assert sorted(t["TaskExecutionId"] for t in identities) == sorted(execution["TaskIds"])
    by_arn = {t["TaskArn"]: t for t in identities}
    assert {arn: t["Status"] for arn, t in by_arn.items()} == {
        "AWS-RunPatchBaseline": "SUCCESS",
        "AWS-RunShellScript": "SUCCESS",
        "AWS-ConfigureAWSPackage": "FAILED",
        "AWS-RestartEC2Instance": "SUCCESS",
    }
    assert by_arn["AWS-RestartEC2Instance"]["TaskType"] == "AUTOMATION"
    assert "tag:Role=Web" in by_arn["AWS-ConfigureAWSPackage"]["StatusDetails"]
    start = execution["StartTime"]
    assert (by_arn["AWS-RunPatchBaseline"]["StartTime"], by_arn["AWS-RunPatchBaseline"]["EndTime"]) == (
        start, start + BATCH,
    )
    assert (by_arn["AWS-RunShellScript"]["StartTime"], by_arn["AWS-RunShellScript"]["EndTime"]) == (
        start + BATCH, start + 3 * BATCH,
    )
    assert (by_arn["AWS-RestartEC2Instance"]["StartTime"], by_arn["AWS-RestartEC2Instance"]["EndTime"]) == (
        start + 3 * BATCH, start + 4 * BATCH,
    )
    failed = ssm.describe_maintenance_window_execution_tasks(
        WindowExecutionId=execution_id, Filters=[{"Key": "STATUS", "Values": ["FAILED"]}]
    )["WindowExecutionTaskIdentities"]
    assert [t["TaskArn"] for t in failed] == ["AWS-ConfigureAWSPackage"]

    def invocations(arn):
        return ssm.describe_maintenance_window_execution_task_invocations(
            WindowExecutionId=execution_id, TaskId=by_arn[arn]["TaskExecutionId"]
        )["WindowExecutionTaskInvocationIdentities"]

    [patch] = invocations("AWS-RunPatchBaseline")
    assert json.loads(patch["Parameters"])["instanceIds"] == ["i-0cccccccccccccccc"]
    assert "WindowTargetId" not in patch
    assert patch["TaskType"] == "RUN_COMMAND"
    shell = invocations("AWS-RunShellScript")
    assert sorted(json.loads(i["Parameters"])["instanceIds"][0] for i in shell) == [
        "i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb",
    ]
    assert all(i["WindowTargetId"] == instances and i["Status"] == "SUCCESS" for i in shell)
    assert sorted(i["StartTime"] for i in shell) == [start + BATCH, start + 2 * BATCH]
    assert invocations("AWS-ConfigureAWSPackage") == []
    [auto] = invocations("AWS-RestartEC2Instance")
    assert auto["TaskType"] == "AUTOMATION" and auto["Status"] == "SUCCESS"

    # Cancelling a finished run changes nothing.
    assert ssm.cancel_maintenance_window_execution(WindowExecutionId=execution_id)["WindowExecutionId"] == execution_id
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["Status"] == "FAILED"
    # The run used the tasks as they were: deregistering one later does not rewrite history.
    ssm.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=automation)
    assert len(ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["TaskIds"]) == 4


def test_cancel_a_run_in_progress(ssm, windows):
    window_id = windows(Duration=4, Cutoff=1)
    target_id = register_instance_target(
        ssm, window_id, "i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"
    )
    register_run_command(ssm, window_id, [target_id])  # MaxConcurrency 1: three batches
    execution_id = run_window(window_id)
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["Status"] == "IN_PROGRESS"
    assert ssm.cancel_maintenance_window_execution(WindowExecutionId=execution_id)["WindowExecutionId"] == execution_id
    # As AWS does, the task under way runs to completion, all three batches.
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["Status"] == "CANCELLING"
    execution = wait_for_execution(ssm, execution_id)
    assert execution["Status"] == "CANCELLED"
    assert execution["EndTime"] - execution["StartTime"] == 3 * BATCH
    [task] = ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=execution_id)[
        "WindowExecutionTaskIdentities"
    ]
    assert task["Status"] == "SUCCESS"
    statuses = sorted(
        i["Status"]
        for i in ssm.describe_maintenance_window_execution_task_invocations(
            WindowExecutionId=execution_id, TaskId=task["TaskExecutionId"]
        )["WindowExecutionTaskInvocationIdentities"]
    )
    assert statuses == ["SUCCESS", "SUCCESS", "SUCCESS"]
    # A second cancel leaves it as it is.
    ssm.cancel_maintenance_window_execution(WindowExecutionId=execution_id)
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["Status"] == "CANCELLED"


def test_regions_are_isolated(windows):
    east = client("us-east-2")
    west = client("ap-southeast-2")
    window_id = windows(east)
    e = error_of(west.get_maintenance_window, WindowId=window_id)
    assert code(e) == "DoesNotExistException"
    assert window_id not in [
        w["WindowId"]
        for p in west.get_paginator("describe_maintenance_windows").paginate()
        for w in p["WindowIdentities"]
    ]
    register_instance_target(east, window_id, "i-0123456789abcdef0")
    status, body = admin_run(window_id, "ap-southeast-2")
    assert status == 400 and body["__type"].split("#")[-1] == "DoesNotExistException"
    execution_id = run_window(window_id, "us-east-2")
    assert wait_for_execution(east, execution_id)["Status"] == "SUCCESS"
    e = error_of(west.get_maintenance_window_execution, WindowExecutionId=execution_id)
    assert code(e) == "DoesNotExistException"


def test_windows_for_target_and_enabled_filter(ssm, windows):
    instance = "i-0" + uuid.uuid4().hex[:16]
    a = windows()
    b = windows()
    windows()  # a third window without the instance
    register_instance_target(ssm, a, instance)
    register_instance_target(ssm, b, instance, "i-0123456789abcdef0")
    found = ssm.describe_maintenance_windows_for_target(
        ResourceType="INSTANCE", Targets=[{"Key": "InstanceIds", "Values": [instance]}]
    )["WindowIdentities"]
    assert sorted(w["WindowId"] for w in found) == sorted([a, b])
    assert ssm.describe_maintenance_windows_for_target(
        ResourceType="RESOURCE_GROUP", Targets=[{"Key": "InstanceIds", "Values": [instance]}]
    )["WindowIdentities"] == []

    ssm.update_maintenance_window(WindowId=b, Enabled=False)
    window = ssm.get_maintenance_window(WindowId=b)
    assert window["Enabled"] is False
    assert "NextExecutionTime" not in window
    disabled = {
        w["WindowId"]
        for w in ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["false"]}])["WindowIdentities"]
    }
    enabled = {
        w["WindowId"]
        for w in ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["true"]}])["WindowIdentities"]
    }
    assert b in disabled and b not in enabled
    assert a in enabled and a not in disabled
    assert ssm.describe_maintenance_window_schedule(WindowId=b)["ScheduledWindowExecutions"] == []


# --- signatures and accounts (the same tests in both --auth modes) ----------

KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
STRICT = AUTH == "sigv4"


def outcome(ssm):
    """(error code, message) of listing windows, or None when it worked."""
    try:
        ssm.describe_maintenance_windows()
        return None
    except ClientError as e:
        return code(e), message(e)


def test_an_unsigned_request_needs_a_token_only_in_strict_mode():
    answer = outcome(client(signature_version=UNSIGNED))
    if STRICT:
        assert answer == ("MissingAuthenticationTokenException", "Request is missing Authentication Token")
    else:
        assert answer is None


def test_an_unknown_key_is_an_unrecognized_client_in_strict_mode():
    answer = outcome(client(aws_access_key_id="AKIANOBODYKNOWSTHIS", aws_secret_access_key=SECRET))
    if STRICT:
        assert answer == ("UnrecognizedClientException", "The security token included in the request is invalid.")
    else:
        assert answer is None


def test_a_wrong_secret_gets_aws_long_message_in_strict_mode():
    answer = outcome(client(aws_access_key_id=KEY, aws_secret_access_key="not-" + SECRET))
    if STRICT:
        error_code, text = answer
        assert error_code == "InvalidSignatureException"
        assert text.startswith(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        ), text
        assert "The Canonical String for this request should have been\n'POST\n/\n" in text, text
        assert f"/{REGION}/ssm/aws4_request\n" in text, text
    else:
        assert answer is None


def test_a_session_token_the_server_does_not_know_is_refused_in_strict_mode():
    answer = outcome(client(aws_access_key_id=KEY, aws_secret_access_key=SECRET, aws_session_token="made-up"))
    if STRICT:
        assert answer == ("UnrecognizedClientException", "The security token included in the request is invalid.")
    else:
        assert answer is None


def test_a_twelve_digit_key_is_its_own_account(ssm):
    name = unique("account")
    window_id = ssm.create_maintenance_window(
        Name=name, Schedule="rate(7 days)", Duration=2, Cutoff=0, AllowUnassociatedTargets=True
    )["WindowId"]
    try:
        other = client(aws_access_key_id="111122223333", aws_secret_access_key=SECRET)
        names = [w["Name"] for w in other.describe_maintenance_windows()["WindowIdentities"]]
        assert name not in names
        e = error_of(other.get_maintenance_window, WindowId=window_id)
        assert code(e) == "DoesNotExistException"
    finally:
        ssm.delete_maintenance_window(WindowId=window_id)
