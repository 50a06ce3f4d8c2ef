//! Smithy IDL tokens. The token set and the points where errors are raised
//! follow Smithy's own loader, so a syntax error names the same line and
//! column, and the same token, as `smithy build` would.

use std::fmt;

/// What a token is. Names are Smithy's, as they appear in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Space,
    Newline,
    Comma,
    Comment,
    DocComment,
    At,
    String,
    TextBlock,
    Colon,
    Walrus,
    Identifier,
    Dot,
    Pound,
    Dollar,
    Number,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Equal,
    Eof,
    Error,
}

impl Kind {
    pub fn is_whitespace(self) -> bool {
        matches!(
            self,
            Kind::Space | Kind::Newline | Kind::Comma | Kind::Comment
        )
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Space => "SPACE",
            Kind::Newline => "NEWLINE",
            Kind::Comma => "COMMA",
            Kind::Comment => "COMMENT",
            Kind::DocComment => "DOC_COMMENT",
            Kind::At => "AT",
            Kind::String => "STRING",
            Kind::TextBlock => "TEXT_BLOCK",
            Kind::Colon => "COLON",
            Kind::Walrus => "WALRUS",
            Kind::Identifier => "IDENTIFIER",
            Kind::Dot => "DOT",
            Kind::Pound => "POUND",
            Kind::Dollar => "DOLLAR",
            Kind::Number => "NUMBER",
            Kind::LBrace => "LBRACE",
            Kind::RBrace => "RBRACE",
            Kind::LBracket => "LBRACKET",
            Kind::RBracket => "RBRACKET",
            Kind::LParen => "LPAREN",
            Kind::RParen => "RPAREN",
            Kind::Equal => "EQUAL",
            Kind::Eof => "EOF",
            Kind::Error => "ERROR",
        }
    }

    /// A lexeme that shows what the token looks like, for "expected …".
    fn example(self) -> &'static str {
        match self {
            Kind::Space => " ",
            Kind::Newline => "\\n",
            Kind::Comma => ",",
            Kind::Comment => "//",
            Kind::DocComment => "///",
            Kind::At => "@",
            Kind::String => "\"",
            Kind::TextBlock => "\"\"\"",
            Kind::Colon => ":",
            Kind::Walrus => ":=",
            Kind::Dot => ".",
            Kind::Pound => "#",
            Kind::Dollar => "$",
            Kind::LBrace => "{",
            Kind::RBrace => "}",
            Kind::LBracket => "[",
            Kind::RBracket => "]",
            Kind::LParen => "(",
            Kind::RParen => ")",
            Kind::Equal => "=",
            Kind::Identifier | Kind::Number | Kind::Eof | Kind::Error => "",
        }
    }

    /// `COLON(':')`: how an expected token is named in messages.
    pub fn expected(self) -> Described<'static> {
        Described(self, self.example())
    }
}

/// A token kind with a lexeme, displayed as Smithy does: `IDENTIFIER('foo')`.
pub struct Described<'a>(pub Kind, pub &'a str);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Described(kind, lexeme) = self;
        if lexeme.is_empty() {
            return f.write_str(kind.name());
        }
        write!(f, "{}('", kind.name())?;
        for c in lexeme.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("')")
    }
}

/// The value a token carries beyond its lexeme.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    None,
    /// A quoted string or text block, unescaped.
    Text(String),
    Number(serde_json::Number),
    /// Why an `Error` token is one.
    Error(String),
    /// An error noticed where the token stopped rather than where it
    /// began (an unclosed string at the end of the file, a bad character
    /// inside an identifier); reported there.
    ErrorAtEnd(String),
}

