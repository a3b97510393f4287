//! Rule packs and rule tooling: every fixture under `rules/` passes, coverage, `docs/rules.md`
//! in sync, the `rules test|list|explain` commands, and inline suppressions end to end.

use std::collections::BTreeMap;

use crate::common::{guardrail, root, TempRepo};

/// The eight languages the OWASP packs must cover, with the `languages:` spellings that count.
const LANGUAGES: [(&str, &[&str]); 8] = [
    ("Python", &["python"]),
    (
        "JavaScript/TypeScript",
        &["javascript", "typescript", "js", "ts"],
    ),
    ("Java", &["java"]),
    ("Go", &["go", "golang"]),
    ("Rust", &["rust"]),
    ("Ruby", &["ruby"]),
    ("PHP", &["php"]),
    ("C#", &["csharp", "c#"]),
];

#[test]
fn rules_pack_fixtures_all_pass() {
    let files = guardrail::rules::test::dir_files(&root().join("rules")).expect("read rules/");
    assert!(!files.is_empty(), "no rule files under rules/");
    let report = guardrail::rules::test::run(&files);
    let mut failures = Vec::new();
    for f in &report.files {
        if let Some(e) = &f.error {
            failures.push(format!("{}: {e}", f.path));
        }
        for r in f.rules.iter().filter(|r| !r.passed()) {
            failures.push(format!(
                "{} `{}`: missed {:?}, false positives {:?}",
                f.path,
                r.id,
                r.missed
                    .iter()
                    .map(|l| format!("{}:{}", l.path, l.line))
                    .collect::<Vec<_>>(),
                r.false_positives
                    .iter()
                    .map(|l| format!("{}:{}", l.path, l.line))
                    .collect::<Vec<_>>()
            ));
        }
    }
    for p in &report.problems {
        failures.push(format!(
            "{}:{:?} {:?}: {}",
            p.path, p.line, p.rule, p.message
        ));
    }
    assert!(
        failures.is_empty(),
        "rule fixtures fail:\n{}",
        failures.join("\n")
    );
    assert_eq!(report.mismatches(), 0);
}

#[test]
fn rules_pack_has_150_rules_over_8_languages() {
    let files = guardrail::rules::test::dir_files(&root().join("rules")).expect("read rules/");
    let report = guardrail::rules::test::run(&files);
    assert!(report.rule_count >= 150, "only {} rules", report.rule_count);
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, spellings) in LANGUAGES {
        let n: usize = spellings
            .iter()
            .filter_map(|s| report.languages.get(*s))
            .sum();
        per.insert(name, n);
    }
    for (name, n) in &per {
        assert!(*n >= 10, "{name} has only {n} rules: {per:?}");
    }
    // The other packs exist too.
    let kinds: Vec<String> = files
        .iter()
        .map(|f| f.source.path.display().to_string())
        .collect();
    for pack in ["/owasp/", "/secrets/", "/ci/", "/agent/"] {
        assert!(
            kinds.iter().any(|k| k.contains(pack)),
            "no rule file in {pack}: {kinds:?}"
        );
    }
}

#[test]
fn builtin_packs_equal_the_rules_directory() {
    // The binary embeds rules/ at build time; its fixture run must see the same rule count.
    let on_disk = guardrail::rules::test::run(
        &guardrail::rules::test::dir_files(&root().join("rules")).expect("rules/"),
    );
    let builtin = guardrail::rules::test::run(&guardrail::rules::test::builtin_files());
    assert_eq!(builtin.rule_count, on_disk.rule_count);
    let out = guardrail(&root())
        .args(["rules", "test"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("{} rules", on_disk.rule_count)),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("PASS"), "{stdout}");
}

#[test]
fn docs_rules_md_is_in_sync_with_rules_list() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = guardrail(tmp.path())
        .args(["rules", "list", "--format", "markdown"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).expect("utf8");
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `guardrail rules list --format markdown > docs/rules.md`"
    );
    assert!(generated.contains("| `python-eval-exec-dynamic` | python |"));
}

