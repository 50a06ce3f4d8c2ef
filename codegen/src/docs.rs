//! Model documentation (HTML in AWS's models, plain text in ours) turned
//! into rustdoc that renders well and never becomes a doctest.

/// Converts a documentation string into rustdoc lines.
pub fn to_rustdoc(html: &str) -> Vec<String> {
    let text = strip_tags(html);
    let mut lines = Vec::new();
    let mut blank = true;
    for line in text.lines() {
        // Indented lines would be code blocks, and code blocks doctests.
        let line = line.trim();
        if line.is_empty() {
            if !blank {
                lines.push(String::new());
            }
            blank = true;
        } else {
            lines.push(escape_markdown(line));
            blank = false;
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        match name {
            // `<li><p>text</p>`: the text belongs on the bullet.
            "p" if !tag.starts_with('/') && out.ends_with("\n- ") => {}
            "p" | "br" | "br/" | "ul" | "ol" | "dl" | "note" | "important" => out.push_str("\n\n"),
            "li" if !tag.starts_with('/') => out.push_str("\n- "),
            "code" => out.push('`'),
            _ => {}
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Keeps text literal: brackets would become intra-doc links, angle brackets
/// HTML tags, and fences code blocks. Bare URLs become autolinks
/// (`<https://…>`), which rustdoc's `bare_urls` lint asks for.
fn escape_markdown(line: &str) -> String {
    let line = line.replace("```", "'''");
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(start) = find_url(rest) {
        escape_text(&rest[..start], &mut out);
        let tail = &rest[start..];
        let url = tail[..tail.find(char::is_whitespace).unwrap_or(tail.len())]
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"']);
        // Inside a code span a URL is no link, and `<`/`>` cannot be in one.
        let in_code = out.matches('`').count() % 2 == 1;
        if in_code || url.contains(['<', '>']) {
            escape_text(url, &mut out);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &tail[url.len()..];
    }
    escape_text(rest, &mut out);
    out
}

/// Where the first `http://` or `https://` URL in `text` starts.
fn find_url(text: &str) -> Option<usize> {
    ["http://", "https://"]
        .iter()
        .filter_map(|scheme| {
            text.match_indices(scheme)
                .find(|(at, _)| text[at + scheme.len()..].starts_with(|c: char| !c.is_whitespace()))
                .map(|(at, _)| at)
        })
        .min()
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>') && !out.ends_with('\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_paragraphs() {
        let lines = to_rustdoc(
            "<p>Gets a <code>Window</code> &amp; its [tags].</p><ul><li>one</li><li>two</li></ul>",
        );
        assert_eq!(
            lines,
            ["Gets a `Window` & its \\[tags\\].", "", "- one", "- two"]
        );
    }

    #[test]
    fn paragraphs_inside_list_items_stay_on_the_bullet() {
        assert_eq!(
            to_rustdoc("<ul><li><p>one</p></li><li><p>two</p></li></ul>"),
            ["- one", "", "- two"]
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            to_rustdoc("See https://example.com/a, or `http://x.org` [here]."),
            ["See <https://example.com/a>, or `http://x.org` \\[here\\]."]
        );
    }

    #[test]
    fn indentation_never_becomes_a_code_block() {
        assert_eq!(
            to_rustdoc("Example:\n\n    fn main() {}"),
            ["Example:", "", "fn main() {}"]
        );
    }
}
