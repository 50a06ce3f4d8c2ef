//! Snapshot tests of everything the generator emits for small fixture models.
//!
//! Each fixture under `tests/fixtures/` is a minimal service (awsJson, or
//! restJson1 where it streams) that
//! exercises one construct. Every emitted file is snapshotted as
//! `<fixture>__<file>` (e.g. `unions__types.rs`) under `tests/snapshots/`.
//!
//! After an intended generator change, regenerate with
//! `INSTA_UPDATE=always cargo test -p codegen --test snapshots` (or
//! `cargo insta review`) and read the diff before committing it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::{generate, Model, Options};

/// Every fixture, in the order of `tests/fixtures/`. A new fixture needs a
/// line here and in the `fixtures!` invocation below.
const FIXTURES: &[&str] = &[
    "awsjson1_0",
    "awsjson1_1",
    "collections",
    "constraints",
    "defaults",
    "docs",
    "enums",
    "errors",
    "mixins",
    "naming",
    "paginated",
    "resources",
    "sensitive",
    "simple_types",
    "streaming",
    "structures",
    "unions",
];

/// The files every generated crate consists of.
const EMITTED: &[&str] = &[
    "Cargo.toml",
    "src/error.rs",
    "src/lib.rs",
    "src/operation.rs",
    "src/schema.rs",
    "src/service.rs",
    "src/types.rs",
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn generate_fixture(fixture: &str) -> BTreeMap<PathBuf, String> {
    let path = fixture_dir().join(format!("{fixture}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let model = Model::from_json(&text).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    generate(&model, &Options::default()).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

/// Snapshots every file emitted for `fixture`.
fn snapshot_fixture(fixture: &str) {
    let files = generate_fixture(fixture);
    let paths: Vec<String> = files
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(paths, EMITTED, "{fixture}: unexpected set of emitted files");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(format!("tests/fixtures/{fixture}.json"));
    settings.bind(|| {
        for (path, contents) in &files {
            let file = path
                .file_name()
                .and_then(|name| name.to_str())
                .expect("emitted paths end in a file name");
            insta::assert_snapshot!(format!("{fixture}__{file}"), contents);
        }
    });
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot_fixture(stringify!($name));
            }
        )*

        #[test]
        fn every_fixture_has_a_snapshot_test() {
            let tested: Vec<&str> = vec![$(stringify!($name)),*];
            assert_eq!(tested, FIXTURES);
            let mut on_disk: Vec<String> = std::fs::read_dir(fixture_dir())
                .expect("tests/fixtures exists")
                .map(|entry| entry.expect("readable directory entry").path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            assert_eq!(on_disk, FIXTURES, "fixtures on disk and FIXTURES differ");
        }
    };
}

fixtures!(
    awsjson1_0,
    awsjson1_1,
    collections,
    constraints,
    defaults,
    docs,
    enums,
    errors,
    mixins,
    naming,
    paginated,
    resources,
    sensitive,
    simple_types,
    streaming,
    structures,
    unions,
);

/// The two awsJson versions differ on the wire only in the content type, so
/// the same model must generate the same crate but for the protocol constant.
#[test]
fn awsjson_versions_differ_only_in_the_protocol_constant() {
    let one_zero = generate_fixture("awsjson1_0");
    let one_one = generate_fixture("awsjson1_1");
    for (path, zero) in &one_zero {
        let one = &one_one[path];
        if path.ends_with("service.rs") {
            assert_ne!(zero, one);
            assert!(zero.contains("pub const PROTOCOL: Protocol = Protocol::AwsJson1_0;"));
            assert!(one.contains("pub const PROTOCOL: Protocol = Protocol::AwsJson1_1;"));
            assert_eq!(zero.replace("AwsJson1_0", "AwsJson1_1"), *one);
        } else {
            assert_eq!(
                zero,
                one,
                "{} differs between awsJson 1.0 and 1.1",
                path.display()
            );
        }
    }
}

/// An event stream is not served, and says so: a warning for the caller to
/// print, no method in the service trait, a 501 naming it from `dispatch`.
#[test]
fn an_event_stream_is_warned_about_and_answered_as_not_served() {
    let path = fixture_dir().join("streaming.json");
    let model = Model::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let generated = codegen::generate_crate(&model, &Options::default()).unwrap();
    assert_eq!(
        generated.warnings,
        ["fixture.streaming#Watch: not served: `events` is an event stream, which is not served yet"]
    );
    let service = &generated.files[Path::new("src/service.rs")];
    assert!(!service.contains("fn watch("), "{service}");
    assert!(service.contains("not_served(\n"), "{service}");
    assert!(service.contains("\"Watch\",\n"), "{service}");
    assert!(service.contains("fn upload("), "{service}");
}