#[test]
fn rules_test_reports_misses_and_false_positives_with_exit_1() {
    let out = guardrail(&root())
        .args(["rules", "test", "fixtures/rules/failing"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("missed: fixtures/rules/failing/demo.py:5"),
        "{stdout}"
    );
    assert!(
        stdout.contains("false positive: fixtures/rules/failing/demo.py:7"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("demo.py:9"),
        "model.eval() must not match: {stdout}"
    );

    let json = guardrail(&root())
        .args([
            "rules",
            "test",
            "fixtures/rules/failing/demo.yaml",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let rule = &v["files"][0]["rules"][0];
    assert_eq!(rule["id"], "demo-eval-call");
    assert_eq!(
        (
            rule["expected"].as_u64(),
            rule["matched"].as_u64(),
            rule["todo"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
}

#[test]
fn rules_test_on_missing_dir_is_an_error() {
    let out = guardrail(&root())
        .args(["rules", "test", "no/such/dir"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("guardrail: error: ") && stderr.contains("no/such/dir"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1);
}

#[test]
fn rules_list_and_explain() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = guardrail(tmp.path())
        .args(["rules", "list", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    let eval = rows
        .iter()
        .find(|r| r["id"] == "python-eval-exec-dynamic")
        .expect("python-eval-exec-dynamic listed");
    assert_eq!(eval["cwe"][0], "CWE-95");
    assert_eq!(eval["kind"], "code");

    let text = guardrail(tmp.path())
        .args(["rules", "list"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("id "), "{text}");
    assert!(text.contains(&format!("{} rules", rows.len())));

    let ex = guardrail(tmp.path())
        .args(["rules", "explain", "python-eval-exec-dynamic"])
        .output()
        .expect("run");
    let ex = String::from_utf8_lossy(&ex.stdout);
    assert!(ex.contains("CWE: CWE-95"), "{ex}");
    assert!(ex.contains("OWASP: A03:2021"), "{ex}");
    assert!(
        ex.contains("defined at: rules/owasp/python-core.yaml:"),
        "{ex}"
    );
    assert!(
        ex.contains("https://docs.python.org/3/library/functions.html#eval"),
        "{ex}"
    );
    assert!(
        ex.contains("Example (rules/owasp/python-core.py:") && ex.contains("eval(expr)"),
        "{ex}"
    );

    let missing = guardrail(tmp.path())
        .args(["rules", "explain", "no-such-rule"])
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn rules_list_honours_extra_rules_and_disable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join(".guardrail.yml"),
        "rules:\n  disable: [python-eval-exec-dynamic]\n",
    )
    .expect("write");
    let out = guardrail(tmp.path())
        .args(["rules", "list", "--format", "json", "--rules"])
        .arg(root().join("fixtures/rules/failing"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(ids.contains(&"demo-eval-call"));
    assert!(!ids.contains(&"python-eval-exec-dynamic"));
}

/// A repository whose base commit holds `base`, then a commit writing `head` to the same file.
fn two_commits(path: &str, base: &str, head: &str) -> (TempRepo, String) {
    let repo = TempRepo::new();
    repo.write(path, base);
    let b = repo.commit("base");
    repo.write(path, head);
    repo.commit("change");
    (repo, b)
}

fn check_json(repo: &TempRepo, base: &str) -> (Option<i32>, serde_json::Value) {
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            base,
            "--head",
            "HEAD",
            "--offline",
            "--no-ledger",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

fn rules_of(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const BASE_PY: &str = "def run(expr):\n    x = 1\n    return x\n";

#[test]
fn suppression_added_by_the_change_becomes_a_yellow_agent_finding() {
    let (repo, base) = two_commits(
        "app.py",
        BASE_PY,
        "def run(expr):\n    x = 1\n    y = eval(expr)  # nosemgrep\n    return x\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!(code, Some(3), "{v}");
    let f = v["findings"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|f| {
                f["rule"] == "suppression-added-by-change"
                    && f["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("python-eval-exec-dynamic")
            })
        })
        .unwrap_or_else(|| panic!("no suppression finding for the eval: {v}"));
    assert_eq!(f["kind"], "agent");
    assert_eq!(f["severity"], "yellow");
    assert_eq!(f["line"], 3);
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("python-eval-exec-dynamic"),
        "{f}"
    );
    assert!(
        !rules_of(&v).contains(&"python-eval-exec-dynamic".to_owned()),
        "{v}"
    );

    // The same with guardrail's own syntax and a reason.
    let (repo, base) = two_commits(
        "app.py",
        BASE_PY,
        "def run(expr):\n    x = 1\n    # guardrail-ignore: python-eval-exec-dynamic input is a constant\n    y = eval(expr)\n    return x\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!(code, Some(3), "{v}");
    assert!(
        rules_of(&v).contains(&"suppression-added-by-change".to_owned()),
        "{v}"
    );
}

#[test]
fn suppressions_present_at_base_still_hide_findings() {
    // nosemgrep on the line above, at base; the change rewrites the eval line itself.
    let (repo, base) = two_commits(
        "app.py",
        "def run(expr):\n    # nosemgrep: python-eval-exec-dynamic\n    y = eval(expr)\n    return y\n",
        "def run(expr):\n    # nosemgrep: python-eval-exec-dynamic\n    y = eval(expr.strip())\n    return y\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!((code, rules_of(&v)), (Some(0), vec![]), "{v}");

    // guardrail-ignore with a reason at base; the change edits a neighbouring line.
    let (repo, base) = two_commits(
        "app.py",
        "def run(expr):\n    y = eval(expr)  # guardrail-ignore: python-eval-exec-dynamic trusted admin console\n    return y\n",
        "def run(expr):\n    y = eval(expr)  # guardrail-ignore: python-eval-exec-dynamic trusted admin console\n    return y or None\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!((code, rules_of(&v)), (Some(0), vec![]), "{v}");

    // Control: the same change without the suppression is found.
    let (repo, base) = two_commits(
        "app.py",
        "def run(expr):\n    y = eval(expr)\n    return y\n",
        "def run(expr):\n    y = eval(expr.strip())\n    return y\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!(code, Some(3), "{v}");
    assert_eq!(rules_of(&v), vec!["python-eval-exec-dynamic".to_owned()]);
}

#[test]
fn removing_a_risky_line_gives_no_code_finding() {
    let (repo, base) = two_commits(
        "app.py",
        "import os\ndef run(expr, cur, name):\n    y = eval(expr)\n    os.system(f\"rm {name}\")\n    cur.execute(f\"SELECT {name}\")\n    return y\n",
        "import os\ndef run(expr, cur, name):\n    y = None\n    return y\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!((code, rules_of(&v)), (Some(0), vec![]), "{v}");
}

#[test]
fn removing_assertions_from_tests_needs_review() {
    let (repo, base) = two_commits(
        "tests/test_api.py",
        "def test_api():\n    r = call()\n    assert r.status == 200\n    assert r.json() == {}\n",
        "def test_api():\n    r = call()\n",
    );
    let (code, v) = check_json(&repo, &base);
    assert_eq!(code, Some(3), "{v}");
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == "test-assertions-removed"))
        .unwrap_or_else(|| panic!("no finding: {v}"));
    assert_eq!(
        (f["kind"].as_str(), f["severity"].as_str()),
        (Some("agent"), Some("yellow"))
    );
    assert_eq!(f["path"], "tests/test_api.py");
}

/// A rule file of the team's own, passed with `--rules`.
const TEAM_RULES: &str = "rules:\n  - id: team-no-frobnicate\n    message: frobnicate() wipes the staging data; call the dry-run variant instead and review the plan first.\n    severity: ERROR\n    languages: [python]\n    pattern-regex: frobnicate\\(\n";

/// Issue 16, item 5: whatever a change's code writes into guardrail's rules-cache directory
/// (between two runs on one runner, or before the gate runs), the next run still applies every
/// rule, and the ledger's `rules_sha256` names the rule files that really ran. Here every file
/// the first run left in the cache is rewritten the way a hostile change would: rules dropped,
/// literal sets replaced by one no text contains.
#[test]
fn a_tampered_rules_cache_cannot_switch_rules_off() {
    let (repo, base) = two_commits(
        "app.py",
        BASE_PY,
        "def run(expr):\n    x = 1\n    y = eval(expr)\n    frobnicate(y)\n    return x\n",
    );
    let team = tempfile::tempdir().expect("tempdir");
    std::fs::write(team.path().join("team.yaml"), TEAM_RULES).expect("write rules");
    let cache = tempfile::tempdir().expect("tempdir");
    let run = || {
        let out = guardrail(repo.path())
            .env("GUARDRAIL_RULES_CACHE", cache.path())
            .args(["check", "--base", &base, "--head", "HEAD", "--offline"])
            .args(["--format", "json", "--rules"])
            .arg(team.path())
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), rules_of(&v))
    };
    let first = run();
    assert_eq!(first.0, Some(1), "{first:?}");
    assert!(
        first.1.iter().any(|r| r == "team-no-frobnicate")
            && first.1.iter().any(|r| r.contains("eval")),
        "{first:?}"
    );
    let mut tampered = 0;
    for entry in std::fs::read_dir(cache.path()).expect("read cache dir") {
        let path = entry.expect("entry").path();
        let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(
            &std::fs::read(&path).expect("read cache file"),
        ) else {
            continue;
        };
        if let Some(files) = v.get_mut("files").and_then(|f| f.as_array_mut()) {
            files.iter_mut().for_each(|f| *f = serde_json::json!([]));
        }
        if let Some(lits) = v.get_mut("literals").and_then(|l| l.as_array_mut()) {
            lits.iter_mut()
                .for_each(|l| *l = serde_json::json!(["qqzz-in-no-text"]));
        }
        std::fs::write(&path, serde_json::to_vec(&v).expect("json")).expect("write");
        tampered += 1;
    }
    let second = run();
    assert_eq!(second, first, "after tampering with {tampered} cache files");
    // The ledger names exactly the rule files that ran: the built-in packs and the team's file.
    let entries =
        std::fs::read_to_string(repo.path().join(".git/guardrail/ledger.jsonl")).expect("ledger");
    let mut sources = guardrail::rules::builtin_sources();
    sources.extend(guardrail::rules::dir_sources(team.path()).expect("team rules"));
    let expected = guardrail::rules::RuleSet::compile(&sources).expect("rules");
    fn rules_sha256(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(m) => m
                .get("rules_sha256")
                .and_then(|h| h.as_str().map(str::to_owned))
                .or_else(|| m.values().find_map(rules_sha256)),
            _ => None,
        }
    }
    let recorded: Vec<String> = entries
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| rules_sha256(&e))
        .collect();
    assert_eq!(recorded, vec![expected.sha256().to_owned(); 2]);
}
