//! Time zones: parsing ScheduleTimezone and turning wall-clock times into
//! instants across DST changes.

use chrono::{DateTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{ErrorKind, ScheduleError};

/// Parses an IANA zone name such as `America/Los_Angeles` or `UTC`
/// (case-sensitive, as in the tz database).
pub fn parse_timezone(name: &str) -> Result<Tz, ScheduleError> {
    name.parse::<Tz>().map_err(|_| {
        ScheduleError::new(
            ErrorKind::Timezone,
            format!(
                "Invalid time zone '{name}': not an IANA time zone name such as \
                 America/Los_Angeles, Europe/Berlin or UTC"
            ),
        )
    })
}

/// The instant at which a wall-clock time `local` in `tz` happens.
///
/// A time that happens twice (fall-back overlap) resolves to the earlier
/// instant, so it runs once. A time that never happens (spring-forward gap)
/// resolves to the first instant after the gap, e.g. 02:30 on the day Los
/// Angeles springs forward runs at 03:00 PDT.
pub fn resolve_local(tz: &Tz, local: NaiveDateTime) -> DateTime<Tz> {
    if let Some(t) = tz.from_local_datetime(&local).earliest() {
        return t;
    }
    gap_end(tz, local)
}

/// First instant after the gap that swallows `local`.
///
/// Interpreting `local` with the offset after the gap gives an instant before
/// the transition, and with the offset before the gap one after it; the
/// transition lies between and is found by bisection on whole seconds (zone
/// transitions fall on whole seconds). Only chrono-tz does offset lookups.
fn gap_end(tz: &Tz, local: NaiveDateTime) -> DateTime<Tz> {
    let offset_at =
        |t: NaiveDateTime| i64::from(tz.offset_from_utc_datetime(&t).fix().local_minus_utc());
    let day = TimeDelta::days(1);
    let before = offset_at(local - day);
    let after = offset_at(local + day);
    // Bisect on Unix seconds so every probe is a whole second.
    let mut lo = (local - TimeDelta::seconds(after)).and_utc().timestamp();
    let mut hi = (local - TimeDelta::seconds(before)).and_utc().timestamp();
    let at = |secs: i64| tz.timestamp_opt(secs, 0).single().expect("in range");
    let reached = |secs: i64| at(secs).naive_local() >= local;
    if before >= after || reached(lo) || !reached(hi) {
        // Not a single simple transition within a day (no zone in the
        // current database does this); settle for the later reading.
        return at(hi);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    at(hi)
}

/// `t` truncated to whole seconds.
pub(crate) fn floor_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t - TimeDelta::nanoseconds(i64::from(chrono::Timelike::nanosecond(&t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn resolved(tz: Tz, s: &str) -> String {
        resolve_local(&tz, local(s)).to_rfc3339()
    }

    #[test]
    fn gap_resolves_to_its_end() {
        use chrono_tz::{America::Los_Angeles, Australia::Lord_Howe, Europe::London};
        assert_eq!(
            resolved(Los_Angeles, "2024-03-10T02:30:00"),
            "2024-03-10T03:00:00-07:00"
        );
        assert_eq!(
            resolved(Los_Angeles, "2024-03-10T02:00:00"),
            "2024-03-10T03:00:00-07:00"
        );
        assert_eq!(
            resolved(Los_Angeles, "2024-03-10T03:00:00"),
            "2024-03-10T03:00:00-07:00"
        );
        assert_eq!(
            resolved(London, "2024-03-31T01:59:59"),
            "2024-03-31T02:00:00+01:00"
        );
        // Lord Howe springs forward by 30 minutes, from 02:00 to 02:30.
        assert_eq!(
            resolved(Lord_Howe, "2024-10-06T02:10:00"),
            "2024-10-06T02:30:00+11:00"
        );
    }

    #[test]
    fn overlap_resolves_to_the_earlier_instant() {
        use chrono_tz::America::Los_Angeles;
        assert_eq!(
            resolved(Los_Angeles, "2024-11-03T01:30:00"),
            "2024-11-03T01:30:00-07:00"
        );
    }

    #[test]
    fn zone_names() {
        assert_eq!(
            parse_timezone("America/Los_Angeles").unwrap(),
            chrono_tz::America::Los_Angeles
        );
        assert_eq!(parse_timezone("UTC").unwrap(), chrono_tz::UTC);
        let e = parse_timezone("Mars/Olympus_Mons").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timezone);
        assert!(e
            .to_string()
            .starts_with("Invalid time zone 'Mars/Olympus_Mons'"));
        assert!(parse_timezone("").is_err());
    }
}
