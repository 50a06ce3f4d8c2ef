//! Routing by `@http` URI pattern: a tree of the patterns' segments, so a
//! request walks down its own path instead of trying every route.
//!
//! At each segment a literal child is tried before a label, and a label
//! before a greedy label (the spec's precedence); a branch that fails
//! deeper falls back to the next. A route with query literals
//! (`/items?list`) matches only a request carrying them, and beats the same
//! path without them. Every node is visited at most once per lookup, so a
//! lookup costs at most the tree's size, whatever the request.

use std::collections::HashMap;

/// One `@http` URI pattern, e.g. `/Foo/{bucket}/{key+}/z?list&x=1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriPattern {
    pub segments: Vec<Segment>,
    /// Literal query parameters: name and, when the pattern gives one, value.
    pub query: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Label(String),
    Greedy(String),
}

impl UriPattern {
    pub fn parse(uri: &str) -> Result<UriPattern, String> {
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let path = path
            .strip_prefix('/')
            .ok_or_else(|| format!("`{uri}` does not start with `/`"))?;
        let mut segments = Vec::new();
        if !path.is_empty() {
            for text in path.split('/') {
                segments.push(segment(uri, text)?);
            }
        }
        let greedy = segments
            .iter()
            .filter(|s| matches!(s, Segment::Greedy(_)))
            .count();
        if greedy > 1 {
            return Err(format!("`{uri}` has more than one greedy label"));
        }
        if let Some(at) = segments
            .iter()
            .position(|s| matches!(s, Segment::Greedy(_)))
        {
            if segments[at + 1..]
                .iter()
                .any(|s| !matches!(s, Segment::Literal(_)))
            {
                return Err(format!("`{uri}`: only literals may follow a greedy label"));
            }
        }
        let query = query
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| match part.split_once('=') {
                Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                None => (part.to_owned(), None),
            })
            .collect();
        Ok(UriPattern { segments, query })
    }
}

fn segment(uri: &str, text: &str) -> Result<Segment, String> {
    let Some(inner) = text.strip_prefix('{') else {
        if text.contains(['{', '}']) {
            return Err(format!("`{uri}`: a label must be a whole segment"));
        }
        return Ok(Segment::Literal(text.to_owned()));
    };
    let name = inner
        .strip_suffix('}')
        .ok_or_else(|| format!("`{uri}`: a label must be a whole segment"))?;
    let (name, greedy) = match name.strip_suffix('+') {
        Some(name) => (name, true),
        None => (name, false),
    };
    if name.is_empty() || name.contains(['{', '}', '+']) {
        return Err(format!("`{uri}`: malformed label `{text}`"));
    }
    Ok(if greedy {
        Segment::Greedy(name.to_owned())
    } else {
        Segment::Label(name.to_owned())
    })
}

/// Every route of a service, compiled once.
pub struct Routes<T> {
    root: Node<T>,
}

struct Node<T> {
    literals: HashMap<String, Node<T>>,
    label: Option<Box<Node<T>>>,
    /// Routes whose greedy label starts here, with the literals after it.
    greedy: Vec<(Vec<String>, Ending<T>)>,
    /// Routes whose pattern ends here.
    endings: Vec<Ending<T>>,
}

struct Ending<T> {
    method: String,
    query: Vec<(String, Option<String>)>,
    /// Label names in pattern order.
    labels: Vec<String>,
    value: T,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self {
            literals: HashMap::new(),
            label: None,
            greedy: Vec::new(),
            endings: Vec::new(),
        }
    }
}

pub enum Found<'a, T> {
    /// `labels`: label name → percent-decoded value, in pattern order.
    Route {
        value: &'a T,
        labels: Vec<(&'a str, String)>,
    },
    /// The path (and query literals) match a route, but not for this method.
    WrongMethod,
    NotFound,
    /// A label of the matched route is not percent-encoded UTF-8.
    BadLabel(String),
}

impl<T> Routes<T> {
    pub fn new<'a>(
        routes: impl IntoIterator<Item = (&'a str, &'a str, T)>,
    ) -> Result<Self, String> {
        let mut root = Node::default();
        let mut seen = Vec::new();
        for (method, uri, value) in routes {
            let pattern = UriPattern::parse(uri)?;
            let shape: Vec<String> = pattern
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(text) => format!("/{text}"),
                    Segment::Label(_) => "/{}".to_owned(),
                    Segment::Greedy(_) => "/{+}".to_owned(),
                })
                .collect();
            let mut query = pattern.query.clone();
            query.sort();
            let key = (method.to_owned(), shape, query);
            if seen.contains(&key) {
                return Err(format!("two operations have {method} {uri}"));
            }
            seen.push(key);
            root.insert(method, pattern, value);
        }
        // Routes with more query literals are tried first.
        root.sort();
        Ok(Self { root })
    }

    /// `path`: the raw request path; `query`: the raw query, without `?`.
    pub fn find<'r>(&self, method: &str, path: &'r str, query: Option<&'r str>) -> Found<'_, T> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let segments: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        let query = raw_query(query.unwrap_or_default());
        let mut lookup = Lookup {
            method,
            query: &query,
            labels: Vec::new(),
            wrong_method: false,
        };
        match self.root.find(&segments, &mut lookup) {
            Some((ending, values)) => {
                let mut labels = Vec::with_capacity(values.len());
                for (name, raw) in ending.labels.iter().zip(values) {
                    match percent_decode(&raw) {
                        Ok(value) => labels.push((name.as_str(), value)),
                        Err(why) => return Found::BadLabel(why),
                    }
                }
                Found::Route {
                    value: &ending.value,
                    labels,
                }
            }
            None if lookup.wrong_method => Found::WrongMethod,
            None => Found::NotFound,
        }
    }
}

