//! Window runs: reading them back, cancelling one, and the upcoming schedule.

use chrono::{DateTime, TimeDelta, Utc};
use mw_schedule::{format_execution_time, parse_boundary};
use smithy_runtime::Timestamp;
use ssm_api::types::{
    CancelMaintenanceWindowExecutionRequest, CancelMaintenanceWindowExecutionResult,
    DescribeMaintenanceWindowExecutionTaskInvocationsRequest,
    DescribeMaintenanceWindowExecutionTaskInvocationsResult,
    DescribeMaintenanceWindowExecutionTasksRequest, DescribeMaintenanceWindowExecutionTasksResult,
    DescribeMaintenanceWindowExecutionsRequest, DescribeMaintenanceWindowExecutionsResult,
    DescribeMaintenanceWindowScheduleRequest, DescribeMaintenanceWindowScheduleResult,
    GetMaintenanceWindowExecutionRequest, GetMaintenanceWindowExecutionResult,
    GetMaintenanceWindowExecutionTaskInvocationRequest,
    GetMaintenanceWindowExecutionTaskInvocationResult, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult, MaintenanceWindowExecution,
    MaintenanceWindowExecutionStatus, MaintenanceWindowExecutionTaskIdentity,
    MaintenanceWindowExecutionTaskInvocationIdentity, MaintenanceWindowTaskType,
    ScheduledWindowExecution,
};

use super::filters::Filters;
use super::paging::{self, page, page_size};
use super::runs::{self, shown_status};
use super::windows::{seq_key, targets_overlap};
use super::{find_window, runs_between, Domain, Fault, Scope};
use crate::store::{Change, Execution, ExecutionTask, Invocation, ScopeData};

