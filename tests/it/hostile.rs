//! Hostile input: every file of `fixtures/hostile/` (and huge inputs generated here, never
//! committed) goes through the command that reads it. Each run must end within a time bound,
//! below a peak-RSS bound, with exit 2 and one `guardrail: error:` line naming the file, or be
//! handled (exit 0/1/3) — never a panic, a hang, or a corrupted ledger. The fuzz corpora are
//! replayed through the library parsers here too, so every committed crash input stays a
//! regression test on stable.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{root, TempRepo};

/// Wall-clock bound for one child (debug build, 2 shared cores).
const TIMEOUT: Duration = Duration::from_secs(60);
/// Peak resident memory bound for one child.
const MAX_RSS_KB: u64 = 1024 * 1024;

/// What a bounded child run produced.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak RSS in KiB (`VmHWM`, polled), None where /proc is not available.
    peak_kb: Option<u64>,
    what: String,
}

fn hostile() -> PathBuf {
    root().join("fixtures").join("hostile")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("guardrail")
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `guardrail ARGS` in `dir`, killing it after [`TIMEOUT`], polling its peak RSS.
fn run_in(dir: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Run {
    let what = format!(
        "guardrail {}",
        args.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .env_remove("GUARDRAIL_DB_DIR")
        .env_remove("GUARDRAIL_LEDGER")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn guardrail");
    let pid = child.id();
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut peak: Option<u64> = None;
    let status = loop {
        if let Some(kb) = vm_hwm(pid) {
            peak = Some(peak.unwrap_or(0).max(kb));
        }
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {TIMEOUT:?} (hang?)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().expect("stdout thread")).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().expect("stderr thread")).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed,
        peak_kb: peak,
        what,
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run_in(dir, &a, &[])
}

impl Run {
    /// Exit 0/1/2/3, no panic, inside the time and memory bounds; exit 2 prints exactly one
    /// error line (mentioning `names` when given) and nothing on stdout.
    fn sane(&self, names: Option<&str>) -> &Self {
        let ctx = format!(
            "{}\nexit {}\nstderr: {}\nstdout: {}",
            self.what,
            self.code,
            self.stderr,
            clip(&self.stdout)
        );
        assert!(!self.stderr.contains("panicked"), "panic: {ctx}");
        assert!([0, 1, 2, 3].contains(&self.code), "unexpected exit: {ctx}");
        assert!(
            self.elapsed < TIMEOUT,
            "too slow ({:?}): {ctx}",
            self.elapsed
        );
        if let Some(kb) = self.peak_kb {
            assert!(
                kb < MAX_RSS_KB,
                "peak RSS {kb} KiB over {MAX_RSS_KB}: {ctx}"
            );
        }
        if self.code == 2 {
            let errors: Vec<&str> = self
                .stderr
                .lines()
                .filter(|l| l.starts_with("guardrail: error:"))
                .collect();
            assert_eq!(
                errors.len(),
                1,
                "exit 2 needs exactly one error line: {ctx}"
            );
            if let Some(n) = names {
                assert!(
                    errors[0].contains(n),
                    "error line does not name `{n}`: {ctx}"
                );
            }
            assert!(
                self.stdout.is_empty(),
                "exit 2 with output on stdout: {ctx}"
            );
        }
        self
    }

    fn code(&self, expected: &[i32]) -> &Self {
        assert!(
            expected.contains(&self.code),
            "{}: exit {} not in {expected:?}\nstderr: {}",
            self.what,
            self.code,
            self.stderr
        );
        self
    }
}

fn clip(s: &str) -> &str {
    let mut end = s.len().min(2000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

const SMALL_DIFF: &str =
    "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -0,0 +1 @@\n+eval(x)\n";

#[test]
fn hostile_corpus_has_at_least_40_files() {
    let mut n = 0;
    let mut stack = vec![hostile()];
    while let Some(d) = stack.pop() {
        for p in files(&d) {
            if p.is_dir() {
                stack.push(p);
            } else if name_of(&p) != "make.py" && name_of(&p) != "README.md" {
                n += 1;
            }
        }
    }
    assert!(n >= 40, "only {n} hostile fixtures");
}

#[test]
fn hostile_diffs() {
    let tmp = tempfile::tempdir().expect("tmp");
    for f in files(&hostile().join("diff")) {
        let name = name_of(&f);
        let r = run(
            tmp.path(),
            &[
                "check",
                "--offline",
                "--no-ledger",
                "--format",
                "json",
                "--diff",
                f.to_str().expect("utf-8"),
            ],
        );
        r.sane(Some(&name));
        match name.as_str() {
            // Lying or impossible hunk counts are errors with the diff's line.
            "counts-lie-overflow.diff"
            | "counts-lie-short.diff"
            | "claims-1e9-lines.diff"
            | "count-over-u32.diff"
            | "negative-count.diff"
            | "hunk-before-header.diff"
            | "hunk-header-garbage.diff"
            | "binary-garbage.diff" => {
                r.code(&[2]);
                assert!(
                    r.stderr.contains(&format!("{name}:")),
                    "{name}: no line number: {}",
                    r.stderr
                );
            }
            "empty.diff" | "headers-only.diff" => {
                r.code(&[0]);
            }
            // Issue 16: changes that hide from the gate are seen, and say how they hide.
            "lone-cr-lines.diff" => {
                r.code(&[2]);
                assert!(r.stderr.contains("lone CR"), "{name}: {}", r.stderr);
            }
            "trojan-source-bidi.diff"
            | "nfkc-fullwidth-python.diff"
            | "nfkc-math-letters.diff"
            | "nul-in-js-comment.diff"
            | "nul-in-requirements.diff"
            | "gitattributes-hides-code.diff"
            | "npm-resolved-other-package.diff"
            | "suppression-above-new-code.diff" => {
                let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
                let rules: Vec<&str> = v["findings"]
                    .as_array()
                    .expect("findings")
                    .iter()
                    .filter_map(|f| f["rule"].as_str())
                    .collect();
                let want = match name.as_str() {
                    "trojan-source-bidi.diff" => "bidi-control-character",
                    "nfkc-fullwidth-python.diff" | "nfkc-math-letters.diff" => {
                        "identifier-folds-to-ascii"
                    }
                    "nul-in-js-comment.diff" | "nul-in-requirements.diff" => "nul-byte-in-source",
                    "gitattributes-hides-code.diff" => "gitattributes-hides-diff",
                    "npm-resolved-other-package.diff" => "npm-resolved-other-package",
                    _ => "python-shell-true-subprocess",
                };
                assert!(rules.contains(&want), "{name}: {rules:?}");
                if name != "gitattributes-hides-code.diff" {
                    r.code(&[1, 3]);
                }
            }
            "secret-in-other-finding.diff" | "credentialed-index-url.diff" => {
                r.code(&[1, 3]);
                for secret in ["16C7e42F292c6912E7710c838347Ae178B4a", "s3cr3tPassw0rd99xQ"] {
                    assert!(!r.stdout.contains(secret), "{name} leaks: {}", r.stdout);
                }
            }
            // Findings on odd paths and content are still reported, as valid JSON.
            "nul-bytes.diff"
            | "invalid-utf8-content.diff"
            | "invalid-utf8-path.diff"
            | "ansi-escape-path.diff" => {
                r.code(&[1, 3]);
                let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
                assert!(
                    !v["findings"].as_array().expect("findings").is_empty(),
                    "{name}: {}",
                    r.stdout
                );
            }
            _ => {}
        }
        if r.code != 2 {
            serde_json::from_str::<serde_json::Value>(&r.stdout)
                .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", r.stdout));
        }
    }
}

#[test]
fn hostile_diff_paths_never_reach_the_terminal_raw() {
    let tmp = tempfile::tempdir().expect("tmp");
    let f = hostile().join("diff").join("ansi-escape-path.diff");
    let r = run(
        tmp.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--format",
            "text",
            "--diff",
            f.to_str().expect("utf-8"),
        ],
    );
    r.sane(None);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'),
        "raw ESC printed: {:?}",
        r.stdout
    );
}

#[test]
fn hostile_configs_are_one_line_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("small.diff"), SMALL_DIFF).expect("write");
    for f in files(&hostile().join("config")) {
        let name = name_of(&f);
        let r = run(
            tmp.path(),
            &[
                "check",
                "--offline",
                "--no-ledger",
                "--diff",
                "small.diff",
                "--config",
                f.to_str().expect("utf-8"),
            ],
        );
        r.sane(Some(&name)).code(&[2]);
    }
}

