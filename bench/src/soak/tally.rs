//! How each answer of the soak counts: a success, an error the load asked
//! for on purpose (a read of a deleted id, a quota, a bad schedule), or
//! anything else, which is unexpected and fails the soak.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::Value;

/// What a request is sent to get.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    Success,
    /// This error type (the `__type` after any `namespace#`), with a 4xx.
    Error(&'static str),
}

/// Unexpected answers quoted in the report, at most.
const EXAMPLES: usize = 10;

#[derive(Default)]
pub struct Tally {
    /// Operation → answers that succeeded as expected.
    pub successes: BTreeMap<&'static str, u64>,
    /// (error type, operation) → errors provoked on purpose.
    pub provoked: BTreeMap<(String, &'static str), u64>,
    /// "operation: what came back" → count.
    pub unexpected: BTreeMap<String, u64>,
    pub examples: Vec<String>,
}

impl Tally {
    /// Counts one answer; returns its JSON when it is the success asked for.
    pub fn classify(
        &mut self,
        op: &'static str,
        expect: Expect,
        answer: Result<(u16, Bytes), String>,
    ) -> Option<Value> {
        let (status, body) = match answer {
            Ok(answer) => answer,
            Err(transport) => {
                self.unexpected(op, "transport error".into(), transport);
                return None;
            }
        };
        match expect {
            Expect::Success if status == 200 => {
                if body.is_empty() {
                    *self.successes.entry(op).or_default() += 1;
                    return Some(Value::Null);
                }
                match serde_json::from_slice(&body) {
                    Ok(value) => {
                        *self.successes.entry(op).or_default() += 1;
                        Some(value)
                    }
                    Err(e) => {
                        self.unexpected(op, "HTTP 200 with bad JSON".into(), e.to_string());
                        None
                    }
                }
            }
            Expect::Error(wanted)
                if (400..500).contains(&status) && error_type(&body) == wanted =>
            {
                *self.provoked.entry((wanted.to_owned(), op)).or_default() += 1;
                None
            }
            _ => {
                let what = format!("HTTP {status} {}", error_type(&body));
                let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
                self.unexpected(op, format!("{what} (wanted {expect:?})"), text);
                None
            }
        }
    }

    /// An answer that succeeded but lacks what the next step needs.
    pub fn missing(&mut self, op: &'static str, what: &str, answer: &Value) {
        let text = answer.to_string();
        self.unexpected(
            op,
            format!("answer without {what}"),
            text[..text.len().min(300)].to_owned(),
        );
    }

    fn unexpected(&mut self, op: &str, what: String, detail: String) {
        let key = format!("{op}: {what}");
        if self.examples.len() < EXAMPLES {
            self.examples.push(format!("{key}: {detail}"));
        }
        *self.unexpected.entry(key).or_default() += 1;
    }

    pub fn merge(&mut self, other: Tally) {
        for (op, n) in other.successes {
            *self.successes.entry(op).or_default() += n;
        }
        for (key, n) in other.provoked {
            *self.provoked.entry(key).or_default() += n;
        }
        for (key, n) in other.unexpected {
            *self.unexpected.entry(key).or_default() += n;
        }
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }

    pub fn unexpected_total(&self) -> u64 {
        self.unexpected.values().sum()
    }

    pub fn provoked_total(&self) -> u64 {
        self.provoked.values().sum()
    }

    pub fn success_total(&self) -> u64 {
        self.successes.values().sum()
    }
}

/// The error's type from an awsJson error body, without its namespace.
fn error_type(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let raw = value["__type"].as_str().unwrap_or("(no __type)");
    raw.rsplit('#').next().unwrap_or(raw).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Result<(u16, Bytes), String> {
        Ok((status, Bytes::copy_from_slice(body.as_bytes())))
    }

    #[test]
    fn successes_provoked_and_unexpected_are_told_apart() {
        let mut tally = Tally::default();
        let missing = r#"{"__type":"com.amazonaws.ssm#DoesNotExistException","message":"gone"}"#;

        let got = tally.classify(
            "GetMaintenanceWindow",
            Expect::Success,
            answer(200, r#"{"WindowId":"mw-1"}"#),
        );
        assert_eq!(got.unwrap()["WindowId"], "mw-1");
        assert!(tally
            .classify(
                "GetMaintenanceWindow",
                Expect::Error("DoesNotExistException"),
                answer(400, missing)
            )
            .is_none());
        // The wrong error, an error where a success was wanted, a success
        // where an error was wanted, and a dropped connection: all unexpected.
        tally.classify(
            "GetMaintenanceWindow",
            Expect::Error("ValidationException"),
            answer(400, missing),
        );
        tally.classify(
            "GetMaintenanceWindow",
            Expect::Success,
            answer(400, missing),
        );
        tally.classify(
            "GetMaintenanceWindow",
            Expect::Error("DoesNotExistException"),
            answer(200, "{}"),
        );
        tally.classify(
            "DeleteMaintenanceWindow",
            Expect::Success,
            Err("request failed: reset".into()),
        );
        // A 5xx never counts as provoked, even with the type asked for.
        tally.classify(
            "GetMaintenanceWindow",
            Expect::Error("DoesNotExistException"),
            answer(500, missing),
        );

        assert_eq!(tally.success_total(), 1);
        assert_eq!(tally.provoked_total(), 1);
        assert_eq!(
            tally
                .provoked
                .get(&("DoesNotExistException".to_owned(), "GetMaintenanceWindow")),
            Some(&1)
        );
        assert_eq!(tally.unexpected_total(), 5);
        assert_eq!(tally.examples.len(), 5);
    }

    #[test]
    fn merging_adds_counts() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        a.classify("ListTagsForResource", Expect::Success, answer(200, "{}"));
        b.classify("ListTagsForResource", Expect::Success, answer(200, ""));
        b.classify("ListTagsForResource", Expect::Success, answer(503, "{}"));
        a.merge(b);
        assert_eq!(a.successes.get("ListTagsForResource"), Some(&2));
        assert_eq!(a.unexpected_total(), 1);
    }
}
