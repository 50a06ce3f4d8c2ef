//! Tasks registered with a window.

use ssm_api::types::{
    DeregisterTaskFromMaintenanceWindowRequest, DeregisterTaskFromMaintenanceWindowResult,
    DescribeMaintenanceWindowTasksRequest, DescribeMaintenanceWindowTasksResult,
    GetMaintenanceWindowTaskRequest, GetMaintenanceWindowTaskResult, MaintenanceWindowTask,
    MaintenanceWindowTaskCutoffBehavior, MaintenanceWindowTaskType,
    RegisterTaskWithMaintenanceWindowRequest, RegisterTaskWithMaintenanceWindowResult,
    UpdateMaintenanceWindowTaskRequest, UpdateMaintenanceWindowTaskResult,
};

use super::filters::Filters;
use super::paging::{self, page, page_size};
use super::windows::seq_key;
use super::{find_window, ids, merge, missing_members, Domain, Fault, Scope};
use crate::store::{Change, Window, WindowTask};

/// The priority of a task registered without one (the console's default).
const DEFAULT_PRIORITY: i32 = 1;

/// What AWS records for tasks without targets, which take no concurrency
/// or error threshold.
const TARGETLESS_PLACEHOLDER: &str = "1";

impl Domain {
    pub fn register_task(
        &self,
        scope: &Scope,
        mut input: RegisterTaskWithMaintenanceWindowRequest,
    ) -> Result<RegisterTaskWithMaintenanceWindowResult, Fault> {
        let token = input.client_token.take();
        let fingerprint = input.clone();
        self.write(scope, |data, seq| {
            let (id, changes) = self.once(
                data,
                "RegisterTaskWithMaintenanceWindow",
                token,
                &fingerprint,
                || {
                    let mut window = find_window(data, &input.window_id)?.clone();
                    if window.tasks.len() >= self.limits.tasks_per_window {
                        return Err(Fault::LimitExceeded(format!(
                            "Maximum number of tasks ({}) for maintenance window {} exceeded.",
                            self.limits.tasks_per_window, window.id
                        )));
                    }
                    let mut task = WindowTask {
                        seq,
                        id: ids::uuid(),
                        task_arn: input.task_arn,
                        task_type: input.task_type.as_str().to_owned(),
                        targets: input.targets.unwrap_or_default(),
                        service_role_arn: input.service_role_arn,
                        task_parameters: input.task_parameters,
                        task_invocation_parameters: input.task_invocation_parameters,
                        priority: input.priority.unwrap_or(DEFAULT_PRIORITY),
                        max_concurrency: input.max_concurrency,
                        max_errors: input.max_errors,
                        logging_info: input.logging_info,
                        name: input.name,
                        description: input.description,
                        cutoff_behavior: input.cutoff_behavior.map(|c| c.as_str().to_owned()),
                        alarm_configuration: input.alarm_configuration,
                    };
                    check_task(&window, &mut task)?;
                    let id = task.id.clone();
                    window.tasks.push(task);
                    Ok((id, vec![Change::PutWindow(window)]))
                },
            )?;
            Ok((
                RegisterTaskWithMaintenanceWindowResult {
                    window_task_id: Some(id),
                },
                changes,
            ))
        })
    }

    pub fn get_task(
        &self,
        scope: &Scope,
        input: GetMaintenanceWindowTaskRequest,
    ) -> Result<GetMaintenanceWindowTaskResult, Fault> {
        self.read(scope, |data| {
            let window = find_window(data, &input.window_id)?;
            let t = find(window, &input.window_task_id)?;
            Ok(GetMaintenanceWindowTaskResult {
                window_id: Some(window.id.clone()),
                window_task_id: Some(t.id.clone()),
                targets: Some(t.targets.clone()),
                task_arn: Some(t.task_arn.clone()),
                service_role_arn: t.service_role_arn.clone(),
                task_type: Some(MaintenanceWindowTaskType::from(t.task_type.as_str())),
                task_parameters: t.task_parameters.clone(),
                task_invocation_parameters: t.task_invocation_parameters.clone(),
                priority: t.priority,
                max_concurrency: t.max_concurrency.clone(),
                max_errors: t.max_errors.clone(),
                logging_info: t.logging_info.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                cutoff_behavior: cutoff_behavior(t),
                alarm_configuration: t.alarm_configuration.clone(),
            })
        })
    }

