//! The loading rules end to end: JSON fragments in, assembled, flattened
//! and written models out.

use std::sync::Arc;

use serde_json::{json, Value};

use super::*;

/// Reads each `(file, document)` and assembles them in order.
fn load(files: &[(&str, Value)]) -> Result<AstModel, LoadError> {
    let mut fragments = Vec::new();
    for (file, document) in files {
        fragments.push(read_json(file, &document.to_string())?);
    }
    assemble(fragments)
}

fn load_one(shapes: Value) -> Result<AstModel, LoadError> {
    load(&[("a.json", json!({ "smithy": "2.0", "shapes": shapes }))])
}

#[track_caller]
fn message(result: Result<AstModel, LoadError>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

fn member_names(shape: &AstShape) -> Vec<&str> {
    shape.members.iter().map(|m| m.name.as_str()).collect()
}

fn string_member(name: &str) -> AstMember {
    AstMember {
        name: name.into(),
        target: "smithy.api#String".into(),
        traits: Traits::new(),
        source: Source::default(),
    }
}

fn elided(name: &str) -> AstMember {
    AstMember {
        target: String::new(),
        ..string_member(name)
    }
}

fn location(file: &str, line: u32, column: u32) -> Source {
    Source(Some(Location {
        file: Arc::from(file),
        line,
        column,
    }))
}

// ---- metadata -------------------------------------------------------------

#[test]
fn metadata_merges_across_files() {
    let model = load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "metadata": { "list": [1], "same": "x", "only": true } }),
        ),
        (
            "b.json",
            json!({ "smithy": "1.0", "metadata": { "list": [2, 3], "same": "x" } }),
        ),
    ])
    .unwrap();
    assert_eq!(model.metadata["list"], json!([1, 2, 3]));
    assert_eq!(model.metadata["same"], "x");
    assert_eq!(model.metadata["only"], true);
}

#[test]
fn conflicting_metadata_names_both_places() {
    let error = message(load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "metadata": { "k": "x" } }),
        ),
        (
            "b.json",
            json!({ "smithy": "2.0", "metadata": { "k": "y" } }),
        ),
    ]));
    assert_eq!(
        error,
        "b.json:1:29: metadata `k` is defined differently at a.json:1:29 and b.json:1:29"
    );
}

#[test]
fn one_file_loaded_twice_does_not_double_its_lists() {
    let fragment = read_json(
        "a.json",
        &json!({ "smithy": "2.0", "metadata": { "k": [1] } }).to_string(),
    )
    .unwrap();
    let model = assemble(vec![fragment.clone(), fragment]).unwrap();
    assert_eq!(model.metadata["k"], json!([1]));
}

// ---- duplicate definitions ----------------------------------------------

#[test]
fn identical_definitions_are_one_shape() {
    let shapes =
        json!({ "a#S": { "type": "string", "traits": { "smithy.api#documentation": "d" } } });
    let model = load(&[
        ("a.json", json!({ "smithy": "2.0", "shapes": shapes })),
        ("b.json", json!({ "smithy": "2.0", "shapes": shapes })),
    ])
    .unwrap();
    assert_eq!(model.shape("a#S").unwrap().kind, ShapeKind::String);
}

#[test]
fn different_definitions_conflict() {
    let error = message(load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "shapes": { "a#S": { "type": "string" } } }),
        ),
        (
            "b.json",
            json!({ "smithy": "2.0", "shapes": { "a#S": { "type": "integer" } } }),
        ),
    ]));
    assert_eq!(
        error,
        "b.json:1:27: a#S: conflicting shape definitions at a.json:1:27 and b.json:1:27"
    );
}

// ---- apply and trait merging ---------------------------------------------