/// Turns text into tokens on demand; the parser holds one current token.
pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// One token: its kind, byte span and payload.
#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub payload: Payload,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    pub fn next_token(&mut self) -> Token {
        let start = self.pos;
        let (kind, payload) = self.scan();
        Token {
            kind,
            start,
            end: self.pos,
            payload,
        }
    }

    fn single(&mut self, kind: Kind) -> (Kind, Payload) {
        self.pos += 1;
        (kind, Payload::None)
    }

    fn scan(&mut self) -> (Kind, Payload) {
        let Some(c) = self.peek_at(0) else {
            return (Kind::Eof, Payload::None);
        };
        match c {
            b' ' | b'\t' => {
                while matches!(self.peek_at(0), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                (Kind::Space, Payload::None)
            }
            b'\n' => self.single(Kind::Newline),
            b'\r' => {
                self.pos += if self.peek_at(1) == Some(b'\n') { 2 } else { 1 };
                (Kind::Newline, Payload::None)
            }
            b',' => self.single(Kind::Comma),
            b'@' => self.single(Kind::At),
            b'$' => self.single(Kind::Dollar),
            b'.' => self.single(Kind::Dot),
            b'{' => self.single(Kind::LBrace),
            b'}' => self.single(Kind::RBrace),
            b'[' => self.single(Kind::LBracket),
            b']' => self.single(Kind::RBracket),
            b'(' => self.single(Kind::LParen),
            b')' => self.single(Kind::RParen),
            b'#' => self.single(Kind::Pound),
            b'=' => self.single(Kind::Equal),
            b':' => {
                if self.peek_at(1) == Some(b'=') {
                    self.pos += 2;
                    (Kind::Walrus, Payload::None)
                } else {
                    self.single(Kind::Colon)
                }
            }
            b'"' => self.string(),
            b'/' => self.comment(),
            b'-' | b'0'..=b'9' => self.number(),
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => self.identifier(),
            _ => {
                let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                self.pos += ch.len_utf8();
                (
                    Kind::Error,
                    Payload::Error(format!("Unexpected character: '{ch}'")),
                )
            }
        }
    }

    fn comment(&mut self) -> (Kind, Payload) {
        self.pos += 1;
        if self.peek_at(0) != Some(b'/') {
            return (
                Kind::Error,
                Payload::Error("Expected a '/' to follow '/' to form a comment.".into()),
            );
        }
        self.pos += 1;
        let kind = if self.peek_at(0) == Some(b'/') {
            self.pos += 1;
            Kind::DocComment
        } else {
            Kind::Comment
        };
        // The comment's lexeme includes the line break that ends it.
        while let Some(c) = self.peek_at(0) {
            self.pos += 1;
            if c == b'\n' {
                break;
            }
            if c == b'\r' {
                if self.peek_at(0) == Some(b'\n') {
                    self.pos += 1;
                }
                break;
            }
        }
        (kind, Payload::None)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek_at(0), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> (Kind, Payload) {
        let start = self.pos;
        let invalid = |lexer: &Self, why: &str| {
            (
                Kind::Error,
                Payload::Error(format!(
                    "Invalid number '{}': {why}",
                    &lexer.text[start..lexer.pos]
                )),
            )
        };
        if self.peek_at(0) == Some(b'-') {
            self.pos += 1;
            if !matches!(self.peek_at(0), Some(b'0'..=b'9')) {
                return invalid(self, "'-' must be followed by a digit");
            }
        }
        self.digits();
        let mut integral = true;
        if self.peek_at(0) == Some(b'.') {
            integral = false;
            self.pos += 1;
            if self.digits() == 0 {
                return invalid(self, "'.' must be followed by a digit");
            }
        }
        if matches!(self.peek_at(0), Some(b'e' | b'E')) {
            integral = false;
            self.pos += 1;
            if matches!(self.peek_at(0), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return invalid(self, "'e', '+', and '-' must be followed by a digit");
            }
        }
        let lexeme = &self.text[start..self.pos];
        match parse_number(lexeme, integral) {
            Some(number) => (Kind::Number, Payload::Number(number)),
            None => invalid(self, "the value is out of range"),
        }
    }

    fn identifier(&mut self) -> (Kind, Payload) {
        // `_` may lead, but an identifier needs a letter or digit after it.
        while self.peek_at(0) == Some(b'_') {
            self.pos += 1;
        }
        if self.pos > 0 && self.bytes[self.pos - 1] == b'_' {
            match self.peek_at(0) {
                Some(c) if c.is_ascii_alphanumeric() => {}
                other => {
                    let found = match other {
                        None => "[EOF]".to_owned(),
                        Some(_) => self.text[self.pos..]
                            .chars()
                            .next()
                            .map(String::from)
                            .unwrap_or_default(),
                    };
                    return (
                        Kind::Error,
                        Payload::ErrorAtEnd(format!(
                            "Expected a valid identifier character, but found '{found}'"
                        )),
                    );
                }
            }
        }
        while matches!(self.peek_at(0), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        (Kind::Identifier, Payload::None)
    }

    fn string(&mut self) -> (Kind, Payload) {
        self.pos += 1;
        if self.peek_at(0) == Some(b'"') {
            self.pos += 1;
            if self.peek_at(0) != Some(b'"') {
                return (Kind::String, Payload::Text(String::new()));
            }
            self.pos += 1;
            return self.text_block();
        }
        let start = self.pos;
        while let Some(c) = self.peek_at(0) {
            if c == b'"' {
                break;
            }
            self.pos += if c == b'\\' { 2 } else { 1 };
        }
        self.pos = self.pos.min(self.bytes.len());
        if self.peek_at(0) != Some(b'"') {
            return (Kind::Error, Payload::ErrorAtEnd(UNCLOSED.into()));
        }
        let raw = &self.text[start..self.pos];
        self.pos += 1;
        match unescape(raw, false) {
            Ok(text) => (Kind::String, Payload::Text(text)),
            Err(e) => (
                Kind::Error,
                Payload::Error(format!("Error parsing quoted string: {e}")),
            ),
        }
    }

    fn text_block(&mut self) -> (Kind, Payload) {
        let start = self.pos;
        loop {
            match self.peek_at(0) {
                None => return (Kind::Error, Payload::ErrorAtEnd(UNCLOSED.into())),
                Some(b'"') if self.peek_at(1) == Some(b'"') && self.peek_at(2) == Some(b'"') => {
                    break
                }
                Some(b'\\') => self.pos = (self.pos + 2).min(self.bytes.len()),
                Some(_) => self.pos += 1,
            }
        }
        let raw = &self.text[start..self.pos];
        self.pos += 3;
        match strip_text_block(raw).and_then(|text| unescape(&text, true)) {
            Ok(text) => (Kind::TextBlock, Payload::Text(text)),
            Err(e) => (
                Kind::Error,
                Payload::Error(format!("Error parsing text block: {e}")),
            ),
        }
    }
}

/// The message of an unterminated string.
pub const UNCLOSED: &str = "Expected: '\"', but found '[EOF]'";

fn parse_number(lexeme: &str, integral: bool) -> Option<serde_json::Number> {
    if integral {
        if let Ok(n) = lexeme.parse::<i64>() {
            return Some(n.into());
        }
        if let Ok(n) = lexeme.parse::<u64>() {
            return Some(n.into());
        }
    }
    let value: f64 = lexeme.parse().ok()?;
    serde_json::Number::from_f64(value)
}

/// Removes a text block's incidental indentation: the smallest indentation
/// of its lines (the closing line counts even when blank), and trailing
/// spaces on every line. Line endings become `\n` first.
fn strip_text_block(raw: &str) -> Result<String, String> {
    let normalized = normalize_newlines(raw);
    if normalized.is_empty() {
        return Err("Text block is empty".into());
    }
    let Some(body) = normalized.strip_prefix('\n') else {
        return Err("Text block must start with a new line".into());
    };
    let lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    let indent = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| match line.find(|c| c != ' ') {
            Some(n) => Some(n),
            None if i == last => Some(line.len()),
            None => None,
        })
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(body.len());
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end_matches(' ');
        if trimmed.len() > indent {
            out.push_str(&trimmed[indent.min(trimmed.len())..]);
        }
        if i < last {
            out.push('\n');
        }
    }
    Ok(out)
}

