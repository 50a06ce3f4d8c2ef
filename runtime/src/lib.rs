//! The protocol runtime of every crate that `smithy-codegen` writes.
//!
//! Generated code stays thin: it declares types, a static [`schema`] of each
//! shape, its operations' metadata and a `match` from operation name to
//! handler. Everything that is the same for every service lives here,
//! written and tested once: the protocols, each a module behind
//! [`Protocol`] and [`Routes`] ([`protocol`]: awsJson 1.0/1.1, restJson1),
//! constraint validation and decoding into the typed input ([`validate`],
//! [`decode`]), errors ([`error`]), timestamps and blobs ([`timestamp`],
//! [`blob`]), `@streaming` payloads ([`stream`]), the wire forms serde's derive does not know ([`wire`]) and the
//! call into a handler with panics contained ([`dispatch`]). With the
//! `server` feature, `server` serves a generated service over HTTP.

// An `ErrorResponse` is returned on the error path only, once per request
// that fails; boxing it would add an allocation there to save a few bytes
// of stack on the success path, which never builds one.
#![allow(clippy::result_large_err)]

pub mod blob;
pub mod decode;
pub mod dispatch;
pub mod error;
pub mod pattern;
pub mod protocol;
pub mod request;
pub mod response;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
pub mod stream;
pub mod testing;
pub mod timestamp;
pub mod validate;
pub mod wire;

pub use blob::Blob;
pub use dispatch::{guard, handle, handle_streaming, respond, respond_streaming, Handled, Streams};
pub use error::{ErrorResponse, OperationError};
pub use pattern::Pattern;
pub use protocol::{Call, Protocol, Routes};
pub use request::{Request, RequestContext};
pub use response::HttpResponse;
pub use stream::ByteStream;
pub use timestamp::Timestamp;

/// Free-form JSON carried by `document` shapes.
pub type Document = serde_json::Value;

/// The text AWS SDKs print in place of a `@sensitive` value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// The value of members that target `smithy.api#Unit`, and the input or
/// output of operations that have none: an empty JSON object.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Unit {}
