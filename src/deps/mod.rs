//! Manifest and lockfile parsers per ecosystem, and the dependency diff between base and head:
//! which (name, version, where declared) entries a change adds, upgrades, downgrades or removes.
//!
//! Every parser works on numbered lines ([`Text`]) so each dependency carries the 1-based line
//! that declares its version. With both revisions available the whole files are parsed (and a
//! malformed file is an error naming it); with a plain diff only the lines the diff shows are
//! parsed, leniently. Install commands in added lines (`pip install x`, `npm i x`, …) count as
//! added dependencies too ([`install`]).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::PathFilter;
use crate::diff::{ChangeSet, FileChange, Revisions};
use crate::ecosystem::Ecosystem;
use crate::error::{Error, Result};

pub mod build_gradle;
pub mod cargo_lock;
pub mod cargo_toml;
pub mod composer;
pub mod conda_env;
pub mod gemfile;
pub mod gemfile_lock;
pub mod gh_actions;
pub mod go_mod;
pub mod gradle_catalog;
pub mod gradle_lock;
pub mod install;
pub mod jsonscan;
pub mod nuget;
pub mod package_json;
pub mod package_lock;
pub mod pipfile_lock;
pub mod pnpm_lock;
pub mod poetry_lock;
pub mod pom_xml;
pub mod pyproject;
pub mod requirements;
pub mod setup_cfg;
pub mod setup_py;
pub mod tomlscan;
pub mod uv_lock;
pub mod yarn_lock;

/// Where a dependency is fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepSource {
    /// The ecosystem's default registry (or an unknown source).
    Registry,
    /// Another registry or index URL.
    OtherRegistry(String),
    /// A git repository.
    Git(String),
    /// A direct URL (tarball, wheel).
    Url(String),
    /// A local path.
    Path(String),
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dep {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name as declared.
    pub name: String,
    /// Exact version when pinned/locked; the requirement text for manifests; None when absent.
    pub version: Option<String>,
    /// Whether `version` is an exact, resolved version (lockfile or `==` pin).
    pub exact: bool,
    /// File that declares it (head path).
    pub path: String,
    /// 1-based line in that file, when known.
    pub line: Option<u32>,
    /// Fetch source.
    pub source: DepSource,
}

/// How a dependency changed between base and head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    /// New at head.
    Added,
    /// Version went up (`from` = base version).
    Upgraded {
        /// Base version.
        from: String,
    },
    /// Version went down (`from` = base version).
    Downgraded {
        /// Base version.
        from: String,
    },
    /// Gone at head (`dep` describes the base entry).
    Removed,
}

/// One dependency change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepChange {
    /// The dependency as at head (as at base for `Removed`).
    pub dep: Dep,
    /// What happened.
    pub kind: ChangeKind,
}

/// A parsed dependency with the lockfile facts the integrity check needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dependency.
    pub dep: Dep,
    /// Recorded checksum (`integrity`, `checksum`, hashes), when the file has one.
    pub integrity: Option<String>,
    /// Recorded download URL (npm `resolved`, yarn `resolved`), when the file has one.
    pub resolved: Option<String>,
}

impl Entry {
    /// An entry without integrity facts.
    pub fn new(dep: Dep) -> Self {
        Entry {
            dep,
            integrity: None,
            resolved: None,
        }
    }
}

/// Lines to parse: `(1-based number, text)`, and the whole text when the complete file is known
/// (then parsers also check the syntax).
pub struct Text<'a> {
    /// Numbered lines (a fragment has gaps).
    pub lines: Vec<(u32, &'a str)>,
    /// The complete file, when known.
    pub full: Option<&'a str>,
}

impl<'a> Text<'a> {
    /// A complete file.
    pub fn whole(text: &'a str) -> Self {
        Text {
            lines: text
                .lines()
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
                .collect(),
            full: Some(text),
        }
    }

