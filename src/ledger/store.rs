//! Where a ledger lives: a file (appends under an exclusive lock on a sidecar `.lock` file, one
//! `O_APPEND` write of whole lines, then fsync), or commits on a git ref whose tree holds
//! `ledger.jsonl` and `checkpoints` (updated with compare-and-swap, pushed to `origin` and
//! retried on conflict by re-chaining the new entries onto the remote tip).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::chain::{self, Hash};
use crate::error::{Error, Result};
use crate::git::{ledger_ref, Repo};

/// File name of the ledger inside a git ref's tree.
pub(crate) const GIT_LEDGER_FILE: &str = "ledger.jsonl";
/// File name of the checkpoints inside a git ref's tree.
pub(crate) const GIT_CHECKPOINTS_FILE: &str = "checkpoints";
/// How often a git-ref append retries after losing a race.
const GIT_MAX_ATTEMPTS: usize = 200;

/// A ledger location.
#[derive(Debug, Clone)]
pub enum Store {
    /// A JSONL file; checkpoints in the sibling `<stem>.checkpoints`.
    File(PathBuf),
    /// Commits on a ref of a repository.
    Git {
        /// The repository.
        repo: Repo,
        /// The ref, e.g. `refs/guardrail/ledger`.
        refname: String,
    },
}

/// A ledger's bytes and its checkpoints' bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The JSONL ledger.
    pub ledger: Vec<u8>,
    /// Signed checkpoint notes, separated by blank lines.
    pub checkpoints: Vec<u8>,
}

fn ledger_err(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
    Error::Ledger {
        path: path.into(),
        message: message.into(),
    }
}

impl Store {
    /// The store a `--ledger` value names: `None` = `.git/guardrail/ledger.jsonl` in `repo`;
    /// `git:REF`; or a path (relative to `base_dir` when given).
    pub fn resolve(
        spec: Option<&str>,
        repo: Option<&Repo>,
        base_dir: Option<&Path>,
    ) -> Result<Store> {
        match spec {
            None => {
                let repo = repo.ok_or_else(|| {
                    Error::Usage("no ledger: not in a git repository; pass --ledger PATH".into())
                })?;
                Ok(Store::File(
                    repo.git_dir()?.join("guardrail").join("ledger.jsonl"),
                ))
            }
            Some(s) if s.starts_with("git:") => {
                let refname = &s[4..];
                if !refname.starts_with("refs/")
                    || refname.contains("..")
                    || refname.contains(char::is_whitespace)
                {
                    return Err(Error::Usage(format!(
                        "--ledger {s}: expected git:refs/…, e.g. git:refs/guardrail/ledger"
                    )));
                }
                let repo = repo.ok_or_else(|| {
                    Error::Usage(format!("--ledger {s}: not in a git repository"))
                })?;
                Ok(Store::Git {
                    repo: repo.clone(),
                    refname: refname.to_owned(),
                })
            }
            Some("") => Err(Error::Usage("--ledger: empty path".into())),
            Some(p) => {
                let p = PathBuf::from(p);
                Ok(Store::File(match base_dir {
                    Some(b) if p.is_relative() => b.join(p),
                    _ => p,
                }))
            }
        }
    }

    /// How to name this store in messages.
    pub fn display(&self) -> PathBuf {
        match self {
            Store::File(p) => p.clone(),
            Store::Git { refname, .. } => PathBuf::from(format!("git:{refname}")),
        }
    }

    /// Path of the checkpoints file of a file store.
    pub(crate) fn checkpoints_path(ledger: &Path) -> PathBuf {
        ledger.with_extension("checkpoints")
    }

    /// Reads the ledger and its checkpoints (both empty when the store does not exist yet).
    pub fn read(&self) -> Result<Snapshot> {
        match self {
            Store::File(p) => Ok(Snapshot {
                ledger: read_or_empty(p)?,
                checkpoints: read_or_empty(&Self::checkpoints_path(p))?,
            }),
            Store::Git { repo, refname } => match ledger_ref::tip(repo, refname)? {
                None => Ok(Snapshot::default()),
                Some(tip) => read_commit(repo, &tip),
            },
        }
    }

