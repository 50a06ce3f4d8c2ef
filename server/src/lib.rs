//! `ssm-server`: the AWS Systems Manager maintenance-window API on the
//! generated `ssm-api` crate, with state in SQLite or, shared by
//! several replicas, PostgreSQL.
//!
//! Layers, outermost first: [`http`] (hyper) → the generated dispatcher
//! (validation, routing, error bodies) → [`service`] (one line per
//! operation) → [`domain`] (the rules) → [`store`] (memory + SQLite, or PostgreSQL).

pub mod access_log;
pub mod auth;
pub mod clock;
pub mod config;
pub mod console;
pub mod domain;
pub mod http;
pub mod inventory;
pub mod log_buffer;
pub mod scheduler;
pub mod service;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use access_log::AccessLog;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AuthMode, Config};

use auth::{Auth, Credentials};
use domain::{Domain, Limits, Simulation};
use inventory::Inventory;
use scheduler::Scheduler;
use service::SsmService;
use smithy_runtime::server::OpenIdentity;
use store::Store;

/// A server accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    pub domain: Arc<Domain>,
    pub scheduler: Arc<Scheduler>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), std::io::Error>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and returns.
    pub async fn stop(mut self) -> Result<(), String> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.await {
            Ok(result) => result.map_err(|e| format!("server error: {e}")),
            Err(e) => Err(format!("server task failed: {e}")),
        }
    }
}

/// The `--auth` mode, with its credentials read.
fn auth_of(config: &Config) -> Result<Auth, String> {
    match (config.auth, &config.credentials) {
        (AuthMode::Open, None) => Ok(Auth::Open(OpenIdentity {
            default_account: config.account_id.clone(),
            default_region: config.default_region.clone(),
        })),
        (AuthMode::Open, Some(_)) => {
            Err("--credentials is read only with --auth sigv4; add --auth sigv4 to check signatures".into())
        }
        (AuthMode::Sigv4, Some(path)) => Ok(Auth::sigv4(Credentials::load(path)?)),
        (AuthMode::Sigv4, None) => {
            Err("--auth sigv4 needs --credentials FILE (or SSM_SERVER_CREDENTIALS), the identities to accept".into())
        }
    }
}

/// Opens the store, closes runs a previous process left open, binds the
/// listener and starts serving. The scheduler ticks every second when
/// `clock` is the system clock; with another clock, the caller ticks it.
/// Request lines go to `tracing`.
pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> Result<Running, String> {
    start_with_log(config, clock, AccessLog::Tracing).await
}

/// [`start`], with request lines going to `access_log`.
pub async fn start_with_log(
    config: &Config,
    clock: Arc<dyn Clock>,
    access_log: AccessLog,
) -> Result<Running, String> {
    // Opening may wait on a database server; blocking is not allowed here.
    let (db, durable) = (config.db.clone(), config.sync == "full");
    let store = tokio::task::spawn_blocking(move || Store::open_url(&db, durable))
        .await
        .map_err(|e| format!("opening the store failed: {e}"))??;
    let store = Arc::new(store);
    let inventory = match &config.inventory {
        Some(path) => Inventory::load(path)?,
        None => Inventory::default(),
    };
    let ticking = clock.is_real_time();
    let domain = Arc::new(Domain {
        store,
        limits: Limits {
            windows: config.max_windows,
            targets_per_window: config.max_targets_per_window,
            tasks_per_window: config.max_tasks_per_window,
        },
        clock,
        simulation: Simulation {
            invocation_millis: i64::from(config.invocation_seconds) * 1000,
            inventory,
        },
    });
    let recovering = domain.clone();
    let closed = tokio::task::spawn_blocking(move || recovering.recover_interrupted_runs())
        .await
        .map_err(|e| format!("closing interrupted runs failed: {e}"))??;
    if closed > 0 {
        tracing::warn!(
            closed,
            "closed runs that were in progress when the server last stopped"
        );
    }
    let scheduler = Arc::new(Scheduler::new(
        domain.clone(),
        chrono::TimeDelta::days(i64::from(config.history_days)),
    ));
    let api = ssm_api::router(SsmService {
        domain: domain.clone(),
    })
    .identify(auth_of(config)?)
    .max_body_bytes(config.max_body_bytes)
    .log(move |answered| access_log.record(answered));
    let app = Arc::new(http::App {
        api,
        domain: domain.clone(),
        strict_auth: config.auth == AuthMode::Sigv4,
        admin: config.admin,
        console: !config.no_console,
        // Strict mode guards the API; the console, which has no signatures,
        // then answers only this machine unless told otherwise.
        console_loopback_only: config.auth == AuthMode::Sigv4 && !config.console_public,
        default_account: config.account_id.clone(),
        default_region: config.default_region.clone(),
    });
    let limits = http::ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(config.header_timeout_secs),
        idle_timeout: std::time::Duration::from_secs(config.idle_timeout_secs),
        max_connections: config.max_connections,
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    if ticking {
        let scheduler = scheduler.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(until_next_tick()).await;
                let scheduler = scheduler.clone();
                // Commits block; keep them off the request threads.
                let _ = tokio::task::spawn_blocking(move || {
                    scheduler.tick();
                    scheduler.close_orphaned_runs();
                })
                .await;
            }
        });
    }
    let task = tokio::spawn(async move {
        http::serve(listener, app, limits, async {
            let _ = stopped.await;
        })
        .await;
        Ok(())
    });
    Ok(Running {
        addr,
        domain,
        scheduler,
        shutdown: Some(shutdown),
        task,
    })
}

/// How long after a whole second of the system clock the scheduler ticks.
const TICK_AFTER_SECOND: std::time::Duration = std::time::Duration::from_millis(5);

/// Time until the next tick. Schedules fall on whole seconds, so ticking
/// just after each one starts runs within milliseconds of their time rather
/// than up to a second late; replicas sharing a database tick together, and
/// the first to take the scope's lock records the run.
fn until_next_tick() -> std::time::Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let to_next_second = 1_000_000_000 - u64::from(now.subsec_nanos());
    std::time::Duration::from_nanos(to_next_second) + TICK_AFTER_SECOND
}
