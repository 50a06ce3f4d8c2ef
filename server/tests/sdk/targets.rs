use aws_sdk_ssm::types::{
    MaintenanceWindowFilter, MaintenanceWindowResourceType, MaintenanceWindowTaskType, Target,
};

use crate::common::{client, create_window, error_of, start_default};

fn instances(ids: &[&str]) -> Target {
    Target::builder()
        .key("InstanceIds")
        .set_values(Some(ids.iter().map(|s| s.to_string()).collect()))
        .build()
}

#[tokio::test]
async fn targets_register_describe_update_deregister() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let window = create_window(&ssm, "targets").await;
    let target_id = ssm
        .register_target_with_maintenance_window()
        .window_id(&window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(instances(&["i-0123456789abcdef0", "i-0123456789abcdef1"]))
        .owner_information("web tier")
        .name("web")
        .send()
        .await
        .unwrap()
        .window_target_id
        .unwrap();
    let tagged = ssm
        .register_target_with_maintenance_window()
        .window_id(&window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("tag:Patch Group")
                .values("db")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .window_target_id
        .unwrap();

    let listed = ssm
        .describe_maintenance_window_targets()
        .window_id(&window)
        .filters(
            MaintenanceWindowFilter::builder()
                .key("OwnerInformation")
                .values("web tier")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .targets
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].window_target_id.as_deref(),
        Some(target_id.as_str())
    );
    assert_eq!(
        listed[0].resource_type,
        Some(MaintenanceWindowResourceType::Instance)
    );

    let updated = ssm
        .update_maintenance_window_target()
        .window_id(&window)
        .window_target_id(&target_id)
        .description("all web servers")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.owner_information.as_deref(), Some("web tier"));
    assert_eq!(updated.description.as_deref(), Some("all web servers"));

    let for_target = ssm
        .describe_maintenance_windows_for_target()
        .targets(instances(&["i-0123456789abcdef1"]))
        .resource_type(MaintenanceWindowResourceType::Instance)
        .send()
        .await
        .unwrap()
        .window_identities
        .unwrap();
    assert_eq!(for_target.len(), 1);
    assert_eq!(for_target[0].window_id.as_deref(), Some(window.as_str()));

    // A task that uses the target keeps a safe deregistration from happening.
    ssm.register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("WindowTargetIds")
                .values(&target_id)
                .build(),
        )
        .max_concurrency("1")
        .max_errors("0")
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(
        ssm.deregister_target_from_maintenance_window()
            .window_id(&window)
            .window_target_id(&target_id)
            .safe(true)
            .send()
            .await,
    );
    assert_eq!(code, "TargetInUseException");
    let removed = ssm
        .deregister_target_from_maintenance_window()
        .window_id(&window)
        .window_target_id(&tagged)
        .safe(true)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.window_target_id.as_deref(), Some(tagged.as_str()));
    let (code, message) = error_of(
        ssm.deregister_target_from_maintenance_window()
            .window_id(&window)
            .window_target_id(&tagged)
            .send()
            .await,
    );
    assert_eq!(code, "DoesNotExistException");
    assert!(message.contains(&tagged));

    let (code, message) = error_of(
        ssm.register_target_with_maintenance_window()
            .window_id(&window)
            .resource_type(MaintenanceWindowResourceType::Instance)
            .targets(Target::builder().key("tag:Patch Group").build())
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "Please specify at least one target.  Filter values can't be null and tag:Patch Group is."
    );
    let (code, _) = error_of(
        ssm.describe_maintenance_window_targets()
            .window_id("mw-00000000000000000")
            .send()
            .await,
    );
    assert_eq!(code, "DoesNotExistException");
    server.stop().await.unwrap();
}
