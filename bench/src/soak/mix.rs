//! The soak's load: the fixture (windows the scheduler runs every minute,
//! one window full to its task quota) and the rounds each worker repeats,
//! which between them send every one of the 26 operations.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};

use super::tally::{Expect, Tally};
use crate::load::Conn;

/// The Region of every request (the one in `load.rs`'s SigV4 header).
pub const REGION: &str = "us-east-1";

/// AWS rejects schedules firing more often than every 5 minutes, so five
/// windows, each every 5 minutes and one minute apart, make the scheduler
/// start a run every minute.
pub const CLOCK_WINDOWS: usize = 5;

/// A schedule that never fires during a soak (04:00 UTC on 1 January).
const QUIET: &str = "cron(0 4 1 1 ? *)";

/// One answer slower than this counts as unexpected.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Fixture {
    /// The windows the scheduler runs, in firing order within each 5 minutes.
    pub clock_windows: Vec<String>,
    /// A task for a window that holds as many as the server allows.
    pub full_task: Value,
    pub task_quota: usize,
}

/// What the workers share: the stop conditions and the answer counter.
pub struct Shared {
    pub fixture: Fixture,
    pub answered: AtomicU64,
    pub sent: AtomicU64,
    pub max_requests: u64,
    /// No round starts after this.
    pub deadline: Instant,
    /// No request is sent after this, even mid-round (a stalled server).
    pub hard_stop: Instant,
    /// Runs started through the admin endpoint, and those cancelled.
    pub admin_runs: AtomicU64,
    pub cancels: AtomicU64,
}

async fn setup_call(conn: &mut Conn, op: &str, body: Value) -> Result<Value, String> {
    let (status, answer) = conn.call(op, Bytes::from(body.to_string())).await?;
    if status != 200 {
        return Err(format!(
            "setup: {op} answered HTTP {status}: {}",
            String::from_utf8_lossy(&answer)
        ));
    }
    serde_json::from_slice(&answer).map_err(|e| format!("setup: {op}: bad JSON: {e}"))
}

fn string_field(value: &Value, field: &str) -> Result<String, String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("setup: no {field} in {value}"))
}

/// A managed-node id, unique per (worker, round, index).
fn node(worker: usize, round: u64, index: u64) -> String {
    format!("i-{:017x}", ((worker as u64) << 48) | (round << 4) | index)
}

pub async fn create_fixture(conn: &mut Conn) -> Result<Fixture, String> {
    let mut clock_windows = Vec::new();
    for k in 0..CLOCK_WINDOWS {
        let window = string_field(
            &setup_call(
                conn,
                "CreateMaintenanceWindow",
                json!({"Name": format!("soak-clock-{k}"), "Schedule": format!("cron({k}/5 * * * ? *)"),
                       "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": false}),
            )
            .await?,
            "WindowId",
        )?;
        let nodes: Vec<String> = (0..3).map(|i| node(999, k as u64, i)).collect();
        let target = string_field(
            &setup_call(
                conn,
                "RegisterTargetWithMaintenanceWindow",
                json!({"WindowId": window, "ResourceType": "INSTANCE",
                       "Targets": [{"Key": "InstanceIds", "Values": nodes}]}),
            )
            .await?,
            "WindowTargetId",
        )?;
        for priority in [1, 2] {
            setup_call(
                conn,
                "RegisterTaskWithMaintenanceWindow",
                json!({"WindowId": window, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
                       "Targets": [{"Key": "WindowTargetIds", "Values": [target]}],
                       "MaxConcurrency": "2", "MaxErrors": "1", "Priority": priority}),
            )
            .await?;
        }
        clock_windows.push(window);
    }
    let full_window = string_field(
        &setup_call(
            conn,
            "CreateMaintenanceWindow",
            json!({"Name": "soak-full", "Schedule": QUIET, "Duration": 1, "Cutoff": 0,
                   "AllowUnassociatedTargets": true}),
        )
        .await?,
        "WindowId",
    )?;
    let full_target = string_field(
        &setup_call(
            conn,
            "RegisterTargetWithMaintenanceWindow",
            json!({"WindowId": full_window, "ResourceType": "INSTANCE",
                   "Targets": [{"Key": "InstanceIds", "Values": [node(999, 99, 0)]}]}),
        )
        .await?,
        "WindowTargetId",
    )?;
    let full_task = full_task(&full_window, &full_target);
    // Fill it up to the server's quota, whatever its flags set.
    for task_quota in 0..1000 {
        let (status, answer) = conn
            .call(
                "RegisterTaskWithMaintenanceWindow",
                Bytes::from(full_task.to_string()),
            )
            .await?;
        match status {
            200 => continue,
            400 if String::from_utf8_lossy(&answer).contains("ResourceLimitExceededException") => {
                return Ok(Fixture {
                    clock_windows,
                    full_task,
                    task_quota,
                })
            }
            _ => {
                return Err(format!(
                    "setup: filling the full window: HTTP {status}: {}",
                    String::from_utf8_lossy(&answer)
                ))
            }
        }
    }
    Err("setup: the full window took 1000 tasks without reaching a quota".into())
}