#[test]
fn hostile_rule_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("small.diff"), SMALL_DIFF).expect("write");
    for f in files(&hostile().join("rules")) {
        let name = name_of(&f);
        let r = run(
            tmp.path(),
            &[
                "check",
                "--offline",
                "--no-ledger",
                "--diff",
                "small.diff",
                "--rules",
                f.to_str().expect("utf-8"),
            ],
        );
        r.sane(Some(&name));
        match name.as_str() {
            "huge-repetition.yaml" | "unicode-class-blowup.yaml" => {
                r.code(&[2]);
                assert!(r.stderr.contains("size limit"), "{name}: {}", r.stderr);
            }
            "lookaround.yaml" => {
                r.code(&[2]);
                assert!(r.stderr.contains("rule `look`"), "{name}: {}", r.stderr);
            }
            "billion-laughs-metadata.yaml"
            | "billion-laughs-toplevel.yaml"
            | "deep-flow-nesting.yaml"
            | "null-rules.yaml"
            | "invalid-utf8.yaml"
            | "duplicate-ids.yaml" => {
                r.code(&[2]);
            }
            // The regex crate is linear: backtracking bombs compile and run in bounded time.
            "catastrophic-backtracking.yaml" | "many-alternatives.yaml" => {
                r.code(&[0, 1, 3]);
            }
            _ => {}
        }
    }
}

