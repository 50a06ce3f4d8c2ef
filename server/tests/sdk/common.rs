//! A server in this process on an ephemeral port, and an official AWS SDK
//! client pointed at it.

use std::net::SocketAddr;
use std::sync::Arc;

use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ssm::Client;
use ssm_server::auth::signer::{sign_headers, Key};
use ssm_server::{AuthMode, Config, ManualClock, Running, SystemClock};

/// The clients' identity; with `--auth open` its account is the default
/// one, 123456789012.
pub const ACCESS_KEY: &str = "AKIDLOCALTEST";
pub const SECRET_KEY: &str = "local-secret";

/// What `SSM_TEST_AUTH=sigv4` makes the servers accept: the clients' key
/// (in the default account) and two whose ids are their accounts, as open
/// mode reads 12-digit keys.
const CREDENTIALS: &str = r#"
[[credentials]]
access_key_id = "AKIDLOCALTEST"
secret_access_key = "local-secret"
account_id = "123456789012"

[[credentials]]
access_key_id = "111122223333"
secret_access_key = "local-secret"
account_id = "111122223333"

[[credentials]]
access_key_id = "444455556666"
secret_access_key = "local-secret"
account_id = "444455556666"
"#;

/// `config` with the suite's auth mode: open unless `SSM_TEST_AUTH=sigv4`,
/// which runs every test with signatures checked. A test that sets its own
/// credentials keeps them.
pub fn with_suite_auth(mut config: Config) -> Config {
    if config.credentials.is_some() {
        return config;
    }
    match std::env::var("SSM_TEST_AUTH").as_deref() {
        Err(_) | Ok("open") => {}
        Ok("sigv4") => {
            static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
            let path = FILE.get_or_init(|| {
                let path =
                    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-credentials.toml");
                std::fs::write(&path, CREDENTIALS).expect("write the credentials file");
                path
            });
            config.auth = AuthMode::Sigv4;
            config.credentials = Some(path.clone());
        }
        Ok(other) => panic!("SSM_TEST_AUTH is open or sigv4, not {other:?}"),
    }
    config
}

/// A server in this process. With `SSM_TEST_DB=postgres://…` set, a server
/// that would keep its state in memory keeps it in a schema of its own in
/// that PostgreSQL database instead, so the whole suite runs on that backend.
pub async fn start(config: Config) -> Running {
    let config = on_test_db(with_suite_auth(config));
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
    client_as(addr, region, ACCESS_KEY)
}

/// A client signing with `access_key` (and the suite's one secret).
pub fn client_as(addr: SocketAddr, region: &str, access_key: &str) -> Client {
    let credentials = Credentials::new(access_key, SECRET_KEY, None, None, "tests");
    client_signing(addr, region, credentials)
}

/// A client signing with `credentials`, without retries so every error
/// shows.
pub fn client_signing(addr: SocketAddr, region: &str, credentials: Credentials) -> Client {
    let config = aws_sdk_ssm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials)
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
    tokio::task::spawn_blocking(move || domain.run_window_now(&scope, &window, false))
        .await
        .expect("run task")
        .expect("run started")
}

/// A server whose scheduler runs on `clock`, ticked by the test.
pub async fn start_with_clock(config: Config, clock: Arc<ManualClock>) -> Running {
    let config = on_test_db(with_suite_auth(config));
    ssm_server::start(&config, clock)
        .await
        .expect("server starts")
}

/// An answer to [`post`]: status, headers (names in lower case) and body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// `POST path_and_query` over plain HTTP/1.1 with `headers` and `body`,
/// signed as the SDK signs when `key` is given.
pub async fn post(
    addr: SocketAddr,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    key: Option<&Key>,
) -> Answer {
    use std::io::{Read, Write};
    let host = addr.to_string();
    let mut all: Vec<(String, String)> = vec![("host".into(), host)];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    if let Some(key) = key {
        let borrowed: Vec<(&str, &str)> =
            all.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let signature = sign_headers(
            key,
            "POST",
            path_and_query,
            &borrowed,
            body,
            std::time::SystemTime::now(),
        )
        .expect("the SDK's signer signs");
        all.extend(signature);
    }
    let mut request = format!("POST {path_and_query} HTTP/1.1\r\n");
    for (name, value) in &all {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut request = request.into_bytes();
    request.extend_from_slice(body);
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.write_all(&request).expect("send");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read the answer");
        raw
    })
    .await
    .expect("the request ran");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a whole answer");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.get(9..12))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The suite's key for `region`.
pub fn key(region: &str) -> Key {
    Key {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET_KEY.into(),
        session_token: None,
        region: region.into(),
    }
}