#[test]
fn apply_adds_merges_and_concatenates_traits() {
    let model = load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "shapes": {
                "a#S": { "type": "string", "traits": {
                    "smithy.api#tags": ["a"], "smithy.api#documentation": "d" } }
            } }),
        ),
        (
            "b.json",
            json!({ "smithy": "2.0", "shapes": {
                "a#S": { "type": "apply", "traits": {
                    "smithy.api#tags": ["b"], "smithy.api#documentation": "d",
                    "smithy.api#sensitive": {} } }
            } }),
        ),
    ])
    .unwrap();
    let traits = &model.shape("a#S").unwrap().traits;
    assert_eq!(traits["smithy.api#tags"], json!(["a", "b"]));
    assert_eq!(traits["smithy.api#documentation"], "d");
    assert!(traits.contains_key("smithy.api#sensitive"));
}

#[test]
fn conflicting_trait_values_name_both_places() {
    let error = message(load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "shapes": {
                "a#S": { "type": "string", "traits": { "smithy.api#documentation": "x" } }
            } }),
        ),
        (
            "b.json",
            json!({ "smithy": "2.0", "shapes": {
                "a#S": { "type": "apply", "traits": { "smithy.api#documentation": "y" } }
            } }),
        ),
    ]));
    assert_eq!(
        error,
        "b.json:1:27: a#S: conflicting values of trait `smithy.api#documentation`, \
         at a.json:1:27 and b.json:1:27"
    );
}

#[test]
fn apply_to_an_inherited_member_redeclares_it() {
    let model = load_one(json!({
        "a#M": { "type": "structure", "members": { "x": { "target": "smithy.api#String" } },
                 "traits": { "smithy.api#mixin": {} } },
        "a#S": { "type": "structure", "mixins": [{ "target": "a#M" }], "members": {} },
        "a#S$x": { "type": "apply", "traits": { "smithy.api#required": {} } }
    }))
    .unwrap();
    let s = model.shape("a#S").unwrap();
    assert_eq!(member_names(s), ["x"]);
    assert_eq!(s.members[0].target, "smithy.api#String");
    assert!(s.members[0].traits.contains_key("smithy.api#required"));
    // The mixin itself is untouched.
    assert!(model.shape("a#M").unwrap().members[0].traits.is_empty());
}

#[test]
fn apply_to_something_missing_or_in_the_prelude() {
    let error = message(load_one(json!({
        "a#S": { "type": "structure", "members": {} },
        "a#S$y": { "type": "apply", "traits": { "smithy.api#required": {} } }
    })));
    assert_eq!(
        error,
        "a.json:1:67: apply: refers to a#S$y, which is not in the model"
    );
    let error = message(load_one(json!({
        "smithy.api#String": { "type": "apply", "traits": { "smithy.api#sensitive": {} } }
    })));
    assert!(
        error.ends_with(
            "smithy.api#String: cannot apply smithy.api#sensitive to a prelude shape; \
             `smithy.api` cannot change"
        ),
        "{error}"
    );
}

// ---- elided targets ---------------------------------------------------------

fn bound_fragment(members: Vec<AstMember>, mixins: &[&str]) -> Fragment {
    let mut resource = AstShape::new("a#R", ShapeKind::Resource);
    resource
        .identifiers
        .insert("id".into(), "smithy.api#String".into());
    resource
        .identifiers
        .insert("both".into(), "smithy.api#String".into());
    resource
        .properties
        .insert("both".into(), "smithy.api#Integer".into());
    let mut mixin = AstShape::new("a#M", ShapeKind::Structure);
    mixin.traits.insert("smithy.api#mixin".into(), json!({}));
    mixin.members.push(AstMember {
        target: "smithy.api#Long".into(),
        ..string_member("fromMixin")
    });
    mixin.members.push(AstMember {
        target: "smithy.api#Boolean".into(),
        ..string_member("id")
    });
    let mut shape = AstShape::new("a#S", ShapeKind::Structure);
    shape.members = members;
    shape.mixins = mixins.iter().map(|m| (*m).to_owned()).collect();
    Fragment {
        file: Arc::from("a.smithy"),
        version: "2.0".into(),
        shapes: vec![resource, mixin, shape],
        bindings: vec![ResourceBinding {
            shape: "a#S".into(),
            resource: "a#R".into(),
            source: location("a.smithy", 9, 1),
        }],
        ..Fragment::default()
    }
}

