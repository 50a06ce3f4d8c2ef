//! `types.rs`: structures, unions and enums with their awsJson serde.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{
    boxed, docs, hides_value, ident, is_none_path, member_type, rust_type, std_path, Module,
};
use crate::ir::{Ir, Kind, Member, Shape, Variant, Wire};

pub fn types_rs(ir: &Ir) -> TokenStream {
    let mut items = Vec::new();
    let mut defaults = Vec::new();
    for shape in ir.named_types().filter(|s| s.error.is_none()) {
        items.push(named_type(ir, shape, Module::Types, &mut defaults));
    }
    let wire = wire_import(ir.named_types().filter(|s| s.error.is_none()));
    let defaults = (!defaults.is_empty()).then(|| {
        let defaults = defaults.iter().map(|(_, function)| function);
        quote! {
            /// Non-zero defaults from the model, for `#[serde(default = …)]`.
            /// Output types read them only with the `client` feature.
            #[cfg_attr(not(feature = "client"), allow(dead_code))]
            mod defaults {
                #(#defaults)*
            }
        }
    });
    quote! {
        //! Structures, unions and enums of the service.
        #wire
        #(#items)*
        #defaults
    }
}

/// The item(s) for one structure, union or enum, written from `module`.
pub(super) fn named_type(
    ir: &Ir,
    shape: &Shape,
    module: Module,
    defaults: &mut Vec<(String, TokenStream)>,
) -> TokenStream {
    match &shape.kind {
        Kind::Structure(members) => structure(ir, shape, members, module, defaults),
        Kind::Union(members) => union(ir, shape, members, module),
        Kind::Enum { variants, unknown } => string_enum(ir, shape, variants, unknown),
        Kind::IntEnum { variants, unknown } => int_enum(ir, shape, variants, unknown),
        _ => TokenStream::new(),
    }
}

fn structure(
    ir: &Ir,
    shape: &Shape,
    members: &[Member],
    module: Module,
    defaults: &mut Vec<(String, TokenStream)>,
) -> TokenStream {
    let name = ident(&shape.rust_name);
    let doc = docs(&shape.docs);
    let redacted_debug = shape.sensitive || members.iter().any(|m| hides_value(ir, &m.target));
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !redacted_debug {
        derives.push(quote!(Debug));
    }
    if shape.derives_default {
        derives.push(quote!(Default));
    }
    let fields = members.iter().map(|member| {
        let field = ident(&member.field);
        let ty = member_type(ir, member, module);
        let doc = docs(&member.docs);
        let serde = field_serde(shape, member, defaults, ir);
        quote! { #doc #serde pub #field: #ty, }
    });
    let debug = redacted_debug.then(|| redacting_debug(ir, shape, members));
    let deserialize = deserialize_attr(shape);
    quote! {
        #doc
        #[derive(#(#derives),*, ::serde::Serialize)]
        #deserialize
        pub struct #name {
            #(#fields)*
        }
        #debug
    }
}

