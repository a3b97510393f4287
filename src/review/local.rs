//! The local review queue behind the pre-push hook: `.git/guardrail/queue.json`. Pending yellow
//! findings are recorded there; `guardrail review accept|reject` decides them. A decision binds
//! to the finding's fingerprint **and** the sha256 of the flagged line, so editing the line
//! re-opens the item. Writers hold an exclusive lock on `queue.lock` and replace the file
//! atomically.
//!
//! The local queue is a convenience for developers; the gate that counts is CI, where only
//! people with write access can decide.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::{Finding, ReviewState, Severity};
use crate::git::Repo;
use crate::ledger::DecisionRecord;

use super::{Backend, ChangeInfo, DecisionRules, Publication};

/// Current queue format.
pub(crate) const VERSION: u32 = 1;

/// State of a queue item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// Waiting for a decision.
    Pending,
    /// Accepted.
    Accepted,
    /// Rejected.
    Rejected,
}

impl ItemState {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Accepted => "accepted",
            ItemState::Rejected => "rejected",
        }
    }
}

/// One queued finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Item {
    /// Short id for the commands (a fingerprint prefix).
    pub id: String,
    /// Finding fingerprint.
    pub fingerprint: String,
    /// sha256 of the flagged line the item (and its decision) is bound to.
    pub line_sha256: Option<String>,
    /// Rule id.
    pub rule: String,
    /// Severity when queued.
    pub severity: Severity,
    /// Path.
    pub path: String,
    /// Line.
    pub line: Option<u32>,
    /// Message.
    pub message: String,
    /// Redacted snippet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// State.
    pub state: ItemState,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When decided (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    /// First time queued (RFC 3339).
    pub first_seen: String,
    /// Authors (`name <email>`) of the change's commits when queued: they may not decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) authors: Vec<String>,
}

/// The part of an identity that names the person: the address in `name <email>`, else the
/// whole text; lowercase.
fn identity_key(who: &str) -> String {
    let who = who.trim();
    match (who.find('<'), who.rfind('>')) {
        (Some(a), Some(b)) if a < b => who[a + 1..b].trim().to_ascii_lowercase(),
        _ => who.to_ascii_lowercase(),
    }
}

/// Whether two identities (`name <email>`, a name, or an address) are the same person: same
/// address, or the same name.
fn same_person(a: &str, b: &str) -> bool {
    let name = |s: &str| s.split('<').next().unwrap_or(s).trim().to_ascii_lowercase();
    identity_key(a) == identity_key(b) || (!name(a).is_empty() && name(a) == name(b))
}

/// Why `by` may not decide a local item whose change `authors` wrote, if so: the rules the
/// forges apply (no bots, no configured agent account, not the change's author).
pub(crate) fn local_refusal(by: &str, authors: &[String], agents: &[String]) -> Option<String> {
    let lower = by.to_ascii_lowercase();
    if lower.contains("[bot]") || lower.contains("bot@") && lower.contains("noreply") {
        return Some(format!("{by} is a bot; bots cannot decide on findings"));
    }
    if agents.iter().any(|a| same_person(a, by)) {
        return Some(format!(
            "{by} is a configured agent account (review.agents); agents cannot decide"
        ));
    }
    if authors.iter().any(|a| same_person(a, by)) {
        return Some(format!(
            "{by} wrote this change; someone else must decide (set GUARDRAIL_REVIEWER or git user.name/user.email to the reviewer)"
        ));
    }
    None
}

/// The queue file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFile {
    /// Format version.
    pub(crate) version: u32,
    /// Items, oldest first.
    pub items: Vec<Item>,
}

impl Default for QueueFile {
    fn default() -> Self {
        QueueFile {
            version: VERSION,
            items: Vec::new(),
        }
    }
}

/// The queue of one repository, locked while open.
pub struct Queue {
    path: PathBuf,
    _lock: File,
    /// The content.
    pub file: QueueFile,
    dirty: bool,
}

/// `.git/guardrail/queue.json` of `repo`.
pub(crate) fn queue_path(repo: &Repo) -> Result<PathBuf> {
    Ok(repo.git_dir()?.join("guardrail").join("queue.json"))
}

impl Queue {
    /// Opens (and locks) the queue of `repo`; a missing file is an empty queue.
    pub fn open(repo: &Repo) -> Result<Queue> {
        Queue::open_at(&queue_path(repo)?)
    }

