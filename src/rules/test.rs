//! Rule fixture tests (`guardrail rules test`), following Semgrep's `--test` convention.
//!
//! For a rule file `X.yaml`, the fixtures are the files beside it with the same stem and another
//! extension (`X.py`, `X.js`, `X.dockerfile`, …), plus `X.test.yaml` / `X.test.yml` for YAML
//! targets. A fixture line carries annotations in any comment syntax (`#`, `//`, `/*`, `<!--`,
//! `--`, `;`):
//!
//! - `ruleid: a, b`: rules `a` and `b` must match the target line;
//! - `ok: a`: rule `a` must not match it;
//! - `todoruleid: a` / `todook: a`: known gaps, reported but never failing.
//!
//! An annotation alone on its line targets the next line that is not itself an annotation; an
//! annotation after code on the same line targets that line. A match on a line without a
//! `ruleid` for its rule is a false positive.
//!
//! Fixtures run through the very code path `check` uses ([`CodeRules`]), in scan mode (every
//! line added, suppressions present count), with the rules' `paths:` filters off (as in
//! `semgrep --test`); the language filter stays.
//!
//! Metadata checks (each fails the run): ids are kebab-case and unique over every file; every
//! rule has at least one `ruleid` and one `ok` line in its fixtures; the message explains (see
//! [`message_problem`]); rules of kind `code` carry `cwe` and `owasp`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::checks::code::{whole_file, CodeRules};
use crate::checks::{Context, Shared};
use crate::config::Config;
use crate::diff::ChangeSet;
use crate::error::{Error, Result};
use crate::finding::Kind;
use crate::rules::{is_rule_file, RuleSet, Source, BUILTIN};

pub(crate) use super::annotations::{annotations, Expect};

/// Minimum message length, in characters.
pub(crate) const MIN_MESSAGE_CHARS: usize = 60;

/// A fixture file.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Display path.
    pub path: PathBuf,
    /// Content (lossily decoded).
    pub(crate) text: String,
}

/// A rule file with its fixtures.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The rule file.
    pub source: Source,
    /// Its fixtures, sorted by path.
    pub fixtures: Vec<Fixture>,
}

/// A place in a fixture.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    /// Fixture display path.
    pub path: String,
    /// 1-based line.
    pub line: u32,
}

/// Results for one rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleResult {
    /// Rule id.
    pub id: String,
    /// `ruleid` lines.
    pub expected: usize,
    /// `ruleid` lines that matched.
    pub matched: usize,
    /// `ok` lines.
    pub(crate) ok: usize,
    /// `ruleid` lines that did not match.
    pub missed: Vec<Loc>,
    /// Matches on lines without a `ruleid` (an `ok` line or an unannotated one).
    pub false_positives: Vec<Loc>,
    /// `todoruleid` / `todook` lines.
    pub todo: usize,
    /// Todo lines whose gap is now closed (a `todoruleid` that matches, a `todook` that does
    /// not): worth turning into `ruleid` / `ok`.
    pub todo_fixed: Vec<Loc>,
    /// Every line the rule matched, over all fixtures (the Semgrep differential compares these).
    pub found: Vec<Loc>,
}

impl RuleResult {
    /// Whether this rule's fixtures pass.
    pub fn passed(&self) -> bool {
        self.missed.is_empty() && self.false_positives.is_empty()
    }
}

/// Results for one rule file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// Rule file display path.
    pub path: String,
    /// Fixture display paths.
    pub fixtures: Vec<String>,
    /// Per rule, in file order.
    pub rules: Vec<RuleResult>,
    /// The file did not load or compile (its rules were not tested).
    pub error: Option<String>,
}

/// A metadata or fixture problem that fails the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// File concerned.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Rule concerned, when one.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Everything one `rules test` run found.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// Per rule file.
    pub files: Vec<FileResult>,
    /// Metadata and fixture problems.
    pub problems: Vec<Problem>,
    /// Rules loaded.
    pub rule_count: usize,
    /// Rules per language (as written in the rules).
    pub languages: BTreeMap<String, usize>,
}

