//! Every branch of the validator, on hand-written schemas.

use serde_json::{json, Value};

use super::{validate, Rules, Wording};
use crate::schema::{Bounds, Constraints, Kind, Limit, Member, Range, Shape, TimestampFormat};
use crate::Pattern;

const fn shape(id: &'static str, kind: Kind) -> Shape {
    Shape {
        id,
        kind,
        sensitive: false,
        ..Shape::DEFAULT
    }
}

const fn member(name: &'static str, target: &'static Shape) -> Member {
    Member {
        name,
        target,
        required: false,
        constraints: Constraints::NONE,
        ..Member::DEFAULT
    }
}

const fn required(name: &'static str, target: &'static Shape) -> Member {
    Member {
        required: true,
        ..member(name, target)
    }
}

const fn length(min: Option<u64>, max: Option<u64>) -> Constraints {
    Constraints {
        length: Some(Bounds { min, max }),
        ..Constraints::NONE
    }
}

static BOOLEAN: Shape = shape("smithy.api#Boolean", Kind::Boolean);
static BYTE: Shape = shape("smithy.api#Byte", Kind::Byte);
static SHORT: Shape = shape("smithy.api#Short", Kind::Short);
static INTEGER: Shape = shape("smithy.api#Integer", Kind::Integer);
static LONG: Shape = shape("smithy.api#Long", Kind::Long);
static FLOAT: Shape = shape("smithy.api#Float", Kind::Float);
static DOUBLE: Shape = shape("smithy.api#Double", Kind::Double);
static STRING: Shape = shape("smithy.api#String", Kind::String);
static BLOB: Shape = shape("smithy.api#Blob", Kind::Blob);
static TIMESTAMP: Shape = shape("smithy.api#Timestamp", Kind::Timestamp);
static DOCUMENT: Shape = shape("smithy.api#Document", Kind::Document);
static SECRET: Shape = Shape {
    id: "test#Secret",
    kind: Kind::String,
    sensitive: true,
    ..Shape::DEFAULT
};
static FORMATTED: Shape = shape(
    "test#Formatted",
    Kind::Structure(&[
        Member {
            timestamp_format: Some(TimestampFormat::DateTime),
            ..member("DateTime", &TIMESTAMP)
        },
        Member {
            timestamp_format: Some(TimestampFormat::HttpDate),
            ..member("HttpDate", &TIMESTAMP)
        },
    ]),
);
static COLOR: Shape = shape("test#Color", Kind::Enum(&["RED", "green"]));
static LEVEL: Shape = shape("test#Level", Kind::IntEnum(&[1, 10]));

static LOWER: Pattern = Pattern::new("^[a-z]+$");

/// A structure with one member of every simple type.
static SCALARS: Shape = shape(
    "test#Scalars",
    Kind::Structure(&[
        member("Boolean", &BOOLEAN),
        member("Byte", &BYTE),
        member("Short", &SHORT),
        member("Integer", &INTEGER),
        member("Long", &LONG),
        member("Float", &FLOAT),
        member("Double", &DOUBLE),
        member("String", &STRING),
        member("Blob", &BLOB),
        member("Timestamp", &TIMESTAMP),
        member("Document", &DOCUMENT),
        member("Color", &COLOR),
        member("Level", &LEVEL),
    ]),
);

/// Constraint traits, each on its own member.
static CONSTRAINED: Shape = shape(
    "test#Constrained",
    Kind::Structure(&[
        required("Name", &STRING),
        Member {
            constraints: Constraints {
                pattern: Some(&LOWER),
                ..length(Some(2), Some(4))
            },
            ..member("Word", &STRING)
        },
        Member {
            constraints: Constraints {
                range: Some(Range {
                    min: Some(Limit {
                        value: 0.5,
                        text: "0.5",
                    }),
                    max: Some(Limit {
                        value: 10.0,
                        text: "1E1",
                    }),
                }),
                ..Constraints::NONE
            },
            ..member("Ratio", &DOUBLE)
        },
        Member {
            constraints: length(Some(2), Some(3)),
            ..member("Bytes", &BLOB)
        },
        Member {
            constraints: length(Some(1), Some(2)),
            ..member("Strings", &STRING_LIST)
        },
        Member {
            constraints: length(None, Some(1)),
            ..member("Counts", &COUNT_MAP)
        },
        member("Password", &SECRET),
        Member {
            constraints: length(None, Some(3)),
            ..member("Label", &STRING)
        },
    ]),
);

