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
            "SensitiveService.Login",
            body.as_bytes(),
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
            block_on(dispatch(
                &Service,
                &RequestContext::default(),
                target,
                body.to_string().as_bytes(),
            ))
        };

        let ok = call(
            "ConstraintService.Configure",
            json!({ "Name": "ok-name", "Description": "fine", "Ratio": 99.95, "Offset": -10 }),
        );
        assert_eq!((ok.status, body_text(&ok.body).as_str()), (200, "{}"));
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
    fn operations_without_input_or_output_take_and_give_empty_objects() {
        use fixture_awsjson1_0::error::{PingError, ReceiveError, SendError};
        use fixture_awsjson1_0::runtime::{RequestContext, Unit};
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
            block_on(dispatch(&Service, &RequestContext::default(), target, body))
        };
        let ping = call("JsonTenService.Ping", b"");
        assert_eq!((ping.status, body_text(&ping.body).as_str()), (200, "{}"));
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
            ) -> impl Future<Output = Result<EchoSimpleOutput, EchoSimpleError>> + Send {
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
            block_on(dispatch(
                &Service,
                &RequestContext::default(),
                "SimpleService.EchoSimple",
                body.to_string().as_bytes(),
            ))
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
            "DateTimes": ["2000-01-02T20:34:56.000Z"],
            "NestedDateTimes": [["2000-01-02T20:34:56.000Z"], []],
            "HttpDatesByName": { "a": "Sun, 02 Jan 2000 20:34:56 GMT" },
            "SparseDateTimesByName": { "a": null, "b": "2000-01-02T20:34:56.000Z" },
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
