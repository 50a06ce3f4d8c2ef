//! Reads a Smithy JSON AST document (versions 1.0 and 2.0) into a
//! [`Fragment`]: shapes as written, `"type": "apply"` entries as applies.
//! Nothing is resolved here; that is [`super::assemble`]'s work.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::json_positions::Positions;
use super::{Apply, AstMember, AstShape, Fragment, LoadError, Location, ShapeKind, Source, Traits};

/// Properties that hold one shape reference.
const SINGLE_REFERENCES: &[&str] = &[
    "input", "output", "create", "put", "read", "update", "delete", "list",
];

/// Properties that hold a list of shape references.
const LIST_REFERENCES: &[&str] = &["errors", "operations", "collectionOperations", "resources"];

/// Reads one JSON AST document. Errors name the file, and the shape or
/// member when there is one.
pub fn read_json(file: &str, text: &str) -> Result<Fragment, LoadError> {
    read(file, text).map_err(ReadError::into_load_error)
}

/// Why a document could not be read, in the categories the generator's
/// [`crate::Error`] distinguishes.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not JSON.
    Syntax(LoadError),
    /// JSON, but not a Smithy JSON AST document.
    Document(LoadError),
    /// A shape of a type this reader does not know.
    UnknownType {
        shape: String,
        kind: String,
        error: LoadError,
    },
    /// A shape or member that is malformed.
    Shape(LoadError),
}

impl ReadError {
    pub(crate) fn into_load_error(self) -> LoadError {
        match self {
            ReadError::Syntax(e) | ReadError::Document(e) | ReadError::Shape(e) => e,
            ReadError::UnknownType { error, .. } => error,
        }
    }
}

pub(crate) fn read(file: &str, text: &str) -> Result<Fragment, ReadError> {
    let file: Arc<str> = Arc::from(file);
    let document: Value = serde_json::from_str(text).map_err(|e| {
        let location = Location {
            file: file.clone(),
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        };
        // serde_json ends its message with the position, which the
        // location already gives.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        ReadError::Syntax(LoadError::at(location, format!("invalid JSON: {message}")))
    })?;
    let whole_file = || Location {
        file: file.clone(),
        line: 1,
        column: 1,
    };
    let document_error = |message: &str| ReadError::Document(LoadError::at(whole_file(), message));
    let root = document
        .as_object()
        .ok_or_else(|| document_error("the top level is not a JSON object"))?;
    let version = match root.get("smithy") {
        Some(Value::String(v)) if matches!(v.as_str(), "1" | "1.0" | "2" | "2.0") => v.clone(),
        Some(Value::String(v)) => {
            return Err(document_error(&format!(
                "unsupported Smithy version \"{v}\"; expected \"1.0\" or \"2.0\""
            )))
        }
        Some(_) => {
            return Err(document_error(
                "the \"smithy\" version property is not a string",
            ))
        }
        None => return Err(document_error("missing the \"smithy\" version property")),
    };
    let positions = Positions::scan(text);
    let reader = Reader {
        file: file.clone(),
        positions: &positions,
    };
    let mut fragment = Fragment {
        file: file.clone(),
        version,
        ..Fragment::default()
    };
    match root.get("metadata") {
        None => {}
        Some(Value::Object(metadata)) => {
            for (key, value) in metadata {
                let source = reader.source(positions.metadata.get(key).copied());
                fragment.metadata.push((key.clone(), value.clone(), source));
            }
        }
        Some(_) => return Err(document_error("\"metadata\" is not an object")),
    }
    match root.get("shapes") {
        None => {}
        Some(Value::Object(shapes)) => {
            for (id, body) in shapes {
                reader.shape(id, body, &mut fragment)?;
            }
        }
        Some(_) => return Err(document_error("\"shapes\" is not an object")),
    }
    Ok(fragment)
}

struct Reader<'a> {
    file: Arc<str>,
    positions: &'a Positions,
}

