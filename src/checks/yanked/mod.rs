//! Withdrawn versions (kind `dependency`, yellow): a change that adds, or moves a lockfile to, a
//! version its maintainers withdrew — a crates.io version they yanked (`yanked-crate-version`),
//! an npm version they deprecated (`deprecated-npm-version`), a PyPI release they yanked
//! (`yanked-pypi-version`), a Go module version they retracted (`retracted-go-version`). Read
//! first, offline, from the package managers' own caches (cargo's index cache, npm's
//! `_cacache`, Go's module cache); versions they do not list are then looked up in the
//! registries (per-version documents; for Go the module proxy) unless `--offline` (at most
//! [`MAX_ONLINE`] per run, cached like the typosquat look-ups). What neither answers is not
//! judged, and one note per ecosystem says how many were skipped.
//!
//! The module also owns the summaries of those cache files: a large lockfile names hundreds
//! of crates whose cache files hold tens of MB of JSON, so each file read is boiled down to one
//! line (its versions, withdrawn ones marked) kept in guardrail's cache and reused while the
//! cache file keeps its size and modification time.

pub(crate) mod cargo;
pub mod go;
pub mod npm;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::checks::typosquat::registry::{Client, Fetched, Query};
use crate::checks::{Check, Context, Lane};
use crate::config::Env;
use crate::deps::{ChangeKind, Dep, DepSource};
use crate::ecosystem::Ecosystem;
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

pub use cargo::{cache_dirs, index_path, lookup, versions_in_cache};

/// The withdrawn-version check.
pub struct Yanked;

/// First line of a summary file; a file with another first line is ignored and rewritten.
const SUMMARY_HEADER: &str = "guardrail yanked summary 2";

/// The summaries' file name inside their directory.
pub(crate) const SUMMARY_FILE: &str = "summary.tsv";

/// Summary files larger than this are not read (one line per cache file: a few MB for every
/// crate on crates.io).
const MAX_SUMMARY: u64 = 64 << 20;

/// Where the summaries live: `$GUARDRAIL_YANKED_CACHE` (empty: in memory for one run only),
/// else `guardrail/yanked` in the user cache directory.
pub(crate) fn default_summary_dir(env: &Env) -> Option<PathBuf> {
    match env.var_os("GUARDRAIL_YANKED_CACHE") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => dirs::cache_dir().map(|d| d.join("guardrail").join("yanked")),
    }
}

/// The summary line of a cache file's versions: `1.0.0 !1.0.1 1.1.0`, withdrawn ones marked
/// with `!`. Versions that would break the line format (no registry allows them) are left out.
pub(crate) fn versions_line<'a>(listed: impl IntoIterator<Item = (&'a str, bool)>) -> String {
    let mut line = String::new();
    for (v, withdrawn) in listed {
        if v.is_empty() || v.bytes().any(|b| b.is_ascii_whitespace() || b == b'!') {
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        if withdrawn {
            line.push('!');
        }
        line.push_str(v);
    }
    line
}

/// Some(withdrawn) when the summary line lists `version`.
fn in_line(line: &str, version: &str) -> Option<bool> {
    line.split(' ').find_map(|v| match v.strip_prefix('!') {
        Some(y) if y == version => Some(true),
        None if v == version => Some(false),
        _ => None,
    })
}

/// One cache file's summary: the file's [`stamp`] when it was read, and its
/// [`versions_line`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Summary {
    stamp: String,
    versions: String,
    /// Saved for later runs (false: this run only, the file was written a moment ago).
    keep: bool,
}

/// A file's identity and version as the file system reports it: size, modification and status
/// change times (ns), inode. Any write changes the status change time, and a rename in (how
/// cargo and npm replace files) the inode, so an equal stamp means the same bytes — except
/// within the file system's time resolution of a write, which [`RACY`] covers.
fn stamp(meta: &std::fs::Metadata) -> Option<(String, std::time::SystemTime)> {
    let mtime = meta.modified().ok()?;
    let mtime_ns = mtime.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    #[cfg(unix)]
    let (ctime_ns, ino) = {
        use std::os::unix::fs::MetadataExt;
        (
            i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            meta.ino(),
        )
    };
    #[cfg(not(unix))]
    let (ctime_ns, ino) = (0i128, 0u64);
    Some((format!("{}.{mtime_ns}.{ctime_ns}.{ino}", meta.len()), mtime))
}

