//! The review queue: yellow findings wait for a human who accepts or rejects each one where they
//! already work. One trait ([`Backend`]), three backends: GitHub pull requests ([`github`]),
//! GitLab merge requests ([`gitlab`]) and the local queue behind the pre-push hook ([`local`]).
//! Also owns provenance detection and the agent tier ([`provenance`]), the hidden comment
//! markers and the `/guardrail accept|reject` command syntax, and [`finish`]: the one call
//! `guardrail check` makes after the engine to apply all of that.

use std::collections::HashMap;

use crate::config::ReviewConfig;
use crate::diff::ChangeSet;
use crate::engine::{self, CheckSettings, Outcome, Prepared};
use crate::error::{Error, Result};
use crate::finding::{Finding, Review, ReviewState, Severity};
use crate::git::Repo;
use crate::ledger::DecisionRecord;
use crate::policy::Verdict;

pub(crate) mod body;
#[cfg(feature = "network")]
pub(crate) mod decide;
#[cfg(feature = "network")]
pub(crate) mod github;
#[cfg(feature = "network")]
pub(crate) mod gitlab;
#[cfg(feature = "network")]
pub(crate) mod http;
pub mod local;
pub mod provenance;

pub use provenance::Provenance;

/// The environment variables the review backends consult, read once at the edge (the
/// command that runs) and handed down: the library reads no environment variable.
#[derive(Debug, Clone, Default)]
pub struct ForgeEnv(std::collections::BTreeMap<String, String>);

impl ForgeEnv {
    /// Every variable the backends may consult (forge CI variables, tokens, limits).
    pub const NAMES: &'static [&'static str] = &[
        "GITHUB_API_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_PATH",
        "GITHUB_TOKEN",
        "GITHUB_HEAD_REF",
        "GUARDRAIL_GITHUB_LOGIN",
        "CI_API_V4_URL",
        "CI_PROJECT_ID",
        "CI_MERGE_REQUEST_IID",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "CI_COMMIT_SHA",
        "GUARDRAIL_GITLAB_TOKEN",
        "GITLAB_TOKEN",
        "GUARDRAIL_FORGE_TIMEOUT_SECS",
        "GUARDRAIL_FORGE_RETRIES",
        "GUARDRAIL_FORGE_RETRY_DELAY_MS",
        "GUARDRAIL_FORGE_MAX_WAIT_SECS",
    ];

    /// The [`ForgeEnv::NAMES`] that `get` answers (empty values count as unset).
    pub fn from_fn(get: impl Fn(&str) -> Option<String>) -> ForgeEnv {
        ForgeEnv(
            Self::NAMES
                .iter()
                .filter_map(|k| {
                    get(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| ((*k).to_owned(), v))
                })
                .collect(),
        )
    }

    /// One variable's value.
    pub(crate) fn get(&self, k: &str) -> Option<String> {
        self.0.get(k).cloned()
    }
}

/// Where review decisions come from and results go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The local queue in `.git/guardrail/queue.json`.
    Local,
    /// A GitHub pull request.
    Github,
    /// A GitLab merge request.
    Gitlab,
}

/// What a forge knows about the change (for provenance and for who may decide).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangeInfo {
    /// Login of the change's author (PR/MR author).
    pub(crate) author: Option<String>,
    /// Labels on the PR/MR.
    pub(crate) labels: Vec<String>,
    /// Source branch name.
    pub(crate) branch: Option<String>,
    /// Web address of the PR/MR.
    pub(crate) url: Option<String>,
}

/// What a backend publishes: the result of the run after decisions.
pub(crate) struct Publication<'a> {
    /// Verdict after decisions.
    pub(crate) verdict: Verdict,
    /// Findings in force, with review states.
    pub(crate) findings: &'a [Finding],
    /// The change (to know which lines a comment may sit on).
    pub(crate) changes: &'a ChangeSet,
    /// Head commit.
    pub(crate) head: Option<&'a str>,
    /// Provenance line for the summary.
    pub(crate) provenance: Option<&'a str>,
    /// The run failed after deciding (the ledger could not be written): publish an error
    /// state with this text, never success.
    pub(crate) failed: Option<String>,
}

