//! `ssm_api::dispatch` end to end, against a stub implementation of
//! `AmazonSsm`: the seed documents' sample requests and responses, every
//! kind of bad input, framework errors, modelled errors and a panicking
//! handler.
//!
//! Every response is snapshotted as status, content type, error type and
//! the body as pretty JSON with sorted keys (so the snapshots do not depend
//! on whether serde_json's `preserve_order` is enabled in the build).
//! The key messages are also asserted word for word.

use std::sync::Mutex;

use serde_json::{json, Map, Value};
use smithy_runtime::testing::header_map;
use smithy_runtime::{ErrorResponse, HttpResponse, Request, RequestContext};
use ssm_api::error::*;
use ssm_api::types::*;
use ssm_api::AmazonSsm;

// ---------------------------------------------------------------------------
// Sample payloads of the seed documents (the AWS API Reference pages of four
// operations, and the AWS CLI page of the fifth).
// ---------------------------------------------------------------------------

const SAMPLE_GET_EXECUTION_REQUEST: &str =
    r#"{"WindowExecutionId": "9fac7dd9-ff21-42a5-96ad-bbc4bEXAMPLE"}"#;
const SAMPLE_GET_EXECUTION_RESPONSE: &str = r#"{
    "WindowExecutionId": "9fac7dd9-ff21-42a5-96ad-bbc4bEXAMPLE",
    "TaskIds": ["4b9f371e-a820-422d-b432-8dec9EXAMPLE"],
    "Status": "SUCCESS",
    "StartTime": "2024-08-04T11:45:34.994000-07:00",
    "EndTime": "2024-08-04T11:48:09.123000-07:00"
}"#;

const SAMPLE_GET_WINDOW_REQUEST: &str = r#"{"WindowId": "mw-0c50858d01EXAMPLE"}"#;
const SAMPLE_GET_WINDOW_RESPONSE: &str = r#"{
    "AllowUnassociatedTargets": true,
    "CreatedDate": 1515006912.957,
    "Cutoff": 1,
    "Duration": 6,
    "Enabled": true,
    "ModifiedDate": "2024-01-01T10:04:04.099Z",
    "Name": "My-Maintenance-Window",
    "Schedule": "rate(3 days)",
    "WindowId": "mw-0c50858d01EXAMPLE",
    "NextExecutionTime": "2024-02-25T00:08:15.099Z"
}"#;

const SAMPLE_DESCRIBE_WINDOWS_REQUEST: &str =
    r#"{"Filters": [{"Values": ["true"], "Key": "Enabled"}]}"#;
const SAMPLE_DESCRIBE_WINDOWS_RESPONSE: &str = r#"{
    "WindowIdentities": [
        {
            "WindowId": "mw-0c5ed765acEXAMPLE",
            "Name": "Windows-Testing-Maintenance-Window",
            "Description": "Standard maintenance windows for Test Servers",
            "Enabled": true,
            "Duration": 6,
            "Cutoff": 2,
            "Schedule": "rate(2 weeks)",
            "NextExecutionTime": "2020-02-24T23:52:15.099Z"
        },
        {
            "WindowId": "mw-0c50858d01EXAMPLE",
            "Name": "Windows-Staging-Maintenance-Window",
            "Description": "Standard maintenance windows for Staging Servers",
            "Enabled": true,
            "Duration": 10,
            "Cutoff": 4,
            "Schedule": "cron(0 0 6 ? * MON *)",
            "NextExecutionTime": "2020-03-02T06:00:00.099Z"
        },
        {
            "WindowId": "mw-07f80c1841EXAMPLE",
            "Cutoff": 4,
            "Name": "Windows-Production-Maintenance-Window",
            "Description": "Standard maintenance windows for Production Servers",
            "Enabled": true,
            "Duration": 10,
            "Schedule": "cron(0 0 6 ? * WED *)",
            "NextExecutionTime": "2020-03-05T06:00:00.099Z"
        }
    ]
}"#;

/// The CLI example's `--window-execution-id` and `--task-id`, as the CLI
/// sends them.
const SAMPLE_DESCRIBE_INVOCATIONS_REQUEST: &str = r#"{
    "WindowExecutionId": "518d5565-5969-4cca-8f0e-da3b2a638355",
    "TaskId": "ac0c6ae1-daa3-4a89-832e-d384503b6586"
}"#;
const SAMPLE_DESCRIBE_INVOCATIONS_RESPONSE: &str = r#"{
    "WindowExecutionTaskInvocationIdentities": [
        {
            "Status": "SUCCESS",
            "Parameters": "{\"documentName\":\"AWS-RunShellScript\",\"instanceIds\":[\"i-0000293ffd8c57862\"],\"parameters\":{\"commands\":[\"df\"]},\"maxConcurrency\":\"1\",\"maxErrors\":\"1\"}",
            "InvocationId": "e274b6e1-fe56-4e32-bd2a-8073c6381d8b",
            "StartTime": 1487692834.723,
            "EndTime": 1487692834.871,
            "WindowExecutionId": "518d5565-5969-4cca-8f0e-da3b2a638355",
            "TaskExecutionId": "ac0c6ae1-daa3-4a89-832e-d384503b6586"
        }
    ]
}"#;

const SAMPLE_UPDATE_WINDOW_REQUEST: &str = r#"{
    "Duration": 10,
    "WindowId": "mw-0c50858d01EXAMPLE",
    "Name": "Default-Maintenance-Window",
    "Description": "Standard maintenance windows for production servers"
}"#;
const SAMPLE_UPDATE_WINDOW_RESPONSE: &str = r#"{
    "AllowUnassociatedTargets": true,
    "Cutoff": 4,
    "Description": "Standard maintenance windows for production servers",
    "Duration": 10,
    "Enabled": true,
    "Name": "Default-Maintenance-Window",
    "Schedule": "rate(3 minutes)",
    "WindowId": "mw-0c50858d01EXAMPLE"
}"#;

/// The seeds' IDs end in the placeholder `EXAMPLE`, which the ID patterns
/// reject; this is the same ID with hexadecimal digits in its place.
const VALID_WINDOW_ID: &str = "mw-0c50858d01abcdef0";
const VALID_EXECUTION_ID: &str = "9fac7dd9-ff21-42a5-96ad-bbc4babcdef0";