#[test]
fn elided_targets_come_from_the_resource_then_mixins() {
    let model = assemble(vec![bound_fragment(
        vec![elided("both"), elided("fromMixin")],
        &["a#M"],
    )])
    .unwrap();
    let s = model.shape("a#S").unwrap();
    // A property wins over an identifier of the same name.
    assert_eq!(s.member("both").unwrap().target, "smithy.api#Integer");
    // `$fromMixin` alone redeclares the mixin's member and adds nothing, so
    // it is inherited, not local, as the JSON AST would write it.
    assert!(s.member("fromMixin").is_none());
    let flat = model.flatten_mixins();
    let flat_s = flat.shape("a#S").unwrap();
    assert_eq!(
        flat_s.member("fromMixin").unwrap().target,
        "smithy.api#Long"
    );
}

#[test]
fn elided_target_found_nowhere() {
    let mut fragment = bound_fragment(vec![elided("nope")], &[]);
    fragment.shapes[2].members[0].source = location("a.smithy", 10, 5);
    assert_eq!(
        message(assemble(vec![fragment])),
        "a.smithy:10:5: a#S$nope: Member target was elided, but no bound resource or mixin \
         contained a matching identifier or member name."
    );
}

#[test]
fn resource_and_mixin_disagreeing_on_an_elided_target() {
    let error = message(assemble(vec![bound_fragment(vec![elided("id")], &["a#M"])]));
    assert_eq!(
        error,
        "a#S$id: Member conflicts with an inherited mixin member: `a#M$id`"
    );
}

#[test]
fn for_must_name_a_resource() {
    let mut fragment = bound_fragment(vec![elided("id")], &[]);
    fragment.bindings[0].resource = "a#M".into();
    assert_eq!(
        message(assemble(vec![fragment])),
        "a#S$id: The target of the `for` production must be a resource shape, but found a \
         structure shape: a#M"
    );
}

// ---- mixins -------------------------------------------------------------------

#[test]
fn mixins_of_another_type() {
    let error = message(load_one(json!({
        "a#M": { "type": "string", "traits": { "smithy.api#mixin": {} } },
        "a#N": { "type": "integer", "traits": { "smithy.api#mixin": {} } },
        "a#S": { "type": "structure", "mixins": [{ "target": "a#N" }, { "target": "a#M" }],
                 "members": {} }
    })));
    assert!(
        error.ends_with(
            "a#S: Mixins may only be mixed into shapes of the same type. The following mixins \
             were applied to the structure shape `a#S` which are not structure shapes: \
             [`a#M`, `a#N`]"
        ),
        "{error}"
    );
}

fn two_mixins_with_member_a(first: &str, second: &str, local: Option<&str>) -> Value {
    let mut members = serde_json::Map::new();
    if let Some(target) = local {
        members.insert("a".into(), json!({ "target": target }));
    }
    json!({
        "a#A1": { "type": "structure", "members": { "a": { "target": first } },
                  "traits": { "smithy.api#mixin": {} } },
        "a#A2": { "type": "structure", "members": { "a": { "target": second } },
                  "traits": { "smithy.api#mixin": {} } },
        "a#S": { "type": "structure", "mixins": [{ "target": "a#A1" }, { "target": "a#A2" }],
                 "members": members }
    })
}

