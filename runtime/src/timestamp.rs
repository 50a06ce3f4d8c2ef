//! Timestamps as awsJson writes them: epoch seconds with a fraction.
//!
//! Output is a JSON number (`1487692834.723`). Input accepts a number, an
//! RFC 3339 string or an HTTP date, whatever the member's format, because
//! published sample responses mix the forms. Members with a
//! `@timestampFormat` of `date-time` or `http-date` are written by
//! [`crate::wire::DateTime`] and [`crate::wire::HttpDate`].

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// An instant with millisecond precision, the precision AWS reports.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self { millis }
    }

    pub const fn unix_millis(self) -> i64 {
        self.millis
    }

    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Rounds to the nearest millisecond; `None` for NaN or out-of-range values.
    pub fn from_epoch_seconds(seconds: f64) -> Option<Self> {
        let millis = (seconds * 1000.0).round();
        (millis.is_finite() && millis.abs() < 8.64e18)
            .then(|| Self::from_unix_millis(millis as i64))
    }

    pub fn to_chrono(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.millis).unwrap_or_default()
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2024-01-01T10:04:04.099Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_chrono()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Smithy's `date-time` on the wire: RFC 3339 in UTC, with a fraction
    /// only when there is one (`2000-01-02T20:34:56Z`,
    /// `2024-01-01T10:04:04.099Z`), as AWS writes it.
    pub fn to_date_time(self) -> String {
        self.to_chrono()
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Self::from_unix_millis(t.timestamp_millis()))
    }

    /// Smithy's `date-time` as a server reads it: RFC 3339 with a `T` and in
    /// UTC (`Z`), fractional seconds allowed. Offsets, which
    /// [`Self::parse_rfc3339`] takes for what clients read, are refused.
    pub fn parse_date_time(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let utc = matches!(bytes.last(), Some(b'Z' | b'z'));
        let separated = matches!(bytes.get(10), Some(b'T' | b't'));
        if utc && separated {
            Self::parse_rfc3339(text)
        } else {
            None
        }
    }

    /// RFC 9110's IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`, with
    /// milliseconds only when there are any (`18:30:38.123 GMT`), so that
    /// nothing is lost.
    pub fn to_http_date(self) -> String {
        let format = if self.millis % 1000 == 0 {
            "%a, %d %b %Y %H:%M:%S GMT"
        } else {
            "%a, %d %b %Y %H:%M:%S%.3f GMT"
        };
        self.to_chrono().format(format).to_string()
    }

    /// An IMF-fixdate, fractional seconds allowed.
    pub fn parse_http_date(text: &str) -> Option<Self> {
        chrono::NaiveDateTime::parse_from_str(text, "%a, %d %b %Y %H:%M:%S%.f GMT")
            .ok()
            .map(|t| Self::from_unix_millis(t.and_utc().timestamp_millis()))
    }

    /// A timestamp in any of the string forms input accepts.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_rfc3339(text).or_else(|| Self::parse_http_date(text))
    }

    /// The instant a JSON value stands for, read exactly as deserializing a
    /// `Timestamp` reads it, so that validation and decoding agree.
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(seconds) => seconds.checked_mul(1000).map(Self::from_unix_millis),
                None if n.is_f64() => Self::from_epoch_seconds(n.as_f64()?),
                None => None,
            },
            serde_json::Value::String(text) => Self::parse(text),
            _ => None,
        }
    }

    /// The decimal text of the epoch seconds, trailing zeros trimmed:
    /// `1487692834.723`, `1515006912`.
    fn epoch_seconds_text(self) -> String {
        // Sign and magnitude: -1500 ms is `-1.5`, not `-2` plus `.5`.
        let sign = if self.millis < 0 { "-" } else { "" };
        let magnitude = self.millis.unsigned_abs();
        let (secs, frac) = (magnitude / 1000, magnitude % 1000);
        if frac == 0 {
            return format!("{sign}{secs}");
        }
        let digits = format!("{frac:03}");
        format!("{sign}{secs}.{}", digits.trim_end_matches('0'))
    }

    /// Epoch seconds as the JSON number clients expect: the double nearest
    /// the decimal text, so that the shortest float rendering equals it.
    pub fn epoch_seconds(self) -> f64 {
        // Below 10^15 ms the text has at most 15 significant digits, so the
        // correctly rounded quotient is that nearest double; beyond (dates
        // past the year 33,000) the text is parsed.
        if self.millis.unsigned_abs() < 1_000_000_000_000_000 {
            self.millis as f64 / 1000.0
        } else {
            self.epoch_seconds_text().parse().unwrap_or_default()
        }
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        let millis = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        Self::from_unix_millis(millis)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let magnitude = Duration::from_millis(t.millis.unsigned_abs());
        if t.millis >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self::from_unix_millis(t.timestamp_millis())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.millis % 1000 == 0 {
            serializer.serialize_i64(self.millis / 1000)
        } else {
            serializer.serialize_f64(self.epoch_seconds())
        }
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("epoch seconds, an RFC 3339 date-time or an HTTP date")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        v.checked_mul(1000)
            .map(Timestamp::from_unix_millis)
            .ok_or_else(|| E::custom("timestamp out of range"))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v)
            .map_err(|_| E::custom("timestamp out of range"))
            .and_then(|v| self.visit_i64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        Timestamp::from_epoch_seconds(v).ok_or_else(|| E::custom("timestamp out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse(v).ok_or_else(|| {
            E::custom(format_args!(
                "`{v}` is neither an RFC 3339 date-time nor an HTTP date"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_epoch_seconds_with_millis() {
        let t = Timestamp::from_unix_millis(1_487_692_834_723);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1487692834.723");
        let whole = Timestamp::from_unix_millis(1_515_006_912_000);
        assert_eq!(serde_json::to_string(&whole).unwrap(), "1515006912");
        let tenth = Timestamp::from_unix_millis(1_515_006_912_900);
        assert_eq!(serde_json::to_string(&tenth).unwrap(), "1515006912.9");
    }

    proptest::proptest! {
        /// The quotient is the double the decimal text denotes, so the JSON
        /// number written is that text.
        #[test]
        fn epoch_seconds_are_the_decimal_text(millis in -999_999_999_999_999i64..=999_999_999_999_999) {
            let t = Timestamp::from_unix_millis(millis);
            let parsed: f64 = t.epoch_seconds_text().parse().unwrap();
            proptest::prop_assert_eq!(t.epoch_seconds().to_bits(), parsed.to_bits());
        }
    }

    #[test]
    fn reads_numbers_and_iso_strings() {
        let n: Timestamp = serde_json::from_str("1515006912.957").unwrap();
        assert_eq!(n.unix_millis(), 1_515_006_912_957);
        let i: Timestamp = serde_json::from_str("1515006912").unwrap();
        assert_eq!(i.unix_millis(), 1_515_006_912_000);
        let s: Timestamp = serde_json::from_str("\"2024-08-04T11:45:34.994000-07:00\"").unwrap();
        assert_eq!(s.to_rfc3339(), "2024-08-04T18:45:34.994Z");
        assert_eq!(s.to_date_time(), "2024-08-04T18:45:34.994Z");
        let whole = Timestamp::from_unix_millis(946845296000);
        assert_eq!(whole.to_date_time(), "2000-01-02T20:34:56Z");
        assert_eq!(whole.to_rfc3339(), "2000-01-02T20:34:56.000Z");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
    }

    #[test]
    fn http_dates() {
        let t = Timestamp::from_unix_millis(1_398_796_238_000);
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        let ms = Timestamp::from_unix_millis(1_398_796_238_123);
        assert_eq!(ms.to_http_date(), "Tue, 29 Apr 2014 18:30:38.123 GMT");
        assert_eq!(Timestamp::parse_http_date(&t.to_http_date()), Some(t));
        assert_eq!(Timestamp::parse_http_date(&ms.to_http_date()), Some(ms));
        let read: Timestamp = serde_json::from_str("\"Sun, 02 Jan 2000 20:34:56 GMT\"").unwrap();
        assert_eq!(read.unix_millis(), 946_845_296_000);
        assert_eq!(
            Timestamp::parse_http_date("Tue, 29 Apr 2014 18:30:38 UTC"),
            None
        );
        assert_eq!(Timestamp::parse_http_date("29 Apr 2014 18:30:38 GMT"), None);
    }

    #[test]
    fn negative_instants_round_trip() {
        let t = Timestamp::from_unix_millis(-1_500);
        assert_eq!(serde_json::to_string(&t).unwrap(), "-1.5");
        let back: Timestamp = serde_json::from_str("-1.5").unwrap();
        assert_eq!(back, t);
        assert_eq!(Timestamp::from(SystemTime::from(t)), t);
    }
}
