//! The Smithy 2.0 JSON AST, loaded as it is written, with mixins and `apply`
//! statements resolved and the prelude added. No Rust naming happens here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

pub type Traits = BTreeMap<String, Value>;

/// A loaded model: every shape by absolute id.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub shapes: BTreeMap<String, Shape>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShapeType {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum,
    IntEnum,
    List,
    Map,
    Structure,
    Union,
    Operation,
    Service,
    Resource,
}

impl ShapeType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "blob" => Self::Blob,
            "boolean" => Self::Boolean,
            "string" => Self::String,
            "byte" => Self::Byte,
            "short" => Self::Short,
            "integer" => Self::Integer,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bigInteger" => Self::BigInteger,
            "bigDecimal" => Self::BigDecimal,
            "timestamp" => Self::Timestamp,
            "document" => Self::Document,
            "enum" => Self::Enum,
            "intEnum" => Self::IntEnum,
            // IDL 1.0's `set` is a list whose items are unique.
            "list" | "set" => Self::List,
            "map" => Self::Map,
            "structure" => Self::Structure,
            "union" => Self::Union,
            "operation" => Self::Operation,
            "service" => Self::Service,
            "resource" => Self::Resource,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Shape {
    pub id: String,
    pub kind: ShapeType,
    /// Structure, union and enum members, a list's `member`, or a map's `key`
    /// and `value`, in model order.
    pub members: Vec<Member>,
    pub traits: Traits,
    /// Shape references of services, resources and operations, by property
    /// (`input`, `output`, `errors`, `operations`, `resources`, `read`, …).
    pub references: BTreeMap<String, Vec<String>>,
    pub version: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub target: String,
    pub traits: Traits,
}

impl Shape {
    pub fn has_trait(&self, name: &str) -> bool {
        self.traits.contains_key(name)
    }

