//! The text AWS uses for NextExecutionTime and ExecutionTime.

use std::fmt::Write;

use chrono::{DateTime, Datelike, Offset, TimeZone, Timelike};

/// Formats `t` in its own zone the way AWS prints execution times, which is
/// Java's `OffsetDateTime.toString()`: minutes always, `:ss` only when the
/// seconds or fraction are non-zero, the fraction in groups of three digits
/// (`.596`, `.596100`, `.596100001`) only when non-zero, and `Z` for a zero
/// offset, else `+hh:mm` (`+hh:mm:ss` for historical second offsets).
///
/// Examples: `2024-03-12T09:00-05:00`, `2020-02-19T16:00Z`,
/// `2020-02-12T23:19:20.596Z`, `2020-07-26T00:00+10:00`.
pub fn format_execution_time(t: &DateTime<chrono_tz::Tz>) -> String {
    format_java_offset_date_time(t)
}

/// [`format_execution_time`] for any zone type.
pub fn format_java_offset_date_time<Z: TimeZone>(t: &DateTime<Z>) -> String {
    let local = t.naive_local();
    let mut out = String::with_capacity(32);
    let year = local.year();
    // Java pads years to four digits and marks years past 9999 with '+'.
    if year > 9999 {
        write!(out, "+{year}").ok();
    } else if year < 0 {
        write!(out, "-{:04}", -i64::from(year)).ok();
    } else {
        write!(out, "{year:04}").ok();
    }
    write!(
        out,
        "-{:02}-{:02}T{:02}:{:02}",
        local.month(),
        local.day(),
        local.hour(),
        local.minute()
    )
    .ok();
    let (second, nanos) = (local.second(), local.nanosecond() % 1_000_000_000);
    if second != 0 || nanos != 0 {
        write!(out, ":{second:02}").ok();
        if nanos % 1_000_000 == 0 && nanos != 0 {
            write!(out, ".{:03}", nanos / 1_000_000).ok();
        } else if nanos % 1_000 == 0 && nanos != 0 {
            write!(out, ".{:06}", nanos / 1_000).ok();
        } else if nanos != 0 {
            write!(out, ".{nanos:09}").ok();
        }
    }
    let offset = t.offset().fix().local_minus_utc();
    if offset == 0 {
        out.push('Z');
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.unsigned_abs();
        write!(out, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60).ok();
        if abs % 60 != 0 {
            write!(out, ":{:02}", abs % 60).ok();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDateTime, Utc};
    use chrono_tz::Tz;

    /// Formats the wall-clock time `local` (`%Y-%m-%dT%H:%M:%S%.f`) in `tz`.
    fn at(tz: Tz, local: &str) -> String {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S%.f").unwrap();
        format_execution_time(&tz.from_local_datetime(&naive).single().unwrap())
    }

    #[test]
    fn aws_examples() {
        use chrono_tz::{America::Chicago, Australia::Brisbane, UTC};
        assert_eq!(at(Chicago, "2024-03-12T09:00:00"), "2024-03-12T09:00-05:00");
        assert_eq!(at(UTC, "2020-02-19T16:00:00"), "2020-02-19T16:00Z");
        assert_eq!(
            at(UTC, "2020-02-12T23:19:20.596"),
            "2020-02-12T23:19:20.596Z"
        );
        assert_eq!(
            at(Brisbane, "2020-07-26T00:00:00"),
            "2020-07-26T00:00+10:00"
        );
        assert_eq!(
            at(chrono_tz::America::Los_Angeles, "2019-02-03T02:00:00"),
            "2019-02-03T02:00-08:00"
        );
    }

    #[test]
    fn seconds_and_fractions_like_java() {
        use chrono_tz::{Asia::Kolkata, UTC};
        assert_eq!(at(UTC, "2020-01-01T00:00:05"), "2020-01-01T00:00:05Z");
        assert_eq!(at(UTC, "2020-01-01T00:00:00.5"), "2020-01-01T00:00:00.500Z");
        assert_eq!(
            at(UTC, "2020-01-01T00:00:00.5961"),
            "2020-01-01T00:00:00.596100Z"
        );
        assert_eq!(
            at(UTC, "2020-01-01T00:00:00.000000001"),
            "2020-01-01T00:00:00.000000001Z"
        );
        assert_eq!(at(Kolkata, "2020-01-01T00:00:00"), "2020-01-01T00:00+05:30");
    }

    #[test]
    fn other_zone_types_and_odd_offsets() {
        let t = chrono::FixedOffset::west_opt(3 * 3600 + 30 * 60 + 15)
            .unwrap()
            .with_ymd_and_hms(2021, 4, 7, 14, 29, 0)
            .unwrap();
        assert_eq!(
            format_java_offset_date_time(&t),
            "2021-04-07T14:29-03:30:15"
        );
        let u = Utc.with_ymd_and_hms(12021, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(format_java_offset_date_time(&u), "+12021-01-01T00:00Z");
    }
}
