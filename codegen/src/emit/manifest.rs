//! `Cargo.toml` and `lib.rs` of the generated crate.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_texts, ident, HEADER};
use crate::ir::Ir;
use crate::{Options, Runtime};

pub fn cargo_toml(ir: &Ir, options: &Options) -> String {
    let header = HEADER.replacen("//", "#", 1);
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        r#"{header}

[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false
description = "Types, validation and {protocol} dispatch for {service}"
{workspace}
[features]
# Deserialize outputs and errors too, as a client does. The service only
# deserializes what its inputs reach.
client = []
# Serve the service over HTTP: `router(service)`, run by the runtime's
# `server::serve`.
server = ["smithy-runtime/server"]

[dependencies]
smithy-runtime = {runtime}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#,
        name = ir.service.crate_name,
        service = ir.service.id,
        protocol = ir.service.protocol.family(),
        runtime = runtime_dependency(&options.runtime),
    )
}

/// The right-hand side of the runtime's line in `[dependencies]`.
fn runtime_dependency(runtime: &Runtime) -> String {
    match runtime {
        Runtime::Path(path) => format!("{{ path = {} }}", toml_string(path)),
        Runtime::Version(requirement) => toml_string(requirement),
    }
}

/// A TOML basic string: a Windows path's backslashes or a quote in a
/// directory name must not end the string early or corrupt the manifest.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

pub fn lib_rs(ir: &Ir) -> TokenStream {
    // The summary, then the model's own paragraphs when it has any.
    let mut service_docs = doc_texts(&ir.service.docs);
    if !service_docs.is_empty() {
        service_docs.insert(0, String::new());
    }
    let service = ident(&ir.service.trait_name);
    let protocol_tests = (!ir.protocol_tests.is_empty()).then(|| {
        quote! {
            #[cfg(test)]
            #[rustfmt::skip]
            mod protocol_tests;
        }
    });
    let operations = match ir.operations.len() {
        1 => "1 operation".to_owned(),
        n => format!("{n} operations"),
    };
    let summary = format!(
        " Generated from `{}`: {operations}. Start with [`{}`] and [`dispatch`].",
        ir.service.id, ir.service.trait_name
    );
    quote! {
        #![doc = #summary]
        #( #![doc = #service_docs] )*
        #![allow(clippy::large_enum_variant, clippy::too_many_lines, clippy::doc_lazy_continuation)]

        // The generator formats these files itself; `cargo fmt` leaves them be
        // so the generator's `--check` stays meaningful.
        #[rustfmt::skip]
        pub mod error;
        #[rustfmt::skip]
        pub mod operation;
        #[rustfmt::skip]
        pub mod schema;
        #[rustfmt::skip]
        pub mod service;
        #[rustfmt::skip]
        pub mod types;
        #protocol_tests

        pub use ::smithy_runtime as runtime;
        pub use service::{dispatch, #service, PROTOCOL, TARGET_PREFIX};
        #[cfg(feature = "server")]
        pub use service::{router, Served};
    }
}
