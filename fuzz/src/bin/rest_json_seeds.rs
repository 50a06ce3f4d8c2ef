//! Writes the seeds of the restJson1 target (`src/bin/rest_json.rs`), one
//! run of requests per file, and a dictionary of the Bookshelf's paths,
//! query names, headers, members and escapes:
//!
//! ```text
//! rest_json_seeds SEED_DIR DICTIONARY_FILE
//! ```

use std::path::PathBuf;

/// `method` bytes, as `METHODS` in `src/bin/rest_json.rs` orders them.
const GET: u8 = 0;
const PUT: u8 = 1;
const DELETE: u8 = 3;
const HEAD: u8 = 4;
/// Method bit: the harness gzips the body.
const GZIP: u8 = 8;

/// `grow` bytes: repeat the query, the headers or the path `4^k` times.
const fn grow(what: u8, k: u8) -> u8 {
    (what << 3) | k
}
const QUERY: u8 = 1;
const HEADERS: u8 = 2;
const PATH: u8 = 3;

const JSON: &str = "content-type: application/json";
const DUNE: &str = r#"{"title":"Dune","edition":2}"#;

struct Step<'a> {
    method: u8,
    grow: u8,
    target: &'a str,
    headers: &'a [&'a str],
    body: &'a str,
}

const fn step<'a>(method: u8, target: &'a str, headers: &'a [&'a str], body: &'a str) -> Step<'a> {
    Step {
        method,
        grow: 0,
        target,
        headers,
        body,
    }
}

fn bytes(step: &Step<'_>) -> Vec<u8> {
    let mut out = vec![step.method, step.grow];
    out.extend_from_slice(step.target.as_bytes());
    out.push(b'\n');
    for header in step.headers {
        out.extend_from_slice(header.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(step.body.as_bytes());
    out
}

fn seeds() -> Vec<(&'static str, Vec<Step<'static>>)> {
    let put = step(PUT, "/shelves/fiction/books/dune", &[JSON], DUNE);
    vec![
        (
            "put-get",
            vec![
                put,
                step(
                    GET,
                    "/shelves/fiction/books/dune?edition=2&version=1",
                    &["x-reader: ann", "accept: application/json"],
                    "",
                ),
                step(
                    PUT,
                    "/shelves/fiction/books/dune",
                    &[JSON],
                    r#"{"title":"Dune Messiah"}"#,
                ),
                step(GET, "/shelves/fiction/books/dune?version=2", &[], ""),
            ],
        ),
        (
            "slash-in-label",
            vec![
                step(PUT, "/shelves/fiction/books/b%2F1", &[JSON], DUNE),
                step(GET, "/shelves/fiction/books/b%2F1", &[], ""),
                step(GET, "/shelves/fic%2Ftion/books/1", &[], ""),
            ],
        ),
        ("cover", vec![step(GET, "/covers/2026/dune.png", &[], "")]),
        (
            "cover-missing",
            vec![step(GET, "/covers/a%2Fb/c.jpg", &[], "")],
        ),
        (
            "bad-escapes",
            vec![
                step(GET, "/shelves/fiction/books/%zz", &[], ""),
                step(GET, "/shelves/fiction/books/%FF%FE", &[], ""),
                step(GET, "/shelves/fiction/books/1?edition=%4", &[], ""),
                step(GET, "/shelves/fiction/books/1?x=%C3%28", &[], ""),
            ],
        ),
        (
            "constraints",
            vec![
                step(GET, "/shelves/No/books/1", &[], ""),
                step(
                    GET,
                    "/shelves/fiction/books/1?edition=0&version=-1",
                    &[],
                    "",
                ),
                step(GET, "/shelves/fiction/books/1?edition=x", &[], ""),
                step(PUT, "/shelves/fiction/books/1", &[JSON], r#"{"title":""}"#),
                step(PUT, "/shelves/fiction/books/1", &[JSON], "{"),
            ],
        ),
        (
            "negotiation",
            vec![
                step(
                    PUT,
                    "/shelves/fiction/books/1",
                    &["content-type: text/plain"],
                    "{}",
                ),
                step(GET, "/shelves/fiction/books/1", &["accept: text/html"], ""),
                step(DELETE, "/shelves/fiction/books/1", &[], ""),
                step(HEAD, "/covers/x.png", &[], ""),
                step(GET, "/nowhere", &[], ""),
            ],
        ),
        (
            "gzip",
            vec![
                step(PUT | GZIP, "/shelves/fiction/books/dune", &[JSON], DUNE),
                step(
                    GET,
                    "/shelves/fiction/books/dune",
                    &["content-encoding: br"],
                    "",
                ),
            ],
        ),
        (
            "many-query-parameters",
            vec![Step {
                grow: grow(QUERY, 7),
                ..step(GET, "/shelves/fiction/books/1?edition=1&a=b", &[], "")
            }],
        ),
        (
            "many-headers",
            vec![Step {
                grow: grow(HEADERS, 5),
                ..step(
                    GET,
                    "/shelves/fiction/books/1",
                    &["x-reader: ann", "x-other: 1"],
                    "",
                )
            }],
        ),
        (
            "long-path",
            vec![Step {
                grow: grow(PATH, 6),
                ..step(GET, "/shelves", &[], "")
            }],
        ),
    ]
}

const DICTIONARY: &[&str] = &[
    "/shelves/",
    "/books/",
    "/covers/",
    ".png",
    "?edition=",
    "&version=",
    "edition",
    "version",
    "x-reader: ",
    "content-type: ",
    "accept: ",
    "content-encoding: ",
    "content-length: ",
    "application/json",
    "image/png",
    "text/plain",
    "*/*",
    "gzip",
    "identity",
    "%2F",
    "%25",
    "%00",
    "%0A",
    "%FF",
    "%C3%A9",
    "%F0%9F%98%B9",
    "%zz",
    "\"title\"",
    "\"edition\"",
    "null",
    "2147483648",
    "-1",
    "1e400",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(dictionary_file)) = (args.next(), args.next()) else {
        panic!("usage: rest_json_seeds SEED_DIR DICTIONARY_FILE");
    };
    let dictionary: String = DICTIONARY
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let escaped = token.replace('\\', "\\\\").replace('"', "\\\"");
            format!("t{i}=\"{escaped}\"\n")
        })
        .collect();
    std::fs::write(&dictionary_file, dictionary).expect("write the dictionary");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create the seed directory");
    for (name, steps) in seeds() {
        let input = steps.iter().map(bytes).collect::<Vec<_>>().join(&0u8);
        std::fs::write(dir.join(name), input).expect("write a seed");
    }
}