#[test]
fn catastrophic_regexes_run_linearly_over_a_long_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    // 200 KB of `a` without the final `b` / `@` the patterns need: exponential for a backtracker.
    let line = "a".repeat(200_000);
    std::fs::write(
        tmp.path().join("big.diff"),
        format!("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -0,0 +1 @@\n+{line}\n"),
    )
    .expect("write");
    let f = hostile()
        .join("rules")
        .join("catastrophic-backtracking.yaml");
    let r = run(
        tmp.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--diff",
            "big.diff",
            "--rules",
            f.to_str().expect("utf-8"),
        ],
    );
    r.sane(None).code(&[0, 1, 3]);
    assert!(r.elapsed < Duration::from_secs(30), "{:?}", r.elapsed);
}

#[test]
fn many_rules_compile_in_bounded_time() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("small.diff"), SMALL_DIFF).expect("write");
    let mut text = String::from("rules:\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "  - id: r{i}\n    languages: [python]\n    severity: WARNING\n    message: m\n    pattern-regex: 'tok{i}_[a-z]+\\('\n"
        ));
    }
    std::fs::write(tmp.path().join("many.yaml"), text).expect("write");
    run(
        tmp.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--diff",
            "small.diff",
            "--rules",
            "many.yaml",
        ],
    )
    .sane(Some("many.yaml"))
    .code(&[0, 1, 2, 3]);
}

/// A repository whose head commit adds `name` with `content` (base: an empty commit).
fn repo_adding(name: &str, content: &[u8]) -> TempRepo {
    let r = TempRepo::new();
    r.commit("base");
    r.write(name, content);
    r.commit("head");
    r
}

