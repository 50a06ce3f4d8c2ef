use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use ssm_server::{AccessLog, Config, SystemClock};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // One writer thread for every line, so requests never wait for stderr.
    // Lossless: when it falls behind, senders wait. Dropping the guard at
    // the end of `main` writes out what is queued.
    let (writer, _flush_on_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("ssm-server-log")
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stderr(),
        ));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer.clone())
        .init();
    let access_log = if tracing::enabled!(target: "ssm_server::access", tracing::Level::INFO) {
        AccessLog::Writer(writer)
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
