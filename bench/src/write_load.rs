//! Reads under write load (issue 9): GetMaintenanceWindow latency at N
//! connections while another client creates and deletes windows as fast as
//! the server commits them, next to the same reads with no writer, round by
//! round on one server so background noise hits both alike.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::compare::{
    first_window, in_work_dir, median, start_ssm, Server, CREATE, CREATE_BODY, GET,
};
use crate::load::{self, Conn, Outcome, Spec};

pub struct Settings {
    pub ssm_server: PathBuf,
    /// Extra flags for ssm-server, e.g. `--sync full`.
    pub server_args: Vec<String>,
    pub conns: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub rounds: usize,
    pub work_dir: Option<PathBuf>,
}

/// Far above what a few seconds reach, so time ends a run, yet bounded.
const MAX_REQUESTS: u64 = 5_000_000;

/// One round: the reads alone, then the reads beside the writer.
struct Round {
    alone: Outcome,
    beside: Outcome,
    /// Create+delete pairs the writer completed while the reads ran.
    writer_pairs: u64,
    writer_errors: u64,
}

pub fn run(settings: Settings) -> Result<String, String> {
    in_work_dir(settings.work_dir.as_deref(), |dir| run_in(&settings, dir))
}

fn run_in(settings: &Settings, dir: &Path) -> Result<String, String> {
    let args: Vec<&str> = settings.server_args.iter().map(String::as_str).collect();
    let server = start_ssm(
        &settings.ssm_server,
        dir,
        "ssm-write-load",
        "write-load",
        "ssm-server",
        &args,
    )?;
    let rt = load::client_runtime();
    rt.block_on(load::call_once(server.addr, CREATE, CREATE_BODY))?;
    let window = first_window(&rt, &server)?;
    let reads = Spec {
        addr: server.addr,
        also: Vec::new(),
        op: GET.into(),
        body: Bytes::from(format!(r#"{{"WindowId":"{window}"}}"#)),
        conns: settings.conns,
        warmup: settings.warmup,
        duration: settings.duration,
        max_requests: MAX_REQUESTS,
        signature: None,
        rest: None,
    };
    let mut rounds = Vec::new();
    for round in 1..=settings.rounds {
        let alone = rt.block_on(load::measure(&reads));
        let writer = Writer::start(&server);
        let beside = rt.block_on(load::measure(&reads));
        let (writer_pairs, writer_errors) = writer.stop();
        eprintln!(
            "round {round}: alone {} | beside the writer {} | writer {writer_pairs} pairs, {writer_errors} errors",
            alone.summary(),
            beside.summary()
        );
        rounds.push(Round {
            alone,
            beside,
            writer_pairs,
            writer_errors,
        });
    }
    Ok(report(settings, &rounds))
}

/// A thread of its own creating a window and deleting it, over and over,
/// on one keep-alive connection, until stopped.
struct Writer {
    stop: Arc<AtomicBool>,
    pairs: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Writer {
    fn start(server: &Server) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let pairs = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(AtomicU64::new(0));
        let addr = server.addr;
        let thread = {
            let (stop, pairs, errors) = (stop.clone(), pairs.clone(), errors.clone());
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("writer runtime");
                rt.block_on(async move {
                    // Bounded like every loop here: an hour of pairs at a
                    // pace no disk reaches.
                    let deadline = Instant::now() + Duration::from_secs(3600);
                    let Ok(mut conn) = Conn::open(addr).await else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        return;
                    };
                    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                        match create_then_delete(&mut conn).await {
                            Ok(()) => pairs.fetch_add(1, Ordering::Relaxed),
                            Err(_) => errors.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                });
            })
        };
        Self {
            stop,
            pairs,
            errors,
            thread,
        }
    }

    fn stop(self) -> (u64, u64) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        (
            self.pairs.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
        )
    }
}

async fn create_then_delete(conn: &mut Conn) -> Result<(), String> {
    let (status, body) = conn
        .call(CREATE, Bytes::from_static(CREATE_BODY.as_bytes()))
        .await?;
    if status != 200 {
        return Err(format!("create: HTTP {status}"));
    }
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let id = value["WindowId"].as_str().ok_or("create: no WindowId")?;
    let delete = Bytes::from(format!(r#"{{"WindowId":"{id}"}}"#));
    let (status, _) = conn.call("DeleteMaintenanceWindow", delete).await?;
    if status != 200 {
        return Err(format!("delete: HTTP {status}"));
    }
    Ok(())
}

fn report(settings: &Settings, rounds: &[Round]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let column = |f: &dyn Fn(&Round) -> f64| median(rounds.iter().map(f).collect());
    let alone_p99 = column(&|r| ms(r.alone.p99));
    let beside_p99 = column(&|r| ms(r.beside.p99));
    let seconds = settings.duration.as_secs_f64() + settings.warmup.as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "GetMaintenanceWindow, {} connections, {} s recorded after {} s warm-up, median of {} rounds; server flags: {}\n",
        settings.conns,
        settings.duration.as_secs_f64(),
        settings.warmup.as_secs_f64(),
        rounds.len(),
        if settings.server_args.is_empty() { "defaults".to_owned() } else { settings.server_args.join(" ") },
    );
    let _ = writeln!(out, "| reads | req/s | p50 | p99 | max |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (label, pick) in [
        ("alone", (|r: &Round| &r.alone) as fn(&Round) -> &Outcome),
        ("beside the writer", |r: &Round| &r.beside),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.0} | {:.3} ms | {:.3} ms | {:.3} ms |",
            column(&|r| pick(r).rps),
            column(&|r| ms(pick(r).p50)),
            column(&|r| ms(pick(r).p99)),
            column(&|r| ms(pick(r).max)),
        );
    }
    let _ = writeln!(
        out,
        "\np99 beside the writer / alone: {:.2}× (per round: {})",
        beside_p99 / alone_p99,
        rounds
            .iter()
            .map(|r| format!("{:.2}×", ms(r.beside.p99) / ms(r.alone.p99)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "writer: median {:.0} create+delete pairs/s, {} errors in all",
        column(&|r| r.writer_pairs as f64 / seconds),
        rounds.iter().map(|r| r.writer_errors).sum::<u64>(),
    );
    out
}
