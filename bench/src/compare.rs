//! The side-by-side run: starts every server, seeds them through the API,
//! measures each case on each server back to back (so background noise
//! hits them alike), stops the servers and prints a markdown report.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::load::{self, fmt_latency, Outcome, Spec};
use crate::wrk::Wrk;

/// Which program sends the load.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Client {
    /// The built-in client (`load::measure`).
    Loadgen,
    /// wrk, one thread (Debian's `wrk` package on PATH).
    Wrk,
}

impl Client {
    /// Windows in the small stores unless `--small` says otherwise.
    pub fn default_small(self) -> u64 {
        match self {
            Client::Loadgen => 100,
            Client::Wrk => 10,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Client::Loadgen => "loadgen",
            Client::Wrk => "wrk",
        }
    }
}

pub struct Settings {
    pub ssm_server: PathBuf,
    pub moto_server: String,
    pub warmup: Duration,
    pub duration: Duration,
    pub conns: Vec<usize>,
    pub rounds: usize,
    pub large: u64,
    /// Windows in the small stores (`--log info`, `--log warn`, moto).
    pub small: u64,
    pub client: Client,
    pub out: Option<PathBuf>,
    pub work_dir: Option<PathBuf>,
}

/// Per measurement, warm-up included: far above what any server here
/// reaches in a few seconds, so time ends a run, yet bounded.
const MAX_REQUESTS: u64 = 5_000_000;

pub(crate) const GET: &str = "GetMaintenanceWindow";
const DESCRIBE: &str = "DescribeMaintenanceWindows";
const UPDATE: &str = "UpdateMaintenanceWindow";
pub(crate) const CREATE: &str = "CreateMaintenanceWindow";

/// One window as the seeding and the Create measurements make it.
pub(crate) const CREATE_BODY: &str = r#"{"Name":"bench-window","Schedule":"cron(0 4 ? * SUN *)","Duration":3,"Cutoff":1,"AllowUnassociatedTargets":false}"#;
const DESCRIBE_BODY: &str = r#"{"MaxResults":50}"#;

/// A child process killed when dropped, so no server outlives the run.
pub(crate) struct Server {
    pub(crate) label: String,
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
}

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn log_file(dir: &Path, name: &str) -> Result<(File, PathBuf), String> {
    let path = dir.join(format!("{name}.log"));
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    Ok((file, path))
}

