//! Targets registered with a window.

use ssm_api::types::{
    DeregisterTargetFromMaintenanceWindowRequest, DeregisterTargetFromMaintenanceWindowResult,
    DescribeMaintenanceWindowTargetsRequest, DescribeMaintenanceWindowTargetsResult,
    MaintenanceWindowResourceType, MaintenanceWindowTarget,
    RegisterTargetWithMaintenanceWindowRequest, RegisterTargetWithMaintenanceWindowResult, Target,
    UpdateMaintenanceWindowTargetRequest, UpdateMaintenanceWindowTargetResult,
};

use super::filters::Filters;
use super::paging::{self, page, page_size};
use super::windows::seq_key;
use super::{find_window, ids, merge, missing_members, Domain, Fault, Scope};
use crate::store::{Change, WindowTarget};

impl Domain {
    pub fn register_target(
        &self,
        scope: &Scope,
        mut input: RegisterTargetWithMaintenanceWindowRequest,
    ) -> Result<RegisterTargetWithMaintenanceWindowResult, Fault> {
        check_targets(&input.resource_type, &input.targets)?;
        let token = input.client_token.take();
        let fingerprint = input.clone();
        self.write(scope, |data, seq| {
            let (id, changes) = self.once(
                data,
                "RegisterTargetWithMaintenanceWindow",
                token,
                &fingerprint,
                || {
                    let mut window = find_window(data, &input.window_id)?.clone();
                    if window.targets.len() >= self.limits.targets_per_window {
                        return Err(Fault::LimitExceeded(format!(
                            "Maximum number of targets ({}) for maintenance window {} exceeded.",
                            self.limits.targets_per_window, window.id
                        )));
                    }
                    let target = WindowTarget {
                        seq,
                        id: ids::uuid(),
                        resource_type: input.resource_type.as_str().to_owned(),
                        targets: input.targets,
                        owner_information: input.owner_information,
                        name: input.name,
                        description: input.description,
                    };
                    let id = target.id.clone();
                    window.targets.push(target);
                    Ok((id, vec![Change::PutWindow(window)]))
                },
            )?;
            Ok((
                RegisterTargetWithMaintenanceWindowResult {
                    window_target_id: Some(id),
                },
                changes,
            ))
        })
    }

    pub fn describe_targets(
        &self,
        scope: &Scope,
        input: DescribeMaintenanceWindowTargetsRequest,
    ) -> Result<DescribeMaintenanceWindowTargetsResult, Fault> {
        const OPERATION: &str = "DescribeMaintenanceWindowTargets";
        let filters = Filters::parse(
            input.filters.as_ref(),
            &["Type", "WindowTargetId", "OwnerInformation"],
        )?;
        let after = paging::decode(OPERATION, input.next_token.as_deref())?;
        self.read(scope, |data| {
            let window = find_window(data, &input.window_id)?;
            let matching = window
                .targets
                .iter()
                .filter(|t| filters.all("Type", |v| v == t.resource_type))
                .filter(|t| filters.all("WindowTargetId", |v| v == t.id))
                .filter(|t| {
                    filters.all("OwnerInformation", |v| {
                        Some(v) == t.owner_information.as_deref()
                    })
                })
                .map(|t| (seq_key(t.seq), describe(&window.id, t)));
            let (targets, next_token) = page(
                OPERATION,
                matching,
                after.as_deref(),
                page_size(input.max_results),
            );
            Ok(DescribeMaintenanceWindowTargetsResult {
                targets: Some(targets),
                next_token,
            })
        })
    }