impl Reader<'_> {
    fn source(&self, at: Option<(u32, u32)>) -> Source {
        Source(at.map(|(line, column)| Location {
            file: self.file.clone(),
            line,
            column,
        }))
    }

    fn shape_source(&self, id: &str) -> Source {
        self.source(self.positions.shapes.get(id).copied())
    }

    fn member_source(&self, shape: &str, member: &str) -> Source {
        self.source(
            self.positions
                .members
                .get(&(shape.to_owned(), member.to_owned()))
                .copied(),
        )
    }

    fn load_error(&self, source: &Source, subject: &str, what: &str) -> LoadError {
        // Every key is found by the scan; the file's start is only a fallback.
        let location = source.0.clone().unwrap_or_else(|| Location {
            file: self.file.clone(),
            line: 1,
            column: 1,
        });
        LoadError::at(location, format!("{subject}: {what}"))
    }

    fn error(&self, source: &Source, subject: &str, what: &str) -> ReadError {
        ReadError::Shape(self.load_error(source, subject, what))
    }

    fn shape(&self, id: &str, body: &Value, fragment: &mut Fragment) -> Result<(), ReadError> {
        let source = self.shape_source(id);
        let body = body
            .as_object()
            .ok_or_else(|| self.error(&source, id, "shape is not a JSON object"))?;
        let kind_name = match body.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(_) => return Err(self.error(&source, id, "\"type\" is not a string")),
            None => return Err(self.error(&source, id, "shape has no \"type\"")),
        };
        if kind_name == "apply" {
            check_id(id, true).map_err(|what| self.error(&source, id, &what))?;
            fragment.applies.push(Apply {
                target: id.to_owned(),
                traits: self.traits(id, &source, body)?,
                source,
            });
            return Ok(());
        }
        let Some(kind) = ShapeKind::parse(kind_name) else {
            return Err(ReadError::UnknownType {
                shape: id.to_owned(),
                kind: kind_name.to_owned(),
                error: self.load_error(&source, id, &format!("unknown shape type `{kind_name}`")),
            });
        };
        check_id(id, false).map_err(|what| self.error(&source, id, &what))?;
        let mut shape = AstShape::new(id, kind);
        shape.traits = self.traits(id, &source, body)?;
        if let Some(mixins) = body.get("mixins") {
            shape.mixins = self.reference_list(id, &source, mixins)?;
        }
        match kind {
            ShapeKind::List | ShapeKind::Set => {
                self.fixed_members(&mut shape, body, &["member"])?;
            }
            ShapeKind::Map => self.fixed_members(&mut shape, body, &["key", "value"])?,
            ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum | ShapeKind::IntEnum => {
                match body.get("members") {
                    None => {}
                    Some(Value::Object(members)) => {
                        for (name, member) in members {
                            let member = self.member(id, name, member)?;
                            shape.members.push(member);
                        }
                    }
                    Some(_) => {
                        return Err(self.error(&source, id, "\"members\" is not an object"));
                    }
                }
            }
            ShapeKind::Operation | ShapeKind::Resource | ShapeKind::Service => {
                self.references(&mut shape, &source, body)?;
            }
            _ => {}
        }
        shape.source = source;
        fragment.shapes.push(shape);
        Ok(())
    }

    fn fixed_members(
        &self,
        shape: &mut AstShape,
        body: &Map<String, Value>,
        names: &[&str],
    ) -> Result<(), ReadError> {
        for name in names {
            if let Some(member) = body.get(*name) {
                let member = self.member(&shape.id, name, member)?;
                shape.members.push(member);
            }
        }
        Ok(())
    }

    fn member(&self, shape: &str, name: &str, body: &Value) -> Result<AstMember, ReadError> {
        let id = format!("{shape}${name}");
        let source = self.member_source(shape, name);
        let object = body
            .as_object()
            .ok_or_else(|| self.error(&source, &id, "member is not a JSON object"))?;
        Ok(AstMember {
            name: name.to_owned(),
            target: self.target(&id, &source, body)?,
            traits: self.traits(&id, &source, object)?,
            source,
        })
    }

    fn traits(
        &self,
        id: &str,
        source: &Source,
        body: &Map<String, Value>,
    ) -> Result<Traits, ReadError> {
        match body.get("traits") {
            None => Ok(Traits::new()),
            Some(Value::Object(traits)) => {
                let mut result = Traits::new();
                for (name, value) in traits {
                    check_id(name, false)
                        .map_err(|what| self.error(source, id, &format!("trait {what}")))?;
                    result.insert(name.clone(), value.clone());
                }
                Ok(result)
            }
            Some(_) => Err(self.error(source, id, "\"traits\" is not an object")),
        }
    }

    fn target(&self, id: &str, source: &Source, reference: &Value) -> Result<String, ReadError> {
        let target = reference
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| self.error(source, id, "a shape reference has no \"target\""))?;
        check_id(target, false).map_err(|what| self.error(source, id, &what))?;
        Ok(target.to_owned())
    }

    fn reference_list(
        &self,
        id: &str,
        source: &Source,
        list: &Value,
    ) -> Result<Vec<String>, ReadError> {
        let list = list
            .as_array()
            .ok_or_else(|| self.error(source, id, "expected a list of shape references"))?;
        list.iter().map(|r| self.target(id, source, r)).collect()
    }

    fn reference_map(
        &self,
        id: &str,
        source: &Source,
        property: &str,
        map: &Value,
    ) -> Result<BTreeMap<String, String>, ReadError> {
        let map = map.as_object().ok_or_else(|| {
            self.error(
                source,
                id,
                &format!("\"{property}\" is not an object of shape references"),
            )
        })?;
        map.iter()
            .map(|(name, r)| Ok((name.clone(), self.target(id, source, r)?)))
            .collect()
    }

    fn references(
        &self,
        shape: &mut AstShape,
        source: &Source,
        body: &Map<String, Value>,
    ) -> Result<(), ReadError> {
        let id = shape.id.clone();
        for property in SINGLE_REFERENCES {
            if let Some(value) = body.get(*property) {
                let target = self.target(&id, source, value)?;
                shape
                    .references
                    .insert((*property).to_owned(), vec![target]);
            }
        }
        for property in LIST_REFERENCES {
            if let Some(value) = body.get(*property) {
                let targets = self.reference_list(&id, source, value)?;
                shape.references.insert((*property).to_owned(), targets);
            }
        }
        if let Some(value) = body.get("identifiers") {
            shape.identifiers = self.reference_map(&id, source, "identifiers", value)?;
        }
        if let Some(value) = body.get("properties") {
            shape.properties = self.reference_map(&id, source, "properties", value)?;
        }
        match body.get("version") {
            None => {}
            Some(Value::String(version)) => shape.version = Some(version.clone()),
            Some(_) => return Err(self.error(source, &id, "\"version\" is not a string")),
        }
        match body.get("rename") {
            None => {}
            Some(Value::Object(rename)) => {
                for (from, to) in rename {
                    let to = to.as_str().ok_or_else(|| {
                        self.error(
                            source,
                            &id,
                            &format!("the rename of {from} is not a string"),
                        )
                    })?;
                    shape.rename.insert(from.clone(), to.to_owned());
                }
            }
            Some(_) => return Err(self.error(source, &id, "\"rename\" is not an object")),
        }
        Ok(())
    }
}