/// Types an input reaches always deserialize; the rest (outputs, errors)
/// only with the `client` feature, which the service does not need and
/// which would double the serde code it compiles.
fn deserialize_attr(shape: &Shape) -> TokenStream {
    if shape.in_input {
        quote!(#[derive(::serde::Deserialize)])
    } else {
        quote!(#[cfg_attr(feature = "client", derive(::serde::Deserialize))])
    }
}

fn field_serde(
    shape: &Shape,
    member: &Member,
    defaults: &mut Vec<(String, TokenStream)>,
    ir: &Ir,
) -> TokenStream {
    let wire = &member.name;
    let mut args = vec![quote!(rename = #wire)];
    if member.optional {
        let is_none = is_none_path(ir);
        args.push(quote!(default, skip_serializing_if = #is_none));
    } else if let Some(value) = &member.default {
        match default_fn(ir, shape, member, value, defaults) {
            Some(function) => {
                let path = format!("defaults::{}", function.0);
                defaults.push(function);
                args.push(quote!(default = #path));
            }
            None => args.push(quote!(default)),
        }
    }
    if let Some(with) = wire_with(&member.wire, member.optional) {
        args.push(quote!(with = #with));
    }
    quote! { #[serde(#(#args),*)] }
}

/// `use ::awsjson_runtime::wire;` when a member of `shapes` needs a wire
/// format, so that `with` paths read `wire::As::<wire::Float>`.
pub(super) fn wire_import<'a>(mut shapes: impl Iterator<Item = &'a Shape>) -> Option<TokenStream> {
    shapes
        .any(|shape| match &shape.kind {
            Kind::Structure(members) | Kind::Union(members) => {
                members.iter().any(|m| m.wire != Wire::Derived)
            }
            _ => false,
        })
        .then(|| {
            quote!(
                use ::awsjson_runtime::wire;
            )
        })
}

/// The `with` path for a member in wire format `wire`, if serde's derive
/// alone would get it wrong.
fn wire_with(wire: &Wire, optional: bool) -> Option<String> {
    let format = wire_format(wire, optional)?;
    Some(format!("wire::As::<{format}>"))
}

fn wire_format(wire: &Wire, optional: bool) -> Option<String> {
    let format = match wire {
        Wire::Derived => return None,
        Wire::Float => "wire::Float".to_owned(),
        Wire::DateTime => "wire::DateTime".to_owned(),
        Wire::HttpDate => "wire::HttpDate".to_owned(),
        Wire::List { item, sparse } => format!("wire::List<{}>", wire_format(item, *sparse)?),
        Wire::Map { value, sparse } => format!("wire::Map<{}>", wire_format(value, *sparse)?),
    };
    Some(if optional {
        format!("wire::Optional<{format}>")
    } else {
        format
    })
}

/// A function returning a member's non-zero default; `None` when the Rust
/// type's own `Default` already is the model's default. Its name differs from
/// every function in `taken`.
fn default_fn(
    ir: &Ir,
    shape: &Shape,
    member: &Member,
    value: &Value,
    taken: &[(String, TokenStream)],
) -> Option<(String, TokenStream)> {
    // Enums have no `Default`, so even a zero default needs a function.
    let is_enum = matches!(
        ir.shape(&member.target).kind,
        Kind::Enum { .. } | Kind::IntEnum { .. }
    );
    let body = match value {
        Value::Bool(true) => quote!(true),
        Value::Number(n) if is_enum || n.as_f64() != Some(0.0) => {
            let literal: TokenStream = n.to_string().parse().unwrap_or_default();
            if is_enum {
                quote!(::std::convert::From::from(#literal))
            } else {
                literal
            }
        }
        Value::String(s) if is_enum => quote!(::std::convert::From::from(#s)),
        Value::String(s) if !s.is_empty() => {
            let string = std_path(ir, "String");
            quote!(#string::from(#s))
        }
        _ => return None,
    };
    let base = format!(
        "{}_{}",
        heck::ToSnakeCase::to_snake_case(shape.rust_name.as_str()),
        member.field.trim_start_matches("r#")
    );
    // `Foo.bar_baz` and `FooBar.baz` would both give `foo_bar_baz`.
    let mut name = base.clone();
    let mut suffix = 1;
    while taken.iter().any(|(other, _)| *other == name) {
        suffix += 1;
        name = format!("{base}_{suffix}");
    }
    let function = format_ident!("{}", name);
    let ty = rust_type(ir, &member.target, Module::Other);
    Some((name, quote! { pub(super) fn #function() -> #ty { #body } }))
}

fn redacting_debug(ir: &Ir, shape: &Shape, members: &[Member]) -> TokenStream {
    let name = ident(&shape.rust_name);
    let label = &shape.rust_name;
    if shape.sensitive {
        return quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(::awsjson_runtime::REDACTED)
                }
            }
        };
    }
    if matches!(shape.kind, Kind::Union(_)) {
        let arms = members.iter().map(|member| {
            let variant = ident(&member.variant);
            let label = member.variant.trim_start_matches("r#");
            if hides_value(ir, &member.target) {
                quote! { Self::#variant(_) => f.debug_tuple(#label).field(&::awsjson_runtime::REDACTED).finish(), }
            } else {
                quote! { Self::#variant(value) => f.debug_tuple(#label).field(value).finish(), }
            }
        });
        return quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { #(#arms)* }
                }
            }
        };
    }
    let fields = members.iter().map(|member| {
        let field = ident(&member.field);
        let label = member.field.trim_start_matches("r#");
        if hides_value(ir, &member.target) {
            quote! { .field(#label, &::awsjson_runtime::REDACTED) }
        } else {
            quote! { .field(#label, &self.#field) }
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    }
}

fn union(ir: &Ir, shape: &Shape, members: &[Member], module: Module) -> TokenStream {
    let name = ident(&shape.rust_name);
    let doc = docs(&shape.docs);
    let variants = members.iter().map(|member| {
        let variant = ident(&member.variant);
        let wire = &member.name;
        let ty = rust_type(ir, &member.target, module);
        let ty = if member.boxed { boxed(ir, ty) } else { ty };
        let doc = docs(&member.docs);
        let with = wire_with(&member.wire, false).map(|with| quote!(, with = #with));
        quote! { #doc #[serde(rename = #wire #with)] #variant(#ty), }
    });
    // A variant holding a sensitive value must not print it.
    let redacted = shape.sensitive || members.iter().any(|m| hides_value(ir, &m.target));
    let derive_debug = (!redacted).then(|| quote!(Debug,));
    let debug = redacted.then(|| redacting_debug(ir, shape, members));
    let deserialize = deserialize_attr(shape);
    quote! {
        #doc
        #[derive(Clone, #derive_debug PartialEq, ::serde::Serialize)]
        #deserialize
        pub enum #name {
            #(#variants)*
        }
        #debug
    }
}

fn string_enum(ir: &Ir, shape: &Shape, variants: &[Variant<String>], unknown: &str) -> TokenStream {
    let name = ident(&shape.rust_name);
    let doc = docs(&shape.docs);
    let unknown = format_ident!("{}", unknown);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = variants.iter().map(|v| docs(&v.docs));
    let (string, result, ok) = (
        std_path(ir, "String"),
        std_path(ir, "Result"),
        std_path(ir, "Ok"),
    );
    let derive_debug = (!shape.sensitive).then(|| quote!(Debug,));
    let debug = shape.sensitive.then(|| redacting_debug(ir, shape, &[]));
    quote! {
        #doc
        #[derive(Clone, #derive_debug PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #idents, )*
            /// A value the model does not list. Input validation rejects it;
            /// it lets newer values through when reading a response.
            #unknown(#string),
        }

        impl #name {
            /// Every value the model lists, in model order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        #debug

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                #ok(Self::from(value.as_ref()))
            }
        }
    }
}

fn int_enum(ir: &Ir, shape: &Shape, variants: &[Variant<i32>], unknown: &str) -> TokenStream {
    let name = ident(&shape.rust_name);
    let doc = docs(&shape.docs);
    let unknown = format_ident!("{}", unknown);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants
        .iter()
        .map(|v| proc_macro2::Literal::i32_unsuffixed(v.value))
        .collect();
    let variant_docs = variants.iter().map(|v| docs(&v.docs));
    let result = std_path(ir, "Result");
    let derive_debug = (!shape.sensitive).then(|| quote!(Debug,));
    let debug = shape.sensitive.then(|| redacting_debug(ir, shape, &[]));
    quote! {
        #doc
        #[derive(Clone, Copy, #derive_debug PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #idents, )*
            /// A value the model does not list.
            #unknown(i32),
        }

        impl #name {
            /// Every value the model lists, in model order.
            pub const VALUES: &'static [i32] = &[#(#values),*];

            pub fn value(self) -> i32 {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        #debug

        impl ::std::convert::From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_i32(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                <i32 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
