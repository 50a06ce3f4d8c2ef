//! The examples from the Systems Manager documentation, and the window rules
//! around them (offset, StartDate/EndDate, anchor).

mod common;

use chrono_tz::Tz;
use common::{boundary, next, runs, window};
use mw_schedule::{Schedule, WindowSchedule};

const UTC: Tz = Tz::UTC;
const LA: Tz = Tz::America__Los_Angeles;

#[test]
fn third_thursday() {
    let w = window("cron(0 2 ? * THU#3 *)", UTC, "2023-12-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 3),
        [
            "2024-01-18T02:00Z",
            "2024-02-15T02:00Z",
            "2024-03-21T02:00Z"
        ]
    );
}

#[test]
fn weekdays_skip_the_weekend_and_exclude_the_reference_instant() {
    let w = window("cron(15 10 ? * MON-FRI *)", UTC, "2024-01-01T00:00:00Z");
    // Friday 2024-03-08 10:15 itself is not "after".
    assert_eq!(
        runs(&w, "2024-03-08T10:15:00Z", 6),
        [
            "2024-03-11T10:15Z",
            "2024-03-12T10:15Z",
            "2024-03-13T10:15Z",
            "2024-03-14T10:15Z",
            "2024-03-15T10:15Z",
            "2024-03-18T10:15Z"
        ]
    );
}

#[test]
fn last_day_of_month() {
    let w = window("cron(0 2 L * ? *)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-31T02:00:00Z", 3),
        [
            "2024-02-29T02:00Z",
            "2024-03-31T02:00Z",
            "2024-04-30T02:00Z"
        ]
    );
}

#[test]
fn last_friday() {
    let w = window("cron(15 10 ? * 6L *)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 3),
        [
            "2024-01-26T10:15Z",
            "2024-02-23T10:15Z",
            "2024-03-29T10:15Z"
        ]
    );
}

fn with_offset(expr: &str, days: u32, anchor: &str) -> WindowSchedule {
    let mut w = window(expr, UTC, anchor);
    w.offset_days = Some(days);
    w.validate().unwrap();
    w
}

#[test]
fn offset_runs_two_days_after_the_third_tuesday() {
    // Third Tuesdays: 2024-01-16 and 2024-02-20; runs on the Thursdays after.
    for expr in ["cron(30 23 ? * TUE#3 *)", "cron(0 30 23 ? * TUE#3 *)"] {
        let w = with_offset(expr, 2, "2024-01-01T00:00:00Z");
        assert_eq!(
            runs(&w, "2024-01-01T00:00:00Z", 2),
            ["2024-01-18T23:30Z", "2024-02-22T23:30Z"],
            "{expr}"
        );
    }
}

#[test]
fn offset_period_is_skipped_when_its_occurrence_passed_before_creation() {
    // Created on Wednesday 2024-01-17: the Tuesday occurrence has passed, so
    // Thursday's run is skipped although it is still ahead.
    let w = with_offset("cron(30 23 ? * TUE#3 *)", 2, "2024-01-17T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-17T00:00:00Z").as_deref(),
        Some("2024-02-22T23:30Z")
    );
    // A window that already existed on Tuesday still runs on Thursday.
    let w = with_offset("cron(30 23 ? * TUE#3 *)", 2, "2024-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-17T00:00:00Z").as_deref(),
        Some("2024-01-18T23:30Z")
    );
}

#[test]
fn offset_keeps_every_run_of_a_frequent_schedule() {
    let w = with_offset("cron(0 6 * * ? *)", 3, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 3),
        [
            "2024-01-04T06:00Z",
            "2024-01-05T06:00Z",
            "2024-01-06T06:00Z"
        ]
    );
    assert_eq!(
        next(&w, "2024-01-05T00:00:00Z").as_deref(),
        Some("2024-01-05T06:00Z")
    );
}

#[test]
fn offset_runs_are_bounded_by_start_date() {
    let mut w = with_offset("cron(0 6 * * ? *)", 2, "2024-01-01T00:00:00Z");
    w.start = Some(boundary("2024-02-01T00:00:00Z"));
    // The run of the 2024-01-30 occurrence is the first inside the bounds.
    assert_eq!(
        next(&w, "2024-01-01T00:00:00Z").as_deref(),
        Some("2024-02-01T06:00Z")
    );
}

