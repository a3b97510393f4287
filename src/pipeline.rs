//! The one pipeline `check` and `scan` share: the dependency stage, every check, then the
//! policy, once. The callers differ only in how they build the change it looks at (a diff
//! between two revisions, or a tree in which every line is added).
//!
//! The checks run in three lanes on their own threads ([`Lane`]): the change lane starts at
//! once, beside the dependency stage; the dependency and cache lanes start when the stage is
//! done. Findings and notes come out in [`default_checks`]' order whichever lane finishes
//! first, so a run's output does not depend on thread timing.

use std::path::Path;

use crate::checks::private::PrivateSources;
use crate::checks::{default_checks, Check, Context, Lane, Shared};
use crate::config::{Config, Env, PathFilter};
use crate::deps::{self, Dependencies, StageInput};
use crate::diff::{ChangeSet, Revisions};
use crate::error::Result;
use crate::finding::Finding;
use crate::policy::{Policy, Verdict};
use crate::rules::RuleSet;

/// What one run looks at.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The change (for a scan: every line of the tree added).
    pub changes: &'a ChangeSet,
    /// File access at base and head.
    pub revs: Option<&'a dyn Revisions>,
    /// The config in force.
    pub config: &'a Config,
    /// The compiled rules in force.
    pub rules: &'a RuleSet,
    /// The environment the edge read.
    pub env: &'a Env,
    /// Never touch the network.
    pub offline: bool,
    /// Whole-tree scan: suppressions already present count, the gate-edit rules do not run.
    pub scan: bool,
    /// Advisory database directory.
    pub db_dir: Option<&'a Path>,
    /// The change was written by a coding agent: the config's agent tier applies.
    pub agent_written: bool,
    /// The date ignores expire against.
    pub today: time::Date,
}

/// What a run found, after the policy.
pub struct Checked {
    /// The decision.
    pub verdict: Verdict,
    /// Findings in force, sorted.
    pub findings: Vec<Finding>,
    /// Things to tell the user, in check order.
    pub notes: Vec<String>,
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
pub fn run(input: &Input<'_>) -> Result<Checked> {
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

/// Which dependencies come from private registries: worked out only when names may be sent.
fn private_sources(input: &Input<'_>, deps: &Dependencies) -> Result<Option<PrivateSources>> {
    if input.offline || deps.changes.is_empty() {
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
