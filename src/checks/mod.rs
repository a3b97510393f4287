//! Checks: each looks at a [`Context`] (the change, file access at both revisions, the config)
//! and returns findings. Every check implements the one [`Check`] trait; [`default_checks`]
//! lists the ones `check` and `scan` run.

use std::sync::{Mutex, OnceLock};

use crate::config::Config;
use crate::deps::DepChange;
use crate::diff::ChangeSet;
use crate::error::Result;
use crate::finding::Finding;
use crate::rules::RuleSet;

pub mod agent;
pub mod ci_edit;
pub mod code;
pub mod deps;
pub mod generated;
pub mod integrity;
pub mod linters;
pub mod private;
pub mod typosquat;
pub mod yanked;

/// Read access to files at the base and head revisions.
pub trait Revisions: Sync {
    /// A file at the base revision (None: absent there, or no base known).
    fn base(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// A file at the head revision (None: absent there, or not available).
    fn head(&self, path: &str) -> Result<Option<Vec<u8>>>;
}

/// Everything a check may look at.
pub struct Context<'a> {
    /// The change.
    pub changes: &'a ChangeSet,
    /// File access at base and head; None when checking a plain diff.
    pub revs: Option<&'a dyn Revisions>,
    /// The config in force (from the base revision).
    pub config: &'a Config,
    /// The compiled rules in force.
    pub rules: &'a RuleSet,
    /// Never touch the network.
    pub offline: bool,
    /// Whole-tree scan: every line counts as added and suppressions already present count.
    pub scan: bool,
    /// Advisory database directory (`--db`, `GUARDRAIL_DB_DIR`, or the user cache).
    pub db_dir: Option<std::path::PathBuf>,
    notes: Mutex<Vec<(u8, String)>>,
    deps: OnceLock<Vec<DepChange>>,
    file_deps: OnceLock<Vec<crate::deps::FileDeps>>,
    private: OnceLock<private::PrivateSources>,
    /// Held while the dependency files are read: checks on other threads that need them wait
    /// for the one read instead of repeating it.
    deps_busy: Mutex<()>,
    /// The same for the dependency diff: the checks that want it start together, on as many
    /// threads as there are cores, so a repeated diff would take a core from the code rules.
    changes_busy: Mutex<()>,
}

impl<'a> Context<'a> {
    /// A context over a change.
    pub fn new(
        changes: &'a ChangeSet,
        revs: Option<&'a dyn Revisions>,
        config: &'a Config,
        rules: &'a RuleSet,
    ) -> Self {
        Context {
            changes,
            revs,
            config,
            rules,
            offline: false,
            scan: false,
            db_dir: None,
            notes: Mutex::new(Vec::new()),
            deps: OnceLock::new(),
            file_deps: OnceLock::new(),
            private: OnceLock::new(),
            deps_busy: Mutex::new(()),
            changes_busy: Mutex::new(()),
        }
    }

    /// Records a note for stderr (said once per distinct text).
    pub fn note(&self, text: impl Into<String>) {
        let text = text.into();
        let group = NOTE_GROUP.with(std::cell::Cell::get);
        if let Ok(mut n) = self.notes.lock() {
            if !n.iter().any(|(_, t)| *t == text) {
                n.push((group, text));
            }
        }
    }

    /// The change's dependency changes, computed once and shared by every check (a second
    /// caller waits for the first).
    pub fn dependency_changes(&self) -> Result<&[DepChange]> {
        if let Some(d) = self.deps.get() {
            return Ok(d);
        }
        let _busy = self.changes_busy.lock();
        if let Some(d) = self.deps.get() {
            return Ok(d);
        }
        let computed = with_note_group(DEPS_NOTE_GROUP, || crate::deps::collect(self))?;
        Ok(self.deps.get_or_init(|| computed))
    }

    /// The dependency files of the change parsed at both revisions, read and parsed once (a
    /// second caller waits for the first): the dependency diff and the integrity check both
    /// need them.
    pub fn file_deps(&self) -> Result<&[crate::deps::FileDeps]> {
        if let Some(d) = self.file_deps.get() {
            return Ok(d);
        }
        let _busy = self.deps_busy.lock();
        if let Some(d) = self.file_deps.get() {
            return Ok(d);
        }
        let computed = with_note_group(DEPS_NOTE_GROUP, || crate::deps::file_deps(self))?;
        Ok(self.file_deps.get_or_init(|| computed))
    }

    /// Which of the change's dependencies come from private registries (never sent to public
    /// ones), worked out once per run for every check that goes online.
    pub fn private_sources(&self) -> Result<&private::PrivateSources> {
        if let Some(p) = self.private.get() {
            return Ok(p);
        }
        let changes = self.dependency_changes()?;
        let computed = private::PrivateSources::of(self, changes.iter().map(|c| &c.dep))?;
        Ok(self.private.get_or_init(|| computed))
    }

    /// The notes recorded so far.
    pub fn take_notes(&self) -> Vec<String> {
        let mut notes = self
            .notes
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default();
        // Checks running side by side note in any interleaving; the order shown is by group,
        // then by time within the group (each group runs in order).
        notes.sort_by_key(|(g, _)| *g);
        notes.into_iter().map(|(_, t)| t).collect()
    }
}

thread_local! {
    static NOTE_GROUP: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// Tags the notes this thread records from now on with `group` (see [`Context::take_notes`]).
pub fn set_note_group(group: u8) {
    NOTE_GROUP.with(|g| g.set(group));
}

/// The note group of the dependency checks' lane: notes from reading dependency files carry
/// it whichever thread happens to read them first.
pub const DEPS_NOTE_GROUP: u8 = 1;

fn with_note_group<T>(group: u8, f: impl FnOnce() -> T) -> T {
    let before = NOTE_GROUP.with(|g| g.replace(group));
    let out = f();
    NOTE_GROUP.with(|g| g.set(before));
    out
}

/// One kind of check.
pub trait Check: Send + Sync {
    /// Short name, for notes and timing.
    fn name(&self) -> &'static str;
    /// Findings for the change.
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>>;
}

/// The checks `check` runs, in order.
pub fn default_checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(code::CodeRules),
        Box::new(agent::GateEdits),
        Box::new(linters::LinterConfigs),
        Box::new(typosquat::Typosquat),
        Box::new(deps::Advisories),
        Box::new(integrity::LockfileIntegrity),
        Box::new(yanked::Yanked),
    ]
}
