//! `types.rs`: structures, unions and enums with their awsJson serde.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;

use super::{
    boxed, default_docs, docs_or, hides_value, ident, is_none_path, member_type, rust_type,
    std_path, Module,
};
use crate::ir::{DefaultValue, Ir, Kind, Member, Shape, Variant, Wire};

pub fn types_rs(ir: &Ir) -> TokenStream {
    let mut items = Vec::new();
    let mut defaults = Vec::new();
    for shape in ir.named_types().filter(|s| s.error.is_none()) {
        items.push(named_type(ir, shape, Module::Types, &mut defaults));
    }
    let wire = wire_import(ir.named_types().filter(|s| s.error.is_none()));
    let defaults = (!defaults.is_empty()).then(|| {
        quote! {
            /// Defaults the Rust types' own `Default` does not give, for `#[serde(default = …)]`.
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
    defaults: &mut Vec<TokenStream>,
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
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let name = ident(&shape.rust_name);
    let doc = docs_or(&shape.docs, || default_docs::shape(ir, shape));
    let redacted_debug = shape.sensitive || members.iter().any(|m| hides_value(ir, &m.target));
    // A stream is read once: a value holding one is neither cloned nor
    // compared.
    let mut derives = if shape.holds_stream {
        Vec::new()
    } else {
        vec![quote!(Clone), quote!(PartialEq)]
    };
    if !redacted_debug {
        derives.push(quote!(Debug));
    }
    if shape.derives_default {
        derives.push(quote!(Default));
    }
    let fields = members.iter().map(|member| {
        let field = ident(&member.field);
        let ty = member_type(ir, member, module);
        let doc = docs_or(&member.docs, || default_docs::member(member, false));
        let serde = field_serde(member, defaults, ir);
        quote! { #doc #serde pub #field: #ty, }
    });
    let debug = redacted_debug.then(|| redacting_debug(ir, shape, members));
    let deserialize = deserialize_attr(shape);
    quote! {
        #doc
        #[derive(#(#derives,)* ::serde::Serialize)]
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

fn field_serde(member: &Member, defaults: &mut Vec<TokenStream>, ir: &Ir) -> TokenStream {
    // The protocol moves a stream in and out beside the serde form.
    if member.stream {
        return quote! { #[serde(skip)] };
    }
    let wire = &member.name;
    let mut args = vec![quote!(rename = #wire)];
    if member.optional {
        let is_none = is_none_path(ir);
        args.push(quote!(default, skip_serializing_if = #is_none));
    } else if let Some(default) = &member.default {
        match &default.function {
            Some(function) => {
                let path = format!("defaults::{function}");
                defaults.push(default_fn(ir, member, function, &default.value));
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

/// `use ::smithy_runtime::wire;` when a member of `shapes` needs a wire
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
                use ::smithy_runtime::wire;
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

/// The function in `mod defaults` that returns a member's default.
fn default_fn(ir: &Ir, member: &Member, name: &str, value: &DefaultValue) -> TokenStream {
    let function = format_ident!("{}", name);
    let ty = rust_type(ir, &member.target, Module::Other);
    let body = default_value(ir, &member.target, value);
    quote! { pub(super) fn #function() -> #ty { #body } }
}

/// A default as an expression of the type generated for `target`.
pub(super) fn default_value(ir: &Ir, target: &str, value: &DefaultValue) -> TokenStream {
    let ty = rust_type(ir, target, Module::Other);
    match value {
        DefaultValue::Boolean(b) => quote!(#b),
        DefaultValue::Integer(n) => signed(*n < 0, Literal::u64_unsuffixed(n.unsigned_abs())),
        DefaultValue::Float(f) => match non_finite(f64::from(*f)) {
            Some(constant) => quote!(f32::#constant),
            None => signed(f.is_sign_negative(), Literal::f32_unsuffixed(f.abs())),
        },
        DefaultValue::Double(f) => match non_finite(*f) {
            Some(constant) => quote!(f64::#constant),
            None => signed(f.is_sign_negative(), Literal::f64_unsuffixed(f.abs())),
        },
        DefaultValue::String(s) => {
            let string = std_path(ir, "String");
            quote!(#string::from(#s))
        }
        DefaultValue::Variant(variant) => {
            let variant = ident(variant);
            quote!(#ty::#variant)
        }
        DefaultValue::Timestamp(millis) => {
            let millis = signed(*millis < 0, Literal::u64_unsuffixed(millis.unsigned_abs()));
            quote!(::smithy_runtime::Timestamp::from_unix_millis(#millis))
        }
        DefaultValue::Blob(bytes) => {
            let bytes = Literal::byte_string(bytes);
            quote!(::smithy_runtime::Blob(#bytes.to_vec()))
        }
        DefaultValue::Document(value) => document(value),
        // The IR names no function for these; `Default` gives them.
        DefaultValue::EmptyList | DefaultValue::EmptyMap => {
            quote!(::std::default::Default::default())
        }
    }
}

/// A literal with a leading minus sign when `negative`; literal tokens
/// themselves are unsigned.
pub(super) fn signed(negative: bool, magnitude: Literal) -> TokenStream {
    if negative {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

/// The `f32`/`f64` constant for a value no literal can write.
pub(super) fn non_finite(f: f64) -> Option<proc_macro2::Ident> {
    let name = if f.is_nan() {
        "NAN"
    } else if f == f64::INFINITY {
        "INFINITY"
    } else if f == f64::NEG_INFINITY {
        "NEG_INFINITY"
    } else {
        return None;
    };
    Some(format_ident!("{}", name))
}

/// A document default: a scalar, `[]` or `{}`. Numbers go through
/// `Value::from`, as macro input would print `-1.5` as `- 1.5`; integers
/// beyond `i32` are suffixed, or they would be taken for `i32`.
fn document(value: &Value) -> TokenStream {
    let json = match value {
        Value::Number(n) => {
            let number = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) if i32::try_from(i).is_ok() => {
                    signed(i < 0, Literal::u64_unsuffixed(i.unsigned_abs()))
                }
                (Some(i), _) => match i.checked_abs() {
                    Some(magnitude) => signed(i < 0, Literal::i64_suffixed(magnitude)),
                    None => quote!(i64::MIN),
                },
                (None, Some(u)) => Literal::u64_suffixed(u).into_token_stream(),
                (None, None) => {
                    let f = n.as_f64().unwrap_or_default();
                    signed(f.is_sign_negative(), Literal::f64_unsuffixed(f.abs()))
                }
            };
            return quote!(::serde_json::Value::from(#number));
        }
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::String(s) => quote!(#s),
        Value::Array(_) => quote!([]),
        Value::Object(_) => quote!({}),
    };
    quote!(::serde_json::json!(#json))
}

fn redacting_debug(ir: &Ir, shape: &Shape, members: &[Member]) -> TokenStream {
    let name = ident(&shape.rust_name);
    let label = &shape.rust_name;
    if shape.sensitive {
        return quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(::smithy_runtime::REDACTED)
                }
            }
        };
    }
    if matches!(shape.kind, Kind::Union(_)) {
        let arms = members.iter().map(|member| {
            let variant = ident(&member.variant);
            let label = member.variant.trim_start_matches("r#");
            if hides_value(ir, &member.target) {
                quote! { Self::#variant(_) => f.debug_tuple(#label).field(&::smithy_runtime::REDACTED).finish(), }
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
            quote! { .field(#label, &::smithy_runtime::REDACTED) }
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
    let doc = docs_or(&shape.docs, || default_docs::shape(ir, shape));
    let variants = members.iter().map(|member| {
        let variant = ident(&member.variant);
        let wire = &member.name;
        let ty = rust_type(ir, &member.target, module);
        let ty = if member.boxed { boxed(ir, ty) } else { ty };
        let doc = docs_or(&member.docs, || default_docs::member(member, true));
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
    let doc = docs_or(&shape.docs, || default_docs::shape(ir, shape));
    let unknown = format_ident!("{}", unknown);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = variants
        .iter()
        .map(|v| docs_or(&v.docs, || default_docs::enum_value(&v.value)));
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
    let doc = docs_or(&shape.docs, || default_docs::shape(ir, shape));
    let unknown = format_ident!("{}", unknown);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants
        .iter()
        .map(|v| proc_macro2::Literal::i32_unsuffixed(v.value))
        .collect();
    let variant_docs = variants
        .iter()
        .map(|v| docs_or(&v.docs, || default_docs::enum_value(v.value)));
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
