//! Behaviour of the generated fixture crates, run by `tests/compile.rs` as
//! `src/lib.rs` of a `fixture-checks` crate in the temporary workspace that
//! holds them. Snapshots show what is emitted; these show that it works.

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use serde_json::json;

    /// Generated handlers here are ready at once; no executor is needed.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut context = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }

    fn body_text(body: &[u8]) -> String {
        String::from_utf8(body.to_vec()).expect("UTF-8 body")
    }

    #[test]
    fn sensitive_values_never_reach_debug_output() {
        use fixture_sensitive::runtime::REDACTED;
        use fixture_sensitive::types::*;

        let input = LoginInput {
            user_name: "alice".into(),
            password: "password-xyzzy".into(),
            one_time_code: Some("otc-xyzzy".into()),
            credentials: Some(Credentials {
                access_key_id: Some("key-xyzzy".into()),
                secret_access_key: Some("sak-xyzzy".into()),
            }),
            recovery_codes: Some(vec!["code-xyzzy".into()]),
            secrets_by_name: Some(BTreeMap::from([("name".into(), "map-xyzzy".into())])),
            factor: Some(Factor::Totp("totp-xyzzy".into())),
            hint: Some(Hint::Text("hint-xyzzy".into())),
            method: Some(Method::Passkey),
            pin_length: Some(PinLength::Six),
        };
        let debug = format!("{input:?}");
        // Every secret value above contains "xyzzy".
        assert!(!debug.contains("xyzzy"), "{debug}");
        assert!(debug.contains("alice"), "{debug}");

        // Each sensitive shape redacts itself, wherever it is printed.
        assert_eq!(format!("{:?}", Method::Passkey), REDACTED);
        assert_eq!(format!("{:?}", PinLength::Six), REDACTED);
        assert_eq!(format!("{:?}", Hint::Text("x".into())), REDACTED);
        assert_eq!(
            format!("{:?}", Factor::Totp("123456".into())),
            format!("Totp({REDACTED:?})")
        );
        // Values that are not sensitive print as derived `Debug` would.
        assert_eq!(
            format!("{:?}", Factor::DeviceName("phone".into())),
            r#"DeviceName("phone")"#
        );
        let output = LoginOutput {
            session_token: Some("token-xyzzy".into()),
            expires_in: Some(60),
        };
        assert_eq!(
            format!("{output:?}"),
            format!("LoginOutput {{ session_token: {REDACTED:?}, expires_in: Some(60) }}")
        );
    }

    #[test]
    fn sensitive_values_never_reach_validation_messages() {
        use fixture_sensitive::runtime::RequestContext;
        use fixture_sensitive::types::{LoginInput, LoginOutput};
        use fixture_sensitive::{dispatch, error::LoginError, SensitiveService};

        struct Service;
        impl SensitiveService for Service {
            fn login(
                &self,
                _: &RequestContext,
                _: LoginInput,
            ) -> impl Future<Output = Result<LoginOutput, LoginError>> + Send {
                std::future::ready(Ok(LoginOutput::default()))
            }
        }
        let body = json!({ "UserName": "alice", "Password": "short-1" }).to_string();
        let response = block_on(dispatch(
            &Service,
            &RequestContext::default(),
            fixture_sensitive::runtime::testing::CaseRequest::post(&[("X-Amz-Target", "SensitiveService.Login"), ("Content-Type", fixture_sensitive::PROTOCOL.content_type())], body.as_bytes()).request(),
        ));
        let text = body_text(&response.body);
        assert_eq!(response.status, 400, "{text}");
        assert_eq!(response.error_type, Some("ValidationException"), "{text}");
        assert!(text.contains("password"), "{text}");
        assert!(!text.contains("short-1"), "{text}");
    }

    #[test]
    fn model_defaults_fill_absent_members() {
        use fixture_structures::types::*;

        let input: CreateWidgetInput = serde_json::from_value(json!({
            "Name": "w",
            "Nickname": "n",
            "RequiredDimensions": {}
        }))
        .expect("a minimal input");
        assert_eq!(input.count, 0);
        assert_eq!(input.retries, 3);
        assert!(input.enabled);
        assert_eq!(input.ratio, 1.5);
        assert_eq!(input.label, "unnamed");
        assert_eq!(input.empty_label, "");
        assert_eq!(input.no_default, None);
        assert_eq!(input.level, 0);
        assert_eq!(input.required_dimensions, Dimensions::default());
        // Defaults are written out; absent optionals are not.
        let written = serde_json::to_value(&input).unwrap();
        assert_eq!(written["Retries"], 3);
        assert_eq!(written["Label"], "unnamed");
        assert!(written.get("Notes").is_none(), "{written}");
        // A missing required member is an error.
        assert!(serde_json::from_value::<CreateWidgetInput>(json!({ "Nickname": "n" })).is_err());

        use fixture_naming::types::{Foo, FooBar, Result as ResultShape};
        let foo: Foo = serde_json::from_str("{}").unwrap();
        let foo_bar: FooBar = serde_json::from_str("{}").unwrap();
        assert_eq!((foo.bar_baz, foo_bar.baz), (1, 2));
        let result: ResultShape = serde_json::from_str("{}").unwrap();
        assert_eq!((result.retries, result.label.as_str()), (2, "none"));
    }

    #[test]
    fn defaults_of_every_kind_fill_absent_members() {
        use fixture_defaults::error::Rejected;
        use fixture_defaults::types::*;

        let input: ConfigureInput = serde_json::from_value(json!({})).expect("all defaulted");
        assert_eq!(input.default_string, "hi");
        assert_eq!(input.empty_string, "");
        assert!(input.default_boolean);
        assert!(!input.false_boolean);
        assert_eq!(input.min_byte, i8::MIN);
        assert_eq!(input.max_short, i16::MAX);
        assert_eq!(input.default_integer, 10);
        assert_eq!(input.zero_integer, 0);
        assert_eq!(input.min_long, i64::MIN);
        assert_eq!(input.integral_float, 2.0);
        assert_eq!(input.default_float, 1.5);
        assert_eq!(input.negative_infinity_float, f32::NEG_INFINITY);
        assert_eq!(input.integral_double, 2.0);
        assert_eq!(input.negative_double, -0.25);
        assert!(input.negative_zero_double == 0.0 && input.negative_zero_double.is_sign_negative());
        assert!(input.nan_double.is_nan());
        assert_eq!(input.zero_timestamp.unix_millis(), 0);
        assert_eq!(input.epoch_timestamp.unix_millis(), 1_500);
        assert_eq!(input.string_timestamp.to_rfc3339(), "2000-01-01T00:00:00.000Z");
        assert_eq!(input.date_time_timestamp.to_rfc3339(), "1985-04-12T23:20:50.520Z");
        assert_eq!(input.default_blob.as_bytes(), b"abc");
        assert!(input.empty_blob.as_bytes().is_empty());
        assert_eq!(input.document_map, json!({}));
        assert_eq!(input.document_list, json!([]));
        assert_eq!(input.document_string, json!("hi"));
        assert_eq!(input.document_false, json!(false));
        assert_eq!(input.document_number, json!(-1.5));
        assert_eq!(input.document_large_number, json!(5_000_000_000_i64));
        assert_eq!(input.document_null, None);
        assert_eq!(input.default_enum, Color::Green);
        assert_eq!(input.default_int_enum, Level::High);
        assert_eq!(input.default_legacy_enum, Size::Large);
        assert!(input.empty_list.is_empty() && input.empty_map.is_empty());
        assert_eq!(input.zero_from_target, 0);
        assert_eq!(input.null_overrides_target, None);
        // Requiredness is the validator's business (see the dispatch below);
        // @clientOptional and @addedDefault are for clients.
        assert_eq!(input.required_with_default, 5);
        assert_eq!(input.client_optional_with_default, 7);
        assert_eq!(input.added_default, 8);

        // Defaults are written out, each in its wire form.
        let written = serde_json::to_value(&input).unwrap();
        assert_eq!(written["IntegralFloat"], json!(2.0));
        assert_eq!(written["EpochTimestamp"], json!(1.5));
        assert_eq!(written["DateTimeTimestamp"], "1985-04-12T23:20:50.520Z");
        assert_eq!(written["DefaultBlob"], "YWJj");
        assert_eq!(written["DefaultEnum"], "green");
        assert_eq!(written["DefaultIntEnum"], 2);
        assert_eq!(written["DefaultLegacyEnum"], "l");
        assert_eq!(written["DocumentMap"], json!({}));

        // A value that is present wins.
        let given: ConfigureInput = serde_json::from_value(json!({
            "DefaultInteger": 1,
            "IntegralDouble": 0.5,
            "DocumentMap": { "a": 1 },
            "DefaultEnum": "red",
            "DefaultBlob": ""
        }))
        .unwrap();
        assert_eq!(given.default_integer, 1);
        assert_eq!(given.integral_double, 0.5);
        assert_eq!(given.document_map, json!({ "a": 1 }));
        assert_eq!(given.default_enum, Color::Red);
        assert!(given.default_blob.as_bytes().is_empty());

        // Outputs and errors, read as a client reads them.
        let output: ConfigureOutput = serde_json::from_value(json!({})).unwrap();
        assert_eq!(output.color, Color::Red);
        assert_eq!(output.ratio, 3.0);
        assert_eq!(output.created.unix_millis(), 86_400_000);
        assert_eq!(output.settings, json!({}));
        let rejected: Rejected = serde_json::from_value(json!({})).unwrap();
        assert!(rejected.retryable);
        assert_eq!(rejected.severity, Level::Low);
    }

    #[test]
    fn dispatch_fills_defaults_but_still_requires_required_members() {
        use fixture_defaults::error::ConfigureError;
        use fixture_defaults::runtime::RequestContext;
        use fixture_defaults::types::*;
        use fixture_defaults::{dispatch, DefaultService};

        struct Service;
        impl DefaultService for Service {
            fn configure(
                &self,
                _: &RequestContext,
                input: ConfigureInput,
            ) -> impl Future<Output = Result<ConfigureOutput, ConfigureError>> + Send {
                assert_eq!(input.integral_double, 2.0);
                assert_eq!(input.document_map, json!({}));
                assert_eq!(input.default_int_enum, Level::High);
                assert_eq!(input.required_with_default, 6);
                std::future::ready(Ok(serde_json::from_value(json!({})).unwrap()))
            }
        }
        let call = |body: serde_json::Value| {
            let body = body.to_string();
            let request = fixture_defaults::runtime::testing::CaseRequest::post(&[("X-Amz-Target", "DefaultService.Configure"), ("Content-Type", fixture_defaults::PROTOCOL.content_type())], body.as_bytes());
            block_on(dispatch(&Service, &RequestContext::default(), request.request()))
        };
        // A @required member must be sent even when it has a @default
        // (Smithy: "A member marked @required MUST be serialized").
        let missing = call(json!({}));
        let text = body_text(&missing.body);
        assert_eq!(missing.status, 400, "{text}");
        assert!(text.contains("'requiredWithDefault'"), "{text}");

        let ok = call(json!({ "RequiredWithDefault": 6 }));
        let text = body_text(&ok.body);
        assert_eq!(ok.status, 200, "{text}");
        let written: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            written,
            json!({ "Color": "red", "Ratio": 3.0, "Created": 86400, "Settings": {} })
        );
    }

    #[test]
    fn enums_keep_their_wire_values() {
        use fixture_enums::types::*;

        let input: PaintInput = serde_json::from_value(json!({ "Color": "dark-blue" })).unwrap();
        assert_eq!(input.color, Color::DarkBlue);
        assert_eq!(input.default_color, Color::Green);
        assert_eq!(input.default_priority, Priority::Medium);
        assert_eq!(Color::VALUES, ["RED", "green", "dark-blue"]);
        assert_eq!(Color::from("purple"), Color::Unknown("purple".into()));
        assert_eq!(
            serde_json::to_string(&Color::Unknown("purple".into())).unwrap(),
            r#""purple""#
        );
        assert_eq!(Priority::from(10), Priority::High);
        assert_eq!(Priority::from(7).value(), 7);
        assert_eq!(LegacyStatus::from("in-progress"), LegacyStatus::InProgress);
        assert_eq!(LegacyStatus::Done.to_string(), "Done");

        use fixture_naming::types::{Level, Region, Size};
        assert_eq!(Region::from("1x"), Region::V1x);
        assert_eq!(Region::UsEast1.as_str(), "us-east-1");
        assert_eq!(Size::from("UNKNOWN"), Size::Unknown);
        assert_eq!(Size::from("self"), Size::Self_);
        assert_eq!(Size::from("bogus"), Size::UnrecognizedValue("bogus".into()));
        assert_eq!(Level::from(0), Level::Unknown);
        assert_eq!(Level::from(9), Level::UnknownValue(9));
    }

    #[test]
    fn unions_are_single_key_objects() {
        use fixture_unions::runtime::{Timestamp, Unit};
        use fixture_unions::types::*;

        let cases = [
            (Value::Nothing(Unit {}), json!({ "Nothing": {} })),
            (
                Value::When(Timestamp::from_unix_millis(1_000)),
                json!({ "When": "1970-01-01T00:00:01Z" }),
            ),
            (
                Value::Pair(Box::new(Pair {
                    left: Box::new(Value::IntValue(1)),
                    right: Some(Box::new(Value::Items(vec![Value::StringValue("x".into())]))),
                })),
                json!({ "Pair": { "Left": { "IntValue": 1 }, "Right": { "Items": [ { "StringValue": "x" } ] } } }),
            ),
        ];
        for (value, wire) in cases {
            assert_eq!(serde_json::to_value(&value).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Value>(wire).unwrap(), value);
        }

        use fixture_naming::types::Box as BoxShape;
        let nested: BoxShape = serde_json::from_value(json!({ "Self": { "Some": "x" } })).unwrap();
        assert_eq!(
            nested,
            BoxShape::Self_(Box::new(BoxShape::Some("x".into())))
        );
    }

    #[test]
    fn modelled_errors_carry_status_and_message() {
        use fixture_errors::error::*;
        use fixture_errors::runtime::OperationError;

        let not_found = ThingNotFound {
            message: "gone".into(),
            thing_id: None,
        };
        assert_eq!(not_found.to_string(), "ThingNotFound: gone");
        let response = GetThingError::from(not_found).to_error_response();
        assert_eq!((response.status, response.code), (404, "ThingNotFound"));
        assert_eq!(response.message(), Some("gone"));
        assert_eq!(
            ServiceUnavailable::with_message("down").to_string(),
            "ServiceUnavailable: down"
        );
        assert_eq!(ServiceUnavailable::STATUS, 500);
        assert_eq!(AccessDenied::STATUS, 400);
        assert_eq!(Throttled::STATUS, 429);
        let throttled: Throttled = serde_json::from_str("{}").unwrap();
        assert_eq!(throttled.retry_after_seconds, 1);
        assert_eq!(throttled.to_string(), "Throttled");
        // Error bodies write non-finite floats as awsJson does.
        let overloaded = Throttled {
            load: Some(f64::INFINITY),
            ..throttled
        };
        let response = GetThingError::from(overloaded).to_error_response();
        assert_eq!(response.body["Load"], "Infinity");
    }

    #[test]
    fn dispatch_validates_against_the_generated_schema() {
        use fixture_constraints::error::ConfigureError;
        use fixture_constraints::runtime::{RequestContext, Unit};
        use fixture_constraints::types::ConfigureInput;
        use fixture_constraints::{dispatch, ConstraintService};

        struct Service;
        impl ConstraintService for Service {
            fn configure(
                &self,
                _: &RequestContext,
                input: ConfigureInput,
            ) -> impl Future<Output = Result<Unit, ConfigureError>> + Send {
                assert_eq!(input.name, "ok-name");
                std::future::ready(Ok(Unit {}))
            }
        }
        let call = |target: &str, body: serde_json::Value| {
            let body = body.to_string();
            let request = fixture_constraints::runtime::testing::CaseRequest::post(&[("X-Amz-Target", target), ("Content-Type", fixture_constraints::PROTOCOL.content_type())], body.as_bytes());
            block_on(dispatch(&Service, &RequestContext::default(), request.request()))
        };

        let ok = call(
            "ConstraintService.Configure",
            json!({ "Name": "ok-name", "Description": "fine", "Ratio": 99.95, "Offset": -10 }),
        );
        // Configure has no output: no payload, and the protocol's media type.
        assert_eq!((ok.status, body_text(&ok.body).as_str()), (200, ""));
        assert_eq!(ok.content_type(), Some("application/x-amz-json-1.1"));

        let bad = call(
            "ConstraintService.Configure",
            json!({
                "Name": "Not-Lower",
                "Description": "   ",
                "Ratio": 0.4,
                "Offset": 11,
                "Names": ["a", "a"]
            }),
        );
        let text = body_text(&bad.body);
        assert_eq!(bad.status, 400, "{text}");
        assert_eq!(bad.error_type, Some("ValidationException"), "{text}");
        assert!(text.contains("5 validation errors detected"), "{text}");
        for needle in [
            "'name'",
            "'description'",
            "'ratio'",
            "0.5",
            "'offset'",
            "'names'",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }

        let unknown = call("ConstraintService.Nope", json!({}));
        assert_eq!(unknown.error_type, Some("UnknownOperationException"));
        let wrong_service = call("OtherService.Configure", json!({}));
        assert_eq!(wrong_service.error_type, Some("UnknownOperationException"));
    }

    #[test]
    fn operations_without_input_take_empty_bodies_and_without_output_give_none() {
        use fixture_awsjson1_0::error::{PingError, ReceiveError, SendError};
        use fixture_awsjson1_0::runtime::{testing, RequestContext, Unit};
        use fixture_awsjson1_0::types::{ReceiveOutput, SendInput};
        use fixture_awsjson1_0::{dispatch, operation, JsonTenService};

        struct Service;
        impl JsonTenService for Service {
            fn ping(
                &self,
                _: &RequestContext,
                _: Unit,
            ) -> impl Future<Output = Result<Unit, PingError>> + Send {
                std::future::ready(Ok(Unit {}))
            }
            fn receive(
                &self,
                _: &RequestContext,
                _: Unit,
            ) -> impl Future<Output = Result<ReceiveOutput, ReceiveError>> + Send {
                std::future::ready(Ok(ReceiveOutput {
                    body: Some("hi".into()),
                }))
            }
            fn send(
                &self,
                _: &RequestContext,
                _: SendInput,
            ) -> impl Future<Output = Result<Unit, SendError>> + Send {
                std::future::ready(Ok(Unit {}))
            }
        }
        let call = |target: &str, body: &[u8]| {
            let request = testing::CaseRequest::post(&[("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0; charset=utf-8")], body);
            block_on(dispatch(&Service, &RequestContext::default(), request.request()))
        };
        // No input: an empty body is read as `{}`. No output: no payload.
        let ping = call("JsonTenService.Ping", b"");
        assert_eq!((ping.status, body_text(&ping.body).as_str()), (200, ""));
        assert_eq!(ping.content_type(), Some("application/x-amz-json-1.0"));
        let receive = call("JsonTenService.Receive", b"{}");
        assert_eq!(body_text(&receive.body), r#"{"Body":"hi"}"#);
        let names: Vec<&str> = operation::OPERATIONS.iter().map(|op| op.name).collect();
        assert_eq!(names, ["Ping", "Receive", "Send"]);
        assert_eq!(
            operation::find("Send").map(|op| op.input.id),
            Some("fixture.protocol#SendInput")
        );
        assert!(operation::find("Nope").is_none());
    }

    #[test]
    fn non_finite_floats_travel_as_strings() {
        use fixture_simple_types::error::EchoSimpleError;
        use fixture_simple_types::runtime::RequestContext;
        use fixture_simple_types::types::{EchoSimpleInput, EchoSimpleOutput};
        use fixture_simple_types::{dispatch, SimpleService};

        struct Service;
        impl SimpleService for Service {
            fn echo_simple(
                &self,
                _: &RequestContext,
                input: EchoSimpleInput,
            ) -> impl Future<Output = Result<EchoSimpleOutput, EchoSimpleError>> + Send
            {
                assert!(input.float_value.is_some_and(f32::is_nan), "{input:?}");
                assert_eq!(input.double_value, Some(f64::NEG_INFINITY));
                std::future::ready(Ok(EchoSimpleOutput {
                    primitive_float: f32::INFINITY,
                    primitive_double: f64::NAN,
                    ..EchoSimpleOutput::default()
                }))
            }
        }
        let call = |body: serde_json::Value| {
            let body = body.to_string();
            let request = fixture_simple_types::runtime::testing::CaseRequest::post(&[("X-Amz-Target", "SimpleService.EchoSimple"), ("Content-Type", fixture_simple_types::PROTOCOL.content_type())], body.as_bytes());
            block_on(dispatch(&Service, &RequestContext::default(), request.request()))
        };
        let response = call(json!({
            "FloatValue": "NaN",
            "DoubleValue": "-Infinity",
            "RequiredDateTime": "2000-01-02T20:34:56Z",
        }));
        let text = body_text(&response.body);
        assert_eq!(response.status, 200, "{text}");
        let output: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(output["PrimitiveFloat"], "Infinity", "{text}");
        assert_eq!(output["PrimitiveDouble"], "NaN", "{text}");

        // Any other string is not a number.
        let response = call(json!({ "DoubleValue": "nan", "RequiredDateTime": 0 }));
        assert_eq!(
            response.error_type,
            Some("SerializationException"),
            "{}",
            body_text(&response.body)
        );
    }

    #[test]
    fn timestamp_formats_and_floats_apply_inside_collections() {
        use fixture_collections::runtime::Timestamp;
        use fixture_collections::types::PutCollectionsInput;

        let wire = json!({
            "RequiredStrings": [],
            "Ratios": [1.5, "Infinity"],
            "SparseRatios": [null, "-Infinity", 2.0],
            "DateTimes": ["2000-01-02T20:34:56Z"],
            "NestedDateTimes": [["2000-01-02T20:34:56Z"], []],
            "HttpDatesByName": { "a": "Sun, 02 Jan 2000 20:34:56 GMT" },
            "SparseDateTimesByName": { "a": null, "b": "2000-01-02T20:34:56Z" },
        });
        let input: PutCollectionsInput = serde_json::from_value(wire.clone()).unwrap();
        let t = Timestamp::from_unix_millis(946_845_296_000);
        assert_eq!(input.ratios, Some(vec![1.5, f64::INFINITY]));
        assert_eq!(
            input.sparse_ratios,
            Some(vec![None, Some(f32::NEG_INFINITY), Some(2.0)])
        );
        assert_eq!(input.date_times, Some(vec![t]));
        assert_eq!(input.nested_date_times, Some(vec![vec![t], vec![]]));
        assert_eq!(
            input.http_dates_by_name,
            Some(BTreeMap::from([("a".into(), t)]))
        );
        assert_eq!(
            input.sparse_date_times_by_name,
            Some(BTreeMap::from([("a".into(), None), ("b".into(), Some(t))]))
        );
        // Written back the same way.
        let written = serde_json::to_value(&input).unwrap();
        for key in [
            "Ratios",
            "SparseRatios",
            "DateTimes",
            "NestedDateTimes",
            "HttpDatesByName",
            "SparseDateTimesByName",
        ] {
            assert_eq!(written[key], wire[key], "{key}");
        }
    }

    #[test]
    fn union_variants_use_their_wire_format() {
        use fixture_unions::types::Value;

        let infinite = Value::Ratio(f64::INFINITY);
        assert_eq!(
            serde_json::to_value(&infinite).unwrap(),
            json!({ "Ratio": "Infinity" })
        );
        assert_eq!(
            serde_json::from_value::<Value>(json!({ "Ratio": "Infinity" })).unwrap(),
            infinite
        );
    }
}