/// Waits for `listening on http://ADDR` in a server's log.
pub(crate) fn wait_for_listening(
    child: &mut Child,
    log: &Path,
    timeout: Duration,
) -> Result<SocketAddr, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let text = fs::read_to_string(log).unwrap_or_default();
        if let Some(rest) = text.split("listening on http://").nth(1) {
            let addr = rest.split_whitespace().next().unwrap_or_default();
            return addr
                .parse()
                .map_err(|e| format!("bad address {addr:?} in {}: {e}", log.display()));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "exited ({status}) before listening; log {}:\n{}",
                log.display(),
                tail(&text)
            ));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "not listening after {timeout:?}; log {}",
                log.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn start_bare(dir: &Path) -> Result<Server, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (log, path) = log_file(dir, "bare")?;
    let mut child = Command::new(exe)
        .args(["bare", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start the bare server: {e}"))?;
    let addr = wait_for_listening(&mut child, &path, Duration::from_secs(10))?;
    Ok(Server {
        label: "bare hyper".into(),
        child,
        addr,
    })
}

pub(crate) fn start_ssm(
    binary: &Path,
    dir: &Path,
    log_name: &str,
    db_name: &str,
    label: &str,
    extra: &[&str],
) -> Result<Server, String> {
    let (log, path) = log_file(dir, log_name)?;
    let db = dir.join(format!("{db_name}.db"));
    let mut args: Vec<String> = vec![
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        db.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut child = Command::new(binary)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let addr = wait_for_listening(&mut child, &path, Duration::from_secs(120))?;
    Ok(Server {
        label: label.into(),
        child,
        addr,
    })
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// moto's version, asked of the Python beside its `moto_server` script.
fn moto_version(moto_server: &str) -> Option<String> {
    let script = which(moto_server)?;
    let python = script.parent()?.join("python");
    let output = Command::new(python)
        .args(["-c", "import moto; print(moto.__version__)"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn which(program: &str) -> Option<PathBuf> {
    let candidate = Path::new(program);
    if candidate.components().count() > 1 {
        return candidate.is_file().then(|| candidate.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

fn start_moto(
    settings: &Settings,
    dir: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<Server, String> {
    if which(&settings.moto_server).is_none() {
        return Err(format!(
            "`{}` not found (set MOTO_SERVER to moto_server's path, e.g. after \
             `python3 -m venv /tmp/moto-venv && /tmp/moto-venv/bin/pip install 'moto[server]'`)",
            settings.moto_server
        ));
    }
    let port = free_port()?;
    let (log, _) = log_file(dir, "moto")?;
    let stdout = log.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(&settings.moto_server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", settings.moto_server))?;
    let version = moto_version(&settings.moto_server).unwrap_or_else(|| "?".into());
    let mut server = Server {
        label: format!("moto {version}"),
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok((200, _)) = rt.block_on(load::call_once(server.addr, DESCRIBE, DESCRIBE_BODY)) {
            return Ok(server);
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("moto_server exited ({status}) before answering"));
        }
        if Instant::now() > deadline {
            return Err("moto_server did not answer within 90 s".into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Creates `count` windows through the API with `conns` connections, as
/// fast as the server takes them; returns the run's outcome.
fn seed(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    count: u64,
    conns: usize,
) -> Result<Outcome, String> {
    let spec = Spec {
        addr: server.addr,
        also: Vec::new(),
        op: CREATE.into(),
        body: Bytes::from_static(CREATE_BODY.as_bytes()),
        conns,
        warmup: Duration::ZERO,
        // Bounded: 100,000 creates at even 500/s take 200 s.
        duration: Duration::from_secs(300),
        max_requests: count,
        signature: None,
        rest: None,
    };
    let outcome = rt.block_on(load::measure(&spec));
    if outcome.ok != count {
        return Err(format!(
            "seeding {}: {} of {count} windows created ({} errors; first: {})",
            server.label,
            outcome.ok,
            outcome.errors,
            outcome.first_error.as_deref().unwrap_or("-")
        ));
    }
    Ok(outcome)
}

/// The id of the first window a server lists.
pub(crate) fn first_window(
    rt: &tokio::runtime::Runtime,
    server: &Server,
) -> Result<String, String> {
    let (status, body) = rt.block_on(load::call_once(
        server.addr,
        DESCRIBE,
        r#"{"MaxResults":10}"#,
    ))?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "{}: DescribeMaintenanceWindows answered HTTP {status} with bad JSON: {e}",
            server.label
        )
    })?;
    value["WindowIdentities"][0]["WindowId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "{}: no window listed (HTTP {status}): {value}",
                server.label
            )
        })
}

/// How many windows a DescribeMaintenanceWindows MaxResults 50 answer holds.
fn page_len(rt: &tokio::runtime::Runtime, server: &Server) -> Result<usize, String> {
    let (_, body) = rt.block_on(load::call_once(server.addr, DESCRIBE, DESCRIBE_BODY))?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    Ok(value["WindowIdentities"].as_array().map_or(0, Vec::len))
}

/// One measurement of one cell.
struct Sample {
    outcome: Outcome,
    /// Server process CPU time (user + system) per answered request.
    server_cpu_us: f64,
    /// This process's CPU time per answered request.
    client_cpu_us: f64,
    /// Cores busy with anything else on the machine meanwhile (other
    /// people's builds and tests, the kernel's own work, idle servers).
    other_cores: f64,
}

/// One cell of the table: every round's sample of it.
struct Row {
    server: String,
    op: &'static str,
    data: String,
    conns: usize,
    samples: Vec<Sample>,
}

/// The median, the mean of the middle two for an even count; NaN if empty.
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

impl Row {
    fn median(&self, f: impl Fn(&Sample) -> f64) -> f64 {
        median(self.samples.iter().map(f).collect())
    }
    fn rps(&self) -> f64 {
        self.median(|s| s.outcome.rps)
    }
    fn p50(&self) -> f64 {
        self.median(|s| s.outcome.p50.as_secs_f64())
    }
    fn p99(&self) -> f64 {
        self.median(|s| s.outcome.p99.as_secs_f64())
    }
    fn server_cpu(&self) -> f64 {
        self.median(|s| s.server_cpu_us)
    }
    fn client_cpu(&self) -> f64 {
        self.median(|s| s.client_cpu_us)
    }
    fn other_cores(&self) -> f64 {
        self.median(|s| s.other_cores)
    }
    /// Smallest and largest value over the rounds.
    fn range(&self, f: impl Fn(&Sample) -> f64) -> (f64, f64) {
        self.samples
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    }
    fn sum(&self, f: impl Fn(&Outcome) -> u64) -> u64 {
        self.samples.iter().map(|s| f(&s.outcome)).sum()
    }
}

/// CPU seconds (user + system, all threads) a process has used so far.
pub(crate) fn cpu_seconds(pid: u32, ticks_per_second: f64) -> Option<f64> {
    // Fields after the parenthesized command name: state is field 3, so
    // utime (field 14) and stime (field 15) are at 11 and 12 here.
    stat_cpu_seconds(pid, 11, ticks_per_second)
}

/// CPU seconds used so far by this process plus the children it has waited
/// for: the client's cost whether it is this process or a wrk child.
fn client_cpu_seconds(ticks_per_second: f64) -> Option<f64> {
    let pid = std::process::id();
    // cutime (field 16) and cstime (field 17) are at 13 and 14 here.
    Some(cpu_seconds(pid, ticks_per_second)? + stat_cpu_seconds(pid, 13, ticks_per_second)?)
}

fn stat_cpu_seconds(pid: u32, user_index: usize, ticks_per_second: f64) -> Option<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: u64 = fields.get(user_index)?.parse().ok()?;
    let system: u64 = fields.get(user_index + 1)?.parse().ok()?;
    Some((user + system) as f64 / ticks_per_second)
}

/// Busy CPU seconds of the whole machine so far (all but idle and iowait).
fn machine_busy_seconds(ticks_per_second: f64) -> Option<f64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let values: Vec<u64> = line
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is in user).
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3)? + values.get(4)?;
    Some((total - idle) as f64 / ticks_per_second)
}

pub(crate) fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn secs(seconds: f64) -> String {
    fmt_latency(Duration::from_secs_f64(seconds.max(0.0)))
}

fn thousands_f(n: f64) -> String {
    thousands(n.round().max(0.0) as u64)
}

/// Where a cell's requests go: a server that runs for the whole phase, or
/// one started for the cell alone (so that its background work, such as
/// the scheduler's tick over 100,000 windows, never lands on another
/// server's measurement).
enum Host<'a> {
    Running(&'a Server),
    PerCell(StartServer<'a>),
}

/// Starts a server for one cell; the argument tags its log file.
type StartServer<'a> = Box<dyn Fn(&str) -> Result<Server, String> + 'a>;

struct Target<'a> {
    label: String,
    data: String,
    body: Bytes,
    host: Host<'a>,
}

impl<'a> Target<'a> {
    fn running(server: &'a Server, data: &str, body: Bytes) -> Self {
        Self {
            label: server.label.clone(),
            data: data.into(),
            body,
            host: Host::Running(server),
        }
    }
}

fn op_label(op: &str) -> &str {
    match op {
        DESCRIBE => "DescribeMaintenanceWindows (MaxResults 50)",
        other => other,
    }
}

pub fn run(settings: Settings) -> Result<(), String> {
    for (i, addr_conns) in settings.conns.iter().enumerate() {
        if *addr_conns == 0 || *addr_conns > 256 {
            return Err(format!("connection count #{i} must be 1..=256"));
        }
    }
    if settings.small == 0 {
        return Err("--small must be at least 1: Get and Update need a window".into());
    }
    let began = Instant::now();
    in_work_dir(settings.work_dir.as_deref(), |dir| {
        run_in(&settings, dir, began)
    })
}

/// Runs `work` in `work_dir`, or in a temporary folder removed afterwards.
pub(crate) fn in_work_dir<T>(
    work_dir: Option<&Path>,
    work: impl FnOnce(&Path) -> Result<T, String>,
) -> Result<T, String> {
    let dir = match work_dir {
        Some(dir) => dir.to_owned(),
        None => std::env::temp_dir().join(format!("loadgen-{}", std::process::id())),
    };
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = work(&dir);
    if work_dir.is_none() {
        let _ = fs::remove_dir_all(&dir);
    } else {
        eprintln!("server logs and databases kept in {}", dir.display());
    }
    result
}

fn run_in(settings: &Settings, dir: &Path, began: Instant) -> Result<(), String> {
    let rt = load::client_runtime();
    let mut notes: Vec<String> = Vec::new();
    let large = settings.large;
    let large_label = format!("{} windows", thousands(large));
    let small = settings.small;
    let small_label = format!("{} windows", thousands(small));
    let small_data = small_label.as_str();
    let wrk = match settings.client {
        Client::Loadgen => None,
        Client::Wrk => {
            let wrk = Wrk::prepare(dir, settings.warmup, settings.duration)?;
            eprintln!("load client: {}", wrk.version);
            notes.push(format!("Load client: {} (`-t1`, keep-alive).", wrk.version));
            Some(wrk)
        }
    };

    eprintln!("starting servers");
    let bare = start_bare(dir)?;
    let info_label = "ssm-server --log info";
    let warn_label = "ssm-server --log warn";
    let big_label = "ssm-server --log info --sync normal";
    // The default quota of 50 windows would refuse the seeding.
    let small_max = (small * 2).max(1000).to_string();
    let small_flags = |level: &'static str| ["--log", level, "--max-windows", small_max.as_str()];
    let info = start_ssm(
        &settings.ssm_server,
        dir,
        "ssm-info",
        "ssm-info",
        info_label,
        &small_flags("info"),
    )?;
    let warn = start_ssm(
        &settings.ssm_server,
        dir,
        "ssm-warn",
        "ssm-warn",
        warn_label,
        &small_flags("warn"),
    )?;
    let moto = match start_moto(settings, dir, &rt) {
        Ok(server) => Some(server),
        Err(e) => {
            let note = format!("moto skipped: {e}");
            eprintln!("NOTE: {note}");
            notes.push(note);
            None
        }
    };

    eprintln!("seeding {small} windows into each");
    for server in [Some(&info), Some(&warn), moto.as_ref()]
        .into_iter()
        .flatten()
    {
        seed(&rt, server, small, 1)?;
    }

    // The large store: created through the API, timed; then stopped. Each
    // of its cells starts it again from its database.
    let large_max = (large * 2).to_string();
    let big_flags = [
        "--log",
        "info",
        "--sync",
        "normal",
        "--max-windows",
        large_max.as_str(),
    ];
    let big_id = {
        let big = start_ssm(
            &settings.ssm_server,
            dir,
            "ssm-large-seed",
            "ssm-large",
            big_label,
            &big_flags,
        )?;
        eprintln!(
            "seeding {} windows into `{big_label}` over 8 connections",
            thousands(large)
        );
        let seeded = seed(&rt, &big, large, 8)?;
        let seeding = format!(
            "Seeding {} windows through CreateMaintenanceWindow (8 connections, `--sync normal`, `--log info`) took {:.1} s: {} creates/s, p50 {}, p99 {}, max {}.",
            thousands(large),
            seeded.span.as_secs_f64(),
            thousands_f(seeded.rps),
            fmt_latency(seeded.p50),
            fmt_latency(seeded.p99),
            fmt_latency(seeded.max)
        );
        eprintln!("  {seeding}");
        notes.push(seeding);
        let n = page_len(&rt, &big)?;
        if n != 50 {
            return Err(format!(
                "{big_label}: a MaxResults 50 page held {n} windows"
            ));
        }
        first_window(&rt, &big)?
    };

    for server in [&info, &warn] {
        let n = page_len(&rt, server)?;
        if n as u64 != small.min(50) {
            return Err(format!(
                "{}: a MaxResults 50 page held {n} windows",
                server.label
            ));
        }
    }
    if let Some(moto) = &moto {
        let n = page_len(&rt, moto)?;
        notes.push(format!(
            "moto ignores MaxResults (it has no pagination for DescribeMaintenanceWindows and omits NextExecutionTime): its answer held all {n} windows."
        ));
        notes.push(format!(
            "moto is measured with {small_label} only: at its CreateMaintenanceWindow rate (a few small_data per second, see its rows) seeding {} windows would take minutes of the run's time budget, and since it ignores MaxResults every DescribeMaintenanceWindows would then serialize all {} windows.",
            thousands(large),
            thousands(large)
        ));
    }

    let get_body = |id: &str| Bytes::from(format!(r#"{{"WindowId":"{id}"}}"#));
    let startups: std::cell::RefCell<Vec<(String, f64)>> = Default::default();
    let big_host = || {
        let startups = &startups;
        let big_flags = &big_flags;
        Host::PerCell(Box::new(move |tag: &str| {
            let t = Instant::now();
            let server = start_ssm(
                &settings.ssm_server,
                dir,
                &format!("ssm-large-{tag}"),
                "ssm-large",
                big_label,
                big_flags,
            )?;
            startups
                .borrow_mut()
                .push((big_label.to_string(), t.elapsed().as_secs_f64()));
            Ok(server)
        }))
    };
    let info_window = first_window(&rt, &info)?;
    let warn_window = first_window(&rt, &warn)?;
    let mut get_targets = vec![
        Target::running(&bare, "—", get_body("mw-0123456789abcdef0")),
        Target::running(&info, small_data, get_body(&info_window)),
        Target::running(&warn, small_data, get_body(&warn_window)),
        Target {
            label: big_label.into(),
            data: large_label.clone(),
            body: get_body(&big_id),
            host: big_host(),
        },
    ];
    let describe = Bytes::from_static(DESCRIBE_BODY.as_bytes());
    let mut describe_targets = vec![
        Target::running(&bare, "—", describe.clone()),
        Target::running(&info, small_data, describe.clone()),
        Target::running(&warn, small_data, describe.clone()),
        Target {
            label: big_label.into(),
            data: large_label.clone(),
            body: describe.clone(),
            host: big_host(),
        },
    ];
    // The same window updated again and again; each update is a write
    // (default `--sync`), so it is measured after the reads.
    let update_body = |id: &str| Bytes::from(format!(r#"{{"WindowId":"{id}","Duration":4}}"#));
    let update_targets = vec![
        Target::running(&bare, "—", update_body("mw-0123456789abcdef0")),
        Target::running(&info, small_data, update_body(&info_window)),
        Target::running(&warn, small_data, update_body(&warn_window)),
    ];
    if let Some(moto) = &moto {
        get_targets.push(Target::running(
            moto,
            small_data,
            get_body(&first_window(&rt, moto)?),
        ));
        describe_targets.push(Target::running(moto, small_data, describe.clone()));
    }

    let ticks = clock_ticks();
    let mut rows: Vec<Row> = Vec::new();
    let measure = |rows: &mut Vec<Row>,
                   op: &'static str,
                   target: &Target,
                   conns: usize,
                   round: usize|
     -> Result<(), String> {
        let owned;
        let server = match &target.host {
            Host::Running(server) => *server,
            Host::PerCell(start) => {
                owned = start(&format!("{op}-c{conns}-r{round}"))?;
                &owned
            }
        };
        let spec = Spec {
            addr: server.addr,
            also: Vec::new(),
            op: op.into(),
            body: target.body.clone(),
            conns,
            warmup: settings.warmup,
            duration: settings.duration,
            max_requests: MAX_REQUESTS,
            signature: None,
            rest: None,
        };
        let server_pid = server.child.id();
        let server_before = cpu_seconds(server_pid, ticks).unwrap_or(f64::NAN);
        let client_before = client_cpu_seconds(ticks).unwrap_or(f64::NAN);
        let machine_before = machine_busy_seconds(ticks).unwrap_or(f64::NAN);
        let wall = Instant::now();
        let outcome = match &wrk {
            None => rt.block_on(load::measure(&spec)),
            Some(wrk) => wrk.measure(&spec, &format!("{op}-c{conns}-r{round}-{}", target.label))?,
        };
        let wall = wall.elapsed().as_secs_f64();
        let server_after = cpu_seconds(server_pid, ticks).unwrap_or(f64::NAN);
        let client_after = client_cpu_seconds(ticks).unwrap_or(f64::NAN);
        let machine_after = machine_busy_seconds(ticks).unwrap_or(f64::NAN);
        let other_cores = ((machine_after - machine_before)
            - (server_after - server_before)
            - (client_after - client_before))
            / wall.max(1e-3);
        let per_request =
            |before: f64, after: f64| (after - before) * 1e6 / (outcome.answered.max(1) as f64);
        let sample = Sample {
            server_cpu_us: per_request(server_before, server_after),
            client_cpu_us: per_request(client_before, client_after),
            other_cores: other_cores.max(0.0),
            outcome,
        };
        eprintln!(
            "  {:<38} {:<27} {:<16} c={conns}: {}  server CPU {:.1} µs/req  client CPU {:.1} µs/req  other load {:.2} cores",
            target.label,
            op,
            target.data,
            sample.outcome.summary(),
            sample.server_cpu_us,
            sample.client_cpu_us,
            sample.other_cores,
        );
        let existing = rows.iter_mut().find(|r| {
            r.server == target.label && r.op == op && r.data == target.data && r.conns == conns
        });
        match existing {
            Some(row) => row.samples.push(sample),
            None => rows.push(Row {
                server: target.label.clone(),
                op,
                data: target.data.clone(),
                conns,
                samples: vec![sample],
            }),
        }
        Ok(())
    };

    eprintln!("measuring reads, then updates");
    for (op, targets) in [
        (GET, &get_targets),
        (DESCRIBE, &describe_targets),
        (UPDATE, &update_targets),
    ] {
        for &conns in &settings.conns {
            for round in 1..=settings.rounds {
                eprintln!(" {op}, {conns} conn, round {round}/{}", settings.rounds);
                for target in targets.iter() {
                    measure(&mut rows, op, target, conns, round)?;
                }
            }
        }
    }
    drop(get_targets);
    drop(describe_targets);
    drop(update_targets);
    drop(info);
    drop(warn);

    eprintln!("measuring creates (a fresh server on an empty database per cell)");
    let create = Bytes::from_static(CREATE_BODY.as_bytes());
    let fresh_host = |sync: &'static str| {
        Host::PerCell(Box::new(move |tag: &str| {
            let name = format!("ssm-create-{sync}-{tag}");
            start_ssm(
                &settings.ssm_server,
                dir,
                &name,
                &name,
                &format!("ssm-server --log info --sync {sync}"),
                &[
                    "--log",
                    "info",
                    "--sync",
                    sync,
                    "--max-windows",
                    "100000000",
                ],
            )
        }))
    };
    let mut create_targets = vec![
        Target::running(&bare, "—", create.clone()),
        Target {
            label: "ssm-server --log info --sync full".into(),
            data: "fresh DB".into(),
            body: create.clone(),
            host: fresh_host("full"),
        },
        Target {
            label: "ssm-server --log info --sync normal".into(),
            data: "fresh DB".into(),
            body: create.clone(),
            host: fresh_host("normal"),
        },
    ];
    if let Some(moto) = &moto {
        create_targets.push(Target::running(moto, small_data, create.clone()));
    }
    for &conns in &settings.conns {
        for round in 1..=settings.rounds {
            eprintln!(" {CREATE}, {conns} conn, round {round}/{}", settings.rounds);
            for target in &create_targets {
                measure(&mut rows, CREATE, target, conns, round)?;
            }
        }
    }
    for target in create_targets.iter().filter(|t| t.data == "fresh DB") {
        let most = rows
            .iter()
            .filter(|r| r.server == target.label && r.op == CREATE)
            .flat_map(|r| r.samples.iter().map(|x| x.outcome.answered))
            .max()
            .unwrap_or(0);
        notes.push(format!(
            "`{}`, CreateMaintenanceWindow: each cell started a new server on an empty database; the largest held {} windows at the end of its cell (warm-up included).",
            target.label,
            thousands(most)
        ));
    }
    drop(create_targets);
    drop(moto);
    drop(bare);
    let startups = startups.into_inner();
    if !startups.is_empty() {
        let times: Vec<f64> = startups.iter().map(|(_, t)| *t).collect();
        notes.push(format!(
            "`{big_label}` with {large_label} was started afresh from its database for each of its {} cells (so its once-a-second scheduler tick never ran during another server's cell): start to `listening`, which includes loading every window from SQLite, took {:.2} s median ({:.2}–{:.2} s).",
            times.len(),
            median(times.clone()),
            times.iter().cloned().fold(f64::INFINITY, f64::min),
            times.iter().cloned().fold(0.0, f64::max),
        ));
    }

    let report = report(
        settings,
        &rows,
        &notes,
        (&small_label, &large_label),
        began.elapsed(),
    );
    println!("{report}");
    if let Some(out) = &settings.out {
        fs::write(out, &report).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("report written to {}", out.display());
    }
    Ok(())
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

fn report(
    settings: &Settings,
    rows: &[Row],
    notes: &[String],
    (small_label, large_label): (&str, &str),
    took: Duration,
) -> String {
    let bare_of = |op: &str, conns: usize| {
        rows.iter()
            .find(|r| r.server.starts_with("bare") && r.op == op && r.conns == conns)
    };
    let find = |server: &str, op: &str, data: &str, conns: usize| {
        rows.iter()
            .find(|r| r.server == server && r.op == op && r.data == data && r.conns == conns)
    };
    let client = settings.client.name();
    let client_text = match settings.client {
        Client::Loadgen => {
            "Load client: loadgen's own (one thread; each connection sends its next request when the previous answer \
             is read: closed loop, keep-alive; p50/p99 of a round: nearest rank over every request of its measured window; \
             only HTTP 200 answers count). Client CPU: loadgen's process."
        }
        Client::Wrk => {
            "Load client: wrk `-t1` (one thread; each keep-alive connection sends its next request when the previous \
             answer is read, as loadgen's does). The warm-up is a wrk run of its own before the measured run, which opens \
             its connections afresh. req/s: answers with a status below 400 over wrk's measured time; p50/p99 from wrk's \
             latency histogram (1 µs resolution). Errors: answers with status 400 or more plus wrk's socket errors \
             (connect, read, write, timeout). Client CPU: the wrk processes (children loadgen waited for) plus loadgen's \
             own, which only waits."
        }
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Each row: {} round(s) of {:.1} s warm-up + {:.1} s measured, every server measured back to back within a round. \
         {client_text} req/s, p50, p99 and CPU are medians over the rounds; min–max is the range over the rounds, to show \
         the noise. Ratios are to the bare hyper server answering the same request \
         at the same concurrency in the same rounds (medians to medians). CPU per request: the process's user+system time over the whole \
         measurement (warm-up included) divided by the requests it answered. Other load: cores the rest of the machine kept busy \
         meanwhile (this machine is shared with builds and tests; {} cores in all).\n",
        settings.rounds,
        settings.warmup.as_secs_f64(),
        settings.duration.as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(
        s,
        "| server | operation | data | conns | req/s | req/s min–max | p50 | p99 | p99 min–max | req/s ratio to bare | p99 / bare p99 | server CPU µs/req | {client} CPU µs/req | other load (cores) | errors |"
    );
    let _ = writeln!(
        s,
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let (rps_ratio, p99_ratio) = match bare_of(r.op, r.conns) {
            Some(b) if !r.server.starts_with("bare") => (
                format!("{:.2}×", ratio(r.rps(), b.rps())),
                format!("{:.2}×", ratio(r.p99(), b.p99())),
            ),
            _ => ("1.00×".into(), "1.00×".into()),
        };
        let (rps_min, rps_max) = r.range(|s| s.outcome.rps);
        let (p99_min, p99_max) = r.range(|s| s.outcome.p99.as_secs_f64());
        // A cell with errors must stand out: its figures count fewer answers.
        let errors = match r.sum(|o| o.errors) {
            0 => "0".to_owned(),
            n => format!("**{}**", thousands(n)),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {}–{} | {} | {} | {}–{} | {} | {} | {:.1} | {:.1} | {:.2} | {} |",
            r.server,
            op_label(r.op),
            r.data,
            r.conns,
            thousands_f(r.rps()),
            thousands_f(rps_min),
            thousands_f(rps_max),
            secs(r.p50()),
            secs(r.p99()),
            secs(p99_min),
            secs(p99_max),
            rps_ratio,
            p99_ratio,
            r.server_cpu(),
            r.client_cpu(),
            r.other_cores(),
            errors
        );
    }

    let _ = writeln!(s, "\n**Targets** (computed from the table above):\n");
    let moto_label = rows
        .iter()
        .find(|r| r.server.starts_with("moto"))
        .map(|r| r.server.clone());
    let mark = |ok: bool| if ok { "met" } else { "**missed**" };
    for server in ["ssm-server --log info", "ssm-server --log warn"] {
        for &conns in &settings.conns {
            let (Some(o), Some(b)) = (find(server, GET, small_label, conns), bare_of(GET, conns))
            else {
                continue;
            };
            let r = ratio(o.rps(), b.rps());
            let p = ratio(o.p99(), b.p99());
            let versus_moto = moto_label
                .as_deref()
                .and_then(|m| find(m, GET, small_label, conns))
                .map(|m| format!("; {:.0}× moto's req/s", ratio(o.rps(), m.rps())))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "- GetMaintenanceWindow, `{server}`, {conns} conn: {:.2}× bare req/s (target ≥ 0.5×: {}); p99 {:.2}× bare's (target ≤ 1.5×: {}){versus_moto}.",
                r,
                mark(r >= 0.5),
                p,
                mark(p <= 1.5),
            );
        }
    }
    for &conns in &settings.conns {
        let small = find("ssm-server --log info", DESCRIBE, small_label, conns);
        let big = find(
            "ssm-server --log info --sync normal",
            DESCRIBE,
            large_label,
            conns,
        );
        let (Some(small), Some(big)) = (small, big) else {
            continue;
        };
        let slower_rps = ratio(small.rps(), big.rps());
        let slower_p50 = ratio(big.p50(), small.p50());
        let slower_p99 = ratio(big.p99(), small.p99());
        let slower_cpu = ratio(big.server_cpu(), small.server_cpu());
        // The target compares pages of the same size; a store smaller than
        // a page answers with fewer windows, so its ratio is no verdict.
        let verdict = if settings.small >= 50 {
            format!(
                "target ≤ 1.5× slower, judged on req/s and p50: {}",
                mark(slower_rps <= 1.5 && slower_p50 <= 1.5)
            )
        } else {
            format!(
                "no verdict on the ≤ 1.5× target: the smaller store's page holds {} windows, the larger's 50",
                settings.small
            )
        };
        let _ = writeln!(
            s,
            "- DescribeMaintenanceWindows MaxResults 50, {conns} conn, {large_label} against {small_label} (both `--log info`): \
             req/s({small_label}) / req/s({large_label}) = {slower_rps:.2}, p50 ratio {slower_p50:.2}, p99 ratio {slower_p99:.2}, \
             server CPU per request ratio {slower_cpu:.2} ({verdict})."
        );
    }
    let mut notes = notes.to_vec();
    for r in rows.iter().filter(|r| r.sum(|o| o.reconnects) > 0) {
        notes.push(format!(
            "{} closed the connection after {} of {} requests of {} at {} conn (all rounds); loadgen reconnects outside the timed section, so these latencies exclude connection set-up.",
            r.server,
            thousands(r.sum(|o| o.reconnects)),
            thousands(r.sum(|o| o.sent)),
            r.op,
            r.conns
        ));
    }
    for r in rows.iter().filter(|r| r.sum(|o| o.errors) > 0) {
        let first = r
            .samples
            .iter()
            .find_map(|x| x.outcome.first_error.clone())
            .unwrap_or_default();
        notes.push(format!(
            "{} {} at {} conn: {} errors, first: {first}",
            r.server,
            r.op,
            r.conns,
            r.sum(|o| o.errors)
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(s, "\nNotes:\n");
        for note in notes {
            let _ = writeln!(s, "- {note}");
        }
    }
    let _ = writeln!(s, "\nWhole run: {:.0} s.", took.as_secs_f64());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_medians() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![1.0, 2.0]), 1.5);
        assert!(median(vec![]).is_nan());
    }
}
