//! Merges fragments and the prelude into one [`AstModel`], by Smithy's
//! loading rules: metadata merged across files, duplicate definitions
//! allowed only when identical, elided member targets resolved, `apply`d
//! traits merged, and the checks only the loader can make.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use super::checks;
use super::mixin_graph::{self, error_at, Member};
use super::prelude::{self, NAMESPACE};
use super::{
    merge_repeated_value, Apply, AstMember, AstModel, AstShape, Fragment, LoadError,
    ResourceBinding, ShapeKind, Source,
};

/// Assembles `fragments` (in order: later metadata and applies come after
/// earlier ones) and the prelude into one model. Stops at the first error.
pub fn assemble(fragments: Vec<Fragment>) -> Result<AstModel, LoadError> {
    let mut assembler = Assembler::default();
    for (id, shape) in &prelude::prelude().shapes {
        assembler.shapes.insert(id.clone(), shape.clone());
    }
    let mut applies = Vec::new();
    for fragment in fragments {
        checks::check_version(&fragment)?;
        for (key, value, source) in fragment.metadata {
            assembler.metadata(key, value, source)?;
        }
        for shape in fragment.shapes {
            assembler.define(shape)?;
        }
        for binding in fragment.bindings {
            assembler.bind(binding)?;
        }
        applies.extend(fragment.applies);
    }
    mixin_graph::check_mixins(&assembler.shapes)?;
    let order = mixin_graph::mixin_order(&assembler.shapes)?;
    let members_of = assembler.resolve_members(&order)?;
    for apply in applies {
        assembler.apply(apply, &members_of)?;
    }
    assembler.default_enum_values(&members_of);
    checks::check(&assembler.shapes, &members_of)?;
    Ok(AstModel {
        metadata: assembler.metadata,
        shapes: assembler.shapes,
    })
}

/// What a shape means regardless of how it was written: operations,
/// resources and errors are ordered sets (a repeated id counts once, an
/// empty list is no list), and an operation without input or output has
/// `smithy.api#Unit` there.
fn normalize(shape: &mut AstShape) {
    shape.references.retain(|_, ids| !ids.is_empty());
    for ids in shape.references.values_mut() {
        let mut seen = HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
    }
    if shape.kind == ShapeKind::Operation {
        for property in ["input", "output"] {
            shape
                .references
                .entry(property.to_owned())
                .or_insert_with(|| vec![UNIT.to_owned()]);
        }
    }
}

const UNIT: &str = "smithy.api#Unit";

#[derive(Default)]
struct Assembler {
    shapes: BTreeMap<String, AstShape>,
    metadata: Map<String, Value>,
    metadata_sources: HashMap<String, Source>,
    bindings: BTreeMap<String, ResourceBinding>,
    /// Where the value of a trait on a shape or member last came from, when
    /// an `apply` set it: `(target id, trait id)`.
    trait_sources: HashMap<(String, String), Source>,
}

fn describe(source: &Source) -> String {
    match &source.0 {
        Some(location) => location.to_string(),
        None => "an unknown location".into(),
    }
}

impl Assembler {
    fn metadata(&mut self, key: String, value: Value, source: Source) -> Result<(), LoadError> {
        let Some(previous) = self.metadata.get_mut(&key) else {
            self.metadata_sources.insert(key.clone(), source);
            self.metadata.insert(key, value);
            return Ok(());
        };
        let previous_source = self.metadata_sources.get(&key).cloned().unwrap_or_default();
        // The same file loaded twice gives the same value from the same
        // place: that is one definition, not two to concatenate.
        if previous_source.0.is_some() && previous_source.0 == source.0 && *previous == value {
            return Ok(());
        }
        if merge_repeated_value(previous, value) {
            return Ok(());
        }
        Err(error_at(
            &source,
            format!(
                "metadata `{key}` is defined differently at {} and {}",
                describe(&previous_source),
                describe(&source)
            ),
        ))
    }

