//! Generated documentation never has an empty doc line where it says
//! nothing, and what the model leaves undocumented gets a line saying what
//! it is.

mod common;

use codegen::{generate, Model, Options};

/// A small awsJson 1.0 service without a single `@documentation`.
const UNDOCUMENTED: &str = r#"{
    "smithy": "2.0",
    "shapes": {
        "example.greeter#Greeter": {
            "type": "service",
            "version": "2024-01-01",
            "operations": [
                { "target": "example.greeter#SayHello" },
                { "target": "example.greeter#Ping" }
            ],
            "traits": { "aws.protocols#awsJson1_0": {} }
        },
        "example.greeter#SayHello": {
            "type": "operation",
            "input": { "target": "example.greeter#SayHelloInput" },
            "output": { "target": "example.greeter#SayHelloOutput" },
            "errors": [ { "target": "example.greeter#NotFound" } ]
        },
        "example.greeter#Ping": {
            "type": "operation",
            "input": { "target": "smithy.api#Unit" },
            "output": { "target": "smithy.api#Unit" }
        },
        "example.greeter#SayHelloInput": {
            "type": "structure",
            "members": {
                "Name": {
                    "target": "smithy.api#String",
                    "traits": { "smithy.api#required": {}, "smithy.api#length": { "min": 1 } }
                },
                "Mood": { "target": "example.greeter#Mood" },
                "Level": { "target": "example.greeter#Level" },
                "Style": { "target": "example.greeter#Style" }
            },
            "traits": { "smithy.api#input": {} }
        },
        "example.greeter#SayHelloOutput": {
            "type": "structure",
            "members": { "Greeting": { "target": "smithy.api#String" } },
            "traits": { "smithy.api#output": {} }
        },
        "example.greeter#Mood": {
            "type": "enum",
            "members": {
                "HAPPY": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "happy" } }
            }
        },
        "example.greeter#Level": {
            "type": "intEnum",
            "members": {
                "LOUD": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 2 } }
            }
        },
        "example.greeter#Style": {
            "type": "union",
            "members": {
                "Plain": { "target": "smithy.api#Boolean" },
                "Fancy": { "target": "example.greeter#Fancy" }
            }
        },
        "example.greeter#Fancy": {
            "type": "structure",
            "members": { "Flourish": { "target": "smithy.api#Integer" } }
        },
        "example.greeter#NotFound": {
            "type": "structure",
            "members": { "message": { "target": "smithy.api#String" } },
            "traits": { "smithy.api#error": "client", "smithy.api#httpError": 404 }
        }
    }
}"#;

fn generated_rust(model: &str) -> Vec<(String, String)> {
    let model = Model::from_json(model).expect("the model loads");
    generate(&model, &Options::default())
        .expect("the model generates")
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|(path, text)| (path.display().to_string(), text))
        .collect()
}

/// The text after `///` or `//!`, for doc comment lines.
fn doc_text(line: &str) -> Option<&str> {
    let line = line.trim_start();
    line.strip_prefix("///")
        .or_else(|| line.strip_prefix("//!"))
        .filter(|_| !line.starts_with("////"))
}

#[test]
fn an_undocumented_model_gets_no_empty_doc_line() {
    for (path, text) in generated_rust(UNDOCUMENTED) {
        for (number, line) in text.lines().enumerate() {
            assert!(
                doc_text(line).is_none_or(|doc| !doc.trim().is_empty()),
                "{path}:{}: empty doc line `{line}`",
                number + 1
            );
            assert!(
                !line.contains("#[doc = \"\"]") && !line.contains("#![doc = \"\"]"),
                "{path}:{}: empty doc attribute `{line}`",
                number + 1
            );
        }
    }
}

#[test]
fn undocumented_items_say_what_they_are() {
    let files = generated_rust(UNDOCUMENTED);
    let all: String = files.iter().map(|(_, text)| text.as_str()).collect();
    for expected in [
        "/// The `Greeter` service. Implement this to serve `Greeter`",
        "/// The `SayHello` operation: input `SayHelloInput`, output `SayHelloOutput`.",
        "/// The `Ping` operation: no input, no output.",
        "/// The input of the `SayHello` operation.",
        "/// The output of the `SayHello` operation.",
        "/// The `Name` member (required).",
        "/// The `Greeting` member.",
        "/// The `Mood` enum, a string on the wire.",
        "/// The value `happy`.",
        "/// The `Level` enum, an integer on the wire.",
        "/// The value `2`.",
        "/// The `Style` union: exactly one of its variants is set.",
        "/// The `Fancy` variant.",
        "/// The `Fancy` structure.",
        "/// The `NotFound` error, a client error (HTTP 404).",
    ] {
        assert!(all.contains(expected), "missing `{expected}`");
    }
}

/// In documented models an empty doc line only separates two paragraphs,
/// as Markdown needs: never first or last in a block, never two in a row.
#[test]
fn empty_doc_lines_only_separate_paragraphs() {
    for (name, model) in common::fixtures() {
        for (path, text) in generated_rust(&model) {
            let lines: Vec<&str> = text.lines().collect();
            for (index, line) in lines.iter().enumerate() {
                if doc_text(line).is_none_or(|doc| !doc.trim().is_empty()) {
                    continue;
                }
                let has_text = |neighbour: Option<&&str>| {
                    neighbour
                        .and_then(|line| doc_text(line))
                        .is_some_and(|doc| !doc.trim().is_empty())
                };
                let before = index.checked_sub(1).and_then(|i| lines.get(i));
                assert!(
                    has_text(before) && has_text(lines.get(index + 1)),
                    "{name}/{path}:{}: empty doc line not between two paragraphs",
                    index + 1
                );
            }
        }
    }
}