    /// Opens (and locks) the queue at `path`.
    pub fn open_at(path: &Path) -> Result<Queue> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock_path = dir.join("queue.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let file = match std::fs::read(path) {
            Ok(bytes) => {
                let q: QueueFile = serde_json::from_slice(&bytes)
                    .map_err(|e| Error::parse(path, Some(e.line()), e.to_string()))?;
                if q.version != VERSION {
                    return Err(Error::parse(
                        path,
                        None,
                        format!("unsupported queue version {}", q.version),
                    ));
                }
                q
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => QueueFile::default(),
            Err(e) => return Err(Error::io(path, e)),
        };
        Ok(Queue {
            path: path.to_owned(),
            _lock: lock,
            file,
            dirty: false,
        })
    }

    /// Writes the queue back when it changed (temp file + rename).
    pub fn save(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let mut text = serde_json::to_vec_pretty(&self.file)
            .map_err(|e| Error::parse(&self.path, None, e.to_string()))?;
        text.push(b'\n');
        let tmp = self
            .path
            .with_extension(format!("json.tmp-{}", std::process::id()));
        std::fs::write(&tmp, &text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        self.dirty = false;
        Ok(())
    }

    /// The item with this id or fingerprint (a unique prefix of at least 4 characters works).
    pub fn find(&self, id: &str) -> Result<usize> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Usage(format!(
                "`{id}` is not a review item id (see `guardrail review list`)"
            )));
        }
        let hits: Vec<usize> = self
            .file
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.fingerprint.starts_with(&id) || it.id == id)
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [i] => Ok(*i),
            [] => Err(Error::Usage(format!(
                "no review item `{id}` (see `guardrail review list`)"
            ))),
            _ => Err(Error::Usage(format!(
                "review item id `{id}` is ambiguous; give more characters"
            ))),
        }
    }

    /// Records a decision on item `id`; returns the item and the ledger record.
    pub fn decide(
        &mut self,
        id: &str,
        accept: bool,
        reason: &str,
        by: &str,
    ) -> Result<(Item, DecisionRecord)> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::Usage(
                "a decision needs a reason: --reason TEXT".into(),
            ));
        }
        let i = self.find(id)?;
        if let Some(why) = local_refusal(by, &self.file.items[i].authors, &[]) {
            return Err(Error::Usage(format!("not allowed to decide: {why}")));
        }
        let now = super::now_rfc3339();
        let it = &mut self.file.items[i];
        it.state = if accept {
            ItemState::Accepted
        } else {
            ItemState::Rejected
        };
        it.by = Some(by.to_owned());
        it.reason = Some(reason.to_owned());
        it.decided_at = Some(now.clone());
        self.dirty = true;
        let rec = DecisionRecord {
            decision: if accept { "accept" } else { "reject" }.into(),
            by: by.to_owned(),
            at: now,
            fingerprint: it.fingerprint.clone(),
            line_sha256: it.line_sha256.clone(),
            reason: Some(reason.to_owned()),
            forge: "local".into(),
            comment_id: None,
            comment_sha256: None,
            refused_because: None,
        };
        Ok((it.clone(), rec))
    }

    /// Applies decisions to yellow findings; an item whose line changed is re-opened.
    /// An acceptance counts only when the audit ledger holds it (`ledger`: the local decisions
    /// recorded there) and its reviewer may decide (`refusal`); a rejection always counts.
    /// Returns notes.
    pub(crate) fn apply(
        &mut self,
        findings: &mut [Finding],
        ledger: &[DecisionRecord],
        refusal: &dyn Fn(&str, &[String]) -> Option<String>,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        for f in findings
            .iter_mut()
            .filter(|f| f.severity == Severity::Yellow)
        {
            let Some(it) = self
                .file
                .items
                .iter_mut()
                .find(|it| it.fingerprint == f.fingerprint)
            else {
                continue;
            };
            if it.state == ItemState::Pending {
                continue;
            }
            if it.line_sha256 != f.line_hash {
                notes.push(format!(
                    "review item {} ({} at {}) re-opened: the flagged line changed since it was {}",
                    it.id,
                    it.rule,
                    it.path,
                    it.state.as_str()
                ));
                it.state = ItemState::Pending;
                it.by = None;
                it.reason = None;
                it.decided_at = None;
                it.line_sha256 = f.line_hash.clone();
                it.line = f.line;
                self.dirty = true;
                continue;
            }
            let state = match it.state {
                ItemState::Accepted => ReviewState::Accepted,
                ItemState::Rejected => ReviewState::Rejected,
                ItemState::Pending => continue,
            };
            if state == ReviewState::Accepted {
                let by = it.by.as_deref().unwrap_or("");
                if let Some(why) = refusal(by, &it.authors) {
                    notes.push(format!(
                        "review item {} is accepted in the queue but not counted: {why}",
                        it.id
                    ));
                    continue;
                }
                let logged = ledger.iter().any(|d| {
                    d.forge == "local"
                        && d.decision == "accept"
                        && d.fingerprint == it.fingerprint
                        && d.line_sha256 == it.line_sha256
                        && d.by == by
                });
                if !logged {
                    notes.push(format!(
                        "review item {} is accepted in the queue but the audit ledger has no such decision: not counted (decide with `guardrail review accept`, which records it)",
                        it.id
                    ));
                    continue;
                }
            }
            super::set_review(
                f,
                state,
                it.by.as_deref().unwrap_or("?"),
                it.reason.as_deref().unwrap_or(""),
            );
        }
        notes
    }

    /// Records pending yellow findings (new ones are added; known pending ones are refreshed),
    /// with the change's `authors`.
    pub(crate) fn enqueue(&mut self, findings: &[Finding], authors: &[String]) {
        let now = super::now_rfc3339();
        for f in super::pending(findings) {
            match self
                .file
                .items
                .iter_mut()
                .find(|it| it.fingerprint == f.fingerprint)
            {
                Some(it) => {
                    if it.state == ItemState::Pending
                        && (it.line != f.line
                            || it.line_sha256 != f.line_hash
                            || it.path != f.path
                            || it.authors != authors)
                    {
                        it.line = f.line;
                        it.line_sha256 = f.line_hash.clone();
                        it.path = f.path.clone();
                        it.authors = authors.to_vec();
                        self.dirty = true;
                    }
                }
                None => {
                    let id = short_id(&self.file.items, &f.fingerprint);
                    self.file.items.push(Item {
                        id,
                        fingerprint: f.fingerprint.clone(),
                        line_sha256: f.line_hash.clone(),
                        rule: f.rule.clone(),
                        severity: f.severity,
                        path: f.path.clone(),
                        line: f.line,
                        message: f.message.clone(),
                        snippet: f.snippet.clone(),
                        state: ItemState::Pending,
                        by: None,
                        reason: None,
                        decided_at: None,
                        first_seen: now.clone(),
                        authors: authors.to_vec(),
                    });
                    self.dirty = true;
                }
            }
        }
    }
}