    /// For a git-ref store, the first commit of the ref that does not extend its parent's
    /// ledger and checkpoints by appending (None: every commit appends; a file store has no
    /// history to check).
    pub fn history_problem(&self) -> Result<Option<String>> {
        match self {
            Store::File(_) => Ok(None),
            Store::Git { repo, refname } => {
                if ledger_ref::tip(repo, refname)?.is_none() {
                    return Ok(None);
                }
                ledger_ref::first_non_append(
                    repo,
                    refname,
                    &[GIT_LEDGER_FILE, GIT_CHECKPOINTS_FILE],
                )
            }
        }
    }

    /// Whether the store exists.
    pub fn exists(&self) -> Result<bool> {
        match self {
            Store::File(p) => Ok(p.exists()),
            Store::Git { repo, refname } => Ok(ledger_ref::tip(repo, refname)?.is_some()),
        }
    }

    /// Appends entries (each an object) atomically: all or none.
    pub fn append(&self, entries: &[Value]) -> Result<()> {
        match self {
            Store::File(p) => append_file(p, entries),
            Store::Git { repo, refname } => update_git(repo, refname, &|snap: &Snapshot| {
                let mut s = snap.clone();
                let add = extend(&s.ledger, entries, &self.display())?;
                s.ledger.extend(add);
                Ok(s)
            }),
        }
    }

    /// Appends a checkpoint note made by `make` from the current ledger bytes, under the same
    /// lock (or compare-and-swap) as appends, so the note matches the ledger it was made from.
    pub fn append_checkpoint(&self, make: &dyn Fn(&[u8]) -> Result<String>) -> Result<String> {
        match self {
            Store::File(p) => {
                let _lock = lock(p)?;
                let ledger = read_or_empty(p)?;
                let note = make(&ledger)?;
                let cp = Self::checkpoints_path(p);
                let mut f = open_append(&cp)?;
                let existing = f.metadata().map_err(|e| Error::io(&cp, e))?.len();
                let mut bytes = Vec::new();
                if existing > 0 {
                    bytes.push(b'\n');
                }
                bytes.extend_from_slice(note.as_bytes());
                f.write_all(&bytes).map_err(|e| Error::io(&cp, e))?;
                f.sync_all().map_err(|e| Error::io(&cp, e))?;
                Ok(note)
            }
            Store::Git { repo, refname } => {
                let made = std::cell::RefCell::new(String::new());
                update_git(repo, refname, &|snap: &Snapshot| {
                    let note = make(&snap.ledger)?;
                    let mut s = snap.clone();
                    if !s.checkpoints.is_empty() {
                        s.checkpoints.push(b'\n');
                    }
                    s.checkpoints.extend_from_slice(note.as_bytes());
                    *made.borrow_mut() = note;
                    Ok(s)
                })?;
                Ok(made.into_inner())
            }
        }
    }
}

fn read_or_empty(p: &Path) -> Result<Vec<u8>> {
    match std::fs::read(p) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(p, e)),
    }
}

fn read_commit(repo: &Repo, commit: &str) -> Result<Snapshot> {
    Ok(Snapshot {
        ledger: ledger_ref::read_blob(repo, commit, GIT_LEDGER_FILE)?.unwrap_or_default(),
        checkpoints: ledger_ref::read_blob(repo, commit, GIT_CHECKPOINTS_FILE)?.unwrap_or_default(),
    })
}

/// The lines that append `entries` to a ledger whose bytes end with `ledger` (which must be
/// empty or end with a complete line).
pub(crate) fn extend(ledger: &[u8], entries: &[Value], shown: &Path) -> Result<Vec<u8>> {
    let prev = tail_hash(ledger, shown)?;
    lines_after(prev, entries, shown)
}

