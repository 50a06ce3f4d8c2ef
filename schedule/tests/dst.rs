//! Daylight-saving changes: a wall-clock time skipped by a spring-forward
//! change runs at the end of the gap; one repeated by a fall-back change runs
//! once, at the earlier instant.

mod common;

use chrono_tz::Tz;
use common::{next, runs, window};

const LA: Tz = Tz::America__Los_Angeles;
const LONDON: Tz = Tz::Europe__London;
const LORD_HOWE: Tz = Tz::Australia__Lord_Howe;

// Los Angeles 2024: 02:00 PST → 03:00 PDT on March 10 (10:00Z),
// 02:00 PDT → 01:00 PST on November 3 (09:00Z).

#[test]
fn los_angeles_spring_gap_runs_at_its_end() {
    let w = window("cron(30 2 * * ? *)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-09T00:00:00Z", 3),
        [
            "2024-03-09T02:30-08:00",
            "2024-03-10T03:00-07:00",
            "2024-03-11T02:30-07:00"
        ]
    );
}

#[test]
fn los_angeles_gap_times_collapse_into_one_run() {
    let w = window("cron(0,30 2 * * ? *)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-09T12:00:00Z", 3),
        [
            "2024-03-10T03:00-07:00",
            "2024-03-11T02:00-07:00",
            "2024-03-11T02:30-07:00"
        ]
    );
    // 03:00 itself is the same instant as the gap's runs.
    let w = window("cron(0,30 2,3 * * ? *)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-09T12:00:00Z", 3),
        [
            "2024-03-10T03:00-07:00",
            "2024-03-10T03:30-07:00",
            "2024-03-11T02:00-07:00"
        ]
    );
}

#[test]
fn los_angeles_fall_overlap_runs_once() {
    let w = window("cron(30 1 * * ? *)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-11-02T12:00:00Z", 2),
        ["2024-11-03T01:30-07:00", "2024-11-04T01:30-08:00"]
    );
    // Between the two 01:30s: the repeated one is not a run.
    assert_eq!(
        next(&w, "2024-11-03T09:00:00Z").as_deref(),
        Some("2024-11-04T01:30-08:00")
    );
}

#[test]
fn los_angeles_overlap_hour_runs_on_the_first_pass_only() {
    let w = window("cron(0/15 1,2 * * ? *)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-11-03T08:00:00Z", 5),
        [
            "2024-11-03T01:15-07:00",
            "2024-11-03T01:30-07:00",
            "2024-11-03T01:45-07:00",
            "2024-11-03T02:00-08:00",
            "2024-11-03T02:15-08:00"
        ]
    );
    // From inside the second pass (01:20 PST), 01:30 and 01:45 have run already.
    assert_eq!(
        next(&w, "2024-11-03T09:20:00Z").as_deref(),
        Some("2024-11-03T02:00-08:00")
    );
}

// London 2024: 01:00 GMT → 02:00 BST on March 31, 02:00 BST → 01:00 GMT on
// October 27, both at 01:00Z.

#[test]
fn london_spring_gap() {
    let w = window("cron(30 1 * * ? *)", LONDON, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-30T12:00:00Z", 2),
        ["2024-03-31T02:00+01:00", "2024-04-01T01:30+01:00"]
    );
    // The gap's end is the run, not the end plus the selected second.
    let w = window("cron(45 30 1 * * ? *)", LONDON, "2024-01-01T00:00:00Z");
    assert_eq!(
        next(&w, "2024-03-30T12:00:00Z").as_deref(),
        Some("2024-03-31T02:00+01:00")
    );
}

#[test]
fn london_fall_overlap() {
    let w = window("cron(30 1 * * ? *)", LONDON, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-10-26T12:00:00Z", 2),
        ["2024-10-27T01:30+01:00", "2024-10-28T01:30Z"]
    );
}

#[test]
fn lord_howe_half_hour_changes() {
    // 02:00 → 02:30 on 2024-10-06; 02:00 → 01:30 on 2024-04-07.
    let w = window("cron(15 2 * * ? *)", LORD_HOWE, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-10-05T00:00:00Z", 2),
        ["2024-10-06T02:30+11:00", "2024-10-07T02:15+11:00"]
    );
    let w = window("cron(45 1 * * ? *)", LORD_HOWE, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-04-06T00:00:00Z", 2),
        ["2024-04-07T01:45+11:00", "2024-04-08T01:45+10:30"]
    );
}

#[test]
fn offset_keeps_the_wall_clock_time_across_a_change() {
    let mut w = window("cron(0 9 ? * SAT *)", LA, "2024-03-01T00:00:00Z");
    w.offset_days = Some(1);
    assert_eq!(
        next(&w, "2024-03-08T00:00:00Z").as_deref(),
        Some("2024-03-10T09:00-07:00")
    );
}

#[test]
fn offset_landing_in_a_gap_runs_at_its_end() {
    let mut w = window("cron(30 2 ? * FRI *)", LA, "2024-03-01T00:00:00Z");
    w.offset_days = Some(2);
    assert_eq!(
        runs(&w, "2024-03-07T00:00:00Z", 2),
        ["2024-03-10T03:00-07:00", "2024-03-17T02:30-07:00"]
    );
}

#[test]
fn daily_rate_is_24_hours_of_absolute_time() {
    let w = window("rate(1 day)", LA, "2024-03-09T10:00:00Z");
    assert_eq!(
        runs(&w, "2024-03-09T10:00:00Z", 2),
        ["2024-03-10T03:00-07:00", "2024-03-11T03:00-07:00"]
    );
}

#[test]
fn at_in_a_gap_runs_at_its_end() {
    let w = window("at(2024-03-10T02:30:00)", LA, "2024-01-01T00:00:00Z");
    assert_eq!(
        runs(&w, "2024-01-01T00:00:00Z", 2),
        ["2024-03-10T03:00-07:00"]
    );
}