/// Checks the form of an absolute shape id: `namespace#Name`, and
/// `$member` only where a member may be named.
pub(crate) fn check_id(id: &str, member_allowed: bool) -> Result<(), String> {
    let invalid = || Err(format!("`{id}` is not a valid absolute shape id"));
    let Some((namespace, rest)) = id.split_once('#') else {
        return invalid();
    };
    let (name, member) = match rest.split_once('$') {
        Some((name, member)) if member_allowed => (name, Some(member)),
        Some(_) => return invalid(),
        None => (rest, None),
    };
    let identifier = |s: &str| {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !namespace.split('.').all(identifier) || !identifier(name) || !member.is_none_or(identifier)
    {
        return invalid();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Fragment, LoadError> {
        read_json("test.json", text)
    }

    #[test]
    fn every_shape_type_and_property() {
        let fragment = read(
            r#"{
    "smithy": "2.0",
    "metadata": {"m": [1]},
    "shapes": {
        "a#S": {
            "type": "structure",
            "mixins": [{"target": "a#M"}],
            "members": {
                "b": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "a": {"target": "a#L"}
            },
            "traits": {"smithy.api#documentation": "doc"}
        },
        "a#L": {"type": "list", "member": {"target": "smithy.api#String"}},
        "a#Set": {"type": "set", "member": {"target": "smithy.api#String"}},
        "a#Map": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "a#L"}},
        "a#Op": {"type": "operation", "input": {"target": "a#S"}, "errors": [{"target": "a#E"}]},
        "a#R": {"type": "resource", "identifiers": {"id": {"target": "smithy.api#String"}},
                "properties": {"p": {"target": "smithy.api#Integer"}},
                "read": {"target": "a#Op"}, "collectionOperations": [{"target": "a#Op"}]},
        "a#Svc": {"type": "service", "version": "1", "operations": [{"target": "a#Op"}],
                  "rename": {"b#S": "BS"}},
        "a#S$b": {"type": "apply", "traits": {"smithy.api#sensitive": {}}}
    }
}"#,
        )
        .unwrap();
        assert_eq!(fragment.version, "2.0");
        assert_eq!(fragment.metadata[0].0, "m");
        assert_eq!(fragment.shapes.len(), 7);
        let s = &fragment.shapes[0];
        assert_eq!(s.kind, ShapeKind::Structure);
        assert_eq!(s.mixins, ["a#M"]);
        // Member order is the document's.
        let names: Vec<_> = s.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        let location = s.source.0.as_ref().unwrap();
        assert_eq!((location.line, location.column), (5, 9));
        let b = s.members[0].source.0.as_ref().unwrap();
        assert_eq!((b.line, b.column), (9, 17));
        assert_eq!(fragment.shapes[2].kind, ShapeKind::Set);
        let map = &fragment.shapes[3];
        assert_eq!(map.members[1].name, "value");
        let op = &fragment.shapes[4];
        assert_eq!(op.references["input"], ["a#S"]);
        assert_eq!(op.references["errors"], ["a#E"]);
        let resource = &fragment.shapes[5];
        assert_eq!(resource.identifiers["id"], "smithy.api#String");
        assert_eq!(resource.properties["p"], "smithy.api#Integer");
        assert_eq!(resource.references["collectionOperations"], ["a#Op"]);
        let service = &fragment.shapes[6];
        assert_eq!(service.version.as_deref(), Some("1"));
        assert_eq!(service.rename["b#S"], "BS");
        assert_eq!(fragment.applies[0].target, "a#S$b");
        assert!(fragment.applies[0]
            .traits
            .contains_key("smithy.api#sensitive"));
    }

    #[test]
    fn versions() {
        for version in ["1", "1.0", "2", "2.0"] {
            let text = format!(r#"{{"smithy": "{version}"}}"#);
            assert_eq!(read(&text).unwrap().version, version);
        }
        let error = read(r#"{"smithy": "2.1"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "test.json:1:1: unsupported Smithy version \"2.1\"; expected \"1.0\" or \"2.0\""
        );
        let error = read(r#"{"shapes": {}}"#).unwrap_err();
        assert!(error.message.contains("missing the \"smithy\""), "{error}");
    }

    #[test]
    fn errors_name_file_line_and_shape() {
        let error =
            read("{\"smithy\": \"2.0\",\n \"shapes\": {\n  \"a#S\": {\"type\": \"blorb\"}}}")
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "test.json:3:3: a#S: unknown shape type `blorb`"
        );
        let error = read(
            "{\"smithy\": \"2.0\", \"shapes\": {\"a#S\": {\"type\": \"structure\",\n \"members\": {\"x\": {}}}}}",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "test.json:2:14: a#S$x: a shape reference has no \"target\""
        );
        let error = read("{\"smithy\": \"2.0\",").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("test.json:1:17: invalid JSON: EOF"),
            "{error}"
        );
        let error = read(r#"{"smithy": "2.0", "shapes": {"S": {"type": "string"}}}"#).unwrap_err();
        assert!(
            error
                .message
                .ends_with("`S` is not a valid absolute shape id"),
            "{error}"
        );
    }

    #[test]
    fn keys_with_escapes_and_wide_characters_are_located() {
        let text = "{\"smithy\": \"2.0\", \"metadata\": {\"é\\\"\": 1}, \"shapes\": {\n \"a#B\": {\"type\": \"string\"}}}";
        let fragment = read(text).unwrap();
        let at = fragment.metadata[0].2 .0.as_ref().unwrap();
        assert_eq!((at.line, at.column), (1, 32));
        let at = fragment.shapes[0].source.0.as_ref().unwrap();
        assert_eq!((at.line, at.column), (2, 2));
    }

    #[test]
    fn shape_ids() {
        assert!(check_id("a.b#C", false).is_ok());
        assert!(check_id("a#C$d", true).is_ok());
        assert!(check_id("a#C$d", false).is_err());
        assert!(check_id("a#", false).is_err());
        assert!(check_id("#C", false).is_err());
        assert!(check_id("a..b#C", false).is_err());
        assert!(check_id("a#1C", false).is_err());
    }
}
