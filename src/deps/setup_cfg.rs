//! `setup.cfg`: the `install_requires` of `[options]` and every `[options.extras_require]`
//! entry, one PEP 508 requirement per continuation line (setuptools' declarative config).
//! A fragment of a diff is read the same way: a requirement line counts when the nearest key
//! above it (in the lines shown) is one of those.

use super::requirements::parse_requirement;
use super::{Entry, Text};
use crate::error::Result;

/// Parses a `setup.cfg`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_list = false;
    for &(no, raw) in &text.lines {
        let line = raw.split(" #").next().unwrap_or("").trim_end();
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_ascii_lowercase();
            in_list = false;
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if !indented {
            // `key = value`: a new key ends the previous list.
            let Some((key, value)) = t.split_once('=').or_else(|| t.split_once(':')) else {
                in_list = false;
                continue;
            };
            let key = key.trim().to_ascii_lowercase().replace('-', "_");
            in_list = (section == "options" && key == "install_requires")
                || section == "options.extras_require";
            if in_list && !value.trim().is_empty() {
                out.extend(requirement(value.trim(), path, no));
            }
            continue;
        }
        if in_list {
            out.extend(requirement(t, path, no));
        }
    }
    Ok(out)
}

fn requirement(t: &str, path: &str, no: u32) -> Option<Entry> {
    // `file:` and `attr:` directives point elsewhere; they are no requirement.
    if t.starts_with("file:") || t.starts_with("attr:") {
        return None;
    }
    parse_requirement(t, path, no)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_requires_and_extras() {
        let text = "[metadata]\nname = demo\n\n[options]\npackages = find:\ninstall_requires =\n    requests==2.19.0\n    click>=8 ; python_version>'3.8'\npython_requires = >=3.8\n\n[options.extras_require]\ndev =\n    pytest==7.0.0\n";
        let got: Vec<(String, Option<String>, Option<u32>)> =
            parse(&Text::whole(text), "setup.cfg")
                .unwrap()
                .into_iter()
                .map(|e| (e.dep.name, e.dep.version, e.dep.line))
                .collect();
        assert_eq!(
            got,
            vec![
                ("requests".into(), Some("2.19.0".into()), Some(7)),
                ("click".into(), Some(">=8".into()), Some(8)),
                ("pytest".into(), Some("7.0.0".into()), Some(13)),
            ]
        );
    }
}