    pub fn describe_tasks(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowTasksRequest,
    ) -> Result<DescribeMaintenanceWindowTasksResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowTasks";
        let filters = Filters::parse(
            input.filters.as_ref(),
            &["WindowTaskId", "TaskArn", "Priority", "TaskType"],
        )?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        self.read(scope, |data| {
            let window = find_window(data, &input.window_id)?;
            let matching = window
                .tasks
                .iter()
                .filter(|t| filters.all("WindowTaskId", |v| v == t.id))
                .filter(|t| filters.all("TaskArn", |v| v == t.task_arn))
                .filter(|t| filters.all("Priority", |v| v.parse() == Ok(t.priority)))
                .filter(|t| filters.all("TaskType", |v| v == t.task_type))
                .map(|t| (seq_key(t.seq), describe(&window.id, t)));
            let (tasks, next_token) = page(
                OPERATION,
                matching,
                after.as_deref(),
                page_size(input.max_results),
            );
            Ok(DescribeMaintenanceWindowTasksResult {
                tasks: Some(tasks),
                next_token,
            })
        })
    }

    pub fn update_task(
        &self,
        scope: &Scope,
        input: UpdateMaintenanceWindowTaskRequest,
    ) -> Result<UpdateMaintenanceWindowTaskResult, Fault> {
        let replace = input.replace.unwrap_or(false);
        if replace {
            if let Some(fault) = missing_members(if input.task_arn.is_none() {
                &["taskArn"]
            } else {
                &[]
            }) {
                return Err(fault);
            }
        }
        self.write(scope, |data, _| {
            let mut window = find_window(data, &input.window_id)?.clone();
            let index = window
                .tasks
                .iter()
                .position(|t| t.id == input.window_task_id)
                .ok_or_else(|| Fault::task_not_found(&input.window_id, &input.window_task_id))?;
            let mut t = window.tasks[index].clone();
            if let Some(arn) = input.task_arn {
                t.task_arn = arn;
            }
            if input.targets.is_some() || replace {
                t.targets = input.targets.unwrap_or_default();
            }
            if input.priority.is_some() || replace {
                t.priority = input.priority.unwrap_or(DEFAULT_PRIORITY);
            }
            merge(&mut t.service_role_arn, input.service_role_arn, replace);
            merge(&mut t.task_parameters, input.task_parameters, replace);
            // The invocation parameters are always replaced as a whole.
            merge(
                &mut t.task_invocation_parameters,
                input.task_invocation_parameters,
                replace,
            );
            merge(&mut t.max_concurrency, input.max_concurrency, replace);
            merge(&mut t.max_errors, input.max_errors, replace);
            merge(&mut t.logging_info, input.logging_info, replace);
            merge(&mut t.name, input.name, replace);
            merge(&mut t.description, input.description, replace);
            merge(
                &mut t.cutoff_behavior,
                input.cutoff_behavior.map(|c| c.as_str().to_owned()),
                replace,
            );
            merge(
                &mut t.alarm_configuration,
                input.alarm_configuration,
                replace,
            );
            check_task(&window, &mut t)?;
            let result = UpdateMaintenanceWindowTaskResult {
                window_id: Some(window.id.clone()),
                window_task_id: Some(t.id.clone()),
                targets: Some(t.targets.clone()),
                task_arn: Some(t.task_arn.clone()),
                service_role_arn: t.service_role_arn.clone(),
                task_parameters: t.task_parameters.clone(),
                task_invocation_parameters: t.task_invocation_parameters.clone(),
                priority: t.priority,
                max_concurrency: t.max_concurrency.clone(),
                max_errors: t.max_errors.clone(),
                logging_info: t.logging_info.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                cutoff_behavior: cutoff_behavior(&t),
                alarm_configuration: t.alarm_configuration.clone(),
            };
            window.tasks[index] = t;
            Ok((result, vec![Change::PutWindow(window)]))
        })
    }

    pub fn deregister_task(
        &self,
        scope: &Scope,
        input: DeregisterTaskFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTaskFromMaintenanceWindowResult, Fault> {
        self.write(scope, |data, _| {
            let mut window = find_window(data, &input.window_id)?.clone();
            let index = window
                .tasks
                .iter()
                .position(|t| t.id == input.window_task_id)
                .ok_or_else(|| Fault::task_not_found(&input.window_id, &input.window_task_id))?;
            window.tasks.remove(index);
            let result = DeregisterTaskFromMaintenanceWindowResult {
                window_id: Some(window.id.clone()),
                window_task_id: Some(input.window_task_id.clone()),
            };
            Ok((result, vec![Change::PutWindow(window)]))
        })
    }
}