struct Lookup<'q> {
    method: &'q str,
    /// Query names and values, still encoded except for what matching needs.
    query: &'q [(String, String)],
    /// Raw label values on the current branch.
    labels: Vec<String>,
    wrong_method: bool,
}

impl<T> Node<T> {
    fn insert(&mut self, method: &str, pattern: UriPattern, value: T) {
        let labels: Vec<String> = pattern
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Label(name) | Segment::Greedy(name) => Some(name.clone()),
                Segment::Literal(_) => None,
            })
            .collect();
        let ending = Ending {
            method: method.to_owned(),
            query: pattern.query,
            labels,
            value,
        };
        let mut node = self;
        let mut segments = pattern.segments.into_iter();
        while let Some(segment) = segments.next() {
            node = match segment {
                Segment::Literal(text) => node.literals.entry(text).or_default(),
                Segment::Label(_) => node.label.get_or_insert_with(Box::default),
                Segment::Greedy(_) => {
                    let suffix = segments
                        .map(|s| match s {
                            Segment::Literal(text) => text,
                            // `parse` allows only literals after a greedy label.
                            Segment::Label(name) | Segment::Greedy(name) => name,
                        })
                        .collect();
                    node.greedy.push((suffix, ending));
                    return;
                }
            };
        }
        node.endings.push(ending);
    }

    fn sort(&mut self) {
        self.endings
            .sort_by_key(|e| std::cmp::Reverse(e.query.len()));
        self.greedy
            .sort_by_key(|(suffix, e)| std::cmp::Reverse((suffix.len(), e.query.len())));
        for child in self.literals.values_mut() {
            child.sort();
        }
        if let Some(label) = &mut self.label {
            label.sort();
        }
    }

    fn find<'n>(
        &'n self,
        segments: &[&str],
        lookup: &mut Lookup<'_>,
    ) -> Option<(&'n Ending<T>, Vec<String>)> {
        let Some((first, rest)) = segments.split_first() else {
            return lookup.choose(&self.endings);
        };
        if let Some(child) = self.literals.get(*first) {
            if let Some(found) = child.find(rest, lookup) {
                return Some(found);
            }
        }
        if let Some(child) = &self.label {
            if !first.is_empty() {
                lookup.labels.push((*first).to_owned());
                if let Some(found) = child.find(rest, lookup) {
                    return Some(found);
                }
                lookup.labels.pop();
            }
        }
        for (suffix, ending) in &self.greedy {
            let Some(taken) = segments.len().checked_sub(suffix.len()) else {
                continue;
            };
            let (greedy, tail) = segments.split_at(taken);
            if greedy.is_empty() || greedy.iter().any(|s| s.is_empty()) {
                continue;
            }
            if tail.iter().zip(suffix).any(|(a, b)| a != b) {
                continue;
            }
            lookup.labels.push(greedy.join("/"));
            if let Some((ending, labels)) = lookup.choose(std::slice::from_ref(ending)) {
                return Some((ending, labels));
            }
            lookup.labels.pop();
        }
        None
    }
}

impl Lookup<'_> {
    /// The first ending whose query literals the request has and whose
    /// method it uses.
    fn choose<'n, T>(&mut self, endings: &'n [Ending<T>]) -> Option<(&'n Ending<T>, Vec<String>)> {
        for ending in endings {
            let has_query = ending.query.iter().all(|(name, value)| {
                self.query
                    .iter()
                    .any(|(k, v)| k == name && value.as_ref().is_none_or(|value| value == v))
            });
            if !has_query {
                continue;
            }
            if ending.method == self.method {
                return Some((ending, self.labels.clone()));
            }
            self.wrong_method = true;
        }
        None
    }
}

/// Query pairs decoded where they can be, for matching query literals.
fn raw_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let decoded = |text: &str| percent_decode(text).unwrap_or_else(|_| text.to_owned());
            (decoded(name), decoded(value))
        })
        .collect()
}

/// The query string as (name, value) pairs, percent-decoded, in order,
/// repeated names kept; `a` alone reads as `("a", "")`. `+` is a plus sign,
/// as RFC 3986 has it (clients encode spaces as `%20`).
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, String> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            Ok((percent_decode(name)?, percent_decode(value)?))
        })
        .collect()
}

