//! The ways a request can fail in the domain, and AWS's words for them.

use smithy_runtime::{ErrorResponse, OperationError};
use ssm_api::error::{
    DoesNotExistException, FeatureNotAvailableException, IdempotentParameterMismatch,
    InternalServerError, InvalidResourceId, InvalidResourceType, ResourceLimitExceededException,
    TargetInUseException, TooManyTagsError,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    NotFound(String),
    Validation(String),
    LimitExceeded(String),
    IdempotencyMismatch,
    TargetInUse(String),
    FeatureNotAvailable(String),
    InvalidResourceType,
    InvalidResourceId,
    TooManyTags,
    Internal(String),
}

impl Fault {
    pub fn window_not_found(id: &str) -> Self {
        Fault::NotFound(format!("Maintenance window {id} does not exist"))
    }

    pub fn target_not_found(window_id: &str, target_id: &str) -> Self {
        Fault::NotFound(format!("Maintenance window target {target_id} does not exist in maintenance window {window_id}"))
    }

    pub fn task_not_found(window_id: &str, task_id: &str) -> Self {
        Fault::NotFound(format!(
            "Maintenance window task {task_id} does not exist in maintenance window {window_id}"
        ))
    }

    pub fn execution_not_found(id: &str) -> Self {
        Fault::NotFound(format!("Maintenance window execution {id} does not exist"))
    }

    pub fn execution_task_not_found(execution_id: &str, task_id: &str) -> Self {
        Fault::NotFound(format!("Maintenance window execution task {task_id} does not exist in execution {execution_id}"))
    }

    pub fn invocation_not_found(task_id: &str, invocation_id: &str) -> Self {
        Fault::NotFound(format!("Maintenance window execution task invocation {invocation_id} does not exist in task {task_id}"))
    }

    /// A write that could not be completed; nothing of it was applied.
    pub fn storage() -> Self {
        Fault::Internal("An internal error occurred while saving the change.".into())
    }

    pub fn to_response(&self) -> ErrorResponse {
        match self {
            Fault::NotFound(message) => {
                DoesNotExistException::with_message(message.as_str()).to_error_response()
            }
            Fault::Validation(message) => ErrorResponse::validation(message.as_str()),
            Fault::LimitExceeded(message) => {
                ResourceLimitExceededException::with_message(message.as_str()).to_error_response()
            }
            Fault::IdempotencyMismatch => IdempotentParameterMismatch::with_message(
                "The client token was already used with different parameters.",
            )
            .to_error_response(),
            Fault::TargetInUse(message) => {
                TargetInUseException::with_message(message.as_str()).to_error_response()
            }
            Fault::FeatureNotAvailable(message) => {
                FeatureNotAvailableException::with_message(message.as_str()).to_error_response()
            }
            Fault::InvalidResourceType => InvalidResourceType {}.to_error_response(),
            Fault::InvalidResourceId => InvalidResourceId {}.to_error_response(),
            Fault::TooManyTags => TooManyTagsError {}.to_error_response(),
            Fault::Internal(message) => {
                InternalServerError::with_message(message.as_str()).to_error_response()
            }
        }
    }
}

/// Converts a fault into any operation's error type.
pub fn fail<E: From<ErrorResponse>>(fault: Fault) -> E {
    E::from(fault.to_response())
}
