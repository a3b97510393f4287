//! `guardrail check` end to end: real git repositories, every exit code, every bad input.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{assert_schema_valid, guardrail, root, TempRepo};

const SQLI: &str =
    "def find(cur, name):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n";
const SAFE: &str =
    "def find(cur, name):\n    cur.execute(\"SELECT * FROM users WHERE name = %s\", (name,))\n";

fn repo_with_change(content: &str) -> TempRepo {
    let r = TempRepo::new();
    r.write("app.py", "import db\n");
    r.commit("init");
    r.write("app.py", format!("import db\n{content}"));
    r.commit("change");
    r
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

#[test]
fn sql_injection_in_head_commit_is_reported_with_path_line_and_cwe() {
    let r = repo_with_change(SQLI);
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(code == 1 || code == 3, "exit {code}");
    let v = json_of(&out.stdout);
    assert_eq!(v["schema"], "guardrail/v1");
    assert_eq!(v["base"], r.git(&["rev-parse", "HEAD~1"]));
    assert_eq!(v["head"], r.git(&["rev-parse", "HEAD"]));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cwe"].as_array().unwrap().iter().any(|c| c == "CWE-89"))
        .expect("a CWE-89 finding");
    assert_eq!(f["path"], "app.py");
    assert_eq!(f["line"], 3);
    assert_eq!(f["kind"], "code");
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    for key in [
        "fingerprint",
        "rule",
        "kind",
        "severity",
        "path",
        "line",
        "cwe",
        "owasp",
        "message",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    let expected_verdict = if code == 1 { "block" } else { "review" };
    assert_eq!(v["verdict"], expected_verdict);
}

#[test]
fn parameterized_query_passes_with_exit_0() {
    let r = repo_with_change(SAFE);
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json_of(&out.stdout);
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn piped_git_diff_gives_schema_valid_sarif() {
    let r = repo_with_change(SQLI);
    let diff = r.git(&["diff", "HEAD~1"]);
    let out = guardrail(r.path())
        .args(["check", "--diff", "-", "--format", "sarif", "--no-ledger"])
        .write_stdin(diff + "\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    assert_schema_valid("sarif-schema-2.1.0.json", &v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert!(results[0]["partialFingerprints"]["guardrail/v1"].is_string());
    let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "external/cwe/cwe-89"));
    assert!(rule["help"]["text"]
        .as_str()
        .unwrap()
        .contains("parameters"));
}

#[test]
fn yellow_only_exits_3_and_marks_review_pending() {
    let r = repo_with_change("def run(expr):\n    return eval(expr)\n");
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v = json_of(&out.stdout);
    assert_eq!(v["verdict"], "review");
    assert_eq!(v["findings"][0]["severity"], "yellow");
    assert_eq!(v["findings"][0]["review"]["state"], "pending");
}

#[test]
fn text_report_has_location_rule_code_frame_and_no_colour_when_piped() {
    let r = repo_with_change(SQLI);
    let out = guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("app.py:3:"), "{text}");
    assert!(text.contains("python-sql-string-built-query"), "{text}");
    assert!(text.contains("3 |     cur.execute(f\"SELECT"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour escape in piped output");
    assert!(
        text.trim_end()
            .ends_with("guardrail: block — 1 red, 0 yellow, 0 info"),
        "{text}"
    );
    let coloured = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--no-ledger",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn every_format_runs_through_the_binary() {
    let r = repo_with_change(SQLI);
    for (format, needle) in [
        ("markdown", "## guardrail: ⛔ block"),
        ("gitlab-sast", "\"version\": \"15.2.1\""),
        ("gitlab-dependency-scanning", "\"dependency_scanning\""),
    ] {
        let out = guardrail(r.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--no-ledger",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(needle),
            "{format}"
        );
    }
    let sast = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--no-ledger",
            "--format",
            "gitlab-sast",
        ])
        .output()
        .unwrap();
    assert_schema_valid("sast-report-format.json", &json_of(&sast.stdout));
}

#[test]
fn output_file_and_markdown_summary_are_written() {
    let r = repo_with_change(SQLI);
    let out_file = r.path().join("report.json");
    let summary = r.path().join("summary.md");
    guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--no-ledger",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out_file)
        .arg("--summary")
        .arg(&summary)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(v["verdict"], "block");
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains("python-sql-string-built-query"));
}

