//! What a writer's acknowledged writes imply the server holds, and which
//! states an in-doubt write (sent, never answered) may have left.

use std::collections::BTreeMap;

/// The window fields one UpdateMaintenanceWindow sets together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowFields {
    pub name: String,
    pub description: String,
    pub duration: i32,
    pub cutoff: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowState {
    pub fields: WindowFields,
    pub tags: BTreeMap<String, String>,
    /// In registration order, the order listings must keep.
    pub targets: Vec<(String, TargetState)>,
    pub tasks: Vec<(String, TaskState)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetState {
    pub name: String,
    pub description: String,
    pub owner: String,
    pub instance: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskState {
    pub name: String,
    pub description: String,
    pub priority: i32,
}

/// One writer's windows by id, in creation order (the order listings keep).
pub type Windows = Vec<(String, WindowState)>;

/// A write, with every value it sets.
#[derive(Clone, Debug)]
pub enum Op {
    CreateWindow {
        token: String,
        fields: WindowFields,
        tags: BTreeMap<String, String>,
    },
    UpdateWindow {
        window: String,
        fields: WindowFields,
    },
    DeleteWindow {
        window: String,
    },
    RegisterTarget {
        window: String,
        token: String,
        target: TargetState,
    },
    UpdateTarget {
        window: String,
        target: String,
        name: String,
        description: String,
    },
    DeregisterTarget {
        window: String,
        target: String,
    },
    RegisterTask {
        window: String,
        token: String,
        task: TaskState,
    },
    DeregisterTask {
        window: String,
        task: String,
    },
    AddTags {
        window: String,
        tags: BTreeMap<String, String>,
    },
    RemoveTags {
        window: String,
        keys: Vec<String>,
    },
}

impl Op {
    pub fn kind(&self) -> &'static str {
        match self {
            Op::CreateWindow { .. } => "CreateMaintenanceWindow",
            Op::UpdateWindow { .. } => "UpdateMaintenanceWindow",
            Op::DeleteWindow { .. } => "DeleteMaintenanceWindow",
            Op::RegisterTarget { .. } => "RegisterTargetWithMaintenanceWindow",
            Op::UpdateTarget { .. } => "UpdateMaintenanceWindowTarget",
            Op::DeregisterTarget { .. } => "DeregisterTargetFromMaintenanceWindow",
            Op::RegisterTask { .. } => "RegisterTaskWithMaintenanceWindow",
            Op::DeregisterTask { .. } => "DeregisterTaskFromMaintenanceWindow",
            Op::AddTags { .. } => "AddTagsToResource",
            Op::RemoveTags { .. } => "RemoveTagsFromResource",
        }
    }

    /// Whether the server picks the id of what this write makes (and a
    /// ClientToken makes a retry safe).
    pub fn creates(&self) -> bool {
        matches!(
            self,
            Op::CreateWindow { .. } | Op::RegisterTarget { .. } | Op::RegisterTask { .. }
        )
    }

    /// `windows` with this write applied; `new_id` is the id of what a
    /// creating write made.
    pub fn apply(&self, windows: &Windows, new_id: Option<&str>) -> Windows {
        let mut windows = windows.clone();
        let new_id = || new_id.expect("a creating write has an id").to_owned();
        match self {
            Op::CreateWindow { fields, tags, .. } => windows.push((
                new_id(),
                WindowState {
                    fields: fields.clone(),
                    tags: tags.clone(),
                    targets: Vec::new(),
                    tasks: Vec::new(),
                },
            )),
            Op::DeleteWindow { window } => windows.retain(|(id, _)| id != window),
            Op::UpdateWindow { window, fields } => {
                window_mut(&mut windows, window).fields = fields.clone()
            }
            Op::RegisterTarget { window, target, .. } => window_mut(&mut windows, window)
                .targets
                .push((new_id(), target.clone())),
            Op::UpdateTarget {
                window,
                target,
                name,
                description,
            } => {
                let targets = &mut window_mut(&mut windows, window).targets;
                let (_, state) = targets
                    .iter_mut()
                    .find(|(id, _)| id == target)
                    .expect("the writer updates a target it registered");
                state.name = name.clone();
                state.description = description.clone();
            }
            Op::DeregisterTarget { window, target } => window_mut(&mut windows, window)
                .targets
                .retain(|(id, _)| id != target),
            Op::RegisterTask { window, task, .. } => window_mut(&mut windows, window)
                .tasks
                .push((new_id(), task.clone())),
            Op::DeregisterTask { window, task } => window_mut(&mut windows, window)
                .tasks
                .retain(|(id, _)| id != task),
            Op::AddTags { window, tags } => {
                window_mut(&mut windows, window).tags.extend(tags.clone())
            }
            Op::RemoveTags { window, keys } => window_mut(&mut windows, window)
                .tags
                .retain(|key, _| !keys.contains(key)),
        }
        windows
    }

    /// The id of the item this creating write made, if `observed` holds
    /// exactly one item `before` does not where it would be.
    fn made_in(&self, before: &Windows, observed: &Windows) -> Option<String> {
        fn one_new<T>(before: &[(String, T)], observed: &[(String, T)]) -> Option<String> {
            let mut new = observed
                .iter()
                .filter(|(id, _)| !before.iter().any(|(old, _)| old == id));
            match (new.next(), new.next()) {
                (Some((id, _)), None) => Some(id.clone()),
                _ => None,
            }
        }
        let window_in = |windows: &'_ Windows, id: &str| {
            windows
                .iter()
                .find(|(w, _)| w == id)
                .map(|(_, state)| state.clone())
        };
        match self {
            Op::CreateWindow { .. } => one_new(before, observed),
            Op::RegisterTarget { window, .. } => one_new(
                &window_in(before, window)?.targets,
                &window_in(observed, window)?.targets,
            ),
            Op::RegisterTask { window, .. } => one_new(
                &window_in(before, window)?.tasks,
                &window_in(observed, window)?.tasks,
            ),
            _ => None,
        }
    }
}

