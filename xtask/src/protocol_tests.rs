//! `cargo xtask protocol-tests`: generates every awsJson service and the
//! restJson1 test services of Smithy's protocol compliance test package
//! with their server cases as tests (`Options::protocol_tests`: request,
//! response and malformed-request cases, one per parameter set), builds and
//! runs them, and reports `awsJson1_0: N/T server cases passed` per suite,
//! T counted from the package itself. The crates go to
//! `target/protocol-tests/`, a workspace of their own, so builds are reused
//! between runs; nothing of Smithy's package is kept in the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::load::load;
use codegen::{Model, Options};

use crate::ast_task::{protocol_test_package_in, read_model_files};
use crate::codegen_task::project_root;
use crate::known_failures::{self, KnownFailure};
use crate::{reject_rest, take_value};

/// Cases that cannot pass, each with the reason. They run and are reported
/// like the others; the command fails if another case fails or if one of
/// these starts to pass (so the list stays true).
const KNOWN_FAILURES: &[KnownFailure] = &[
    (
        "response_aws_json11_int_enums",
        "the case expects `X-Amz-Target` on the response; that is a request header, which AWS \
         services do not send back, and the case's other protocol (awsJson1_0) does not expect it",
    ),
    (
        "response_parses_the_request_id_from_the_response",
        "`X-Amzn-RequestId` is written by the runtime's HTTP router (feature `server`), a fresh id \
         per request; the case expects the fixed id `amazon-uniq-request-id`, which a service has no \
         way to know, and a harness that wrote it itself would test nothing",
    ),
    (
        "request_rest_json_omits_empty_list_query_values",
        "a case about clients (\"omits serializing\") without `appliesTo: client`: http-bindings.rst \
         serializes a list in the query \"by adding multiple query string parameters ... using the \
         same name\", so an empty list sends none and its request (no query string) is the request \
         of RestJsonZeroAndFalseQueryValues and RestJsonQueryStringMap, which expect those same \
         list members absent; a server reads one request one way, and reads it as absent",
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let smithy = take_value(&mut args, "--smithy")?;
    reject_rest(&args)?;
    let root = project_root();
    let smithy = match smithy {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/reference/smithy"),
    };
    let files = read_model_files(&protocol_test_package_in(&smithy)?)?;
    eprintln!("loading {} files of the protocol test package", files.len());
    let loaded = load(&files).map_err(|e| e.to_string())?;
    let model = Model::from(&loaded);

    let out = root.join("target/protocol-tests");
    let mut crates = Vec::new();
    let mut failures = Vec::new();
    let services = served_services(&loaded);
    for (service, protocol, _) in &services {
        let (service, protocol) = (service.clone(), *protocol);
        let options = Options {
            service: Some(service.clone()),
            runtime: codegen::Runtime::Path(root.join("runtime").display().to_string()),
            protocol_tests: true,
            ..Options::default()
        };
        let generated = match codegen::generate(&model, &options) {
            Ok(generated) => generated,
            Err(e) => {
                failures.push((
                    service.clone(),
                    format!("{protocol}: cannot be generated: {e}"),
                ));
                continue;
            }
        };
        let Some(tests) = generated.get(Path::new("src/protocol_tests.rs")) else {
            continue;
        };
        let cases = test_names(tests);
        let name = package_name(&generated)?;
        let dir = out.join(&name);
        write_crate(&dir, &generated)?;
        eprintln!(
            "generated {service} ({protocol}, {} cases) into {}",
            cases.len(),
            dir.display()
        );
        crates.push(Crate {
            name,
            protocol,
            cases,
        });
    }
    // The project's lock file, so the crates build with the versions the
    // project is tested with (and without a registry lookup).
    if let Ok(lock) = fs::read_to_string(root.join("Cargo.lock")) {
        write_if_changed(&out.join("Cargo.lock"), &lock)?;
    }
    let members: Vec<String> = crates.iter().map(|c| format!("{:?}", c.name)).collect();
    write_if_changed(
        &out.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask protocol-tests`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;

    eprintln!(
        "building and running the cases (cargo test in {})",
        out.display()
    );
    let output = Command::new(env!("CARGO"))
        .args(["test", "--no-fail-fast", "--lib"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let outcomes = outcomes(&stdout);
    if outcomes.is_empty() && !output.status.success() {
        failures.push((
            "build".into(),
            format!("the generated crates did not build:\n{stderr}"),
        ));
    }

    let mut passed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut generated: BTreeMap<&str, usize> = BTreeMap::new();
    for krate in &crates {
        *generated.entry(krate.protocol).or_default() += krate.cases.len();
        for case in &krate.cases {
            match outcomes.get(case.as_str()) {
                Some(true) => *passed.entry(krate.protocol).or_default() += 1,
                Some(false) => failures.push((
                    case.clone(),
                    format!("{}: {}", krate.protocol, failure_reason(&stdout, case)),
                )),
                None => failures.push((case.clone(), format!("{}: did not run", krate.protocol))),
            }
        }
    }
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for (service, suite, protocol) in &services {
        *totals.entry(suite).or_default() += server_cases(&model, service, protocol);
    }
    for (suite, total) in &totals {
        let passed = passed.get(suite).copied().unwrap_or(0);
        println!("{suite}: {passed}/{total} server cases passed");
        let generated = generated.get(suite).copied().unwrap_or(0);
        if generated != *total {
            failures.push((
                (*suite).to_owned(),
                format!("{generated} cases were generated where the package has {total}"),
            ));
        }
    }
    known_failures::report(&failures, KNOWN_FAILURES, "protocol")
}

struct Crate {
    name: String,
    protocol: &'static str,
    cases: Vec<String>,
}

/// The restJson1 services whose cases test a server, with their suite's
/// name; the API Gateway and Glacier services beside them test
/// customizations of AWS's clients.
const REST_JSON_SERVICES: &[(&str, &str)] = &[
    ("aws.protocoltests.restjson#RestJson", "restJson1"),
    (
        "aws.protocoltests.restjson.validation#RestJsonValidation",
        "restJson1 validation",
    ),
];

/// Services of the model whose server cases are run: id, suite name and
/// protocol (as `aws.protocols` names it).
fn served_services(model: &codegen::ast::AstModel) -> Vec<(String, &'static str, &'static str)> {
    let mut services: Vec<_> = model
        .shapes
        .values()
        .filter(|s| s.kind == codegen::ast::ShapeKind::Service)
        .filter_map(|s| {
            let protocol = ["awsJson1_0", "awsJson1_1"]
                .into_iter()
                .find(|p| s.traits.contains_key(&format!("aws.protocols#{p}")))?;
            Some((s.id.clone(), protocol, protocol))
        })
        .collect();
    services.extend(
        REST_JSON_SERVICES
            .iter()
            .filter(|(id, _)| model.shapes.contains_key(*id))
            .map(|(id, suite)| ((*id).to_owned(), *suite, "restJson1")),
    );
    services
}

/// Every case of the package that applies to a server of `service` under
/// `protocol`, counted from the model rather than from what was generated:
/// the T of `N/T`. Request and response cases of its operations, response
/// cases of the errors they (or the service) declare, and one case per
/// parameter set of each malformed-request case.
fn server_cases(model: &Model, service: &str, protocol: &str) -> usize {
    let protocol_id = format!("aws.protocols#{protocol}");
    let applies = |case: &&serde_json::Value| {
        case.get("protocol").and_then(|p| p.as_str()) == Some(protocol_id.as_str())
            && matches!(
                case.get("appliesTo").and_then(|a| a.as_str()),
                None | Some("server")
            )
    };
    let cases = |id: &str, trait_id: &str| -> Vec<serde_json::Value> {
        let Some(shape) = model.shape(id) else {
            return Vec::new();
        };
        shape
            .traits
            .get(trait_id)
            .and_then(|t| t.as_array())
            .map(|cases| cases.iter().filter(applies).cloned().collect())
            .unwrap_or_default()
    };
    let (operations, errors) = closure(model, service);
    let mut total = 0;
    for operation in &operations {
        total += cases(operation, "smithy.test#httpRequestTests").len();
        total += cases(operation, "smithy.test#httpResponseTests").len();
        total += cases(operation, "smithy.test#httpMalformedRequestTests")
            .iter()
            .map(|case| {
                let sets = case
                    .get("testParameters")
                    .and_then(|p| p.as_object())
                    .and_then(|p| p.values().filter_map(|v| v.as_array()).map(Vec::len).min());
                sets.unwrap_or(1)
            })
            .sum::<usize>();
    }
    for error in &errors {
        total += cases(error, "smithy.test#httpResponseTests").len();
    }
    total
}

/// The operations a service reaches (through its resources too) and the
/// errors they or the service declare.
fn closure(model: &Model, service: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    const OPERATIONS: &[&str] = &[
        "operations",
        "collectionOperations",
        "create",
        "put",
        "read",
        "update",
        "delete",
        "list",
    ];
    let mut operations = BTreeSet::new();
    let mut errors = BTreeSet::new();
    let mut pending = vec![service.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(shape) = model.shape(&id) else {
            continue;
        };
        errors.extend(shape.reference("errors").iter().cloned());
        for relation in OPERATIONS {
            for operation in shape.reference(relation) {
                operations.insert(operation.clone());
                if let Some(op) = model.shape(operation) {
                    errors.extend(op.reference("errors").iter().cloned());
                }
            }
        }
        pending.extend(shape.reference("resources").iter().cloned());
    }
    (operations, errors)
}

/// The test functions of a generated `protocol_tests.rs`.
fn test_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut after_test = false;
    for line in source.lines().map(str::trim) {
        if line == "#[test]" {
            after_test = true;
        } else if after_test {
            if let Some(rest) = line.strip_prefix("fn ") {
                names.push(rest.split('(').next().unwrap_or_default().to_owned());
                after_test = false;
            }
        }
    }
    names
}

fn package_name(files: &BTreeMap<PathBuf, String>) -> Result<String, String> {
    let manifest = files
        .get(Path::new("Cargo.toml"))
        .ok_or("the generator wrote no Cargo.toml")?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim_matches('"').to_owned())
        .ok_or_else(|| "the generated Cargo.toml has no package name".into())
}

fn write_crate(dir: &Path, files: &BTreeMap<PathBuf, String>) -> Result<(), String> {
    for (relative, contents) in files {
        write_if_changed(&dir.join(relative), contents)?;
    }
    Ok(())
}

/// Unchanged files keep their modification time, so cargo rebuilds only
/// what the generator changed.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `test protocol_tests::name ... ok` lines: test name → passed.
fn outcomes(stdout: &str) -> BTreeMap<&str, bool> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test protocol_tests::")?;
            let (name, result) = rest.split_once(" ... ")?;
            Some((name, result.trim() == "ok"))
        })
        .collect()
}

/// The error a failed case printed (`Error: …` in its captured output).
fn failure_reason(stdout: &str, case: &str) -> String {
    let header = format!("---- protocol_tests::{case} stdout ----");
    let Some(start) = stdout.find(&header) else {
        return "failed".into();
    };
    let text = &stdout[start + header.len()..];
    let end = text.find("\n---- ").unwrap_or(text.len());
    let text = text[..end].trim();
    // The case's `Err(String)`, printed with `Debug`: quoted, with `\n`.
    let text = text.strip_prefix("Error: ").unwrap_or(text);
    let text = text
        .trim_matches('"')
        .replace("\\n", " | ")
        .replace("\\\"", "\"");
    text.chars().take(600).collect()
}
