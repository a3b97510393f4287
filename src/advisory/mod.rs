//! Local advisory database: import (RustSec, OSV), update, index, and version-range matching.
//!
//! The store is a directory (`--db`, `GUARDRAIL_DB_DIR`, or `<user cache>/guardrail/db`):
//! `meta.json` (sources, counts), and per ecosystem one `<eco>.jsonl` file of normalized records
//! plus `<eco>.idx`, a prebuilt index `normalized-name TAB offset TAB length` into it. `check`
//! loads only the index of the ecosystems it needs and reads only the matching records. Imports
//! and updates write a complete new store next to the old one and swap it in with renames, so a
//! failed import leaves the old database working.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::ecosystem::Ecosystem;
use crate::error::{Error, Result};
use crate::finding::Severity;

pub mod import;
mod index;
pub mod names;
pub mod osv;
pub mod rustsec;
mod store;
pub mod update;

use index::{load_index, EcoIndex};
pub use store::{read_all, write_store};

use crate::ecosystem::version::{self, Range};
use crate::ecosystem::{normalize_name, ECOSYSTEMS};

/// What an advisory is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdvisoryKind {
    /// A security vulnerability.
    Vulnerability,
    /// The package was published with malicious code (`MAL-*`).
    Malicious,
    /// Unsound API (RustSec informational).
    Unsound,
    /// No longer maintained (RustSec informational).
    Unmaintained,
    /// Other informational notice.
    Notice,
}

impl AdvisoryKind {
    /// Lower-case name for messages.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AdvisoryKind::Vulnerability => "vulnerability",
            AdvisoryKind::Malicious => "malicious",
            AdvisoryKind::Unsound => "unsound",
            AdvisoryKind::Unmaintained => "unmaintained",
            AdvisoryKind::Notice => "notice",
        }
    }
}

/// One affected package of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Affected {
    /// Ecosystem.
    pub(crate) ecosystem: Ecosystem,
    /// Package name as the advisory spells it.
    pub(crate) name: String,
    /// Affected ranges.
    #[serde(default)]
    pub(crate) ranges: Vec<Range>,
    /// Explicitly affected versions.
    #[serde(default)]
    pub(crate) versions: Vec<String>,
    /// Operating systems the advisory is limited to (empty: all).
    #[serde(default)]
    pub(crate) os: Vec<String>,
}

/// A normalized advisory record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// Id (RUSTSEC-…, GHSA-…, PYSEC-…, MAL-…).
    pub(crate) id: String,
    /// Other ids of the same vulnerability.
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    /// One-line summary.
    #[serde(default)]
    pub(crate) summary: String,
    /// Kind.
    pub(crate) kind: AdvisoryKind,
    /// Highest CVSS base score in the record.
    #[serde(default)]
    pub(crate) cvss: Option<f64>,
    /// Severity label (GHSA's `database_specific.severity`: LOW … CRITICAL).
    #[serde(default)]
    pub(crate) severity: Option<String>,
    /// Withdrawn (never stored; kept for the importer's count).
    #[serde(default)]
    pub(crate) withdrawn: bool,
    /// Publication date (RFC 3339 or YYYY-MM-DD).
    #[serde(default)]
    pub(crate) published: Option<String>,
    /// Affected packages.
    pub(crate) affected: Vec<Affected>,
}

/// One source the store was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Short name (`rustsec`, `osv-PyPI`, or the imported file's name).
    pub name: String,
    /// Where it came from (path or URL).
    pub location: String,
    /// Upstream revision (git commit, or `sha256:<hex>` of an imported file), when known.
    pub revision: Option<String>,
    /// Newest record date in the source, when known.
    pub date: Option<String>,
    /// When it was imported (RFC 3339, UTC).
    pub imported: String,
    /// Records taken from it.
    pub records: usize,
}

