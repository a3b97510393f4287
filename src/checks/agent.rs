//! Agent hazards that are about *which files* a change touches rather than a line pattern:
//! edits to guardrail's own config and rules, to CI workflows and to git hooks. The config is
//! always taken from the base revision, so such an edit cannot loosen this run; it is still
//! reported so a human sees the attempt.

use crate::checks::{Check, Context};
use crate::config::FILE_NAME;
use crate::diff::{FileChange, FileStatus};
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// Reports edits to the gate's own inputs.
pub struct GateEdits;

struct Sensitive {
    rule: &'static str,
    what: &'static str,
    fix: &'static str,
}

fn classify(path: &str) -> Option<Sensitive> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == FILE_NAME || name == ".guardrail.yml" || name == ".guardrail.yaml" {
        return Some(Sensitive {
            rule: "guardrail-config-edited",
            what: "guardrail's own configuration",
            fix: "This run still used the base revision's config. A maintainer must review the config change on its own, in a change not written by an agent.",
        });
    }
    if (path.starts_with("rules/") || path.contains("/rules/") || path.starts_with(".guardrail/"))
        && (name.ends_with(".yaml") || name.ends_with(".yml"))
    {
        return Some(Sensitive {
            rule: "guardrail-rules-edited",
            what: "a guardrail rule file",
            fix: "Rule changes alter what the gate can see; have a maintainer review them separately.",
        });
    }
    if path.starts_with(".github/workflows/") || path == ".gitlab-ci.yml" || path.starts_with(".gitlab/ci/") {
        return Some(Sensitive {
            rule: "ci-workflow-edited",
            what: "a CI workflow",
            fix: "CI workflows run with repository secrets and decide which checks gate a merge; review that no security step (including guardrail) was removed or weakened.",
        });
    }
    if path.starts_with(".githooks/")
        || path.starts_with(".husky/")
        || name == ".pre-commit-config.yaml"
        || path.starts_with(".git/hooks/")
    {
        return Some(Sensitive {
            rule: "git-hook-edited",
            what: "a git hook",
            fix: "Hooks run on developers' machines and gate pushes; review the hook change by hand.",
        });
    }
    None
}

fn verb(f: &FileChange) -> &'static str {
    match f.status {
        FileStatus::Added => "adds",
        FileStatus::Deleted => "deletes",
        FileStatus::Renamed => "renames",
        FileStatus::Copied => "copies",
        FileStatus::Modified => "edits",
    }
}

impl Check for GateEdits {
    fn name(&self) -> &'static str {
        "gate-edits"
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        if ctx.scan {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for f in &ctx.changes.files {
            let hit = classify(f.path()).or_else(|| f.old_path.as_deref().and_then(classify));
            let Some(s) = hit else { continue };
            let line = f.added.first().map(|l| l.no);
            let msg = format!(
                "This change {} {} (`{}`). {}",
                verb(f),
                s.what,
                f.path(),
                s.fix
            );
            let mut finding = Finding::new(s.rule, Kind::Agent, Severity::Yellow, f.path(), line, msg);
            finding.cwe = vec!["CWE-693".into()];
            finding.snippet = f.added.first().map(|l| l.text.clone());
            out.push(finding.with_fingerprint(&format!("{}:{}", verb(f), f.path()), 0));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sensitive_paths() {
        assert_eq!(classify(".guardrail.yml").map(|s| s.rule), Some("guardrail-config-edited"));
        assert_eq!(classify(".github/workflows/ci.yml").map(|s| s.rule), Some("ci-workflow-edited"));
        assert_eq!(classify("rules/owasp/x.yaml").map(|s| s.rule), Some("guardrail-rules-edited"));
        assert_eq!(classify(".husky/pre-push").map(|s| s.rule), Some("git-hook-edited"));
        assert!(classify("src/main.rs").is_none());
    }
}