fn lines_after(mut prev: Hash, entries: &[Value], shown: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for e in entries {
        let (line, h) = chain::make_line(&prev, e)
            .map_err(|e| ledger_err(shown, format!("cannot append: {}", e.0)))?;
        out.extend(line);
        prev = h;
    }
    Ok(out)
}

/// The hash of the last line of `ledger` (genesis when empty); refuses a torn last line.
fn tail_hash(ledger: &[u8], shown: &Path) -> Result<Hash> {
    if ledger.is_empty() {
        return Ok(chain::GENESIS);
    }
    if ledger.last() != Some(&b'\n') {
        return Err(ledger_err(
            shown,
            "refusing to append: the last line is incomplete (torn write or truncation); run `guardrail ledger verify` and restore the file",
        ));
    }
    let body = &ledger[..ledger.len() - 1];
    let start = memchr::memrchr(b'\n', body).map(|i| i + 1).unwrap_or(0);
    let number = memchr::memchr_iter(b'\n', body).count() + 1;
    chain::tip_hash(Some(&body[start..]), number)
        .map_err(|e| ledger_err(shown, format!("refusing to append: {e}")))
}

fn open_append(p: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(p)
        .map_err(|e| Error::io(p, e))
}

/// Holds the exclusive lock on `<ledger>.lock` until dropped.
struct Lock(File);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn lock(ledger: &Path) -> Result<Lock> {
    if let Some(dir) = ledger.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut name = ledger.as_os_str().to_owned();
    name.push(".lock");
    let lp = PathBuf::from(name);
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lp)
        .map_err(|e| Error::io(&lp, e))?;
    f.lock().map_err(|e| Error::io(&lp, e))?;
    Ok(Lock(f))
}

/// Reads the last complete line of an open ledger file without reading the whole file.
fn file_tail_hash(f: &mut File, p: &Path) -> Result<Hash> {
    let len = f.metadata().map_err(|e| Error::io(p, e))?.len();
    if len == 0 {
        return Ok(chain::GENESIS);
    }
    // Grow the window from the end until it holds a whole last line.
    let mut window: u64 = 8192;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))
            .map_err(|e| Error::io(p, e))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        f.take(len - start)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(p, e))?;
        let complete =
            start == 0 || memchr::memrchr(b'\n', &buf[..buf.len().saturating_sub(1)]).is_some();
        if complete {
            if buf.last() != Some(&b'\n') {
                return Err(ledger_err(
                    p,
                    "refusing to append: the last line is incomplete (torn write or truncation); run `guardrail ledger verify` and restore the file",
                ));
            }
            let body = &buf[..buf.len() - 1];
            let from = memchr::memrchr(b'\n', body).map(|i| i + 1).unwrap_or(0);
            return chain::tip_hash(Some(&body[from..]), 0).map_err(|e| {
                ledger_err(p, format!("refusing to append: last line: {}", e.message))
            });
        }
        window = window.saturating_mul(4);
    }
}

fn append_file(p: &Path, entries: &[Value]) -> Result<()> {
    let _lock = lock(p)?;
    let existed = p.exists();
    let mut f = open_append(p)?;
    let prev = file_tail_hash(&mut f, p)?;
    let bytes = lines_after(prev, entries, p)?;
    // One write of whole lines: a killed process leaves all of them or none.
    f.write_all(&bytes).map_err(|e| Error::io(p, e))?;
    f.sync_data().map_err(|e| Error::io(p, e))?;
    if !existed {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
    }
    Ok(())
}

/// Builds the tree for a snapshot and commits it on top of `parent`.
fn commit_snapshot(
    repo: &Repo,
    parent: Option<&str>,
    s: &Snapshot,
    message: &str,
) -> Result<String> {
    let mut files: Vec<(&str, &[u8])> = vec![(GIT_LEDGER_FILE, &s.ledger)];
    if !s.checkpoints.is_empty() {
        files.push((GIT_CHECKPOINTS_FILE, &s.checkpoints));
    }
    ledger_ref::commit_files(repo, parent, &files, message)
}

