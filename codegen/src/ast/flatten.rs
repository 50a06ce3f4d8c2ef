//! Mixins flattened away: every shape gets its mixins' members, traits and
//! properties copied in, and the mixin shapes are removed, as Smithy's
//! `flattenAndRemoveMixins` transform does.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::{AstMember, AstModel, AstShape, ShapeKind, Traits};

const MIXIN: &str = "smithy.api#mixin";

impl AstModel {
    /// The model with mixins flattened into the shapes that use them and
    /// mixin shapes removed. Expects an assembled model (mixins present,
    /// acyclic); a mixin that is missing anyway is skipped.
    pub fn flatten_mixins(&self) -> AstModel {
        let mut flat: HashMap<&str, AstShape> = HashMap::new();
        let mut shapes = BTreeMap::new();
        for id in self.shapes.keys() {
            let shape = flattened(self, id, &mut flat, 0);
            if let Some(shape) = shape {
                if !shape.traits.contains_key(MIXIN) {
                    shapes.insert(id.clone(), shape);
                }
            }
        }
        AstModel {
            metadata: self.metadata.clone(),
            shapes,
        }
    }
}

/// Mixin chains deeper than this are cut: an assembled model has no cycles,
/// so only a hand-built one could get here, and it must not hang.
const MAX_DEPTH: usize = 256;

fn flattened<'m>(
    model: &'m AstModel,
    id: &'m str,
    done: &mut HashMap<&'m str, AstShape>,
    depth: usize,
) -> Option<AstShape> {
    if let Some(shape) = done.get(id) {
        return Some(shape.clone());
    }
    let shape = model.shape(id)?;
    if shape.mixins.is_empty() {
        return Some(shape.clone());
    }
    let mixins: Vec<AstShape> = if depth < MAX_DEPTH {
        shape
            .mixins
            .iter()
            .filter_map(|m| flattened(model, m, done, depth + 1))
            .collect()
    } else {
        Vec::new()
    };
    let result = flatten_one(shape, &mixins);
    done.insert(id, result.clone());
    Some(result)
}

/// The traits a mixin passes on: all but `mixin` and its local traits.
fn inheritable(mixin: &AstShape) -> impl Iterator<Item = (&String, &Value)> {
    let local: Vec<&str> = mixin
        .traits
        .get(MIXIN)
        .and_then(|m| m.get("localTraits"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    mixin
        .traits
        .iter()
        .filter(move |(name, _)| name.as_str() != MIXIN && !local.contains(&name.as_str()))
}

/// `shape` with its (already flattened) `mixins` applied.
fn flatten_one(shape: &AstShape, mixins: &[AstShape]) -> AstShape {
    let mut result = shape.clone();
    result.mixins.clear();

    // Later mixins override earlier ones; the shape's own traits win.
    let mut traits = Traits::new();
    for mixin in mixins {
        for (name, value) in inheritable(mixin) {
            traits.insert(name.clone(), value.clone());
        }
    }
    traits.extend(shape.traits.clone());
    result.traits = traits;

    // Inherited members first, each where it first appears; a later mixin's
    // traits on the same member override; a local redeclaration adds its
    // traits but keeps the inherited position.
    let mut members: Vec<AstMember> = Vec::new();
    for mixin in mixins {
        for member in &mixin.members {
            match members.iter_mut().find(|m| m.name == member.name) {
                Some(existing) => existing.traits.extend(member.traits.clone()),
                None => members.push(member.clone()),
            }
        }
    }
    for local in &shape.members {
        match members.iter_mut().find(|m| m.name == local.name) {
            Some(existing) => {
                existing.traits.extend(local.traits.clone());
                existing.source = local.source.clone();
            }
            None => members.push(local.clone()),
        }
    }
    result.members = members;

    match shape.kind {
        ShapeKind::Service => {
            for mixin in mixins {
                if mixin.version.as_deref().is_some_and(|v| !v.is_empty())
                    && shape.version.as_deref().is_none_or(str::is_empty)
                {
                    result.version = mixin.version.clone();
                }
            }
            let mut rename = BTreeMap::new();
            for mixin in mixins {
                rename.extend(mixin.rename.clone());
            }
            rename.extend(shape.rename.clone());
            result.rename = rename;
            merge_lists(&mut result, mixins, &["errors", "operations", "resources"]);
        }
        ShapeKind::Resource => merge_lists(&mut result, mixins, &["operations", "resources"]),
        ShapeKind::Operation => merge_lists(&mut result, mixins, &["errors"]),
        _ => {}
    }
    result
}

/// Each listed reference property: the mixins' ids first, then the shape's,
/// each id once.
fn merge_lists(result: &mut AstShape, mixins: &[AstShape], properties: &[&str]) {
    for property in properties {
        let mut merged: Vec<String> = Vec::new();
        let local = result
            .references
            .get(*property)
            .cloned()
            .unwrap_or_default();
        for id in mixins
            .iter()
            .filter_map(|m| m.references.get(*property))
            .flatten()
            .chain(&local)
        {
            if !merged.contains(id) {
                merged.push(id.clone());
            }
        }
        if !merged.is_empty() {
            result.references.insert((*property).to_owned(), merged);
        }
    }
}
