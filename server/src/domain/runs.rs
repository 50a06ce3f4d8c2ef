//! Running a window: one execution with a task execution per registered
//! task and an invocation per resolved target.
//!
//! Nothing leaves this machine: outcomes are simulated, deterministically.
//! A run is planned whole when it starts (see [`crate::store::Execution`]):
//! - tasks run in priority order, lower first; equal priorities together;
//! - a task's invocations run in batches of `MaxConcurrency` (a count, or a
//!   percentage of the resolved nodes), each batch taking the configured
//!   invocation time;
//! - no task starts after the window's start + Duration − Cutoff; a task that
//!   would is `TIMED_OUT` without starting. With `CANCEL_TASK`, invocations
//!   of a running task that would start after that point are cancelled too;
//! - nodes listed as failing in the inventory fail; once failures exceed
//!   `MaxErrors` no further batch starts;
//! - targets resolve from `InstanceIds`, `WindowTargetIds` and, through the
//!   inventory, `tag:`/`tag-key` keys; what does not resolve is recorded in
//!   the task's status details, not guessed.

use std::collections::BTreeMap;

use serde_json::json;
use smithy_runtime::Timestamp;
use ssm_api::types::Target;

use super::{find_window, ids, Domain, Fault, Scope};
use crate::inventory::Inventory;
use crate::store::{Change, Execution, ExecutionTask, Invocation, ScopeData, Window, WindowTask};

const HOUR_MS: i64 = 3_600_000;

/// How simulated work behaves.
#[derive(Clone, Debug, Default)]
pub struct Simulation {
    /// How long one batch of invocations takes.
    pub invocation_millis: i64,
    pub inventory: Inventory,
}

impl Domain {
    /// Starts a run of `window_id` now and returns its execution id. Unless
    /// `force`d, the scheduler's rules apply: a disabled window does not
    /// run, and a run still going refuses another (the scheduler would
    /// record it SKIPPED_OVERLAPPING; here the caller is told instead, so
    /// repeated calls cannot pile up executions).
    pub fn run_window_now(
        &self,
        scope: &Scope,
        window_id: &str,
        force: bool,
    ) -> Result<String, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.write(scope, |data, _| {
            let window = find_window(data, window_id)?;
            if !force {
                may_start(data, window, now)?;
            }
            let mut execution = plan(window, now, &self.simulation);
            execution.runner = self.store.replica().map(str::to_owned);
            let id = execution.id.clone();
            Ok((id, vec![Change::PutExecution(execution)]))
        })
    }
}

/// Whether the scheduler would start a run of `window` at `now`.
fn may_start(data: &ScopeData, window: &Window, now: Timestamp) -> Result<(), Fault> {
    let window_id = &window.id;
    if !window.enabled {
        return Err(Fault::Validation(format!(
            "Maintenance window {window_id} is disabled; enable it to run it."
        )));
    }
    if let Some(running) =
        latest_run(data, window_id).filter(|e| e.end.is_some_and(|end| end > now))
    {
        return Err(Fault::Validation(format!(
            "Maintenance window {window_id} has a run in progress (execution {}); wait for it to end or cancel it.",
            running.id
        )));
    }
    Ok(())
}

/// The run of `window_id` that ends last, which decides whether a new run
/// would overlap.
pub fn latest_run<'d>(data: &'d ScopeData, window_id: &str) -> Option<&'d Execution> {
    data.executions_by_window
        .range((window_id.to_owned(), i64::MIN, String::new())..)
        .take_while(|((w, _, _), _)| w == window_id)
        .filter_map(|((_, _, id), _)| data.executions.get(id))
        .max_by_key(|e| e.end)
}

