//! `guardrail scan`: whole-tree review with .gitignore, vendored/binary/size skips, config from
//! the tree, same reporters and exit codes as `check`.

use crate::common::{guardrail, TempRepo};

fn write(dir: &std::path::Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, content).expect("write");
}

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = guardrail(dir)
        .args(["scan", "--no-ledger", "--format", "json"])
        .args(extra)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (out.status.code(), v, stderr)
}

fn paths_rules(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_owned(),
                f["rule"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn scan_reviews_the_tree_and_skips_ignored_vendored_binary_and_large_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let risky = "def f(cur, name):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n";
    write(d, "app/db.py", risky);
    write(d, ".gitignore", "build/\n");
    write(d, "build/gen.py", risky);
    write(d, "node_modules/pkg/db.py", risky);
    write(d, "vendor/lib/db.py", risky);
    write(
        d,
        "static/app.min.js",
        "require('child_process').exec(`rm ${x}`)\n",
    );
    // A real binary (not a kind of file its tools read as text, like `.py`) is skipped.
    let mut bin = risky.as_bytes().to_vec();
    bin.push(0);
    write(d, "app/blob.pyc", bin);
    write(
        d,
        "app/big.py",
        format!("{risky}{}", "# padding\n".repeat(200)),
    );
    write(d, ".guardrail.yml", "limits:\n  max-file-bytes: 1000\n");
    write(
        d,
        "app/safe.py",
        "def f(cur, name):\n    cur.execute(\"SELECT 1 WHERE n = %s\", (name,))\n",
    );

    let (code, v, stderr) = scan_json(d, &[]);
    assert_eq!(code, Some(1), "{v} {stderr}");
    assert_eq!(
        paths_rules(&v),
        vec![(
            "app/db.py".to_owned(),
            "python-sql-string-built-query".to_owned()
        )],
        "{stderr}"
    );
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["verdict"], "block");
    assert!(
        stderr.contains("limits.max-file-bytes") && stderr.contains("app/big.py"),
        "{stderr}"
    );
    assert!(stderr.contains("1 binary"), "{stderr}");
    // No progress bar when stderr is not a terminal.
    assert!(!stderr.contains("scanning"), "{stderr}");

    // An explicit config and a single worker give the same findings; PATH may be given.
    let cfg = d.join("other.yml");
    std::fs::write(&cfg, "exclude: ['app/db.py']\n").expect("write");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let (code, v, _) = scan_json(
        elsewhere.path(),
        &[
            "--jobs",
            "1",
            "--config",
            &cfg.to_string_lossy(),
            &d.to_string_lossy(),
        ],
    );
    // app/big.py is now under the default limit, so it is scanned; app/db.py is excluded.
    assert_eq!(code, Some(1));
    assert_eq!(
        paths_rules(&v),
        vec![(
            "app/big.py".to_owned(),
            "python-sql-string-built-query".to_owned()
        )]
    );
}

#[test]
fn scan_honours_suppressions_present_in_the_tree() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write(
        d,
        "a.py",
        "y = eval(expr)  # nosemgrep: python-eval-exec-dynamic\n",
    );
    write(
        d,
        "b.py",
        "# guardrail-ignore: python-eval-exec-dynamic admin-only console\ny = eval(expr)\n",
    );
    let (code, v, stderr) = scan_json(d, &[]);
    assert_eq!((code, paths_rules(&v)), (Some(0), vec![]), "{stderr}");
    write(d, "c.py", "y = eval(expr)\n");
    let (code, v, _) = scan_json(d, &[]);
    assert_eq!(code, Some(3));
    assert_eq!(
        paths_rules(&v),
        vec![("c.py".to_owned(), "python-eval-exec-dynamic".to_owned())]
    );
}

#[test]
fn scan_sees_hidden_ci_files_and_respects_gitignore_in_a_repo() {
    let repo = TempRepo::new();
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -sSL https://example.com/install.sh | sh\n",
    );
    repo.write(".gitignore", "secret.env\n");
    repo.write(
        "secret.env",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE1\n",
    );
    repo.commit("init");
    let (code, v, stderr) = scan_json(repo.path(), &[]);
    let found = paths_rules(&v);
    assert!(
        found
            .iter()
            .any(|(p, r)| p == ".github/workflows/ci.yml" && r.contains("curl")),
        "{found:?} {stderr}"
    );
    assert!(!found.iter().any(|(p, _)| p == "secret.env"), "{found:?}");
    assert!(
        !found.iter().any(|(p, _)| p.starts_with(".git/")),
        "{found:?}"
    );
    assert!(code == Some(1) || code == Some(3), "{code:?}");
}

#[test]
fn scan_text_report_and_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "ok.py", "print('hello')\n");
    let out = guardrail(tmp.path())
        .args(["scan", "--no-ledger"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = guardrail(tmp.path())
        .args(["scan", "--no-ledger", "no-such-dir"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("guardrail: error: ") && stderr.contains("no-such-dir"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    write(tmp.path(), ".guardrail.yml", "limits:\n  bogus: 1\n");
    let out = guardrail(tmp.path())
        .args(["scan", "--no-ledger"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn scan_a_single_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "one.py", "y = eval(expr)\n");
    let (code, v, _) = scan_json(tmp.path(), &["one.py"]);
    assert_eq!(code, Some(3));
    assert_eq!(
        paths_rules(&v),
        vec![("one.py".to_owned(), "python-eval-exec-dynamic".to_owned())]
    );
}
