use aws_sdk_ssm::types::MaintenanceWindowFilter;
use ssm_server::Config;

use crate::common::{client, create_window, error_of, start, start_default};

#[tokio::test]
async fn window_lifecycle_create_get_update_replace_delete() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-2");
    let created = ssm
        .create_maintenance_window()
        .name("My-Window")
        .description("patching")
        .schedule("cron(0 9 * * ? *)")
        .schedule_timezone("America/Chicago")
        .duration(4)
        .cutoff(1)
        .allow_unassociated_targets(false)
        .send()
        .await
        .unwrap();
    let id = created.window_id.unwrap();
    assert!(id.starts_with("mw-") && id.len() == 20);

    let got = ssm
        .get_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("My-Window"));
    assert_eq!(got.description.as_deref(), Some("patching"));
    assert_eq!((got.duration, got.cutoff, got.enabled), (Some(4), 1, true));
    assert!(got.created_date.is_some() && got.modified_date.is_some());
    let next = got
        .next_execution_time
        .expect("an enabled window has a next run");
    assert!(
        next.ends_with("T09:00-06:00") || next.ends_with("T09:00-05:00"),
        "{next}"
    );

    // Without Replace only the given fields change.
    let updated = ssm
        .update_maintenance_window()
        .window_id(&id)
        .duration(6)
        .enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.duration, Some(6));
    assert_eq!(updated.description.as_deref(), Some("patching"));
    assert!(!updated.enabled);
    let got = ssm
        .get_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.next_execution_time, None,
        "disabled windows have no next run"
    );

    // With Replace, the create-time fields are required and the rest cleared.
    let (code, message) = error_of(
        ssm.update_maintenance_window()
            .window_id(&id)
            .replace(true)
            .name("Renamed")
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with("4 validation errors detected: Value null at 'schedule'"),
        "{message}"
    );
    let replaced = ssm
        .update_maintenance_window()
        .window_id(&id)
        .replace(true)
        .name("Renamed")
        .schedule("rate(5 hours)")
        .duration(2)
        .cutoff(0)
        .allow_unassociated_targets(true)
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.description, None);
    assert_eq!(replaced.schedule_timezone, None);
    assert_eq!(replaced.name.as_deref(), Some("Renamed"));

    let deleted = ssm
        .delete_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.window_id.as_deref(), Some(id.as_str()));
    let (code, message) = error_of(ssm.get_maintenance_window().window_id(&id).send().await);
    assert_eq!(code, "DoesNotExistException");
    assert_eq!(message, format!("Maintenance window {id} does not exist"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn validation_errors_use_aws_texts() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let (code, message) = error_of(
        ssm.create_maintenance_window()
            .name("x")
            .schedule("rate(1 day)")
            .duration(30)
            .cutoff(0)
            .allow_unassociated_targets(true)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "3 validation errors detected: \
         Value 'x' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$; \
         Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3; \
         Value '30' at 'duration' failed to satisfy constraint: Member must have value less than or equal to 24"
    );
    let (code, message) = error_of(
        ssm.create_maintenance_window()
            .name("cut")
            .schedule("rate(1 day)")
            .duration(1)
            .cutoff(2)
            .allow_unassociated_targets(true)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "Cuttoff was 2 but must be smaller than 0 (Duration  - 1 )"
    );
    let (code, message) = error_of(
        ssm.create_maintenance_window()
            .name("sched")
            .schedule("cron(0 25 * * ? *)")
            .duration(2)
            .cutoff(0)
            .allow_unassociated_targets(true)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("25"), "{message}");
    let (code, message) = error_of(
        ssm.describe_maintenance_windows()
            .max_results(5)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10"
    );
    let (code, message) = error_of(
        ssm.describe_maintenance_windows()
            .filters(
                MaintenanceWindowFilter::builder()
                    .key("Colour")
                    .values("red")
                    .build(),
            )
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(message, "The following filter key is not valid: Colour. Valid filter keys include: [Name, Enabled].");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn client_tokens_make_creation_idempotent() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let create = |name: &'static str| {
        ssm.create_maintenance_window()
            .name(name)
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(1)
            .allow_unassociated_targets(true)
            .client_token("token-1")
            .send()
    };
    let first = create("Same").await.unwrap().window_id.unwrap();
    let again = create("Same").await.unwrap().window_id.unwrap();
    assert_eq!(first, again);
    let (code, _) = error_of(create("Different").await);
    assert_eq!(code, "IdempotentParameterMismatch");
    let all = ssm.describe_maintenance_windows().send().await.unwrap();
    assert_eq!(all.window_identities.unwrap().len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn quotas_give_resource_limit_exceeded() {
    let server = start(Config {
        max_windows: 2,
        ..Config::for_tests()
    })
    .await;
    let ssm = client(&server, "us-east-1");
    create_window(&ssm, "one").await;
    create_window(&ssm, "two").await;
    let (code, _) = error_of(
        ssm.create_maintenance_window()
            .name("three")
            .schedule("rate(1 day)")
            .duration(2)
            .cutoff(0)
            .allow_unassociated_targets(true)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceLimitExceededException");
    // The quota is per Region.
    let other = client(&server, "eu-west-1");
    create_window(&other, "three").await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn filters_and_pagination_across_pages() {
    let server = start(Config {
        max_windows: 100,
        ..Config::for_tests()
    })
    .await;
    let ssm = client(&server, "us-east-1");
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(create_window(&ssm, &format!("My-Window-{i:02}")).await);
    }
    let other = create_window(&ssm, "Other-Window").await;
    ssm.update_maintenance_window()
        .window_id(&other)
        .enabled(false)
        .send()
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = ssm
            .describe_maintenance_windows()
            .filters(
                MaintenanceWindowFilter::builder()
                    .key("Name")
                    .values("My")
                    .build(),
            )
            .max_results(10)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        seen.extend(
            page.window_identities
                .unwrap()
                .into_iter()
                .map(|w| w.window_id.unwrap()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "every window once, in creation order");

    let disabled = ssm
        .describe_maintenance_windows()
        .filters(
            MaintenanceWindowFilter::builder()
                .key("Enabled")
                .values("False")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let disabled: Vec<_> = disabled
        .window_identities
        .unwrap()
        .into_iter()
        .map(|w| w.window_id.unwrap())
        .collect();
    assert_eq!(disabled, [other]);

    let (code, _) = error_of(
        ssm.describe_maintenance_windows()
            .next_token("forged")
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    // Another Region sees none of it.
    let elsewhere = client(&server, "ap-south-1")
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap();
    assert!(elsewhere.window_identities.unwrap().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn tags_are_added_listed_and_removed() {
    use aws_sdk_ssm::types::{ResourceTypeForTagging, Tag};
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let id = create_window(&ssm, "tagged").await;
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
    ssm.add_tags_to_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&id)
        .tags(tag("env", "prod"))
        .tags(tag("team", "ops"))
        .send()
        .await
        .unwrap();
    ssm.add_tags_to_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&id)
        .tags(tag("env", "staging"))
        .send()
        .await
        .unwrap();
    ssm.remove_tags_from_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&id)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = ssm
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&id)
        .send()
        .await
        .unwrap()
        .tag_list
        .unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].key(), tags[0].value()), ("env", "staging"));
    let (code, _) = error_of(
        ssm.list_tags_for_resource()
            .resource_type(ResourceTypeForTagging::Parameter)
            .resource_id(&id)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidResourceType");
    let (code, _) = error_of(
        ssm.list_tags_for_resource()
            .resource_type(ResourceTypeForTagging::MaintenanceWindow)
            .resource_id("mw-00000000000000000")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidResourceId");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        db: dir.path().join("ssm.db"),
        sync: "full".into(),
        ..Config::for_tests()
    };
    let server = start(config.clone()).await;
    let id = create_window(&client(&server, "us-east-1"), "durable").await;
    server.stop().await.unwrap();

    let server = start(config).await;
    let got = client(&server, "us-east-1")
        .get_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("durable"));
    server.stop().await.unwrap();
}