    /// Shown lines of a diff.
    pub fn fragment(lines: Vec<(u32, &'a str)>) -> Self {
        Text { lines, full: None }
    }
}

/// Manifest and lockfile formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Cargo.toml`.
    CargoToml,
    /// `Cargo.lock`.
    CargoLock,
    /// `package.json`.
    PackageJson,
    /// `package-lock.json` / `npm-shrinkwrap.json`.
    PackageLock,
    /// `yarn.lock` (v1 and berry).
    YarnLock,
    /// `pnpm-lock.yaml`.
    PnpmLock,
    /// `requirements*.txt`.
    Requirements,
    /// `pyproject.toml`.
    Pyproject,
    /// `poetry.lock`.
    PoetryLock,
    /// `Pipfile.lock`.
    PipfileLock,
    /// `uv.lock`.
    UvLock,
    /// `go.mod`.
    GoMod,
    /// `go.sum` (integrity only: it lists every version ever considered, not the build list).
    GoSum,
    /// `setup.cfg` (`install_requires`, extras).
    SetupCfg,
    /// `setup.py` (static `install_requires` / `extras_require` literals).
    SetupPy,
    /// Conda `environment.yml` (its `pip:` list).
    CondaEnv,
    /// GitHub Actions workflows (`.github/workflows/*.yml`) and action manifests
    /// (`action.yml`): their `uses:` references.
    GitHubActions,
    /// Maven `pom.xml`.
    PomXml,
    /// `gradle.lockfile`.
    GradleLock,
    /// Gradle version catalog `gradle/libs.versions.toml` (any `*.versions.toml`).
    GradleCatalog,
    /// Bundler `Gemfile`.
    Gemfile,
    /// Bundler `Gemfile.lock`.
    GemfileLock,
    /// `composer.json`.
    ComposerJson,
    /// `composer.lock`.
    ComposerLock,
    /// NuGet `packages.lock.json`.
    NugetLock,
    /// MSBuild project and props files (`*.csproj`, `Directory.Packages.props`, …) and
    /// `packages.config`.
    NugetXml,
    /// Gradle build scripts (`build.gradle`, `build.gradle.kts`): string notations.
    BuildGradle,
}

impl Format {
    /// The format of a path, by file name.
    pub fn of(path: &str) -> Option<Format> {
        if path
            .split('/')
            .any(|c| c == "node_modules" || c == "vendor")
        {
            return None;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let parent = path.rsplit('/').nth(1).unwrap_or("");
        Some(match name {
            "Cargo.toml" => Format::CargoToml,
            "Cargo.lock" => Format::CargoLock,
            "package.json" => Format::PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => Format::PackageLock,
            "yarn.lock" => Format::YarnLock,
            "pnpm-lock.yaml" => Format::PnpmLock,
            "pyproject.toml" => Format::Pyproject,
            "poetry.lock" => Format::PoetryLock,
            "Pipfile.lock" => Format::PipfileLock,
            "uv.lock" => Format::UvLock,
            "go.mod" => Format::GoMod,
            "go.sum" => Format::GoSum,
            "setup.cfg" => Format::SetupCfg,
            "setup.py" => Format::SetupPy,
            "environment.yml" | "environment.yaml" => Format::CondaEnv,
            "action.yml" | "action.yaml" => Format::GitHubActions,
            "pom.xml" => Format::PomXml,
            "build.gradle" | "build.gradle.kts" => Format::BuildGradle,
            "Gemfile" | "gems.rb" => Format::Gemfile,
            "Gemfile.lock" | "gems.locked" => Format::GemfileLock,
            "composer.json" => Format::ComposerJson,
            "composer.lock" => Format::ComposerLock,
            "packages.lock.json" => Format::NugetLock,
            "Directory.Packages.props" | "Directory.Build.props" | "packages.config" => {
                Format::NugetXml
            }
            n if n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj") => {
                Format::NugetXml
            }
            n if n.ends_with("gradle.lockfile")
                || (parent == "dependency-locks" && n.ends_with(".lockfile")) =>
            {
                Format::GradleLock
            }
            n if n.ends_with(".versions.toml") => Format::GradleCatalog,
            n if (n.ends_with(".yml") || n.ends_with(".yaml"))
                && (path.starts_with(".github/workflows/")
                    || path.contains("/.github/workflows/")) =>
            {
                Format::GitHubActions
            }
            // pip-tools inputs (`requirements.in`) and constraints files pin what pip installs
            // just as requirements files do.
            n if (n.ends_with(".txt") || n.ends_with(".in"))
                && (n.starts_with("requirements")
                    || n.contains("-requirements")
                    || parent == "requirements")
                || (n.ends_with(".txt") && n.starts_with("constraints")) =>
            {
                Format::Requirements
            }
            _ => return None,
        })
    }

