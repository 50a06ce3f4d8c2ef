//! Smithy IDL statements into a [`ParsedFile`]: shapes with their names as
//! written. Names are resolved later ([`super::resolve`]), once every file of
//! the model is known, because a name may refer to a shape of another file.
//!
//! The order in which tokens are checked follows Smithy's loader, so that
//! a syntax error is reported where Smithy reports it.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::Number;

use super::lexer::{Described, Kind, Lexer, Payload, Token};
use crate::ast::{
    Apply, AstMember, AstShape, LoadError, Location, ResourceBinding, ShapeKind, Source, Traits,
};

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_NESTING: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2 => "2.0",
        }
    }
}

/// A node value; unquoted words other than `true`, `false` and `null` are
/// shape ids, resolved like any other name.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    ShapeId(String, Location),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) | Node::ShapeId(s, _) => Some(s),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Where a trait goes once its name is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TraitTarget {
    /// A shape of [`ParsedFile::shapes`], by index.
    Shape(usize),
    /// A member of such a shape.
    Member(usize, String),
    /// An `apply` statement of [`ParsedFile::applies`], by index.
    Apply(usize),
}

#[derive(Debug, Clone)]
pub struct PendingTrait {
    pub target: TraitTarget,
    /// The trait's name as written (`required`, `smithy.api#required`).
    pub name: String,
    pub value: Node,
    /// Written without a value (`@required`): its value depends on the
    /// trait's shape type.
    pub annotation: bool,
    pub location: Location,
}

/// One IDL file, parsed, with names as written.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub file: Arc<str>,
    pub version: Version,
    pub namespace: Option<String>,
    /// `use` statements: local name → absolute id.
    pub uses: BTreeMap<String, (String, Location)>,
    pub metadata: Vec<(String, Node, Location)>,
    /// Shapes with absolute ids, whose references are still as written.
    /// Traits are in [`ParsedFile::traits`] until resolved.
    pub shapes: Vec<AstShape>,
    pub applies: Vec<Apply>,
    pub bindings: Vec<ResourceBinding>,
    pub traits: Vec<PendingTrait>,
}

/// Parses one IDL file; the first syntax error ends parsing.
pub fn parse(file: &str, text: &str) -> Result<ParsedFile, LoadError> {
    let mut parser = Parser::new(file, text);
    parser.parse_file()?;
    Ok(parser.out)
}

/// Line starts of a text, to turn byte offsets into line and column.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let end = offset.min(text.len());
        let column = text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    lines: Lines,
    file: Arc<str>,
    token: Token,
    /// Documentation comment lines seen and not yet attached.
    docs: Vec<&'a str>,
    nesting: usize,
    input_suffix: String,
    output_suffix: String,
    out: ParsedFile,
}

type Parsed<T> = Result<T, LoadError>;

/// Traits written before a shape, member or apply statement.
struct WrittenTrait {
    name: String,
    value: Node,
    annotation: bool,
    doc_comment: bool,
    location: Location,
}

impl<'a> Parser<'a> {
    fn new(file: &str, text: &'a str) -> Self {
        let file: Arc<str> = file.into();
        let mut lexer = Lexer::new(text);
        let token = lexer.next_token();
        Self {
            lexer,
            lines: Lines::new(text),
            file: file.clone(),
            token,
            docs: Vec::new(),
            nesting: 0,
            input_suffix: "Input".into(),
            output_suffix: "Output".into(),
            out: ParsedFile {
                file,
                version: Version::V1,
                namespace: None,
                uses: BTreeMap::new(),
                metadata: Vec::new(),
                shapes: Vec::new(),
                applies: Vec::new(),
                bindings: Vec::new(),
                traits: Vec::new(),
            },
        }
    }

    // ----- tokens -------------------------------------------------------

    fn kind(&self) -> Kind {
        self.token.kind
    }