#[test]
fn member_conflicts_with_mixin_members() {
    // A local member against the mixin that disagrees with it.
    let error = message(load_one(two_mixins_with_member_a(
        "smithy.api#Integer",
        "smithy.api#String",
        Some("smithy.api#Integer"),
    )));
    assert!(
        error.ends_with("a#S$a: Member conflicts with an inherited mixin member: `a#A2$a`"),
        "{error}"
    );
    // Two mixins against each other.
    let error = message(load_one(two_mixins_with_member_a(
        "smithy.api#String",
        "smithy.api#Integer",
        None,
    )));
    assert!(
        error.ends_with("a#S$a: Member conflicts with an inherited mixin member: `a#S$a`"),
        "{error}"
    );
    // Agreeing is fine.
    load_one(two_mixins_with_member_a(
        "smithy.api#String",
        "smithy.api#String",
        Some("smithy.api#String"),
    ))
    .unwrap();
}

#[test]
fn mixin_cycles_name_the_chain() {
    let error = message(load_one(json!({
        "a#A": { "type": "structure", "mixins": [{ "target": "a#B" }], "members": {},
                 "traits": { "smithy.api#mixin": {} } },
        "a#B": { "type": "structure", "mixins": [{ "target": "a#A" }], "members": {},
                 "traits": { "smithy.api#mixin": {} } }
    })));
    assert!(
        error.ends_with("a#A: a#A -> a#B -> a#A: mixins form a cycle"),
        "{error}"
    );
}

#[test]
fn operation_and_resource_mixins_declare_nothing() {
    let error = message(load_one(json!({
        "a#Op": { "type": "operation", "input": { "target": "a#In" },
                  "traits": { "smithy.api#mixin": {} } },
        "a#In": { "type": "structure", "members": {} }
    })));
    assert!(
        error.ends_with(
            "a#Op: Operation shapes with the mixin trait MUST target `smithy.api#Unit` for \
             their input and output. Operation mixin shape `a#Op` defines one or both of \
             these properties."
        ),
        "{error}"
    );
    load_one(json!({
        "a#Op": { "type": "operation", "input": { "target": "smithy.api#Unit" },
                  "errors": [{ "target": "a#E" }], "traits": { "smithy.api#mixin": {} } }
    }))
    .unwrap();
    let error = message(load_one(json!({
        "a#R": { "type": "resource", "properties": { "p": { "target": "smithy.api#String" } },
                 "traits": { "smithy.api#mixin": {} } }
    })));
    assert!(
        error.ends_with(
            "a#R: Resource shapes with the mixin trait may not define any properties. \
             Resource mixin shape `a#R` defines one or more properties."
        ),
        "{error}"
    );
}

// ---- required members and enums --------------------------------------------

#[test]
fn lists_and_maps_need_their_members() {
    let error = message(load_one(json!({ "a#L": { "type": "list" } })));
    assert!(
        error.ends_with("Missing required member of shape `a#L`: member"),
        "{error}"
    );
    let error = message(load_one(json!({ "a#M": { "type": "map" } })));
    assert!(
        error.ends_with("Missing required members of shape `a#M`: key, value"),
        "{error}"
    );
    let error = message(load_one(json!({
        "a#M": { "type": "map", "key": { "target": "smithy.api#String" } }
    })));
    assert!(
        error.ends_with("Missing required member of shape `a#M`: value"),
        "{error}"
    );
    // A member from a mixin counts.
    load_one(json!({
        "a#Base": { "type": "list", "member": { "target": "smithy.api#String" },
                    "traits": { "smithy.api#mixin": {} } },
        "a#L": { "type": "list", "mixins": [{ "target": "a#Base" }] }
    }))
    .unwrap();
}

