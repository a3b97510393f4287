//! The whole-tree scan (`guardrail scan`): every file of a tree reviewed as if each line were
//! added, for baselines and first runs.
//!
//! Walks with the `ignore` crate (`.gitignore`, `.ignore` and git's exclude files are honoured,
//! also outside a git repository; hidden files are scanned, `.git/` is not), skips binary files
//! (a NUL byte in the first 8 KiB), vendored code (`vendor/`, `node_modules/`, `third_party/`,
//! `*.min.js`), the config's `exclude` globs, and files over `limits.max-file-bytes` (with a
//! note, not an error). Code rules run per file on a rayon pool; the other checks (dependency
//! manifests and lockfiles) see one change set holding the manifests only. Suppressions present
//! in the tree count, as they would at a base revision.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::checks::code::whole_file;
use crate::config::{self, Config, Env, PathFilter};
use crate::diff::{ChangeSet, FileChange, Revisions};
use crate::error::{Error, Result};
use crate::finding::{sha256_hex, Finding};
use crate::pipeline;
use crate::policy::Verdict;
use crate::rules::RuleSet;

/// How many leading bytes decide whether a file is binary.
const BINARY_SNIFF: usize = 8192;

/// Directory names holding vendored third-party code.
const VENDORED_DIRS: [&str; 3] = ["vendor", "node_modules", "third_party"];

/// Inputs of one scan.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// Tree to scan.
    pub root: PathBuf,
    /// Config file (default: `.guardrail.yml` at the root of the tree, if present).
    pub config: Option<PathBuf>,
    /// Extra rule directories or files.
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in packs.
    pub no_builtin: bool,
    /// Worker threads (None: all cores).
    pub jobs: Option<usize>,
    /// Never touch the network.
    pub offline: bool,
    /// Advisory database directory.
    pub db: Option<PathBuf>,
    /// The environment the edge read.
    pub env: Env,
}

impl ScanSettings {
    /// Settings for `root` with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ScanSettings {
            root: root.into(),
            config: None,
            rules: Vec::new(),
            no_builtin: false,
            jobs: None,
            offline: false,
            db: None,
            env: Env::default(),
        }
    }
}

/// Counts of what the walk saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Files whose content was reviewed.
    pub(crate) files: u64,
    /// Bytes reviewed.
    pub(crate) bytes: u64,
    /// Files skipped as binary.
    pub(crate) binary: u64,
    /// Files skipped as vendored.
    pub(crate) vendored: u64,
    /// Files skipped for size.
    pub(crate) too_large: u64,
    /// Files skipped by the config's `exclude`.
    pub(crate) excluded: u64,
}

/// Result of a scan.
pub struct ScanOutcome {
    /// The decision.
    pub verdict: Verdict,
    /// Findings in force, sorted.
    pub findings: Vec<Finding>,
    /// Things to tell the user on stderr.
    pub notes: Vec<String>,
    /// What was scanned and skipped.
    pub stats: ScanStats,
    /// The config in force.
    pub config: Config,
    /// sha256 of the config text (None: defaults).
    pub config_sha256: Option<String>,
    /// The rules in force.
    pub rules: RuleSet,
    /// The scanned root.
    pub root: PathBuf,
    /// The advisory database directory asked for (None: the default location).
    pub db: Option<PathBuf>,
    /// When the run started.
    pub started: time::OffsetDateTime,
}

/// Files of the tree on disk; there is no base.
struct TreeRevs<'a> {
    root: &'a Path,
}

impl Revisions for TreeRevs<'_> {
    fn base(&self, _path: &str) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn list(&self) -> Result<Vec<String>> {
        // The scan's change set already holds every file of the tree.
        Ok(Vec::new())
    }

    fn head(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let p = self.root.join(path);
        match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(p, e)),
        }
    }
}

