//! Model errors are clear `Error`s that name the shapes involved, never
//! panics and never generated code that fails to compile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use codegen::{generate, Error, Model, Options};

mod common;
use common::fixtures;
use serde_json::{json, Map, Value};

/// A model with service `a#Svc` (awsJson1_1) bound to `operations`, plus
/// `shapes`.
fn model(operations: &[&str], shapes: Value) -> String {
    let mut all = Map::new();
    let operations: Vec<Value> = operations.iter().map(|t| json!({ "target": t })).collect();
    all.insert(
        "a#Svc".into(),
        json!({
            "type": "service",
            "version": "2024-01-01",
            "operations": operations,
            "traits": { "aws.protocols#awsJson1_1": {} }
        }),
    );
    all.extend(shapes.as_object().expect("shapes is an object").clone());
    json!({ "smithy": "2.0", "shapes": all }).to_string()
}

/// A model with one operation `a#Op` whose input is `a#In` with `members`,
/// plus `shapes`.
fn input_model(members: Value, shapes: Value) -> String {
    let mut all = shapes.as_object().expect("shapes is an object").clone();
    all.insert(
        "a#Op".into(),
        json!({ "type": "operation", "input": { "target": "a#In" } }),
    );
    all.insert(
        "a#In".into(),
        json!({ "type": "structure", "members": members }),
    );
    model(&["a#Op"], Value::Object(all))
}

/// Loads and generates `text` with `options`; the error, or a panic naming
/// what was generated instead.
fn error_with(text: &str, options: &Options) -> Error {
    let result = catch_unwind(AssertUnwindSafe(|| {
        Model::from_json(text).and_then(|model| generate(&model, options))
    }));
    match result {
        Ok(Ok(files)) => panic!(
            "expected an error, but generated {:?}",
            files.keys().collect::<Vec<_>>()
        ),
        Ok(Err(error)) => error,
        Err(_) => panic!("the generator panicked instead of returning an error"),
    }
}

fn error(text: &str) -> Error {
    error_with(text, &Options::default())
}

