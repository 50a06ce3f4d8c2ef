//! What the service keeps, in the form it is persisted (JSON bodies in
//! SQLite). Nested API structures are stored in their wire form, which AWS
//! keeps stable.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Utc};
use mw_schedule::WindowSchedule;
use serde::{Deserialize, Serialize};
use smithy_runtime::Timestamp;
use ssm_api::types::{
    AlarmConfiguration, LoggingInfo, MaintenanceWindowTaskInvocationParameters,
    MaintenanceWindowTaskParameterValueExpression, Tag, Target,
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Window {
    pub id: String,
    /// Creation order within the store; pagination keys on it.
    pub seq: u64,
    pub name: String,
    pub description: Option<String>,
    pub schedule: String,
    pub schedule_timezone: Option<String>,
    pub schedule_offset: Option<i32>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub duration: i32,
    pub cutoff: i32,
    pub allow_unassociated_targets: bool,
    pub enabled: bool,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// When the schedule last changed: rate schedules count from here.
    pub schedule_changed: Timestamp,
    /// In registration order.
    pub targets: Vec<WindowTarget>,
    /// In registration order.
    pub tasks: Vec<WindowTask>,
    pub tags: Vec<Tag>,
    /// What reads and the scheduler derive from the schedule fields.
    #[serde(skip)]
    pub schedule_cache: ScheduleCache,
}

/// Derived from a window's schedule fields on first use and never stored.
/// A clone starts empty: writes change windows through clones, so a changed
/// window never carries a value computed from its old fields. One box, made
/// on first use, so a window nobody reads costs a pointer.
#[derive(Default)]
pub struct ScheduleCache(pub OnceLock<Box<Derived>>);

pub struct Derived {
    /// The parsed schedule, or the ValidationException text its fields
    /// deserve.
    pub schedule: Result<WindowSchedule, String>,
    /// The last `NextExecutionTime` answer, reused until that run begins:
    /// every read of a window shows it, and computing it walks the calendar.
    pub next_run: Mutex<Option<Box<NextRun>>>,
}

/// `next` is the first run strictly after `asked` (with AWS's rendering of
/// it), hence also the first after any instant before it.
#[derive(Clone, Debug)]
pub struct NextRun {
    pub asked: DateTime<Utc>,
    pub next: Option<(DateTime<Utc>, String)>,
}

impl Clone for ScheduleCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for ScheduleCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScheduleCache")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WindowTarget {
    pub id: String,
    /// Registration order, for pagination that survives deregistrations.
    #[serde(default)]
    pub seq: u64,
    pub resource_type: String,
    pub targets: Vec<Target>,
    pub owner_information: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WindowTask {
    pub id: String,
    /// Registration order, for pagination that survives deregistrations.
    #[serde(default)]
    pub seq: u64,
    pub task_arn: String,
    pub task_type: String,
    pub targets: Vec<Target>,
    pub service_role_arn: Option<String>,
    pub task_parameters: Option<BTreeMap<String, MaintenanceWindowTaskParameterValueExpression>>,
    pub task_invocation_parameters: Option<MaintenanceWindowTaskInvocationParameters>,
    pub priority: i32,
    pub max_concurrency: Option<String>,
    pub max_errors: Option<String>,
    pub logging_info: Option<LoggingInfo>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub cutoff_behavior: Option<String>,
    pub alarm_configuration: Option<AlarmConfiguration>,
}

/// One run of a window.
///
/// Runs are simulated, so a run is planned whole when it starts: every
/// record carries its planned start and end and its outcome. What a reader
/// sees depends on the clock: PENDING before `start`, IN_PROGRESS (or
/// CANCELLING) until `end`, then `status`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Execution {
    pub id: String,
    pub window_id: String,
    pub status: String,
    pub status_details: Option<String>,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    /// When `CancelMaintenanceWindowExecution` was called, if it was.
    #[serde(default)]
    pub cancel_requested: Option<Timestamp>,
    pub tasks: Vec<ExecutionTask>,
    /// The replica that started the run, when several share a database:
    /// while it is alive the run is its own; once its lease lapses another
    /// replica closes the run as a restart would. Absent with SQLite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
}

/// One registered task, as run by an execution.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExecutionTask {
    pub id: String,
    pub window_task_id: String,
    pub task_arn: String,
    pub task_type: String,
    pub priority: i32,
    pub service_role: Option<String>,
    pub max_concurrency: Option<String>,
    pub max_errors: Option<String>,
    pub task_parameters: Option<BTreeMap<String, MaintenanceWindowTaskParameterValueExpression>>,
    pub alarm_configuration: Option<AlarmConfiguration>,
    pub status: String,
    pub status_details: Option<String>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub invocations: Vec<Invocation>,
}

/// The task run against one target.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invocation {
    pub id: String,
    /// The id the executing service gave the work, e.g. a command id.
    pub execution_id: Option<String>,
    pub parameters: String,
    pub status: String,
    pub status_details: Option<String>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub owner_information: Option<String>,
    pub window_target_id: Option<String>,
}

/// A `ClientToken` seen on a create or register call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientToken {
    pub operation: &'static str,
    pub token: String,
    /// A digest of the request, to tell a retry from a reuse.
    pub fingerprint: String,
    pub resource_id: String,
    /// First use, in Unix milliseconds: tokens expire a fixed time after it.
    pub created_ms: i64,
}
