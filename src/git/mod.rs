//! The only module that runs git (the `git` CLI as a subprocess): resolving revisions, producing
//! the change's diff, and reading files at the base or head revision.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{Error, Result};

pub(crate) mod ledger_ref;

/// A git working tree.
///
/// File reads go through one long-running `git cat-file --batch` shared by the clones of a
/// `Repo`: a check reads the config, rule files and every changed manifest at two revisions,
/// and one process per read was most of a small change's wall time.
#[derive(Clone)]
pub struct Repo {
    root: PathBuf,
    git_dir: Arc<OnceLock<PathBuf>>,
    batch: Arc<Mutex<Option<Batch>>>,
    prefetched: Arc<Mutex<Vec<Prefetch>>>,
}

/// A git command started ahead of need (see [`Repo::prefetch`]).
struct Prefetch {
    args: Vec<String>,
    handle: std::thread::JoinHandle<Result<Output>>,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("root", &self.root).finish()
    }
}

/// A running `git cat-file --batch`.
struct Batch {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Batch {
    fn drop(&mut self) {
        // After an error it may be mid-object, so it is killed rather than asked to finish;
        // reaped so no zombie outlives the repo handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `cat-file --batch` said about one object.
enum BatchReply {
    Blob(Vec<u8>),
    /// Missing, ambiguous, or not a blob (a tree, a submodule commit).
    NotAFile,
}

impl Batch {
    fn start(root: &Path) -> std::io::Result<Batch> {
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(root)
            .env("GIT_PAGER", "cat")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("git cat-file --batch: no pipes"));
        };
        Ok(Batch {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// One request. Any protocol surprise is an error; the caller then drops the process and
    /// falls back to one `git cat-file` per read.
    fn get(&mut self, spec: &str) -> std::io::Result<BatchReply> {
        let bad = |m: &str| std::io::Error::other(format!("git cat-file --batch: {m}"));
        self.stdin.write_all(spec.as_bytes())?;
        self.stdin.write_all(b"\n")?;
        self.stdin.flush()?;
        let mut header = Vec::new();
        self.stdout.read_until(b'\n', &mut header)?;
        if header.last() != Some(&b'\n') {
            return Err(bad("truncated reply"));
        }
        header.pop();
        let header = String::from_utf8_lossy(&header);
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            return Ok(BatchReply::NotAFile);
        }
        // "<oid> <type> <size>"
        let mut parts = header.rsplitn(3, ' ');
        let size: u64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad header"))?;
        let kind = parts.next().ok_or_else(|| bad("bad header"))?.to_owned();
        let mut body = Vec::new();
        (&mut self.stdout)
            .take(size.saturating_add(1))
            .read_to_end(&mut body)?;
        if body.len() as u64 != size.saturating_add(1) || body.last() != Some(&b'\n') {
            return Err(bad("truncated object"));
        }
        body.pop();
        Ok(if kind == "blob" {
            BatchReply::Blob(body)
        } else {
            BatchReply::NotAFile
        })
    }
}

/// What [`Repo::discover_resolving`] found.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The repository.
    pub(crate) repo: Repo,
    /// The first revision's commit id.
    pub(crate) a: String,
    /// The second revision's commit id.
    pub(crate) b: String,
    /// Their single merge base, when git named exactly one.
    pub(crate) merge_base: Option<String>,
}

/// Which side of a change a file is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rev {
    /// A commit.
    Commit(String),
    /// The index (`--staged` head side).
    Index,
}

fn describe(args: &[&str]) -> String {
    args.join(" ")
}

impl Repo {
    /// The repository containing `dir`; an error that says so when there is none.
    pub fn discover(dir: &Path) -> Result<Repo> {
        let out = Command::new("git")
            .args(["rev-parse", "--show-toplevel", "--absolute-git-dir"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Git {
                args: "rev-parse --show-toplevel --absolute-git-dir".into(),
                message: format!("cannot run git: {e}"),
            })?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "{}: not a git repository (use --diff FILE to check a plain diff)",
                dir.display()
            )));
        }
        // Both are absolute paths, one per line; a path holding a newline cannot be told
        // apart, so then the git dir is asked for again when needed.
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        let repo = Repo::at(lines.first().copied().unwrap_or_default());
        if lines.len() == 2 {
            let _ = repo.git_dir.set(PathBuf::from(lines[1]));
        }
        Ok(repo)
    }

    /// [`Repo::discover`], [`Repo::resolve`] of `a` and `b`, and their merge base, asked
    /// of one git process (each process start is a few milliseconds of a check). Any failure
    /// is retried the long way, so the errors are theirs. The merge base is None when git gives
    /// none or several (criss-cross history): ask [`Repo::merge_base`] then.
    pub(crate) fn discover_resolving(dir: &Path, a: &str, b: &str) -> Result<Resolved> {
        if !a.starts_with('-') && !b.starts_with('-') {
            let (sa, sb) = (format!("{a}^{{commit}}"), format!("{b}^{{commit}}"));
            // `B...A` prints A, B and `^` before each merge base.
            let range = format!("{sb}...{sa}");
            let out = Command::new("git")
                .args([
                    "rev-parse",
                    "--show-toplevel",
                    "--absolute-git-dir",
                    "--revs-only",
                    "--end-of-options",
                    &sa,
                    &sb,
                    &range,
                    "--",
                ])
                .current_dir(dir)
                .env("LC_ALL", "C")
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output();
            if let Some(out) = out.ok().filter(|o| o.status.success()) {
                let text = String::from_utf8_lossy(&out.stdout);
                let lines: Vec<&str> = text.lines().collect();
                if let [root, git_dir, ia, ib, ra, rb, ref bases @ ..] = lines[..] {
                    let bases: Vec<&str> =
                        bases.iter().filter_map(|l| l.strip_prefix('^')).collect();
                    if is_object_id(ia)
                        && is_object_id(ib)
                        && (ra, rb) == (ia, ib)
                        && bases.iter().all(|m| is_object_id(m))
                    {
                        let repo = Repo::at(root);
                        let _ = repo.git_dir.set(PathBuf::from(git_dir));
                        return Ok(Resolved {
                            repo,
                            a: ia.to_owned(),
                            b: ib.to_owned(),
                            merge_base: match bases[..] {
                                [one] => Some(one.to_owned()),
                                _ => None,
                            },
                        });
                    }
                }
            }
        }
        let repo = Repo::discover(dir)?;
        let (ia, ib) = (repo.resolve(a)?, repo.resolve(b)?);
        Ok(Resolved {
            repo,
            a: ia,
            b: ib,
            merge_base: None,
        })
    }

    /// Starts the file reader (`git cat-file --batch`) now, so its start-up overlaps other work.
    pub(crate) fn start_reader(&self) {
        if let Ok(mut guard) = self.batch.lock() {
            if guard.is_none() {
                *guard = Batch::start(&self.root).ok();
            }
        }
    }

    /// A repository at a known root, without checking.
    pub(crate) fn at(root: impl Into<PathBuf>) -> Repo {
        Repo {
            root: root.into(),
            git_dir: Arc::new(OnceLock::new()),
            batch: Arc::new(Mutex::new(None)),
            prefetched: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The top-level directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts `git ARGS` on another thread; the next [`Repo::raw`] (or [`Repo::run`]) with the
    /// same arguments takes its result instead of starting git again. For commands whose answer
    /// is certainly wanted later, so their process start overlaps the checks.
    pub(crate) fn prefetch(&self, args: &[&str]) {
        let owned: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let (root, thread_args) = (self.root.clone(), owned.clone());
        let handle = std::thread::spawn(move || {
            let args: Vec<&str> = thread_args.iter().map(String::as_str).collect();
            raw_at(&root, &args)
        });
        if let Ok(mut p) = self.prefetched.lock() {
            p.push(Prefetch {
                args: owned,
                handle,
            });
        }
    }

    /// Runs git with fixed output settings (no colour, no pager, C-quoted paths).
    pub(crate) fn raw(&self, args: &[&str]) -> Result<Output> {
        let ready = self.prefetched.lock().ok().and_then(|mut p| {
            let i = p.iter().position(|f| f.args.iter().eq(args.iter()))?;
            Some(p.swap_remove(i))
        });
        if let Some(Ok(result)) = ready.map(|f| f.handle.join()) {
            return result;
        }
        raw_at(&self.root, args)
    }

    /// Runs git and returns stdout, or an error carrying git's own message.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>> {
        let out = self.raw(args)?;
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr);
            let first = msg
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("failed")
                .trim()
                .to_owned();
            return Err(Error::Git {
                args: describe(args),
                message: first,
            });
        }
        Ok(out.stdout)
    }

    fn run_text(&self, args: &[&str]) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.run(args)?).trim().to_owned())
    }

    /// The full commit id of `rev`, or an error naming the unknown revision.
    pub fn resolve(&self, rev: &str) -> Result<String> {
        if rev.starts_with('-') {
            return Err(Error::Usage(format!("invalid revision `{rev}`")));
        }
        let spec = format!("{rev}^{{commit}}");
        let out = self.raw(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "unknown revision `{rev}` in {}",
                self.root.display()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// The merge base of two commits.
    pub(crate) fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        self.run_text(&["merge-base", a, b])
    }

    /// The base to use when none was given: what CI names, else the merge base with the
    /// remote's default branch.
    pub(crate) fn default_base(
        &self,
        head: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String> {
        if let Some(sha) = env("CI_MERGE_REQUEST_DIFF_BASE_SHA").filter(|s| !s.is_empty()) {
            return self.resolve(&sha);
        }
        if let Some(branch) = env("GITHUB_BASE_REF").filter(|s| !s.is_empty()) {
            for candidate in [format!("origin/{branch}"), branch.clone()] {
                if let Ok(sha) = self.resolve(&candidate) {
                    return self.merge_base(&sha, head);
                }
            }
            return Err(Error::Usage(format!(
                "GITHUB_BASE_REF={branch} but neither origin/{branch} nor {branch} exists: fetch it or pass --base"
            )));
        }
        let out = self.raw(&["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])?;
        if out.status.success() {
            let target = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            let sha = self.resolve(&target)?;
            return self.merge_base(&sha, head);
        }
        Err(Error::Usage(
            "no base revision: pass --base REV (no GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA or origin/HEAD found)"
                .into(),
        ))
    }

    /// The diff options every change is read with. The repository's own attributes are
    /// neutralised (read from the empty tree): a change cannot add `*.py -diff` or
    /// `Cargo.lock binary` to `.gitattributes` and so turn its own code into "binary files
    /// differ"; no textconv, no external diff driver.
    fn diff_args() -> Vec<&'static str> {
        vec![
            ATTR_SOURCE_EMPTY,
            "-c",
            "core.attributesFile=/dev/null",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--unified=3",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ]
    }

    /// `git diff BASE...HEAD` as bytes, at most `limit` bytes (more is [`Error::Limit`]).
    pub(crate) fn diff(&self, base: &str, head: &str, limit: u64) -> Result<Vec<u8>> {
        let range = format!("{base}...{head}");
        self.diff_with(&[&range], limit)
    }

    /// The staged change (index against `HEAD`, or against the empty tree before the first
    /// commit), at most `limit` bytes.
    pub(crate) fn diff_staged(&self, limit: u64) -> Result<Vec<u8>> {
        self.diff_with(&["--cached"], limit)
    }

    /// Runs the diff with `extra` arguments, then diffs again as text (`--text`) the files git
    /// still called binary (a NUL byte) whose kind is always text to the tools that run them
    /// ([`crate::diff::is_text_kind`]: source, scripts, manifests, lockfiles, workflows), and
    /// puts those sections in place of the "Binary files differ" ones. Real binaries stay
    /// skipped, so an image in a change does not inflate the diff.
    fn diff_with(&self, extra: &[&str], limit: u64) -> Result<Vec<u8>> {
        let mut args = Self::diff_args();
        args.extend_from_slice(extra);
        args.push("--");
        let first = match self.run_limited(&args, limit) {
            // git before 2.40 has no `--attr-source`: read everything as text instead, which
            // ignores `-diff`/`binary` just the same (at the cost of real binaries' bytes).
            Err(Error::Git { message, .. }) if message.contains("attr-source") => {
                let mut args: Vec<&str> = Self::diff_args()
                    .into_iter()
                    .filter(|a| *a != ATTR_SOURCE_EMPTY)
                    .collect();
                args.push("--text");
                args.extend_from_slice(extra);
                args.push("--");
                return self.run_limited(&args, limit);
            }
            other => other?,
        };
        let sections = split_sections(&first);
        let text_paths: Vec<String> = sections
            .iter()
            .filter_map(|s| binary_text_kind_path(s))
            .flatten()
            .collect();
        if text_paths.is_empty() {
            return Ok(first);
        }
        let mut args = Self::diff_args();
        args.push("--text");
        args.extend_from_slice(extra);
        args.push("--");
        let literal: Vec<String> = text_paths
            .iter()
            .map(|p| format!(":(literal){p}"))
            .collect();
        args.extend(literal.iter().map(String::as_str));
        let again = self.run_limited(&args, limit)?;
        let replacements = split_sections(&again);
        let mut out = Vec::with_capacity(first.len() + again.len());
        for s in sections {
            let header = s.split(|&b| b == b'\n').next().unwrap_or_default();
            let swap = binary_text_kind_path(s).and_then(|_| {
                replacements
                    .iter()
                    .find(|r| r.split(|&b| b == b'\n').next() == Some(header))
            });
            out.extend_from_slice(swap.copied().unwrap_or(s));
        }
        if out.len() as u64 > limit {
            return Err(Error::Limit {
                path: PathBuf::from(format!("git {}", describe(&args))),
                message: format!("the diff is larger than {limit} bytes (limits.max-diff-bytes)"),
            });
        }
        Ok(out)
    }

    /// Runs git and reads at most `limit` bytes of stdout; when git produces more, it is killed
    /// and the result is [`Error::Limit`], so a huge change never sits in memory whole.
    pub(crate) fn run_limited(&self, args: &[&str], limit: u64) -> Result<Vec<u8>> {
        let mut child = Command::new("git")
            .arg("-c")
            .arg("core.quotePath=true")
            .args(args)
            .current_dir(&self.root)
            .env("GIT_PAGER", "cat")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Git {
                args: describe(args),
                message: format!("cannot run git: {e}"),
            })?;
        let mut buf = Vec::new();
        let read = match child.stdout.take() {
            Some(out) => out.take(limit.saturating_add(1)).read_to_end(&mut buf),
            None => Ok(0),
        };
        if buf.len() as u64 > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::Limit {
                path: PathBuf::from(format!("git {}", describe(args))),
                message: format!("the diff is larger than {limit} bytes (limits.max-diff-bytes)"),
            });
        }
        let mut stderr = Vec::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_end(&mut stderr);
        }
        let status = child.wait().map_err(|e| Error::Git {
            args: describe(args),
            message: e.to_string(),
        })?;
        read.map_err(|e| Error::Git {
            args: describe(args),
            message: e.to_string(),
        })?;
        if !status.success() {
            let msg = String::from_utf8_lossy(&stderr);
            return Err(Error::Git {
                args: describe(args),
                message: msg
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("failed")
                    .trim()
                    .to_owned(),
            });
        }
        Ok(buf)
    }

    /// A file's bytes at `rev`, or None when it does not exist there (or is a directory or a
    /// submodule).
    pub(crate) fn read_file(&self, rev: &Rev, path: &str) -> Result<Option<Vec<u8>>> {
        let spec = match rev {
            Rev::Commit(c) => format!("{c}:{path}"),
            Rev::Index => format!(":{path}"),
        };
        // The batch protocol is line-based: a name with a line break goes the slow way.
        if !spec.contains(['\n', '\r']) {
            if let Ok(mut guard) = self.batch.lock() {
                if guard.is_none() {
                    *guard = Batch::start(&self.root).ok();
                }
                if let Some(batch) = guard.as_mut() {
                    match batch.get(&spec) {
                        Ok(BatchReply::Blob(bytes)) => return Ok(Some(bytes)),
                        Ok(BatchReply::NotAFile) => return Ok(None),
                        // A dead or confused process: forget it and read this file alone.
                        Err(_) => *guard = None,
                    }
                }
            }
        }
        let out = self.raw(&["cat-file", "blob", &spec])?;
        if out.status.success() {
            return Ok(Some(out.stdout));
        }
        Ok(None)
    }

    const REMOTE_URL: [&'static str; 3] = ["remote", "get-url", "origin"];

    /// The `origin` remote's URL, if any.
    pub fn remote_url(&self) -> Option<String> {
        self.run_text(&Self::REMOTE_URL).ok()
    }

    /// Starts [`Repo::remote_url`]'s git command in the background.
    pub fn prefetch_remote_url(&self) {
        self.prefetch(&Self::REMOTE_URL);
    }

    fn commits_args(range: &str) -> [&str; 4] {
        ["log", "--format=%H%x00%an%x00%ae%x00%B%x1e", range, "--"]
    }

    /// Starts [`Repo::commits`]' git command in the background.
    pub(crate) fn prefetch_commits(&self, base: &str, head: &str) {
        let range = format!("{base}..{head}");
        self.prefetch(&Self::commits_args(&range));
    }

    /// Commit author emails/names and full messages of `base..head`, for provenance.
    pub(crate) fn commits(&self, base: &str, head: &str) -> Result<Vec<CommitInfo>> {
        let range = format!("{base}..{head}");
        let raw = self.run(&Self::commits_args(&range))?;
        let text = String::from_utf8_lossy(&raw);
        Ok(text
            .split('\x1e')
            .filter_map(|rec| {
                let rec = rec.trim_start_matches('\n');
                let mut parts = rec.splitn(4, '\0');
                let sha = parts.next()?.to_owned();
                if sha.is_empty() {
                    return None;
                }
                Some(CommitInfo {
                    sha,
                    author_name: parts.next().unwrap_or_default().to_owned(),
                    author_email: parts.next().unwrap_or_default().to_owned(),
                    message: parts.next().unwrap_or_default().to_owned(),
                })
            })
            .collect())
    }

    /// The current branch name, if on one.
    pub(crate) fn current_branch(&self) -> Option<String> {
        // `HEAD` is a one-line file in the usual (files) ref backend: reading it saves a process.
        // Anything else (reftable's placeholder, a packed or odd HEAD) asks git.
        if let Some(head) = self
            .git_dir
            .get()
            .and_then(|d| std::fs::read_to_string(d.join("HEAD")).ok())
        {
            let head = head.trim_end_matches(['\n', '\r']);
            if let Some(branch) = head.strip_prefix("ref: refs/heads/") {
                if !branch.is_empty() && branch != ".invalid" && !branch.contains('\n') {
                    return Some(branch.to_owned());
                }
            } else if is_object_id(head) {
                return None;
            }
        }
        self.run_text(&["symbolic-ref", "--quiet", "--short", "HEAD"])
            .ok()
    }

    /// The `.git` directory (absolute).
    pub(crate) fn git_dir(&self) -> Result<PathBuf> {
        if let Some(d) = self.git_dir.get() {
            return Ok(d.clone());
        }
        let dir = PathBuf::from(self.run_text(&["rev-parse", "--absolute-git-dir"])?);
        let _ = self.git_dir.set(dir.clone());
        Ok(dir)
    }
}