/// The stub answers `DoesNotExistException` for this window.
const MISSING_WINDOW_ID: &str = "mw-00000000000000000";
/// The stub panics when asked for this window.
const PANIC_WINDOW_ID: &str = "mw-0000000000000dead";

fn sample<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("a seed sample response parses into the output type")
}

// ---------------------------------------------------------------------------
// The stub service.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stub {
    /// `Debug` of every input that reached a handler, in order.
    seen: Mutex<Vec<String>>,
}

impl Stub {
    fn record(&self, operation: &str, input: &dyn std::fmt::Debug) {
        self.seen
            .lock()
            .unwrap()
            .push(format!("{operation} {input:?}"));
    }

    fn last_seen(&self) -> String {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default()
    }
}

/// Methods that record their input and return the output type's default.
macro_rules! fixed_output {
    ($($method:ident($input:ident) -> $output:ident, $error:ident;)*) => {
        $(
            async fn $method(
                &self,
                _context: &RequestContext,
                input: $input,
            ) -> Result<$output, $error> {
                self.record(stringify!($method), &input);
                Ok($output::default())
            }
        )*
    };
}

impl AmazonSsm for Stub {
    async fn get_maintenance_window_execution(
        &self,
        _context: &RequestContext,
        input: GetMaintenanceWindowExecutionRequest,
    ) -> Result<GetMaintenanceWindowExecutionResult, GetMaintenanceWindowExecutionError> {
        self.record("get_maintenance_window_execution", &input);
        Ok(GetMaintenanceWindowExecutionResult {
            window_execution_id: Some(input.window_execution_id),
            ..sample(SAMPLE_GET_EXECUTION_RESPONSE)
        })
    }

    async fn get_maintenance_window(
        &self,
        _context: &RequestContext,
        input: GetMaintenanceWindowRequest,
    ) -> Result<GetMaintenanceWindowResult, GetMaintenanceWindowError> {
        self.record("get_maintenance_window", &input);
        match input.window_id.as_str() {
            MISSING_WINDOW_ID => Err(DoesNotExistException::with_message(format!(
                "Maintenance window {} does not exist",
                input.window_id
            ))
            .into()),
            PANIC_WINDOW_ID => panic!("stub handler asked to panic"),
            _ => Ok(GetMaintenanceWindowResult {
                window_id: Some(input.window_id),
                ..sample(SAMPLE_GET_WINDOW_RESPONSE)
            }),
        }
    }

    async fn describe_maintenance_windows(
        &self,
        _context: &RequestContext,
        input: DescribeMaintenanceWindowsRequest,
    ) -> Result<DescribeMaintenanceWindowsResult, DescribeMaintenanceWindowsError> {
        self.record("describe_maintenance_windows", &input);
        Ok(sample(SAMPLE_DESCRIBE_WINDOWS_RESPONSE))
    }

    async fn describe_maintenance_window_execution_task_invocations(
        &self,
        _context: &RequestContext,
        input: DescribeMaintenanceWindowExecutionTaskInvocationsRequest,
    ) -> Result<
        DescribeMaintenanceWindowExecutionTaskInvocationsResult,
        DescribeMaintenanceWindowExecutionTaskInvocationsError,
    > {
        self.record(
            "describe_maintenance_window_execution_task_invocations",
            &input,
        );
        Ok(sample(SAMPLE_DESCRIBE_INVOCATIONS_RESPONSE))
    }

    /// Applies the given fields to the seed's window; rejects a Cutoff that
    /// is not smaller than Duration the way the service's own rule does.
    async fn update_maintenance_window(
        &self,
        _context: &RequestContext,
        input: UpdateMaintenanceWindowRequest,
    ) -> Result<UpdateMaintenanceWindowResult, UpdateMaintenanceWindowError> {
        self.record("update_maintenance_window", &input);
        if let (Some(duration), Some(cutoff)) = (input.duration, input.cutoff) {
            if cutoff >= duration {
                return Err(ErrorResponse::validation(format!(
                    "Cuttoff was {cutoff} but must be smaller than {} (Duration - 1 )",
                    duration - 1
                ))
                .into());
            }
        }
        let mut window: UpdateMaintenanceWindowResult = sample(SAMPLE_UPDATE_WINDOW_RESPONSE);
        window.window_id = Some(input.window_id);
        window.name = input.name.or(window.name);
        window.description = input.description.or(window.description);
        window.schedule = input.schedule.or(window.schedule);
        window.duration = input.duration.or(window.duration);
        window.cutoff = input.cutoff.unwrap_or(window.cutoff);
        window.enabled = input.enabled.unwrap_or(window.enabled);
        Ok(window)
    }

