//! `service.rs`: the trait a service implements and the dispatcher that
//! routes requests to it, whatever the protocol: the runtime's `Routes`
//! finds the operation, and one `match` calls its method.

use proc_macro2::TokenStream;
use quote::quote;

use super::{default_docs, docs, docs_or, ident, rust_type, Module};
use crate::ir::Ir;

pub fn service_rs(ir: &Ir) -> TokenStream {
    let service = ident(&ir.service.trait_name);
    // The model's words first; ours follow as a paragraph of their own,
    // or join the default line when the model has none.
    let implement = format!(
        "Implement this to serve `{}`: one method per operation.",
        ir.service.name
    );
    let mut trait_lines = ir.service.docs.clone();
    if trait_lines.is_empty() {
        trait_lines.push(format!("{} {implement}", default_docs::service(ir)));
    } else {
        trait_lines.extend([String::new(), implement]);
    }
    trait_lines.extend([
        "Inputs reach a method only after they passed every constraint of".to_owned(),
        "the model.".to_owned(),
    ]);
    let trait_docs = docs(&trait_lines);
    let prefix = format!("{}.", ir.service.name);
    let protocol = ident(ir.service.protocol.runtime_variant());
    let methods = ir.operations.iter().map(|op| {
        let method = ident(&op.method);
        let input = rust_type(ir, &op.input, Module::Other);
        let output = rust_type(ir, &op.output, Module::Other);
        let error = ident(&op.error_enum);
        let doc = docs_or(&op.docs, || default_docs::operation(ir, op));
        quote! {
            #doc
            fn #method(
                &self,
                context: &RequestContext,
                input: #input,
            ) -> impl Future<Output = Result<#output, crate::error::#error>> + Send;
        }
    });
    let arms = ir.operations.iter().map(|op| {
        let name = &op.name;
        let method = ident(&op.method);
        quote! {
            #name => handle(call, move |input| service.#method(context, input)),
        }
    });
    let routing_doc = routing_doc(ir);
    quote! {
        //! The service trait and the dispatcher.
        use ::std::future::Future;
        use ::std::marker::{Send, Sync};
        use ::std::result::Result;

        use ::smithy_runtime::{guard, handle, Handled, HttpResponse, Protocol, Request, RequestContext, Routes};

        /// The wire protocol of this service.
        pub const PROTOCOL: Protocol = Protocol::#protocol;

        /// What `X-Amz-Target` starts with in awsJson; the operation name follows.
        pub const TARGET_PREFIX: &str = #prefix;

        /// How requests find their operation.
        pub static ROUTES: Routes = Routes::new(PROTOCOL, TARGET_PREFIX, crate::operation::OPERATIONS);

        #trait_docs
        pub trait #service: Send + Sync + 'static {
            #(#methods)*
        }

        #routing_doc
        pub async fn dispatch<S: #service>(service: &S, context: &RequestContext, request: Request<'_>) -> HttpResponse {
            let call = match ROUTES.route(request) {
                Ok(call) => call,
                Err(refused) => return refused,
            };
            let work: Handled<'_> = match call.operation.name {
                #(#arms)*
                // `ROUTES` only finds operations of this service.
                _ => return PROTOCOL.error(&::smithy_runtime::ErrorResponse::not_found()),
            };
            guard(PROTOCOL, work).await
        }

        /// `service` over HTTP (feature `server`): run it with
        /// `smithy_runtime::server::serve`. Callers are identified by their
        /// SigV4 credential scope without checking signatures until
        /// `.identify(…)` says otherwise.
        #[cfg(feature = "server")]
        pub fn router<S: #service>(service: S) -> ::smithy_runtime::server::Router<Served<S>> {
            ::smithy_runtime::server::Router::new(Served(service))
        }

        /// A service as the runtime's router calls it.
        #[cfg(feature = "server")]
        pub struct Served<S>(pub S);

        #[cfg(feature = "server")]
        impl<S: #service> ::smithy_runtime::server::Api for Served<S> {
            const PROTOCOL: Protocol = PROTOCOL;

            fn dispatch<'a>(&'a self, context: &'a RequestContext, request: Request<'a>) -> impl Future<Output = HttpResponse> + Send + 'a {
                dispatch(&self.0, context, request)
            }
        }
    }
}

/// The docs of `dispatch`: how it finds the operation, in the protocol's
/// terms, and what it answers to bad input.
fn routing_doc(ir: &Ir) -> TokenStream {
    let routing: &[&str] = if ir.service.protocol.uses_target_header() {
        &[
            "Answers one request: a `Content-Type` other than the protocol's",
            "gets a 404 `UnknownOperationException`, as does AWS; unknown",
            "targets get a 400 `UnknownOperationException`,",
        ]
    } else {
        &[
            "Answers one request, routed by method and URI (each operation's",
            "`@http`): an unknown URI gets a 404 `UnknownOperationException`, a",
            "known one with another method a 405, a `Content-Type` or `Accept`",
            "the operation cannot take a 415 or 406,",
        ]
    };
    let rest = [
        "input that does not read as the input's shape a",
        "`SerializationException`, constraint failures one",
        "`ValidationException` listing all of them, and a panicking handler a",
        "500 while the process carries on. A `gzip` `Content-Encoding` is",
        "undone first.",
    ];
    let lines: Vec<String> = routing
        .iter()
        .chain(&rest)
        .map(|l| (*l).to_owned())
        .collect();
    docs(&lines)
}
