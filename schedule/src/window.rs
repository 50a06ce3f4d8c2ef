//! A maintenance window's whole schedule: expression, zone, offset and bounds.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::cron::Cron;
use crate::error::{ErrorKind, ScheduleError};
use crate::rate::Rate;
use crate::zone::{floor_second, resolve_local};
use crate::Schedule;

/// Everything that decides when a window runs.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowSchedule {
    pub schedule: Schedule,
    /// ScheduleTimezone; UTC when the window has none.
    pub timezone: Tz,
    /// ScheduleOffset: 1..=6 days after each cron occurrence; cron only.
    pub offset_days: Option<u32>,
    /// StartDate: nothing runs before it.
    pub start: Option<DateTime<FixedOffset>>,
    /// EndDate: nothing runs after it.
    pub end: Option<DateTime<FixedOffset>>,
    /// When the window was created or its schedule last changed. Nothing runs
    /// at or before it, and rate schedules count from `max(start, anchor)`.
    pub anchor: DateTime<Utc>,
}

impl WindowSchedule {
    /// A schedule in UTC with no offset and no bounds.
    pub fn new(schedule: Schedule, anchor: DateTime<Utc>) -> Self {
        Self {
            schedule,
            timezone: Tz::UTC,
            offset_days: None,
            start: None,
            end: None,
            anchor,
        }
    }

    /// Checks the combination: an offset must be 1..=6 and needs a cron
    /// schedule, and EndDate can't be before StartDate.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        let err = |detail: String| {
            ScheduleError::new(
                ErrorKind::Window,
                format!("Invalid maintenance window schedule: {detail}"),
            )
        };
        if let Some(days) = self.offset_days {
            if !matches!(self.schedule, Schedule::Cron(_)) {
                return Err(err(format!(
                    "ScheduleOffset is supported only with cron schedules, not '{}'",
                    self.schedule
                )));
            }
            if !(1..=6).contains(&days) {
                return Err(err(format!("ScheduleOffset {days} out of range 1-6")));
            }
        }
        if let (Some(start), Some(end)) = (self.start, self.end) {
            if end < start {
                return Err(err(format!(
                    "EndDate {} is before StartDate {}",
                    end.to_rfc3339(),
                    start.to_rfc3339()
                )));
            }
        }
        Ok(())
    }

    /// First run strictly after `after`, in the schedule's zone; `None` if the
    /// window can never run again.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Tz>> {
        let next = match &self.schedule {
            Schedule::Cron(cron) => match self.offset_days {
                Some(days) => self.next_cron_with_offset(cron, days, after),
                None => self.next_cron(cron, after),
            },
            Schedule::Rate(rate) => self.next_rate(rate, after),
            Schedule::At(at) => self.next_at(*at, after),
        }?;
        let end = self.end.map(|e| e.with_timezone(&Utc));
        (end.is_none_or(|end| next <= end)).then(|| next.with_timezone(&self.timezone))
    }

    /// Runs after `after` in ascending order (for DescribeMaintenanceWindowSchedule).
    ///
    /// Unbounded unless EndDate, the year range or an `at(...)` ends it, so
    /// callers take as many as they need.
    pub fn occurrences_after(
        &self,
        after: DateTime<Utc>,
    ) -> impl Iterator<Item = DateTime<Tz>> + '_ {
        let mut cursor = Some(after);
        std::iter::from_fn(move || {
            let next = self.next_after(cursor?);
            cursor = next.as_ref().map(|t| t.with_timezone(&Utc));
            next
        })
    }

    fn start_utc(&self) -> Option<DateTime<Utc>> {
        self.start.map(|s| s.with_timezone(&Utc))
    }

    /// Cron runs are the wall-clock matches resolved in the zone, later than
    /// the anchor and not before StartDate.
    fn next_cron(&self, cron: &Cron, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut floor = after.max(self.anchor);
        if let Some(start) = self.start_utc() {
            // "Not before start" is "after the instant just before start".
            floor = floor.max(start.checked_sub_signed(TimeDelta::nanoseconds(1))?);
        }
        self.next_cron_instant(cron, floor).map(|(_, t)| t)
    }

    /// The first cron match whose instant is strictly after `floor`, with its
    /// wall-clock time.
    ///
    /// Resolved instants never decrease as wall-clock time increases (gap
    /// times share the gap's end, overlap times take the earlier instant), so
    /// the first match that resolves after `floor` is the answer. Starting at
    /// `floor`'s wall-clock time can only be early, by at most the length of
    /// a fall-back overlap, which the loop skips over.
    fn next_cron_instant(
        &self,
        cron: &Cron,
        floor: DateTime<Utc>,
    ) -> Option<(NaiveDateTime, DateTime<Utc>)> {
        let mut from = floor_second(floor)
            .with_timezone(&self.timezone)
            .naive_local();
        loop {
            let local = cron.next_at_or_after(from)?;
            let instant = resolve_local(&self.timezone, local).with_timezone(&Utc);
            if instant > floor {
                return Some((local, instant));
            }
            from = local + TimeDelta::seconds(1);
        }
    }

    /// With ScheduleOffset, each cron occurrence later than the anchor yields
    /// a run `days` days later at the same wall-clock time. Occurrences at or
    /// before the anchor yield nothing, even when their shifted run is still
    /// ahead: that is the documented "period skipped" rule, applied at the
    /// moment the window was created or its schedule changed.
    fn next_cron_with_offset(
        &self,
        cron: &Cron,
        days: u32,
        after: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let shift = TimeDelta::days(i64::from(days));
        let start = self.start_utc();
        // A shifted run lies `days` days after its base, give or take the
        // zone's offset change (under a day), so bases older than this can't
        // produce a run after `after` or at/after StartDate.
        let margin = shift + TimeDelta::days(2);
        let back = |t: DateTime<Utc>| t.checked_sub_signed(margin).unwrap_or(t);
        let mut floor = self.anchor.max(back(after));
        if let Some(start) = start {
            floor = floor.max(back(start));
        }
        loop {
            let (local, base) = self.next_cron_instant(cron, floor)?;
            let run = resolve_local(&self.timezone, local + shift).with_timezone(&Utc);
            if run > after && start.is_none_or(|s| run >= s) {
                return Some(run);
            }
            floor = base;
        }
    }

    /// Rate runs fall at `origin + k * period` for k >= 1, where origin is
    /// `max(StartDate, anchor)`: a StartDate in the past counts from now, as
    /// documented. Seconds and fractions of the origin carry through, as in
    /// AWS's `2020-02-12T23:19:20.596Z`.
    fn next_rate(&self, rate: &Rate, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let origin = self.start_utc().map_or(self.anchor, |s| s.max(self.anchor));
        let period = rate.period();
        let nth = |k: i64| origin.checked_add_signed(period.checked_mul(i32::try_from(k).ok()?)?);
        if after < origin {
            return nth(1);
        }
        // Whole seconds are exact here: the period is a whole number of
        // seconds, so flooring the elapsed time doesn't change the quotient.
        let k = (after - origin).num_seconds() / period.num_seconds() + 1;
        let run = nth(k)?;
        if run > after {
            Some(run)
        } else {
            nth(k + 1)
        }
    }

    /// `at(...)` runs once, at its time in the schedule's zone, if that is
    /// after the anchor and inside the bounds.
    fn next_at(&self, at: NaiveDateTime, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let run = resolve_local(&self.timezone, at).with_timezone(&Utc);
        let after_start = self.start_utc().is_none_or(|s| run >= s);
        (run > after && run > self.anchor && after_start).then_some(run)
    }
}
