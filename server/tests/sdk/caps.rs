//! Bounds on what one request may cost: page sizes, the schedule's
//! look-ahead, client-token retention and the Regions that make a scope.

use std::time::Duration;

use aws_sdk_ssm::types::{MaintenanceWindowResourceType, Target};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::common::{client, error_of, start_default};

async fn every_five_minutes(ssm: &aws_sdk_ssm::Client) -> String {
    ssm.create_maintenance_window()
        .name("often")
        .schedule("rate(5 minutes)")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(true)
        .send()
        .await
        .unwrap()
        .window_id
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_page_size_past_the_cap_is_a_validation_error() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let window = every_five_minutes(&ssm).await;
    for size in [101, 2_000_000, i32::MAX] {
        let call = ssm
            .describe_maintenance_window_schedule()
            .window_id(&window)
            .max_results(size)
            .send();
        let result = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("answered in bounded time");
        let (code, message) = error_of(result);
        assert_eq!(code, "ValidationException");
        assert_eq!(
            message,
            format!(
                "1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy \
                 constraint: Member must have value less than or equal to 100"
            )
        );
        let (code, _) = error_of(
            ssm.describe_maintenance_windows_for_target()
                .targets(
                    Target::builder()
                        .key("InstanceIds")
                        .values("i-0123456789abcdef0")
                        .build(),
                )
                .resource_type(MaintenanceWindowResourceType::Instance)
                .max_results(size)
                .send()
                .await,
        );
        assert_eq!(code, "ValidationException");
    }
    let full = ssm
        .describe_maintenance_window_schedule()
        .window_id(&window)
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert_eq!(full.scheduled_window_executions.unwrap().len(), 100);
    assert!(full.next_token.is_some());
    server.stop().await.unwrap();
}

fn schedule_token(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("DescribeMaintenanceWindowSchedule\n{key}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_far_future_schedule_token_is_answered_in_bounded_time() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let window = every_five_minutes(&ssm).await;
    // Year 9999: past the look-ahead, so nothing is left to list.
    let far = format!("{:020}|{window}", 253_402_300_799_000_i64);
    let call = ssm
        .describe_maintenance_window_schedule()
        .window_id(&window)
        .next_token(schedule_token(&far))
        .send();
    let answer = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("answered in bounded time")
        .unwrap();
    assert_eq!(
        answer.scheduled_window_executions.unwrap_or_default().len(),
        0
    );
    assert!(answer.next_token.is_none());

    // A key that is no time at all is a bad token, not a scan.
    let call = ssm
        .describe_maintenance_window_schedule()
        .window_id(&window)
        .next_token(schedule_token("99999999999999999999|zzz"))
        .send();
    let (code, message) = error_of(
        tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("answered in bounded time"),
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(message, "The specified NextToken is not valid.");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_schedule_ends_at_the_look_ahead_with_no_token() {
    let server = start_default().await;
    let ssm = client(&server, "us-east-1");
    let window = every_five_minutes(&ssm).await;
    let answer = ssm
        .describe_maintenance_window_schedule()
        .window_id(&window)
        .filters(
            aws_sdk_ssm::types::PatchOrchestratorFilter::builder()
                .key("ScheduledAfter")
                .values("2200-01-01T00:00:00Z")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.scheduled_window_executions.unwrap_or_default().len(),
        0
    );
    assert!(answer.next_token.is_none());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn only_real_region_names_make_a_scope() {
    let server = start_default().await;
    for region in [
        "not-a-region",
        "US-EAST-1",
        "us-east-1-x",
        "aaaaaaaaaaaa",
        "us-east-",
    ] {
        let ssm = client(&server, region);
        let (code, message) = error_of(ssm.describe_maintenance_windows().send().await);
        assert_eq!(code, "InvalidSignatureException", "{region}");
        assert_eq!(message, "Credential should be scoped to a valid region.");
        let (code, _) = error_of(
            ssm.create_maintenance_window()
                .name("nowhere")
                .schedule("rate(1 day)")
                .duration(1)
                .cutoff(0)
                .allow_unassociated_targets(true)
                .send()
                .await,
        );
        assert_eq!(code, "InvalidSignatureException", "{region}");
    }
    for region in [
        "us-east-1",
        "eu-central-2",
        "us-gov-west-1",
        "cn-north-1",
        "ap-southeast-4",
        "us-isob-east-1",
    ] {
        let ssm = client(&server, region);
        ssm.describe_maintenance_windows().send().await.unwrap();
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn client_tokens_keep_a_digest_and_expire_after_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ssm.db");
    let clock = std::sync::Arc::new(ssm_server::ManualClock::new(chrono::Utc::now()));
    let server = crate::common::start_with_clock(
        ssm_server::Config {
            db: db.clone(),
            ..ssm_server::Config::for_tests()
        },
        clock.clone(),
    )
    .await;
    let ssm = client(&server, "us-east-1");
    let create = |name: &'static str| {
        ssm.create_maintenance_window()
            .name(name)
            .description("private words")
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(1)
            .allow_unassociated_targets(true)
            .client_token("token-1")
            .send()
    };
    let first = create("Same").await.unwrap().window_id.unwrap();
    clock.advance(chrono::TimeDelta::hours(23));
    assert_eq!(create("Same").await.unwrap().window_id.unwrap(), first);
    let (code, _) = error_of(create("Different").await);
    assert_eq!(code, "IdempotentParameterMismatch");

    // The token keeps a digest of the request, not the request.
    let fingerprints: Vec<String> = {
        let connection = rusqlite::Connection::open(&db).unwrap();
        let mut statement = connection
            .prepare("SELECT fingerprint FROM client_tokens")
            .unwrap();
        let rows = statement.query_map([], |row| row.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(fingerprints.len(), 1);
    assert_eq!(fingerprints[0].len(), 64, "{}", fingerprints[0]);
    assert!(!fingerprints[0].contains("private"));

    // A day after its first use the token is forgotten: reusing it creates.
    clock.advance(chrono::TimeDelta::hours(2));
    let later = create("Different").await.unwrap().window_id.unwrap();
    assert_ne!(later, first);
    assert_eq!(create("Different").await.unwrap().window_id.unwrap(), later);

    // Expired tokens are dropped, not only ignored.
    let other = ssm
        .create_maintenance_window()
        .name("Other")
        .schedule("rate(7 days)")
        .duration(2)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .client_token("token-2");
    clock.advance(chrono::TimeDelta::hours(25));
    other.send().await.unwrap();
    let tokens: Vec<String> = {
        let connection = rusqlite::Connection::open(&db).unwrap();
        let mut statement = connection
            .prepare("SELECT token FROM client_tokens")
            .unwrap();
        let rows = statement.query_map([], |row| row.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(tokens, ["token-2"]);
    server.stop().await.unwrap();
}