/// The whole run of `window` starting at `start`.
pub fn plan(window: &Window, start: Timestamp, simulation: &Simulation) -> Execution {
    let cutoff = start.unix_millis() + i64::from(window.duration - window.cutoff) * HOUR_MS;
    let mut by_priority: BTreeMap<i32, Vec<&WindowTask>> = BTreeMap::new();
    for task in &window.tasks {
        by_priority.entry(task.priority).or_default().push(task);
    }
    let mut clock = start.unix_millis();
    let mut tasks = Vec::new();
    for group in by_priority.values() {
        let mut group_end = clock;
        for task in group {
            let planned = plan_task(window, task, clock, cutoff, simulation);
            group_end = group_end.max(planned.end.map_or(clock, Timestamp::unix_millis));
            tasks.push(planned);
        }
        clock = group_end;
    }
    let (status, details) = if tasks.iter().any(|t| t.status == "FAILED") {
        (
            "FAILED",
            Some("One or more tasks in the orchestration failed."),
        )
    } else if tasks.iter().any(|t| t.status == "TIMED_OUT") {
        (
            "TIMED_OUT",
            Some("One or more tasks did not finish before the maintenance window's cutoff."),
        )
    } else {
        ("SUCCESS", None)
    };
    Execution {
        id: ids::uuid(),
        window_id: window.id.clone(),
        status: status.into(),
        status_details: details.map(Into::into),
        start,
        end: Some(Timestamp::from_unix_millis(clock)),
        cancel_requested: None,
        tasks,
        runner: None,
    }
}

/// A run skipped because the window's previous run was still going.
pub fn skipped(window: &Window, at: Timestamp) -> Execution {
    Execution {
        id: ids::uuid(),
        window_id: window.id.clone(),
        status: "SKIPPED_OVERLAPPING".into(),
        status_details: Some(
            "The previous execution of this maintenance window was still in progress.".into(),
        ),
        start: at,
        end: Some(at),
        cancel_requested: None,
        tasks: Vec::new(),
        runner: None,
    }
}

fn plan_task(
    window: &Window,
    task: &WindowTask,
    start: i64,
    cutoff: i64,
    simulation: &Simulation,
) -> ExecutionTask {
    let mut planned = ExecutionTask {
        id: ids::uuid(),
        window_task_id: task.id.clone(),
        task_arn: task.task_arn.clone(),
        task_type: task.task_type.clone(),
        priority: task.priority,
        service_role: task.service_role_arn.clone(),
        max_concurrency: task.max_concurrency.clone(),
        max_errors: task.max_errors.clone(),
        task_parameters: task.task_parameters.clone(),
        alarm_configuration: task.alarm_configuration.clone(),
        status: "SUCCESS".into(),
        status_details: None,
        start: Some(Timestamp::from_unix_millis(start)),
        end: Some(Timestamp::from_unix_millis(start)),
        invocations: Vec::new(),
    };
    if start > cutoff {
        planned.status = "TIMED_OUT".into();
        planned.status_details =
            Some("The task could not start before the maintenance window's cutoff.".into());
        planned.start = None;
        planned.end = None;
        return planned;
    }
    let (resolved, unresolved) = resolve(window, &task.targets, &simulation.inventory);
    // A targetless task runs once, on no node.
    let work: Vec<(Option<String>, Option<String>)> = if task.targets.is_empty() {
        vec![(None, None)]
    } else {
        resolved
            .into_iter()
            .map(|(target, node)| (target, Some(node)))
            .collect()
    };
    if work.is_empty() {
        planned.status = "FAILED".into();
        planned.status_details = Some(format!(
            "No managed nodes matched the task's targets: {}.",
            unresolved.join(", ")
        ));
        return planned;
    }
    let concurrency = threshold(task.max_concurrency.as_deref(), work.len()).max(1);
    let max_errors = threshold(task.max_errors.as_deref(), work.len());
    let cancel_late = task.cutoff_behavior.as_deref() == Some("CANCEL_TASK");
    let mut errors = 0;
    let mut end = start;
    for (batch, chunk) in work.chunks(concurrency).enumerate() {
        let batch_start = start + batch as i64 * simulation.invocation_millis;
        let stop = if errors > max_errors {
            Some((
                "CANCELLED",
                "Not started: the task's error threshold was exceeded.",
            ))
        } else if cancel_late && batch_start > cutoff {
            Some((
                "CANCELLED",
                "Not started: the maintenance window reached its cutoff.",
            ))
        } else {
            None
        };
        for (window_target_id, node) in chunk {
            let owner_information = window_target_id
                .as_ref()
                .and_then(|id| window.targets.iter().find(|t| t.id == *id))
                .and_then(|t| t.owner_information.clone());
            let mut invocation = Invocation {
                id: ids::uuid(),
                execution_id: Some(ids::uuid()),
                parameters: parameters(task, node.as_slice()),
                status: "SUCCESS".into(),
                status_details: Some("Success".into()),
                start: Some(Timestamp::from_unix_millis(batch_start)),
                end: Some(Timestamp::from_unix_millis(
                    batch_start + simulation.invocation_millis,
                )),
                owner_information,
                window_target_id: window_target_id.clone(),
            };
            if let Some((status, details)) = stop {
                invocation.status = status.into();
                invocation.status_details = Some(details.into());
                invocation.start = None;
                invocation.end = None;
            } else {
                end = end.max(batch_start + simulation.invocation_millis);
                if node
                    .as_deref()
                    .is_some_and(|n| simulation.inventory.fails(n))
                {
                    errors += 1;
                    invocation.status = "FAILED".into();
                    invocation.status_details = Some("Failed".into());
                }
            }
            planned.invocations.push(invocation);
        }
    }
    planned.end = Some(Timestamp::from_unix_millis(end));
    if errors > max_errors {
        planned.status = "FAILED".into();
        planned.status_details = Some(format!(
            "{errors} invocations failed, more than MaxErrors allows."
        ));
    } else if planned.invocations.iter().any(|i| i.status == "CANCELLED") {
        planned.status = "TIMED_OUT".into();
        planned.status_details =
            Some("The maintenance window reached its cutoff before the task finished.".into());
    } else if !unresolved.is_empty() {
        planned.status_details = Some(format!(
            "Targets that matched no managed node: {}.",
            unresolved.join(", ")
        ));
    }
    planned
}

