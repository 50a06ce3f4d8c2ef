//! restJson1: operations are routed by method and URI pattern (`@http`),
//! top-level members travel where their HTTP binding trait puts them
//! (labels, query, headers, payload, status) and the rest in a JSON body
//! whose keys are `@jsonName`s; errors name themselves in
//! `X-Amzn-ErrorType`.
//!
//! A request becomes the input's serde form (member names as keys, the
//! body's keys renamed, bound values read from their text) and goes through
//! the same validation and deserialization as every protocol's; an answer
//! is the output's serde form taken apart the other way.

pub mod router;
mod text;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use self::router::Found;
use self::text::Location;
use super::{Call, Protocol};
use crate::decode::{decode_value, parse_body};
use crate::response::ERROR_TYPE;
use crate::schema::{Binding, Kind, Member, OperationMeta, Shape, TimestampFormat};
use crate::validate::Rules;
use crate::{ByteStream, ErrorResponse, HttpResponse, Request};

pub(super) const CONTENT_TYPE_JSON: &str = "application/json";

/// The routes of every operation with an `@http` trait, by index.
pub(super) fn routes(operations: &[OperationMeta]) -> Result<router::Routes<usize>, String> {
    router::Routes::new(
        operations
            .iter()
            .enumerate()
            .filter_map(|(index, op)| op.http.map(|http| (http.method, http.uri, index))),
    )
}

pub(super) fn route<'a>(
    routes: &'static router::Routes<usize>,
    operations: &'static [OperationMeta],
    request: Request<'a>,
) -> Result<Call<'a>, ErrorResponse> {
    let (index, labels) = match routes.find(request.method, request.path, request.query) {
        Found::Route { value, labels } => (*value, labels),
        Found::WrongMethod => return Err(ErrorResponse::method_not_allowed()),
        Found::NotFound => return Err(ErrorResponse::not_found()),
        Found::BadLabel(why) => return Err(ErrorResponse::serialization(why)),
    };
    let operation = &operations[index];
    check_content_type(operation.input, &request)?;
    check_accept(operation.output, &request)?;
    // Codings other than compression are the service's own when a member
    // is bound to `Content-Encoding`; otherwise nothing could undo them.
    let (body, codings) = request.undo_compression()?;
    if let Some(coding) = codings.last() {
        if bound_header(operation.input, "content-encoding").is_none() {
            return Err(ErrorResponse::serialization(format!(
                "Unsupported Content-Encoding: {coding}"
            )));
        }
    }
    Ok(Call {
        protocol: Protocol::RestJson1,
        operation,
        body,
        request,
        labels,
        codings,
    })
}

