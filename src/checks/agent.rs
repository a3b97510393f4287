//! Agent hazards that are about *which files* a change touches, or what it *removes*, rather
//! than an added-line pattern: edits to guardrail's own config and rules, to CI workflows and to
//! git hooks; assertions removed from test files; test files deleted. The config is always taken
//! from the base revision, so such an edit cannot loosen this run; it is still reported so a
//! human sees the attempt.
//!
//! **Removed assertions** count per change: assertion lines removed from test files minus
//! assertion lines added to test files. Only when the change as a whole removes more than it
//! adds is each test file with a net loss reported, so moving assertions between files is quiet.

use std::sync::OnceLock;

use regex::Regex;

use crate::checks::{Check, Context, Lane};
use crate::config::FILE_NAME;
use crate::diff::{FileChange, FileStatus};
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// Reports edits to the gate's own inputs.
pub(crate) struct GateEdits;

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
    if path.starts_with(".github/workflows/")
        || path == ".gitlab-ci.yml"
        || path.starts_with(".gitlab/ci/")
    {
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
            fix:
                "Hooks run on developers' machines and gate pushes; review the hook change by hand.",
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

/// Whether a path is a test file by the usual conventions of the eight languages.
pub(crate) fn is_test_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let in_test_dir = lower.split('/').rev().skip(1).any(|d| {
        matches!(
            d,
            "test" | "tests" | "__tests__" | "spec" | "specs" | "testing"
        )
    });
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let code_ext = matches!(
        ext,
        "py" | "js"
            | "jsx"
            | "mjs"
            | "cjs"
            | "ts"
            | "tsx"
            | "mts"
            | "cts"
            | "java"
            | "kt"
            | "go"
            | "rs"
            | "rb"
            | "php"
            | "cs"
            | "swift"
            | "scala"
    );
    code_ext
        && (in_test_dir
            || stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
            || stem.ends_with("_spec")
            || stem.ends_with(".test")
            || stem.ends_with(".spec")
            || stem.ends_with("test")
                && (ext == "java" || ext == "kt" || ext == "cs" || ext == "php" || ext == "scala")
            || stem.ends_with("tests") && (ext == "java" || ext == "cs"))
}

#[allow(
    clippy::expect_used,
    reason = "a constant pattern: a test compiles it, no input reaches it"
)]
fn assertion_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Python `assert x` and `self.assertX(`, Rust `assert!`/`assert_eq!`, JS `expect(`/`assert.`,
        // Java/C# `assertThat`/`Assert.X(`, Go `t.Error(`/`require.X(`, Ruby `expect`/`should`/`refute`,
        // C/C++ `EXPECT_X(`/`ASSERT_X(`, Swift `XCTAssert`, pytest.raises.
        Regex::new(
            r"(?:\bassert(?:_\w+|[A-Z]\w*)?\b|\bexpect\s*[({]|\.should\b|\.to(?:_not)?\s*\(|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(|\b(?:require|assert)\.\w+\s*\(|\bAssert\.\w+\s*\(|\brefute\w*|\bpytest\.raises\b|\b(?:EXPECT|ASSERT)_[A-Z_]+\s*\(|\bXCTAssert\w*)",
        )
        .expect("constant assertion regex compiles")
    })
}

/// Whether a line is an assertion (and not a comment mentioning one).
pub(crate) fn is_assertion(line: &str) -> bool {
    let t = line.trim_start();
    // Imports of assertion helpers (`import static …assertThat;`, `from x import assert_y`,
    // `use pretty_assertions::assert_eq;`) assert nothing.
    if ["import ", "from ", "use ", "using ", "require ", "#include"]
        .iter()
        .any(|k| t.starts_with(k))
    {
        return false;
    }
    if t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("--")
    {
        return false;
    }
    assertion_re().is_match(t)
}

/// The head line nearest to where base line `b` was removed.
pub(crate) fn head_line_of_removal(f: &FileChange, b: u32) -> Option<u32> {
    let h = f
        .hunks
        .iter()
        .find(|h| h.old_start <= b && b < h.old_start.saturating_add(h.old_len.max(1)))?;
    let offset = b.saturating_sub(h.old_start);
    let last = h.new_start.saturating_add(h.new_len.saturating_sub(1));
    Some(h.new_start.saturating_add(offset).min(last).max(1))
}

/// The first attribute of a `.gitattributes` line that makes git show matching files as
/// binary or through a filter instead of their text (`-diff`, `!diff`, `binary`, `diff=DRIVER`).
pub(crate) fn hides_diff(line: &str) -> Option<&str> {
    let t = line.trim();
    if t.starts_with('#') {
        return None;
    }
    t.split_whitespace()
        .skip(1)
        .find(|a| matches!(*a, "-diff" | "!diff" | "binary") || a.starts_with("diff="))
}

