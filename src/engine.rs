//! The `check` pipeline: get the change (git or a plain diff), read the config and extra rules
//! from the base revision, run every check, apply the policy. Returns an [`Outcome`]; printing,
//! publishing and the ledger are the caller's.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::{self, Config, Env};
use crate::diff::{self, ChangeSet, Revisions};
use crate::error::{Error, Result};
use crate::finding::{sha256_hex, Finding};
use crate::git::{Repo, Rev};
use crate::pipeline;
use crate::policy::{self, Verdict};
use crate::rules::RuleSet;

/// Where the change comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSource {
    /// `git diff BASE...HEAD` (base None: from CI variables or the default branch).
    Revisions {
        /// Base revision.
        base: Option<String>,
        /// Head revision.
        head: String,
    },
    /// The index against `HEAD`.
    Staged,
    /// A unified diff file (`-` = standard input).
    Diff(PathBuf),
}

/// Inputs of one `check` run.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// Directory to run in (the repository, or anywhere for `--diff`).
    pub cwd: PathBuf,
    /// The change.
    pub source: ChangeSource,
    /// Explicit config file (read from disk), overriding the base revision's.
    pub config: Option<PathBuf>,
    /// Extra rule directories or files from disk.
    pub rules: Vec<PathBuf>,
    /// Advisory database directory.
    pub db: Option<PathBuf>,
    /// Never touch the network.
    pub offline: bool,
    /// The caller records the run in the audit ledger (the remote's URL it names is then looked
    /// up while the checks run).
    pub record: bool,
    /// The environment the edge read (CI variables for the default base, package-manager
    /// settings for the dependency checks).
    pub env: Env,
}

/// Result of a run.
pub struct Outcome {
    /// The decision.
    pub verdict: Verdict,
    /// Base commit.
    pub base: Option<String>,
    /// Head commit (None for `--staged` and plain diffs).
    pub head: Option<String>,
    /// Findings in force, sorted.
    pub findings: Vec<Finding>,
    /// Things to tell the user on stderr.
    pub notes: Vec<String>,
    /// sha256 of the exact diff text.
    pub diff_sha256: String,
    /// sha256 of the config text in force (None: defaults).
    pub config_sha256: Option<String>,
    /// The config in force.
    pub(crate) config: Config,
    /// The rules in force.
    pub rules: RuleSet,
    /// The change.
    pub(crate) changes: ChangeSet,
    /// The repository, when there is one.
    pub repo: Option<Repo>,
    /// The advisory database directory asked for (None: the default location).
    pub db: Option<PathBuf>,
    /// When the run started.
    pub started: time::OffsetDateTime,
}

impl Outcome {
    /// Re-derives the verdict after review decisions changed findings.
    pub(crate) fn refresh_verdict(&mut self) {
        self.verdict = policy::verdict(&self.findings);
    }
}

/// Files at the base commit and the head commit (or the index).
struct GitRevs<'a> {
    repo: &'a Repo,
    base: Option<String>,
    head: Rev,
}

impl Revisions for GitRevs<'_> {
    fn base(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match &self.base {
            Some(b) => self.repo.read_file(&Rev::Commit(b.clone()), path),
            None => Ok(None),
        }
    }

    fn head(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.repo.read_file(&self.head, path)
    }

    fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let head = match &self.head {
            Rev::Commit(c) => self
                .repo
                .run(&["ls-tree", "-r", "--name-only", "-z", c.as_str()])?,
            Rev::Index => self.repo.run(&["ls-files", "-z"])?,
        };
        let base = match &self.base {
            Some(b) => self
                .repo
                .run(&["ls-tree", "-r", "--name-only", "-z", b.as_str()])?,
            None => Vec::new(),
        };
        for listing in [head, base] {
            out.extend(
                listing
                    .split(|&b| b == 0)
                    .filter(|n| !n.is_empty())
                    .map(|n| String::from_utf8_lossy(n).into_owned()),
            );
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Reads at most `limit` bytes; more is an error naming the input.
fn read_limited(r: &mut dyn Read, limit: u64, name: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(name, e))?;
    if buf.len() as u64 > limit {
        return Err(Error::Limit {
            path: name.into(),
            message: format!(
                "diff is larger than {} bytes (limits.max-diff-bytes)",
                limit
            ),
        });
    }
    Ok(buf)
}

