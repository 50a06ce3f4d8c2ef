//! `cargo xtask …`: the project's automation, kept dependency-light so it
//! builds fast (arguments are parsed by hand for that reason).

mod ast_task;
mod bench;
mod build_models;
mod codegen_task;
mod conformance;
mod known_failures;
mod model_diff;
mod protocol_tests;
mod roundtrip;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  codegen              Regenerate generated/ssm from models/ssm.json
      --check          Do not write; fail and list every stale file
      --model PATH     Generate this model instead: a .smithy (IDL) or .json
                       (JSON AST) file, or a directory of them
      --out DIR        Write the crate into DIR (with --model)
      --crate-name N   Package name of the generated crate
      --service ID     The service to generate when the model has several
                       (absolute shape id; with --model)
      --all-models DIR Generate every *.json model in DIR into --out DIR/<name>
      --runtime R      The smithy-runtime dependency of the crate (with --out):
                       a version requirement (0.1, ^0.1.2) for a published
                       runtime, or a path as Cargo reads it, relative to the
                       generated crate (./0.1 for a directory so named).
                       Default: this checkout's runtime/, by a relative path
                       when the crate and it share a directory below /
  build-models         Generate every official model and build the crates
                       with warnings denied, in one workspace (one target
                       directory); prints N/T <protocol> models generated for
                       each protocol, N/T compiled and each failure's first
                       error, and fails if any model does not generate or
                       any crate built does not compile
      --models DIR     The models (default ../shared/reference/aws-models)
      --out DIR        The workspace, kept for incremental reruns
                       (default target/build-models)
      --compile A,B    Build only these models' crates (file stems, such as
                       lambda-2015-03-31); every model is still generated
      --jobs N         Parallel generation threads and cargo jobs
                       (default: the number of CPUs)
  ast PATH...          Load Smithy IDL and JSON AST files (directories are
                       searched) and write one JSON AST document
      --out FILE       Write it to FILE instead of standard output
      --protocol-tests Add Smithy's protocol compliance test package and the
                       trait definitions it uses (from ../shared)
  roundtrip PATH...    Check that a model written by `ast` loads to the same model
      --protocol-tests As for `ast`
      --each DIR       Check every JSON model in DIR on its own
  conformance          Run Smithy's IDL loader test suite (needs ../shared)
      --suite DIR      The suite's loader directory
      --verbose        Show each failure in full
  protocol-tests       Generate Smithy's awsJson protocol compliance tests for
                       servers, run them, and report N/T per protocol
      --smithy DIR     Smithy's sources (default ../shared/reference/smithy)
  bench build          Compile time of a generated crate next to aws-sdk-ssm
      --model PATH     The model to generate and build
      --sdk-version V  aws-sdk-ssm version requirement (default 1)
  bench codegen        Time model loading, generation and formatting
      --model PATH     Also time this model (repeatable)
      --iterations N   Runs per model (default 10)
  bench load [PATH]... Time loading Smithy files (by default the protocol
                       test package and its trait definitions, from ../shared)
      --iterations N   Runs per set (default 20)
  bench rest-json      restJson1 GetBook on the Bookshelf example (the runtime's
                       `serve`) next to bare hyper answering the same bytes:
                       throughput and p99 ratios (builds loadgen in release)
      --conns N        Keep-alive connections (default 8)
      --rounds N       Rounds, each measuring both (default 5)
      --warmup S       Seconds of warm-up per measurement (default 1)
      --duration S     Seconds recorded per measurement (default 10)
      --out FILE       Also write the report to FILE
  help                 Show this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_task::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("build-models") => build_models::run(&args[1..]),
        Some("ast") => ast_task::run(&args[1..]),
        Some("protocol-tests") => protocol_tests::run(&args[1..]),
        Some("roundtrip") => roundtrip::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Takes `--flag VALUE` out of `args`.
pub(crate) fn take_value(args: &mut Vec<String>, flag: &str) -> Result<Option<String>, String> {
    let Some(index) = args.iter().position(|a| a == flag) else {
        return Ok(None);
    };
    if index + 1 >= args.len() {
        return Err(format!("{flag} needs a value"));
    }
    let value = args.remove(index + 1);
    args.remove(index);
    Ok(Some(value))
}

/// Takes a bare `--flag` out of `args`.
pub(crate) fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

pub(crate) fn reject_rest(args: &[String]) -> Result<(), String> {
    match args.first() {
        Some(arg) => Err(format!(
            "unexpected argument `{arg}`; see `cargo xtask help`"
        )),
        None => Ok(()),
    }
}
