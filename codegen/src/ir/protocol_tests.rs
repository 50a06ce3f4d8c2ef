//! Which of Smithy's protocol compliance cases a generated server carries:
//! those of the service's protocol that apply to servers, with every
//! `@httpMalformedRequestTests` case expanded into one case per parameter
//! set, its `$name:L` and `$name:S` placeholders filled in.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Operation, ProtocolTest, TestKind};
use crate::model::{self, Model};
use crate::protocol::Protocol;

/// The cases of `@httpRequestTests`, `@httpResponseTests` and
/// `@httpMalformedRequestTests` for `protocol` that apply to servers
/// (`appliesTo` absent or `"server"`), in operation then model order. An
/// error's cases go through the first operation (by name) that can return
/// it.
pub(super) fn select(
    model: &Model,
    operations: &[Operation],
    protocol: Protocol,
) -> Vec<ProtocolTest> {
    let protocol_id = protocol.trait_id();
    let cases = |shape: &model::Shape, kind: &str| -> Vec<Value> {
        let Some(Value::Array(cases)) = shape.traits.get(kind) else {
            return Vec::new();
        };
        cases
            .iter()
            .filter(|case| case.get("protocol").and_then(Value::as_str) == Some(protocol_id))
            .filter(|case| {
                matches!(
                    case.get("appliesTo").and_then(Value::as_str),
                    None | Some("server")
                )
            })
            .cloned()
            .collect()
    };
    let mut tests = Vec::new();
    let mut errors_done = BTreeSet::new();
    for operation in operations {
        let Some(shape) = model.shape(&operation.id) else {
            continue;
        };
        for (trait_id, kind) in [
            ("smithy.test#httpRequestTests", TestKind::Request),
            ("smithy.test#httpResponseTests", TestKind::Response),
        ] {
            for case in cases(shape, trait_id) {
                tests.push(ProtocolTest::new(operation, kind.clone(), case, None));
            }
        }
        for case in cases(shape, "smithy.test#httpMalformedRequestTests") {
            match parameter_sets(&case) {
                // Smithy's own cases write `$$` for a dollar sign whether
                // they have parameters or not (`RestJsonMalformedPatternReDOSString`),
                // as generators that format every case with `CodeWriter` read it.
                None => {
                    let filled = fill(&case, &Map::new());
                    tests.push(ProtocolTest::new(
                        operation,
                        TestKind::Malformed,
                        filled,
                        None,
                    ))
                }
                Some(sets) => {
                    for (index, set) in sets.iter().enumerate() {
                        let filled = fill(&case, set);
                        tests.push(ProtocolTest::new(
                            operation,
                            TestKind::Malformed,
                            filled,
                            Some(index),
                        ));
                    }
                }
            }
        }
        for error in &operation.errors {
            if !errors_done.insert(error.clone()) {
                continue;
            }
            let Some(shape) = model.shape(error) else {
                continue;
            };
            for case in cases(shape, "smithy.test#httpResponseTests") {
                tests.push(ProtocolTest::new(
                    operation,
                    TestKind::Error(error.clone()),
                    case,
                    None,
                ));
            }
        }
    }
    tests
}

impl ProtocolTest {
    fn new(operation: &Operation, kind: TestKind, case: Value, set: Option<usize>) -> Self {
        let id = case
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Self {
            id,
            operation: operation.name.clone(),
            kind,
            case,
            set,
        }
    }
}

/// One map of parameter name → value per set: the i-th value of every
/// list. `None` when the case has no parameters, so its strings are taken
/// as written. Lists of unequal length (which Smithy forbids) give as many
/// sets as the shortest.
fn parameter_sets(case: &Value) -> Option<Vec<Map<String, Value>>> {
    let parameters = case.get("testParameters")?.as_object()?;
    if parameters.is_empty() {
        return None;
    }
    let count = parameters
        .values()
        .map(|values| values.as_array().map_or(0, Vec::len))
        .min()
        .unwrap_or(0);
    Some(
        (0..count)
            .map(|index| {
                parameters
                    .iter()
                    .filter_map(|(name, values)| Some((name.clone(), values.get(index)?.clone())))
                    .collect()
            })
            .collect(),
    )
}

/// The case with every string of its request, response, documentation and
/// tags filled in from `set`.
fn fill(case: &Value, set: &Map<String, Value>) -> Value {
    let mut case = case.clone();
    if let Value::Object(members) = &mut case {
        for key in ["request", "response", "documentation", "tags"] {
            if let Some(value) = members.get_mut(key) {
                *value = fill_value(value, set);
            }
        }
    }
    case
}

fn fill_value(value: &Value, set: &Map<String, Value>) -> Value {
    match value {
        Value::String(text) => Value::String(interpolate(text, set)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill_value(v, set)).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (interpolate(k, set), fill_value(v, set)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Smithy's `CodeWriter` placeholders, as the trait's documentation asks:
/// `$name:L` is the value as it is, `$name:S` the value as a quoted string
/// literal, `$$` a dollar sign. Anything else is left as written.
fn interpolate(text: &str, set: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (name, tail) = after.split_at(name_len);
        let value = set.get(name).and_then(Value::as_str);
        let mut formatter = tail.chars();
        match (value, formatter.next(), formatter.next()) {
            (Some(value), Some(':'), Some('L')) => out.push_str(value),
            (Some(value), Some(':'), Some('S')) => quote(value, &mut out),
            _ => {
                out.push('$');
                rest = after;
                continue;
            }
        }
        rest = &tail[2..];
    }
    out.push_str(rest);
    out
}

/// A string literal as `CodeWriter`'s `S` formatter writes one: in double
/// quotes, with quotes, backslashes and control characters escaped. The
/// suite uses it inside JSON bodies, where this is also a JSON string.
fn quote(value: &str, out: &mut String) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect()
    }

    #[test]
    fn placeholders_are_filled_literally_or_quoted() {
        let set = set(&[("value", "a\"b"), ("n", "26")]);
        assert_eq!(
            interpolate(r#"{ "x" : $value:S, "n": $n:L }"#, &set),
            r#"{ "x" : "a\"b", "n": 26 }"#
        );
        assert_eq!(interpolate("^[a-m]+$$", &set), "^[a-m]+$");
        // Not a placeholder of this set: left as written.
        assert_eq!(interpolate("$other:L and $", &set), "$other:L and $");
    }

    #[test]
    fn each_parameter_set_is_a_case() {
        let case = json!({
            "id": "Case",
            "request": {"uri": "/x/$value:L", "headers": {"h": "$value:L"}},
            "response": {"code": 400},
            "tags": ["$tag:L"],
            "testParameters": {"value": ["1", "2"], "tag": ["one", "two"]},
        });
        let sets = parameter_sets(&case).unwrap();
        assert_eq!(sets.len(), 2);
        let second = fill(&case, &sets[1]);
        assert_eq!(second["request"]["uri"], "/x/2");
        assert_eq!(second["request"]["headers"]["h"], "2");
        assert_eq!(second["tags"], json!(["two"]));
        assert!(parameter_sets(&json!({"id": "Plain"})).is_none());
    }
}