#[test]
fn start_date_example_from_the_user_guide() {
    // StartDate is Friday 2021-01-01 00:00 in Los Angeles; the first
    // Wednesday 09:00 after it is 2021-01-06 (the guide says "January 4",
    // which was a Monday).
    let mut w = window("cron(0 09 ? * WED *)", LA, "2020-12-15T00:00:00Z");
    assert_eq!(
        next(&w, "2020-12-15T00:00:00Z").as_deref(),
        Some("2020-12-16T09:00-08:00")
    );
    w.start = Some(boundary("2021-01-01T00:00:00-08:00"));
    assert_eq!(
        next(&w, "2020-12-15T00:00:00Z").as_deref(),
        Some("2021-01-06T09:00-08:00")
    );
}

#[test]
fn start_date_itself_can_be_a_run() {
    let mut w = window("cron(0 9 * * ? *)", UTC, "2020-12-15T00:00:00Z");
    w.start = Some(boundary("2021-01-01T09:00:00Z"));
    assert_eq!(
        next(&w, "2020-12-15T00:00:00Z").as_deref(),
        Some("2021-01-01T09:00Z")
    );
}

#[test]
fn end_date_is_inclusive_and_stops_the_schedule() {
    let mut w = window("cron(0 12 * * ? *)", UTC, "2024-01-01T00:00:00Z");
    w.end = Some(boundary("2024-01-03T12:00:00Z"));
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 10),
        [
            "2024-01-01T12:00Z",
            "2024-01-02T12:00Z",
            "2024-01-03T12:00Z"
        ]
    );
    assert_eq!(next(&w, "2024-01-03T12:00:00Z"), None);
}

#[test]
fn rate_keeps_the_seconds_and_millis_of_its_origin() {
    let w = window("rate(30 minutes)", UTC, "2020-02-12T22:49:20.596Z");
    assert_eq!(
        runs(&w, "2020-02-12T22:49:20.596Z", 2),
        ["2020-02-12T23:19:20.596Z", "2020-02-12T23:49:20.596Z"]
    );
    assert_eq!(
        next(&w, "2020-02-13T00:00:00Z").as_deref(),
        Some("2020-02-13T00:19:20.596Z")
    );
}

#[test]
fn rate_hours_and_days() {
    let w = window("rate(5 hours)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-01T12:00:00Z").as_deref(),
        Some("2024-01-01T15:00Z")
    );
    assert_eq!(
        next(&w, "2024-01-01T15:00:00Z").as_deref(),
        Some("2024-01-01T20:00Z")
    );
    let w = window("rate(25 days)", UTC, "2024-01-01T06:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T06:00:00Z", 2),
        ["2024-01-26T06:00Z", "2024-02-20T06:00Z"]
    );
}

#[test]
fn rate_is_printed_in_the_window_zone() {
    let w = window("rate(1 hour)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-01T00:00:00Z").as_deref(),
        Some("2023-12-31T17:00-08:00")
    );
}

#[test]
fn rate_counts_from_a_future_start_date_until_the_end_date() {
    // Example 2 of the user guide: every 7 days from Tuesday 2019-01-01
    // 00:03:15 Tokyo time until 2019-06-30; the last run is 2019-06-25.
    let mut w = window("rate(7 days)", Tz::Asia__Tokyo, "2018-12-01T00:00:00Z");
    w.start = Some(boundary("2019-01-01T00:03:15+09:00"));
    w.end = Some(boundary("2019-06-30T00:06:15+09:00"));
    let all = runs(&w, "2018-12-01T00:00:00Z", 100);
    assert_eq!(all.len(), 25);
    assert_eq!(all[0], "2019-01-08T00:03:15+09:00");
    assert_eq!(all[24], "2019-06-25T00:03:15+09:00");
}

#[test]
fn rate_with_a_past_start_date_counts_from_the_anchor() {
    let mut w = window("rate(5 minutes)", UTC, "2024-01-01T00:00:30Z");
    w.start = Some(boundary("2019-01-01T00:00:00Z"));
    assert_eq!(
        next(&w, "2024-01-01T00:00:30Z").as_deref(),
        Some("2024-01-01T00:05:30Z")
    );
}

#[test]
fn seven_field_cron_runs_at_the_given_second() {
    let w = window("cron(24 30 09 ? * * *)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-12T00:00:00Z", 2),
        ["2024-03-12T09:30:24Z", "2024-03-13T09:30:24Z"]
    );
}

