//! The one line per request that operators read.
//!
//! Formatting it through `tracing`'s field visitors, timestamp formatter and
//! a synchronous write cost a fifth of a request's instructions. Here the
//! line is written by hand into one buffer and appended whole to the
//! [`LogBuffer`] that `main` shares with `tracing`, so lines never
//! interleave and a request never waits for the disk.

use std::cell::RefCell;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::DateTime;

use crate::log_buffer::LogBuffer;

/// The target shown in each line, and the one `--log` filters on.
pub const TARGET: &str = "ssm_server::access";

/// Where request lines go.
#[derive(Clone, Default)]
pub enum AccessLog {
    /// Through `tracing`, for embedders and tests with a subscriber of
    /// their own.
    #[default]
    Tracing,
    /// Written by hand to the buffer stderr is written from.
    Buffer(LogBuffer),
    Off,
}

/// What one request's line says, as the runtime's router reports it.
pub use smithy_runtime::server::Answered as Entry;

impl AccessLog {
    pub fn record(&self, entry: &Entry<'_>) {
        match self {
            AccessLog::Off => {}
            AccessLog::Tracing => tracing::info!(
                target: TARGET,
                operation = entry.operation,
                status = entry.status,
                error = entry.error.unwrap_or(""),
                region = entry.region,
                latency_us = entry.latency_us,
                request_id = entry.request_id,
                "request"
            ),
            AccessLog::Buffer(buffer) => LINE.with_borrow_mut(|line| {
                line.clear();
                format_line(line, SystemTime::now(), entry);
                buffer.append(line);
            }),
        }
    }
}

thread_local! {
    /// Reused between requests on a thread so a line costs no allocation.
    static LINE: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(256));
    /// `YYYY-MM-DDTHH:MM:SS` of the second last formatted on this thread.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// `2026-11-30T03:33:46.123456Z  INFO ssm_server::access: request
/// operation=GetMaintenanceWindow status=200 region=us-east-1
/// latency_us=57 request_id=… [error=…]`, the layout of `tracing`'s own
/// lines, on one line.
fn format_line(line: &mut Vec<u8>, now: SystemTime, entry: &Entry<'_>) {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    SECOND.with_borrow_mut(|(cached, text)| {
        if *cached != seconds {
            let at = DateTime::from_timestamp(seconds as i64, 0).unwrap_or_default();
            *text = at.format("%Y-%m-%dT%H:%M:%S").to_string();
            *cached = seconds;
        }
        line.extend_from_slice(text.as_bytes());
    });
    let mut digits = itoa::Buffer::new();
    let micros = digits.format(since_epoch.subsec_micros());
    line.push(b'.');
    line.extend(std::iter::repeat_n(b'0', 6 - micros.len()));
    line.extend_from_slice(micros.as_bytes());
    line.extend_from_slice(b"Z  INFO ");
    line.extend_from_slice(TARGET.as_bytes());
    line.extend_from_slice(b": request operation=");
    write_text(line, entry.operation);
    line.extend_from_slice(b" status=");
    line.extend_from_slice(digits.format(entry.status).as_bytes());
    line.extend_from_slice(b" region=");
    write_text(line, entry.region);
    line.extend_from_slice(b" latency_us=");
    line.extend_from_slice(digits.format(entry.latency_us).as_bytes());
    line.extend_from_slice(b" request_id=");
    write_text(line, entry.request_id);
    if let Some(error) = entry.error {
        line.extend_from_slice(b" error=");
        write_text(line, error);
    }
    line.push(b'\n');
}

/// Plain words as they are; anything else (it may come from the client)
/// quoted and escaped, so a value can never break or forge a line.
fn write_text(line: &mut Vec<u8>, text: &str) {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if plain {
        line.extend_from_slice(text.as_bytes());
    } else {
        let _ = write!(line, "{text:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn line(entry: &Entry<'_>, now: SystemTime) -> String {
        let mut out = Vec::new();
        format_line(&mut out, now, entry);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_line_reads_like_tracings_own() {
        let now = UNIX_EPOCH + Duration::from_micros(1_764_473_626_000_042);
        let entry = Entry {
            operation: "GetMaintenanceWindow",
            status: 200,
            error: None,
            region: "us-east-1",
            latency_us: 57,
            request_id: "5f0c-11",
        };
        assert_eq!(
            line(&entry, now),
            "2025-11-30T03:33:46.000042Z  INFO ssm_server::access: request operation=GetMaintenanceWindow status=200 region=us-east-1 latency_us=57 request_id=5f0c-11\n"
        );
        let failed = Entry {
            status: 400,
            error: Some("ValidationException"),
            ..entry
        };
        assert!(line(&failed, now).ends_with(" error=ValidationException\n"));
    }

    #[test]
    fn client_text_cannot_break_the_line() {
        let entry = Entry {
            operation: "Get\n2025-01-01T00:00:00Z  INFO forged \"x\"",
            status: 404,
            error: Some("UnknownOperationException"),
            region: "us-east-1",
            latency_us: 1,
            request_id: "r",
        };
        let text = line(&entry, UNIX_EPOCH);
        assert_eq!(text.matches('\n').count(), 1, "{text}");
        assert!(
            text.contains(r#"operation="Get\n2025-01-01T00:00:00Z  INFO forged \"x\"""#),
            "{text}"
        );
        let empty = Entry {
            operation: "",
            ..entry
        };
        assert!(line(&empty, UNIX_EPOCH).contains(r#"operation="""#));
    }
}