fn normalize_newlines(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('\r') {
        raw.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        raw.into()
    }
}

/// Resolves escapes of a quoted string or text block body.
fn unescape(raw: &str, text_block: bool) -> Result<String, String> {
    let raw = normalize_newlines(raw);
    if !raw.contains('\\') {
        if let Some(bad) = raw.chars().find(|&c| !valid_char(c, text_block)) {
            return Err(format!("Invalid string character: `{bad}`"));
        }
        return Ok(raw.into_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    let mut high_surrogate: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            if !valid_char(c, text_block) {
                return Err(format!("Invalid string character: `{c}`"));
            }
            out.push(c);
            continue;
        }
        let escaped = match chars.next() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            // An escaped line break joins the lines.
            Some('\n') => continue,
            Some('u') => {
                let mut code = 0u32;
                for _ in 0..4 {
                    let digit = chars
                        .next()
                        .ok_or("Invalid unclosed unicode escape found in string")?;
                    let value = digit
                        .to_digit(16)
                        .ok_or_else(|| format!("Invalid unicode escape character: `{digit}`"))?;
                    code = code << 4 | value;
                }
                match (high_surrogate.take(), code) {
                    (None, 0xD800..=0xDBFF) => {
                        high_surrogate = Some(code);
                        continue;
                    }
                    (Some(high), 0xDC00..=0xDFFF) => {
                        let joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                        char::from_u32(joined).ok_or("Invalid surrogate pair")?
                    }
                    (Some(_), _) | (None, 0xDC00..=0xDFFF) => {
                        return Err("Invalid unicode escape: unpaired surrogate".into())
                    }
                    (None, code) => char::from_u32(code).ok_or("Invalid unicode escape")?,
                }
            }
            Some(other) => return Err(format!("Invalid escape found in string: `\\{other}`")),
            None => return Err("Invalid escape found in string: `\\`".into()),
        };
        if high_surrogate.is_some() {
            return Err("Invalid unicode escape: unpaired surrogate".into());
        }
        out.push(escaped);
    }
    if high_surrogate.is_some() {
        return Err("Invalid unicode escape: unpaired surrogate".into());
    }
    Ok(out)
}

