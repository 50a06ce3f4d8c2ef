//! What checking signatures costs (issue 11): GetMaintenanceWindow at N
//! connections on a server started with `--auth sigv4` next to the same
//! binary with `--auth open`, round by round, the order swapped each round
//! so background noise hits both alike.
//!
//! Each measurement sends one request signed once (see
//! [`load::Signature`]), so the client's cost is the same for both servers
//! and the difference is the server's verifying.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use ssm_server::auth::signer::Key;

use crate::compare::{
    clock_ticks, cpu_seconds, in_work_dir, median, start_ssm, Client, Server, CREATE, CREATE_BODY,
    GET,
};
use crate::load::{self, Conn, Outcome, Signature, Spec};
use crate::wrk::Wrk;

pub struct Settings {
    pub ssm_server: PathBuf,
    pub conns: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub rounds: usize,
    pub client: Client,
    pub work_dir: Option<PathBuf>,
}

/// Far above what a few seconds reach, so time ends a run, yet bounded.
const MAX_REQUESTS: u64 = 5_000_000;

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// One server's measurement in one round.
struct Sample {
    outcome: Outcome,
    /// The server's CPU time (user + system) per answered request: less
    /// swayed by other load on the machine than throughput.
    cpu_us: f64,
}

struct Round {
    open: Sample,
    sigv4: Sample,
}

pub fn run(settings: Settings) -> Result<String, String> {
    in_work_dir(settings.work_dir.as_deref(), |dir| run_in(&settings, dir))
}

fn run_in(settings: &Settings, dir: &Path) -> Result<String, String> {
    let credentials = dir.join("credentials.toml");
    std::fs::write(
        &credentials,
        format!(
            "[[credentials]]\naccess_key_id = \"{ACCESS_KEY}\"\n\
             secret_access_key = \"{SECRET_KEY}\"\naccount_id = \"123456789012\"\n"
        ),
    )
    .map_err(|e| format!("cannot write {}: {e}", credentials.display()))?;
    let credentials = credentials.display().to_string();
    let open = start_ssm(&settings.ssm_server, dir, "ssm-open", "open", "open", &[])?;
    let strict = start_ssm(
        &settings.ssm_server,
        dir,
        "ssm-sigv4",
        "sigv4",
        "sigv4",
        &["--auth", "sigv4", "--credentials", &credentials],
    )?;
    let key = Key {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET_KEY.into(),
        session_token: None,
        region: "us-east-1".into(),
    };
    let rt = load::client_runtime();
    let open_window = rt.block_on(create(&open, None))?;
    let strict_window = rt.block_on(create(&strict, Some(&key)))?;
    let wrk = match settings.client {
        Client::Loadgen => None,
        Client::Wrk => Some(Wrk::prepare(dir, settings.warmup, settings.duration)?),
    };
    let ticks = clock_ticks();
    let measure = |server: &Server, window: &str, signed: bool, tag: &str| {
        let body = Bytes::from(format!(r#"{{"WindowId":"{window}"}}"#));
        let signature = signed
            .then(|| Signature::new(&key, server.addr, GET, &body))
            .transpose()?;
        let spec = Spec {
            addr: server.addr,
            also: Vec::new(),
            op: GET.into(),
            body,
            conns: settings.conns,
            warmup: settings.warmup,
            duration: settings.duration,
            max_requests: MAX_REQUESTS,
            signature,
            rest: None,
        };
        let cpu_before = cpu_seconds(server.pid(), ticks).unwrap_or(f64::NAN);
        let outcome = match &wrk {
            Some(wrk) => wrk.measure(&spec, tag)?,
            None => rt.block_on(load::measure(&spec)),
        };
        let cpu_after = cpu_seconds(server.pid(), ticks).unwrap_or(f64::NAN);
        if outcome.errors > 0 {
            return Err(format!(
                "{}: {} errors; first: {}",
                server.label,
                outcome.errors,
                outcome.first_error.as_deref().unwrap_or("-")
            ));
        }
        let cpu_us = (cpu_after - cpu_before) * 1e6 / outcome.answered.max(1) as f64;
        Ok::<_, String>(Sample { outcome, cpu_us })
    };
    let mut rounds = Vec::new();
    for round in 1..=settings.rounds {
        let measure_open = || measure(&open, &open_window, false, &format!("open-r{round}"));
        let measure_strict = || measure(&strict, &strict_window, true, &format!("sigv4-r{round}"));
        let (open, sigv4) = if round % 2 == 1 {
            let open = measure_open()?;
            (open, measure_strict()?)
        } else {
            let sigv4 = measure_strict()?;
            (measure_open()?, sigv4)
        };
        eprintln!(
            "round {round}: open {} ({:.1} µs CPU/req) | sigv4 {} ({:.1} µs CPU/req)",
            open.outcome.summary(),
            open.cpu_us,
            sigv4.outcome.summary(),
            sigv4.cpu_us,
        );
        rounds.push(Round { open, sigv4 });
    }
    Ok(report(settings, wrk.as_ref(), &rounds))
}

/// Creates one window and returns its id.
async fn create(server: &Server, key: Option<&Key>) -> Result<String, String> {
    let mut conn = Conn::open(server.addr).await?;
    let body = Bytes::from_static(CREATE_BODY.as_bytes());
    let (status, answer) = match key {
        Some(key) => conn.call_signed(key, CREATE, body).await?,
        None => conn.call(CREATE, body).await?,
    };
    let value: serde_json::Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    value["WindowId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: create answered HTTP {status}: {value}", server.label))
}

fn report(settings: &Settings, wrk: Option<&Wrk>, rounds: &[Round]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let column = |f: &dyn Fn(&Round) -> f64| median(rounds.iter().map(f).collect());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "GetMaintenanceWindow, {} connections, client {}, {} s recorded after {} s warm-up, median of {} rounds\n",
        settings.conns,
        wrk.map_or("loadgen".to_owned(), |w| w.version.clone()),
        settings.duration.as_secs_f64(),
        settings.warmup.as_secs_f64(),
        rounds.len(),
    );
    let _ = writeln!(
        out,
        "| --auth | req/s | p50 | p99 | server CPU per request |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (label, pick) in [
        ("open", (|r: &Round| &r.open) as fn(&Round) -> &Sample),
        ("sigv4", |r: &Round| &r.sigv4),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {:.0} | {:.3} ms | {:.3} ms | {:.1} µs |",
            column(&|r| pick(r).outcome.rps),
            column(&|r| ms(pick(r).outcome.p50)),
            column(&|r| ms(pick(r).outcome.p99)),
            column(&|r| pick(r).cpu_us),
        );
    }
    let ratio = |name: &str, f: fn(&Round) -> f64, out: &mut String| {
        let per_round: Vec<String> = rounds.iter().map(|r| format!("{:.2}×", f(r))).collect();
        let _ = writeln!(
            out,
            "{name}: {:.2}× (per round: {})",
            column(&|r| f(r)),
            per_round.join(", ")
        );
    };
    out.push('\n');
    ratio(
        "throughput sigv4 / open",
        |r| r.sigv4.outcome.rps / r.open.outcome.rps,
        &mut out,
    );
    ratio(
        "server CPU per request sigv4 / open",
        |r| r.sigv4.cpu_us / r.open.cpu_us,
        &mut out,
    );
    out
}
