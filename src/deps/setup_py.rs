//! `setup.py`: the string literals of `install_requires=[…]` and `extras_require={…}` written
//! out in the file (static literals only: a list built at run time cannot be read without
//! running the file, and is left alone).

use super::requirements::parse_requirement;
use super::{Entry, Text};
use crate::error::Result;

/// Parses a `setup.py`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    // Depth of brackets inside an `install_requires` / `extras_require` value; 0 outside.
    let mut depth = 0usize;
    for &(no, raw) in &text.lines {
        let code = strip_comment(raw);
        let mut rest: &str = code;
        if depth == 0 {
            let Some(at) = ["install_requires", "extras_require"]
                .iter()
                .filter_map(|k| rest.find(k).map(|i| i + k.len()))
                .min()
            else {
                continue;
            };
            let after = rest[at..].trim_start();
            let Some(value) = after.strip_prefix('=').or_else(|| after.strip_prefix(':')) else {
                continue;
            };
            let value = value.trim_start();
            if !(value.starts_with('[') || value.starts_with('{') || value.starts_with('(')) {
                continue;
            }
            rest = value;
        }
        let mut in_str: Option<char> = None;
        let mut start = 0usize;
        for (i, c) in rest.char_indices() {
            match in_str {
                Some(q) if c == q => {
                    in_str = None;
                    let lit = &rest[start..i];
                    // Keys of `extras_require` are names of extras, not requirements.
                    let is_key = rest[i + 1..].trim_start().starts_with(':');
                    if depth > 0 && !is_key {
                        out.extend(parse_requirement(lit, path, no));
                    }
                }
                Some(_) => {}
                None => match c {
                    '"' | '\'' => {
                        in_str = Some(c);
                        start = i + 1;
                    }
                    '[' | '{' | '(' => depth += 1,
                    ']' | '}' | ')' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                },
            }
        }
    }
    Ok(out)
}

/// The code of a line without its `#` comment (a `#` inside a string stays).
fn strip_comment(line: &str) -> &str {
    let mut in_str: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (in_str, c) {
            (Some(q), c) if c == q => in_str = None,
            (None, '"' | '\'') => in_str = Some(c),
            (None, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_install_requires_and_extras() {
        let text = "from setuptools import setup\nsetup(\n    name='demo',  # not a requirement\n    install_requires=[\n        'requests==2.19.0',\n        \"django>=2.2\",  # web\n    ],\n    extras_require={'dev': ['pytest==7.0.0']},\n)\n";
        let got: Vec<(String, Option<String>, Option<u32>)> = parse(&Text::whole(text), "setup.py")
            .unwrap()
            .into_iter()
            .map(|e| (e.dep.name, e.dep.version, e.dep.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests".into(), Some("2.19.0".into()), Some(5)),
                ("django".into(), Some(">=2.2".into()), Some(6)),
                ("pytest".into(), Some("7.0.0".into()), Some(8)),
            ]
        );
        assert!(parse(&Text::whole("install_requires=REQS\n"), "setup.py")
            .unwrap()
            .is_empty());
    }
}
