use aws_sdk_ssm::types::{
    MaintenanceWindowExecutionStatus, MaintenanceWindowExecutionTaskIdentity,
    MaintenanceWindowExecutionTaskInvocationIdentity, MaintenanceWindowFilter,
    MaintenanceWindowResourceType, MaintenanceWindowTaskType, PatchOrchestratorFilter, Target,
};
use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use ssm_server::domain::Scope;
use ssm_server::{Clock, Config, ManualClock};

use crate::common::{
    client, create_window, error_of, key, post, run_window_now, start_with_clock, tick,
};

#[tokio::test]
async fn a_run_is_readable_through_every_execution_operation() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let server = start_with_clock(Config::for_tests(), clock.clone()).await;
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
    let execution = run_window_now(&server, &scope, &window).await;
    let running = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        running.status,
        Some(MaintenanceWindowExecutionStatus::InProgress)
    );
    assert_eq!(running.end_time, None);
    // Two nodes, MaxConcurrency 1, five seconds a batch.
    clock.advance(TimeDelta::seconds(10));

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
    assert_eq!(invocations.len(), 2, "one invocation per node");
    let parameters: serde_json::Value =
        serde_json::from_str(invocations[0].parameters.as_deref().unwrap()).unwrap();
    assert_eq!(parameters["documentName"], "AWS-RunShellScript");
    assert_eq!(
        parameters["instanceIds"],
        serde_json::json!(["i-0123456789abcdef0"])
    );
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

/// A window that runs daily at 02:00 UTC, with one task on three nodes.
/// A server on a fresh file at 12:00, a daily window (with a second, later
/// task when asked) started by hand with invocations of a minute, and the
/// server stopped with that run in flight: what the restart tests resume.
async fn run_then_stop(later_task: bool) -> (tempfile::TempDir, Config, Arc<ManualClock>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        db: dir.path().join("ssm.db"),
        invocation_seconds: 60,
        ..Config::for_tests()
    };
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
    ));
    let server = start_with_clock(config.clone(), clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await;
    if later_task {
        add_later_task(&ssm, &window).await;
    }
    let scope = Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    };
    let execution = run_window_now(&server, &scope, &window).await;
    server.stop().await.unwrap();
    (dir, config, clock, execution)
}

async fn daily_window(ssm: &aws_sdk_ssm::Client) -> String {
    let window = ssm
        .create_maintenance_window()
        .name("nightly")
        .schedule("cron(0 2 * * ? *)")
        .duration(2)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .send()
        .await
        .unwrap()
        .window_id
        .unwrap();
    ssm.register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values("i-1")
                .values("i-2")
                .values("i-3")
                .build(),
        )
        .max_concurrency("1")
        .max_errors("0")
        .send()
        .await
        .unwrap();
    window
}