#[test]
fn enum_values() {
    let model = load_one(json!({
        "a#E": { "type": "enum", "members": {
            "PLAIN": { "target": "smithy.api#Unit" },
            "SET": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "s" } }
        } }
    }))
    .unwrap();
    let e = model.shape("a#E").unwrap();
    assert_eq!(
        e.member("PLAIN").unwrap().traits["smithy.api#enumValue"],
        "PLAIN"
    );
    assert_eq!(e.member("SET").unwrap().traits["smithy.api#enumValue"], "s");

    let cases = [
        (
            json!({ "type": "enum", "members": {} }),
            "a#E: enum must have at least one entry",
        ),
        (
            json!({ "type": "intEnum", "members": {} }),
            "a#E: intEnum shapes must have at least one member",
        ),
        (
            json!({ "type": "enum", "members": { "X": { "target": "smithy.api#Unit",
                "traits": { "smithy.api#enumValue": 10 } } } }),
            "a#E$X: enum members can only be assigned string values, but found: 10",
        ),
        (
            json!({ "type": "intEnum", "members": { "X": { "target": "smithy.api#Unit",
                "traits": { "smithy.api#enumValue": "Abc" } } } }),
            "a#E$X: intEnum members require integer values, but found: \"Abc\"",
        ),
        (
            json!({ "type": "intEnum", "members": { "X": { "target": "smithy.api#Unit",
                "traits": { "smithy.api#enumValue": 1.5 } } } }),
            "a#E$X: intEnum members do not support floating point values: 1.5",
        ),
        (
            json!({ "type": "intEnum", "members": { "X": { "target": "smithy.api#Unit",
                "traits": { "smithy.api#enumValue": 2147483648u64 } } } }),
            "a#E$X: intEnum members must fit within an integer, but found: 2147483648",
        ),
    ];
    for (shape, expected) in cases {
        let error = message(load_one(json!({ "a#E": shape })));
        assert!(error.ends_with(expected), "{error}");
    }
}

#[test]
fn enum_members_redeclared_from_a_mixin_keep_the_inherited_value() {
    let model = load_one(json!({
        "a#Base": { "type": "enum", "members": { "A": { "target": "smithy.api#Unit",
            "traits": { "smithy.api#enumValue": "a" } } },
            "traits": { "smithy.api#mixin": {} } },
        "a#E": { "type": "enum", "mixins": [{ "target": "a#Base" }], "members": {
            "A": { "target": "smithy.api#Unit", "traits": { "smithy.api#documentation": "d" } },
            "B": { "target": "smithy.api#Unit" } } }
    }))
    .unwrap();
    let flat = model.flatten_mixins();
    let e = flat.shape("a#E").unwrap();
    assert_eq!(e.member("A").unwrap().traits["smithy.api#enumValue"], "a");
    assert_eq!(
        e.member("A").unwrap().traits["smithy.api#documentation"],
        "d"
    );
    assert_eq!(e.member("B").unwrap().traits["smithy.api#enumValue"], "B");
}

// ---- flattening -------------------------------------------------------------

#[test]
fn flattening_orders_members_and_layers_traits() {
    let model = load_one(json!({
        "a#A1": { "type": "structure", "members": {
                    "a": { "target": "smithy.api#String",
                           "traits": { "smithy.api#private": {}, "smithy.api#tags": ["a"] } } },
                  "traits": { "smithy.api#mixin": {}, "smithy.api#tags": ["one"],
                              "smithy.api#documentation": "A1" } },
        "a#A2": { "type": "structure", "members": {
                    "a": { "target": "smithy.api#String",
                           "traits": { "smithy.api#required": {}, "smithy.api#tags": ["b"] } },
                    "z": { "target": "smithy.api#String" } },
                  "traits": { "smithy.api#mixin": { "localTraits": ["smithy.api#internal"] },
                              "smithy.api#internal": {}, "smithy.api#documentation": "A2" } },
        "a#S": { "type": "structure", "mixins": [{ "target": "a#A1" }, { "target": "a#A2" }],
                 "members": {
                     "c": { "target": "smithy.api#Integer" },
                     "z": { "target": "smithy.api#String",
                            "traits": { "smithy.api#documentation": "local" } } },
                 "traits": { "smithy.api#since": "1" } }
    }))
    .unwrap();
    let flat = model.flatten_mixins();
    assert!(flat.shape("a#A1").is_none() && flat.shape("a#A2").is_none());
    let s = flat.shape("a#S").unwrap();
    assert!(s.mixins.is_empty());
    // Inherited members first, a redeclared one where it was inherited.
    assert_eq!(member_names(s), ["a", "z", "c"]);
    let a = &s.members[0].traits;
    assert!(a.contains_key("smithy.api#private") && a.contains_key("smithy.api#required"));
    // The later mixin's value wins; member traits do not concatenate.
    assert_eq!(a["smithy.api#tags"], json!(["b"]));
    assert_eq!(s.members[1].traits["smithy.api#documentation"], "local");
    // Later mixins override earlier ones; local and `mixin` traits stay home.
    assert_eq!(s.traits["smithy.api#documentation"], "A2");
    assert_eq!(s.traits["smithy.api#tags"], json!(["one"]));
    assert_eq!(s.traits["smithy.api#since"], "1");
    assert!(!s.traits.contains_key("smithy.api#internal"));
    assert!(!s.traits.contains_key("smithy.api#mixin"));
}