    pub fn reference(&self, property: &str) -> &[String] {
        self.references.get(property).map_or(&[], Vec::as_slice)
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

const REFERENCE_PROPERTIES: &[&str] = &[
    "input",
    "output",
    "errors",
    "operations",
    "collectionOperations",
    "resources",
    "create",
    "put",
    "read",
    "update",
    "delete",
    "list",
];

impl Model {
    /// Parses a JSON AST document.
    pub fn from_json(text: &str) -> Result<Self> {
        let document: Value =
            serde_json::from_str(text).map_err(|e| Error::Parse(e.to_string()))?;
        let root = document
            .as_object()
            .ok_or_else(|| Error::Parse("the top level is not a JSON object".into()))?;
        match root.get("smithy").and_then(Value::as_str) {
            Some(v) if v.starts_with('1') || v.starts_with('2') => {}
            Some(v) => return Err(Error::Parse(format!("unsupported Smithy version {v}"))),
            None => {
                return Err(Error::Parse(
                    "missing the \"smithy\" version property".into(),
                ))
            }
        }
        let mut model = Model::default();
        let mut applies = Vec::new();
        let mut mixins = BTreeMap::new();
        if let Some(shapes) = root.get("shapes") {
            let shapes = shapes
                .as_object()
                .ok_or_else(|| Error::Parse("\"shapes\" is not an object".into()))?;
            for (id, body) in shapes {
                let body = body
                    .as_object()
                    .ok_or_else(|| Error::invalid(id, "shape is not a JSON object"))?;
                let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
                if kind == "apply" {
                    applies.push((id.clone(), traits_of(id, body)?));
                    continue;
                }
                let shape = parse_shape(id, kind, body)?;
                if let Some(list) = body.get("mixins") {
                    mixins.insert(id.clone(), targets(id, list)?);
                }
                model.shapes.insert(id.clone(), shape);
            }
        }
        for shape in prelude() {
            model.shapes.entry(shape.id.clone()).or_insert(shape);
        }
        model.resolve_mixins(&mixins)?;
        model.apply(applies)?;
        Ok(model)
    }

    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// Copies members and traits from mixins into the shapes that use them,
    /// mixins first, as the specification orders them.
    fn resolve_mixins(&mut self, mixins: &BTreeMap<String, Vec<String>>) -> Result<()> {
        let mut done = BTreeMap::new();
        for id in mixins.keys() {
            self.resolve_mixin(id, mixins, &mut done, &mut Vec::new())?;
        }
        Ok(())
    }

    fn resolve_mixin(
        &mut self,
        id: &str,
        mixins: &BTreeMap<String, Vec<String>>,
        done: &mut BTreeMap<String, ()>,
        stack: &mut Vec<String>,
    ) -> Result<()> {
        if done.contains_key(id) {
            return Ok(());
        }
        if stack.iter().any(|s| s == id) {
            return Err(Error::invalid(id, "mixins form a cycle"));
        }
        let Some(uses) = mixins.get(id) else {
            return Ok(());
        };
        stack.push(id.to_owned());
        let mut members = Vec::new();
        let mut traits = Traits::new();
        for mixin in uses {
            self.resolve_mixin(mixin, mixins, done, stack)?;
            let source = self.shapes.get(mixin).ok_or_else(|| Error::Missing {
                shape: id.into(),
                target: mixin.clone(),
            })?;
            let local: Vec<String> = source
                .traits
                .get("smithy.api#mixin")
                .and_then(|m| m.get("localTraits"))
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for (name, value) in &source.traits {
                if name != "smithy.api#mixin" && !local.contains(name) {
                    traits.insert(name.clone(), value.clone());
                }
            }
            for member in &source.members {
                if !members.iter().any(|m: &Member| m.name == member.name) {
                    members.push(member.clone());
                }
            }
        }
        stack.pop();
        let shape = self
            .shapes
            .get_mut(id)
            .ok_or_else(|| Error::invalid(id, "unknown shape"))?;
        for own in shape.members.drain(..) {
            match members.iter_mut().find(|m| m.name == own.name) {
                // A member redeclared locally may only add traits.
                Some(inherited) => inherited.traits.extend(own.traits),
                None => members.push(own),
            }
        }
        shape.members = members;
        traits.extend(std::mem::take(&mut shape.traits));
        shape.traits = traits;
        done.insert(id.to_owned(), ());
        Ok(())
    }

    fn apply(&mut self, applies: Vec<(String, Traits)>) -> Result<()> {
        for (target, traits) in applies {
            let (shape_id, member) = match target.split_once('$') {
                Some((shape, member)) => (shape, Some(member)),
                None => (target.as_str(), None),
            };
            let missing = || Error::Missing {
                shape: "apply".into(),
                target: target.clone(),
            };
            let shape = self.shapes.get_mut(shape_id).ok_or_else(missing)?;
            let slot = match member {
                Some(name) => {
                    &mut shape
                        .members
                        .iter_mut()
                        .find(|m| m.name == name)
                        .ok_or_else(missing)?
                        .traits
                }
                None => &mut shape.traits,
            };
            slot.extend(traits);
        }
        Ok(())
    }
}

fn parse_shape(id: &str, kind: &str, body: &Map<String, Value>) -> Result<Shape> {
    let shape_type = ShapeType::parse(kind)
        .ok_or_else(|| Error::unsupported(id, format!("shape type `{kind}`")))?;
    let mut members = Vec::new();
    let mut traits = traits_of(id, body)?;
    for key in ["member", "key", "value"] {
        if let Some(member) = body.get(key) {
            members.push(parse_member(id, key, member)?);
        }
    }
    if let Some(list) = body.get("members") {
        let list = list
            .as_object()
            .ok_or_else(|| Error::invalid(id, "\"members\" is not an object"))?;
        for (name, member) in list {
            members.push(parse_member(id, name, member)?);
        }
    }
    if kind == "set" {
        traits.insert("smithy.api#uniqueItems".into(), Value::Object(Map::new()));
    }
    let mut references = BTreeMap::new();
    for property in REFERENCE_PROPERTIES {
        if let Some(value) = body.get(*property) {
            let list = match value {
                Value::Array(_) => targets(id, value)?,
                single => vec![target_of(id, single)?],
            };
            references.insert((*property).to_owned(), list);
        }
    }
    let version = body
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Shape {
        id: id.to_owned(),
        kind: shape_type,
        members,
        traits,
        references,
        version,
    })
}

fn parse_member(shape: &str, name: &str, body: &Value) -> Result<Member> {
    let id = format!("{shape}${name}");
    let object = body
        .as_object()
        .ok_or_else(|| Error::invalid(&id, "member is not a JSON object"))?;
    Ok(Member {
        name: name.to_owned(),
        target: target_of(&id, body)?,
        traits: traits_of(&id, object)?,
    })
}

fn traits_of(id: &str, body: &Map<String, Value>) -> Result<Traits> {
    match body.get("traits") {
        None => Ok(Traits::new()),
        Some(Value::Object(traits)) => {
            Ok(traits.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        Some(_) => Err(Error::invalid(id, "\"traits\" is not an object")),
    }
}

fn target_of(id: &str, reference: &Value) -> Result<String> {
    reference
        .get("target")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error::invalid(id, "a shape reference has no \"target\""))
}

fn targets(id: &str, list: &Value) -> Result<Vec<String>> {
    let list = list
        .as_array()
        .ok_or_else(|| Error::invalid(id, "expected a list of shape references"))?;
    list.iter().map(|r| target_of(id, r)).collect()
}

/// The prelude shapes a model may target without declaring them.
fn prelude() -> Vec<Shape> {
    let simple = [
        ("String", ShapeType::String, None),
        ("Blob", ShapeType::Blob, None),
        ("BigInteger", ShapeType::BigInteger, None),
        ("BigDecimal", ShapeType::BigDecimal, None),
        ("Timestamp", ShapeType::Timestamp, None),
        ("Document", ShapeType::Document, None),
        ("Boolean", ShapeType::Boolean, None),
        (
            "PrimitiveBoolean",
            ShapeType::Boolean,
            Some(Value::Bool(false)),
        ),
        ("Byte", ShapeType::Byte, None),
        ("PrimitiveByte", ShapeType::Byte, Some(0.into())),
        ("Short", ShapeType::Short, None),
        ("PrimitiveShort", ShapeType::Short, Some(0.into())),
        ("Integer", ShapeType::Integer, None),
        ("PrimitiveInteger", ShapeType::Integer, Some(0.into())),
        ("Long", ShapeType::Long, None),
        ("PrimitiveLong", ShapeType::Long, Some(0.into())),
        ("Float", ShapeType::Float, None),
        ("PrimitiveFloat", ShapeType::Float, Some(0.into())),
        ("Double", ShapeType::Double, None),
        ("PrimitiveDouble", ShapeType::Double, Some(0.into())),
        ("Unit", ShapeType::Structure, None),
    ];
    simple
        .into_iter()
        .map(|(name, kind, default)| {
            let mut traits = Traits::new();
            if let Some(default) = default {
                traits.insert("smithy.api#default".into(), default);
            }
            if name == "Unit" {
                traits.insert("smithy.api#unitType".into(), Value::Object(Map::new()));
            }
            Shape {
                id: format!("smithy.api#{name}"),
                kind,
                members: Vec::new(),
                traits,
                references: BTreeMap::new(),
                version: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixins_and_apply_are_resolved() {
        let model = Model::from_json(
            r#"{"smithy":"2.0","shapes":{
                "a#Base":{"type":"structure","members":{"Id":{"target":"smithy.api#String"}},
                          "traits":{"smithy.api#mixin":{},"smithy.api#documentation":"base"}},
                "a#Thing":{"type":"structure","mixins":[{"target":"a#Base"}],
                           "members":{"Name":{"target":"smithy.api#String"}}},
                "a#Thing$Name":{"type":"apply","traits":{"smithy.api#required":{}}}
            }}"#,
        )
        .unwrap();
        let thing = model.shape("a#Thing").unwrap();
        let names: Vec<_> = thing.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Id", "Name"]);
        assert!(thing.has_trait("smithy.api#documentation"));
        assert!(!thing.has_trait("smithy.api#mixin"));
        assert!(thing
            .member("Name")
            .unwrap()
            .traits
            .contains_key("smithy.api#required"));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(Model::from_json("[]"), Err(Error::Parse(_))));
        assert!(matches!(
            Model::from_json(r#"{"smithy":"3.0"}"#),
            Err(Error::Parse(_))
        ));
        let err = Model::from_json(r#"{"smithy":"2.0","shapes":{"a#X":{"type":"quantum"}}}"#)
            .unwrap_err();
        assert_eq!(err.to_string(), "a#X: unsupported: shape type `quantum`");
    }
}
