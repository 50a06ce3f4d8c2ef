//! Property tests of the generated `dispatch` on the real service over an
//! in-memory store: arbitrary bytes under arbitrary envelopes, and runs of
//! requests shaped like each operation's input, generated from the Smithy
//! model. Whatever arrives: no panic, no 5xx but an honest storage failure,
//! every error a well-formed `__type` with a message, every call answered
//! within [`CALL_LIMIT`]. For model-shaped inputs the model is also an
//! oracle: an input that breaks one of its rules is a 400
//! `ValidationException` or `SerializationException`, and one that keeps
//! them all passes the generated validator.
//!
//! Cases: `PROPTEST_CASES` (default 128 per property, about ten seconds); the
//! coverage-guided counterpart is `fuzz/run.sh`.

mod dispatch_harness;
#[path = "dispatch_harness/model_values.rs"]
mod model_values;

use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use dispatch_harness::{check, Envelope, Harness, Prepared};
use model_values::{depth, Values, Verdict};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use smithy_runtime::HttpResponse;

/// Far above any real call (microseconds), far below a test timeout.
const CALL_LIMIT: Duration = Duration::from_secs(10);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(128)
}

/// Calls run on a shared multi-threaded runtime while the test thread waits
/// with a deadline, so even a call stuck in a loop that never yields is
/// reported rather than hanging the test.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fn send(harness: &mut Harness, prepared: Prepared) -> Result<HttpResponse, TestCaseError> {
    let service = Arc::clone(&harness.service);
    let (tx, rx) = mpsc::channel();
    let request = prepared.clone();
    runtime().spawn(async move {
        let _ = tx.send(request.send(&service).await);
    });
    let response = rx.recv_timeout(CALL_LIMIT).map_err(|_| {
        TestCaseError::fail(format!(
            "no answer within {CALL_LIMIT:?} (or the call panicked): {:?} {:?}",
            prepared.envelope,
            String::from_utf8_lossy(&prepared.body)
        ))
    })?;
    check(&response).map_err(|broken| {
        TestCaseError::fail(format!(
            "{broken}\nrequest: {:?} {:?}",
            prepared.envelope,
            String::from_utf8_lossy(&prepared.body)
        ))
    })?;
    harness.observe(&response);
    Ok(response)
}

fn operation_meta(name: &str) -> &'static smithy_runtime::schema::OperationMeta {
    ssm_api::operation::OPERATIONS
        .iter()
        .find(|operation| operation.name == name)
        .unwrap_or_else(|| panic!("{name} is not generated"))
}

/// `value` with the harness's placeholders replaced in every string.
fn fill_in(harness: &Harness, value: Value) -> Value {
    match value {
        Value::String(text) if text.contains('$') => Value::String(
            String::from_utf8_lossy(&harness.ids.substitute(text.as_bytes())).into_owned(),
        ),
        Value::Array(items) => items.into_iter().map(|v| fill_in(harness, v)).collect(),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, fill_in(harness, v)))
                .collect(),
        ),
        other => other,
    }
}

fn values() -> &'static Values {
    static VALUES: OnceLock<Values> = OnceLock::new();
    VALUES.get_or_init(Values::load)
}

/// Bodies: raw bytes, text, arbitrary JSON, and JSON with one byte changed.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        ".{0,64}".prop_map(String::into_bytes),
        Just(b"{}".to_vec()),
        (
            prop::collection::vec(any::<u8>(), 1..64),
            any::<prop::sample::Index>(),
            any::<u8>()
        )
            .prop_map(|(mut bytes, at, to)| {
                bytes.splice(
                    0..0,
                    b"{\"WindowId\":\"mw-0123456789abcdef0\",\"Name\":"
                        .iter()
                        .copied(),
                );
                let i = at.index(bytes.len());
                bytes[i] = to;
                bytes
            }),
    ]
}

/// The same bytes the AFL target reads as a request header: an operation
/// (or an unknown or missing target) and a content type and coding.
fn envelope() -> impl Strategy<Value = Envelope> {
    let targets = ssm_api::operation::OPERATIONS.len() as u8 + 2;
    (0..targets, any::<u8>()).prop_map(|(op, flags)| Envelope::from_bytes(op, flags))
}