/// One review backend.
pub(crate) trait Backend {
    /// What the backend knows about the change.
    fn change_info(&self) -> ChangeInfo;
    /// Sets the review state of findings from the decisions recorded on this backend; returns
    /// the decisions that were not logged yet (counted, refused or resolved as modified).
    fn apply_decisions(
        &mut self,
        findings: &mut [Finding],
        rules: &DecisionRules<'_>,
    ) -> Result<Vec<DecisionRecord>>;
    /// Publishes the outcome (comments, summary, status; the local queue records pending items).
    /// Returns notes for the user.
    fn publish(&mut self, p: &Publication<'_>) -> Result<Vec<String>>;
}

/// Who may decide, for the forge backends.
pub(crate) struct DecisionRules<'a> {
    /// The review config (agents, GitLab access level).
    pub(crate) config: &'a ReviewConfig,
    /// The change's author (never allowed to decide).
    pub(crate) author: Option<&'a str>,
    /// The authors of the change's commits, `name <email>` (never allowed to decide locally).
    pub(crate) change_authors: &'a [String],
}

impl DecisionRules<'_> {
    /// Why `login` may not decide regardless of their permission, if so.
    pub(crate) fn identity_refusal(&self, login: &str, is_bot: bool, own: &str) -> Option<String> {
        let l = login.to_ascii_lowercase();
        if is_bot || l.ends_with("[bot]") || l == own.to_ascii_lowercase() {
            return Some(format!("{login} is a bot; bots cannot decide on findings"));
        }
        if self
            .config
            .agents
            .iter()
            .any(|a| a.eq_ignore_ascii_case(login))
        {
            return Some(format!(
                "{login} is a configured agent account (review.agents); agents cannot decide"
            ));
        }
        if self.author.is_some_and(|a| a.eq_ignore_ascii_case(login)) {
            return Some(format!(
                "{login} is the author of this change; someone else must decide"
            ));
        }
        None
    }
}

/// A `/guardrail accept|reject <reason>` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    /// Accept (true) or reject (false).
    pub(crate) accept: bool,
    /// The reason (may be empty: then the command is refused).
    pub(crate) reason: String,
}

/// Parses a comment body whose first non-empty line is `/guardrail accept|reject <reason>`;
/// the reason is the rest of that line plus any following lines, trimmed.
pub(crate) fn parse_command(body: &str) -> Option<Command> {
    let body = body.trim_start();
    let first_end = body.find('\n').unwrap_or(body.len());
    let first = body[..first_end].trim();
    let rest = first.strip_prefix("/guardrail")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (verb, reason_head) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let accept = match verb.to_ascii_lowercase().as_str() {
        "accept" | "approve" => true,
        "reject" => false,
        _ => return None,
    };
    let mut reason = reason_head.trim().to_owned();
    let tail = body[first_end..].trim();
    if !tail.is_empty() {
        if !reason.is_empty() {
            reason.push('\n');
        }
        reason.push_str(tail);
    }
    let reason: String = reason.chars().take(1000).collect();
    Some(Command { accept, reason })
}

/// Marker prefix for inline comments.
pub(crate) const FINGERPRINT_MARKER: &str = "<!-- guardrail:fingerprint=";
/// Marker of the summary comment.
pub(crate) const SUMMARY_MARKER: &str = "<!-- guardrail:summary -->";

/// The hidden marker an inline comment starts with.
pub(crate) fn fingerprint_marker(fp: &str) -> String {
    format!("{FINGERPRINT_MARKER}{fp} -->")
}

/// The fingerprint in a body that *starts* with guardrail's marker (a marker quoted further
/// down, by a human or in diff content, does not count).
pub(crate) fn marker_fingerprint(body: &str) -> Option<&str> {
    let rest = body.strip_prefix(FINGERPRINT_MARKER)?;
    let end = rest.find(" -->")?;
    let fp = &rest[..end];
    (!fp.is_empty() && fp.len() <= 64 && fp.bytes().all(|b| b.is_ascii_hexdigit())).then_some(fp)
}

