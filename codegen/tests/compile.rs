//! The snapshots are also compiled: every fixture is generated as a member of
//! one temporary Cargo workspace, which must build with `-D warnings` and
//! document with `rustdoc -D warnings` (broken intra-doc links, bare URLs…);
//! `tests/compiled/checks.rs` then runs against them as a crate of its own.
//!
//! The target directory is a stable path under the system temp directory, so
//! reruns only rebuild what changed.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use codegen::{generate, Model, Options, Runtime};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures, by file stem, sorted.
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(manifest_dir().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Removes the workspace directory when the test ends, pass or fail.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn cargo(workspace: &Path, target_dir: &Path, args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        // Whatever the outer `cargo test` passes down must not leak in.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME");
    command
}

fn run(mut command: Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} of the generated fixture crates failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

#[test]
fn generated_fixture_crates_build_without_warnings() {
    let runtime = manifest_dir()
        .join("../runtime")
        .canonicalize()
        .expect("the runtime crate is next to the generator");
    let unique = format!(
        "codegen-fixtures-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    let workspace = TempDir(std::env::temp_dir().join(unique));
    let target_dir = std::env::temp_dir().join("codegen-fixtures-target");

    let mut members = String::new();
    for fixture in fixtures() {
        let path = manifest_dir().join(format!("tests/fixtures/{fixture}.json"));
        let text = fs::read_to_string(&path).expect("fixture is readable");
        let model = Model::from_json(&text).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let options = Options {
            // Two fixtures may describe the same service; package names
            // must be unique in the workspace.
            crate_name: Some(format!("fixture-{}", fixture.replace('_', "-"))),
            runtime: Runtime::Path(runtime.display().to_string()),
            standalone: false,
            ..Options::default()
        };
        let files = generate(&model, &options).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let root = workspace.0.join(&fixture);
        for (relative, contents) in files {
            let file = root.join(relative);
            fs::create_dir_all(file.parent().unwrap()).expect("can create directories");
            fs::write(&file, contents).expect("can write generated files");
        }
        writeln!(members, "    \"{fixture}\",").unwrap();
    }
    // A crate that exercises the generated crates: `tests/compiled/checks.rs`.
    let checks = workspace.0.join("checks");
    fs::create_dir_all(checks.join("src")).expect("can create directories");
    fs::copy(
        manifest_dir().join("tests/compiled/checks.rs"),
        checks.join("src/lib.rs"),
    )
    .expect("can copy the checks");
    // Every fixture: the property test in checks.rs covers each of them.
    let mut dependencies = String::new();
    for fixture in fixtures() {
        let package = format!("fixture-{}", fixture.replace('_', "-"));
        writeln!(
            dependencies,
            "{package} = {{ path = \"../{fixture}\", features = [\"client\"] }}"
        )
        .unwrap();
    }
    fs::write(
        checks.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fixture-checks\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{dependencies}serde = \"1\"\nserde_json = \"1\"\nbase64 = \"0.22\"\n\
             proptest = {{ version = \"1\", default-features = false, features = [\"std\"] }}\n"
        ),
    )
    .expect("can write the checks manifest");
    members.push_str("    \"checks\",\n");

    fs::write(
        workspace.0.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\n{members}]\n"),
    )
    .expect("can write the workspace manifest");
    // Start from the project's lock file so the build uses the dependency
    // versions the project is tested with (and needs no index update).
    let lock = manifest_dir().join("../Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, workspace.0.join("Cargo.lock")).expect("can copy Cargo.lock");
    }

    run(
        cargo(
            &workspace.0,
            &target_dir,
            &["build", "--workspace", "--keep-going", "--quiet"],
        ),
        "`cargo build`",
    );
    run(
        cargo(
            &workspace.0,
            &target_dir,
            &["test", "--package", "fixture-checks", "--quiet"],
        ),
        "`cargo test` of tests/compiled/checks.rs",
    );
    run(
        cargo(
            &workspace.0,
            &target_dir,
            &["doc", "--workspace", "--no-deps", "--keep-going", "--quiet"],
        ),
        "`cargo doc`",
    );
}