impl Domain {
    pub fn get_execution(
        &self,
        scope: &Scope,
        input: GetMaintenanceWindowExecutionRequest,
    ) -> Result<GetMaintenanceWindowExecutionResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let e = execution(data, &input.window_execution_id)?;
            let summary = summary(e, now);
            Ok(GetMaintenanceWindowExecutionResult {
                window_execution_id: Some(e.id.clone()),
                task_ids: Some(e.tasks.iter().map(|t| t.id.clone()).collect()),
                status: summary.status,
                status_details: summary.status_details,
                start_time: summary.start_time,
                end_time: summary.end_time,
            })
        })
    }

    pub fn get_execution_task(
        &self,
        scope: &Scope,
        input: GetMaintenanceWindowExecutionTaskRequest,
    ) -> Result<GetMaintenanceWindowExecutionTaskResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let e = execution(data, &input.window_execution_id)?;
            let t = execution_task(e, &input.task_id)?;
            let identity = task_identity(e, t, now);
            Ok(GetMaintenanceWindowExecutionTaskResult {
                window_execution_id: Some(e.id.clone()),
                task_execution_id: Some(t.id.clone()),
                task_arn: Some(t.task_arn.clone()),
                service_role: t.service_role.clone(),
                r#type: Some(MaintenanceWindowTaskType::from(t.task_type.as_str())),
                task_parameters: t.task_parameters.clone().map(|p| vec![p]),
                priority: t.priority,
                max_concurrency: t.max_concurrency.clone(),
                max_errors: t.max_errors.clone(),
                status: identity.status,
                status_details: identity.status_details,
                start_time: identity.start_time,
                end_time: identity.end_time,
                alarm_configuration: t.alarm_configuration.clone(),
                triggered_alarms: None,
            })
        })
    }

    pub fn get_invocation(
        &self,
        scope: &Scope,
        input: GetMaintenanceWindowExecutionTaskInvocationRequest,
    ) -> Result<GetMaintenanceWindowExecutionTaskInvocationResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let e = execution(data, &input.window_execution_id)?;
            let t = execution_task(e, &input.task_id)?;
            let i = t
                .invocations
                .iter()
                .find(|i| i.id == input.invocation_id)
                .ok_or_else(|| Fault::invocation_not_found(&t.id, &input.invocation_id))?;
            let identity = invocation_identity(e, t, i, now);
            Ok(GetMaintenanceWindowExecutionTaskInvocationResult {
                window_execution_id: identity.window_execution_id,
                task_execution_id: identity.task_execution_id,
                invocation_id: identity.invocation_id,
                execution_id: identity.execution_id,
                task_type: identity.task_type,
                parameters: identity.parameters,
                status: identity.status,
                status_details: identity.status_details,
                start_time: identity.start_time,
                end_time: identity.end_time,
                owner_information: identity.owner_information,
                window_target_id: identity.window_target_id,
            })
        })
    }

    /// Newest first; `ExecutedBefore`/`ExecutedAfter` compare start times.
    pub fn describe_executions(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowExecutionsRequest,
    ) -> Result<DescribeMaintenanceWindowExecutionsResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowExecutions";
        let filters = Filters::parse(input.filters.as_ref(), &["ExecutedBefore", "ExecutedAfter"])?;
        let before = instants(&filters, "ExecutedBefore")?;
        let after_time = instants(&filters, "ExecutedAfter")?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        let now = Timestamp::from(self.clock.now());
        let (executions, next_token) = self.read(scope, |data| {
            let matching = data
                .executions_by_window
                .keys()
                .rev()
                .filter(|(window_id, _, _)| *window_id == input.window_id)
                .filter_map(|(_, _, id)| data.executions.get(id))
                .filter(|e| {
                    before
                        .iter()
                        .all(|b| e.start.unix_millis() <= b.timestamp_millis())
                })
                .filter(|e| {
                    after_time
                        .iter()
                        .all(|a| e.start.unix_millis() >= a.timestamp_millis())
                })
                // Newest first, keyed so that runs started while paging
                // neither repeat nor push older ones off the next page.
                .map(|e| (newest_first_key(e), summary(e, now)));
            page(
                OPERATION,
                matching,
                after.as_deref(),
                page_size(input.max_results),
            )
        });
        Ok(DescribeMaintenanceWindowExecutionsResult {
            window_executions: Some(executions),
            next_token,
        })
    }

    pub fn describe_execution_tasks(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowExecutionTasksRequest,
    ) -> Result<DescribeMaintenanceWindowExecutionTasksResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowExecutionTasks";
        let filters = Filters::parse(input.filters.as_ref(), &["STATUS"])?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let e = execution(data, &input.window_execution_id)?;
            let matching = e
                .tasks
                .iter()
                .enumerate()
                .map(|(index, t)| (seq_key(index as u64), task_identity(e, t, now)))
                .filter(|(_, t)| {
                    filters.all("STATUS", |v| {
                        t.status.as_ref().is_some_and(|s| s.as_str() == v)
                    })
                });
            let (tasks, next_token) = page(
                OPERATION,
                matching,
                after.as_deref(),
                page_size(input.max_results),
            );
            Ok(DescribeMaintenanceWindowExecutionTasksResult {
                window_execution_task_identities: Some(tasks),
                next_token,
            })
        })
    }

    pub fn describe_invocations(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowExecutionTaskInvocationsRequest,
    ) -> Result<DescribeMaintenanceWindowExecutionTaskInvocationsResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowExecutionTaskInvocations";
        let filters = Filters::parse(input.filters.as_ref(), &["STATUS"])?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let e = execution(data, &input.window_execution_id)?;
            let t = execution_task(e, &input.task_id)?;
            let matching = t
                .invocations
                .iter()
                .enumerate()
                .map(|(index, i)| (seq_key(index as u64), invocation_identity(e, t, i, now)))
                .filter(|(_, i)| {
                    filters.all("STATUS", |v| {
                        i.status.as_ref().is_some_and(|s| s.as_str() == v)
                    })
                });
            let (invocations, next_token) = page(
                OPERATION,
                matching,
                after.as_deref(),
                page_size(input.max_results),
            );
            Ok(DescribeMaintenanceWindowExecutionTaskInvocationsResult {
                window_execution_task_invocation_identities: Some(invocations),
                next_token,
            })
        })
    }

    /// Stops a run in progress: tasks not yet started are cancelled, running
    /// ones finish. A run that already ended is left as it is.
    pub fn cancel_execution(
        &self,
        scope: &Scope,
        input: CancelMaintenanceWindowExecutionRequest,
    ) -> Result<CancelMaintenanceWindowExecutionResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        self.write(scope, |data, _| {
            let mut e = execution(data, &input.window_execution_id)?.clone();
            let result = CancelMaintenanceWindowExecutionResult {
                window_execution_id: Some(e.id.clone()),
            };
            let finished = e.end.is_some_and(|end| end <= now) || e.cancel_requested.is_some();
            if finished {
                return Ok((result, vec![]));
            }
            runs::cancel(&mut e, now);
            Ok((result, vec![Change::PutExecution(e)]))
        })
    }

    /// The scope's `limit` latest runs over all windows, newest first, as
    /// DescribeMaintenanceWindowExecutions shows each (for the console).
    pub fn latest_executions(
        &self,
        scope: &Scope,
        limit: usize,
    ) -> Vec<MaintenanceWindowExecution> {
        let now = Timestamp::from(self.clock.now());
        self.read(scope, |data| {
            let mut newest: Vec<&Execution> = data.executions.values().collect();
            newest.sort_by_cached_key(|e| newest_first_key(e));
            newest.truncate(limit);
            newest.into_iter().map(|e| summary(e, now)).collect()
        })
    }

    /// Upcoming runs of one window, or of every window that targets the given
    /// nodes, in ascending time.
    pub fn describe_schedule(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowScheduleRequest,
    ) -> Result<DescribeMaintenanceWindowScheduleResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowSchedule";
        let mut before = None;
        let mut after_filter = None;
        for filter in input.filters.iter().flatten() {
            let key = filter.key.as_deref().unwrap_or_default();
            let value = filter.values.iter().flatten().next();
            let parsed = value
                .map(|v| parse_boundary(v).map_err(|e| Fault::Validation(e.to_string())))
                .transpose()?;
            match key {
                "ScheduledBefore" => before = parsed,
                "ScheduledAfter" => after_filter = parsed,
                other => {
                    return Err(Fault::Validation(format!(
                        "The following filter key is not valid: {other}. Valid filter keys include: [ScheduledBefore, ScheduledAfter]."
                    )))
                }
            }
        }
        if input.window_id.is_none() && (input.targets.is_none() || input.resource_type.is_none()) {
            return Err(Fault::Validation(
                "Either WindowId or Targets and ResourceType must be specified.".into(),
            ));
        }
        let after_token = paging::decode(OPERATION, input.next_token.as_deref())?;
        let size = paging::search_page_size(input.max_results)?;
        let now = self.clock.now();
        let horizon = now + TimeDelta::days(SCHEDULE_HORIZON_DAYS);
        let mut start: DateTime<Utc> = after_filter.map_or(now, |t| t.with_timezone(&Utc).max(now));
        // Resume at the token's time rather than scanning up to it, so a
        // forged far-future token costs no more than a first page.
        if let Some(key) = after_token.as_deref() {
            start = start.max(token_time(key)?);
        }
        self.read(scope, |data| {
            let windows: Vec<_> = match &input.window_id {
                Some(id) => vec![find_window(data, id)?],
                None => {
                    let resource_type = input
                        .resource_type
                        .as_ref()
                        .map(|r| r.as_str().to_owned())
                        .unwrap_or_default();
                    let targets = input.targets.clone().unwrap_or_default();
                    data.window_order
                        .values()
                        .filter_map(|id| data.windows.get(id))
                        .filter(|w| {
                            w.targets.iter().any(|t| {
                                t.resource_type == resource_type
                                    && targets_overlap(&t.targets, &targets)
                            })
                        })
                        .collect()
                }
            };
            // Each window contributes at most a page past the cursor; the
            // merged, sorted list is then cut to one page.
            let mut upcoming = Vec::new();
            let until = before.map_or(horizon, |b| b.with_timezone(&Utc).min(horizon));
            let windows = windows.into_iter().filter(|w| w.enabled && start < horizon);
            for window in windows {
                let mut taken = 0;
                for time in runs_between(window, start, until) {
                    if taken > size {
                        break;
                    }
                    let key = format!("{:020}|{}", time.timestamp_millis(), window.id);
                    if after_token.as_deref().is_some_and(|a| key.as_str() <= a) {
                        continue;
                    }
                    taken += 1;
                    upcoming.push((
                        key,
                        ScheduledWindowExecution {
                            window_id: Some(window.id.clone()),
                            name: Some(window.name.clone()),
                            execution_time: Some(format_execution_time(&time)),
                        },
                    ));
                }
            }
            upcoming.sort_by(|a, b| a.0.cmp(&b.0));
            let (items, next_token) = page(OPERATION, upcoming.into_iter(), None, size);
            Ok(DescribeMaintenanceWindowScheduleResult {
                scheduled_window_executions: Some(items),
                next_token,
            })
        })
    }
}