    /// Whether entries carry exact resolved versions.
    pub fn is_lockfile(self) -> bool {
        matches!(
            self,
            Format::CargoLock
                | Format::PackageLock
                | Format::YarnLock
                | Format::PnpmLock
                | Format::PoetryLock
                | Format::PipfileLock
                | Format::UvLock
                | Format::GoSum
                | Format::GradleLock
                | Format::GemfileLock
                | Format::ComposerLock
                | Format::NugetLock
        )
    }
}

/// Byte index of the `@` that separates an npm-style name from its version: the first `@` after
/// the first character (a leading `@` starts a scope). Works on any UTF-8, as names in hostile
/// files may start with a multi-byte character.
pub fn version_at(s: &str) -> Option<usize> {
    let first = s.chars().next()?.len_utf8();
    s[first..].find('@').map(|i| i + first)
}

/// Parses one file's text in `format`; `path` is the path shown in entries and errors.
pub fn parse(format: Format, text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    match format {
        Format::CargoToml => cargo_toml::parse(text, path),
        Format::CargoLock => cargo_lock::parse(text, path),
        Format::PackageJson => package_json::parse(text, path),
        Format::PackageLock => package_lock::parse(text, path),
        Format::YarnLock => yarn_lock::parse(text, path),
        Format::PnpmLock => pnpm_lock::parse(text, path),
        Format::Requirements => requirements::parse(text, path),
        Format::Pyproject => pyproject::parse(text, path),
        Format::PoetryLock => poetry_lock::parse(text, path),
        Format::PipfileLock => pipfile_lock::parse(text, path),
        Format::UvLock => uv_lock::parse(text, path),
        Format::GoMod => go_mod::parse(text, path),
        Format::GoSum => go_mod::parse_sum(text, path),
        Format::SetupCfg => setup_cfg::parse(text, path),
        Format::SetupPy => setup_py::parse(text, path),
        Format::CondaEnv => conda_env::parse(text, path),
        Format::GitHubActions => gh_actions::parse(text, path),
        Format::PomXml => pom_xml::parse(text, path),
        Format::GradleLock => gradle_lock::parse(text, path),
        Format::GradleCatalog => gradle_catalog::parse(text, path),
        Format::Gemfile => gemfile::parse(text, path),
        Format::GemfileLock => gemfile_lock::parse(text, path),
        Format::ComposerJson => composer::parse_json(text, path),
        Format::ComposerLock => composer::parse_lock(text, path),
        Format::NugetLock => nuget::parse_lock(text, path),
        Format::NugetXml => nuget::parse_xml(text, path),
        Format::BuildGradle => build_gradle::parse(text, path),
    }
}

/// A file's bytes as UTF-8, or a parse error naming it.
pub fn utf8<'a>(bytes: &'a [u8], path: &str) -> Result<&'a str> {
    crate::config::utf8(bytes, std::path::Path::new(path))
}

/// One manifest or lockfile of the change, parsed at both sides.
#[derive(Debug, Clone)]
pub struct FileDeps {
    /// Head path (base path for deleted files).
    pub path: String,
    /// Format.
    pub format: Format,
    /// Entries at base.
    pub base: Vec<Entry>,
    /// Entries at head.
    pub head: Vec<Entry>,
    /// Whether both sides are complete files (not diff fragments).
    pub complete: bool,
}

/// The visible head-side lines of a diff file (context and added, head numbering).
pub fn head_fragment(f: &FileChange) -> Vec<(u32, &str)> {
    let mut v: Vec<(u32, &str)> = f
        .added
        .iter()
        .chain(f.context.iter())
        .map(|l| (l.no, l.text.as_str()))
        .collect();
    v.sort_by_key(|x| x.0);
    v
}

/// The visible base-side lines of a diff file (context mapped to base numbering, and removed).
pub fn base_fragment(f: &FileChange) -> Vec<(u32, &str)> {
    let mut v: Vec<(u32, &str)> = f.removed.iter().map(|l| (l.no, l.text.as_str())).collect();
    for h in &f.hunks {
        let new_end = h.new_start + h.new_len;
        let old_end = h.old_start + h.old_len;
        let added_in = |no: u32| {
            f.added
                .iter()
                .filter(|a| a.no >= h.new_start && a.no < no)
                .count() as u32
        };
        let removed_in = |no: u32| {
            f.removed
                .iter()
                .filter(|r| r.no >= h.old_start && r.no <= no)
                .count() as u32
        };
        for c in f
            .context
            .iter()
            .filter(|c| c.no >= h.new_start && c.no < new_end)
        {
            // A context line's base number: its offset in the hunk minus the added lines before
            // it, plus the removed lines at or before it (iterated to the fixed point).
            let base0 = (h.old_start + (c.no - h.new_start)).saturating_sub(added_in(c.no));
            let mut b = base0;
            for _ in 0..64 {
                let next = base0 + removed_in(b);
                if next == b {
                    break;
                }
                b = next;
            }
            if b < old_end.max(h.old_start + 1) {
                v.push((b, c.text.as_str()));
            }
        }
    }
    v.sort_by_key(|x| x.0);
    v.dedup_by_key(|x| x.0);
    v
}