/// The member of `shape` bound to header `name`.
fn bound_header(shape: &'static Shape, name: &str) -> Option<&'static Member> {
    shape
        .members()
        .iter()
        .find(|m| matches!(m.http, Binding::Header(h) if h.eq_ignore_ascii_case(name)))
}

/// What travels in the body of a message of `shape`.
enum Body {
    /// Nothing: every member is bound elsewhere.
    Empty,
    /// A JSON object of the unbound members.
    Document,
    /// `@httpPayload`: the member's value is the body.
    Payload(&'static Member),
}

fn body_of(shape: &'static Shape) -> Body {
    let members = shape.members();
    if let Some(payload) = members.iter().find(|m| m.http == Binding::Payload) {
        return Body::Payload(payload);
    }
    // A structure with no members at all is an empty document, `{}`; one
    // whose members are all bound elsewhere (or no input, `Unit`) has no
    // body.
    let empty_structure = members.is_empty() && shape.id != UNIT;
    if empty_structure || members.iter().any(|m| m.http == Binding::Body) {
        Body::Document
    } else {
        Body::Empty
    }
}

const UNIT: &str = "smithy.api#Unit";

/// The media type of a payload of `shape`.
fn payload_media_type(shape: &Shape) -> &'static str {
    match (shape.media_type, &shape.kind) {
        (Some(media_type), _) => media_type,
        (None, Kind::String | Kind::Enum(_)) => "text/plain",
        (None, Kind::Blob) => "application/octet-stream",
        _ => CONTENT_TYPE_JSON,
    }
}

/// The media type a body of `shape` has, if it has one.
fn media_type_of(shape: &'static Shape) -> Option<&'static str> {
    match body_of(shape) {
        Body::Empty => None,
        Body::Document => Some(CONTENT_TYPE_JSON),
        Body::Payload(member) => Some(payload_media_type(member.target)),
    }
}

/// A message whose body is a blob of no declared media type: it may be of
/// any type, in a request and in what the client accepts.
fn is_untyped_blob(shape: &'static Shape) -> bool {
    matches!(body_of(shape), Body::Payload(member)
        if member.target.media_type.is_none() && matches!(member.target.kind, Kind::Blob))
}

fn essence(value: &str) -> &str {
    value.split(';').next().unwrap_or_default().trim()
}

/// A request says what its body is: the input's media type, or none when
/// the input has no body. A member bound to `Content-Type` lets the client
/// name any type.
fn check_content_type(input: &'static Shape, request: &Request<'_>) -> Result<(), ErrorResponse> {
    if bound_header(input, "content-type").is_some() {
        return Ok(());
    }
    let sent = request.header("content-type").map(essence);
    let expected = media_type_of(input);
    if is_untyped_blob(input) {
        return Ok(());
    }
    let fine = match (sent, expected) {
        (None, None) => true,
        // A client with nothing to send may leave the type out.
        (None, Some(_)) => request.body.is_empty(),
        // Nor is a type for no body at all a lie worth refusing.
        (Some(_), None) => request.body.is_empty(),
        (Some(sent), Some(expected)) => sent.eq_ignore_ascii_case(essence(expected)),
    };
    if fine {
        Ok(())
    } else {
        Err(ErrorResponse::wrong_content_type())
    }
}

/// An `Accept` header must allow what the answer will be.
fn check_accept(output: &'static Shape, request: &Request<'_>) -> Result<(), ErrorResponse> {
    let (Some(accept), Some(answer)) = (request.header("accept"), media_type_of(output)) else {
        return Ok(());
    };
    if is_untyped_blob(output) {
        return Ok(());
    }
    let answer = essence(answer);
    let (kind, _) = answer.split_once('/').unwrap_or((answer, ""));
    let allowed = accept.split(',').map(essence).any(|range| {
        range == "*/*"
            || range.eq_ignore_ascii_case(answer)
            || range
                .strip_suffix("/*")
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(kind))
    });
    if allowed {
        Ok(())
    } else {
        Err(ErrorResponse::not_acceptable())
    }
}

pub(super) fn input<I: DeserializeOwned>(call: &Call<'_>) -> Result<I, ErrorResponse> {
    let shape = call.operation.input;
    let mut input = match body_of(shape) {
        Body::Empty => Map::new(),
        Body::Document => match parse_body(&call.body)? {
            Value::Object(mut object) => {
                from_json_names(&mut object, shape);
                object
            }
            // The validator reports it as it reports any type error.
            other => return decode_value(other, shape, rules(call)),
        },
        // The handler reads a stream from the body itself.
        Body::Payload(member) if member.target.streaming => Map::new(),
        Body::Payload(member) => {
            let mut input = Map::new();
            if let Some(value) = read_payload(&call.body, member)? {
                input.insert(member.name.to_owned(), value);
            }
            input
        }
    };
    for member in shape.members() {
        if let Some(value) = read_bound(call, member)? {
            input.insert(member.name.to_owned(), value);
        }
    }
    decode_value(Value::Object(input), shape, rules(call))
}

fn rules(call: &Call<'_>) -> Rules {
    Protocol::RestJson1.validation_rules(call.operation)
}

/// A payload member's value from the whole body; an empty body leaves it
/// unset.
fn read_payload(body: &[u8], member: &'static Member) -> Result<Option<Value>, ErrorResponse> {
    if body.is_empty() {
        return Ok(None);
    }
    let shape = member.target;
    Ok(Some(match shape.kind {
        Kind::Blob => Value::String(BASE64.encode(body)),
        Kind::String | Kind::Enum(_) => Value::String(
            String::from_utf8(body.to_vec())
                .map_err(|_| ErrorResponse::serialization("The payload is not UTF-8 text"))?,
        ),
        _ => {
            let mut value = parse_body(body)?;
            if let Value::Object(object) = &mut value {
                // An empty structure is how clients write an unset one
                // (Smithy's `RestJsonHttpWithEmptyStructurePayload`).
                if object.is_empty() && matches!(shape.kind, Kind::Structure(_)) {
                    return Ok(None);
                }
                from_json_names(object, shape);
            }
            value
        }
    }))
}

/// A member bound to the URI, the query or a header, in serde form.
fn read_bound(call: &Call<'_>, member: &'static Member) -> Result<Option<Value>, ErrorResponse> {
    let serialization = ErrorResponse::serialization;
    Ok(match member.http {
        Binding::Body | Binding::Payload | Binding::ResponseCode => None,
        Binding::Label => {
            let Some((_, text)) = call.labels.iter().find(|(name, _)| *name == member.name) else {
                return Ok(None);
            };
            Some(text::read(text, member, Location::Label).map_err(serialization)?)
        }
        Binding::Query(name) => {
            let query = query_pairs(call)?;
            let values: Vec<&str> = query
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .collect();
            read_many(&values, member, Location::Query)?
        }
        Binding::QueryParams => read_query_params(call, member)?,
        // Compression is the transport's: the member has what is left.
        Binding::Header(name) if name.eq_ignore_ascii_case("content-encoding") => {
            if call.codings.is_empty() {
                None
            } else {
                read_header(&call.codings.join(", "), member)?
            }
        }
        Binding::Header(name) => match call.request.header_list(name) {
            Some(text) => read_header(&text, member)?,
            None => None,
        },
        Binding::PrefixHeaders(prefix) => read_prefix_headers(call, member, prefix)?,
    })
}

fn query_pairs(call: &Call<'_>) -> Result<Vec<(String, String)>, ErrorResponse> {
    router::parse_query(call.request.query.unwrap_or_default())
        .map_err(ErrorResponse::serialization)
}

/// Query values: a list member takes every one, others the first.
fn read_many(
    values: &[&str],
    member: &'static Member,
    location: Location,
) -> Result<Option<Value>, ErrorResponse> {
    let serialization = ErrorResponse::serialization;
    if values.is_empty() {
        return Ok(None);
    }
    Ok(Some(match item_member(member) {
        Some(item) => Value::Array(
            values
                .iter()
                .map(|text| text::read(text, item, location))
                .collect::<Result<_, _>>()
                .map_err(serialization)?,
        ),
        None => text::read(values[0], member, location).map_err(serialization)?,
    }))
}

/// The member of a list, when `member` targets one.
fn item_member(member: &Member) -> Option<&'static Member> {
    match member.target.kind {
        Kind::List { member: item, .. } => Some(item),
        _ => None,
    }
}