impl TestReport {
    /// Rules whose fixtures failed, plus files that did not compile.
    pub fn mismatches(&self) -> usize {
        self.files
            .iter()
            .map(|f| {
                f.rules.iter().filter(|r| !r.passed()).count() + usize::from(f.error.is_some())
            })
            .sum()
    }

    /// Whether everything passed.
    pub fn passed(&self) -> bool {
        self.mismatches() == 0 && self.problems.is_empty()
    }
}

/// The built-in packs and their fixtures.
pub fn builtin_files() -> Vec<RuleFile> {
    let mut all: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    collect_builtin(&BUILTIN, &mut all);
    group(all)
}

fn collect_builtin(dir: &include_dir::Dir<'static>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for f in dir.files() {
        out.push((Path::new("rules").join(f.path()), f.contents().to_vec()));
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}

/// Rule files and fixtures under `dir` on disk (recursively), or one rule file and its siblings.
pub fn dir_files(dir: &Path) -> Result<Vec<RuleFile>> {
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    let mut all = Vec::new();
    if meta.is_file() {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let stem = file_name(dir).and_then(rule_stem).map(str::to_owned);
        let entries = std::fs::read_dir(parent).map_err(|e| Error::io(parent, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(parent, e))?;
            let path = entry.path();
            let same = path == dir
                || stem
                    .as_deref()
                    .is_some_and(|s| file_name(&path).is_some_and(|n| fixture_of(n, s)));
            if same && path.is_file() {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                all.push((path, bytes));
            }
        }
        return Ok(group(all));
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let path = entry.path();
            let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                all.push((path, bytes));
            }
        }
    }
    Ok(group(all))
}

fn file_name(p: &Path) -> Option<&str> {
    p.file_name().and_then(|n| n.to_str())
}

/// `X` for a rule file `X.yaml` / `X.yml`.
fn rule_stem(name: &str) -> Option<&str> {
    if !is_rule_file(name) {
        return None;
    }
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
}

/// Whether `name` is a fixture of the rule file with stem `stem`: `X.<ext>` with one extension
/// other than YAML, or the YAML fixture `X.test.yaml` / `X.test.yml`. Double extensions such
/// as `X.fixed.py` (Semgrep's autofix output) are not targets.
fn fixture_of(name: &str, stem: &str) -> bool {
    let Some(rest) = name.strip_prefix(stem).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    match rest {
        "test.yaml" | "test.yml" => true,
        "" | "yaml" | "yml" => false,
        _ => !rest.contains('.'),
    }
}

fn group(all: Vec<(PathBuf, Vec<u8>)>) -> Vec<RuleFile> {
    let mut rule_files: Vec<RuleFile> = Vec::new();
    let mut by_dir: HashMap<PathBuf, Vec<(String, usize)>> = HashMap::new();
    for (path, bytes) in &all {
        let Some(name) = file_name(path) else {
            continue;
        };
        if let Some(stem) = rule_stem(name) {
            let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
            by_dir
                .entry(parent)
                .or_default()
                .push((stem.to_owned(), rule_files.len()));
            rule_files.push(RuleFile {
                source: Source {
                    path: path.clone(),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                },
                fixtures: Vec::new(),
            });
        }
    }
    for (path, bytes) in all {
        let Some(name) = file_name(&path) else {
            continue;
        };
        if rule_stem(name).is_some() {
            continue;
        }
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let Some(stems) = by_dir.get(&parent) else {
            continue;
        };
        for (stem, idx) in stems {
            if fixture_of(name, stem) {
                if let Some(rf) = rule_files.get_mut(*idx) {
                    rf.fixtures.push(Fixture {
                        path: path.clone(),
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    });
                }
            }
        }
    }
    for rf in &mut rule_files {
        rf.fixtures.sort_by(|a, b| a.path.cmp(&b.path));
    }
    rule_files.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    rule_files
}