#[test]
fn flattening_nested_mixins_and_service_properties() {
    let model = load_one(json!({
        "a#Base": { "type": "service", "version": "1", "operations": [{ "target": "a#Op1" }],
                    "errors": [{ "target": "a#E1" }], "rename": { "b#X": "BX" },
                    "traits": { "smithy.api#mixin": {} } },
        "a#Middle": { "type": "service", "mixins": [{ "target": "a#Base" }],
                      "errors": [{ "target": "a#E2" }],
                      "traits": { "smithy.api#mixin": {}, "smithy.api#title": "t" } },
        "a#Svc": { "type": "service", "mixins": [{ "target": "a#Middle" }],
                   "operations": [{ "target": "a#Op2" }, { "target": "a#Op1" }],
                   "rename": { "b#Y": "BY" } }
    }))
    .unwrap();
    let flat = model.flatten_mixins();
    let svc = flat.shape("a#Svc").unwrap();
    assert_eq!(svc.version.as_deref(), Some("1"));
    assert_eq!(svc.references["operations"], ["a#Op1", "a#Op2"]);
    assert_eq!(svc.references["errors"], ["a#E1", "a#E2"]);
    assert_eq!(svc.rename.len(), 2);
    assert_eq!(svc.traits["smithy.api#title"], "t");
    assert_eq!(
        flat.shapes.keys().filter(|k| k.starts_with("a#")).count(),
        1
    );
}

// ---- writing -------------------------------------------------------------------

#[test]
fn written_like_smithy_ast() {
    let model = load(&[
        (
            "a.json",
            json!({ "smithy": "2.0", "shapes": {
        "a#Svc": { "type": "service", "version": "1",
                   "operations": [{ "target": "a#Op" }],
                   "traits": { "smithy.api#documentation": "svc" } },
        "a#Op": { "type": "operation", "errors": [{ "target": "a#Z" }, { "target": "a#B" }] },
        "a#M": { "type": "structure", "members": { "x": { "target": "smithy.api#String" } },
                 "traits": { "smithy.api#mixin": {} } },
        "a#S": { "type": "structure", "mixins": [{ "target": "a#M" }],
                 "members": { "y": { "target": "smithy.api#String" } } },
        "a#S$x": { "type": "apply", "traits": { "smithy.api#required": {} } }
        } }),
        ),
        (
            "b.json",
            json!({ "smithy": "1.0", "shapes": {
            "a#Set": { "type": "set", "member": { "target": "smithy.api#String" } } } }),
        ),
    ])
    .unwrap();
    let expected = r#"{
    "smithy": "2.0",
    "shapes": {
        "a#M": {
            "type": "structure",
            "members": {
                "x": {
                    "target": "smithy.api#String"
                }
            },
            "traits": {
                "smithy.api#mixin": {}
            }
        },
        "a#Op": {
            "type": "operation",
            "input": {
                "target": "smithy.api#Unit"
            },
            "output": {
                "target": "smithy.api#Unit"
            },
            "errors": [
                {
                    "target": "a#Z"
                },
                {
                    "target": "a#B"
                }
            ]
        },
        "a#S": {
            "type": "structure",
            "mixins": [
                {
                    "target": "a#M"
                }
            ],
            "members": {
                "y": {
                    "target": "smithy.api#String"
                }
            }
        },
        "a#S$x": {
            "type": "apply",
            "traits": {
                "smithy.api#required": {}
            }
        },
        "a#Set": {
            "type": "list",
            "member": {
                "target": "smithy.api#String"
            },
            "traits": {
                "smithy.api#uniqueItems": {}
            }
        },
        "a#Svc": {
            "type": "service",
            "version": "1",
            "operations": [
                {
                    "target": "a#Op"
                }
            ],
            "traits": {
                "smithy.api#documentation": "svc"
            }
        }
    }
}
"#;
    assert_eq!(write_json(&model), expected);
    // What was written reads back as the same model, flattened.
    let again = load(&[("b.json", serde_json::from_str(expected).unwrap())]).unwrap();
    let flat = again.flatten_mixins();
    let s = flat.shape("a#S").unwrap();
    assert_eq!(member_names(s), ["x", "y"]);
    assert!(s.members[0].traits.contains_key("smithy.api#required"));
}