/// Whether a path (relative, `/`-separated) is vendored third-party code.
pub(crate) fn is_vendored(rel: &str) -> bool {
    let mut parts = rel.split('/').peekable();
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            return p.ends_with(".min.js") || p.ends_with(".min.mjs");
        }
        if VENDORED_DIRS.contains(&p) {
            return true;
        }
    }
    false
}

/// Whether bytes look binary: a NUL in the first 8 KiB.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

fn load_config(s: &ScanSettings) -> Result<(Config, Option<String>)> {
    let path = match &s.config {
        Some(p) => Some(p.clone()),
        None => Some(s.root.join(config::FILE_NAME)).filter(|p| p.is_file()),
    };
    match path {
        Some(p) => {
            let bytes = config::read_file(&p)?;
            Ok((Config::parse(&bytes, &p)?, Some(sha256_hex(&bytes))))
        }
        None => Ok((Config::default(), None)),
    }
}

/// A file to read, found by the walk.
struct Target {
    abs: PathBuf,
    rel: String,
    len: u64,
}

fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks the tree: the files to read, with counts of what was skipped.
fn walk(
    root: &Path,
    policy: &PathFilter,
    max_bytes: u64,
    stats: &mut ScanStats,
    notes: &mut Vec<String>,
) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut big: Vec<String> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // An unreadable directory or a bad ignore file: say so, keep going.
                notes.push(format!(
                    "skipped part of the tree: {}",
                    one_line(&e.to_string())
                ));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = rel_path(root, entry.path());
        if rel.is_empty() {
            // The root itself is a file: scan it under its own name.
            let name = entry
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push(Target {
                abs: entry.path().to_path_buf(),
                rel: name,
                len: entry.metadata().map(|m| m.len()).unwrap_or(0),
            });
            continue;
        }
        if is_vendored(&rel) {
            stats.vendored += 1;
            continue;
        }
        if policy.excluded(&rel) {
            stats.excluded += 1;
            continue;
        }
        let len = entry
            .metadata()
            .map_err(|e| Error::parse(entry.path(), None, e.to_string()))?
            .len();
        if len > max_bytes {
            stats.too_large += 1;
            if big.len() < 5 {
                big.push(rel);
            }
            continue;
        }
        out.push(Target {
            abs: entry.path().to_path_buf(),
            rel,
            len,
        });
    }
    if stats.too_large > 0 {
        notes.push(format!(
            "skipped {} file(s) over limits.max-file-bytes ({} bytes): {}{}",
            stats.too_large,
            max_bytes,
            big.join(", "),
            if stats.too_large > big.len() as u64 {
                ", …"
            } else {
                ""
            }
        ));
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs `scan`: the tree as a change that adds every line of every file, through the same
/// pipeline as `check`. `progress(done, total)` is called as files are read (from worker
/// threads).
pub fn scan(s: &ScanSettings, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<ScanOutcome> {
    let started = time::OffsetDateTime::now_utc();
    if !s.root.exists() {
        return Err(Error::io(
            &s.root,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        ));
    }
    let (mut cfg, config_sha256) = load_config(s)?;
    if s.no_builtin {
        cfg.rules.builtin = false;
    }
    let rules = pipeline::load_rules(&cfg, &s.rules, None, None, &s.root)?;
    let mut notes = Vec::new();
    let mut stats = ScanStats::default();
    let filter = PathFilter::new(&cfg.exclude);
    let targets = walk(
        &s.root,
        &filter,
        cfg.limits.max_file_bytes,
        &mut stats,
        &mut notes,
    )?;

    let total = targets.len() as u64;
    let done = AtomicU64::new(0);
    let binary = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let lossy = std::sync::Mutex::new(Vec::<String>::new());
    let per_file = |t: &Target| -> Result<Option<FileChange>> {
        let content = std::fs::read(&t.abs).map_err(|e| Error::io(&t.abs, e))?;
        let result = if is_binary(&content) && !crate::diff::is_text_kind(&t.rel) {
            binary.fetch_add(1, Ordering::Relaxed);
            None
        } else {
            bytes.fetch_add(t.len, Ordering::Relaxed);
            let (text, was_lossy) = match String::from_utf8(content) {
                Ok(t) => (t, false),
                Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
            };
            if was_lossy {
                if let Ok(mut l) = lossy.lock() {
                    l.push(t.rel.clone());
                }
            }
            Some(whole_file(&t.rel, &text, false))
        };
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(n, total);
        Ok(result)
    };
    let read_all = || -> Result<Vec<Option<FileChange>>> {
        use rayon::prelude::*;
        targets.par_iter().map(per_file).collect()
    };
    let pool = match s.jobs {
        Some(n) if n > 0 => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| {
                    Error::Usage(format!("--jobs {n}: cannot start worker threads: {e}"))
                })?,
        ),
        _ => None,
    };
    let changes = ChangeSet {
        files: match &pool {
            Some(p) => p.install(read_all)?,
            None => read_all()?,
        }
        .into_iter()
        .flatten()
        .collect(),
    };
    stats.files = total - binary.load(Ordering::Relaxed);
    stats.binary = binary.load(Ordering::Relaxed);
    stats.bytes = bytes.load(Ordering::Relaxed);

    let revs = TreeRevs { root: &s.root };
    let input = pipeline::Input {
        changes: &changes,
        revs: Some(&revs),
        config: &cfg,
        rules: &rules,
        env: &s.env,
        offline: s.offline,
        scan: true,
        db_dir: s.db.as_deref(),
        agent_written: false,
        today: pipeline::today(),
    };
    let checked = match &pool {
        Some(p) => p.install(|| pipeline::run(&input))?,
        None => pipeline::run(&input)?,
    };
    notes.extend(checked.notes);
    let lossy = lossy.into_inner().unwrap_or_default();
    if !lossy.is_empty() {
        notes.push(format!(
            "{} file(s) are not valid UTF-8 and were scanned with invalid bytes replaced (first: {})",
            lossy.len(),
            lossy.iter().min().map(String::as_str).unwrap_or("")
        ));
    }
    if stats.binary > 0 {
        notes.push(format!("skipped {} binary file(s)", stats.binary));
    }
    Ok(ScanOutcome {
        verdict: checked.verdict,
        findings: checked.findings,
        notes,
        stats,
        config: cfg.clone(),
        config_sha256,
        rules,
        root: s.root.clone(),
        db: s.db.clone(),
        started,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_and_binary_detection() {
        assert!(is_vendored("node_modules/x/index.js"));
        assert!(is_vendored("a/vendor/b.go"));
        assert!(is_vendored("static/app.min.js"));
        assert!(!is_vendored("src/vendors.rs"));
        assert!(!is_vendored("vendor.py"));
        assert!(is_binary(b"abc\0def"));
        assert!(!is_binary(b"plain text"));
        let mut late = vec![b'a'; BINARY_SNIFF];
        late.push(0);
        assert!(!is_binary(&late));
    }

    /// Scan and check read the same dependency files: the scan hands every file to the
    /// dependency stage, which picks them with `deps::Format::of`.
    #[test]
    fn scan_reads_the_dependency_files_check_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("requirements")).unwrap();
        for (p, name) in [
            ("requirements/base.txt", "reqeusts"),
            ("dev-requirements.txt", "nmupy"),
        ] {
            assert!(crate::deps::Format::of(p).is_some(), "{p}");
            std::fs::write(root.join(p), format!("{name}==2.0.0\n")).unwrap();
        }
        let mut s = ScanSettings::new(root);
        s.offline = true;
        let out = scan(&s, &|_, _| {}).unwrap();
        let paths: std::collections::BTreeSet<&str> = out
            .findings
            .iter()
            .filter(|f| f.package.is_some())
            .map(|f| f.path.as_str())
            .collect();
        assert!(
            paths.contains("requirements/base.txt") && paths.contains("dev-requirements.txt"),
            "dependency findings only for {paths:?}"
        );
    }
}
