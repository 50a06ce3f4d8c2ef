//! `@pattern` regular expressions, compiled on first use and then shared.
//!
//! Smithy patterns use ECMA-262 syntax and match anywhere in the value (they
//! carry their own anchors). Most compile with `regex`; the few that use
//! look-around fall back to `fancy-regex`. The generator checks every pattern
//! compiles before it emits it, so the fallbacks below never see a bad one.

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
        match regex_syntax::Parser::new().parse(source) {
            Ok(_) => Ok(()),
            Err(plain) => fancy_regex::Expr::parse_tree(source)
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
    if let Ok(re) = plain(source) {
        return Compiled::Plain(re);
    }
    match fancy_regex::Regex::new(source) {
        Ok(re) => Compiled::LookAround(re),
        Err(_) => Compiled::Invalid,
    }
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
    fn check_reports_unsupported_syntax() {
        assert!(Pattern::check("^a(?=b)").is_ok());
        assert!(Pattern::check("a(").is_err());
    }
}