struct Change {
    diff: Vec<u8>,
    repo: Option<Repo>,
    base: Option<String>,
    head: Option<String>,
    head_rev: Rev,
}

fn get_change(s: &CheckSettings, stdin: &mut dyn Read, limit: u64) -> Result<Change> {
    match &s.source {
        ChangeSource::Diff(path) => {
            let diff = if path.as_os_str() == "-" {
                read_limited(stdin, limit, Path::new("<stdin>"))?
            } else {
                let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
                read_limited(&mut f, limit, path)?
            };
            Ok(Change {
                diff,
                repo: Repo::discover(&s.cwd).ok(),
                base: None,
                head: None,
                head_rev: Rev::Index,
            })
        }
        ChangeSource::Staged => {
            let repo = Repo::discover(&s.cwd)?;
            let base = repo.resolve("HEAD").ok();
            let diff = repo.diff_staged(limit)?;
            Ok(Change {
                diff,
                repo: Some(repo),
                base,
                head: None,
                head_rev: Rev::Index,
            })
        }
        ChangeSource::Revisions { base, head } => {
            let (repo, head_sha, base_sha, known_base) = match base {
                Some(b) => {
                    let r = Repo::discover_resolving(&s.cwd, head, b)?;
                    (r.repo, r.a, r.b, r.merge_base)
                }
                None => {
                    let repo = Repo::discover(&s.cwd)?;
                    let head_sha = repo.resolve(head)?;
                    let base_sha =
                        repo.default_base(&head_sha, &|k| s.env.var(k).map(str::to_owned))?;
                    (repo, head_sha, base_sha, None)
                }
            };
            repo.start_reader();
            if s.record {
                repo.prefetch_remote_url();
            }
            // The merge base is what `BASE...HEAD` compares against: read config and base files
            // there. Usually the revision look-up named it; else it is asked for while git
            // computes the diff.
            let (diff, merge_base) = match known_base {
                Some(mb) => (repo.diff(&base_sha, &head_sha, limit), Some(mb)),
                None => std::thread::scope(|scope| {
                    let mb = scope.spawn(|| repo.merge_base(&base_sha, &head_sha));
                    let diff = repo.diff(&base_sha, &head_sha, limit);
                    (diff, mb.join().ok().and_then(|r| r.ok()))
                }),
            };
            let diff = diff?;
            let merge_base = merge_base.unwrap_or_else(|| base_sha.clone());
            // Provenance (review::finish) reads the change's commits after the checks: start it now.
            repo.prefetch_commits(&merge_base, &head_sha);
            Ok(Change {
                diff,
                repo: Some(repo),
                base: Some(merge_base),
                head: Some(head_sha.clone()),
                head_rev: Rev::Commit(head_sha),
            })
        }
    }
}

/// Reads the config: `--config` from disk, else `.guardrail.yml` at the base revision, else
/// (plain diff) in the working directory, else defaults.
fn load_config(
    s: &CheckSettings,
    repo: Option<&Repo>,
    base: Option<&str>,
) -> Result<(Config, Option<String>)> {
    if let Some(p) = &s.config {
        let bytes = config::read_file(p)?;
        return Ok((Config::parse(&bytes, p)?, Some(sha256_hex(&bytes))));
    }
    let shown = PathBuf::from(config::FILE_NAME);
    match (repo, base) {
        (Some(repo), Some(base)) => {
            match repo.read_file(&Rev::Commit(base.to_owned()), config::FILE_NAME)? {
                Some(bytes) => {
                    let shown = PathBuf::from(format!(
                        "{}@{}",
                        config::FILE_NAME,
                        &base[..base.len().min(12)]
                    ));
                    Ok((Config::parse(&bytes, &shown)?, Some(sha256_hex(&bytes))))
                }
                None => Ok((Config::default(), None)),
            }
        }
        (Some(_), None) if !matches!(s.source, ChangeSource::Diff(_)) => {
            Ok((Config::default(), None))
        }
        _ => {
            let p = s.cwd.join(config::FILE_NAME);
            match std::fs::read(&p) {
                Ok(bytes) => Ok((Config::parse(&bytes, &shown)?, Some(sha256_hex(&bytes)))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Config::default(), None)),
                Err(e) => Err(Error::io(p, e)),
            }
        }
    }
}

