//! The git hooks against a real bare remote, and the integration files (`actions/`,
//! `.pre-commit-hooks.yaml`) validated against the published schemas in `../shared/data`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{assert_schema_valid, guardrail, root, TempRepo};

fn git_raw(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GUARDRAIL_LEDGER")
        .env_remove("GUARDRAIL_DB_DIR")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .output()
        .unwrap()
}

/// A clone-like repository whose `origin` is a real bare repository, `main` pushed.
fn with_remote() -> (TempRepo, tempfile::TempDir) {
    let bare = tempfile::tempdir().unwrap();
    let out = git_raw(bare.path(), &["init", "-q", "--bare", "-b", "main"]);
    assert!(out.status.success());
    let r = TempRepo::new();
    r.write("app.py", "def run(expr):\n    return None\n");
    r.commit("base");
    r.git(&[
        "remote",
        "add",
        "origin",
        &bare.path().display().to_string(),
    ]);
    r.git(&["push", "-q", "origin", "main"]);
    (r, bare)
}

#[test]
fn pre_push_refuses_pending_yellow_until_accepted() {
    let (r, bare) = with_remote();
    let out = guardrail(r.path())
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = r.path().join(".git/hooks/pre-push");
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(
        script.starts_with("#!/bin/sh\n") && script.contains("hook run pre-push"),
        "{script}"
    );

    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("app.py", "def run(expr):\n    return eval(expr)\n");
    r.commit("eval");
    let push = git_raw(r.path(), &["push", "origin", "feature"]);
    let stderr = String::from_utf8_lossy(&push.stderr).into_owned();
    assert!(!push.status.success(), "push must be refused: {stderr}");
    assert!(
        stderr.contains("yellow finding(s) await a decision"),
        "{stderr}"
    );
    assert!(stderr.contains("python-eval-exec-dynamic"), "{stderr}");
    let q: Value =
        serde_json::from_slice(&std::fs::read(r.path().join(".git/guardrail/queue.json")).unwrap())
            .unwrap();
    let id = q["items"][0]["id"].as_str().unwrap().to_owned();
    assert!(
        stderr.contains(&format!("guardrail review accept {id} --reason")),
        "{stderr}"
    );
    let remote_has = |b: &str| {
        git_raw(bare.path(), &["rev-parse", "--verify", "--quiet", b])
            .status
            .success()
    };
    assert!(!remote_has("refs/heads/feature"));

    let acc = guardrail(r.path())
        .env("GUARDRAIL_REVIEWER", "Rita Reviewer <rita@example.com>")
        .args([
            "review",
            "accept",
            &id,
            "--reason",
            "expr is validated upstream",
        ])
        .output()
        .unwrap();
    assert!(
        acc.status.success(),
        "{}",
        String::from_utf8_lossy(&acc.stderr)
    );
    let push = git_raw(r.path(), &["push", "origin", "feature"]);
    assert!(
        push.status.success(),
        "{}",
        String::from_utf8_lossy(&push.stderr)
    );
    assert!(remote_has("refs/heads/feature"));

    // A red finding is refused too, and cannot be queued away.
    r.write("app.py", "import subprocess\ndef run(expr):\n    return eval(expr)\nsubprocess.run(expr, shell=True)\n");
    r.commit("shell");
    let push = git_raw(r.path(), &["push", "origin", "feature"]);
    let stderr = String::from_utf8_lossy(&push.stderr);
    assert!(!push.status.success());
    assert!(
        stderr.contains("red or rejected findings block"),
        "{stderr}"
    );
}