static STRING_LIST: Shape = shape(
    "test#StringList",
    Kind::List {
        member: &member("member", &STRING),
        sparse: false,
    },
);
static SPARSE_STRING_LIST: Shape = shape(
    "test#SparseStringList",
    Kind::List {
        member: &member("member", &STRING),
        sparse: true,
    },
);
static COUNT_MAP: Shape = shape(
    "test#CountMap",
    Kind::Map {
        key: &member("key", &STRING),
        value: &member("value", &INTEGER),
        sparse: false,
    },
);
static SPARSE_STRING_MAP: Shape = shape(
    "test#SparseStringMap",
    Kind::Map {
        key: &member("key", &STRING),
        value: &member("value", &STRING),
        sparse: true,
    },
);
/// Keys of at most three lowercase letters.
static SHORT_KEY_MAP: Shape = shape(
    "test#ShortKeyMap",
    Kind::Map {
        key: &Member {
            constraints: Constraints {
                pattern: Some(&LOWER),
                ..length(None, Some(3))
            },
            ..member("key", &STRING)
        },
        value: &member("value", &STRING),
        sparse: false,
    },
);

static COLLECTIONS: Shape = shape(
    "test#Collections",
    Kind::Structure(&[
        member("Strings", &STRING_LIST),
        member("SparseStrings", &SPARSE_STRING_LIST),
        member("Counts", &COUNT_MAP),
        member("SparseValues", &SPARSE_STRING_MAP),
        member("ShortKeys", &SHORT_KEY_MAP),
    ]),
);

static VALUE: Shape = shape(
    "test#Value",
    Kind::Union(&[
        member("Text", &STRING),
        member("Number", &INTEGER),
        member("Nested", &VALUE),
    ]),
);

static UNIONS: Shape = shape(
    "test#Unions",
    Kind::Structure(&[member("Value", &VALUE), member("Values", &VALUE_LIST)]),
);
static VALUE_LIST: Shape = shape(
    "test#ValueList",
    Kind::List {
        member: &member("member", &VALUE),
        sparse: false,
    },
);

/// `Filters: [{ Key, Values: [..] }]`, for nested paths.
static FILTER: Shape = shape(
    "test#Filter",
    Kind::Structure(&[
        Member {
            constraints: length(Some(1), None),
            ..required("Key", &STRING)
        },
        member("Values", &STRING_LIST_OF_WORDS),
    ]),
);
static STRING_LIST_OF_WORDS: Shape = shape(
    "test#Words",
    Kind::List {
        member: &Member {
            constraints: Constraints {
                pattern: Some(&LOWER),
                ..Constraints::NONE
            },
            ..member("member", &STRING)
        },
        sparse: false,
    },
);
static FILTER_LIST: Shape = shape(
    "test#FilterList",
    Kind::List {
        member: &member("member", &FILTER),
        sparse: false,
    },
);
static FILTER_MAP: Shape = shape(
    "test#FilterMap",
    Kind::Map {
        key: &member("key", &STRING),
        value: &member("value", &FILTER),
        sparse: false,
    },
);
static NESTED: Shape = shape(
    "test#Nested",
    Kind::Structure(&[
        member("Filters", &FILTER_LIST),
        member("ByName", &FILTER_MAP),
        member("Inner", &NESTED),
    ]),
);

/// A `@sensitive` structure: nothing inside it is echoed.
static CREDENTIALS: Shape = Shape {
    id: "test#Credentials",
    kind: Kind::Structure(&[Member {
        constraints: length(Some(5), None),
        ..member("Key", &STRING)
    }]),
    sensitive: true,
    ..Shape::DEFAULT
};
static SENSITIVE: Shape = shape(
    "test#Sensitive",
    Kind::Structure(&[
        member("Credentials", &CREDENTIALS),
        Member {
            constraints: length(Some(9), None),
            ..member("Password", &SECRET)
        },
        Member {
            constraints: length(Some(9), None),
            ..member("Name", &STRING)
        },
    ]),
);

/// The validated (and cleaned) body, or the error's code and message.
fn run(shape: &'static Shape, body: Value) -> Result<Value, (&'static str, String)> {
    let mut body = body;
    match validate(&mut body, shape, Rules::AWS) {
        Ok(()) => Ok(body),
        Err(e) => Err((e.code, e.message().unwrap_or_default().to_owned())),
    }
}

