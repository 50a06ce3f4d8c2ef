//! `cron(...)` expressions: parsing and the wall-clock search.

mod days;
mod field;
mod set;

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::ScheduleError;
use days::{DayOfMonth, DayOfWeek, DaySpec};
use field::{FieldDef, HOURS, MINUTES, MONTH, SECONDS, YEAR};
use set::{next_day, ValueSet};

/// The shortest interval a maintenance window may run at, in minutes.
pub const MIN_INTERVAL_MINUTES: u32 = 5;

/// A parsed `cron(...)` expression.
///
/// It selects wall-clock times; [`Cron::next_at_or_after`] searches them
/// without any time zone. Time zones, DST and window bounds are applied by
/// [`crate::WindowSchedule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    expression: String,
    seconds: ValueSet,
    minutes: ValueSet,
    hours: ValueSet,
    days: DaySpec,
    months: ValueSet,
    years: ValueSet<4>,
}

impl Cron {
    /// Parses a whole `cron(...)` expression.
    ///
    /// Besides the syntax, this enforces the documented rule that windows
    /// can't run more often than every 5 minutes, kept deliberately simple:
    /// two selected minutes less than 5 apart within the same hour (`*`,
    /// `*/2`, `0-10`, `0,3`) are rejected, and so is a seconds field selecting
    /// more than one second. Minutes that are close only across an hour
    /// boundary (`0,58` with consecutive hours) are accepted.
    pub fn parse(expression: &str) -> Result<Self, ScheduleError> {
        let err = |detail: String| ScheduleError::expression("cron", expression, detail);
        let inner = expression
            .strip_prefix("cron(")
            .ok_or_else(|| err("expected it to start with 'cron('".into()))?
            .strip_suffix(')')
            .ok_or_else(|| err("missing closing ')'".into()))?;
        let fields: Vec<&str> = inner.split_whitespace().collect();
        let with_seconds = match fields.len() {
            6 => false,
            7 => true,
            n => {
                return Err(err(format!(
                    "expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year) \
                     or 7 with a leading Seconds field, found {n}"
                )))
            }
        };
        // Field positions in messages are 1-based, as written.
        let at = |detail: String, position: usize| err(format!("{detail} (field {position})"));
        let first = usize::from(with_seconds);
        let list =
            |def: &FieldDef, i: usize| def.parse_list::<1>(fields[i]).map_err(|e| at(e, i + 1));

        let seconds = if with_seconds {
            let seconds = list(&SECONDS, 0)?;
            if seconds.len() > 1 {
                return Err(at(
                    format!(
                        "seconds field '{}' selects more than one second; maintenance windows \
                         can't run more often than every {MIN_INTERVAL_MINUTES} minutes",
                        fields[0]
                    ),
                    1,
                ));
            }
            seconds
        } else {
            ValueSet::single(0, 0)
        };
        let minutes = list(&MINUTES, first)?;
        check_minute_spacing(&minutes).map_err(|e| at(e, first + 1))?;
        let hours = list(&HOURS, first + 1)?;
        // Left to right, so the first bad field is the one reported.
        let dom = match fields[first + 2] {
            "?" => None,
            text => Some(DayOfMonth::parse(text).map_err(|e| at(e, first + 3))?),
        };
        let months = list(&MONTH, first + 3)?;
        let dow = match fields[first + 4] {
            "?" => None,
            text => Some(DayOfWeek::parse(text).map_err(|e| at(e, first + 5))?),
        };
        let years = YEAR
            .parse_list::<4>(fields[first + 5])
            .map_err(|e| at(e, first + 6))?;
        let days = match (dom, dow) {
            (Some(dom), None) => DaySpec::Month(dom),
            (None, Some(dow)) => DaySpec::Week(dow),
            (None, None) => {
                return Err(err(
                    "day-of-month and day-of-week cannot both be '?'; specify one of them".into(),
                ))
            }
            (Some(_), Some(_)) => {
                return Err(err(
                    "day-of-month and day-of-week cannot both be specified; use '?' in one of them"
                        .into(),
                ))
            }
        };

        Ok(Cron {
            expression: expression.to_owned(),
            seconds,
            minutes,
            hours,
            days,
            months,
            years,
        })
    }

