//! Command-line flags, each also settable from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// The port AWS's own tools don't use and local emulators rarely take.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4580";

/// Timeouts are added to clock readings, which panic on overflow; a day is
/// longer than any client should be given.
const MAX_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// A semaphore holds at most `usize::MAX >> 3` permits (536 million on
/// 32-bit targets); a million connections is past any file-descriptor limit.
const MAX_CONNECTIONS: i64 = 1 << 20;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    Open,
    Sigv4,
}

fn parse_account_id(value: &str) -> Result<String, String> {
    if crate::auth::is_account_id(value) {
        Ok(value.to_owned())
    } else {
        Err("an account id is 12 digits".into())
    }
}

#[derive(Parser, Debug, Clone)]
#[command(
    name = "ssm-server",
    version,
    about = "A local AWS Systems Manager maintenance-window service.\n\n\
Point aws-cli, boto3 or an AWS SDK at it with --endpoint-url http://127.0.0.1:4580 \
(or AWS_ENDPOINT_URL). State is kept per account and Region in an SQLite file, \
or in PostgreSQL shared by several replicas."
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SSM_SERVER_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Where state is kept: an SQLite file (a path, or `sqlite://path`;
    /// `:memory:` keeps nothing after exit), or a PostgreSQL database that
    /// several replicas may share (`postgres://user@host:port/dbname`).
    #[arg(long, env = "SSM_SERVER_DB", default_value = "ssm-server.db")]
    pub db: PathBuf,

    /// Who may call: `open` accepts any signature (the account is a 12-digit
    /// access key id, else --account-id); `sigv4` checks each request's
    /// Signature Version 4 against --credentials.
    #[arg(long, env = "SSM_SERVER_AUTH", value_enum, default_value_t = AuthMode::Open)]
    pub auth: AuthMode,

    /// TOML file of the identities `--auth sigv4` accepts (access key id,
    /// secret, account id, optional session token); see the README.
    #[arg(long, env = "SSM_SERVER_CREDENTIALS")]
    pub credentials: Option<PathBuf>,

    /// In open mode, the account of requests whose access key id is not
    /// 12 digits (or that are not signed at all).
    #[arg(long, env = "SSM_SERVER_ACCOUNT_ID", default_value = "123456789012",
          value_parser = parse_account_id)]
    pub account_id: String,

    /// Serve `POST /_admin/windows/{id}/run` (start a window's run now). In
    /// sigv4 mode it needs a signed request, like the API.
    #[arg(long, env = "SSM_SERVER_ADMIN")]
    pub admin: bool,

    /// Region used when a request carries no SigV4 credential scope.
    #[arg(long, env = "SSM_SERVER_DEFAULT_REGION", default_value = "us-east-1")]
    pub default_region: String,

    /// Quota: maintenance windows per account and Region.
    #[arg(long, env = "SSM_SERVER_MAX_WINDOWS", default_value_t = 50)]
    pub max_windows: usize,

    /// Quota: targets per maintenance window.
    #[arg(long, env = "SSM_SERVER_MAX_TARGETS", default_value_t = 100)]
    pub max_targets_per_window: usize,

    /// Quota: tasks per maintenance window.
    #[arg(long, env = "SSM_SERVER_MAX_TASKS", default_value_t = 20)]
    pub max_tasks_per_window: usize,

    /// SQLite: commit with fsync (`full`, survives power loss) or without
    /// (`normal`, survives a crash of this process only). PostgreSQL's own
    /// settings decide there.
    #[arg(long, env = "SSM_SERVER_SYNC", default_value = "full", value_parser = ["full", "normal"])]
    pub sync: String,

    /// Simulated managed nodes (JSON) that tag and resource-group targets
    /// resolve against; see the README.
    #[arg(long, env = "SSM_SERVER_INVENTORY")]
    pub inventory: Option<PathBuf>,

    /// How long one batch of simulated invocations takes, in seconds.
    #[arg(long, env = "SSM_SERVER_INVOCATION_SECONDS", default_value_t = 5)]
    pub invocation_seconds: u32,

    /// Days of execution history to keep.
    #[arg(long, env = "SSM_SERVER_HISTORY_DAYS", default_value_t = 30)]
    pub history_days: u32,

    /// Seconds a client has to send a request's headers, counted from when
    /// the server starts waiting for them; this also closes keep-alive
    /// connections that sit unused this long.
    #[arg(long, env = "SSM_SERVER_HEADER_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub header_timeout_secs: u64,

    /// Seconds a connection may go without a byte read or written while a
    /// request is under way (a stalled body upload or response download).
    #[arg(long, env = "SSM_SERVER_IDLE_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub idle_timeout_secs: u64,

    /// Connections served at once; further ones wait in the listen backlog.
    #[arg(long, env = "SSM_SERVER_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=MAX_CONNECTIONS))]
    pub max_connections: u32,

    /// Largest request body accepted, in bytes; a larger one is answered
    /// 413 RequestEntityTooLargeException.
    #[arg(long, env = "SSM_SERVER_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Turns off the read-only HTML console at `/console`.
    #[arg(long, env = "SSM_SERVER_NO_CONSOLE")]
    pub no_console: bool,

    /// Serves the console to any peer in `sigv4` mode too; without it the
    /// console then answers loopback peers only.
    #[arg(long, env = "SSM_SERVER_CONSOLE_PUBLIC")]
    pub console_public: bool,

    /// Log filter, e.g. `info`, `warn`, `ssm_server=debug`. At `info`, one
    /// line per request (target `ssm_server::access`; turn just those off
    /// with `info,ssm_server::access=off`).
    #[arg(long, env = "SSM_SERVER_LOG", default_value = "info")]
    pub log: String,
}

impl Config {
    /// Whether `--db` names PostgreSQL, shared with other replicas.
    pub fn shared_db(&self) -> bool {
        self.db.to_str().is_some_and(crate::store::is_postgres_url)
    }

    /// Settings for tests: in memory, an ephemeral port, quiet.
    pub fn for_tests() -> Self {
        Self {
            listen: "127.0.0.1:0".parse().expect("valid address"),
            db: PathBuf::from(":memory:"),
            auth: AuthMode::Open,
            credentials: None,
            account_id: "123456789012".into(),
            admin: true,
            default_region: "us-east-1".into(),
            max_windows: 50,
            max_targets_per_window: 100,
            max_tasks_per_window: 20,
            sync: "normal".into(),
            inventory: None,
            invocation_seconds: 5,
            history_days: 30,
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 1024,
            max_body_bytes: 2 * 1024 * 1024,
            no_console: false,
            console_public: false,
            log: "warn".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("ssm-server").chain(args.iter().copied()))
    }

    #[test]
    fn limits_that_would_overflow_a_clock_or_a_semaphore_are_refused() {
        assert!(parse(&["--header-timeout-secs", "99999999999"]).is_err());
        assert!(parse(&["--idle-timeout-secs", "18446744073709551615"]).is_err());
        assert!(parse(&["--header-timeout-secs", "0"]).is_err());
        assert!(parse(&["--max-connections", "0"]).is_err());
        assert!(parse(&["--max-connections", "4294967295"]).is_err());
        let config = parse(&[
            "--header-timeout-secs",
            "86400",
            "--max-connections",
            "1048576",
        ])
        .expect("the largest values are accepted");
        assert_eq!(config.header_timeout_secs, 86400);
        assert_eq!(config.max_connections, 1 << 20);
    }
}