/// Entries of `local` after the longest common prefix with `remote` (by line).
fn local_only_entries(remote: &[u8], local: &[u8]) -> Vec<Value> {
    let r: Vec<&[u8]> = remote
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let l: Vec<&[u8]> = local
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let common = r.iter().zip(&l).take_while(|(a, b)| a == b).count();
    l[common..]
        .iter()
        .filter_map(|line| chain::parse_line(line, 0).ok().map(|(e, _)| e))
        .collect()
}

/// Read-modify-write of a git-ref ledger with compare-and-swap: locally on the ref, and on
/// `origin` when there is one (force-with-lease on the tip we built on; on rejection fetch the
/// new tip and rebuild from it).
fn update_git(
    repo: &Repo,
    refname: &str,
    change: &dyn Fn(&Snapshot) -> Result<Snapshot>,
) -> Result<()> {
    let shown = PathBuf::from(format!("git:{refname}"));
    let remote = ledger_ref::has_remote(repo, ledger_ref::REMOTE);
    let mut last_reason = String::new();
    for attempt in 0..GIT_MAX_ATTEMPTS {
        if attempt > 0 {
            backoff(attempt);
        }
        let local_tip = ledger_ref::tip(repo, refname)?;
        // `parent`: what the new commit builds on; `expect`: the tip the ref (remote when
        // there is one, else local) must still have for the update to win.
        let (parent, expect, base) = if remote {
            let remote_tip = ledger_ref::fetch_tip(repo, ledger_ref::REMOTE, refname)?;
            match (&remote_tip, &local_tip) {
                (None, None) => (None, None, Snapshot::default()),
                (None, Some(l)) => (Some(l.clone()), None, read_commit(repo, l)?),
                (Some(r), None) => (Some(r.clone()), Some(r.clone()), read_commit(repo, r)?),
                (Some(r), Some(l)) if r == l || ledger_ref::is_ancestor(repo, l, r)? => {
                    (Some(r.clone()), Some(r.clone()), read_commit(repo, r)?)
                }
                (Some(r), Some(l)) if ledger_ref::is_ancestor(repo, r, l)? => {
                    (Some(l.clone()), Some(r.clone()), read_commit(repo, l)?)
                }
                // Diverged (entries written while the remote was unreachable): keep both.
                (Some(r), Some(l)) => {
                    let rs = read_commit(repo, r)?;
                    (Some(r.clone()), Some(r.clone()), replay(repo, &rs, l)?)
                }
            }
        } else {
            match &local_tip {
                None => (None, None, Snapshot::default()),
                Some(l) => (Some(l.clone()), Some(l.clone()), read_commit(repo, l)?),
            }
        };
        let next = change(&base)?;
        if next.ledger.last().is_some_and(|&b| b != b'\n') {
            return Err(ledger_err(
                &shown,
                "refusing to write an incomplete last line",
            ));
        }
        let commit = commit_snapshot(repo, parent.as_deref(), &next, "guardrail ledger append")?;
        if remote {
            match ledger_ref::push_cas(
                repo,
                ledger_ref::REMOTE,
                refname,
                &commit,
                expect.as_deref(),
            )? {
                ledger_ref::Push::Done => {
                    // A push can "succeed" without our commit being there (an identical commit
                    // already pushed, "up to date"): done only once the remote ref holds what
                    // this append added.
                    let added = next.ledger.get(base.ledger.len()..).unwrap_or_default();
                    if !pushed_holds(repo, refname, &commit, added)? {
                        last_reason = "the pushed ref does not hold this entry".into();
                        continue;
                    }
                    // Best effort: the remote is the authority; a stale local ref is replayed
                    // or fast-forwarded next time.
                    let _ =
                        ledger_ref::update_ref_cas(repo, refname, &commit, local_tip.as_deref());
                    return Ok(());
                }
                ledger_ref::Push::Rejected(why) => last_reason = why,
            }
        } else if ledger_ref::update_ref_cas(repo, refname, &commit, expect.as_deref())? {
            return Ok(());
        } else {
            last_reason = "the ref moved".into();
        }
    }
    Err(ledger_err(
        shown,
        format!("gave up after {GIT_MAX_ATTEMPTS} attempts to update the ref: {last_reason}"),
    ))
}

