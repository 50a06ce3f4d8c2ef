//! A generator of Rust service crates from Smithy models (IDL 2.0 and 1.0,
//! or JSON AST) of awsJson 1.0/1.1 and restJson1 services.
//!
//! The pipeline is pure: [`load::load`] turns file texts into an
//! [`ast::AstModel`] (the IDL front end is [`idl`], the JSON AST one is in
//! [`ast`]), [`Model`] is its flattened view, and [`generate`] builds the IR
//! (where every model error is found), emits tokens and formats them into a
//! map from relative path to file contents. Reading and writing files is the
//! caller's business (the `smithy-codegen` crate, which `cargo xtask codegen`
//! uses too).

pub mod ast;
mod docs;
mod emit;
mod error;
pub mod idl;
mod ir;
pub mod load;
pub mod model;
pub mod naming;
mod protocol;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use emit::HEADER;
pub use error::{Error, Result};
pub use model::Model;

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service to generate when the model holds several (absolute id).
    pub service: Option<String>,
    /// The package name; by default derived from the service's sdkId.
    pub crate_name: Option<String>,
    /// Where the generated crate's `smithy-runtime` dependency comes from.
    pub runtime: Runtime,
    /// Add an empty `[workspace]` so the crate builds outside this workspace.
    pub standalone: bool,
    /// Also write `src/protocol_tests.rs` (compiled under `#[cfg(test)]`):
    /// the model's `@httpRequestTests` and `@httpResponseTests` that apply
    /// to servers, as Rust tests.
    pub protocol_tests: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            service: None,
            crate_name: None,
            runtime: Runtime::Path("../../runtime".into()),
            standalone: false,
            protocol_tests: false,
        }
    }
}

/// The `smithy-runtime` dependency of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A path as Cargo reads it: relative to the generated crate's directory,
    /// or absolute.
    Path(String),
    /// A version requirement (`0.1`, `^0.1.2`) for a crate from a registry.
    Version(String),
}

/// The name in prose (`awsJson`, `restJson1`) of the protocol the crate
/// [`generate`] makes of `model` with `options` would serve, or `None` when
/// the model has no service to generate or its protocol is not one served.
/// Known even when generating fails, so tools can count models by protocol.
pub fn protocol_family(model: &Model, options: &Options) -> Option<&'static str> {
    protocol::Protocol::of_model(model, options.service.as_deref()).map(protocol::Protocol::family)
}

/// A generated crate, and what its caller should tell the user.
#[derive(Debug)]
pub struct Crate {
    /// Relative path → file contents.
    pub files: BTreeMap<PathBuf, String>,
    /// What the crate leaves out: each operation it does not serve (one
    /// with an event stream, say), and why.
    pub warnings: Vec<String>,
}

/// Generates the crate for `model`, with its warnings.
pub fn generate_crate(model: &Model, options: &Options) -> Result<Crate> {
    let ir = ir::Ir::build(model, options)?;
    Ok(Crate {
        files: emit::emit(&ir, options),
        warnings: ir.warnings,
    })
}

/// Generates the crate for `model`: relative path → file contents.
pub fn generate(model: &Model, options: &Options) -> Result<BTreeMap<PathBuf, String>> {
    generate_crate(model, options).map(|generated| generated.files)
}
