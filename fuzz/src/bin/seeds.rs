//! Writes the seed corpus: valid request runs in the target's input format
//! (see `src/main.rs`), one file each, into the directory given. The
//! requests are written from the API's documentation of each operation;
//! operation bytes are looked up by name so a reordered model cannot skew
//! them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use smithy_runtime::schema::{Kind, Member, Shape};

use ssm_api::operation::OPERATIONS;

/// The two control steps, by the names `src/main.rs` gives them.
const RUN: &str = "!run";
const HOUR: &str = "!hour";

const CREATE: &str = r#"{"Name":"Patch-Window","Schedule":"cron(0 2 ? * SUN *)","Duration":3,"Cutoff":1,"AllowUnassociatedTargets":true}"#;
const TARGET: &str = r#"{"WindowId":"$W","ResourceType":"INSTANCE","Targets":[{"Key":"InstanceIds","Values":["i-0123456789abcdef0","i-0fedcba9876543210"]}],"OwnerInformation":"team-a","Name":"web-fleet"}"#;
const TASK: &str = r#"{"WindowId":"$W","Targets":[{"Key":"WindowTargetIds","Values":["$T"]}],"TaskArn":"AWS-RunShellScript","TaskType":"RUN_COMMAND","TaskInvocationParameters":{"RunCommand":{"Parameters":{"commands":["uptime"]},"TimeoutSeconds":600}},"Priority":1,"MaxConcurrency":"2","MaxErrors":"1","Name":"uptime"}"#;

