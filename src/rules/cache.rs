//! The on-disk rules cache: parsed rules and the literal sets extracted so far, kept per rule
//! set in the user cache directory, keyed by the rules' sha256 and this build of guardrail, so
//! later runs skip YAML parsing and literal extraction. Also the atomic cache-file writer the
//! other caches use.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::compile::parse_yaml;
use super::regexes::Leaf;
use super::schema::RawRule;
use super::sources::{is_builtin, sources_sha256, Source};
use super::RuleSet;
use crate::error::{Error, Result};

const CACHE_FORMAT: u32 = 1;

/// A cache file larger than this is not read (no legitimate rule set comes near it).
const CACHE_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How many rule-set cache files a cache directory keeps (one per distinct rule set in use).
const CACHE_KEEP: usize = 8;

/// What the rules cache holds for one rule set.
#[derive(Deserialize)]
struct CacheFile {
    format: u32,
    key: String,
    /// Per source, its rules with their lines.
    files: Vec<Vec<(usize, RawRule)>>,
}

/// Reads cached literal sets into `leaves` (per leaf: `null` not known yet, `false` no usable
/// literal, or the literals); returns how many were known. Anything unexpected reads as nothing.
fn read_literals(file: &Path, leaves: &[Leaf]) -> usize {
    let Some(value) = std::fs::metadata(file)
        .ok()
        .filter(|m| m.len() <= CACHE_MAX_BYTES)
        .and_then(|_| std::fs::read(file).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    else {
        return 0;
    };
    if value.get("format").and_then(|f| f.as_u64()) != Some(u64::from(CACHE_FORMAT)) {
        return 0;
    }
    let Some(entries) = value.get("literals").and_then(|l| l.as_array()) else {
        return 0;
    };
    if entries.len() != leaves.len() {
        return 0;
    }
    let mut known = 0;
    for (leaf, e) in leaves.iter().zip(entries) {
        let lits = match e {
            serde_json::Value::Bool(false) => None,
            serde_json::Value::Array(a) => {
                let Some(v) = a
                    .iter()
                    .map(|x| x.as_str().map(|s| s.as_bytes().to_vec()))
                    .collect::<Option<Vec<Vec<u8>>>>()
                else {
                    continue;
                };
                Some(v)
            }
            _ => continue,
        };
        if leaf.literals.set(lits).is_ok() {
            known += 1;
        }
    }
    known
}

/// Cache key: the rules' sha256 together with guardrail's version and the source of the code
/// that reads rules and extracts literals (what the cache stores is that code's output, so a
/// development build with a changed extractor must not reuse an older build's cache).
pub(super) fn cache_key(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    h.update(sources_sha256(sources).as_bytes());
    h.update([0]);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(CACHE_FORMAT.to_le_bytes());
    for code in [
        include_str!("schema.rs"),
        include_str!("regexes.rs"),
        include_str!("compile.rs"),
        include_str!("prefilter.rs"),
        include_str!("cache.rs"),
    ] {
        h.update(code.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Writes a cache file atomically (temporary file, then rename), so a concurrent run reads the
/// old file or the new one whole. Failures are ignored: a cache only saves time.
pub(crate) fn write_atomic(dir: &Path, file: &Path, bytes: &[u8]) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".cache-{}-{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Keeps the newest [`CACHE_KEEP`] cached rule sets in `dir` (and always `keep`).
fn prune_cache(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut cached: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with("rules-") && n.ends_with(".json") && !n.ends_with(".literals.json")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if cached.len() <= CACHE_KEEP {
        return;
    }
    cached.sort();
    for (_, p) in &cached[..cached.len() - CACHE_KEEP] {
        if p != keep {
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(p.with_extension("literals.json"));
        }
    }
}

/// The rules cache directory: `$GUARDRAIL_RULES_CACHE` (empty: no cache), else
/// `guardrail/rules` in the user cache directory.
pub fn default_cache_dir(env: &crate::config::Env) -> Option<PathBuf> {
    match env.var_os("GUARDRAIL_RULES_CACHE") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => dirs::cache_dir().map(|d| d.join("guardrail").join("rules")),
    }
}

/// The literal-set half of the rules cache for one rule set.
#[derive(Debug)]
pub(super) struct CacheState {
    /// The file (`rules-<key>.literals.json`).
    literals: PathBuf,
    /// How many leaves had known literals when last read or saved.
    known: AtomicUsize,
}

impl RuleSet {
    /// [`RuleSet::compile`] through a cache in `dir` (None: no cache), keyed by the sha256 of
    /// the sources and this build of guardrail. A hit skips YAML parsing, validation (only
    /// sources that loaded and validated are ever cached) and literal extraction; a missing,
    /// unreadable, corrupt or foreign cache file is ignored and rewritten. Writing is best
    /// effort: a read-only cache directory costs speed, never the run.
    pub fn compile_cached(sources: &[Source], dir: Option<&Path>) -> Result<RuleSet> {
        let Some(dir) = dir else {
            return RuleSet::compile(sources);
        };
        let key = {
            let _t = tracing::debug_span!("rules::cache_key").entered();
            cache_key(sources)
        };
        let file = dir.join(format!("rules-{key}.json"));
        if let Some(set) = RuleSet::from_cache(&file, &key, sources) {
            return Ok(set);
        }
        let mut raw: Vec<serde_json::Value> = Vec::with_capacity(sources.len());
        let set = RuleSet::build(
            sources,
            |_, src| {
                let rules = parse_yaml(0, src)?;
                // Kept as JSON for the cache; rules with values JSON cannot hold are not cached.
                raw.push(serde_json::to_value(&rules).unwrap_or(serde_json::Value::Null));
                Ok(rules)
            },
            is_builtin,
        )?;
        let mut set = set;
        if raw.iter().all(|v| !v.is_null()) {
            let cache = serde_json::json!({
                "format": CACHE_FORMAT,
                "key": key,
                "files": raw,
            });
            if let Ok(bytes) = serde_json::to_vec(&cache) {
                write_atomic(dir, &file, &bytes);
            }
            prune_cache(dir, &file);
        }
        set.cache = Some(CacheState {
            literals: dir.join(format!("rules-{key}.literals.json")),
            known: AtomicUsize::new(0),
        });
        Ok(set)
    }

    /// Saves the literal sets computed so far beside the cached rules, when this run computed
    /// new ones (call once the checks are done; later runs then skip extracting them).
    pub fn save_cache(&self) {
        let Some(cache) = &self.cache else { return };
        let known = self
            .leaves
            .iter()
            .filter(|l| l.literals.get().is_some())
            .count();
        if known <= cache.known.load(Ordering::Relaxed) {
            return;
        }
        let entries: Vec<serde_json::Value> = self
            .leaves
            .iter()
            .map(|l| match l.literals.get() {
                None => serde_json::Value::Null,
                Some(None) => serde_json::Value::Bool(false),
                Some(Some(v)) => match v
                    .iter()
                    .map(|b| String::from_utf8(b.clone()).ok())
                    .collect::<Option<Vec<String>>>()
                {
                    Some(strings) => serde_json::json!(strings),
                    // Not representable as JSON text: leave it to be extracted again.
                    None => serde_json::Value::Null,
                },
            })
            .collect();
        let value = serde_json::json!({ "format": CACHE_FORMAT, "literals": entries });
        if let Some(dir) = cache.literals.parent() {
            if let Ok(bytes) = serde_json::to_vec(&value) {
                write_atomic(dir, &cache.literals, &bytes);
            }
        }
        cache.known.store(known, Ordering::Relaxed);
    }

    fn from_cache(file: &Path, key: &str, sources: &[Source]) -> Option<RuleSet> {
        let meta = std::fs::metadata(file).ok()?;
        if meta.len() > CACHE_MAX_BYTES {
            return None;
        }
        let _t = tracing::debug_span!("rules::from_cache").entered();
        let bytes = std::fs::read(file).ok()?;
        let cached: CacheFile = {
            let _t = tracing::debug_span!("json").entered();
            serde_json::from_slice(&bytes).ok()?
        };
        if cached.format != CACHE_FORMAT || cached.key != key || cached.files.len() != sources.len()
        {
            return None;
        }
        let mut files = cached.files.into_iter().map(Some).collect::<Vec<_>>();
        let mut set = RuleSet::build(
            sources,
            |i, _| {
                files
                    .get_mut(i)
                    .and_then(Option::take)
                    .ok_or_else(|| Error::Usage("rules cache out of step".into()))
            },
            |_| true,
        )
        .ok()?;
        let literals = file.with_file_name(format!("rules-{key}.literals.json"));
        let known = {
            let _t = tracing::debug_span!("literals").entered();
            read_literals(&literals, &set.leaves)
        };
        set.cache = Some(CacheState {
            literals,
            known: AtomicUsize::new(known),
        });
        set.from_cache = true;
        Some(set)
    }

    /// Whether the set came from the rules cache ([`RuleSet::compile_cached`]).
    pub fn loaded_from_cache(&self) -> bool {
        self.from_cache
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached_sources() -> Vec<Source> {
        vec![Source {
            path: "team/r.yaml".into(),
            text: "rules:\n  - id: team-eval\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern-regex: \\beval\\(\n  - id: team-token\n    message: m\n    severity: WARNING\n    languages: [generic]\n    patterns:\n      - pattern-regex: token\\s*=\\s*(?P<V>\\w+)\n      - metavariable-regex:\n          metavariable: $V\n          regex: '[0-9]+'\n".into(),
        }]
    }

    fn ids_and_lines(rs: &RuleSet, path: &str, text: &str) -> Vec<(String, Vec<usize>)> {
        let hits = rs.prefilter_for(path, text);
        rs.for_path(path)
            .map(|r| {
                let lines = rs
                    .matches(r, text, &hits)
                    .iter()
                    .map(|m| text[..m.start].matches('\n').count() + 1)
                    .collect();
                (r.id.clone(), lines)
            })
            .collect()
    }

    #[test]
    fn rules_cache_round_trip_gives_the_same_rules_and_matches() {
        let dir = tempfile::tempdir().unwrap();
        let src = cached_sources();
        let text = "x = eval(y)\ntoken = 123\ntoken = abc\n";
        let first = RuleSet::compile_cached(&src, Some(dir.path())).unwrap();
        assert!(!first.loaded_from_cache());
        let expect = ids_and_lines(&first, "a.py", text);
        assert_eq!(
            expect,
            vec![
                ("team-eval".to_owned(), vec![1]),
                ("team-token".to_owned(), vec![2])
            ]
        );
        first.save_cache();
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 2, "rules and literals files");
        let second = RuleSet::compile_cached(&src, Some(dir.path())).unwrap();
        assert!(second.loaded_from_cache());
        assert_eq!(second.sha256(), first.sha256());
        assert_eq!(second.rules()[1].line, 7);
        // Literal sets came from the cache (validation extracted them on the first load): nothing
        // to extract before filtering.
        let known = second
            .leaves
            .iter()
            .filter(|l| l.literals.get().is_some())
            .count();
        assert_eq!(known, second.regex_count());
        assert_eq!(ids_and_lines(&second, "a.py", text), expect);
        // Other sources: another key, a miss.
        let mut other = cached_sources();
        other[0].text.push_str("  - id: team-x\n    message: m\n    severity: INFO\n    languages: [generic]\n    pattern-regex: xyz\n");
        let third = RuleSet::compile_cached(&other, Some(dir.path())).unwrap();
        assert!(!third.loaded_from_cache());
        assert_eq!(third.rules().len(), 3);
    }

    #[test]
    fn corrupt_or_foreign_cache_files_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let src = cached_sources();
        let key = cache_key(&src);
        let file = dir.path().join(format!("rules-{key}.json"));
        let lits = dir.path().join(format!("rules-{key}.literals.json"));
        for garbage in [
            &b"\x00\xff not json"[..],
            b"{\"format\": 1, \"key\": \"other\", \"files\": [[]]}",
            b"{\"format\": 1, \"key\": \"",
            b"[]",
        ] {
            std::fs::write(&file, garbage).unwrap();
            std::fs::write(&lits, b"{\"format\": 1, \"literals\": [\"x\", 3]}").unwrap();
            let rs = RuleSet::compile_cached(&src, Some(dir.path())).unwrap();
            assert!(!rs.loaded_from_cache());
            assert_eq!(rs.rules().len(), 2);
            // Rewritten: the next load is a hit, and a bad literals file is just not used.
            let again = RuleSet::compile_cached(&src, Some(dir.path())).unwrap();
            assert!(again.loaded_from_cache());
            assert_eq!(
                ids_and_lines(&again, "a.py", "eval(1)\n"),
                vec![
                    ("team-eval".to_owned(), vec![1]),
                    ("team-token".to_owned(), vec![])
                ]
            );
        }
        // A cache directory that cannot be created costs nothing but the cache.
        let blocked = dir.path().join("file-not-dir");
        std::fs::write(&blocked, b"x").unwrap();
        let rs = RuleSet::compile_cached(&src, Some(&blocked.join("sub"))).unwrap();
        assert_eq!(rs.rules().len(), 2);
        rs.save_cache();
    }

    #[test]
    fn cached_rules_are_validated_before_they_are_cached() {
        let dir = tempfile::tempdir().unwrap();
        let bad = vec![Source {
            path: "r.yaml".into(),
            text: "rules:\n  - id: look\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: (?<=a)b\n".into(),
        }];
        for _ in 0..2 {
            let e = RuleSet::compile_cached(&bad, Some(dir.path()))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("r.yaml:2: rule `look`: bad regex"), "{e}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
