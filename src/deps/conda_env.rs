//! Conda `environment.yml`: the `pip:` list under `dependencies:` (PyPI requirements that
//! `conda env create` hands to pip). Conda's own packages come from conda channels, which no
//! advisory source here covers: they are left out.

use super::requirements::parse_requirement;
use super::{Entry, Text};
use crate::error::Result;

/// Parses an `environment.yml`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    // Indentation of the `- pip:` item while inside its list.
    let mut pip_indent: Option<usize> = None;
    for &(no, raw) in &text.lines {
        let line = raw.split(" #").next().unwrap_or("").trim_end();
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let indent = line.len() - t.len();
        if let Some(pi) = pip_indent {
            if indent <= pi {
                pip_indent = None;
            } else if let Some(item) = t.strip_prefix("- ") {
                let item = item.trim().trim_matches('"').trim_matches('\'');
                // `-r file` and other pip options are not requirements of their own.
                if !item.starts_with('-') {
                    out.extend(parse_requirement(item, path, no));
                }
                continue;
            }
        }
        if t.trim_end_matches(' ') == "- pip:" {
            pip_indent = Some(indent);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_section_only() {
        let text = "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy=1.26\n  - pip\n  - pip:\n    - requests==2.19.0\n    - \"flask>=3\"\n  - scipy\n";
        let got: Vec<(String, Option<String>, Option<u32>)> =
            parse(&Text::whole(text), "environment.yml")
                .unwrap()
                .into_iter()
                .map(|e| (e.dep.name, e.dep.version, e.dep.line))
                .collect();
        assert_eq!(
            got,
            vec![
                ("requests".into(), Some("2.19.0".into()), Some(9)),
                ("flask".into(), Some(">=3".into()), Some(10)),
            ]
        );
    }
}
