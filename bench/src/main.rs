//! `loadgen`: load benchmark tooling for `ssm-server`.
//!
//! * `loadgen bare --listen ADDR` — a bare hyper HTTP/1 server that answers
//!   every request with one fixed small JSON body: the transport's limit
//!   (`--rest-json`: the Bookshelf's GetBook answer).
//! * `loadgen serve-bookshelf --listen ADDR` — the restJson1 Bookshelf
//!   example over the runtime's own `serve`.
//! * `loadgen rest-json ...` — GetBook on both of those side by side: the
//!   throughput and p99 ratios of restJson1 to bare hyper.
//! * `loadgen run ...` — one bounded measurement against one server.
//! * `loadgen compare ...` — starts ssm-server, moto and the bare server,
//!   seeds them, measures every case side by side and prints a markdown table;
//!   `--client wrk` sends the load with wrk instead of loadgen's own client.
//! * `loadgen write-load ...` — read latency on one ssm-server with and
//!   without a client creating and deleting windows beside it.
//! * `loadgen soak ...` — a long mixed load over all 26 operations with the
//!   scheduler running windows every minute, sampling the server's RSS.
//! * `loadgen memory ...` — ssm-server's resident set empty, after creating
//!   N windows with 3 targets and 3 tasks each, and after a restart.
//! * `loadgen auth-cost ...` — GetMaintenanceWindow throughput with
//!   `--auth sigv4` next to `--auth open`.
//!
//! Every request loop stops by time and by count, and only loopback
//! addresses are ever targeted.