#[tokio::test]
async fn the_scheduler_runs_windows_at_their_times() {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let config = Config {
        invocation_seconds: 60,
        ..Config::for_tests()
    };
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await;
    let next = ssm
        .get_maintenance_window()
        .window_id(&window)
        .send()
        .await
        .unwrap()
        .next_execution_time;
    assert_eq!(next.as_deref(), Some("2026-03-01T02:00Z"));

    // Three days pass: three runs, each three minutes long.
    clock.advance(TimeDelta::days(3));
    assert_eq!(tick(&server).await, 3);
    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap();
    let runs = runs.window_executions.unwrap();
    assert_eq!(runs.len(), 3);
    let starts: Vec<_> = runs.iter().map(|r| r.start_time.unwrap().secs()).collect();
    let expected: Vec<i64> = (0..3)
        .rev()
        .map(|d| (start + TimeDelta::days(d) + TimeDelta::hours(2)).timestamp())
        .collect();
    assert_eq!(starts, expected, "newest first, at 02:00 each day");
    assert!(runs
        .iter()
        .all(|r| r.status == Some(MaintenanceWindowExecutionStatus::Success)));
    let ends: Vec<_> = runs
        .iter()
        .map(|r| r.end_time.unwrap().secs() - r.start_time.unwrap().secs())
        .collect();
    assert_eq!(ends, [180, 180, 180]);
    let next = ssm
        .get_maintenance_window()
        .window_id(&window)
        .send()
        .await
        .unwrap()
        .next_execution_time;
    assert_eq!(next.as_deref(), Some("2026-03-04T02:00Z"));

    // ExecutedAfter narrows the list to the last run.
    let recent = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .filters(
            MaintenanceWindowFilter::builder()
                .key("ExecutedAfter")
                .values("2026-03-03T00:00:00Z")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(recent.window_executions.unwrap().len(), 1);
    server.stop().await.unwrap();
}

/// Registers a second task, priority 2, that starts when the first ends.
async fn add_later_task(ssm: &aws_sdk_ssm::Client, window: &str) {
    ssm.register_task_with_maintenance_window()
        .window_id(window)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .priority(2)
        .targets(Target::builder().key("InstanceIds").values("i-4").build())
        .max_concurrency("1")
        .max_errors("0")
        .send()
        .await
        .unwrap();
}

/// Every task of a run, in run order, with its invocations.
async fn tasks_of(
    ssm: &aws_sdk_ssm::Client,
    execution: &str,
) -> Vec<(
    MaintenanceWindowExecutionTaskIdentity,
    Vec<MaintenanceWindowExecutionTaskInvocationIdentity>,
)> {
    let tasks = ssm
        .describe_maintenance_window_execution_tasks()
        .window_execution_id(execution)
        .send()
        .await
        .unwrap()
        .window_execution_task_identities
        .unwrap();
    let mut out = Vec::new();
    for task in tasks {
        let invocations = ssm
            .describe_maintenance_window_execution_task_invocations()
            .window_execution_id(execution)
            .task_id(task.task_execution_id.clone().unwrap())
            .send()
            .await
            .unwrap()
            .window_execution_task_invocation_identities
            .unwrap();
        out.push((task, invocations));
    }
    out
}

#[tokio::test]
async fn a_run_in_flight_can_be_cancelled() {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 1, 59, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let config = Config {
        invocation_seconds: 60,
        ..Config::for_tests()
    };
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await;
    add_later_task(&ssm, &window).await;

    clock.advance(TimeDelta::seconds(90)); // 02:00:30, the first task is running
    assert_eq!(tick(&server).await, 1);
    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap();
    let execution = runs.window_executions.unwrap()[0]
        .window_execution_id
        .clone()
        .unwrap();
    let seen = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status,
        Some(MaintenanceWindowExecutionStatus::InProgress)
    );

    ssm.cancel_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    let seen = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status,
        Some(MaintenanceWindowExecutionStatus::Cancelling),
        "the running task finishes"
    );

    clock.advance(TimeDelta::seconds(30)); // 02:01:00: still running
    let seen = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status,
        Some(MaintenanceWindowExecutionStatus::Cancelling)
    );

    clock.advance(TimeDelta::minutes(2)); // 02:03:00: its three batches are done
    let seen = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status,
        Some(MaintenanceWindowExecutionStatus::Cancelled)
    );
    assert_eq!(seen.end_time.unwrap().secs(), start.timestamp() + 240);
    let tasks = tasks_of(&ssm, &execution).await;
    let (running, running_invocations) = &tasks[0];
    assert_eq!(
        running.status,
        Some(MaintenanceWindowExecutionStatus::Success),
        "a task running when the cancel came finished as it would have"
    );
    let statuses: Vec<_> = running_invocations
        .iter()
        .map(|i| (i.status.clone().unwrap(), i.status_details.clone()))
        .collect();
    let success = (
        MaintenanceWindowExecutionStatus::Success,
        Some("Success".to_owned()),
    );
    assert_eq!(statuses, [success.clone(), success.clone(), success]);
    let (later, later_invocations) = &tasks[1];
    assert_eq!(
        later.status,
        Some(MaintenanceWindowExecutionStatus::Cancelled)
    );
    assert!(later.start_time.is_none() && later.end_time.is_none());
    for invocation in later_invocations {
        assert_eq!(
            invocation.status,
            Some(MaintenanceWindowExecutionStatus::Cancelled)
        );
        assert_eq!(
            invocation.status_details.as_deref(),
            Some("Cancelled before it started.")
        );
        assert!(invocation.start_time.is_none() && invocation.end_time.is_none());
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_run_still_going_makes_the_next_one_skip() {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    // Each of three batches takes 10 hours, so a run lasts longer than a day.
    let config = Config {
        invocation_seconds: 36_000,
        ..Config::for_tests()
    };
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await;
    clock.advance(TimeDelta::days(2));
    assert_eq!(tick(&server).await, 2);
    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap();
    let statuses: Vec<_> = runs
        .window_executions
        .unwrap()
        .iter()
        .map(|r| r.status.clone().unwrap())
        .collect();
    // The first run (30 hours long) has finished by now; the second was skipped.
    assert_eq!(
        statuses,
        [
            MaintenanceWindowExecutionStatus::SkippedOverlapping,
            MaintenanceWindowExecutionStatus::Success
        ]
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_run_cut_off_by_a_restart_is_closed_with_a_clear_status() {
    let (_dir, config, clock, execution) = run_then_stop(false).await;

    clock.advance(TimeDelta::seconds(30)); // the first of three invocations was running
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let seen = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status, Some(MaintenanceWindowExecutionStatus::Failed));
    assert!(seen.status_details.unwrap().contains("ssm-server stopped"));
    assert_eq!(seen.end_time.unwrap().secs(), clock.now().timestamp());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_restart_never_ends_work_before_it_started() {
    let (_dir, config, clock, execution) = run_then_stop(true).await;

    clock.advance(TimeDelta::seconds(30)); // the first of three invocations was running
    let server = start_with_clock(config, clock.clone()).await;
    let stopped_at = clock.now().timestamp();
    // Long after every planned start: planned times must not show through.
    clock.advance(TimeDelta::hours(1));
    let ssm = client(&server, "us-east-1");
    let tasks = tasks_of(&ssm, &execution).await;
    let mut records = Vec::new();
    for (task, invocations) in &tasks {
        records.push((task.status.clone(), task.start_time, task.end_time));
        for i in invocations {
            records.push((i.status.clone(), i.start_time, i.end_time));
        }
    }
    for (status, start, end) in &records {
        match (start, end) {
            (Some(start), Some(end)) => assert!(start.secs() <= end.secs(), "{records:?}"),
            (None, None) => assert_eq!(
                *status,
                Some(MaintenanceWindowExecutionStatus::Cancelled),
                "{records:?}"
            ),
            _ => panic!("a start without an end, or an end without a start: {records:?}"),
        }
        if let Some(end) = end {
            assert!(end.secs() <= stopped_at, "{records:?}");
        }
    }
    let (first, first_invocations) = &tasks[0];
    assert_eq!(first.status, Some(MaintenanceWindowExecutionStatus::Failed));
    assert_eq!(
        first_invocations[0].status,
        Some(MaintenanceWindowExecutionStatus::Failed)
    );
    for later in &first_invocations[1..] {
        assert_eq!(
            later.status,
            Some(MaintenanceWindowExecutionStatus::Cancelled)
        );
        assert!(later
            .status_details
            .as_deref()
            .is_some_and(|d| d.contains("ssm-server stopped")));
    }
    assert_eq!(
        tasks[1].0.status,
        Some(MaintenanceWindowExecutionStatus::Cancelled)
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn runs_whose_recording_failed_are_recorded_by_the_next_tick() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ssm.db");
    let config = Config {
        db: db.clone(),
        ..Config::for_tests()
    };
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await;

    // A second connection makes SQLite refuse new runs, as a full disk would.
    let saboteur = rusqlite::Connection::open(&db).unwrap();
    saboteur
        .execute_batch(
            "CREATE TRIGGER refuse_runs BEFORE INSERT ON executions
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    clock.advance(TimeDelta::hours(3)); // the 02:00 run is due
    assert_eq!(tick(&server).await, 0, "the write failed");
    saboteur.execute_batch("DROP TRIGGER refuse_runs;").unwrap();

    clock.advance(TimeDelta::minutes(1));
    assert_eq!(tick(&server).await, 1, "the run is recorded late, not lost");
    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap()
        .window_executions
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].start_time.unwrap().secs(),
        (start + TimeDelta::hours(2)).timestamp()
    );
    server.stop().await.unwrap();
}

/// `POST /_admin/windows/{id}/run`, signed: (HTTP status, JSON body).
async fn admin_run(server: &ssm_server::Running, window: &str) -> (u16, serde_json::Value) {
    let path = format!("/_admin/windows/{window}/run?region=us-east-1");
    let answer = post(server.addr, &path, &[], b"", Some(&key("us-east-1"))).await;
    (answer.status, answer.json())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_run_follows_the_scheduled_run_checks() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
    ));
    let config = Config {
        invocation_seconds: 60,
        ..Config::for_tests()
    };
    let server = start_with_clock(config, clock.clone()).await;
    let ssm = client(&server, "us-east-1");
    let window = daily_window(&ssm).await; // a run lasts three minutes

    let (status, body) = admin_run(&server, &window).await;
    assert_eq!(status, 200, "{body}");
    let first = body["WindowExecutionId"].as_str().unwrap().to_owned();

    clock.advance(TimeDelta::minutes(1));
    let (status, body) = admin_run(&server, &window).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["__type"], "ValidationException");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(&window) && message.contains(&first) && message.contains("in progress"),
        "{message}"
    );

    clock.advance(TimeDelta::minutes(2)); // the first run has ended
    let (status, body) = admin_run(&server, &window).await;
    assert_eq!(status, 200, "{body}");

    clock.advance(TimeDelta::minutes(3));
    ssm.update_maintenance_window()
        .window_id(&window)
        .enabled(false)
        .send()
        .await
        .unwrap();
    let (status, body) = admin_run(&server, &window).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["__type"], "ValidationException");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(&window) && message.contains("disabled"),
        "{message}"
    );

    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap()
        .window_executions
        .unwrap();
    assert_eq!(runs.len(), 2, "refused runs leave no record");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_window_in_a_new_region_does_not_run_for_times_before_it_existed() {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let server = start_with_clock(Config::for_tests(), clock.clone()).await;
    clock.advance(TimeDelta::days(3));
    assert_eq!(tick(&server).await, 0);
    let ssm = client(&server, "eu-west-3");
    let window = daily_window(&ssm).await;
    clock.advance(TimeDelta::minutes(1));
    assert_eq!(tick(&server).await, 0, "no back-filled runs");
    let runs = ssm
        .describe_maintenance_window_executions()
        .window_id(&window)
        .send()
        .await
        .unwrap()
        .window_executions
        .unwrap();
    assert!(runs.is_empty(), "{runs:?}");
    server.stop().await.unwrap();
}
