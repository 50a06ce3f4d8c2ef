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
use crate::{ByteStream, ErrorResponse, HttpResponse, OperationError};

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
    handle_streaming(call, Streams::NONE, handler)
}

/// Where an operation's `@streaming` payload member sits in its input and
/// output types: the generated `dispatch` names the fields, the runtime
/// moves the streams in and out of them.
pub struct Streams<I, O> {
    pub input: Option<fn(&mut I) -> &mut ByteStream>,
    pub output: Option<fn(&mut O) -> &mut ByteStream>,
}

impl<I, O> Streams<I, O> {
    /// Neither input nor output streams.
    pub const NONE: Self = Self {
        input: None,
        output: None,
    };
}

/// [`handle`] for an operation whose input or output (or both) has a
/// `@streaming` payload: the request body reaches the handler as the
/// input's stream, and the output's stream is written as it is produced.
pub fn handle_streaming<'a, I, O, E, F, Fut>(
    mut call: Call<'a>,
    streams: Streams<I, O>,
    handler: F,
) -> Handled<'a>
where
    I: DeserializeOwned + Send + 'a,
    O: Serialize + Send + 'static,
    E: OperationError + Send + 'a,
    F: FnOnce(I) -> Fut + Send + 'a,
    Fut: Future<Output = Result<O, E>> + Send + 'a,
{
    Box::pin(async move {
        let (protocol, operation) = (call.protocol, call.operation);
        let mut input = match protocol.input::<I>(&call) {
            Ok(input) => input,
            Err(error) => return answered_by(protocol.error(&error), operation),
        };
        if let Some(field) = streams.input {
            *field(&mut input) = call.take_body();
        }
        drop(call);
        respond_streaming(protocol, operation, handler(input).await, streams.output)
    })
}

/// The HTTP answer for a handler's result: the output as the protocol
/// writes it, or the error's status and body.
pub fn respond<O: Serialize + 'static, E: OperationError>(
    protocol: Protocol,
    operation: &'static OperationMeta,
    result: Result<O, E>,
) -> HttpResponse {
    respond_streaming(protocol, operation, result, None)
}

/// [`respond`] for an output whose `stream` field is its `@streaming`
/// payload.
pub fn respond_streaming<O: Serialize + 'static, E: OperationError>(
    protocol: Protocol,
    operation: &'static OperationMeta,
    result: Result<O, E>,
    stream: Option<fn(&mut O) -> &mut ByteStream>,
) -> HttpResponse {
    match (result, stream) {
        (Ok(output), None) => protocol.output(operation, &output),
        (Ok(mut output), Some(field)) => {
            let stream = std::mem::take(field(&mut output));
            protocol.streamed_output(operation, &output, stream)
        }
        (Err(error), _) => answered_by(protocol.error(&error.to_error_response()), operation),
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
