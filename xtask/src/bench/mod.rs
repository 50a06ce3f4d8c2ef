//! `cargo xtask bench codegen`: how long loading, generating and formatting
//! take, per model. Run it in release (`cargo xtask` builds xtask with the
//! dev profile; the alias `cargo xtask-release` is for timing). `bench
//! build`, `bench load` and `bench rest-json` are in the modules below.

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::{Model, Options};

mod build;
mod load;
mod rest_json;

use crate::codegen_task::project_root;
use crate::{reject_rest, take_value};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    match args.first().map(String::as_str) {
        Some("codegen") => {}
        Some("build") => return build::run(&args[1..]),
        Some("load") => return load::run(&args[1..]),
        Some("rest-json") => return rest_json::run(&args[1..]),
        _ => {
            return Err(
                "usage: cargo xtask bench codegen [--model PATH]... [--iterations N]\n       \
                        cargo xtask bench build --model PATH [--sdk-version V]\n       \
                        cargo xtask bench load [--iterations N] [PATH]...\n       \
                        cargo xtask bench rest-json [--conns N] [--rounds N] [--warmup S] [--duration S]"
                    .into(),
            )
        }
    }
    args.remove(0);
    let iterations: usize = match take_value(&mut args, "--iterations")? {
        Some(n) => n
            .parse()
            .map_err(|_| format!("--iterations: `{n}` is not a number"))?,
        None => 10,
    };
    let mut models = vec![project_root().join("models/ssm.json").display().to_string()];
    while let Some(model) = take_value(&mut args, "--model")? {
        models.push(model);
    }
    reject_rest(&args)?;
    println!(
        "{:<40} {:>10} {:>10} {:>10} {:>8} {:>10}",
        "model", "load", "generate", "total", "files", "bytes"
    );
    for model in &models {
        let text =
            std::fs::read_to_string(model).map_err(|e| format!("cannot read {model}: {e}"))?;
        let mut load = Vec::new();
        let mut generate = Vec::new();
        let mut output = (0, 0);
        for _ in 0..iterations {
            let started = Instant::now();
            let parsed = Model::from_json(&text).map_err(|e| format!("{model}: {e}"))?;
            let loaded = Instant::now();
            let files = codegen::generate(&parsed, &Options::default())
                .map_err(|e| format!("{model}: {e}"))?;
            generate.push(loaded.elapsed());
            load.push(loaded - started);
            output = (files.len(), files.values().map(String::len).sum::<usize>());
        }
        let name = Path::new(model)
            .file_name()
            .map_or(model.clone(), |n| n.to_string_lossy().into_owned());
        let (l, g) = (median(&mut load), median(&mut generate));
        println!(
            "{name:<40} {l:>10.2?} {g:>10.2?} {:>10.2?} {:>8} {:>10}",
            l + g,
            output.0,
            output.1
        );
    }
    println!("(median of {iterations} runs each)");
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
