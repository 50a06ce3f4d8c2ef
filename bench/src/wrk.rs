//! wrk (Debian's `wrk` package) as the load client of `loadgen compare`:
//! one thread, N keep-alive connections, the request shape set by
//! `bench/wrk/awsjson.lua`. Its counts and latencies come from the script's
//! `done` line (microseconds, wrk's own histogram) into the same `Outcome`
//! the built-in client fills, so the report treats both alike.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::load::{self, Outcome, Spec};

/// Embedded so that the binary runs from any folder; the file in the
/// repository is also usable by hand (see its header).
const SCRIPT: &str = include_str!("../wrk/awsjson.lua");

/// Marks the script's `done` line in wrk's output.
const DONE_PREFIX: &str = "loadgen-wrk ";

/// Per-request timeout given to wrk: far above any latency seen here, so a
/// timeout means a stuck request, and wrk counts it as an error.
const REQUEST_TIMEOUT: &str = "10s";

/// How long past its `-d` a wrk run may take before it is killed.
const GRACE: Duration = Duration::from_secs(30);

pub struct Wrk {
    script: PathBuf,
    /// First line of `wrk --version`, for the report.
    pub version: String,
    logs: PathBuf,
}

/// What the script's `done` line reports for one wrk run.
#[derive(Debug, PartialEq)]
struct Stats {
    requests: u64,
    duration_us: u64,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
    /// Answers with a status of 400 or more (wrk's "Non-2xx or 3xx").
    status: u64,
    connect: u64,
    read: u64,
    write: u64,
    timeout: u64,
}

impl Stats {
    fn socket_errors(&self) -> u64 {
        self.connect + self.read + self.write + self.timeout
    }

    fn describe_errors(&self) -> String {
        format!(
            "{} answers with status >= 400; socket errors: connect {}, read {}, write {}, timeout {}",
            self.status, self.connect, self.read, self.write, self.timeout
        )
    }
}

fn parse(output: &str) -> Result<Stats, String> {
    let line = output
        .lines()
        .find_map(|l| l.strip_prefix(DONE_PREFIX))
        .ok_or("no `loadgen-wrk` line in wrk's output")?;
    let field = |name: &str| -> Result<u64, String> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .ok_or(format!("`{name}` missing from {line:?}"))?
            .parse()
            .map_err(|e| format!("`{name}` in {line:?}: {e}"))
    };
    Ok(Stats {
        requests: field("requests")?,
        duration_us: field("duration_us")?,
        p50_us: field("p50_us")?,
        p99_us: field("p99_us")?,
        max_us: field("max_us")?,
        status: field("status")?,
        connect: field("connect")?,
        read: field("read")?,
        write: field("write")?,
        timeout: field("timeout")?,
    })
}

/// wrk's `-d` takes whole seconds.
fn whole_seconds(d: Duration, what: &str) -> Result<u64, String> {
    let s = d.as_secs_f64();
    if s.fract() != 0.0 {
        return Err(format!("wrk takes whole seconds: --{what} {s}"));
    }
    Ok(s as u64)
}

impl Wrk {
    /// Finds wrk on PATH and writes the script into `dir`; checks that the
    /// measured and warm-up times are whole seconds.
    pub fn prepare(dir: &Path, warmup: Duration, duration: Duration) -> Result<Self, String> {
        whole_seconds(warmup, "warmup")?;
        if whole_seconds(duration, "duration")? == 0 {
            return Err("wrk needs --duration of at least 1 s".into());
        }
        // `wrk --version` prints its banner and exits with status 1.
        let output = Command::new("wrk").arg("--version").output().map_err(|e| {
            format!("cannot run wrk ({e}); install it (`apt-get install wrk`) or use bench/run.sh --wrk")
        })?;
        // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
        let banner = String::from_utf8_lossy(&output.stdout);
        let first = banner.lines().next().unwrap_or("wrk ?");
        let version = first
            .split_once(" Copyright")
            .map_or(first, |(v, _)| v)
            .to_owned();
        let script = dir.join("awsjson.lua");
        fs::write(&script, SCRIPT)
            .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        let logs = dir.join("wrk");
        fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        Ok(Self {
            script,
            version,
            logs,
        })
    }