fn generates(text: &str) {
    let model = Model::from_json(text).unwrap_or_else(|e| panic!("{e}"));
    generate(&model, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
}

#[track_caller]
fn assert_collision(error: &Error, name: &str, a: &str, b: &str) {
    match error {
        Error::NameCollision {
            name: found,
            first,
            second,
        } => {
            assert_eq!(found, name, "{error}");
            let mut owners = [first.as_str(), second.as_str()];
            owners.sort_unstable();
            let mut expected = [a, b];
            expected.sort_unstable();
            assert_eq!(owners, expected, "{error}");
        }
        other => panic!("expected a name collision, got {other:?}: {other}"),
    }
    let text = error.to_string();
    assert!(text.contains(a) && text.contains(b), "{text}");
    assert!(text.contains(&format!("`{name}`")), "{text}");
}

// ---- name collisions ----------------------------------------------------

#[test]
fn shapes_with_the_same_rust_name() {
    let text = input_model(
        json!({
            "A": { "target": "a#Foo_Bar" },
            "B": { "target": "a#FooBar" }
        }),
        json!({
            "a#Foo_Bar": { "type": "structure", "members": {} },
            "a#FooBar": { "type": "structure", "members": {} }
        }),
    );
    let error = error(&text);
    assert_collision(&error, "FooBar", "a#FooBar", "a#Foo_Bar");
    assert_eq!(
        error.to_string(),
        "a#FooBar and a#Foo_Bar would both be named `FooBar` in Rust"
    );
}

#[test]
fn members_with_the_same_field_name() {
    let text = input_model(
        json!({
            "FooBar": { "target": "smithy.api#String" },
            "foo_bar": { "target": "smithy.api#String" }
        }),
        json!({}),
    );
    let error = error(&text);
    assert_collision(&error, "foo_bar", "a#In$FooBar", "a#In$foo_bar");
    assert_eq!(
        error.to_string(),
        "a#In$FooBar and a#In$foo_bar would both be named `foo_bar` in Rust"
    );
}

#[test]
fn union_members_with_the_same_variant_name() {
    let text = input_model(
        json!({ "U": { "target": "a#U" } }),
        json!({
            "a#U": {
                "type": "union",
                "members": {
                    "foo_bar": { "target": "smithy.api#String" },
                    "FooBar": { "target": "smithy.api#Integer" }
                }
            }
        }),
    );
    assert_collision(&error(&text), "FooBar", "a#U$foo_bar", "a#U$FooBar");
}

#[test]
fn enum_values_with_the_same_variant_name() {
    let text = input_model(
        json!({ "E": { "target": "a#E" } }),
        json!({
            "a#E": {
                "type": "enum",
                "members": {
                    "FOO_BAR": { "target": "smithy.api#Unit" },
                    "FooBar": {
                        "target": "smithy.api#Unit",
                        "traits": { "smithy.api#enumValue": "foo-bar" }
                    }
                }
            }
        }),
    );
    assert_collision(
        &error(&text),
        "FooBar",
        "a#E value \"FOO_BAR\"",
        "a#E value \"foo-bar\"",
    );
}

#[test]
fn legacy_enum_values_with_the_same_variant_name() {
    let text = input_model(
        json!({ "E": { "target": "a#E" } }),
        json!({
            "a#E": {
                "type": "string",
                "traits": { "smithy.api#enum": [ { "value": "us-east-1" }, { "value": "us_east_1" } ] }
            }
        }),
    );
    assert_collision(
        &error(&text),
        "UsEast1",
        "a#E value \"us-east-1\"",
        "a#E value \"us_east_1\"",
    );
}

#[test]
fn operations_with_the_same_method_name() {
    let text = model(
        &["a#GetFoo", "a#getFoo"],
        json!({
            "a#GetFoo": { "type": "operation" },
            "a#getFoo": { "type": "operation" }
        }),
    );
    let error = error(&text).to_string();
    // The error enums (`GetFooError`) collide before the methods do.
    assert!(
        error.contains("a#GetFoo") && error.contains("a#getFoo"),
        "{error}"
    );
}

#[test]
fn shape_named_like_an_operation_error_enum() {
    // Real models do this (frauddetector's BatchCreateVariableError): the
    // operation's error enum steps aside instead of failing.
    let text = input_model(
        json!({ "X": { "target": "a#OpError" } }),
        json!({ "a#OpError": { "type": "structure", "members": {} } }),
    );
    let files = generate(&Model::from_json(&text).unwrap(), &Options::default()).unwrap();
    let errors = &files[std::path::Path::new("src/error.rs")];
    assert!(errors.contains("pub enum OpOperationError"), "{errors}");
    let types = &files[std::path::Path::new("src/types.rs")];
    assert!(types.contains("pub struct OpError"), "{types}");
}

#[test]
fn error_named_like_the_catch_all_variant() {
    let text = model(
        &["a#Op"],
        json!({
            "a#Op": { "type": "operation", "errors": [ { "target": "a#Unmodeled" } ] },
            "a#Unmodeled": {
                "type": "structure",
                "members": {},
                "traits": { "smithy.api#error": "client" }
            }
        }),
    );
    assert_collision(
        &error(&text),
        "Unmodeled",
        "the catch-all variant of the error enum of a#Op",
        "a#Unmodeled",
    );
}

#[test]
fn shape_static_named_like_a_pattern_static() {
    // As in cloudwatch-logs (LogGroupName's pattern and LogGroupNamePattern):
    // the pattern's static takes a numbered name.
    let text = input_model(
        json!({
            "A": { "target": "a#Name" },
            "B": { "target": "a#NamePattern" }
        }),
        json!({
            "a#Name": { "type": "string", "traits": { "smithy.api#pattern": "^a$" } },
            "a#NamePattern": { "type": "string" }
        }),
    );
    let files = generate(&Model::from_json(&text).unwrap(), &Options::default()).unwrap();
    let schema = &files[std::path::Path::new("src/schema.rs")];
    assert!(
        schema.contains("static NAME_PATTERN_2: Pattern"),
        "{schema}"
    );
    assert!(
        schema.contains("pub static NAME_PATTERN: Shape"),
        "{schema}"
    );
}

#[test]
fn shapes_wanting_the_same_static_are_told_apart() {
    // As in pinpoint-sms-voice: `String` and `__string` both want `STRING`.
    // In shape id order `String` keeps it, `__string` takes `STRING_2`, and
    // each member's schema names its own target's static.
    let text = input_model(
        json!({
            "Short": { "target": "a#String" },
            "Plain": { "target": "a#__string" }
        }),
        json!({
            "a#String": { "type": "string", "traits": { "smithy.api#length": { "max": 3 } } },
            "a#__string": { "type": "string" }
        }),
    );
    let files = generate(&Model::from_json(&text).unwrap(), &Options::default()).unwrap();
    let schema = &files[Path::new("src/schema.rs")];
    let static_of = |id: &str| {
        let at = schema
            .find(&format!("id: \"{id}\""))
            .unwrap_or_else(|| panic!("no schema for {id}:\n{schema}"));
        let start = schema[..at].rfind("pub static ").expect("a static") + "pub static ".len();
        let end = start + schema[start..].find(':').expect("a type");
        schema[start..end].to_owned()
    };
    assert_eq!(static_of("a#String"), "STRING");
    assert_eq!(static_of("a#__string"), "STRING_2");
    assert!(schema.contains("target: &STRING,"), "{schema}");
    assert!(schema.contains("target: &STRING_2,"), "{schema}");
    // The same whichever order the model lists the shapes in.
    let reversed = input_model(
        json!({
            "Short": { "target": "a#String" },
            "Plain": { "target": "a#__string" }
        }),
        json!({
            "a#__string": { "type": "string" },
            "a#String": { "type": "string", "traits": { "smithy.api#length": { "max": 3 } } }
        }),
    );
    let again = generate(&Model::from_json(&reversed).unwrap(), &Options::default()).unwrap();
    assert_eq!(&again[Path::new("src/schema.rs")], schema);
}

#[test]
fn service_named_like_an_import_of_service_rs() {
    for name in ["Protocol", "Result", "Future", "RequestContext"] {
        let text = json!({
            "smithy": "2.0",
            "shapes": {
                format!("a#{name}"): {
                    "type": "service",
                    "operations": [ { "target": "a#Op" } ],
                    "traits": { "aws.protocols#awsJson1_0": {} }
                },
                "a#Op": { "type": "operation" }
            }
        })
        .to_string();
        assert_collision(
            &error(&text),
            name,
            &format!("the `{name}` that service.rs imports"),
            &format!("a#{name}"),
        );
    }
}

#[test]
fn default_functions_that_would_share_a_name_are_told_apart() {
    // Not an error: `Foo$BarBaz` and `FooBar$Baz` both want a default
    // function `foo_bar_baz`, so the second is numbered.
    let text = input_model(
        json!({
            "A": { "target": "a#Foo" },
            "B": { "target": "a#FooBar" }
        }),
        json!({
            "a#Foo": { "type": "structure", "members": {
                "BarBaz": { "target": "smithy.api#Integer", "traits": { "smithy.api#default": 1 } }
            } },
            "a#FooBar": { "type": "structure", "members": {
                "Baz": { "target": "smithy.api#Integer", "traits": { "smithy.api#default": 2 } }
            } }
        }),
    );
    let model = Model::from_json(&text).unwrap();
    let files = generate(&model, &Options::default()).unwrap();
    let types = &files[Path::new("src/types.rs")];
    assert!(types.contains("fn foo_bar_baz() -> i32"), "{types}");
    assert!(types.contains("fn foo_bar_baz_2() -> i32"), "{types}");
    assert!(
        types.contains("default = \"defaults::foo_bar_baz\""),
        "{types}"
    );
    assert!(
        types.contains("default = \"defaults::foo_bar_baz_2\""),
        "{types}"
    );
}

// ---- missing shapes -------------------------------------------------------

#[test]
fn member_target_not_in_the_model() {
    let text = input_model(json!({ "X": { "target": "a#Nope" } }), json!({}));
    let error = error(&text);
    assert!(matches!(error, Error::Missing { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "a#In$X: refers to a#Nope, which is not in the model"
    );
}

#[test]
fn operation_input_not_in_the_model() {
    let text = model(
        &["a#Op"],
        json!({ "a#Op": { "type": "operation", "input": { "target": "a#Gone" } } }),
    );
    let error = error(&text).to_string();
    assert!(
        error.contains("a#Op") && error.contains("a#Gone"),
        "{error}"
    );
    assert!(error.ends_with("which is not in the model"), "{error}");
}

#[test]
fn bound_operation_not_in_the_model() {
    let text = model(&["a#Ghost"], json!({}));
    assert_eq!(
        error(&text).to_string(),
        "a#Svc: refers to a#Ghost, which is not in the model"
    );
}

#[test]
fn operation_binding_that_is_not_an_operation() {
    let text = model(
        &["a#In"],
        json!({ "a#In": { "type": "structure", "members": {} } }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#Svc: operations refers to a#In, which is not an operation"
    );
}

#[test]
fn member_targeting_an_operation() {
    let text = input_model(json!({ "X": { "target": "a#Op" } }), json!({}));
    assert_eq!(
        error(&text).to_string(),
        "a#In$X: a member targets a#Op, which is not a data shape"
    );
}

#[test]
fn mixin_not_in_the_model() {
    let text = json!({
        "smithy": "2.0",
        "shapes": {
            "a#S": { "type": "structure", "mixins": [ { "target": "a#Missing" } ], "members": {} }
        }
    })
    .to_string();
    assert_eq!(
        error(&text).to_string(),
        "a#S: refers to a#Missing, which is not in the model"
    );
}

#[test]
fn apply_to_a_member_not_in_the_model() {
    let text = input_model(
        json!({ "X": { "target": "smithy.api#String" } }),
        json!({ "a#In$Y": { "type": "apply", "traits": { "smithy.api#required": {} } } }),
    );
    assert_eq!(
        error(&text).to_string(),
        "apply: refers to a#In$Y, which is not in the model"
    );
}

#[test]
fn chosen_service_not_in_the_model() {
    let text = model(&[], json!({}));
    let options = Options {
        service: Some("a#Other".into()),
        ..Options::default()
    };
    assert_eq!(
        error_with(&text, &options).to_string(),
        "options: refers to a#Other, which is not in the model"
    );
}

// ---- unsupported constructs ----------------------------------------------

#[test]
fn rest_xml_is_not_generated() {
    let text = json!({
        "smithy": "2.0",
        "shapes": {
            "a#Svc": { "type": "service", "traits": { "aws.protocols#restXml": {} } }
        }
    })
    .to_string();
    let error = error(&text);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "a#Svc: unsupported: protocol: the service has none of aws.protocols#restJson1, \
         aws.protocols#awsJson1_1, aws.protocols#awsJson1_0"
    );
}

#[test]
fn a_rest_json_operation_needs_an_http_trait() {
    let text = json!({
        "smithy": "2.0",
        "shapes": {
            "a#Svc": {
                "type": "service",
                "traits": { "aws.protocols#restJson1": {} },
                "operations": [{ "target": "a#Op" }]
            },
            "a#Op": { "type": "operation" }
        }
    })
    .to_string();
    assert_eq!(
        error(&text).to_string(),
        "a#Op: has no @http trait, which aws.protocols#restJson1 needs to route it"
    );
}

#[test]
fn a_service_without_a_protocol_is_not_generated() {
    let text = json!({
        "smithy": "2.0",
        "shapes": { "a#Svc": { "type": "service" } }
    })
    .to_string();
    assert!(error(&text)
        .to_string()
        .starts_with("a#Svc: unsupported: protocol"));
}

#[test]
fn unknown_shape_type() {
    let text = model(&[], json!({ "a#Q": { "type": "quantum" } }));
    let error = error(&text);
    assert_eq!(error.to_string(), "a#Q: unsupported: shape type `quantum`");
}

#[test]
fn big_integer_and_big_decimal() {
    for (kind, target) in [
        ("bigInteger", "a#Big"),
        ("bigDecimal", "a#Big"),
        ("prelude", "smithy.api#BigInteger"),
        ("prelude", "smithy.api#BigDecimal"),
    ] {
        let shapes = if kind == "prelude" {
            json!({})
        } else {
            json!({ "a#Big": { "type": kind } })
        };
        let text = input_model(json!({ "N": { "target": target } }), shapes);
        assert_eq!(
            error(&text).to_string(),
            format!("{target}: unsupported: bigInteger and bigDecimal shapes")
        );
    }
}

#[test]
fn map_keys_must_be_strings() {
    let text = input_model(
        json!({ "M": { "target": "a#M" } }),
        json!({
            "a#M": {
                "type": "map",
                "key": { "target": "smithy.api#Integer" },
                "value": { "target": "smithy.api#String" }
            }
        }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#M: unsupported: map keys that are not strings"
    );
}

#[test]
fn timestamp_formats_smithy_does_not_define() {
    let text = input_model(
        json!({
            "T": {
                "target": "smithy.api#Timestamp",
                "traits": { "smithy.api#timestampFormat": "unix-millis" }
            }
        }),
        json!({}),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#In$T: unsupported: timestampFormat `unix-millis`"
    );
}

// ---- defaults ---------------------------------------------------------------

/// The message for a model whose input member `a#In$M` targets `target`
/// with `@default(value)` and `traits`; `shapes` are added to the model.
fn default_error(target: &str, value: Value, traits: Value, shapes: Value) -> String {
    let mut traits = traits.as_object().expect("traits is an object").clone();
    traits.insert("smithy.api#default".into(), value);
    let text = input_model(
        json!({ "M": { "target": target, "traits": traits } }),
        shapes,
    );
    error(&text).to_string()
}

fn types_rs_with_default(target: &str, value: Value, shapes: Value) -> String {
    let text = input_model(
        json!({ "M": { "target": target, "traits": { "smithy.api#default": value } } }),
        shapes,
    );
    let model = Model::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut files = generate(&model, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    files.remove(Path::new("src/types.rs")).unwrap()
}

#[test]
fn default_of_the_wrong_type() {
    assert_eq!(
        default_error("smithy.api#Integer", json!("seven"), json!({}), json!({})),
        "a#In$M: @default \"seven\" does not fit smithy.api#Integer: \
         expected an integer from -2147483648 to 2147483647"
    );
    assert_eq!(
        default_error("smithy.api#Integer", json!(1.5), json!({}), json!({})),
        "a#In$M: @default 1.5 does not fit smithy.api#Integer: \
         expected an integer from -2147483648 to 2147483647"
    );
    assert_eq!(
        default_error("smithy.api#Boolean", json!("true"), json!({}), json!({})),
        "a#In$M: @default \"true\" does not fit smithy.api#Boolean: expected true or false"
    );
    assert_eq!(
        default_error("smithy.api#String", json!(1), json!({}), json!({})),
        "a#In$M: @default 1 does not fit smithy.api#String: expected a string"
    );
}

#[test]
fn integral_defaults_out_of_their_range() {
    for (target, value, range) in [
        ("smithy.api#Byte", json!(128), "-128 to 127"),
        ("smithy.api#Byte", json!(-129), "-128 to 127"),
        ("smithy.api#Short", json!(32768), "-32768 to 32767"),
        (
            "smithy.api#Integer",
            json!(2147483648_i64),
            "-2147483648 to 2147483647",
        ),
        (
            "smithy.api#Long",
            json!(9223372036854775808_u64),
            "-9223372036854775808 to 9223372036854775807",
        ),
    ] {
        assert_eq!(
            default_error(target, value.clone(), json!({}), json!({})),
            format!(
                "a#In$M: @default {value} does not fit {target}: expected an integer from {range}"
            )
        );
    }
}

#[test]
fn float_defaults_out_of_range_or_not_numbers() {
    assert_eq!(
        default_error("smithy.api#Float", json!(1e39), json!({}), json!({})),
        "a#In$M: @default 1e+39 does not fit smithy.api#Float: \
         expected a number within the range of a float, \"NaN\", \"Infinity\" or \"-Infinity\""
    );
    assert_eq!(
        default_error("smithy.api#Double", json!("2"), json!({}), json!({})),
        "a#In$M: @default \"2\" does not fit smithy.api#Double: \
         expected a number, \"NaN\", \"Infinity\" or \"-Infinity\""
    );
}

#[test]
fn big_number_defaults() {
    assert_eq!(
        default_error("smithy.api#BigInteger", json!(1.5), json!({}), json!({})),
        "a#In$M: @default 1.5 does not fit smithy.api#BigInteger: expected an integer"
    );
    assert_eq!(
        default_error("smithy.api#BigDecimal", json!("1.5"), json!({}), json!({})),
        "a#In$M: @default \"1.5\" does not fit smithy.api#BigDecimal: expected a number"
    );
    // A right value still meets the unsupported shape.
    assert_eq!(
        default_error("smithy.api#BigDecimal", json!(1.5), json!({}), json!({})),
        "smithy.api#BigDecimal: unsupported: bigInteger and bigDecimal shapes"
    );
}

#[test]
fn integral_defaults_of_floats_are_float_literals() {
    // `fn … -> f64 { 2 }` does not compile.
    let types = types_rs_with_default("smithy.api#Double", json!(2), json!({}));
    assert!(
        types.contains("fn in_m() -> f64 {\n        2.0\n    }"),
        "{types}"
    );
    let types = types_rs_with_default("smithy.api#Float", json!(-3), json!({}));
    assert!(
        types.contains("fn in_m() -> f32 {\n        -3.0\n    }"),
        "{types}"
    );
    let types = types_rs_with_default("smithy.api#Double", json!("-Infinity"), json!({}));
    assert!(
        types.contains("fn in_m() -> f64 {\n        f64::NEG_INFINITY\n    }"),
        "{types}"
    );
}

#[test]
fn enum_defaults_must_be_one_of_its_values() {
    let shapes = json!({
        "a#Color": { "type": "enum", "members": {
            "RED": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } },
            "GREEN": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "green" } }
        } }
    });
    // The member name is not the value.
    assert_eq!(
        default_error("a#Color", json!("RED"), json!({}), shapes.clone()),
        "a#In$M: @default \"RED\" does not fit a#Color: expected one of its values \"red\", \"green\""
    );
    let types = types_rs_with_default("a#Color", json!("green"), shapes);
    assert!(
        types.contains(
            "fn in_m() -> crate::types::Color {\n        crate::types::Color::Green\n    }"
        ),
        "{types}"
    );
}

#[test]
fn legacy_enum_defaults_must_be_one_of_its_values() {
    let shapes = json!({
        "a#Size": { "type": "string", "traits": { "smithy.api#enum": [
            { "value": "s", "name": "SMALL" }, { "value": "l", "name": "LARGE" }
        ] } }
    });
    assert_eq!(
        default_error("a#Size", json!("m"), json!({}), shapes),
        "a#In$M: @default \"m\" does not fit a#Size: expected one of its values \"s\", \"l\""
    );
}

#[test]
fn int_enum_defaults_must_be_one_of_its_values() {
    let shapes = json!({
        "a#Level": { "type": "intEnum", "members": {
            "LOW": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 1 } },
            "HIGH": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 2 } }
        } }
    });
    assert_eq!(
        default_error("a#Level", json!(3), json!({}), shapes.clone()),
        "a#In$M: @default 3 does not fit a#Level: expected one of its values 1, 2"
    );
    assert_eq!(
        default_error("a#Level", json!("LOW"), json!({}), shapes.clone()),
        "a#In$M: @default \"LOW\" does not fit a#Level: expected one of its values 1, 2"
    );
    let types = types_rs_with_default("a#Level", json!(2), shapes);
    assert!(types.contains("crate::types::Level::High"), "{types}");
}

