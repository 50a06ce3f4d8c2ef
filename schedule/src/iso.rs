//! ISO-8601 text: StartDate/EndDate boundaries and the `at(...)` time stamp.
//!
//! Hand-written rather than chrono's `parse_from_str` because chrono accepts
//! unpadded fields and cannot express "seconds optional, offset optional".

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::error::{ErrorKind, ScheduleError};

/// Parses a StartDate or EndDate.
///
/// Accepted: `2021-04-07T14:29:00-08:00`, `2020-10-01T10:10:10Z`, seconds and
/// fraction optional (`2021-04-07T14:29Z`, `...T14:29:00.123+05:30`), offsets
/// as `Z`, `±hh:mm`, `±hhmm` or `±hh`, and a missing offset or a bare date
/// (`2021-11-01`, midnight) both taken as UTC. The offset is kept, so callers
/// can echo the value back unchanged.
pub fn parse_boundary(s: &str) -> Result<DateTime<FixedOffset>, ScheduleError> {
    let err = |reason: &str| {
        ScheduleError::new(
            ErrorKind::DateTime,
            format!(
                "Invalid date-time '{s}': {reason}; expected ISO-8601 such as \
                 2021-04-07T14:29:00-08:00, 2020-10-01T10:10:10Z or 2021-11-01"
            ),
        )
    };
    let date_text = s.get(..10).ok_or_else(|| err("too short"))?;
    let date = parse_date(date_text).ok_or_else(|| err("the date is not a valid yyyy-MM-dd"))?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Ok(date.and_time(NaiveTime::MIN).and_utc().fixed_offset());
    }
    let rest = rest
        .strip_prefix(['T', 't'])
        .ok_or_else(|| err("the date must be followed by 'T' and a time"))?;
    let (time_text, offset) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, Some(utc()))
    } else if let Some(i) = rest.find(['+', '-']) {
        let offset = parse_offset(&rest[i..]).ok_or_else(|| err("the UTC offset is invalid"))?;
        (&rest[..i], Some(offset))
    } else {
        (rest, None)
    };
    let time = parse_time(time_text).ok_or_else(|| err("the time of day is invalid"))?;
    let offset = offset.unwrap_or_else(utc);
    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| err("the date-time is out of range"))
}

/// Parses the inside of `at(...)`: exactly `yyyy-MM-ddTHH:mm:ss`.
pub(crate) fn parse_at(expression: &str) -> Result<NaiveDateTime, ScheduleError> {
    let err = |detail: &str| ScheduleError::expression("at", expression, detail);
    let inner = expression
        .strip_prefix("at(")
        .ok_or_else(|| err("expected it to start with 'at('"))?
        .strip_suffix(')')
        .ok_or_else(|| err("missing closing ')'"))?;
    let shape = inner.len() == 19 && inner.as_bytes()[10] == b'T' && inner.as_bytes()[16] == b':';
    let parsed = shape
        .then(|| Some(parse_date(&inner[..10])?.and_time(parse_time(&inner[11..])?)))
        .flatten();
    parsed.ok_or_else(|| {
        err("expected a valid date and time as at(yyyy-MM-ddTHH:mm:ss), e.g. at(2020-07-07T15:55:00)")
    })
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// A non-empty run of ASCII digits. Works on bytes so that slicing at fixed
/// positions can't split a multi-byte character.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |n, d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

fn fixed(b: &[u8], len: usize) -> Option<u32> {
    (b.len() == len).then(|| digits(b)).flatten()
}

/// `yyyy-MM-dd`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = fixed(&b[..4], 4)?;
    NaiveDate::from_ymd_opt(year as i32, fixed(&b[5..7], 2)?, fixed(&b[8..], 2)?)
}