/// For every operation of every fixture: whatever JSON the validator accepts
/// as the operation's input, the input type deserializes. The validator and
/// serde decide separately what a request may hold; this is what keeps them
/// in agreement (a disagreement would be a 500 for a valid request).
#[cfg(test)]
mod validation_agrees_with_deserialization {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use serde::de::DeserializeOwned;
    use serde_json::{Map, Value};

    use fixture_awsjson1_0::runtime::schema::{Constraints, Kind, Member, Shape, TimestampFormat};
    use fixture_awsjson1_0::runtime::validate::{validate, Rules};

    /// How deep structures, unions, lists and maps nest in generated values.
    const DEPTH: u32 = 4;

    /// JSON values for `member`: mostly of the right type and within its
    /// constraints, with the near misses a client might send (wrong types,
    /// nulls, unknown keys, values out of bounds).
    fn value(member: &'static Member, depth: u32) -> BoxedStrategy<Value> {
        // A timestamp's format is its member's, not its shape's.
        if matches!(member.target.kind, Kind::Timestamp) {
            return prop_oneof![
                40 => timestamp_in(member.timestamp_format),
                2 => typed_value(member.target, depth),
                1 => any_json(1),
            ]
            .boxed();
        }
        prop_oneof![
            40 => constrained(member.target, &member.constraints, depth),
            2 => typed_value(member.target, depth),
            1 => any_json(1),
        ]
        .boxed()
    }

