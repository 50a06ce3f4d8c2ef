//! `ssm-server`: the AWS Systems Manager maintenance-window API on the
//! generated `ssm-api` crate, with state in SQLite.
//!
//! Layers, outermost first: [`http`] (hyper) → the generated dispatcher
//! (validation, routing, error bodies) → [`service`] (one line per
//! operation) → [`domain`] (the rules) → [`store`] (memory + SQLite).

pub mod access_log;
pub mod clock;
pub mod config;
pub mod console;
pub mod domain;
pub mod http;
pub mod inventory;
pub mod log_buffer;
pub mod scheduler;
pub mod service;
pub mod sigv4;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use access_log::AccessLog;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;

use domain::{Domain, Limits, Simulation};
use inventory::Inventory;
use scheduler::Scheduler;
use service::SsmService;
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
    let store = Arc::new(Store::open(&config.db, config.sync == "full")?);
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
    let closed = domain.recover_interrupted_runs()?;
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
    let app = Arc::new(http::App {
        service: SsmService {
            domain: domain.clone(),
            account_id: config.account_id.clone(),
        },
        domain: domain.clone(),
        default_region: config.default_region.clone(),
        max_body_bytes: config.max_body_bytes,
        access_log,
        console: !config.no_console,
        // set from the auth mode: loopback only in sigv4 mode unless
        // --console-public.
        console_loopback_only: false,
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
            let mut every_second = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                every_second.tick().await;
                let scheduler = scheduler.clone();
                // SQLite commits block; keep them off the request threads.
                let _ = tokio::task::spawn_blocking(move || scheduler.tick()).await;
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
