//! Line scanner for `[[package]]`-style TOML lockfiles (Cargo.lock, poetry.lock, uv.lock): one
//! block per package with each key's raw value and line. Full files are syntax-checked with the
//! `toml` crate first; diff fragments are scanned as far as they go.

use std::collections::HashMap;

use super::{parse_error, Text};
use crate::error::Result;

/// One `[[package]]` block.
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// Line of the `[[package]]` header.
    pub(crate) line: u32,
    /// `key` (or `sub.key` inside `[package.sub]`) → (raw value, line).
    pub(crate) fields: HashMap<String, (String, u32)>,
}

impl Block {
    /// A string field's value.
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(|(v, _)| super::quoted(v))
    }

    /// A field's line.
    pub(crate) fn line_of(&self, key: &str) -> Option<u32> {
        self.fields.get(key).map(|(_, l)| *l)
    }

    /// A field's raw value.
    pub(crate) fn raw(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(|(v, _)| v.as_str())
    }
}

/// Checks TOML syntax, reporting the line of the first error.
pub(crate) fn check_syntax(text: &str, path: &str) -> Result<()> {
    match text.parse::<toml::Table>() {
        Ok(_) => Ok(()),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .to_owned();
            Err(parse_error(path, line, format!("invalid TOML: {msg}")))
        }
    }
}

/// A value in an inline table (`{ git = "…", rev = "…" }`) by key.
pub(crate) fn inline_value<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = raw;
    while let Some(i) = rest.find(key) {
        let before_ok = i == 0
            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric()
                && rest.as_bytes()[i - 1] != b'-'
                && rest.as_bytes()[i - 1] != b'_';
        let after = rest[i + key.len()..].trim_start();
        if before_ok {
            if let Some(v) = after.strip_prefix('=') {
                return super::quoted(v);
            }
        }
        rest = &rest[i + key.len()..];
    }
    None
}

/// The `[[package]]` blocks of a lockfile (plus a pseudo-block named `metadata` for Cargo.lock
/// v1's `[metadata]` table, whose keys are kept).
pub(crate) fn packages(text: &Text<'_>, path: &str) -> Result<(Vec<Block>, Block)> {
    if let Some(full) = text.full {
        check_syntax(full, path)?;
    }
    let mut blocks = Vec::new();
    let mut meta = Block::default();
    let mut cur: Option<Block> = None;
    let mut sub: Option<String> = None;
    let mut in_meta = false;
    for &(no, raw) in &text.lines {
        let line = raw.trim();
        if line.starts_with('[') {
            let header = line.trim_start_matches('[').trim_end_matches(']').trim();
            if line.starts_with("[[") && header == "package" {
                if let Some(b) = cur.take() {
                    blocks.push(b);
                }
                cur = Some(Block {
                    line: no,
                    fields: HashMap::new(),
                });
                sub = None;
                in_meta = false;
            } else if let Some(s) = header.strip_prefix("package.") {
                sub = Some(s.to_owned());
            } else {
                if let Some(b) = cur.take() {
                    blocks.push(b);
                }
                in_meta = header == "metadata";
                sub = None;
            }
            continue;
        }
        let Some(eq) = find_eq(line) else { continue };
        let key = line[..eq].trim().trim_matches('"').to_owned();
        let val = line[eq + 1..].trim().to_owned();
        if in_meta {
            meta.fields.insert(key, (val, no));
        } else if let Some(b) = cur.as_mut() {
            let k = match &sub {
                Some(s) => format!("{s}.{key}"),
                None => key,
            };
            b.fields.entry(k).or_insert((val, no));
        }
    }
    if let Some(b) = cur.take() {
        blocks.push(b);
    }
    Ok((blocks, meta))
}

/// The `=` of a `key = value` line (outside a quoted key).
fn find_eq(line: &str) -> Option<usize> {
    if line.starts_with('#') || line.is_empty() {
        return None;
    }
    let mut in_str = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '=' if !in_str => return Some(i),
            _ => {}
        }
    }
    None
}
