//! Create, read, update, delete and list maintenance windows.

use smithy_runtime::Timestamp;
use ssm_api::types::{
    CreateMaintenanceWindowRequest, CreateMaintenanceWindowResult, DeleteMaintenanceWindowRequest,
    DeleteMaintenanceWindowResult, DescribeMaintenanceWindowsForTargetRequest,
    DescribeMaintenanceWindowsForTargetResult, DescribeMaintenanceWindowsRequest,
    DescribeMaintenanceWindowsResult, GetMaintenanceWindowRequest, GetMaintenanceWindowResult,
    MaintenanceWindowIdentity, MaintenanceWindowIdentityForTarget, Target,
    UpdateMaintenanceWindowRequest, UpdateMaintenanceWindowResult,
};

use super::filters::Filters;
use super::paging::{self, page, page_size};
use super::{
    find_window, ids, merge, missing_members, next_execution_time, window_schedule, Domain, Fault,
    Scope,
};
use crate::store::{Change, Window};

impl Domain {
    pub fn create_window(
        &self,
        scope: &Scope,
        mut input: CreateMaintenanceWindowRequest,
    ) -> Result<CreateMaintenanceWindowResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        let token = input.client_token.take();
        let fingerprint = input.clone();
        self.write(scope, |data, seq| {
            let (id, changes) = self.once(data, "CreateMaintenanceWindow", token, &fingerprint, || {
                if data.windows.len() >= self.limits.windows {
                    return Err(Fault::LimitExceeded(format!(
                        "Maximum number of maintenance windows ({}) for this account and Region exceeded.",
                        self.limits.windows
                    )));
                }
                let window = Window {
                    id: ids::window_id(),
                    seq,
                    name: input.name,
                    description: input.description,
                    schedule: input.schedule,
                    schedule_timezone: input.schedule_timezone,
                    schedule_offset: input.schedule_offset,
                    start_date: input.start_date,
                    end_date: input.end_date,
                    duration: input.duration,
                    cutoff: input.cutoff,
                    allow_unassociated_targets: input.allow_unassociated_targets,
                    enabled: true,
                    created: now,
                    modified: now,
                    schedule_changed: now,
                    targets: Vec::new(),
                    tasks: Vec::new(),
                    tags: input.tags.unwrap_or_default(),
                    schedule_cache: Default::default(),
                };
                check_window(&window)?;
                Ok((window.id.clone(), vec![Change::PutWindow(window)]))
            })?;
            Ok((CreateMaintenanceWindowResult { window_id: Some(id) }, changes))
        })
    }

    pub fn get_window(
        &self,
        scope: &Scope,
        input: GetMaintenanceWindowRequest,
    ) -> Result<GetMaintenanceWindowResult, Fault> {
        let now = self.clock.now();
        self.read(scope, |data| {
            let w = find_window(data, &input.window_id)?;
            Ok(GetMaintenanceWindowResult {
                window_id: Some(w.id.clone()),
                name: Some(w.name.clone()),
                description: w.description.clone(),
                start_date: w.start_date.clone(),
                end_date: w.end_date.clone(),
                schedule: Some(w.schedule.clone()),
                schedule_timezone: w.schedule_timezone.clone(),
                schedule_offset: w.schedule_offset,
                next_execution_time: next_execution_time(w, now),
                duration: Some(w.duration),
                cutoff: w.cutoff,
                allow_unassociated_targets: w.allow_unassociated_targets,
                enabled: w.enabled,
                created_date: Some(w.created),
                modified_date: Some(w.modified),
            })
        })
    }

    pub fn update_window(
        &self,
        scope: &Scope,
        input: UpdateMaintenanceWindowRequest,
    ) -> Result<UpdateMaintenanceWindowResult, Fault> {
        let now = Timestamp::from(self.clock.now());
        let replace = input.replace.unwrap_or(false);
        if replace {
            let mut missing = Vec::new();
            for (name, present) in [
                ("name", input.name.is_some()),
                ("schedule", input.schedule.is_some()),
                ("duration", input.duration.is_some()),
                ("cutoff", input.cutoff.is_some()),
                (
                    "allowUnassociatedTargets",
                    input.allow_unassociated_targets.is_some(),
                ),
            ] {
                if !present {
                    missing.push(name);
                }
            }
            if let Some(fault) = missing_members(&missing) {
                return Err(fault);
            }
        }
        self.write(scope, |data, _| {
            let mut w = find_window(data, &input.window_id)?.clone();
            let schedule_before = (
                w.schedule.clone(),
                w.schedule_timezone.clone(),
                w.schedule_offset,
                w.start_date.clone(),
            );
            // With Replace, optional fields that are not given are cleared.
            merge(&mut w.description, input.description, replace);
            merge(&mut w.start_date, input.start_date, replace);
            merge(&mut w.end_date, input.end_date, replace);
            merge(&mut w.schedule_timezone, input.schedule_timezone, replace);
            merge(&mut w.schedule_offset, input.schedule_offset, replace);
            if let Some(name) = input.name {
                w.name = name;
            }
            if let Some(schedule) = input.schedule {
                w.schedule = schedule;
            }
            if let Some(duration) = input.duration {
                w.duration = duration;
            }
            if let Some(cutoff) = input.cutoff {
                w.cutoff = cutoff;
            }
            if let Some(allow) = input.allow_unassociated_targets {
                w.allow_unassociated_targets = allow;
            }
            if let Some(enabled) = input.enabled {
                w.enabled = enabled;
            }
            if schedule_before
                != (
                    w.schedule.clone(),
                    w.schedule_timezone.clone(),
                    w.schedule_offset,
                    w.start_date.clone(),
                )
            {
                w.schedule_changed = now;
            }
            w.modified = now;
            check_window(&w)?;
            let result = UpdateMaintenanceWindowResult {
                window_id: Some(w.id.clone()),
                name: Some(w.name.clone()),
                description: w.description.clone(),
                start_date: w.start_date.clone(),
                end_date: w.end_date.clone(),
                schedule: Some(w.schedule.clone()),
                schedule_timezone: w.schedule_timezone.clone(),
                schedule_offset: w.schedule_offset,
                duration: Some(w.duration),
                cutoff: w.cutoff,
                allow_unassociated_targets: w.allow_unassociated_targets,
                enabled: w.enabled,
            };
            Ok((result, vec![Change::PutWindow(w)]))
        })
    }

    /// Deleting a window deletes its targets, tasks, tags and run history.
    pub fn delete_window(
        &self,
        scope: &Scope,
        input: DeleteMaintenanceWindowRequest,
    ) -> Result<DeleteMaintenanceWindowResult, Fault> {
        self.write(scope, |data, _| {
            let window = find_window(data, &input.window_id)?;
            let mut changes: Vec<Change> = data
                .executions_by_window
                .keys()
                .filter(|(window_id, _, _)| *window_id == window.id)
                .map(|(_, _, execution_id)| Change::DeleteExecution(execution_id.clone()))
                .collect();
            changes.push(Change::DeleteWindow(window.id.clone()));
            Ok((
                DeleteMaintenanceWindowResult {
                    window_id: Some(window.id.clone()),
                },
                changes,
            ))
        })
    }

    pub fn describe_windows(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowsRequest,
    ) -> Result<DescribeMaintenanceWindowsResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindows";
        let filters = Filters::parse(input.filters.as_ref(), &["Name", "Enabled"])?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        let after_seq = after.as_deref().map(parse_seq).transpose()?;
        let now = self.clock.now();
        let (identities, next_token) = self.read(scope, |data| {
            let start = after_seq.map_or(0, |seq| seq + 1);
            let matching = data
                .window_order
                .range(start..)
                .filter_map(|(_, id)| data.windows.get(id))
                .filter(|w| filters.all("Name", |prefix| w.name.starts_with(prefix)))
                .filter(|w| {
                    filters.all("Enabled", |value| {
                        value.eq_ignore_ascii_case(if w.enabled { "true" } else { "false" })
                    })
                })
                .map(|w| (seq_key(w.seq), w));
            let (windows, next) = page(OPERATION, matching, None, page_size(input.max_results));
            (
                windows
                    .into_iter()
                    .map(|w| identity(w, now))
                    .collect::<Vec<_>>(),
                next,
            )
        });
        Ok(DescribeMaintenanceWindowsResult {
            window_identities: Some(identities),
            next_token,
        })
    }

    /// Windows whose registered targets name any of the given targets.
    pub fn describe_windows_for_target(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowsForTargetRequest,
    ) -> Result<DescribeMaintenanceWindowsForTargetResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowsForTarget";
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        let after_seq = after.as_deref().map(parse_seq).transpose()?;
        let size = paging::search_page_size(input.max_results)?;
        let resource_type = input.resource_type.as_str().to_owned();
        let (identities, next_token) = self.read(scope, |data| {
            let start = after_seq.map_or(0, |seq| seq + 1);
            let matching = data
                .window_order
                .range(start..)
                .filter_map(|(_, id)| data.windows.get(id))
                .filter(|w| {
                    w.targets
                        .iter()
                        .filter(|t| t.resource_type == resource_type)
                        .any(|t| targets_overlap(&t.targets, &input.targets))
                })
                .map(|w| {
                    (
                        seq_key(w.seq),
                        MaintenanceWindowIdentityForTarget {
                            window_id: Some(w.id.clone()),
                            name: Some(w.name.clone()),
                        },
                    )
                });
            page(OPERATION, matching, None, size)
        });
        Ok(DescribeMaintenanceWindowsForTargetResult {
            window_identities: Some(identities),
            next_token,
        })
    }
}

