//! Git plumbing for a ledger kept as commits on a dedicated ref (`git:refs/guardrail/ledger`):
//! writing blobs, trees and commits without touching the index or the working tree, moving the
//! ref with compare-and-swap, and fetching / pushing it to a remote with a lease.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Repo, Rev};
use crate::error::{Error, Result};

/// The remote a git-ref ledger is shared through.
pub(crate) const REMOTE: &str = "origin";

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Push {
    /// The remote ref now points at our commit.
    Done,
    /// The remote refused (it moved, or a concurrent push held the lock); retry from its tip.
    Rejected(String),
}

fn git_err(args: &str, message: impl Into<String>) -> Error {
    Error::Git {
        args: args.into(),
        message: message.into(),
    }
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("failed")
        .to_owned()
}

/// The commit `refname` points at, if it exists.
pub(crate) fn tip(repo: &Repo, refname: &str) -> Result<Option<String>> {
    let spec = format!("{refname}^{{commit}}");
    let out = repo.raw(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &spec,
    ])?;
    if out.status.success() {
        Ok(Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()))
    } else {
        Ok(None)
    }
}

/// A file of `commit`'s tree, if present.
pub(crate) fn read_blob(repo: &Repo, commit: &str, name: &str) -> Result<Option<Vec<u8>>> {
    repo.read_file(&Rev::Commit(commit.to_owned()), name)
}

static TMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Stores `bytes` as an object of `kind` (via a temporary file in the git dir: the git
/// runner has no stdin) and returns its id.
fn hash_object(repo: &Repo, dir: &std::path::Path, kind: &str, bytes: &[u8]) -> Result<String> {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp: PathBuf = dir.join(format!("guardrail-ledger-{}-{n}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    let path = tmp.to_string_lossy().into_owned();
    let res = repo.run(&["hash-object", "-t", kind, "-w", "--", &path]);
    let _ = std::fs::remove_file(&tmp);
    Ok(String::from_utf8_lossy(&res?).trim().to_owned())
}

/// Commits a tree holding exactly `files` (name, content; flat, regular files) on top of
/// `parent`, and returns the commit id. The ref is not moved.
pub(crate) fn commit_files(
    repo: &Repo,
    parent: Option<&str>,
    files: &[(&str, &[u8])],
    message: &str,
) -> Result<String> {
    let dir = repo.git_dir()?;
    let mut entries = Vec::new();
    for (name, content) in files {
        if name.is_empty() || name.contains('/') || name.contains('\0') {
            return Err(Error::Usage(format!(
                "invalid file name `{name}` for a ledger tree"
            )));
        }
        let oid = hash_object(repo, &dir, "blob", content)?;
        let raw = hex::decode(&oid)
            .map_err(|_| git_err("hash-object", format!("unexpected object id `{oid}`")))?;
        entries.push((name.to_string(), raw));
    }
    // Tree entries are sorted by name (flat regular files: plain byte order).
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut tree = Vec::new();
    for (name, raw) in &entries {
        tree.extend_from_slice(b"100644 ");
        tree.extend_from_slice(name.as_bytes());
        tree.push(0);
        tree.extend_from_slice(raw);
    }
    let tree_id = hash_object(repo, &dir, "tree", &tree)?;
    let mut args = vec![
        "-c",
        "user.name=guardrail",
        "-c",
        "user.email=guardrail@localhost",
        "commit-tree",
        "--no-gpg-sign",
        &tree_id,
    ];
    if let Some(p) = parent {
        args.push("-p");
        args.push(p);
    }
    args.push("-m");
    args.push(message);
    Ok(String::from_utf8_lossy(&repo.run(&args)?).trim().to_owned())
}

/// Moves `refname` to `new` if it still points at `old` (`None`: if it does not exist).
/// `Ok(false)` when it moved meanwhile.
pub(crate) fn update_ref_cas(
    repo: &Repo,
    refname: &str,
    new: &str,
    old: Option<&str>,
) -> Result<bool> {
    let out = repo.raw(&[
        "update-ref",
        "-m",
        "guardrail ledger",
        refname,
        new,
        old.unwrap_or(""),
    ])?;
    if out.status.success() {
        return Ok(true);
    }
    let msg = String::from_utf8_lossy(&out.stderr);
    if msg.contains("cannot lock ref")
        || msg.contains("but expected")
        || msg.contains("already exists")
    {
        return Ok(false);
    }
    Err(git_err(
        &format!("update-ref {refname}"),
        first_line(&out.stderr),
    ))
}

/// Whether the repository has remote `name`.
pub(crate) fn has_remote(repo: &Repo, name: &str) -> bool {
    repo.raw(&["remote", "get-url", name])
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Whether commit `a` is an ancestor of (or equal to) `b`.
pub(crate) fn is_ancestor(repo: &Repo, a: &str, b: &str) -> Result<bool> {
    let out = repo.raw(&["merge-base", "--is-ancestor", a, b])?;
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(git_err("merge-base --is-ancestor", first_line(&out.stderr))),
    }
}

fn has_commit(repo: &Repo, id: &str) -> Result<bool> {
    let spec = format!("{id}^{{commit}}");
    Ok(repo.raw(&["cat-file", "-e", &spec])?.status.success())
}

/// The remote's tip of `refname` (None: the remote has no such ref), with its objects fetched.
pub(crate) fn fetch_tip(repo: &Repo, remote: &str, refname: &str) -> Result<Option<String>> {
    for _ in 0..5 {
        let listing = repo.run(&["ls-remote", remote, refname])?;
        let text = String::from_utf8_lossy(&listing);
        let Some(id) = text.lines().find_map(|l| {
            let (id, name) = l.split_once('\t')?;
            (name.trim() == refname).then(|| id.trim().to_owned())
        }) else {
            return Ok(None);
        };
        if has_commit(repo, &id)? {
            return Ok(Some(id));
        }
        repo.run(&[
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            remote,
            refname,
        ])?;
        if has_commit(repo, &id)? {
            return Ok(Some(id));
        }
        // The remote moved between listing and fetching (and our fetch got a newer tip
        // without the listed one, e.g. after a forced update): list again.
    }
    Err(git_err(
        &format!("fetch {remote} {refname}"),
        "the remote ref keeps changing; giving up",
    ))
}

/// Pushes `new` to `remote`'s `refname` only if the remote still has `expected` there
/// (`None`: only if the remote has no such ref). Hooks are skipped: this is bookkeeping,
/// not a change to review.
pub(crate) fn push_cas(
    repo: &Repo,
    remote: &str,
    refname: &str,
    new: &str,
    expected: Option<&str>,
) -> Result<Push> {
    let lease = format!("--force-with-lease={refname}:{}", expected.unwrap_or(""));
    let spec = format!("{new}:{refname}");
    let out = repo.raw(&[
        "push",
        "--porcelain",
        "--no-verify",
        "--quiet",
        &lease,
        remote,
        &spec,
    ])?;
    if out.status.success() {
        return Ok(Push::Done);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(line) = stdout.lines().find(|l| l.starts_with('!')) {
        return Ok(Push::Rejected(
            line.split('\t')
                .next_back()
                .unwrap_or(line)
                .trim()
                .to_owned(),
        ));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("stale info")
        || stderr.contains("rejected")
        || stderr.contains("cannot lock ref")
    {
        return Ok(Push::Rejected(first_line(&out.stderr)));
    }
    Err(git_err(
        &format!("push {remote} {refname}"),
        first_line(&out.stderr),
    ))
}

/// The first commit of `refname` (oldest first, following first parents) whose `files` are not
/// an append to its parent's, with what is wrong; None when the whole history only appends.
/// A ref moved forward onto a rewritten ledger (even one whose hash chain verifies) is
/// caught here: its commit removes or changes lines of the parent's ledger. Merge commits are
/// refused: the ledger's writers never make them.
pub(crate) fn first_non_append(
    repo: &Repo,
    refname: &str,
    files: &[&str],
) -> Result<Option<String>> {
    let merges = repo.run(&["rev-list", "--min-parents=2", "--end-of-options", refname])?;
    if let Some(m) = String::from_utf8_lossy(&merges).lines().next() {
        return Ok(Some(format!(
            "commit {m} is a merge; ledger commits extend one parent"
        )));
    }
    let mut args = vec![
        "-c",
        "core.attributesFile=/dev/null",
        "log",
        "--first-parent",
        "--reverse",
        "--format=guardrail-ledger-commit %H",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--text",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--end-of-options",
        refname,
        "--",
    ];
    args.extend_from_slice(files);
    let out = repo.run(&args)?;
    let mut lines_in: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for chunk in split_commits(&out) {
        let (commit, diff) = chunk;
        let set = crate::diff::parse(diff).map_err(|e| {
            git_err(
                &format!("log {refname}"),
                format!("commit {commit}: unreadable diff ({e})"),
            )
        })?;
        for f in &set.files {
            let name = f.path().to_owned();
            let have = lines_in.get(&name).copied().unwrap_or(0);
            if f.new_path.is_none() || !f.removed.is_empty() {
                return Ok(Some(format!(
                    "commit {commit} removes or rewrites lines of `{name}` that its parent had (the ref was moved onto a rewritten ledger)"
                )));
            }
            let mut total = have;
            for h in &f.hunks {
                if h.old_len != 0 || h.old_start != have {
                    return Ok(Some(format!(
                        "commit {commit} inserts lines into `{name}` before its end (line {})",
                        h.old_start.saturating_add(1)
                    )));
                }
                total = total.saturating_add(h.new_len);
            }
            lines_in.insert(name, total);
        }
    }
    Ok(None)
}

/// `git log` output split at the commit markers: (commit id, its diff).
fn split_commits(out: &[u8]) -> Vec<(String, &[u8])> {
    const MARK: &[u8] = b"guardrail-ledger-commit ";
    let mut starts: Vec<usize> = Vec::new();
    let mut pos = 0;
    while pos < out.len() {
        if out[pos..].starts_with(MARK) {
            starts.push(pos);
        }
        pos = memchr::memchr(b'\n', &out[pos..]).map_or(out.len(), |i| pos + i + 1);
    }
    let mut res = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(out.len());
        let line_end = memchr::memchr(b'\n', &out[s..end]).map_or(end, |i| s + i + 1);
        let id = String::from_utf8_lossy(&out[s + MARK.len()..line_end])
            .trim()
            .to_owned();
        res.push((id, &out[line_end..end]));
    }
    res
}
