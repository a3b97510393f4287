//! Fixture annotations: the comments (`ruleid:`, `ok:`, `todoruleid:`, `todook:`) in any
//! comment syntax that say which rules must and must not match a fixture line (the convention of
//! `semgrep --test`; see [`super::test`]).

use serde::Serialize;

/// What an annotation expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Expect {
    /// Must match.
    RuleId,
    /// Must not match.
    Ok,
    /// Should match, known not to (not failing).
    TodoRuleId,
    /// Should not match, known to (not failing).
    TodoOk,
}

/// One annotation, resolved to its target line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Annotation {
    /// What is expected.
    pub(crate) expect: Expect,
    /// Rule ids named.
    pub(crate) ids: Vec<String>,
    /// 1-based line of the annotation.
    pub(crate) line: u32,
    /// 1-based line it applies to.
    pub(crate) target: u32,
}

const KEYWORDS: [(&str, Expect); 4] = [
    ("todoruleid", Expect::TodoRuleId),
    ("todook", Expect::TodoOk),
    ("ruleid", Expect::RuleId),
    ("ok", Expect::Ok),
];

const COMMENT_TOKENS: [&str; 6] = ["<!--", "/*", "//", "--", "#", ";"];

/// Parses one line's annotation: what it expects and the rule ids it names.
fn parse_line(line: &str) -> Option<(Expect, Vec<String>)> {
    for (ci, _) in line.match_indices(['<', '/', '-', '#', ';']) {
        let Some(tok) = COMMENT_TOKENS.iter().find(|t| line[ci..].starts_with(**t)) else {
            continue;
        };
        let after = line[ci + tok.len()..].trim_start();
        for (kw, expect) in KEYWORDS {
            let Some(rest) = after.strip_prefix(kw) else {
                continue;
            };
            let Some(list) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let ids: Vec<String> = list
                .split(',')
                .filter_map(|part| {
                    // Like Semgrep, the whole comma-separated part is the id: trailing prose
                    // makes an unknown id (reported), it is not silently dropped.
                    let id = part
                        .trim()
                        .trim_end_matches("-->")
                        .trim_end_matches("*/")
                        .trim()
                        .to_owned();
                    (!id.is_empty()).then_some(id)
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            return Some((expect, ids));
        }
    }
    None
}

/// Annotations of a fixture. As in `semgrep --test` (checked against Semgrep 1.182), an
/// annotation always targets the line right after it, even when code precedes the comment on
/// its own line; several annotations for one line go into one comment (`ruleid: a, b`), since
/// an annotation followed by another targets that annotation line (reported as a problem).
pub(crate) fn annotations(text: &str) -> Vec<Annotation> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((expect, ids)) = parse_line(line) else {
            continue;
        };
        out.push(Annotation {
            expect,
            ids,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            target: u32::try_from(i + 2).unwrap_or(u32::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_in_several_comment_syntaxes() {
        let text = "# ruleid: a, b\nx = 1\n// ok: a\ny\n/* todoruleid: c */\ny\nz  # ruleid: d\nw\n<!-- todook: e -->\nv\n-- ok: f\nu\n";
        let a = annotations(text);
        let got: Vec<(Expect, Vec<&str>, u32)> = a
            .iter()
            .map(|x| {
                (
                    x.expect,
                    x.ids.iter().map(String::as_str).collect(),
                    x.target,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Expect::RuleId, vec!["a", "b"], 2),
                (Expect::Ok, vec!["a"], 4),
                (Expect::TodoRuleId, vec!["c"], 6),
                (Expect::RuleId, vec!["d"], 8),
                (Expect::TodoOk, vec!["e"], 10),
                (Expect::Ok, vec!["f"], 12),
            ]
        );
        assert!(annotations("look = 'ok'\n# okay: no\n").is_empty());
        // Prose after an id makes it a different (unknown) id, as in Semgrep.
        assert_eq!(
            annotations("# ok: a because b\nx\n")[0].ids,
            vec!["a because b"]
        );
    }
}