fn read_header(text: &str, member: &'static Member) -> Result<Option<Value>, ErrorResponse> {
    let serialization = ErrorResponse::serialization;
    Ok(Some(match item_member(member) {
        Some(item) => {
            let http_dates = matches!(item.target.kind, Kind::Timestamp)
                && item.timestamp_format.unwrap_or(TimestampFormat::HttpDate)
                    == TimestampFormat::HttpDate;
            Value::Array(
                text::split_header_list(text, http_dates)
                    .iter()
                    .map(|item_text| text::read(item_text, item, Location::Header))
                    .collect::<Result<_, _>>()
                    .map_err(serialization)?,
            )
        }
        None => text::read(text, member, Location::Header).map_err(serialization)?,
    }))
}

/// `@httpQueryParams`: every parameter, bound elsewhere or not (servers
/// put them all in the map), as strings or lists of strings.
fn read_query_params(
    call: &Call<'_>,
    member: &'static Member,
) -> Result<Option<Value>, ErrorResponse> {
    let Kind::Map { value: entry, .. } = member.target.kind else {
        return Ok(None);
    };
    let query = query_pairs(call)?;
    if query.is_empty() {
        return Ok(None);
    }
    let mut map = Map::new();
    for (key, _) in &query {
        if map.contains_key(key) {
            continue;
        }
        let values: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        if let Some(value) = read_many(&values, entry, Location::Query)? {
            map.insert(key.clone(), value);
        }
    }
    Ok(Some(Value::Object(map)))
}