/// Lines added to a `.gitattributes` that stop files from diffing as text: guardrail reads
/// diffs with the repository's attributes neutralised, but reviewers, forges and other tools
/// do not, so the change hides code from them.
fn attributes_hiding_diffs(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &ctx.changes.files {
        let name = f.path().rsplit('/').next().unwrap_or_default();
        if f.binary || name != ".gitattributes" {
            continue;
        }
        let Some((l, attr)) = f
            .added
            .iter()
            .find_map(|l| hides_diff(&l.text).map(|a| (l, a)))
        else {
            continue;
        };
        let pattern = l.text.split_whitespace().next().unwrap_or_default();
        let msg = format!(
            "This change {} `{}` so that files matching `{pattern}` stop diffing as text (`{attr}`): reviewers and forges then see \"binary files differ\" instead of the code. guardrail read the diff as text anyway; a maintainer must confirm the attribute is needed.",
            verb(f),
            f.path()
        );
        let mut finding = Finding::new(
            "gitattributes-hides-diff",
            Kind::Agent,
            Severity::Yellow,
            f.path(),
            Some(l.no),
            msg,
        );
        finding.cwe = vec!["CWE-693".into()];
        finding.snippet = Some(l.text.clone());
        out.push(finding.with_fingerprint(&format!("gitattributes:{}", l.text.trim()), 0));
    }
    out
}

fn removed_assertions(ctx: &Context<'_>) -> Vec<Finding> {
    struct Loss<'a> {
        f: &'a FileChange,
        removed: Vec<&'a crate::diff::Line>,
        added: usize,
    }
    let mut losses = Vec::new();
    let (mut removed_total, mut added_total) = (0usize, 0usize);
    for f in &ctx.changes.files {
        let path = f.old_path.as_deref().unwrap_or(f.path());
        if f.binary || !(is_test_file(path) || is_test_file(f.path())) {
            continue;
        }
        let removed: Vec<_> = f.removed.iter().filter(|l| is_assertion(&l.text)).collect();
        let added = f.added.iter().filter(|l| is_assertion(&l.text)).count();
        removed_total += removed.len();
        added_total += added;
        if removed.len() > added {
            losses.push(Loss { f, removed, added });
        }
    }
    if removed_total <= added_total {
        return Vec::new();
    }
    let mut out = Vec::new();
    for loss in losses {
        let f = loss.f;
        let n = loss.removed.len() - loss.added;
        let first = loss.removed[0];
        let (rule, msg, line) = if f.status == FileStatus::Deleted {
            (
                "test-file-deleted",
                format!(
                    "This change deletes the test file `{}` with {} assertion(s): the behaviour it checked is no longer tested. Restore the tests, or have a human confirm the code they covered is gone too.",
                    f.path(),
                    loss.removed.len()
                ),
                None,
            )
        } else {
            (
                "test-assertions-removed",
                format!(
                    "This change removes {n} more assertion(s) than it adds in `{}` (first removed: `{}`): a weakened test lets broken code pass. Keep the assertions, or have a human confirm each removal is intended.",
                    f.path(),
                    first.text.trim()
                ),
                head_line_of_removal(f, first.no),
            )
        };
        let mut finding = Finding::new(rule, Kind::Agent, Severity::Yellow, f.path(), line, msg);
        finding.cwe = vec!["CWE-693".into()];
        finding.snippet = Some(first.text.clone());
        out.push(finding.with_fingerprint(&format!("{rule}:{}", first.text.trim()), 0));
    }
    out
}

/// Reads a file at both revisions and judges a GitHub workflow or pre-commit config edit (see
/// [`ci_edit`](crate::checks::ci_edit)); None for the files that stay yellow on any edit.
fn assess(ctx: &Context<'_>, f: &FileChange) -> Result<Option<crate::checks::ci_edit::Assessment>> {
    use crate::checks::ci_edit;
    let path = f.path();
    let name = path.rsplit('/').next().unwrap_or(path);
    let workflow = path.starts_with(".github/workflows/")
        && (name.ends_with(".yml") || name.ends_with(".yaml"));
    let precommit = name == ".pre-commit-config.yaml" || name == ".pre-commit-config.yml";
    if !(workflow || precommit) {
        return Ok(None);
    }
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    let (base, head) = match ctx.revs {
        Some(r) if f.status == FileStatus::Modified => (
            text(r.base(f.old_path.as_deref().unwrap_or(path))?),
            text(r.head(path)?),
        ),
        _ => (None, None),
    };
    Ok(Some(if workflow {
        ci_edit::assess_workflow(f, base.as_deref(), head.as_deref())
    } else {
        ci_edit::assess_precommit(f, base.as_deref(), head.as_deref())
    }))
}

