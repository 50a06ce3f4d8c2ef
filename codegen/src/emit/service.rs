//! `service.rs`: the trait a service implements and the dispatcher that
//! routes awsJson requests to it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{default_docs, docs, docs_or, ident, rust_type, Module};
use crate::ir::{Ir, Protocol};

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
    let protocol = match ir.service.protocol {
        Protocol::AwsJson1_0 => quote!(AwsJson1_0),
        Protocol::AwsJson1_1 => quote!(AwsJson1_1),
    };
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
        let input = ident(&ir.shape(&op.input).static_name);
        quote! {
            #name => handle(PROTOCOL, &body, &schema::#input, move |input| service.#method(context, input)),
        }
    });
    quote! {
        //! The service trait and the awsJson dispatcher.
        use ::std::future::Future;
        use ::std::marker::{Send, Sync};
        use ::std::result::Result;

        use ::smithy_runtime::{guard, handle, unknown_operation, unsupported_media_type, Handled, HttpResponse, Protocol, Request, RequestContext};

        use crate::schema;

        /// The wire protocol of this service.
        pub const PROTOCOL: Protocol = Protocol::#protocol;

        /// What `X-Amz-Target` starts with; the operation name follows.
        pub const TARGET_PREFIX: &str = #prefix;

        #trait_docs
        pub trait #service: Send + Sync + 'static {
            #(#methods)*
        }

        /// Answers one request: a `Content-Type` other than the protocol's
        /// gets a 404 `UnknownOperationException`, as does AWS; unknown
        /// targets get a 400 `UnknownOperationException`, bodies that are not
        /// JSON of the input's shape `SerializationException`, constraint
        /// failures one `ValidationException` listing all of them, and a
        /// panicking handler a 500 while the process carries on. A `gzip`
        /// `Content-Encoding` is undone first.
        pub async fn dispatch<S: #service>(service: &S, context: &RequestContext, request: Request<'_>) -> HttpResponse {
            if !PROTOCOL.accepts(request.content_type) {
                return unsupported_media_type(PROTOCOL);
            }
            let Some(operation) = request.target.and_then(|target| target.strip_prefix(TARGET_PREFIX)) else {
                return unknown_operation(PROTOCOL);
            };
            let body = match request.decoded_body(PROTOCOL) {
                Ok(body) => body,
                Err(refused) => return refused,
            };
            let work: Handled<'_> = match operation {
                #(#arms)*
                _ => return unknown_operation(PROTOCOL),
            };
            guard(PROTOCOL, work).await
        }

        /// `service` behind `POST /` over HTTP (feature `server`): run it with
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
