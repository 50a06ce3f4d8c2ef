use std::fmt;

/// What kind of input a [`ScheduleError`] is about, so callers can map it to
/// the right API error without parsing the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A `cron(...)`, `rate(...)` or `at(...)` expression is malformed or unsupported.
    Expression,
    /// A ScheduleTimezone is not an IANA zone name.
    Timezone,
    /// A StartDate or EndDate is not an ISO-8601 date-time.
    DateTime,
    /// The parts of a window's schedule are individually valid but don't fit
    /// together (offset with a rate, end before start, ...).
    Window,
}

/// A schedule input that can't be accepted.
///
/// The message is a single line without a trailing period that names the
/// offending input and, for cron expressions, the field position, so it can be
/// returned to API callers as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    kind: ErrorKind,
    message: String,
}

impl ScheduleError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn expression(kind_of: &str, expr: &str, detail: impl fmt::Display) -> Self {
        Self::new(
            ErrorKind::Expression,
            format!("Invalid {kind_of} expression '{expr}': {detail}"),
        )
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScheduleError {}
