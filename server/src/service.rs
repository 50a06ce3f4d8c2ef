//! The generated service trait, implemented by handing each operation to
//! the domain. Inputs arrive here already validated by the dispatcher.

use std::sync::Arc;

use smithy_runtime::RequestContext;
use ssm_api::error::*;
use ssm_api::types::*;
use ssm_api::AmazonSsm;

use crate::domain::{fail, Domain, Fault, Scope};

pub struct SsmService {
    pub domain: Arc<Domain>,
}

impl SsmService {
    /// Every item belongs to the caller's account and Region; nothing
    /// crosses from one to another.
    fn scope(&self, context: &RequestContext) -> Scope {
        Scope {
            account: context.account_id.clone(),
            region: context.region.clone(),
        }
    }
}

/// Each method is one line: scope, domain call, error conversion. Reads
/// answer from memory on the request's own thread (with PostgreSQL they ask
/// the database, so they join the writes); writes wait for the disk, so they
/// run where blocking is allowed and the async threads stay free.
macro_rules! delegate {
    (
        reads { $($read:ident($read_in:ty) -> $read_out:ty, $read_err:ty => $read_domain:ident;)* }
        writes { $($write:ident($write_in:ty) -> $write_out:ty, $write_err:ty => $write_domain:ident;)* }
    ) => {
        impl AmazonSsm for SsmService {
            $(
                async fn $read(&self, context: &RequestContext, input: $read_in) -> Result<$read_out, $read_err> {
                    if self.domain.store.reads_block() {
                        let (domain, scope) = (self.domain.clone(), self.scope(context));
                        return blocking(move || domain.$read_domain(&scope, input)).await.map_err(fail);
                    }
                    self.domain.$read_domain(&self.scope(context), input).map_err(fail)
                }
            )*
            $(
                async fn $write(&self, context: &RequestContext, input: $write_in) -> Result<$write_out, $write_err> {
                    let (domain, scope) = (self.domain.clone(), self.scope(context));
                    blocking(move || domain.$write_domain(&scope, input)).await.map_err(fail)
                }
            )*
        }
    };
}

/// Runs `work` on tokio's blocking pool. A panic there is reported as the
/// internal error it is rather than taking the connection down.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Fault> + Send + 'static,
) -> Result<T, Fault> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(Fault::storage()))
}

delegate! {
    reads {
        describe_maintenance_window_execution_task_invocations(DescribeMaintenanceWindowExecutionTaskInvocationsRequest) -> DescribeMaintenanceWindowExecutionTaskInvocationsResult, DescribeMaintenanceWindowExecutionTaskInvocationsError => describe_invocations;
        describe_maintenance_window_execution_tasks(DescribeMaintenanceWindowExecutionTasksRequest) -> DescribeMaintenanceWindowExecutionTasksResult, DescribeMaintenanceWindowExecutionTasksError => describe_execution_tasks;
        describe_maintenance_window_executions(DescribeMaintenanceWindowExecutionsRequest) -> DescribeMaintenanceWindowExecutionsResult, DescribeMaintenanceWindowExecutionsError => describe_executions;
        describe_maintenance_window_schedule(DescribeMaintenanceWindowScheduleRequest) -> DescribeMaintenanceWindowScheduleResult, DescribeMaintenanceWindowScheduleError => describe_schedule;
        describe_maintenance_window_targets(DescribeMaintenanceWindowTargetsRequest) -> DescribeMaintenanceWindowTargetsResult, DescribeMaintenanceWindowTargetsError => describe_targets;
        describe_maintenance_window_tasks(DescribeMaintenanceWindowTasksRequest) -> DescribeMaintenanceWindowTasksResult, DescribeMaintenanceWindowTasksError => describe_tasks;
        describe_maintenance_windows(DescribeMaintenanceWindowsRequest) -> DescribeMaintenanceWindowsResult, DescribeMaintenanceWindowsError => describe_windows;
        describe_maintenance_windows_for_target(DescribeMaintenanceWindowsForTargetRequest) -> DescribeMaintenanceWindowsForTargetResult, DescribeMaintenanceWindowsForTargetError => describe_windows_for_target;
        get_maintenance_window(GetMaintenanceWindowRequest) -> GetMaintenanceWindowResult, GetMaintenanceWindowError => get_window;
        get_maintenance_window_execution(GetMaintenanceWindowExecutionRequest) -> GetMaintenanceWindowExecutionResult, GetMaintenanceWindowExecutionError => get_execution;
        get_maintenance_window_execution_task(GetMaintenanceWindowExecutionTaskRequest) -> GetMaintenanceWindowExecutionTaskResult, GetMaintenanceWindowExecutionTaskError => get_execution_task;
        get_maintenance_window_execution_task_invocation(GetMaintenanceWindowExecutionTaskInvocationRequest) -> GetMaintenanceWindowExecutionTaskInvocationResult, GetMaintenanceWindowExecutionTaskInvocationError => get_invocation;
        get_maintenance_window_task(GetMaintenanceWindowTaskRequest) -> GetMaintenanceWindowTaskResult, GetMaintenanceWindowTaskError => get_task;
        list_tags_for_resource(ListTagsForResourceRequest) -> ListTagsForResourceResult, ListTagsForResourceError => list_tags;
    }
    writes {
        add_tags_to_resource(AddTagsToResourceRequest) -> AddTagsToResourceResult, AddTagsToResourceError => add_tags;
        cancel_maintenance_window_execution(CancelMaintenanceWindowExecutionRequest) -> CancelMaintenanceWindowExecutionResult, CancelMaintenanceWindowExecutionError => cancel_execution;
        create_maintenance_window(CreateMaintenanceWindowRequest) -> CreateMaintenanceWindowResult, CreateMaintenanceWindowError => create_window;
        delete_maintenance_window(DeleteMaintenanceWindowRequest) -> DeleteMaintenanceWindowResult, DeleteMaintenanceWindowError => delete_window;
        deregister_target_from_maintenance_window(DeregisterTargetFromMaintenanceWindowRequest) -> DeregisterTargetFromMaintenanceWindowResult, DeregisterTargetFromMaintenanceWindowError => deregister_target;
        deregister_task_from_maintenance_window(DeregisterTaskFromMaintenanceWindowRequest) -> DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError => deregister_task;
        register_target_with_maintenance_window(RegisterTargetWithMaintenanceWindowRequest) -> RegisterTargetWithMaintenanceWindowResult, RegisterTargetWithMaintenanceWindowError => register_target;
        register_task_with_maintenance_window(RegisterTaskWithMaintenanceWindowRequest) -> RegisterTaskWithMaintenanceWindowResult, RegisterTaskWithMaintenanceWindowError => register_task;
        remove_tags_from_resource(RemoveTagsFromResourceRequest) -> RemoveTagsFromResourceResult, RemoveTagsFromResourceError => remove_tags;
        update_maintenance_window(UpdateMaintenanceWindowRequest) -> UpdateMaintenanceWindowResult, UpdateMaintenanceWindowError => update_window;
        update_maintenance_window_target(UpdateMaintenanceWindowTargetRequest) -> UpdateMaintenanceWindowTargetResult, UpdateMaintenanceWindowTargetError => update_target;
        update_maintenance_window_task(UpdateMaintenanceWindowTaskRequest) -> UpdateMaintenanceWindowTaskResult, UpdateMaintenanceWindowTaskError => update_task;
    }
}
