//! Memory (issue 10): the resident set of ssm-server empty, after N windows
//! with 3 targets and 3 tasks each are created through the API, and after a
//! restart that loads them back from the database — for one or more server
//! binaries, so an older build can be measured beside the current one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::compare::{in_work_dir, start_ssm, Server, CREATE, CREATE_BODY};
use crate::load::{self, Conn};

pub struct Settings {
    pub ssm_servers: Vec<PathBuf>,
    pub windows: u64,
    pub conns: usize,
    /// Bound on the whole run, every binary included.
    pub timeout: Duration,
    pub work_dir: Option<PathBuf>,
}

const ITEMS_PER_WINDOW: usize = 3;
const PROGRESS_EVERY: Duration = Duration::from_secs(10);
const DESCRIBE: &str = "DescribeMaintenanceWindows";

/// What one binary measured.
struct Measured {
    binary: PathBuf,
    windows: u64,
    empty_kb: u64,
    created_kb: u64,
    reloaded_kb: u64,
    creation: Duration,
}

pub fn run(settings: Settings) -> Result<String, String> {
    if settings.windows == 0 {
        return Err("--windows must be at least 1".into());
    }
    if settings.conns == 0 || settings.conns > 256 {
        return Err("--conns must be 1..=256".into());
    }
    let deadline = Instant::now() + settings.timeout;
    in_work_dir(settings.work_dir.as_deref(), |dir| {
        let mut rows = Vec::new();
        for (i, binary) in settings.ssm_servers.iter().enumerate() {
            rows.push(measure(&settings, binary, dir, i + 1, deadline)?);
        }
        Ok(report(&rows))
    })
}

fn measure(
    settings: &Settings,
    binary: &Path,
    dir: &Path,
    number: usize,
    deadline: Instant,
) -> Result<Measured, String> {
    // Room for every window, yet a limit the server enforces as usual.
    let max_windows = (settings.windows * 2).to_string();
    let flags = [
        "--sync",
        "normal",
        "--log",
        "warn",
        "--max-windows",
        max_windows.as_str(),
    ];
    let db = format!("memory-{number}");
    let label = binary.display().to_string();
    let rt = load::client_runtime();

    let server = start_ssm(binary, dir, &format!("{db}-first"), &db, &label, &flags)?;
    answer_once(&rt, &server)?;
    let empty_kb = rss_kb(server.pid())?;
    eprintln!(
        "{label}: {empty_kb} kB empty; creating {} windows",
        settings.windows
    );

    let began = Instant::now();
    let created = rt.block_on(create_all(server.addr, settings, deadline));
    let creation = began.elapsed();
    if created != settings.windows {
        return Err(format!(
            "{label}: {created} of {} windows created before the deadline or an error",
            settings.windows
        ));
    }
    let created_kb = rss_kb(server.pid())?;
    drop(server);

    let server = start_ssm(binary, dir, &format!("{db}-restart"), &db, &label, &flags)?;
    answer_once(&rt, &server)?;
    let reloaded_kb = rss_kb(server.pid())?;
    eprintln!("{label}: {created_kb} kB after creating, {reloaded_kb} kB after restart");
    Ok(Measured {
        binary: binary.to_owned(),
        windows: settings.windows,
        empty_kb,
        created_kb,
        reloaded_kb,
        creation,
    })
}

/// One DescribeMaintenanceWindows answered with 200: the store is loaded.
fn answer_once(rt: &tokio::runtime::Runtime, server: &Server) -> Result<(), String> {
    match rt.block_on(load::call_once(
        server.addr,
        DESCRIBE,
        r#"{"MaxResults":10}"#,
    ))? {
        (200, _) => Ok(()),
        (status, body) => Err(format!(
            "{}: DescribeMaintenanceWindows answered HTTP {status}: {}",
            server.label,
            String::from_utf8_lossy(&body)
        )),
    }
}

/// VmRSS of a process, in kB, from /proc.
fn rss_kb(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS line in {path}"))
}