/// What the dependency stage reads: the change, the files at both revisions, the path filter.
#[derive(Clone, Copy)]
pub struct StageInput<'a> {
    /// The change.
    pub changes: &'a ChangeSet,
    /// File access at base and head; None for a plain diff (then only the diff's lines count).
    pub revs: Option<&'a dyn Revisions>,
    /// Paths no check reads (the config's `exclude`).
    pub filter: &'a PathFilter,
    /// `limits.max-file-bytes`.
    pub max_file_bytes: u64,
}

/// The dependency data of a change, computed once before any check that needs it runs and
/// handed to the checks as plain data.
#[derive(Debug, Default)]
pub struct Dependencies {
    /// Every dependency file the change touches, parsed at base and head.
    pub files: Vec<FileDeps>,
    /// What the change does to its dependencies (manifests, lockfiles, install commands).
    pub changes: Vec<DepChange>,
    /// Things to tell the user (an include that names a missing file, …).
    pub notes: Vec<String>,
}

/// The dependency stage: parses the change's dependency files and diffs them.
pub fn stage(input: StageInput<'_>) -> Result<Dependencies> {
    let _t = tracing::debug_span!("deps::stage").entered();
    let mut notes = Vec::new();
    let included = included_requirements(input)?;
    let files = file_deps(input, &included, &mut notes)?;
    let changes = collect(input.changes, &files);
    Ok(Dependencies {
        files,
        changes,
        notes,
    })
}

/// Parses every manifest and lockfile the change touches, at base and head.
fn file_deps(
    input: StageInput<'_>,
    included: &HashSet<String>,
    notes: &mut Vec<String>,
) -> Result<Vec<FileDeps>> {
    let mut out = Vec::new();
    // Excluded paths (vendored code, test fixtures of broken lockfiles) are not read at all.
    let policy = input.filter;
    for f in &input.changes.files {
        let path = f.path();
        let Some(format) =
            Format::of(path).or_else(|| included.contains(path).then_some(Format::Requirements))
        else {
            continue;
        };
        if f.binary || policy.excluded(path) {
            continue;
        }
        let head_path = f.new_path.as_deref();
        let base_path = f.old_path.as_deref();
        match input.revs {
            Some(revs) => {
                let head_bytes = match head_path {
                    Some(p) => revs.head(p)?,
                    None => None,
                };
                let base_bytes = match base_path {
                    Some(p) => revs.base(p)?,
                    None => None,
                };
                let limit = input.max_file_bytes;
                for (bytes, p) in [(&head_bytes, head_path), (&base_bytes, base_path)] {
                    if let (Some(b), Some(p)) = (bytes, p) {
                        within_limit(b, p, limit)?;
                    }
                }
                if head_bytes.is_none() && base_bytes.is_none() && head_path.is_some() {
                    // Nothing readable (e.g. a scan without base): fall back to the diff.
                    out.push(from_fragments(f, format));
                    continue;
                }
                let mut head = match (&head_bytes, head_path) {
                    (Some(b), Some(p)) => parse(format, &Text::whole(utf8(b, p)?), p)?,
                    _ => Vec::new(),
                };
                let mut base = match (&base_bytes, base_path) {
                    (Some(b), Some(p)) => {
                        let shown = format!("{p} (base)");
                        let text = utf8(b, &shown)?;
                        let mut entries = parse(format, &Text::whole(text), &shown)?;
                        for e in &mut entries {
                            e.dep.path = p.to_owned();
                        }
                        entries
                    }
                    _ => Vec::new(),
                };
                if format == Format::Requirements {
                    let touched: HashSet<&str> =
                        input.changes.files.iter().map(|f| f.path()).collect();
                    let skip = |p: &str| touched.contains(p) || policy.excluded(p);
                    let at_head = |p: &str| revs.head(p);
                    let at_base = |p: &str| revs.base(p);
                    for (bytes, p, read, entries, side) in [
                        (
                            &head_bytes,
                            head_path,
                            &at_head as &Reader<'_>,
                            &mut head,
                            "",
                        ),
                        (
                            &base_bytes,
                            base_path,
                            &at_base as &Reader<'_>,
                            &mut base,
                            " (base)",
                        ),
                    ] {
                        if let (Some(b), Some(p)) = (bytes, p) {
                            let text = String::from_utf8_lossy(b);
                            let missing =
                                follow_includes(&text, p, read, side, &skip, limit, entries)?;
                            for m in missing {
                                notes.push(format!("{p}{side}: `-r {m}` names a file that is not in the repository; its requirements were not checked"));
                            }
                        }
                    }
                }
                out.push(FileDeps {
                    path: path.to_owned(),
                    format,
                    base,
                    head,
                    complete: true,
                });
            }
            None => out.push(from_fragments(f, format)),
        }
    }
    Ok(out)
}

