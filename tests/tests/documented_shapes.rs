//! The generated model, rendered as AWS-style documentation, against the
//! facts of the published AWS documentation for the five seed operations.
//!
//! Each rendering is snapshotted (review with `cargo insta review`) and
//! compared with a fixture under `fixtures/documented/` that was written by
//! hand from the AWS page: every documented fact must appear in the
//! rendering, and the model must list no member or error the page does not.

use ssm_api::operation::{find, OPERATIONS};
use ssm_tests::{check_documented, describe_operation, error_status};

fn render(name: &str) -> String {
    let meta = find(name).unwrap_or_else(|| panic!("{name} is not an operation of the model"));
    describe_operation(meta)
}

fn assert_documented(name: &str, fixture: &str) {
    let rendering = render(name);
    insta::assert_snapshot!(name, rendering);
    let problems = check_documented(fixture, &rendering);
    assert!(
        problems.is_empty(),
        "{name}: the model differs from the documentation:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn get_maintenance_window_execution() {
    assert_documented(
        "GetMaintenanceWindowExecution",
        include_str!("../fixtures/documented/GetMaintenanceWindowExecution.txt"),
    );
}

#[test]
fn get_maintenance_window() {
    assert_documented(
        "GetMaintenanceWindow",
        include_str!("../fixtures/documented/GetMaintenanceWindow.txt"),
    );
}

#[test]
fn describe_maintenance_windows() {
    assert_documented(
        "DescribeMaintenanceWindows",
        include_str!("../fixtures/documented/DescribeMaintenanceWindows.txt"),
    );
}

#[test]
fn describe_maintenance_window_execution_task_invocations() {
    assert_documented(
        "DescribeMaintenanceWindowExecutionTaskInvocations",
        include_str!(
            "../fixtures/documented/DescribeMaintenanceWindowExecutionTaskInvocations.txt"
        ),
    );
}

#[test]
fn update_maintenance_window() {
    assert_documented(
        "UpdateMaintenanceWindow",
        include_str!("../fixtures/documented/UpdateMaintenanceWindow.txt"),
    );
}

/// The comparison is a real check: a fixture with one fact changed, one
/// member dropped or one error dropped is rejected.
#[test]
fn a_fixture_that_disagrees_with_the_model_is_rejected() {
    let fixture = include_str!("../fixtures/documented/GetMaintenanceWindow.txt");
    let rendering = render("GetMaintenanceWindow");

    let wrong_length = fixture.replacen("Fixed length of 20.", "Fixed length of 21.", 1);
    let problems = check_documented(&wrong_length, &rendering);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with(
        "Request Parameters / WindowId: documented `Length Constraints: Fixed length of 21.`"
    ));

    let not_required = fixture.replacen("Required: Yes", "Required: No", 1);
    assert_eq!(check_documented(&not_required, &rendering).len(), 1);

    let without_cutoff = fixture.replacen(
        "  Cutoff\n    Type: Integer\n    Valid Range: Minimum value of 0. Maximum value of 23.\n",
        "",
        1,
    );
    assert_ne!(without_cutoff, fixture);
    assert_eq!(
        check_documented(&without_cutoff, &rendering),
        ["Response Elements: the model has `Cutoff`, which the document does not list"]
    );

    let without_error = fixture.replacen(
        "  DoesNotExistException\n    HTTP Status Code: 400\n",
        "",
        1,
    );
    assert_ne!(without_error, fixture);
    assert_eq!(
        check_documented(&without_error, &rendering),
        ["Errors: the model has `DoesNotExistException`, which the document does not list"]
    );
}

/// Every error shape of every operation has a known HTTP status, so no
/// rendering says "(not known)".
#[test]
fn every_error_has_a_status() {
    for op in OPERATIONS {
        for error in op.errors {
            assert!(
                error_status(error).is_some(),
                "{}: no status for {}",
                op.name,
                error.id
            );
        }
        assert!(!describe_operation(op).contains("(not known)"));
    }
    assert_eq!(
        error_status(&ssm_api::schema::INTERNAL_SERVER_ERROR),
        Some(500)
    );
    assert_eq!(
        error_status(&ssm_api::schema::DOES_NOT_EXIST_EXCEPTION),
        Some(400)
    );
    assert_eq!(
        error_status(&ssm_api::schema::MAINTENANCE_WINDOW_FILTER),
        None
    );
}
