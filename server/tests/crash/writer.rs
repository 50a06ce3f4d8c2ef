//! A client that writes to its own windows until the server stops
//! answering, keeping in its model only what the server acknowledged.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use aws_sdk_ssm::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_ssm::types::{
    MaintenanceWindowResourceType, MaintenanceWindowTaskType, ResourceTypeForTagging, Tag, Target,
};
use aws_sdk_ssm::Client;

use crate::model::{Op, TargetState, TaskState, WindowFields, Windows};

/// Below these, listings of one writer's windows and of one window's
/// targets and tasks take more than one page of 10.
const MAX_WINDOWS: usize = 5;
const MAX_TARGETS: usize = 14;
const MAX_TASKS: usize = 12;
const TAG_KEYS: u32 = 6;

/// A bound on one writing spell, in case the server never stops answering.
const MAX_WRITES: u32 = 20_000;

pub struct Writer {
    pub index: usize,
    /// Every acknowledged write applied, in order.
    pub windows: Windows,
    /// The write sent last, whose answer never came.
    pub in_doubt: Option<Op>,
    /// Windows a delete took effect on.
    pub deleted: HashSet<String>,
    /// Makes every name, description and token this writer sends unique, so
    /// no write leaves the state as it was.
    serial: u64,
    pub acknowledged: BTreeMap<&'static str, u64>,
}

/// What became of one write.
pub enum Outcome {
    /// Answered with success; the id of what a creating write made.
    Acknowledged(Option<String>),
    /// No answer (connection cut, refused, timed out): applied or not.
    Unknown(String),
}

impl Writer {
    pub fn new(index: usize) -> Self {
        Self {
            index,
            windows: Vec::new(),
            in_doubt: None,
            deleted: HashSet::new(),
            serial: 0,
            acknowledged: BTreeMap::new(),
        }
    }

    /// The prefix of every window name this writer uses.
    pub fn prefix(index: usize) -> String {
        format!("w{index}-")
    }

    /// The serial of the write that gave a window its name: later writes
    /// to a window have higher serials.
    pub fn serial_of(name: &str) -> Option<u64> {
        name.strip_prefix('w')?.split_once('-')?.1.parse().ok()
    }

    /// Writes until a write goes unanswered or `until`; an error is a write
    /// the server refused, which none of these should be.
    pub async fn run(
        mut self,
        ssm: Client,
        mut rng: fastrand::Rng,
        until: Instant,
    ) -> Result<Self, String> {
        for _ in 0..MAX_WRITES {
            if Instant::now() >= until {
                break;
            }
            let op = self.choose(&mut rng);
            match send(&ssm, &op).await? {
                Outcome::Acknowledged(new_id) => self.acknowledge(&op, new_id.as_deref()),
                Outcome::Unknown(_) => {
                    self.in_doubt = Some(op);
                    break;
                }
            }
        }
        Ok(self)
    }

    pub fn acknowledge(&mut self, op: &Op, new_id: Option<&str>) {
        self.took_effect(op, new_id);
        *self.acknowledged.entry(op.kind()).or_default() += 1;
    }

    /// Applies a write that is known to have taken effect.
    pub fn took_effect(&mut self, op: &Op, new_id: Option<&str>) {
        self.windows = op.apply(&self.windows, new_id);
        if let Op::DeleteWindow { window } = op {
            self.deleted.insert(window.clone());
        }
    }