/// `meta.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    /// Store format.
    pub format: u32,
    /// Sources, one per name (a re-import replaces the entry).
    pub sources: Vec<SourceInfo>,
    /// Records per ecosystem (OSV spelling).
    pub counts: BTreeMap<String, usize>,
    /// The `.idx` files are sorted by name (stores written since 0.1: looked up by binary
    /// search without reading them through; older stores are hashed on open).
    #[serde(default)]
    pub(crate) sorted_index: bool,
}

const FORMAT: u32 = 1;

/// File stem of an ecosystem's data and index files.
fn eco_file(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::CratesIo => "crates-io",
        Ecosystem::Npm => "npm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::Go => "go",
        Ecosystem::Maven => "maven",
        Ecosystem::RubyGems => "rubygems",
        Ecosystem::Packagist => "packagist",
        Ecosystem::NuGet => "nuget",
        Ecosystem::GitHubActions => "github-actions",
    }
}

/// The sources of the store in force (`dir`, else the default directory), for ledger entries:
/// cheap (reads `meta.json` only); empty when there is no store or it cannot be read.
pub(crate) fn sources_in(dir: Option<&Path>) -> Vec<SourceInfo> {
    let dir = match dir {
        Some(d) => d.to_owned(),
        None => match default_dir() {
            Some(d) => d,
            None => return Vec::new(),
        },
    };
    Db::open(&dir).map(|db| db.meta.sources).unwrap_or_default()
}

/// The default store directory: `<user cache>/guardrail/db`.
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("guardrail").join("db"))
}

/// An opened store. Cheap to open: `meta.json` only; indexes load on first use.
pub struct Db {
    dir: PathBuf,
    meta: Meta,
    indexes: [OnceLock<std::result::Result<EcoIndex, String>>; ECOSYSTEMS.len()],
}

/// One vulnerability matching a package version: advisories that alias each other merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Every id and alias; the primary id first.
    pub ids: Vec<String>,
    /// Kind (malicious wins over vulnerability wins over informational).
    pub kind: AdvisoryKind,
    /// Highest CVSS base score.
    pub(crate) cvss: Option<f64>,
    /// Highest severity label.
    pub(crate) severity_label: Option<String>,
    /// Summary of the primary record.
    pub(crate) summary: String,
    /// The version to upgrade to, when one is known.
    pub(crate) fixed: Option<String>,
    /// Operating systems the advisory is limited to (empty: all).
    pub(crate) os: Vec<String>,
}

impl Match {
    /// The primary id.
    pub(crate) fn primary(&self) -> &str {
        self.ids.first().map(String::as_str).unwrap_or("")
    }

    /// Finding severity: red for malicious and high/critical, yellow for other vulnerabilities
    /// and unsound/unmaintained, info for notices.
    pub(crate) fn finding_severity(&self) -> Severity {
        match self.kind {
            AdvisoryKind::Malicious => Severity::Red,
            AdvisoryKind::Vulnerability => {
                let high_label = self.severity_label.as_deref().is_some_and(|l| {
                    l.eq_ignore_ascii_case("high") || l.eq_ignore_ascii_case("critical")
                });
                if self.cvss.is_some_and(|c| c >= 7.0) || high_label {
                    Severity::Red
                } else {
                    Severity::Yellow
                }
            }
            AdvisoryKind::Unsound | AdvisoryKind::Unmaintained => Severity::Yellow,
            AdvisoryKind::Notice => Severity::Info,
        }
    }
}

/// Ranking of id prefixes for choosing the primary id of a merged vulnerability.
fn id_rank(id: &str) -> u8 {
    const ORDER: [&str; 6] = ["MAL-", "RUSTSEC-", "GHSA-", "PYSEC-", "GO-", "OSV-"];
    ORDER
        .iter()
        .position(|p| id.starts_with(p))
        .map(|p| p as u8)
        .unwrap_or(if id.starts_with("CVE-") { 9 } else { 7 })
}

fn kind_rank(k: AdvisoryKind) -> u8 {
    match k {
        AdvisoryKind::Malicious => 0,
        AdvisoryKind::Vulnerability => 1,
        AdvisoryKind::Unsound => 2,
        AdvisoryKind::Unmaintained => 3,
        AdvisoryKind::Notice => 4,
    }
}