    fn lexeme(&self) -> &'a str {
        &self.lexer.text()[self.token.start..self.token.end]
    }

    fn is_lexeme(&self, word: &str) -> bool {
        self.kind() == Kind::Identifier && self.lexeme() == word
    }

    fn next(&mut self) {
        self.token = self.lexer.next_token();
        if self.token.kind == Kind::DocComment {
            let text = self.lexeme();
            let line = text[3..].trim_end_matches(['\n', '\r']);
            self.docs.push(line.strip_prefix(' ').unwrap_or(line));
        }
    }

    fn location_of(&self, offset: usize) -> Location {
        let (line, column) = self.lines.position(self.lexer.text(), offset);
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }

    fn here(&self) -> Location {
        self.location_of(self.token.start)
    }

    fn error(&self, message: impl Into<String>) -> LoadError {
        LoadError::at(self.here(), message)
    }

    /// "Expected X but found Y", or the lexer's own complaint when the
    /// current token is not a token at all.
    fn unexpected(&self, expected: &[Kind]) -> LoadError {
        match &self.token.payload {
            Payload::Error(message) => return self.error(message.clone()),
            Payload::ErrorAtEnd(message) => {
                return LoadError::at(self.location_of(self.token.end), message.clone())
            }
            _ => {}
        }
        let found = Described(self.kind(), self.lexeme());
        let message = match expected {
            [one] => format!("Expected {} but found {found}", one.expected()),
            many => {
                let list: Vec<String> = many.iter().map(|k| k.expected().to_string()).collect();
                format!("Expected one of {}; but found {found}", list.join(", "))
            }
        };
        self.error(message)
    }

    fn expect(&self, kind: Kind) -> Parsed<()> {
        if self.kind() == kind {
            Ok(())
        } else {
            Err(self.unexpected(&[kind]))
        }
    }

    fn expect_one_of(&self, kinds: &[Kind]) -> Parsed<Kind> {
        if kinds.contains(&self.kind()) {
            Ok(self.kind())
        } else {
            Err(self.unexpected(kinds))
        }
    }

    fn skip_spaces(&mut self) {
        while self.kind() == Kind::Space {
            self.next();
        }
    }

    fn skip_ws(&mut self) {
        while self.kind().is_whitespace() {
            self.next();
        }
    }

    fn skip_ws_and_docs(&mut self) {
        while self.kind().is_whitespace() || self.kind() == Kind::DocComment {
            self.next();
        }
    }

    fn expect_and_skip_spaces(&mut self) -> Parsed<()> {
        self.expect(Kind::Space)?;
        self.skip_spaces();
        Ok(())
    }

    fn expect_and_skip_whitespace(&mut self) -> Parsed<()> {
        if !self.kind().is_whitespace() {
            let found = Described(self.kind(), self.lexeme());
            return Err(self.error(format!(
                "Expected one or more whitespace characters, but found {found}"
            )));
        }
        self.skip_ws_and_docs();
        Ok(())
    }

    fn expect_and_skip_br(&mut self) -> Parsed<()> {
        self.skip_spaces();
        // Documentation comments before a line break document nothing.
        self.docs.clear();
        match self.kind() {
            Kind::Newline | Kind::Comment | Kind::DocComment => {
                self.next();
                self.skip_ws();
                Ok(())
            }
            Kind::Eof => Ok(()),
            _ => {
                let found = Described(self.kind(), self.lexeme());
                Err(self.error(format!("Expected a line break, but found {found}")))
            }
        }
    }

    fn take_docs(&mut self) -> Option<String> {
        if self.docs.is_empty() {
            return None;
        }
        let text = self.docs.join("\n");
        self.docs.clear();
        Some(text)
    }

    fn nest(&mut self) -> Parsed<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.error(format!(
                "Parser exceeded maximum allowed depth of {MAX_NESTING}"
            )));
        }
        Ok(())
    }

    fn unnest(&mut self) {
        self.nesting -= 1;
    }

    // ----- shape ids ----------------------------------------------------

    /// `a.b.c`; returns the text and leaves the following token current.
    fn namespace(&mut self) -> Parsed<String> {
        let start = self.token.start;
        self.expect(Kind::Identifier)?;
        let mut end = self.token.end;
        self.next();
        while self.kind() == Kind::Dot {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token.end;
            self.next();
        }
        Ok(self.lexer.text()[start..end].to_owned())
    }

    /// `Name` or `Name$member` after a namespace's `#`; returns the end.
    fn relative_root_id(&mut self) -> Parsed<usize> {
        self.expect(Kind::Identifier)?;
        let mut end = self.token.end;
        self.next();
        if self.kind() == Kind::Dollar {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token.end;
            self.next();
        }
        Ok(end)
    }

    /// A shape id as written: `Name`, `ns.a#Name`, `Name$member`, …
    fn shape_id(&mut self) -> Parsed<String> {
        let start = self.token.start;
        let namespace = self.namespace()?;
        if !matches!(self.kind(), Kind::Dollar | Kind::Pound) {
            return Ok(namespace);
        }
        self.next();
        let end = self.relative_root_id()?;
        Ok(self.lexer.text()[start..end].to_owned())
    }

    fn absolute_shape_id(&mut self) -> Parsed<String> {
        let start = self.token.start;
        self.namespace()?;
        self.expect(Kind::Pound)?;
        self.next();
        let end = self.relative_root_id()?;
        Ok(self.lexer.text()[start..end].to_owned())
    }

    // ----- node values --------------------------------------------------

    fn text_payload(&self) -> String {
        match &self.token.payload {
            Payload::Text(text) => text.clone(),
            _ => self.lexeme().to_owned(),
        }
    }

    fn node(&mut self) -> Parsed<Node> {
        let kind = self.expect_one_of(&[
            Kind::String,
            Kind::TextBlock,
            Kind::Number,
            Kind::Identifier,
            Kind::LBrace,
            Kind::LBracket,
        ])?;
        match kind {
            Kind::String | Kind::TextBlock => {
                let text = self.text_payload();
                self.next();
                Ok(Node::String(text))
            }
            Kind::Number => {
                let Payload::Number(number) = self.token.payload.clone() else {
                    return Err(self.unexpected(&[Kind::Number]));
                };
                self.next();
                Ok(Node::Number(number))
            }
            Kind::Identifier => {
                let location = self.here();
                let id = self.shape_id()?;
                Ok(keyword_or_id(id, location))
            }
            Kind::LBrace => self.object_node(),
            _ => self.array_node(),
        }
    }

    fn array_node(&mut self) -> Parsed<Node> {
        self.nest()?;
        self.next();
        self.skip_ws_and_docs();
        let mut items = Vec::new();
        while self.kind() != Kind::RBracket {
            items.push(self.node()?);
            self.skip_ws_and_docs();
        }
        self.next();
        self.unnest();
        Ok(Node::Array(items))
    }

    /// `key: value` of an object, the key being the current token; a key
    /// given twice is `duplicate` at the second one.
    fn object_entry(&mut self, entries: &mut Vec<(String, Node)>, duplicate: &str) -> Parsed<()> {
        let key = self.text_payload();
        let key_location = self.here();
        self.next();
        self.skip_ws_and_docs();
        self.expect(Kind::Colon)?;
        self.next();
        self.skip_ws_and_docs();
        let value = self.node()?;
        if entries.iter().any(|(k, _)| *k == key) {
            return Err(LoadError::at(key_location, format!("{duplicate}: '{key}'")));
        }
        entries.push((key, value));
        self.skip_ws_and_docs();
        Ok(())
    }

    fn object_node(&mut self) -> Parsed<Node> {
        self.next();
        self.skip_ws_and_docs();
        self.nest()?;
        let mut entries: Vec<(String, Node)> = Vec::new();
        loop {
            if self.expect_one_of(&[Kind::RBrace, Kind::String, Kind::Identifier])? == Kind::RBrace
            {
                break;
            }
            self.object_entry(&mut entries, "Duplicate member")?;
        }
        self.next();
        self.unnest();
        Ok(Node::Object(entries))
    }

    // ----- sections -----------------------------------------------------

    fn parse_file(&mut self) -> Parsed<()> {
        self.skip_ws_and_docs();
        self.control_section()?;
        self.skip_ws_and_docs();
        self.metadata_section()?;
        self.shape_section()
    }

    fn control_section(&mut self) -> Parsed<()> {
        let mut seen = HashSet::new();
        while self.kind() == Kind::Dollar {
            self.next();
            self.expect_one_of(&[Kind::Identifier, Kind::String])?;
            let key = self.text_payload();
            self.next();
            self.skip_spaces();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_spaces();
            if !seen.insert(key.clone()) {
                return Err(self.error(format!("Duplicate control statement `{key}`")));
            }
            let value_location = self.here();
            let value = self.node()?;
            match key.as_str() {
                "version" => self.version(value, value_location)?,
                "operationInputSuffix" => self.input_suffix = suffix(value, value_location)?,
                "operationOutputSuffix" => self.output_suffix = suffix(value, value_location)?,
                // Unknown control statements are ignored, as the spec asks.
                _ => {}
            }
            self.expect_and_skip_br()?;
        }
        Ok(())
    }

    fn version(&mut self, value: Node, location: Location) -> Parsed<()> {
        let Node::String(text) = value else {
            return Err(LoadError::at(
                location,
                format!(
                    "The $version control statement must have a string value, but found {}",
                    node_json(&value)
                ),
            ));
        };
        self.out.version = match text.as_str() {
            "1" | "1.0" => Version::V1,
            "2" | "2.0" => Version::V2,
            _ => return Err(self.error(format!("Unsupported Smithy version number: {text}"))),
        };
        Ok(())
    }

    fn metadata_section(&mut self) -> Parsed<()> {
        while self.is_lexeme("metadata") {
            self.next();
            self.expect_and_skip_spaces()?;
            self.expect_one_of(&[Kind::Identifier, Kind::String])?;
            let key = self.text_payload();
            let location = self.here();
            self.next();
            self.skip_spaces();
            self.expect(Kind::Equal)?;
            self.next();
            self.skip_spaces();
            let value = self.node()?;
            self.out.metadata.push((key, value, location));
            self.expect_and_skip_br()?;
            self.skip_ws_and_docs();
        }
        Ok(())
    }

    fn shape_section(&mut self) -> Parsed<()> {
        if !self.is_lexeme("namespace") {
            if self.kind() == Kind::Eof {
                return Ok(());
            }
            let found = Described(self.kind(), self.lexeme());
            return Err(self.error(format!("Expected a namespace definition but found {found}")));
        }
        self.next();
        self.expect_and_skip_spaces()?;
        let namespace = self.namespace()?;
        self.out.namespace = Some(namespace);
        self.expect_and_skip_br()?;
        // Documentation comments before `use` statements belong to the first
        // shape when there are no `use` statements.
        let first_docs_at = self.here();
        self.skip_ws_and_docs();
        self.use_section()?;
        if self.kind() == Kind::Eof {
            return Ok(());
        }
        self.skip_ws_and_docs();
        let first_docs = self.take_docs().map(|text| (text, first_docs_at));
        self.shape_or_apply_statement(first_docs)?;
        while self.kind() != Kind::Eof {
            self.shape_or_apply_statement(None)?;
        }
        Ok(())
    }

    fn use_section(&mut self) -> Parsed<()> {
        while self.is_lexeme("use") {
            self.docs.clear();
            self.next();
            self.expect_and_skip_spaces()?;
            let location = self.here();
            let id = self.absolute_shape_id()?;
            if id.contains('$') {
                return Err(LoadError::at(location, "Use statements cannot use members"));
            }
            let name = id.rsplit('#').next().unwrap_or(&id).to_owned();
            if let Some((previous, _)) = self.out.uses.get(&name) {
                return Err(LoadError::at(
                    location,
                    format!("Cannot use name `{id}` because it conflicts with `{previous}`"),
                ));
            }
            self.out.uses.insert(name, (id, location));
            self.expect_and_skip_br()?;
            self.skip_ws_and_docs();
        }
        Ok(())
    }

    /// Documentation comment and traits before a shape or member.
    fn docs_and_traits(&mut self, member: bool) -> Parsed<Vec<WrittenTrait>> {
        self.skip_ws();
        let mut doc = None;
        if self.kind() == Kind::DocComment {
            let location = self.here();
            self.skip_ws_and_docs();
            doc = self.take_docs().map(|text| (text, location));
        } else {
            self.skip_ws_and_docs();
        }
        let mut traits = self.traits()?;
        if let Some((text, location)) = doc {
            traits.push(WrittenTrait {
                name: "smithy.api#documentation".into(),
                value: Node::String(text),
                annotation: false,
                doc_comment: true,
                location,
            });
        }
        self.skip_ws_and_docs();
        if member {
            // Comments between a member's traits and its name document nothing.
            self.docs.clear();
        }
        Ok(traits)
    }

    fn traits(&mut self) -> Parsed<Vec<WrittenTrait>> {
        let mut traits = Vec::new();
        while self.kind() == Kind::At {
            traits.push(self.one_trait()?);
            self.skip_ws_and_docs();
        }
        Ok(traits)
    }

    fn one_trait(&mut self) -> Parsed<WrittenTrait> {
        let location = self.here();
        self.expect(Kind::At)?;
        self.next();
        let name = self.shape_id()?;
        let annotation = |name| WrittenTrait {
            name,
            value: Node::Null,
            annotation: true,
            doc_comment: false,
            location: location.clone(),
        };
        if self.kind() != Kind::LParen {
            return Ok(annotation(name));
        }
        self.next();
        self.skip_ws_and_docs();
        if self.kind() == Kind::RParen {
            self.next();
            return Ok(annotation(name));
        }
        let value = self.trait_body()?;
        self.skip_ws_and_docs();
        self.expect(Kind::RParen)?;
        self.next();
        Ok(WrittenTrait {
            name,
            value,
            annotation: false,
            doc_comment: false,
            location,
        })
    }

    /// What is between a trait's parentheses: a node value, or the members
    /// of a structure without its braces (`@length(min: 1, max: 2)`).
    fn trait_body(&mut self) -> Parsed<Node> {
        let kind = self.expect_one_of(&[
            Kind::LBrace,
            Kind::LBracket,
            Kind::TextBlock,
            Kind::String,
            Kind::Number,
            Kind::Identifier,
        ])?;
        match kind {
            Kind::LBrace | Kind::LBracket | Kind::TextBlock | Kind::Number => {
                let value = self.node()?;
                self.skip_ws_and_docs();
                Ok(value)
            }
            Kind::String => {
                let text = self.text_payload();
                self.next();
                self.skip_ws_and_docs();
                if self.kind() == Kind::Colon {
                    self.next();
                    self.skip_ws_and_docs();
                    return self.structured_trait(text);
                }
                Ok(Node::String(text))
            }
            _ => {
                let location = self.here();
                let id = self.shape_id()?;
                self.skip_ws_and_docs();
                if self.kind() == Kind::RParen || id.contains(['.', '$', '#']) {
                    return Ok(keyword_or_id(id, location));
                }
                self.expect(Kind::Colon)?;
                self.next();
                self.skip_ws_and_docs();
                self.structured_trait(id)
            }
        }
    }

    fn structured_trait(&mut self, first_key: String) -> Parsed<Node> {
        self.nest()?;
        let first = self.node()?;
        let mut entries = vec![(first_key, first)];
        self.skip_ws_and_docs();
        while self.kind() != Kind::RParen {
            self.expect_one_of(&[Kind::Identifier, Kind::String])?;
            self.object_entry(&mut entries, "Duplicate member of trait")?;
        }
        self.unnest();
        Ok(Node::Object(entries))
    }

    // ----- statements ---------------------------------------------------

    /// A shape or apply statement; `docs` are documentation comments the
    /// caller has already read (before the first statement of a file).
    fn shape_or_apply_statement(&mut self, docs: Option<(String, Location)>) -> Parsed<()> {
        let had_doc = docs.is_some() || self.kind() == Kind::DocComment;
        let mut traits = self.docs_and_traits(false)?;
        if let Some((text, location)) = docs {
            traits.push(WrittenTrait {
                name: "smithy.api#documentation".into(),
                value: Node::String(text),
                annotation: false,
                doc_comment: true,
                location,
            });
        }
        if self.kind() == Kind::Eof {
            // A documentation comment at the end of a file documents nothing;
            // traits there are an error.
            let only_docs = had_doc && traits.len() == 1;
            if traits.is_empty() || only_docs {
                return Ok(());
            }
        }
        let location = self.here();
        self.expect(Kind::Identifier)?;
        let word = self.lexeme();
        if word == "apply" {
            return self.apply_statement(traits);
        }
        let Some(kind) = ShapeKind::parse(word) else {
            return Err(self.error(format!("Unknown shape type: {word}")));
        };
        self.check_kind_version(kind)?;
        self.next();
        self.expect_and_skip_spaces()?;
        let id = self.shape_name()?;
        let mut shape = AstShape::new(id, kind);
        shape.source = Source(Some(location));
        let index = self.out.shapes.len();
        // Reserve the slot first: inline input and output shapes of an
        // operation are pushed while it is parsed.
        self.out.shapes.push(AstShape::new(String::new(), kind));
        match kind {
            ShapeKind::Enum | ShapeKind::IntEnum => self.enum_shape(&mut shape, index)?,
            ShapeKind::List
            | ShapeKind::Set
            | ShapeKind::Map
            | ShapeKind::Union
            | ShapeKind::Structure => self.aggregate_shape(&mut shape, index)?,
            ShapeKind::Service => self.service_shape(&mut shape)?,
            ShapeKind::Resource => self.resource_shape(&mut shape)?,
            ShapeKind::Operation => self.operation_shape(&mut shape)?,
            _ => self.mixins(&mut shape)?,
        }
        self.out.shapes[index] = shape;
        self.add_traits(TraitTarget::Shape(index), traits);
        self.expect_and_skip_br()
    }

    fn check_kind_version(&self, kind: ShapeKind) -> Parsed<()> {
        let allowed = match self.out.version {
            Version::V1 => !matches!(kind, ShapeKind::Enum | ShapeKind::IntEnum),
            Version::V2 => kind != ShapeKind::Set,
        };
        if allowed {
            return Ok(());
        }
        Err(self.error(format!(
            "{} shapes cannot be used in Smithy version {}",
            kind.as_str(),
            self.out.version.as_str()
        )))
    }

    fn add_traits(&mut self, target: TraitTarget, traits: Vec<WrittenTrait>) {
        for t in traits {
            self.out.traits.push(PendingTrait {
                target: target.clone(),
                name: t.name,
                value: t.value,
                annotation: t.annotation,
                location: t.location,
            });
        }
    }

    fn namespace_or_error(&self) -> Parsed<&str> {
        self.out
            .namespace
            .as_deref()
            .ok_or_else(|| self.error("Expected a namespace definition"))
    }

    fn shape_name(&mut self) -> Parsed<String> {
        let location = self.here();
        self.expect(Kind::Identifier)?;
        let name = self.lexeme();
        if let Some((previous, _)) = self.out.uses.get(name) {
            return Err(LoadError::at(
                location,
                format!("Shape name `{name}` conflicts with imported shape `{previous}`"),
            ));
        }
        let id = format!("{}#{name}", self.namespace_or_error()?);
        self.next();
        Ok(id)
    }

    fn apply_statement(&mut self, traits: Vec<WrittenTrait>) -> Parsed<()> {
        if traits.iter().any(|t| !t.doc_comment) {
            return Err(self.error("Traits applied to apply statement"));
        }
        let location = self.here();
        self.next();
        self.expect_and_skip_whitespace()?;
        let target = self.shape_id()?;
        self.expect_and_skip_whitespace()?;
        let written = if self.expect_one_of(&[Kind::At, Kind::LBrace])? == Kind::At {
            vec![self.one_trait()?]
        } else {
            self.next();
            self.skip_ws_and_docs();
            let traits = self.traits()?;
            self.skip_ws_and_docs();
            self.expect(Kind::RBrace)?;
            self.next();
            traits
        };
        let index = self.out.applies.len();
        self.out.applies.push(Apply {
            target,
            traits: Traits::new(),
            source: Source(Some(location)),
        });
        self.add_traits(TraitTarget::Apply(index), written);
        self.expect_and_skip_br()
    }

    fn mixins(&mut self, shape: &mut AstShape) -> Parsed<()> {
        self.skip_spaces();
        if !self.is_lexeme("with") {
            return Ok(());
        }
        if self.out.version == Version::V1 {
            return Err(self.error(
                "Mixins can only be used with Smithy version 2 or later. \
                 Attempted to use mixins with version `1.0`.",
            ));
        }
        self.next();
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        loop {
            shape.mixins.push(self.shape_id()?);
            self.skip_ws_and_docs();
            if self.kind() == Kind::RBracket {
                break;
            }
        }
        self.next();
        Ok(())
    }

    fn enum_shape(&mut self, shape: &mut AstShape, index: usize) -> Parsed<()> {
        self.mixins(shape)?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while !matches!(self.kind(), Kind::Eof | Kind::RBrace) {
            let traits = self.docs_and_traits(true)?;
            let location = self.here();
            self.expect(Kind::Identifier)?;
            let name = self.lexeme().to_owned();
            if shape.member(&name).is_some() {
                return Err(self.error(format!("Found conflicting member name, `{name}`")));
            }
            let member = AstMember {
                name: name.clone(),
                target: "smithy.api#Unit".into(),
                traits: Traits::new(),
                source: Source(Some(location.clone())),
            };
            self.next();
            self.skip_spaces();
            let mut traits = traits;
            if self.kind() == Kind::Equal {
                traits.push(self.value_assignment("smithy.api#enumValue")?);
            } else {
                self.skip_ws();
            }
            shape.members.push(member);
            self.add_traits(TraitTarget::Member(index, name), traits);
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    /// `= value` after an enum member or a structure member: sugar for the
    /// trait `name` (`enumValue`, `default`), ended by an optional comma and
    /// a line break.
    fn value_assignment(&mut self, name: &str) -> Parsed<WrittenTrait> {
        self.next();
        self.skip_spaces();
        let location = self.here();
        let value = self.node()?;
        self.skip_spaces();
        if self.kind() == Kind::Comma {
            self.next();
        }
        self.expect_and_skip_br()?;
        Ok(WrittenTrait {
            name: name.into(),
            value,
            annotation: false,
            doc_comment: false,
            location,
        })
    }

    fn aggregate_shape(&mut self, shape: &mut AstShape, index: usize) -> Parsed<()> {
        self.for_resource(shape)?;
        self.mixins(shape)?;
        self.members(shape, index)
    }

    fn for_resource(&mut self, shape: &mut AstShape) -> Parsed<()> {
        self.skip_spaces();
        if !self.is_lexeme("for") {
            return Ok(());
        }
        if self.out.version == Version::V1 {
            return Err(self.error(
                "Structures can only be bound to resources with Smithy version 2 or later. \
                 Attempted to bind a structure to a resource with version `1.0`.",
            ));
        }
        let location = self.here();
        self.next();
        self.expect_and_skip_spaces()?;
        let resource = self.shape_id()?;
        self.out.bindings.push(ResourceBinding {
            shape: shape.id.clone(),
            resource,
            source: Source(Some(location)),
        });
        Ok(())
    }

    fn members(&mut self, shape: &mut AstShape, index: usize) -> Parsed<()> {
        self.skip_ws_and_docs();
        self.docs.clear();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while self.kind() != Kind::Eof && self.kind() != Kind::RBrace {
            self.member(shape, index)?;
            self.skip_ws();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn member(&mut self, shape: &mut AstShape, index: usize) -> Parsed<()> {
        let mut traits = self.docs_and_traits(true)?;
        let location = self.here();
        if self.kind() == Kind::RBrace && traits.len() == 1 && traits[0].doc_comment {
            // A documentation comment before `}` documents nothing.
            return Ok(());
        }
        let elided = self.kind() == Kind::Dollar;
        if elided {
            self.next();
        }
        self.expect(Kind::Identifier)?;
        let name = self.lexeme().to_owned();
        if shape.member(&name).is_some() {
            return Err(self.error(format!("Duplicate member of `{}`: '{name}'", shape.id)));
        }
        if elided && self.out.version == Version::V1 {
            return Err(self.error("Members can only elide targets in IDL version 2 or later"));
        }
        self.next();
        let mut target = String::new();
        if !elided {
            self.skip_spaces();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_spaces();
            target = self.shape_id()?;
        }
        self.skip_spaces();
        if self.kind() == Kind::Equal {
            if self.out.version == Version::V1 {
                return Err(
                    self.error("@default assignment is only supported in IDL version 2 or later")
                );
            }
            traits.push(self.value_assignment("smithy.api#default")?);
        }
        shape.members.push(AstMember {
            name: name.clone(),
            target,
            traits: Traits::new(),
            source: Source(Some(location)),
        });
        self.add_traits(TraitTarget::Member(index, name), traits);
        Ok(())
    }

    /// Service and resource bodies are node objects.
    fn entity_body(&mut self, shape: &mut AstShape) -> Parsed<Node> {
        self.mixins(shape)?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.node()
    }

    fn service_shape(&mut self, shape: &mut AstShape) -> Parsed<()> {
        let location = self.here();
        let body = self.entity_body(shape)?;
        let at = |message: String| LoadError::at(location.clone(), message);
        if let Some(version) = body.get("version") {
            let text = version
                .as_str()
                .ok_or_else(|| at(format!("{}: `version` must be a string", shape.id)))?;
            shape.version = Some(text.to_owned());
        }
        for property in ["operations", "resources", "errors"] {
            id_list(&body, property, shape, &at)?;
        }
        if let Some(rename) = body.get("rename") {
            let Node::Object(entries) = rename else {
                return Err(at(format!("{}: `rename` must be an object", shape.id)));
            };
            for (from, to) in entries {
                let to = to
                    .as_str()
                    .ok_or_else(|| at(format!("{}: `rename` values must be strings", shape.id)))?;
                shape.rename.insert(from.clone(), to.to_owned());
            }
        }
        Ok(())
    }

    fn resource_shape(&mut self, shape: &mut AstShape) -> Parsed<()> {
        let location = self.here();
        let body = self.entity_body(shape)?;
        let at = |message: String| LoadError::at(location.clone(), message);
        for property in ["put", "create", "read", "update", "delete", "list"] {
            if let Some(value) = body.get(property) {
                let id = value
                    .as_str()
                    .ok_or_else(|| at(format!("{}: `{property}` must be a shape id", shape.id)))?;
                shape
                    .references
                    .insert(property.to_owned(), vec![id.to_owned()]);
            }
        }
        for property in ["operations", "resources", "collectionOperations"] {
            id_list(&body, property, shape, &at)?;
        }
        if let Some(ids) = body.get("identifiers") {
            shape.identifiers = id_map(ids, "identifiers", &shape.id, &at)?;
        }
        if let Some(properties) = body.get("properties") {
            if self.out.version == Version::V1 {
                return Err(at(format!(
                    "{}: Resource properties can only be used with Smithy version 2 or later. \
                     Attempted to use resource properties with version `1.0`.",
                    shape.id
                )));
            }
            shape.properties = id_map(properties, "properties", &shape.id, &at)?;
        }
        Ok(())
    }

    fn operation_shape(&mut self, shape: &mut AstShape) -> Parsed<()> {
        self.mixins(shape)?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws_and_docs();
        let mut seen = HashSet::new();
        while self.kind() != Kind::Eof && self.kind() != Kind::RBrace {
            self.expect(Kind::Identifier)?;
            let key = self.lexeme().to_owned();
            if !seen.insert(key.clone()) {
                return Err(self.error(format!(
                    "Duplicate operation {key} property for `{}`",
                    shape.id
                )));
            }
            self.next();
            self.skip_ws_and_docs();
            match key.as_str() {
                "input" | "output" => {
                    let token = self.expect_one_of(&[Kind::Colon, Kind::Walrus])?;
                    self.next();
                    let target = if token == Kind::Walrus {
                        self.inline_structure(shape, &key)?
                    } else {
                        self.skip_ws_and_docs();
                        self.shape_id()?
                    };
                    shape.references.insert(key, vec![target]);
                }
                "errors" => {
                    self.expect(Kind::Colon)?;
                    self.next();
                    let errors = self.id_list_statement()?;
                    shape.references.insert(key, errors);
                }
                _ => return Err(self.error(format!("Unknown property {key} for {}", shape.id))),
            }
            self.expect_and_skip_whitespace()?;
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn inline_structure(&mut self, operation: &AstShape, property: &str) -> Parsed<String> {
        if self.out.version == Version::V1 {
            return Err(self.error(
                "Inlined operation inputs and outputs can only be used with Smithy version 2 or \
                 later. Attempted to use inlined IO with version `1.0`.",
            ));
        }
        self.docs.clear();
        self.skip_ws();
        let mut traits = self.docs_and_traits(true)?;
        let (suffix, marker) = if property == "input" {
            (&self.input_suffix, "smithy.api#input")
        } else {
            (&self.output_suffix, "smithy.api#output")
        };
        let name = operation.id.rsplit('#').next().unwrap_or_default();
        let id = format!("{}#{name}{suffix}", self.namespace_or_error()?);
        traits.push(WrittenTrait {
            name: marker.into(),
            value: Node::Object(Vec::new()),
            annotation: false,
            doc_comment: false,
            location: self.here(),
        });
        let mut shape = AstShape::new(id.clone(), ShapeKind::Structure);
        shape.source = Source(Some(self.here()));
        let index = self.out.shapes.len();
        self.out
            .shapes
            .push(AstShape::new(String::new(), ShapeKind::Structure));
        self.aggregate_shape(&mut shape, index)?;
        self.out.shapes[index] = shape;
        self.add_traits(TraitTarget::Shape(index), traits);
        Ok(id)
    }

    fn id_list_statement(&mut self) -> Parsed<Vec<String>> {
        self.nest()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut ids = Vec::new();
        while self.kind() != Kind::Eof && self.kind() != Kind::RBracket {
            self.expect(Kind::Identifier)?;
            ids.push(self.shape_id()?);
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBracket)?;
        self.next();
        self.unnest();
        Ok(ids)
    }
}

fn keyword_or_id(id: String, location: Location) -> Node {
    match id.as_str() {
        "true" => Node::Bool(true),
        "false" => Node::Bool(false),
        "null" => Node::Null,
        _ => Node::ShapeId(id, location),
    }
}

fn suffix(value: Node, location: Location) -> Parsed<String> {
    match value {
        Node::String(text) => Ok(text),
        other => Err(LoadError::at(
            location,
            format!("Expected a string suffix, but found {}", node_json(&other)),
        )),
    }
}

/// A node as JSON, for messages.
pub fn node_json(node: &Node) -> String {
    match node {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        Node::String(s) | Node::ShapeId(s, _) => serde_json::Value::from(s.as_str()).to_string(),
        Node::Array(items) => {
            let items: Vec<String> = items.iter().map(node_json).collect();
            format!("[{}]", items.join(","))
        }
        Node::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), node_json(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
    }
}

fn id_list(
    body: &Node,
    property: &str,
    shape: &mut AstShape,
    at: &dyn Fn(String) -> LoadError,
) -> Parsed<()> {
    let Some(value) = body.get(property) else {
        return Ok(());
    };
    let Node::Array(items) = value else {
        return Err(at(format!(
            "{}: `{property}` must be a list of shape ids",
            shape.id
        )));
    };
    let ids = items
        .iter()
        .map(|item| {
            item.as_str().map(str::to_owned).ok_or_else(|| {
                at(format!(
                    "{}: `{property}` must be a list of shape ids",
                    shape.id
                ))
            })
        })
        .collect::<Parsed<Vec<_>>>()?;
    shape.references.insert(property.to_owned(), ids);
    Ok(())
}

fn id_map(
    value: &Node,
    property: &str,
    shape: &str,
    at: &dyn Fn(String) -> LoadError,
) -> Parsed<BTreeMap<String, String>> {
    let Node::Object(entries) = value else {
        return Err(at(format!("{shape}: `{property}` must be an object")));
    };
    entries
        .iter()
        .map(|(name, target)| {
            let target = target
                .as_str()
                .ok_or_else(|| at(format!("{shape}: `{property}` values must be shape ids")))?;
            Ok((name.clone(), target.to_owned()))
        })
        .collect()
}