#[test]
fn metadata_is_written_with_sorted_keys() {
    let model = load(&[(
        "a.json",
        json!({ "smithy": "2.0", "metadata": { "b": { "z": 1, "a": 2 }, "a": [] } }),
    )])
    .unwrap();
    let written = write_json(&model);
    let value: Value = serde_json::from_str(&written).unwrap();
    let keys: Vec<&String> = value["metadata"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "b"]);
    let keys: Vec<&String> = value["metadata"]["b"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "z"]);
    assert!(!written.contains("smithy.api#String"));
}

// ---- what each Smithy version allows ---------------------------------------

#[test]
fn version_rules() {
    let in_version = |version: &str, shapes: Value| {
        message(load(&[(
            "a.json",
            json!({ "smithy": version, "shapes": shapes }),
        )]))
    };
    let cases = [
        (
            "1.0",
            json!({ "a#E": { "type": "enum", "members": { "A": { "target": "smithy.api#Unit" } } } }),
            "a#E: enum shapes cannot be used in Smithy version 1.0",
        ),
        (
            "1",
            json!({ "a#M": { "type": "structure", "members": {},
                             "traits": { "smithy.api#mixin": {} } } }),
            "a#M: Mixins can only be used in Smithy 2.0 or later. Attempted to apply a @mixin \
             trait to `a#M` in a model file using version `1.0`.",
        ),
        (
            "1.0",
            json!({ "a#S": { "type": "structure", "members": { "x": {
                "target": "smithy.api#Integer", "traits": { "smithy.api#default": 0 } } } } }),
            "a#S$x: The @default trait can only be used in Smithy 2.0 or later",
        ),
        (
            "2",
            json!({ "a#I": { "type": "integer", "traits": { "smithy.api#box": {} } } }),
            "a#I: @box is not supported in Smithy IDL 2.0",
        ),
        (
            "1.0",
            json!({ "a#R": { "type": "resource",
                             "properties": { "p": { "target": "smithy.api#String" } } } }),
            "a#R: Resource properties can only be used with Smithy version 2 or later. \
             Attempted to use resource properties with version `1.0`.",
        ),
    ];
    for (version, shapes, expected) in cases {
        let error = in_version(version, shapes);
        assert!(error.ends_with(expected), "{error}");
    }
    // A 1.0 set is a list of unique items to the generator.
    let model = load(&[(
        "a.json",
        json!({ "smithy": "1.0", "shapes": {
            "a#S": { "type": "set", "member": { "target": "smithy.api#String" } } } }),
    )])
    .unwrap();
    let generator = crate::Model::from(&model);
    let set = generator.shape("a#S").unwrap();
    assert_eq!(set.kind, crate::model::ShapeType::List);
    assert!(set.has_trait("smithy.api#uniqueItems"));
}
