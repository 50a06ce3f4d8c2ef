//! Loading a model from any mix of IDL and JSON AST files: each file is read
//! into a fragment, IDL names are resolved against every file, and the
//! fragments and the prelude are assembled into one [`AstModel`].

use std::collections::HashMap;

use crate::ast::{self, AstModel, LoadError, ShapeKind};
use crate::idl;

/// One model file: its name (for messages) and its text. Files whose name
/// ends in `.json` are JSON AST; everything else is IDL.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    fn is_json(&self) -> bool {
        self.name.ends_with(".json")
    }
}

/// Loads and assembles `files` into one model.
pub fn load(files: &[SourceFile]) -> Result<AstModel, LoadError> {
    let mut parsed = Vec::new();
    let mut fragments = Vec::new();
    for file in files {
        if file.is_json() {
            fragments.push(ast::read_json(&file.name, &file.text)?);
        } else {
            parsed.push(idl::parse(&file.name, &file.text)?);
        }
    }
    let mut kinds: HashMap<String, ShapeKind> = HashMap::new();
    let defined = parsed
        .iter()
        .flat_map(|file| &file.shapes)
        .chain(fragments.iter().flat_map(|fragment| &fragment.shapes));
    for shape in defined {
        kinds.insert(shape.id.clone(), shape.kind);
    }
    let lookup = |id: &str| kinds.get(id).copied().or_else(|| ast::prelude::kind_of(id));
    for file in parsed {
        fragments.push(idl::resolve(file, &lookup)?);
    }
    ast::assemble(fragments)
}

/// Loads one IDL or JSON text on its own.
pub fn load_text(name: &str, text: &str) -> Result<AstModel, LoadError> {
    load(&[SourceFile::new(name, text)])
}
