//! GitHub Actions as dependencies: every `uses: owner/repo@ref` (or `owner/repo/path@ref`, a
//! reusable workflow `owner/repo/.github/workflows/x.yml@ref`) in a workflow
//! (`.github/workflows/*.yml`) or an action's own `action.yml` (composite actions). The ref,
//! a tag, branch or commit SHA, is the version. Local actions (`./path`) and container actions
//! (`docker://…`) are not packages of the ecosystem and are skipped, as are refs built from
//! expressions (`${{ … }}`).

use std::collections::HashSet;

use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Every `uses:` value in a YAML document, wherever it sits.
fn uses_values(v: &serde_json::Value, out: &mut HashSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "uses" {
                    if let Some(s) = x.as_str() {
                        out.insert(s.trim().to_owned());
                    }
                }
                uses_values(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| uses_values(x, out)),
        _ => {}
    }
}

/// The value of a `uses:` line (`- uses: x`, `uses: "x" # v4`), when the line is one.
fn uses_value(raw: &str) -> Option<&str> {
    let t = raw.trim_start();
    let t = t.strip_prefix('-').map_or(t, str::trim_start);
    let rest = t
        .strip_prefix("uses:")
        .or_else(|| t.strip_prefix("\"uses\":"))
        .or_else(|| t.strip_prefix("'uses':"))?;
    let rest = rest.trim();
    let v = match rest.chars().next()? {
        q @ ('"' | '\'') => {
            let end = rest[1..].find(q)? + 1;
            &rest[1..end]
        }
        _ => rest.split(" #").next().unwrap_or(rest).trim_end(),
    };
    Some(v.trim())
}

/// `owner/repo[/path]@ref` → (name, ref); None for local and container actions.
pub(crate) fn split_uses(v: &str) -> Option<(&str, &str)> {
    if v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("docker://")
        || v.contains("${{")
    {
        return None;
    }
    let (name, r) = v.rsplit_once('@')?;
    let mut comps = name.split('/');
    let (Some(owner), Some(repo)) = (comps.next(), comps.next()) else {
        return None;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !ok(owner) || !ok(repo) || comps.any(|c| c.is_empty()) || r.is_empty() {
        return None;
    }
    if r.chars().any(char::is_whitespace) {
        return None;
    }
    Some((name, r))
}

/// Parses a workflow or action file.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    // The whole file: it must be YAML, and only real `uses` keys count (not a line of a `run:`
    // script that happens to read `uses: …`).
    let known: Option<HashSet<String>> = match text.full {
        Some(full) => {
            let doc: serde_json::Value =
                crate::config::from_yaml(full, std::path::Path::new(path))?;
            let mut set = HashSet::new();
            uses_values(&doc, &mut set);
            Some(set)
        }
        None => None,
    };
    let mut out = Vec::new();
    for &(no, raw) in &text.lines {
        let Some(v) = uses_value(raw) else { continue };
        if known.as_ref().is_some_and(|k| !k.contains(v)) {
            continue;
        }
        let Some((name, r)) = split_uses(v) else {
            continue;
        };
        let dep = Dep {
            ecosystem: Ecosystem::GitHubActions,
            name: name.to_owned(),
            version: Some(r.to_owned()),
            exact: true,
            path: path.to_owned(),
            line: Some(no),
            source: DepSource::Registry,
        };
        // `@<sha> # v4.1.2`: the commit is matched against known-bad commits, and the release
        // the comment names against the advisories' version ranges (the comment is the
        // author's claim; Dependabot and pinning tools write it).
        let tag = pinned_tag(raw, r).map(|t| Dep {
            version: Some(t.to_owned()),
            ..dep.clone()
        });
        out.push(Entry::new(dep));
        out.extend(tag.map(Entry::new));
    }
    Ok(out)
}

/// The release a commit pin's trailing comment names (`# v4.1.2`, `# tag=v4`), when the ref is
/// a full commit SHA.
fn pinned_tag<'a>(raw: &'a str, r: &str) -> Option<&'a str> {
    if r.len() != 40 || !r.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let comment = raw.split(" #").nth(1)?.trim();
    let word = comment.split_whitespace().next()?;
    let word = word.strip_prefix("tag=").unwrap_or(word);
    let digits = word.strip_prefix(['v', 'V']).unwrap_or(word);
    (digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    .then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_lines_in_their_yaml_spellings() {
        let text = "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - name: x\n        uses: 'tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67' # v45\n      - uses: ./local\n      - uses: docker://alpine:3\n      - uses: github/codeql-action/init@v3 # pinned later\n      - run: |\n          echo uses: fake/action@v1\n  b:\n    uses: octo/wf/.github/workflows/ci.yml@main\n";
        let got: Vec<String> = parse(&Text::whole(text), "w.yml")
            .unwrap()
            .into_iter()
            .map(|e| {
                format!(
                    "{}@{}:{}",
                    e.dep.name,
                    e.dep.version.unwrap_or_default(),
                    e.dep.line.unwrap_or(0)
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "actions/checkout@v4:4",
                "tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67:6",
                "tj-actions/changed-files@v45:6",
                "github/codeql-action/init@v3:9",
                "octo/wf/.github/workflows/ci.yml@main:13",
            ]
        );
        // A diff fragment has no YAML to check against: the script line counts there.
        let frag = Text::fragment(vec![(11, "          echo uses: fake/action@v1")]);
        assert_eq!(
            parse(&frag, "w.yml").unwrap().len(),
            0,
            "`echo` is not `uses:`"
        );
        assert!(split_uses("a@").is_none());
        assert!(split_uses("a/b@${{ inputs.ref }}").is_none());
        assert!(split_uses("/b@v1").is_none());
        let sha = "0e58ed8671d6b60d0890c21b07f8835ace038e67";
        assert_eq!(
            pinned_tag(&format!("- uses: a/b@{sha} # v4.1.2"), sha),
            Some("v4.1.2")
        );
        assert_eq!(
            pinned_tag(&format!("- uses: a/b@{sha} # tag=v4"), sha),
            Some("v4")
        );
        assert_eq!(
            pinned_tag(&format!("- uses: a/b@{sha} # pinned"), sha),
            None
        );
        assert_eq!(pinned_tag("- uses: a/b@v4 # v4.1.2", "v4"), None);
    }
}
