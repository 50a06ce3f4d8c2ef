//! Generation is a pure function of the model: the same model gives the same
//! bytes, the order shapes are written in does not matter, and members keep
//! the order the model gives them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::{generate, Model, Options};

mod common;
use common::fixtures;
use serde_json::{json, Map, Value};

fn generate_text(text: &str) -> BTreeMap<PathBuf, String> {
    let model = Model::from_json(text).unwrap_or_else(|e| panic!("{e}"));
    generate(&model, &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn assert_same(fixture: &str, a: &BTreeMap<PathBuf, String>, b: &BTreeMap<PathBuf, String>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{fixture}: different files"
    );
    for (path, contents) in a {
        assert!(
            contents == &b[path],
            "{fixture}: {} differs between two runs",
            path.display()
        );
    }
}

#[test]
fn the_same_model_generates_the_same_bytes() {
    for (fixture, text) in fixtures() {
        let model = Model::from_json(&text).unwrap();
        let first = generate(&model, &Options::default()).unwrap();
        let second = generate(&model, &Options::default()).unwrap();
        assert_same(&fixture, &first, &second);
        // A fresh parse of the same text, too.
        assert_same(&fixture, &first, &generate_text(&text));
    }
}

/// Shapes are looked up by id, so writing them in another order changes
/// nothing (member order, which is meaningful, is left alone).
#[test]
fn the_order_of_shapes_in_the_document_does_not_matter() {
    for (fixture, text) in fixtures() {
        let document: Value = serde_json::from_str(&text).unwrap();
        let shapes = document["shapes"].as_object().unwrap();
        let reversed: Map<String, Value> = shapes
            .iter()
            .rev()
            .map(|(id, shape)| (id.clone(), shape.clone()))
            .collect();
        assert_ne!(
            shapes.keys().next(),
            reversed.keys().next(),
            "{fixture}: reversing must change the order"
        );
        let reversed = json!({ "smithy": "2.0", "shapes": reversed }).to_string();
        assert_same(&fixture, &generate_text(&text), &generate_text(&reversed));
    }
}

/// A model whose members, values, errors and operations are all written in
/// non-alphabetical order.
fn unordered_model() -> String {
    json!({
        "smithy": "2.0",
        "shapes": {
            "a#Svc": {
                "type": "service",
                "operations": [
                    { "target": "a#Zap" },
                    { "target": "a#Bop" },
                    { "target": "a#Mop" }
                ],
                "traits": { "aws.protocols#awsJson1_1": {} }
            },
            "a#Zap": {
                "type": "operation",
                "input": { "target": "a#ZapInput" },
                "errors": [
                    { "target": "a#ZedError" },
                    { "target": "a#AlphaError" },
                    { "target": "a#MuError" }
                ]
            },
            "a#Bop": { "type": "operation" },
            "a#Mop": { "type": "operation" },
            "a#ZapInput": {
                "type": "structure",
                "members": {
                    "Zeta": { "target": "smithy.api#String" },
                    "Alpha": { "target": "smithy.api#Integer" },
                    "Mu": { "target": "a#Choice" },
                    "Beta": { "target": "a#Level" },
                    "Gamma": { "target": "a#Rank" }
                }
            },
            "a#Choice": {
                "type": "union",
                "members": {
                    "Yes": { "target": "smithy.api#String" },
                    "Ask": { "target": "smithy.api#Integer" },
                    "No": { "target": "smithy.api#Boolean" }
                }
            },
            "a#Level": {
                "type": "enum",
                "members": {
                    "WARN": { "target": "smithy.api#Unit" },
                    "DEBUG": { "target": "smithy.api#Unit" },
                    "INFO": { "target": "smithy.api#Unit" }
                }
            },
            "a#Rank": {
                "type": "intEnum",
                "members": {
                    "THIRD": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 3 } },
                    "FIRST": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 1 } },
                    "SECOND": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 2 } }
                }
            },
            "a#ZedError": { "type": "structure", "members": {}, "traits": { "smithy.api#error": "client" } },
            "a#AlphaError": { "type": "structure", "members": {}, "traits": { "smithy.api#error": "client" } },
            "a#MuError": { "type": "structure", "members": {}, "traits": { "smithy.api#error": "server" } }
        }
    })
    .to_string()
}

/// Asserts that `needles` occur in `haystack` in this order.
#[track_caller]
fn assert_in_order(haystack: &str, needles: &[&str]) {
    let positions: Vec<usize> = needles
        .iter()
        .map(|needle| {
            haystack
                .find(needle)
                .unwrap_or_else(|| panic!("`{needle}` not found in:\n{haystack}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "expected {needles:?} in this order, found them at {positions:?} in:\n{haystack}"
    );
}

#[test]
fn members_follow_the_model_order() {
    let files = generate_text(&unordered_model());
    let types = &files[Path::new("src/types.rs")];
    let schema = &files[Path::new("src/schema.rs")];
    let errors = &files[Path::new("src/error.rs")];

    // Structure fields and their schema.
    assert_in_order(
        types,
        &[
            "pub zeta:",
            "pub alpha:",
            "pub mu:",
            "pub beta:",
            "pub gamma:",
        ],
    );
    assert_in_order(
        schema,
        &[
            "name: \"Zeta\"",
            "name: \"Alpha\"",
            "name: \"Mu\"",
            "name: \"Beta\"",
            "name: \"Gamma\"",
        ],
    );
    // Union variants.
    assert_in_order(types, &["Yes(String)", "Ask(i32)", "No(bool)"]);
    // Enum variants, their listed values and the values in the schema.
    assert_in_order(types, &["    Warn,", "    Debug,", "    Info,"]);
    assert!(types.contains(r#"&["WARN", "DEBUG", "INFO"]"#), "{types}");
    assert!(
        schema.contains(r#"Kind::Enum(&["WARN", "DEBUG", "INFO"])"#),
        "{schema}"
    );
    assert_in_order(types, &["    Third,", "    First,", "    Second,"]);
    assert!(types.contains("&[3, 1, 2]"), "{types}");
    assert!(schema.contains("Kind::IntEnum(&[3, 1, 2])"), "{schema}");
    // An operation's errors, in the order the operation lists them.
    assert_in_order(
        errors,
        &[
            "ZedError(ZedError),",
            "AlphaError(AlphaError),",
            "MuError(MuError),",
        ],
    );
}

/// Operations are the exception: sorted by name, because `operation::find`
/// binary-searches them.
#[test]
fn operations_are_sorted_by_name() {
    let files = generate_text(&unordered_model());
    let operation = &files[Path::new("src/operation.rs")];
    let service = &files[Path::new("src/service.rs")];
    assert_in_order(
        operation,
        &["name: \"Bop\"", "name: \"Mop\"", "name: \"Zap\""],
    );
    assert_in_order(service, &["fn bop(", "fn mop(", "fn zap("]);
    assert_in_order(service, &["\"Bop\" =>", "\"Mop\" =>", "\"Zap\" =>"]);
}
