//! Where shapes, members and metadata keys sit in a JSON AST document.
//! `serde_json::Value` forgets positions, so one extra pass over the text
//! finds the keys errors point at. The text has already parsed as JSON, so
//! this scanner only needs to follow nesting, not to validate.

use std::collections::HashMap;

/// 1-based line and column of a key's opening quote.
pub type Position = (u32, u32);

#[derive(Debug, Default)]
pub struct Positions {
    pub shapes: HashMap<String, Position>,
    /// `(shape id, member name)`; a list's `member`, a map's `key` and
    /// `value` included.
    pub members: HashMap<(String, String), Position>,
    pub metadata: HashMap<String, Position>,
}

impl Positions {
    pub fn scan(text: &str) -> Self {
        let mut positions = Positions::default();
        let bytes = text.as_bytes();
        // Keys through which each open container was entered; `None` for
        // array elements and for levels too deep to matter.
        let mut path: Vec<Option<String>> = Vec::new();
        // Per open container: (is an object, waits for a key).
        let mut frames: Vec<(bool, bool)> = Vec::new();
        // The key whose value comes next.
        let mut pending: Option<String> = None;
        let (mut line, mut column) = (1u32, 1u32);
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            if byte == b'"' {
                let start = (line, column);
                let begin = i;
                i += 1;
                column += 1;
                // JSON strings hold no raw line breaks: only columns move.
                while i < bytes.len() && bytes[i] != b'"' {
                    let step = if bytes[i] == b'\\' { 2 } else { 1 };
                    for _ in 0..step {
                        if i < bytes.len() && !is_continuation(bytes[i]) {
                            column += 1;
                        }
                        i += 1;
                    }
                }
                let end = (i + 1).min(bytes.len());
                if let Some((true, waiting @ true)) = frames.last_mut() {
                    *waiting = false;
                    let key = if path.len() <= 4 {
                        text.get(begin..end)
                            .and_then(|raw| serde_json::from_str::<String>(raw).ok())
                    } else {
                        None
                    };
                    if let Some(key) = &key {
                        positions.record(&path, key, start);
                    }
                    pending = key;
                }
                // The closing quote.
                i += 1;
                column += 1;
                continue;
            }
            match byte {
                b'{' | b'[' => {
                    path.push(pending.take());
                    frames.push((byte == b'{', byte == b'{'));
                }
                b'}' | b']' => {
                    path.pop();
                    frames.pop();
                    pending = None;
                }
                b',' => {
                    if let Some((true, waiting)) = frames.last_mut() {
                        *waiting = true;
                    }
                    pending = None;
                }
                _ => {}
            }
            if byte == b'\n' {
                line += 1;
                column = 1;
            } else if !is_continuation(byte) {
                column += 1;
            }
            i += 1;
        }
        positions
    }

    fn record(&mut self, path: &[Option<String>], key: &str, at: Position) {
        let keys: Vec<Option<&str>> = path.iter().map(Option::as_deref).collect();
        match keys.as_slice() {
            [None, Some("shapes")] => {
                self.shapes.insert(key.to_owned(), at);
            }
            [None, Some("metadata")] => {
                self.metadata.insert(key.to_owned(), at);
            }
            [None, Some("shapes"), Some(shape), Some("members")] => {
                self.members
                    .insert(((*shape).to_owned(), key.to_owned()), at);
            }
            [None, Some("shapes"), Some(shape)] if matches!(key, "member" | "key" | "value") => {
                self.members
                    .insert(((*shape).to_owned(), key.to_owned()), at);
            }
            _ => {}
        }
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}
