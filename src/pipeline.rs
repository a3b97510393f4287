//! The one pipeline `check` and `scan` share: the dependency stage, every check, then the
//! policy, once. The callers differ only in how they build the change it looks at (a diff
//! between two revisions, or a tree in which every line is added).
//!
//! The checks run in three lanes on their own threads ([`Lane`]): the change lane starts at
//! once, beside the dependency stage; the dependency and cache lanes start when the stage is
//! done. Findings and notes come out in [`default_checks`]' order whichever lane finishes
//! first, so a run's output does not depend on thread timing.

use std::path::{Path, PathBuf};

use crate::checks::private::PrivateSources;
use crate::checks::{default_checks, Check, Context, Lane, Shared};
use crate::config::{self, Config, Env, PathFilter};
use crate::deps::{self, Dependencies, StageInput};
use crate::diff::{ChangeSet, Revisions};
use crate::error::Result;
use crate::finding::Finding;
use crate::git::{Repo, Rev};
use crate::policy::{Policy, Verdict};
use crate::rules::{self, RuleSet, Source};

/// What one run looks at.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    /// The change (for a scan: every line of the tree added).
    pub(crate) changes: &'a ChangeSet,
    /// File access at base and head.
    pub(crate) revs: Option<&'a dyn Revisions>,
    /// The config in force.
    pub(crate) config: &'a Config,
    /// The compiled rules in force.
    pub(crate) rules: &'a RuleSet,
    /// The environment the edge read.
    pub(crate) env: &'a Env,
    /// Never touch the network.
    pub(crate) offline: bool,
    /// Whole-tree scan: suppressions already present count, the gate-edit rules do not run.
    pub(crate) scan: bool,
    /// Advisory database directory.
    pub(crate) db_dir: Option<&'a Path>,
    /// The change was written by a coding agent: the config's agent tier applies.
    pub(crate) agent_written: bool,
    /// The date ignores expire against.
    pub(crate) today: time::Date,
}

/// What a run found, after the policy.
pub struct Checked {
    /// The decision.
    pub(crate) verdict: Verdict,
    /// Findings in force, sorted.
    pub(crate) findings: Vec<Finding>,
    /// Things to tell the user, in check order.
    pub(crate) notes: Vec<String>,
}

type LaneResult = Vec<(usize, Result<Vec<Finding>>, Vec<String>)>;

/// Runs each check of `list` in order with a fresh context; stops at the first error.
fn run_lane<'a>(
    list: &[(usize, &dyn Check)],
    make: &(dyn Fn() -> Context<'a> + Sync),
) -> LaneResult {
    let mut out = Vec::new();
    for (i, check) in list {
        let _t = tracing::debug_span!("check", name = check.name()).entered();
        let ctx = make();
        let r = check.run(&ctx);
        let failed = r.is_err();
        out.push((*i, r, ctx.take_notes()));
        if failed {
            break;
        }
    }
    out
}