/// How many requirements files are read, per revision, to find what they include.
const MAX_INCLUDE_SEARCH: usize = 256;

/// Changed files that requirements files include (`-r common.txt`, `-c constraints.txt`)
/// although their names do not say so: an edit there changes what pip installs, so they are
/// parsed as requirements files. Asked only when the change touches such a candidate (a
/// `.txt` or `.in` file no format claims); then every requirements file of both revisions
/// is followed.
fn included_requirements(input: StageInput<'_>) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    let Some(revs) = input.revs else {
        return Ok(found);
    };
    let candidate = |p: &str| {
        Format::of(p).is_none()
            && !input.filter.excluded(p)
            && (p.ends_with(".txt") || p.ends_with(".in"))
    };
    let wanted: HashSet<&str> = input
        .changes
        .files
        .iter()
        .filter(|f| !f.binary)
        .flat_map(|f| [f.new_path.as_deref(), f.old_path.as_deref()])
        .flatten()
        .filter(|p| candidate(p))
        .collect();
    if wanted.is_empty() {
        return Ok(found);
    }
    let mut roots: Vec<String> = revs
        .list()?
        .into_iter()
        .chain(input.changes.files.iter().map(|f| f.path().to_owned()))
        .filter(|p| Format::of(p) == Some(Format::Requirements) && !input.filter.excluded(p))
        .collect();
    roots.sort();
    roots.dedup();
    let at_head = |p: &str| revs.head(p);
    let at_base = |p: &str| revs.base(p);
    for read in [&at_head as &Reader<'_>, &at_base as &Reader<'_>] {
        let mut seen: HashSet<String> = HashSet::new();
        let mut queue: Vec<(String, usize)> = roots.iter().map(|r| (r.clone(), 0)).collect();
        while let Some((path, depth)) = queue.pop() {
            if depth > MAX_INCLUDE_DEPTH
                || seen.len() >= MAX_INCLUDE_SEARCH
                || !seen.insert(path.clone())
            {
                continue;
            }
            let Some(bytes) = read(&path)? else {
                continue;
            };
            if bytes.len() as u64 > input.max_file_bytes {
                continue;
            }
            for target in requirements::includes(&String::from_utf8_lossy(&bytes)) {
                if let Some(inc) = resolve_include(&path, &target) {
                    if wanted.contains(inc.as_str()) {
                        found.insert(inc.clone());
                    }
                    queue.push((inc, depth + 1));
                }
            }
        }
    }
    Ok(found)
}

/// A dependency file over `limits.max-file-bytes` is an error naming it: parsers need about 40×
/// a lockfile's size in memory.
fn within_limit(bytes: &[u8], shown: &str, limit: u64) -> Result<()> {
    if bytes.len() as u64 > limit {
        return Err(Error::Limit {
            path: PathBuf::from(shown),
            message: format!(
                "{} bytes, over the {limit} byte limit for dependency files (raise limits.max-file-bytes or exclude the path)",
                bytes.len()
            ),
        });
    }
    Ok(())
}

/// Reads a file at one revision (None: absent).
type Reader<'r> = dyn Fn(&str) -> Result<Option<Vec<u8>>> + 'r;

/// How deep `-r` chains are followed, and how many files at most: pip has no limit, but a
/// repository with more is hostile or broken, and each file costs a `git show`.
const MAX_INCLUDE_DEPTH: usize = 8;
const MAX_INCLUDED_FILES: usize = 64;

