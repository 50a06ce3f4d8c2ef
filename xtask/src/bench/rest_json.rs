//! `cargo xtask bench rest-json`: the restJson1 load scenario. Builds
//! `loadgen` in release (the Bookshelf example and the runtime's `serve`
//! with it) and runs `loadgen rest-json`, which measures a GetBook (a GET
//! with two labels, two query parameters and a header, answered with a
//! small JSON body) on the Bookshelf next to bare hyper answering the same
//! bytes, round by round, and prints the throughput and p99 ratios.
//! Options after `rest-json` go to `loadgen rest-json` as they are
//! (`--conns`, `--rounds`, `--warmup`, `--duration`, `--out`, `--work-dir`).

use std::path::PathBuf;
use std::process::Command;

use crate::codegen_task::project_root;

pub fn run(args: &[String]) -> Result<(), String> {
    let root = project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "-p", "loadgen"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building loadgen failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"));
    let loadgen = target.join("release/loadgen");
    let status = Command::new(&loadgen)
        .arg("rest-json")
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", loadgen.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("loadgen rest-json failed ({status})"))
    }
}