/// A MaxConcurrency/MaxErrors value as a count of nodes: `10` or `25%`
/// (rounded up, as a percentage of at least one node is one node).
fn threshold(value: Option<&str>, nodes: usize) -> usize {
    let value = value.unwrap_or("1");
    match value.strip_suffix('%') {
        Some(percent) => percent
            .parse::<usize>()
            .map_or(1, |p| (nodes * p).div_ceil(100)),
        None => value.parse().unwrap_or(1),
    }
}

/// `(window target id, node)` pairs, and descriptions of targets that
/// matched nothing.
fn resolve(
    window: &Window,
    targets: &[Target],
    inventory: &Inventory,
) -> (Vec<(Option<String>, String)>, Vec<String>) {
    let mut resolved = Vec::new();
    let mut unresolved = Vec::new();
    let mut add = |from: Option<&str>, target: &Target| {
        let nodes = inventory.resolve(target);
        if nodes.is_empty() {
            unresolved.push(describe(target));
        }
        resolved.extend(
            nodes
                .into_iter()
                .map(|node| (from.map(str::to_owned), node)),
        );
    };
    for target in targets {
        if target.key.as_deref() == Some("WindowTargetIds") {
            for id in target.values.iter().flatten() {
                for registered in window.targets.iter().filter(|t| t.id == *id) {
                    for inner in &registered.targets {
                        add(Some(id), inner);
                    }
                }
            }
        } else {
            add(None, target);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    resolved.retain(|(from, node)| seen.insert((from.clone(), node.clone())));
    (resolved, unresolved)
}

fn describe(target: &Target) -> String {
    format!(
        "{}={}",
        target.key.as_deref().unwrap_or_default(),
        target
            .values
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    )
}

/// The invocation's `Parameters`, the JSON text AWS shows for it.
fn parameters(task: &WindowTask, nodes: &[String]) -> String {
    let task_parameters: BTreeMap<&str, &Vec<String>> = task
        .task_parameters
        .iter()
        .flatten()
        .filter_map(|(k, v)| v.values.as_ref().map(|values| (k.as_str(), values)))
        .collect();
    let run_command_parameters = task
        .task_invocation_parameters
        .as_ref()
        .and_then(|p| p.run_command.as_ref())
        .and_then(|r| r.parameters.clone());
    let value = match task.task_type.as_str() {
        "RUN_COMMAND" => json!({
            "documentName": task.task_arn,
            "instanceIds": nodes,
            "parameters": run_command_parameters.map_or_else(|| json!(task_parameters), |p| json!(p)),
            "maxConcurrency": task.max_concurrency,
            "maxErrors": task.max_errors,
        }),
        _ => json!({ "taskArn": task.task_arn, "targets": nodes, "parameters": task_parameters }),
    };
    value.to_string()
}

/// Cancels a run at `at`. As AWS does, tasks not yet started are cancelled
/// and a task already running finishes as planned; the run ends when the
/// last running task does.
pub fn cancel(e: &mut Execution, at: Timestamp) {
    let at_ms = at.unix_millis();
    let mut end = at_ms;
    for task in &mut e.tasks {
        if task.start.is_some_and(|s| s.unix_millis() <= at_ms) {
            end = end.max(task.end.map_or(at_ms, Timestamp::unix_millis));
            continue;
        }
        never_started(task, "Cancelled before it started.");
    }
    e.status = "CANCELLED".into();
    e.status_details = Some("The execution was cancelled.".into());
    e.cancel_requested = Some(at);
    e.end = Some(Timestamp::from_unix_millis(end));
}

/// Closes a run that was under way when the server stopped. Work that was
/// running fails at `at`; work planned to start later never started, so it
/// is CANCELLED with neither start nor end time, never ending before it
/// would have started.
pub fn interrupt(e: &mut Execution, at: Timestamp) {
    const NOT_STARTED: &str = "Not started: ssm-server stopped before it started.";
    let at_ms = at.unix_millis();
    let later = |t: Option<Timestamp>| t.is_some_and(|t| t.unix_millis() > at_ms);
    let unfinished = |end: Option<Timestamp>| end.is_none_or(|t| t.unix_millis() > at_ms);
    for task in &mut e.tasks {
        if later(task.start) {
            never_started(task, NOT_STARTED);
            continue;
        }
        if task.start.is_none() || !unfinished(task.end) {
            continue;
        }
        for invocation in &mut task.invocations {
            if later(invocation.start) {
                invocation.status = "CANCELLED".into();
                invocation.status_details = Some(NOT_STARTED.into());
                invocation.start = None;
                invocation.end = None;
            } else if invocation.start.is_some() && unfinished(invocation.end) {
                invocation.status = "FAILED".into();
                invocation.status_details =
                    Some("Interrupted: ssm-server stopped during the invocation.".into());
                invocation.end = Some(at);
            }
        }
        task.status = "FAILED".into();
        task.status_details =
            Some("Interrupted: ssm-server stopped while the task was running.".into());
        task.end = Some(at);
    }
    e.status = "FAILED".into();
    e.status_details =
        Some("Interrupted: ssm-server stopped while the execution was in progress.".into());
    e.end = Some(at);
}

/// Marks a task and all its invocations as never started, each saying why:
/// a CANCELLED status with planned outcome details would contradict itself.
fn never_started(task: &mut ExecutionTask, why: &str) {
    task.status = "CANCELLED".into();
    task.status_details = Some(why.into());
    task.start = None;
    task.end = None;
    for invocation in &mut task.invocations {
        invocation.status = "CANCELLED".into();
        invocation.status_details = Some(why.into());
        invocation.start = None;
        invocation.end = None;
    }
}

/// What a reader sees of a record with this outcome and plan at `now`.
pub fn shown_status(
    outcome: &str,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    cancelling: bool,
    now: Timestamp,
) -> &str {
    match (start, end) {
        (Some(start), _) if now < start => "PENDING",
        (Some(_), Some(end)) if now < end => {
            if cancelling {
                "CANCELLING"
            } else {
                "IN_PROGRESS"
            }
        }
        _ => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_accept_counts_and_percentages() {
        assert_eq!(threshold(Some("3"), 10), 3);
        assert_eq!(threshold(Some("25%"), 10), 3);
        assert_eq!(threshold(Some("100%"), 7), 7);
        assert_eq!(threshold(Some("0"), 7), 0);
        assert_eq!(threshold(None, 7), 1);
    }

    #[test]
    fn statuses_follow_the_clock() {
        let t = Timestamp::from_unix_millis;
        assert_eq!(
            shown_status("SUCCESS", Some(t(10)), Some(t(20)), false, t(5)),
            "PENDING"
        );
        assert_eq!(
            shown_status("SUCCESS", Some(t(10)), Some(t(20)), false, t(15)),
            "IN_PROGRESS"
        );
        assert_eq!(
            shown_status("CANCELLED", Some(t(10)), Some(t(20)), true, t(15)),
            "CANCELLING"
        );
        assert_eq!(
            shown_status("SUCCESS", Some(t(10)), Some(t(20)), false, t(20)),
            "SUCCESS"
        );
        assert_eq!(
            shown_status("TIMED_OUT", None, None, false, t(20)),
            "TIMED_OUT"
        );
    }
}