/// A file modified this recently is read but not summarised: another write within the same
/// time stamp could leave its stamp unchanged ("racy" entries, as git calls them).
const RACY: std::time::Duration = std::time::Duration::from_secs(2);

/// The summaries of cache files, by the file's path; loaded from and saved to one file.
pub(crate) struct Summaries {
    store: Option<PathBuf>,
    map: HashMap<PathBuf, Summary>,
    dirty: bool,
    /// Cache files read this run (not answered from a summary).
    pub(crate) reads: usize,
}

impl Summaries {
    /// The summaries saved in `store` (a directory), or none. A missing, unreadable or
    /// malformed summary file is an empty one: it is a cache.
    pub(crate) fn open(store: Option<PathBuf>) -> Summaries {
        let map = store
            .as_deref()
            .map(|s| read_summaries(&s.join(SUMMARY_FILE)))
            .unwrap_or_default();
        Summaries {
            store,
            map,
            dirty: false,
            reads: 0,
        }
    }

    /// Whether the cache file at `path` lists `version` as withdrawn: answered from its
    /// summary while the file is unchanged, else by reading it (at most `max_len` bytes) and
    /// summarising it with `summarise` (None: not a file this reader knows). None when the file
    /// is missing, unknown, or does not list the version.
    pub(crate) fn lookup(
        &mut self,
        path: &Path,
        version: &str,
        max_len: u64,
        summarise: impl FnOnce(&[u8]) -> Option<String>,
    ) -> Option<bool> {
        let meta = std::fs::metadata(path).ok()?;
        let len = meta.len();
        if !meta.is_file() || len > max_len {
            return None;
        }
        let stamp = stamp(&meta);
        if let (Some(s), Some((now, _))) = (self.map.get(path), &stamp) {
            if s.stamp == *now {
                return in_line(&s.versions, version);
            }
        }
        self.reads += 1;
        let bytes = read_limited(path, max_len)?;
        let versions = summarise(&bytes)?;
        let answer = in_line(&versions, version);
        // A file that changed while it was read, or has no usable time, is not remembered; one
        // written a moment ago only for this run.
        if let (Some((stamp, mtime)), true) = (stamp, bytes.len() as u64 == len) {
            let keep = mtime.elapsed().is_ok_and(|age| age >= RACY) && storable(path);
            self.dirty |= keep;
            self.map.insert(
                path.to_owned(),
                Summary {
                    stamp,
                    versions,
                    keep,
                },
            );
        }
        answer
    }

    /// Writes the summaries back when this run read new cache files (atomically; failures are
    /// ignored, as for any cache).
    pub(crate) fn save(&self) {
        let Some(dir) = self.store.as_deref().filter(|_| self.dirty) else {
            return;
        };
        let mut text = String::from(SUMMARY_HEADER);
        text.push('\n');
        let mut lines: Vec<_> = self.map.iter().filter(|(_, s)| s.keep).collect();
        lines.sort_by(|a, b| a.0.cmp(b.0));
        for (path, s) in lines {
            let Some(p) = path.to_str() else { continue };
            text.push_str(&format!("{p}\t{}\t{}\n", s.stamp, s.versions));
        }
        crate::rules::write_atomic(dir, &dir.join(SUMMARY_FILE), text.as_bytes());
    }
}

/// Paths that fit the summary's line format (UTF-8, no tab or line break).
fn storable(path: &Path) -> bool {
    path.to_str()
        .is_some_and(|p| !p.contains(['\t', '\n', '\r']))
}

