//! Helpers shared by the integration tests.

#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use mw_schedule::{format_execution_time, parse_boundary, Schedule, WindowSchedule};

pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test instant {s}: {e}"))
}

pub fn boundary(s: &str) -> DateTime<FixedOffset> {
    parse_boundary(s).unwrap()
}

/// A window in `tz` created at `anchor`.
pub fn window(expr: &str, tz: Tz, anchor: &str) -> WindowSchedule {
    let schedule: Schedule = expr.parse().unwrap_or_else(|e| panic!("{expr}: {e}"));
    let mut w = WindowSchedule::new(schedule, utc(anchor));
    w.timezone = tz;
    w.validate().unwrap();
    w
}

/// The first `n` runs after `after`, as AWS prints them.
pub fn runs(w: &WindowSchedule, after: &str, n: usize) -> Vec<String> {
    w.occurrences_after(utc(after))
        .take(n)
        .map(|t| format_execution_time(&t))
        .collect()
}

pub fn next(w: &WindowSchedule, after: &str) -> Option<String> {
    w.next_after(utc(after)).map(|t| format_execution_time(&t))
}
