//! The only module that runs git (the `git` CLI as a subprocess): resolving revisions, producing
//! the change's diff, and reading files at the base or head revision.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::error::{Error, Result};

pub mod ledger_ref;

/// A git working tree.
#[derive(Debug, Clone)]
pub struct Repo {
    root: PathBuf,
}

/// Which side of a change a file is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rev {
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
            .args(["rev-parse", "--show-toplevel"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Git {
                args: "rev-parse --show-toplevel".into(),
                message: format!("cannot run git: {e}"),
            })?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "{}: not a git repository (use --diff FILE to check a plain diff)",
                dir.display()
            )));
        }
        let root = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Ok(Repo {
            root: PathBuf::from(root),
        })
    }

    /// A repository at a known root, without checking.
    pub fn at(root: impl Into<PathBuf>) -> Repo {
        Repo { root: root.into() }
    }

    /// The top-level directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs git with fixed output settings (no colour, no pager, C-quoted paths).
    pub fn raw(&self, args: &[&str]) -> Result<Output> {
        Command::new("git")
            .arg("-c")
            .arg("core.quotePath=true")
            .arg("-c")
            .arg("color.ui=false")
            .args(args)
            .current_dir(&self.root)
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
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        self.run_text(&["merge-base", a, b])
    }

    /// The base to use when none was given: what CI names, else the merge base with the
    /// remote's default branch.
    pub fn default_base(&self, head: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String> {
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

    fn diff_args() -> Vec<&'static str> {
        vec![
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
    pub fn diff(&self, base: &str, head: &str, limit: u64) -> Result<Vec<u8>> {
        let range = format!("{base}...{head}");
        let mut args = Self::diff_args();
        args.push(&range);
        args.push("--");
        self.run_limited(&args, limit)
    }

    /// The staged change (index against `HEAD`, or against the empty tree before the first
    /// commit), at most `limit` bytes.
    pub fn diff_staged(&self, limit: u64) -> Result<Vec<u8>> {
        let mut args = Self::diff_args();
        args.push("--cached");
        args.push("--");
        self.run_limited(&args, limit)
    }

    /// Runs git and reads at most `limit` bytes of stdout; when git produces more, it is killed
    /// and the result is [`Error::Limit`], so a huge change never sits in memory whole.
    pub fn run_limited(&self, args: &[&str], limit: u64) -> Result<Vec<u8>> {
        use std::io::Read;
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

    /// Whether the repository has a `HEAD` commit.
    pub fn has_head(&self) -> bool {
        self.resolve("HEAD").is_ok()
    }

    /// A file's bytes at `rev`, or None when it does not exist there.
    pub fn read_file(&self, rev: &Rev, path: &str) -> Result<Option<Vec<u8>>> {
        let spec = match rev {
            Rev::Commit(c) => format!("{c}:{path}"),
            Rev::Index => format!(":{path}"),
        };
        let out = self.raw(&["cat-file", "blob", &spec])?;
        if out.status.success() {
            return Ok(Some(out.stdout));
        }
        Ok(None)
    }

    /// The `origin` remote's URL, if any.
    pub fn remote_url(&self) -> Option<String> {
        self.run_text(&["remote", "get-url", "origin"]).ok()
    }

    /// Commit author emails/names and full messages of `base..head`, for provenance.
    pub fn commits(&self, base: &str, head: &str) -> Result<Vec<CommitInfo>> {
        let range = format!("{base}..{head}");
        let raw = self.run(&["log", "--format=%H%x00%an%x00%ae%x00%B%x1e", &range, "--"])?;
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
    pub fn current_branch(&self) -> Option<String> {
        self.run_text(&["symbolic-ref", "--quiet", "--short", "HEAD"])
            .ok()
    }

    /// The `.git` directory (absolute).
    pub fn git_dir(&self) -> Result<PathBuf> {
        let dir = self.run_text(&["rev-parse", "--absolute-git-dir"])?;
        Ok(PathBuf::from(dir))
    }
}

/// One commit of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Commit id.
    pub sha: String,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Full message, trailers included.
    pub message: String,
}

/// Clones `url` (depth 1) into `dest` for `guardrail db update` and returns the fetched commit.
pub fn clone_shallow(url: &str, dest: &Path) -> Result<String> {
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
