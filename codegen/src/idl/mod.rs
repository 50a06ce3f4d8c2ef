//! The Smithy IDL 2.0 (and 1.0) front end: text → tokens ([`lexer`]) →
//! statements with names as written ([`parser`]) → a [`Fragment`] with every
//! name resolved ([`resolve`]), once all files of a model are known.

mod lexer;
mod parser;
mod resolve;

pub use parser::{parse, ParsedFile};
pub use resolve::resolve;