#[test]
fn hostile_lockfiles_in_a_repository_and_as_a_diff() {
    for case in files(&hostile().join("lockfiles")) {
        for f in files(&case) {
            let name = name_of(&f);
            let bytes = std::fs::read(&f).expect("read");
            let repo = repo_adding(&name, &bytes);
            let r = run(
                repo.path(),
                &[
                    "check",
                    "--offline",
                    "--no-ledger",
                    "--base",
                    "HEAD~1",
                    "--head",
                    "HEAD",
                ],
            );
            r.sane(Some(&name));
            // The same change as a plain diff (fragment parsing, no repository).
            let diff = repo.git(&["diff", "HEAD~1", "HEAD"]);
            let tmp = tempfile::tempdir().expect("tmp");
            std::fs::write(tmp.path().join("c.diff"), format!("{diff}\n")).expect("write");
            run(
                tmp.path(),
                &["check", "--offline", "--no-ledger", "--diff", "c.diff"],
            )
            .sane(Some("c.diff"));
        }
    }
}

#[test]
fn package_lock_nested_100k_deep() {
    let deep = format!(
        "{{\"lockfileVersion\": 1, \"dependencies\": {}{}}}\n",
        "{\"x\": {\"version\": \"1.0.0\", \"dependencies\": ".repeat(100_000),
        "}}".repeat(100_000)
    );
    let repo = repo_adding("package-lock.json", deep.as_bytes());
    run(
        repo.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
        ],
    )
    .sane(Some("package-lock.json"))
    .code(&[2]);
    let diff = repo.git(&["diff", "HEAD~1", "HEAD"]);
    std::fs::write(repo.path().join("c.diff"), format!("{diff}\n")).expect("write");
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::copy(repo.path().join("c.diff"), tmp.path().join("c.diff")).expect("copy");
    run(
        tmp.path(),
        &["check", "--offline", "--no-ledger", "--diff", "c.diff"],
    )
    .sane(Some("c.diff"));
}

fn cargo_lock(entries: u32) -> String {
    let mut text = String::from("version = 3\n\n");
    for i in 0..entries {
        text.push_str(&format!(
            "[[package]]\nname = \"p{i}\"\nversion = \"1.0.{}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n",
            i % 100
        ));
    }
    text
}

#[test]
fn cargo_lock_with_a_million_entries_hits_the_file_limit_fast() {
    let repo = repo_adding("Cargo.lock", cargo_lock(1_000_000).as_bytes());
    // ~100 MB added: over limits.max-file-bytes (16 MiB): a one-line error, before any parsing.
    let r = run(
        repo.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
        ],
    );
    r.sane(Some("Cargo.lock")).code(&[2]);
    assert!(r.stderr.contains("max-file-bytes"), "{}", r.stderr);
}

#[test]
fn cargo_lock_with_100k_entries_under_the_default_limit_is_parsed_in_bounds() {
    // ~10 MB, under the default 16 MiB: parsed in full at both revisions and as a diff.
    let repo = repo_adding("Cargo.lock", cargo_lock(100_000).as_bytes());
    let r = run(
        repo.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
        ],
    );
    r.sane(Some("Cargo.lock")).code(&[0, 1, 3]);
    eprintln!(
        "1e5-entry Cargo.lock: {:?}, peak {:?} KiB",
        r.elapsed, r.peak_kb
    );
}

#[test]
fn cargo_lock_with_100k_versions_of_one_crate_is_parsed_in_bounds() {
    // Issue 16 item 15: pairing base and head versions of one name was quadratic.
    let mut text = String::from("version = 3\n\n");
    for i in 0..100_000u32 {
        text.push_str(&format!(
            "[[package]]\nname = \"p\"\nversion = \"1.{}.{}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n",
            i / 1000,
            i % 1000
        ));
    }
    let repo = repo_adding("Cargo.lock", text.as_bytes());
    let r = run(
        repo.path(),
        &[
            "check",
            "--offline",
            "--no-ledger",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
        ],
    );
    r.sane(Some("Cargo.lock")).code(&[0, 1, 3]);
    eprintln!("1e5 versions of one crate: {:?}", r.elapsed);
}