#[track_caller]
fn accepted(shape: &'static Shape, body: Value) -> Value {
    run(shape, body.clone()).unwrap_or_else(|e| panic!("{body} was rejected: {e:?}"))
}

#[track_caller]
fn violations(shape: &'static Shape, body: Value) -> String {
    match run(shape, body.clone()) {
        Err(("ValidationException", message)) => message,
        other => panic!("{body}: expected a ValidationException, got {other:?}"),
    }
}

#[track_caller]
fn type_error(shape: &'static Shape, body: Value) -> String {
    match run(shape, body.clone()) {
        Err(("SerializationException", message)) => message,
        other => panic!("{body}: expected a SerializationException, got {other:?}"),
    }
}

#[test]
fn the_body_must_be_an_object() {
    assert_eq!(
        type_error(&SCALARS, json!([])),
        "Expected a JSON object as the request body, found an array"
    );
    assert_eq!(
        type_error(&SCALARS, json!(null)),
        "Expected a JSON object as the request body, found null"
    );
    accepted(&SCALARS, json!({}));
}

#[test]
fn every_simple_type_accepts_its_json_type() {
    accepted(
        &SCALARS,
        json!({
            "Boolean": true,
            "Byte": -128,
            "Short": 32767,
            "Integer": -2147483648_i64,
            "Long": i64::MAX,
            "Float": 1.5,
            "Double": 2,
            "String": "s",
            "Blob": "Zm9v",
            "Timestamp": 1.5,
            "Document": { "any": [null, 1, "x"] },
            "Color": "green",
            "Level": 10,
        }),
    );
    accepted(&SCALARS, json!({ "Document": null }));
}

#[test]
fn a_value_of_the_wrong_type_names_what_was_expected() {
    let cases = [
        (
            json!({ "Boolean": "true" }),
            "'boolean': expected a boolean, found a string",
        ),
        (
            json!({ "Byte": 128 }),
            "'byte': expected an 8-bit integer, found an integer",
        ),
        (
            json!({ "Short": -32769 }),
            "'short': expected a 16-bit integer, found an integer",
        ),
        (
            json!({ "Integer": 2147483648_i64 }),
            "'integer': expected a 32-bit integer, found an integer",
        ),
        (
            json!({ "Integer": 1.5 }),
            "'integer': expected a 32-bit integer, found a decimal number",
        ),
        (
            json!({ "Long": u64::MAX }),
            "'long': expected an integer, found an integer",
        ),
        (
            json!({ "Double": "1.5" }),
            "'double': expected a number, found a string",
        ),
        (
            json!({ "String": 1 }),
            "'string': expected a string, found an integer",
        ),
        (
            json!({ "Blob": "not base64!" }),
            "'blob': expected a base64 string, found a string",
        ),
        (
            json!({ "Timestamp": "yesterday" }),
            "'timestamp': expected a timestamp (epoch seconds), found a string",
        ),
        (
            json!({ "Color": 1 }),
            "'color': expected a string, found an integer",
        ),
        (
            json!({ "Level": "1" }),
            "'level': expected a 32-bit integer, found a string",
        ),
    ];
    for (body, expected) in cases {
        let message = type_error(&SCALARS, body);
        assert_eq!(message, format!("Unexpected value type at {expected}"));
    }
}

#[test]
fn only_the_first_type_error_is_reported_and_it_wins_over_violations() {
    let message = type_error(
        &CONSTRAINED,
        json!({ "Word": "UPPER", "Ratio": "x", "Strings": {} }),
    );
    assert_eq!(
        message,
        "Unexpected value type at 'ratio': expected a number, found a string"
    );
}

#[test]
fn enum_values_outside_the_set_are_violations() {
    assert_eq!(
        violations(&SCALARS, json!({ "Color": "red", "Level": 2 })),
        "2 validation errors detected: \
         Value 'red' at 'color' failed to satisfy constraint: Member must satisfy enum value set: [RED, green]; \
         Value '2' at 'level' failed to satisfy constraint: Member must satisfy enum value set: [1, 10]"
    );
}

