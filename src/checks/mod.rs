//! Checks: each looks at a [`Context`] (the change, file access at both revisions, the config)
//! and returns findings. Every check implements the one [`Check`] trait; [`default_checks`]
//! lists the ones `check` and `scan` run.

use std::path::Path;
use std::sync::Mutex;

use crate::config::{Config, Env};
use crate::deps::Dependencies;
use crate::diff::{ChangeSet, Revisions};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::rules::RuleSet;

pub(crate) mod agent;
pub(crate) mod ci_edit;
pub(crate) mod code;
pub(crate) mod deps;
pub(crate) mod generated;
pub(crate) mod hidden;
pub(crate) mod integrity;
pub(crate) mod linters;
pub(crate) mod private;
pub mod redact;
pub mod runs_as;
pub mod typosquat;
pub mod yanked;

/// Everything a check may look at. The pipeline builds one per check, so each check's notes
/// stay its own and come out in check order whatever thread ran it.
pub struct Context<'a> {
    /// The change.
    pub(crate) changes: &'a ChangeSet,
    /// File access at base and head; None when checking a plain diff.
    pub(crate) revs: Option<&'a dyn Revisions>,
    /// The config in force (from the base revision).
    pub(crate) config: &'a Config,
    /// The compiled rules in force.
    pub(crate) rules: &'a RuleSet,
    /// The environment the edge read (package-manager settings, cache locations).
    pub(crate) env: &'a Env,
    /// Never touch the network.
    pub(crate) offline: bool,
    /// Whole-tree scan: every line counts as added and suppressions already present count.
    pub(crate) scan: bool,
    /// Advisory database directory (`--db`, `GUARDRAIL_DB_DIR`, or the user cache).
    pub(crate) db_dir: Option<&'a Path>,
    /// The dependency stage's output; None for checks of [`Lane::Change`], which run before it
    /// is ready.
    deps: Option<&'a Dependencies>,
    /// Which dependencies come from private registries; None when the change has none.
    private: Option<&'a private::PrivateSources>,
    notes: Mutex<Vec<String>>,
}

/// What a run gives every check: the change and its settings.
#[derive(Clone, Copy)]
pub(crate) struct Shared<'a> {
    /// The change.
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
    /// Whole-tree scan.
    pub(crate) scan: bool,
    /// Advisory database directory.
    pub(crate) db_dir: Option<&'a Path>,
}

impl<'a> Shared<'a> {
    /// A change with its config and rules, no revisions, an empty environment, online, not a
    /// scan: set the fields that differ.
    pub(crate) fn new(changes: &'a ChangeSet, config: &'a Config, rules: &'a RuleSet) -> Self {
        Shared {
            changes,
            revs: None,
            config,
            rules,
            env: Env::empty(),
            offline: false,
            scan: false,
            db_dir: None,
        }
    }
}

impl<'a> Context<'a> {
    /// A context for a check that reads the change only.
    pub(crate) fn new(shared: Shared<'a>) -> Self {
        Context {
            changes: shared.changes,
            revs: shared.revs,
            config: shared.config,
            rules: shared.rules,
            env: shared.env,
            offline: shared.offline,
            scan: shared.scan,
            db_dir: shared.db_dir,
            deps: None,
            private: None,
            notes: Mutex::new(Vec::new()),
        }
    }

    /// A context for a check that also reads the dependency stage's output.
    pub(crate) fn with_dependencies(
        shared: Shared<'a>,
        deps: &'a Dependencies,
        private: Option<&'a private::PrivateSources>,
    ) -> Self {
        Context {
            deps: Some(deps),
            private,
            ..Context::new(shared)
        }
    }

    /// Records a note for stderr (said once per distinct text).
    pub(crate) fn note(&self, text: impl Into<String>) {
        let text = text.into();
        if let Ok(mut n) = self.notes.lock() {
            if !n.contains(&text) {
                n.push(text);
            }
        }
    }

    /// The dependency stage's output. An error for a check declared [`Lane::Change`]: it runs
    /// before the stage is done, so reading dependency data there is a bug in the check.
    pub(crate) fn dependencies(&self) -> Result<&'a Dependencies> {
        self.deps.ok_or_else(|| {
            Error::Usage(
                "internal: a check of the change lane asked for dependency data".to_owned(),
            )
        })
    }

    /// The change's dependency changes.
    pub(crate) fn dependency_changes(&self) -> Result<&'a [crate::deps::DepChange]> {
        Ok(&self.dependencies()?.changes)
    }

    /// The dependency files of the change parsed at both revisions.
    pub(crate) fn file_deps(&self) -> Result<&'a [crate::deps::FileDeps]> {
        Ok(&self.dependencies()?.files)
    }

    /// Which of the change's dependencies come from private registries (never sent to public
    /// ones); None when the change adds no dependency.
    pub(crate) fn private_sources(&self) -> Option<&'a private::PrivateSources> {
        self.private
    }

    /// The notes recorded so far.
    pub(crate) fn take_notes(&self) -> Vec<String> {
        self.notes
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }
}

/// When a check can run: the pipeline starts the change lane at once and the others when the
/// dependency stage is done, each lane on its own thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    /// Reads the change and the files at both revisions only (code rules, gate edits).
    Change,
    /// Reads the dependency stage's output.
    Dependencies,
    /// Reads the dependency stage's output and local package-manager caches (mostly file
    /// reads, so it gets a thread of its own).
    Caches,
}

/// One kind of check.
pub(crate) trait Check: Send + Sync {
    /// Short name, for notes and timing.
    fn name(&self) -> &'static str;
    /// The lane it runs in.
    fn lane(&self) -> Lane;
    /// Findings for the change.
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>>;
}

/// The checks `check` runs, in order.
pub(crate) fn default_checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(code::CodeRules),
        Box::new(agent::GateEdits),
        Box::new(hidden::HiddenText),
        Box::new(linters::LinterConfigs),
        Box::new(typosquat::Typosquat),
        Box::new(deps::Advisories),
        Box::new(integrity::LockfileIntegrity),
        Box::new(yanked::Yanked),
    ]
}
