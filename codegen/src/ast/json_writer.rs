//! Writes an [`AstModel`] as a Smithy 2.0 JSON AST document, in the form
//! `smithy ast` prints: shapes sorted by id, prelude shapes left out, mixins
//! as references with only the members a shape declares itself, and traits
//! on inherited members as `apply` entries.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::prelude::NAMESPACE;
use super::{AstMember, AstModel, AstShape, ShapeKind};

const UNIT: &str = "smithy.api#Unit";

/// The document as a JSON value.
pub fn to_json_value(model: &AstModel) -> Value {
    let mut root = Map::new();
    root.insert("smithy".into(), "2.0".into());
    if !model.metadata.is_empty() {
        root.insert(
            "metadata".into(),
            sorted(&Value::Object(model.metadata.clone())),
        );
    }
    let mut entries: BTreeMap<String, Value> = BTreeMap::new();
    for shape in model.shapes.values() {
        if shape.id.split_once('#').map(|(ns, _)| ns) == Some(NAMESPACE) {
            continue;
        }
        let inherited = inherited_names(model, shape);
        entries.insert(shape.id.clone(), shape_value(shape, &inherited));
        for member in &shape.members {
            if inherited.contains(member.name.as_str()) && !member.traits.is_empty() {
                entries.insert(
                    format!("{}${}", shape.id, member.name),
                    json!({ "type": "apply", "traits": traits_value(&member.traits) }),
                );
            }
        }
    }
    root.insert(
        "shapes".into(),
        Value::Object(entries.into_iter().collect()),
    );
    Value::Object(root)
}

/// The document, pretty-printed with four-space indentation and a final
/// line break.
pub fn write_json(model: &AstModel) -> String {
    let value = to_json_value(model);
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a `Value` into memory cannot fail.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// Names of the members `shape` gets from its mixins, directly or not.
fn inherited_names<'m>(model: &'m AstModel, shape: &AstShape) -> HashSet<&'m str> {
    let mut names = HashSet::new();
    let mut seen = HashSet::new();
    let mut pending: Vec<&str> = shape.mixins.iter().map(String::as_str).collect();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(mixin) = model.shape(id) {
            names.extend(mixin.members.iter().map(|m| m.name.as_str()));
            pending.extend(mixin.mixins.iter().map(String::as_str));
        }
    }
    names
}

fn reference(id: &str) -> Value {
    json!({ "target": id })
}

/// Operations, resources and errors in the order the model lists them, as
/// Smithy keeps them (ordered sets: a repeated id is written once).
fn reference_list(ids: &[String]) -> Value {
    let mut seen = HashSet::new();
    Value::Array(
        ids.iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| reference(id))
            .collect(),
    )
}

fn traits_value(traits: &super::Traits) -> Value {
    Value::Object(
        traits
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
    )
}

fn member_value(member: &AstMember) -> Value {
    let mut object = Map::new();
    object.insert("target".into(), member.target.clone().into());
    if !member.traits.is_empty() {
        object.insert("traits".into(), traits_value(&member.traits));
    }
    Value::Object(object)
}

fn shape_value(shape: &AstShape, inherited: &HashSet<&str>) -> Value {
    let mut object = Map::new();
    // Smithy 2.0 has no `set`: it is a list of unique items.
    let kind = match shape.kind {
        ShapeKind::Set => ShapeKind::List,
        kind => kind,
    };
    object.insert("type".into(), kind.as_str().into());
    if !shape.mixins.is_empty() {
        let mixins = shape.mixins.iter().map(|m| reference(m)).collect();
        object.insert("mixins".into(), Value::Array(mixins));
    }
    let local = |name: &str| {
        shape
            .member(name)
            .filter(|_| !inherited.contains(name))
            .map(member_value)
    };
    let single = |object: &mut Map<String, Value>, property: &str| {
        if let Some(target) = shape.references.get(property).and_then(|t| t.first()) {
            object.insert(property.into(), reference(target));
        }
    };
    let list = |object: &mut Map<String, Value>, property: &str| {
        if let Some(ids) = shape.references.get(property).filter(|ids| !ids.is_empty()) {
            object.insert(property.into(), reference_list(ids));
        }
    };
    let named = |map: &BTreeMap<String, String>| {
        Value::Object(
            map.iter()
                .map(|(name, target)| (name.clone(), reference(target)))
                .collect(),
        )
    };
    match shape.kind {
        ShapeKind::List | ShapeKind::Set => {
            if let Some(member) = local("member") {
                object.insert("member".into(), member);
            }
        }
        ShapeKind::Map => {
            for name in ["key", "value"] {
                if let Some(member) = local(name) {
                    object.insert(name.into(), member);
                }
            }
        }
        ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum | ShapeKind::IntEnum => {
            let members = shape
                .members
                .iter()
                .filter(|m| !inherited.contains(m.name.as_str()))
                .map(|m| (m.name.clone(), member_value(m)))
                .collect();
            object.insert("members".into(), Value::Object(members));
        }
        ShapeKind::Operation => {
            for property in ["input", "output"] {
                let target = shape
                    .references
                    .get(property)
                    .and_then(|t| t.first())
                    .map_or(UNIT, String::as_str);
                object.insert(property.into(), reference(target));
            }
            list(&mut object, "errors");
        }
        ShapeKind::Resource => {
            if !shape.identifiers.is_empty() {
                object.insert("identifiers".into(), named(&shape.identifiers));
            }
            if !shape.properties.is_empty() {
                object.insert("properties".into(), named(&shape.properties));
            }
            for property in ["put", "create", "read", "update", "delete", "list"] {
                single(&mut object, property);
            }
            for property in ["operations", "collectionOperations", "resources"] {
                list(&mut object, property);
            }
        }
        ShapeKind::Service => {
            if let Some(version) = shape.version.as_deref().filter(|v| !v.trim().is_empty()) {
                object.insert("version".into(), version.into());
            }
            for property in ["operations", "resources", "errors"] {
                list(&mut object, property);
            }
            if !shape.rename.is_empty() {
                let rename = shape
                    .rename
                    .iter()
                    .map(|(from, to)| (from.clone(), Value::String(to.clone())))
                    .collect();
                object.insert("rename".into(), Value::Object(rename));
            }
        }
        _ => {}
    }
    let mut traits = shape.traits.clone();
    if shape.kind == ShapeKind::Set {
        traits
            .entry("smithy.api#uniqueItems".into())
            .or_insert_with(|| json!({}));
    }
    if !traits.is_empty() {
        object.insert("traits".into(), traits_value(&traits));
    }
    Value::Object(object)
}

/// `value` with the keys of every object sorted, as Smithy prints metadata.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