    fixed_output! {
        add_tags_to_resource(AddTagsToResourceRequest)
            -> AddTagsToResourceResult, AddTagsToResourceError;
        cancel_maintenance_window_execution(CancelMaintenanceWindowExecutionRequest)
            -> CancelMaintenanceWindowExecutionResult, CancelMaintenanceWindowExecutionError;
        create_maintenance_window(CreateMaintenanceWindowRequest)
            -> CreateMaintenanceWindowResult, CreateMaintenanceWindowError;
        delete_maintenance_window(DeleteMaintenanceWindowRequest)
            -> DeleteMaintenanceWindowResult, DeleteMaintenanceWindowError;
        deregister_target_from_maintenance_window(DeregisterTargetFromMaintenanceWindowRequest)
            -> DeregisterTargetFromMaintenanceWindowResult,
            DeregisterTargetFromMaintenanceWindowError;
        deregister_task_from_maintenance_window(DeregisterTaskFromMaintenanceWindowRequest)
            -> DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError;
        describe_maintenance_window_execution_tasks(DescribeMaintenanceWindowExecutionTasksRequest)
            -> DescribeMaintenanceWindowExecutionTasksResult,
            DescribeMaintenanceWindowExecutionTasksError;
        describe_maintenance_window_executions(DescribeMaintenanceWindowExecutionsRequest)
            -> DescribeMaintenanceWindowExecutionsResult, DescribeMaintenanceWindowExecutionsError;
        describe_maintenance_window_schedule(DescribeMaintenanceWindowScheduleRequest)
            -> DescribeMaintenanceWindowScheduleResult, DescribeMaintenanceWindowScheduleError;
        describe_maintenance_window_targets(DescribeMaintenanceWindowTargetsRequest)
            -> DescribeMaintenanceWindowTargetsResult, DescribeMaintenanceWindowTargetsError;
        describe_maintenance_window_tasks(DescribeMaintenanceWindowTasksRequest)
            -> DescribeMaintenanceWindowTasksResult, DescribeMaintenanceWindowTasksError;
        describe_maintenance_windows_for_target(DescribeMaintenanceWindowsForTargetRequest)
            -> DescribeMaintenanceWindowsForTargetResult, DescribeMaintenanceWindowsForTargetError;
        get_maintenance_window_execution_task(GetMaintenanceWindowExecutionTaskRequest)
            -> GetMaintenanceWindowExecutionTaskResult, GetMaintenanceWindowExecutionTaskError;
        get_maintenance_window_execution_task_invocation(
            GetMaintenanceWindowExecutionTaskInvocationRequest
        )
            -> GetMaintenanceWindowExecutionTaskInvocationResult,
            GetMaintenanceWindowExecutionTaskInvocationError;
        get_maintenance_window_task(GetMaintenanceWindowTaskRequest)
            -> GetMaintenanceWindowTaskResult, GetMaintenanceWindowTaskError;
        list_tags_for_resource(ListTagsForResourceRequest)
            -> ListTagsForResourceResult, ListTagsForResourceError;
        register_target_with_maintenance_window(RegisterTargetWithMaintenanceWindowRequest)
            -> RegisterTargetWithMaintenanceWindowResult, RegisterTargetWithMaintenanceWindowError;
        register_task_with_maintenance_window(RegisterTaskWithMaintenanceWindowRequest)
            -> RegisterTaskWithMaintenanceWindowResult, RegisterTaskWithMaintenanceWindowError;
        remove_tags_from_resource(RemoveTagsFromResourceRequest)
            -> RemoveTagsFromResourceResult, RemoveTagsFromResourceError;
        update_maintenance_window_target(UpdateMaintenanceWindowTargetRequest)
            -> UpdateMaintenanceWindowTargetResult, UpdateMaintenanceWindowTargetError;
        update_maintenance_window_task(UpdateMaintenanceWindowTaskRequest)
            -> UpdateMaintenanceWindowTaskResult, UpdateMaintenanceWindowTaskError;
    }
}

// ---------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------

async fn send(stub: &Stub, target: &str, body: &str) -> HttpResponse {
    let headers = header_map(&[
        ("X-Amz-Target", target),
        ("Content-Type", "application/x-amz-json-1.1"),
    ]);
    let request = Request::post(&headers, body.as_bytes());
    ssm_api::dispatch(stub, &RequestContext::default(), request).await
}

async fn call(stub: &Stub, operation: &str, body: &str) -> HttpResponse {
    send(stub, &format!("AmazonSSM.{operation}"), body).await
}

fn parsed(response: &HttpResponse) -> Value {
    serde_json::from_slice(&response.body).unwrap_or_else(|e| {
        panic!(
            "response body is not JSON ({e}): {}",
            String::from_utf8_lossy(&response.body)
        )
    })
}

/// The error message, from `message` (framework errors) or `Message`
/// (modelled errors).
fn message(response: &HttpResponse) -> String {
    let body = parsed(response);
    body.get("message")
        .or_else(|| body.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no message in {body}"))
        .to_owned()
}

/// `value` with the keys of every object in sorted order.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(&sorted(value)).unwrap()
}

/// What the snapshots record of a response.
fn show(response: &HttpResponse) -> String {
    format!(
        "status: {}\ncontent-type: {}\nerror-type: {}\nbody:\n{}",
        response.status,
        response.content_type().unwrap_or("(none)"),
        response.error_type.unwrap_or("(none)"),
        pretty(&parsed(response)),
    )
}

fn assert_validation(response: &HttpResponse, expected_message: &str) {
    assert_eq!(response.status, 400, "{}", show(response));
    assert_eq!(response.error_type, Some("ValidationException"));
    assert_eq!(parsed(response)["__type"], "ValidationException");
    assert_eq!(message(response), expected_message);
}

fn assert_serialization(response: &HttpResponse, expected_message: &str) {
    assert_eq!(response.status, 400, "{}", show(response));
    assert_eq!(response.error_type, Some("SerializationException"));
    assert_eq!(parsed(response)["__type"], "SerializationException");
    assert_eq!(message(response), expected_message);
}

const UUID_PATTERN: &str =
    r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$";
const WINDOW_ID_PATTERN: &str = "^mw-[0-9a-f]{17}$";
const NAME_PATTERN: &str = r"^[a-zA-Z0-9_\-.]{3,128}$";

// ---------------------------------------------------------------------------
// The seeds' sample requests through dispatch.
// ---------------------------------------------------------------------------

/// The published sample IDs end in the placeholder `EXAMPLE`, which is not
/// hexadecimal, so the service's own validation rejects the samples as they
/// are printed. With the placeholder replaced by hex digits they succeed.
#[tokio::test]
async fn sample_request_get_maintenance_window_execution() {
    let stub = Stub::default();
    let published = call(
        &stub,
        "GetMaintenanceWindowExecution",
        SAMPLE_GET_EXECUTION_REQUEST,
    )
    .await;
    insta::assert_snapshot!(
        "sample_request__GetMaintenanceWindowExecution__as_published",
        show(&published)
    );
    assert_validation(
        &published,
        &format!("1 validation error detected: Value '9fac7dd9-ff21-42a5-96ad-bbc4bEXAMPLE' at 'windowExecutionId' failed to satisfy constraint: Member must satisfy regular expression pattern: {UUID_PATTERN}"),
    );
    assert!(stub.seen.lock().unwrap().is_empty(), "handler must not run");

    let request = SAMPLE_GET_EXECUTION_REQUEST.replace("bbc4bEXAMPLE", "bbc4babcdef0");
    let valid = call(&stub, "GetMaintenanceWindowExecution", &request).await;
    insta::assert_snapshot!(
        "sample_request__GetMaintenanceWindowExecution__valid_id",
        show(&valid)
    );
    assert_eq!(valid.status, 200);
    assert_eq!(valid.error_type, None);
    let out = parsed(&valid);
    assert_eq!(out["WindowExecutionId"], VALID_EXECUTION_ID);
    assert_eq!(out["StartTime"], json!(1722797134.994));
    assert_eq!(out["EndTime"], json!(1722797289.123));
}

