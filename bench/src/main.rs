//! `loadgen`: load benchmark tooling for `ssm-server`.
//!
//! * `loadgen bare --listen ADDR` — a bare hyper HTTP/1 server that answers
//!   every request with one fixed small JSON body: the transport's limit.
//! * `loadgen run ...` — one bounded measurement against one server.
//! * `loadgen compare ...` — starts ssm-server, moto and the bare server,
//!   seeds them, measures every case side by side and prints a markdown table;
//!   `--client wrk` sends the load with wrk instead of loadgen's own client.
//! * `loadgen write-load ...` — read latency on one ssm-server with and
//!   without a client creating and deleting windows beside it.
//! * `loadgen memory ...` — ssm-server's resident set empty, after creating
//!   N windows with 3 targets and 3 tasks each, and after a restart.
//!
//! Every request loop stops by time and by count, and only loopback
//! addresses are ever targeted.

mod bare;
mod compare;
mod load;
mod memory;
mod write_load;
mod wrk;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "loadgen", about = "Load benchmark for ssm-server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A bare HTTP/1 server answering every request with a fixed JSON body.
    Bare {
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
    },
    /// One measurement: N keep-alive connections sending one request shape.
    Run {
        /// Loopback address of the server, e.g. 127.0.0.1:4580.
        #[arg(long)]
        addr: SocketAddr,
        /// Operation name, sent as `X-Amz-Target: AmazonSSM.<op>`.
        #[arg(long)]
        op: String,
        /// JSON request body.
        #[arg(long, default_value = "{}")]
        body: String,
        #[arg(long, default_value_t = 1)]
        conns: usize,
        /// Seconds of warm-up (not recorded).
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        /// Seconds recorded.
        #[arg(long, default_value_t = 5.0)]
        duration: f64,
        /// Hard cap on requests sent, warm-up included.
        #[arg(long, default_value_t = 5_000_000)]
        max_requests: u64,
    },
    /// Everything side by side in one invocation; prints a markdown table.
    Compare {
        /// The ssm-server binary (a release build).
        #[arg(long)]
        ssm_server: PathBuf,
        /// moto's server command; skipped with a note when it cannot be run.
        #[arg(long, env = "MOTO_SERVER", default_value = "moto_server")]
        moto_server: String,
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        #[arg(long, default_value_t = 3.0)]
        duration: f64,
        /// Rounds per cell; the table reports medians over them.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Connection counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,8")]
        conns: Vec<usize>,
        /// Windows stored for the large DescribeMaintenanceWindows case.
        #[arg(long, default_value_t = 100_000)]
        large: u64,
        /// Windows seeded into the small stores [default: 100 with the
        /// loadgen client, 10 with wrk, as issue 10 asks].
        #[arg(long)]
        small: Option<u64>,
        /// The program that sends the load (wrk must be on PATH).
        #[arg(long, value_enum, default_value = "loadgen")]
        client: compare::Client,
        /// Also write the report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where server logs and databases go (a fresh temporary folder if unset).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// Read latency with and without a concurrent writer, on one server.
    WriteLoad {
        /// The ssm-server binary (a release build).
        #[arg(long)]
        ssm_server: PathBuf,
        /// Flags passed to ssm-server (after `--`), e.g. `-- --sync full`.
        #[arg(last = true)]
        server_args: Vec<String>,
        #[arg(long, default_value_t = 8)]
        conns: usize,
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        #[arg(long, default_value_t = 5.0)]
        duration: f64,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Where the server's log and database go (a fresh temporary folder if unset).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// RSS of ssm-server empty, with N windows, and after a restart.
    Memory {
        /// ssm-server binaries, measured one after another.
        #[arg(long, required = true, value_delimiter = ',')]
        ssm_server: Vec<PathBuf>,
        /// Windows created, each with 3 targets and 3 tasks.
        #[arg(long, default_value_t = 100_000)]
        windows: u64,
        #[arg(long, default_value_t = 8)]
        conns: usize,
        /// Seconds the whole run may take.
        #[arg(long, default_value_t = 900)]
        timeout: u64,
        /// Where server logs and databases go (a fresh temporary folder if unset).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Bare { listen } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            match runtime.block_on(bare::serve(listen)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Run {
            addr,
            op,
            body,
            conns,
            warmup,
            duration,
            max_requests,
        } => {
            if let Err(e) = load::check_loopback(addr) {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
            let spec = load::Spec {
                addr,
                op,
                body: body.into(),
                conns,
                warmup: Duration::from_secs_f64(warmup),
                duration: Duration::from_secs_f64(duration),
                max_requests,
            };
            let outcome = load::client_runtime().block_on(load::measure(&spec));
            println!("{}", outcome.summary());
            ExitCode::SUCCESS
        }
        Command::Compare {
            ssm_server,
            moto_server,
            warmup,
            duration,
            conns,
            rounds,
            large,
            small,
            client,
            out,
            work_dir,
        } => {
            let settings = compare::Settings {
                ssm_server,
                moto_server,
                warmup: Duration::from_secs_f64(warmup),
                duration: Duration::from_secs_f64(duration),
                conns,
                rounds: rounds.clamp(1, 9),
                large,
                small: small.unwrap_or(client.default_small()),
                client,
                out,
                work_dir,
            };
            match compare::run(settings) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::WriteLoad {
            ssm_server,
            server_args,
            conns,
            warmup,
            duration,
            rounds,
            work_dir,
        } => {
            let settings = write_load::Settings {
                ssm_server,
                server_args,
                conns,
                warmup: Duration::from_secs_f64(warmup),
                duration: Duration::from_secs_f64(duration),
                rounds: rounds.clamp(1, 9),
                work_dir,
            };
            match write_load::run(settings).map(|report| print!("{report}")) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Memory {
            ssm_server,
            windows,
            conns,
            timeout,
            work_dir,
        } => {
            let settings = memory::Settings {
                ssm_servers: ssm_server,
                windows,
                conns,
                timeout: Duration::from_secs(timeout),
                work_dir,
            };
            match memory::run(settings).map(|report| print!("{report}")) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