#[test]
fn document_defaults_are_scalars_or_empty() {
    for value in [json!({ "a": 1 }), json!([1])] {
        assert_eq!(
            default_error("smithy.api#Document", value.clone(), json!({}), json!({})),
            format!(
                "a#In$M: @default {value} does not fit smithy.api#Document: \
                 expected null, a boolean, a string, a number, [] or {{}}"
            )
        );
    }
    // `{}` is not `Value::default()` (null), so it needs a function.
    let types = types_rs_with_default("smithy.api#Document", json!({}), json!({}));
    assert!(types.contains("::serde_json::json!({})"), "{types}");
}

#[test]
fn collection_defaults_are_empty() {
    let shapes = json!({
        "a#Names": { "type": "list", "member": { "target": "smithy.api#String" } },
        "a#Tags": { "type": "map", "key": { "target": "smithy.api#String" },
                    "value": { "target": "smithy.api#String" } }
    });
    assert_eq!(
        default_error("a#Names", json!(["x"]), json!({}), shapes.clone()),
        "a#In$M: @default [\"x\"] does not fit a#Names: a list's default can only be []"
    );
    assert_eq!(
        default_error("a#Tags", json!({ "k": "v" }), json!({}), shapes),
        "a#In$M: @default {\"k\":\"v\"} does not fit a#Tags: a map's default can only be {}"
    );
}

