//! `rate(N unit)` expressions.

use std::fmt;

use chrono::TimeDelta;

use crate::cron::MIN_INTERVAL_MINUTES;
use crate::error::ScheduleError;

/// The unit of a [`Rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateUnit {
    Minutes,
    Hours,
    Days,
}

impl RateUnit {
    fn singular(self) -> &'static str {
        match self {
            RateUnit::Minutes => "minute",
            RateUnit::Hours => "hour",
            RateUnit::Days => "day",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            RateUnit::Minutes => "minutes",
            RateUnit::Hours => "hours",
            RateUnit::Days => "days",
        }
    }

    fn seconds(self) -> i64 {
        match self {
            RateUnit::Minutes => 60,
            RateUnit::Hours => 3_600,
            RateUnit::Days => 86_400,
        }
    }
}

/// A parsed `rate(N unit)` expression: runs every `value` `unit`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    pub value: u32,
    pub unit: RateUnit,
}

impl Rate {
    /// Parses a whole `rate(...)` expression.
    ///
    /// `value` must be a positive integer; 1 takes the singular unit and
    /// anything larger the plural (`rate(1 hours)` and `rate(5 hour)` are
    /// invalid, as documented). Rates below 5 minutes are rejected: the
    /// minimum for windows is not documented, so this mirrors the documented
    /// 5-minute limit for cron schedules.
    pub fn parse(expression: &str) -> Result<Self, ScheduleError> {
        let err = |detail: String| ScheduleError::expression("rate", expression, detail);
        let inner = expression
            .strip_prefix("rate(")
            .ok_or_else(|| err("expected it to start with 'rate('".into()))?
            .strip_suffix(')')
            .ok_or_else(|| err("missing closing ')'".into()))?;
        let parts: Vec<&str> = inner.split_whitespace().collect();
        let [value, unit] = parts[..] else {
            return Err(err(
                "expected a value and a unit, e.g. rate(30 minutes) or rate(1 day)".into(),
            ));
        };
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(format!("value '{value}' is not a positive integer")));
        }
        let value: u32 = value
            .parse()
            .map_err(|_| err(format!("value {value} is too large")))?;
        if value == 0 {
            return Err(err("value must be a positive integer, not 0".into()));
        }
        let units = [RateUnit::Minutes, RateUnit::Hours, RateUnit::Days];
        let rate = if let Some(unit) = units.into_iter().find(|u| u.singular() == unit) {
            if value != 1 {
                return Err(err(format!(
                    "unit '{}' needs the plural '{}' for the value {value}",
                    unit.singular(),
                    unit.plural()
                )));
            }
            Rate { value, unit }
        } else if let Some(unit) = units.into_iter().find(|u| u.plural() == unit) {
            if value == 1 {
                return Err(err(format!(
                    "unit '{}' needs the singular '{}' for the value 1",
                    unit.plural(),
                    unit.singular()
                )));
            }
            Rate { value, unit }
        } else {
            return Err(err(format!(
                "unknown unit '{unit}', expected minute(s), hour(s) or day(s)"
            )));
        };
        if rate.unit == RateUnit::Minutes && rate.value < MIN_INTERVAL_MINUTES {
            return Err(err(format!(
                "rates of less than {MIN_INTERVAL_MINUTES} minutes are not supported"
            )));
        }
        Ok(rate)
    }

    /// The interval between runs; a day is 24 hours of absolute time, so a
    /// daily rate drifts by an hour in local time across a DST change.
    pub fn period(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.value) * self.unit.seconds())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.value == 1 {
            self.unit.singular()
        } else {
            self.unit.plural()
        };
        write!(f, "rate({} {unit})", self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        for (text, secs) in [
            ("rate(30 minutes)", 1_800),
            ("rate(1 hour)", 3_600),
            ("rate(5 hours)", 18_000),
            ("rate(25 days)", 2_160_000),
            ("rate(5 minutes)", 300),
            ("rate(1 day)", 86_400),
        ] {
            let rate = Rate::parse(text).unwrap();
            assert_eq!(rate.period().num_seconds(), secs, "{text}");
            assert_eq!(rate.to_string(), text);
        }
    }
}
