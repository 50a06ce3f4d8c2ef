//! `smithy-codegen`: a Smithy model in, a Rust service crate out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smithy_codegen::{absolute, options_for, parse_runtime, sync};

/// Generates a Rust crate for an awsJson 1.0/1.1 service from its Smithy
/// model: the API's types, validation of every constraint trait, and one
/// async trait to implement with a dispatcher that routes requests to it.
#[derive(Parser)]
#[command(name = "smithy-codegen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate (or with --check, verify) a crate from a model.
    ///
    /// Writes only files that change and removes generated files the model
    /// no longer produces; files without the `@generated` header are never
    /// overwritten or removed.
    #[command(after_help = "\
Exit status: 0 when done (or, with --check, up to date); 1 when --check finds
stale files; 2 on an error (bad arguments, a model that does not load).

Examples:
  smithy-codegen generate --model model/greeter.smithy --out crates/greeter-api
  smithy-codegen generate --model model/ --out crates/greeter-api --check")]
    Generate {
        /// The model: a .smithy (IDL 2.0 or 1.0) or .json (JSON AST) file,
        /// or a directory searched for both.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// The crate directory to write (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The generated package's name. Default: from the service's sdkId
        /// or name, e.g. `greeter-api`.
        #[arg(long, value_name = "NAME")]
        crate_name: Option<String>,
        /// The service to generate when the model has several (its absolute
        /// shape id, e.g. `example.greeter#Greeter`).
        #[arg(long, value_name = "SHAPE_ID")]
        service: Option<String>,
        /// Where the crate gets `smithy-runtime`: a version requirement
        /// (`0.1`, `^0.1.2`) for a published runtime, or a path as Cargo reads
        /// it, relative to the generated crate (`./0.1` for a directory so
        /// named). Default: the runtime/ of the checkout this command was
        /// installed from, by a relative path when both share a directory.
        /// Give it whenever the crate is committed and checked in CI, so the
        /// manifest does not depend on where the command was installed.
        #[arg(long, value_name = "VERSION|PATH")]
        runtime: Option<String>,
        /// Write nothing: list the files that would change and exit with 1 if
        /// there are any, for a drift check in CI.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let Command::Generate {
        model,
        out,
        crate_name,
        service,
        runtime,
        check,
    } = Cli::parse().command;
    match generate(&model, &out, crate_name, service, runtime, check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Whether the crate is (or now is) up to date.
fn generate(
    model: &Path,
    out: &Path,
    crate_name: Option<String>,
    service: Option<String>,
    runtime: Option<String>,
    check: bool,
) -> Result<bool, String> {
    if out.is_file() {
        return Err(format!(
            "--out {} is a file, not a directory",
            out.display()
        ));
    }
    let absolute_out = absolute(out);
    let mut options = options_for(
        &absolute_out,
        crate_name,
        runtime.as_deref().map(parse_runtime),
    )?;
    options.service = service;
    let synced = sync(model, &absolute_out, &options, check)?;
    synced.print_warnings();
    // Paths as the user wrote them read better than absolute ones.
    let shown = |path: &Path| {
        path.strip_prefix(&absolute_out)
            .map(|relative| out.join(relative))
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string()
    };
    if !check {
        eprintln!("{}", synced.summary(out));
        return Ok(true);
    }
    if synced.stale.is_empty() {
        eprintln!(
            "{} is up to date ({} files checked in {:.2?})",
            out.display(),
            synced.files,
            synced.elapsed
        );
        return Ok(true);
    }
    for path in &synced.stale {
        println!("{}", shown(path));
    }
    let (count, verb) = match synced.stale.len() {
        1 => ("1 file".to_owned(), "is"),
        n => (format!("{n} files"), "are"),
    };
    eprintln!(
        "{count} under {} {verb} out of date; run the same command without --check",
        out.display()
    );
    Ok(false)
}