/// One model-shaped request: an operation and an input for it.
fn shaped_request() -> impl Strategy<Value = (String, String, Value)> {
    let values = values();
    let choices: Vec<BoxedStrategy<(String, String, Value)>> = values
        .operations()
        .into_iter()
        .map(|(operation, input)| {
            let name = operation.clone();
            let shape = input.clone();
            values
                .strategy(&input, &Default::default(), 6)
                .prop_map(move |value| (name.clone(), shape.clone(), value))
                .boxed()
        })
        .collect();
    proptest::strategy::Union::new(choices)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_get_a_well_formed_answer(
        requests in prop::collection::vec((envelope(), body()), 1..4),
    ) {
        let mut harness = Harness::new();
        for (envelope, body) in requests {
            let prepared = harness.prepare(&envelope, &body);
            send(&mut harness, prepared)?;
        }
    }

    #[test]
    fn model_shaped_inputs_are_judged_as_the_model_says(
        requests in prop::collection::vec(shaped_request(), 1..8),
        run_now in any::<prop::sample::Index>(),
    ) {
        let mut harness = Harness::new();
        let run_at = run_now.index(requests.len() + 1);
        for (i, (operation, input, value)) in requests.into_iter().enumerate() {
            if i == run_at {
                harness.control(dispatch_harness::Control::RunLastWindow);
            }
            // Judge the body the service gets: placeholders filled in.
            let sent = fill_in(&harness, value);
            let body = serde_json::to_vec(&sent).expect("JSON");
            let verdict = if depth(&sent) > 120 {
                Verdict::Unsure
            } else {
                values().verdict(&sent, &input, &Default::default())
            };
            let prepared = harness.prepare(&Envelope::for_operation(&operation), &body);
            let response = send(&mut harness, prepared)?;
            let error_type = response.error_type.unwrap_or("");
            let malformed = ["ValidationException", "SerializationException"];
            match verdict {
                Verdict::Invalid(why) => prop_assert!(
                    response.status == 400 && malformed.contains(&error_type),
                    "{operation}: {why}, yet answered {} {}",
                    response.status,
                    String::from_utf8_lossy(&response.body)
                ),
                Verdict::Valid => {
                    // The service's own rules may still refuse it (some in
                    // the validator's words, as AWS does), so the validator
                    // itself is asked.
                    let shape = operation_meta(&operation).input;
                    let validated = smithy_runtime::validate::validate(
                        &mut sent.clone(),
                        shape,
                        smithy_runtime::validate::Rules::AWS,
                    );
                    prop_assert!(
                        validated.is_ok() && error_type != "SerializationException",
                        "{operation}: the model accepts {sent}, yet the validator says {validated:?} \
                         and the service answered {} {}",
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    );
                }
                Verdict::Unsure => {}
            }
        }
    }
}

/// The generator reaches every operation and produces both kinds of input,
/// so the property above is not vacuous.
#[test]
fn generated_inputs_cover_every_operation_both_ways() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    const SAMPLES: usize = 100;
    let values = values();
    let operations = values.operations();
    assert_eq!(operations.len(), ssm_api::operation::OPERATIONS.len());
    let mut runner = TestRunner::deterministic();
    for (operation, input) in operations {
        let strategy = values.strategy(&input, &Default::default(), 6);
        let (mut valid, mut invalid) = (0, 0);
        let mut reasons = std::collections::BTreeSet::new();
        for _ in 0..SAMPLES {
            let value = strategy.new_tree(&mut runner).expect("a value").current();
            match values.verdict(&value, &input, &Default::default()) {
                Verdict::Valid => valid += 1,
                Verdict::Invalid(why) => {
                    invalid += 1;
                    reasons.insert(why.split(':').next().unwrap_or_default().to_owned());
                }
                Verdict::Unsure => {}
            }
        }
        assert!(
            valid > 0 && invalid > 0,
            "{operation}: {valid} valid, {invalid} invalid of {SAMPLES} (broken: {reasons:?})"
        );
    }
}

/// The response rules reject what they are meant to, so a passing run
/// means something.
#[test]
fn the_response_rules_tell_honest_answers_from_broken_ones() {
    use dispatch_harness::STORAGE_FAILURE;
    use smithy_runtime::{ErrorResponse, OperationError};
    use ssm_api::error::{InternalServerError, InvalidResourceId};

    let protocol = ssm_api::PROTOCOL;
    let answer = |error: ErrorResponse| HttpResponse::error(protocol, &error);
    let storage = answer(InternalServerError::with_message(STORAGE_FAILURE).to_error_response());
    assert_eq!(check(&storage), Ok(()));
    let caught_panic = answer(ErrorResponse::internal("An internal error occurred"));
    assert!(check(&caught_panic).is_err());
    assert_eq!(check(&answer(ErrorResponse::unknown_operation())), Ok(()));
    assert_eq!(
        check(&answer(InvalidResourceId {}.to_error_response())),
        Ok(())
    );
    assert!(check(&answer(ErrorResponse::validation(""))).is_err());
    let mut untyped = answer(ErrorResponse::validation("bad"));
    untyped.body = br#"{"message":"bad"}"#.to_vec();
    assert!(check(&untyped).is_err());
    let mut mislabelled = answer(ErrorResponse::validation("bad"));
    mislabelled.error_type = Some("SerializationException");
    assert!(check(&mislabelled).is_err());
}
