//! `cargo xtask codegen`: writes generated crates, or checks them.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::load::load;
use codegen::{Model, Options};

use crate::ast_task::read_model_files;

use crate::{reject_rest, take_flag, take_value};

/// The models this repository generates, and where to.
pub const CHECKED_IN: &[(&str, &str)] = &[("models/ssm.json", "generated/ssm")];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let check = take_flag(&mut args, "--check");
    let model = take_value(&mut args, "--model")?;
    let out = take_value(&mut args, "--out")?;
    let crate_name = take_value(&mut args, "--crate-name")?;
    let all_models = take_value(&mut args, "--all-models")?;
    reject_rest(&args)?;
    let root = project_root();
    if let Some(dir) = all_models {
        let out = out.ok_or("--all-models needs --out DIR")?;
        return generate_all(Path::new(&dir), &absolute(Path::new(&out)), &root);
    }
    match (model, out) {
        (None, None) => {
            let mut stale = Vec::new();
            for (model, out) in CHECKED_IN {
                let options = Options {
                    crate_name: crate_name.clone(),
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
                runtime_path: root.join("runtime").display().to_string(),
                standalone: !out.starts_with(&root),
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
fn generate_all(dir: &Path, out: &Path, root: &Path) -> Result<(), String> {
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
        let options = Options {
            runtime_path: root.join("runtime").display().to_string(),
            standalone: true,
            ..Options::default()
        };
        match sync(model, &out.join(&name), &options, false) {
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
    let mut stale = Vec::new();
    for (relative, contents) in &files {
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

fn absolute(path: &Path) -> PathBuf {
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

    /// `cargo test` fails when someone changes the model or the generator
    /// without regenerating, the way `cargo xtask codegen --check` does.
    #[test]
    fn checked_in_code_is_up_to_date() {
        let root = project_root();
        for (model, out) in CHECKED_IN {
            let stale = sync(
                &root.join(model),
                &root.join(out),
                &Options::default(),
                true,
            )
            .unwrap();
            assert!(
                stale.is_empty(),
                "stale generated files: {stale:?}; run `cargo xtask codegen`"
            );
        }
    }
}
