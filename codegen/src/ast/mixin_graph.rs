//! The mixin relation between shapes: which exist, which are of the right
//! kind, an order in which every mixin comes before the shapes using it, and
//! the members each shape has once its mixins' members are counted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{AstShape, LoadError, Source};

/// The error for something at `source`, or without a location.
pub(crate) fn error_at(source: &Source, message: String) -> LoadError {
    match &source.0 {
        Some(location) => LoadError::at(location.clone(), message),
        None => LoadError::new(message),
    }
}

/// Checks that every mixin exists and is of its user's kind.
pub(crate) fn check_mixins(shapes: &BTreeMap<String, AstShape>) -> Result<(), LoadError> {
    for shape in shapes.values() {
        let mut wrong_kind = BTreeSet::new();
        for mixin in &shape.mixins {
            match shapes.get(mixin) {
                None => {
                    return Err(error_at(
                        &shape.source,
                        format!("{}: refers to {mixin}, which is not in the model", shape.id),
                    ))
                }
                Some(found) if found.kind != shape.kind => {
                    wrong_kind.insert(mixin.as_str());
                }
                Some(_) => {}
            }
        }
        if !wrong_kind.is_empty() {
            let kind = shape.kind.as_str();
            let list: Vec<&str> = wrong_kind.into_iter().collect();
            return Err(error_at(
                &shape.source,
                format!(
                    "{}: Mixins may only be mixed into shapes of the same type. The following \
                     mixins were applied to the {kind} shape `{}` which are not {kind} shapes: [`{}`]",
                    shape.id,
                    shape.id,
                    list.join("`, `")
                ),
            ));
        }
    }
    Ok(())
}

/// Every shape id, each after all of its mixins. Errors on a cycle, naming
/// the shapes on it.
pub(crate) fn mixin_order(shapes: &BTreeMap<String, AstShape>) -> Result<Vec<String>, LoadError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Done,
    }
    let mut state: HashMap<&str, State> = HashMap::new();
    let mut order = Vec::with_capacity(shapes.len());
    for root in shapes.keys() {
        if state.contains_key(root.as_str()) {
            continue;
        }
        // Depth-first without recursion: a long mixin chain in a hostile
        // model must not overflow the stack.
        let mut stack: Vec<(&str, usize)> = vec![(root.as_str(), 0)];
        state.insert(root, State::Open);
        while let Some((id, next)) = stack.last_mut() {
            let mixins = shapes.get(*id).map_or(&[][..], |s| s.mixins.as_slice());
            if let Some(mixin) = mixins.get(*next) {
                *next += 1;
                match state.get(mixin.as_str()) {
                    None if shapes.contains_key(mixin) => {
                        state.insert(mixin, State::Open);
                        stack.push((mixin, 0));
                    }
                    Some(State::Open) => {
                        let start = stack.iter().position(|(s, _)| *s == mixin).unwrap_or(0);
                        let mut chain: Vec<&str> = stack[start..].iter().map(|(s, _)| *s).collect();
                        chain.push(mixin);
                        let first = chain[0];
                        let source = shapes
                            .get(first)
                            .map(|s| s.source.clone())
                            .unwrap_or_default();
                        return Err(error_at(
                            &source,
                            format!("{first}: {}: mixins form a cycle", chain.join(" -> ")),
                        ));
                    }
                    _ => {}
                }
            } else {
                state.insert(id, State::Done);
                order.push((*id).to_owned());
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// A member a shape has, declared locally or inherited.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub name: String,
    pub target: String,
}

/// The members `shape` inherits from its mixins, in Smithy's order: by
/// mixin, then by the mixin's own order; a name keeps its first position.
/// `members_of` gives a mixin's full member list. Two mixins giving one name
/// different targets is an error.
pub(crate) fn inherited_members(
    shape: &AstShape,
    members_of: &HashMap<String, Vec<Member>>,
) -> Result<Vec<Member>, LoadError> {
    let mut inherited: Vec<Member> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for mixin in &shape.mixins {
        for member in members_of.get(mixin).into_iter().flatten() {
            match index.get(&member.name) {
                Some(&at) => {
                    // A local redeclaration settles which target wins; the
                    // caller compares it with each mixin's.
                    if inherited[at].target != member.target && shape.member(&member.name).is_none()
                    {
                        let id = format!("{}${}", shape.id, member.name);
                        return Err(error_at(
                            &shape.source,
                            format!(
                                "{id}: Member conflicts with an inherited mixin member: `{id}`"
                            ),
                        ));
                    }
                }
                None => {
                    index.insert(member.name.clone(), inherited.len());
                    inherited.push(member.clone());
                }
            }
        }
    }
    Ok(inherited)
}

/// For a shape's local member, the first of its mixins (in order) that has
/// a member of that name with a different target.
pub(crate) fn conflicting_mixin<'a>(
    shape: &'a AstShape,
    name: &str,
    target: &str,
    members_of: &HashMap<String, Vec<Member>>,
) -> Option<&'a str> {
    shape.mixins.iter().map(String::as_str).find(|mixin| {
        members_of
            .get(*mixin)
            .into_iter()
            .flatten()
            .any(|m| m.name == name && m.target != target)
    })
}

/// All members of `shape`: inherited ones first, then local ones that do
/// not redeclare an inherited member.
pub(crate) fn all_members(shape: &AstShape, inherited: Vec<Member>) -> Vec<Member> {
    let mut all = inherited;
    for member in &shape.members {
        if !all.iter().any(|m| m.name == member.name) {
            all.push(Member {
                name: member.name.clone(),
                target: member.target.clone(),
            });
        }
    }
    all
}