#[tokio::test]
async fn sample_request_get_maintenance_window() {
    let stub = Stub::default();
    let published = call(&stub, "GetMaintenanceWindow", SAMPLE_GET_WINDOW_REQUEST).await;
    insta::assert_snapshot!(
        "sample_request__GetMaintenanceWindow__as_published",
        show(&published)
    );
    assert_validation(
        &published,
        &format!("1 validation error detected: Value 'mw-0c50858d01EXAMPLE' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: {WINDOW_ID_PATTERN}"),
    );

    let request = SAMPLE_GET_WINDOW_REQUEST.replace("EXAMPLE", "abcdef0");
    let valid = call(&stub, "GetMaintenanceWindow", &request).await;
    insta::assert_snapshot!(
        "sample_request__GetMaintenanceWindow__valid_id",
        show(&valid)
    );
    assert_eq!(valid.status, 200);
    assert_eq!(parsed(&valid)["WindowId"], VALID_WINDOW_ID);
    assert_eq!(parsed(&valid)["ModifiedDate"], json!(1704103444.099));
}

#[tokio::test]
async fn sample_request_describe_maintenance_windows() {
    let stub = Stub::default();
    let response = call(
        &stub,
        "DescribeMaintenanceWindows",
        SAMPLE_DESCRIBE_WINDOWS_REQUEST,
    )
    .await;
    insta::assert_snapshot!(
        "sample_request__DescribeMaintenanceWindows",
        show(&response)
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        parsed(&response),
        serde_json::from_str::<Value>(SAMPLE_DESCRIBE_WINDOWS_RESPONSE).unwrap()
    );
    assert_eq!(
        stub.last_seen(),
        r#"describe_maintenance_windows DescribeMaintenanceWindowsRequest { filters: Some([MaintenanceWindowFilter { key: Some("Enabled"), values: Some(["true"]) }]), max_results: None, next_token: None }"#
    );
}

#[tokio::test]
async fn sample_request_describe_maintenance_window_execution_task_invocations() {
    let stub = Stub::default();
    let response = call(
        &stub,
        "DescribeMaintenanceWindowExecutionTaskInvocations",
        SAMPLE_DESCRIBE_INVOCATIONS_REQUEST,
    )
    .await;
    insta::assert_snapshot!(
        "sample_request__DescribeMaintenanceWindowExecutionTaskInvocations",
        show(&response)
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        parsed(&response),
        serde_json::from_str::<Value>(SAMPLE_DESCRIBE_INVOCATIONS_RESPONSE).unwrap()
    );
}

#[tokio::test]
async fn sample_request_update_maintenance_window() {
    let stub = Stub::default();
    let published = call(
        &stub,
        "UpdateMaintenanceWindow",
        SAMPLE_UPDATE_WINDOW_REQUEST,
    )
    .await;
    insta::assert_snapshot!(
        "sample_request__UpdateMaintenanceWindow__as_published",
        show(&published)
    );
    assert_validation(
        &published,
        &format!("1 validation error detected: Value 'mw-0c50858d01EXAMPLE' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: {WINDOW_ID_PATTERN}"),
    );

    let request = SAMPLE_UPDATE_WINDOW_REQUEST.replace("EXAMPLE", "abcdef0");
    let valid = call(&stub, "UpdateMaintenanceWindow", &request).await;
    insta::assert_snapshot!(
        "sample_request__UpdateMaintenanceWindow__valid_id",
        show(&valid)
    );
    assert_eq!(valid.status, 200);
    // The stub applies the request to the seed's window, which gives the
    // seed's sample response (with the valid ID).
    let mut expected: Value = serde_json::from_str(SAMPLE_UPDATE_WINDOW_RESPONSE).unwrap();
    expected["WindowId"] = json!(VALID_WINDOW_ID);
    assert_eq!(parsed(&valid), expected);
}

// ---------------------------------------------------------------------------
// The seeds' sample responses through the output types.
// ---------------------------------------------------------------------------

/// Parses `sample` into `T`, writes it back, and checks that the result is
/// the sample with the given members replaced (timestamps written as
/// epoch-second numbers). Returns the re-serialized JSON, pretty.
fn round_trip<T>(sample_json: &str, replaced: &[(&[&str], Value)]) -> String
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = sample(sample_json);
    let written = serde_json::to_value(&typed).unwrap();
    let mut expected: Value = serde_json::from_str(sample_json).unwrap();
    for (path, value) in replaced {
        let mut at = &mut expected;
        for key in *path {
            at = match key.parse::<usize>() {
                Ok(index) => &mut at[index],
                Err(_) => &mut at[*key],
            };
        }
        assert!(!at.is_null(), "{path:?} is not in the sample");
        *at = value.clone();
    }
    assert_eq!(written, expected);
    pretty(&written)
}

#[test]
fn sample_response_get_maintenance_window_execution() {
    let written = round_trip::<GetMaintenanceWindowExecutionResult>(
        SAMPLE_GET_EXECUTION_RESPONSE,
        &[
            // 2024-08-04T11:45:34.994000-07:00 and 2024-08-04T11:48:09.123000-07:00
            (&["StartTime"], json!(1722797134.994)),
            (&["EndTime"], json!(1722797289.123)),
        ],
    );
    insta::assert_snapshot!("sample_response__GetMaintenanceWindowExecution", written);
    let typed: GetMaintenanceWindowExecutionResult = sample(SAMPLE_GET_EXECUTION_RESPONSE);
    assert_eq!(
        typed.status,
        Some(MaintenanceWindowExecutionStatus::Success)
    );
    assert_eq!(
        typed.start_time.unwrap().to_rfc3339(),
        "2024-08-04T18:45:34.994Z"
    );
}

