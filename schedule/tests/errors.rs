//! One test per kind of invalid input: the message must say what is wrong and
//! where, on one line.

mod common;

use common::{boundary, utc};
use mw_schedule::{parse_boundary, parse_timezone, ErrorKind, Schedule, WindowSchedule};

fn error(text: &str) -> String {
    let e = text
        .parse::<Schedule>()
        .expect_err(&format!("{text} should be rejected"));
    assert_eq!(e.kind(), ErrorKind::Expression);
    let message = e.to_string();
    assert!(
        !message.contains('\n') && !message.ends_with('.'),
        "{message}"
    );
    message
}

/// Asserts the message names the expression and contains every fragment.
fn assert_error(text: &str, fragments: &[&str]) {
    let message = error(text);
    assert!(message.contains(&format!("'{}'", text.trim())), "{message}");
    for fragment in fragments {
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
    }
}

#[test]
fn unknown_expression_kind() {
    assert_eq!(
        error("every 5 minutes"),
        "Invalid schedule expression 'every 5 minutes': expected cron(...), rate(...) or at(...)"
    );
    assert_error("", &["expected cron(...), rate(...) or at(...)"]);
    assert_error("CRON(0 2 * * ? *)", &["expected cron(...)"]);
}

#[test]
fn cron_missing_parenthesis() {
    assert_error("cron(0 2 * * ? *", &["missing closing ')'"]);
}

#[test]
fn cron_wrong_field_count() {
    assert_error("cron(0 2 * * ?)", &["expected 6 fields", "found 5"]);
    assert_error("cron(0 0 2 * * ? * *)", &["found 8"]);
}

#[test]
fn cron_value_out_of_range() {
    assert_eq!(
        error("cron(0 25 * * ? *)"),
        "Invalid cron expression 'cron(0 25 * * ? *)': hours value 25 out of range 0-23 (field 2)"
    );
    assert_error(
        "cron(60 2 * * ? *)",
        &["minutes value 60 out of range 0-59 (field 1)"],
    );
    assert_error(
        "cron(0 2 32 * ? *)",
        &["day-of-month value 32 out of range 1-31 (field 3)"],
    );
    assert_error(
        "cron(0 2 * 13 ? *)",
        &["month value 13 out of range 1-12 (field 4)"],
    );
    assert_error(
        "cron(0 2 ? * 8 *)",
        &["day-of-week value 8 out of range 1-7 (field 5)"],
    );
    assert_error(
        "cron(0 2 * * ? 2200)",
        &["year value 2200 out of range 1970-2199 (field 6)"],
    );
    assert_error(
        "cron(0 2 * * ? 1969-1975)",
        &["year value 1969", "(field 6)"],
    );
}

#[test]
fn cron_positions_count_the_seconds_field() {
    assert_error("cron(0 0 25 * * ? *)", &["hours value 25", "(field 3)"]);
    assert_error(
        "cron(61 0 2 * * ? *)",
        &["seconds value 61 out of range 0-59 (field 1)"],
    );
}

#[test]
fn cron_both_day_fields() {
    assert_eq!(
        error("cron(0 2 * * * *)"),
        "Invalid cron expression 'cron(0 2 * * * *)': day-of-month and day-of-week cannot both \
         be specified; use '?' in one of them"
    );
    assert_error("cron(0 2 ? * ? *)", &["cannot both be '?'"]);
}

#[test]
fn cron_reports_the_first_bad_field() {
    assert_error("cron(0 2 * 13 * *)", &["month value 13", "(field 4)"]);
    assert_error("cron(0 2 ? 13 8 *)", &["month value 13", "(field 4)"]);
}

#[test]
fn cron_unknown_name() {
    assert_error(
        "cron(0 2 ? * FUNDAY *)",
        &["invalid day-of-week value 'FUNDAY'", "SUN-SAT", "(field 5)"],
    );
    assert_error(
        "cron(0 2 * SMARCH ? *)",
        &["invalid month value 'SMARCH'", "JAN-DEC", "(field 4)"],
    );
    assert_error(
        "cron(x 2 * * ? *)",
        &["invalid minutes value 'x'", "(field 1)"],
    );
}

#[test]
fn cron_bad_step_and_range() {
    assert_error(
        "cron(0/0 2 * * ? *)",
        &["minutes step must be at least 1", "(field 1)"],
    );
    assert_error(
        "cron(0 2/x * * ? *)",
        &["invalid hours step 'x'", "(field 2)"],
    );
    assert_error(
        "cron(0 2 ? * FRI-MON *)",
        &["range FRI-MON starts after it ends", "(field 5)"],
    );
    assert_error("cron(0 2,,3 * * ? *)", &["empty item", "(field 2)"]);
}

#[test]
fn cron_special_characters_in_the_wrong_place() {
    assert_error(
        "cron(0 L * * ? *)",
        &["'L' is not allowed in the hours field", "(field 2)"],
    );
    assert_error(
        "cron(0 2 ? * 3W *)",
        &["'W' is not allowed in the day-of-week field", "(field 5)"],
    );
    assert_error(
        "cron(0 2 1#2 * ? *)",
        &["'#' is not allowed in the day-of-month field", "(field 3)"],
    );
    assert_error(
        "cron(0 2 1,? * ? *)",
        &["'?' must stand alone", "(field 3)"],
    );
    assert_error(
        "cron(? 2 * * ? *)",
        &["'?' is not allowed in the minutes field", "(field 1)"],
    );
    assert_error(
        "cron(0 2 L-2 * ? *)",
        &["unsupported day-of-month item 'L-2'", "(field 3)"],
    );
}

