//! `cargo xtask codegen`: writes generated crates, or checks them.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use codegen::load::load;
use codegen::{Model, Options, Runtime};

use crate::ast_task::read_model_files;

use crate::{reject_rest, take_flag, take_value};

/// The models this repository generates, and where to.
pub const CHECKED_IN: &[(&str, &str)] = &[
    ("models/ssm.json", "generated/ssm"),
    (
        "examples/greeter/model/greeter.smithy",
        "examples/greeter/api",
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let check = take_flag(&mut args, "--check");
    let model = take_value(&mut args, "--model")?;
    let out = take_value(&mut args, "--out")?;
    let crate_name = take_value(&mut args, "--crate-name")?;
    let all_models = take_value(&mut args, "--all-models")?;
    let runtime = take_value(&mut args, "--runtime")?.map(|r| parse_runtime(&r));
    reject_rest(&args)?;
    let root = project_root();
    if let Some(dir) = all_models {
        let out = out.ok_or("--all-models needs --out DIR")?;
        return generate_all(Path::new(&dir), &absolute(Path::new(&out)), runtime);
    }
    match (model, out) {
        (None, None) => {
            if runtime.is_some() {
                return Err("--runtime goes with --out".into());
            }
            let mut stale = Vec::new();
            for (model, out) in CHECKED_IN {
                let options = Options {
                    crate_name: crate_name.clone(),
                    runtime: local_runtime(&root.join(out)),
                    ..Options::default()
                };
                stale.extend(sync(&root.join(model), &root.join(out), &options, check)?);
            }
            if check && !stale.is_empty() {
                let list: Vec<String> = stale
                    .iter()
                    .map(|p| format!("  {}", display(&root, p)))
                    .collect();
                return Err(format!(
                    "generated code is out of date:\n{}\nrun `cargo xtask codegen` and commit the result",
                    list.join("\n")
                ));
            }
            Ok(())
        }
        (Some(model), Some(out)) => {
            let out = absolute(Path::new(&out));
            let options = Options {
                crate_name,
                runtime: runtime.unwrap_or_else(|| local_runtime(&out)),
                standalone: !inside_a_workspace(&out),
                ..Options::default()
            };
            let stale = sync(Path::new(&model), &out, &options, check)?;
            if check && !stale.is_empty() {
                return Err(format!(
                    "{} files under {} are out of date",
                    stale.len(),
                    out.display()
                ));
            }
            Ok(())
        }
        _ => Err("--model and --out go together".into()),
    }
}

/// Generates every `*.json` model in `dir` into `out/<model name>`, going on
/// past failures and listing them all at the end.
fn generate_all(dir: &Path, out: &Path, runtime: Option<Runtime>) -> Result<(), String> {
    let mut models: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    models.sort();
    let mut failures = Vec::new();
    for (index, model) in models.iter().enumerate() {
        let name = model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprint!("[{}/{}] {name}: ", index + 1, models.len());
        let crate_dir = out.join(&name);
        let options = Options {
            runtime: runtime.clone().unwrap_or_else(|| local_runtime(&crate_dir)),
            standalone: true,
            ..Options::default()
        };
        match sync(model, &crate_dir, &options, false) {
            Ok(_) => {}
            Err(message) => {
                eprintln!("FAILED: {message}");
                failures.push(message);
            }
        }
    }
    eprintln!(
        "{} of {} models generated",
        models.len() - failures.len(),
        models.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} models failed:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Generates `model` into `out`. Writes changed files and removes files no
/// longer produced, or with `check` only returns the paths that differ.
pub fn sync(
    model: &Path,
    out: &Path,
    options: &Options,
    check: bool,
) -> Result<Vec<PathBuf>, String> {
    let started = std::time::Instant::now();
    let files = generate(model, options)?;
    let stale = write_generated(out, &files, check)?;
    if !check {
        eprintln!(
            "generated {} files into {} ({} changed) in {:.2?}",
            files.len(),
            out.display(),
            stale.len(),
            started.elapsed()
        );
    }
    Ok(stale)
}

/// Writes `files` under `out` where they differ and removes generated files
/// no longer produced, or with `check` only returns the paths that differ.
pub fn write_generated(
    out: &Path,
    files: &std::collections::BTreeMap<PathBuf, String>,
    check: bool,
) -> Result<Vec<PathBuf>, String> {
    let mut stale = Vec::new();
    for (relative, contents) in files {
        let path = out.join(relative);
        if fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            stale.push(path.clone());
            if !check {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                fs::write(&path, contents)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    let produced: BTreeSet<PathBuf> = files.keys().map(|p| out.join(p)).collect();
    for leftover in generated_files(out) {
        if !produced.contains(&leftover) {
            stale.push(leftover.clone());
            if !check {
                fs::remove_file(&leftover)
                    .map_err(|e| format!("cannot remove {}: {e}", leftover.display()))?;
            }
        }
    }
    Ok(stale)
}

pub fn generate(
    model: &Path,
    options: &Options,
) -> Result<std::collections::BTreeMap<PathBuf, String>, String> {
    // A file or a directory of `.smithy` and `.json` files, in any mix.
    let files = read_model_files(&[model.to_path_buf()])?;
    let loaded = load(&files).map_err(|e| e.to_string())?;
    codegen::generate(&Model::from(&loaded), options)
        .map_err(|e| format!("{}: {e}", model.display()))
}

/// Files under `dir` that carry the generated-file header.
fn generated_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    pending.push(path);
                }
            } else if is_generated(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn is_generated(path: &Path) -> bool {
    let marker = "@generated by `cargo xtask codegen`";
    fs::read_to_string(path).is_ok_and(|text| {
        text.lines()
            .next()
            .is_some_and(|line| line.contains(marker))
    })
}

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Whether Cargo would look for `out`'s workspace in a directory above it:
/// then the crate must be one of that workspace's members, and an empty
/// `[workspace]` of its own would make Cargo refuse both.
fn inside_a_workspace(out: &Path) -> bool {
    resolved(out).ancestors().skip(1).any(|dir| {
        fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
    })
}

/// `--runtime`: a version requirement when it reads as one (`0.1`,
/// `^0.1.2`, `>=0.1, <0.3`), otherwise a path written as given, relative to
/// the generated crate as Cargo reads it (`./0.1` for a directory so named).
pub fn parse_runtime(value: &str) -> Runtime {
    let requirement = value.starts_with(|c: char| c.is_ascii_digit() || "^~=<>*".contains(c))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .,^~=<>*-+".contains(c));
    if requirement {
        Runtime::Version(value.to_string())
    } else {
        Runtime::Path(value.to_string())
    }
}

/// This checkout's runtime as seen from the crate directory `out`: a
/// relative path when the two share a directory below the filesystem root,
/// so the checkout can move (or the output be committed) without breaking
/// the crate; the absolute path otherwise, where `../..` up to `/` would be
/// no more portable.
pub fn local_runtime(out: &Path) -> Runtime {
    let runtime = project_root().join("runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    let path =
        relative_path(&resolved(out), &runtime).unwrap_or_else(|| runtime.display().to_string());
    Runtime::Path(path)
}

/// `to` as seen from the directory `from` (both absolute and free of
/// symbolic links), with `/` separators, which Cargo reads on every system;
/// `None` when they share nothing but the filesystem root.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let below_root = to[..shared]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    if !below_root {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".into(); from.len() - shared];
    parts.extend(
        to[shared..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// `path` made absolute, with `.`/`..` and symbolic links resolved as far as
/// it exists (the output directory usually does not yet).
fn resolved(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut existing = path.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut result = real;
            for part in missing.iter().rev() {
                match part {
                    Component::ParentDir => {
                        result.pop();
                    }
                    Component::CurDir => {}
                    other => result.push(other),
                }
            }
            return result;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                missing.push(last);
                existing = parent;
            }
            _ => return path,
        }
    }
}

pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_paths_are_relative_below_a_shared_directory() {
        let rel = |from: &str, to: &str| relative_path(Path::new(from), Path::new(to));
        assert_eq!(
            rel("/work/repo/generated/ssm", "/work/repo/runtime").as_deref(),
            Some("../../runtime")
        );
        assert_eq!(
            rel("/work/out/acm", "/work/repo/runtime").as_deref(),
            Some("../../repo/runtime")
        );
        assert_eq!(
            rel("/work/repo/runtime", "/work/repo/runtime").as_deref(),
            Some(".")
        );
        assert_eq!(rel("/tmp/out/acm", "/work/repo/runtime"), None);
    }

    #[test]
    fn an_output_directory_that_does_not_exist_yet_is_resolved() {
        let root = project_root().canonicalize().unwrap();
        let out = root.join("not-there/../also-not-there/crate");
        assert_eq!(local_runtime(&out), Runtime::Path("../../runtime".into()));
    }

    #[test]
    fn crates_below_a_workspace_get_no_workspace_of_their_own() {
        assert!(inside_a_workspace(&project_root().join("generated/new")));
        let alone = std::env::temp_dir().join(format!("xtask-alone-{}", std::process::id()));
        assert!(!inside_a_workspace(&alone.join("crate")));
    }

    #[test]
    fn runtime_option_reads_versions_and_paths() {
        for version in [
            "0.1",
            "^0.1.2",
            "~0.1",
            "=0.1.0",
            ">=0.1, <0.3",
            "0.1.0-alpha.1",
        ] {
            assert_eq!(parse_runtime(version), Runtime::Version(version.into()));
        }
        for path in [
            "../runtime",
            "/opt/awsjson-runtime",
            "./0.1",
            "runtime",
            r"C:\rt",
        ] {
            assert_eq!(parse_runtime(path), Runtime::Path(path.into()));
        }
    }

    /// `cargo test` fails when someone changes the model or the generator
    /// without regenerating, the way `cargo xtask codegen --check` does.
    #[test]
    fn checked_in_code_is_up_to_date() {
        let root = project_root();
        for (model, out) in CHECKED_IN {
            let options = Options {
                runtime: local_runtime(&root.join(out)),
                ..Options::default()
            };
            let stale = sync(&root.join(model), &root.join(out), &options, true).unwrap();
            assert!(
                stale.is_empty(),
                "stale generated files: {stale:?}; run `cargo xtask codegen`"
            );
        }
    }
}
