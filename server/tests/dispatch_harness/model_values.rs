//! JSON shaped like an operation's input, generated from the Smithy model
//! (`models/ssm.json`, read with the generator's own loader) rather than
//! from the generated crate, so the validator is judged against the model
//! and not against itself.
//!
//! [`Values::strategy`] makes values that are sometimes valid and sometimes
//! break a `@required`, `@length`, `@range`, `@pattern` or enum rule, or a
//! JSON type, with unknown members and deep nesting mixed in.
//! [`Values::verdict`] then says, independently of the validator, whether
//! a value keeps the model's constraints.

use std::collections::HashMap;
use std::sync::Mutex;

use codegen::ast::ShapeKind;
use codegen::model::{Shape, Traits};
use codegen::Model;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use smithy_runtime::Pattern;

/// Ids the harness fills in (see `Ids`), so generated requests can name
/// resources that exist; chosen by the shape of the member.
const ID_HINTS: &[(&str, &str)] = &[
    ("MaintenanceWindowId", "$W"),
    ("ResourceId", "$W"),
    ("MaintenanceWindowTargetId", "$T"),
    ("MaintenanceWindowTaskId", "$K"),
    ("MaintenanceWindowExecutionId", "$E"),
    ("MaintenanceWindowExecutionTaskId", "$X"),
    ("MaintenanceWindowExecutionTaskInvocationId", "$I"),
];

/// Values of free-form strings that mean something to the service, so some
/// generated writes get past its own checks and leave state behind.
const MEANINGFUL: &[(&str, &[&str])] = &[
    (
        "MaintenanceWindowSchedule",
        &[
            "cron(0 2 ? * SUN *)",
            "rate(3 days)",
            "at(2026-06-01T10:00:00)",
            "cron(0 0 6 ? * MON#2 *)",
        ],
    ),
    (
        "MaintenanceWindowTimezone",
        &["America/Los_Angeles", "Etc/UTC", "Asia/Kolkata"],
    ),
    (
        "MaintenanceWindowStringDateTime",
        &["2026-01-01T00:00:00Z", "2027-12-31T23:59:59-08:00"],
    ),
    (
        "MaintenanceWindowTaskArn",
        &[
            "AWS-RunShellScript",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
        ],
    ),
];

/// How sure [`Values::verdict`] is.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Valid,
    /// The first rule the value breaks.
    Invalid(String),
    /// Forms whose acceptance the model alone does not settle (timestamp
    /// and blob text, nesting past the JSON reader's depth limit).
    Unsure,
}

impl Verdict {
    fn and(self, other: impl FnOnce() -> Verdict) -> Verdict {
        match self {
            Verdict::Invalid(_) => self,
            Verdict::Valid => other(),
            Verdict::Unsure => match other() {
                invalid @ Verdict::Invalid(_) => invalid,
                _ => Verdict::Unsure,
            },
        }
    }
}

pub struct Values {
    model: Model,
    patterns: Mutex<HashMap<String, &'static Pattern>>,
}

/// A member's constraint: the member's own trait, else its target's.
fn constraint<'a>(member: &'a Traits, target: &'a Shape, name: &str) -> Option<&'a Value> {
    member.get(name).or_else(|| target.traits.get(name))
}

fn bounds(trait_value: Option<&Value>) -> (Option<f64>, Option<f64>) {
    let get = |key| trait_value.and_then(|t| t.get(key)).and_then(Value::as_f64);
    (get("min"), get("max"))
}

fn enum_values(shape: &Shape) -> Vec<String> {
    shape
        .members
        .iter()
        .map(|m| {
            m.traits
                .get("smithy.api#enumValue")
                .and_then(Value::as_str)
                .unwrap_or(&m.name)
                .to_owned()
        })
        .collect()
}

fn short_name(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(_, name)| name)
}