fn window_mut<'w>(windows: &'w mut Windows, id: &str) -> &'w mut WindowState {
    windows
        .iter_mut()
        .find(|(w, _)| w == id)
        .map(|(_, state)| state)
        .expect("the writer only touches windows it holds")
}

/// How an in-doubt write turned out.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Nothing of it is there.
    Absent,
    /// All of it is there; for a creating write, the id it made.
    Applied(Option<String>),
}

/// Decides whether `observed` is `before` (the write did not happen) or
/// `before` with the whole write applied; anything else is a write that
/// was lost in part or an acknowledged write that was lost.
pub fn resolve(before: &Windows, op: &Op, observed: &Windows) -> Result<Resolution, String> {
    if observed == before {
        return Ok(Resolution::Absent);
    }
    let new_id = if op.creates() {
        match op.made_in(before, observed) {
            Some(id) => Some(id),
            None => {
                return Err(format!(
                    "the state is neither as before the in-doubt {op:?} nor with exactly one item it made:\n{}",
                    difference(before, observed)
                ))
            }
        }
    } else {
        None
    };
    let after = op.apply(before, new_id.as_deref());
    if &after == observed {
        Ok(Resolution::Applied(new_id))
    } else {
        Err(format!(
            "the state is neither as before nor as after the in-doubt {op:?}:\nagainst before: {}\nagainst after: {}",
            difference(before, observed),
            difference(&after, observed)
        ))
    }
}

/// What differs between the expected and the observed windows, down to
/// the fields, for a failure message a person can act on.
pub fn difference(expected: &Windows, observed: &Windows) -> String {
    items_difference("window", expected, observed, |id, expected, observed| {
        let mut out = Vec::new();
        if expected.fields != observed.fields {
            out.push(format!(
                "window {id}: expected {:?}, observed {:?}",
                expected.fields, observed.fields
            ));
        }
        if expected.tags != observed.tags {
            out.push(format!(
                "window {id}: expected tags {:?}, observed {:?}",
                expected.tags, observed.tags
            ));
        }
        let within = |what: &str| format!("{what} of window {id}");
        out.push(items_difference(
            &within("target"),
            &expected.targets,
            &observed.targets,
            |t, e, o| format!("target {t}: expected {e:?}, observed {o:?}"),
        ));
        out.push(items_difference(
            &within("task"),
            &expected.tasks,
            &observed.tasks,
            |t, e, o| format!("task {t}: expected {e:?}, observed {o:?}"),
        ));
        out.retain(|line| !line.is_empty());
        out.join("\n")
    })
}

/// Missing, unexpected and changed items (`changed` describes one), or
/// else the order; empty if both lists are equal.
fn items_difference<T: PartialEq + std::fmt::Debug>(
    what: &str,
    expected: &[(String, T)],
    observed: &[(String, T)],
    changed: impl Fn(&str, &T, &T) -> String,
) -> String {
    fn find<'a, T>(items: &'a [(String, T)], id: &str) -> Option<&'a T> {
        items.iter().find(|(i, _)| i == id).map(|(_, item)| item)
    }
    let mut out = Vec::new();
    for (id, item) in expected {
        match find(observed, id) {
            None => out.push(format!("missing {what} {id}: {item:?}")),
            Some(seen) if seen != item => out.push(changed(id, item, seen)),
            Some(_) => {}
        }
    }
    for (id, item) in observed {
        if find(expected, id).is_none() {
            out.push(format!("unexpected {what} {id}: {item:?}"));
        }
    }
    let ids = |items: &[(String, T)]| items.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    if out.is_empty() && ids(expected) != ids(observed) {
        out.push(format!(
            "{what}s listed out of creation order: expected {:?}, observed {:?}",
            ids(expected),
            ids(observed)
        ));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(name: &str) -> WindowState {
        WindowState {
            fields: WindowFields {
                name: name.into(),
                description: "d".into(),
                duration: 3,
                cutoff: 1,
            },
            tags: BTreeMap::new(),
            targets: Vec::new(),
            tasks: Vec::new(),
        }
    }

    fn update(to: &str) -> Op {
        Op::UpdateWindow {
            window: "mw-1".into(),
            fields: WindowFields {
                name: to.into(),
                description: "new".into(),
                duration: 5,
                cutoff: 2,
            },
        }
    }

    #[test]
    fn an_in_doubt_update_is_either_absent_or_whole() {
        let before = vec![("mw-1".to_owned(), window("a"))];
        let op = update("b");
        assert_eq!(resolve(&before, &op, &before), Ok(Resolution::Absent));
        let after = op.apply(&before, None);
        assert_eq!(resolve(&before, &op, &after), Ok(Resolution::Applied(None)));
        let mut half = before.clone();
        half[0].1.fields.name = "b".into();
        assert!(resolve(&before, &op, &half).is_err());
    }

    #[test]
    fn an_in_doubt_create_is_found_by_the_one_id_it_made() {
        let before = vec![("mw-1".to_owned(), window("a"))];
        let op = Op::RegisterTarget {
            window: "mw-1".into(),
            token: "t".into(),
            target: TargetState {
                name: "t1".into(),
                description: "d".into(),
                owner: "o".into(),
                instance: "i-0".into(),
            },
        };
        let after = op.apply(&before, Some("target-9"));
        assert_eq!(
            resolve(&before, &op, &after),
            Ok(Resolution::Applied(Some("target-9".into())))
        );
        let twice = op.apply(&after, Some("target-10"));
        assert!(resolve(&before, &op, &twice).is_err());
    }
}