#[test]
fn blob_defaults_are_base64() {
    assert_eq!(
        default_error(
            "smithy.api#Blob",
            json!("not base64!"),
            json!({}),
            json!({})
        ),
        "a#In$M: @default \"not base64!\" does not fit smithy.api#Blob: expected a base64 string"
    );
    // Not only the empty blob.
    let types = types_rs_with_default("smithy.api#Blob", json!("YWJj"), json!({}));
    assert!(
        types.contains("::smithy_runtime::Blob(b\"abc\".to_vec())"),
        "{types}"
    );
}

#[test]
fn timestamp_defaults_in_their_format() {
    assert_eq!(
        default_error(
            "smithy.api#Timestamp",
            json!("yesterday"),
            json!({}),
            json!({})
        ),
        "a#In$M: @default \"yesterday\" does not fit smithy.api#Timestamp: \
         expected epoch seconds or a date-time string such as \"1985-04-12T23:20:50.52Z\""
    );
    assert_eq!(
        default_error(
            "smithy.api#Timestamp",
            json!("1985-04-12T23:20:50.52Z"),
            json!({ "smithy.api#timestampFormat": "epoch-seconds" }),
            json!({})
        ),
        "a#In$M: @default \"1985-04-12T23:20:50.52Z\" does not fit smithy.api#Timestamp: \
         expected epoch seconds, its timestampFormat"
    );
    let types = types_rs_with_default("smithy.api#Timestamp", json!(1.5), json!({}));
    assert!(
        types.contains("Timestamp::from_unix_millis(1500)"),
        "{types}"
    );
    let types = types_rs_with_default(
        "smithy.api#Timestamp",
        json!("1985-04-12T23:20:50.52Z"),
        json!({}),
    );
    assert!(
        types.contains("Timestamp::from_unix_millis(482196050520)"),
        "{types}"
    );
}