#[test]
fn sample_response_get_maintenance_window() {
    let written = round_trip::<GetMaintenanceWindowResult>(
        SAMPLE_GET_WINDOW_RESPONSE,
        // 2024-01-01T10:04:04.099Z; CreatedDate is a number in the sample.
        &[(&["ModifiedDate"], json!(1704103444.099))],
    );
    insta::assert_snapshot!("sample_response__GetMaintenanceWindow", written);
    let typed: GetMaintenanceWindowResult = sample(SAMPLE_GET_WINDOW_RESPONSE);
    assert_eq!(typed.created_date.unwrap().unix_millis(), 1_515_006_912_957);
    // NextExecutionTime is a string member, not a timestamp: kept as is.
    assert_eq!(
        typed.next_execution_time.as_deref(),
        Some("2024-02-25T00:08:15.099Z")
    );
}

#[test]
fn sample_response_describe_maintenance_windows() {
    let written =
        round_trip::<DescribeMaintenanceWindowsResult>(SAMPLE_DESCRIBE_WINDOWS_RESPONSE, &[]);
    insta::assert_snapshot!("sample_response__DescribeMaintenanceWindows", written);
}

#[test]
fn sample_response_describe_maintenance_window_execution_task_invocations() {
    let written = round_trip::<DescribeMaintenanceWindowExecutionTaskInvocationsResult>(
        SAMPLE_DESCRIBE_INVOCATIONS_RESPONSE,
        &[],
    );
    insta::assert_snapshot!(
        "sample_response__DescribeMaintenanceWindowExecutionTaskInvocations",
        written
    );
    let typed: DescribeMaintenanceWindowExecutionTaskInvocationsResult =
        sample(SAMPLE_DESCRIBE_INVOCATIONS_RESPONSE);
    let invocation = &typed.window_execution_task_invocation_identities.unwrap()[0];
    assert_eq!(
        invocation.start_time.unwrap().unix_millis(),
        1_487_692_834_723
    );
    assert_eq!(
        invocation.end_time.unwrap().unix_millis(),
        1_487_692_834_871
    );
}

#[test]
fn sample_response_update_maintenance_window() {
    let written = round_trip::<UpdateMaintenanceWindowResult>(SAMPLE_UPDATE_WINDOW_RESPONSE, &[]);
    insta::assert_snapshot!("sample_response__UpdateMaintenanceWindow", written);
}

// ---------------------------------------------------------------------------
// Constraint violations.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pattern_violation() {
    let stub = Stub::default();
    let response = call(
        &stub,
        "GetMaintenanceWindow",
        r#"{"WindowId": "mw-0C50858D01ABCDEF0"}"#,
    )
    .await;
    insta::assert_snapshot!("bad_input__pattern", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value 'mw-0C50858D01ABCDEF0' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$",
    );
}