#[test]
fn cron_bad_occurrence() {
    assert_error(
        "cron(0 2 ? * TUE#6 *)",
        &["occurrence '#6' out of range #1-#5", "(field 5)"],
    );
    assert_error(
        "cron(0 2 ? * 9L *)",
        &["day-of-week value 9 out of range 1-7", "(field 5)"],
    );
}

#[test]
fn cron_more_often_than_every_five_minutes() {
    assert_error(
        "cron(* 2 * * ? *)",
        &[
            "minutes 0 and 1, less than 5 minutes apart",
            "every 5 minutes",
            "(field 1)",
        ],
    );
    assert_error("cron(*/2 2 * * ? *)", &["minutes 0 and 2", "(field 1)"]);
    assert_error("cron(0-10 2 * * ? *)", &["minutes 0 and 1", "(field 1)"]);
    assert_error("cron(0,3 2 * * ? *)", &["minutes 0 and 3", "(field 1)"]);
    assert_error(
        "cron(0/30 0 2 * * ? *)",
        &["selects more than one second", "(field 1)"],
    );
}

#[test]
fn rate_singular_and_plural() {
    assert_eq!(
        error("rate(1 hours)"),
        "Invalid rate expression 'rate(1 hours)': unit 'hours' needs the singular 'hour' for the value 1"
    );
    assert_eq!(
        error("rate(5 hour)"),
        "Invalid rate expression 'rate(5 hour)': unit 'hour' needs the plural 'hours' for the value 5"
    );
}

#[test]
fn rate_bad_value() {
    assert_error("rate(0 minutes)", &["positive integer, not 0"]);
    assert_error(
        "rate(-5 minutes)",
        &["value '-5' is not a positive integer"],
    );
    assert_error(
        "rate(1.5 hours)",
        &["value '1.5' is not a positive integer"],
    );
    assert_error("rate(99999999999 days)", &["too large"]);
}

#[test]
fn rate_bad_unit_or_shape() {
    assert_error("rate(5 weeks)", &["unknown unit 'weeks'"]);
    assert_error("rate(5)", &["expected a value and a unit"]);
    assert_error("rate(5 minutes", &["missing closing ')'"]);
}

#[test]
fn rate_below_five_minutes() {
    assert_error(
        "rate(4 minutes)",
        &["less than 5 minutes are not supported"],
    );
    assert_error("rate(1 minute)", &["less than 5 minutes"]);
}

#[test]
fn at_bad_time() {
    assert_error("at(2020-07-07 15:55:00)", &["at(yyyy-MM-ddTHH:mm:ss)"]);
    assert_error("at(2020-02-30T15:55:00)", &["valid date and time"]);
}

#[test]
fn bad_time_zone() {
    let e = parse_timezone("America/Atlantis").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timezone);
    assert_eq!(
        e.to_string(),
        "Invalid time zone 'America/Atlantis': not an IANA time zone name such as \
         America/Los_Angeles, Europe/Berlin or UTC"
    );
}

#[test]
fn bad_boundary() {
    let e = parse_boundary("2021-04-07T14:29:00 PST").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DateTime);
    assert!(e
        .to_string()
        .starts_with("Invalid date-time '2021-04-07T14:29:00 PST': the time of day is invalid"));
}

fn window(expr: &str) -> WindowSchedule {
    WindowSchedule::new(expr.parse().unwrap(), utc("2024-01-01T00:00:00Z"))
}

#[test]
fn offset_needs_cron() {
    let mut w = window("rate(1 day)");
    w.offset_days = Some(2);
    let e = w.validate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Window);
    assert_eq!(
        e.to_string(),
        "Invalid maintenance window schedule: ScheduleOffset is supported only with cron \
         schedules, not 'rate(1 day)'"
    );
    let mut w = window("at(2024-02-01T00:00:00)");
    w.offset_days = Some(1);
    assert!(w.validate().is_err());
}

#[test]
fn offset_out_of_range() {
    let mut w = window("cron(0 2 * * ? *)");
    w.offset_days = Some(7);
    assert!(w
        .validate()
        .unwrap_err()
        .to_string()
        .contains("ScheduleOffset 7 out of range 1-6"));
    w.offset_days = Some(0);
    assert!(w.validate().is_err());
    w.offset_days = Some(6);
    assert!(w.validate().is_ok());
}

#[test]
fn end_before_start() {
    let mut w = window("cron(0 2 * * ? *)");
    w.start = Some(boundary("2024-02-01T00:00:00-08:00"));
    w.end = Some(boundary("2024-02-01T07:59:59Z"));
    assert_eq!(
        w.validate().unwrap_err().to_string(),
        "Invalid maintenance window schedule: EndDate 2024-02-01T07:59:59+00:00 is before \
         StartDate 2024-02-01T00:00:00-08:00"
    );
    // The same instant written with another offset is not "before".
    w.end = Some(boundary("2024-02-01T08:00:00Z"));
    assert!(w.validate().is_ok());
}
