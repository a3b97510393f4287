//! Secrets never leak: every secret of the secrets pack fixtures (`rules/secrets/*.txt`, the
//! line after each `ruleid:` annotation) is committed in a change; every output format, the
//! summary file, the ledger, everything guardrail writes under `.git/guardrail/`, and every
//! request `check --publish github|gitlab` sends to a forge (wiremock fakes) are searched for
//! the full secret values: zero hits.

use std::path::Path;

use serde_json::Value;

use crate::common::{guardrail, root, TempRepo};

const FORMATS: [&str; 6] = [
    "text",
    "json",
    "sarif",
    "markdown",
    "gitlab-sast",
    "gitlab-dependency-scanning",
];

/// The annotated secret lines of the pack fixtures, and the secret-looking tokens in them.
fn secrets() -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut tokens = Vec::new();
    let dir = root().join("rules").join("secrets");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/secrets")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for f in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "yaml" && e != "yml"))
    {
        let text = std::fs::read_to_string(f).expect("fixture");
        let all: Vec<&str> = text.lines().collect();
        for (i, l) in all.iter().enumerate() {
            if !l.contains("ruleid:") {
                continue;
            }
            let Some(next) = all.get(i + 1) else { continue };
            lines.push((*next).to_owned());
            tokens.extend(secret_tokens(next));
        }
    }
    tokens.sort();
    tokens.dedup();
    (lines, tokens)
}

/// Tokens that look like credentials: long runs of key characters with digits and letters.
fn secret_tokens(line: &str) -> Vec<String> {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || "+/_-.~=".contains(c)))
        .map(|t| t.trim_matches(|c: char| c == '.' || c == '='))
        .filter(|t| t.len() >= 16)
        .filter(|t| {
            t.chars().filter(char::is_ascii_digit).count() >= 2
                && t.chars().any(|c| c.is_ascii_alphabetic())
        })
        .filter(|t| !t.contains(".com") && !t.contains("EXAMPLE") && !t.contains("example"))
        // Timestamps inside signed URLs (`se=2030-01-01T00…`) are not secret.
        .filter(|t| {
            !t.as_bytes().windows(5).any(|w| {
                w[0].is_ascii_digit() && w[4] == b'-' && w[1..4].iter().all(u8::is_ascii_digit)
            })
        })
        .map(str::to_owned)
        .collect()
}