/// Workers claim window numbers from one counter until `settings.windows`
/// are claimed or the deadline passes; returns how many were completed.
async fn create_all(addr: std::net::SocketAddr, settings: &Settings, deadline: Instant) -> u64 {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let total = settings.windows;
    let mut workers = Vec::new();
    for _ in 0..settings.conns {
        let (next, done, failed) = (next.clone(), done.clone(), failed.clone());
        workers.push(tokio::spawn(async move {
            let mut conn = match Conn::open(addr).await {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("error: {e}");
                    failed.store(true, Ordering::Relaxed);
                    return;
                }
            };
            while !failed.load(Ordering::Relaxed) && Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                match create_window(&mut conn, n).await {
                    Ok(()) => {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        eprintln!("error: window {n}: {e}");
                        failed.store(true, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let progress = {
        let done = done.clone();
        tokio::spawn(async move {
            let began = Instant::now();
            loop {
                tokio::time::sleep(PROGRESS_EVERY).await;
                let count = done.load(Ordering::Relaxed);
                eprintln!(
                    "  {count} of {total} windows after {:.0} s",
                    began.elapsed().as_secs_f64()
                );
            }
        })
    };
    for worker in workers {
        let _ = worker.await;
    }
    progress.abort();
    done.load(Ordering::Relaxed)
}

/// One window, then its targets and tasks, each answered 200.
async fn create_window(conn: &mut Conn, n: u64) -> Result<(), String> {
    let body = expect_ok(conn, CREATE, CREATE_BODY.to_owned()).await?;
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("bad JSON from {CREATE}: {e}"))?;
    let id = value["WindowId"]
        .as_str()
        .ok_or_else(|| format!("no WindowId from {CREATE}"))?;
    for i in 0..ITEMS_PER_WINDOW as u64 {
        // Distinct instance ids, so no two targets share a value.
        let instance = n * ITEMS_PER_WINDOW as u64 + i;
        let target = format!(
            r#"{{"WindowId":"{id}","ResourceType":"INSTANCE","Targets":[{{"Key":"InstanceIds","Values":["i-{instance:017x}"]}}]}}"#
        );
        expect_ok(conn, "RegisterTargetWithMaintenanceWindow", target).await?;
    }
    for i in 0..ITEMS_PER_WINDOW {
        let task = format!(
            r#"{{"WindowId":"{id}","TaskType":"AUTOMATION","TaskArn":"AWS-RestartEC2Instance","Name":"restart-{i}","Priority":{i}}}"#
        );
        expect_ok(conn, "RegisterTaskWithMaintenanceWindow", task).await?;
    }
    Ok(())
}

async fn expect_ok(conn: &mut Conn, op: &str, body: String) -> Result<Bytes, String> {
    match conn.call(op, Bytes::from(body)).await? {
        (200, answer) => Ok(answer),
        (status, answer) => Err(format!(
            "{op} answered HTTP {status}: {}",
            String::from_utf8_lossy(&answer)
        )),
    }
}

fn report(rows: &[Measured]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| ssm-server | windows | RSS empty | RSS after creating | RSS after restart+load \
         | bytes/window (created) | bytes/window (reloaded) | creation time |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let per_window = |kb: u64| (kb.saturating_sub(row.empty_kb) * 1024) / row.windows;
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {:.0} s |",
            row.binary.display(),
            row.windows,
            mb(row.empty_kb),
            mb(row.created_kb),
            mb(row.reloaded_kb),
            per_window(row.created_kb),
            per_window(row.reloaded_kb),
            row.creation.as_secs_f64()
        );
    }
    let _ = writeln!(
        out,
        "\nRSS is VmRSS from /proc/PID/status; bytes/window = (RSS − RSS empty) / windows; \
         each window has {ITEMS_PER_WINDOW} targets and {ITEMS_PER_WINDOW} tasks."
    );
    out
}

fn mb(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}
