//! Two accounts on one server: nothing of one is visible or changeable from
//! the other. Every one of the 26 operations is called by account B with
//! account A's ids, and must answer exactly as it answers ids that never
//! existed; afterwards A's state is as it was.

use std::fmt::Debug;

use aws_sdk_ssm::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssm::types::{
    MaintenanceWindowResourceType, MaintenanceWindowTaskType, ResourceTypeForTagging, Tag, Target,
};
use aws_sdk_ssm::Client;
use ssm_server::domain::Scope;
use ssm_server::Config;

use crate::common::{client_as, run_window_now, start};

const REGION: &str = "eu-central-1";
const ACCOUNT_A: &str = "111122223333";
const ACCOUNT_B: &str = "444455556666";
const INSTANCE: &str = "i-0a1b2c3d4e5f60718";

/// The ids one account's calls name.
#[derive(Clone, Debug)]
struct Ids {
    window: String,
    target: String,
    task: String,
    execution: String,
    execution_task: String,
    invocation: String,
    /// A NextToken from listing the account's windows.
    next_token: String,
}

impl Ids {
    /// Every id in `text` replaced by its role, so answers about different
    /// ids can be compared.
    fn mask(&self, text: &str) -> String {
        [
            (&self.window, "<window>"),
            (&self.target, "<target>"),
            (&self.task, "<task>"),
            (&self.execution, "<execution>"),
            (&self.execution_task, "<execution-task>"),
            (&self.invocation, "<invocation>"),
            (&self.next_token, "<next-token>"),
        ]
        .iter()
        .fold(text.to_owned(), |text, (id, role)| {
            text.replace(id.as_str(), role)
        })
    }
}

/// What a call answered: its error code and message, or its output.
fn outcome<O: Debug, E: ProvideErrorMetadata + Debug>(result: Result<O, SdkError<E>>) -> String {
    match result {
        Ok(output) => without_request_ids(&format!("ok {output:?}")),
        Err(error) => match error.as_service_error() {
            Some(e) => format!("{}: {}", e.code().unwrap_or("?"), e.message().unwrap_or("")),
            None => panic!("not a service error: {error:?}"),
        },
    }
}