#[test]
fn config_comes_from_the_base_revision_and_editing_it_is_flagged() {
    let r = TempRepo::new();
    r.write("app.py", "import db\n");
    r.commit("init");
    // The change tries to switch the SQL rule off in the same commit that adds an injection.
    r.write(
        ".guardrail.yml",
        "severity:\n  python-sql-string-built-query: off\n",
    );
    r.write("app.py", format!("import db\n{SQLI}"));
    r.commit("sneaky");
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"python-sql-string-built-query"),
        "{rules:?}"
    );
    assert!(rules.contains(&"guardrail-config-edited"), "{rules:?}");
    let cfg = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "guardrail-config-edited")
        .unwrap();
    assert_eq!(cfg["kind"], "agent");
    assert_eq!(cfg["path"], ".guardrail.yml");

    // Once the config is at the base, it applies.
    r.write("app.py", format!("import db\n{SQLI}\n# more\n"));
    r.commit("next");
    guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .assert()
        .code(0);
}

#[test]
fn ignores_need_reason_and_expire() {
    let r = TempRepo::new();
    r.write(
        ".guardrail.yml",
        "ignore:\n  - rule: python-sql-string-built-query\n    path: 'legacy/*.py'\n    reason: legacy module, scheduled for rewrite\n    expires: 2020-01-31\n  - rule: python-sql-string-built-query\n    path: 'tools/*.py'\n    reason: offline admin tool, fixed input\n    expires: 2999-12-31\n",
    );
    r.commit("config");
    r.write("legacy/db.py", SQLI);
    r.write("tools/db.py", SQLI);
    r.commit("change");
    let out = guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("legacy/db.py:2"), "{text}");
    assert!(!text.contains("tools/db.py"), "{text}");
    assert!(text.contains("expired on 2020-01-31"), "{text}");
}

#[test]
fn fingerprints_survive_lines_moving() {
    let r = repo_with_change(SQLI);
    let fp = |r: &TempRepo| -> String {
        let out = guardrail(r.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--format",
                "json",
                "--no-ledger",
            ])
            .output()
            .unwrap();
        json_of(&out.stdout)["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let first = fp(&r);
    // Rebase-like: the same code, with new lines above it.
    let r2 = TempRepo::new();
    r2.write("app.py", "import db\nimport os\nimport sys\n");
    r2.commit("init");
    r2.write(
        "app.py",
        format!("import db\nimport os\nimport sys\n\n{SQLI}"),
    );
    r2.commit("change");
    assert_eq!(first, fp(&r2));
}

#[test]
fn staged_changes_are_checked() {
    let r = TempRepo::new();
    r.write("app.py", "import db\n");
    r.commit("init");
    r.write("app.py", format!("import db\n{SQLI}"));
    r.git(&["add", "app.py"]);
    let out = guardrail(r.path())
        .args(["check", "--staged", "--format", "json", "--no-ledger"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out.stdout)["findings"][0]["line"], 3);
}

#[test]
fn default_base_from_ci_variables_and_origin_head() {
    let r = repo_with_change(SQLI);
    let base = r.git(&["rev-parse", "HEAD~1"]);
    // GitLab names the base SHA.
    guardrail(r.path())
        .args(["check", "--no-ledger"])
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)
        .assert()
        .code(1);
    // GitHub names the base branch; it must exist as origin/<branch> or <branch>.
    r.git(&["branch", "target", &base]);
    guardrail(r.path())
        .args(["check", "--no-ledger"])
        .env("GITHUB_BASE_REF", "target")
        .assert()
        .code(1);
    // Without either: the merge base with origin/HEAD.
    guardrail(r.path())
        .args(["check", "--no-ledger"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --base"));
    r.git(&["update-ref", "refs/remotes/origin/main", &base]);
    r.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
    ]);
    guardrail(r.path())
        .args(["check", "--no-ledger"])
        .assert()
        .code(1);
}

#[test]
fn binary_only_git_change_passes_with_a_note() {
    let r = TempRepo::new();
    r.write("README.md", "x\n");
    r.commit("init");
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    r.commit("binary");
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "skipped 1 binary file(s): logo.png",
        ));
}

#[test]
fn invalid_utf8_content_is_still_scanned() {
    let r = TempRepo::new();
    r.write("app.py", "import db\n");
    r.commit("init");
    let mut content = b"import db\n# caf\xe9\n".to_vec();
    content.extend_from_slice(SQLI.as_bytes());
    r.write("app.py", content);
    r.commit("latin-1");
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("app.py:4"))
        .stderr(predicate::str::contains(
            "app.py: content is not valid UTF-8",
        ));
}

