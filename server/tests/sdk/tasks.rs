use aws_sdk_ssm::types::{
    MaintenanceWindowFilter, MaintenanceWindowRunCommandParameters,
    MaintenanceWindowTaskInvocationParameters, MaintenanceWindowTaskType, Target,
};

use crate::common::{client, create_window, error_of, start_default};

#[tokio::test]
async fn tasks_register_get_describe_update_deregister() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let window = create_window(&ssm, "tasks").await;
    let run_command = MaintenanceWindowTaskInvocationParameters::builder()
        .run_command(
            MaintenanceWindowRunCommandParameters::builder()
                .comment("uptime")
                .timeout_seconds(600)
                .build(),
        )
        .build();
    let task_id = ssm
        .register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values("i-0123456789abcdef0")
                .build(),
        )
        .task_invocation_parameters(run_command)
        .priority(2)
        .max_concurrency("2")
        .max_errors("1")
        .name("uptime")
        .send()
        .await
        .unwrap()
        .window_task_id
        .unwrap();
    let automation = ssm
        .register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RestartEC2Instance")
        .task_type(MaintenanceWindowTaskType::Automation)
        .priority(1)
        .send()
        .await
        .unwrap()
        .window_task_id
        .unwrap();

    let got = ssm
        .get_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&task_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.task_type, Some(MaintenanceWindowTaskType::RunCommand));
    assert_eq!(got.priority, 2);
    assert_eq!(got.max_concurrency.as_deref(), Some("2"));
    let params = got.task_invocation_parameters.unwrap().run_command.unwrap();
    assert_eq!(params.timeout_seconds, Some(600));

    let targetless = ssm
        .get_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&automation)
        .send()
        .await
        .unwrap();
    assert_eq!(
        targetless.max_concurrency.as_deref(),
        Some("1"),
        "targetless tasks get the placeholder"
    );

    let listed = ssm
        .describe_maintenance_window_tasks()
        .window_id(&window)
        .filters(
            MaintenanceWindowFilter::builder()
                .key("TaskType")
                .values("RUN_COMMAND")
                .build(),
        )
        .filters(
            MaintenanceWindowFilter::builder()
                .key("Priority")
                .values("2")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .tasks
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].r#type,
        Some(MaintenanceWindowTaskType::RunCommand)
    );

    let updated = ssm
        .update_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&task_id)
        .description("check load")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("uptime"));
    assert_eq!(updated.description.as_deref(), Some("check load"));

    let (code, message) = error_of(
        ssm.register_task_with_maintenance_window()
            .window_id(&window)
            .task_arn("AWS-RunShellScript")
            .task_type(MaintenanceWindowTaskType::RunCommand)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("target"), "{message}");
    let (code, message) = error_of(
        ssm.register_task_with_maintenance_window()
            .window_id(&window)
            .task_arn("AWS-RestartEC2Instance")
            .task_type(MaintenanceWindowTaskType::Automation)
            .max_concurrency("5")
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "Maintenance window tasks without targets don't support MaxConcurrency values"
    );

    ssm.deregister_task_from_maintenance_window()
        .window_id(&window)
        .window_task_id(&automation)
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(
        ssm.get_maintenance_window_task()
            .window_id(&window)
            .window_task_id(&automation)
            .send()
            .await,
    );
    assert_eq!(code, "DoesNotExistException");
    server.stop().await.unwrap();
}
