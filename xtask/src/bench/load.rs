//! `cargo xtask bench load`: how long the loader takes on whole Smithy
//! packages (IDL and JSON), from text in memory to an assembled model.
//! By default it times the sets named in BENCHMARKS.md, from `../shared`.

use std::path::PathBuf;
use std::time::Instant;

use codegen::load::{load, SourceFile};

use super::median;
use crate::ast_task::{protocol_test_package, read_model_files, trait_packages};
use crate::take_value;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let iterations: usize = match take_value(&mut args, "--iterations")? {
        Some(n) => n
            .parse()
            .map_err(|_| format!("--iterations: `{n}` is not a number"))?,
        None => 20,
    };
    let mut sets: Vec<(String, Vec<SourceFile>)> = Vec::new();
    if args.is_empty() {
        let protocol = protocol_test_package()?;
        sets.push((
            "protocol tests + traits".into(),
            read_model_files(&protocol)?,
        ));
        sets.push((
            "trait definitions only".into(),
            read_model_files(&trait_packages()?)?,
        ));
    } else {
        for path in &args {
            if path.starts_with("--") {
                return Err(format!("unknown option `{path}`"));
            }
            sets.push((path.clone(), read_model_files(&[PathBuf::from(path)])?));
        }
    }
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>10} {:>8}",
        "set", "files", "bytes", "median", "min", "shapes"
    );
    for (name, files) in &sets {
        let bytes: usize = files.iter().map(|f| f.text.len()).sum();
        let mut times = Vec::with_capacity(iterations);
        let mut shapes = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            let model = load(files).map_err(|e| format!("{name}: {e}"))?;
            times.push(started.elapsed());
            shapes = model.shapes.len();
        }
        let min = *times.iter().min().unwrap_or(&Default::default());
        println!(
            "{name:<28} {:>6} {bytes:>10} {:>10.2?} {min:>10.2?} {shapes:>8}",
            files.len(),
            median(&mut times),
        );
    }
    println!(
        "(median and minimum of {iterations} runs each; prelude shapes included in the count)"
    );
    Ok(())
}
