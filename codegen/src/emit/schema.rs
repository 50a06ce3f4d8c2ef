//! `schema.rs` (a static description of every shape, which the runtime's
//! validator walks) and `operation.rs` (operation metadata).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::ir::{Binding, Constraints, Ir, Kind, Member, Shape, Simple, TimestampFormat};

pub fn schema_rs(ir: &Ir) -> TokenStream {
    let mut by_name: Vec<_> = ir
        .patterns
        .iter()
        .map(|(source, name)| (name, source))
        .collect();
    by_name.sort();
    let patterns = by_name.into_iter().map(|(name, source)| {
        let name = ident(name);
        quote! { static #name: Pattern = Pattern::new(#source); }
    });
    let shapes = ir.shapes.values().map(|shape| shape_static(ir, shape));
    let uses_patterns = (!ir.patterns.is_empty()).then(|| {
        quote!(
            use ::smithy_runtime::Pattern;
        )
    });
    // Import only what the statics use: unused imports are warnings.
    let members: Vec<&Member> = ir
        .shapes
        .values()
        .flat_map(Shape::members_and_items)
        .collect();
    let mut imports = Vec::new();
    if members.iter().any(|m| m.binding != Binding::Body) {
        imports.push(quote!(Binding));
    }
    if members.iter().any(|m| m.constraints.length.is_some()) {
        imports.push(quote!(Bounds));
    }
    if members
        .iter()
        .any(|m| m.constraints != Constraints::default())
    {
        imports.push(quote!(Constraints));
    }
    imports.push(quote!(Kind));
    if members.iter().any(|m| m.constraints.range.is_some()) {
        imports.push(quote!(Limit));
    }
    if !members.is_empty() {
        imports.push(quote!(Member));
    }
    if members.iter().any(|m| m.constraints.range.is_some()) {
        imports.push(quote!(Range));
    }
    imports.push(quote!(Shape));
    if members.iter().any(|m| m.timestamp_format.is_some()) {
        imports.push(quote!(TimestampFormat));
    }
    quote! {
        //! A static description of every shape, read by the request validator
        //! and by tools that show an operation's documented shape.
        #![allow(clippy::unreadable_literal)]
        #uses_patterns
        use ::smithy_runtime::schema::{#(#imports),*};
        #(#patterns)*
        #(#shapes)*
    }
}

fn shape_static(ir: &Ir, shape: &Shape) -> TokenStream {
    let name = ident(&shape.static_name);
    let id = &shape.id;
    let sensitive = shape.sensitive;
    let kind = match &shape.kind {
        Kind::Simple(simple) => {
            let variant = ident(match simple {
                Simple::Blob => "Blob",
                Simple::Boolean => "Boolean",
                Simple::String => "String",
                Simple::Byte => "Byte",
                Simple::Short => "Short",
                Simple::Integer => "Integer",
                Simple::Long => "Long",
                Simple::Float => "Float",
                Simple::Double => "Double",
                Simple::BigInteger => "BigInteger",
                Simple::BigDecimal => "BigDecimal",
                Simple::Timestamp => "Timestamp",
                Simple::Document => "Document",
            });
            quote!(Kind::#variant)
        }
        Kind::Unit => quote!(Kind::Structure(&[])),
        Kind::Enum { variants, .. } => {
            let values = variants.iter().map(|v| v.value.as_str());
            quote!(Kind::Enum(&[#(#values),*]))
        }
        Kind::IntEnum { variants, .. } => {
            let values = variants
                .iter()
                .map(|v| Literal::i64_unsuffixed(v.value.into()));
            quote!(Kind::IntEnum(&[#(#values),*]))
        }
        Kind::List { member, sparse } => {
            let member = member_literal(ir, member);
            quote!(Kind::List { member: &#member, sparse: #sparse })
        }
        Kind::Map { key, value, sparse } => {
            let key = member_literal(ir, key);
            let value = member_literal(ir, value);
            quote!(Kind::Map { key: &#key, value: &#value, sparse: #sparse })
        }
        Kind::Structure(members) | Kind::Union(members) => {
            let members = members.iter().map(|m| member_literal(ir, m));
            let variant = ident(if matches!(shape.kind, Kind::Union(_)) {
                "Union"
            } else {
                "Structure"
            });
            quote!(Kind::#variant(&[#(#members),*]))
        }
    };
    let mut fields = vec![quote!(id: #id), quote!(kind: #kind)];
    if sensitive {
        fields.push(quote!(sensitive: true));
    }
    if let Some(media_type) = &shape.media_type {
        fields.push(quote!(media_type: Some(#media_type)));
    }
    if let Some(listed) = listed_values(&shape.kind) {
        fields.push(quote!(listed_values: Some(#listed)));
    }
    // Event streams are not served; only blobs stream.
    if shape.streaming && matches!(shape.kind, Kind::Simple(Simple::Blob)) {
        fields.push(quote!(streaming: true));
    }
    quote! {
        pub static #name: Shape = Shape { #(#fields,)* ..Shape::DEFAULT };
    }
}

/// The values an enum with `@internal` ones lists in messages: the others.
fn listed_values(kind: &Kind) -> Option<String> {
    let listed: Vec<String> = match kind {
        Kind::Enum { variants, .. } if variants.iter().any(|v| v.internal) => variants
            .iter()
            .filter(|v| !v.internal)
            .map(|v| v.value.clone())
            .collect(),
        Kind::IntEnum { variants, .. } if variants.iter().any(|v| v.internal) => variants
            .iter()
            .filter(|v| !v.internal)
            .map(|v| v.value.to_string())
            .collect(),
        _ => return None,
    };
    Some(listed.join(", "))
}

/// A member literal that spells out only what differs from `Member::DEFAULT`.
fn member_literal(ir: &Ir, member: &Member) -> TokenStream {
    let name = &member.name;
    let target = ident(&ir.shape(&member.target).static_name);
    let mut fields = vec![quote!(name: #name), quote!(target: &#target)];
    if member.required {
        fields.push(quote!(required: true));
    }
    if member.constraints != Constraints::default() {
        let constraints = constraints_literal(ir, &member.constraints);
        fields.push(quote!(constraints: #constraints));
    }
    if let Some(json_name) = &member.json_name {
        fields.push(quote!(json_name: Some(#json_name)));
    }
    if let Some(format) = member.timestamp_format {
        let format = ident(match format {
            TimestampFormat::EpochSeconds => "EpochSeconds",
            TimestampFormat::DateTime => "DateTime",
            TimestampFormat::HttpDate => "HttpDate",
        });
        fields.push(quote!(timestamp_format: Some(TimestampFormat::#format)));
    }
    let binding = match &member.binding {
        Binding::Body => None,
        Binding::Label => Some(quote!(Binding::Label)),
        Binding::Query(name) => Some(quote!(Binding::Query(#name))),
        Binding::QueryParams => Some(quote!(Binding::QueryParams)),
        Binding::Header(name) => Some(quote!(Binding::Header(#name))),
        Binding::PrefixHeaders(prefix) => Some(quote!(Binding::PrefixHeaders(#prefix))),
        Binding::Payload => Some(quote!(Binding::Payload)),
        Binding::ResponseCode => Some(quote!(Binding::ResponseCode)),
    };
    if let Some(binding) = binding {
        fields.push(quote!(http: #binding));
    }
    quote! { Member { #(#fields,)* ..Member::DEFAULT } }
}

fn constraints_literal(ir: &Ir, constraints: &Constraints) -> TokenStream {
    let mut fields = Vec::new();
    if let Some((min, max)) = constraints.length {
        let min = option(min.map(Literal::u64_unsuffixed));
        let max = option(max.map(Literal::u64_unsuffixed));
        fields.push(quote!(length: Some(Bounds { min: #min, max: #max })));
    }
    if let Some((min, max)) = &constraints.range {
        let limit = |n: &serde_json::Number| {
            let value = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            let text = n.to_string();
            quote!(Limit { value: #value, text: #text })
        };
        let min = option(min.as_ref().map(limit));
        let max = option(max.as_ref().map(limit));
        fields.push(quote!(range: Some(Range { min: #min, max: #max })));
    }
    if let Some(source) = &constraints.pattern {
        let name = ident(&ir.patterns[source]);
        fields.push(quote!(pattern: Some(&#name)));
    }
    if constraints.unique_items {
        fields.push(quote!(unique_items: true));
    }
    quote!(Constraints { #(#fields,)* ..Constraints::NONE })
}

fn option(value: Option<impl quote::ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

pub fn operation_rs(ir: &Ir) -> TokenStream {
    let operations = ir.operations.iter().map(|op| {
        let name = &op.name;
        let input = ident(&ir.shape(&op.input).static_name);
        let output = ident(&ir.shape(&op.output).static_name);
        let errors = op.errors.iter().map(|e| ident(&ir.shape(e).static_name));
        let paginated = option(op.paginated.as_ref().map(|p| {
            let input_token = option(p.input_token.as_deref());
            let output_token = option(p.output_token.as_deref());
            let items = option(p.items.as_deref());
            let page_size = option(p.page_size.as_deref());
            quote!(Paginated { input_token: #input_token, output_token: #output_token, items: #items, page_size: #page_size })
        }));
        let http = option(op.http.as_ref().map(|http| {
            let (method, uri, code) = (&http.method, &http.uri, http.code);
            quote!(Http { method: #method, uri: #uri, code: #code })
        }));
        quote! {
            OperationMeta {
                name: #name,
                input: &schema::#input,
                output: &schema::#output,
                errors: &[#(&schema::#errors),*],
                paginated: #paginated,
                http: #http,
            }
        }
    });
    let uses_http = ir
        .operations
        .iter()
        .any(|op| op.http.is_some())
        .then(|| quote!(Http,));
    let uses_paginated = ir
        .operations
        .iter()
        .any(|op| op.paginated.is_some())
        .then(|| quote!(Paginated,));
    quote! {
        //! What each operation takes, returns and may fail with.
        use ::smithy_runtime::schema::{#uses_http OperationMeta, #uses_paginated};
        use crate::schema;

        /// Every operation of the service, sorted by name.
        pub static OPERATIONS: &[OperationMeta] = &[#(#operations),*];

        /// The operation called `name`, e.g. from an `X-Amz-Target` header.
        pub fn find(name: &str) -> Option<&'static OperationMeta> {
            OPERATIONS.binary_search_by(|op| op.name.cmp(name)).ok().map(|index| &OPERATIONS[index])
        }
    }
}