    /// Timestamps as a body writes them in `format`.
    fn timestamp_in(format: Option<TimestampFormat>) -> BoxedStrategy<Value> {
        let texts = match format {
            None | Some(TimestampFormat::EpochSeconds) => {
                return (-4.0e9..4.0e9_f64).prop_map(Value::from).boxed()
            }
            Some(TimestampFormat::DateTime) => vec!["2000-01-02T20:34:56Z", "2000-01-02T20:34:56.123Z"],
            Some(TimestampFormat::HttpDate) => {
                vec!["Sun, 02 Jan 2000 20:34:56 GMT", "Sun, 02 Jan 2000 20:34:56.5 GMT"]
            }
        };
        prop::sample::select(texts).prop_map(Value::from).boxed()
    }

    /// Values within `constraints` where they are easy to meet.
    fn constrained(
        shape: &'static Shape,
        constraints: &'static Constraints,
        depth: u32,
    ) -> BoxedStrategy<Value> {
        let (min, max) = constraints.length.map_or((0, 8), |b| {
            (b.min.unwrap_or(0), b.max.unwrap_or(b.min.unwrap_or(0) + 8))
        });
        let (min, max) = (min.min(16) as usize, max.min(min + 8).min(24) as usize);
        match &shape.kind {
            Kind::String => match constraints.pattern {
                Some(pattern) => {
                    let source = pattern.source();
                    let unanchored = source.trim_start_matches('^').trim_end_matches('$');
                    match proptest::string::string_regex(unanchored) {
                        Ok(matching) => matching.prop_map(Value::from).boxed(),
                        Err(_) => string(),
                    }
                }
                None => prop::collection::vec(prop::char::range('a', 'z'), min..=max)
                    .prop_map(|chars| Value::from(chars.into_iter().collect::<String>()))
                    .boxed(),
            },
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::Float | Kind::Double => {
                match constraints.range {
                    Some(range) => {
                        let low = range.min.map_or(-1000.0, |l| l.value).ceil() as i64;
                        let high = range.max.map_or(1000.0, |l| l.value).floor() as i64;
                        (low..=high.max(low)).prop_map(Value::from).boxed()
                    }
                    None => typed_value(shape, depth),
                }
            }
            Kind::List { member, sparse } if depth > 0 => {
                let item = maybe_null(value(member, depth - 1), *sparse);
                prop::collection::vec(item, min..=max.min(4).max(min))
                    .prop_map(Value::Array)
                    .boxed()
            }
            _ => typed_value(shape, depth),
        }
    }