    /// The expression as written, e.g. `cron(0 2 ? * THU#3 *)`.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The first wall-clock time selected by the expression at or after `t`,
    /// or `None` when there is none up to the end of 2199.
    ///
    /// The search moves field by field (year, month, day, hour, minute,
    /// second), jumping to the next allowed value with bitset lookups, so an
    /// expression that can never match (`cron(0 0 30 2 ? *)`) costs at most
    /// one day-mask computation per month of the year range.
    pub fn next_at_or_after(&self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        let t = if t.year() < YEAR.min as i32 {
            NaiveDate::from_ymd_opt(YEAR.min as i32, 1, 1)?.and_time(NaiveTime::MIN)
        } else {
            t
        };
        let (ty, tm, td) = (t.year() as u32, t.month(), t.day());
        let mut year = self.years.next_at_or_after(ty)?;
        loop {
            let mut month_from = if year == ty { tm } else { 1 };
            while let Some(month) = self.months.next_at_or_after(month_from) {
                let this_month = year == ty && month == tm;
                let mask = self.days.mask(year as i32, month);
                let mut day_from = if this_month { td } else { 1 };
                while let Some(day) = next_day(mask, day_from) {
                    let time = if this_month && day == td {
                        self.time_at_or_after(t.hour(), t.minute(), t.second())
                    } else {
                        self.first_time()
                    };
                    if let Some(time) = time {
                        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
                        return Some(date.and_time(time));
                    }
                    day_from = day + 1;
                }
                month_from = month + 1;
            }
            year = self.years.next_at_or_after(year + 1)?;
        }
    }

    fn first_time(&self) -> Option<NaiveTime> {
        self.time_at_or_after(0, 0, 0)
    }

    fn time_at_or_after(&self, h: u32, m: u32, s: u32) -> Option<NaiveTime> {
        let mut hour_from = h;
        while let Some(hour) = self.hours.next_at_or_after(hour_from) {
            let mut minute_from = if hour == h { m } else { 0 };
            while let Some(minute) = self.minutes.next_at_or_after(minute_from) {
                let second_from = if hour == h && minute == m { s } else { 0 };
                if let Some(second) = self.seconds.next_at_or_after(second_from) {
                    return NaiveTime::from_hms_opt(hour, minute, second);
                }
                minute_from = minute + 1;
            }
            hour_from = hour + 1;
        }
        None
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expression)
    }
}

fn check_minute_spacing(minutes: &ValueSet) -> Result<(), String> {
    let mut previous: Option<u32> = None;
    for minute in minutes.iter() {
        if let Some(prev) = previous.filter(|p| minute - p < MIN_INTERVAL_MINUTES) {
            return Err(format!(
                "minutes field selects minutes {prev} and {minute}, less than \
                 {MIN_INTERVAL_MINUTES} minutes apart; maintenance windows can't run more \
                 often than every {MIN_INTERVAL_MINUTES} minutes"
            ));
        }
        previous = Some(minute);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn next(expr: &str, from: &str) -> Option<String> {
        Cron::parse(expr)
            .unwrap()
            .next_at_or_after(at(from))
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
    }

    #[test]
    fn inclusive_of_the_start_time() {
        assert_eq!(
            next("cron(0 2 * * ? *)", "2024-01-01T02:00:00").as_deref(),
            Some("2024-01-01T02:00:00")
        );
        assert_eq!(
            next("cron(0 2 * * ? *)", "2024-01-01T02:00:01").as_deref(),
            Some("2024-01-02T02:00:00")
        );
    }

    #[test]
    fn rolls_over_every_field() {
        assert_eq!(
            next("cron(30 23 31 12 ? *)", "2024-12-31T23:30:01").as_deref(),
            Some("2025-12-31T23:30:00")
        );
        assert_eq!(
            next("cron(7 50 2 * * ? *)", "2024-03-05T09:51:00").as_deref(),
            Some("2024-03-06T02:50:07")
        );
    }

    #[test]
    fn impossible_and_exhausted_expressions_end() {
        assert_eq!(next("cron(0 0 30 2 ? *)", "2020-01-01T00:00:00"), None);
        assert_eq!(next("cron(0 0 * * ? 2020)", "2021-01-01T00:00:00"), None);
        assert_eq!(next("cron(0 0 * * ? *)", "2200-01-01T00:00:00"), None);
        assert_eq!(
            next("cron(0 0 1 1 ? *)", "1900-05-05T00:00:00").as_deref(),
            Some("1970-01-01T00:00:00")
        );
        assert_eq!(
            next("cron(0 0 29 2 ? 2021-2023,2025)", "2020-03-01T00:00:00"),
            None
        );
    }

    #[test]
    fn minute_spacing_rule() {
        for ok in [
            "cron(0/5 * * * ? *)",
            "cron(0,5 * * * ? *)",
            "cron(0,58 * * * ? *)",
        ] {
            assert!(Cron::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "cron(* * * * ? *)",
            "cron(*/2 * * * ? *)",
            "cron(0-10 * * * ? *)",
        ] {
            let e = Cron::parse(bad).unwrap_err().to_string();
            assert!(
                e.contains("less than 5 minutes apart") && e.contains("(field 1)"),
                "{e}"
            );
        }
    }
}