impl Check for GateEdits {
    fn name(&self) -> &'static str {
        "gate-edits"
    }

    fn lane(&self) -> Lane {
        Lane::Change
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        if ctx.scan {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for f in &ctx.changes.files {
            let hit = classify(f.path()).or_else(|| f.old_path.as_deref().and_then(classify));
            let Some(s) = hit else { continue };
            let mut line = f.added.first().map(|l| l.no);
            let mut severity = Severity::Yellow;
            let mut msg = format!(
                "This change {} {} (`{}`). {}",
                verb(f),
                s.what,
                f.path(),
                s.fix
            );
            if let Some(a) = assess(ctx, f)? {
                if a.reasons.is_empty() {
                    severity = Severity::Info;
                    msg = format!(
                        "This change {} {} (`{}`): {}.",
                        verb(f),
                        s.what,
                        f.path(),
                        a.benign
                    );
                } else {
                    line = a.line.or(line);
                    msg = format!(
                        "This change {} {} (`{}`) and touches {}. {}",
                        verb(f),
                        s.what,
                        f.path(),
                        a.reasons.join("; "),
                        s.fix
                    );
                }
            }
            let mut finding = Finding::new(s.rule, Kind::Agent, severity, f.path(), line, msg);
            finding.cwe = vec!["CWE-693".into()];
            finding.snippet = f.added.first().map(|l| l.text.clone());
            out.push(finding.with_fingerprint(&format!("{}:{}", verb(f), f.path()), 0));
        }
        out.extend(attributes_hiding_diffs(ctx));
        out.extend(removed_assertions(ctx));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sensitive_paths() {
        assert_eq!(
            classify(".guardrail.yml").map(|s| s.rule),
            Some("guardrail-config-edited")
        );
        assert_eq!(
            classify(".github/workflows/ci.yml").map(|s| s.rule),
            Some("ci-workflow-edited")
        );
        assert_eq!(
            classify("rules/owasp/x.yaml").map(|s| s.rule),
            Some("guardrail-rules-edited")
        );
        assert_eq!(
            classify(".husky/pre-push").map(|s| s.rule),
            Some("git-hook-edited")
        );
        assert!(classify("src/main.rs").is_none());
    }

    #[test]
    fn test_files_and_assertions() {
        for p in [
            "tests/test_api.py",
            "pkg/api_test.go",
            "src/app.test.ts",
            "spec/user_spec.rb",
            "src/test/java/FooTest.java",
            "Tests/BarTests.cs",
            "tests/cli.rs",
            "web/__tests__/a.js",
        ] {
            assert!(is_test_file(p), "{p}");
        }
        for p in [
            "src/main.rs",
            "app/models/user.rb",
            "src/testing.md",
            "contest.py",
        ] {
            assert!(!is_test_file(p), "{p}");
        }
        for l in [
            "    assert x == 1",
            "assert_eq!(a, b);",
            "expect(x).toBe(1);",
            "t.Fatalf(\"bad\")",
            "require.NoError(t, err)",
            "Assert.Equal(1, x);",
            "assertThat(x).isTrue();",
            "self.assertEqual(a, b)",
        ] {
            assert!(is_assertion(l), "{l}");
        }
        for l in [
            "# assert x == 1",
            "// expect(x)",
            "x = compute()",
            "reassertion = 1",
            "import static com.google.common.truth.Truth.assertThat;",
            "from tests.helpers import assert_ok",
            "use pretty_assertions::assert_eq;",
        ] {
            assert!(!is_assertion(l), "{l}");
        }
    }

    fn change(path: &str, removed: &[&str], added: &[&str]) -> FileChange {
        let d = format!(
            "diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,{} +1,{} @@\n{}{}",
            removed.len(),
            added.len(),
            removed
                .iter()
                .map(|l| format!("-{l}\n"))
                .collect::<String>(),
            added.iter().map(|l| format!("+{l}\n")).collect::<String>(),
        );
        crate::diff::parse(d.as_bytes()).unwrap().files.remove(0)
    }

    fn run_on(files: Vec<FileChange>) -> Vec<Finding> {
        let cs = crate::diff::ChangeSet { files };
        let cfg = crate::config::Config::default();
        let rules = crate::rules::RuleSet::compile(&[]).unwrap();
        let ctx = Context::new(crate::checks::Shared::new(&cs, &cfg, &rules));
        GateEdits.run(&ctx).unwrap()
    }

    #[test]
    fn removed_assertions_are_reported_once_net() {
        let f = run_on(vec![change(
            "tests/test_a.py",
            &["    assert a == 1", "    assert b == 2"],
            &["    pass"],
        )]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "test-assertions-removed");
        assert_eq!(
            (f[0].kind, f[0].severity, f[0].line),
            (Kind::Agent, Severity::Yellow, Some(1))
        );
        // Moved between test files: quiet.
        let moved = run_on(vec![
            change("tests/test_a.py", &["    assert a == 1"], &["    pass"]),
            change("tests/test_b.py", &["    pass"], &["    assert a == 1"]),
        ]);
        assert!(moved.is_empty(), "{moved:?}");
        // Not a test file: quiet.
        assert!(run_on(vec![change(
            "src/a.py",
            &["    assert a == 1"],
            &["    pass"]
        )])
        .is_empty());
    }
}
