//! `cargo xtask build-models`: every official model generated and compiled
//! with warnings denied, as members of one workspace so the runtime and the
//! dependencies compile once and Cargo keeps both cores busy across crates.
//!
//! The workspace is kept between runs (by default under `target/`), so a
//! rerun only rebuilds the crates whose generated code changed.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use codegen::Options;
use serde_json::Value;

use smithy_codegen::{absolute, generate, local_runtime, write_generated};

use crate::codegen_task::project_root;
use crate::{reject_rest, take_value};

/// A model's name and why its crate was not built.
type Failure = (String, String);

/// One model's crate in the workspace.
struct Member {
    /// The model file's stem, which is also the member's directory.
    name: String,
    package: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let root = project_root();
    let models = take_value(&mut args, "--models")?
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/reference/aws-models"));
    // Shown in the first progress line, where `..` would only puzzle.
    let models = models.canonicalize().unwrap_or(models);
    let out = take_value(&mut args, "--out")?
        .map(|dir| absolute(Path::new(&dir)))
        .unwrap_or_else(|| root.join("target/build-models"));
    let jobs = take_value(&mut args, "--jobs")?
        .map(|n| match n.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("--jobs needs a positive number, not `{n}`")),
        })
        .transpose()?;
    reject_rest(&args)?;

    let started = Instant::now();
    let paths = model_files(&models)?;
    let total = paths.len();
    eprintln!(
        "generating {total} models from {} into {}",
        models.display(),
        out.display()
    );
    let (members, mut failures) = generate_members(&paths, &out, jobs);
    eprintln!(
        "{} of {total} generated in {:.0?}",
        members.len(),
        started.elapsed()
    );
    let mut compiled = 0;
    if !members.is_empty() {
        write_workspace(&out, &members, &root)?;
        let built = Instant::now();
        let result = build(&out, &members, jobs)?;
        compiled = result.compiled;
        failures.extend(result.failures);
        eprintln!("built in {:.0?}", built.elapsed());
    }
    failures.sort();
    for (name, message) in &failures {
        println!("FAILED {name}:\n{}", indent(message));
    }
    println!(
        "{compiled}/{total} compiled (warnings denied) in {:.0?}",
        started.elapsed()
    );
    if failures.is_empty() && compiled == total {
        Ok(())
    } else {
        Err(format!(
            "{} of {total} models did not compile",
            total - compiled
        ))
    }
}

fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no *.json models in {}", dir.display()));
    }
    Ok(paths)
}

/// Generates every model into `out/<stem>`, on as many threads as there are
/// jobs (generation in a debug xtask takes about a second per large model).
/// Returns the members in model order and the models that failed.
fn generate_members(
    paths: &[PathBuf],
    out: &Path,
    jobs: Option<usize>,
) -> (Vec<Member>, Vec<Failure>) {
    let threads = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(Into::into))
        .unwrap_or(1)
        .min(paths.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Result<Member, Failure>>> = Mutex::default();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else { break };
                let result = generate_member(path, out);
                results.lock().unwrap().insert(index, result);
            });
        }
    });
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for result in results.into_inner().unwrap().into_values() {
        match result {
            Ok(member) => members.push(member),
            Err(failure) => {
                eprintln!("generation FAILED {}: {}", failure.0, failure.1);
                failures.push(failure);
            }
        }
    }
    // Package names come from each service's sdkId; two models of one
    // service would make the workspace unloadable, so catch that here.
    let mut seen = BTreeMap::new();
    members.retain(
        |member| match seen.insert(member.package.clone(), member.name.clone()) {
            None => true,
            Some(first) => {
                failures.push((
                    member.name.clone(),
                    format!("package name `{}` is also {first}'s", member.package),
                ));
                false
            }
        },
    );
    (members, failures)
}

