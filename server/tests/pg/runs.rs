//! Scheduled runs with three replicas ticking on one database.

use std::time::{Duration, Instant};

use aws_sdk_ssm::types::{MaintenanceWindowExecutionStatus, MaintenanceWindowTaskType, Target};
use aws_sdk_ssm::Client;
use chrono::{SubsecRound, TimeDelta, Utc};

use crate::replicas::{query_texts, Replicas};

/// A window whose only run is `seconds` from now (whole seconds, UTC).
async fn window_running_in(client: &Client, name: &str, seconds: i64) -> (String, i64) {
    let at = Utc::now().trunc_subsecs(0) + TimeDelta::seconds(seconds);
    let id = client
        .create_maintenance_window()
        .name(name)
        .schedule(format!("at({})", at.format("%Y-%m-%dT%H:%M:%S")))
        .duration(2)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .send()
        .await
        .expect("window created")
        .window_id
        .expect("window id");
    (id, at.timestamp())
}

/// The runs of `window` as `client` lists them.
async fn runs_of(
    client: &Client,
    window: &str,
) -> Vec<aws_sdk_ssm::types::MaintenanceWindowExecution> {
    client
        .describe_maintenance_window_executions()
        .window_id(window)
        .send()
        .await
        .expect("runs listed")
        .window_executions
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_scheduled_run_is_fired_once_by_three_replicas() {
    let replicas = Replicas::start(3, &[]);
    let mut windows = Vec::new();
    for n in 0..6 {
        // Spread over a few seconds, so the replicas' ticks (each on its
        // own second) race for some runs and not for others.
        let created = window_running_in(
            replicas.client(n % 3),
            &format!("once-{n}"),
            3 + n as i64 / 2,
        )
        .await;
        windows.push(created);
    }
    let last = windows.iter().map(|(_, at)| *at).max().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut missing = 0;
        for (id, _) in &windows {
            if runs_of(replicas.client(0), id).await.is_empty() {
                missing += 1;
            }
        }
        if missing == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{missing} runs never started");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Every replica has ticked past the last run time at least twice since:
    // a duplicate would be recorded by now.
    while Utc::now().timestamp() < last + 3 {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for (id, at) in &windows {
        for replica in 0..replicas.count() {
            let runs = runs_of(replicas.client(replica), id).await;
            assert_eq!(runs.len(), 1, "window {id}: {runs:?}");
            assert_eq!(runs[0].start_time.unwrap().secs(), *at);
        }
    }
    let per_window = query_texts(
        &replicas.db,
        "SELECT count(*)::text FROM executions GROUP BY window_id",
    );
    assert_eq!(per_window, vec!["1"; windows.len()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_of_a_killed_replica_is_closed_by_another() {
    // Two invocations of a minute each, one at a time: the run lasts two
    // minutes, far longer than the test.
    let mut replicas = Replicas::start(3, &["--invocation-seconds", "60"]);
    let (window, _) = window_running_in(replicas.client(0), "killed-mid-run", 3).await;
    replicas
        .client(0)
        .register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values("i-1")
                .values("i-2")
                .build(),
        )
        .max_concurrency("1")
        .max_errors("0")
        .send()
        .await
        .expect("task registered");

    let deadline = Instant::now() + Duration::from_secs(20);
    let execution = loop {
        if let Some(run) = runs_of(replicas.client(1), &window).await.pop() {
            break run;
        }
        assert!(Instant::now() < deadline, "the run never started");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(
        execution.status,
        Some(MaintenanceWindowExecutionStatus::InProgress)
    );
    let execution_id = execution.window_execution_id.unwrap();
    let runner = query_texts(
        &replicas.db,
        &format!("SELECT body::json->>'runner' FROM executions WHERE id = '{execution_id}'"),
    );
    let victim = (0..replicas.count())
        .find(|r| runner == [replicas.id(*r)])
        .unwrap_or_else(|| panic!("run owned by an unknown replica: {runner:?}"));
    let survivor = (victim + 1) % replicas.count();

    // While its replica lives, the run is left alone.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = replicas
        .client(survivor)
        .get_maintenance_window_execution()
        .window_execution_id(&execution_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status,
        Some(MaintenanceWindowExecutionStatus::InProgress)
    );

    replicas.kill(victim);
    let killed_at = Utc::now().timestamp();
    // The lease (15 s) lapses, then a survivor's next tick closes the run.
    let deadline = Instant::now() + Duration::from_secs(40);
    let closed = loop {
        let seen = replicas
            .client(survivor)
            .get_maintenance_window_execution()
            .window_execution_id(&execution_id)
            .send()
            .await
            .unwrap();
        if seen.status != Some(MaintenanceWindowExecutionStatus::InProgress) {
            break seen;
        }
        assert!(
            Instant::now() < deadline,
            "the dead replica's run was never closed"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(
        closed.status,
        Some(MaintenanceWindowExecutionStatus::Failed)
    );
    assert!(
        closed
            .status_details
            .as_deref()
            .is_some_and(|d| d.contains("ssm-server stopped")),
        "{closed:?}"
    );
    let end = closed.end_time.unwrap().secs();
    assert!(
        end >= killed_at,
        "closed at {end}, before the kill at {killed_at}"
    );
    // Closed once, and the window's run is still the one run.
    assert_eq!(runs_of(replicas.client(survivor), &window).await.len(), 1);
}
