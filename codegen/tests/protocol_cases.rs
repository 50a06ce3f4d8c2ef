//! The protocol compliance tests the generator writes, on cases written for
//! this test (`fixtures/idl/protocol_cases.smithy`): what is emitted is
//! pinned by a snapshot, and the emitted tests are built and run, so that
//! the right cases pass and the one whose params disagree with its body
//! fails. Smithy's own suite runs with `cargo xtask protocol-tests`.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::load::{load, SourceFile};
use codegen::{generate, Model, Options, Runtime};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> std::collections::BTreeMap<PathBuf, String> {
    let path = manifest_dir().join("tests/fixtures/idl/protocol_cases.smithy");
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    let model = load(&[SourceFile::new("protocol_cases.smithy", text)]).expect("the fixture loads");
    let runtime = manifest_dir().join("../runtime").canonicalize().unwrap();
    let options = Options {
        crate_name: Some("protocol-cases".into()),
        runtime: Runtime::Path(runtime.display().to_string()),
        standalone: true,
        protocol_tests: true,
        ..Options::default()
    };
    generate(&Model::from(&model), &options).expect("the fixture generates")
}

#[test]
fn emitted_cases_are_pinned() {
    let files = generated();
    let tests = &files[Path::new("src/protocol_tests.rs")];
    assert!(files[Path::new("src/lib.rs")].contains("mod protocol_tests;"));
    assert!(
        !tests.contains("only_for_clients"),
        "client cases are not generated"
    );
    insta::assert_snapshot!("protocol_tests.rs", tests);
}

#[test]
fn emitted_cases_run_and_can_fail() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("protocol-cases");
    for (relative, contents) in generated() {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if std::fs::read_to_string(&path).ok() != Some(contents.clone()) {
            std::fs::write(&path, contents).unwrap();
        }
    }
    let lock = manifest_dir().join("../Cargo.lock");
    std::fs::copy(lock, dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--lib", "--no-fail-fast"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut outcomes: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test protocol_tests::"))
        .filter_map(|rest| rest.split_once(" ... "))
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            ("request_compressed_body_from_params", "ok"),
            ("request_reads_every_kind_of_value", "ok"),
            ("request_wrong_params_are_caught", "FAILED"),
            ("response_no_output_no_payload", "ok"),
            ("response_writes_error", "ok"),
            ("response_writes_output", "ok"),
        ],
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The failing case says what the handler received and what was expected.
    assert!(stdout.contains("PutThings received"), "{stdout}");
    assert!(stdout.contains("\\\"one\\\""), "{stdout}");
}