fn generate_member(path: &Path, out: &Path) -> Result<Member, Failure> {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out.join(&name);
    let failed = |message: String| (name.clone(), message);
    let options = Options {
        runtime: local_runtime(&dir).map_err(failed)?,
        // A member of the workspace written below, not a workspace of its own.
        standalone: false,
        ..Options::default()
    };
    let files = generate(path, &options).map_err(failed)?;
    write_generated(&dir, &files, false).map_err(failed)?;
    let manifest = files
        .get(Path::new("Cargo.toml"))
        .ok_or_else(|| failed("no Cargo.toml generated".into()))?;
    let package = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|quoted| quoted.trim_matches('"').to_string())
        .ok_or_else(|| failed("no package name in the generated Cargo.toml".into()))?;
    Ok(Member { name, package })
}

fn write_workspace(out: &Path, members: &[Member], root: &Path) -> Result<(), String> {
    let mut manifest = String::from(
        "# Written by `cargo xtask build-models`: every generated crate in one workspace.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for member in members {
        manifest.push_str(&format!("    \"{}\",\n", member.name));
    }
    manifest.push_str("]\n");
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(out.join("Cargo.toml"), &manifest)?;
    // The project's lock file: the dependency versions the project is tested
    // with, and no registry index update on the way.
    if let Ok(lock) = fs::read_to_string(root.join("Cargo.lock")) {
        write(out.join("Cargo.lock"), &lock)?;
    }
    Ok(())
}

struct Built {
    compiled: usize,
    failures: Vec<Failure>,
}

/// Builds the workspace, reading Cargo's JSON messages to count finished
/// members and keep each failing member's first error.
fn build(out: &Path, members: &[Member], jobs: Option<usize>) -> Result<Built, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        // `cargo xtask` runs under `cargo run`, whose settings must not leak
        // into this unrelated build.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(jobs) = jobs {
        command.arg(format!("--jobs={jobs}"));
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    // Cargo's own progress lines are replaced by ours; its stderr is kept in
    // case the build fails before any crate does (a resolution error).
    let mut stderr = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let by_dir: BTreeMap<PathBuf, &str> = members
        .iter()
        .map(|m| (out.join(&m.name), m.name.as_str()))
        .collect();
    let member_of = |message: &Value| {
        let manifest = Path::new(message["manifest_path"].as_str()?);
        by_dir.get(manifest.parent()?).copied()
    };
    let started = Instant::now();
    let mut compiled = BTreeMap::new();
    let mut errors: BTreeMap<&str, String> = BTreeMap::new();
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    for line in stdout.lines() {
        let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(name) = member_of(&message) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                compiled.insert(name, ());
                eprintln!(
                    "[{}/{}] {name} compiled ({:.0?})",
                    compiled.len(),
                    members.len(),
                    started.elapsed()
                );
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                // rustc ends with "aborting due to N previous errors"; the
                // first real error is the one worth reading.
                if !errors.contains_key(name) && !rendered.starts_with("error: aborting") {
                    eprintln!(
                        "[{}/{}] {name} FAILED",
                        compiled.len() + errors.len() + 1,
                        members.len()
                    );
                    errors.insert(name, rendered.trim_end().to_string());
                }
            }
            _ => {}
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for cargo: {e}"))?;
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() && errors.is_empty() {
        return Err(format!("cargo build failed ({status}):\n{stderr}"));
    }
    let mut failures: Vec<Failure> = errors
        .into_iter()
        .map(|(name, error)| (name.to_string(), error))
        .collect();
    for member in members {
        let name = member.name.as_str();
        if !compiled.contains_key(name) && !failures.iter().any(|(n, _)| n == name) {
            // Not built and no error of its own: a dependency failed first.
            failures.push((name.to_string(), "not built (see cargo's output)".into()));
        }
    }
    if failures.iter().any(|(_, e)| e.starts_with("not built")) {
        eprintln!("{stderr}");
    }
    Ok(Built {
        compiled: compiled.len(),
        failures,
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