/// `@httpPrefixHeaders`: headers whose name starts with `prefix` (any
/// case), keyed by the rest of the name. A header also bound to a member
/// of its own is in the map too: with an empty prefix the map is every
/// header (Smithy's `RestJsonHttpEmptyPrefixHeadersRequestServer`).
fn read_prefix_headers(
    call: &Call<'_>,
    member: &'static Member,
    prefix: &str,
) -> Result<Option<Value>, ErrorResponse> {
    let Kind::Map { value: entry, .. } = member.target.kind else {
        return Ok(None);
    };
    let mut map = Map::new();
    for name in call.request.headers.keys() {
        let name = name.as_str();
        if name.len() < prefix.len() || !name[..prefix.len()].eq_ignore_ascii_case(prefix) {
            continue;
        }
        let Some(text) = call.request.header_list(name) else {
            continue;
        };
        if let Some(value) = read_header(&text, entry)? {
            map.insert(name[prefix.len()..].to_owned(), value);
        }
    }
    Ok((!map.is_empty()).then_some(Value::Object(map)))
}

pub(super) fn output<O: Serialize>(
    operation: &'static OperationMeta,
    output: &O,
) -> Result<HttpResponse, String> {
    let value = serde_json::to_value(output).map_err(|e| e.to_string())?;
    let status = operation.http.map_or(200, |http| http.code);
    message(status, operation.output, value)
}

pub(super) fn error(error: &ErrorResponse) -> HttpResponse {
    let body = Value::Object(error.body.clone());
    let mut response = match error.shape {
        Some(shape) => message(error.status, shape, body)
            .unwrap_or_else(|_| HttpResponse::new(error.status, b"{}".to_vec())),
        None => HttpResponse::new(
            error.status,
            serde_json::to_vec(&error.body).unwrap_or_default(),
        ),
    };
    if !response.headers.contains_key(CONTENT_TYPE) {
        response
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    }
    response
        .headers
        .insert(ERROR_TYPE, HeaderValue::from_static(error.code));
    response
}

/// An output or error of `shape` (`value` in serde form) as an HTTP answer.
fn message(status: u16, shape: &'static Shape, value: Value) -> Result<HttpResponse, String> {
    let mut fields = match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    let mut response = HttpResponse::new(status, Vec::new());
    let mut document = Map::new();
    for member in shape.members() {
        let Some(value) = fields.remove(member.name).filter(|v| !v.is_null()) else {
            continue;
        };
        match member.http {
            // Labels and query parameters are request bindings: in an
            // answer such a member is an ordinary body member.
            Binding::Body | Binding::Label | Binding::Query(_) | Binding::QueryParams => {
                document.insert(
                    member.json_name().to_owned(),
                    to_json_names(value, member.target),
                );
            }
            Binding::Header(name) => {
                if let Some(text) = header_text(&value, member) {
                    insert_header(&mut response, name, &text)?;
                }
            }
            Binding::PrefixHeaders(prefix) => {
                if let (Value::Object(map), Kind::Map { value: entry, .. }) =
                    (&value, &member.target.kind)
                {
                    for (key, item) in map {
                        if let Some(text) = header_text(item, entry) {
                            insert_header(&mut response, &format!("{prefix}{key}"), &text)?;
                        }
                    }
                }
            }
            Binding::ResponseCode => {
                if let Some(code) = value.as_u64().and_then(|c| u16::try_from(c).ok()) {
                    response.status = code;
                }
            }
            Binding::Payload => {
                response.body = write_payload(value, member)?;
                if !response.headers.contains_key(CONTENT_TYPE) {
                    response.headers.insert(
                        CONTENT_TYPE,
                        HeaderValue::from_static(payload_media_type(member.target)),
                    );
                }
            }
        }
    }
    // Answers without a payload member are JSON documents, `{}` when every
    // member is bound elsewhere.
    if !matches!(body_of(shape), Body::Payload(_)) && shape.id != UNIT {
        response.body = serde_json::to_vec(&document).map_err(|e| e.to_string())?;
        response
            .headers
            .entry(CONTENT_TYPE)
            .or_insert(HeaderValue::from_static(CONTENT_TYPE_JSON));
    }
    Ok(response)
}

