//! Everything that can go wrong turning a model into code. Each error names
//! the shape and the construct, so a user can find it in their model.

use std::fmt;

use crate::ast::LoadError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The model file is not a Smithy 2.0 JSON AST.
    Parse(String),
    /// A shape or trait the generator does not support.
    Unsupported { shape: String, what: String },
    /// A shape refers to something that is not in the model.
    Missing { shape: String, target: String },
    /// Two shapes or members would get the same Rust name.
    NameCollision {
        name: String,
        first: String,
        second: String,
    },
    /// The model is well-formed JSON but not a valid model.
    Invalid { shape: String, what: String },
    /// The model breaks a rule of Smithy's loader (conflicting definitions,
    /// mixins, `apply`, …).
    Load(LoadError),
}

impl Error {
    pub(crate) fn unsupported(shape: impl Into<String>, what: impl Into<String>) -> Self {
        Self::Unsupported {
            shape: shape.into(),
            what: what.into(),
        }
    }

    pub(crate) fn invalid(shape: impl Into<String>, what: impl Into<String>) -> Self {
        Self::Invalid {
            shape: shape.into(),
            what: what.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(message) => write!(f, "cannot read the model: {message}"),
            Error::Unsupported { shape, what } => write!(f, "{shape}: unsupported: {what}"),
            Error::Missing { shape, target } => {
                write!(f, "{shape}: refers to {target}, which is not in the model")
            }
            Error::NameCollision {
                name,
                first,
                second,
            } => {
                write!(
                    f,
                    "{first} and {second} would both be named `{name}` in Rust"
                )
            }
            Error::Invalid { shape, what } => write!(f, "{shape}: {what}"),
            Error::Load(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