#[test]
fn seven_field_second_tuesday_from_terraform() {
    let w = window("cron(0 0 21 ? 1/1 TUE#2 *)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 2),
        ["2024-01-09T21:00Z", "2024-02-13T21:00Z"]
    );
}

#[test]
fn nearest_weekday() {
    // 2022-10-15 is a Saturday: Friday the 14th. 2022-11-15 is a Tuesday.
    let w = window("cron(0 9 15W * ? *)", UTC, "2022-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2022-10-01T00:00:00Z", 2),
        ["2022-10-14T09:00Z", "2022-11-15T09:00Z"]
    );
    // 2022-10-01 is a Saturday: 1W is Monday the 3rd, not September 30.
    let w = window("cron(0 9 1W * ? *)", UTC, "2022-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2022-09-29T00:00:00Z").as_deref(),
        Some("2022-10-03T09:00Z")
    );
}

#[test]
fn last_weekday() {
    let w = window("cron(0 9 LW * ? *)", UTC, "2022-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2022-04-01T00:00:00Z", 4),
        [
            "2022-04-29T09:00Z",
            "2022-05-31T09:00Z",
            "2022-06-30T09:00Z",
            "2022-07-29T09:00Z"
        ]
    );
}

#[test]
fn at_runs_once_in_the_window_zone() {
    let w = window("at(2020-07-07T15:55:00)", UTC, "2020-07-01T00:00:00Z");
    assert_eq!(runs(&w, "2020-07-01T00:00:00Z", 5), ["2020-07-07T15:55Z"]);
    let w = window("at(2020-07-07T15:55:00)", LA, "2020-07-01T00:00:00Z");
    assert_eq!(
        next(&w, "2020-07-01T00:00:00Z").as_deref(),
        Some("2020-07-07T15:55-07:00")
    );
    assert_eq!(next(&w, "2020-07-07T22:55:00Z"), None);
    // A window created after its one time never runs.
    let w = window("at(2020-07-07T15:55:00)", UTC, "2020-07-08T00:00:00Z");
    assert_eq!(next(&w, "2020-07-01T00:00:00Z"), None);
}

#[test]
fn impossible_and_exhausted_schedules_end() {
    let w = window("cron(0 0 30 2 ? *)", UTC, "2020-01-01T00:00:00Z");
    assert_eq!(next(&w, "2020-01-01T00:00:00Z"), None);
    let w = window("cron(0 0 1 1 ? 2020)", UTC, "2019-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2019-06-01T00:00:00Z").as_deref(),
        Some("2020-01-01T00:00Z")
    );
    assert_eq!(next(&w, "2020-06-01T00:00:00Z"), None);
    let w = window("cron(0 0 31 12 ? 2199)", UTC, "2019-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2020-01-01T00:00:00Z").as_deref(),
        Some("2199-12-31T00:00Z")
    );
    assert_eq!(runs(&w, "2020-01-01T00:00:00Z", 3).len(), 1);
}

#[test]
fn strictly_after_to_the_nanosecond() {
    let w = window("cron(0 2 * * ? *)", UTC, "2024-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-01T01:59:59.999Z").as_deref(),
        Some("2024-01-01T02:00Z")
    );
    assert_eq!(
        next(&w, "2024-01-01T02:00:00.001Z").as_deref(),
        Some("2024-01-02T02:00Z")
    );
}

#[test]
fn nothing_runs_at_or_before_the_anchor() {
    let w = window("cron(0 2 * * ? *)", UTC, "2024-01-10T00:00:00Z");
    assert_eq!(
        next(&w, "2024-01-01T00:00:00Z").as_deref(),
        Some("2024-01-10T02:00Z")
    );
}

#[test]
fn expressions_print_back() {
    for text in [
        "cron(0 2 ? * THU#3 *)",
        "rate(1 day)",
        "rate(30 minutes)",
        "at(2020-07-07T15:55:00)",
    ] {
        let parsed: Schedule = text.parse().unwrap();
        assert_eq!(parsed.to_string(), text);
    }
    let padded: Schedule = "  cron(0  2 ? * THU#3 *) ".parse().unwrap();
    assert_eq!(padded.to_string(), "cron(0  2 ? * THU#3 *)");
}
