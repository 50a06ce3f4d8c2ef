//! `cargo xtask bench load`: how long the loader takes, from texts in memory
//! to an assembled model. By default it times the sets BENCHMARKS.md names,
//! from `../shared`: the protocol compliance test package as one model, and
//! Smithy's loader suite with each file loaded as a model of its own.

use std::path::PathBuf;
use std::time::Instant;

use codegen::load::{load, SourceFile};

use super::median;
use crate::ast_task::{loader_suite, protocol_test_package, read_model_files, trait_packages};
use crate::take_value;

/// What one timed run loads.
enum Set {
    /// All files as one model, which must load.
    Whole(Vec<SourceFile>),
    /// Every file as a model of its own; some are meant to fail.
    EachFile(Vec<SourceFile>),
}

impl Set {
    fn files(&self) -> &[SourceFile] {
        match self {
            Set::Whole(files) | Set::EachFile(files) => files,
        }
    }

    /// Loads once; the number of shapes loaded (prelude included) and of
    /// files rejected.
    fn load_once(&self, name: &str) -> Result<(usize, usize), String> {
        match self {
            Set::Whole(files) => {
                let model = load(files).map_err(|e| format!("{name}: {e}"))?;
                Ok((model.shapes.len(), 0))
            }
            Set::EachFile(files) => {
                let (mut shapes, mut rejected) = (0, 0);
                for file in files {
                    match load(std::slice::from_ref(file)) {
                        Ok(model) => shapes += model.shapes.len(),
                        Err(_) => rejected += 1,
                    }
                }
                Ok((shapes, rejected))
            }
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let iterations: usize = match take_value(&mut args, "--iterations")? {
        Some(n) => n
            .parse()
            .map_err(|_| format!("--iterations: `{n}` is not a number"))?,
        None => 20,
    };
    let mut sets: Vec<(String, Set)> = Vec::new();
    if args.is_empty() {
        let protocol = read_model_files(&protocol_test_package()?)?;
        sets.push(("protocol tests + traits".into(), Set::Whole(protocol)));
        let traits = read_model_files(&trait_packages()?)?;
        sets.push(("trait definitions only".into(), Set::Whole(traits)));
        let suite = read_model_files(&[loader_suite()?])?;
        sets.push(("loader suite, file by file".into(), Set::EachFile(suite)));
    } else {
        for path in &args {
            if path.starts_with("--") {
                return Err(format!("unknown option `{path}`"));
            }
            let files = read_model_files(&[PathBuf::from(path)])?;
            sets.push((path.clone(), Set::Whole(files)));
        }
    }
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "set", "files", "bytes", "median", "min", "shapes", "rejected"
    );
    for (name, set) in &sets {
        let bytes: usize = set.files().iter().map(|f| f.text.len()).sum();
        let mut times = Vec::with_capacity(iterations);
        let mut counts = (0, 0);
        for _ in 0..iterations {
            let started = Instant::now();
            counts = set.load_once(name)?;
            times.push(started.elapsed());
        }
        let min = *times.iter().min().unwrap_or(&Default::default());
        println!(
            "{name:<28} {:>6} {bytes:>10} {:>10.2?} {min:>10.2?} {:>8} {:>8}",
            set.files().len(),
            median(&mut times),
            counts.0,
            counts.1,
        );
    }
    println!(
        "(median and minimum of {iterations} runs each; shapes include the prelude's, once per model)"
    );
    Ok(())
}