    pub fn update_target(
        &self,
        scope: &Scope,
        input: UpdateMaintenanceWindowTargetRequest,
    ) -> Result<UpdateMaintenanceWindowTargetResult, Fault> {
        let replace = input.replace.unwrap_or(false);
        if replace {
            if let Some(fault) = missing_members(if input.targets.is_none() {
                &["targets"]
            } else {
                &[]
            }) {
                return Err(fault);
            }
        }
        self.write(scope, |data, _| {
            let mut window = find_window(data, &input.window_id)?.clone();
            let target = window
                .targets
                .iter_mut()
                .find(|t| t.id == input.window_target_id)
                .ok_or_else(|| {
                    Fault::target_not_found(&input.window_id, &input.window_target_id)
                })?;
            if let Some(targets) = input.targets {
                check_targets(
                    &MaintenanceWindowResourceType::from(target.resource_type.as_str()),
                    &targets,
                )?;
                target.targets = targets;
            }
            merge(
                &mut target.owner_information,
                input.owner_information,
                replace,
            );
            merge(&mut target.name, input.name, replace);
            merge(&mut target.description, input.description, replace);
            let result = UpdateMaintenanceWindowTargetResult {
                window_id: Some(window.id.clone()),
                window_target_id: Some(target.id.clone()),
                targets: Some(target.targets.clone()),
                owner_information: target.owner_information.clone(),
                name: target.name.clone(),
                description: target.description.clone(),
            };
            Ok((result, vec![Change::PutWindow(window)]))
        })
    }

    /// With `Safe`, a target that a task still uses stays; without it, the
    /// target is also taken out of the tasks that name it.
    pub fn deregister_target(
        &self,
        scope: &Scope,
        input: DeregisterTargetFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTargetFromMaintenanceWindowResult, Fault> {
        self.write(scope, |data, _| {
            let mut window = find_window(data, &input.window_id)?.clone();
            let position = window
                .targets
                .iter()
                .position(|t| t.id == input.window_target_id)
                .ok_or_else(|| {
                    Fault::target_not_found(&input.window_id, &input.window_target_id)
                })?;
            let users: Vec<String> = window
                .tasks
                .iter()
                .filter(|task| names_window_target(&task.targets, &input.window_target_id))
                .map(|task| task.id.clone())
                .collect();
            if input.safe == Some(true) && !users.is_empty() {
                return Err(Fault::TargetInUse(format!(
                    "Maintenance window target {} is used by task(s) {}",
                    input.window_target_id,
                    users.join(", ")
                )));
            }
            window.targets.remove(position);
            for task in &mut window.tasks {
                for target in &mut task.targets {
                    if target.key.as_deref() == Some("WindowTargetIds") {
                        if let Some(values) = target.values.as_mut() {
                            values.retain(|v| *v != input.window_target_id);
                        }
                    }
                }
            }
            let result = DeregisterTargetFromMaintenanceWindowResult {
                window_id: Some(window.id.clone()),
                window_target_id: Some(input.window_target_id.clone()),
            };
            Ok((result, vec![Change::PutWindow(window)]))
        })
    }
}

fn describe(window_id: &str, t: &WindowTarget) -> MaintenanceWindowTarget {
    MaintenanceWindowTarget {
        window_id: Some(window_id.to_owned()),
        window_target_id: Some(t.id.clone()),
        resource_type: Some(MaintenanceWindowResourceType::from(
            t.resource_type.as_str(),
        )),
        targets: Some(t.targets.clone()),
        owner_information: t.owner_information.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
    }
}

pub(super) fn names_window_target(targets: &[Target], window_target_id: &str) -> bool {
    targets.iter().any(|t| {
        t.key.as_deref() == Some("WindowTargetIds")
            && t.values.iter().flatten().any(|v| v == window_target_id)
    })
}

/// The keys each resource type accepts, and AWS's rule that every key has
/// at least one value.
fn check_targets(
    resource_type: &MaintenanceWindowResourceType,
    targets: &[Target],
) -> Result<(), Fault> {
    if targets.is_empty() {
        return Err(Fault::Validation(
            "Please specify at least one target.".into(),
        ));
    }
    for target in targets {
        let key = target.key.as_deref().unwrap_or_default();
        let allowed = match resource_type {
            MaintenanceWindowResourceType::ResourceGroup => key.starts_with("resource-groups:"),
            _ => key == "InstanceIds" || key == "tag-key" || key.starts_with("tag:"),
        };
        if !allowed {
            return Err(Fault::Validation(format!(
                "Target key {key} is not supported for resource type {}.",
                resource_type.as_str()
            )));
        }
        if target.values.as_ref().is_none_or(Vec::is_empty) {
            return Err(Fault::Validation(format!(
                "Please specify at least one target.  Filter values can't be null and {key} is."
            )));
        }
    }
    Ok(())
}
