//! The checks Smithy's loader makes while building shapes: required members
//! of lists and maps, enum values, and what mixin operations and resources
//! may not declare. Messages follow Smithy's, so users find them documented.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::mixin_graph::{error_at, Member};
use super::{AstShape, LoadError, ShapeKind};

const UNIT: &str = "smithy.api#Unit";
const MIXIN: &str = "smithy.api#mixin";
const ENUM_VALUE: &str = "smithy.api#enumValue";

pub(crate) fn check(
    shapes: &BTreeMap<String, AstShape>,
    members_of: &HashMap<String, Vec<Member>>,
) -> Result<(), LoadError> {
    for shape in shapes.values() {
        let has = |name: &str| {
            shape.member(name).is_some()
                || members_of
                    .get(&shape.id)
                    .is_some_and(|all| all.iter().any(|m| m.name == name))
        };
        let member_count = members_of
            .get(&shape.id)
            .map_or(shape.members.len(), Vec::len);
        match shape.kind {
            ShapeKind::List | ShapeKind::Set if !has("member") => {
                return Err(error_at(
                    &shape.source,
                    format!("Missing required member of shape `{}`: member", shape.id),
                ));
            }
            ShapeKind::Map => {
                let missing: Vec<&str> = ["key", "value"]
                    .into_iter()
                    .filter(|name| !has(name))
                    .collect();
                if !missing.is_empty() {
                    let plural = if missing.len() > 1 {
                        "members"
                    } else {
                        "member"
                    };
                    return Err(error_at(
                        &shape.source,
                        format!(
                            "Missing required {plural} of shape `{}`: {}",
                            shape.id,
                            missing.join(", ")
                        ),
                    ));
                }
            }
            ShapeKind::Enum => {
                if member_count == 0 {
                    return Err(error_at(
                        &shape.source,
                        format!("{}: enum must have at least one entry", shape.id),
                    ));
                }
                for member in &shape.members {
                    match member.traits.get(ENUM_VALUE) {
                        None | Some(Value::String(_)) => {}
                        Some(other) => {
                            return Err(error_at(
                                &member.source,
                                format!(
                                    "{}${}: enum members can only be assigned string values, \
                                     but found: {other}",
                                    shape.id, member.name
                                ),
                            ))
                        }
                    }
                }
            }
            ShapeKind::IntEnum => {
                if member_count == 0 {
                    return Err(error_at(
                        &shape.source,
                        format!("{}: intEnum shapes must have at least one member", shape.id),
                    ));
                }
                for member in &shape.members {
                    let Some(value) = member.traits.get(ENUM_VALUE) else {
                        continue;
                    };
                    let id = format!("{}${}", shape.id, member.name);
                    let problem = match value {
                        Value::Number(n) if n.is_f64() => Some(format!(
                            "intEnum members do not support floating point values: {n}"
                        )),
                        Value::Number(n) => match n.as_i64() {
                            Some(v) if i32::try_from(v).is_ok() => None,
                            _ => Some(format!(
                                "intEnum members must fit within an integer, but found: {n}"
                            )),
                        },
                        other => Some(format!(
                            "intEnum members require integer values, but found: {other}"
                        )),
                    };
                    if let Some(problem) = problem {
                        return Err(error_at(&member.source, format!("{id}: {problem}")));
                    }
                }
            }
            ShapeKind::Operation if shape.traits.contains_key(MIXIN) => {
                let io = ["input", "output"].into_iter().any(|property| {
                    shape
                        .references
                        .get(property)
                        .is_some_and(|targets| targets.iter().any(|t| t != UNIT))
                });
                if io {
                    return Err(error_at(
                        &shape.source,
                        format!(
                            "{}: Operation shapes with the mixin trait MUST target `{UNIT}` for \
                             their input and output. Operation mixin shape `{}` defines one or \
                             both of these properties.",
                            shape.id, shape.id
                        ),
                    ));
                }
            }
            ShapeKind::Resource
                if shape.traits.contains_key(MIXIN)
                    && (!shape.identifiers.is_empty()
                        || !shape.properties.is_empty()
                        || shape.references.values().any(|targets| !targets.is_empty())) =>
            {
                return Err(error_at(
                    &shape.source,
                    format!(
                        "{}: Resource shapes with the mixin trait may not define any \
                         properties. Resource mixin shape `{}` defines one or more properties.",
                        shape.id, shape.id
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Which Smithy version a fragment was written in, for the rules that
/// differ between them. Empty (unknown) checks nothing.
#[derive(Clone, Copy, PartialEq)]
enum Version {
    V1,
    V2,
    Unknown,
}

impl Version {
    fn of(version: &str) -> Self {
        match version {
            "1" | "1.0" => Version::V1,
            "2" | "2.0" => Version::V2,
            _ => Version::Unknown,
        }
    }
}

/// Checks what a fragment's Smithy version allows: no enum shapes, mixins,
/// defaults or resource properties in 1.0; no `@box` in 2.0. Smithy also
/// rejects `set` in 2.0, but JSON models the generator has always accepted
/// use it, so a 2.0 `set` stays a list of unique items here; the IDL parser
/// rejects the `set` keyword in 2.0 files itself.
pub(crate) fn check_version(fragment: &super::Fragment) -> Result<(), LoadError> {
    let version = Version::of(&fragment.version);
    if version == Version::Unknown {
        return Ok(());
    }
    let traits_allowed = |id: &str, traits: &super::Traits, source: &super::Source| {
        let problem = match version {
            Version::V1 if traits.contains_key(MIXIN) => Some(format!(
                "Mixins can only be used in Smithy 2.0 or later. Attempted to apply a @mixin \
                 trait to `{id}` in a model file using version `1.0`."
            )),
            Version::V1 if traits.contains_key("smithy.api#default") => {
                Some("The @default trait can only be used in Smithy 2.0 or later".to_owned())
            }
            Version::V2 if traits.contains_key("smithy.api#box") => {
                Some("@box is not supported in Smithy IDL 2.0".to_owned())
            }
            _ => None,
        };
        match problem {
            Some(problem) => Err(error_at(source, format!("{id}: {problem}"))),
            None => Ok(()),
        }
    };
    for shape in &fragment.shapes {
        if version == Version::V1 && matches!(shape.kind, ShapeKind::Enum | ShapeKind::IntEnum) {
            return Err(error_at(
                &shape.source,
                format!(
                    "{}: {} shapes cannot be used in Smithy version 1.0",
                    shape.id,
                    shape.kind.as_str()
                ),
            ));
        }
        if version == Version::V1 && !shape.properties.is_empty() {
            return Err(error_at(
                &shape.source,
                format!(
                    "{}: Resource properties can only be used with Smithy version 2 or later. \
                     Attempted to use resource properties with version `1.0`.",
                    shape.id
                ),
            ));
        }
        traits_allowed(&shape.id, &shape.traits, &shape.source)?;
        for member in &shape.members {
            let id = format!("{}${}", shape.id, member.name);
            traits_allowed(&id, &member.traits, &member.source)?;
        }
    }
    for apply in &fragment.applies {
        traits_allowed(&apply.target, &apply.traits, &apply.source)?;
    }
    Ok(())
}