#[test]
fn pre_commit_hook_checks_the_staged_change() {
    let r = TempRepo::new();
    r.write("app.py", "x = 1\n");
    r.commit("base");
    let out = guardrail(r.path())
        .args(["hook", "install", "--pre-commit"])
        .output()
        .unwrap();
    assert!(out.status.success());
    r.write("app.py", "x = 1\ny = eval(input())\n");
    r.git(&["add", "-A"]);
    let commit = git_raw(r.path(), &["commit", "-q", "-m", "eval"]);
    assert!(!commit.status.success());
    assert!(String::from_utf8_lossy(&commit.stderr).contains("guardrail review accept"));
    r.write("app.py", "x = 1\ny = int(input())\n");
    r.git(&["add", "-A"]);
    let commit = git_raw(r.path(), &["commit", "-q", "-m", "int"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );
}

#[test]
fn install_never_overwrites_a_foreign_hook_without_force() {
    let r = TempRepo::new();
    r.commit("init");
    let hook = r.path().join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nrun-my-linters\n").unwrap();
    let out = guardrail(r.path())
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nrun-my-linters\n"
    );
    // Re-installing over guardrail's own hook is fine; --force replaces a foreign one.
    assert!(guardrail(r.path())
        .args(["hook", "install", "--force"])
        .output()
        .unwrap()
        .status
        .success());
    assert!(guardrail(r.path())
        .args(["hook", "install"])
        .output()
        .unwrap()
        .status
        .success());
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn integration_files_match_their_schemas() {
    let action = yaml(&root().join("actions/github/action.yml"));
    assert_schema_valid("github-action.json", &action);
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    let sarif = uses
        .iter()
        .find(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        .expect("uploads SARIF");
    let pin = sarif.rsplit('@').next().unwrap();
    assert!(
        pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit()),
        "third-party actions pinned to a full commit SHA: {sarif}"
    );
    for u in &uses {
        if !u.starts_with("./") {
            let pin = u.rsplit('@').next().unwrap();
            assert!(pin.len() == 40, "{u} is not pinned to a commit");
        }
    }
    let runs: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        runs.contains("--publish github") && runs.contains("GITHUB_STEP_SUMMARY"),
        "{runs}"
    );

    let wf = yaml(&root().join("actions/github/example-workflow.yml"));
    assert_schema_valid("github-workflow.json", &wf);
    let on = &wf["on"];
    for ev in [
        "pull_request",
        "issue_comment",
        "pull_request_review_comment",
    ] {
        assert!(!on[ev].is_null(), "workflow re-runs on {ev}");
    }
    assert!(
        on.get("pull_request_target").is_none(),
        "never runs fork code with secrets"
    );

    let gl = yaml(&root().join("actions/gitlab/guardrail.gitlab-ci.yml"));
    assert_schema_valid("gitlab-ci.json", &gl);
    let job = &gl["guardrail"];
    let reports = &job["artifacts"]["reports"];
    assert_eq!(reports["sast"], "gl-sast-report.json");
    assert_eq!(
        reports["dependency_scanning"],
        "gl-dependency-scanning-report.json"
    );
    let script = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(script.contains("--publish gitlab"), "{script}");

    let hooks = yaml(&root().join(".pre-commit-hooks.yaml"));
    assert_schema_valid("pre-commit-hooks.json", &hooks);
    let ids: Vec<&str> = hooks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"guardrail") && ids.contains(&"guardrail-pre-push"),
        "{ids:?}"
    );
}

/// The ```yaml blocks of the README's review/integrations section, in order.
fn readme_integration_yaml() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Review, integrations, ledger").unwrap();
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(i) = rest.find("```yaml\n") {
        let body = &rest[i + 8..];
        let end = body.find("```").unwrap();
        blocks.push(body[..end].to_owned());
        rest = &body[end + 3..];
    }
    blocks
}

#[test]
fn readme_gives_the_example_workflow_and_a_pinned_gitlab_include() {
    let blocks = readme_integration_yaml();
    assert_eq!(blocks.len(), 2, "{blocks:#?}");
    let example =
        std::fs::read_to_string(root().join("actions/github/example-workflow.yml")).unwrap();
    let without_header: String = example
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        blocks[0], without_header,
        "README workflow == example-workflow.yml"
    );
    let wf = serde_saphyr::from_str::<Value>(&blocks[0]).unwrap();
    assert_schema_valid("github-workflow.json", &wf);
    assert!(blocks[0].contains("uses: <owner>/guardrail/actions/github@<commit-sha>"));
    let gl = serde_saphyr::from_str::<Value>(&blocks[1]).unwrap();
    let inc = &gl["include"][0];
    assert_eq!(inc["file"], "actions/gitlab/guardrail.gitlab-ci.yml");
    assert_eq!(inc["ref"], "<commit-sha>");
    assert_eq!(gl["variables"]["GUARDRAIL_REF"], "<commit-sha>");
    assert!(root().join(inc["file"].as_str().unwrap()).is_file());
}

/// The documented set-up, with the placeholders filled in, passes guardrail's own CI rules;
/// the same files pinned to a branch or included by URL do not.
#[test]
fn the_documented_setup_passes_guardrails_own_ci_rules_only_when_pinned() {
    let blocks = readme_integration_yaml();
    let sha = "8f3c2a1b9d4e5f60718293a4b5c6d7e8f9012345";
    let fill = |s: &str, r: &str| {
        s.replace("<owner>", "acme")
            .replace("<group>", "acme")
            .replace("<commit-sha>", r)
    };
    let flagged = |wf: &str, gl: &str| -> Vec<String> {
        let repo = TempRepo::new();
        repo.write("README.md", "x\n");
        repo.commit("base");
        repo.write(".github/workflows/guardrail.yml", wf);
        repo.write(".gitlab-ci.yml", gl);
        repo.commit("ci");
        let out = guardrail(repo.path())
            .args([
                "check",
                "--offline",
                "--no-ledger",
                "--base",
                "HEAD~1",
                "--head",
                "HEAD",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "supply-chain")
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    let pinned = flagged(&fill(&blocks[0], sha), &fill(&blocks[1], sha));
    assert!(pinned.is_empty(), "{pinned:?}");
    let remote = "include:\n  - remote: https://raw.githubusercontent.com/acme/guardrail/main/actions/gitlab/guardrail.gitlab-ci.yml\n";
    let loose = flagged(&fill(&blocks[0], "main"), remote);
    assert!(
        loose
            .iter()
            .any(|r| r == "gha-third-party-action-not-pinned"),
        "{loose:?}"
    );
    assert!(
        loose.iter().any(|r| r == "gitlab-ci-include-remote-url"),
        "{loose:?}"
    );
}
