//! What one replica acknowledges holds on all of them.

use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::types::Target;
use tokio::task::JoinSet;

use crate::common::{create_window, error_of};
use crate::replicas::{query_texts, window_ids, Replicas};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_starting_together_migrate_once() {
    let replicas = Replicas::start(3, &[]);
    let versions = query_texts(
        &replicas.db,
        "SELECT version::text FROM schema_migrations ORDER BY version",
    );
    assert_eq!(versions, ["1"]);
    // A later replica finds the work done and serves the same data.
    let id = create_window(replicas.client(0), "before-the-fourth").await;
    let late = Replicas::start_on(replicas.db.clone(), 1, &[]);
    let seen = late
        .client(0)
        .get_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .expect("window visible on the new replica");
    assert_eq!(seen.name.as_deref(), Some("before-the-fourth"));
    let versions = query_texts(&replicas.db, "SELECT count(*)::text FROM schema_migrations");
    assert_eq!(versions, ["1"]);
}

#[test]
fn a_replica_refuses_a_schema_newer_than_it_knows() {
    let db = crate::common::fresh_postgres_schema(&crate::replicas::admin_url());
    drop(Replicas::start_on(db.clone(), 1, &[]));
    query_texts(
        &db,
        "INSERT INTO schema_migrations (version) VALUES (999) RETURNING ''",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssm-server"))
        .args(["--listen", "127.0.0.1:0", "--log", "warn", "--db", &db])
        .output()
        .expect("ssm-server runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("schema version 999, newer than this program's"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_window_quota_holds_across_replicas() {
    let replicas = Replicas::start(3, &[]);
    let mut calls = JoinSet::new();
    for replica in 0..replicas.count() {
        for n in 0..40 {
            let client = replicas.client(replica).clone();
            calls.spawn(async move {
                client
                    .create_maintenance_window()
                    .name(format!("quota-{replica}-{n}"))
                    .schedule("rate(7 days)")
                    .duration(2)
                    .cutoff(1)
                    .allow_unassociated_targets(true)
                    .send()
                    .await
            });
        }
    }
    let (mut created, mut refused) = (0, 0);
    while let Some(done) = calls.join_next().await {
        match done.expect("call task") {
            Ok(_) => created += 1,
            Err(error) => {
                assert_eq!(
                    error.code(),
                    Some("ResourceLimitExceededException"),
                    "{error:?}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!((created, refused), (50, 70));
    for replica in 0..replicas.count() {
        assert_eq!(window_ids(&replicas, 100, |_| replica).await.len(), 50);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_on_one_replica_is_seen_by_the_next_read_on_any() {
    let replicas = Replicas::start(3, &[]);
    for round in 0..5 {
        let (writer, reader) = (round % 3, (round + 1) % 3);
        let id = create_window(replicas.client(writer), &format!("seen-{round}")).await;
        let got = replicas
            .client(reader)
            .get_maintenance_window()
            .window_id(&id)
            .send()
            .await
            .expect("created window visible at once on another replica");
        assert_eq!(got.name.as_deref(), Some(format!("seen-{round}").as_str()));

        replicas
            .client(reader)
            .update_maintenance_window()
            .window_id(&id)
            .description(format!("changed-{round}"))
            .send()
            .await
            .unwrap();
        let third = (round + 2) % 3;
        let got = replicas
            .client(third)
            .get_maintenance_window()
            .window_id(&id)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.description.as_deref(),
            Some(format!("changed-{round}").as_str())
        );

        replicas
            .client(third)
            .delete_maintenance_window()
            .window_id(&id)
            .send()
            .await
            .unwrap();
        let (code, _) = error_of(
            replicas
                .client(writer)
                .get_maintenance_window()
                .window_id(&id)
                .send()
                .await,
        );
        assert_eq!(code, "DoesNotExistException");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_from_different_replicas_lose_no_field() {
    let replicas = Replicas::start(3, &[]);
    let id = create_window(replicas.client(0), "contended").await;
    const ROUNDS: usize = 15;
    let mut writers = JoinSet::new();
    for replica in 0..replicas.count() {
        let client = replicas.client(replica).clone();
        let id = id.clone();
        writers.spawn(async move {
            for n in 0..ROUNDS {
                match replica {
                    0 => {
                        client
                            .update_maintenance_window()
                            .window_id(&id)
                            .description(format!("description-{n}"))
                            .send()
                            .await
                            .expect("description updated");
                    }
                    1 => {
                        client
                            .update_maintenance_window()
                            .window_id(&id)
                            .name(format!("name-{n}"))
                            .send()
                            .await
                            .expect("name updated");
                    }
                    _ => {
                        // Targets live inside the window's record: a lost
                        // update would drop some.
                        client
                            .register_target_with_maintenance_window()
                            .window_id(&id)
                            .resource_type(
                                aws_sdk_ssm::types::MaintenanceWindowResourceType::Instance,
                            )
                            .targets(
                                Target::builder()
                                    .key("InstanceIds")
                                    .values(format!("i-{n:04}"))
                                    .build(),
                            )
                            .send()
                            .await
                            .expect("target registered");
                    }
                }
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.expect("writer finished");
    }
    for replica in 0..replicas.count() {
        let window = replicas
            .client(replica)
            .get_maintenance_window()
            .window_id(&id)
            .send()
            .await
            .unwrap();
        assert_eq!(
            window.description.as_deref(),
            Some(format!("description-{}", ROUNDS - 1).as_str())
        );
        assert_eq!(
            window.name.as_deref(),
            Some(format!("name-{}", ROUNDS - 1).as_str())
        );
        let targets = replicas
            .client(replica)
            .describe_maintenance_window_targets()
            .window_id(&id)
            .max_results(100)
            .send()
            .await
            .unwrap();
        let mut nodes: Vec<String> = targets
            .targets()
            .iter()
            .flat_map(|t| t.targets().iter().flat_map(|t| t.values().to_vec()))
            .collect();
        nodes.sort();
        let expected: Vec<String> = (0..ROUNDS).map(|n| format!("i-{n:04}")).collect();
        assert_eq!(nodes, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_token_is_honoured_by_every_replica() {
    let replicas = Replicas::start(3, &[]);
    let mut calls = JoinSet::new();
    for replica in 0..replicas.count() {
        for _ in 0..5 {
            let client = replicas.client(replica).clone();
            calls.spawn(async move {
                client
                    .create_maintenance_window()
                    .name("tokened")
                    .schedule("rate(7 days)")
                    .duration(2)
                    .cutoff(1)
                    .allow_unassociated_targets(true)
                    .client_token("one-token")
                    .send()
                    .await
                    .expect("create with a token")
                    .window_id
                    .expect("window id")
            });
        }
    }
    let mut ids = Vec::new();
    while let Some(done) = calls.join_next().await {
        ids.push(done.expect("call task"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry names the one window: {ids:?}");
    assert_eq!(window_ids(&replicas, 10, |_| 2).await, ids);

    let (code, _) = error_of(
        replicas
            .client(1)
            .create_maintenance_window()
            .name("something-else")
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(1)
            .allow_unassociated_targets(true)
            .client_token("one-token")
            .send()
            .await,
    );
    assert_eq!(code, "IdempotentParameterMismatch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_next_token_from_one_replica_works_on_another() {
    let replicas = Replicas::start(3, &[]);
    let mut created = Vec::new();
    for n in 0..25 {
        created.push(create_window(replicas.client(n % 3), &format!("page-{n:02}")).await);
    }
    let paged = window_ids(&replicas, 10, |page| page % 3).await;
    assert_eq!(paged, created, "every window once, in creation order");
}
