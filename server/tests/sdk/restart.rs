//! What a restart on the same SQLite file must keep: every item, and the
//! order listings page through.

use aws_sdk_ssm::types::{MaintenanceWindowResourceType, MaintenanceWindowTaskType, Target};
use aws_sdk_ssm::Client;
use ssm_server::Config;

use crate::common::{client, create_window, start};

fn durable_config(dir: &tempfile::TempDir) -> Config {
    Config {
        db: dir.path().join("ssm.db"),
        sync: "full".into(),
        ..Config::for_tests()
    }
}

async fn register_target(ssm: &Client, window: &str, n: usize) -> String {
    ssm.register_target_with_maintenance_window()
        .window_id(window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values(format!("i-{n:017}"))
                .build(),
        )
        .send()
        .await
        .expect("register target")
        .window_target_id
        .expect("target id")
}

async fn register_task(ssm: &Client, window: &str, n: usize) -> String {
    ssm.register_task_with_maintenance_window()
        .window_id(window)
        .task_arn("AWS-RestartEC2Instance")
        .task_type(MaintenanceWindowTaskType::Automation)
        .name(format!("task-{n}"))
        .send()
        .await
        .expect("register task")
        .window_task_id
        .expect("task id")
}

/// Every target id, following NextToken with pages of 10.
async fn all_targets(ssm: &Client, window: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = ssm
            .describe_maintenance_window_targets()
            .window_id(window)
            .max_results(10)
            .set_next_token(token)
            .send()
            .await
            .expect("describe targets");
        ids.extend(
            page.targets
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.window_target_id),
        );
        token = page.next_token;
        if token.is_none() {
            return ids;
        }
    }
}

/// Every task id, following NextToken with pages of 10.
async fn all_tasks(ssm: &Client, window: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = ssm
            .describe_maintenance_window_tasks()
            .window_id(window)
            .max_results(10)
            .set_next_token(token)
            .send()
            .await
            .expect("describe tasks");
        ids.extend(
            page.tasks
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.window_task_id),
        );
        token = page.next_token;
        if token.is_none() {
            return ids;
        }
    }
}

#[tokio::test]
async fn targets_registered_after_a_restart_are_listed_after_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let config = durable_config(&dir);
    let server = start(config.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = create_window(&ssm, "restart-targets").await;
    let mut registered = Vec::new();
    for n in 0..15 {
        registered.push(register_target(&ssm, &window, n).await);
    }
    server.stop().await.unwrap();

    let server = start(config).await;
    let ssm = client(&server, "us-east-1");
    registered.push(register_target(&ssm, &window, 15).await);
    assert_eq!(all_targets(&ssm, &window).await, registered);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn tasks_registered_after_a_restart_are_listed_after_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let config = durable_config(&dir);
    let server = start(config.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = create_window(&ssm, "restart-tasks").await;
    let mut registered = Vec::new();
    for n in 0..15 {
        registered.push(register_task(&ssm, &window, n).await);
    }
    server.stop().await.unwrap();

    let server = start(config).await;
    let ssm = client(&server, "us-east-1");
    registered.push(register_task(&ssm, &window, 15).await);
    assert_eq!(all_tasks(&ssm, &window).await, registered);
    server.stop().await.unwrap();
}

/// A sequence number is never handed out twice, even when the items that
/// held the highest ones are gone before the restart: a NextToken issued
/// before the restart must not skip items created after it.
#[tokio::test]
async fn windows_created_after_a_restart_follow_deleted_newest_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = durable_config(&dir);
    let server = start(config.clone()).await;
    let ssm = client(&server, "us-east-1");
    let mut windows = Vec::new();
    for n in 0..11 {
        windows.push(create_window(&ssm, &format!("window-{n}")).await);
    }
    let page = ssm
        .describe_maintenance_windows()
        .max_results(10)
        .send()
        .await
        .unwrap();
    let token = page.next_token.expect("a second page");
    // The token points at the tenth window; it and the eleventh go.
    for id in &windows[9..] {
        ssm.delete_maintenance_window()
            .window_id(id)
            .send()
            .await
            .unwrap();
    }
    server.stop().await.unwrap();

    let server = start(config).await;
    let ssm = client(&server, "us-east-1");
    let newest = create_window(&ssm, "newest").await;
    let rest: Vec<String> = ssm
        .describe_maintenance_windows()
        .max_results(10)
        .next_token(token)
        .send()
        .await
        .unwrap()
        .window_identities
        .unwrap_or_default()
        .into_iter()
        .filter_map(|w| w.window_id)
        .collect();
    assert_eq!(rest, [newest]);
    server.stop().await.unwrap();
}

/// A database written before the sequence counter was stored: the counter
/// starts past every stored window, target and task.
#[tokio::test]
async fn a_database_without_a_stored_counter_continues_past_every_item() {
    let dir = tempfile::tempdir().unwrap();
    let config = durable_config(&dir);
    let server = start(config.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = create_window(&ssm, "old-database").await;
    let mut registered = Vec::new();
    for n in 0..15 {
        registered.push(register_target(&ssm, &window, n).await);
    }
    server.stop().await.unwrap();
    rusqlite::Connection::open(&config.db)
        .unwrap()
        .execute_batch("DELETE FROM counters;")
        .unwrap();

    let server = start(config).await;
    let ssm = client(&server, "us-east-1");
    registered.push(register_target(&ssm, &window, 15).await);
    assert_eq!(all_targets(&ssm, &window).await, registered);
    server.stop().await.unwrap();
}
