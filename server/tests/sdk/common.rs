//! A server in this process on an ephemeral port, and an official AWS SDK
//! client pointed at it.

use std::net::SocketAddr;
use std::sync::Arc;

use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ssm::Client;
use ssm_server::{Config, ManualClock, Running, SystemClock};

/// A server in this process. With `SSM_TEST_DB=postgres://…` set, a server
/// that would keep its state in memory keeps it in a schema of its own in
/// that PostgreSQL database instead, so the whole suite runs on that backend.
pub async fn start(config: Config) -> Running {
    let config = on_test_db(config);
    ssm_server::start(&config, Arc::new(SystemClock))
        .await
        .expect("server starts")
}

fn on_test_db(mut config: Config) -> Config {
    if config.db.as_os_str() == ":memory:" {
        if let Ok(url) = std::env::var("SSM_TEST_DB") {
            config.db = fresh_postgres_schema(&url).into();
        }
    }
    config
}

/// Creates an empty schema in the PostgreSQL database at `url` and returns
/// a URL whose connections use it, so servers started on it share nothing
/// with other tests. Runs on a thread of its own: the driver blocks.
pub fn fresh_postgres_schema(url: &str) -> String {
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = url.to_owned();
    let name = schema.clone();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {admin}: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("schema created");
    })
    .join()
    .expect("schema creation finishes");
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

pub async fn start_default() -> Running {
    start(Config::for_tests()).await
}

pub fn client(server: &Running, region: &str) -> Client {
    client_at(server.addr, region)
}

/// A client for a server at `addr`, in this process or not.
pub fn client_at(addr: SocketAddr, region: &str) -> Client {
    let config = aws_sdk_ssm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(
            "AKIDLOCALTEST",
            "local-secret",
            None,
            None,
            "tests",
        ))
        .endpoint_url(format!("http://{addr}"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(aws_sdk_ssm::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// The error code and message of a failed SDK call.
pub fn error_of<E, R>(result: Result<R, aws_sdk_ssm::error::SdkError<E>>) -> (String, String)
where
    E: aws_sdk_ssm::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    let error = result.expect_err("the call should fail");
    let service = error
        .as_service_error()
        .unwrap_or_else(|| panic!("not a service error: {error:?}"));
    (
        service.code().unwrap_or_default().to_owned(),
        service.message().unwrap_or_default().to_owned(),
    )
}

/// Creates a window with sensible defaults and returns its id.
pub async fn create_window(client: &Client, name: &str) -> String {
    client
        .create_maintenance_window()
        .name(name)
        .schedule("cron(0 2 ? * SUN *)")
        .duration(3)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .send()
        .await
        .expect("create window")
        .window_id
        .expect("window id")
}

/// One scheduler tick, where blocking is allowed: it waits for the database
/// (with PostgreSQL, a network round trip).
pub async fn tick(server: &Running) -> usize {
    let scheduler = server.scheduler.clone();
    tokio::task::spawn_blocking(move || scheduler.tick())
        .await
        .expect("tick")
}

/// Starts a run of `window` now, as [`tick`] does: off the async threads.
pub async fn run_window_now(
    server: &Running,
    scope: &ssm_server::domain::Scope,
    window: &str,
) -> String {
    let (domain, scope, window) = (server.domain.clone(), scope.clone(), window.to_owned());
    tokio::task::spawn_blocking(move || domain.run_window_now(&scope, &window))
        .await
        .expect("run task")
        .expect("run started")
}

/// A server whose scheduler runs on `clock`, ticked by the test.
pub async fn start_with_clock(config: Config, clock: Arc<ManualClock>) -> Running {
    let config = on_test_db(config);
    ssm_server::start(&config, clock)
        .await
        .expect("server starts")
}