/// `HH:mm`, `HH:mm:ss` or `HH:mm:ss.f` with 1-9 fraction digits.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let (hour, minute) = (fixed(&b[..2], 2)?, fixed(&b[3..5], 2)?);
    let rest = &b[5..];
    if rest.is_empty() {
        return NaiveTime::from_hms_opt(hour, minute, 0);
    }
    let rest = rest.strip_prefix(b":")?;
    let (second, fraction) = match rest.iter().position(|c| matches!(c, b'.' | b',')) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let second = fixed(second, 2)?;
    let nanos = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => digits(f)? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    // chrono reads second 60 as a leap second; ISO text here never means that.
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).filter(|_| second < 60)
}

/// `±hh:mm`, `±hhmm` or `±hh`.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let b = s.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &b[1..];
    let (hours, minutes) = match body.len() {
        2 => (fixed(body, 2)?, 0),
        4 => (fixed(&body[..2], 2)?, fixed(&body[2..], 2)?),
        5 if body[2] == b':' => (fixed(&body[..2], 2)?, fixed(&body[3..], 2)?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc3339(s: &str) -> String {
        parse_boundary(s).unwrap().to_rfc3339()
    }

    #[test]
    fn accepted_boundaries() {
        assert_eq!(
            rfc3339("2021-04-07T14:29:00-08:00"),
            "2021-04-07T14:29:00-08:00"
        );
        assert_eq!(rfc3339("2020-10-01T10:10:10Z"), "2020-10-01T10:10:10+00:00");
        assert_eq!(
            rfc3339("2021-04-07T14:29-08:00"),
            "2021-04-07T14:29:00-08:00"
        );
        assert_eq!(rfc3339("2021-04-07T14:29Z"), "2021-04-07T14:29:00+00:00");
        assert_eq!(
            rfc3339("2021-04-07T14:29:00.5+05:30"),
            "2021-04-07T14:29:00.500+05:30"
        );
        assert_eq!(
            rfc3339("2021-04-07T14:29:00.123456789Z"),
            "2021-04-07T14:29:00.123456789+00:00"
        );
        assert_eq!(
            rfc3339("2021-04-07T14:29:00+0530"),
            "2021-04-07T14:29:00+05:30"
        );
        assert_eq!(
            rfc3339("2021-04-07T14:29:00-03"),
            "2021-04-07T14:29:00-03:00"
        );
        assert_eq!(rfc3339("2021-11-01"), "2021-11-01T00:00:00+00:00");
        assert_eq!(rfc3339("2021-11-01T08:00:00"), "2021-11-01T08:00:00+00:00");
    }

    #[test]
    fn rejected_boundaries_say_why() {
        for (text, reason) in [
            ("", "too short"),
            ("2021-13-01", "not a valid yyyy-MM-dd"),
            ("2021-02-29T00:00Z", "not a valid yyyy-MM-dd"),
            ("21-04-07T14:29Z", "yyyy-MM-dd"),
            ("2021-04-07 14:29Z", "followed by 'T'"),
            ("2021-04-07T25:00Z", "time of day"),
            ("2021-04-07T14:29:00.Z", "time of day"),
            ("2021-04-07T14:29:00+25:00", "UTC offset"),
            ("2021-04-07T14:29:00+05:3", "UTC offset"),
            ("2021-04-07T1:29Z", "time of day"),
            ("2021-04-07T12:€€", "time of day"),
            ("2021-04-07T12:00:60Z", "time of day"),
        ] {
            let e = parse_boundary(text).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::DateTime);
            let msg = e.to_string();
            assert!(
                msg.contains(reason) && msg.contains(&format!("'{text}'")),
                "{msg}"
            );
        }
    }

    #[test]
    fn at_is_strict() {
        let t = parse_at("at(2020-07-07T15:55:00)").unwrap();
        assert_eq!(t.to_string(), "2020-07-07 15:55:00");
        for bad in [
            "at(2020-07-07T15:55)",
            "at(2020-07-07 15:55:00)",
            "at(2020-02-30T15:55:00)",
            "at(2020-07-07T15:55:00Z)",
            "at(2020-07-07T15:55:00",
        ] {
            assert!(parse_at(bad).is_err(), "{bad}");
        }
    }
}