/// The answer's body is `stream`, of the payload's media type unless a
/// member bound to `Content-Type` said otherwise.
pub(super) fn attach_stream(
    operation: &'static OperationMeta,
    response: &mut HttpResponse,
    stream: ByteStream,
) {
    if let Some(member) = operation.output_stream() {
        response
            .headers
            .entry(CONTENT_TYPE)
            .or_insert(HeaderValue::from_static(payload_media_type(member.target)));
    }
    response.body.clear();
    response.stream = Some(stream);
}

fn insert_header(response: &mut HttpResponse, name: &str, text: &str) -> Result<(), String> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
    let value = HeaderValue::from_str(text).map_err(|e| format!("header {name}: {e}"))?;
    response.headers.insert(name, value);
    Ok(())
}

/// A header's text: lists joined with commas, their strings quoted where
/// they would not read back.
fn header_text(value: &Value, member: &Member) -> Option<String> {
    match (value, item_member(member)) {
        (Value::Array(items), Some(item)) => {
            let quote = matches!(item.target.kind, Kind::String | Kind::Enum(_));
            let texts: Vec<String> = items
                .iter()
                .filter_map(|v| text::write(v, item, Location::Header))
                .map(|t| if quote { text::header_list_item(&t) } else { t })
                .collect();
            Some(texts.join(", "))
        }
        (value, _) => text::write(value, member, Location::Header),
    }
}

fn write_payload(value: Value, member: &Member) -> Result<Vec<u8>, String> {
    Ok(match (&member.target.kind, value) {
        (Kind::Blob, Value::String(base64)) => BASE64
            .decode(base64)
            .map_err(|_| "a blob payload is not base64".to_owned())?,
        (Kind::String | Kind::Enum(_), Value::String(text)) => text.into_bytes(),
        (_, value) => {
            serde_json::to_vec(&to_json_names(value, member.target)).map_err(|e| e.to_string())?
        }
    })
}

/// Renames the keys of a body's structures (and of those nested in it)
/// from `@jsonName`s to member names; unknown keys stay, to be ignored.
fn from_json_names(object: &mut Map<String, Value>, shape: &'static Shape) {
    let members = shape.members();
    if members.iter().any(|m| m.json_name.is_some()) {
        *object = std::mem::take(object)
            .into_iter()
            .filter_map(
                |(key, value)| match members.iter().find(|m| m.json_name() == key) {
                    Some(member) => Some((member.name.to_owned(), value)),
                    // A member's own name, where the wire spells it otherwise,
                    // is an unknown key there: ignored.
                    None if members.iter().any(|m| m.name == key) => None,
                    None => Some((key, value)),
                },
            )
            .collect();
    }
    for member in members {
        if let Some(value) = object.get_mut(member.name) {
            nested_from_json_names(value, member.target);
        }
    }
}

fn nested_from_json_names(value: &mut Value, shape: &'static Shape) {
    match (&shape.kind, value) {
        (Kind::Structure(_) | Kind::Union(_), Value::Object(object)) => {
            from_json_names(object, shape)
        }
        (Kind::List { member, .. }, Value::Array(items)) => {
            for item in items {
                nested_from_json_names(item, member.target);
            }
        }
        (Kind::Map { value: entry, .. }, Value::Object(entries)) => {
            for item in entries.values_mut() {
                nested_from_json_names(item, entry.target);
            }
        }
        _ => {}
    }
}

/// The inverse of [`from_json_names`], for answers.
fn to_json_names(value: Value, shape: &'static Shape) -> Value {
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(object)) => Value::Object(
            object
                .into_iter()
                .map(
                    |(key, value)| match members.iter().find(|m| m.name == key) {
                        Some(member) => (
                            member.json_name().to_owned(),
                            to_json_names(value, member.target),
                        ),
                        None => (key, value),
                    },
                )
                .collect(),
        ),
        (Kind::List { member, .. }, Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|item| to_json_names(item, member.target))
                .collect(),
        ),
        (Kind::Map { value: entry, .. }, Value::Object(entries)) => Value::Object(
            entries
                .into_iter()
                .map(|(key, item)| (key, to_json_names(item, entry.target)))
                .collect(),
        ),
        (_, value) => value,
    }
}
