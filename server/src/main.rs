use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use ssm_server::log_buffer::LogBuffer;
use ssm_server::{AccessLog, Config, SystemClock};
use tracing_subscriber::EnvFilter;

/// Threads for blocking work: writes (which the store serializes anyway)
/// and the scheduler's tick. Few on purpose: each thread that allocates gets
/// a malloc arena of its own, and with tokio's default of 512 a busy writer
/// spread windows over many arenas (5% more memory at 100,000 windows).
const BLOCKING_THREADS: usize = 2;

/// With PostgreSQL, reads wait on the database too and writes of different
/// scopes proceed in parallel there: enough threads to keep it busy.
const SHARED_DB_BLOCKING_THREADS: usize = 32;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let config = Config::parse();
    let blocking_threads = if config.shared_db() {
        SHARED_DB_BLOCKING_THREADS
    } else {
        BLOCKING_THREADS
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(config)),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One malloc arena per core rather than glibc's eight. Windows are
/// allocated on whichever thread runs a write; spread over many arenas they
/// fragment (4% more memory right after creating 100,000 windows through
/// the API; see BENCHMARKS.md, "Memory").
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let arenas = i32::try_from(cores).unwrap_or(i32::MAX);
        // SAFETY: mallopt only sets a tunable; it is called before any
        // thread other than this one exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // Every line, request lines and tracing's alike, goes through one
    // buffer written out by its own thread, so requests never wait for
    // stderr. Dropping the guard at the end writes out what is pending.
    let (log, _flush_on_exit) = match LogBuffer::start(std::io::stderr()) {
        Ok(started) => started,
        Err(error) => {
            eprintln!("error: cannot start the log writer: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(log.clone())
        .init();
    let access_log = if tracing::enabled!(target: "ssm_server::access", tracing::Level::INFO) {
        AccessLog::Buffer(log)
    } else {
        AccessLog::Off
    };
    let running = match ssm_server::start_with_log(&config, Arc::new(SystemClock), access_log).await
    {
        Ok(running) => running,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(replica) = running.domain.store.replica() {
        // Runs this process starts carry this name; see README, "Replicas".
        eprintln!("replica id {replica}");
    }
    eprintln!("listening on http://{}", running.addr);
    tracing::info!(db = %config.db.display(), account = %config.account_id, "ready");
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    match running.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