/// The summaries in a summary file; lines that do not parse are dropped.
fn read_summaries(file: &Path) -> HashMap<PathBuf, Summary> {
    let mut out = HashMap::new();
    let Ok(f) = std::fs::File::open(file) else {
        return out;
    };
    let mut text = String::new();
    // A file over the limit is ignored whole: a cut last line could drop part of a version.
    if f.take(MAX_SUMMARY + 1).read_to_string(&mut text).is_err() || text.len() as u64 > MAX_SUMMARY
    {
        return out;
    }
    let mut lines = text.lines();
    if lines.next() != Some(SUMMARY_HEADER) {
        return out;
    }
    for line in lines {
        let mut parts = line.splitn(3, '\t');
        let (Some(p), Some(stamp), Some(versions)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if stamp.split('.').count() != 4 {
            continue;
        }
        out.insert(
            PathBuf::from(p),
            Summary {
                stamp: stamp.to_owned(),
                versions: versions.to_owned(),
                keep: true,
            },
        );
    }
    out
}

/// A file's bytes, at most `max` of them (None when it cannot be read). Sized from the
/// metadata: `Take` hides the file's length from `read_to_end`, which would otherwise grow the
/// buffer step by step (megabytes per crate).
pub(crate) fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let len = f.metadata().map(|m| m.len().min(max)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    f.take(max).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// A maintainer's free-text reason as a finding may quote it: one line, no control
/// characters, at most 300 characters; None when empty.
pub(crate) fn clean_reason(text: &str) -> Option<String> {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    Some(clean.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Exact registry versions of `ecosystem` the change adds or moves to.
fn added(deps: &[crate::deps::DepChange], ecosystem: Ecosystem) -> Vec<(&Dep, &str)> {
    deps.iter()
        .filter(|c| !matches!(c.kind, ChangeKind::Removed))
        .filter(|c| {
            c.dep.ecosystem == ecosystem && c.dep.exact && c.dep.source == DepSource::Registry
        })
        .filter_map(|c| Some((&c.dep, c.dep.version.as_deref()?)))
        .collect()
}

fn finding(rule: &str, dep: &Dep, version: &str, message: String) -> Finding {
    let mut f = Finding::new(
        rule,
        Kind::Dependency,
        Severity::Yellow,
        &dep.path,
        dep.line,
        message,
    );
    f.package = Some(super::deps::package(dep));
    f.with_fingerprint(&format!("{}@{version}", dep.name), 0)
}

/// Most versions looked up online in one run (a whole-lockfile rewrite names hundreds; the
/// rest are counted in a note, and the cache answers them on later runs once looked up).
pub(crate) const MAX_ONLINE: usize = 100;

/// What an ecosystem's withdrawn versions are called, for findings and notes.
struct Words {
    rule: &'static str,
    what: &'static str,
    registry: &'static str,
    /// Where the withdrawal is recorded, for the finding's message.
    on: &'static str,
    fix: fn(&str) -> String,
    cache: &'static str,
}

fn words(eco: Ecosystem) -> Words {
    match eco {
        Ecosystem::CratesIo => Words {
            rule: "yanked-crate-version",
            what: "yanked",
            registry: "crates.io",
            on: "on crates.io",
            fix: |n| format!("Run `cargo update -p {n}` to move to a version that is not yanked."),
            cache: "cargo's index cache (`cargo fetch` fills it)",
        },
        Ecosystem::Npm => Words {
            rule: "deprecated-npm-version",
            what: "deprecated",
            registry: "npm",
            on: "on npm",
            fix: |n| {
                format!("Move to a version that is not deprecated (`npm view {n} versions` lists them), or replace the package.")
            },
            cache: "npm's cache (`npm install` fills it; `npm ci` does not)",
        },
        Ecosystem::Go => Words {
            rule: "retracted-go-version",
            what: "retracted",
            registry: "Go",
            on: "by its module (a `retract` directive in its latest go.mod)",
            fix: |n| {
                format!("Run `go get {n}@latest` (or pick a version the module does not retract).")
            },
            cache: "Go's module cache (`go mod download` fills it)",
        },
        Ecosystem::PyPI => Words {
            rule: "yanked-pypi-version",
            what: "yanked",
            registry: "PyPI",
            on: "on PyPI",
            fix: |n| {
                format!("Pin a release of {n} that is not yanked (pip will not pick a yanked release unless pinned to it).")
            },
            cache: "any local cache (guardrail reads none for PyPI)",
        },
        // Not looked up (the check asks only the four ecosystems above).
        Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => Words {
            rule: "withdrawn-version",
            what: "withdrawn",
            registry: eco.as_str(),
            on: "by its registry",
            fix: |n| format!("Move {n} to a version its registry still offers."),
            cache: "no local cache",
        },
    }
}

/// Why a version stayed unjudged, for the notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unasked {
    /// `--offline`.
    Offline,
    /// Past the run's [`MAX_ONLINE`] look-ups.
    OverLimit,
    /// From a private registry or index (or a private Go module, or `GOPROXY=off`): never sent
    /// to the public one, whose answer would be about another package anyway.
    Private,
    /// Asked; the registry does not list it, or did not answer.
    Unanswered,
}

/// One added version and what is known about it so far.
struct Pending<'a> {
    dep: &'a Dep,
    version: &'a str,
    /// Some(withdrawn, reason) once a cache or the registry answered.
    status: Option<(bool, Option<String>)>,
    /// Why the registry was not asked (None: it may be).
    unasked: Option<Unasked>,
}

impl Check for Yanked {
    fn name(&self) -> &'static str {
        "yanked"
    }

    fn lane(&self) -> Lane {
        Lane::Caches
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let changes = ctx.dependency_changes()?;
        let mut pending: Vec<Pending<'_>> = [
            Ecosystem::CratesIo,
            Ecosystem::Npm,
            Ecosystem::PyPI,
            Ecosystem::Go,
        ]
        .into_iter()
        .flat_map(|eco| added(changes, eco))
        .map(|(dep, version)| Pending {
            dep,
            version,
            status: None,
            unasked: None,
        })
        .collect();
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        // Offline first: the package managers' caches. Sequential on purpose: the engine runs
        // this check on a thread of its own, beside the code rules, whose rayon pool would
        // otherwise queue these reads behind rule matching.
        let mut summaries = Summaries::open(default_summary_dir(ctx.env));
        let cargo_home = cargo::cargo_home(ctx.env);
        let mut crates = cargo::Index::new(
            cargo_home.as_deref().map(cache_dirs).unwrap_or_default(),
            &mut summaries,
        );
        for p in pending.iter_mut() {
            if p.dep.ecosystem == Ecosystem::CratesIo {
                p.status = crates.lookup(&p.dep.name, p.version).map(|y| (y, None));
            }
        }
        let mut npm_cache = npm::Index::new(
            npm::cache_root(ctx.env),
            npm::registry(ctx.env),
            &mut summaries,
        );
        for p in pending.iter_mut() {
            if p.dep.ecosystem == Ecosystem::Npm {
                p.status = npm_cache.lookup(&p.dep.name, p.version).map(|d| {
                    (
                        d,
                        d.then(|| npm_cache.message(&p.dep.name, p.version))
                            .flatten(),
                    )
                });
            }
        }
        summaries.save();
        // Go's cache can prove a retraction, never its absence (see `go`).
        let mut go_known: HashMap<&str, Option<Vec<go::Retraction>>> = HashMap::new();
        if let Some(cache) = go::mod_cache(ctx.env) {
            for p in pending.iter_mut() {
                if p.dep.ecosystem == Ecosystem::Go {
                    let rs = go_known
                        .entry(p.dep.name.as_str())
                        .or_insert_with(|| go::cached_retractions(&cache, &p.dep.name));
                    p.status = rs
                        .as_deref()
                        .map(|rs| go_status(rs, p.version))
                        .filter(|(retracted, _)| *retracted);
                }
            }
        }
        // Then the registries, for what the caches did not list — the public ones only.
        let mut online_error = None;
        if ctx.offline {
            for p in pending.iter_mut().filter(|p| p.status.is_none()) {
                p.unasked = Some(Unasked::Offline);
            }
        } else {
            let private = ctx.private_sources();
            let go_proxy = go::proxy(ctx.env);
            for p in pending.iter_mut().filter(|p| p.status.is_none()) {
                // A Go module also needs a proxy to ask and a path the proxy could serve.
                let unaskable_go = p.dep.ecosystem == Ecosystem::Go
                    && (go_proxy.is_none() || go::escape(&p.dep.name).is_none());
                if unaskable_go || private.is_some_and(|s| s.contains(p.dep)) {
                    p.unasked = Some(Unasked::Private);
                }
            }
            let askable = |p: &Pending<'_>| p.status.is_none() && p.unasked.is_none();
            let mut todo: Vec<usize> = (0..pending.len())
                .filter(|&i| askable(&pending[i]) && pending[i].dep.ecosystem != Ecosystem::Go)
                .collect();
            for &i in todo.iter().skip(MAX_ONLINE) {
                pending[i].unasked = Some(Unasked::OverLimit);
            }
            todo.truncate(MAX_ONLINE);
            let queries: Vec<Query> = todo
                .iter()
                .map(|&i| Query {
                    ecosystem: pending[i].dep.ecosystem,
                    name: pending[i].dep.name.clone(),
                    version: Some(pending[i].version.to_owned()),
                })
                .collect();
            if !queries.is_empty() {
                let answers = Client::from_env(ctx.env).version_status_all(&queries);
                for (&i, a) in todo.iter().zip(answers) {
                    match a {
                        Ok(s) if s.listed => pending[i].status = Some((s.withdrawn, s.reason)),
                        Ok(_) => {}
                        Err(e) => {
                            online_error.get_or_insert(e);
                        }
                    }
                }
            }
            // A Go module costs two requests (`@latest`, then its go.mod).
            let go_budget = MAX_ONLINE.saturating_sub(todo.len()) / 2;
            let go_todo: Vec<usize> = (0..pending.len())
                .filter(|&i| askable(&pending[i]) && pending[i].dep.ecosystem == Ecosystem::Go)
                .collect();
            if let (false, Some(proxy)) = (go_todo.is_empty(), go_proxy) {
                let (found, error, asked) =
                    go_online(ctx.env, &proxy, &pending, &go_todo, go_budget);
                for i in go_todo {
                    let name = pending[i].dep.name.as_str();
                    if let Some(rs) = found.get(name) {
                        pending[i].status = Some(go_status(rs, pending[i].version));
                    } else if !asked.contains(name) {
                        pending[i].unasked = Some(Unasked::OverLimit);
                    }
                }
                if let Some(e) = error {
                    online_error.get_or_insert(e);
                }
            }
        }
        let mut out = Vec::new();
        let mut unknown: std::collections::BTreeMap<(Ecosystem, Unasked), usize> =
            Default::default();
        for p in &pending {
            let w = words(p.dep.ecosystem);
            match &p.status {
                Some((true, reason)) => {
                    let why = reason
                        .as_deref()
                        .map(|m| format!(" Their reason: \"{m}\"."))
                        .unwrap_or_default();
                    out.push(finding(
                        w.rule,
                        p.dep,
                        p.version,
                        format!(
                            "{} {} is {} {}: its maintainers withdrew it (usually for a bug, a security problem or because it is unmaintained).{why} {}",
                            p.dep.name,
                            p.version,
                            w.what,
                            w.on,
                            (w.fix)(&p.dep.name)
                        ),
                    ));
                }
                Some((false, _)) => {}
                None => {
                    let why = p.unasked.unwrap_or(Unasked::Unanswered);
                    *unknown.entry((p.dep.ecosystem, why)).or_default() += 1;
                }
            }
        }
        let mut ecosystems: Vec<Ecosystem> = unknown.keys().map(|(e, _)| *e).collect();
        ecosystems.dedup();
        for eco in ecosystems {
            let w = words(eco);
            let parts: Vec<(usize, Unasked)> = unknown
                .iter()
                .filter(|((e, _), _)| *e == eco)
                .map(|((_, why), n)| (*n, *why))
                .collect();
            let total: usize = parts.iter().map(|(n, _)| n).sum();
            let reasons: Vec<String> = parts
                .iter()
                .map(|(n, why)| match why {
                    Unasked::Offline => "--offline: the registry was not asked".to_owned(),
                    Unasked::OverLimit => {
                        format!("{n} past the run's {MAX_ONLINE} registry look-ups")
                    }
                    Unasked::Private => format!(
                        "{n} from a private registry, index or module, never sent to the public one"
                    ),
                    Unasked::Unanswered => format!(
                        "{n} not listed by the {} registry, or not answered",
                        w.registry
                    ),
                })
                .collect();
            ctx.note(format!(
                "{}: {total} {} version(s) not checked: not in {}; {}",
                w.what,
                w.registry,
                w.cache,
                reasons.join("; ")
            ));
        }
        if let Some(e) = online_error {
            ctx.note(format!(
                "withdrawn versions: the registry did not answer: {e}"
            ));
        }
        Ok(out)
    }
}