fn find<'w>(window: &'w Window, task_id: &str) -> Result<&'w WindowTask, Fault> {
    window
        .tasks
        .iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| Fault::task_not_found(&window.id, task_id))
}

fn cutoff_behavior(t: &WindowTask) -> Option<MaintenanceWindowTaskCutoffBehavior> {
    Some(MaintenanceWindowTaskCutoffBehavior::from(
        t.cutoff_behavior.as_deref().unwrap_or("CONTINUE_TASK"),
    ))
}

fn describe(window_id: &str, t: &WindowTask) -> MaintenanceWindowTask {
    MaintenanceWindowTask {
        window_id: Some(window_id.to_owned()),
        window_task_id: Some(t.id.clone()),
        task_arn: Some(t.task_arn.clone()),
        r#type: Some(MaintenanceWindowTaskType::from(t.task_type.as_str())),
        targets: Some(t.targets.clone()),
        task_parameters: t.task_parameters.clone(),
        priority: t.priority,
        logging_info: t.logging_info.clone(),
        service_role_arn: t.service_role_arn.clone(),
        max_concurrency: t.max_concurrency.clone(),
        max_errors: t.max_errors.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        cutoff_behavior: cutoff_behavior(t),
        alarm_configuration: t.alarm_configuration.clone(),
    }
}

/// The task rules AWS enforces beyond member constraints. Fills in the
/// placeholder thresholds of targetless tasks.
fn check_task(window: &Window, task: &mut WindowTask) -> Result<(), Fault> {
    let has_targets = task
        .targets
        .iter()
        .any(|t| t.values.as_ref().is_some_and(|v| !v.is_empty()));
    if !has_targets {
        if task.task_type == "RUN_COMMAND" {
            return Err(Fault::Validation(
                "Maintenance window Run Command tasks require at least one target.".into(),
            ));
        }
        if task
            .max_concurrency
            .as_deref()
            .is_some_and(|v| v != TARGETLESS_PLACEHOLDER)
        {
            return Err(Fault::Validation(
                "Maintenance window tasks without targets don't support MaxConcurrency values"
                    .into(),
            ));
        }
        if task
            .max_errors
            .as_deref()
            .is_some_and(|v| v != TARGETLESS_PLACEHOLDER)
        {
            return Err(Fault::Validation(
                "Maintenance window tasks without targets don't support MaxErrors values".into(),
            ));
        }
        task.max_concurrency = Some(TARGETLESS_PLACEHOLDER.into());
        task.max_errors = Some(TARGETLESS_PLACEHOLDER.into());
        return Ok(());
    }
    let mut missing = Vec::new();
    if task.max_concurrency.is_none() {
        missing.push("maxConcurrency");
    }
    if task.max_errors.is_none() {
        missing.push("maxErrors");
    }
    if let Some(fault) = missing_members(&missing) {
        return Err(fault);
    }
    for target in &task.targets {
        match target.key.as_deref() {
            Some("WindowTargetIds") => {
                let ids = target.values.iter().flatten();
                if target.values.as_ref().is_some_and(|v| v.len() > 10) {
                    return Err(Fault::Validation(
                        "The maximum number of window targets is 10".into(),
                    ));
                }
                for id in ids {
                    if !window.targets.iter().any(|t| t.id == *id) {
                        return Err(Fault::target_not_found(&window.id, id));
                    }
                }
            }
            Some("InstanceIds") => {}
            other => {
                return Err(Fault::Validation(format!(
                    "Task targets must use the key WindowTargetIds or InstanceIds, not {}.",
                    other.unwrap_or_default()
                )))
            }
        }
    }
    Ok(())
}
