//! `protocol_tests.rs`: Smithy's protocol compliance cases for servers as
//! Rust tests, compiled into the crate under `#[cfg(test)]`.
//!
//! A request case sends its HTTP request through `dispatch` to a service
//! that records what its handler received, and compares that with the case's
//! `params` built as a typed value. A response case turns `params`, built as
//! the operation's output or as the error, into the HTTP answer the service
//! would send and compares status, headers and body with the case.

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::types::{default_value, non_finite, signed};
use super::{docs, ident, rust_type, Module};
use crate::ir::{Ir, Kind, Member, ProtocolTest, Simple, TestKind};

pub fn protocol_tests_rs(ir: &Ir) -> TokenStream {
    let service = ident(&ir.service.trait_name);
    let handlers = ir.operations.iter().filter(|op| op.unserved.is_none()).map(|op| {
        let method = ident(&op.method);
        let input = rust_type(ir, &op.input, Module::Other);
        let output = rust_type(ir, &op.output, Module::Other);
        let error = ident(&op.error_enum);
        let name = &op.name;
        quote! {
            fn #method(
                &self,
                _: &RequestContext,
                input: #input,
            ) -> impl Future<Output = Result<#output, crate::error::#error>> + Send {
                self.0.record(#name, &input);
                ::std::future::ready(Err(crate::error::#error::Unmodeled(
                    ErrorResponse::internal("request cases only look at what the handler received"),
                )))
            }
        }
    });
    let tests = ir.protocol_tests.iter().map(|test| test_fn(ir, test));
    let doc = format!(
        " Smithy's protocol compliance cases for `{}` that apply to servers,",
        ir.service.id
    );
    quote! {
        #![doc = #doc]
        //! from the model's `@httpRequestTests`, `@httpResponseTests` and
        //! `@httpMalformedRequestTests` (one test per parameter set).
        use ::std::future::Future;
        use ::std::marker::Send;
        use ::std::result::Result;

        use ::smithy_runtime::testing::Recorder;
        use ::smithy_runtime::{ErrorResponse, RequestContext};

        /// The service under test: it records what each handler receives.
        #[derive(Default)]
        struct Harness(Recorder);

        impl crate::#service for Harness {
            #(#handlers)*
        }

        #(#tests)*
    }
}

