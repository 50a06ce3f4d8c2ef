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
            fixture_sensitive::runtime::Request {
                target: Some("SensitiveService.Login"),
                content_type: Some(fixture_sensitive::PROTOCOL.content_type()),
                content_encoding: None,
                body: body.as_bytes(),
            },
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
            let request = fixture_defaults::runtime::Request {
                target: Some("DefaultService.Configure"),
                content_type: Some(fixture_defaults::PROTOCOL.content_type()),
                content_encoding: None,
                body: body.as_bytes(),
            };
            block_on(dispatch(&Service, &RequestContext::default(), request))
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
                json!({ "When": "1970-01-01T00:00:01.000Z" }),
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
            let request = fixture_constraints::runtime::Request {
                target: Some(target),
                content_type: Some(fixture_constraints::PROTOCOL.content_type()),
                content_encoding: None,
                body: body.as_bytes(),
            };
            block_on(dispatch(&Service, &RequestContext::default(), request))
        };

        let ok = call(
            "ConstraintService.Configure",
            json!({ "Name": "ok-name", "Description": "fine", "Ratio": 99.95, "Offset": -10 }),
        );
        // Configure has no output: no payload, and the protocol's media type.
        assert_eq!((ok.status, body_text(&ok.body).as_str()), (200, ""));
        assert_eq!(ok.content_type, "application/x-amz-json-1.1");

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
        use fixture_awsjson1_0::runtime::{Request, RequestContext, Unit};
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
            let request = Request {
                target: Some(target),
                content_type: Some("application/x-amz-json-1.0; charset=utf-8"),
                content_encoding: None,
                body,
            };
            block_on(dispatch(&Service, &RequestContext::default(), request))
        };
        // No input: an empty body is read as `{}`. No output: no payload.
        let ping = call("JsonTenService.Ping", b"");
        assert_eq!((ping.status, body_text(&ping.body).as_str()), (200, ""));
        assert_eq!(ping.content_type, "application/x-amz-json-1.0");
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
}
