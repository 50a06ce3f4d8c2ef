//! `cargo xtask ast [--out FILE] PATH...`: loads Smithy files (IDL or JSON
//! AST; directories are searched recursively) and writes the model as one
//! JSON AST document, as `smithy ast` does.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::load::load;
pub use smithy_codegen::read_model_files;

use crate::codegen_task::project_root;
use crate::{take_flag, take_value};

const SMITHY: &str = "../shared/reference/smithy";

const LOADER_SUITE: &str = "../shared/reference/smithy/smithy-model/src/test/resources/software/amazon/smithy/model/loader";

/// Trait definitions the protocol compliance tests use, as Smithy ships them.
const TRAIT_PACKAGES: &[&str] = &[
    "smithy-aws-traits",
    "smithy-protocol-test-traits",
    "smithy-protocol-traits",
    "smithy-validation-model",
    "smithy-waiters",
    "smithy-aws-iam-traits",
    "smithy-aws-endpoints",
    "smithy-rules-engine",
];

/// The trait definition packages, from `../shared`.
pub fn trait_packages() -> Result<Vec<PathBuf>, String> {
    let smithy = project_root().join(SMITHY);
    if !smithy.is_dir() {
        return Err(format!(
            "{} not found (it comes with ../shared)",
            smithy.display()
        ));
    }
    Ok(TRAIT_PACKAGES.iter().map(|p| smithy.join(p)).collect())
}

/// Smithy's own IDL loader test suite (`valid/` and `invalid/`).
pub fn loader_suite() -> Result<PathBuf, String> {
    let suite = project_root().join(LOADER_SUITE);
    if suite.is_dir() {
        Ok(suite)
    } else {
        Err(format!(
            "{} not found (it comes with ../shared)",
            suite.display()
        ))
    }
}

/// Smithy's protocol compliance test package with the trait definitions it
/// uses: what `--protocol-tests` names.
pub fn protocol_test_package() -> Result<Vec<PathBuf>, String> {
    protocol_test_package_in(&project_root().join(SMITHY))
}

/// The same, from a copy of Smithy's sources at `smithy`.
pub fn protocol_test_package_in(smithy: &Path) -> Result<Vec<PathBuf>, String> {
    if !smithy.is_dir() {
        return Err(format!("{} not found", smithy.display()));
    }
    let mut paths: Vec<PathBuf> = TRAIT_PACKAGES.iter().map(|p| smithy.join(p)).collect();
    paths.push(smithy.join("smithy-aws-protocol-tests/model"));
    Ok(paths)
}

/// The paths named on the command line, plus the protocol test package
/// when `--protocol-tests` is given.
pub fn model_paths(args: &mut Vec<String>) -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    if take_flag(args, "--protocol-tests") {
        paths = protocol_test_package()?;
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
        return Err(format!("unknown option `{flag}`; see `cargo xtask help`"));
    }
    paths.extend(args.drain(..).map(PathBuf::from));
    Ok(paths)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let out = take_value(&mut args, "--out")?;
    let paths = model_paths(&mut args)?;
    if paths.is_empty() {
        return Err("usage: cargo xtask ast [--out FILE] [--protocol-tests] PATH...".into());
    }
    let files = read_model_files(&paths)?;
    let model = load(&files).map_err(|e| e.to_string())?;
    let json = codegen::ast::write_json(&model);
    match out {
        Some(out) => fs::write(&out, json).map_err(|e| format!("cannot write {out}: {e}")),
        None => {
            print!("{json}");
            Ok(())
        }
    }
}
