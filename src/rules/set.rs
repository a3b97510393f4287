//! The loaded rule set: its rules and leaf regexes, the candidate filters (built per language
//! group on first use), and the entry point that runs one rule's
//! [`Matcher`](super::matcher::Matcher) over a file.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use super::compile::Rule;
#[cfg(test)]
use super::lang::LANGS;
use super::lang::{groups_of, path_mask, ALL_LANGS, GENERIC};
use super::matcher::{Match, MatchCx, Target};
use super::prefilter;
use super::regexes::Leaf;

/// be shared between threads).
#[derive(Debug)]
pub struct RuleSet {
    pub(super) rules: Vec<Rule>,
    pub(super) leaves: Vec<Leaf>,
    pub(super) sha256: String,
    /// Candidate filters by language group, built on first use.
    pub(super) filters: Mutex<HashMap<usize, Arc<OnceLock<prefilter::Prefilter>>>>,
    /// Leaves that failed to compile on first use: leaf → note.
    pub(super) failures: Mutex<BTreeMap<usize, String>>,
}

impl Clone for RuleSet {
    fn clone(&self) -> Self {
        RuleSet {
            rules: self.rules.clone(),
            leaves: self.leaves.clone(),
            sha256: self.sha256.clone(),
            filters: Mutex::new(HashMap::new()),
            failures: Mutex::new(self.failures.lock().map(|f| f.clone()).unwrap_or_default()),
        }
    }
}

impl RuleSet {
    /// The rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// sha256 over every rule file's path and text.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Drops rules by id (config `rules.disable`).
    pub fn disable(&mut self, ids: &[String]) {
        self.rules.retain(|r| !ids.contains(&r.id));
        self.forget_filters();
    }

    /// Forgets every rule's `paths:` filter (languages still apply). Fixture tests do this, like
    /// `semgrep --test` since 1.45: a fixture named after its rule file could never satisfy a
    /// `paths.include` written for real trees (`.github/workflows/`).
    pub(crate) fn ignore_path_filters(&mut self) {
        for r in &mut self.rules {
            r.include = None;
            r.exclude = None;
        }
    }

    /// Candidate filters are built from the rules in force: drop them when that changes.
    fn forget_filters(&mut self) {
        if let Ok(f) = self.filters.get_mut() {
            f.clear();
        }
    }

    /// Rules that apply to `path`.
    pub fn for_path<'a, 'p>(&'a self, path: &'p str) -> impl Iterator<Item = &'a Rule> + 'p
    where
        'a: 'p,
    {
        let mask = path_mask(path);
        self.rules
            .iter()
            .filter(move |r| r.applies_with(path, mask))
    }

    /// All matches of `rule` in `text`, after the prefilter said the rule may match. A leaf
    /// regex that fails to compile on first use matches nothing and is reported by
    /// [`RuleSet::failures`].
    pub fn matches(&self, rule: &Rule, text: &str, hits: &[bool]) -> Vec<Match> {
        let cx = MatchCx { set: self, hits };
        if !rule.matcher.possible(&cx) {
            return Vec::new();
        }
        let mut out = rule.matcher.find(&cx, Target { text });
        out.sort_by_key(|m| (m.start, m.end));
        out.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        out
    }

    /// Which leaves may match somewhere in `text`, for rules of every language.
    pub fn prefilter(&self, text: &str) -> Vec<bool> {
        self.candidates(ALL_LANGS, text)
    }

    /// Which leaves may match somewhere in `text`, for the rules that can apply to `path` (by
    /// language); the others stay `false`. One pass over `text`.
    pub(crate) fn prefilter_for(&self, path: &str, text: &str) -> Vec<bool> {
        self.candidates(path_mask(path), text)
    }

    fn candidates(&self, mask: u64, text: &str) -> Vec<bool> {
        let mut hits = vec![false; self.leaves.len()];
        for g in groups_of(mask) {
            if let Some(f) = self.filter(g).get() {
                f.candidates(text, &mut hits);
            }
        }
        hits
    }

    /// The candidate filter of a language group, built on first use.
    fn filter(&self, group: usize) -> Arc<OnceLock<prefilter::Prefilter>> {
        let cell = match self.filters.lock() {
            Ok(mut map) => Arc::clone(map.entry(group).or_default()),
            // A panic elsewhere poisoned the cache: build a private filter.
            Err(_) => Arc::new(OnceLock::new()),
        };
        cell.get_or_init(|| self.build_filter(group));
        cell
    }

    fn build_filter(&self, group: usize) -> prefilter::Prefilter {
        let mut members = Vec::new();
        for r in &self.rules {
            let member = if group == GENERIC {
                r.mask == 0
            } else {
                r.mask & (1u64 << group) != 0
            };
            if member {
                r.leaves(&mut members);
            }
        }
        members.sort_unstable();
        members.dedup();
        let input: Vec<(usize, Option<&[Vec<u8>]>)> = members
            .iter()
            .filter_map(|&i| Some((i, self.leaves.get(i)?.literals())))
            .collect();
        prefilter::Prefilter::build(&input)
    }