/// The marker of guardrail's answer to the decision comment `id`.
pub(crate) fn ack_marker(id: &str) -> String {
    format!("<!-- guardrail:ack={id} -->")
}

/// The marker of guardrail's "resolved as modified" reply.
pub(crate) const RESOLVED_MARKER: &str = "<!-- guardrail:resolved -->";

/// Now, RFC 3339 UTC.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A decision record with the common fields filled.
pub(crate) fn record(decision: &str, by: &str, f: &FindingRef, forge: &str) -> DecisionRecord {
    DecisionRecord {
        decision: decision.to_owned(),
        by: by.to_owned(),
        at: now_rfc3339(),
        fingerprint: f.fingerprint.clone(),
        line_sha256: f.line_hash.clone(),
        reason: None,
        forge: forge.to_owned(),
        comment_id: None,
        comment_sha256: None,
        refused_because: None,
    }
}

/// The identity of a finding a decision is about.
#[derive(Debug, Clone)]
pub(crate) struct FindingRef {
    /// Fingerprint.
    pub(crate) fingerprint: String,
    /// Line hash, when known.
    pub(crate) line_hash: Option<String>,
}

impl From<&Finding> for FindingRef {
    fn from(f: &Finding) -> Self {
        FindingRef {
            fingerprint: f.fingerprint.clone(),
            line_hash: f.line_hash.clone(),
        }
    }
}

/// Sets `review` on `f` from a counted decision: red findings can be rejected (they stay
/// blocking) but never accepted by a comment.
pub(crate) fn set_review(f: &mut Finding, state: ReviewState, by: &str, reason: &str) {
    f.review = Some(Review {
        state,
        by: Some(by.to_owned()),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    });
}

/// Options for [`finish`].
#[derive(Debug, Clone, Default)]
pub struct FinishOptions {
    /// Publish to a forge instead of using the local queue.
    pub publish: Option<Target>,
    /// Ledger location (`--ledger`), None for the default.
    pub ledger: Option<String>,
    /// Do not write decisions to the ledger.
    pub no_ledger: bool,
    /// Record pending yellow findings in the local queue (local runs in a repository).
    pub enqueue: bool,
    /// Source branch, when the caller knows it (pre-push: the pushed ref).
    pub branch: Option<String>,
    /// The forge variables, read by the caller.
    pub env: ForgeEnv,
}

/// What [`finish_with`] tells the caller.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// Provenance line for reports (None: nothing agent-like detected).
    pub provenance: Option<String>,
    /// Notes for the user.
    pub notes: Vec<String>,
    /// Decisions applied this run (for messages).
    pub decisions: Vec<DecisionRecord>,
}

/// The review backend for these options: the forge's with `publish`, else the local queue of
/// the repository (none for a plain diff). A local queue counts only the acceptances the
/// audit ledger holds.
pub(crate) fn backend(opts: &FinishOptions, repo: Option<&Repo>) -> Result<Box<dyn Backend>> {
    Ok(match opts.publish {
        #[cfg(feature = "network")]
        Some(Target::Github) => Box::new(github::GitHub::from_env(&|k: &str| opts.env.get(k))?),
        #[cfg(feature = "network")]
        Some(Target::Gitlab) => Box::new(gitlab::GitLab::from_env(&|k: &str| opts.env.get(k))?),
        #[cfg(not(feature = "network"))]
        Some(forge @ (Target::Github | Target::Gitlab)) => {
            return Err(Error::Forge {
                forge: if forge == Target::Github {
                    "GitHub"
                } else {
                    "GitLab"
                },
                message: "this guardrail was built without the `network` feature".into(),
            })
        }
        Some(Target::Local) | None => match repo {
            Some(repo) => {
                let held = if opts.no_ledger {
                    Vec::new()
                } else {
                    crate::ledger::local_decisions(opts.ledger.as_deref(), Some(repo))
                        .unwrap_or_default()
                };
                Box::new(local::LocalQueue::open(repo, opts.enqueue, held)?)
            }
            None => Box::new(local::NoQueue),
        },
    })
}