/// A file of `size` bytes: `head`, then zeros (sparse: no disk or time spent on the zeros).
fn sparse_file(path: &Path, head: &[u8], size: u64) {
    let mut f = std::fs::File::create(path).expect("create");
    f.write_all(head).expect("write");
    f.set_len(size).expect("set_len");
}

#[test]
fn gigabyte_lineless_added_file_in_a_diff_hits_the_limit_fast() {
    let tmp = tempfile::tempdir().expect("tmp");
    let p = tmp.path().join("huge.diff");
    sparse_file(&p, b"diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1 @@\n+", 1 << 30);
    let r = run(
        tmp.path(),
        &["check", "--offline", "--no-ledger", "--diff", "huge.diff"],
    );
    r.sane(Some("huge.diff")).code(&[2]);
    assert!(r.stderr.contains("max-diff-bytes"), "{}", r.stderr);
    // Reading stops at the limit (256 MiB by default): memory stays well under the input size.
    if let Some(kb) = r.peak_kb {
        assert!(kb < 700 * 1024, "peak {kb} KiB");
    }
    // The same from standard input.
    let f = std::fs::File::open(&p).expect("open");
    let start = Instant::now();
    let out = Command::new(bin())
        .args(["check", "--offline", "--no-ledger", "--diff", "-"])
        .current_dir(tmp.path())
        .stdin(f)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>"));
    assert!(start.elapsed() < TIMEOUT);
}

#[test]
fn gigabyte_file_in_a_scanned_tree_is_skipped_without_reading() {
    let tmp = tempfile::tempdir().expect("tmp");
    sparse_file(&tmp.path().join("big.py"), b"eval(x)\n", 1 << 30);
    std::fs::write(
        tmp.path().join("small.py"),
        "import os\nos.system(input())\n",
    )
    .expect("write");
    let r = run(
        tmp.path(),
        &["scan", "--format", "json", "--no-ledger", "."],
    );
    r.sane(None).code(&[0, 1, 3]);
    assert!(r.stderr.contains("max-file-bytes"), "{}", r.stderr);
    if let Some(kb) = r.peak_kb {
        assert!(kb < 300 * 1024, "peak {kb} KiB: the big file was read");
    }
}

#[cfg(unix)]
#[test]
fn scan_does_not_follow_symlinks_out_of_the_tree() {
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("evil.py"),
        "eval(input())\nos.system(input())\n",
    )
    .expect("write");
    std::fs::create_dir(outside.path().join("dir")).expect("mkdir");
    std::fs::write(
        outside.path().join("dir").join("evil2.py"),
        "eval(input())\n",
    )
    .expect("write");
    let tree = tempfile::tempdir().expect("tmp");
    std::fs::write(tree.path().join("ok.py"), "print('hi')\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("evil.py"), tree.path().join("link.py"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("dir"), tree.path().join("linkdir"))
        .expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", tree.path().join("passwd.py")).expect("symlink");
    std::os::unix::fs::symlink(tree.path(), tree.path().join("loop")).expect("symlink");
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--no-ledger", "."],
    );
    r.sane(None).code(&[0]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        r.stdout
    );
    // Control: the same file inside the tree is found.
    std::fs::copy(outside.path().join("evil.py"), tree.path().join("real.py")).expect("copy");
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--no-ledger", "."],
    );
    r.sane(None);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"real.py"), "{paths:?}");
    assert!(paths.iter().all(|p| *p == "real.py"), "{paths:?}");
}