#[test]
fn every_violation_is_reported_in_member_order() {
    let message = violations(
        &CONSTRAINED,
        json!({
            "Counts": { "a": 1, "b": 2 },
            "Strings": [],
            "Bytes": "Zm9vYg==",
            "Ratio": 10.5,
            "Word": "UPPER!",
        }),
    );
    assert_eq!(
        message,
        "7 validation errors detected: \
         Value null at 'name' failed to satisfy constraint: Member must not be null; \
         Value 'UPPER!' at 'word' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$; \
         Value 'UPPER!' at 'word' failed to satisfy constraint: Member must have length less than or equal to 4; \
         Value '10.5' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1E1; \
         Value 'Zm9vYg==' at 'bytes' failed to satisfy constraint: Member must have length less than or equal to 3; \
         Value '[]' at 'strings' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '{a=1, b=2}' at 'counts' failed to satisfy constraint: Member must have length less than or equal to 1"
    );
    let message = violations(
        &CONSTRAINED,
        json!({ "Name": "n", "Counts": { "a": 1, "b": 2 }, "Ratio": 0.25 }),
    );
    assert_eq!(
        message,
        "2 validation errors detected: \
         Value '0.25' at 'ratio' failed to satisfy constraint: Member must have value greater than or equal to 0.5; \
         Value '{a=1, b=2}' at 'counts' failed to satisfy constraint: Member must have length less than or equal to 1"
    );
}

#[test]
fn lengths_count_characters_bytes_items_and_entries() {
    let ok = json!({
        "Name": "n",
        // Three characters, six UTF-8 bytes.
        "Label": "ééé",
        // "foo": three bytes, four base64 characters.
        "Bytes": "Zm9v",
        "Strings": ["a", "b"],
        "Counts": { "a": 1 },
    });
    accepted(&CONSTRAINED, ok);
    let message = violations(&CONSTRAINED, json!({ "Name": "n", "Bytes": "Zg==" }));
    assert_eq!(
        message,
        "1 validation error detected: Value 'Zg==' at 'bytes' failed to satisfy constraint: \
         Member must have length greater than or equal to 2"
    );
}

