#![cfg(test)]
//! Unit tests of the parent module.

use super::*;

#[test]
fn redaction_keeps_only_a_short_prefix() {
    let r = redact("AKIAIOSFODNN7EXAMPLE");
    assert!(r.starts_with("AKIA"));
    assert!(!r.contains("IOSFODNN7EXAMPLE"));
    assert_eq!(redact("abc"), "****[redacted]");
}

#[test]
fn suppression_parsing() {
    let s = parse_suppression("x = 1  # nosemgrep: a-rule, b-rule").unwrap();
    assert_eq!(s.ids, vec!["a-rule", "b-rule"]);
    let g = parse_suppression("// guardrail-ignore: js-eval reviewed, input is constant").unwrap();
    assert!(g.has_reason && g.guardrail);
    assert_eq!(g.ids, vec!["js-eval"]);
    let n = parse_suppression("// guardrail-ignore: js-eval").unwrap();
    assert!(!n.has_reason);
    assert!(suppression_names(&s, "b-rule"));
    assert!(!suppression_names(&s, "c-rule"));
    assert!(parse_suppression("plain code").is_none());
}

#[test]
fn a_python_only_change_compiles_python_and_generic_rules_only() {
    let rules = crate::rules::RuleSet::builtin().unwrap();
    let diff = b"diff --git a/app/x.py b/app/x.py\n--- a/app/x.py\n+++ b/app/x.py\n@@ -1,1 +1,3 @@\n import os\n+os.system(\"ls \" + name)\n+y = 2\n";
    let changes = crate::diff::parse(diff).unwrap();
    let cfg = crate::config::Config::default();
    let ctx = Context::new(crate::checks::Shared::new(&changes, &cfg, &rules));
    let found = CodeRules.run(&ctx).unwrap();
    assert!(
        found.iter().any(|f| f.line == Some(2)),
        "{:?}",
        found.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
    assert_eq!(rules.compiled_groups(), vec!["generic", "python"]);
    assert!(rules.compiled_regexes() * 10 < rules.regex_count());
}

fn run_diff(diff: &str) -> Vec<Finding> {
    let rules = crate::rules::RuleSet::builtin().unwrap();
    let changes = crate::diff::parse(diff.as_bytes()).unwrap();
    let cfg = crate::config::Config::default();
    let ctx = Context::new(crate::checks::Shared::new(&changes, &cfg, &rules));
    CodeRules.run(&ctx).unwrap()
}

#[test]
fn a_re_edited_suppression_line_is_not_a_new_suppression() {
    // Re-indented, and with another argument: the base line carried the same `//nolint`.
    let edited = "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,3 +1,3 @@\n func f() {\n-\tx := g() //nolint:errcheck\n+\t\tx := g() //nolint:errcheck,unused\n }\n";
    let found = run_diff(edited);
    assert!(
        !found.iter().any(|f| f.rule == "nolint-comment"),
        "{found:?}"
    );
    // A suppression on a line that had none is new.
    let added = "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,3 +1,3 @@\n func f() {\n-\tx := g()\n+\tx := g() //nolint:errcheck\n }\n";
    let found = run_diff(added);
    assert!(
        found
            .iter()
            .any(|f| f.rule == "nolint-comment" && f.severity == Severity::Yellow),
        "{found:?}"
    );
}

#[test]
fn moved_code_is_info_and_test_code_does_not_block() {
    let line = "    subprocess.run(cmd, shell=True)";
    let fresh = format!("diff --git a/app/x.py b/app/x.py\n--- a/app/x.py\n+++ b/app/x.py\n@@ -1,1 +1,2 @@\n import subprocess\n+{line}\n");
    let red: Vec<_> = run_diff(&fresh)
        .into_iter()
        .filter(|f| f.kind == Kind::Code)
        .collect();
    assert!(
        red.iter().any(|f| f.severity == Severity::Red),
        "a new shell=True blocks: {red:?}"
    );
    // The same line moved from another file of the change, re-indented.
    let moved = format!("diff --git a/app/old.py b/app/old.py\n--- a/app/old.py\n+++ b/app/old.py\n@@ -1,2 +1,1 @@\n import subprocess\n-{}\ndiff --git a/app/x.py b/app/x.py\n--- a/app/x.py\n+++ b/app/x.py\n@@ -1,1 +1,2 @@\n import subprocess\n+{line}\n", line.trim());
    let found: Vec<_> = run_diff(&moved)
        .into_iter()
        .filter(|f| f.kind == Kind::Code)
        .collect();
    assert!(
        !found.is_empty() && found.iter().all(|f| f.severity == Severity::Info),
        "{found:?}"
    );
    // In a test file it is yellow.
    let test = fresh.replace("app/x.py", "tests/test_x.py");
    let found: Vec<_> = run_diff(&test)
        .into_iter()
        .filter(|f| f.kind == Kind::Code)
        .collect();
    assert!(
        !found.is_empty() && found.iter().all(|f| f.severity != Severity::Red),
        "{found:?}"
    );
}

#[test]
fn a_rotated_secret_on_an_edited_line_is_still_new() {
    let old = "AKIAZ7Q3XK2M4PLW9RTB";
    let new = "AKIAQ5N8VJ3H6TY2WCDF";
    let diff = format!("diff --git a/app/cfg.py b/app/cfg.py\n--- a/app/cfg.py\n+++ b/app/cfg.py\n@@ -1,1 +1,1 @@\n-AWS_KEY = \"{old}\"\n+AWS_KEY = \"{new}\"\n");
    let found: Vec<_> = run_diff(&diff)
        .into_iter()
        .filter(|f| f.kind == Kind::Secret)
        .collect();
    assert!(!found.is_empty(), "the new key is found");
    assert!(
        found.iter().any(|f| f.severity == Severity::Red),
        "a new key value blocks as it would on a new line: {found:?}"
    );
}
