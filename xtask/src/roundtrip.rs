//! `cargo xtask roundtrip`: a model written by `cargo xtask ast` and loaded
//! again is the model that was written. The IR is built from the loaded
//! model alone, so an equal model means the same IR and the same code.
//!
//! `cargo xtask roundtrip PATH...` checks one model made of all the files
//! named; `--each DIR` checks every JSON file of DIR as a model of its own.

use std::path::{Path, PathBuf};

use codegen::ast::write_json;
use codegen::load::{load, SourceFile};

use crate::ast_task::{model_paths, read_model_files};
use crate::model_diff::first_difference;
use crate::take_value;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let each = take_value(&mut args, "--each")?;
    let paths = model_paths(&mut args)?;
    let mut models: Vec<(String, Vec<SourceFile>)> = Vec::new();
    if let Some(dir) = each {
        for path in json_files(Path::new(&dir))? {
            models.push((
                path.display().to_string(),
                read_model_files(std::slice::from_ref(&path))?,
            ));
        }
    }
    if !paths.is_empty() {
        let name = format!("{} paths", paths.len());
        models.push((name, read_model_files(&paths)?));
    }
    if models.is_empty() {
        return Err(
            "usage: cargo xtask roundtrip [--each DIR] [--protocol-tests] [PATH...]".into(),
        );
    }
    let mut failures = Vec::new();
    for (name, files) in &models {
        if let Err(why) = round_trip(files) {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!(
        "{} of {} models load to the same model through their JSON AST",
        models.len() - failures.len(),
        models.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

fn round_trip(files: &[SourceFile]) -> Result<(), String> {
    let direct = load(files).map_err(|e| e.to_string())?;
    let written = write_json(&direct);
    let again = load(&[SourceFile::new("written.json", written)])
        .map_err(|e| format!("the written JSON AST does not load: {e}"))?;
    first_difference(&direct, &again)
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    Ok(files)
}
