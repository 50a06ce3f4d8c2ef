//! Where a generated crate finds `smithy-runtime`, and the paths that
//! decides.

use std::fs;
use std::path::{Component, Path, PathBuf};

use codegen::Runtime;

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

/// The `runtime/` directory of the checkout this generator was built from.
/// `cargo install --path` builds in place, so it stays there after
/// installation unless the checkout is moved or deleted.
pub fn checkout_runtime() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    root.join("runtime")
}

/// The checkout's runtime as seen from the crate directory `out`: a
/// relative path when the two share a directory below the filesystem root,
/// so the checkout can move (or the output be committed) without breaking
/// the crate; the absolute path otherwise, where `../..` up to `/` would be
/// no more portable.
pub fn local_runtime(out: &Path) -> Result<Runtime, String> {
    let runtime = checkout_runtime();
    let Ok(runtime) = runtime.canonicalize() else {
        return Err(format!(
            "the smithy-runtime sources this generator was built with ({}) are gone; \
             pass --runtime with a path to them or a version requirement",
            runtime.display()
        ));
    };
    let path =
        relative_path(&resolved(out), &runtime).unwrap_or_else(|| runtime.display().to_string());
    Ok(Runtime::Path(path))
}

/// Whether Cargo would look for `out`'s workspace in a directory above it:
/// then the crate must be one of that workspace's members, and an empty
/// `[workspace]` of its own would make Cargo refuse both.
pub fn inside_a_workspace(out: &Path) -> bool {
    resolved(out).ancestors().skip(1).any(|dir| {
        fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
    })
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

/// `path` made absolute against the current directory.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
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
        let root = checkout_runtime().parent().unwrap().canonicalize().unwrap();
        let out = root.join("not-there/../also-not-there/crate");
        assert_eq!(
            local_runtime(&out),
            Ok(Runtime::Path("../../runtime".into()))
        );
    }

    #[test]
    fn crates_below_a_workspace_get_no_workspace_of_their_own() {
        let root = checkout_runtime().parent().unwrap().to_path_buf();
        assert!(inside_a_workspace(&root.join("generated/new")));
        let alone = tempfile::tempdir().unwrap();
        assert!(!inside_a_workspace(&alone.path().join("crate")));
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
            "/opt/smithy-runtime",
            "./0.1",
            "runtime",
            r"C:\rt",
        ] {
            assert_eq!(parse_runtime(path), Runtime::Path(path.into()));
        }
    }
}