/// A full SHA-1 or SHA-256 object id.
/// `--attr-source` naming the empty tree (git knows it without it being stored): attributes
/// come from nowhere, whatever `.gitattributes` the checkout or the change holds.
const ATTR_SOURCE_EMPTY: &str = "--attr-source=4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// A git diff split into its per-file sections (each starting with `diff --git `; text before
/// the first one is a section of its own).
fn split_sections(diff: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < diff.len() {
        let end = memchr::memchr(b'\n', &diff[pos..]).map_or(diff.len(), |i| pos + i + 1);
        if pos > start && diff[pos..end].starts_with(b"diff --git ") {
            out.push(&diff[start..pos]);
            start = pos;
        }
        pos = end;
    }
    if start < diff.len() {
        out.push(&diff[start..]);
    }
    out
}

/// The base and head paths of a section git showed as "Binary files … differ" when that path
/// is of a kind that is always text; None otherwise.
fn binary_text_kind_path(section: &[u8]) -> Option<Vec<String>> {
    if !section.starts_with(b"diff --git ") {
        return None;
    }
    let binary = section
        .split(|&b| b == b'\n')
        .take_while(|l| !l.starts_with(b"@@ "))
        .any(|l| l.starts_with(b"Binary files "));
    if !binary {
        return None;
    }
    let parsed = crate::diff::parse(section).ok()?;
    let f = parsed.files.first()?;
    let paths: Vec<String> = [f.old_path.as_deref(), f.new_path.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    // Both sides, so a rename is still found as one; a path with a newline cannot be given
    // back to git as a pathspec.
    (paths.iter().any(|p| crate::diff::is_text_kind(p)) && !paths.iter().any(|p| p.contains('\n')))
        .then_some(paths)
}

fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// [`Repo::raw`] without the prefetch look-up.
fn raw_at(root: &Path, args: &[&str]) -> Result<Output> {
    Command::new("git")
        .arg("-c")
        .arg("core.quotePath=true")
        .arg("-c")
        .arg("color.ui=false")
        .args(args)
        .current_dir(root)
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Git {
            args: describe(args),
            message: format!("cannot run git: {e}"),
        })
}

/// One commit of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitInfo {
    /// Commit id.
    pub(crate) sha: String,
    /// Author name.
    pub(crate) author_name: String,
    /// Author email.
    pub(crate) author_email: String,
    /// Full message, trailers included.
    pub(crate) message: String,
}

/// Clones `url` (depth 1) into `dest` for `guardrail db update` and returns the fetched commit.
pub(crate) fn clone_shallow(url: &str, dest: &Path) -> Result<String> {
    let dest_s = dest.to_string_lossy().into_owned();
    let args = [
        "clone",
        "--quiet",
        "--depth",
        "1",
        "--",
        url,
        dest_s.as_str(),
    ];
    let out = Command::new("git")
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Git {
            args: describe(&args),
            message: format!("cannot run git: {e}"),
        })?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Git {
            args: describe(&args),
            message: msg
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("failed")
                .trim()
                .to_owned(),
        });
    }
    Repo::at(dest).resolve("HEAD")
}

#[cfg(test)]
mod tests;
