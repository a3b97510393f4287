//! The rules-cache directory, and what is left of the rules cache: nothing. Parsed rules and
//! literal sets used to be kept in the user cache directory and trusted when read back, so a
//! change's code that wrote there could switch rules off while the ledger's `rules_sha256` still
//! named the real rules (issue 16, item 5). The built-in packs now come parsed from the binary
//! ([`super::builtin`]) and other rule files are parsed each run, so nothing under the cache
//! directory is read. [`RuleSet::compile_cached`] and [`RuleSet::save_cache`] stay for their
//! callers; the cache-file writer here serves the other caches (yanked versions, registry
//! look-ups).

use std::path::{Path, PathBuf};

use super::sources::Source;
use super::RuleSet;
use crate::error::Result;

/// Writes a cache file atomically (temporary file, then rename), so a concurrent run reads the
/// old file or the new one whole. Failures are ignored: a cache only saves time.
pub fn write_atomic(dir: &Path, file: &Path, bytes: &[u8]) {
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

/// The rules cache directory: `$GUARDRAIL_RULES_CACHE` (empty: no cache), else
/// `guardrail/rules` in the user cache directory. Nothing reads or writes it any more (see the
/// module documentation); callers still pass it to [`RuleSet::compile_cached`].
pub fn default_cache_dir(env: &crate::config::Env) -> Option<PathBuf> {
    match env.var_os("GUARDRAIL_RULES_CACHE") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => dirs::cache_dir().map(|d| d.join("guardrail").join("rules")),
    }
}

impl RuleSet {
    /// The same as [`RuleSet::compile`]: `dir` (the rules-cache directory) is neither read nor
    /// written, whatever it holds (see the module documentation).
    pub(crate) fn compile_cached(sources: &[Source], dir: Option<&Path>) -> Result<RuleSet> {
        let _ = dir;
        RuleSet::compile(sources)
    }

    /// Nothing to save: no rules cache is kept (see the module documentation).
    pub(crate) fn save_cache(&self) {}
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
    fn the_cache_directory_is_neither_read_nor_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut src = crate::rules::builtin_sources();
        src.extend(cached_sources());
        // What older builds left there, forged: every rule dropped, literal sets no text holds.
        let planted = [
            (
                "rules-0.json",
                &b"{\"format\": 1, \"key\": \"0\", \"files\": [[]]}"[..],
            ),
            (
                "rules-0.literals.json",
                b"{\"format\": 1, \"literals\": [[\"qqzz\"]]}",
            ),
            ("garbage.json", b"\x00\xff not json"),
        ];
        for (name, bytes) in planted {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let listing = |d: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| {
                    let p = e.unwrap().path();
                    (p.display().to_string(), std::fs::read(&p).unwrap())
                })
                .collect();
            v.sort();
            v
        };
        let before = listing(dir.path());
        let text = "x = eval(y)\ntoken = 123\ntoken = abc\nos.system(cmd)\n";
        let plain = RuleSet::compile(&src).unwrap();
        let expect = ids_and_lines(&plain, "a.py", text);
        assert!(
            expect.iter().filter(|(_, lines)| !lines.is_empty()).count() >= 3,
            "{expect:?}"
        );
        for _ in 0..2 {
            let cached = RuleSet::compile_cached(&src, Some(dir.path())).unwrap();
            assert_eq!(cached.sha256(), plain.sha256());
            assert_eq!(ids_and_lines(&cached, "a.py", text), expect);
            cached.save_cache();
        }
        assert_eq!(listing(dir.path()), before);
        // A cache directory that cannot be created costs nothing.
        let blocked = dir.path().join("garbage.json");
        let rs = RuleSet::compile_cached(&src, Some(&blocked.join("sub"))).unwrap();
        assert_eq!(rs.rules().len(), plain.rules().len());
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