fn full_task(window: &str, target: &str) -> Value {
    json!({"WindowId": window, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
           "Targets": [{"Key": "WindowTargetIds", "Values": [target]}],
           "MaxConcurrency": "1", "MaxErrors": "1"})
}

/// Reads every run start time and status of the clock windows.
pub async fn scheduled_runs(
    conn: &mut Conn,
    fixture: &Fixture,
) -> Result<Vec<(f64, String)>, String> {
    let mut runs = Vec::new();
    for window in &fixture.clock_windows {
        let mut token: Option<String> = None;
        for _page in 0..100 {
            let mut body = json!({"WindowId": window, "MaxResults": 100});
            if let Some(token) = &token {
                body["NextToken"] = json!(token);
            }
            let page = setup_call(conn, "DescribeMaintenanceWindowExecutions", body).await?;
            for run in page["WindowExecutions"].as_array().into_iter().flatten() {
                runs.push((
                    run["StartTime"].as_f64().unwrap_or(0.0),
                    run["Status"].as_str().unwrap_or("?").to_owned(),
                ));
            }
            token = page["NextToken"].as_str().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
    }
    Ok(runs)
}

pub struct Worker {
    id: usize,
    conn: Conn,
    shared: Arc<Shared>,
    pub tally: Tally,
    round: u64,
    /// xorshift state, seeded per worker, for the extra reads.
    rng: u64,
    stopped: bool,
}

impl Worker {
    pub fn new(id: usize, conn: Conn, shared: Arc<Shared>) -> Self {
        Self {
            id,
            conn,
            shared,
            tally: Tally::default(),
            round: 0,
            rng: 0x9e37_79b9_7f4a_7c15 ^ (id as u64 + 1),
            stopped: false,
        }
    }

    /// Repeats rounds until the deadline or the request cap.
    pub async fn run(mut self) -> Tally {
        while !self.stopped && Instant::now() < self.shared.deadline {
            let _ = self.round().await;
        }
        self.tally
    }

    fn next_random(&mut self, below: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % below
    }

    fn may_send(&mut self) -> bool {
        let shared = &self.shared;
        if self.stopped
            || Instant::now() >= shared.hard_stop
            || shared.sent.fetch_add(1, Ordering::Relaxed) >= shared.max_requests
        {
            self.stopped = true;
        }
        !self.stopped
    }

    async fn send(&mut self, op: &'static str, body: Value, expect: Expect) -> Option<Value> {
        if !self.may_send() {
            return None;
        }
        let body = Bytes::from(body.to_string());
        let answer = match tokio::time::timeout(CALL_TIMEOUT, self.conn.call(op, body)).await {
            Ok(answer) => answer,
            Err(_) => Err(format!("no answer within {CALL_TIMEOUT:?}")),
        };
        self.shared.answered.fetch_add(1, Ordering::Relaxed);
        self.tally.classify(op, expect, answer)
    }

    async fn ok(&mut self, op: &'static str, body: Value) -> Option<Value> {
        self.send(op, body, Expect::Success).await
    }

    async fn fails(&mut self, op: &'static str, body: Value, error: &'static str) {
        self.send(op, body, Expect::Error(error)).await;
    }

    /// A string the answer must hold, e.g. the id a create returns.
    fn field(&mut self, op: &'static str, answer: &Value, pointer: &str) -> Option<String> {
        let found = answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned);
        if found.is_none() {
            self.tally.missing(op, pointer, answer);
        }
        found
    }

    /// `POST /_admin/windows/{id}/run`, counted under `admin:run`.
    async fn admin_run(&mut self, window: &str, expect: Expect) -> Option<Value> {
        if !self.may_send() {
            return None;
        }
        let path = format!("/_admin/windows/{window}/run?region={REGION}");
        let answer =
            match tokio::time::timeout(CALL_TIMEOUT, self.conn.post(&path, Bytes::new())).await {
                Ok(answer) => answer,
                Err(_) => Err(format!("no answer within {CALL_TIMEOUT:?}")),
            };
        self.shared.answered.fetch_add(1, Ordering::Relaxed);
        self.tally.classify("admin:run", expect, answer)
    }

    /// One window's life: create, fill, change, run (and maybe cancel),
    /// read everything, empty, delete; then the errors asked for.
    async fn round(&mut self) -> Option<()> {
        let n = self.round;
        self.round += 1;
        if n % 10 == 9 {
            // Connections come and go too, so a per-connection leak shows.
            let reopened = match tokio::time::timeout(CALL_TIMEOUT, self.conn.reopen()).await {
                Ok(result) => result,
                Err(_) => Err(format!("no connection within {CALL_TIMEOUT:?}")),
            };
            if let Err(e) = reopened {
                self.tally.classify("connect", Expect::Success, Err(e));
                return None;
            }
        }
        let nodes = [node(self.id, n, 0), node(self.id, n, 1)];
        let tag_value = n.to_string();

        const CREATE: &str = "CreateMaintenanceWindow";
        let created = self
            .ok(
                CREATE,
                json!({"Name": format!("soak-w{}-r{n}", self.id), "Schedule": QUIET,
                               "Duration": 2, "Cutoff": 0, "AllowUnassociatedTargets": false,
                               "Tags": [{"Key": "soak", "Value": "yes"}]}),
            )
            .await?;
        let window = self.field(CREATE, &created, "/WindowId")?;
        let resource = json!({"ResourceType": "MaintenanceWindow", "ResourceId": window});
        let mut tags = resource.clone();
        tags["Tags"] = json!([{"Key": "round", "Value": tag_value}]);
        self.ok("AddTagsToResource", tags).await;

        const TARGET: &str = "RegisterTargetWithMaintenanceWindow";
        let registered = self
            .ok(
                TARGET,
                json!({"WindowId": window, "ResourceType": "INSTANCE", "Name": "nodes",
                               "Targets": [{"Key": "InstanceIds", "Values": nodes}]}),
            )
            .await?;
        let target = self.field(TARGET, &registered, "/WindowTargetId")?;
        const TASK: &str = "RegisterTaskWithMaintenanceWindow";
        let registered = self
            .ok(TASK, json!({"WindowId": window, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
                             "Targets": [{"Key": "WindowTargetIds", "Values": [target]}],
                             "MaxConcurrency": "1", "MaxErrors": "1", "Priority": 1}))
            .await?;
        let task = self.field(TASK, &registered, "/WindowTaskId")?;

        self.ok(
            "UpdateMaintenanceWindow",
            json!({"WindowId": window, "Description": format!("round {n}"), "Duration": 3}),
        )
        .await;
        self.ok("UpdateMaintenanceWindowTarget", json!({"WindowId": window, "WindowTargetId": target, "Name": "renamed", "OwnerInformation": "soak"}))
            .await;
        self.ok(
            "UpdateMaintenanceWindowTask",
            json!({"WindowId": window, "WindowTaskId": task, "Priority": 2, "MaxConcurrency": "2"}),
        )
        .await;

        let own_reads = [
            ("GetMaintenanceWindow", json!({"WindowId": window})),
            (
                "GetMaintenanceWindowTask",
                json!({"WindowId": window, "WindowTaskId": task}),
            ),
            (
                "DescribeMaintenanceWindowTargets",
                json!({"WindowId": window}),
            ),
            (
                "DescribeMaintenanceWindowTasks",
                json!({"WindowId": window}),
            ),
            ("ListTagsForResource", resource.clone()),
        ];
        for (op, body) in &own_reads {
            self.ok(op, body.clone()).await;
        }

        // A run of this window, read through every execution operation; every
        // other one cancelled while its invocations are under way.
        let run = self.admin_run(&window, Expect::Success).await?;
        let execution = self.field("admin:run", &run, "/WindowExecutionId")?;
        self.shared.admin_runs.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(3) {
            // A second run while the first is going is refused.
            self.admin_run(&window, Expect::Error("ValidationException"))
                .await;
        }
        self.ok(
            "DescribeMaintenanceWindowExecutions",
            json!({"WindowId": window}),
        )
        .await;
        self.read_execution(&execution).await;
        if n.is_multiple_of(2) {
            self.ok(
                "CancelMaintenanceWindowExecution",
                json!({"WindowExecutionId": execution}),
            )
            .await?;
            self.shared.cancels.fetch_add(1, Ordering::Relaxed);
            self.ok(
                "GetMaintenanceWindowExecution",
                json!({"WindowExecutionId": execution}),
            )
            .await;
        }

        // The scheduler's work: the latest run of one clock window.
        let clock = self.shared.fixture.clock_windows[(n as usize) % CLOCK_WINDOWS].clone();
        let listed = self
            .ok(
                "DescribeMaintenanceWindowExecutions",
                json!({"WindowId": clock, "MaxResults": 10}),
            )
            .await?;
        if let Some(latest) = listed
            .pointer("/WindowExecutions/0/WindowExecutionId")
            .and_then(Value::as_str)
            .map(str::to_owned)
        {
            self.read_execution(&latest).await;
        }
        self.ok(
            "DescribeMaintenanceWindowSchedule",
            json!({"WindowId": clock, "MaxResults": 10}),
        )
        .await;
        self.ok(
            "DescribeMaintenanceWindowsForTarget",
            json!({"ResourceType": "INSTANCE",
                  "Targets": [{"Key": "InstanceIds", "Values": [nodes[0]]}]}),
        )
        .await;
        let mut token: Option<String> = None;
        for _page in 0..5 {
            let mut body =
                json!({"MaxResults": 10, "Filters": [{"Key": "Enabled", "Values": ["true"]}]});
            if let Some(token) = &token {
                body["NextToken"] = json!(token);
            }
            let page = self.ok("DescribeMaintenanceWindows", body).await?;
            token = page["NextToken"].as_str().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        // Reads weigh more than writes in most clients' traffic.
        for _ in 0..self.next_random(5) {
            let (op, body) = &own_reads[self.next_random(own_reads.len() as u64) as usize];
            self.ok(op, body.clone()).await;
        }

        let mut untag = resource.clone();
        untag["TagKeys"] = json!(["round"]);
        self.ok("RemoveTagsFromResource", untag).await;
        self.ok(
            "DeregisterTaskFromMaintenanceWindow",
            json!({"WindowId": window, "WindowTaskId": task}),
        )
        .await;
        self.ok(
            "DeregisterTargetFromMaintenanceWindow",
            json!({"WindowId": window, "WindowTargetId": target, "Safe": true}),
        )
        .await;
        self.ok("DeleteMaintenanceWindow", json!({"WindowId": window}))
            .await?;

        // Errors asked for: the window and its runs are gone, the full
        // window takes no task, a schedule below AWS's minimum is refused.
        const GONE: &str = "DoesNotExistException";
        self.fails("GetMaintenanceWindow", json!({"WindowId": window}), GONE)
            .await;
        self.fails(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": execution}),
            GONE,
        )
        .await;
        if n.is_multiple_of(4) {
            let body = self.shared.fixture.full_task.clone();
            self.fails(TASK, body, "ResourceLimitExceededException")
                .await;
        }
        if n.is_multiple_of(5) {
            self.fails(CREATE, json!({"Name": "soak-too-often", "Schedule": "rate(1 minute)",
                                      "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true}),
                       "ValidationException")
                .await;
        }
        Some(())
    }

    /// One run through the execution operations: the run, its first task,
    /// that task's first invocation.
    async fn read_execution(&mut self, execution: &str) -> Option<()> {
        self.ok(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": execution}),
        )
        .await?;
        const TASKS: &str = "DescribeMaintenanceWindowExecutionTasks";
        let tasks = self
            .ok(TASKS, json!({"WindowExecutionId": execution}))
            .await?;
        let task = self.field(
            TASKS,
            &tasks,
            "/WindowExecutionTaskIdentities/0/TaskExecutionId",
        )?;
        self.ok(
            "GetMaintenanceWindowExecutionTask",
            json!({"WindowExecutionId": execution, "TaskId": task}),
        )
        .await;
        const INVOCATIONS: &str = "DescribeMaintenanceWindowExecutionTaskInvocations";
        let invocations = self
            .ok(
                INVOCATIONS,
                json!({"WindowExecutionId": execution, "TaskId": task}),
            )
            .await?;
        let invocation = self.field(
            INVOCATIONS,
            &invocations,
            "/WindowExecutionTaskInvocationIdentities/0/InvocationId",
        )?;
        self.ok(
            "GetMaintenanceWindowExecutionTaskInvocation",
            json!({"WindowExecutionId": execution, "TaskId": task, "InvocationId": invocation}),
        )
        .await;
        Some(())
    }
}