    /// Values of the JSON type `shape` asks for, whatever its constraints.
    fn typed_value(shape: &'static Shape, depth: u32) -> BoxedStrategy<Value> {
        match &shape.kind {
            Kind::Boolean => any::<bool>().prop_map(Value::from).boxed(),
            Kind::Byte => integer(i8::MIN.into(), i8::MAX.into()),
            Kind::Short => integer(i16::MIN.into(), i16::MAX.into()),
            Kind::Integer => integer(i32::MIN.into(), i32::MAX.into()),
            Kind::Long | Kind::BigInteger => integer(i64::MIN, i64::MAX),
            Kind::Float | Kind::Double | Kind::BigDecimal => prop_oneof![
                any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
                    .map(Value::Number)),
                any::<i64>().prop_map(Value::from),
                prop::sample::select(vec!["NaN", "Infinity", "-Infinity", "nan"])
                    .prop_map(Value::from),
            ]
            .boxed(),
            Kind::String => string(),
            Kind::Enum(values) => prop_oneof![
                prop::sample::select(values.to_vec()).prop_map(Value::from),
                string(),
            ]
            .boxed(),
            Kind::IntEnum(values) => prop_oneof![
                prop::sample::select(values.to_vec()).prop_map(Value::from),
                integer(i64::from(i32::MIN) - 1, i64::from(i32::MAX) + 1),
            ]
            .boxed(),
            Kind::Blob => prop_oneof![
                prop::collection::vec(any::<u8>(), 0..8).prop_map(|bytes| {
                    use base64::Engine;
                    Value::from(base64::engine::general_purpose::STANDARD.encode(bytes))
                }),
                "[A-Za-z0-9+/=]{0,8}".prop_map(Value::from),
            ]
            .boxed(),
            Kind::Timestamp => prop_oneof![
                (-4_000_000_000_i64..4_000_000_000).prop_map(Value::from),
                (-4.0e9..4.0e9_f64).prop_map(Value::from),
                any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
                    .map(Value::Number)),
                prop::sample::select(vec![
                    "2000-01-02T20:34:56Z",
                    "2000-01-02T20:34:56.123+01:00",
                    "Sun, 02 Jan 2000 20:34:56 GMT",
                    "Sun, 02 Jan 2000 20:34:56.5 GMT",
                    "yesterday",
                ])
                .prop_map(Value::from),
            ]
            .boxed(),
            Kind::Document => any_json(2),
            Kind::List { member, sparse } => {
                if depth == 0 {
                    return Just(Value::Array(Vec::new())).boxed();
                }
                let item = maybe_null(value(member, depth - 1), *sparse);
                prop::collection::vec(item, 0..4)
                    .prop_map(Value::Array)
                    .boxed()
            }
            Kind::Map {
                value: entry,
                sparse,
                ..
            } => {
                if depth == 0 {
                    return Just(Value::Object(Map::new())).boxed();
                }
                let entry = maybe_null(value(entry, depth - 1), *sparse);
                prop::collection::btree_map("[a-z]{1,3}", entry, 0..4)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect()))
                    .boxed()
            }
            Kind::Structure(members) => {
                if depth == 0 {
                    return Just(Value::Object(Map::new())).boxed();
                }
                let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = members
                    .iter()
                    .map(|m| {
                        let present =
                            value(m, depth - 1).prop_map(move |v| Some((m.name.to_owned(), v)));
                        let weight = if m.required { 9 } else { 1 };
                        prop_oneof![
                            weight => present,
                            1 => Just(None),
                            1 => Just(Some((m.name.to_owned(), Value::Null))),
                        ]
                        .boxed()
                    })
                    .collect();
                (fields, extra_keys())
                    .prop_map(|(fields, extra)| {
                        let mut object: Map<String, Value> = fields.into_iter().flatten().collect();
                        object.extend(extra);
                        Value::Object(object)
                    })
                    .boxed()
            }
            Kind::Union(members) => {
                let choices: Vec<BoxedStrategy<Value>> = members
                    .iter()
                    .filter(|m| {
                        depth > 0
                            || !matches!(
                                m.target.kind,
                                Kind::Structure(_)
                                    | Kind::Union(_)
                                    | Kind::List { .. }
                                    | Kind::Map { .. }
                            )
                    })
                    .map(|m| {
                        value(m, depth.saturating_sub(1))
                            .prop_map(move |v| {
                                let mut object = Map::new();
                                object.insert(m.name.to_owned(), v);
                                Value::Object(object)
                            })
                            .boxed()
                    })
                    .collect();
                if choices.is_empty() {
                    return Just(Value::Object(Map::new())).boxed();
                }
                (prop::strategy::Union::new(choices), extra_keys())
                    .prop_map(|(mut chosen, extra)| {
                        if let Value::Object(object) = &mut chosen {
                            object.extend(extra);
                        }
                        chosen
                    })
                    .boxed()
            }
        }
    }

    fn integer(min: i64, max: i64) -> BoxedStrategy<Value> {
        prop_oneof![
            4 => (min..=max).prop_map(Value::from),
            1 => prop::sample::select(vec![min, max, 0]).prop_map(Value::from),
            1 => (-1.0e3..1.0e3_f64).prop_map(Value::from),
        ]
        .boxed()
    }

    fn string() -> BoxedStrategy<Value> {
        prop_oneof![
            "[a-z0-9-]{0,8}".prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ]
        .boxed()
    }

    /// Usually nothing; sometimes the `__type` awsJson allows, or a key the
    /// model does not have.
    fn extra_keys() -> BoxedStrategy<Vec<(String, Value)>> {
        prop_oneof![
            8 => Just(Vec::new()),
            1 => Just(vec![("__type".to_owned(), Value::from("some#Shape"))]),
            1 => Just(vec![("NotAMember".to_owned(), Value::from(1))]),
        ]
        .boxed()
    }

    fn maybe_null(item: BoxedStrategy<Value>, sparse: bool) -> BoxedStrategy<Value> {
        let nulls = if sparse { 8 } else { 1 };
        prop_oneof![40 => item, nulls => Just(Value::Null)].boxed()
    }

    fn any_json(depth: u32) -> BoxedStrategy<Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1.0e6..1.0e6_f64).prop_map(Value::from),
            "[a-zA-Z0-9 ]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(depth, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z]{1,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
    }

    /// Runs the property for input type `T` of shape `shape`, and returns how
    /// many generated bodies the validator accepted.
    fn agree<T: DeserializeOwned>(shape: &'static Shape) -> u32 {
        let mut runner = TestRunner::new(Config {
            cases: 400,
            failure_persistence: None,
            ..Config::default()
        });
        let accepted = std::cell::Cell::new(0);
        runner
            .run(&typed_value(shape, DEPTH), |mut body| {
                let original = body.clone();
                if validate(&mut body, shape, Rules::AWS).is_ok() {
                    accepted.set(accepted.get() + 1);
                    if let Err(e) = serde_json::from_value::<T>(body.clone()) {
                        return Err(TestCaseError::fail(format!(
                            "{}: validated {original} (as {body}) but did not deserialize: {e}",
                            shape.id
                        )));
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        accepted.get()
    }

    macro_rules! inputs {
        ($($krate:ident { $($ty:ident = $schema:ident),* $(,)? })*) => {
            #[test]
            fn for_every_fixture_input() {
                let mut report = Vec::new();
                $($(
                    let accepted = agree::<$krate::types::$ty>(&$krate::schema::$schema);
                    report.push((concat!(stringify!($krate), "::", stringify!($ty)), accepted));
                )*)*
                // The property means little for an input whose bodies are
                // almost all rejected; every input must get some through.
                for (input, accepted) in &report {
                    assert!(*accepted >= 20, "only {accepted} of 400 bodies for {input} validated: {report:?}");
                }
            }
        };
    }

    inputs! {
        fixture_awsjson1_0 { SendInput = SEND_INPUT }
        fixture_awsjson1_1 { SendInput = SEND_INPUT }
        fixture_collections { PutCollectionsInput = PUT_COLLECTIONS_INPUT }
        fixture_constraints { ConfigureInput = CONFIGURE_INPUT }
        fixture_docs { DescribeThingInput = DESCRIBE_THING_INPUT }
        fixture_enums { PaintInput = PAINT_INPUT }
        fixture_errors { GetThingInput = GET_THING_INPUT }
        fixture_mixins { GetRecordInput = GET_RECORD_INPUT }
        fixture_naming {
            DispatchInput = DISPATCH_INPUT,
            GetSsmDocumentRequest = GET_SSM_DOCUMENT_REQUEST,
            Option = OPTION,
            Self_ = SELF,
        }
        fixture_paginated {
            GetThingInput = GET_THING_INPUT,
            ListOthersInput = LIST_OTHERS_INPUT,
            ListThingsInput = LIST_THINGS_INPUT,
        }
        fixture_resources {
            CountTreesInput = COUNT_TREES_INPUT,
            CreateTreeInput = CREATE_TREE_INPUT,
            DeleteTreeInput = DELETE_TREE_INPUT,
            GetLeafInput = GET_LEAF_INPUT,
            GetTreeInput = GET_TREE_INPUT,
            ListLeavesInput = LIST_LEAVES_INPUT,
            ListTreesInput = LIST_TREES_INPUT,
            PutLeafInput = PUT_LEAF_INPUT,
            UpdateTreeInput = UPDATE_TREE_INPUT,
            WaterTreeInput = WATER_TREE_INPUT,
        }
        fixture_sensitive { LoginInput = LOGIN_INPUT }
        fixture_simple_types { EchoSimpleInput = ECHO_SIMPLE_INPUT }
        fixture_structures { CreateWidgetInput = CREATE_WIDGET_INPUT }
        fixture_unions { EvaluateInput = EVALUATE_INPUT }
    }
}