/// Runs a bad-input case: exit 2, one line on stderr containing `needle`, nothing on stdout.
fn assert_bad_input(cmd: &mut assert_cmd::Command, needle: &str) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout not empty: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "want one line, got: {stderr}");
    assert!(lines[0].starts_with("guardrail: error: "), "{stderr}");
    assert!(lines[0].contains(needle), "want {needle:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_inputs_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let good = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n";
    std::fs::write(p.join("truncated.diff"), good).unwrap();
    assert_bad_input(
        guardrail(p).args(["check", "--diff", "truncated.diff", "--no-ledger"]),
        "truncated.diff:7: diff ends inside a hunk",
    );
    std::fs::write(
        p.join("corrupt.diff"),
        good.replace("@@ -1,3 +1,3 @@", "@@ -1,3 +1,x @@"),
    )
    .unwrap();
    assert_bad_input(
        guardrail(p).args(["check", "--diff", "corrupt.diff", "--no-ledger"]),
        "corrupt.diff:4: malformed hunk header",
    );
    std::fs::write(
        p.join("image.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe",
    )
    .unwrap();
    assert_bad_input(
        guardrail(p).args(["check", "--diff", "image.png", "--no-ledger"]),
        "image.png:1: not a unified diff",
    );
    assert_bad_input(
        guardrail(p).args(["check", "--diff", "missing.diff", "--no-ledger"]),
        "missing.diff",
    );
    assert_bad_input(
        guardrail(p).args(["check", "--no-ledger"]),
        "not a git repository",
    );
}

#[test]
fn huge_added_file_is_an_error_not_a_silent_skip() {
    let dir = tempfile::tempdir().unwrap();
    let mut diff = String::from(
        "diff --git a/big.js b/big.js\nnew file mode 100644\n--- /dev/null\n+++ b/big.js\n",
    );
    let line = format!("+{}\n", "x".repeat(1023));
    let n = 50 * 1024;
    diff.push_str(&format!("@@ -0,0 +1,{n} @@\n"));
    for _ in 0..n {
        diff.push_str(&line);
    }
    std::fs::write(dir.path().join("big.diff"), diff).unwrap();
    assert_bad_input(
        guardrail(dir.path()).args(["check", "--diff", "big.diff", "--no-ledger"]),
        "big.js: 52428800 bytes added, over the 16777216 byte limit",
    );
}

#[test]
fn unknown_revision_bad_config_and_bad_rules_exit_2() {
    let r = repo_with_change(SQLI);
    assert_bad_input(
        guardrail(r.path()).args(["check", "--base", "nope", "--no-ledger"]),
        "unknown revision `nope`",
    );

    let r2 = TempRepo::new();
    r2.write(
        ".guardrail.yml",
        "version: 1\nexclude: []\nfail_fast: true\n",
    );
    r2.commit("bad config");
    r2.write("a.py", SQLI);
    r2.commit("change");
    assert_bad_input(
        guardrail(r2.path()).args(["check", "--base", "HEAD~1", "--no-ledger"]),
        ".guardrail.yml@",
    );
    let out = guardrail(r2.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":3:"),
        "line of the unknown key"
    );

    let r3 = TempRepo::new();
    r3.write(".guardrail.yml", b"exclude: ['caf\xe9']\n");
    r3.commit("latin-1 config");
    r3.commit("empty");
    assert_bad_input(
        guardrail(r3.path()).args(["check", "--base", "HEAD~1", "--no-ledger"]),
        ":1: not valid UTF-8",
    );

    let rules = r.path().join("bad-rules.yaml");
    std::fs::write(
        &rules,
        "rules:\n  - id: lookbehind\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern-regex: (?<=x)y\n",
    )
    .unwrap();
    assert_bad_input(
        guardrail(r.path())
            .args(["check", "--base", "HEAD~1", "--no-ledger", "--rules"])
            .arg(&rules),
        "bad-rules.yaml:2: rule `lookbehind`: bad regex",
    );
}

#[test]
fn empty_change_passes() {
    let r = TempRepo::new();
    r.write("a.txt", "x\n");
    r.commit("one");
    r.commit("empty");
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "guardrail: pass — 0 red, 0 yellow, 0 info",
        ));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    guardrail(dir.path())
        .args(["check", "--staged", "--diff", "x"])
        .assert()
        .code(2);
    guardrail(dir.path())
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    let _ = root();
}

#[test]
fn extra_rules_from_config_are_read_at_the_base_revision() {
    let r = TempRepo::new();
    let rule = |pattern: &str| {
        format!(
            "rules:\n  - id: no-todo-hack\n    message: A HACK marker was added; explain it in an issue and remove it before merging.\n    severity: WARNING\n    languages: [generic]\n    pattern-regex: {pattern}\n"
        )
    };
    r.write(".guardrail.yml", "rules:\n  extra: [.guardrail/rules]\n");
    r.write(".guardrail/rules/team.yaml", rule("HACK"));
    r.commit("config and team rules");
    // The change adds a HACK and also tries to neuter the rule in the same commit.
    r.write(".guardrail/rules/team.yaml", rule("NEVER_MATCHES_ANYTHING"));
    r.write("src/a.txt", "HACK: skip validation\n");
    r.commit("change");
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"no-todo-hack"), "{rules:?}");
    assert!(rules.contains(&"guardrail-rules-edited"), "{rules:?}");
}
