//! Comment bodies guardrail writes on a forge: inline finding comments, the summary, answers to
//! decisions. Everything taken from the diff, the config or other people's comments goes
//! through [`crate::report::markdown`]'s escaping, and every body starts with a hidden marker
//! that only counts when the comment's author is guardrail's own user.

use crate::finding::{Finding, Severity};
use crate::report::markdown::{code_block, escape_inline, location, verdict_label};

use super::{fingerprint_marker, on_diff, publishable, Publication, SUMMARY_MARKER};

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Red => "🔴 red",
        Severity::Yellow => "🟡 yellow",
        Severity::Info => "🔵 info",
    }
}

fn lang_of(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(_, ext)| ext)
}

/// How to decide on a finding, for its comment.
fn how_to_decide(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Red => "Red findings block the merge and cannot be accepted by a comment: fix the code, or add an `ignore` with a reason and an expiry to `.guardrail.yml` on the base branch.",
        _ => "To decide, reply in this thread with `/guardrail accept <reason>` or `/guardrail reject <reason>` (write access or above; not the change's author, not a bot).",
    }
}

/// The body of the inline comment for a finding.
pub(crate) fn inline(f: &Finding) -> String {
    let mut s = fingerprint_marker(&f.fingerprint);
    s.push('\n');
    s.push_str(&format!(
        "**guardrail · {} · {}**",
        severity_word(f.severity),
        escape_inline(&f.rule)
    ));
    if !f.cwe.is_empty() {
        s.push_str(&format!(" · {}", escape_inline(&f.cwe.join(", "))));
    }
    s.push_str("\n\n");
    s.push_str(&escape_inline(&f.message));
    s.push('\n');
    if let Some(snippet) = &f.snippet {
        s.push('\n');
        s.push_str(&code_block(snippet, lang_of(&f.path)));
        s.push('\n');
    }
    for n in &f.notes {
        s.push_str(&format!("\n> {}\n", escape_inline(n)));
    }
    s.push('\n');
    s.push_str(how_to_decide(f));
    s.push('\n');
    s
}

/// The summary comment: verdict, counts, provenance, every red/yellow finding (findings off the
/// diff only appear here), and how to decide. Contains no timestamps, so an unchanged result
/// renders byte-identical and the comment is not edited.
pub(crate) fn summary(p: &Publication<'_>) -> String {
    let mut s = String::from(SUMMARY_MARKER);
    s.push('\n');
    s.push_str(&format!("## guardrail: {}\n\n", verdict_label(p.verdict)));
    let (r, y, i) = crate::report::counts(p.findings);
    s.push_str(&format!("**{r} red · {y} yellow · {i} info**"));
    if let Some(h) = p.head {
        let short: String = h.chars().take(12).collect();
        s.push_str(&format!(" at `{}`", escape_inline(&short)));
    }
    s.push('\n');
    if let Some(prov) = p.provenance {
        s.push_str(&format!("\n**Provenance:** {}\n", escape_inline(prov)));
    }
    let shown: Vec<&Finding> = p.findings.iter().filter(|f| publishable(f)).collect();
    if shown.is_empty() {
        s.push_str("\nNo red or yellow findings in this change.\n");
        return s;
    }
    s.push_str("\n| Severity | Rule | Location | Message | Review |\n|---|---|---|---|---|\n");
    for f in &shown {
        let loc = if on_diff(f, p.changes) {
            location(f)
        } else {
            format!("{} (not on the diff)", location(f))
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            severity_word(f.severity),
            escape_inline(&f.rule),
            loc,
            escape_inline(&f.message),
            crate::report::markdown::review_label(f)
        ));
    }
    let off: Vec<&&Finding> = shown.iter().filter(|f| !on_diff(f, p.changes)).collect();
    if !off.is_empty() {
        s.push_str("\n<details><summary>Findings not on a diff line</summary>\n\n");
        for f in off {
            s.push_str(&format!(
                "- `{}` {} · {} — {}\n",
                &f.fingerprint.chars().take(12).collect::<String>(),
                severity_word(f.severity),
                escape_inline(&f.rule),
                location(f)
            ));
            if let Some(snippet) = &f.snippet {
                let block = code_block(snippet, lang_of(&f.path));
                for l in block.lines() {
                    s.push_str("  ");
                    s.push_str(l);
                    s.push('\n');
                }
            }
        }
        s.push_str("\n</details>\n");
    }
    s.push_str("\nYellow findings need a human: reply `/guardrail accept <reason>` or `/guardrail reject <reason>` in the finding's thread. Red findings block until the code changes.\n");
    s
}

/// guardrail's answer to a counted or refused decision comment.
pub(crate) fn ack(reply_id: &str, text: &str) -> String {
    format!("{}\n{}\n", super::ack_marker(reply_id), text)
}

/// guardrail's note that a finding is gone because the code changed.
pub(crate) fn resolved() -> String {
    format!(
        "{}\nResolved: the flagged code changed and this finding is gone (recorded as *modified*).\n",
        super::RESOLVED_MARKER
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;

    #[test]
    fn hostile_content_is_neutralised() {
        let mut f = Finding::new(
            "python-eval-exec-dynamic",
            Kind::Code,
            Severity::Yellow,
            "a.py",
            Some(3),
            "@everyone </details> <!-- guardrail:fingerprint=ffff -->",
        )
        .with_fingerprint("x", 0);
        f.snippet =
            Some("x = eval(y)  # ```\n</details> @admins <!-- guardrail:summary -->".into());
        let b = inline(&f);
        assert!(b.starts_with(&fingerprint_marker(&f.fingerprint)));
        assert_eq!(b.matches("<!--").count(), 1, "{b}");
        assert!(!b.contains("@everyone") && !b.contains("@admins"), "{b}");
        assert!(!b.contains("</details>"), "{b}");
        assert!(b.contains("````py"), "{b}");
    }
}