/// The shortest fingerprint prefix (at least 8) no other item starts with.
fn short_id(items: &[Item], fp: &str) -> String {
    let mut n = 8.min(fp.len());
    while n < fp.len()
        && items
            .iter()
            .any(|it| it.fingerprint.starts_with(&fp[..n]) || it.id == fp[..n])
    {
        n += 2;
    }
    fp[..n.min(fp.len())].to_owned()
}

/// The local backend: decisions from the queue, pending items recorded on publish.
pub(crate) struct LocalQueue {
    queue: Queue,
    enqueue: bool,
    notes: Vec<String>,
    ledger: Vec<DecisionRecord>,
    authors: Vec<String>,
}

impl LocalQueue {
    /// Opens the queue of `repo`; `enqueue` records pending items on publish; `ledger` holds
    /// the local decisions the audit ledger records (only those acceptances count).
    pub(crate) fn open(
        repo: &Repo,
        enqueue: bool,
        ledger: Vec<DecisionRecord>,
    ) -> Result<LocalQueue> {
        Ok(LocalQueue {
            queue: Queue::open(repo)?,
            enqueue,
            notes: Vec::new(),
            ledger,
            authors: Vec::new(),
        })
    }
}

impl Backend for LocalQueue {
    fn change_info(&self) -> ChangeInfo {
        ChangeInfo::default()
    }

