//! Running a window: one execution with a task execution per registered
//! task (in priority order) and an invocation per resolved target.
//!
//! Nothing leaves this machine: outcomes are simulated. A run started here
//! completes at once and succeeds; targets that cannot be resolved to nodes
//! (tags, resource groups) are recorded as such, not guessed.

use std::collections::BTreeMap;

use awsjson_runtime::Timestamp;
use serde_json::json;
use ssm_api::types::Target;

use super::{ids, Domain, Fault, Scope};
use crate::store::{Change, Execution, ExecutionTask, Invocation, Window, WindowTask};

impl Domain {
    /// Starts a run of `window_id` now and returns its execution id.
    pub fn run_window_now(&self, scope: &Scope, window_id: &str) -> Result<String, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.write(scope, |data, _| {
            let window = data
                .window(window_id)
                .ok_or_else(|| Fault::window_not_found(window_id))?;
            let execution = run(window, now);
            let id = execution.id.clone();
            Ok((id, vec![Change::PutExecution(execution)]))
        })
    }
}

/// Runs every task of `window` to completion at `now`.
pub fn run(window: &Window, now: Timestamp) -> Execution {
    let mut tasks: Vec<&WindowTask> = window.tasks.iter().collect();
    // Lower priorities first; registration order breaks ties.
    tasks.sort_by_key(|t| t.priority);
    let tasks: Vec<ExecutionTask> = tasks
        .into_iter()
        .map(|task| run_task(window, task, now))
        .collect();
    let failed = tasks.iter().any(|t| t.status == "FAILED");
    Execution {
        id: ids::uuid(),
        window_id: window.id.clone(),
        status: if failed { "FAILED" } else { "SUCCESS" }.into(),
        status_details: failed.then(|| "One or more tasks in the orchestration failed.".into()),
        start: now,
        end: Some(now),
        tasks,
    }
}

fn run_task(window: &Window, task: &WindowTask, now: Timestamp) -> ExecutionTask {
    let resolved = resolve(window, &task.targets);
    let mut invocations = Vec::new();
    for (window_target_id, nodes) in &resolved {
        if nodes.is_empty() {
            continue;
        }
        let owner_information = window_target_id
            .as_ref()
            .and_then(|id| window.targets.iter().find(|t| t.id == *id))
            .and_then(|t| t.owner_information.clone());
        invocations.push(Invocation {
            id: ids::uuid(),
            execution_id: Some(ids::uuid()),
            parameters: parameters(task, nodes),
            status: "SUCCESS".into(),
            status_details: Some("Success".into()),
            start: Some(now),
            end: Some(now),
            owner_information,
            window_target_id: window_target_id.clone(),
        });
    }
    let targetless = task.targets.is_empty();
    if targetless {
        invocations.push(Invocation {
            id: ids::uuid(),
            execution_id: Some(ids::uuid()),
            parameters: parameters(task, &[]),
            status: "SUCCESS".into(),
            status_details: Some("Success".into()),
            start: Some(now),
            end: Some(now),
            owner_information: None,
            window_target_id: None,
        });
    }
    let unresolved = !targetless && invocations.is_empty();
    ExecutionTask {
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
        status: if unresolved { "FAILED" } else { "SUCCESS" }.into(),
        status_details: unresolved.then(|| "No targets were resolved to managed nodes.".into()),
        start: Some(now),
        end: Some(now),
        invocations,
    }
}

/// Node ids per window target (`None` for ids named on the task itself).
fn resolve(window: &Window, targets: &[Target]) -> BTreeMap<Option<String>, Vec<String>> {
    let mut resolved: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for target in targets {
        let values = target.values.iter().flatten();
        match target.key.as_deref() {
            Some("InstanceIds") => resolved.entry(None).or_default().extend(values.cloned()),
            Some("WindowTargetIds") => {
                for id in values {
                    let nodes = window
                        .targets
                        .iter()
                        .filter(|t| t.id == *id)
                        .flat_map(|t| &t.targets)
                        .filter(|t| t.key.as_deref() == Some("InstanceIds"))
                        .flat_map(|t| t.values.iter().flatten().cloned());
                    resolved.entry(Some(id.clone())).or_default().extend(nodes);
                }
            }
            _ => {}
        }
    }
    resolved
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