/// One value can break several constraints of its member: each is its own
/// item, pattern before length.
#[tokio::test]
async fn pattern_and_length_violations_of_one_member() {
    let stub = Stub::default();
    let response = call(&stub, "GetMaintenanceWindow", r#"{"WindowId": "mw-bad"}"#).await;
    insta::assert_snapshot!("bad_input__pattern_and_length", show(&response));
    assert_validation(
        &response,
        "2 validation errors detected: Value 'mw-bad' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$; Value 'mw-bad' at 'windowId' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
}

#[tokio::test]
async fn length_min_violation() {
    let stub = Stub::default();
    let body = json!({"WindowId": VALID_WINDOW_ID, "Schedule": ""}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__length_min", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value '' at 'schedule' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
}

#[tokio::test]
async fn length_max_violation() {
    let stub = Stub::default();
    let schedule = format!("rate({} days)", "1".repeat(246));
    assert_eq!(schedule.len(), 257);
    let body = json!({"WindowId": VALID_WINDOW_ID, "Schedule": schedule}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__length_max", show(&response));
    assert_validation(
        &response,
        &format!("1 validation error detected: Value '{schedule}' at 'schedule' failed to satisfy constraint: Member must have length less than or equal to 256"),
    );
}

#[tokio::test]
async fn range_min_violation() {
    let stub = Stub::default();
    let response = call(&stub, "DescribeMaintenanceWindows", r#"{"MaxResults": 5}"#).await;
    insta::assert_snapshot!("bad_input__range_min", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10",
    );
}

#[tokio::test]
async fn range_max_violation() {
    let stub = Stub::default();
    let response = call(
        &stub,
        "DescribeMaintenanceWindows",
        r#"{"MaxResults": 500}"#,
    )
    .await;
    insta::assert_snapshot!("bad_input__range_max", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    // The bounds themselves are allowed.
    for ok in [10, 100] {
        let body = format!(r#"{{"MaxResults": {ok}}}"#);
        assert_eq!(
            call(&stub, "DescribeMaintenanceWindows", &body)
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn enum_violation() {
    let stub = Stub::default();
    let body = r#"{"Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}], "ResourceType": "instance"}"#;
    let response = call(&stub, "DescribeMaintenanceWindowsForTarget", body).await;
    insta::assert_snapshot!("bad_input__enum", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value 'instance' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [INSTANCE, RESOURCE_GROUP]",
    );
    let fixed = body.replace("\"instance\"", "\"INSTANCE\"");
    let ok = call(&stub, "DescribeMaintenanceWindowsForTarget", &fixed).await;
    assert_eq!(ok.status, 200, "{}", show(&ok));
}

#[tokio::test]
async fn list_length_violation() {
    let stub = Stub::default();
    let filters: Vec<Value> = (1..=6)
        .map(|i| json!({"Key": "Name", "Values": [format!("w{i}")]}))
        .collect();
    let body = json!({ "Filters": filters }).to_string();
    let response = call(&stub, "DescribeMaintenanceWindows", &body).await;
    insta::assert_snapshot!("bad_input__list_length", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value '[{Key=Name, Values=[w1]}, {Key=Name, Values=[w2]}, {Key=Name, Values=[w3]}, {Key=Name, Values=[w4]}, {Key=Name, Values=[w5]}, {Key=Name, Values=[w6]}]' at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5",
    );
}

/// Members of list items are addressed as `filters.1.member.key` (1-based),
/// and items of nested lists as `filters.2.member.values.1.member`.
#[tokio::test]
async fn nested_list_element_paths() {
    let stub = Stub::default();
    let body =
        r#"{"Filters": [{"Key": "", "Values": ["x"]}, {"Key": "Name", "Values": ["", "ok"]}]}"#;
    let response = call(&stub, "DescribeMaintenanceWindows", body).await;
    insta::assert_snapshot!("bad_input__nested_list_paths", show(&response));
    assert_validation(
        &response,
        "2 validation errors detected: Value '' at 'filters.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'filters.2.member.values.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
}

#[tokio::test]
async fn null_list_item_is_rejected() {
    let stub = Stub::default();
    let response = call(
        &stub,
        "DescribeMaintenanceWindows",
        r#"{"Filters": [null]}"#,
    )
    .await;
    insta::assert_snapshot!("bad_input__null_list_item", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value null at 'filters.1.member' failed to satisfy constraint: Member must not be null",
    );
}

#[tokio::test]
async fn missing_required_member() {
    let stub = Stub::default();
    let response = call(&stub, "GetMaintenanceWindow", "{}").await;
    insta::assert_snapshot!("bad_input__missing_required", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value null at 'windowId' failed to satisfy constraint: Member must not be null",
    );
    // An explicit null is the same as leaving the member out.
    let null = call(&stub, "GetMaintenanceWindow", r#"{"WindowId": null}"#).await;
    assert_eq!(null, response);
    assert!(stub.seen.lock().unwrap().is_empty(), "handler must not run");
}

#[tokio::test]
async fn missing_required_member_of_a_nested_structure() {
    let stub = Stub::default();
    let body = json!({
        "WindowId": VALID_WINDOW_ID,
        "TaskArn": "AWS-RunShellScript",
        "TaskType": "RUN_COMMAND",
        "AlarmConfiguration": {"Alarms": [{}]}
    })
    .to_string();
    let response = call(&stub, "RegisterTaskWithMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__missing_required_nested", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value null at 'alarmConfiguration.alarms.1.member.name' failed to satisfy constraint: Member must not be null",
    );
}

/// All violations are reported, counted, joined with `; ` and listed in the
/// model's member order (WindowId, Name, Schedule, Duration, Cutoff), not in
/// the order of the request body.
#[tokio::test]
async fn several_violations_at_once() {
    let stub = Stub::default();
    let body =
        r#"{"Cutoff": 24, "Duration": 0, "Schedule": "", "Name": "x", "WindowId": "mw-bad"}"#;
    let response = call(&stub, "UpdateMaintenanceWindow", body).await;
    insta::assert_snapshot!("bad_input__several", show(&response));
    let expected = [
        format!("Value 'mw-bad' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: {WINDOW_ID_PATTERN}"),
        "Value 'mw-bad' at 'windowId' failed to satisfy constraint: Member must have length greater than or equal to 20".to_owned(),
        format!("Value 'x' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}"),
        "Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3".to_owned(),
        "Value '' at 'schedule' failed to satisfy constraint: Member must have length greater than or equal to 1".to_owned(),
        "Value '0' at 'duration' failed to satisfy constraint: Member must have value greater than or equal to 1".to_owned(),
        "Value '24' at 'cutoff' failed to satisfy constraint: Member must have value less than or equal to 23".to_owned(),
    ];
    assert_validation(
        &response,
        &format!(
            "{} validation errors detected: {}",
            expected.len(),
            expected.join("; ")
        ),
    );
}

/// Description is `@sensitive`: a violation names the member but does not
/// echo the value.
#[tokio::test]
async fn sensitive_member_value_is_not_echoed() {
    let stub = Stub::default();
    let secret = format!("secret-{}", "s".repeat(122));
    assert_eq!(secret.len(), 129);
    let body = json!({"WindowId": VALID_WINDOW_ID, "Description": secret}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__sensitive", show(&response));
    assert_validation(
        &response,
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    assert!(!String::from_utf8_lossy(&response.body).contains("secret"));

    let empty = json!({"WindowId": VALID_WINDOW_ID, "Description": ""}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &empty).await;
    assert_validation(
        &response,
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
}

/// TaskParameters is a `@sensitive` map whose key shape is not itself
/// sensitive: what a sensitive shape contains is sensitive too, so a bad key
/// or value inside it is not echoed either.
#[tokio::test]
async fn values_inside_a_sensitive_container_are_not_echoed() {
    let stub = Stub::default();
    let body = json!({
        "WindowId": VALID_WINDOW_ID,
        "TaskArn": "AWS-RunShellScript",
        "TaskType": "RUN_COMMAND",
        "TaskParameters": {"": {"Values": ["hidden-value", ""]}}
    })
    .to_string();
    let response = call(&stub, "RegisterTaskWithMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__inside_sensitive_map", show(&response));
    assert_validation(
        &response,
        "2 validation errors detected: Value at 'taskParameters.' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'taskParameters..values.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
}

// ---------------------------------------------------------------------------
// Bodies that are not JSON of the input's shape.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn string_for_an_integer_is_a_serialization_error() {
    let stub = Stub::default();
    let body = json!({"WindowId": VALID_WINDOW_ID, "Duration": "10"}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__string_for_integer", show(&response));
    assert_serialization(
        &response,
        "Unexpected value type at 'duration': expected a 32-bit integer, found a string",
    );
}

#[tokio::test]
async fn object_for_a_string_is_a_serialization_error() {
    let stub = Stub::default();
    let body = json!({"WindowId": {"Id": VALID_WINDOW_ID}}).to_string();
    let response = call(&stub, "GetMaintenanceWindow", &body).await;
    insta::assert_snapshot!("bad_input__object_for_string", show(&response));
    assert_serialization(
        &response,
        "Unexpected value type at 'windowId': expected a string, found an object",
    );
}

#[tokio::test]
async fn wrong_types_elsewhere() {
    let stub = Stub::default();
    let cases = [
        (
            "DescribeMaintenanceWindows",
            r#"{"MaxResults": 10.5}"#,
            "Unexpected value type at 'maxResults': expected a 32-bit integer, found a decimal number",
        ),
        (
            "DescribeMaintenanceWindows",
            r#"{"Filters": {"Key": "Name"}}"#,
            "Unexpected value type at 'filters': expected a JSON array, found an object",
        ),
        (
            "DescribeMaintenanceWindows",
            r#"{"Filters": [{"Key": "Name", "Values": "a"}]}"#,
            "Unexpected value type at 'filters.1.member.values': expected a JSON array, found a string",
        ),
        (
            "UpdateMaintenanceWindow",
            r#"{"WindowId": "mw-0c50858d01abcdef0", "Enabled": "true"}"#,
            "Unexpected value type at 'enabled': expected a boolean, found a string",
        ),
        (
            "GetMaintenanceWindow",
            "[]",
            "Expected a JSON object as the request body, found an array",
        ),
        (
            "GetMaintenanceWindow",
            "\"mw-0c50858d01abcdef0\"",
            "Expected a JSON object as the request body, found a string",
        ),
    ];
    for (operation, body, expected) in cases {
        let response = call(&stub, operation, body).await;
        assert_serialization(&response, expected);
    }
}

/// A wrong type is reported alone, even when other members also break
/// constraints.
#[tokio::test]
async fn type_error_takes_precedence_over_constraint_violations() {
    let stub = Stub::default();
    let body = r#"{"WindowId": "mw-bad", "Duration": "10", "Cutoff": 99}"#;
    let response = call(&stub, "UpdateMaintenanceWindow", body).await;
    insta::assert_snapshot!("bad_input__type_error_first", show(&response));
    assert_serialization(
        &response,
        "Unexpected value type at 'duration': expected a 32-bit integer, found a string",
    );
}

#[tokio::test]
async fn malformed_json_is_a_serialization_error() {
    let stub = Stub::default();
    let response = call(&stub, "GetMaintenanceWindow", r#"{"WindowId": "mw-"#).await;
    insta::assert_snapshot!("bad_input__malformed_json", show(&response));
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type, Some("SerializationException"));
    assert!(
        message(&response).starts_with("Malformed JSON request body: "),
        "{}",
        message(&response)
    );
    let trailing = call(&stub, "DescribeMaintenanceWindows", "{} x").await;
    assert_eq!(trailing.error_type, Some("SerializationException"));
}

#[tokio::test]
async fn empty_body_means_an_empty_object() {
    let stub = Stub::default();
    let response = call(&stub, "DescribeMaintenanceWindows", "").await;
    insta::assert_snapshot!("empty_body__DescribeMaintenanceWindows", show(&response));
    assert_eq!(response.status, 200);
    assert_eq!(
        stub.last_seen(),
        "describe_maintenance_windows DescribeMaintenanceWindowsRequest { filters: None, max_results: None, next_token: None }"
    );
    assert_eq!(
        call(&stub, "DescribeMaintenanceWindows", " \r\n\t").await,
        response
    );
    assert_eq!(
        call(&stub, "DescribeMaintenanceWindows", "{}").await,
        response
    );

    // ... and so an operation with a required member rejects it.
    let get = call(&stub, "GetMaintenanceWindow", "").await;
    assert_validation(
        &get,
        "1 validation error detected: Value null at 'windowId' failed to satisfy constraint: Member must not be null",
    );
}

// ---------------------------------------------------------------------------
// Targets.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_operation() {
    let stub = Stub::default();
    let response = send(&stub, "AmazonSSM.DeleteEverything", "{}").await;
    insta::assert_snapshot!("unknown_operation", show(&response));
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type, Some("UnknownOperationException"));
    assert_eq!(
        parsed(&response),
        json!({"__type": "UnknownOperationException"})
    );
    for target in [
        "GetMaintenanceWindow",           // no prefix
        "AmazonSSM.",                     // no operation
        "AmazonSSM.getMaintenanceWindow", // operation names are case-sensitive
        "amazonssm.GetMaintenanceWindow", // and so is the prefix
        "AmazonSSMv2.GetMaintenanceWindow",
        "AmazonSSM.GetMaintenanceWindow ", // no trimming
        "",
    ] {
        let other = send(&stub, target, r#"{"WindowId": "mw-0c50858d01abcdef0"}"#).await;
        assert_eq!(other, response, "target {target:?}");
    }
    assert!(stub.seen.lock().unwrap().is_empty(), "no handler may run");
}

/// The protocol's media type, with any parameters, in any case; anything
/// else (or nothing) is answered as AWS does: 404 UnknownOperationException.
#[tokio::test]
async fn content_type_must_name_the_protocol() {
    let stub = Stub::default();
    let body = r#"{"WindowId": "mw-0c50858d01abcdef0"}"#;
    let with = |content_type: Option<&'static str>| {
        let mut headers = vec![("X-Amz-Target", "AmazonSSM.GetMaintenanceWindow")];
        headers.extend(content_type.map(|value| ("Content-Type", value)));
        header_map(&headers)
    };
    for accepted in [
        "application/x-amz-json-1.1",
        "application/x-amz-json-1.1; charset=utf-8",
        "Application/X-Amz-Json-1.1 ;charset=UTF-8",
    ] {
        let response = ssm_api::dispatch(
            &stub,
            &RequestContext::default(),
            Request::post(&with(Some(accepted)), body.as_bytes()),
        )
        .await;
        assert_ne!(response.status, 404, "{accepted}: {}", show(&response));
    }
    let seen = stub.seen.lock().unwrap().len();
    for refused in [
        None,
        Some("application/json"),
        Some("application/x-amz-json-1.0"),
        Some("text/plain"),
        Some(""),
    ] {
        let headers = with(refused);
        let response = ssm_api::dispatch(
            &stub,
            &RequestContext::default(),
            Request::post(&headers, body.as_bytes()),
        )
        .await;
        assert_eq!(response.status, 404, "{refused:?}");
        assert_eq!(response.error_type, Some("UnknownOperationException"));
        assert_eq!(
            parsed(&response),
            json!({"__type": "UnknownOperationException"})
        );
    }
    assert_eq!(stub.seen.lock().unwrap().len(), seen, "no handler may run");
}

/// Bodies compressed as Smithy's `@requestCompression` lets SDKs send them
/// are read after `gzip` is undone; other codings are refused.
#[tokio::test]
async fn gzip_bodies_are_decompressed() {
    use std::io::Write;

    let stub = Stub::default();
    let json = r#"{"WindowId": "mw-0c50858d01abcdef0"}"#;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(json.as_bytes()).unwrap();
    let gzipped = encoder.finish().unwrap();
    async fn send(stub: &Stub, encoding: Option<&str>, body: &[u8]) -> HttpResponse {
        let mut headers = vec![
            ("X-Amz-Target", "AmazonSSM.GetMaintenanceWindow"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ];
        headers.extend(encoding.map(|coding| ("Content-Encoding", coding)));
        let headers = header_map(&headers);
        ssm_api::dispatch(
            stub,
            &RequestContext::default(),
            Request::post(&headers, body),
        )
        .await
    }
    let plain = send(&stub, None, json.as_bytes()).await;
    let compressed = send(&stub, Some("gzip"), &gzipped).await;
    assert_eq!(compressed, plain, "{}", show(&compressed));
    let listed = send(&stub, Some("identity, gzip"), &gzipped).await;
    assert_eq!(listed, plain);

    let not_gzip = send(&stub, Some("gzip"), json.as_bytes()).await;
    assert_eq!(not_gzip.error_type, Some("SerializationException"));
    assert!(message(&not_gzip).starts_with("Could not decompress the gzip body"));
    let brotli = send(&stub, Some("br"), json.as_bytes()).await;
    assert_eq!(brotli.error_type, Some("SerializationException"));
    assert_eq!(message(&brotli), "Unsupported Content-Encoding: br");
}

// ---------------------------------------------------------------------------
// Lenient reading.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_members_are_ignored() {
    let stub = Stub::default();
    let body = json!({
        "WindowId": VALID_WINDOW_ID,
        "Unexpected": {"nested": [1, 2, 3]},
        "windowId": "lower-case twin of a member"
    })
    .to_string();
    let response = call(&stub, "GetMaintenanceWindow", &body).await;
    insta::assert_snapshot!("unknown_members_ignored", show(&response));
    assert_eq!(response.status, 200);
    assert_eq!(
        stub.last_seen(),
        format!(
            r#"get_maintenance_window GetMaintenanceWindowRequest {{ window_id: "{VALID_WINDOW_ID}" }}"#
        )
    );
}

#[tokio::test]
async fn null_members_are_treated_as_absent() {
    let stub = Stub::default();
    let body = json!({
        "WindowId": VALID_WINDOW_ID,
        "Name": null,
        "Description": null,
        "Duration": null,
        "Cutoff": 2,
        "Enabled": null
    })
    .to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("null_members_absent", show(&response));
    assert_eq!(response.status, 200);
    assert_eq!(
        stub.last_seen(),
        format!(
            "update_maintenance_window UpdateMaintenanceWindowRequest {{ window_id: \"{VALID_WINDOW_ID}\", name: None, description: \"*** Sensitive Data Redacted ***\", start_date: None, end_date: None, schedule: None, schedule_timezone: None, schedule_offset: None, duration: None, cutoff: Some(2), allow_unassociated_targets: None, enabled: None, replace: None }}"
        )
    );
}

// ---------------------------------------------------------------------------
// Errors raised by handlers.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn modeled_error_does_not_exist() {
    let stub = Stub::default();
    let body = json!({ "WindowId": MISSING_WINDOW_ID }).to_string();
    let response = call(&stub, "GetMaintenanceWindow", &body).await;
    insta::assert_snapshot!("modeled_error__DoesNotExistException", show(&response));
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type, Some("DoesNotExistException"));
    assert_eq!(
        parsed(&response),
        json!({
            "__type": "DoesNotExistException",
            "Message": "Maintenance window mw-00000000000000000 does not exist"
        })
    );
}

/// An error the model does not list for the operation, raised by the
/// service's own rules (here the Cutoff < Duration rule).
#[tokio::test]
async fn unmodeled_validation_error_from_a_handler() {
    let stub = Stub::default();
    let body = json!({"WindowId": VALID_WINDOW_ID, "Duration": 1, "Cutoff": 2}).to_string();
    let response = call(&stub, "UpdateMaintenanceWindow", &body).await;
    insta::assert_snapshot!("handler_error__ValidationException", show(&response));
    assert_validation(
        &response,
        "Cuttoff was 2 but must be smaller than 0 (Duration - 1 )",
    );
}

#[tokio::test]
async fn handler_panic_is_a_500_and_the_next_request_is_served() {
    let stub = Stub::default();
    let body = json!({ "WindowId": PANIC_WINDOW_ID }).to_string();
    let response = call(&stub, "GetMaintenanceWindow", &body).await;
    insta::assert_snapshot!("handler_panic", show(&response));
    assert_eq!(response.status, 500);
    assert_eq!(response.error_type, Some("InternalServerError"));
    assert_eq!(parsed(&response)["__type"], "InternalServerError");
    assert!(!String::from_utf8_lossy(&response.body).contains("stub handler"));

    // The same service keeps answering, including the same panic again.
    let next = call(
        &stub,
        "GetMaintenanceWindow",
        SAMPLE_GET_WINDOW_REQUEST
            .replace("EXAMPLE", "abcdef0")
            .as_str(),
    )
    .await;
    assert_eq!(next.status, 200, "{}", show(&next));
    let again = call(&stub, "GetMaintenanceWindow", &body).await;
    assert_eq!(again, response);
    let other = call(&stub, "DescribeMaintenanceWindows", "").await;
    assert_eq!(other.status, 200);
}

/// Every operation of the model is routed to its handler.
#[tokio::test]
async fn every_operation_is_routed() {
    let stub = Stub::default();
    for op in ssm_api::operation::OPERATIONS {
        let response = call(&stub, op.name, "{}").await;
        // An empty object either reaches the handler or misses a required
        // member; it is never an unknown operation.
        assert_ne!(
            response.error_type,
            Some("UnknownOperationException"),
            "{}",
            op.name
        );
        if op.input.members().iter().all(|m| !m.required) {
            assert_eq!(response.status, 200, "{}: {}", op.name, show(&response));
        } else {
            assert_eq!(
                response.error_type,
                Some("ValidationException"),
                "{}",
                op.name
            );
        }
    }
}
