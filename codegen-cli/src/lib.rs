//! What a generator run does around the pure [`codegen`] core: reads the
//! model files, picks the options a crate directory needs, and writes the
//! generated files or checks them. The `smithy-codegen` command and
//! `cargo xtask codegen` both run through here.

mod model_files;
mod output;
mod runtime;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use codegen::load::load;
use codegen::{Model, Options, Runtime};

pub use model_files::read_model_files;
pub use output::{is_generated, write_generated};
pub use runtime::{absolute, checkout_runtime, inside_a_workspace, local_runtime, parse_runtime};

/// Generates `model` (a `.smithy` or `.json` file, or a directory of them)
/// in memory: its files and warnings.
pub fn generate(model: &Path, options: &Options) -> Result<codegen::Crate, String> {
    let files = read_model_files(&[model.to_path_buf()])?;
    let loaded = load(&files).map_err(|e| e.to_string())?;
    codegen::generate_crate(&Model::from(&loaded), options)
        .map_err(|e| format!("{}: {e}", model.display()))
}

/// The options for a crate generated into `out`: the runtime as given, or
/// else the runtime sources next to this generator's, and a `[workspace]`
/// of its own unless a workspace above `out` will take it in.
pub fn options_for(
    out: &Path,
    crate_name: Option<String>,
    runtime: Option<Runtime>,
) -> Result<Options, String> {
    let runtime = match runtime {
        Some(runtime) => runtime,
        None => local_runtime(out)?,
    };
    Ok(Options {
        crate_name,
        runtime,
        standalone: !inside_a_workspace(out),
        ..Options::default()
    })
}

/// What one run did or, with `check`, found.
#[derive(Debug)]
pub struct Synced {
    /// Files the model generates.
    pub files: usize,
    /// Files written or removed; with `check`, those that differ.
    pub stale: Vec<PathBuf>,
    pub elapsed: Duration,
    /// What the crate leaves out, one line each (see [`codegen::Crate`]).
    pub warnings: Vec<String>,
}

/// Generates `model` into `out`: writes the files that differ and removes
/// generated files no longer produced, or with `check` only finds them.
pub fn sync(model: &Path, out: &Path, options: &Options, check: bool) -> Result<Synced, String> {
    let started = Instant::now();
    let generated = generate(model, options)?;
    let stale = write_generated(out, &generated.files, check)?;
    Ok(Synced {
        files: generated.files.len(),
        stale,
        elapsed: started.elapsed(),
        warnings: generated.warnings,
    })
}

impl Synced {
    /// Prints each warning to stderr, `warning: ` first, as cargo does.
    pub fn print_warnings(&self) {
        for warning in &self.warnings {
            eprintln!("warning: {warning}");
        }
    }

    /// The line a run prints when it wrote into `out`.
    pub fn summary(&self, out: &Path) -> String {
        format!(
            "generated {} files into {} ({} changed) in {:.2?}",
            self.files,
            out.display(),
            self.stale.len(),
            self.elapsed
        )
    }
}