/// How far ahead DescribeMaintenanceWindowSchedule lists runs. AWS documents
/// no limit; without one a client could page a `rate(5 minutes)` window until
/// the end of the calendar. Five years covers yearly schedules and any
/// realistic planning; later runs are not listed, and the listing ends there
/// without a NextToken.
pub const SCHEDULE_HORIZON_DAYS: i64 = 5 * 366;

/// The instant just before the run a schedule token's key
/// (`<millis>|<window id>`) names, where the next page resumes.
fn token_time(key: &str) -> Result<DateTime<Utc>, Fault> {
    let invalid = || Fault::Validation("The specified NextToken is not valid.".into());
    let (millis, _) = key.split_once('|').ok_or_else(invalid)?;
    let millis: i64 = millis.parse().map_err(|_| invalid())?;
    millis
        .checked_sub(1)
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(invalid)
}

fn instants(filters: &Filters<'_>, key: &str) -> Result<Vec<DateTime<chrono::FixedOffset>>, Fault> {
    filters
        .values(key)
        .map(|v| parse_boundary(v).map_err(|e| Fault::Validation(e.to_string())))
        .collect()
}

/// Sorts newest first: later starts get smaller keys.
fn newest_first_key(e: &Execution) -> String {
    format!("{:020}|{}", i64::MAX - e.start.unix_millis(), e.id)
}

