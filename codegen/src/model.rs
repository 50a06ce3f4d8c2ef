//! The generator's view of a model: the assembled [`AstModel`] with mixins
//! flattened, `apply` statements merged and the prelude added. No Rust naming
//! happens here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ast::json_reader::{self, ReadError};
use crate::ast::{self, AstModel, LoadError, ShapeKind};
use crate::error::{Error, Result};

pub type Traits = BTreeMap<String, Value>;

/// A loaded model: every shape by absolute id.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub shapes: BTreeMap<String, Shape>,
}

/// The generator's shape types are the model's, without `set`: the
/// conversion from [`AstModel`] turns a set into a list of unique items.
pub type ShapeType = ShapeKind;

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
    /// A service's `rename`: shape id → the name it has in the service.
    pub rename: BTreeMap<String, String>,
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

impl Model {
    /// Loads a JSON AST document: read, assembled with the prelude, mixins
    /// flattened. The text has no file name, so errors carry no location.
    pub fn from_json(text: &str) -> Result<Self> {
        let fragment = json_reader::read("model", text).map_err(|e| match e {
            ReadError::Syntax(e) => match e.location {
                Some(at) => Error::Parse(format!(
                    "{} at line {} column {}",
                    e.message, at.line, at.column
                )),
                None => Error::Parse(e.message),
            },
            ReadError::Document(e) => Error::Parse(e.message),
            ReadError::UnknownType { shape, kind, .. } => {
                Error::unsupported(shape, format!("shape type `{kind}`"))
            }
            ReadError::Shape(e) => unlocated(e),
        })?;
        let model = ast::assemble(vec![fragment]).map_err(unlocated)?;
        Ok(Model::from(&model))
    }

    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }
}

fn unlocated(mut error: LoadError) -> Error {
    error.location = None;
    Error::Load(error)
}

impl From<&AstModel> for Model {
    /// The generator's view: mixins flattened, `set` as a list with unique
    /// items.
    fn from(model: &AstModel) -> Self {
        let flat = model.flatten_mixins();
        let shapes = flat
            .shapes
            .into_values()
            .map(|shape| {
                let mut traits = shape.traits;
                if shape.kind == ShapeKind::Set {
                    traits.insert("smithy.api#uniqueItems".into(), Value::Object(Map::new()));
                }
                let members = shape
                    .members
                    .into_iter()
                    .map(|m| Member {
                        name: m.name,
                        target: m.target,
                        traits: m.traits,
                    })
                    .collect();
                let converted = Shape {
                    id: shape.id,
                    kind: match shape.kind {
                        ShapeKind::Set => ShapeKind::List,
                        kind => kind,
                    },
                    members,
                    traits,
                    references: shape.references,
                    version: shape.version,
                    rename: shape.rename,
                };
                (converted.id.clone(), converted)
            })
            .collect();
        Model { shapes }
    }
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