/// `text` without the request ids SDK outputs show, which differ on
/// every call.
fn without_request_ids(text: &str) -> String {
    const FIELD: &str = "_request_id: Some(\"";
    let mut out = String::new();
    let mut rest = text;
    while let Some((head, tail)) = rest.split_once(FIELD) {
        out.push_str(head);
        rest = tail.get(36..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Account A's window with a target, a task, a tag and a finished run.
async fn populate(server: &ssm_server::Running, a: &Client) -> Ids {
    let mut windows = Vec::new();
    for name in ["first", "second"] {
        let id = a
            .create_maintenance_window()
            .name(name)
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(0)
            .allow_unassociated_targets(true)
            .client_token(format!("token-{name}"))
            .tags(Tag::builder().key("team").value("a").build().unwrap())
            .send()
            .await
            .unwrap()
            .window_id
            .unwrap();
        windows.push(id);
    }
    let window = windows[0].clone();
    let target = a
        .register_target_with_maintenance_window()
        .window_id(&window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values(INSTANCE)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .window_target_id
        .unwrap();
    let task = a
        .register_task_with_maintenance_window()
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
        .unwrap()
        .window_task_id
        .unwrap();
    let scope = Scope {
        account: ACCOUNT_A.into(),
        region: REGION.into(),
    };
    let execution = run_window_now(server, &scope, &window).await;
    let execution_task = a
        .describe_maintenance_window_execution_tasks()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap()
        .window_execution_task_identities
        .unwrap()[0]
        .task_execution_id
        .clone()
        .unwrap();
    let invocation = a
        .describe_maintenance_window_execution_task_invocations()
        .window_execution_id(&execution)
        .task_id(&execution_task)
        .send()
        .await
        .unwrap()
        .window_execution_task_invocation_identities
        .unwrap()[0]
        .invocation_id
        .clone()
        .unwrap();
    // A second window on the same node, so that a search paged by one
    // returns a NextToken.
    a.register_target_with_maintenance_window()
        .window_id(&windows[1])
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values(INSTANCE)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let next_token = a
        .describe_maintenance_windows_for_target()
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("InstanceIds")
                .values(INSTANCE)
                .build(),
        )
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token
        .unwrap_or_default();
    Ids {
        window,
        target,
        task,
        execution,
        execution_task,
        invocation,
        next_token,
    }
}

/// Every operation as account `ssm` calls it with `ids`, each answer
/// masked by `ids`.
async fn every_operation(ssm: &Client, ids: &Ids) -> Vec<(&'static str, String)> {
    let target = || {
        Target::builder()
            .key("InstanceIds")
            .values(INSTANCE)
            .build()
    };
    let mut answers = vec![
        (
            "GetMaintenanceWindow",
            outcome(
                ssm.get_maintenance_window()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "UpdateMaintenanceWindow",
            outcome(
                ssm.update_maintenance_window()
                    .window_id(&ids.window)
                    .name("taken")
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindows",
            outcome(ssm.describe_maintenance_windows().send().await),
        ),
        (
            "DescribeMaintenanceWindowsForTarget",
            outcome(
                ssm.describe_maintenance_windows_for_target()
                    .resource_type(MaintenanceWindowResourceType::Instance)
                    .targets(target())
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowsForTarget (A's NextToken)",
            outcome(
                ssm.describe_maintenance_windows_for_target()
                    .resource_type(MaintenanceWindowResourceType::Instance)
                    .targets(target())
                    .max_results(1)
                    .next_token(&ids.next_token)
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowSchedule",
            outcome(
                ssm.describe_maintenance_window_schedule()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowTargets",
            outcome(
                ssm.describe_maintenance_window_targets()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "RegisterTargetWithMaintenanceWindow",
            outcome(
                ssm.register_target_with_maintenance_window()
                    .window_id(&ids.window)
                    .resource_type(MaintenanceWindowResourceType::Instance)
                    .targets(target())
                    .send()
                    .await,
            ),
        ),
        (
            "UpdateMaintenanceWindowTarget",
            outcome(
                ssm.update_maintenance_window_target()
                    .window_id(&ids.window)
                    .window_target_id(&ids.target)
                    .name("taken")
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowTasks",
            outcome(
                ssm.describe_maintenance_window_tasks()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "GetMaintenanceWindowTask",
            outcome(
                ssm.get_maintenance_window_task()
                    .window_id(&ids.window)
                    .window_task_id(&ids.task)
                    .send()
                    .await,
            ),
        ),
        (
            "RegisterTaskWithMaintenanceWindow",
            outcome(
                ssm.register_task_with_maintenance_window()
                    .window_id(&ids.window)
                    .task_arn("AWS-RunShellScript")
                    .task_type(MaintenanceWindowTaskType::RunCommand)
                    .targets(target())
                    .max_concurrency("1")
                    .max_errors("0")
                    .send()
                    .await,
            ),
        ),
        (
            "UpdateMaintenanceWindowTask",
            outcome(
                ssm.update_maintenance_window_task()
                    .window_id(&ids.window)
                    .window_task_id(&ids.task)
                    .name("taken")
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowExecutions",
            outcome(
                ssm.describe_maintenance_window_executions()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "GetMaintenanceWindowExecution",
            outcome(
                ssm.get_maintenance_window_execution()
                    .window_execution_id(&ids.execution)
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowExecutionTasks",
            outcome(
                ssm.describe_maintenance_window_execution_tasks()
                    .window_execution_id(&ids.execution)
                    .send()
                    .await,
            ),
        ),
        (
            "GetMaintenanceWindowExecutionTask",
            outcome(
                ssm.get_maintenance_window_execution_task()
                    .window_execution_id(&ids.execution)
                    .task_id(&ids.execution_task)
                    .send()
                    .await,
            ),
        ),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            outcome(
                ssm.describe_maintenance_window_execution_task_invocations()
                    .window_execution_id(&ids.execution)
                    .task_id(&ids.execution_task)
                    .send()
                    .await,
            ),
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            outcome(
                ssm.get_maintenance_window_execution_task_invocation()
                    .window_execution_id(&ids.execution)
                    .task_id(&ids.execution_task)
                    .invocation_id(&ids.invocation)
                    .send()
                    .await,
            ),
        ),
        (
            "CancelMaintenanceWindowExecution",
            outcome(
                ssm.cancel_maintenance_window_execution()
                    .window_execution_id(&ids.execution)
                    .send()
                    .await,
            ),
        ),
        (
            "ListTagsForResource",
            outcome(
                ssm.list_tags_for_resource()
                    .resource_type(ResourceTypeForTagging::MaintenanceWindow)
                    .resource_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
        (
            "AddTagsToResource",
            outcome(
                ssm.add_tags_to_resource()
                    .resource_type(ResourceTypeForTagging::MaintenanceWindow)
                    .resource_id(&ids.window)
                    .tags(Tag::builder().key("team").value("b").build().unwrap())
                    .send()
                    .await,
            ),
        ),
        (
            "RemoveTagsFromResource",
            outcome(
                ssm.remove_tags_from_resource()
                    .resource_type(ResourceTypeForTagging::MaintenanceWindow)
                    .resource_id(&ids.window)
                    .tag_keys("team")
                    .send()
                    .await,
            ),
        ),
        (
            "DeregisterTaskFromMaintenanceWindow",
            outcome(
                ssm.deregister_task_from_maintenance_window()
                    .window_id(&ids.window)
                    .window_task_id(&ids.task)
                    .send()
                    .await,
            ),
        ),
        (
            "DeregisterTargetFromMaintenanceWindow",
            outcome(
                ssm.deregister_target_from_maintenance_window()
                    .window_id(&ids.window)
                    .window_target_id(&ids.target)
                    .send()
                    .await,
            ),
        ),
        (
            "DeleteMaintenanceWindow",
            outcome(
                ssm.delete_maintenance_window()
                    .window_id(&ids.window)
                    .send()
                    .await,
            ),
        ),
    ];
    for (_, answer) in &mut answers {
        *answer = ids.mask(answer);
    }
    answers
}

/// Ids of the same forms as `real`'s that name nothing.
fn phantom(real: &Ids) -> Ids {
    let uuid = |_: &str| uuid::Uuid::new_v4().to_string();
    Ids {
        window: "mw-0f0e0d0c0b0a09080".into(),
        target: uuid(&real.target),
        task: uuid(&real.task),
        execution: uuid(&real.execution),
        execution_task: uuid(&real.execution_task),
        invocation: uuid(&real.invocation),
        // B has no token of its own to compare with; what it sees with A's
        // is checked for A's names instead.
        next_token: real.next_token.clone(),
    }
}

/// What account A can see of its own things, to compare before and after.
async fn state_of(a: &Client, ids: &Ids) -> String {
    let window = a
        .get_maintenance_window()
        .window_id(&ids.window)
        .send()
        .await
        .unwrap();
    let targets = a
        .describe_maintenance_window_targets()
        .window_id(&ids.window)
        .send()
        .await
        .unwrap();
    let tasks = a
        .describe_maintenance_window_tasks()
        .window_id(&ids.window)
        .send()
        .await
        .unwrap();
    let tags = a
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&ids.window)
        .send()
        .await
        .unwrap();
    let execution = a
        .get_maintenance_window_execution()
        .window_execution_id(&ids.execution)
        .send()
        .await
        .unwrap();
    without_request_ids(&format!(
        "{window:?}\n{targets:?}\n{tasks:?}\n{tags:?}\n{execution:?}"
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn one_account_cannot_see_or_change_another() {
    let server = start(Config {
        invocation_seconds: 0,
        ..Config::for_tests()
    })
    .await;
    let a = client_as(server.addr, REGION, ACCOUNT_A);
    let b = client_as(server.addr, REGION, ACCOUNT_B);
    let ids = populate(&server, &a).await;
    assert!(!ids.next_token.is_empty(), "A's listing pages by one");
    let before = state_of(&a, &ids).await;

    let with_a_ids = every_operation(&b, &ids).await;
    let nowhere = phantom(&ids);
    let with_no_ids = every_operation(&b, &nowhere).await;
    let operations: std::collections::BTreeSet<_> = with_a_ids
        .iter()
        .map(|(name, _)| name.split(' ').next())
        .collect();
    assert_eq!(operations.len(), 25, "all but CreateMaintenanceWindow");
    for ((operation, seen), (_, expected)) in with_a_ids.iter().zip(&with_no_ids) {
        assert_eq!(
            seen, expected,
            "{operation}: A's ids must answer as ids that do not exist"
        );
        assert!(
            ["first", "second", ACCOUNT_A]
                .iter()
                .all(|a_word| !seen.contains(a_word)),
            "{operation} shows B something of A's: {seen}"
        );
    }
    // The 26th operation: A's ClientToken means nothing in B's account.
    let b_window = b
        .create_maintenance_window()
        .name("first")
        .schedule("rate(7 days)")
        .duration(2)
        .cutoff(0)
        .allow_unassociated_targets(true)
        .client_token("token-first")
        .tags(Tag::builder().key("team").value("a").build().unwrap())
        .send()
        .await
        .unwrap()
        .window_id
        .unwrap();
    assert_ne!(b_window, ids.window);
    let b_sees = b.describe_maintenance_windows().send().await.unwrap();
    let b_ids: Vec<_> = b_sees
        .window_identities()
        .iter()
        .filter_map(|w| w.window_id())
        .collect();
    assert_eq!(b_ids, [b_window.as_str()]);

    assert_eq!(state_of(&a, &ids).await, before, "B changed nothing of A's");
    let a_sees = a.describe_maintenance_windows().send().await.unwrap();
    assert_eq!(a_sees.window_identities().len(), 2);
    server.stop().await.unwrap();
}