/// A Go version's status from its module's retractions.
fn go_status(rs: &[go::Retraction], v: &str) -> (bool, Option<String>) {
    match go::retracted(rs, v) {
        Some(r) => (true, r.rationale.clone()),
        None => (false, None),
    }
}

/// Asks the Go module proxy for the retractions of the modules of `todo` (at most `budget`
/// modules; the caller leaves private ones out): `@latest`, then that version's `go.mod`.
/// Returns the modules answered, the first error, and the modules asked.
fn go_online<'p>(
    env: &Env,
    proxy: &str,
    pending: &[Pending<'p>],
    todo: &[usize],
    budget: usize,
) -> (
    HashMap<String, Vec<go::Retraction>>,
    Option<String>,
    std::collections::HashSet<&'p str>,
) {
    let mut modules: Vec<&'p str> = todo.iter().map(|&i| pending[i].dep.name.as_str()).collect();
    modules.sort_unstable();
    modules.dedup();
    modules.truncate(budget);
    let client = Client::from_env(env);
    let query = |m: &str, v: Option<String>| Query {
        ecosystem: Ecosystem::Go,
        name: m.to_owned(),
        version: v,
    };
    let url = |q: &Query, tail: &str| {
        format!(
            "{proxy}/{}/@{tail}",
            go::escape(&q.name).unwrap_or_default()
        )
    };
    let mut error = None;
    let latest: Vec<Query> = modules.iter().map(|m| query(m, None)).collect();
    let answers = client.fetch_all(
        "go-latest\0",
        &latest,
        client.ttl_missing,
        |q| url(q, "latest"),
        |_, f| match f {
            Fetched::Body(b) => Ok(go::latest_from_info(&b)),
            Fetched::NotFound | Fetched::TooBig => Ok(None),
        },
    );
    let mut mods = Vec::new();
    for (m, a) in modules.iter().zip(answers) {
        match a {
            Ok(Some(v)) => mods.push(query(m, Some(v))),
            Ok(None) => {}
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    let answers = client.fetch_all(
        "go-retractions\0",
        &mods,
        client.ttl_missing,
        |q| {
            let v = go::escape(q.version.as_deref().unwrap_or("")).unwrap_or_default();
            url(q, &format!("v/{v}.mod"))
        },
        |_, f| match f {
            Fetched::Body(b) => Ok(Some(go::retractions(&String::from_utf8_lossy(&b)))),
            Fetched::NotFound | Fetched::TooBig => Ok(None),
        },
    );
    let mut found = HashMap::new();
    for (q, a) in mods.into_iter().zip(answers) {
        match a {
            Ok(Some(rs)) => {
                found.insert(q.name, rs);
            }
            Ok(None) => {}
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    (found, error, modules.into_iter().collect())
}