#[test]
fn defaults_only_on_structure_members_that_can_have_one() {
    let shapes = json!({
        "a#Inner": { "type": "structure", "members": {} }
    });
    assert_eq!(
        default_error("a#Inner", json!({}), json!({}), shapes),
        "a#In$M: @default {} does not fit a#Inner: \
         only members that target a simple type, list or map can have a default"
    );
    let text = input_model(
        json!({ "U": { "target": "a#U" } }),
        json!({ "a#U": { "type": "union", "members": {
            "A": { "target": "smithy.api#Integer", "traits": { "smithy.api#default": 1 } }
        } } }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#U$A: @default is only allowed on structure members"
    );
}

#[test]
fn client_optional_and_added_default_keep_the_default() {
    // The service is the authoritative side: @clientOptional and
    // @addedDefault tell clients what to do; the server fills the default in.
    let text = input_model(
        json!({
            "A": { "target": "smithy.api#Integer",
                   "traits": { "smithy.api#default": 3, "smithy.api#clientOptional": {} } },
            "B": { "target": "smithy.api#Integer",
                   "traits": { "smithy.api#default": 4, "smithy.api#addedDefault": {} } },
            "C": { "target": "smithy.api#Integer",
                   "traits": { "smithy.api#default": 5, "smithy.api#required": {} } }
        }),
        json!({}),
    );
    let model = Model::from_json(&text).unwrap();
    let files = generate(&model, &Options::default()).unwrap();
    let types = &files[Path::new("src/types.rs")];
    for (field, value) in [("a", 3), ("b", 4), ("c", 5)] {
        assert!(
            types.contains(&format!(
                "default = \"defaults::in_{field}\")]\n    pub {field}: i32,"
            )),
            "{types}"
        );
        assert!(
            types.contains(&format!(
                "fn in_{field}() -> i32 {{\n        {value}\n    }}"
            )),
            "{types}"
        );
    }
}

#[test]
fn invalid_pattern() {
    let text = input_model(
        json!({ "S": { "target": "a#Bad" } }),
        json!({ "a#Bad": { "type": "string", "traits": { "smithy.api#pattern": "a(" } } }),
    );
    let error = error(&text);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("a#Bad: unsupported: pattern `a(`: "),
        "{text}"
    );
}