#[test]
fn null_members_are_absent_and_removed() {
    let body = accepted(&SCALARS, json!({ "String": null, "Integer": 1 }));
    assert_eq!(body, json!({ "Integer": 1 }));
    assert_eq!(
        violations(&CONSTRAINED, json!({ "Name": null })),
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn unknown_structure_members_are_ignored() {
    accepted(&SCALARS, json!({ "Unknown": { "deeply": ["anything"] } }));
}

#[test]
fn dense_lists_reject_null_items_and_sparse_lists_keep_them() {
    assert_eq!(
        violations(&COLLECTIONS, json!({ "Strings": ["a", null] })),
        "1 validation error detected: Value null at 'strings.2.member' failed to satisfy constraint: Member must not be null"
    );
    // Where the protocol says so, the request is malformed instead.
    let rules = Rules {
        null_item_is_malformed: true,
        ..Rules::AWS
    };
    let mut body = json!({ "Strings": ["a", null] });
    let error = validate(&mut body, &COLLECTIONS, rules).unwrap_err();
    assert_eq!(error.code, "SerializationException");
    let body = accepted(&COLLECTIONS, json!({ "SparseStrings": [null, "a", null] }));
    assert_eq!(body["SparseStrings"], json!([null, "a", null]));
}

#[test]
fn sparse_maps_keep_null_values() {
    let body = accepted(
        &COLLECTIONS,
        json!({ "SparseValues": { "a": null, "b": "x" } }),
    );
    assert_eq!(body["SparseValues"], json!({ "a": null, "b": "x" }));
}

#[test]
fn map_keys_and_values_are_checked_with_the_key_in_the_path() {
    assert_eq!(
        violations(
            &COLLECTIONS,
            json!({ "ShortKeys": { "ok": "1", "long": "2", "UP": "3" } })
        ),
        "2 validation errors detected: \
         Value 'long' at 'shortKeys.long' failed to satisfy constraint: Member must have length less than or equal to 3; \
         Value 'UP' at 'shortKeys.UP' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$"
    );
    assert_eq!(
        type_error(&COLLECTIONS, json!({ "Counts": { "a": "1" } })),
        "Unexpected value type at 'counts.a': expected a 32-bit integer, found a string"
    );
}

#[test]
fn nested_paths_name_members_items_and_keys() {
    let message = violations(
        &NESTED,
        json!({
            "Filters": [{ "Key": "k" }, { "Key": "", "Values": ["ok", "NO"] }, {}],
            "ByName": { "first": { "Values": ["X"] } },
            "Inner": { "Inner": { "Filters": [{ "Key": "" }] } },
        }),
    );
    assert_eq!(
        message,
        "6 validation errors detected: \
         Value '' at 'filters.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value 'NO' at 'filters.2.member.values.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$; \
         Value null at 'filters.3.member.key' failed to satisfy constraint: Member must not be null; \
         Value null at 'byName.first.key' failed to satisfy constraint: Member must not be null; \
         Value 'X' at 'byName.first.values.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$; \
         Value '' at 'inner.inner.filters.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    assert_eq!(
        type_error(&NESTED, json!({ "Inner": { "Filters": [{ "Key": 1 }] } })),
        "Unexpected value type at 'inner.filters.1.member.key': expected a string, found an integer"
    );
}

#[test]
fn sensitive_values_are_never_echoed() {
    let message = violations(
        &SENSITIVE,
        json!({ "Credentials": { "Key": "abc" }, "Password": "hunter2", "Name": "alice" }),
    );
    assert_eq!(
        message,
        "3 validation errors detected: \
         Value at 'credentials.key' failed to satisfy constraint: Member must have length greater than or equal to 5; \
         Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 9; \
         Value 'alice' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 9"
    );
}

#[test]
fn a_union_has_exactly_one_member_set() {
    accepted(&UNIONS, json!({ "Value": { "Text": "x" } }));
    accepted(&UNIONS, json!({ "Value": { "Nested": { "Number": 1 } } }));
    // Null members are not set.
    let body = accepted(&UNIONS, json!({ "Value": { "Text": null, "Number": 1 } }));
    assert_eq!(body, json!({ "Value": { "Number": 1 } }));
    assert_eq!(
        type_error(&UNIONS, json!({ "Value": { "Text": "x", "Number": 1 } })),
        "Union 'value' must have exactly one member set, found 2"
    );
    assert_eq!(
        type_error(&UNIONS, json!({ "Value": {} })),
        "Union 'value' must have exactly one member set, found 0"
    );
    assert_eq!(
        type_error(
            &UNIONS,
            json!({ "Values": [{ "Text": "x" }, { "Nested": {} }] })
        ),
        "Union 'values.2.member.nested' must have exactly one member set, found 0"
    );
    assert_eq!(
        type_error(&UNIONS, json!({ "Value": ["Text"] })),
        "Unexpected value type at 'value': expected a JSON object, found an array"
    );
}

#[test]
fn floats_accept_numbers_and_the_names_of_non_finite_values() {
    accepted(&SCALARS, json!({ "Float": 1, "Double": -1e300 }));
    for name in ["NaN", "Infinity", "-Infinity"] {
        accepted(&SCALARS, json!({ "Float": name, "Double": name }));
    }
    for other in ["nan", "inf", "+Infinity", "1.5", ""] {
        assert_eq!(
            type_error(&SCALARS, json!({ "Double": other })),
            "Unexpected value type at 'double': expected a number, found a string"
        );
    }
}

#[test]
fn infinities_are_out_of_range_and_nan_is_in_none() {
    let body = |ratio: &str| json!({ "Name": "n", "Ratio": ratio });
    assert_eq!(
        violations(&CONSTRAINED, body("Infinity")),
        "1 validation error detected: Value 'Infinity' at 'ratio' failed to satisfy constraint: \
         Member must have value less than or equal to 1E1"
    );
    assert_eq!(
        violations(&CONSTRAINED, body("-Infinity")),
        "1 validation error detected: Value '-Infinity' at 'ratio' failed to satisfy constraint: \
         Member must have value greater than or equal to 0.5"
    );
    accepted(&CONSTRAINED, body("NaN"));
}

#[test]
fn a_union_with_a_member_it_does_not_know_is_malformed() {
    // A server cannot hold a member it does not know, and one key more than
    // a union has is two members set (smithy's malformed-request tests:
    // RestJsonMalformedUnionKnownAndUnknownFieldsSet, …UnknownMember).
    assert_eq!(
        type_error(
            &UNIONS,
            json!({ "Value": { "Text": "x", "Colour": "red" } })
        ),
        "Union 'value' has no member 'Colour'"
    );
    assert_eq!(
        type_error(&UNIONS, json!({ "Value": { "Colour": "red" } })),
        "Union 'value' has no member 'Colour'"
    );
}

#[test]
fn a_union_ignores_a_type_key() {
    // awsJson: "Deserializers MUST ignore an unrecognized __type member".
    let body = accepted(
        &UNIONS,
        json!({ "Value": { "__type": "test#Value", "Text": "x" } }),
    );
    assert_eq!(body, json!({ "Value": { "Text": "x" } }));
    assert_eq!(
        type_error(&UNIONS, json!({ "Value": { "__type": "test#Value" } })),
        "Union 'value' must have exactly one member set, found 0"
    );
}

#[test]
fn dense_maps_reject_null_values_as_dense_lists_do() {
    assert_eq!(
        violations(&COLLECTIONS, json!({ "Counts": { "a": 1, "b": null } })),
        "1 validation error detected: Value null at 'counts.b' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn int_enum_values_are_32_bit_integers() {
    // Not cut to 32 bits (4294967297 as i32 is 1, a listed value).
    assert_eq!(
        type_error(&SCALARS, json!({ "Level": 4_294_967_297_i64 })),
        "Unexpected value type at 'level': expected a 32-bit integer, found an integer"
    );
    assert_eq!(
        type_error(&SCALARS, json!({ "Level": -2_147_483_649_i64 })),
        "Unexpected value type at 'level': expected a 32-bit integer, found an integer"
    );
}

const UNIQUE: Constraints = Constraints {
    unique_items: true,
    ..Constraints::NONE
};
static TIMESTAMP_LIST: Shape = shape(
    "test#Timestamps",
    Kind::List {
        member: &member("member", &TIMESTAMP),
        sparse: false,
    },
);
static INTEGER_LIST: Shape = shape(
    "test#Integers",
    Kind::List {
        member: &member("member", &INTEGER),
        sparse: false,
    },
);
static TAG: Shape = shape(
    "test#Tag",
    Kind::Structure(&[member("Key", &STRING), member("Value", &STRING)]),
);
static TAG_LIST: Shape = shape(
    "test#Tags",
    Kind::List {
        member: &member("member", &TAG),
        sparse: false,
    },
);
static UNIQUE_LISTS: Shape = shape(
    "test#UniqueLists",
    Kind::Structure(&[
        Member {
            constraints: UNIQUE,
            ..member("Times", &TIMESTAMP_LIST)
        },
        Member {
            constraints: UNIQUE,
            ..member("Numbers", &INTEGER_LIST)
        },
        Member {
            constraints: UNIQUE,
            ..member("Tags", &TAG_LIST)
        },
        Member {
            constraints: UNIQUE,
            ..member("Words", &STRING_LIST)
        },
    ]),
);

#[test]
fn unique_items_compares_values_not_json_text() {
    accepted(
        &UNIQUE_LISTS,
        json!({
            "Times": [1, 2, 3.5],
            "Numbers": [1, 2, -1],
            "Tags": [{ "Key": "a", "Value": "1" }, { "Key": "a", "Value": "2" }, { "Key": "a" }],
            "Words": ["a", "A", "a "],
        }),
    );
    let duplicated = |body: Value, at: &str, shown: &str| {
        assert_eq!(
            violations(&UNIQUE_LISTS, body),
            format!(
                "1 validation error detected: Value '{shown}' at '{at}' failed to satisfy constraint: \
                 Member must have unique items"
            )
        );
    };
    duplicated(json!({ "Numbers": [1, 2, 1] }), "numbers", "[1, 2, 1]");
    duplicated(json!({ "Words": ["a", "a"] }), "words", "[a, a]");
    // The same instant, spelled two ways.
    duplicated(json!({ "Times": [1, 1.0] }), "times", "[1, 1.0]");
    duplicated(json!({ "Times": [1.5, 1.50] }), "times", "[1.5, 1.5]");
    // The same structure: member order and members it does not have do
    // not make a value.
    duplicated(
        json!({ "Tags": [{ "Key": "a", "Value": "1" }, { "Value": "1", "Key": "a" }] }),
        "tags",
        "[{Key=a, Value=1}, {Value=1, Key=a}]",
    );
    duplicated(
        json!({ "Tags": [{ "Key": "a" }, { "Key": "a", "Note": "ignored" }] }),
        "tags",
        "[{Key=a}, {Key=a, Note=ignored}]",
    );
    duplicated(
        json!({ "Tags": [{ "Key": "a" }, { "Key": "a", "Value": null }] }),
        "tags",
        "[{Key=a}, {Key=a}]",
    );
}

#[test]
fn timestamps_in_a_body_are_in_their_members_format() {
    // Epoch seconds unless the member says otherwise.
    assert_eq!(
        type_error(&SCALARS, json!({ "Timestamp": "2024-01-01T00:00:00Z" })),
        "Unexpected value type at 'timestamp': expected a timestamp (epoch seconds), found a string"
    );
    accepted(&FORMATTED, json!({ "DateTime": "2024-01-01T00:00:00.5Z" }));
    accepted(
        &FORMATTED,
        json!({ "HttpDate": "Tue, 29 Apr 2014 18:30:38 GMT" }),
    );
    for wrong in [
        json!({ "DateTime": 1.5 }),
        json!({ "DateTime": "2024-01-01T00:00:00+01:00" }),
        json!({ "DateTime": "2024-01-01 00:00:00Z" }),
        json!({ "DateTime": "Tue, 29 Apr 2014 18:30:38 GMT" }),
        json!({ "HttpDate": "2024-01-01T00:00:00Z" }),
        json!({ "HttpDate": 1 }),
    ] {
        assert!(
            type_error(&FORMATTED, wrong.clone()).contains("expected a timestamp"),
            "{wrong}"
        );
    }
}

#[test]
fn timestamps_are_read_as_the_deserializer_reads_them() {
    // Seconds too far out for any instant were accepted here and then
    // failed in serde.
    assert_eq!(
        type_error(&SCALARS, json!({ "Timestamp": 1e300 })),
        "Unexpected value type at 'timestamp': expected a timestamp (epoch seconds), found a decimal number"
    );
    assert_eq!(
        type_error(&SCALARS, json!({ "Timestamp": i64::MAX })),
        "Unexpected value type at 'timestamp': expected a timestamp (epoch seconds), found an integer"
    );
}

static VALIDATION_EXCEPTION: Shape =
    shape("smithy.framework#ValidationException", Kind::Structure(&[]));

const SMITHY: Rules = Rules {
    wording: Wording::Smithy(&VALIDATION_EXCEPTION),
    null_item_is_malformed: true,
};

#[test]
fn smithy_wording_lists_every_violation_with_its_json_pointer() {
    let mut body = json!({
        "Name": "",
        "Tags": { "a/b": "way too long a value" },
        "Numbers": [1, 2, 1],
    });
    let error = validate(&mut body, &SMITHY_CHECKED, SMITHY).unwrap_err();
    assert_eq!((error.status, error.code), (400, "ValidationException"));
    assert_eq!(error.namespace, "smithy.framework");
    assert_eq!(
        Value::Object(error.body),
        json!({
            "message": "3 validation errors detected. \
                Value with length 0 at '/Name' failed to satisfy constraint: Member must have length between 1 and 4, inclusive; \
                Value with length 20 at '/Tags/a~1b' failed to satisfy constraint: Member must have length less than or equal to 4; \
                Value at '/Numbers' failed to satisfy constraint: Member must have unique values",
            "fieldList": [
                { "path": "/Name", "message": "Value with length 0 at '/Name' failed to satisfy constraint: Member must have length between 1 and 4, inclusive" },
                { "path": "/Tags/a~1b", "message": "Value with length 20 at '/Tags/a~1b' failed to satisfy constraint: Member must have length less than or equal to 4" },
                { "path": "/Numbers", "message": "Value at '/Numbers' failed to satisfy constraint: Member must have unique values" },
            ],
        })
    );
}

static SHORT_TEXT: Shape = shape("test#ShortText", Kind::String);
static TAG_MAP: Shape = shape(
    "test#TagMap",
    Kind::Map {
        key: &member("key", &STRING),
        value: &Member {
            constraints: length(None, Some(4)),
            ..member("value", &SHORT_TEXT)
        },
        sparse: false,
    },
);
static NUMBER_LIST: Shape = shape(
    "test#NumberList",
    Kind::List {
        member: &member("member", &INTEGER),
        sparse: false,
    },
);
static SMITHY_CHECKED: Shape = shape(
    "test#SmithyChecked",
    Kind::Structure(&[
        Member {
            constraints: length(Some(1), Some(4)),
            ..member("Name", &SHORT_TEXT)
        },
        member("Tags", &TAG_MAP),
        Member {
            constraints: Constraints {
                unique_items: true,
                ..Constraints::NONE
            },
            ..member("Numbers", &NUMBER_LIST)
        },
    ]),
);
