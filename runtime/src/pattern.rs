//! `@pattern` regular expressions, compiled on first use and then shared.
//!
//! Smithy patterns use ECMA-262 syntax and match anywhere in the value (they
//! carry their own anchors). Most compile with `regex`; the few that use
//! look-around fall back to `fancy-regex`. AWS's models also carry Java-isms
//! that neither accepts as written (UTF-16 surrogate pairs such as
//! `\uD800\uDC00`, octal escapes such as `\037`, the category `\p{all}`)
//! and ECMA-262's Annex B quantified look-aheads (`(?!\.)+`); [`rust_syntax`]
//! rewrites those to what they mean. The generator checks every pattern
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

/// Rewrites what Java's regex dialect (which AWS's patterns are written in)
/// accepts and Rust's engines do not:
/// - surrogate pairs (`\uD800\uDC00`) become the code point they encode,
///   lone surrogates U+FFFD;
/// - `\p{LD}` (letters and digits) becomes `[\p{L}\p{Nd}]`;
/// - octal escapes (`\037`) become hex ones;
/// - POSIX classes (`\p{Alnum}`, `\p{Print}`) become `[[:alnum:]]`,
///   `[[:print:]]` (or `[:alnum:]` inside a class);
/// - `\p{all}`, Java's category of every character, becomes `\p{Any}`
///   (and `\P{all}`, which matches nothing, `\P{Any}`). ECMA-262 has no such
///   property: with the `u` flag `\p{all}` is a syntax error (its name for
///   it is `Any`), and without it Annex B reads `\p` as a plain `p`, making
///   `^[\p{all}]*$` accept only the letters `p{al}`, which is not what the
///   services that wrote it (in Java) enforce;
/// - in a class, a `-` after a class escape or a range (`[\w-_]`,
///   `[0-9-_]`) is a literal dash, so it is escaped;
/// - a quantified look-ahead (`(?!\.)+`, which ECMA-262 allows in Annex B
///   and Rust's engines refuse) is zero-width, so ECMA's repetition rules
///   make it the assertion itself when its minimum is one or more, and
///   nothing at all when it is zero (`*`, `?`, `{0,n}`).
pub fn rust_syntax(source: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(source.len() + 8);
    let mut depth = 0usize;
    // Open groups outside classes: where each starts in `out`, and whether
    // it is a look-ahead.
    let mut groups: Vec<(usize, bool)> = Vec::new();
    // Inside a class: whether the last item can't start a range.
    let mut after_set = false;
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        let mut consumed = c.len_utf8();
        match c {
            '\\' => {
                let escape = rest;
                if let Some((code, used)) = surrogate_pair(escape)
                    .or_else(|| lone_surrogate(escape))
                    .or_else(|| octal(escape))
                {
                    out.push_str(&format!("\\x{{{code:X}}}"));
                    consumed = used;
                    after_set = false;
                } else if let Some(used) = escape.starts_with("\\p{LD}").then_some(6) {
                    // Java's letters-and-digits category.
                    out.push_str(if depth > 0 {
                        r"\p{L}\p{Nd}"
                    } else {
                        r"[\p{L}\p{Nd}]"
                    });
                    consumed = used;
                    after_set = true;
                } else if let Some((negated, used)) = all_category(escape) {
                    out.push_str(if negated { r"\P{Any}" } else { r"\p{Any}" });
                    consumed = used;
                    after_set = true;
                } else if let Some((class, negated, used)) = posix_class(escape) {
                    let caret = if negated { "^" } else { "" };
                    if depth > 0 {
                        out.push_str(&format!("[:{caret}{class}:]"));
                    } else {
                        out.push_str(&format!("[[:{caret}{class}:]]"));
                    }
                    consumed = used;
                    after_set = true;
                } else {
                    let next = escape[1..].chars().next();
                    consumed = 1 + next.map_or(0, char::len_utf8);
                    out.push_str(&escape[..consumed]);
                    after_set = matches!(next, Some('w' | 'W' | 'd' | 'D' | 's' | 'S' | 'p' | 'P'));
                    if matches!(next, Some('p' | 'P')) {
                        // Copy `{Name}` as well.
                        if let Some(end) = escape
                            .find('}')
                            .filter(|_| escape[consumed..].starts_with('{'))
                        {
                            out.push_str(&escape[consumed..=end]);
                            consumed = end + 1;
                        }
                    }
                }
            }
            '(' if depth == 0 => {
                let look_ahead = rest.starts_with("(?=") || rest.starts_with("(?!");
                groups.push((out.len(), look_ahead));
                out.push('(');
            }
            ')' if depth == 0 => {
                out.push(')');
                if let Some((start, true)) = groups.pop() {
                    if let Some((min, used)) = quantifier(&rest[1..]) {
                        if min == 0 {
                            out.truncate(start);
                        }
                        consumed += used;
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push('[');
                if rest[1..].starts_with('^') {
                    out.push('^');
                    consumed += 1;
                }
                after_set = false;
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(']');
                after_set = depth > 0;
            }
            '-' if depth > 0 && after_set && !rest[1..].starts_with(']') => {
                out.push_str("\\-");
                after_set = false;
            }
            '-' if depth > 0 => {
                out.push('-');
                // `a-b`: copy the range's end now, so a dash after it is literal.
                let end = rest[1..]
                    .chars()
                    .next()
                    .filter(|e| *e != ']' && *e != '\\' && *e != '[');
                if let Some(end) = end {
                    out.push(end);
                    consumed += end.len_utf8();
                    after_set = true;
                }
            }
            _ => {
                out.push(c);
                after_set = false;
            }
        }
        rest = &rest[consumed..];
    }
    if out == source {
        Cow::Borrowed(source)
    } else {
        Cow::Owned(out)
    }
}

/// A surrogate without its partner can never occur in a Rust string; it
/// becomes U+FFFD so the pattern around it still compiles.
fn lone_surrogate(escape: &str) -> Option<(u32, usize)> {
    let hex = escape.strip_prefix("\\u")?.get(..4)?;
    let unit = u32::from_str_radix(hex, 16).ok()?;
    (0xD800..0xE000).contains(&unit).then_some((0xFFFD, 6))
}

/// Java's `\p{all}` and `\P{all}` → (negated, length).
fn all_category(escape: &str) -> Option<(bool, usize)> {
    const LENGTH: usize = r"\p{all}".len();
    match escape.get(..LENGTH)? {
        r"\p{all}" => Some((false, LENGTH)),
        r"\P{all}" => Some((true, LENGTH)),
        _ => None,
    }
}

/// The quantifier at the start of `text`, as ECMA-262 reads one: `*`, `+`,
/// `?`, `{n}`, `{n,}` or `{n,m}`, then an optional `?` (lazy) → (its
/// minimum, its length). A `{` that does not make a quantifier is a literal.
fn quantifier(text: &str) -> Option<(u64, usize)> {
    let (min, length) = match text.chars().next()? {
        '*' | '?' => (0, 1),
        '+' => (1, 1),
        '{' => {
            let body = &text[1..text.find('}')?];
            let (min, max) = body.split_once(',').unwrap_or((body, body));
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(min) || !(max.is_empty() || digits(max)) {
                return None;
            }
            (min.parse().ok()?, body.len() + 2)
        }
        _ => return None,
    };
    let lazy = usize::from(text[length..].starts_with('?'));
    Some((min, length + lazy))
}

/// Java's POSIX classes, `\p{Alnum}` → ("alnum", negated, length).
fn posix_class(escape: &str) -> Option<(&'static str, bool, usize)> {
    let negated = escape.starts_with("\\P{");
    let body = escape
        .strip_prefix("\\p{")
        .or_else(|| escape.strip_prefix("\\P{"))?;
    let name = &body[..body.find('}')?];
    let class = match name {
        "Alnum" => "alnum",
        "Alpha" => "alpha",
        "ASCII" => "ascii",
        "Blank" => "blank",
        "Cntrl" => "cntrl",
        "Digit" => "digit",
        "Graph" => "graph",
        "Lower" => "lower",
        "Print" => "print",
        "Punct" => "punct",
        "Space" => "space",
        "Upper" => "upper",
        "XDigit" => "xdigit",
        _ => return None,
    };
    Some((class, negated, 3 + name.len() + 1))
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
    fn java_classes_and_dashes_are_rewritten() {
        let cases = [
            (r"^\p{Print}+$", "hello world", "tab\there"),
            (r"^[\p{Print}&&[^|:/]]+$", "plan-1", "a/b"),
            (r"^[\w-_]*$", "a-b_c", "a b"),
            (r"^[a-zA-Z0-9-_]+$", "x-_9", "x.y"),
            (r"^[\-\p{Alnum}_:.]+$", "node-1:a", "node 1"),
        ];
        for (source, good, bad) in cases {
            assert!(
                Pattern::check(source).is_ok(),
                "{source}: {:?}",
                Pattern::check(source)
            );
            let pattern = Pattern::new(Box::leak(source.to_owned().into_boxed_str()));
            assert!(pattern.is_match(good), "{source} should match {good:?}");
            assert!(!pattern.is_match(bad), "{source} should not match {bad:?}");
        }
        assert!(Pattern::check(r"^(\p{LD}|\p{Punct}| )+$").is_ok());
        assert!(Pattern::check(r"^[\u0020-\uD7FF\uD800\uDBFF-\uDC00\uDFFF]*$").is_ok());
        assert_eq!(rust_syntax("^mw-[0-9a-f]{17}$"), "^mw-[0-9a-f]{17}$");
        assert_eq!(
            rust_syntax(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"),
            r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"
        );
    }

    #[test]
    fn java_all_category_is_every_character() {
        // dlm's DescriptionRegex.
        let any = Pattern::new(r"^[\p{all}]*$");
        assert!(Pattern::check(any.source()).is_ok());
        assert_eq!(rust_syntax(any.source()), r"^[\p{Any}]*$");
        for value in [
            "",
            "Daily snapshots",
            "été\n\t\u{0}\u{10FFFF}",
            "\u{1F600}{}p",
        ] {
            assert!(any.is_match(value), "{value:?}");
        }
        let outside = Pattern::new(r"^\p{all}{2}$");
        assert!(outside.is_match("a\u{1F600}"));
        assert!(!outside.is_match("abc"));
        // Its complement matches nothing, and a dash after it is literal.
        let none = Pattern::new(r"^[\P{all}]$");
        assert!(Pattern::check(none.source()).is_ok());
        assert!(!none.is_match("x") && !none.is_match(""));
        assert_eq!(rust_syntax(r"[\p{all}-_]"), r"[\p{Any}\-_]");
    }

    #[test]
    fn quantified_look_aheads_are_the_assertion_or_nothing() {
        // efs's Path: up to four segments, none starting with a dot.
        let path = Pattern::new(r"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$");
        assert!(
            Pattern::check(path.source()).is_ok(),
            "{:?}",
            Pattern::check(path.source())
        );
        assert_eq!(
            rust_syntax(path.source()),
            r"^(\/|(\/(?!\.)[^$#<>;`|&?{}^*/\n]+){1,4})$"
        );
        for good in ["/", "/data", "/a/b.c/d/e"] {
            assert!(path.is_match(good), "{good:?}");
        }
        for bad in ["", "/.hidden", "/a/.b", "/a/b/c/d/e", "/a*"] {
            assert!(!path.is_match(bad), "{bad:?}");
        }
        let cases = [
            // A minimum of one or more: the assertion, once.
            (r"(?!\.)+x", r"(?!\.)x"),
            (r"(?=a){2}a", r"(?=a)a"),
            (r"(?=a){1,}?a", r"(?=a)a"),
            (r"\((?!\))+", r"\((?!\))"),
            // A minimum of zero: nothing.
            (r"a(?=b)*b", "ab"),
            (r"a(?!(b|c))?b", "ab"),
            (r"a(?=b){0,3}b", "ab"),
            // Not a quantified look-ahead: as written.
            (r"(?=a){x}", r"(?=a){x}"),
            (r"(a)+(?:b)*[(?=c)+]", r"(a)+(?:b)*[(?=c)+]"),
            (r"(?<=a)b", r"(?<=a)b"),
        ];
        for (source, rust) in cases {
            assert_eq!(rust_syntax(source), rust, "{source}");
        }
    }

    #[test]
    fn check_reports_unsupported_syntax() {
        assert!(Pattern::check("^a(?=b)").is_ok());
        assert!(Pattern::check("a(").is_err());
    }
}