#[test]
fn invalid_member_pattern_names_the_member() {
    let text = input_model(
        json!({
            "S": { "target": "smithy.api#String", "traits": { "smithy.api#pattern": "^(b" } }
        }),
        json!({}),
    );
    let text = error(&text).to_string();
    assert!(
        text.starts_with("a#InS: unsupported: pattern `^(b`"),
        "{text}"
    );
}

/// Patterns that parse but that no engine compiles must be rejected too:
/// at run time they would match everything, silently dropping the check.
#[test]
fn patterns_that_parse_but_do_not_compile() {
    for pattern in ["[z-a]", "a{2,1}", "\\p{Nope}"] {
        let text = input_model(
            json!({ "S": { "target": "a#Bad" } }),
            json!({ "a#Bad": { "type": "string", "traits": { "smithy.api#pattern": pattern } } }),
        );
        let text = error(&text).to_string();
        assert!(
            text.starts_with(&format!("a#Bad: unsupported: pattern `{pattern}`")),
            "{text}"
        );
    }
}

// ---- invalid models -------------------------------------------------------

#[test]
fn union_without_members() {
    let text = input_model(
        json!({ "U": { "target": "a#U" } }),
        json!({ "a#U": { "type": "union", "members": {} } }),
    );
    let error = error(&text);
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    assert_eq!(error.to_string(), "a#U: union has no members");
}