    fn apply_decisions(
        &mut self,
        findings: &mut [Finding],
        rules: &DecisionRules<'_>,
    ) -> Result<Vec<DecisionRecord>> {
        self.authors = rules.change_authors.to_vec();
        let agents = &rules.config.agents;
        let current = &self.authors;
        let refusal = |by: &str, queued: &[String]| {
            let all: Vec<String> = queued.iter().chain(current).cloned().collect();
            local_refusal(by, &all, agents)
        };
        self.notes = self.queue.apply(findings, &self.ledger, &refusal);
        // Local decisions are logged when they are made (`guardrail review accept|reject`).
        Ok(Vec::new())
    }

    fn publish(&mut self, p: &Publication<'_>) -> Result<Vec<String>> {
        if self.enqueue {
            self.queue.enqueue(p.findings, &self.authors);
        }
        self.queue.save()?;
        Ok(std::mem::take(&mut self.notes))
    }
}

/// No repository (a plain `--diff`): no queue, nothing to apply.
pub(crate) struct NoQueue;

impl Backend for NoQueue {
    fn change_info(&self) -> ChangeInfo {
        ChangeInfo::default()
    }

    fn apply_decisions(
        &mut self,
        _findings: &mut [Finding],
        _rules: &DecisionRules<'_>,
    ) -> Result<Vec<DecisionRecord>> {
        Ok(Vec::new())
    }

    fn publish(&mut self, _p: &Publication<'_>) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{sha256_hex, Kind};

    fn yellow(line: &str) -> Finding {
        let mut f = Finding::new(
            "python-eval-exec-dynamic",
            Kind::Code,
            Severity::Yellow,
            "a.py",
            Some(2),
            "m",
        )
        .with_fingerprint(line, 0);
        f.line_hash = Some(sha256_hex(line.as_bytes()));
        f.review = Some(crate::finding::Review {
            state: ReviewState::Pending,
            by: None,
            reason: None,
        });
        f
    }

    #[test]
    fn decisions_bind_to_the_line_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guardrail/queue.json");
        let f = yellow("x = eval(y)");
        {
            let mut q = Queue::open_at(&path).unwrap();
            q.enqueue(
                std::slice::from_ref(&f),
                &["Agent <agent@example.com>".to_owned()],
            );
            q.save().unwrap();
        }
        let mut q = Queue::open_at(&path).unwrap();
        assert_eq!(q.file.items.len(), 1);
        let id = q.file.items[0].id.clone();
        assert_eq!(id.len(), 8);
        assert!(q.decide(&id, true, "  ", "me").is_err());
        // Bots and the change's author may not decide.
        assert!(q.decide(&id, true, "fine", "renovate[bot]").is_err());
        assert!(q.decide(&id, true, "fine", "agent@example.com").is_err());
        let (_, rec) = q.decide(&id, true, "trusted input", "me").unwrap();
        assert_eq!(rec.decision, "accept");
        assert_eq!(rec.line_sha256, f.line_hash);
        let never = |_: &str, _: &[String]| None;
        // Not in the ledger: not counted.
        let mut fs = vec![f.clone()];
        let notes = q.apply(&mut fs, &[], &never);
        assert_eq!(fs[0].review.as_ref().unwrap().state, ReviewState::Pending);
        assert!(notes[0].contains("audit ledger"), "{notes:?}");
        let mut fs = vec![f.clone()];
        q.apply(&mut fs, std::slice::from_ref(&rec), &never);
        assert_eq!(fs[0].review.as_ref().unwrap().state, ReviewState::Accepted);
        // Same fingerprint (whitespace-normalised) but a different line: re-opened.
        let mut edited = yellow("x =  eval(y)");
        assert_eq!(edited.fingerprint, f.fingerprint);
        edited.line_hash = Some(sha256_hex(b"x =  eval(y)"));
        let mut fs = vec![edited];
        let notes = q.apply(&mut fs, std::slice::from_ref(&rec), &never);
        assert_eq!(fs[0].review.as_ref().unwrap().state, ReviewState::Pending);
        assert!(notes[0].contains("re-opened"), "{notes:?}");
        assert_eq!(q.file.items[0].state, ItemState::Pending);
    }

    #[test]
    fn bad_queue_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.json");
        std::fs::write(&path, b"{not json").unwrap();
        let e = Queue::open_at(&path).err().unwrap().to_string();
        assert!(e.contains("queue.json:1"), "{e}");
    }
}