    fn define(&mut self, mut shape: AstShape) -> Result<(), LoadError> {
        normalize(&mut shape);
        match self.shapes.get(&shape.id) {
            None => {
                self.shapes.insert(shape.id.clone(), shape);
                Ok(())
            }
            Some(existing) if *existing == shape => Ok(()),
            Some(existing) => Err(error_at(
                &shape.source,
                format!(
                    "{}: conflicting shape definitions at {} and {}",
                    shape.id,
                    describe(&existing.source),
                    describe(&shape.source)
                ),
            )),
        }
    }

    fn bind(&mut self, binding: ResourceBinding) -> Result<(), LoadError> {
        match self.bindings.get(&binding.shape) {
            Some(existing) if existing.resource != binding.resource => Err(error_at(
                &binding.source,
                format!(
                    "{}: bound to {} at {} and to {} at {}",
                    binding.shape,
                    existing.resource,
                    describe(&existing.source),
                    binding.resource,
                    describe(&binding.source)
                ),
            )),
            Some(_) => Ok(()),
            None => {
                self.bindings.insert(binding.shape.clone(), binding);
                Ok(())
            }
        }
    }

    /// Resolves elided targets and checks local members against inherited
    /// ones, mixins first. Returns the full member list of every shape that
    /// has or is a mixin.
    fn resolve_members(
        &mut self,
        order: &[String],
    ) -> Result<HashMap<String, Vec<Member>>, LoadError> {
        let used_as_mixin: HashSet<String> = self
            .shapes
            .values()
            .flat_map(|s| s.mixins.iter().cloned())
            .collect();
        let mut members_of: HashMap<String, Vec<Member>> = HashMap::new();
        for id in order {
            let Some(shape) = self.shapes.get(id) else {
                continue;
            };
            let elided = shape.members.iter().any(|m| m.target.is_empty());
            if shape.mixins.is_empty() && !elided && !used_as_mixin.contains(id) {
                if let Some(binding) = self.bindings.get(id) {
                    self.check_binding(shape, binding)?;
                }
                continue;
            }
            let inherited = mixin_graph::inherited_members(shape, &members_of)?;
            let mut resolved = shape.members.clone();
            if let Some(binding) = self.bindings.get(id) {
                self.check_binding(shape, binding)?;
            }
            for member in &mut resolved {
                let member_id = format!("{id}${}", member.name);
                if member.target.is_empty() {
                    if let Some(resource) = self
                        .bindings
                        .get(id)
                        .and_then(|b| self.shapes.get(&b.resource))
                    {
                        if let Some(target) = resource.identifiers.get(&member.name) {
                            member.target = target.clone();
                        }
                        if let Some(target) = resource.properties.get(&member.name) {
                            member.target = target.clone();
                        }
                    }
                }
                if member.target.is_empty() {
                    if let Some(from) = inherited.iter().find(|m| m.name == member.name) {
                        member.target = from.target.clone();
                    }
                }
                if member.target.is_empty() {
                    return Err(error_at(
                        &member.source,
                        format!(
                            "{member_id}: Member target was elided, but no bound resource or \
                             mixin contained a matching identifier or member name."
                        ),
                    ));
                }
                if let Some(mixin) =
                    mixin_graph::conflicting_mixin(shape, &member.name, &member.target, &members_of)
                {
                    return Err(error_at(
                        &member.source,
                        format!(
                            "{member_id}: Member conflicts with an inherited mixin member: \
                             `{mixin}${}`",
                            member.name
                        ),
                    ));
                }
            }
            // A member redeclared with its mixin's target and no traits of
            // its own (`$name` alone) adds nothing: it is not a local member.
            resolved.retain(|member| {
                !member.traits.is_empty()
                    || !inherited
                        .iter()
                        .any(|i| i.name == member.name && i.target == member.target)
            });
            let shape = self
                .shapes
                .get_mut(id)
                .ok_or_else(|| LoadError::new(format!("{id}: lost while assembling")))?;
            shape.members = resolved;
            if !shape.mixins.is_empty() || used_as_mixin.contains(id) {
                members_of.insert(id.clone(), mixin_graph::all_members(shape, inherited));
            }
        }
        Ok(members_of)
    }

