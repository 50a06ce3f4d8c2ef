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
    let unserved: Vec<_> = ir
        .operations
        .iter()
        .filter(|op| op.unserved.is_some())
        .collect();
    if !unserved.is_empty() {
        trait_lines.extend([
            String::new(),
            "Not served (a request for one is answered with a 501".to_owned(),
            "`NotImplementedException` that names it):".to_owned(),
        ]);
        for op in &unserved {
            trait_lines.push(format!(
                "- `{}`: {}.",
                op.name,
                op.unserved.as_deref().unwrap_or_default()
            ));
        }
    }
    let trait_docs = docs(&trait_lines);
    let prefix = format!("{}.", ir.service.name);
    let protocol = ident(ir.service.protocol.runtime_variant());
    let served = || ir.operations.iter().filter(|op| op.unserved.is_none());
    let methods = served().map(|op| {
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
        if let Some(why) = &op.unserved {
            return quote! {
                #name => return PROTOCOL.error(&::smithy_runtime::ErrorResponse::not_served(#name, #why)),
            };
        }
        if op.input_stream.is_none() && op.output_stream.is_none() {
            return quote! {
                #name => handle(call, move |input| service.#method(context, input)),
            };
        }
        let field = |stream: &Option<String>, ty: &str| match stream {
            Some(field) => {
                let (field, ty) = (ident(field), rust_type(ir, ty, Module::Other));
                quote!(Some(|message: &mut #ty| &mut message.#field))
            }
            None => quote!(None),
        };
        let input = field(&op.input_stream, &op.input);
        let output = field(&op.output_stream, &op.output);
        quote! {
            #name => handle_streaming(
                call,
                Streams { input: #input, output: #output },
                move |input| service.#method(context, input),
            ),
        }
    });
    let streams =
        |op: &&crate::ir::Operation| op.input_stream.is_some() || op.output_stream.is_some();
    let mut imports = vec![quote!(guard)];
    if served().any(|op| !streams(&op)) {
        imports.push(quote!(handle));
    }
    if served().any(|op| streams(&op)) {
        imports.push(quote!(handle_streaming));
    }
    imports.extend([
        quote!(Handled),
        quote!(HttpResponse),
        quote!(Protocol),
        quote!(Request),
        quote!(RequestContext),
        quote!(Routes),
    ]);
    if served().any(|op| streams(&op)) {
        imports.push(quote!(Streams));
    }
    // The router leaves a body unread only for a service that takes one
    // as a stream.
    let streams_input = served().any(|op| op.input_stream.is_some()).then(|| {
        quote! {
            fn streams_input(&self, head: &Request<'_>) -> bool {
                ROUTES.streams_input(head)
            }
        }
    });
    let routing_doc = routing_doc(ir);
    quote! {
        //! The service trait and the dispatcher.
        use ::std::future::Future;
        use ::std::marker::{Send, Sync};
        use ::std::result::Result;

        use ::smithy_runtime::{#(#imports),*};

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

            #streams_input
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
