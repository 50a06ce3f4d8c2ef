//! The `Greeter` service of `model/greeter.smithy`: the generated crate
//! (`api/`, from `cargo xtask codegen`) holds the types, the validation of
//! every constraint and the dispatcher; this file holds what the service
//! does.

use greeter_api::error::{NameNotAllowed, SayHelloError};
use greeter_api::runtime::RequestContext;
use greeter_api::types::{SayHelloInput, SayHelloOutput};

pub struct Greeter;

impl greeter_api::Greeter for Greeter {
    /// `name` is 1–64 characters and `times` 1–3 by the time this runs: the
    /// dispatcher has refused anything else with a `ValidationException`.
    async fn say_hello(
        &self,
        context: &RequestContext,
        input: SayHelloInput,
    ) -> Result<SayHelloOutput, SayHelloError> {
        if input.name.eq_ignore_ascii_case("nobody") {
            return Err(NameNotAllowed::with_message("Nobody is not greeted here").into());
        }
        let hello = format!("Hello, {} (from {})!", input.name, context.region);
        Ok(SayHelloOutput {
            message: vec![hello; input.times as usize].join(" "),
        })
    }
}