/// Runs every check over `input` and applies the policy once.
pub(crate) fn run(input: &Input<'_>) -> Result<Checked> {
    let checks = default_checks();
    let shared = Shared {
        changes: input.changes,
        revs: input.revs,
        config: input.config,
        rules: input.rules,
        env: input.env,
        offline: input.offline,
        scan: input.scan,
        db_dir: input.db_dir,
    };
    let lane = |l: Lane| -> Vec<(usize, &dyn Check)> {
        checks
            .iter()
            .map(|c| c.as_ref())
            .enumerate()
            .filter(|(_, c)| c.lane() == l)
            .collect()
    };
    let (change_lane, deps_lane, cache_lane) = (
        lane(Lane::Change),
        lane(Lane::Dependencies),
        lane(Lane::Caches),
    );
    let filter = PathFilter::new(&input.config.exclude);
    let mut stage_notes = Vec::new();
    let mut results: LaneResult = std::thread::scope(|scope| -> Result<LaneResult> {
        let change = scope.spawn(|| run_lane(&change_lane, &|| Context::new(shared)));
        let stage = deps::stage(StageInput {
            changes: input.changes,
            revs: input.revs,
            filter: &filter,
            max_file_bytes: input.config.limits.max_file_bytes,
        });
        let mut here = Vec::new();
        match stage {
            Ok(deps) => {
                stage_notes.clone_from(&deps.notes);
                let private = private_sources(input, &deps)?;
                let with_deps = || Context::with_dependencies(shared, &deps, private.as_ref());
                std::thread::scope(|inner| {
                    let caches = inner.spawn(|| run_lane(&cache_lane, &with_deps));
                    here.extend(run_lane(&deps_lane, &with_deps));
                    here.extend(join(caches));
                });
            }
            // The stage's error takes the place of the first check that needed its data.
            Err(e) => {
                if let Some((i, _)) = deps_lane.first().or(cache_lane.first()) {
                    here.push((*i, Err(e), Vec::new()));
                } else {
                    return Err(e);
                }
            }
        }
        here.extend(join(change));
        Ok(here)
    })?;
    results.sort_by_key(|(i, _, _)| *i);
    let first_deps = deps_lane.iter().chain(&cache_lane).map(|(i, _)| *i).min();
    let mut raw = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let say = |n: String, notes: &mut Vec<String>| {
        if !notes.contains(&n) {
            notes.push(n);
        }
    };
    let mut first_error = None;
    for (i, r, ns) in results {
        // The stage's notes come where the first check that reads its data would have said them.
        if Some(i) == first_deps {
            for n in std::mem::take(&mut stage_notes) {
                say(n, &mut notes);
            }
        }
        for n in ns {
            say(n, &mut notes);
        }
        match r {
            Ok(f) => raw.extend(f),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let decision = Policy::new(input.config, input.today)
        .agent_written(input.agent_written)
        .decide(raw);
    notes.extend(decision.notes);
    Ok(Checked {
        verdict: decision.verdict,
        findings: decision.findings,
        notes,
    })
}

/// Which dependencies come from private registries (their names are never sent to a public
/// registry, nor judged against a public registry's name list offline).
fn private_sources(input: &Input<'_>, deps: &Dependencies) -> Result<Option<PrivateSources>> {
    if deps.changes.is_empty() {
        return Ok(None);
    }
    PrivateSources::of(input.revs, input.changes, input.env, deps).map(Some)
}

fn join(h: std::thread::ScopedJoinHandle<'_, LaneResult>) -> LaneResult {
    // A panic in a check is a bug; it surfaces as one, not as a silent empty result.
    match h.join() {
        Ok(r) => r,
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// Today's date in UTC.
pub(crate) fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Rule files of a directory at a commit.
fn rules_at(repo: &Repo, commit: &str, dir: &str) -> Result<Vec<Source>> {
    let listing = repo.run(&["ls-tree", "-r", "--name-only", "-z", commit, "--", dir])?;
    let mut out = Vec::new();
    for name in listing.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let file = name.rsplit('/').next().unwrap_or(&name);
        if !rules::is_rule_file(file) {
            continue;
        }
        if let Some(bytes) = repo.read_file(&Rev::Commit(commit.to_owned()), &name)? {
            let shown = PathBuf::from(format!("{name}@{}", &commit[..commit.len().min(12)]));
            out.push(Source {
                text: config::utf8(&bytes, &shown)?.to_owned(),
                path: shown,
            });
        }
    }
    Ok(out)
}

/// Compiles the rules in force: built-in packs (unless disabled), the config's extra
/// directories (at the base revision), and `--rules` paths.
pub fn load_rules(
    cfg: &Config,
    extra: &[PathBuf],
    repo: Option<&Repo>,
    base: Option<&str>,
    cwd: &Path,
) -> Result<RuleSet> {
    load_rules_with(cfg, extra, repo, base, cwd, None)
}

/// The built-in packs alone, loaded on another thread while git works: what most configs use.
pub(crate) type Preloaded = std::thread::JoinHandle<Result<RuleSet>>;

pub(crate) fn preload_builtin_rules() -> Preloaded {
    std::thread::spawn(|| {
        let _t = tracing::debug_span!("preload_builtin_rules").entered();
        RuleSet::compile(&rules::builtin_sources())
    })
}

/// [`load_rules`], taking the preloaded built-in set when the config asks for exactly that.
pub(crate) fn load_rules_with(
    cfg: &Config,
    extra: &[PathBuf],
    repo: Option<&Repo>,
    base: Option<&str>,
    cwd: &Path,
    preloaded: Option<Preloaded>,
) -> Result<RuleSet> {
    if let Some(handle) = preloaded {
        if cfg.rules.builtin && cfg.rules.extra.is_empty() && extra.is_empty() {
            if let Ok(Ok(mut set)) = handle.join() {
                set.disable(&cfg.rules.disable);
                return Ok(set);
            }
        }
    }
    let _t = tracing::debug_span!("builtin_sources").entered();
    let mut sources = if cfg.rules.builtin {
        rules::builtin_sources()
    } else {
        Vec::new()
    };
    for dir in &cfg.rules.extra {
        match (repo, base) {
            (Some(r), Some(b)) => sources.extend(rules_at(r, b, dir)?),
            _ => sources.extend(rules::dir_sources(&cwd.join(dir))?),
        }
    }
    for p in extra {
        sources.extend(rules::dir_sources(p)?);
    }
    drop(_t);
    let mut set = RuleSet::compile(&sources)?;
    set.disable(&cfg.rules.disable);
    Ok(set)
}