const RUNS: &[&[(&str, &str)]] = &[
    // A window's whole life: targets, a task, a run and everything that
    // describes it.
    &[
        ("CreateMaintenanceWindow", CREATE),
        ("RegisterTargetWithMaintenanceWindow", TARGET),
        ("RegisterTaskWithMaintenanceWindow", TASK),
        (RUN, ""),
        (
            "DescribeMaintenanceWindowExecutions",
            r#"{"WindowId":"$W"}"#,
        ),
        (
            "GetMaintenanceWindowExecution",
            r#"{"WindowExecutionId":"$E"}"#,
        ),
        (
            "DescribeMaintenanceWindowExecutionTasks",
            r#"{"WindowExecutionId":"$E","MaxResults":10}"#,
        ),
        (
            "GetMaintenanceWindowExecutionTask",
            r#"{"WindowExecutionId":"$E","TaskId":"$X"}"#,
        ),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            r#"{"WindowExecutionId":"$E","TaskId":"$X"}"#,
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            r#"{"WindowExecutionId":"$E","TaskId":"$X","InvocationId":"$I"}"#,
        ),
        (
            "CancelMaintenanceWindowExecution",
            r#"{"WindowExecutionId":"$E"}"#,
        ),
        (HOUR, ""),
        (
            "DescribeMaintenanceWindowExecutions",
            r#"{"WindowId":"$W","Filters":[{"Key":"ExecutedAfter","Values":["2026-01-01T00:00:00Z"]}]}"#,
        ),
    ],
    &[
        (
            "CreateMaintenanceWindow",
            r#"{"Name":"Weekly","Description":"Every Thursday","StartDate":"2026-01-01T00:00:00Z","EndDate":"2027-01-01T00:00:00Z","Schedule":"cron(0 2 ? * THU#3 *)","ScheduleTimezone":"America/Los_Angeles","ScheduleOffset":2,"Duration":4,"Cutoff":1,"AllowUnassociatedTargets":false,"ClientToken":"token-1","Tags":[{"Key":"env","Value":"prod"}]}"#,
        ),
        ("GetMaintenanceWindow", r#"{"WindowId":"$W"}"#),
        (
            "UpdateMaintenanceWindow",
            r#"{"WindowId":"$W","Schedule":"cron(30 4 ? * MON *)","Duration":6,"Enabled":false}"#,
        ),
        (
            "UpdateMaintenanceWindow",
            r#"{"WindowId":"$W","Name":"Renamed","Schedule":"at(2026-06-01T10:00:00)","Duration":2,"Cutoff":0,"AllowUnassociatedTargets":true,"Enabled":true,"Replace":true}"#,
        ),
        (
            "DescribeMaintenanceWindows",
            r#"{"Filters":[{"Key":"Enabled","Values":["true"]},{"Key":"Name","Values":["Renamed"]}],"MaxResults":10}"#,
        ),
        (
            "DescribeMaintenanceWindowSchedule",
            r#"{"WindowId":"$W","MaxResults":5}"#,
        ),
        (HOUR, ""),
        ("DeleteMaintenanceWindow", r#"{"WindowId":"$W"}"#),
    ],
    &[
        ("CreateMaintenanceWindow", CREATE),
        (
            "AddTagsToResource",
            r#"{"ResourceType":"MaintenanceWindow","ResourceId":"$W","Tags":[{"Key":"team","Value":"ops"},{"Key":"cost-center","Value":"42"}]}"#,
        ),
        (
            "ListTagsForResource",
            r#"{"ResourceType":"MaintenanceWindow","ResourceId":"$W"}"#,
        ),
        (
            "RemoveTagsFromResource",
            r#"{"ResourceType":"MaintenanceWindow","ResourceId":"$W","TagKeys":["team"]}"#,
        ),
    ],
    &[
        ("CreateMaintenanceWindow", CREATE),
        (
            "RegisterTargetWithMaintenanceWindow",
            r#"{"WindowId":"$W","ResourceType":"INSTANCE","Targets":[{"Key":"tag:Role","Values":["web","db"]}],"ClientToken":"t-1"}"#,
        ),
        (
            "DescribeMaintenanceWindowTargets",
            r#"{"WindowId":"$W","Filters":[{"Key":"Type","Values":["INSTANCE"]}]}"#,
        ),
        (
            "UpdateMaintenanceWindowTarget",
            r#"{"WindowId":"$W","WindowTargetId":"$T","Targets":[{"Key":"tag:Role","Values":["web"]}],"OwnerInformation":"ops","Replace":false}"#,
        ),
        (
            "DescribeMaintenanceWindowsForTarget",
            r#"{"Targets":[{"Key":"InstanceIds","Values":["i-0123456789abcdef0"]}],"ResourceType":"INSTANCE"}"#,
        ),
        (
            "DescribeMaintenanceWindowSchedule",
            r#"{"Targets":[{"Key":"InstanceIds","Values":["i-0123456789abcdef0"]}],"ResourceType":"INSTANCE","Filters":[{"Key":"ScheduledBefore","Values":["2026-12-31T00:00:00Z"]}]}"#,
        ),
        (
            "DeregisterTargetFromMaintenanceWindow",
            r#"{"WindowId":"$W","WindowTargetId":"$T","Safe":true}"#,
        ),
    ],
    &[
        ("CreateMaintenanceWindow", CREATE),
        ("RegisterTargetWithMaintenanceWindow", TARGET),
        (
            "RegisterTaskWithMaintenanceWindow",
            r#"{"WindowId":"$W","Targets":[{"Key":"WindowTargetIds","Values":["$T"]}],"TaskArn":"arn:aws:lambda:us-east-1:123456789012:function:cleanup","TaskType":"LAMBDA","TaskInvocationParameters":{"Lambda":{"Payload":"eyJrIjoidiJ9","Qualifier":"$LATEST"}},"MaxConcurrency":"10%","MaxErrors":"0","CutoffBehavior":"CANCEL_TASK","LoggingInfo":{"S3BucketName":"logs","S3Region":"us-east-1"}}"#,
        ),
        (
            "DescribeMaintenanceWindowTasks",
            r#"{"WindowId":"$W","Filters":[{"Key":"TaskType","Values":["LAMBDA"]}]}"#,
        ),
        (
            "GetMaintenanceWindowTask",
            r#"{"WindowId":"$W","WindowTaskId":"$K"}"#,
        ),
        (
            "UpdateMaintenanceWindowTask",
            r#"{"WindowId":"$W","WindowTaskId":"$K","Priority":5,"MaxConcurrency":"1","MaxErrors":"1","AlarmConfiguration":{"IgnorePollAlarmFailure":true,"Alarms":[{"Name":"cpu-high"}]},"Replace":false}"#,
        ),
        (
            "DeregisterTaskFromMaintenanceWindow",
            r#"{"WindowId":"$W","WindowTaskId":"$K"}"#,
        ),
    ],
];

fn step_bytes(name: &str, body: &str) -> Vec<u8> {
    let operations = OPERATIONS.len();
    let op = match name {
        RUN => operations + 2,
        HOUR => operations + 3,
        _ => OPERATIONS
            .iter()
            .position(|operation| operation.name == name)
            .unwrap_or_else(|| panic!("{name} is not an operation of the model")),
    };
    let mut bytes = vec![u8::try_from(op).expect("fewer than 256 operations"), 0];
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// Every member name and enum value the inputs can hold, quoted as JSON,
/// plus the placeholders: tokens a byte-level mutator rarely spells out.
fn dictionary() -> String {
    fn walk(shape: &'static Shape, seen: &mut BTreeSet<String>, visited: &mut Vec<&'static str>) {
        if visited.contains(&shape.id) {
            return;
        }
        visited.push(shape.id);
        let mut visit = |member: &'static Member, seen: &mut BTreeSet<String>| {
            walk(member.target, seen, visited);
        };
        match shape.kind {
            Kind::Structure(members) | Kind::Union(members) => {
                for member in members {
                    seen.insert(format!("\"{}\"", member.name));
                    visit(member, seen);
                }
            }
            Kind::List { member, .. } => visit(member, seen),
            Kind::Map { key, value, .. } => {
                visit(key, seen);
                visit(value, seen);
            }
            Kind::Enum(values) => {
                seen.extend(values.iter().map(|v| format!("\"{v}\"")));
            }
            _ => {}
        }
    }
    let mut tokens = BTreeSet::new();
    let mut visited = Vec::new();
    for operation in OPERATIONS {
        walk(operation.input, &mut tokens, &mut visited);
    }
    tokens.extend(["$W", "$T", "$K", "$E", "$X", "$I"].map(String::from));
    tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            format!(
                "t{i}=\"{}\"\n",
                token.replace('\\', "\\\\").replace('"', "\\\"")
            )
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(dictionary_file)) = (args.next(), args.next()) else {
        panic!("usage: seeds SEED_DIR DICTIONARY_FILE");
    };
    std::fs::write(&dictionary_file, dictionary()).expect("write the dictionary");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create the seed directory");
    for (i, run) in RUNS.iter().enumerate() {
        let input: Vec<u8> = run
            .iter()
            .map(|(name, body)| step_bytes(name, body))
            .collect::<Vec<_>>()
            .join(&0u8);
        std::fs::write(dir.join(format!("run-{i}")), input).expect("write a seed");
    }
    // Each operation once on its own, as the last run above left it.
    for operation in OPERATIONS {
        let body = RUNS
            .iter()
            .flat_map(|run| run.iter())
            .find(|(name, _)| *name == operation.name)
            .map_or("{}", |(_, body)| body);
        std::fs::write(dir.join(operation.name), step_bytes(operation.name, body))
            .expect("write a seed");
    }
    // The fuzzer's other envelopes: gzip by the harness, a bare target.
    std::fs::write(dir.join("gzip"), {
        let mut b = step_bytes("CreateMaintenanceWindow", CREATE);
        b[1] = 0b0100;
        b
    })
    .expect("write a seed");
}
