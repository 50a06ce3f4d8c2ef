//! `@pattern` regular expressions, compiled on first use and then shared.
//!
//! Smithy patterns use ECMA-262 syntax and match anywhere in the value (they
//! carry their own anchors). Most compile with `regex`; the few that use
//! look-around fall back to `fancy-regex`. AWS's models also carry Java-isms
//! that neither accepts as written (UTF-16 surrogate pairs such as
//! `\uD800\uDC00`, octal escapes such as `\037`); [`rust_syntax`] rewrites
//! those to the code points they mean. The generator checks every pattern
//! before it emits it, so the fallbacks below never see a bad one.

use std::borrow::Cow;
use std::sync::OnceLock;

pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Compiled>,
}

enum Compiled {
    Plain(regex::Regex),
    LookAround(fancy_regex::Regex),
    /// Unreachable for generated code; keeps a bad hand-written pattern from
    /// turning into a panic on a request path.
    Invalid,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `source` is supported, with the reason when it is not. Only
    /// parses: building the automata of a whole model's patterns would cost
    /// generation more than a second, and happens lazily at run time.
    pub fn check(source: &str) -> Result<(), String> {
        let source = rust_syntax(source);
        match regex_syntax::Parser::new().parse(&source) {
            Ok(_) => Ok(()),
            // Only look-around patterns get here; they are few and small, so
            // compiling them fully also catches what parses but cannot build.
            Err(plain) => fancy_regex::Regex::new(&source)
                .map(drop)
                .map_err(|fancy| format!("{plain}; look-around engine: {fancy}")),
        }
    }

    pub fn is_match(&self, value: &str) -> bool {
        match self.compiled.get_or_init(|| compile(self.source)) {
            Compiled::Plain(re) => re.is_match(value),
            // A pattern that exhausts the backtracking limit is treated as a
            // match: rejecting valid input would be worse than missing a check.
            Compiled::LookAround(re) => re.is_match(value).unwrap_or(true),
            Compiled::Invalid => true,
        }
    }
}

/// AWS models bound lengths inside patterns (`^.{1,100000}$`); such
/// repetitions need more room than `regex`'s default automaton size.
const SIZE_LIMIT: usize = 256 << 20;

fn plain(source: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(source)
        .size_limit(SIZE_LIMIT)
        .build()
}

fn compile(source: &str) -> Compiled {
    let source = rust_syntax(source);
    if let Ok(re) = plain(&source) {
        return Compiled::Plain(re);
    }
    match fancy_regex::Regex::new(&source) {
        Ok(re) => Compiled::LookAround(re),
        Err(_) => Compiled::Invalid,
    }
}

/// Rewrites escapes that Java accepts and Rust's engines do not: surrogate
/// pairs become the code point they encode, octal escapes `\0nn` hex ones.
pub fn rust_syntax(source: &str) -> Cow<'_, str> {
    if !source.contains("\\u") && !source.contains("\\0") {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at..];
        if let Some((code, used)) = surrogate_pair(escape).or_else(|| octal(escape)) {
            out.push_str(&format!("\\x{{{code:X}}}"));
            rest = &escape[used..];
        } else {
            // Copy the backslash and the escaped character unchanged.
            let len = escape[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
            out.push_str(&escape[..len]);
            rest = &escape[len..];
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `\uD800\uDC00` → (0x10000, 12).
fn surrogate_pair(escape: &str) -> Option<(u32, usize)> {
    let unit = |text: &str| -> Option<u32> {
        let hex = text.strip_prefix("\\u")?.get(..4)?;
        u32::from_str_radix(hex, 16).ok()
    };
    let high = unit(escape)?;
    let low = unit(escape.get(6..)?)?;
    ((0xD800..0xDC00).contains(&high) && (0xDC00..0xE000).contains(&low))
        .then(|| (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12))
}

/// Java's `\0n`, `\0nn` and `\0mnn` (m ≤ 3).
fn octal(escape: &str) -> Option<(u32, usize)> {
    let digits: String = escape
        .strip_prefix("\\0")?
        .chars()
        .take(3)
        .take_while(|c| c.is_digit(8))
        .collect();
    let digits = if digits.len() == 3 && digits.as_bytes()[0] > b'3' {
        &digits[..2]
    } else {
        &digits[..]
    };
    if digits.is_empty() {
        return None;
    }
    u32::from_str_radix(digits, 8)
        .ok()
        .map(|code| (code, 2 + digits.len()))
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static WINDOW_ID: Pattern = Pattern::new("^mw-[0-9a-f]{17}$");
    static NOT_BLANK: Pattern = Pattern::new(r"^(?!\s*$)[\s\S]+$");
    static LONG: Pattern = Pattern::new("^.{1,100000}$");
    static UNICODE: Pattern = Pattern::new(r"^[\p{L}\p{Z}\p{N}_.:/=\-@]*$");

    #[test]
    fn plain_and_look_around_patterns() {
        assert!(WINDOW_ID.is_match("mw-0123456789abcdef0"));
        assert!(!WINDOW_ID.is_match("mw-XYZ"));
        assert!(NOT_BLANK.is_match("x"));
        assert!(!NOT_BLANK.is_match("   "));
        assert!(UNICODE.is_match("tag:Été"));
        assert!(!UNICODE.is_match("a*b"));
        assert!(LONG.is_match("x"));
        assert!(!LONG.is_match(""));
    }

    #[test]
    fn java_escapes_are_rewritten() {
        let xml =
            Pattern::new("^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*$");
        assert!(Pattern::check(xml.source()).is_ok());
        assert!(xml.is_match("plain text \u{1F600}"));
        assert!(!xml.is_match("bell \u{7}"));
        let no_controls = Pattern::new("^[^/:|\\000-\\037]+$");
        assert!(no_controls.is_match("stream-1"));
        assert!(!no_controls.is_match("a\u{1f}b"));
        assert_eq!(
            rust_syntax(r"a\\u0041"),
            r"a\\u0041",
            "escaped backslashes stay"
        );
    }

    #[test]
    fn check_reports_unsupported_syntax() {
        assert!(Pattern::check("^a(?=b)").is_ok());
        assert!(Pattern::check("a(").is_err());
    }
}