/// Whether the remote's `refname` now holds `commit`'s appended lines `added`: its tip is
/// `commit`, or a later ledger that still contains them.
fn pushed_holds(repo: &Repo, refname: &str, commit: &str, added: &[u8]) -> Result<bool> {
    let Some(tip) = ledger_ref::fetch_tip(repo, ledger_ref::REMOTE, refname)? else {
        return Ok(false);
    };
    if tip == commit {
        return Ok(true);
    }
    if added.is_empty() {
        return ledger_ref::is_ancestor(repo, commit, &tip);
    }
    let remote = read_commit(repo, &tip)?;
    Ok(memchr::memmem::find(&remote.ledger, added).is_some())
}

/// `base` plus the entries (re-chained) and checkpoints that commit `local` has beyond it.
fn replay(repo: &Repo, base: &Snapshot, local: &str) -> Result<Snapshot> {
    let l = read_commit(repo, local)?;
    let extra = local_only_entries(&base.ledger, &l.ledger);
    let mut s = base.clone();
    let add = extend(&s.ledger, &extra, Path::new("git ledger"))?;
    s.ledger.extend(add);
    // Checkpoints signed over the local-only history no longer match it: they stay in the
    // local ref's history but are not carried over.
    Ok(s)
}

fn backoff(attempt: usize) {
    // Jitter from the clock and pid: enough to de-synchronise racing CI jobs.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id().wrapping_mul(2_654_435_761);
    let cap = 10u64 * (1u64 << attempt.min(6));
    let ms = 1 + u64::from(seed) % cap;
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_appends_chain_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("l.jsonl");
        let s = Store::File(p.clone());
        for i in 0..3 {
            s.append(&[json!({"type": "note", "i": i})]).unwrap();
        }
        s.append(&[
            json!({"type": "note", "i": 3}),
            json!({"type": "note", "i": 4}),
        ])
        .unwrap();
        let lines = chain::verify(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4].entry["i"], 4);
    }

    #[test]
    fn append_onto_a_torn_ledger_fails_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        let s = Store::File(p.clone());
        s.append(&[json!({"type": "note"})]).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.pop();
        std::fs::write(&p, &bytes).unwrap();
        let err = s
            .append(&[json!({"type": "note"})])
            .unwrap_err()
            .to_string();
        assert!(err.contains("incomplete"), "{err}");
        assert_eq!(std::fs::read(&p).unwrap(), bytes);
    }

    #[test]
    fn long_last_line_is_found_past_the_first_window() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        let s = Store::File(p.clone());
        s.append(&[json!({"type": "note", "pad": "x".repeat(20_000)})])
            .unwrap();
        s.append(&[json!({"type": "note", "pad": "y".repeat(50_000)})])
            .unwrap();
        s.append(&[json!({"type": "note"})]).unwrap();
        assert_eq!(chain::verify(&std::fs::read(&p).unwrap()).unwrap().len(), 3);
    }

    #[test]
    fn local_only_entries_are_the_suffix_after_the_common_prefix() {
        let a = extend(b"", &[json!({"i": 1})], Path::new("x")).unwrap();
        let mut b = a.clone();
        b.extend(extend(&a, &[json!({"i": 2})], Path::new("x")).unwrap());
        let extra = local_only_entries(&a, &b);
        assert_eq!(extra, vec![json!({"i": 2})]);
    }
}
