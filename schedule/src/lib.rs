//! Maintenance-window schedules as AWS Systems Manager defines them: parsing
//! `cron(...)`, `rate(...)` and `at(...)` expressions, ScheduleTimezone,
//! StartDate and EndDate, and computing the runs they produce.
//!
//! # Rules
//!
//! * **cron**: six fields `Minutes Hours Day-of-month Month Day-of-week Year`,
//!   or seven with a leading `Seconds` field. Minutes 0-59, hours 0-23,
//!   day-of-month 1-31 (`, - * ? / L W`, plus `LW`), month 1-12 or JAN-DEC,
//!   day-of-week 1-7 or SUN-SAT with 1 = Sunday (`, - * ? / L #`: `6L` is the
//!   last Friday, `TUE#3` the third Tuesday, `L` alone is Saturday), year
//!   1970-2199. Names are case-insensitive. Exactly one of the two day fields
//!   must be `?`. `a/b` starts at `a` and repeats every `b` to the end of the
//!   field's range. `nW` is the weekday nearest day `n` without leaving the
//!   month.
//! * **rate**: `rate(N unit)` with a positive integer `N` and `minute(s)`,
//!   `hour(s)` or `day(s)`; 1 takes the singular, more the plural.
//! * **at**: `at(yyyy-MM-ddTHH:mm:ss)`, one run.
//! * Expressions are evaluated in the window's IANA time zone (UTC when none).
//!   A wall-clock time skipped by a spring-forward change runs at the first
//!   instant after the gap (02:30 → 03:00); one repeated by a fall-back change
//!   runs once, at the earlier instant.
//! * ScheduleOffset (1-6 days, cron only) runs each cron occurrence that many
//!   days later at the same wall-clock time.
//! * No run happens before StartDate or after EndDate; they don't change the
//!   zone the expression is evaluated in.
//! * Run times are printed by [`format_execution_time`] as AWS does
//!   (`2024-03-12T09:00-05:00`, `2020-02-12T23:19:20.596Z`).
//!
//! # Choices where AWS's behaviour is not documented
//!
//! * The 5-minute limit for cron is checked simply: two selected minutes less
//!   than 5 apart within an hour (`*`, `*/2`, `0-10`) are rejected, as is a
//!   seconds field with more than one value. Gaps that are short only across
//!   an hour boundary are accepted.
//! * Rates below 5 minutes are rejected, by analogy with cron.
//! * `at(...)` is read in ScheduleTimezone when one is set (UTC otherwise).
//! * Ranges must not wrap (`FRI-MON` is rejected); `L-n` and `nW` ranges are
//!   not supported.
//! * Rates run at `origin + k × period` for k ≥ 1, where origin is
//!   `max(StartDate, anchor)` and the anchor is the creation (or last
//!   schedule change) time; a day is 24 hours of absolute time.
//! * Nothing runs at or before the anchor. With an offset, a cron occurrence
//!   at or before the anchor is skipped even if occurrence + offset is still
//!   ahead (the documented "period skipped" rule, applied at creation);
//!   later occurrences all run, so the set of runs doesn't depend on when it
//!   is asked for. StartDate and EndDate apply to the shifted runs.
//! * EndDate equal to StartDate is accepted; EndDate before it is not.
//! * Dates: StartDate/EndDate without an offset, and bare dates (midnight),
//!   are UTC.

mod cron;
mod error;
mod format;
mod iso;
mod rate;
mod window;
mod zone;

use std::fmt;
use std::str::FromStr;

pub use crate::cron::{Cron, MIN_INTERVAL_MINUTES};
pub use error::{ErrorKind, ScheduleError};
pub use format::{format_execution_time, format_java_offset_date_time};
pub use iso::parse_boundary;
pub use rate::{Rate, RateUnit};
pub use window::WindowSchedule;
pub use zone::{parse_timezone, resolve_local};

/// A parsed schedule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Cron(Cron),
    Rate(Rate),
    /// The wall-clock time of an `at(...)` expression, read in the window's zone.
    At(chrono::NaiveDateTime),
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// Parses `cron(...)`, `rate(...)` or `at(...)`; surrounding whitespace is
    /// ignored, the keyword is lowercase as in the documentation.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.starts_with("cron(") {
            Cron::parse(s).map(Schedule::Cron)
        } else if s.starts_with("rate(") {
            Rate::parse(s).map(Schedule::Rate)
        } else if s.starts_with("at(") {
            iso::parse_at(s).map(Schedule::At)
        } else {
            Err(ScheduleError::new(
                ErrorKind::Expression,
                format!(
                    "Invalid schedule expression '{s}': expected cron(...), rate(...) or at(...)"
                ),
            ))
        }
    }
}

impl fmt::Display for Schedule {
    /// The expression text: as written for cron, canonical for rate and at.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Cron(cron) => cron.fmt(f),
            Schedule::Rate(rate) => rate.fmt(f),
            Schedule::At(at) => write!(f, "at({})", at.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}