    fn next(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn fields(&mut self, rng: &mut fastrand::Rng) -> WindowFields {
        let n = self.next();
        let duration = rng.i32(2..=24);
        WindowFields {
            name: format!("{}{n}", Self::prefix(self.index)),
            description: format!("description {n}"),
            duration,
            cutoff: rng.i32(0..duration),
        }
    }

    /// A write that changes something, on a window this writer holds.
    fn choose(&mut self, rng: &mut fastrand::Rng) -> Op {
        if self.windows.len() < 2 {
            return self.create_window(rng);
        }
        let (window, state) = self.windows[rng.usize(..self.windows.len())].clone();
        let mut kinds: Vec<(u32, &str)> = vec![(2, "update window"), (1, "add tags")];
        if self.windows.len() < MAX_WINDOWS {
            kinds.push((1, "create window"));
        }
        if self.windows.len() > 2 {
            kinds.push((1, "delete window"));
        }
        if state.targets.len() < MAX_TARGETS {
            kinds.push((4, "register target"));
        }
        if !state.targets.is_empty() {
            kinds.extend([(1, "update target"), (1, "deregister target")]);
        }
        if state.tasks.len() < MAX_TASKS {
            kinds.push((3, "register task"));
        }
        if !state.tasks.is_empty() {
            kinds.push((1, "deregister task"));
        }
        if !state.tags.is_empty() {
            kinds.push((1, "remove tags"));
        }
        let total: u32 = kinds.iter().map(|(weight, _)| weight).sum();
        let mut pick = rng.u32(..total);
        let kind = kinds
            .iter()
            .find(|(weight, _)| {
                let hit = pick < *weight;
                pick = pick.saturating_sub(*weight);
                hit
            })
            .map(|(_, kind)| *kind)
            .expect("a pick below the total weight");
        let n = self.next();
        match kind {
            "create window" => self.create_window(rng),
            "update window" => Op::UpdateWindow {
                window,
                fields: self.fields(rng),
            },
            "delete window" => Op::DeleteWindow { window },
            "register target" => Op::RegisterTarget {
                window,
                token: format!("{}target-{n}", Self::prefix(self.index)),
                target: TargetState {
                    name: format!("target-{n}"),
                    description: format!("target description {n}"),
                    owner: format!("owner {n}"),
                    instance: format!("i-{n:017x}"),
                },
            },
            "update target" => Op::UpdateTarget {
                window,
                target: state.targets[rng.usize(..state.targets.len())].0.clone(),
                name: format!("target-renamed-{n}"),
                description: format!("target description {n}"),
            },
            "deregister target" => Op::DeregisterTarget {
                window,
                target: state.targets[rng.usize(..state.targets.len())].0.clone(),
            },
            "register task" => Op::RegisterTask {
                window,
                token: format!("{}task-{n}", Self::prefix(self.index)),
                task: TaskState {
                    name: format!("task-{n}"),
                    description: format!("task description {n}"),
                    priority: rng.i32(0..=5),
                },
            },
            "deregister task" => Op::DeregisterTask {
                window,
                task: state.tasks[rng.usize(..state.tasks.len())].0.clone(),
            },
            "add tags" => Op::AddTags {
                window,
                tags: (0..rng.u32(1..=3))
                    .map(|_| (format!("k{}", rng.u32(..TAG_KEYS)), format!("v{n}")))
                    .collect(),
            },
            "remove tags" => {
                let mut keys: BTreeSet<String> =
                    state.tags.keys().filter(|_| rng.bool()).cloned().collect();
                keys.extend(state.tags.keys().next().cloned());
                Op::RemoveTags {
                    window,
                    keys: keys.into_iter().collect(),
                }
            }
            other => unreachable!("{other}"),
        }
    }

    fn create_window(&mut self, rng: &mut fastrand::Rng) -> Op {
        let fields = self.fields(rng);
        let n = self.next();
        Op::CreateWindow {
            token: format!("{}window-{n}", Self::prefix(self.index)),
            fields,
            tags: BTreeMap::from([("created".to_owned(), n.to_string())]),
        }
    }
}

/// A schedule that does not fire while the test runs.
const SCHEDULE: &str = "rate(7 days)";

/// Sends `op`; an error is a refusal, which a valid write on a window the
/// writer holds must never get.
pub async fn send(ssm: &Client, op: &Op) -> Result<Outcome, String> {
    match op {
        Op::CreateWindow {
            token,
            fields,
            tags,
        } => judge(
            op,
            ssm.create_maintenance_window()
                .name(&fields.name)
                .description(&fields.description)
                .schedule(SCHEDULE)
                .duration(fields.duration)
                .cutoff(fields.cutoff)
                .allow_unassociated_targets(true)
                .client_token(token)
                .set_tags(Some(tag_list(tags)))
                .send()
                .await
                .map(|out| out.window_id),
        ),
        Op::UpdateWindow { window, fields } => judge(
            op,
            ssm.update_maintenance_window()
                .window_id(window)
                .name(&fields.name)
                .description(&fields.description)
                .duration(fields.duration)
                .cutoff(fields.cutoff)
                .send()
                .await
                .map(|_| None),
        ),
        Op::DeleteWindow { window } => judge(
            op,
            ssm.delete_maintenance_window()
                .window_id(window)
                .send()
                .await
                .map(|_| None),
        ),
        Op::RegisterTarget {
            window,
            token,
            target,
        } => judge(
            op,
            ssm.register_target_with_maintenance_window()
                .window_id(window)
                .resource_type(MaintenanceWindowResourceType::Instance)
                .targets(
                    Target::builder()
                        .key("InstanceIds")
                        .values(&target.instance)
                        .build(),
                )
                .name(&target.name)
                .description(&target.description)
                .owner_information(&target.owner)
                .client_token(token)
                .send()
                .await
                .map(|out| out.window_target_id),
        ),
        Op::UpdateTarget {
            window,
            target,
            name,
            description,
        } => judge(
            op,
            ssm.update_maintenance_window_target()
                .window_id(window)
                .window_target_id(target)
                .name(name)
                .description(description)
                .send()
                .await
                .map(|_| None),
        ),
        Op::DeregisterTarget { window, target } => judge(
            op,
            ssm.deregister_target_from_maintenance_window()
                .window_id(window)
                .window_target_id(target)
                .send()
                .await
                .map(|_| None),
        ),
        Op::RegisterTask {
            window,
            token,
            task,
        } => judge(
            op,
            ssm.register_task_with_maintenance_window()
                .window_id(window)
                .task_arn("AWS-RestartEC2Instance")
                .task_type(MaintenanceWindowTaskType::Automation)
                .name(&task.name)
                .description(&task.description)
                .priority(task.priority)
                .client_token(token)
                .send()
                .await
                .map(|out| out.window_task_id),
        ),
        Op::DeregisterTask { window, task } => judge(
            op,
            ssm.deregister_task_from_maintenance_window()
                .window_id(window)
                .window_task_id(task)
                .send()
                .await
                .map(|_| None),
        ),
        Op::AddTags { window, tags } => judge(
            op,
            ssm.add_tags_to_resource()
                .resource_type(ResourceTypeForTagging::MaintenanceWindow)
                .resource_id(window)
                .set_tags(Some(tag_list(tags)))
                .send()
                .await
                .map(|_| None),
        ),
        Op::RemoveTags { window, keys } => judge(
            op,
            ssm.remove_tags_from_resource()
                .resource_type(ResourceTypeForTagging::MaintenanceWindow)
                .resource_id(window)
                .set_tag_keys(Some(keys.clone()))
                .send()
                .await
                .map(|_| None),
        ),
    }
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .expect("key and value")
        })
        .collect()
}

/// An answer is final (success, or a refusal that is an error); anything
/// short of an answer leaves the write in doubt.
fn judge<E>(op: &Op, result: Result<Option<String>, SdkError<E>>) -> Result<Outcome, String>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(new_id) => {
            if op.creates() && new_id.is_none() {
                return Err(format!("{} answered without an id", op.kind()));
            }
            Ok(Outcome::Acknowledged(new_id))
        }
        Err(SdkError::ServiceError(refused)) => Err(format!(
            "{} refused: {}: {} ({op:?})",
            op.kind(),
            refused.err().code().unwrap_or_default(),
            refused.err().message().unwrap_or_default()
        )),
        Err(error @ SdkError::ConstructionFailure(_)) => Err(format!(
            "{} could not be built: {}",
            op.kind(),
            DisplayErrorContext(&error)
        )),
        Err(error) => Ok(Outcome::Unknown(DisplayErrorContext(&error).to_string())),
    }
}
