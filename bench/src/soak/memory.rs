//! The server's memory over the soak: samples read from `/proc/PID`, and
//! the rule that calls the curve flat.
//!
//! Flat means: after the warm-up, split the samples into thirds; the
//! highest RSS of the last third exceeds the highest of the first third by
//! no more than the limit (percent). Maxima rather than means, because
//! RSS moves in steps (allocator arenas, SQLite's page cache) and a leak
//! shows as a rising ceiling; the warm-up is left out because caches and
//! per-thread arenas fill during the first requests by design.

use std::fs;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Sample {
    /// Since the load started.
    pub at: Duration,
    /// Wall clock, seconds since the epoch (to match run start times).
    pub epoch: f64,
    pub rss_kib: u64,
    pub anon_kib: u64,
    pub threads: u64,
    pub fds: u64,
    /// Answers received so far, all workers.
    pub answered: u64,
}

/// What one look at `/proc/PID` gives.
pub struct Reading {
    pub rss_kib: u64,
    /// The anonymous part of RSS (heap, stacks): where a leak would show,
    /// unlike file-backed pages such as the binary's code, which grow as
    /// new code paths first run.
    pub anon_kib: u64,
    pub threads: u64,
    pub fds: u64,
}

pub fn read(pid: u32) -> Result<Reading, String> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status (has the server exited?): {e}"))?;
    let field = |name: &str| -> Result<u64, String> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    let fds = fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count() as u64)
        .unwrap_or(0);
    Ok(Reading {
        rss_kib: field("VmRSS:")?,
        anon_kib: field("RssAnon:")?,
        threads: field("Threads:")?,
        fds,
    })
}

#[derive(Debug)]
pub struct Flatness {
    pub considered: usize,
    pub first_max_kib: u64,
    pub last_max_kib: u64,
    pub growth_pct: f64,
    /// Least-squares slope over the samples considered, KiB per minute.
    pub slope_kib_per_min: f64,
    pub flat: bool,
}

/// Judges the samples taken at or after `warmup`; needs at least six.
pub fn flatness(samples: &[Sample], warmup: Duration, limit_pct: f64) -> Result<Flatness, String> {
    let kept: Vec<&Sample> = samples.iter().filter(|s| s.at >= warmup).collect();
    if kept.len() < 6 {
        return Err(format!(
            "{} samples after the {} s warm-up; at least 6 are needed to judge the curve",
            kept.len(),
            warmup.as_secs()
        ));
    }
    let third = kept.len() / 3;
    let max_of = |part: &[&Sample]| part.iter().map(|s| s.rss_kib).max().unwrap_or(0);
    let first_max_kib = max_of(&kept[..third]);
    let last_max_kib = max_of(&kept[kept.len() - third..]);
    let growth_pct =
        (last_max_kib as f64 - first_max_kib as f64) / (first_max_kib.max(1) as f64) * 100.0;
    Ok(Flatness {
        considered: kept.len(),
        first_max_kib,
        last_max_kib,
        growth_pct,
        slope_kib_per_min: slope(&kept) * 60.0,
        flat: growth_pct <= limit_pct,
    })
}

/// KiB per second, least squares.
fn slope(samples: &[&Sample]) -> f64 {
    let n = samples.len() as f64;
    let xs: Vec<f64> = samples.iter().map(|s| s.at.as_secs_f64()).collect();
    let ys: Vec<f64> = samples.iter().map(|s| s.rss_kib as f64).collect();
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    if sxx == 0.0 {
        0.0
    } else {
        sxy / sxx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(rss: &[u64]) -> Vec<Sample> {
        rss.iter()
            .enumerate()
            .map(|(i, &rss_kib)| Sample {
                at: Duration::from_secs(10 * i as u64),
                epoch: 0.0,
                rss_kib,
                anon_kib: rss_kib,
                threads: 1,
                fds: 1,
                answered: 0,
            })
            .collect()
    }

    #[test]
    fn a_plateau_after_warm_up_is_flat() {
        // Warm-up (first 20 s) climbs; then steps within 2 %.
        let samples = series(&[
            5_000, 9_000, 10_000, 10_100, 10_000, 10_150, 10_100, 10_200, 10_100,
        ]);
        let verdict = flatness(&samples, Duration::from_secs(20), 5.0).unwrap();
        assert_eq!(verdict.considered, 7);
        assert_eq!(verdict.first_max_kib, 10_100);
        assert_eq!(verdict.last_max_kib, 10_200);
        assert!(verdict.flat, "{verdict:?}");
    }

    #[test]
    fn a_rising_ceiling_is_not_flat() {
        let samples = series(&[10_000, 10_500, 11_000, 11_500, 12_000, 12_500, 13_000]);
        let verdict = flatness(&samples, Duration::ZERO, 10.0).unwrap();
        assert!(!verdict.flat, "{verdict:?}");
        assert!((verdict.growth_pct - 23.8).abs() < 0.1, "{verdict:?}");
        assert!(
            (verdict.slope_kib_per_min - 3_000.0).abs() < 1.0,
            "{verdict:?}"
        );
    }

    #[test]
    fn too_few_samples_cannot_be_judged() {
        let samples = series(&[1, 2, 3, 4, 5, 6, 7]);
        assert!(flatness(&samples, Duration::from_secs(20), 10.0).is_err());
    }

    #[test]
    fn this_process_can_be_read() {
        let now = read(std::process::id()).unwrap();
        assert!(now.rss_kib > 0 && now.anon_kib <= now.rss_kib);
        assert!(now.threads >= 1 && now.fds >= 1);
    }
}