    /// One wrk run of `seconds`; its whole output is kept in `log`.
    fn run(&self, spec: &Spec, seconds: u64, log: &Path) -> Result<Stats, String> {
        load::check_loopback(spec.addr)?;
        let body = std::str::from_utf8(&spec.body).map_err(|e| format!("body not UTF-8: {e}"))?;
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut child = Command::new("wrk")
            .args([
                "-t1".to_owned(),
                format!("-c{}", spec.conns.max(1)),
                format!("-d{seconds}s"),
                format!("--timeout={REQUEST_TIMEOUT}"),
                "--latency".to_owned(),
                "-s".to_owned(),
                self.script.display().to_string(),
                format!("http://{}/", spec.addr),
            ])
            .env("WRK_OP", &spec.op)
            .env("WRK_BODY", body)
            .env("WRK_AUTHORIZATION", spec.auth_headers().0)
            .env("WRK_AMZ_DATE", spec.auth_headers().1)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start wrk: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(seconds) + GRACE;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "wrk still running {GRACE:?} after its {seconds} s; killed (output in {})",
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let text = fs::read_to_string(log).unwrap_or_default();
        if !status.success() {
            return Err(format!("wrk exited with {status}: {}", text.trim()));
        }
        parse(&text).map_err(|e| format!("{e} (output in {})", log.display()))
    }

    /// The same measurement as `load::measure`: a warm-up run (not
    /// recorded; wrk opens its connections afresh for the measured run),
    /// then the measured run. `tag` names the log files.
    pub fn measure(&self, spec: &Spec, tag: &str) -> Result<Outcome, String> {
        let tag: String = tag
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let warm_seconds = whole_seconds(spec.warmup, "warmup")?;
        let warm = if warm_seconds > 0 {
            Some(self.run(
                spec,
                warm_seconds,
                &self.logs.join(format!("{tag}-warmup.log")),
            )?)
        } else {
            None
        };
        let seconds = whole_seconds(spec.duration, "duration")?;
        let stats = self.run(spec, seconds, &self.logs.join(format!("{tag}.log")))?;
        let ok = stats.requests.saturating_sub(stats.status);
        let span = Duration::from_micros(stats.duration_us.max(1));
        let warm_requests = warm.as_ref().map_or(0, |w| w.requests);
        let first_error = if stats.status + stats.socket_errors() > 0 {
            Some(format!("wrk: {}", stats.describe_errors()))
        } else {
            warm.as_ref()
                .filter(|w| w.status + w.socket_errors() > 0)
                .map(|w| format!("wrk warm-up: {}", w.describe_errors()))
        };
        Ok(Outcome {
            ok,
            errors: stats.status + stats.socket_errors(),
            reconnects: 0,
            first_error,
            span,
            rps: ok as f64 / span.as_secs_f64(),
            p50: Duration::from_micros(stats.p50_us),
            p99: Duration::from_micros(stats.p99_us),
            max: Duration::from_micros(stats.max_us),
            sent: warm_requests + stats.requests,
            answered: warm_requests + stats.requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_done_line() {
        let output = "Running 1s test @ http://127.0.0.1:1/\n  15316 requests in 1.10s\n\
            loadgen-wrk requests=15316 duration_us=1100422 p50_us=101 p99_us=2329 max_us=4777 \
            status=3 connect=0 read=1 write=0 timeout=2\n";
        let stats = parse(output).unwrap();
        assert_eq!(
            stats,
            Stats {
                requests: 15316,
                duration_us: 1_100_422,
                p50_us: 101,
                p99_us: 2329,
                max_us: 4777,
                status: 3,
                connect: 0,
                read: 1,
                write: 0,
                timeout: 2,
            }
        );
        assert_eq!(stats.socket_errors(), 3);
        assert!(parse("Requests/sec: 1\n").is_err());
        assert!(parse("loadgen-wrk requests=1 duration_us=x").is_err());
    }

    #[test]
    fn durations_must_be_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_secs(3), "duration"), Ok(3));
        assert_eq!(whole_seconds(Duration::ZERO, "warmup"), Ok(0));
        assert!(whole_seconds(Duration::from_millis(1500), "duration").is_err());
    }
}