fn valid_char(c: char, text_block: bool) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ' | '!' | '#'..='[' | ']'..) || (text_block && c == '"')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token();
            out.push(token.kind);
            if token.kind == Kind::Eof {
                return out;
            }
        }
    }

    fn payload(text: &str) -> Payload {
        Lexer::new(text).next_token().payload
    }

    #[test]
    fn tokens_of_a_statement() {
        use Kind::*;
        assert_eq!(
            kinds("@length(min: 1)\nstring Name // c\n"),
            [
                At, Identifier, LParen, Identifier, Colon, Space, Number, RParen, Newline,
                Identifier, Space, Identifier, Space, Comment, Eof
            ]
        );
        assert_eq!(kinds("a:=b"), [Identifier, Walrus, Identifier, Eof]);
        assert_eq!(kinds("/// doc\r\n"), [DocComment, Eof]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(payload(r#""a\"b\n""#), Payload::Text("a\"b\n".into()));
        assert_eq!(payload(r#""""#), Payload::Text(String::new()));
        assert_eq!(
            payload(r#""\ud83d\ude00 \u00e9""#),
            Payload::Text("\u{1F600} é".into())
        );
        assert_eq!(payload("\"a\\\nb\""), Payload::Text("ab".into()));
        assert_eq!(
            payload(r#""\ud83d""#),
            Payload::Error(
                "Error parsing quoted string: Invalid unicode escape: unpaired surrogate".into()
            )
        );
        assert_eq!(
            payload(r#""\'""#),
            Payload::Error(
                "Error parsing quoted string: Invalid escape found in string: `\\'`".into()
            )
        );
        assert_eq!(
            payload(r#""\u12""#),
            Payload::Error(
                "Error parsing quoted string: Invalid unclosed unicode escape found in string"
                    .into()
            )
        );
        assert_eq!(
            payload(r#""\u12x4""#),
            Payload::Error(
                "Error parsing quoted string: Invalid unicode escape character: `x`".into()
            )
        );
        assert_eq!(payload("\"abc"), Payload::ErrorAtEnd(UNCLOSED.into()));
    }

    #[test]
    fn text_blocks_lose_incidental_indentation() {
        let text = "\"\"\"\n        Hello\n          there\n        \"\"\"";
        assert_eq!(payload(text), Payload::Text("Hello\n  there\n".into()));
        let closing_on_text = "\"\"\"\n    a  \n    b\"\"\"";
        assert_eq!(payload(closing_on_text), Payload::Text("a\nb".into()));
        assert_eq!(
            payload("\"\"\"\"\"\""),
            Payload::Error("Error parsing text block: Text block is empty".into())
        );
        assert_eq!(
            payload("\"\"\"a\"\"\""),
            Payload::Error(
                "Error parsing text block: Text block must start with a new line".into()
            )
        );
        assert_eq!(
            payload("\"\"\"\n  say \"hi\" \\\"\"\"\n  \"\"\""),
            Payload::Text("say \"hi\" \"\"\"\n".into())
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(payload("42"), Payload::Number(42.into()));
        assert_eq!(payload("-7"), Payload::Number((-7).into()));
        assert_eq!(
            payload("1.5e3"),
            Payload::Number(serde_json::Number::from_f64(1500.0).unwrap())
        );
        assert_eq!(
            payload("1."),
            Payload::Error("Invalid number '1.': '.' must be followed by a digit".into())
        );
        assert_eq!(
            payload("1.0e+"),
            Payload::Error(
                "Invalid number '1.0e+': 'e', '+', and '-' must be followed by a digit".into()
            )
        );
    }

    #[test]
    fn identifiers_and_bad_characters() {
        assert_eq!(kinds("_a1"), [Kind::Identifier, Kind::Eof]);
        assert_eq!(
            payload("_ x"),
            Payload::ErrorAtEnd("Expected a valid identifier character, but found ' '".into())
        );
        assert_eq!(
            payload("!"),
            Payload::Error("Unexpected character: '!'".into())
        );
        assert_eq!(
            payload("é"),
            Payload::Error("Unexpected character: 'é'".into())
        );
    }
}
