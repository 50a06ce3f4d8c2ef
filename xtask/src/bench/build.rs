//! `cargo xtask bench build --model PATH`: how long the crate generated from
//! a model takes to compile, next to the official `aws-sdk-ssm` client crate,
//! measured the same way in the same run.
//!
//! Each crate is built once so its dependencies are compiled, then cleaned
//! alone and built again with the clock running: the figure is that crate
//! alone, in debug and in release.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::{Options, Runtime};

use smithy_codegen::sync;

use crate::codegen_task::project_root;
use crate::{reject_rest, take_value};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let model = take_value(&mut args, "--model")?.ok_or("--model PATH is required")?;
    let sdk_version = take_value(&mut args, "--sdk-version")?.unwrap_or_else(|| "1".into());
    reject_rest(&args)?;
    let work = std::env::temp_dir().join(format!("xtask-bench-build-{}", std::process::id()));
    let generated = work.join("generated");
    let options = Options {
        crate_name: Some("generated-api".into()),
        runtime: Runtime::Path(project_root().join("runtime").display().to_string()),
        standalone: true,
        ..Options::default()
    };
    let synced = sync(Path::new(&model), &generated, &options, false)?;
    eprintln!("{}", synced.summary(&generated));
    let sdk = work.join("sdk");
    std::fs::create_dir_all(sdk.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        sdk.join("Cargo.toml"),
        format!(
            "[package]\nname = \"sdk-probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [dependencies]\naws-sdk-ssm = \"{sdk_version}\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(sdk.join("src/lib.rs"), "pub use aws_sdk_ssm;\n").map_err(|e| e.to_string())?;

    println!("{:<16} {:>10} {:>10}", "crate", "debug", "release");
    let ours = [
        time_alone(&generated, "generated-api", false)?,
        time_alone(&generated, "generated-api", true)?,
    ];
    println!("{:<16} {:>10.1?} {:>10.1?}", "generated", ours[0], ours[1]);
    let theirs = [
        time_alone(&sdk, "aws-sdk-ssm", false)?,
        time_alone(&sdk, "aws-sdk-ssm", true)?,
    ];
    println!(
        "{:<16} {:>10.1?} {:>10.1?}",
        "aws-sdk-ssm", theirs[0], theirs[1]
    );
    println!(
        "{:<16} {:>10.2} {:>10.2}",
        "ratio",
        ours[0].as_secs_f64() / theirs[0].as_secs_f64(),
        ours[1].as_secs_f64() / theirs[1].as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Builds `dir`, cleans `package` alone, and times building it again.
fn time_alone(dir: &Path, package: &str, release: bool) -> Result<Duration, String> {
    let target: PathBuf = dir.join("target");
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    cargo(dir, &target, &[&["build", "--quiet"], profile].concat())?;
    cargo(
        dir,
        &target,
        &[&["clean", "--quiet", "-p", package], profile].concat(),
    )?;
    let started = Instant::now();
    cargo(dir, &target, &[&["build", "--quiet"], profile].concat())?;
    Ok(started.elapsed())
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} failed in {}",
            args.join(" "),
            dir.display()
        ))
    }
}