/// Who wrote a change: what the backend knows of it and the provenance its commits show.
pub(crate) struct Authorship {
    /// What the backend knows about the change (author, labels, branch).
    pub(crate) info: ChangeInfo,
    /// Whether a coding agent wrote it, and the evidence.
    pub(crate) provenance: Provenance,
    /// `Name <email>` of the change's commit authors (they may not decide on it).
    pub(crate) change_authors: Vec<String>,
}

/// Works out who wrote the prepared change, before it is checked: the policy's agent tier
/// depends on it.
pub(crate) fn authorship(backend: &dyn Backend, opts: &FinishOptions, p: &Prepared) -> Authorship {
    let mut info = backend.change_info();
    if info.branch.is_none() {
        info.branch = opts
            .branch
            .clone()
            .or_else(|| env_branch(&|k: &str| opts.env.get(k)));
    }
    if info.branch.is_none() && matches!(opts.publish, None | Some(Target::Local)) {
        info.branch = p.repo.as_ref().and_then(Repo::current_branch);
    }
    let commits = match (&p.repo, &p.base, &p.head) {
        (Some(repo), Some(base), Some(head)) => repo.commits(base, head).unwrap_or_default(),
        _ => Vec::new(),
    };
    let provenance = provenance::detect(&p.config.review, &info, &commits);
    let change_authors = commits
        .iter()
        .map(|c| format!("{} <{}>", c.author_name, c.author_email))
        .collect();
    Authorship {
        info,
        provenance,
        change_authors,
    }
}

/// How the caller records a finished run in the audit ledger (returns notes).
pub(crate) type Recorder<'r> = dyn FnMut(&Outcome) -> Result<Vec<String>> + 'r;

/// `guardrail check` with review: prepares the change, works out who wrote it, checks it
/// (the agent tier applied by the policy), then [`finish_with`].
pub fn check(
    settings: &CheckSettings,
    stdin: &mut dyn std::io::Read,
    opts: &FinishOptions,
    record: &mut Recorder<'_>,
) -> Result<(Outcome, Finished)> {
    let prepared = engine::prepare(settings, stdin)?;
    let mut backend = backend(opts, prepared.repo.as_ref())?;
    let who = authorship(backend.as_ref(), opts, &prepared);
    let mut outcome = engine::run(prepared, settings, who.provenance.agent)?;
    let finished = {
        let _t = tracing::debug_span!("review").entered();
        finish_with(&mut outcome, backend.as_mut(), opts, &who, record)?
    };
    Ok((outcome, finished))
}

/// After the check: applies review decisions (local queue, or the forge's with `publish`),
/// recomputes the verdict, records the run with `record` once the verdict is final, then
/// publishes: decide, append to the ledger, publish. When the ledger cannot be written (a
/// decision or the run), the forge is told `error`, never `success`, and the error is
/// returned. Locally, pending items are recorded in the queue.
pub(crate) fn finish_with(
    outcome: &mut Outcome,
    backend: &mut dyn Backend,
    opts: &FinishOptions,
    who: &Authorship,
    record: &mut Recorder<'_>,
) -> Result<Finished> {
    let mut notes = Vec::new();
    let provenance = who.provenance.summary();
    let rules = DecisionRules {
        config: &outcome.config.review,
        author: who.info.author.as_deref(),
        change_authors: &who.change_authors,
    };
    let decisions = backend.apply_decisions(&mut outcome.findings, &rules)?;
    crate::policy::sort(&mut outcome.findings);
    outcome.refresh_verdict();
    let recorded = (|| -> Result<Vec<String>> {
        let mut notes = Vec::new();
        if !opts.no_ledger
            && outcome.repo.is_none()
            && opts.ledger.is_none()
            && !decisions.is_empty()
        {
            notes.push(format!(
                "{} review decision(s) not recorded: no repository and no --ledger given",
                decisions.len()
            ));
        } else if !opts.no_ledger {
            for d in &decisions {
                log_decision(opts.ledger.as_deref(), outcome.repo.as_ref(), d)?;
            }
        }
        notes.extend(record(outcome)?);
        Ok(notes)
    })();
    let failed = match &recorded {
        Ok(n) => {
            notes.extend(n.iter().cloned());
            None
        }
        Err(e) => Some(format!("the audit ledger could not be written: {e}")),
    };
    let publication = Publication {
        verdict: outcome.verdict,
        findings: &outcome.findings,
        changes: &outcome.changes,
        head: outcome.head.as_deref(),
        provenance: provenance.as_deref(),
        failed,
    };
    let published = backend.publish(&publication);
    recorded?;
    notes.extend(published?);
    Ok(Finished {
        provenance,
        notes,
        decisions,
    })
}