/// Whether `id` is kebab-case: lowercase letters and digits in dash-separated words.
pub(crate) fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Why a rule message does not explain enough, or None. The heuristic: at least
/// [`MIN_MESSAGE_CHARS`] characters, and at least two clauses (what is wrong and why, then how
/// to fix), i.e. a clause break (`. `, `; `, `: `, ` — `, ` - `) with at least three words on
/// each side.
pub(crate) fn message_problem(message: &str) -> Option<String> {
    let n = message.chars().count();
    if n < MIN_MESSAGE_CHARS {
        return Some(format!(
            "message is {n} characters; at least {MIN_MESSAGE_CHARS} are needed to say what is wrong, why, and how to fix it"
        ));
    }
    let words = |s: &str| s.split_whitespace().count();
    let flat: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let two = ["; ", ". ", ": ", " — ", " - ", "! ", "? "]
        .iter()
        .any(|sep| {
            flat.match_indices(sep)
                .any(|(i, _)| words(&flat[..i]) >= 3 && words(&flat[i + sep.len()..]) >= 3)
        });
    if !two {
        return Some(
            "message needs two clauses: what is wrong and why, then how to fix it (e.g. `… injection. Use parameters …`)"
                .into(),
        );
    }
    None
}

/// Runs the fixtures of every rule file and the metadata checks.
pub fn run(files: &[RuleFile]) -> TestReport {
    let mut report = TestReport {
        files: Vec::new(),
        problems: Vec::new(),
        rule_count: 0,
        languages: BTreeMap::new(),
    };
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    let config = Config::default();
    for rf in files {
        let path = rf.source.path.display().to_string();
        let fixtures: Vec<String> = rf
            .fixtures
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        let mut set = match RuleSet::compile(std::slice::from_ref(&rf.source)) {
            Ok(s) => s,
            Err(e) => {
                report.files.push(FileResult {
                    path,
                    fixtures,
                    rules: Vec::new(),
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        set.ignore_path_filters();
        report.rule_count += set.rules().len();
        let mut results: Vec<RuleResult> = Vec::new();
        for r in set.rules() {
            for l in &r.languages {
                *report.languages.entry(l.to_ascii_lowercase()).or_default() += 1;
            }
            let problem = |message: String| Problem {
                path: path.clone(),
                line: Some(r.line),
                rule: Some(r.id.clone()),
                message,
            };
            if !is_kebab(&r.id) {
                report.problems.push(problem(
                    "rule id is not kebab-case (lowercase words joined by `-`)".into(),
                ));
            }
            match seen.get(&r.id) {
                Some((p, l)) => report.problems.push(problem(format!(
                    "duplicate rule id (first defined at {p}:{l})"
                ))),
                None => {
                    seen.insert(r.id.clone(), (path.clone(), r.line));
                }
            }
            if let Some(m) = message_problem(&r.message) {
                report.problems.push(problem(m));
            }
            if r.kind == Kind::Code {
                if r.cwe.is_empty() {
                    report
                        .problems
                        .push(problem("code rule without `metadata.cwe`".into()));
                }
                if r.owasp.is_empty() {
                    report
                        .problems
                        .push(problem("code rule without `metadata.owasp`".into()));
                }
            }
            results.push(RuleResult {
                id: r.id.clone(),
                ..RuleResult::default()
            });
        }
        let ids: BTreeSet<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
        for fx in &rf.fixtures {
            run_fixture(&set, &config, fx, &ids, &mut results, &mut report.problems);
        }
        // A regex over the size limit fails only when first compiled: report it with its rule.
        for message in set.failures() {
            report.problems.push(Problem {
                path: path.clone(),
                line: None,
                rule: None,
                message,
            });
        }
        for (res, r) in results.iter().zip(set.rules()) {
            if res.expected == 0 || res.ok == 0 {
                report.problems.push(Problem {
                    path: path.clone(),
                    line: Some(r.line),
                    rule: Some(r.id.clone()),
                    message: format!(
                        "fixtures need at least one `ruleid:` and one `ok:` line for this rule (found {} and {}{})",
                        res.expected,
                        res.ok,
                        if rf.fixtures.is_empty() { "; no fixture file beside the rule file" } else { "" }
                    ),
                });
            }
        }
        report.files.push(FileResult {
            path,
            fixtures,
            rules: results,
            error: None,
        });
    }
    report
}

fn run_fixture(
    set: &RuleSet,
    config: &Config,
    fx: &Fixture,
    ids: &BTreeSet<&str>,
    results: &mut [RuleResult],
    problems: &mut Vec<Problem>,
) {
    let shown = fx.path.display().to_string();
    let anns = annotations(&fx.text);
    // (rule, target line) → what is expected there.
    let mut want: HashMap<(&str, u32), Expect> = HashMap::new();
    let annotated: BTreeSet<u32> = anns.iter().map(|a| a.line).collect();
    for a in &anns {
        if annotated.contains(&a.target) {
            problems.push(Problem {
                path: shown.clone(),
                line: Some(a.line as usize),
                rule: None,
                message: "annotation followed by another annotation: Semgrep applies each to the very next line, so merge them into one comment (`ruleid: a, b`) or move one"
                    .into(),
            });
        }
        for id in &a.ids {
            if !ids.contains(id.as_str()) {
                problems.push(Problem {
                    path: shown.clone(),
                    line: Some(a.line as usize),
                    rule: Some(id.clone()),
                    message: "annotation names a rule that is not in this rule file".into(),
                });
                continue;
            }
            want.insert((id.as_str(), a.target), a.expect);
        }
    }
    let changes = ChangeSet::default();
    let ctx = Context::new(Shared {
        scan: true,
        ..Shared::new(&changes, config, set)
    });
    let file = whole_file(&shown, &fx.text, false);
    let mut found: BTreeSet<(String, u32)> = BTreeSet::new();
    for f in CodeRules.fixture(&ctx, &file) {
        if let Some(line) = f.line {
            found.insert((f.rule, line));
        }
    }
    for res in results.iter_mut() {
        let id = res.id.as_str();
        let loc = |line: u32| Loc {
            path: shown.clone(),
            line,
        };
        for ((rid, line), expect) in &want {
            if *rid != id {
                continue;
            }
            let hit = found.contains(&(id.to_owned(), *line));
            match expect {
                Expect::RuleId => {
                    res.expected += 1;
                    if hit {
                        res.matched += 1;
                    } else {
                        res.missed.push(loc(*line));
                    }
                }
                Expect::Ok => res.ok += 1,
                Expect::TodoRuleId | Expect::TodoOk => {
                    res.todo += 1;
                    if hit == (*expect == Expect::TodoRuleId) {
                        res.todo_fixed.push(loc(*line));
                    }
                }
            }
        }
        for (rid, line) in &found {
            if rid != id {
                continue;
            }
            res.found.push(loc(*line));
            match want.get(&(id, *line)) {
                Some(Expect::RuleId | Expect::TodoRuleId | Expect::TodoOk) => {}
                Some(Expect::Ok) | None => res.false_positives.push(loc(*line)),
            }
        }
        res.missed.sort();
        res.false_positives.sort();
        res.todo_fixed.sort();
    }
}

/// An example for a rule's docs: the first `ruleid` target line of its fixtures, as
/// (fixture path, line, text). Built-in rules look in the built-in packs, others beside their
/// rule file on disk.
pub fn example(rule: &crate::rules::Rule) -> Option<(PathBuf, u32, String)> {
    let files = if rule.source.starts_with("rules") && !rule.source.exists() {
        builtin_files()
    } else {
        match dir_files(&rule.source) {
            Ok(f) if !f.is_empty() => f,
            _ => builtin_files(),
        }
    };
    let rf = files.iter().find(|f| f.source.path == rule.source)?;
    for fx in &rf.fixtures {
        for a in annotations(&fx.text) {
            if a.expect == Expect::RuleId && a.ids.iter().any(|i| i == &rule.id) {
                let text = fx.text.lines().nth((a.target as usize).saturating_sub(1))?;
                return Some((fx.path.clone(), a.target, text.trim().to_owned()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_annotations_are_a_problem() {
        let r = run(&rule_file(
            RULE,
            "# ruleid: py-eval\n# ok: py-eval\neval(x)\n",
        ));
        assert!(
            r.problems
                .iter()
                .any(|p| p.message.contains("very next line")),
            "{r:?}"
        );
        assert!(!r.passed());
    }

    #[test]
    fn fixture_naming() {
        assert!(fixture_of("x.py", "x"));
        assert!(fixture_of("x.test.yaml", "x"));
        assert!(fixture_of("x.dockerfile", "x"));
        assert!(!fixture_of("x.yaml", "x"));
        assert!(!fixture_of("x.fixed.py", "x"));
        assert!(!fixture_of("xy.py", "x"));
        assert_eq!(rule_stem("a.yml"), Some("a"));
        assert_eq!(rule_stem("a.test.yml"), None);
    }

    #[test]
    fn kebab_and_message_heuristics() {
        assert!(is_kebab("python-sql-1"));
        assert!(!is_kebab("Python_sql"));
        assert!(!is_kebab("a--b"));
        assert!(message_problem("too short").is_some());
        assert!(message_problem(
            "this message is long enough but it is one single run-on clause without any break at all"
        )
        .is_some());
        assert!(message_problem(
            "`eval` runs its argument as code, so input becomes code injection. Parse with `json.loads` instead."
        )
        .is_none());
    }

    fn rule_file(yaml: &str, fixture: &str) -> Vec<RuleFile> {
        vec![RuleFile {
            source: Source {
                path: "r/x.yaml".into(),
                text: yaml.into(),
            },
            fixtures: vec![Fixture {
                path: "r/x.py".into(),
                text: fixture.into(),
            }],
        }]
    }

    const RULE: &str = r#"rules:
  - id: py-eval
    message: "`eval` runs its argument as Python code: injection. Use `ast.literal_eval` for data instead."
    severity: ERROR
    languages: [python]
    pattern-regex: \beval\(
    paths:
      include: ["never/"]
    metadata:
      cwe: ["CWE-95"]
      owasp: ["A03:2021"]
"#;

    #[test]
    fn passing_fixture_ignores_paths_filter() {
        let r = run(&rule_file(
            RULE,
            "# ruleid: py-eval\neval(x)\n# ok: py-eval\nliteral(x)\n",
        ));
        assert!(r.passed(), "{r:?}");
        assert_eq!(r.rule_count, 1);
        let res = &r.files[0].rules[0];
        assert_eq!((res.expected, res.matched, res.ok), (1, 1, 1));
        assert_eq!(
            res.found,
            vec![Loc {
                path: "r/x.py".into(),
                line: 2
            }]
        );
    }

    #[test]
    fn misses_false_positives_and_todos() {
        let fx = "# ruleid: py-eval\nliteral(x)\n# ok: py-eval\neval(x)\neval(y)\n# todoruleid: py-eval\nnothing()\n# todook: py-eval\neval(z)\n";
        let r = run(&rule_file(RULE, fx));
        assert!(!r.passed());
        let res = &r.files[0].rules[0];
        assert_eq!(
            res.missed,
            vec![Loc {
                path: "r/x.py".into(),
                line: 2
            }]
        );
        let fp: Vec<u32> = res.false_positives.iter().map(|l| l.line).collect();
        assert_eq!(fp, vec![4, 5]);
        assert_eq!(res.todo, 2);
        assert!(res.todo_fixed.is_empty());
        assert_eq!(r.mismatches(), 1);
    }

    #[test]
    fn metadata_problems_fail_the_run() {
        let yaml = "rules:\n  - id: Bad_Id\n    message: short\n    severity: ERROR\n    languages: [python]\n    pattern-regex: x\n";
        let r = run(&rule_file(yaml, "y = 1\n"));
        assert!(!r.passed());
        let msgs: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("kebab")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("characters")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("metadata.cwe")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("metadata.owasp")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("`ruleid:`")), "{msgs:?}");
    }

    #[test]
    fn broken_rule_file_is_reported_not_fatal() {
        let r = run(&rule_file("rules: [", ""));
        assert!(r.files[0].error.is_some());
        assert_eq!(r.mismatches(), 1);
    }

    #[test]
    fn builtin_packs_are_discovered_with_fixtures() {
        let files = builtin_files();
        assert!(!files.is_empty());
        assert!(files.iter().all(|f| f.source.path.starts_with("rules")));
        assert!(files.iter().any(|f| !f.fixtures.is_empty()));
    }
}