fn execution<'d>(data: &'d ScopeData, id: &str) -> Result<&'d Execution, Fault> {
    data.executions
        .get(id)
        .ok_or_else(|| Fault::execution_not_found(id))
}

fn execution_task<'e>(e: &'e Execution, task_id: &str) -> Result<&'e ExecutionTask, Fault> {
    e.tasks
        .iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| Fault::execution_task_not_found(&e.id, task_id))
}

/// A record's status and times as seen at `now` (see [`Execution`]).
struct Seen {
    status: MaintenanceWindowExecutionStatus,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

fn seen(
    outcome: &str,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    cancelling: bool,
    now: Timestamp,
) -> Seen {
    let shown = shown_status(outcome, start, end, cancelling, now);
    Seen {
        status: MaintenanceWindowExecutionStatus::from(shown),
        start: start.filter(|t| *t <= now),
        end: end.filter(|t| *t <= now),
    }
}

fn seen_execution(e: &Execution, now: Timestamp) -> Seen {
    seen(
        &e.status,
        Some(e.start),
        e.end,
        e.cancel_requested.is_some(),
        now,
    )
}

fn summary(e: &Execution, now: Timestamp) -> MaintenanceWindowExecution {
    let seen = seen_execution(e, now);
    MaintenanceWindowExecution {
        window_id: Some(e.window_id.clone()),
        window_execution_id: Some(e.id.clone()),
        status: Some(seen.status),
        status_details: e.status_details.clone().filter(|_| seen.end.is_some()),
        start_time: seen.start,
        end_time: seen.end,
    }
}

fn task_identity(
    e: &Execution,
    t: &ExecutionTask,
    now: Timestamp,
) -> MaintenanceWindowExecutionTaskIdentity {
    let seen = seen(&t.status, t.start, t.end, false, now);
    MaintenanceWindowExecutionTaskIdentity {
        window_execution_id: Some(e.id.clone()),
        task_execution_id: Some(t.id.clone()),
        status: Some(seen.status),
        status_details: t
            .status_details
            .clone()
            .filter(|_| seen.end.is_some() || t.start.is_none()),
        start_time: seen.start,
        end_time: seen.end,
        task_arn: Some(t.task_arn.clone()),
        task_type: Some(MaintenanceWindowTaskType::from(t.task_type.as_str())),
        alarm_configuration: t.alarm_configuration.clone(),
        triggered_alarms: None,
    }
}

fn invocation_identity(
    e: &Execution,
    t: &ExecutionTask,
    i: &Invocation,
    now: Timestamp,
) -> MaintenanceWindowExecutionTaskInvocationIdentity {
    let seen = seen(&i.status, i.start, i.end, false, now);
    MaintenanceWindowExecutionTaskInvocationIdentity {
        window_execution_id: Some(e.id.clone()),
        task_execution_id: Some(t.id.clone()),
        invocation_id: Some(i.id.clone()),
        execution_id: i.execution_id.clone(),
        task_type: Some(MaintenanceWindowTaskType::from(t.task_type.as_str())),
        parameters: Some(i.parameters.clone()),
        status: Some(seen.status),
        status_details: i
            .status_details
            .clone()
            .filter(|_| seen.end.is_some() || i.start.is_none()),
        start_time: seen.start,
        end_time: seen.end,
        owner_information: i.owner_information.clone(),
        window_target_id: i.window_target_id.clone(),
    }
}
