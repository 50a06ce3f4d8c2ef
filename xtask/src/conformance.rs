//! `cargo xtask conformance`: runs Smithy's own IDL loader test suite
//! (in `../shared`, not part of this repository) and reports pass counts:
//!
//! - `valid/**/X.smithy` loads to the same model as `X.json` (both with
//!   `valid/__shared.json`, whose shapes the suite uses as a dependency);
//! - `valid/mixins/X.smithy`, mixins flattened, equals `X.flattened.smithy`;
//! - `invalid/**/*.smithy` is rejected, and where its first comment names a
//!   line and column, the error names the same ones; `invalid/**/*.json` is
//!   rejected.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::ast::{AstModel, LoadError};
use codegen::load::{load, SourceFile};

use crate::ast_task::loader_suite;
use crate::known_failures::{self, KnownFailure};
use crate::model_diff::first_difference;
use crate::{reject_rest, take_flag, take_value};

/// Cases this loader cannot pass, each with the reason; they are run and
/// reported like the others, and CI fails only if one of them starts to
/// pass (so the list is kept true) or another case fails.
const KNOWN_FAILURES: &[KnownFailure] = &[(
    "valid/traits.smithy",
    "trait values 1.7976931348623157E+309 and 2e+308 are beyond an f64; the model holds trait values \
     as serde_json values, which cannot hold them without serde_json's `arbitrary_precision` \
     feature, and that feature would change number handling for every crate of the workspace, \
     the server's request parsing included. Both front ends reject the number with an error.",
)];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let verbose = take_flag(&mut args, "--verbose");
    let suite = match take_value(&mut args, "--suite")? {
        Some(dir) => PathBuf::from(dir),
        None => loader_suite()?,
    };
    reject_rest(&args)?;
    if !suite.is_dir() {
        return Err(format!(
            "{} not found: the loader suite comes from Smithy's repository (see ../shared)",
            suite.display()
        ));
    }
    let shared = read(&suite.join("valid/__shared.json"))?;
    let mut groups = Vec::new();
    let mut valid = Group::new("valid: X.smithy equals X.json");
    let mut flattened = Group::new("valid/mixins: X.smithy flattened equals X.flattened.smithy");
    for path in files(&suite.join("valid"), ".smithy")? {
        let name = relative(&suite, &path);
        if name.ends_with(".flattened.smithy") {
            continue;
        }
        let json = path.with_extension("json");
        if json.exists() {
            valid.record(&name, compare_with_json(&path, &json, &shared));
        }
        let flat = path.with_extension("flattened.smithy");
        if flat.exists() {
            flattened.record(&name, compare_flattened(&path, &flat));
        }
    }
    let mut invalid = Group::new("invalid: rejected at the line and column Smithy names");
    let (mut same_words, mut with_words) = (0, 0);
    for path in files(&suite.join("invalid"), ".smithy")? {
        invalid.record(&relative(&suite, &path), check_invalid(&path));
        if let Some(same) = same_message(&path) {
            with_words += 1;
            same_words += usize::from(same);
        }
    }
    let mut invalid_json = Group::new("invalid JSON AST: rejected");
    for path in files(&suite.join("invalid"), ".json")? {
        invalid_json.record(&relative(&suite, &path), check_invalid(&path));
    }
    groups.extend([valid, flattened, invalid, invalid_json]);
    let mut failures = Vec::new();
    for group in &groups {
        println!(
            "{:<62} {:>4} / {:<4} passed",
            group.name,
            group.passed,
            group.passed + group.failures.len()
        );
        for (case, why) in &group.failures {
            let what = if verbose {
                format!("\n       {}", why.replace('\n', "\n       "))
            } else {
                why.lines().next().unwrap_or_default().to_owned()
            };
            failures.push((case.clone(), what));
        }
    }
    // Informational: the suite asks for the place, not the wording.
    println!(
        "(of the {with_words} invalid cases whose comment quotes Smithy's message, {same_words} \
         are rejected in the same words)"
    );
    known_failures::report(&failures, KNOWN_FAILURES, "loader conformance")
}

struct Group {
    name: &'static str,
    passed: usize,
    failures: Vec<(String, String)>,
}

impl Group {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            passed: 0,
            failures: Vec::new(),
        }
    }

    fn record(&mut self, case: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(why) => self.failures.push((case.to_owned(), why)),
        }
    }
}

fn read(path: &Path) -> Result<SourceFile, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

fn load_files(files: Vec<SourceFile>) -> Result<AstModel, String> {
    load(&files).map_err(|e| e.to_string())
}

fn compare_with_json(smithy: &Path, json: &Path, shared: &SourceFile) -> Result<(), String> {
    let from_idl =
        load_files(vec![read(smithy)?, shared.clone()]).map_err(|e| format!("IDL: {e}"))?;
    let from_json =
        load_files(vec![read(json)?, shared.clone()]).map_err(|e| format!("JSON: {e}"))?;
    first_difference(&from_idl, &from_json)
}

fn compare_flattened(smithy: &Path, flattened: &Path) -> Result<(), String> {
    let mixed = load_files(vec![read(smithy)?])?.flatten_mixins();
    let flat = load_files(vec![read(flattened)?])?.flatten_mixins();
    first_difference(&mixed, &flat)
}

fn check_invalid(path: &Path) -> Result<(), String> {
    let file = read(path)?;
    let expected = expected_position(&file.text);
    match load(&[file]) {
        Ok(_) => Err("loaded without error".into()),
        Err(error) => match expected {
            None => Ok(()),
            Some((line, column)) => position_matches(&error, line, column),
        },
    }
}

/// Whether the error says what the case's first comment quotes (`None`
/// when the comment quotes nothing or the file loads).
fn same_message(path: &Path) -> Option<bool> {
    let file = read(path).ok()?;
    let comment = file.text.lines().next()?.strip_prefix("//")?.trim();
    let quoted = comment.split(" | ").next()?;
    let quoted = match quoted.find("column ") {
        Some(i) => quoted[i..].split_once(": ").map_or("", |(_, rest)| rest),
        None => quoted,
    };
    let quoted = quoted.trim().to_owned();
    if quoted.is_empty() || quoted.starts_with('^') {
        return None;
    }
    let error = load(&[file]).err()?;
    Some(error.message.contains(&quoted))
}

fn position_matches(error: &LoadError, line: u32, column: Option<u32>) -> Result<(), String> {
    let Some(location) = &error.location else {
        return Err(format!(
            "expected line {line}, error has no location: {error}"
        ));
    };
    let same = location.line == line && column.is_none_or(|c| c == location.column);
    if same {
        Ok(())
    } else {
        let want = match column {
            Some(c) => format!("{line}:{c}"),
            None => line.to_string(),
        };
        Err(format!("expected at {want}, got {error}"))
    }
}

/// `// Syntax error at line 4, column 16: …` → (4, Some(16)).
fn expected_position(text: &str) -> Option<(u32, Option<u32>)> {
    let comment = text.lines().next()?.strip_prefix("//")?;
    let after = &comment[comment.find("at line ")? + "at line ".len()..];
    let line_digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    let line = line_digits.parse().ok()?;
    let column = after
        .find("column ")
        .map(|i| &after[i + "column ".len()..])
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
    Some((line, column))
}

fn files(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
