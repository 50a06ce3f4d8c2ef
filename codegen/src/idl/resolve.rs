//! Names as written in an IDL file → absolute shape ids, and traits onto the
//! shapes, members and `apply` statements they were written on.
//!
//! A relative name resolves, in order, to a `use`d shape, a shape of the
//! file's namespace (in any file of the model), a prelude shape, and
//! otherwise to the file's namespace, where a missing shape is reported by
//! whoever needs it.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::parser::{Node, ParsedFile, PendingTrait, TraitTarget, Version};
use crate::ast::{merge_repeated_value, Fragment, LoadError, Location, ShapeKind, Source, Traits};

const PRELUDE: &str = "smithy.api";

/// What the resolver may ask of the whole model: the kind of a shape, by
/// absolute id, when any file (or the prelude) defines it.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<ShapeKind>;

/// Resolves every name of `file` against the model `lookup` describes.
pub fn resolve(file: ParsedFile, lookup: Lookup<'_>) -> Result<Fragment, LoadError> {
    let resolver = Resolver {
        namespace: file.namespace.as_deref().unwrap_or(PRELUDE),
        uses: file
            .uses
            .iter()
            .map(|(name, (id, _))| (name.as_str(), id.as_str()))
            .collect(),
        lookup,
    };
    let mut fragment = Fragment {
        file: file.file.clone(),
        version: file.version.as_str().to_owned(),
        ..Fragment::default()
    };
    for (key, value, location) in &file.metadata {
        // Metadata has no namespace: its unquoted words are prelude ids.
        let value = Resolver {
            namespace: PRELUDE,
            uses: HashMap::new(),
            lookup,
        }
        .value(value)?;
        fragment
            .metadata
            .push((key.clone(), value, Source(Some(location.clone()))));
    }
    fragment.shapes = file.shapes;
    for shape in &mut fragment.shapes {
        for member in &mut shape.members {
            if !member.target.is_empty() {
                member.target = resolver.name(&member.target);
            }
        }
        for mixin in &mut shape.mixins {
            *mixin = resolver.name(mixin);
        }
        for ids in shape.references.values_mut() {
            for id in ids {
                *id = resolver.name(id);
            }
        }
        for id in shape
            .identifiers
            .values_mut()
            .chain(shape.properties.values_mut())
        {
            *id = resolver.name(id);
        }
        shape.rename = std::mem::take(&mut shape.rename)
            .into_iter()
            .map(|(from, to)| (resolver.name(&from), to))
            .collect();
    }
    fragment.applies = file.applies;
    for apply in &mut fragment.applies {
        apply.target = resolver.name(&apply.target);
    }
    fragment.bindings = file.bindings;
    for binding in &mut fragment.bindings {
        binding.resource = resolver.name(&binding.resource);
    }
    let mut placed: HashMap<(TraitTarget, String), Location> = HashMap::new();
    for pending in file.traits {
        resolver.place_trait(&mut fragment, pending, file.version, &mut placed)?;
    }
    Ok(fragment)
}

struct Resolver<'a> {
    namespace: &'a str,
    uses: HashMap<&'a str, &'a str>,
    lookup: Lookup<'a>,
}

