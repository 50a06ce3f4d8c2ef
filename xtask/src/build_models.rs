//! `cargo xtask build-models`: every official model generated, counted by
//! protocol, and compiled with warnings denied (all of them, or a sample
//! given with `--compile`), as members of one workspace so the runtime and
//! the dependencies compile once and Cargo keeps both cores busy across
//! crates.
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

use codegen::load::load;
use codegen::{Model, Options};
use serde_json::Value;

use smithy_codegen::{absolute, local_runtime, read_model_files, write_generated};

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

/// One model's generation: the protocol of its service (known even when
/// generating fails), and its crate or why there is none.
struct Generated {
    protocol: Option<&'static str>,
    result: Result<Member, Failure>,
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
    let sample: Option<Vec<String>> = take_value(&mut args, "--compile")?.map(|names| {
        names
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    });
    reject_rest(&args)?;

    let started = Instant::now();
    let paths = model_files(&models)?;
    let total = paths.len();
    if let Some(sample) = &sample {
        let stems: Vec<String> = paths.iter().map(|path| stem(path)).collect();
        if let Some(missing) = sample.iter().find(|name| !stems.contains(name)) {
            return Err(format!(
                "--compile names `{missing}`, but there is no {missing}.json in {}",
                models.display()
            ));
        }
    }
    eprintln!(
        "generating {total} models from {} into {}",
        models.display(),
        out.display()
    );
    let generated = generate_members(&paths, &out, jobs);
    let mut by_protocol: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for Generated { protocol, result } in generated {
        let count = by_protocol
            .entry(protocol.unwrap_or("unrecognised-protocol"))
            .or_default();
        count.1 += 1;
        match result {
            Ok(member) => {
                count.0 += 1;
                members.push(member);
            }
            Err(failure) => {
                eprintln!("generation FAILED {}: {}", failure.0, failure.1);
                failures.push(failure);
            }
        }
    }
    eprintln!(
        "{} of {total} generated in {:.0?}",
        members.len(),
        started.elapsed()
    );
    let generation_failures = failures.len();
    // All generated ones, or those of the sample that generated.
    let to_compile = sample.as_ref().map_or(total, Vec::len);
    if let Some(sample) = &sample {
        members.retain(|member| sample.contains(&member.name));
    }
    let (members, clashes) = distinct_packages(members);
    failures.extend(clashes);
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
    for (protocol, (generated, total)) in &by_protocol {
        println!("{generated}/{total} {protocol} models generated");
    }
    let compiled_line = match &sample {
        Some(_) => "of the sample compiled",
        None => "compiled",
    };
    println!(
        "{compiled}/{to_compile} {compiled_line} (warnings denied) in {:.0?}",
        started.elapsed()
    );
    let mut problems = Vec::new();
    if generation_failures > 0 {
        problems.push(format!(
            "{generation_failures} of {total} models did not generate"
        ));
    }
    if compiled < to_compile {
        problems.push(format!(
            "{} of {to_compile} crates did not compile",
            to_compile - compiled
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// A model file's stem: its name in every line printed, and its member's
/// directory.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
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
/// Returns each model's generation, in model order.
fn generate_members(paths: &[PathBuf], out: &Path, jobs: Option<usize>) -> Vec<Generated> {
    let threads = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(Into::into))
        .unwrap_or(1)
        .min(paths.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Generated>> = Mutex::default();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else { break };
                let generated = generate_member(path, out);
                results.lock().unwrap().insert(index, generated);
            });
        }
    });
    results.into_inner().unwrap().into_values().collect()
}

/// Package names come from each service's sdkId; two models of one service
/// in the workspace would make it unloadable, so the later one is left out
/// as a failure.
fn distinct_packages(members: Vec<Member>) -> (Vec<Member>, Vec<Failure>) {
    let mut seen = BTreeMap::new();
    let mut failures = Vec::new();
    let mut distinct = Vec::new();
    for member in members {
        match seen.insert(member.package.clone(), member.name.clone()) {
            None => distinct.push(member),
            Some(first) => failures.push((
                member.name.clone(),
                format!("package name `{}` is also {first}'s", member.package),
            )),
        }
    }
    (distinct, failures)
}

fn generate_member(path: &Path, out: &Path) -> Generated {
    let name = stem(path);
    let options = Options {
        // A member of the workspace written below, not a workspace of its own.
        standalone: false,
        ..Options::default()
    };
    let model = read_model_files(&[path.to_path_buf()])
        .and_then(|files| load(&files).map_err(|e| e.to_string()))
        .map(|loaded| Model::from(&loaded));
    let (protocol, package) = match model {
        Ok(model) => (
            codegen::protocol_family(&model, &options),
            write_member(&model, options, &out.join(&name))
                .map_err(|e| format!("{}: {e}", path.display())),
        ),
        Err(message) => (None, Err(message)),
    };
    Generated {
        protocol,
        result: match package {
            Ok(package) => Ok(Member { name, package }),
            Err(message) => Err((name, message)),
        },
    }
}

/// Generates `model` into `dir`; returns the crate's package name.
fn write_member(model: &Model, options: Options, dir: &Path) -> Result<String, String> {
    let options = Options {
        runtime: local_runtime(dir)?,
        ..options
    };
    let files = codegen::generate(model, &options).map_err(|e| e.to_string())?;
    write_generated(dir, &files, false)?;
    let manifest = files
        .get(Path::new("Cargo.toml"))
        .ok_or("no Cargo.toml generated")?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|quoted| quoted.trim_matches('"').to_string())
        .ok_or_else(|| "no package name in the generated Cargo.toml".into())
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