    fn check_binding(&self, shape: &AstShape, binding: &ResourceBinding) -> Result<(), LoadError> {
        let elided = shape.members.iter().find(|m| m.target.is_empty());
        let (subject, source) = match elided {
            Some(member) => (format!("{}${}", shape.id, member.name), &member.source),
            None => (shape.id.clone(), &binding.source),
        };
        match self.shapes.get(&binding.resource) {
            None => Err(error_at(
                source,
                format!(
                    "{subject}: refers to {}, which is not in the model",
                    binding.resource
                ),
            )),
            Some(resource) if resource.kind != super::ShapeKind::Resource => Err(error_at(
                source,
                format!(
                    "{subject}: The target of the `for` production must be a resource shape, \
                     but found a {} shape: {}",
                    resource.kind.as_str(),
                    resource.id
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    fn apply(
        &mut self,
        apply: Apply,
        members_of: &HashMap<String, Vec<Member>>,
    ) -> Result<(), LoadError> {
        let (shape_id, member_name) = match apply.target.split_once('$') {
            Some((shape, member)) => (shape, Some(member)),
            None => (apply.target.as_str(), None),
        };
        if shape_id.split_once('#').map(|(ns, _)| ns) == Some(NAMESPACE) {
            let names: Vec<&str> = apply.traits.keys().map(String::as_str).collect();
            return Err(error_at(
                &apply.source,
                format!(
                    "{}: cannot apply {} to a prelude shape; `{NAMESPACE}` cannot change",
                    apply.target,
                    names.join(", ")
                ),
            ));
        }
        let missing = || {
            error_at(
                &apply.source,
                format!(
                    "apply: refers to {}, which is not in the model",
                    apply.target
                ),
            )
        };
        let shape = self.shapes.get_mut(shape_id).ok_or_else(missing)?;
        let (traits, owner_source) = match member_name {
            None => (&mut shape.traits, shape.source.clone()),
            Some(name) => {
                let index = match shape.members.iter().position(|m| m.name == name) {
                    Some(index) => index,
                    None => {
                        // Traits on an inherited member make it a local
                        // redeclaration, as Smithy's loader does.
                        let inherited = members_of
                            .get(shape_id)
                            .and_then(|all| all.iter().find(|m| m.name == name))
                            .ok_or_else(missing)?;
                        shape.members.push(AstMember {
                            name: name.to_owned(),
                            target: inherited.target.clone(),
                            traits: Default::default(),
                            source: apply.source.clone(),
                        });
                        shape.members.len() - 1
                    }
                };
                let member = &mut shape.members[index];
                (&mut member.traits, member.source.clone())
            }
        };
        for (name, value) in apply.traits {
            let key = (apply.target.clone(), name.clone());
            let previous_source = self
                .trait_sources
                .get(&key)
                .cloned()
                .unwrap_or_else(|| owner_source.clone());
            let Some(previous) = traits.get_mut(&name) else {
                traits.insert(name, value);
                self.trait_sources.insert(key, apply.source.clone());
                continue;
            };
            if previous_source.0.is_some()
                && previous_source.0 == apply.source.0
                && *previous == value
            {
                continue;
            }
            if !merge_repeated_value(previous, value) {
                return Err(error_at(
                    &apply.source,
                    format!(
                        "{}: conflicting values of trait `{name}`, at {} and {}",
                        apply.target,
                        describe(&previous_source),
                        describe(&apply.source)
                    ),
                ));
            }
            self.trait_sources.insert(key, apply.source.clone());
        }
        Ok(())
    }

    /// An enum member without `enumValue` has its name as value. A member
    /// redeclared from a mixin keeps the value it inherits.
    fn default_enum_values(&mut self, members_of: &HashMap<String, Vec<Member>>) {
        for shape in self.shapes.values_mut() {
            if shape.kind != super::ShapeKind::Enum {
                continue;
            }
            let inherited: HashSet<&str> = shape
                .mixins
                .iter()
                .filter_map(|m| members_of.get(m))
                .flatten()
                .map(|m| m.name.as_str())
                .collect();
            for member in &mut shape.members {
                if !inherited.contains(member.name.as_str()) {
                    member
                        .traits
                        .entry("smithy.api#enumValue".into())
                        .or_insert_with(|| Value::String(member.name.clone()));
                }
            }
        }
    }
}