/// Merges advisories that share an id or alias into one [`Match`] each.
pub(crate) fn merge(
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
    hits: Vec<&Advisory>,
) -> Vec<Match> {
    let norm = normalize_name(eco, name);
    // Union-find over records by shared ids.
    let n = hits.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, a) in hits.iter().enumerate() {
        for id in std::iter::once(&a.id).chain(a.aliases.iter()) {
            match owner.get(id.as_str()) {
                Some(&j) => {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                    parent[ri] = rj;
                }
                None => {
                    owner.insert(id.as_str(), i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&Advisory>> = BTreeMap::new();
    for (i, a) in hits.iter().enumerate() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(a);
    }
    let mut out = Vec::new();
    for (_, mut recs) in groups {
        recs.sort_by(|a, b| {
            (kind_rank(a.kind), id_rank(&a.id), &a.id).cmp(&(
                kind_rank(b.kind),
                id_rank(&b.id),
                &b.id,
            ))
        });
        let Some(first) = recs.first() else { continue };
        let mut ids: Vec<String> = Vec::new();
        let mut primaries: Vec<&String> = recs.iter().map(|r| &r.id).collect();
        primaries.sort_by_key(|id| (id_rank(id), id.to_string()));
        for id in primaries
            .into_iter()
            .chain(recs.iter().flat_map(|r| r.aliases.iter()))
        {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        // Record ids first (best prefix first), then aliases ordered by prefix.
        let nrec = recs.len().min(ids.len());
        ids[nrec..].sort_by_key(|id| (id_rank(id), id.clone()));
        let mut fixed = None;
        let mut os = Vec::new();
        for r in &recs {
            for a in r
                .affected
                .iter()
                .filter(|a| a.ecosystem == eco && normalize_name(eco, &a.name) == norm)
            {
                if fixed.is_none() {
                    fixed = version::fixed_above(eco, &a.ranges, version);
                }
                os.extend(a.os.iter().cloned());
            }
        }
        os.sort();
        os.dedup();
        let severity_label = recs
            .iter()
            .filter_map(|r| r.severity.clone())
            .max_by_key(|l| match l.as_str() {
                "CRITICAL" => 4,
                "HIGH" => 3,
                "MODERATE" | "MEDIUM" => 2,
                "LOW" => 1,
                _ => 0,
            });
        out.push(Match {
            ids,
            kind: first.kind,
            cvss: recs.iter().filter_map(|r| r.cvss).reduce(f64::max),
            severity_label,
            summary: recs
                .iter()
                .map(|r| r.summary.as_str())
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_owned(),
            fixed,
            os,
        });
    }
    out.sort_by(|a, b| a.primary().cmp(b.primary()));
    out
}

/// Whether `version` (None: unknown) of `name` is affected by `adv`.
pub(crate) fn advisory_affects(
    adv: &Advisory,
    eco: Ecosystem,
    norm: &str,
    version: Option<&str>,
) -> bool {
    adv.affected
        .iter()
        .filter(|a| a.ecosystem == eco && normalize_name(eco, &a.name) == norm)
        .any(|a| match version {
            Some(v) => version::affected(eco, &a.ranges, &a.versions, v),
            None => version::affects_all(&a.ranges),
        })
}

impl Db {
    /// Opens the store at `dir`. A missing directory or `meta.json` is an empty database; an
    /// unreadable or corrupt `meta.json` is an error.
    pub fn open(dir: &Path) -> Result<Db> {
        let meta_path = dir.join("meta.json");
        let meta = match std::fs::read(&meta_path) {
            Ok(bytes) => {
                let meta: Meta = serde_json::from_slice(&bytes).map_err(|e| Error::Db {
                    path: meta_path.clone(),
                    message: format!(
                        "corrupt metadata ({e}); re-run `guardrail db import` or `db update`"
                    ),
                })?;
                if meta.format != FORMAT {
                    return Err(Error::Db {
                        path: meta_path,
                        message: format!(
                            "store format {} is not {FORMAT}; re-import the database",
                            meta.format
                        ),
                    });
                }
                meta
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::NotADirectory =>
            {
                Meta::default()
            }
            Err(e) => return Err(Error::io(meta_path, e)),
        };
        Ok(Db {
            dir: dir.to_owned(),
            meta,
            indexes: Default::default(),
        })
    }

    /// Metadata: sources and counts.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The sources the store was built from, with revisions and dates (for the ledger).
    pub fn sources(&self) -> &[SourceInfo] {
        &self.meta.sources
    }

    /// No records at all.
    pub fn is_empty(&self) -> bool {
        self.meta.counts.values().all(|&c| c == 0)
    }

    fn index(&self, eco: Ecosystem) -> Result<&EcoIndex> {
        let slot = &self.indexes[ECOSYSTEMS.iter().position(|&e| e == eco).unwrap_or(0)];
        let loaded = slot.get_or_init(|| load_index(&self.dir, eco, self.meta.sorted_index));
        loaded.as_ref().map_err(|m| Error::Db {
            path: self.dir.join(format!("{}.idx", eco_file(eco))),
            message: m.clone(),
        })
    }

    /// Every stored advisory naming the package (any version).
    pub(crate) fn lookup(&self, eco: Ecosystem, name: &str) -> Result<Vec<Advisory>> {
        if self.meta.counts.get(eco.as_str()).copied().unwrap_or(0) == 0 {
            return Ok(Vec::new());
        }
        let idx = self.index(eco)?;
        let norm = normalize_name(eco, name);
        let spots = idx.lookup.spots(&norm).map_err(|message| Error::Db {
            path: self.dir.join(format!("{}.idx", eco_file(eco))),
            message,
        })?;
        if spots.is_empty() {
            return Ok(Vec::new());
        }
        let data_path = self.dir.join(format!("{}.jsonl", eco_file(eco)));
        let Some(file) = &idx.file else {
            return Ok(Vec::new());
        };
        let mut f = file.lock().map_err(|_| Error::Db {
            path: data_path.clone(),
            message: "internal lock poisoned".into(),
        })?;
        let mut out = Vec::new();
        for (off, len) in spots {
            let mut buf = vec![0u8; len as usize];
            f.seek(SeekFrom::Start(off))
                .and_then(|_| f.read_exact(&mut buf))
                .map_err(|e| Error::io(&data_path, e))?;
            let adv: Advisory = serde_json::from_slice(&buf).map_err(|e| Error::Db {
                path: data_path.clone(),
                message: format!("corrupt record at byte {off} ({e}); re-import the database"),
            })?;
            out.push(adv);
        }
        Ok(out)
    }

    /// The vulnerabilities affecting `version` of a package (None: version unknown, then only
    /// advisories that affect every version, such as malicious packages).
    pub fn matches(&self, eco: Ecosystem, name: &str, version: Option<&str>) -> Result<Vec<Match>> {
        let recs = self.lookup(eco, name)?;
        if recs.is_empty() {
            return Ok(Vec::new());
        }
        let norm = normalize_name(eco, name);
        let hits: Vec<&Advisory> = recs
            .iter()
            .filter(|a| advisory_affects(a, eco, &norm, version))
            .collect();
        let mut out = merge(eco, name, version, hits);
        if eco == Ecosystem::GitHubActions && version.is_some_and(osv::is_commit) {
            // Only a listed commit matches a commit pin: that commit carries the malicious
            // code, whatever the advisory's own severity says.
            for m in &mut out {
                m.kind = AdvisoryKind::Malicious;
            }
        }
        Ok(out)
    }

    /// Age in days of the oldest source's import, when there is one.
    pub fn age_days(&self, now: time::OffsetDateTime) -> Option<i64> {
        self.meta
            .sources
            .iter()
            .filter_map(|s| {
                time::OffsetDateTime::parse(
                    &s.imported,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
            })
            .map(|t| (now - t).whole_days())
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::version::Event;

    fn adv(id: &str, aliases: &[&str], eco: Ecosystem, name: &str, fixed: &str) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            summary: format!("summary of {id}"),
            kind: if id.starts_with("MAL-") {
                AdvisoryKind::Malicious
            } else {
                AdvisoryKind::Vulnerability
            },
            cvss: None,
            severity: None,
            withdrawn: false,
            published: None,
            affected: vec![Affected {
                ecosystem: eco,
                name: name.into(),
                ranges: vec![Range::Events(vec![
                    Event::Introduced("0".into()),
                    Event::Fixed(fixed.into()),
                ])],
                versions: vec![],
                os: vec![],
            }],
        }
    }

    #[test]
    fn names_normalize_per_ecosystem() {
        assert_eq!(
            normalize_name(Ecosystem::PyPI, "Zope.Interface__x"),
            "zope-interface-x"
        );
        assert_eq!(
            normalize_name(Ecosystem::CratesIo, "Serde-JSON"),
            "serde_json"
        );
        assert_eq!(normalize_name(Ecosystem::Npm, "@Scope/x"), "@Scope/x");
    }

    #[test]
    fn store_roundtrip_and_alias_merge() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("db");
        let mut recs = BTreeMap::new();
        for a in [
            adv(
                "PYSEC-2020-1",
                &["CVE-2020-1"],
                Ecosystem::PyPI,
                "PyYAML",
                "5.4",
            ),
            adv(
                "GHSA-aaaa-bbbb-cccc",
                &["CVE-2020-1"],
                Ecosystem::PyPI,
                "pyyaml",
                "5.4",
            ),
            adv("PYSEC-2021-9", &[], Ecosystem::PyPI, "pyyaml", "4.0"),
        ] {
            recs.insert(a.id.clone(), a);
        }
        write_store(&dir, &recs, vec![]).unwrap();
        let db = Db::open(&dir).unwrap();
        assert!(!db.is_empty());
        assert_eq!(db.meta().counts.get("PyPI"), Some(&3));
        let m = db
            .matches(Ecosystem::PyPI, "PyYaml", Some("5.3.1"))
            .unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            m[0].ids,
            vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2020-1", "CVE-2020-1"]
        );
        assert_eq!(m[0].fixed.as_deref(), Some("5.4"));
        assert_eq!(
            db.matches(Ecosystem::PyPI, "pyyaml", Some("3.13"))
                .unwrap()
                .len(),
            2
        );
        assert!(db
            .matches(Ecosystem::PyPI, "pyyaml", Some("6.0"))
            .unwrap()
            .is_empty());
        assert!(db
            .matches(Ecosystem::Npm, "pyyaml", Some("1.0.0"))
            .unwrap()
            .is_empty());
        // Rewriting replaces the old store.
        recs.clear();
        write_store(&dir, &recs, vec![]).unwrap();
        assert!(Db::open(&dir).unwrap().is_empty());
    }

    /// Every name of a store, looked up: (name, sorted ids of its records).
    fn all_lookups(db: &Db, names: &[&str]) -> Vec<(String, Vec<String>)> {
        names
            .iter()
            .map(|n| {
                let mut ids: Vec<String> = db
                    .lookup(Ecosystem::Npm, n)
                    .unwrap()
                    .into_iter()
                    .map(|a| a.id)
                    .collect();
                ids.sort();
                ((*n).to_owned(), ids)
            })
            .collect()
    }

    #[test]
    fn index_is_written_sorted_and_older_unsorted_indexes_still_answer() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("db");
        let names = ["zeta", "alpha", "mid", "alpha-2", "a", "zz", "alpha"];
        let mut recs = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            let a = adv(&format!("MAL-2024-{i}"), &[], Ecosystem::Npm, n, "9.9.9");
            recs.insert(a.id.clone(), a);
        }
        // One record naming two packages is found under both.
        let mut both = adv("GHSA-both", &[], Ecosystem::Npm, "mid", "1.0.0");
        both.affected
            .push(adv("x", &[], Ecosystem::Npm, "aaa", "1.0.0").affected[0].clone());
        recs.insert(both.id.clone(), both);
        write_store(&dir, &recs, vec![]).unwrap();
        let idx = std::fs::read_to_string(dir.join("npm.idx")).unwrap();
        let keys: Vec<&str> = idx.lines().map(|l| l.split('\t').next().unwrap()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "index lines are in name order");
        let probe = [
            "a", "aaa", "alpha", "alpha-2", "mid", "zeta", "zz", "absent", "", "zzz",
        ];
        let fresh = all_lookups(&Db::open(&dir).unwrap(), &probe);
        assert_eq!(fresh[2].1, vec!["MAL-2024-1", "MAL-2024-6"]);
        assert_eq!(fresh[4].1, vec!["GHSA-both", "MAL-2024-2"]);
        assert_eq!(fresh[1].1, vec!["GHSA-both"]);
        assert!(fresh[7].1.is_empty() && fresh[8].1.is_empty() && fresh[9].1.is_empty());
        assert!(Db::open(&dir).unwrap().meta().sorted_index);
        // A store written before the index was sorted (its meta.json does not say so): same
        // answers through the hashed path.
        let mut lines: Vec<&str> = idx.lines().collect();
        lines.reverse();
        std::fs::write(dir.join("npm.idx"), lines.join("\n") + "\n").unwrap();
        let meta_path = dir.join("meta.json");
        let mut meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
        meta.as_object_mut().unwrap().remove("sorted_index");
        std::fs::write(&meta_path, meta.to_string()).unwrap();
        let old = Db::open(&dir).unwrap();
        assert!(!old.meta().sorted_index);
        assert_eq!(all_lookups(&old, &probe), fresh);
    }

    #[test]
    fn a_malformed_index_line_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("db");
        let mut recs = BTreeMap::new();
        for n in ["left-pad", "lodash"] {
            let a = adv(&format!("MAL-{n}"), &[], Ecosystem::Npm, n, "1.0.0");
            recs.insert(a.id.clone(), a);
        }
        write_store(&dir, &recs, vec![]).unwrap();
        let idx_path = dir.join("npm.idx");
        let idx = std::fs::read_to_string(&idx_path).unwrap();
        // Sorted, with a broken offset on line 2: found when that name is looked up.
        let broken = idx.replacen("lodash\t", "lodash\tx", 1);
        std::fs::write(&idx_path, &broken).unwrap();
        let db = Db::open(&dir).unwrap();
        assert_eq!(db.lookup(Ecosystem::Npm, "left-pad").unwrap().len(), 1);
        let err = db.lookup(Ecosystem::Npm, "lodash").unwrap_err().to_string();
        assert!(err.contains("npm.idx") && err.contains("line 2"), "{err}");
        // A line without a name/offset separator: found when its name is looked up.
        std::fs::write(&idx_path, format!("{idx}zz-garbage\n")).unwrap();
        let db = Db::open(&dir).unwrap();
        assert_eq!(db.lookup(Ecosystem::Npm, "lodash").unwrap().len(), 1);
        let err = db
            .lookup(Ecosystem::Npm, "zz-garbage")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("malformed"), "{err}");
        // An older (hashed) store reads every line when it opens, and says which is bad.
        let meta_path = dir.join("meta.json");
        let meta = std::fs::read_to_string(&meta_path).unwrap();
        std::fs::write(
            &meta_path,
            meta.replace("\"sorted_index\": true", "\"sorted_index\": false"),
        )
        .unwrap();
        let err = Db::open(&dir)
            .unwrap()
            .lookup(Ecosystem::Npm, "left-pad")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("malformed"), "{err}");
    }

    #[test]
    fn missing_store_is_empty_and_corrupt_meta_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Db::open(&tmp.path().join("nope")).unwrap().is_empty());
        std::fs::write(tmp.path().join("meta.json"), "{").unwrap();
        let e = Db::open(tmp.path()).err().unwrap().to_string();
        assert!(e.contains("meta.json") && e.contains("corrupt"), "{e}");
    }
}
