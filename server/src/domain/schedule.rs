//! A window's schedule fields, checked and evaluated with `mw-schedule`.

use chrono::{DateTime, Utc};
use mw_schedule::{
    format_execution_time, parse_boundary, parse_timezone, Schedule, WindowSchedule,
};

use super::Fault;
use crate::store::Window;

/// The window's schedule, parsed once and kept with the window (see
/// [`Window::schedule_cache`]), or the ValidationException its fields deserve.
pub fn window_schedule(window: &Window) -> Result<&WindowSchedule, Fault> {
    let cached = window.schedule_cache.get_or_init(|| {
        Box::new(parse(window).map_err(|fault| match fault {
            Fault::Validation(message) => message,
            other => format!("{other:?}"),
        }))
    });
    cached
        .as_ref()
        .as_ref()
        .map_err(|message| Fault::Validation(message.clone()))
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

/// `NextExecutionTime` as AWS writes it; absent when the window is disabled
/// or will never run again.
pub fn next_execution_time(window: &Window, now: DateTime<Utc>) -> Option<String> {
    if !window.enabled {
        return None;
    }
    let schedule = window_schedule(window).ok()?;
    schedule.next_after(now).map(|t| format_execution_time(&t))
}
