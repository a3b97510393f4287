//! The local review queue through the binary: `check` records pending yellow findings in
//! `.git/guardrail/queue.json`; `review list|show|accept|reject` decide them; decisions bind to
//! the fingerprint and the flagged line's hash and land in the ledger.

use serde_json::Value;

use crate::common::{guardrail, TempRepo};
use crate::forge_github::ledger_decisions;

fn yellow_repo() -> TempRepo {
    let r = TempRepo::new();
    r.write("app.py", "def run(expr):\n    return None\n");
    r.commit("base");
    r.write("app.py", "def run(expr):\n    return eval(expr)\n");
    r.commit("eval");
    r
}

fn check(r: &TempRepo) -> (i32, Value, String) {
    let out = guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--format", "json", "--offline"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn queue(r: &TempRepo) -> Value {
    serde_json::from_slice(&std::fs::read(r.path().join(".git/guardrail/queue.json")).unwrap())
        .unwrap()
}

/// A reviewer other than the change's author (who may not decide).
const REVIEWER: &str = "Rita Reviewer <rita@example.com>";

fn review(r: &TempRepo, args: &[&str]) -> std::process::Output {
    guardrail(r.path())
        .env("GUARDRAIL_REVIEWER", REVIEWER)
        .arg("review")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn accept_in_the_local_queue_passes_the_next_check_and_is_logged() {
    let r = yellow_repo();
    let (code, report, stderr) = check(&r);
    assert_eq!(code, 3, "{stderr}");
    let fp = report["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = queue(&r);
    assert_eq!(q["version"], 1);
    let item = &q["items"][0];
    assert_eq!(item["fingerprint"], fp.as_str());
    assert_eq!(item["state"], "pending");
    assert_eq!(item["line-sha256"].as_str().unwrap().len(), 64);
    let id = item["id"].as_str().unwrap().to_owned();
    assert!(fp.starts_with(&id));

    let list = review(&r, &["list"]);
    assert!(list.status.success());
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains(&id)
            && text.contains("python-eval-exec-dynamic")
            && text.contains("app.py:2"),
        "{text}"
    );
    let show = review(&r, &["show", &id]);
    assert!(String::from_utf8_lossy(&show.stdout).contains(&fp));

    // A second check does not duplicate the item.
    check(&r);
    assert_eq!(queue(&r)["items"].as_array().unwrap().len(), 1);

    let acc = review(
        &r,
        &["accept", &id, "--reason", "expr is a literal table key"],
    );
    assert!(
        acc.status.success(),
        "{}",
        String::from_utf8_lossy(&acc.stderr)
    );
    assert!(String::from_utf8_lossy(&acc.stdout).starts_with(&format!("accepted {id}")));
    let (code, report, _) = check(&r);
    assert_eq!(code, 0);
    assert_eq!(report["findings"][0]["review"]["state"], "accepted");
    assert_eq!(report["findings"][0]["review"]["by"], REVIEWER);
    assert_eq!(
        report["findings"][0]["review"]["reason"],
        "expr is a literal table key"
    );
    let pending = review(&r, &["list"]);
    assert!(String::from_utf8_lossy(&pending.stdout).contains("No pending review items"));
    let all = review(&r, &["list", "--all", "--json"]);
    let v: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(v[0]["state"], "accepted");

    let ledger = ledger_decisions(&r.path().join(".git/guardrail/ledger.jsonl"));
    let d: Vec<&Value> = ledger
        .iter()
        .filter(|d| d["decision"] == "accept")
        .collect();
    assert_eq!(d.len(), 1, "{ledger:?}");
    assert_eq!(d[0]["forge"], "local");
    assert_eq!(d[0]["fingerprint"], fp.as_str());
    assert_eq!(d[0]["line_sha256"], item["line-sha256"]);
}

#[test]
fn editing_the_flagged_line_reopens_an_accepted_item() {
    let r = yellow_repo();
    let (_, report, _) = check(&r);
    let fp = report["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = queue(&r)["items"][0]["id"].as_str().unwrap().to_owned();
    assert!(review(&r, &["accept", &id, "--reason", "ok"])
        .status
        .success());
    assert_eq!(check(&r).0, 0);
    // Same tokens (same fingerprint), different bytes on the line.
    r.write("app.py", "def run(expr):\n    return  eval(expr)\n");
    r.commit("respace");
    let (code, report, stderr) = guardrail_range(&r, "HEAD~2");
    assert_eq!(
        report["findings"][0]["fingerprint"],
        fp.as_str(),
        "fingerprint is whitespace-insensitive"
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("re-opened"), "{stderr}");
    assert_eq!(queue(&r)["items"][0]["state"], "pending");
}

fn guardrail_range(r: &TempRepo, base: &str) -> (i32, Value, String) {
    let out = guardrail(r.path())
        .args([
            "check",
            "--base",
            base,
            "--format",
            "json",
            "--offline",
            "--no-ledger",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn reject_blocks_and_bad_input_exits_2() {
    let r = yellow_repo();
    check(&r);
    let id = queue(&r)["items"][0]["id"].as_str().unwrap().to_owned();
    let empty = review(&r, &["reject", &id, "--reason", "   "]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("needs a reason"));
    let unknown = review(&r, &["accept", "ffffffff", "--reason", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no review item `ffffffff`"));
    let not_hex = review(&r, &["accept", "../x", "--reason", "x"]);
    assert_eq!(not_hex.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_hex.stderr).contains("is not a review item id"));
    assert!(review(
        &r,
        &["reject", &id, "--reason", "never eval input", "--no-ledger"]
    )
    .status
    .success());
    assert_eq!(check(&r).0, 1);

    std::fs::write(
        r.path().join(".git/guardrail/queue.json"),
        b"{\"version\": 1, \"items\": [}",
    )
    .unwrap();
    let out = review(&r, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("queue.json:1"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn plain_diffs_need_no_queue() {
    let r = yellow_repo();
    let diff = r.git(&["diff", "HEAD~1", "HEAD"]);
    let dir = tempfile::tempdir().unwrap();
    let out = guardrail(dir.path())
        .args(["check", "--diff", "-", "--no-ledger", "--offline"])
        .write_stdin(format!("{diff}\n"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join(".git").exists());
}

/// Item 11 (issue 16): a bot identity or the change's own author cannot decide locally, and a
/// hand-edited `queue.json` acceptance with no ledger decision does not pass the check.
#[test]
fn local_decisions_need_an_allowed_reviewer_and_a_ledger_record() {
    let r = yellow_repo();
    assert_eq!(check(&r).0, 3);
    let id = queue(&r)["items"][0]["id"].as_str().unwrap().to_owned();
    let as_who = |who: &str| {
        guardrail(r.path())
            .env("GUARDRAIL_REVIEWER", who)
            .args(["review", "accept", &id, "--reason", "looks fine"])
            .output()
            .unwrap()
    };
    for who in ["renovate[bot]", "Dev <dev@example.com>"] {
        let out = as_who(who);
        assert_eq!(out.status.code(), Some(2), "{who}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not allowed to decide"), "{who}: {err}");
    }
    assert_eq!(queue(&r)["items"][0]["state"], "pending");
    // Hand-edited acceptance, nothing in the ledger: still pending.
    let path = r.path().join(".git/guardrail/queue.json");
    let mut q = queue(&r);
    q["items"][0]["state"] = Value::from("accepted");
    q["items"][0]["by"] = Value::from(REVIEWER);
    q["items"][0]["reason"] = Value::from("trust me");
    std::fs::write(&path, serde_json::to_vec_pretty(&q).unwrap()).unwrap();
    let (code, report, stderr) = check(&r);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(report["findings"][0]["review"]["state"], "pending");
    assert!(
        stderr.contains("audit ledger has no such decision"),
        "{stderr}"
    );
    // The real decision, recorded in the ledger, counts.
    assert!(
        review(&r, &["accept", &id, "--reason", "expr is a constant"])
            .status
            .success()
    );
    assert_eq!(check(&r).0, 0);
}
