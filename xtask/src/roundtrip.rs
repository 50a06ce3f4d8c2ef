//! `cargo xtask roundtrip`: a model written by `cargo xtask ast` and loaded
//! again is the model that was written. The IR is built from the loaded
//! model alone, so an equal model means the same IR and the same code.
//!
//! `cargo xtask roundtrip PATH...` checks one model made of all the files
//! named; `--each DIR` checks every JSON file of DIR as a model of its own.

use std::path::{Path, PathBuf};

use codegen::ast::{write_json, AstModel};
use codegen::load::{load, SourceFile};

use crate::ast_task::read_model_files;
use crate::take_value;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let each = take_value(&mut args, "--each")?;
    if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
        return Err(format!("unknown option `{flag}`; see `cargo xtask help`"));
    }
    let mut models: Vec<(String, Vec<SourceFile>)> = Vec::new();
    if let Some(dir) = each {
        for path in json_files(Path::new(&dir))? {
            models.push((
                path.display().to_string(),
                read_model_files(std::slice::from_ref(&path))?,
            ));
        }
    }
    if !args.is_empty() {
        let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
        models.push((args.join(" "), read_model_files(&paths)?));
    }
    if models.is_empty() {
        return Err("usage: cargo xtask roundtrip [--each DIR] [PATH...]".into());
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

fn first_difference(direct: &AstModel, again: &AstModel) -> Result<(), String> {
    if direct == again {
        return Ok(());
    }
    if direct.metadata != again.metadata {
        return Err("metadata differs".into());
    }
    for (id, shape) in &direct.shapes {
        if again.shapes.get(id) != Some(shape) {
            return Err(format!(
                "{id} differs:\n  {shape:?}\n  {:?}",
                again.shapes.get(id)
            ));
        }
    }
    Err("the JSON AST has shapes the model does not".into())
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
