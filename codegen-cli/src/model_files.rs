//! Finding and reading a model's files.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::load::SourceFile;

/// Reads `paths`: files as given, directories searched for `.smithy` and
/// `.json` files (in name order, so the result never depends on the
/// filesystem's).
pub fn read_model_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut found)?;
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    if found.is_empty() && !paths.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "no .smithy or .json model files in {}",
            names.join(", ")
        ));
    }
    found
        .iter()
        .map(|path| {
            fs::read_to_string(path)
                .map(|text| SourceFile::new(path.display().to_string(), text))
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })
        .collect()
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, found)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("smithy" | "json")
        ) {
            found.push(path);
        }
    }
    Ok(())
}