impl Resolver<'_> {
    /// The absolute id `written` refers to (members kept).
    fn name(&self, written: &str) -> String {
        if written.contains('#') {
            return written.to_owned();
        }
        let (root, member) = match written.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (written, None),
        };
        let mut id = self.root(root).0;
        if let Some(member) = member {
            id.push('$');
            id.push_str(member);
        }
        id
    }

    /// A root shape name → its absolute id and whether the model has it.
    fn root(&self, name: &str) -> (String, Option<ShapeKind>) {
        if let Some(id) = self.uses.get(name) {
            return ((*id).to_owned(), (self.lookup)(id));
        }
        let local = format!("{}#{name}", self.namespace);
        if let Some(kind) = (self.lookup)(&local) {
            return (local, Some(kind));
        }
        let prelude = format!("{PRELUDE}#{name}");
        if let Some(kind) = (self.lookup)(&prelude) {
            return (prelude, Some(kind));
        }
        (local, None)
    }

    fn kind_of(&self, written: &str) -> (String, Option<ShapeKind>) {
        if written.contains('#') {
            let root = written.split('$').next().unwrap_or(written);
            return (written.to_owned(), (self.lookup)(root));
        }
        match written.split_once('$') {
            Some((root, member)) => {
                let (id, kind) = self.root(root);
                (format!("{id}${member}"), kind)
            }
            None => self.root(written),
        }
    }

    fn value(&self, node: &Node) -> Result<Value, LoadError> {
        Ok(match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::ShapeId(written, location) => {
                let (id, kind) = self.kind_of(written);
                if kind.is_none() {
                    return Err(LoadError::at(
                        location.clone(),
                        format!(
                            "Syntactic shape ID `{written}` does not resolve to a valid shape \
                             ID: `{id}`. Did you mean to quote this string? Are you missing a \
                             model file?"
                        ),
                    ));
                }
                Value::String(id)
            }
            Node::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.value(item))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Object(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.clone(), self.value(value)?);
                }
                Value::Object(map)
            }
        })
    }

    fn place_trait(
        &self,
        fragment: &mut Fragment,
        pending: PendingTrait,
        version: Version,
        placed: &mut HashMap<(TraitTarget, String), Location>,
    ) -> Result<(), LoadError> {
        let (name, kind) = self.kind_of(&pending.name);
        let value = if pending.annotation {
            // A trait written without a value: an empty object or list,
            // as its shape wants.
            match kind {
                None | Some(ShapeKind::Structure | ShapeKind::Map) => Value::Object(Map::new()),
                Some(ShapeKind::List | ShapeKind::Set) => Value::Array(Vec::new()),
                Some(_) => Value::Null,
            }
        } else {
            self.value(&pending.value)?
        };
        let (slot, subject) = match &pending.target {
            TraitTarget::Shape(index) => {
                let shape = &mut fragment.shapes[*index];
                (&mut shape.traits, shape.id.clone())
            }
            TraitTarget::Member(index, member) => {
                let shape = &mut fragment.shapes[*index];
                let subject = format!("{}${member}", shape.id);
                let Some(member) = shape.members.iter_mut().find(|m| m.name == *member) else {
                    return Err(LoadError::at(
                        pending.location,
                        format!("Trait applied to unknown member `{subject}`"),
                    ));
                };
                (&mut member.traits, subject)
            }
            TraitTarget::Apply(index) => {
                let apply = &mut fragment.applies[*index];
                (&mut apply.traits, apply.target.clone())
            }
        };
        if name == "smithy.api#mixin" && version == Version::V1 {
            return Err(LoadError::at(
                pending.location,
                format!(
                    "Mixins can only be used in Smithy 2.0 or later. Attempted to apply a \
                     @mixin trait to `{subject}` in a model file using version `1.0`."
                ),
            ));
        }
        let key = (pending.target.clone(), name.clone());
        if let Some(first) = placed.get(&key) {
            merge_trait(slot, &name, value, &subject, first, &pending.location)?;
        } else {
            slot.insert(name, value);
            placed.insert(key, pending.location);
        }
        Ok(())
    }
}

/// A trait written twice on one shape or member, by Smithy's rule; a
/// conflict names both places.
fn merge_trait(
    traits: &mut Traits,
    name: &str,
    value: Value,
    subject: &str,
    first: &Location,
    second: &Location,
) -> Result<(), LoadError> {
    let Some(existing) = traits.get_mut(name) else {
        traits.insert(name.to_owned(), value);
        return Ok(());
    };
    let shown = value.to_string();
    if merge_repeated_value(existing, value) {
        return Ok(());
    }
    Err(LoadError::at(
        second.clone(),
        format!(
            "{subject}: conflicting values of trait `{name}`, at {first} and {second}: {existing} \
             and {shown}"
        ),
    ))
}