/// The same secrets in a config-like file and in code.
fn secret_files(lines: &[String]) -> Vec<(String, String)> {
    vec![
        ("deploy/secrets.env".into(), lines.join("\n") + "\n"),
        (
            "app/settings.py".into(),
            lines
                .iter()
                .map(|l| format!("X = '''{l}'''"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n",
        ),
    ]
}

fn assert_no_secret(what: &str, haystack: &str, tokens: &[String]) {
    let hits: Vec<&String> = tokens
        .iter()
        .filter(|t| haystack.contains(t.as_str()))
        .collect();
    assert!(
        hits.is_empty(),
        "{what} leaks {} secret(s): {hits:?}",
        hits.len()
    );
}

fn walk_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn secret_values_never_appear_in_any_output() {
    let (lines, tokens) = secrets();
    assert!(
        lines.len() >= 40,
        "only {} annotated secret lines",
        lines.len()
    );
    assert!(
        tokens.len() >= 30,
        "only {} secret tokens: {tokens:?}",
        tokens.len()
    );

    let repo = TempRepo::new();
    repo.write("README.md", "x\n");
    repo.commit("base");
    for (path, content) in secret_files(&lines) {
        repo.write(&path, content);
    }
    repo.commit("add secrets");
    let ledger = repo.path().join("audit.jsonl");
    let summary = repo.path().join("summary.md");
    let mut secret_findings = 0;
    for fmt in FORMATS {
        let out = guardrail(repo.path())
            .args([
                "check",
                "--offline",
                "--base",
                "HEAD~1",
                "--head",
                "HEAD",
                "--format",
                fmt,
            ])
            .arg("--ledger")
            .arg(&ledger)
            .arg("--summary")
            .arg(&summary)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{fmt}: secrets must block\n{stderr}"
        );
        assert_no_secret(&format!("--format {fmt} stdout"), &stdout, &tokens);
        assert_no_secret(&format!("--format {fmt} stderr"), &stderr, &tokens);
        let s = std::fs::read_to_string(&summary).expect("summary written");
        assert_no_secret("--summary", &s, &tokens);
        if fmt == "json" {
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            secret_findings = v["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| f["kind"] == "secret")
                .count();
        }
    }
    // The test is only meaningful when the secrets were found (and so reported, redacted).
    assert!(
        secret_findings >= 40,
        "only {secret_findings} secret findings"
    );

    // --output file, scan, the ledger and everything under .git/guardrail.
    let out_file = repo.path().join("report.sarif");
    guardrail(repo.path())
        .args([
            "check",
            "--offline",
            "--no-ledger",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--format",
            "sarif",
            "--output",
        ])
        .arg(&out_file)
        .assert()
        .code(1);
    assert_no_secret(
        "--output file",
        &std::fs::read_to_string(&out_file).expect("report"),
        &tokens,
    );
    for fmt in FORMATS {
        let out = guardrail(repo.path())
            .args(["scan", "--no-ledger", "--format", fmt, "."])
            .output()
            .expect("scan");
        assert_no_secret(
            &format!("scan --format {fmt}"),
            &String::from_utf8_lossy(&out.stdout),
            &tokens,
        );
        assert_no_secret(
            &format!("scan --format {fmt} stderr"),
            &String::from_utf8_lossy(&out.stderr),
            &tokens,
        );
    }
    let ledger_text = std::fs::read_to_string(&ledger).expect("ledger written");
    assert!(ledger_text.lines().count() >= FORMATS.len());
    assert_no_secret("ledger", &ledger_text, &tokens);
    let shown = guardrail(repo.path())
        .args(["ledger", "show", "--ledger"])
        .arg(&ledger)
        .output()
        .expect("show");
    assert_no_secret(
        "ledger show",
        &String::from_utf8_lossy(&shown.stdout),
        &tokens,
    );
    let review = guardrail(repo.path())
        .args(["review", "list"])
        .output()
        .expect("review list");
    assert_no_secret(
        "review list",
        &String::from_utf8_lossy(&review.stdout),
        &tokens,
    );
    let mut written = Vec::new();
    walk_files(&repo.path().join(".git").join("guardrail"), &mut written);
    for f in written {
        let bytes = std::fs::read(&f).expect("read");
        assert_no_secret(
            &f.display().to_string(),
            &String::from_utf8_lossy(&bytes),
            &tokens,
        );
    }
}

fn json_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// What a request sends besides its headers (the token): path, decoded query, the raw body
/// and, for JSON bodies, every string decoded (an escaped secret is still a leak).
fn request_text(r: &wiremock::Request) -> String {
    let mut s = format!("{} {}\n", r.method, r.url.path());
    for (k, v) in r.url.query_pairs() {
        s.push_str(&format!("{k}={v}\n"));
    }
    s.push_str(&String::from_utf8_lossy(&r.body));
    s.push('\n');
    if let Ok(v) = serde_json::from_slice::<Value>(&r.body) {
        json_strings(&v, &mut s);
    }
    s
}

fn secret_fingerprints(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "secret")
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect()
}

/// The findings reached the forge: every secret finding's inline comment or discussion (by its
/// marker) and redacted snippets. Without this the zero-hit check could pass on empty bodies.
fn assert_published_redacted(forge: &str, sent: &str, fps: &[String]) {
    assert!(
        fps.len() >= 40,
        "{forge}: only {} secret findings",
        fps.len()
    );
    for fp in fps {
        assert!(
            sent.contains(&format!("<!-- guardrail:fingerprint={fp} -->")),
            "{forge}: no comment for secret finding {fp}"
        );
    }
    let masks = sent.matches("****[redacted]").count();
    assert!(
        masks >= fps.len(),
        "{forge}: only {masks} redacted snippets for {} secret findings",
        fps.len()
    );
}

#[test]
fn secret_values_never_reach_forge_request_bodies() {
    let (lines, tokens) = secrets();
    assert!(tokens.len() >= 30, "only {} secret tokens", tokens.len());
    let files = secret_files(&lines);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();

    let gh = crate::forge_github::Env::with_files(&files);
    let (code, report, stderr) = gh.run();
    assert_eq!(code, 1, "GitHub: secrets must block\n{stderr}");
    assert_no_secret("GitHub run stderr", &stderr, &tokens);
    let sent: String = gh.received().iter().map(request_text).collect();
    assert_no_secret("requests to the GitHub API", &sent, &tokens);
    assert_published_redacted("GitHub", &sent, &secret_fingerprints(&report));

    let gl = crate::forge_gitlab::Env::with_files(&files);
    let (code, report, stderr) = gl.run();
    assert_eq!(code, 1, "GitLab: secrets must block\n{stderr}");
    assert_no_secret("GitLab run stderr", &stderr, &tokens);
    let sent: String = gl.received().iter().map(request_text).collect();
    assert_no_secret("requests to the GitLab API", &sent, &tokens);
    assert_published_redacted("GitLab", &sent, &secret_fingerprints(&report));
}

#[test]
fn secret_token_heuristic_finds_the_fixture_keys() {
    let t = secret_tokens("aws_secret_access_key = 3dBzwqHVVX363HcCF78Y97o/UjYp7RNmxNyHaYV9");
    assert_eq!(
        t,
        vec!["3dBzwqHVVX363HcCF78Y97o/UjYp7RNmxNyHaYV9".to_owned()]
    );
    assert!(secret_tokens("aws_access_key_id = os.environ[\"AWS_ACCESS_KEY_ID\"]").is_empty());
    assert!(secret_tokens("?sv=2022&se=2030-01-01T00:00Z").is_empty());
}

/// Issue 16 item 14: secrets that reach a finding's text by another way than the secret rule
/// that found them: (a) the snippet of *another* finding on the same line, (b) a message
/// quoting a credentialed index URL, (c) the gate-edit finding quoting the first added line
/// of guardrail's own config. Every output format, the summary, the ledger, the local queue
/// and every forge request body: zero hits.
#[test]
fn secrets_reaching_other_findings_text_never_leak() {
    const TOKEN_A: &str = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    const PASSWORD_B: &str = "s3cr3tPassw0rd99xQ";
    const TOKEN_C: &str = "ghp_Zq9x81LmN4bT7vR2cW5yK0pD3sF6hJ8gA1eU";
    let tokens: Vec<String> = [TOKEN_A, PASSWORD_B, TOKEN_C]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let files: Vec<(String, String)> = vec![
        (
            "app/client.py".into(),
            format!("import requests\n\ndef get(u):\n    return requests.get(u, verify=False, headers={{\"Authorization\": \"token {TOKEN_A}\"}})\n"),
        ),
        (
            "requirements.txt".into(),
            format!("--extra-index-url https://deploy:{PASSWORD_B}@pypi.internal.example/simple\nflask==3.0.3\n"),
        ),
        (
            ".guardrail.yml".into(),
            format!("github-token: {TOKEN_C}\nexclude: ['app/**']\n"),
        ),
    ];
    let repo = TempRepo::new();
    repo.write("README.md", "x\n");
    repo.commit("base");
    for (p, c) in &files {
        repo.write(p, c);
    }
    repo.commit("three paths");
    let ledger = repo.path().join("audit.jsonl");
    let summary = repo.path().join("summary.md");
    let mut rules = Vec::new();
    for fmt in FORMATS {
        let out = guardrail(repo.path())
            .args(["check", "--offline", "--base", "HEAD~1", "--format", fmt])
            .arg("--ledger")
            .arg(&ledger)
            .arg("--summary")
            .arg(&summary)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret(&format!("--format {fmt}"), &stdout, &tokens);
        assert_no_secret(
            &format!("--format {fmt} stderr"),
            &String::from_utf8_lossy(&out.stderr),
            &tokens,
        );
        assert_no_secret(
            "--summary",
            &std::fs::read_to_string(&summary).expect("summary"),
            &tokens,
        );
        if fmt == "json" {
            let v: Value = serde_json::from_str(&stdout).expect("json");
            rules = v["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(|f| {
                    format!(
                        "{}@{}",
                        f["rule"].as_str().unwrap_or(""),
                        f["path"].as_str().unwrap_or("")
                    )
                })
                .collect();
        }
    }
    // The three paths were really taken: the findings that quote the secrets exist.
    for want in [
        "@app/client.py",
        "python-extra-index-url@requirements.txt",
        "guardrail-config-edited@.guardrail.yml",
    ] {
        assert!(rules.iter().any(|r| r.contains(want)), "{want}: {rules:?}");
    }
    assert!(
        rules
            .iter()
            .filter(|r| r.ends_with("@app/client.py"))
            .count()
            >= 2,
        "a secret and a non-secret finding on the same line: {rules:?}"
    );
    assert_no_secret(
        "ledger",
        &std::fs::read_to_string(&ledger).expect("ledger"),
        &tokens,
    );
    let mut written = Vec::new();
    walk_files(&repo.path().join(".git").join("guardrail"), &mut written);
    assert!(!written.is_empty(), "the local queue was written");
    for f in written {
        let bytes = std::fs::read(&f).expect("read");
        assert_no_secret(
            &f.display().to_string(),
            &String::from_utf8_lossy(&bytes),
            &tokens,
        );
    }
    let listed = guardrail(repo.path())
        .args(["review", "list", "--all", "--json"])
        .output()
        .expect("review list");
    assert_no_secret(
        "review list",
        &String::from_utf8_lossy(&listed.stdout),
        &tokens,
    );

    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let gh = crate::forge_github::Env::with_files(&files);
    let (code, _, stderr) = gh.run();
    assert_eq!(code, 1, "{stderr}");
    let sent: String = gh.received().iter().map(request_text).collect();
    assert!(
        sent.contains("verify=False") || sent.contains("verify"),
        "the findings were posted"
    );
    assert_no_secret("requests to the GitHub API", &sent, &tokens);
    let gl = crate::forge_gitlab::Env::with_files(&files);
    let (code, _, stderr) = gl.run();
    assert_eq!(code, 1, "{stderr}");
    let sent: String = gl.received().iter().map(request_text).collect();
    assert_no_secret("requests to the GitLab API", &sent, &tokens);
}