#[test]
fn hostile_advisory_files_never_break_the_database() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db");
    let good = tmp.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"id":"GHSA-p6mc-m468-83gw","modified":"2020-07-15T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.19"}]}]}]}"#,
    )
    .expect("write");
    let db_s = db.to_str().expect("utf-8");
    run(
        tmp.path(),
        &["db", "import", "--db", db_s, good.to_str().expect("utf-8")],
    )
    .sane(None)
    .code(&[0]);
    for f in files(&hostile().join("advisories")) {
        let name = name_of(&f);
        run(
            tmp.path(),
            &["db", "import", "--db", db_s, f.to_str().expect("utf-8")],
        )
        .sane(Some(&name));
        let st = run(tmp.path(), &["db", "status", "--db", db_s]);
        st.sane(None).code(&[0]);
        assert!(
            st.stdout.contains("npm") || st.stderr.contains("npm"),
            "{name} lost the good record: {}{}",
            st.stdout,
            st.stderr
        );
    }
}

#[test]
fn hostile_ledgers_are_reported_not_trusted() {
    let tmp = tempfile::tempdir().expect("tmp");
    for f in files(&hostile().join("ledger")) {
        let name = name_of(&f);
        let r = run(
            tmp.path(),
            &["ledger", "verify", "--ledger", f.to_str().expect("utf-8")],
        );
        r.sane(Some(&name)).code(&[1, 2]);
        assert!(
            r.stderr.contains(&name) || r.stdout.contains(&name),
            "{name}: {}{}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
fn hostile_runs_never_corrupt_the_ledger() {
    let repo = TempRepo::new();
    repo.commit("base");
    let ledger = repo.path().join("audit.jsonl");
    let l = ledger.to_str().expect("utf-8");
    let small = repo.path().join("small.diff");
    std::fs::write(&small, SMALL_DIFF).expect("write");
    let s = small.to_str().expect("utf-8");
    let first = run(
        repo.path(),
        &["check", "--offline", "--diff", s, "--ledger", l],
    );
    first.sane(None).code(&[0, 1, 3]);
    let mut recorded = 1;
    let mut inputs: Vec<Vec<String>> = Vec::new();
    for f in files(&hostile().join("diff")) {
        inputs.push(vec!["--diff".into(), f.to_string_lossy().into_owned()]);
    }
    for f in files(&hostile().join("config")) {
        inputs.push(vec![
            "--diff".into(),
            s.into(),
            "--config".into(),
            f.to_string_lossy().into_owned(),
        ]);
    }
    for f in files(&hostile().join("rules")) {
        inputs.push(vec![
            "--diff".into(),
            s.into(),
            "--rules".into(),
            f.to_string_lossy().into_owned(),
        ]);
    }
    for extra in &inputs {
        let mut args = vec!["check", "--offline", "--ledger", l];
        args.extend(extra.iter().map(String::as_str));
        let r = run(repo.path(), &args);
        r.sane(None);
        if r.code != 2 {
            recorded += 1;
        }
    }
    let v = run(repo.path(), &["ledger", "verify", "--ledger", l]);
    v.sane(None).code(&[0]);
    let lines = std::fs::read_to_string(&ledger)
        .expect("ledger")
        .lines()
        .count();
    assert_eq!(
        lines, recorded,
        "one entry per completed run, none for errors"
    );
}

/// Feeds one input to the parser a fuzz target covers (the same calls as `fuzz/fuzz_targets/`).
fn feed(target: &str, data: &[u8]) {
    use guardrail::deps::{self, Format, Text};
    let text = std::str::from_utf8(data).ok();
    match target {
        "diff" => {
            let _ = guardrail::diff::parse(data);
        }
        "config" => {
            let _ = guardrail::config::Config::parse(data, Path::new(".guardrail.yml"));
        }
        "rules" => {
            if let Some(t) = text {
                let src = guardrail::rules::Source {
                    path: "fuzz.yaml".into(),
                    text: t.to_owned(),
                };
                if let Ok(set) = guardrail::rules::RuleSet::compile(&[src]) {
                    let hits = set.prefilter(t);
                    for rule in set.for_path("a.py") {
                        let _ = set.matches(rule, t, &hits);
                    }
                }
            }
        }
        "osv_json" => {
            let _ = guardrail::advisory::osv::from_json(data);
        }
        "osv_yaml" => {
            if let Some(t) = text {
                let _ = guardrail::advisory::osv::from_yaml(t);
            }
        }
        "rustsec" => {
            if let Some(t) = text {
                let _ = guardrail::advisory::rustsec::parse(t);
            }
        }
        "advisory_import" => {
            if let Some((&sel, rest)) = data.split_first() {
                let name = [
                    "all.jsonl",
                    "all.jsonl.gz",
                    "GHSA-x.json",
                    "PYSEC-1.yaml",
                    "crates/x/RUSTSEC-2020-0001.md",
                ][usize::from(sel % 5)];
                let mut c = guardrail::advisory::import::Collector::default();
                let _ = c.file(name, rest, "fuzz");
            }
        }
        "ledger" => {
            let (l, c) = match data.iter().position(|&b| b == 0xff) {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &[][..]),
            };
            let snap = guardrail::ledger::store::Snapshot {
                ledger: l.to_vec(),
                checkpoints: c.to_vec(),
            };
            let _ = guardrail::ledger::verify::verify(&snap, &[]);
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
                let _ = guardrail::ledger::proof::check(&v);
            }
        }
        t if t.starts_with("deps_") => {
            let format = match &t[5..] {
                "cargo_toml" => Format::CargoToml,
                "cargo_lock" => Format::CargoLock,
                "package_json" => Format::PackageJson,
                "package_lock" => Format::PackageLock,
                "yarn_lock" => Format::YarnLock,
                "pnpm_lock" => Format::PnpmLock,
                "requirements" => Format::Requirements,
                "pyproject" => Format::Pyproject,
                "poetry_lock" => Format::PoetryLock,
                "pipfile_lock" => Format::PipfileLock,
                "uv_lock" => Format::UvLock,
                "go_mod" => Format::GoMod,
                "go_sum" => Format::GoSum,
                "setup_cfg" => Format::SetupCfg,
                "setup_py" => Format::SetupPy,
                "conda_env" => Format::CondaEnv,
                "build_gradle" => Format::BuildGradle,
                "nuget_xml" => Format::NugetXml,
                "nuget_lock" => Format::NugetLock,
                "composer_lock" => Format::ComposerLock,
                "composer_json" => Format::ComposerJson,
                "gemfile_lock" => Format::GemfileLock,
                "gemfile" => Format::Gemfile,
                "gradle_catalog" => Format::GradleCatalog,
                "gradle_lock" => Format::GradleLock,
                "pom_xml" => Format::PomXml,
                "github_actions" => Format::GitHubActions,
                other => panic!("fuzz corpus for unknown parser {other}"),
            };
            if let Some(t) = text {
                let _ = deps::parse(format, &Text::whole(t), "f");
                let frag: Vec<(u32, &str)> = t
                    .lines()
                    .enumerate()
                    .step_by(2)
                    .map(|(i, l)| (i as u32 + 1, l))
                    .collect();
                let _ = deps::parse(format, &Text::fragment(frag), "f");
            }
        }
        "package_caches" => {
            use guardrail::checks::yanked::{go, npm, versions_in_cache};
            if let Some((&sel, rest)) = data.split_first() {
                match sel % 3 {
                    0 => {
                        let _ = versions_in_cache(rest);
                    }
                    1 => {
                        let key = npm::packument_key("https://registry.npmjs.org", "left-pad");
                        if let Some(i) = npm::newest_integrity(rest, &key) {
                            let _ = npm::content_path(Path::new("/c"), &i);
                        }
                    }
                    _ => {
                        let text = String::from_utf8_lossy(rest);
                        let rs = go::retractions(&text);
                        let _ = go::retracted(&rs, "v1.0.0");
                        let _ = go::latest(&text);
                        let _ = go::latest_from_info(rest);
                        let _ = go::escape(&text);
                    }
                }
            }
        }
        other => panic!("fuzz corpus for unknown target {other}"),
    }
}

/// Every committed fuzz corpus file goes through its parser in-process (stable toolchain), so
/// crash inputs that libFuzzer saved stay regression tests.
#[test]
fn fuzz_corpora_replay_without_panics() {
    let corpus = root().join("fuzz").join("corpus");
    let mut n = 0;
    for dir in files(&corpus) {
        let target = name_of(&dir);
        for f in files(&dir) {
            feed(&target, &std::fs::read(&f).expect("read"));
            n += 1;
        }
    }
    assert!(n > 100, "only {n} corpus files");
}

/// xorshift64*: a tiny deterministic generator for the mutation loop.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random mutation: byte flips, interesting bytes, deletions, duplications, splices.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    const INTERESTING: &[&[u8]] = &[
        b"\n",
        b"\x00",
        b"\xff",
        b"\"",
        b"{",
        b"[",
        b"@@ -1,1 +1,1 @@\n",
        b"4294967295",
        b"-1",
        b"&a ",
        b"*a",
        b"\\",
    ];
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let ins = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                data.splice(i..i, ins.iter().copied());
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(64)).min(len);
                data.drain(i..j);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(128)).min(len);
                let chunk: Vec<u8> = data[i..j].to_vec();
                data.splice(i..i, chunk);
            }
            4 if !other.is_empty() => {
                let i = rng.below(len + 1);
                let a = rng.below(other.len());
                let b = (a + 1 + rng.below(256)).min(other.len());
                data.splice(i..i, other[a..b].iter().copied());
            }
            _ if len > 0 => data.truncate(rng.below(len)),
            _ => data.push(rng.next() as u8),
        }
    }
    data.truncate(16 * 1024);
}

