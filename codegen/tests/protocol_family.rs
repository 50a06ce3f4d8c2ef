//! `protocol_family` names the protocol a model's crate would serve, even
//! when the model does not generate, so tools can count models by protocol.

use codegen::{generate, protocol_family, Model, Options};
use serde_json::json;

fn model(services: &[(&str, &str)]) -> Model {
    let mut shapes = serde_json::Map::new();
    for (id, protocol) in services {
        let mut traits = serde_json::Map::new();
        if !protocol.is_empty() {
            traits.insert((*protocol).into(), json!({}));
        }
        shapes.insert(
            (*id).into(),
            json!({ "type": "service", "operations": [ { "target": "a#Op" } ], "traits": traits }),
        );
    }
    // No @http: a restJson1 service cannot route it.
    shapes.insert("a#Op".into(), json!({ "type": "operation" }));
    let text = json!({ "smithy": "2.0", "shapes": shapes }).to_string();
    Model::from_json(&text).expect("the model loads")
}

#[test]
fn the_only_service_names_the_protocol() {
    let options = Options::default();
    let aws_json = model(&[("a#S", "aws.protocols#awsJson1_1")]);
    assert_eq!(protocol_family(&aws_json, &options), Some("awsJson"));
    assert!(generate(&aws_json, &options).is_ok());
    let rest_json = model(&[("a#S", "aws.protocols#restJson1")]);
    assert!(generate(&rest_json, &options).is_err());
    assert_eq!(protocol_family(&rest_json, &options), Some("restJson1"));
}

#[test]
fn no_single_served_service_is_no_protocol() {
    let options = Options::default();
    assert_eq!(
        protocol_family(&model(&[("a#S", "aws.protocols#awsQuery")]), &options),
        None
    );
    assert_eq!(protocol_family(&model(&[]), &options), None);
    let two = model(&[
        ("a#S", "aws.protocols#awsJson1_0"),
        ("a#T", "aws.protocols#restJson1"),
    ]);
    assert_eq!(protocol_family(&two, &options), None);
    let chosen = Options {
        service: Some("a#T".into()),
        ..Options::default()
    };
    assert_eq!(protocol_family(&two, &chosen), Some("restJson1"));
}
