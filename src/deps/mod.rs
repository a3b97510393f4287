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

use crate::diff::FileChange;
use crate::ecosystem::Ecosystem;
use crate::error::{Error, Result};

pub(crate) mod build_gradle;
pub(crate) mod cargo_lock;
pub(crate) mod cargo_toml;
pub(crate) mod composer;
pub(crate) mod conda_env;
pub(crate) mod gemfile;
pub(crate) mod gemfile_lock;
pub(crate) mod gh_actions;
pub(crate) mod go_mod;
pub(crate) mod gradle_catalog;
pub(crate) mod gradle_lock;
pub(crate) mod install;
pub(crate) mod jsonscan;
pub(crate) mod nuget;
pub(crate) mod package_json;
pub(crate) mod package_lock;
pub(crate) mod pipfile_lock;
pub(crate) mod pnpm_lock;
pub(crate) mod poetry_lock;
pub(crate) mod pom_xml;
pub(crate) mod pyproject;
pub(crate) mod requirements;
pub(crate) mod setup_cfg;
pub(crate) mod setup_py;
mod stage;
pub(crate) mod tomlscan;
pub(crate) mod uv_lock;
pub(crate) mod yarn_lock;

pub(crate) use stage::{stage, Dependencies, StageInput};

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
    pub(crate) path: String,
    /// 1-based line in that file, when known.
    pub line: Option<u32>,
    /// Fetch source.
    pub source: DepSource,
}

/// How a dependency changed between base and head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ChangeKind {
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
pub(crate) struct DepChange {
    /// The dependency as at head (as at base for `Removed`).
    pub(crate) dep: Dep,
    /// What happened.
    pub(crate) kind: ChangeKind,
}

/// A parsed dependency with the lockfile facts the integrity check needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dependency.
    pub dep: Dep,
    /// Recorded checksum (`integrity`, `checksum`, hashes), when the file has one.
    pub integrity: Option<String>,
    /// Recorded download URL (npm `resolved`, yarn `resolved`), when the file has one.
    pub(crate) resolved: Option<String>,
}

impl Entry {
    /// An entry without integrity facts.
    pub(crate) fn new(dep: Dep) -> Self {
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
    pub(crate) fn of(path: &str) -> Option<Format> {
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
}

/// Byte index of the `@` that separates an npm-style name from its version: the first `@` after
/// the first character (a leading `@` starts a scope). Works on any UTF-8, as names in hostile
/// files may start with a multi-byte character.
pub(crate) fn version_at(s: &str) -> Option<usize> {
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
pub(crate) fn utf8<'a>(bytes: &'a [u8], path: &str) -> Result<&'a str> {
    crate::config::utf8(bytes, std::path::Path::new(path))
}

/// One manifest or lockfile of the change, parsed at both sides.
#[derive(Debug, Clone)]
pub(crate) struct FileDeps {
    /// Head path (base path for deleted files).
    pub(crate) path: String,
    /// Format.
    pub(crate) format: Format,
    /// Entries at base.
    pub(crate) base: Vec<Entry>,
    /// Entries at head.
    pub(crate) head: Vec<Entry>,
}

/// The visible head-side lines of a diff file (context and added, head numbering).
pub(crate) fn head_fragment(f: &FileChange) -> Vec<(u32, &str)> {
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
pub(crate) fn base_fragment(f: &FileChange) -> Vec<(u32, &str)> {
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
pub(crate) fn diff_entries(base: &[Entry], head: &[Entry]) -> Vec<DepChange> {
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
        // Versions present on both sides are unchanged. Sets and a sorted pairing keep this
        // O(n log n) for one name with very many versions (a hostile lockfile).
        let head_versions: HashSet<String> = heads.iter().map(|d| version_key(d)).collect();
        let base_versions: HashSet<String> = bases.iter().map(|d| version_key(d)).collect();
        let gone: Vec<&Dep> = bases
            .iter()
            .filter(|bd| !head_versions.contains(&version_key(bd)))
            .copied()
            .collect();
        let new: Vec<&Dep> = heads
            .iter()
            .filter(|hd| !base_versions.contains(&version_key(hd)))
            .copied()
            .collect();
        let gone_keys: Vec<String> = gone.iter().map(|d| version_key(d)).collect();
        // `gone` indices sorted by version, and each one's place in that order.
        let mut by_version: Vec<usize> = (0..gone.len()).collect();
        by_version.sort_by(|&x, &y| compare_versions(k.0, &gone_keys[x], &gone_keys[y]));
        let mut pos_of = vec![0usize; gone.len()];
        for (p, &g) in by_version.iter().enumerate() {
            pos_of[g] = p;
        }
        let mut taken = vec![false; gone.len()];
        // Union-find over sorted positions: the nearest untaken position at or below.
        let mut below: Vec<usize> = (0..=gone.len()).collect();
        fn find(below: &mut [usize], mut i: usize) -> usize {
            while below[i] != i {
                below[i] = below[below[i]];
                i = below[i];
            }
            i
        }
        let mut first_free = 0usize;
        let mut seen_new: HashSet<String> = HashSet::new();
        for hd in new {
            let hv = version_key(hd);
            if !seen_new.insert(hv.clone()) {
                // The same version declared twice (e.g. dependencies and dev-dependencies).
                out.push(DepChange {
                    dep: hd.clone(),
                    kind: ChangeKind::Added,
                });
                continue;
            }
            // Pair with the closest version below, else the first remaining one.
            let lower =
                by_version.partition_point(|&g| compare_versions(k.0, &gone_keys[g], &hv).is_lt());
            // Positions are 1-based in `below` so that 0 means "none below".
            let slot = find(&mut below, lower);
            let idx = if slot > 0 {
                by_version[slot - 1]
            } else {
                while first_free < gone.len() && taken[first_free] {
                    first_free += 1;
                }
                if first_free >= gone.len() {
                    out.push(DepChange {
                        dep: hd.clone(),
                        kind: ChangeKind::Added,
                    });
                    continue;
                }
                first_free
            };
            taken[idx] = true;
            below[pos_of[idx] + 1] = pos_of[idx];
            let fv = gone_keys[idx].clone();
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
        let gone: Vec<&Dep> = gone
            .iter()
            .zip(&taken)
            .filter(|(_, t)| !**t)
            .map(|(d, _)| *d)
            .collect();
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

/// 1-based line numbers of byte offsets, computed from one pass over the text (an XML
/// parser's own position look-up rescans the text from the start each time, which made
/// reading a 4,000-dependency `pom.xml` quadratic).
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    /// The index of `text`'s line starts.
    pub(crate) fn new(text: &str) -> Self {
        LineIndex(memchr::memchr_iter(b'\n', text.as_bytes()).collect())
    }

    /// The 1-based line of byte offset `pos`.
    pub(crate) fn line(&self, pos: usize) -> u32 {
        (self.0.partition_point(|&nl| nl < pos) + 1) as u32
    }
}

/// A parse error for a dependency file.
pub(crate) fn parse_error(path: &str, line: Option<usize>, message: impl Into<String>) -> Error {
    Error::parse(PathBuf::from(path), line, message)
}

/// The text between the first pair of double quotes (TOML/yarn basic strings).
pub(crate) fn quoted(s: &str) -> Option<&str> {
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