/// The rules a window must satisfy beyond its members' constraints.
fn check_window(w: &Window) -> Result<(), Fault> {
    for (member, value) in [("startDate", &w.start_date), ("endDate", &w.end_date)] {
        if value.as_deref() == Some("") {
            return Err(Fault::Validation(format!(
                "1 validation error detected: Value '' at '{member}' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )));
        }
    }
    if w.cutoff > w.duration - 1 {
        // AWS's text, typo and spacing included.
        return Err(Fault::Validation(format!(
            "Cuttoff was {} but must be smaller than {} (Duration  - 1 )",
            w.cutoff,
            w.duration - 1
        )));
    }
    window_schedule(w).map(drop)
}

fn identity(w: &Window, now: chrono::DateTime<chrono::Utc>) -> MaintenanceWindowIdentity {
    MaintenanceWindowIdentity {
        window_id: Some(w.id.clone()),
        name: Some(w.name.clone()),
        description: w.description.clone(),
        enabled: w.enabled,
        duration: Some(w.duration),
        cutoff: w.cutoff,
        schedule: Some(w.schedule.clone()),
        schedule_timezone: w.schedule_timezone.clone(),
        schedule_offset: w.schedule_offset,
        end_date: w.end_date.clone(),
        start_date: w.start_date.clone(),
        next_execution_time: next_execution_time(w, now),
    }
}

/// Whether any requested target shares a key and a value with a registered one.
pub(super) fn targets_overlap(registered: &[Target], requested: &[Target]) -> bool {
    requested.iter().any(|want| {
        registered.iter().any(|have| {
            have.key == want.key
                && want
                    .values
                    .iter()
                    .flatten()
                    .any(|v| have.values.iter().flatten().any(|h| h == v))
        })
    })
}

pub(super) fn seq_key(seq: u64) -> String {
    format!("{seq:020}")
}

pub(super) fn parse_seq(key: &str) -> Result<u64, Fault> {
    key.parse()
        .map_err(|_| Fault::Validation("The specified NextToken is not valid.".into()))
}
