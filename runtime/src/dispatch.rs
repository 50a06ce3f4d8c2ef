//! What every generated `dispatch` function shares: calling a handler with
//! the input its protocol decoded, turning its result into a response, and
//! containing panics.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::protocol::{Call, Protocol};
use crate::schema::OperationMeta;
use crate::{ErrorResponse, HttpResponse, OperationError};

/// One operation's work, boxed so that a service's `dispatch` stays a small
/// function: a `match` over a hundred inlined handlers takes the optimizer
/// minutes to compile.
pub type Handled<'a> = Pin<Box<dyn Future<Output = HttpResponse> + Send + 'a>>;

/// Reads the routed call's input, calls `handler` and writes its answer.
pub fn handle<'a, I, O, E, F, Fut>(call: Call<'a>, handler: F) -> Handled<'a>
where
    I: DeserializeOwned + Send + 'a,
    O: Serialize + Send + 'static,
    E: OperationError + Send + 'a,
    F: FnOnce(I) -> Fut + Send + 'a,
    Fut: Future<Output = Result<O, E>> + Send + 'a,
{
    Box::pin(async move {
        let (protocol, operation) = (call.protocol, call.operation);
        let input = match protocol.input::<I>(&call) {
            Ok(input) => input,
            Err(error) => return answered_by(protocol.error(&error), operation),
        };
        drop(call);
        respond(protocol, operation, handler(input).await)
    })
}

/// The HTTP answer for a handler's result: the output as the protocol
/// writes it, or the error's status and body.
pub fn respond<O: Serialize + 'static, E: OperationError>(
    protocol: Protocol,
    operation: &'static OperationMeta,
    result: Result<O, E>,
) -> HttpResponse {
    match result {
        Ok(output) => protocol.output(operation, &output),
        Err(error) => answered_by(protocol.error(&error.to_error_response()), operation),
    }
}

fn answered_by(mut response: HttpResponse, operation: &'static OperationMeta) -> HttpResponse {
    response.operation = Some(operation.name);
    response
}

/// Runs `work`, answering a panic inside it with a 500 so the process (and
/// every other request) carries on.
pub async fn guard(protocol: Protocol, work: impl Future<Output = HttpResponse>) -> HttpResponse {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(response) => response,
        Err(_) => protocol.error(&ErrorResponse::internal("An internal error occurred")),
    }
}

impl HttpResponse {
    /// `error` as `protocol` writes errors.
    pub fn error(protocol: Protocol, error: &ErrorResponse) -> Self {
        protocol.error(error)
    }
}