/// JSON of any type, nested up to `depth`, for unknown members.
fn any_json(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[A-Za-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An array nested `depth` deep, past and below the reader's limit.
fn deep_nesting() -> BoxedStrategy<Value> {
    (1usize..200)
        .prop_map(|depth| (0..depth).fold(json!(1), |inner, _| json!([inner])))
        .boxed()
}

/// A value of the wrong JSON type for `kind`.
fn wrong_type(kind: ShapeKind) -> BoxedStrategy<Value> {
    let candidates: Vec<Value> = match kind {
        ShapeKind::String | ShapeKind::Enum | ShapeKind::Blob => {
            vec![json!(7), json!(true), json!([]), json!({})]
        }
        ShapeKind::Boolean => vec![json!("true"), json!(1), json!([])],
        ShapeKind::Integer | ShapeKind::Long | ShapeKind::Short | ShapeKind::Byte => {
            vec![
                json!("3"),
                json!(1.5),
                json!(true),
                json!(1e20),
                json!(9_007_199_254_740_993i64),
            ]
        }
        ShapeKind::List => vec![json!({}), json!("a"), json!(1)],
        _ => vec![json!([]), json!("a"), json!(false)],
    };
    proptest::sample::select(candidates).boxed()
}

impl Values {
    pub fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/ssm.json");
        let text = std::fs::read_to_string(path).expect("models/ssm.json");
        Self {
            model: Model::from_json(&text).expect("the model loads"),
            patterns: Mutex::new(HashMap::new()),
        }
    }

    /// `(operation name, input shape id)` for every operation of the service.
    pub fn operations(&self) -> Vec<(String, String)> {
        let service = self
            .model
            .shapes
            .values()
            .find(|s| s.kind == ShapeKind::Service)
            .expect("a service");
        service
            .reference("operations")
            .iter()
            .map(|id| {
                let operation = self.model.shape(id).expect("operation shape");
                let input = operation.reference("input").first().cloned();
                (
                    short_name(id).to_owned(),
                    input.unwrap_or_else(|| "smithy.api#Unit".into()),
                )
            })
            .collect()
    }

    fn shape(&self, id: &str) -> &Shape {
        self.model
            .shape(id)
            .unwrap_or_else(|| panic!("{id} is not in the model"))
    }

    /// Patterns compiled once each, as the validator's own engine reads
    /// them (the test then checks the generated validator applies them, not
    /// the engine itself).
    fn pattern(&self, source: &str) -> &'static Pattern {
        let mut patterns = self.patterns.lock().unwrap_or_else(|e| e.into_inner());
        patterns.entry(source.to_owned()).or_insert_with(|| {
            Box::leak(Box::new(Pattern::new(Box::leak(
                source.to_owned().into_boxed_str(),
            ))))
        })
    }

    /// Values for a member targeting `target` whose member traits are
    /// `traits`; `depth` bounds nesting.
    pub fn strategy(&self, target: &str, traits: &Traits, depth: u32) -> BoxedStrategy<Value> {
        let shape = self.shape(target);
        let name = short_name(target);
        let good = self.good(shape, traits, depth);
        let mut choices: Vec<(u32, BoxedStrategy<Value>)> = vec![(40, good)];
        if let Some((_, placeholder)) = ID_HINTS.iter().find(|(n, _)| *n == name) {
            choices.push((8, Just(Value::from(*placeholder)).boxed()));
        }
        if let Some((_, values)) = MEANINGFUL.iter().find(|(n, _)| *n == name) {
            let values: Vec<Value> = values.iter().map(|v| Value::from(*v)).collect();
            choices.push((8, proptest::sample::select(values).boxed()));
        }
        choices.push((1, wrong_type(shape.kind)));
        let edges = self.edges(shape, traits, depth);
        if !edges.is_empty() {
            choices.push((2, proptest::strategy::Union::new(edges).boxed()));
        }
        proptest::strategy::Union::new_weighted(choices).boxed()
    }

    /// Values meant to be valid (the pattern generator cannot read every
    /// pattern, so not always).
    fn good(&self, shape: &Shape, traits: &Traits, depth: u32) -> BoxedStrategy<Value> {
        match shape.kind {
            ShapeKind::String => {
                let (min, max) = bounds(constraint(traits, shape, "smithy.api#length"));
                let (min, max) = (
                    min.unwrap_or(0.0) as usize,
                    max.unwrap_or(40.0).min(40.0) as usize,
                );
                let pattern =
                    constraint(traits, shape, "smithy.api#pattern").and_then(Value::as_str);
                let from_pattern = pattern.and_then(|p| {
                    let inner = p.strip_prefix('^').unwrap_or(p);
                    let inner = inner.strip_suffix('$').unwrap_or(inner);
                    proptest::string::string_regex(inner).ok()
                });
                let (min_length, max_length) = (min, max.max(min));
                match from_pattern {
                    // Repetitions in a pattern know nothing of `@length`.
                    Some(strategy) => strategy
                        .prop_filter("outside @length", move |text| {
                            (min_length..=max_length).contains(&text.chars().count())
                        })
                        .prop_map(Value::from)
                        .boxed(),
                    None => {
                        let regex = |class: &str| {
                            proptest::string::string_regex(&format!(
                                "{class}{{{min_length},{max_length}}}"
                            ))
                            .expect("a character class with a count")
                            .prop_map(Value::from)
                        };
                        // Mostly characters every pattern of the model allows.
                        prop_oneof![4 => regex("[a-zA-Z0-9_.:/=@-]"), 1 => regex(".")].boxed()
                    }
                }
            }
            ShapeKind::Enum => proptest::sample::select(enum_values(shape))
                .prop_map(Value::from)
                .boxed(),
            ShapeKind::Boolean => any::<bool>().prop_map(Value::from).boxed(),
            ShapeKind::Integer | ShapeKind::Long | ShapeKind::Short | ShapeKind::Byte => {
                let (min, max) = bounds(constraint(traits, shape, "smithy.api#range"));
                let min = min.map_or(i64::from(i32::MIN), |m| m as i64);
                let max = max.map_or(i64::from(i32::MAX), |m| m as i64);
                (min..=max).prop_map(Value::from).boxed()
            }
            ShapeKind::Blob => "[A-Za-z0-9+/]{0,8}(==)?".prop_map(Value::from).boxed(),
            ShapeKind::Timestamp => (0i64..4_000_000_000).prop_map(Value::from).boxed(),
            ShapeKind::List => {
                let item = &shape.members[0];
                let (min, max) = bounds(constraint(traits, shape, "smithy.api#length"));
                let (min, max) = (
                    min.unwrap_or(0.0) as usize,
                    max.unwrap_or(4.0).min(4.0) as usize,
                );
                prop::collection::vec(
                    self.strategy(&item.target, &item.traits, depth.saturating_sub(1)),
                    min..=max.max(min),
                )
                .prop_map(Value::from)
                .boxed()
            }
            ShapeKind::Map => {
                let key = shape.member("key").expect("map key");
                let value = shape.member("value").expect("map value");
                let key_shape = self.shape(&key.target);
                prop::collection::vec(
                    (
                        self.good(key_shape, &key.traits, 0),
                        self.strategy(&value.target, &value.traits, depth.saturating_sub(1)),
                    ),
                    0..3,
                )
                .prop_map(|entries| {
                    let map: Map<String, Value> = entries
                        .into_iter()
                        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v)))
                        .collect();
                    Value::Object(map)
                })
                .boxed()
            }
            ShapeKind::Structure | ShapeKind::Union => self.structure(shape, depth),
            _ => any_json(2),
        }
    }

    fn structure(&self, shape: &Shape, depth: u32) -> BoxedStrategy<Value> {
        if depth == 0 {
            return Just(json!({})).boxed();
        }
        let members: Vec<BoxedStrategy<Option<(String, Value)>>> = shape
            .members
            .iter()
            .map(|member| {
                let name = member.name.clone();
                let value = self
                    .strategy(&member.target, &member.traits, depth - 1)
                    .prop_map(move |v| Some((name.clone(), v)));
                let present = if member.traits.contains_key("smithy.api#required") {
                    12
                } else {
                    3
                };
                prop_oneof![present => value, 1 => Just(None)].boxed()
            })
            .collect();
        let unknown = prop_oneof![
            6 => Just(Vec::new()),
            1 => prop::collection::vec(("[A-Za-z_]{1,10}", any_json(3)), 1..3),
            1 => deep_nesting().prop_map(|v| vec![("Nested".to_owned(), v)]),
        ];
        (members, unknown)
            .prop_map(|(members, unknown)| {
                let mut object: Map<String, Value> = unknown.into_iter().collect();
                object.extend(members.into_iter().flatten());
                Value::Object(object)
            })
            .boxed()
    }

    /// Values just outside the member's `@length`, `@range`, pattern or
    /// enum set.
    fn edges(&self, shape: &Shape, traits: &Traits, depth: u32) -> Vec<BoxedStrategy<Value>> {
        let mut edges = Vec::new();
        let length = bounds(constraint(traits, shape, "smithy.api#length"));
        match shape.kind {
            ShapeKind::String => {
                if let Some(min) = length.0.filter(|m| *m >= 1.0) {
                    edges.push(Just(Value::from("a".repeat(min as usize - 1))).boxed());
                }
                if let Some(max) = length.1.filter(|m| *m <= 5000.0) {
                    // Multi-byte characters: length is counted in characters.
                    edges.push(Just(Value::from("é".repeat(max as usize + 1))).boxed());
                }
                if constraint(traits, shape, "smithy.api#pattern").is_some() {
                    edges.push(
                        proptest::sample::select(vec!["", " ", "!", "\u{0}", "mw-", "$LATEST\n"])
                            .prop_map(Value::from)
                            .boxed(),
                    );
                }
            }
            ShapeKind::Enum => {
                edges.push(
                    proptest::sample::select(vec!["", "NOT_A_VALUE", "instance"])
                        .prop_map(Value::from)
                        .boxed(),
                );
            }
            ShapeKind::Integer | ShapeKind::Long | ShapeKind::Short | ShapeKind::Byte => {
                let (min, max) = bounds(constraint(traits, shape, "smithy.api#range"));
                let mut near = vec![
                    json!(i64::from(i32::MIN) - 1),
                    json!(i64::from(i32::MAX) + 1),
                ];
                if let Some(min) = min {
                    near.extend([json!(min as i64), json!(min as i64 - 1)]);
                }
                if let Some(max) = max {
                    near.extend([json!(max as i64), json!(max as i64 + 1)]);
                }
                edges.push(proptest::sample::select(near).boxed());
            }
            ShapeKind::List => {
                let item = &shape.members[0];
                if let Some(max) = length.1.filter(|m| *m <= 20.0) {
                    edges.push(
                        prop::collection::vec(
                            self.good(
                                self.shape(&item.target),
                                &item.traits,
                                depth.saturating_sub(1),
                            ),
                            max as usize + 1,
                        )
                        .prop_map(Value::from)
                        .boxed(),
                    );
                }
                edges.push(Just(json!([null])).boxed());
            }
            _ => {}
        }
        edges
    }

    /// Whether `value`, sent as a member targeting `target` with member
    /// traits `traits`, keeps the model's rules.
    pub fn verdict(&self, value: &Value, target: &str, traits: &Traits) -> Verdict {
        let shape = self.shape(target);
        let name = short_name(target);
        let type_error =
            |expected: &str| Verdict::Invalid(format!("{name}: {value} is not {expected}"));
        match shape.kind {
            ShapeKind::String | ShapeKind::Enum => {
                let Some(text) = value.as_str() else {
                    return type_error("a string");
                };
                if shape.kind == ShapeKind::Enum && !enum_values(shape).iter().any(|v| v == text) {
                    return Verdict::Invalid(format!("{name}: {text:?} is not in the enum"));
                }
                if let Some(pattern) =
                    constraint(traits, shape, "smithy.api#pattern").and_then(Value::as_str)
                {
                    if !self.pattern(pattern).is_match(text) {
                        return Verdict::Invalid(format!(
                            "{name}: {text:?} does not match {pattern}"
                        ));
                    }
                }
                self.length(name, text.chars().count(), traits, shape)
            }
            ShapeKind::Boolean if value.is_boolean() => Verdict::Valid,
            ShapeKind::Boolean => type_error("a boolean"),
            ShapeKind::Integer | ShapeKind::Long | ShapeKind::Short | ShapeKind::Byte => {
                let limit = match shape.kind {
                    ShapeKind::Long => i64::MAX,
                    ShapeKind::Short => i16::MAX.into(),
                    ShapeKind::Byte => i8::MAX.into(),
                    _ => i32::MAX.into(),
                };
                let Some(number) = value.as_i64().filter(|n| (-limit - 1..=limit).contains(n))
                else {
                    return type_error("an integer of the shape's width");
                };
                let (min, max) = bounds(constraint(traits, shape, "smithy.api#range"));
                if min.is_some_and(|m| (number as f64) < m)
                    || max.is_some_and(|m| (number as f64) > m)
                {
                    return Verdict::Invalid(format!("{name}: {number} is out of range"));
                }
                Verdict::Valid
            }
            ShapeKind::Blob | ShapeKind::Timestamp if value.is_string() || value.is_number() => {
                Verdict::Unsure
            }
            ShapeKind::Blob | ShapeKind::Timestamp => type_error("a blob or timestamp"),
            ShapeKind::List => {
                let Some(items) = value.as_array() else {
                    return type_error("an array");
                };
                let item = &shape.members[0];
                items.iter().fold(
                    self.length(name, items.len(), traits, shape),
                    |verdict, v| {
                        verdict.and(|| match v {
                            Value::Null => Verdict::Invalid(format!("{name}: a null item")),
                            v => self.verdict(v, &item.target, &item.traits),
                        })
                    },
                )
            }
            ShapeKind::Map => {
                let Some(entries) = value.as_object() else {
                    return type_error("an object");
                };
                let key = shape.member("key").expect("map key");
                let entry = shape.member("value").expect("map value");
                entries.iter().fold(
                    self.length(name, entries.len(), traits, shape),
                    |verdict, (k, v)| {
                        verdict
                            .and(|| {
                                self.verdict(&Value::from(k.as_str()), &key.target, &key.traits)
                            })
                            .and(|| match v {
                                Value::Null => Verdict::Invalid(format!("{name}: a null value")),
                                v => self.verdict(v, &entry.target, &entry.traits),
                            })
                    },
                )
            }
            ShapeKind::Structure => {
                let Some(object) = value.as_object() else {
                    return type_error("an object");
                };
                shape
                    .members
                    .iter()
                    .fold(Verdict::Valid, |verdict, member| {
                        verdict.and(|| match object.get(&member.name) {
                            None | Some(Value::Null)
                                if member.traits.contains_key("smithy.api#required") =>
                            {
                                Verdict::Invalid(format!("{name}: {} is missing", member.name))
                            }
                            None | Some(Value::Null) => Verdict::Valid,
                            Some(v) => self.verdict(v, &member.target, &member.traits),
                        })
                    })
            }
            // Unions and documents do not occur in this model's inputs.
            _ => Verdict::Unsure,
        }
    }

    fn length(&self, name: &str, length: usize, traits: &Traits, shape: &Shape) -> Verdict {
        let (min, max) = bounds(constraint(traits, shape, "smithy.api#length"));
        let length = length as f64;
        if min.is_some_and(|m| length < m) || max.is_some_and(|m| length > m) {
            Verdict::Invalid(format!("{name}: length {length} is out of bounds"))
        } else {
            Verdict::Valid
        }
    }
}

/// How deep `value` nests; serde_json refuses documents past 128 levels.
pub fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}