#[test]
fn operation_error_without_the_error_trait() {
    let text = model(
        &["a#Op"],
        json!({
            "a#Op": { "type": "operation", "errors": [ { "target": "a#Oops" } ] },
            "a#Oops": { "type": "structure", "members": {} }
        }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#Op: lists a#Oops as an error, but it has no @error trait"
    );
}

#[test]
fn service_error_without_the_error_trait() {
    let mut text: Value = serde_json::from_str(&model(
        &["a#Op"],
        json!({
            "a#Op": { "type": "operation" },
            "a#Oops": { "type": "structure", "members": {} }
        }),
    ))
    .unwrap();
    text["shapes"]["a#Svc"]["errors"] = json!([ { "target": "a#Oops" } ]);
    assert_eq!(
        error(&text.to_string()).to_string(),
        "a#Op: lists a#Oops as an error, but it has no @error trait"
    );
}

#[test]
fn error_trait_on_a_union() {
    let text = model(
        &["a#Op"],
        json!({
            "a#Op": { "type": "operation", "errors": [ { "target": "a#U" } ] },
            "a#U": {
                "type": "union",
                "members": { "A": { "target": "smithy.api#String" } },
                "traits": { "smithy.api#error": "client" }
            }
        }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#U: @error is only allowed on structures"
    );
}

#[test]
fn http_error_out_of_range() {
    let text = model(
        &["a#Op"],
        json!({
            "a#Op": { "type": "operation", "errors": [ { "target": "a#E" } ] },
            "a#E": {
                "type": "structure",
                "members": {},
                "traits": { "smithy.api#error": "client", "smithy.api#httpError": 70000 }
            }
        }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#E: httpError is not an HTTP status"
    );
}

#[test]
fn int_enum_member_without_a_value() {
    let text = input_model(
        json!({ "E": { "target": "a#E" } }),
        json!({ "a#E": { "type": "intEnum", "members": { "ONE": { "target": "smithy.api#Unit" } } } }),
    );
    assert_eq!(
        error(&text).to_string(),
        "a#E$ONE: intEnum member needs a 32-bit integer enumValue"
    );
}

#[test]
fn int_enum_value_outside_32_bits() {
    // intEnum values are 32-bit integers: the loader says so in Smithy's
    // words, so the IR never holds one that `i32` cannot.
    for value in [4_294_967_297_i64, 2_147_483_648, -2_147_483_649] {
        let text = input_model(
            json!({ "E": { "target": "a#E" } }),
            json!({ "a#E": { "type": "intEnum", "members": { "BIG": {
                "target": "smithy.api#Unit",
                "traits": { "smithy.api#enumValue": value }
            } } } }),
        );
        assert_eq!(
            error(&text).to_string(),
            format!("a#E$BIG: intEnum members must fit within an integer, but found: {value}")
        );
    }
}

#[test]
fn mixin_cycle() {
    let text = json!({
        "smithy": "2.0",
        "shapes": {
            "a#A": { "type": "structure", "mixins": [ { "target": "a#B" } ], "members": {},
                     "traits": { "smithy.api#mixin": {} } },
            "a#B": { "type": "structure", "mixins": [ { "target": "a#A" } ], "members": {},
                     "traits": { "smithy.api#mixin": {} } }
        }
    })
    .to_string();
    let error = error(&text).to_string();
    assert!(error.ends_with("mixins form a cycle"), "{error}");
    assert!(
        error.starts_with("a#A") || error.starts_with("a#B"),
        "{error}"
    );
}

#[test]
fn two_services_need_options_service() {
    let text = json!({
        "smithy": "2.0",
        "shapes": {
            "a#Two": { "type": "service", "traits": { "aws.protocols#awsJson1_0": {} } },
            "a#One": { "type": "service", "traits": { "aws.protocols#awsJson1_1": {} } }
        }
    })
    .to_string();
    assert_eq!(
        error(&text).to_string(),
        "model: has 2 services (a#One, a#Two); choose one with `--service`"
    );
    // Naming one resolves it.
    let model = Model::from_json(&text).unwrap();
    let options = Options {
        service: Some("a#Two".into()),
        ..Options::default()
    };
    let files = generate(&model, &options).expect("a#Two generates");
    assert!(files[Path::new("src/service.rs")].contains("Protocol::AwsJson1_0"));
}

#[test]
fn no_service_at_all() {
    let text = r#"{"smithy":"2.0","shapes":{"a#S":{"type":"structure","members":{}}}}"#;
    assert_eq!(error(text).to_string(), "model: has no service shape");
}

// ---- malformed documents --------------------------------------------------

#[test]
fn malformed_json() {
    let cases = [
        "",
        "{",
        r#"{"smithy":"2.0","shapes":{},}"#,
        "[]",
        "null",
        r#"{"shapes":{}}"#,
        r#"{"smithy":"3.0","shapes":{}}"#,
        r#"{"smithy":"2.0","shapes":[]}"#,
    ];
    for case in cases {
        let error = error(case);
        assert!(matches!(error, Error::Parse(_)), "{case:?}: {error:?}");
        assert!(
            error.to_string().starts_with("cannot read the model: "),
            "{case:?}: {error}"
        );
    }
}

#[test]
fn malformed_shapes_name_the_shape() {
    let cases = [
        (r#"{"a#S": 5}"#, "a#S: shape is not a JSON object"),
        (
            r#"{"a#S": {"type":"structure","members":{"X":{}}}}"#,
            "a#S$X: a shape reference has no \"target\"",
        ),
        (
            r#"{"a#S": {"type":"structure","members":{"X":7}}}"#,
            "a#S$X: member is not a JSON object",
        ),
        (
            r#"{"a#S": {"type":"structure","members":[]}}"#,
            "a#S: \"members\" is not an object",
        ),
        (
            r#"{"a#S": {"type":"string","traits":[]}}"#,
            "a#S: \"traits\" is not an object",
        ),
        (
            r#"{"a#S": {"type":"structure","mixins":{"target":"a#M"},"members":{}}}"#,
            "a#S: expected a list of shape references",
        ),
    ];
    for (shapes, expected) in cases {
        let text = format!(r#"{{"smithy":"2.0","shapes":{shapes}}}"#);
        assert_eq!(error(&text).to_string(), expected, "{shapes}");
    }
}

// ---- robustness over the fixtures -----------------------------------------

/// Removing any one shape from any fixture gives either a crate or an error
/// that names the removed shape, never a panic.
#[test]
fn removing_any_shape_is_an_error_naming_it_or_harmless() {
    let mut errors = 0;
    for (fixture, text) in fixtures() {
        generates(&text);
        let document: Value = serde_json::from_str(&text).unwrap();
        let shapes = document["shapes"].as_object().unwrap();
        for removed in shapes.keys() {
            let mut smaller = document.clone();
            smaller["shapes"].as_object_mut().unwrap().remove(removed);
            let smaller = smaller.to_string();
            let result = catch_unwind(AssertUnwindSafe(|| {
                Model::from_json(&smaller).and_then(|m| generate(&m, &Options::default()))
            }));
            match result {
                Err(_) => panic!("{fixture} without {removed}: the generator panicked"),
                Ok(Ok(_)) => {}
                Ok(Err(error)) => {
                    errors += 1;
                    let message = error.to_string();
                    let is_service = shapes[removed]["type"] == "service";
                    assert!(
                        message.contains(removed.as_str())
                            || (is_service && message == "model: has no service shape"),
                        "{fixture} without {removed}: {message}"
                    );
                }
            }
        }
    }
    // Most shapes are needed: the loop really exercises the error paths.
    assert!(errors > 50, "only {errors} removals were errors");
}

/// A fixture cut short anywhere is a parse error, never a panic.
#[test]
fn truncated_fixtures_are_parse_errors() {
    for (fixture, text) in fixtures() {
        for cut in (0..text.len()).step_by(61) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            match catch_unwind(|| Model::from_json(&text[..cut])) {
                Ok(Err(Error::Parse(_))) => {}
                Ok(other) => panic!("{fixture} cut at {cut}: {other:?}"),
                Err(_) => panic!("{fixture} cut at {cut}: panicked"),
            }
        }
    }
}