/// Resolves a `-r` target written in the requirements file `from` (both repository-relative, pip
/// resolves against the including file's directory); None when it is absolute or climbs out of
/// the repository.
fn resolve_include(from: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Appends the entries of the files a requirements file `-r`-includes, transitively, read at the
/// same revision with `read`: a new `-r common.txt` line adds everything `common.txt` pins.
/// `skip` says which files not to read: those the change itself touches (they are parsed as
/// changed files of their own, and counting them twice would double their findings) and
/// excluded paths. Returns the includes that do not exist.
fn follow_includes(
    text: &str,
    path: &str,
    read: &Reader<'_>,
    side: &str,
    skip: &dyn Fn(&str) -> bool,
    limit: u64,
    out: &mut Vec<Entry>,
) -> Result<Vec<String>> {
    let mut seen: HashSet<String> = HashSet::from([path.to_owned()]);
    let mut missing = Vec::new();
    let mut queue: Vec<(String, String, usize)> = requirements::includes(text)
        .into_iter()
        .map(|t| (path.to_owned(), t, 1))
        .collect();
    while let Some((from, target, depth)) = queue.pop() {
        let Some(inc) = resolve_include(&from, &target) else {
            continue;
        };
        if depth > MAX_INCLUDE_DEPTH
            || seen.len() > MAX_INCLUDED_FILES
            || !seen.insert(inc.clone())
            || skip(&inc)
        {
            continue;
        }
        let Some(bytes) = read(&inc)? else {
            missing.push(target);
            continue;
        };
        let shown = format!("{inc}{side}");
        within_limit(&bytes, &shown, limit)?;
        let text = utf8(&bytes, &shown)?;
        let mut entries = parse(Format::Requirements, &Text::whole(text), &shown)?;
        for e in &mut entries {
            e.dep.path = inc.clone();
        }
        out.extend(entries);
        queue.extend(
            requirements::includes(text)
                .into_iter()
                .map(|t| (inc.clone(), t, depth + 1)),
        );
    }
    Ok(missing)
}

fn from_fragments(f: &FileChange, format: Format) -> FileDeps {
    let path = f.path();
    let head = parse(format, &Text::fragment(head_fragment(f)), path).unwrap_or_default();
    let base = parse(format, &Text::fragment(base_fragment(f)), path).unwrap_or_default();
    FileDeps {
        path: path.to_owned(),
        format,
        base,
        head,
        complete: false,
    }
}

fn version_key(d: &Dep) -> String {
    d.version.clone().unwrap_or_default()
}

fn compare_versions(eco: Ecosystem, a: &str, b: &str) -> std::cmp::Ordering {
    let strip = |s: &str| {
        s.trim_start_matches(['^', '~', '=', '>', '<', ' ', 'v'])
            .to_owned()
    };
    crate::ecosystem::version::compare(eco, &strip(a), &strip(b)).unwrap_or_else(|| a.cmp(b))
}

/// Base vs head entries of one file → changes.
pub fn diff_entries(base: &[Entry], head: &[Entry]) -> Vec<DepChange> {
    type Key = (Ecosystem, String);
    let key = |d: &Dep| {
        (
            d.ecosystem,
            crate::ecosystem::normalize_name(d.ecosystem, &d.name),
        )
    };
    let mut b: BTreeMap<Key, Vec<&Dep>> = BTreeMap::new();
    let mut h: BTreeMap<Key, Vec<&Dep>> = BTreeMap::new();
    for e in base {
        b.entry(key(&e.dep)).or_default().push(&e.dep);
    }
    for e in head {
        h.entry(key(&e.dep)).or_default().push(&e.dep);
    }
    let mut out = Vec::new();
    for (k, heads) in &h {
        let bases = b.get(k).cloned().unwrap_or_default();
        // Versions present on both sides are unchanged.
        let mut gone: Vec<&Dep> = bases
            .iter()
            .filter(|bd| !heads.iter().any(|hd| version_key(hd) == version_key(bd)))
            .copied()
            .collect();
        let new: Vec<&Dep> = heads
            .iter()
            .filter(|hd| !bases.iter().any(|bd| version_key(hd) == version_key(bd)))
            .copied()
            .collect();
        let mut seen_new: Vec<String> = Vec::new();
        for hd in new {
            if seen_new.contains(&version_key(hd)) {
                // The same version declared twice (e.g. dependencies and dev-dependencies).
                out.push(DepChange {
                    dep: hd.clone(),
                    kind: ChangeKind::Added,
                });
                continue;
            }
            seen_new.push(version_key(hd));
            if gone.is_empty() {
                out.push(DepChange {
                    dep: hd.clone(),
                    kind: ChangeKind::Added,
                });
                continue;
            }
            // Pair with the closest version below, else the first remaining one.
            let hv = version_key(hd);
            let idx = gone
                .iter()
                .enumerate()
                .filter(|(_, bd)| compare_versions(k.0, &version_key(bd), &hv).is_lt())
                .max_by(|x, y| compare_versions(k.0, &version_key(x.1), &version_key(y.1)))
                .map(|(i, _)| i)
                .unwrap_or(0);
            let from = gone.remove(idx);
            let fv = version_key(from);
            let kind = if compare_versions(k.0, &hv, &fv).is_lt() {
                ChangeKind::Downgraded { from: fv }
            } else {
                ChangeKind::Upgraded { from: fv }
            };
            out.push(DepChange {
                dep: hd.clone(),
                kind,
            });
        }
        for bd in gone {
            out.push(DepChange {
                dep: bd.clone(),
                kind: ChangeKind::Removed,
            });
        }
    }
    for (k, bases) in &b {
        if !h.contains_key(k) {
            for bd in bases {
                out.push(DepChange {
                    dep: (*bd).clone(),
                    kind: ChangeKind::Removed,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.dep.line, &a.dep.name).cmp(&(b.dep.line, &b.dep.name)));
    out
}

/// Every dependency change in the change set: manifests and lockfiles anywhere in the tree, plus
/// install commands (`pip install x`, `npm i x`, …) in added lines.
fn collect(changes: &ChangeSet, files: &[FileDeps]) -> Vec<DepChange> {
    let mut out = Vec::new();
    for fd in files {
        if fd.format == Format::GoSum {
            continue;
        }
        out.extend(diff_entries(&fd.base, &fd.head));
    }
    for f in &changes.files {
        // Workflows are dependency files (their `uses:`) and install surfaces (`run:`).
        if Format::of(f.path()).is_some_and(|x| x != Format::GitHubActions) || f.binary {
            continue;
        }
        out.extend(install::scan_file(f));
    }
    out
}

/// 1-based line numbers of byte offsets, computed from one pass over the text (an XML
/// parser's own position look-up rescans the text from the start each time, which made
/// reading a 4,000-dependency `pom.xml` quadratic).
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    /// The index of `text`'s line starts.
    pub fn new(text: &str) -> Self {
        LineIndex(memchr::memchr_iter(b'\n', text.as_bytes()).collect())
    }

    /// The 1-based line of byte offset `pos`.
    pub fn line(&self, pos: usize) -> u32 {
        (self.0.partition_point(|&nl| nl < pos) + 1) as u32
    }
}

/// A parse error for a dependency file.
pub fn parse_error(path: &str, line: Option<usize>, message: impl Into<String>) -> Error {
    Error::parse(PathBuf::from(path), line, message)
}

/// The text between the first pair of double quotes (TOML/yarn basic strings).
pub fn quoted(s: &str) -> Option<&str> {
    let start = s.find('"')? + 1;
    let end = start + s[start..].find('"')?;
    Some(&s[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff;

    fn dep(name: &str, v: &str, line: u32) -> Entry {
        Entry::new(Dep {
            ecosystem: Ecosystem::CratesIo,
            name: name.into(),
            version: Some(v.into()),
            exact: true,
            path: "Cargo.lock".into(),
            line: Some(line),
            source: DepSource::Registry,
        })
    }

    #[test]
    fn diff_classifies_added_upgraded_downgraded_removed() {
        let base = vec![
            dep("a", "1.0.0", 1),
            dep("b", "2.0.0", 5),
            dep("c", "1.0.0", 9),
            dep("d", "0.1.0", 13),
            dep("e", "1.0.0", 17),
        ];
        let head = vec![
            dep("a", "1.0.0", 1),
            dep("b", "2.1.0", 5),
            dep("c", "0.9.0", 9),
            dep("e", "1.0.0", 13),
            dep("e", "2.0.0", 17),
            dep("f", "0.1.0", 21),
        ];
        let ch = diff_entries(&base, &head);
        let summary: Vec<String> = ch
            .iter()
            .map(|c| {
                format!(
                    "{}@{} {:?}",
                    c.dep.name,
                    c.dep.version.clone().unwrap_or_default(),
                    c.kind
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                "b@2.1.0 Upgraded { from: \"2.0.0\" }",
                "c@0.9.0 Downgraded { from: \"1.0.0\" }",
                "d@0.1.0 Removed",
                "e@2.0.0 Added",
                "f@0.1.0 Added",
            ]
        );
    }

    #[test]
    fn fragments_map_context_to_base_numbering() {
        let d = b"diff --git a/Cargo.lock b/Cargo.lock\n--- a/Cargo.lock\n+++ b/Cargo.lock\n@@ -10,4 +10,5 @@\n [[package]]\n name = \"regex\"\n-version = \"1.1.5\"\n+version = \"1.1.6\"\n+checksum = \"x\"\n source = \"y\"\n";
        let cs = diff::parse(d).unwrap();
        let f = &cs.files[0];
        assert_eq!(
            head_fragment(f),
            vec![
                (10, "[[package]]"),
                (11, "name = \"regex\""),
                (12, "version = \"1.1.6\""),
                (13, "checksum = \"x\""),
                (14, "source = \"y\"")
            ]
        );
        assert_eq!(
            base_fragment(f),
            vec![
                (10, "[[package]]"),
                (11, "name = \"regex\""),
                (12, "version = \"1.1.5\""),
                (13, "source = \"y\"")
            ]
        );
    }

    #[test]
    fn include_paths_resolve_against_the_including_file() {
        assert_eq!(
            resolve_include("py/requirements.txt", "base.txt").as_deref(),
            Some("py/base.txt")
        );
        assert_eq!(
            resolve_include("py/req/dev.txt", "../common/./base.txt").as_deref(),
            Some("py/common/base.txt")
        );
        assert_eq!(resolve_include("requirements.txt", "../outside.txt"), None);
        assert_eq!(resolve_include("requirements.txt", "/etc/passwd"), None);
    }

    #[test]
    fn includes_are_followed_transitively_once_and_skip_touched_files() {
        let files: std::collections::HashMap<&str, &str> = [
            ("a.txt", "-r b.txt\nflask==2.0.0\n"),
            ("b.txt", "-r a.txt\n-r c.txt\ndjango==4.0\n"),
            ("c.txt", "numpy==1.0\n"),
        ]
        .into_iter()
        .collect();
        let read = |p: &str| Ok(files.get(p).map(|t| t.as_bytes().to_vec()));
        let mut out = Vec::new();
        let skip_c = |p: &str| p == "c.txt";
        let missing = follow_includes(
            "-r a.txt\n-r gone.txt\n",
            "requirements.txt",
            &read,
            "",
            &skip_c,
            1 << 20,
            &mut out,
        )
        .expect("follow");
        let got: Vec<(String, String, Option<u32>)> = out
            .iter()
            .map(|e| (e.dep.name.clone(), e.dep.path.clone(), e.dep.line))
            .collect();
        assert_eq!(
            got,
            [
                ("flask".to_owned(), "a.txt".to_owned(), Some(2)),
                ("django".to_owned(), "b.txt".to_owned(), Some(3)),
            ]
        );
        assert_eq!(missing, ["gone.txt"]);
    }

    #[test]
    fn version_at_splits_names_that_start_with_any_character() {
        // Found by cargo-fuzz (deps_pnpm_lock, deps_yarn_lock): `s[1..]` on a name starting
        // with a multi-byte character.
        assert_eq!(version_at("lodash@4.17.21"), Some(6));
        assert_eq!(version_at("@types/node@20.1.0"), Some(11));
        assert_eq!(version_at("п@1.0.0"), Some(2));
        assert_eq!(version_at("пакет"), None);
        assert_eq!(version_at("@"), None);
        assert_eq!(version_at(""), None);
        assert_eq!(yarn_lock::spec_name("ސx@^1"), "ސx");
    }

    #[test]
    fn line_index_numbers_offsets() {
        let ix = LineIndex::new("ab\ncd\n\nef");
        let lines: Vec<u32> = [0, 2, 3, 5, 6, 7, 9].iter().map(|&p| ix.line(p)).collect();
        assert_eq!(lines, [1, 1, 2, 2, 3, 4, 4]);
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::of("a/b/Cargo.lock"), Some(Format::CargoLock));
        assert_eq!(
            Format::of("requirements-dev.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(
            Format::of("requirements/base.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(Format::of("node_modules/x/package.json"), None);
        assert_eq!(Format::of("notes.txt"), None);
    }
}
