//! A streaming JSON scanner over numbered lines: yields every object (its key path and opening
//! line) and every scalar member (path, key, value, line). It needs no complete document, so the
//! same code reads whole lockfiles (after a strict syntax check) and diff fragments.

use super::{parse_error, Text};
use crate::error::Result;

/// One object and its scalar members.
#[derive(Debug, Clone, Default)]
pub(crate) struct Obj {
    /// Keys from the root (for fragments: from where the fragment starts).
    pub(crate) path: Vec<String>,
    /// Line of the opening `{`.
    pub(crate) line: u32,
    /// Scalar members: key → (value, line); strings unescaped, other scalars as written.
    pub(crate) fields: Vec<(String, String, u32)>,
}

impl Obj {
    /// A member's value.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.0 == key)
            .map(|f| f.1.as_str())
    }

    /// A member's line.
    pub(crate) fn line_of(&self, key: &str) -> Option<u32> {
        self.fields.iter().find(|f| f.0 == key).map(|f| f.2)
    }

    /// The object's own key.
    pub(crate) fn key(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("")
    }
}

/// Checks JSON syntax, naming the line of the first error.
pub(crate) fn check_syntax(text: &str, path: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| {
            parse_error(
                path,
                Some(e.line()).filter(|&l| l > 0),
                format!("invalid JSON: {}", strip_pos(&e.to_string())),
            )
        })
}