/// Stable-toolchain fuzzing without coverage guidance: random mutations of the committed
/// corpora through every parser. A panic saves the input under `fuzz/artifacts/stable-<target>/`.
/// `GUARDRAIL_FUZZ_ITERS` per target (default 2,000), or `GUARDRAIL_FUZZ_SECONDS` per target
/// instead; `GUARDRAIL_FUZZ_SEED` to vary.
#[test]
#[ignore = "long: run with GUARDRAIL_FUZZ_ITERS=N cargo test --release --test it -- --ignored mutation_fuzz"]
fn mutation_fuzz_corpora() {
    let iters: usize = std::env::var("GUARDRAIL_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let seed: u64 = std::env::var("GUARDRAIL_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let budget = std::env::var("GUARDRAIL_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs);
    let corpus = root().join("fuzz").join("corpus");
    let mut rng = Rng(seed | 1);
    let mut total = 0;
    for dir in files(&corpus) {
        let target = name_of(&dir);
        let seeds: Vec<Vec<u8>> = files(&dir)
            .iter()
            .map(|f| std::fs::read(f).expect("read"))
            .collect();
        if seeds.is_empty() {
            continue;
        }
        let start = Instant::now();
        let mut done = 0;
        while budget.map_or(done < iters, |b| start.elapsed() < b) {
            done += 1;
            let mut data = seeds[rng.below(seeds.len())].clone();
            let other = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, &mut data, other);
            let t = target.clone();
            let input = data.clone();
            if std::panic::catch_unwind(move || feed(&t, &input)).is_err() {
                let out = root()
                    .join("fuzz")
                    .join("artifacts")
                    .join(format!("stable-{target}"));
                std::fs::create_dir_all(&out).expect("mkdir");
                let p = out.join(format!("crash-{:016x}", rng.next()));
                std::fs::write(&p, data).expect("write");
                panic!(
                    "{target}: panic on a mutated input, saved to {}",
                    p.display()
                );
            }
        }
        total += done;
        eprintln!(
            "mutation fuzz: {target}: {done} executions in {:?}",
            start.elapsed()
        );
    }
    eprintln!("mutation fuzz: {total} executions in total");
}
