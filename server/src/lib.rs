//! `ssm-server`: the AWS Systems Manager maintenance-window API on the
//! generated `ssm-api` crate, with state in SQLite.
//!
//! Layers, outermost first: [`http`] (axum) → the generated dispatcher
//! (validation, routing, error bodies) → [`service`] (one line per
//! operation) → [`domain`] (the rules) → [`store`] (memory + SQLite).

pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod service;
pub mod sigv4;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;

use domain::{Domain, Limits};
use service::SsmService;
use store::Store;

/// A server accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    pub domain: Arc<Domain>,
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

/// Opens the store, binds the listener and starts serving.
pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> Result<Running, String> {
    let store = Arc::new(Store::open(&config.db, config.sync == "full")?);
    let domain = Arc::new(Domain {
        store,
        limits: Limits {
            windows: config.max_windows,
            targets_per_window: config.max_targets_per_window,
            tasks_per_window: config.max_tasks_per_window,
        },
        clock,
    });
    let app = Arc::new(http::App {
        service: SsmService {
            domain: domain.clone(),
            account_id: config.account_id.clone(),
        },
        domain: domain.clone(),
        default_region: config.default_region.clone(),
    });
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, http::router(app))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running {
        addr,
        domain,
        shutdown: Some(shutdown),
        task,
    })
}