/// Percent-decodes one component of a URI.
pub fn percent_decode(text: &str) -> Result<String, String> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // Two hex digits: `from_str_radix` alone would also take a
            // sign (`%+1`).
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("invalid percent-encoding in `{text}`"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` is not percent-encoded UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> Routes<&'static str> {
        Routes::new([
            ("GET", "/HttpRequestWithLabels/{string}/{short}", "labels"),
            (
                "GET",
                "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}",
                "greedy",
            ),
            (
                "GET",
                "/ConstantQueryString/{hello}?foo=bar&hello",
                "constant",
            ),
            (
                "GET",
                "/ConstantAndVariableQueryString?foo=bar",
                "constant_and_variable",
            ),
            ("GET", "/items/{id}", "item"),
            ("GET", "/items/special", "special"),
            ("PUT", "/items/{id}", "put_item"),
            ("GET", "/objects/{key+}/meta", "meta"),
            ("GET", "/", "root"),
        ])
        .unwrap()
    }

    fn found(method: &str, path: &str, query: Option<&str>) -> Option<(&'static str, Vec<String>)> {
        match routes().find(method, path, query) {
            Found::Route { value, labels } => {
                Some((*value, labels.into_iter().map(|(_, v)| v).collect()))
            }
            _ => None,
        }
    }

    #[test]
    fn labels_are_decoded_after_splitting() {
        let (route, labels) = found(
            "GET",
            "/HttpRequestWithLabels/%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9/1",
            None,
        )
        .unwrap();
        assert_eq!(route, "labels");
        assert_eq!(labels, [" %:/?#[]@!$&'()*+,;=😹", "1"]);
    }

    #[test]
    fn greedy_labels_take_several_segments() {
        let (route, labels) = found(
            "GET",
            "/HttpRequestWithGreedyLabelInPath/foo/hello/baz/there/guy",
            None,
        )
        .unwrap();
        assert_eq!(
            (route, labels),
            ("greedy", vec!["hello".into(), "there/guy".into()])
        );
        let (route, labels) = found("GET", "/objects/a/b/c/meta", None).unwrap();
        assert_eq!((route, labels), ("meta", vec!["a/b/c".into()]));
        assert!(found("GET", "/objects/meta", None).is_none());
    }

    #[test]
    fn literals_win_over_labels_and_methods_are_told_apart() {
        assert_eq!(found("GET", "/items/special", None).unwrap().0, "special");
        assert_eq!(found("GET", "/items/other", None).unwrap().0, "item");
        assert_eq!(found("PUT", "/items/special", None).unwrap().0, "put_item");
        assert!(matches!(
            routes().find("DELETE", "/items/x", None),
            Found::WrongMethod
        ));
        assert!(matches!(
            routes().find("GET", "/nothing", None),
            Found::NotFound
        ));
        assert!(matches!(
            routes().find("GET", "/items/", None),
            Found::NotFound
        ));
        assert_eq!(found("GET", "/", None).unwrap().0, "root");
    }

    #[test]
    fn query_literals_must_be_present() {
        assert_eq!(
            found("GET", "/ConstantQueryString/hi", Some("foo=bar&hello"))
                .unwrap()
                .0,
            "constant"
        );
        assert!(found("GET", "/ConstantQueryString/hi", Some("foo=baz&hello")).is_none());
        assert_eq!(
            found(
                "GET",
                "/ConstantAndVariableQueryString",
                Some("baz=bam&foo=bar")
            )
            .unwrap()
            .0,
            "constant_and_variable"
        );
    }

    #[test]
    fn bad_escapes_are_refused() {
        assert!(matches!(
            routes().find("GET", "/items/%zz", None),
            Found::BadLabel(_)
        ));
        assert!(matches!(
            routes().find("GET", "/items/%FF", None),
            Found::BadLabel(_)
        ));
        assert!(parse_query("a=%4").is_err());
        assert!(percent_decode("%+1").is_err());
        assert!(percent_decode("%-1").is_err());
        assert_eq!(
            parse_query("a=1&b&a=%20x+").unwrap(),
            [
                ("a".into(), "1".into()),
                ("b".into(), String::new()),
                ("a".into(), " x+".into())
            ]
        );
    }

    #[test]
    fn malformed_patterns_and_duplicates_are_errors() {
        for bad in ["nope", "/{a+}/{b+}", "/{a+}/{b}", "/x{a}", "/{}"] {
            assert!(UriPattern::parse(bad).is_err(), "{bad}");
        }
        assert!(Routes::new([("GET", "/a/{x}", 1), ("GET", "/a/{y}", 2)]).is_err());
    }

    #[test]
    fn hostile_paths_do_not_panic() {
        let routes = routes();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"/%{}+?&=az09\xff";
        for _ in 0..2000 {
            let mut text = Vec::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let text = String::from_utf8_lossy(&text);
            let (path, query) = text.split_once('?').unwrap_or((&text, ""));
            let _ = routes.find("GET", path, Some(query));
            let _ = parse_query(query);
        }
        let long = "/a".repeat(10_000);
        assert!(matches!(routes.find("GET", &long, None), Found::NotFound));
    }
}
