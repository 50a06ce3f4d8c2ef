//! `cargo xtask codegen`: writes generated crates, or checks them, through
//! the same library as the `smithy-codegen` command.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Options, Runtime};
use smithy_codegen::{absolute, local_runtime, options_for, parse_runtime, sync};

use crate::{reject_rest, take_flag, take_value};

/// The models this repository generates, and where to.
pub const CHECKED_IN: &[(&str, &str)] = &[
    ("models/ssm.json", "generated/ssm"),
    (
        "examples/greeter/model/greeter.smithy",
        "examples/greeter/api",
    ),
    (
        "examples/bookshelf/model/bookshelf.smithy",
        "examples/bookshelf/api",
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let check = take_flag(&mut args, "--check");
    let model = take_value(&mut args, "--model")?;
    let out = take_value(&mut args, "--out")?;
    let crate_name = take_value(&mut args, "--crate-name")?;
    let service = take_value(&mut args, "--service")?;
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
            if runtime.is_some() || service.is_some() {
                return Err("--runtime and --service go with --model and --out".into());
            }
            let mut stale = Vec::new();
            for (model, out) in CHECKED_IN {
                let options = Options {
                    crate_name: crate_name.clone(),
                    runtime: local_runtime(&root.join(out))?,
                    ..Options::default()
                };
                let out = root.join(out);
                let synced = sync(&root.join(model), &out, &options, check)?;
                synced.print_warnings();
                if !check {
                    eprintln!("{}", synced.summary(&out));
                }
                stale.extend(synced.stale);
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
            let mut options = options_for(&out, crate_name, runtime)?;
            options.service = service;
            let synced = sync(Path::new(&model), &out, &options, check)?;
            synced.print_warnings();
            if !check {
                eprintln!("{}", synced.summary(&out));
            } else if !synced.stale.is_empty() {
                return Err(format!(
                    "{} files under {} are out of date",
                    synced.stale.len(),
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
        let result = match &runtime {
            Some(runtime) => Ok(runtime.clone()),
            None => local_runtime(&crate_dir),
        }
        .and_then(|runtime| {
            let options = Options {
                runtime,
                standalone: true,
                ..Options::default()
            };
            sync(model, &crate_dir, &options, false)
        });
        match result {
            Ok(synced) => {
                eprintln!("{}", synced.summary(&crate_dir));
                synced.print_warnings();
            }
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

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
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
            let options = Options {
                runtime: local_runtime(&root.join(out)).unwrap(),
                ..Options::default()
            };
            let synced = sync(&root.join(model), &root.join(out), &options, true).unwrap();
            assert!(
                synced.stale.is_empty(),
                "stale generated files: {:?}; run `cargo xtask codegen`",
                synced.stale
            );
        }
    }
}