fn test_fn(ir: &Ir, test: &ProtocolTest) -> TokenStream {
    let name = format_ident!("{}", test_name(test));
    let doc = test
        .case
        .get("documentation")
        .and_then(Value::as_str)
        .map(|text| docs(&text.lines().map(str::to_owned).collect::<Vec<_>>()));
    let body = match test_body(ir, test) {
        Ok(body) => body,
        Err(why) => {
            let message = format!("the case cannot be built: {why}");
            quote!(Err(::std::string::String::from(#message)))
        }
    };
    quote! {
        #doc
        #[test]
        fn #name() -> Result<(), ::std::string::String> {
            #body
        }
    }
}

/// `request_aws_json11_serialize_string_shapes`: one id may name both a
/// request and a response case, so the kind leads; a malformed-request
/// case's parameter sets are numbered from 0.
fn test_name(test: &ProtocolTest) -> String {
    let kind = match test.kind {
        TestKind::Request => "request",
        TestKind::Response | TestKind::Error(_) => "response",
        TestKind::Malformed => "malformed",
    };
    match test.set {
        Some(set) => format!("{kind}_{}_{set}", test.id.to_snake_case()),
        None => format!("{kind}_{}", test.id.to_snake_case()),
    }
}

fn test_body(ir: &Ir, test: &ProtocolTest) -> Result<TokenStream, String> {
    let case = &test.case;
    let params = case
        .get("params")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    let operation = ir
        .operations
        .iter()
        .find(|op| op.name == test.operation)
        .ok_or_else(|| format!("no operation {}", test.operation))?;
    match &test.kind {
        TestKind::Request => {
            let protocol = ir.service.protocol;
            let mut headers = string_pairs(case.get("headers"));
            // awsJson cases about something else (a host prefix,
            // compression) leave out headers every client sends and no
            // server can do without: the operation and the media type.
            if protocol.uses_target_header() {
                let protocol_headers = [
                    (
                        "X-Amz-Target",
                        format!("{}.{}", ir.service.name, operation.name),
                    ),
                    ("Content-Type", protocol.content_type().to_owned()),
                ];
                for (name, value) in protocol_headers {
                    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
                        headers.push((name.into(), value));
                    }
                }
            }
            let compressed = case
                .get("headers")
                .and_then(Value::as_object)
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("content-encoding")));
            // Likewise a restJson1 case about hosts or compression leaves
            // out the `Content-Type` every client sends with a body (and
            // only with one).
            let media_type = case.get("bodyMediaType").and_then(Value::as_str);
            let has_content_type = headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
            let has_body = case
                .get("body")
                .and_then(Value::as_str)
                .is_none_or(|body| !body.is_empty());
            if !has_content_type && has_body && (media_type.is_some() || compressed) {
                let media_type = media_type.unwrap_or(protocol.content_type());
                headers.push(("Content-Type".into(), media_type.to_owned()));
            }
            let headers = pairs_expr(&headers);
            let require = strings(case.get("requireHeaders"));
            let forbid = strings(case.get("forbidHeaders"));
            let query = strings(case.get("queryParams"));
            let method = case.get("method").and_then(Value::as_str).unwrap_or("POST");
            let uri = case.get("uri").and_then(Value::as_str).unwrap_or("/");
            let input_type = rust_type(ir, &operation.input, Module::Other);
            let expected = value_expr(ir, &operation.input, &params)?;
            // An awsJson case that gives no body (one about compression,
            // say) is sent with the body a client would write for its params.
            let body = match case.get("body").and_then(Value::as_str) {
                Some(body) => quote!(#body.as_bytes().to_vec()),
                None if protocol.uses_target_header() || compressed => {
                    quote!(::smithy_runtime::testing::client_body(headers, &expected))
                }
                None => quote!(::std::vec::Vec::new()),
            };
            let name = &operation.name;
            Ok(quote! {
                let headers: &[(&str, &str)] = &#headers;
                let expected: #input_type = #expected;
                let body: ::std::vec::Vec<u8> = #body;
                ::smithy_runtime::testing::check_request_headers(
                    headers,
                    &body,
                    &[#(#require),*],
                    &[#(#forbid),*],
                )?;
                let request = ::smithy_runtime::testing::CaseRequest::new(#method, #uri, &[#(#query),*], headers, body);
                let harness = Harness::default();
                let response = ::smithy_runtime::testing::block_on(crate::dispatch(
                    &harness,
                    &RequestContext::default(),
                    request.request(),
                ));
                harness.0.assert_received(#name, &expected, &response)
            })
        }
        TestKind::Response => {
            let output_type = rust_type(ir, &operation.output, Module::Other);
            let error = ident(&operation.error_enum);
            let output = value_expr(ir, &operation.output, &params)?;
            let expected = expected_response(case);
            let name = &operation.name;
            let stream = match &operation.output_stream {
                Some(field) => {
                    let field = ident(field);
                    quote!(Some(|output: &mut #output_type| &mut output.#field))
                }
                None => quote!(None),
            };
            Ok(quote! {
                let output: #output_type = #output;
                let operation = crate::operation::find(#name).ok_or("the operation is not in OPERATIONS")?;
                let response = ::smithy_runtime::respond_streaming(
                    crate::PROTOCOL,
                    operation,
                    Ok::<_, crate::error::#error>(output),
                    #stream,
                );
                ::smithy_runtime::testing::check_response(&response, &#expected)
            })
        }
        TestKind::Malformed => Ok(malformed_body(case)),
        TestKind::Error(error) => {
            let error_type = rust_type(ir, error, Module::Other);
            let value = value_expr(ir, error, &params)?;
            let expected = expected_response(case);
            let name = &operation.name;
            Ok(quote! {
                let error: #error_type = #value;
                let operation = crate::operation::find(#name).ok_or("the operation is not in OPERATIONS")?;
                let response = ::smithy_runtime::respond::<(), _>(crate::PROTOCOL, operation, Err(error));
                ::smithy_runtime::testing::check_response(&response, &#expected)
            })
        }
    }
}

/// A malformed request goes through `dispatch` like a request case's, but
/// no handler may see it, and the answer must be the case's `response`.
fn malformed_body(case: &Value) -> TokenStream {
    let request = case.get("request").cloned().unwrap_or_default();
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("POST");
    let uri = request.get("uri").and_then(Value::as_str).unwrap_or("/");
    let headers = pairs_expr(&string_pairs(request.get("headers")));
    let query = strings(request.get("queryParams"));
    let body = request.get("body").and_then(Value::as_str).unwrap_or("");
    let response = case.get("response").cloned().unwrap_or_default();
    let status = response.get("code").and_then(Value::as_u64).unwrap_or(400) as u16;
    let expected_headers = pairs_expr(&string_pairs(response.get("headers")));
    let expected_body = response.get("body");
    let json = expected_body
        .and_then(|b| b.get("mediaType"))
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains("json"));
    let assertion = expected_body.and_then(|b| b.get("assertion"));
    let contents = match assertion
        .and_then(|a| a.get("contents"))
        .and_then(Value::as_str)
    {
        Some(contents) => quote!(Some(#contents)),
        None => quote!(None),
    };
    let message_regex = match assertion
        .and_then(|a| a.get("messageRegex"))
        .and_then(Value::as_str)
    {
        Some(regex) => quote!(Some(#regex)),
        None => quote!(None),
    };
    quote! {
        let headers: &[(&str, &str)] = &#headers;
        let request = ::smithy_runtime::testing::CaseRequest::new(
            #method, #uri, &[#(#query),*], headers, #body.as_bytes().to_vec(),
        );
        let harness = Harness::default();
        let response = ::smithy_runtime::testing::block_on(crate::dispatch(
            &harness,
            &RequestContext::default(),
            request.request(),
        ));
        harness.0.assert_refused(&response)?;
        ::smithy_runtime::testing::check_response(&response, &::smithy_runtime::testing::ExpectedResponse {
            status: #status,
            headers: &#expected_headers,
            require_headers: &[],
            forbid_headers: &[],
            body: #contents,
            json: #json,
            message_regex: #message_regex,
        })
    }
}

fn expected_response(case: &Value) -> TokenStream {
    let status = case.get("code").and_then(Value::as_u64).unwrap_or(200) as u16;
    let headers = pairs_expr(&string_pairs(case.get("headers")));
    let require = strings(case.get("requireHeaders"));
    let forbid = strings(case.get("forbidHeaders"));
    let body = match case.get("body").and_then(Value::as_str) {
        Some(body) => quote!(Some(#body)),
        None => quote!(None),
    };
    let json = case
        .get("bodyMediaType")
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains("json"));
    quote! {
        ::smithy_runtime::testing::ExpectedResponse {
            status: #status,
            headers: &#headers,
            require_headers: &[#(#require),*],
            forbid_headers: &[#(#forbid),*],
            body: #body,
            json: #json,
            message_regex: None,
        }
    }
}

fn string_pairs(value: Option<&Value>) -> Vec<(String, String)> {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn pairs_expr(pairs: &[(String, String)]) -> TokenStream {
    let pairs = pairs.iter().map(|(k, v)| quote!((#k, #v)));
    quote!([#(#pairs),*])
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `value` (a case's `params`, in Smithy's node form) as a Rust expression
/// of the type generated for shape `id`.
fn value_expr(ir: &Ir, id: &str, value: &Value) -> Result<TokenStream, String> {
    let shape = ir.shape(id);
    let ty = rust_type(ir, id, Module::Other);
    let mismatch = || format!("{value} is not a value of {id}");
    Ok(match &shape.kind {
        Kind::Unit => quote!(::smithy_runtime::Unit {}),
        Kind::Simple(simple) => simple_expr(*simple, value).ok_or_else(mismatch)?,
        Kind::Enum { variants, unknown } => {
            let text = value.as_str().ok_or_else(mismatch)?;
            match variants.iter().find(|v| v.value == text) {
                Some(variant) => {
                    let variant = ident(&variant.rust_name);
                    quote!(#ty::#variant)
                }
                None => {
                    let unknown = ident(unknown);
                    quote!(#ty::#unknown(::std::string::String::from(#text)))
                }
            }
        }
        Kind::IntEnum { variants, unknown } => {
            let number = value
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(mismatch)?;
            match variants.iter().find(|v| v.value == number) {
                Some(variant) => {
                    let variant = ident(&variant.rust_name);
                    quote!(#ty::#variant)
                }
                None => {
                    let unknown = ident(unknown);
                    quote!(#ty::#unknown(#number))
                }
            }
        }
        Kind::List { member, sparse } => {
            let items = value.as_array().ok_or_else(mismatch)?;
            let items = items
                .iter()
                .map(|item| nullable_expr(ir, &member.target, item, *sparse))
                .collect::<Result<Vec<_>, _>>()?;
            quote!(::std::vec![#(#items),*])
        }
        Kind::Map {
            value: item,
            sparse,
            ..
        } => {
            let entries = value.as_object().ok_or_else(mismatch)?;
            let entries = entries
                .iter()
                .map(|(key, entry)| {
                    let entry = nullable_expr(ir, &item.target, entry, *sparse)?;
                    Ok(quote!((::std::string::String::from(#key), #entry)))
                })
                .collect::<Result<Vec<_>, String>>()?;
            quote!(::std::collections::BTreeMap::from([#(#entries),*]))
        }
        Kind::Structure(members) => {
            let object = value.as_object().ok_or_else(mismatch)?;
            if let Some(unknown) = object
                .keys()
                .find(|k| !members.iter().any(|m| m.name == **k))
            {
                return Err(format!("{id} has no member {unknown}"));
            }
            let fields = members
                .iter()
                .map(|member| {
                    let field = ident(&member.field);
                    let value = field_expr(ir, member, object.get(&member.name))?;
                    Ok(quote!(#field: #value))
                })
                .collect::<Result<Vec<_>, String>>()?;
            quote!(#ty { #(#fields),* })
        }
        Kind::Union(members) => {
            let object = value.as_object().ok_or_else(mismatch)?;
            let [(name, item)] = object.iter().collect::<Vec<_>>()[..] else {
                return Err(format!("{value} sets other than one member of union {id}"));
            };
            let member = members
                .iter()
                .find(|m| m.name == *name)
                .ok_or_else(|| format!("{id} has no member {name}"))?;
            let variant = ident(&member.variant);
            let inner = boxed_if(member, value_expr(ir, &member.target, item)?);
            quote!(#ty::#variant(#inner))
        }
    })
}

/// A structure field: given, defaulted as the model says, or absent.
fn field_expr(ir: &Ir, member: &Member, value: Option<&Value>) -> Result<TokenStream, String> {
    let given = value.filter(|v| !v.is_null());
    // A stream a case gives is its bytes at hand; an absent one is empty.
    if member.stream {
        let text = given
            .map_or(Some(""), Value::as_str)
            .ok_or("a stream's value is not text")?;
        return Ok(quote!(::smithy_runtime::ByteStream::from(#text)));
    }
    Ok(match (given, member.optional) {
        (Some(value), true) => {
            let inner = boxed_if(member, value_expr(ir, &member.target, value)?);
            quote!(::std::option::Option::Some(#inner))
        }
        (None, true) => quote!(::std::option::Option::None),
        (Some(value), false) => boxed_if(member, value_expr(ir, &member.target, value)?),
        (None, false) => match &member.default {
            Some(default) => boxed_if(member, default_value(ir, &member.target, &default.value)),
            None => quote!(::std::default::Default::default()),
        },
    })
}

fn boxed_if(member: &Member, inner: TokenStream) -> TokenStream {
    if member.boxed {
        quote!(::std::boxed::Box::new(#inner))
    } else {
        inner
    }
}

/// An item of a list or a value of a map: `Option` when sparse.
fn nullable_expr(ir: &Ir, id: &str, value: &Value, sparse: bool) -> Result<TokenStream, String> {
    match (sparse, value) {
        (true, Value::Null) => Ok(quote!(::std::option::Option::None)),
        (true, value) => {
            let inner = value_expr(ir, id, value)?;
            Ok(quote!(::std::option::Option::Some(#inner)))
        }
        (false, value) => value_expr(ir, id, value),
    }
}

fn simple_expr(simple: Simple, value: &Value) -> Option<TokenStream> {
    Some(match simple {
        Simple::String => {
            let text = value.as_str()?;
            quote!(::std::string::String::from(#text))
        }
        Simple::Boolean => {
            let flag = value.as_bool()?;
            quote!(#flag)
        }
        Simple::Byte => integer(value, i64::from(i8::MIN), i64::from(i8::MAX))?,
        Simple::Short => integer(value, i64::from(i16::MIN), i64::from(i16::MAX))?,
        Simple::Integer => integer(value, i64::from(i32::MIN), i64::from(i32::MAX))?,
        Simple::Long => integer(value, i64::MIN, i64::MAX)?,
        Simple::Float => float_expr(value, quote!(f32), |n| {
            signed(
                n.is_sign_negative(),
                Literal::f32_unsuffixed(n.abs() as f32),
            )
        })?,
        Simple::Double => float_expr(value, quote!(f64), |n| {
            signed(n.is_sign_negative(), Literal::f64_unsuffixed(n.abs()))
        })?,
        Simple::Blob => {
            let bytes = Literal::byte_string(value.as_str()?.as_bytes());
            quote!(::smithy_runtime::Blob(#bytes.to_vec()))
        }
        Simple::Timestamp => {
            let millis = (value.as_f64()? * 1000.0).round() as i64;
            let millis = signed(millis < 0, Literal::u64_unsuffixed(millis.unsigned_abs()));
            quote!(::smithy_runtime::Timestamp::from_unix_millis(#millis))
        }
        Simple::Document => {
            let text = value.to_string();
            quote!(::serde_json::from_str::<::smithy_runtime::Document>(#text)
                .expect("a case's document is JSON"))
        }
        Simple::BigInteger | Simple::BigDecimal => return None,
    })
}

/// An integer literal, when `value` is one within `min..=max`.
fn integer(value: &Value, min: i64, max: i64) -> Option<TokenStream> {
    let n = value.as_i64().filter(|n| (min..=max).contains(n))?;
    Some(signed(n < 0, Literal::u64_unsuffixed(n.unsigned_abs())))
}

/// A float from a number or from the strings awsJson uses for the values
/// JSON cannot write.
fn float_expr(
    value: &Value,
    ty: TokenStream,
    literal: impl Fn(f64) -> TokenStream,
) -> Option<TokenStream> {
    let number = match value {
        Value::String(text) => match text.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            _ => return None,
        },
        number => number.as_f64()?,
    };
    Some(match non_finite(number) {
        Some(constant) => quote!(#ty::#constant),
        None => literal(number),
    })
}