mod auth_cost;
mod bare;
mod compare;
mod load;
mod memory;
mod rest_json;
mod soak;
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
        /// Answer as the Bookshelf answers the restJson1 benchmark's GetBook.
        #[arg(long)]
        rest_json: bool,
    },
    /// The Bookshelf example (restJson1) over the runtime's `serve`, one
    /// book stored.
    ServeBookshelf {
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
    },
    /// restJson1 GetBook on the Bookshelf next to bare hyper answering the
    /// same bytes, round by round; prints the throughput and p99 ratios.
    RestJson {
        #[arg(long, default_value_t = 8)]
        conns: usize,
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Also write the report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where the servers' logs go (a fresh temporary folder if unset).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// One measurement: N keep-alive connections sending one request shape.
    Run {
        /// Loopback address of the server, e.g. 127.0.0.1:4580; several,
        /// comma-separated, spread the connections over replicas.
        #[arg(long, value_delimiter = ',', required = true)]
        addr: Vec<SocketAddr>,
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
        /// An extra flag for the server (repeat for more), e.g.
        /// `--server-arg=--sync --server-arg=full`.
        #[arg(long = "server-arg", allow_hyphen_values = true)]
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
    /// A long mixed load across all 26 operations while the scheduler runs
    /// windows every minute; samples the server's RSS and fails unless it
    /// stays flat and every answer is one the load asked for.
    Soak {
        /// The ssm-server binary to start on a fresh database.
        #[arg(long, required_unless_present = "addr")]
        ssm_server: Option<PathBuf>,
        /// A server already running on loopback instead (needs --pid).
        #[arg(long, requires = "pid", conflicts_with = "ssm_server")]
        addr: Option<SocketAddr>,
        /// Process id of the server at --addr, for its memory.
        #[arg(long)]
        pid: Option<u32>,
        /// Seconds of load (at most 86400).
        #[arg(long, default_value_t = 600.0)]
        duration: f64,
        /// Seconds between RSS samples.
        #[arg(long, default_value_t = 10.0)]
        sample_every: f64,
        /// Seconds at the start left out of the flatness verdict.
        #[arg(long, default_value_t = 60.0)]
        warmup: f64,
        /// Concurrent workers, each with one keep-alive connection (1–64).
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// Largest growth allowed, percent, of the last third's highest RSS
        /// over the first third's (after the warm-up).
        #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
        max_growth_pct: f64,
        /// Hard cap on requests sent.
        #[arg(long, default_value_t = 50_000_000)]
        max_requests: u64,
        /// An extra flag for the started server (repeat for more), e.g.
        /// `--server-arg=--sync --server-arg=normal`.
        #[arg(long = "server-arg", allow_hyphen_values = true)]
        server_args: Vec<String>,
        /// Also write the report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Keep the server's log and database here (a temporary folder, removed, if unset).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// Throughput with signatures checked (`--auth sigv4`) next to
    /// `--auth open`, on two servers from one binary.
    AuthCost {
        /// The ssm-server binary (a release build).
        #[arg(long)]
        ssm_server: PathBuf,
        #[arg(long, default_value_t = 8)]
        conns: usize,
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        #[arg(long, default_value_t = 5.0)]
        duration: f64,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// What sends the load (with wrk, warm-up and duration are whole seconds).
        #[arg(long, value_enum, default_value_t = compare::Client::Wrk)]
        client: compare::Client,
        /// Where the servers' logs and databases go (a fresh temporary folder if unset).
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
        Command::Bare { listen, rest_json } => {
            let answer = if rest_json {
                bare::Answer::RestJson
            } else {
                bare::Answer::AwsJson
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            match runtime.block_on(bare::serve(listen, answer)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::ServeBookshelf { listen } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            match runtime.block_on(rest_json::serve_bookshelf(listen)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::RestJson {
            conns,
            warmup,
            duration,
            rounds,
            out,
            work_dir,
        } => {
            let settings = rest_json::Settings {
                conns,
                warmup: Duration::from_secs_f64(warmup.clamp(0.0, 60.0)),
                duration: Duration::from_secs_f64(duration.clamp(0.5, 120.0)),
                rounds: rounds.clamp(1, 15),
                out,
                work_dir,
            };
            match rest_json::run(settings).map(|report| print!("{report}")) {
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
            if let Err(e) = addr.iter().try_for_each(|a| load::check_loopback(*a)) {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
            let spec = load::Spec {
                addr: addr[0],
                also: addr[1..].to_vec(),
                op,
                body: body.into(),
                conns,
                warmup: Duration::from_secs_f64(warmup),
                duration: Duration::from_secs_f64(duration),
                max_requests,
                signature: None,
                rest: None,
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
        Command::AuthCost {
            ssm_server,
            conns,
            warmup,
            duration,
            rounds,
            client,
            work_dir,
        } => {
            let settings = auth_cost::Settings {
                ssm_server,
                conns,
                warmup: Duration::from_secs_f64(warmup),
                duration: Duration::from_secs_f64(duration),
                rounds: rounds.clamp(1, 9),
                client,
                work_dir,
            };
            match auth_cost::run(settings).map(|report| print!("{report}")) {
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
        Command::Soak {
            ssm_server,
            addr,
            pid,
            duration,
            sample_every,
            warmup,
            workers,
            max_growth_pct,
            max_requests,
            server_args,
            out,
            work_dir,
        } => {
            let target = match (addr, pid, ssm_server) {
                (Some(addr), Some(pid), _) => soak::Target::Running { addr, pid },
                (_, _, Some(binary)) => soak::Target::Start {
                    binary,
                    args: server_args,
                },
                _ => {
                    eprintln!("error: give --ssm-server, or --addr with --pid");
                    return ExitCode::FAILURE;
                }
            };
            let settings = soak::Settings {
                target,
                duration: Duration::from_secs_f64(duration.clamp(1.0, 86_400.0)),
                sample_every: Duration::from_secs_f64(sample_every.clamp(1.0, 3_600.0)),
                warmup: Duration::from_secs_f64(warmup.clamp(0.0, 86_400.0)),
                workers: workers.clamp(1, 64),
                max_growth_pct,
                max_requests,
                out,
                work_dir,
            };
            match soak::run(settings) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
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
