use aws_sdk_ssm::types::{
    MaintenanceWindowExecutionStatus, MaintenanceWindowFilter, MaintenanceWindowResourceType,
    MaintenanceWindowTaskType, PatchOrchestratorFilter, Target,
};
use ssm_server::domain::Scope;

use crate::common::{client, create_window, error_of, start_default};

#[tokio::test]
async fn a_run_is_readable_through_every_execution_operation() {
    let server = start_default().await;
    let ssm = client(&server, "us-west-2");
    let window = create_window(&ssm, "runs").await;
    let target = ssm
        .register_target_with_maintenance_window()
        .window_id(&window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values("i-0123456789abcdef0")
                .values("i-0123456789abcdef1")
                .build(),
        )
        .owner_information("owner")
        .send()
        .await
        .unwrap()
        .window_target_id
        .unwrap();
    ssm.register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("WindowTargetIds")
                .values(&target)
                .build(),
        )
        .max_concurrency("1")
        .max_errors("0")
        .send()
        .await
        .unwrap();

    let scope = Scope {
        account: "123456789012".into(),
        region: "us-west-2".into(),
    };
    let execution = server.domain.run_window_now(&scope, &window).unwrap();

    let listed = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap();
    let runs = listed.window_executions.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].window_execution_id.as_deref(),
        Some(execution.as_str())
    );

    let got = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status, Some(MaintenanceWindowExecutionStatus::Success));
    let task_ids = got.task_ids.unwrap();
    assert_eq!(task_ids.len(), 1);

    let tasks = ssm
        .describe_maintenance_window_execution_tasks()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(tasks.window_execution_task_identities.unwrap().len(), 1);
    let task = ssm
        .get_maintenance_window_execution_task()
        .window_execution_id(&execution)
        .task_id(&task_ids[0])
        .send()
        .await
        .unwrap();
    assert_eq!(task.r#type, Some(MaintenanceWindowTaskType::RunCommand));

    let invocations = ssm
        .describe_maintenance_window_execution_task_invocations()
        .window_execution_id(&execution)
        .task_id(&task_ids[0])
        .filters(
            MaintenanceWindowFilter::builder()
                .key("STATUS")
                .values("SUCCESS")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .window_execution_task_invocation_identities
        .unwrap();
    assert_eq!(invocations.len(), 1);
    let parameters: serde_json::Value =
        serde_json::from_str(invocations[0].parameters.as_deref().unwrap()).unwrap();
    assert_eq!(parameters["documentName"], "AWS-RunShellScript");
    assert_eq!(parameters["instanceIds"].as_array().unwrap().len(), 2);
    let invocation = ssm
        .get_maintenance_window_execution_task_invocation()
        .window_execution_id(&execution)
        .task_id(&task_ids[0])
        .invocation_id(invocations[0].invocation_id.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(invocation.owner_information.as_deref(), Some("owner"));
    assert_eq!(
        invocation.window_target_id.as_deref(),
        Some(target.as_str())
    );

    // A finished run cannot be cancelled; the call still answers with its id.
    let cancelled = ssm
        .cancel_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        cancelled.window_execution_id.as_deref(),
        Some(execution.as_str())
    );

    let missing = "00000000-0000-4000-8000-000000000000";
    let (code, message) = error_of(
        ssm.get_maintenance_window_execution()
            .window_execution_id(missing)
            .send()
            .await,
    );
    assert_eq!(code, "DoesNotExistException");
    assert_eq!(
        message,
        format!("Maintenance window execution {missing} does not exist")
    );

    let schedule = ssm
        .describe_maintenance_window_schedule()
        .window_id(&window)
        .max_results(3)
        .send()
        .await
        .unwrap();
    let upcoming = schedule.scheduled_window_executions.unwrap();
    assert_eq!(upcoming.len(), 3);
    assert!(schedule.next_token.is_some());
    let times: Vec<_> = upcoming
        .iter()
        .map(|s| s.execution_time.clone().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert!(times.iter().all(|t| t.ends_with("T02:00Z")), "{times:?}");

    let by_target = ssm
        .describe_maintenance_window_schedule()
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values("i-0123456789abcdef1")
                .build(),
        )
        .resource_type(MaintenanceWindowResourceType::Instance)
        .filters(
            PatchOrchestratorFilter::builder()
                .key("ScheduledBefore")
                .values("2100-01-01T00:00:00Z")
                .build(),
        )
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(by_target.scheduled_window_executions.unwrap().len(), 2);
    server.stop().await.unwrap();
}