    #[cfg(test)]
    /// Language groups whose candidate filter has been built so far (`generic` and canonical
    /// language names, sorted): how much of the rule set a run compiled.
    pub(crate) fn compiled_groups(&self) -> Vec<&'static str> {
        let Ok(map) = self.filters.lock() else {
            return Vec::new();
        };
        let mut out: Vec<&'static str> = map
            .iter()
            .filter(|(_, cell)| cell.get().is_some())
            .map(|(g, _)| LANGS.get(*g).map_or("generic", |l| l.name))
            .collect();
        out.sort_unstable();
        out
    }

    #[cfg(test)]
    /// For a file at `path`: how many leaf regexes the candidate filters of its language groups
    /// cover, and how many of those have no usable literal (candidates in every text). Builds
    /// the filters.
    pub(crate) fn filter_sizes(&self, path: &str) -> (usize, usize) {
        groups_of(path_mask(path))
            .filter_map(|g| self.filter(g).get().map(|f| f.sizes()))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    }

    #[cfg(test)]
    /// How many leaf regexes (of [`RuleSet::regex_count`]) are compiled so far.
    pub(crate) fn compiled_regexes(&self) -> usize {
        self.leaves.iter().filter(|l| l.re.get().is_some()).count()
    }

    #[cfg(test)]
    /// How many leaf regexes the set holds (patterns, negative patterns, metavariable regexes).
    pub(crate) fn regex_count(&self) -> usize {
        self.leaves.len()
    }

    /// Regexes that failed to compile on first use (over the size limit): one line each, naming
    /// rule file, line and rule. Their rules found nothing; callers report these as notes.
    pub(crate) fn failures(&self) -> Vec<String> {
        self.failures
            .lock()
            .map(|f| f.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The compiled regex of leaf `i`, compiling it now if needed; a failure is recorded.
    pub(super) fn regex(&self, i: usize) -> Option<&Regex> {
        let leaf = self.leaves.get(i)?;
        match leaf.regex() {
            Ok(re) => Some(re),
            Err(e) => {
                if let Ok(mut f) = self.failures.lock() {
                    f.entry(i).or_insert_with(|| {
                        format!(
                            "{}:{}: rule `{}` skipped: regex `{}` does not compile: {e}",
                            leaf.path.display(),
                            leaf.line,
                            leaf.rule,
                            leaf.pattern
                        )
                    });
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::sources::{is_rule_file, Source, BUILTIN};

    /// Every built-in file that is not a rule file (the fixtures), with its path.
    fn builtin_fixtures() -> Vec<(String, String)> {
        fn walk(d: &include_dir::Dir<'static>, out: &mut Vec<(String, String)>) {
            for f in d.files() {
                let name = f.path().file_name().and_then(|n| n.to_str()).unwrap_or("");
                if !is_rule_file(name) {
                    if let Some(t) = f.contents_utf8() {
                        out.push((f.path().to_string_lossy().into_owned(), t.to_owned()));
                    }
                }
            }
            for sub in d.dirs() {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        walk(&BUILTIN, &mut out);
        out
    }

    #[test]
    fn loading_compiles_nothing_and_a_python_file_compiles_python_and_generic_only() {
        let rs = RuleSet::builtin().unwrap();
        assert_eq!(rs.compiled_regexes(), 0);
        assert!(rs.compiled_groups().is_empty());
        let text = "import os\nos.system(\"rm -rf \" + user_input)\nx = 1\n";
        let hits = rs.prefilter_for("app/main.py", text);
        let found: Vec<&str> = rs
            .for_path("app/main.py")
            .filter(|r| !rs.matches(r, text, &hits).is_empty())
            .map(|r| r.id.as_str())
            .collect();
        assert!(!found.is_empty(), "no rule matched os.system");
        assert_eq!(rs.compiled_groups(), vec!["generic", "python"]);
        let compiled = rs.compiled_regexes();
        assert!(
            compiled > 0 && compiled < rs.regex_count() / 4,
            "{compiled}"
        );
        // A file of no known language touches the generic group only.
        let mut fresh = RuleSet::builtin().unwrap();
        fresh.disable(&[]);
        let _ = fresh.prefilter_for("NOTES.txt", "hello\n");
        assert_eq!(fresh.compiled_groups(), vec!["generic"]);
        let (members, _) = fresh.filter_sizes("a.py");
        assert!(members < fresh.regex_count(), "{members}");
    }

    #[test]
    fn candidate_filter_never_changes_what_matches() {
        // On every fixture of the built-in packs: matching with the filter's candidates gives
        // exactly what matching with every leaf marked as a candidate gives.
        let mut rs = RuleSet::builtin().unwrap();
        rs.ignore_path_filters();
        let all = vec![true; rs.regex_count()];
        let mut total = 0usize;
        let mut pruned = 0usize;
        for (path, text) in builtin_fixtures() {
            let hits = rs.prefilter_for(&path, &text);
            pruned += hits.iter().filter(|h| !**h).count();
            for r in rs.for_path(&path) {
                let with_filter = rs.matches(r, &text, &hits);
                let without = rs.matches(r, &text, &all);
                assert_eq!(with_filter, without, "{} on {path}", r.id);
                total += without.len();
            }
        }
        assert!(total > 300, "{total}");
        assert!(pruned > 0);
    }

    #[test]
    fn regex_failing_on_first_use_skips_its_rule_with_a_note() {
        // Trusted sources are not validated, so the size limit is only met when compiling.
        let rs = RuleSet::load(
            &[Source {
                path: "t.yaml".into(),
                text: "rules:\n  - id: ok\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern-regex: abc\n  - id: big\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern-regex: 'abc\\w{500}\\p{L}{500}'\n".into(),
            }],
            |_| true,
        )
        .unwrap();
        let text = "abc\n";
        let hits = rs.prefilter_for("a.py", text);
        let counts: Vec<usize> = rs
            .rules()
            .iter()
            .map(|r| rs.matches(r, text, &hits).len())
            .collect();
        assert_eq!(counts, vec![1, 0]);
        let f = rs.failures();
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("t.yaml:7: rule `big` skipped:"),
            "{}",
            f[0]
        );
        assert!(f[0].contains("size limit"), "{}", f[0]);
    }
}
