//! `error.rs`: modelled error structures and one error enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{named_type, wire_import};
use super::{default_docs, docs_or, ident, std_path, Module};
use crate::ir::{Ir, Kind, Operation, Shape, Simple};

pub fn error_rs(ir: &Ir) -> TokenStream {
    let mut defaults = Vec::new();
    let shapes = ir.named_types().filter(|s| s.error.is_some()).map(|shape| {
        let item = named_type(ir, shape, Module::Error, &mut defaults);
        let extra = error_impls(ir, shape);
        quote! { #item #extra }
    });
    let shapes: Vec<_> = shapes.collect();
    let wire = wire_import(ir.named_types().filter(|s| s.error.is_some()));
    let enums = ir.operations.iter().map(|op| operation_error(ir, op));
    let defaults = (!defaults.is_empty()).then(|| {
        quote! {
            /// Errors are only read with the `client` feature.
            #[cfg_attr(not(feature = "client"), allow(dead_code))]
            mod defaults { #(#defaults)* }
        }
    });
    quote! {
        //! Modelled errors, and the error type of each operation.
        #wire
        #(#shapes)*
        #(#enums)*
        #defaults
    }
}

/// The member that carries the human-readable message, if the shape has one.
fn message_member<'a>(ir: &Ir, shape: &'a Shape) -> Option<&'a crate::ir::Member> {
    match &shape.kind {
        Kind::Structure(members) => members.iter().find(|m| {
            m.name.eq_ignore_ascii_case("message")
                && matches!(ir.shape(&m.target).kind, Kind::Simple(Simple::String))
        }),
        _ => None,
    }
}

fn error_impls(ir: &Ir, shape: &Shape) -> TokenStream {
    let name = ident(&shape.rust_name);
    let schema_static = ident(&shape.static_name);
    let id = &shape.id;
    let status = shape.error.as_ref().map_or(500, |e| e.status);
    let query_error = shape
        .error
        .as_ref()
        .filter(|_| ir.service.query_compatible)
        .map(|e| {
            let (code, fault) = (&e.query_code, e.fault);
            quote!(.with_query_error(#code, #fault))
        });
    let label = &shape.rust_name;
    let message = message_member(ir, shape);
    let with_message = format!("{label}: {{}}");
    let (some, none, string) = (
        std_path(ir, "Some"),
        std_path(ir, "None"),
        std_path(ir, "String"),
    );
    let display = match message {
        Some(member) if member.optional => {
            let field = ident(&member.field);
            quote! {
                match &self.#field {
                    #some(message) => write!(f, #with_message, message),
                    #none => f.write_str(#label),
                }
            }
        }
        Some(member) => {
            let field = ident(&member.field);
            quote! { write!(f, #with_message, self.#field) }
        }
        None => quote! { f.write_str(#label) },
    };
    let constructor = match message {
        Some(member) if member.optional && shape.derives_default => {
            let field = ident(&member.field);
            let rest = (shape.members_and_items().len() > 1)
                .then(|| quote!(..::std::default::Default::default()));
            Some(quote! {
                /// The error with only its message set.
                pub fn with_message(message: impl ::std::convert::Into<#string>) -> Self {
                    Self { #field: #some(message.into()), #rest }
                }
            })
        }
        _ => None,
    };
    quote! {
        impl #name {
            pub const SHAPE_ID: &'static str = #id;
            pub const STATUS: u16 = #status;
            #constructor
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::std::error::Error for #name {}

        impl ::smithy_runtime::OperationError for #name {
            fn to_error_response(&self) -> ::smithy_runtime::ErrorResponse {
                ::smithy_runtime::ErrorResponse::modeled(&crate::schema::#schema_static, Self::STATUS, self)#query_error
            }
        }
    }
}

fn operation_error(ir: &Ir, operation: &Operation) -> TokenStream {
    let name = ident(&operation.error_enum);
    let doc = format!(" The errors `{}` can return.", operation.name);
    let shapes: Vec<&Shape> = operation.errors.iter().map(|id| ir.shape(id)).collect();
    let variants: Vec<_> = shapes.iter().map(|s| ident(&s.rust_name)).collect();
    let variant_docs = shapes
        .iter()
        .map(|s| docs_or(&s.docs, || default_docs::shape(ir, s)));
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #name {
            #( #variant_docs #variants(#variants), )*
            /// An error the model does not list for this operation, such as a
            /// `ValidationException` raised by the service's own rules.
            Unmodeled(::smithy_runtime::ErrorResponse),
        }

        impl ::smithy_runtime::OperationError for #name {
            fn to_error_response(&self) -> ::smithy_runtime::ErrorResponse {
                match self {
                    #( Self::#variants(error) => ::smithy_runtime::OperationError::to_error_response(error), )*
                    Self::Unmodeled(error) => error.clone(),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#variants(error) => ::std::fmt::Display::fmt(error, f), )*
                    Self::Unmodeled(error) => ::std::fmt::Display::fmt(error, f),
                }
            }
        }

        impl ::std::error::Error for #name {}

        #(
            impl ::std::convert::From<#variants> for #name {
                fn from(error: #variants) -> Self {
                    Self::#variants(error)
                }
            }
        )*

        impl ::std::convert::From<::smithy_runtime::ErrorResponse> for #name {
            fn from(error: ::smithy_runtime::ErrorResponse) -> Self {
                Self::Unmodeled(error)
            }
        }
    }
}