fn strip_pos(s: &str) -> String {
    match s.find(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// Deepest nesting accepted. Every object copies its key path, so memory grows with the square
/// of the depth: a hostile 10^5-deep fragment would need terabytes. Real lockfiles stay far below
/// (serde_json's own limit for whole files is 128).
const MAX_DEPTH: usize = 512;

/// Total key-path elements copied over all objects: the same blow-up in width (millions of small
/// objects a few hundred levels deep). Real lockfiles need well under a million.
const MAX_PATH_ELEMENTS: usize = 8_000_000;

/// Every object of the text, in document order of their closing.
pub(crate) fn objects(text: &Text<'_>, path: &str) -> Result<Vec<Obj>> {
    if let Some(full) = text.full {
        check_syntax(full, path)?;
    }
    let mut done = Vec::new();
    // Open containers: Some(object) or None for arrays.
    let mut stack: Vec<Option<Obj>> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    let mut copied = 0usize;
    for &(no, line) in &text.lines {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    let (s, next) = read_string(line, i + 1);
                    i = next;
                    let mut j = i;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j < b.len() && b[j] == b':' {
                        pending = Some(s);
                        i = j + 1;
                    } else if let Some(k) = pending.take() {
                        if let Some(Some(o)) = stack.last_mut() {
                            o.fields.push((k, s, no));
                        }
                    }
                    continue;
                }
                b'{' | b'[' if stack.len() >= MAX_DEPTH => {
                    return Err(parse_error(
                        path,
                        Some(no as usize),
                        format!("JSON nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                b'{' => {
                    let k = pending.take().unwrap_or_default();
                    keys.push(k);
                    copied += keys.len();
                    if copied > MAX_PATH_ELEMENTS {
                        return Err(parse_error(
                            path,
                            Some(no as usize),
                            "JSON has too many nested objects to scan",
                        ));
                    }
                    stack.push(Some(Obj {
                        path: keys.clone(),
                        line: no,
                        fields: Vec::new(),
                    }));
                }
                b'[' => {
                    keys.push(pending.take().unwrap_or_default());
                    stack.push(None);
                }
                b'}' | b']' => {
                    keys.pop();
                    if let Some(Some(o)) = stack.pop() {
                        done.push(o);
                    }
                }
                c if c.is_ascii_whitespace() || c == b',' => {}
                _ => {
                    let start = i;
                    while i < b.len()
                        && !matches!(b[i], b',' | b'}' | b']')
                        && !b[i].is_ascii_whitespace()
                    {
                        i += 1;
                    }
                    if let Some(k) = pending.take() {
                        if let Some(Some(o)) = stack.last_mut() {
                            o.fields.push((k, line[start..i].to_owned(), no));
                        }
                    }
                    continue;
                }
            }
            i += 1;
        }
    }
    // A fragment may end inside objects: keep what they have.
    while let Some(o) = stack.pop() {
        if let Some(o) = o {
            done.push(o);
        }
    }
    Ok(done)
}

fn read_string(line: &str, mut i: usize) -> (String, usize) {
    let b = line.as_bytes();
    let mut out = String::new();
    let start = i;
    let mut plain = true;
    while i < b.len() {
        match b[i] {
            b'"' => {
                if plain {
                    return (line[start..i].to_owned(), i + 1);
                }
                return (out, i + 1);
            }
            b'\\' if i + 1 < b.len() => {
                if plain {
                    out.push_str(&line[start..i]);
                    plain = false;
                }
                let c = b[i + 1];
                // The escaped character's full length: a backslash before a multi-byte
                // character (invalid JSON, seen in hostile files) must not split it.
                let esc_len = line
                    .get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                out.push(match c {
                    b'n' => '\n',
                    b't' => '\t',
                    b'/' => '/',
                    b'\\' => '\\',
                    b'"' => '"',
                    _ => '?',
                });
                i += 1 + esc_len;
                continue;
            }
            _ => {
                if !plain {
                    // Push the whole UTF-8 character.
                    let ch = line.get(i..).and_then(|r| r.chars().next());
                    let ch_len = ch.map_or(1, char::len_utf8);
                    out.push(ch.unwrap_or(char::REPLACEMENT_CHARACTER));
                    i += ch_len;
                    continue;
                }
            }
        }
        i += 1;
    }
    if plain {
        (line[start..].to_owned(), b.len())
    } else {
        (out, b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_paths_and_lines() {
        let t = "{\n  \"packages\": {\n    \"node_modules/a\": {\n      \"version\": \"1.0.0\",\n      \"dev\": true,\n      \"s\": \"q\\\"x\"\n    }\n  }\n}\n";
        let objs = objects(&Text::whole(t), "p").unwrap();
        let a = objs.iter().find(|o| o.key() == "node_modules/a").unwrap();
        assert_eq!(a.path, vec!["", "packages", "node_modules/a"]);
        assert_eq!(a.line, 3);
        assert_eq!(a.get("version"), Some("1.0.0"));
        assert_eq!(a.line_of("version"), Some(4));
        assert_eq!(a.get("dev"), Some("true"));
        assert_eq!(a.get("s"), Some("q\"x"));
        let e = objects(&Text::whole("{\"a\": [1,"), "lock.json")
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("lock.json:1: invalid JSON"), "{e}");
    }

    #[test]
    fn escaped_multibyte_characters_are_not_split() {
        // Found by cargo-fuzz (deps_package_lock, deps_package_json, deps_pipfile_lock): a
        // backslash before a multi-byte character sliced inside it.
        assert_eq!(read_string("a\\\u{7a6}b\"", 0), ("a?b".to_owned(), 6));
        assert_eq!(read_string("\\n\u{300}\"", 0), ("\n\u{300}".to_owned(), 5));
    }

    #[test]
    fn deep_fragment_is_rejected_not_quadratic() {
        // Regression (hostile corpus): 10^5 nested objects in a diff fragment used to copy the
        // key path at every level (O(depth^2) memory).
        let deep = "{\"a\":".repeat(100_000);
        let t = Text::fragment(vec![(1, deep.as_str())]);
        let e = objects(&t, "package-lock.json").err().unwrap().to_string();
        assert!(e.contains("nested deeper than 512"), "{e}");
        let ok = "{\"a\":".repeat(100);
        assert_eq!(
            objects(&Text::fragment(vec![(1, ok.as_str())]), "p")
                .unwrap()
                .len(),
            100
        );
        // Wide as well as deep: 500 levels, then 100,000 small objects at the bottom.
        let wide = format!("{}{}", "{\"a\":".repeat(500), "{},".repeat(100_000));
        let e = objects(&Text::fragment(vec![(1, wide.as_str())]), "p")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("too many nested objects"), "{e}");
    }
}
