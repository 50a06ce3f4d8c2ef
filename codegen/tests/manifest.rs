//! The generated `Cargo.toml` names the runtime the way `Options::runtime`
//! says, and stays valid TOML whatever the path holds.

use codegen::{generate, Model, Options, Runtime};

fn manifest(runtime: Runtime) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/awsjson1_0.json"
    );
    let text = std::fs::read_to_string(path).expect("readable fixture");
    let model = Model::from_json(&text).expect("fixture loads");
    let options = Options {
        runtime,
        ..Options::default()
    };
    let mut files = generate(&model, &options).expect("fixture generates");
    files
        .remove(std::path::Path::new("Cargo.toml"))
        .expect("a manifest is emitted")
}

fn runtime_line(manifest: &str) -> &str {
    manifest
        .lines()
        .find(|line| line.starts_with("smithy-runtime"))
        .expect("the runtime is a dependency")
}

#[test]
fn runtime_by_relative_path() {
    let text = manifest(Runtime::Path("../../runtime".into()));
    assert_eq!(
        runtime_line(&text),
        r#"smithy-runtime = { path = "../../runtime" }"#
    );
}

#[test]
fn runtime_by_version_requirement() {
    let text = manifest(Runtime::Version("0.1".into()));
    assert_eq!(runtime_line(&text), r#"smithy-runtime = "0.1""#);
}

#[test]
fn backslashes_and_quotes_in_a_path_are_escaped() {
    let text = manifest(Runtime::Path(r#"C:\work\my "runtime""#.into()));
    assert_eq!(
        runtime_line(&text),
        r#"smithy-runtime = { path = "C:\\work\\my \"runtime\"" }"#
    );
}