/// The source branch named by CI variables.
pub(crate) fn env_branch(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    ["GITHUB_HEAD_REF", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
}

/// Appends one decision to the ledger.
pub fn log_decision(spec: Option<&str>, repo: Option<&Repo>, rec: &DecisionRecord) -> Result<()> {
    crate::ledger::append_decision(spec, repo, rec)
}

/// Findings that may sit on a diff line as inline comments: red or yellow with a line inside
/// one of the file's hunks (head side).
pub(crate) fn on_diff(f: &Finding, changes: &ChangeSet) -> bool {
    if f.severity == Severity::Info {
        return false;
    }
    let Some(line) = f.line else { return false };
    let Some(file) = changes.file(&f.path) else {
        return false;
    };
    if file.new_path.is_none() {
        return false;
    }
    file.hunks.iter().any(|h| {
        h.new_len > 0 && line >= h.new_start && line < h.new_start.saturating_add(h.new_len)
    })
}

/// Findings that need a comment or a mention at all (red and yellow).
pub(crate) fn publishable(f: &Finding) -> bool {
    f.severity != Severity::Info
}

/// Counts yellow findings still pending.
pub fn pending(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Yellow
                && f.review
                    .as_ref()
                    .is_none_or(|r| r.state == ReviewState::Pending)
        })
        .collect()
}

/// Index findings by fingerprint.
pub(crate) fn by_fingerprint(findings: &[Finding]) -> HashMap<String, usize> {
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.fingerprint.clone(), i))
        .collect()
}

/// An error from a forge.
pub(crate) fn forge_error(forge: &'static str, message: impl Into<String>) -> Error {
    Error::Forge {
        forge,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_reasons() {
        let c = parse_command("/guardrail accept vendored test helper").unwrap();
        assert!(c.accept);
        assert_eq!(c.reason, "vendored test helper");
        let c = parse_command("  /guardrail REJECT\nnot safe\nat all").unwrap();
        assert!(!c.accept);
        assert_eq!(c.reason, "not safe\nat all");
        assert_eq!(parse_command("/guardrail accept").unwrap().reason, "");
        assert!(parse_command("please /guardrail accept x").is_none());
        assert!(parse_command("/guardrailaccept x").is_none());
        assert!(parse_command("/guardrail merge x").is_none());
    }

    #[test]
    fn markers_count_only_at_the_start() {
        let m = fingerprint_marker("0123abcd");
        assert_eq!(marker_fingerprint(&format!("{m}\nbody")), Some("0123abcd"));
        assert_eq!(marker_fingerprint(&format!("quote: {m}")), None);
        assert_eq!(
            marker_fingerprint("<!-- guardrail:fingerprint=zz -->"),
            None
        );
    }

    #[test]
    fn identity_refusals() {
        let cfg = ReviewConfig::default();
        let r = DecisionRules {
            config: &cfg,
            author: Some("Alice"),
            change_authors: &[],
        };
        assert!(r
            .identity_refusal("alice", false, "guardrail-bot")
            .unwrap()
            .contains("author"));
        assert!(r
            .identity_refusal("dependabot[bot]", false, "x")
            .unwrap()
            .contains("bot"));
        assert!(r
            .identity_refusal("codex", false, "x")
            .unwrap()
            .contains("agent"));
        assert!(r.identity_refusal("someone", true, "x").is_some());
        assert!(r.identity_refusal("bob", false, "x").is_none());
    }
}