/// A change read and ready to check: what [`run`] needs, and what the caller may look at
/// first (the repository and revisions, to work out who wrote the change).
pub(crate) struct Prepared {
    /// Base commit.
    pub(crate) base: Option<String>,
    /// Head commit (None for `--staged` and plain diffs).
    pub(crate) head: Option<String>,
    head_rev: Rev,
    /// The repository, when there is one.
    pub(crate) repo: Option<Repo>,
    /// The config in force.
    pub(crate) config: Config,
    config_sha256: Option<String>,
    rules: RuleSet,
    changes: ChangeSet,
    diff_sha256: String,
    started: time::OffsetDateTime,
}

/// Reads the change, the config and the rules.
pub(crate) fn prepare(s: &CheckSettings, stdin: &mut dyn Read) -> Result<Prepared> {
    let started = time::OffsetDateTime::now_utc();
    let preloaded = pipeline::preload_builtin_rules();
    let limit_default = config::Limits::default().max_diff_bytes;
    let change = {
        let _t = tracing::debug_span!("get_change").entered();
        get_change(s, stdin, limit_default)?
    };
    let (cfg, config_sha256) = {
        let _t = tracing::debug_span!("load_config").entered();
        load_config(s, change.repo.as_ref(), change.base.as_deref())?
    };
    let diff_name = match &s.source {
        ChangeSource::Diff(p) if p.as_os_str() == "-" => PathBuf::from("<stdin>"),
        ChangeSource::Diff(p) => p.clone(),
        _ => PathBuf::from("git diff"),
    };
    if change.diff.len() as u64 > cfg.limits.max_diff_bytes {
        return Err(Error::Limit {
            path: diff_name,
            message: format!(
                "diff is larger than {} bytes (limits.max-diff-bytes)",
                cfg.limits.max_diff_bytes
            ),
        });
    }
    let changes = {
        let _t = tracing::debug_span!("parse_diff").entered();
        diff::parse(&change.diff).map_err(|e| Error::parse(&diff_name, Some(e.line), e.message))?
    };
    for f in &changes.files {
        if f.added_bytes > cfg.limits.max_file_bytes {
            return Err(Error::Limit {
                path: PathBuf::from(f.path()),
                message: format!(
                    "{} bytes added, over the {} byte limit (raise limits.max-file-bytes in {} or exclude the path)",
                    f.added_bytes,
                    cfg.limits.max_file_bytes,
                    config::FILE_NAME
                ),
            });
        }
    }
    let rules = {
        let _t = tracing::debug_span!("load_rules").entered();
        pipeline::load_rules_with(
            &cfg,
            &s.rules,
            change.repo.as_ref(),
            change.base.as_deref(),
            &s.cwd,
            Some(preloaded),
        )?
    };
    Ok(Prepared {
        base: change.base,
        head: change.head,
        head_rev: change.head_rev,
        repo: change.repo,
        config: cfg,
        config_sha256,
        rules,
        changes,
        diff_sha256: sha256_hex(&change.diff),
        started,
    })
}

/// Runs every check on a prepared change and applies the policy, once; `agent_written` turns
/// on the config's agent tier.
pub(crate) fn run(p: Prepared, s: &CheckSettings, agent_written: bool) -> Result<Outcome> {
    let revs = p.repo.as_ref().map(|repo| GitRevs {
        repo,
        base: p.base.clone(),
        head: p.head_rev.clone(),
    });
    let mut notes = Vec::new();
    let binaries: Vec<&str> = p
        .changes
        .files
        .iter()
        .filter(|f| f.binary)
        .map(|f| f.path())
        .collect();
    if !binaries.is_empty() {
        notes.push(format!(
            "skipped {} binary file(s): {}",
            binaries.len(),
            binaries.join(", ")
        ));
    }
    let checked = pipeline::run(&pipeline::Input {
        changes: &p.changes,
        revs: revs.as_ref().map(|r| r as &dyn Revisions),
        config: &p.config,
        rules: &p.rules,
        env: &s.env,
        offline: s.offline,
        scan: false,
        db_dir: s.db.as_deref(),
        agent_written,
        today: pipeline::today(),
    })?;
    notes.extend(checked.notes);
    drop(revs);
    Ok(Outcome {
        verdict: checked.verdict,
        base: p.base,
        head: p.head,
        findings: checked.findings,
        notes,
        diff_sha256: p.diff_sha256,
        config_sha256: p.config_sha256,
        config: p.config,
        rules: p.rules,
        changes: p.changes,
        repo: p.repo,
        db: s.db.clone(),
        started: p.started,
    })
}
