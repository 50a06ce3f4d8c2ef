//! A window's schedule fields, checked and evaluated with `mw-schedule`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use mw_schedule::{
    format_execution_time, parse_boundary, parse_timezone, Schedule, WindowSchedule,
};

use super::Fault;
use std::sync::Mutex;

use crate::store::{Derived, NextRun, Window};

/// The window's schedule, parsed once and kept with the window (see
/// [`Window::schedule_cache`]), or the ValidationException its fields deserve.
pub fn window_schedule(window: &Window) -> Result<&WindowSchedule, Fault> {
    derived(window)
        .schedule
        .as_ref()
        .map_err(|message| Fault::Validation(message.clone()))
}

fn derived(window: &Window) -> &Derived {
    window.schedule_cache.0.get_or_init(|| {
        Box::new(Derived {
            schedule: parse(window).map_err(|fault| match fault {
                Fault::Validation(message) => message,
                other => format!("{other:?}"),
            }),
            next_run: Mutex::new(None),
        })
    })
}

fn parse(window: &Window) -> Result<WindowSchedule, Fault> {
    let invalid = |e: mw_schedule::ScheduleError| Fault::Validation(e.to_string());
    let schedule: Schedule = window.schedule.parse().map_err(invalid)?;
    let timezone = match window.schedule_timezone.as_deref() {
        Some(name) => parse_timezone(name).map_err(invalid)?,
        None => chrono_tz::UTC,
    };
    let boundary = |text: &Option<String>| {
        text.as_deref()
            .map(parse_boundary)
            .transpose()
            .map_err(invalid)
    };
    let result = WindowSchedule {
        schedule,
        timezone,
        offset_days: window.schedule_offset.map(|days| days.max(0) as u32),
        start: boundary(&window.start_date)?,
        end: boundary(&window.end_date)?,
        anchor: window.schedule_changed.to_chrono(),
    };
    result.validate().map_err(invalid)?;
    Ok(result)
}

/// The window's runs strictly after `after` and no later than `until`, in
/// ascending order and in the window's zone, whether or not the window is
/// enabled; none when its schedule is invalid. This is the one list of run
/// times: DescribeMaintenanceWindowSchedule pages through it and the
/// console draws it.
pub fn runs_between(
    window: &Window,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> impl Iterator<Item = DateTime<Tz>> + '_ {
    window_schedule(window)
        .ok()
        .into_iter()
        .flat_map(move |schedule| schedule.occurrences_after(after))
        .take_while(move |time| *time <= until)
}

/// `NextExecutionTime` as AWS writes it; absent when the window is disabled
/// or will never run again.
pub fn next_execution_time(window: &Window, now: DateTime<Utc>) -> Option<String> {
    if !window.enabled {
        return None;
    }
    let derived = derived(window);
    let mut memo = derived.next_run.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = memo.as_ref() {
        if known.asked <= now && known.next.as_ref().is_none_or(|(at, _)| now < *at) {
            return known.next.as_ref().map(|(_, text)| text.clone());
        }
    }
    let schedule = derived.schedule.as_ref().ok()?;
    let next = schedule
        .next_after(now)
        .map(|t| (t.with_timezone(&Utc), format_execution_time(&t)));
    let text = next.as_ref().map(|(_, text)| text.clone());
    *memo = Some(Box::new(NextRun { asked: now, next }));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn window(schedule: &str, end_date: Option<&str>) -> Window {
        serde_json::from_value(serde_json::json!({
            "id": "mw-0123456789abcdef0", "seq": 0, "name": "w", "description": null,
            "schedule": schedule, "schedule_timezone": "Asia/Kolkata", "schedule_offset": null,
            "start_date": null, "end_date": end_date, "duration": 2, "cutoff": 1,
            "allow_unassociated_targets": true, "enabled": true,
            "created": 1_700_000_000, "modified": 1_700_000_000, "schedule_changed": 1_700_000_000,
            "targets": [], "tasks": [], "tags": []
        }))
        .expect("a window record")
    }

    /// Whatever order reads come in, the remembered answer is the one a
    /// fresh computation gives.
    #[test]
    fn the_remembered_next_run_equals_a_fresh_one() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for (schedule, end) in [
            ("rate(90 minutes)", None),
            ("cron(0 30 9 ? * MON-FRI *)", None),
            ("cron(0 0 * * ? *)", Some("2026-03-02T03:00:00Z")),
        ] {
            let remembered = window(schedule, end);
            let steps = [0, 7, 7, 95, -40, 3000, 1, -10_000, 2900, 60];
            let mut now = start;
            for minutes in steps {
                now += TimeDelta::minutes(minutes);
                let fresh = next_execution_time(&window(schedule, end), now);
                assert_eq!(
                    next_execution_time(&remembered, now),
                    fresh,
                    "{schedule} at {now}"
                );
            }
            assert!(
                remembered.clone().schedule_cache.0.get().is_none(),
                "a clone starts without the remembered run"
            );
        }
    }
}
