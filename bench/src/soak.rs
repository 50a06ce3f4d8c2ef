//! `loadgen soak`: a long, bounded, mixed load on one ssm-server with the
//! scheduler running windows every minute, watching the server's memory.
//! It passes when the RSS curve is flat (see `memory`), no answer was
//! unexpected (see `tally`), and the scheduler started every run it owed.

mod memory;
mod mix;
mod tally;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::compare::{in_work_dir, start_ssm, Server};
use crate::load::{self, Conn};
use memory::Sample;
use mix::{Fixture, Shared, Worker};
use tally::Tally;

/// Where the server comes from.
pub enum Target {
    /// Start this binary on a fresh database in the work folder, with
    /// these extra flags.
    Start { binary: PathBuf, args: Vec<String> },
    /// A server already running (its pid is needed for its memory).
    Running { addr: SocketAddr, pid: u32 },
}

pub struct Settings {
    pub target: Target,
    pub duration: Duration,
    pub sample_every: Duration,
    pub warmup: Duration,
    pub workers: usize,
    pub max_growth_pct: f64,
    pub max_requests: u64,
    pub out: Option<PathBuf>,
    pub work_dir: Option<PathBuf>,
}

/// The 23 maintenance-window operations and the 3 tagging ones.
const OPERATIONS: [&str; 26] = [
    "CreateMaintenanceWindow",
    "UpdateMaintenanceWindow",
    "DeleteMaintenanceWindow",
    "GetMaintenanceWindow",
    "DescribeMaintenanceWindows",
    "RegisterTargetWithMaintenanceWindow",
    "UpdateMaintenanceWindowTarget",
    "DeregisterTargetFromMaintenanceWindow",
    "DescribeMaintenanceWindowTargets",
    "RegisterTaskWithMaintenanceWindow",
    "UpdateMaintenanceWindowTask",
    "DeregisterTaskFromMaintenanceWindow",
    "GetMaintenanceWindowTask",
    "DescribeMaintenanceWindowTasks",
    "DescribeMaintenanceWindowExecutions",
    "GetMaintenanceWindowExecution",
    "DescribeMaintenanceWindowExecutionTasks",
    "GetMaintenanceWindowExecutionTask",
    "DescribeMaintenanceWindowExecutionTaskInvocations",
    "GetMaintenanceWindowExecutionTaskInvocation",
    "CancelMaintenanceWindowExecution",
    "DescribeMaintenanceWindowSchedule",
    "DescribeMaintenanceWindowsForTarget",
    "AddTagsToResource",
    "ListTagsForResource",
    "RemoveTagsFromResource",
];

/// Runs the soak; `Ok(true)` when its verdict passes.
pub fn run(settings: Settings) -> Result<bool, String> {
    in_work_dir(settings.work_dir.as_deref(), |dir| run_in(&settings, dir))
}

fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn run_in(settings: &Settings, dir: &Path) -> Result<bool, String> {
    // Kept alive (and killed when dropped) for the whole run.
    let started: Option<Server>;
    let (addr, pid, server_note) = match &settings.target {
        Target::Start { binary, args } => {
            // The mix starts runs through the admin endpoint.
            let extra: Vec<&str> = std::iter::once("--admin")
                .chain(args.iter().map(String::as_str))
                .collect();
            let server = start_ssm(binary, dir, "ssm-server", "soak", "ssm-server", &extra)?;
            let note = format!(
                "`{} --listen 127.0.0.1:0 --db <temp>/soak.db --admin{}`",
                binary.display(),
                args.iter().map(|a| format!(" {a}")).collect::<String>()
            );
            let (addr, pid) = (server.addr, server.child.id());
            started = Some(server);
            (addr, pid, note)
        }
        Target::Running { addr, pid } => {
            load::check_loopback(*addr)?;
            started = None;
            (*addr, *pid, format!("the server at {addr} (pid {pid})"))
        }
    };
    let log_path = started.as_ref().map(|_| dir.join("ssm-server.log"));
    let rt = load::client_runtime();

    let mut setup_conn = rt.block_on(Conn::open(addr))?;
    let fixture = rt.block_on(mix::create_fixture(&mut setup_conn))?;
    eprintln!(
        "soak: {} s, {} workers, RSS every {} s; clock windows {:?}, task quota {}",
        settings.duration.as_secs(),
        settings.workers,
        settings.sample_every.as_secs(),
        fixture.clock_windows,
        fixture.task_quota
    );

    let began = Instant::now();
    let began_epoch = epoch_now();
    let shared = Arc::new(Shared {
        fixture,
        answered: AtomicU64::new(0),
        sent: AtomicU64::new(0),
        max_requests: settings.max_requests,
        deadline: began + settings.duration,
        hard_stop: began + settings.duration + Duration::from_secs(30),
        admin_runs: AtomicU64::new(0),
        cancels: AtomicU64::new(0),
    });
    let (tally, samples, sample_error) = rt.block_on(async {
        let mut workers = Vec::new();
        for id in 0..settings.workers {
            let conn = Conn::open(addr).await?;
            workers.push(tokio::spawn(Worker::new(id, conn, shared.clone()).run()));
        }
        let (samples, sample_error) = sample(
            pid,
            &shared,
            began,
            settings.sample_every,
            settings.duration,
        )
        .await;
        let mut tally = Tally::default();
        for worker in workers {
            tally.merge(
                worker
                    .await
                    .map_err(|e| format!("a worker panicked: {e}"))?,
            );
        }
        Ok::<_, String>((tally, samples, sample_error))
    })?;
    let ended_epoch = epoch_now();
    let elapsed = began.elapsed();
    // Let the scheduler's once-a-second tick record a run due at the end.
    std::thread::sleep(Duration::from_secs(2));
    let runs = rt.block_on(mix::scheduled_runs(&mut setup_conn, &shared.fixture))?;
    let log_counts = log_path.as_deref().map(count_log_levels);
    drop(started);

    let report = Report {
        settings,
        server_note,
        fixture: &shared.fixture,
        tally: &tally,
        samples: &samples,
        sample_error,
        runs: &runs,
        began_epoch,
        ended_epoch,
        elapsed,
        admin_runs: shared.admin_runs.load(Ordering::Relaxed),
        cancels: shared.cancels.load(Ordering::Relaxed),
        log_counts,
    };
    let (text, passed) = report.render();
    println!("{text}");
    if let Some(out) = &settings.out {
        fs::write(out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    Ok(passed)
}

/// Samples the server every `every` from `began` until `duration` has
/// passed (one sample at 0 and one at the end); stops early if the server
/// cannot be read, returning why.
async fn sample(
    pid: u32,
    shared: &Shared,
    began: Instant,
    every: Duration,
    duration: Duration,
) -> (Vec<Sample>, Option<String>) {
    let mut samples = Vec::new();
    let count = (duration.as_secs_f64() / every.as_secs_f64()).floor() as u32;
    for k in 0..=count {
        tokio::time::sleep_until((began + every * k).into()).await;
        match memory::read(pid) {
            Ok(now) => {
                let sample = Sample {
                    at: began.elapsed(),
                    epoch: epoch_now(),
                    rss_kib: now.rss_kib,
                    anon_kib: now.anon_kib,
                    threads: now.threads,
                    fds: now.fds,
                    answered: shared.answered.load(Ordering::Relaxed),
                };
                eprintln!(
                    "t={:>4.0}s  RSS {:>7.1} MiB (anon {:.1})  threads {}  fds {}  answers {}",
                    sample.at.as_secs_f64(),
                    mib(sample.rss_kib),
                    mib(sample.anon_kib),
                    sample.threads,
                    sample.fds,
                    sample.answered
                );
                samples.push(sample);
            }
            Err(e) => return (samples, Some(e)),
        }
    }
    (samples, None)
}

/// Lines at WARN and ERROR in the server's log (ANSI colours or not).
fn count_log_levels(path: &Path) -> (usize, usize, Vec<String>) {
    let text = fs::read_to_string(path).unwrap_or_default();
    let (mut warn, mut error, mut examples) = (0, 0, Vec::new());
    for line in text.lines() {
        let level = line.split_whitespace().nth(1).unwrap_or_default();
        let is = |name: &str| level.contains(name);
        if is("ERROR") {
            error += 1;
        } else if is("WARN") {
            warn += 1;
        } else {
            continue;
        }
        if examples.len() < 5 {
            examples.push(line.chars().take(300).collect());
        }
    }
    (warn, error, examples)
}

struct Report<'a> {
    settings: &'a Settings,
    server_note: String,
    fixture: &'a Fixture,
    tally: &'a Tally,
    samples: &'a [Sample],
    sample_error: Option<String>,
    runs: &'a [(f64, String)],
    began_epoch: f64,
    ended_epoch: f64,
    elapsed: Duration,
    admin_runs: u64,
    cancels: u64,
    log_counts: Option<(usize, usize, Vec<String>)>,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

impl Report<'_> {
    /// The markdown report and whether the soak passed.
    fn render(&self) -> (String, bool) {
        let s = self.settings;
        let mut out = String::new();
        let mut failures: Vec<String> = Vec::new();
        let _ = writeln!(
            out,
            "Soak of {}: {:.0} s of mixed load from {} workers (one request at a time each, on a keep-alive \
             connection re-opened every 10 rounds), RSS sampled every {} s.\n",
            self.server_note,
            self.elapsed.as_secs_f64(),
            s.workers,
            s.sample_every.as_secs()
        );

        // The scheduler's runs during the load, for the table and the check.
        let during: Vec<&(f64, String)> = self
            .runs
            .iter()
            .filter(|(start, _)| *start >= self.began_epoch)
            .collect();
        let _ = writeln!(
            out,
            "| t (s) | RSS (MiB) | of which anon | threads | fds | answers | answers/s | scheduled runs so far |\n|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        let mut previous: Option<&Sample> = None;
        for sample in self.samples {
            let rate = previous.map_or(String::from("–"), |p| {
                let span = (sample.at - p.at).as_secs_f64().max(1e-9);
                format!("{:.0}", (sample.answered - p.answered) as f64 / span)
            });
            let runs = during
                .iter()
                .filter(|(start, _)| *start <= sample.epoch)
                .count();
            let _ = writeln!(
                out,
                "| {:.0} | {:.1} | {:.1} | {} | {} | {} | {rate} | {runs} |",
                sample.at.as_secs_f64(),
                mib(sample.rss_kib),
                mib(sample.anon_kib),
                sample.threads,
                sample.fds,
                sample.answered
            );
            previous = Some(sample);
        }
        if let Some(error) = &self.sample_error {
            failures.push(format!("sampling stopped: {error}"));
        }

        let rss: Vec<u64> = self.samples.iter().map(|x| x.rss_kib).collect();
        let anon: Vec<u64> = self.samples.iter().map(|x| x.anon_kib).collect();
        let _ = writeln!(
            out,
            "\nRSS: min {:.1} MiB, max {:.1} MiB over {} samples (anonymous part: {:.1} to {:.1} MiB).",
            mib(rss.iter().copied().min().unwrap_or(0)),
            mib(rss.iter().copied().max().unwrap_or(0)),
            rss.len(),
            mib(anon.iter().copied().min().unwrap_or(0)),
            mib(anon.iter().copied().max().unwrap_or(0)),
        );
        match memory::flatness(self.samples, s.warmup, s.max_growth_pct) {
            Ok(f) => {
                let _ = writeln!(
                    out,
                    "After the {} s warm-up ({} samples): highest RSS of the first third {:.1} MiB, of the last third \
                     {:.1} MiB: {:+.1} % (limit {:+.1} %); least-squares slope {:+.0} KiB/min. **{}**",
                    s.warmup.as_secs(),
                    f.considered,
                    mib(f.first_max_kib),
                    mib(f.last_max_kib),
                    f.growth_pct,
                    s.max_growth_pct,
                    f.slope_kib_per_min,
                    if f.flat { "Flat." } else { "Growing." }
                );
                if !f.flat {
                    failures.push(format!("RSS grew {:+.1} %", f.growth_pct));
                }
            }
            Err(e) => failures.push(e),
        }

        let t = self.tally;
        let answers = t.success_total() + t.provoked_total() + t.unexpected_total();
        let _ = writeln!(
            out,
            "\nAnswers: {answers} ({:.0}/s on average): {} successes, {} errors provoked on purpose, {} unexpected.\n",
            answers as f64 / self.elapsed.as_secs_f64().max(1e-9),
            t.success_total(),
            t.provoked_total(),
            t.unexpected_total()
        );
        let mut provoked_by_op: BTreeMap<&str, u64> = BTreeMap::new();
        for ((_, op), n) in &t.provoked {
            *provoked_by_op.entry(op).or_default() += n;
        }
        let _ = writeln!(
            out,
            "| operation | successes | provoked errors |\n|---|---:|---:|"
        );
        let mut unused = Vec::new();
        for op in OPERATIONS.iter().copied().chain(["admin:run"]) {
            let ok = t.successes.get(op).copied().unwrap_or(0);
            let provoked = provoked_by_op.get(op).copied().unwrap_or(0);
            if ok == 0 && op != "admin:run" {
                unused.push(op);
            }
            let _ = writeln!(out, "| {op} | {ok} | {provoked} |");
        }
        if !unused.is_empty() {
            failures.push(format!(
                "operations never answered successfully: {}",
                unused.join(", ")
            ));
        }
        let _ = writeln!(out, "\nErrors provoked on purpose, by type:");
        let mut by_type: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for ((kind, op), n) in &t.provoked {
            by_type.entry(kind).or_default().push(format!("{op} {n}"));
        }
        for (kind, ops) in &by_type {
            let _ = writeln!(out, "- {kind}: {}", ops.join(", "));
        }
        if t.unexpected_total() == 0 {
            let _ = writeln!(out, "\nUnexpected answers: none.");
        } else {
            let _ = writeln!(out, "\nUnexpected answers:");
            for (key, n) in &t.unexpected {
                let _ = writeln!(out, "- {key}: {n}");
            }
            for example in &t.examples {
                let _ = writeln!(out, "  - e.g. {example}");
            }
            failures.push(format!("{} unexpected answers", t.unexpected_total()));
        }

        // Each minute boundary inside the load is one clock window's time.
        let owed = ((self.ended_epoch / 60.0).floor() - (self.began_epoch / 60.0).floor()).max(0.0)
            as usize;
        let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, status) in &during {
            *statuses.entry(status.as_str()).or_default() += 1;
        }
        let status_text: Vec<String> = statuses.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            out,
            "\nScheduler: {} runs started by the scheduler during the load, {owed} minute boundaries passed \
             ({} windows `cron(k/5 * * * ? *)`, k = 0…4, each with 3 nodes and 2 tasks); statuses: {}. \
             Admin-endpoint runs: {} ({} of them cancelled). Task quota of the full window: {}.",
            during.len(),
            self.fixture.clock_windows.len(),
            if status_text.is_empty() { "none".into() } else { status_text.join(", ") },
            self.admin_runs,
            self.cancels,
            self.fixture.task_quota
        );
        if during.len() < owed {
            failures.push(format!(
                "the scheduler started {} runs, {owed} were due",
                during.len()
            ));
        }
        let bad: usize = statuses
            .iter()
            .filter(|(k, _)| !matches!(**k, "SUCCESS" | "IN_PROGRESS" | "PENDING"))
            .map(|(_, v)| v)
            .sum();
        if bad > 0 {
            failures.push(format!("{bad} scheduled runs ended otherwise than SUCCESS"));
        }
        if let Some((warn, error, examples)) = &self.log_counts {
            let _ = writeln!(out, "\nServer log: {error} ERROR and {warn} WARN lines.");
            for example in examples {
                let _ = writeln!(out, "- `{example}`");
            }
            if *error > 0 {
                failures.push(format!("{error} ERROR lines in the server log"));
            }
        }

        let passed = failures.is_empty();
        if passed {
            let _ = writeln!(out, "\nVerdict: **PASS**.");
        } else {
            let _ = writeln!(out, "\nVerdict: **FAIL**: {}.", failures.join("; "));
        }
        (out, passed)
    }
}
