//! Rule loading and matching: Semgrep-format YAML (the regex subset) → a compiled [`RuleSet`].
//!
//! Supported rule keys: `id`, `message`, `severity` (ERROR→red, WARNING→yellow, INFO→info),
//! `languages`, `pattern-regex`, `patterns` (all must hold), `pattern-either` (any),
//! `pattern-not-regex`, `metavariable-regex`, `metavariable-analysis` (entropy),
//! `focus-metavariable`, `paths.include` / `paths.exclude`, `metadata` (free keys kept), `fix`
//! and `options` (accepted, unused). Regexes run in multi-line mode like Semgrep's PCRE.
//! Semantics follow Semgrep's range algebra: a `pattern-not-regex` removes matches that lie
//! inside one of its matches; several positive patterns keep the ranges that lie inside one
//! another.
//!
//! Every leaf regex also goes into one [`RegexSet`], so a text where no rule can match costs a
//! single pass.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::{Regex, RegexSet};
use serde::Deserialize;
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use crate::config::{utf8, yaml_error};
use crate::error::{Error, Result};
use crate::finding::{Kind, Severity};

/// The built-in packs, compiled into the binary (rule files and their fixtures).
pub static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Size limit for one compiled regex (guards against patterns built to blow up).
const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRule {
    id: String,
    message: String,
    severity: String,
    languages: Vec<String>,
    pattern_regex: Option<String>,
    patterns: Option<Vec<RawPattern>>,
    pattern_either: Option<Vec<RawPattern>>,
    paths: Option<RawPaths>,
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
    #[allow(dead_code)]
    fix: Option<String>,
    #[allow(dead_code)]
    options: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPattern {
    pattern_regex: Option<String>,
    pattern_not_regex: Option<String>,
    patterns: Option<Vec<RawPattern>>,
    pattern_either: Option<Vec<RawPattern>>,
    metavariable_regex: Option<RawMvRegex>,
    metavariable_analysis: Option<RawMvAnalysis>,
    focus_metavariable: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMvRegex {
    metavariable: String,
    regex: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMvAnalysis {
    metavariable: String,
    analyzer: String,
    #[allow(dead_code)]
    options: Option<serde_json::Value>,
}

/// How a rule matches.
#[derive(Debug, Clone)]
enum Matcher {
    /// One regex (index into the leaf table).
    Leaf(usize),
    /// Any child.
    Any(Vec<Matcher>),
    /// All positives, none of the negatives, then filters.
    All {
        pos: Vec<Matcher>,
        neg: Vec<usize>,
        filters: Vec<Filter>,
    },
}

#[derive(Debug, Clone)]
enum Filter {
    MvRegex { name: String, re: Regex },
    Entropy { name: String },
    Focus { name: String },
}

/// A match range in a text, with named captures (Semgrep metavariables without the `$`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// Named captures: name → byte range.
    pub captures: BTreeMap<String, (usize, usize)>,
}

impl Match {
    fn inside(&self, other: &Match) -> bool {
        other.start <= self.start && self.end <= other.end
    }
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Kebab-case id.
    pub id: String,
    /// Why and how to fix (may contain `$NAME` metavariables).
    pub message: String,
    /// Severity before policy.
    pub severity: Severity,
    /// Kind (`metadata.kind`, default `code`).
    pub kind: Kind,
    /// Languages as written in the rule.
    pub languages: Vec<String>,
    /// CWE ids, normalized to `CWE-N`.
    pub cwe: Vec<String>,
    /// OWASP categories, normalized to `A03:2021` style where possible.
    pub owasp: Vec<String>,
    /// Reference URLs.
    pub references: Vec<String>,
    /// Confidence (`HIGH`, `MEDIUM`, `LOW`) when given.
    pub confidence: Option<String>,
    /// All metadata, free keys included.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Rule file (display path).
    pub source: PathBuf,
    /// 1-based line of the rule in its file.
    pub line: usize,
    /// Whether matched text must be redacted (secrets).
    pub redact: bool,
    exts: Option<Vec<&'static str>>,
    names: Vec<&'static str>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    matcher: Matcher,
}

impl Rule {
    /// Whether the rule applies to a file at `path` (languages and `paths`).
    pub fn applies_to(&self, path: &str) -> bool {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let lang_ok = match &self.exts {
            None => true,
            Some(exts) => {
                let lower = file_name.to_ascii_lowercase();
                exts.iter().any(|e| lower.ends_with(e))
                    || self.names.iter().any(|n| {
                        lower == *n
                            || lower.starts_with(&format!("{n}."))
                            || lower.ends_with(&format!(".{n}"))
                    })
            }
        };
        if !lang_ok {
            return false;
        }
        if let Some(inc) = &self.include {
            if !inc.is_match(path) && !inc.is_match(file_name) {
                return false;
            }
        }
        if let Some(exc) = &self.exclude {
            if exc.is_match(path) || exc.is_match(file_name) {
                return false;
            }
        }
        true
    }
}

/// File extensions and names for a Semgrep language key; None = every file.
fn language_targets(lang: &str) -> Option<(Vec<&'static str>, Vec<&'static str>)> {
    let (exts, names): (&[&'static str], &[&'static str]) = match lang.to_ascii_lowercase().as_str()
    {
        "generic" | "regex" | "none" => return None,
        "python" | "py" | "python3" => (&[".py", ".pyi", ".pyw"], &[]),
        "javascript" | "js" => (&[".js", ".jsx", ".mjs", ".cjs"], &[]),
        "typescript" | "ts" => (&[".ts", ".tsx", ".mts", ".cts"], &[]),
        "java" => (&[".java"], &[]),
        "go" | "golang" => (&[".go"], &[]),
        "rust" | "rs" => (&[".rs"], &[]),
        "ruby" | "rb" => (&[".rb", ".erb", ".rake"], &["gemfile", "rakefile"]),
        "php" => (&[".php", ".phtml"], &[]),
        "csharp" | "c#" | "cs" => (&[".cs"], &[]),
        "kotlin" | "kt" => (&[".kt", ".kts"], &[]),
        "scala" => (&[".scala"], &[]),
        "swift" => (&[".swift"], &[]),
        "c" => (&[".c", ".h"], &[]),
        "cpp" | "c++" => (&[".cpp", ".cc", ".cxx", ".hpp", ".hh", ".h"], &[]),
        "yaml" => (&[".yml", ".yaml"], &[]),
        "json" => (&[".json"], &[]),
        "dockerfile" | "docker" => (&[".dockerfile"], &["dockerfile", "containerfile"]),
        "bash" | "sh" => (&[".sh", ".bash"], &[]),
        "terraform" | "hcl" | "tf" => (&[".tf", ".hcl", ".tfvars"], &[]),
        "html" => (&[".html", ".htm"], &[]),
        "xml" => (&[".xml"], &[]),
        "lua" => (&[".lua"], &[]),
        _ => (&[], &[]),
    };
    Some((exts.to_vec(), names.to_vec()))
}

/// A set of compiled rules.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    leaves: Vec<Regex>,
    set: RegexSet,
    sha256: String,
}

/// A rule source: display path and text.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown in errors.
    pub path: PathBuf,
    /// File content.
    pub text: String,
}

/// Whether `name` is a rule file (and not a YAML fixture `X.test.yaml`).
pub fn is_rule_file(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && !name.ends_with(".test.yaml")
        && !name.ends_with(".test.yml")
}

/// The built-in rule files, sorted by path.
pub fn builtin_sources() -> Vec<Source> {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_builtin(dir: &include_dir::Dir<'static>, out: &mut Vec<Source>) {
    for f in dir.files() {
        let name = f.path().file_name().and_then(|n| n.to_str()).unwrap_or("");
        if is_rule_file(name) {
            if let Some(text) = f.contents_utf8() {
                out.push(Source {
                    path: Path::new("rules").join(f.path()),
                    text: text.to_owned(),
                });
            }
        }
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}

/// Rule files under a directory on disk (recursively), sorted.
pub fn dir_sources(dir: &Path) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if meta.is_file() {
        let bytes = std::fs::read(dir).map_err(|e| Error::io(dir, e))?;
        out.push(Source {
            path: dir.to_path_buf(),
            text: utf8(&bytes, dir)?.to_owned(),
        });
        return Ok(out);
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
            } else if ft.is_file()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_rule_file)
            {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                out.push(Source {
                    text: utf8(&bytes, &path)?.to_owned(),
                    path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

struct Builder {
    leaves: Vec<Regex>,
    leaf_src: Vec<String>,
}

impl Builder {
    fn leaf(&mut self, pattern: &str, ctx: &RuleCtx<'_>) -> Result<usize> {
        let re = compile_regex(pattern, ctx)?;
        self.leaves.push(re);
        self.leaf_src.push(format!("(?m){pattern}"));
        Ok(self.leaves.len() - 1)
    }
}

struct RuleCtx<'a> {
    path: &'a Path,
    line: usize,
    id: &'a str,
}

impl RuleCtx<'_> {
    fn err(&self, message: impl Into<String>) -> Error {
        Error::Rule {
            path: self.path.to_path_buf(),
            line: Some(self.line),
            rule: self.id.to_owned(),
            message: message.into(),
        }
    }
}

fn compile_regex(pattern: &str, ctx: &RuleCtx<'_>) -> Result<Regex> {
    regex::RegexBuilder::new(&format!("(?m){pattern}"))
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let detail = e.to_string();
            let hint = if detail.contains("look-around") || detail.contains("backreferences") {
                " (look-around and back-references are not supported: use pattern-not-regex instead)"
            } else {
                ""
            };
            let first = detail
                .lines()
                .rfind(|l| l.starts_with("error:"))
                .unwrap_or_else(|| detail.lines().next().unwrap_or("invalid regex"))
                .to_owned();
            ctx.err(format!("bad regex `{pattern}`: {first}{hint}"))
        })
}

fn mv_name(s: &str) -> String {
    s.trim_start_matches('$').to_owned()
}

fn compile_patterns(
    items: &[RawPattern],
    all: bool,
    b: &mut Builder,
    ctx: &RuleCtx<'_>,
) -> Result<Matcher> {
    let mut pos = Vec::new();
    let mut neg = Vec::new();
    let mut filters = Vec::new();
    for item in items {
        let set = [
            item.pattern_regex.is_some(),
            item.pattern_not_regex.is_some(),
            item.patterns.is_some(),
            item.pattern_either.is_some(),
            item.metavariable_regex.is_some(),
            item.metavariable_analysis.is_some(),
            item.focus_metavariable.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if set != 1 {
            return Err(
                ctx.err("each entry of `patterns`/`pattern-either` needs exactly one operator")
            );
        }
        if let Some(p) = &item.pattern_regex {
            pos.push(Matcher::Leaf(b.leaf(p, ctx)?));
        } else if let Some(p) = &item.patterns {
            pos.push(compile_patterns(p, true, b, ctx)?);
        } else if let Some(p) = &item.pattern_either {
            pos.push(compile_patterns(p, false, b, ctx)?);
        } else if !all {
            return Err(ctx.err(
                "only pattern-regex, patterns and pattern-either may appear in pattern-either",
            ));
        } else if let Some(p) = &item.pattern_not_regex {
            neg.push(b.leaf(p, ctx)?);
        } else if let Some(m) = &item.metavariable_regex {
            let re = regex::RegexBuilder::new(&format!("^(?:{})", m.regex))
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| ctx.err(format!("bad metavariable-regex `{}`: {e}", m.regex)))?;
            filters.push(Filter::MvRegex {
                name: mv_name(&m.metavariable),
                re,
            });
        } else if let Some(m) = &item.metavariable_analysis {
            if m.analyzer != "entropy" {
                return Err(ctx.err(format!(
                    "metavariable-analysis analyzer `{}` is not supported (only `entropy`)",
                    m.analyzer
                )));
            }
            filters.push(Filter::Entropy {
                name: mv_name(&m.metavariable),
            });
        } else if let Some(f) = &item.focus_metavariable {
            filters.push(Filter::Focus { name: mv_name(f) });
        }
    }
    if pos.is_empty() {
        return Err(ctx.err(
            "needs at least one positive pattern (pattern-regex, patterns or pattern-either)",
        ));
    }
    if all {
        Ok(Matcher::All { pos, neg, filters })
    } else {
        Ok(Matcher::Any(pos))
    }
}

/// Normalizes `CWE-89: Improper …` to `CWE-89`.
fn norm_cwe(s: &str) -> String {
    let t = s.trim();
    let head = t.split(':').next().unwrap_or(t).trim();
    head.to_owned()
}

/// Normalizes `A03:2021 - Injection` to `A03:2021`.
fn norm_owasp(s: &str) -> String {
    let t = s.trim();
    t.split(" - ").next().unwrap_or(t).trim().to_owned()
}

fn string_list(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn globset(patterns: &[String], ctx: &RuleCtx<'_>) -> Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // Semgrep's paths are gitignore-style: a pattern without an inner `/` matches at any
        // depth, and a matched directory covers everything below it.
        let anchored = p.starts_with('/') || p.trim_end_matches('/').contains('/');
        let core = p.trim_matches('/');
        let mut variants = vec![core.to_owned(), format!("{core}/**")];
        if !anchored {
            variants.push(format!("**/{core}"));
            variants.push(format!("**/{core}/**"));
        }
        for v in variants {
            b.add(Glob::new(&v).map_err(|e| ctx.err(format!("bad path glob `{p}`: {e}")))?);
        }
    }
    b.build()
        .map(Some)
        .map_err(|e| ctx.err(format!("bad path globs: {e}")))
}

impl RuleSet {
    /// The built-in packs.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::compile(&builtin_sources())
    }

    /// Compiles rule sources; ids must be unique across all of them.
    pub fn compile(sources: &[Source]) -> Result<RuleSet> {
        let mut b = Builder {
            leaves: Vec::new(),
            leaf_src: Vec::new(),
        };
        let mut rules = Vec::new();
        let mut seen: HashMap<String, (PathBuf, usize)> = HashMap::new();
        let mut h = Sha256::new();
        for src in sources {
            h.update(src.path.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(src.text.as_bytes());
            h.update([0]);
            let raw: RawFile =
                serde_saphyr::from_str(&src.text).map_err(|e| yaml_error(&e, &src.path))?;
            for spanned in raw.rules {
                let line = spanned.referenced.line() as usize;
                let r = spanned.value;
                let id = r.id.clone();
                let ctx = RuleCtx {
                    path: &src.path,
                    line,
                    id: &id,
                };
                if let Some((p, l)) = seen.get(&r.id) {
                    return Err(ctx.err(format!(
                        "duplicate rule id (first defined at {}:{l})",
                        p.display()
                    )));
                }
                seen.insert(r.id.clone(), (src.path.clone(), line));
                rules.push(compile_rule(r, &mut b, &ctx)?);
            }
        }
        let set = regex::RegexSetBuilder::new(&b.leaf_src)
            .size_limit(REGEX_SIZE_LIMIT * 16)
            .dfa_size_limit(REGEX_SIZE_LIMIT * 16)
            .build()
            .map_err(|e| Error::Rule {
                path: PathBuf::from("<rule set>"),
                line: None,
                rule: "*".into(),
                message: format!("cannot build the combined regex set: {e}"),
            })?;
        Ok(RuleSet {
            rules,
            leaves: b.leaves,
            set,
            sha256: hex::encode(h.finalize()),
        })
    }

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
    }

    /// Forgets every rule's `paths:` filter (languages still apply). Fixture tests do this, like
    /// `semgrep --test` since 1.45: a fixture named after its rule file could never satisfy a
    /// `paths.include` written for real trees (`.github/workflows/`).
    pub fn ignore_path_filters(&mut self) {
        for r in &mut self.rules {
            r.include = None;
            r.exclude = None;
        }
    }

    /// Rules that apply to `path`.
    pub fn for_path<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.applies_to(path))
    }

    /// All matches of `rule` in `text`, after the prefilter said the rule may match.
    pub fn matches(&self, rule: &Rule, text: &str, hits: &[bool]) -> Vec<Match> {
        if !self.possible(&rule.matcher, hits) {
            return Vec::new();
        }
        let mut out = self.eval(&rule.matcher, text, hits);
        out.sort_by_key(|m| (m.start, m.end));
        out.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        out
    }

    /// Runs the combined set once: which leaves match somewhere in `text`.
    pub fn prefilter(&self, text: &str) -> Vec<bool> {
        let mut hits = vec![false; self.leaves.len()];
        for i in self.set.matches(text).iter() {
            hits[i] = true;
        }
        hits
    }

    fn possible(&self, m: &Matcher, hits: &[bool]) -> bool {
        match m {
            Matcher::Leaf(i) => hits.get(*i).copied().unwrap_or(false),
            Matcher::Any(xs) => xs.iter().any(|x| self.possible(x, hits)),
            Matcher::All { pos, .. } => pos.iter().all(|x| self.possible(x, hits)),
        }
    }

    fn leaf_matches(&self, i: usize, text: &str) -> Vec<Match> {
        let Some(re) = self.leaves.get(i) else {
            return Vec::new();
        };
        let names: Vec<(usize, &str)> = re
            .capture_names()
            .enumerate()
            .filter_map(|(idx, n)| n.map(|n| (idx, n)))
            .collect();
        let mut out = Vec::new();
        for caps in re.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            if whole.start() == whole.end() {
                continue;
            }
            let mut captures = BTreeMap::new();
            for (idx, name) in &names {
                if let Some(c) = caps.get(*idx) {
                    captures.insert((*name).to_owned(), (c.start(), c.end()));
                }
            }
            out.push(Match {
                start: whole.start(),
                end: whole.end(),
                captures,
            });
        }
        out
    }

    fn eval(&self, m: &Matcher, text: &str, hits: &[bool]) -> Vec<Match> {
        match m {
            Matcher::Leaf(i) => {
                if hits.get(*i).copied().unwrap_or(false) {
                    self.leaf_matches(*i, text)
                } else {
                    Vec::new()
                }
            }
            Matcher::Any(xs) => xs.iter().flat_map(|x| self.eval(x, text, hits)).collect(),
            Matcher::All { pos, neg, filters } => {
                let mut iter = pos.iter();
                let Some(first) = iter.next() else {
                    return Vec::new();
                };
                let mut acc = self.eval(first, text, hits);
                for p in iter {
                    if acc.is_empty() {
                        break;
                    }
                    let other = self.eval(p, text, hits);
                    let mut left: Vec<Match> = acc
                        .iter()
                        .filter(|a| other.iter().any(|o| a.inside(o)))
                        .cloned()
                        .collect();
                    let right: Vec<Match> = other
                        .iter()
                        .filter(|o| acc.iter().any(|a| o.inside(a)))
                        .cloned()
                        .collect();
                    // Keep metavariables bound by either side.
                    for l in &mut left {
                        if let Some(o) = other.iter().find(|o| l.inside(o)) {
                            for (k, v) in &o.captures {
                                l.captures.entry(k.clone()).or_insert(*v);
                            }
                        }
                    }
                    left.extend(right);
                    acc = left;
                }
                for n in neg {
                    if acc.is_empty() {
                        break;
                    }
                    if !hits.get(*n).copied().unwrap_or(false) {
                        continue;
                    }
                    let negs = self.leaf_matches(*n, text);
                    acc.retain(|a| !negs.iter().any(|x| a.inside(x)));
                }
                for f in filters {
                    acc = apply_filter(f, acc, text);
                }
                acc
            }
        }
    }
}

fn apply_filter(f: &Filter, acc: Vec<Match>, text: &str) -> Vec<Match> {
    match f {
        Filter::MvRegex { name, re } => acc
            .into_iter()
            .filter(|m| {
                m.captures
                    .get(name)
                    .and_then(|(s, e)| text.get(*s..*e))
                    .is_some_and(|v| re.is_match(v))
            })
            .collect(),
        Filter::Entropy { name } => acc
            .into_iter()
            .filter(|m| {
                m.captures
                    .get(name)
                    .and_then(|(s, e)| text.get(*s..*e))
                    .is_some_and(high_entropy)
            })
            .collect(),
        Filter::Focus { name } => acc
            .into_iter()
            .filter_map(|mut m| {
                let (s, e) = *m.captures.get(name)?;
                m.start = s;
                m.end = e;
                Some(m)
            })
            .collect(),
    }
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// English letter frequencies in percent, `A` to `Z` (the usual table from large corpora).
const ENGLISH_LETTER_PERCENT: [f64; 26] = [
    8.17, 1.29, 2.78, 4.25, 12.70, 2.23, 2.02, 6.09, 6.97, 0.15, 0.77, 4.03, 2.41, 6.75, 7.51,
    1.93, 0.095, 5.99, 6.33, 9.06, 2.76, 0.98, 2.36, 0.15, 1.97, 0.074,
];

/// Information content of `s` in bits relative to English text: each letter (case folded)
/// costs `-log2` of its English frequency, every other byte `log2(62)` (a uniform pick among
/// `[A-Za-z0-9]`); a run of one repeated byte counts 1 bit.
pub fn english_surprise_bits(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    if bytes.iter().all(|b| *b == bytes[0]) {
        return 1.0;
    }
    let total: f64 = ENGLISH_LETTER_PERCENT.iter().sum();
    bytes
        .iter()
        .map(|b| match b.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => (total / ENGLISH_LETTER_PERCENT[usize::from(c - b'A')]).log2(),
            _ => 62f64.log2(),
        })
        .sum()
}

/// Whether a value looks like a random secret rather than a word, identifier or placeholder —
/// the `entropy` analyzer. It follows Semgrep's (`Entropy.ml`): more than 64 bits of
/// information in total and more than 0.6 of the maximum density (4.8 bits per byte), measured
/// against English. Semgrep scores letters by English *trigram* frequencies, which needs a
/// large table; guardrail uses letter frequencies, which agrees with Semgrep on the probe set in
/// `fixtures/rules/semantics` and differs only near the threshold (see
/// `tests/semgrep-exceptions.md`).
pub fn high_entropy(s: &str) -> bool {
    let bits = english_surprise_bits(s);
    let density = bits / (8.0 * s.len().max(1) as f64);
    bits > 64.0 && density > 0.6
}

fn compile_rule(r: RawRule, b: &mut Builder, ctx: &RuleCtx<'_>) -> Result<Rule> {
    if r.id.is_empty() {
        return Err(ctx.err("empty rule id"));
    }
    let severity = Severity::parse(&r.severity).ok_or_else(|| {
        ctx.err(format!(
            "unknown severity `{}` (ERROR, WARNING or INFO)",
            r.severity
        ))
    })?;
    let tops = [
        r.pattern_regex.is_some(),
        r.patterns.is_some(),
        r.pattern_either.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if tops != 1 {
        return Err(ctx.err("needs exactly one of pattern-regex, patterns, pattern-either (only regex patterns are supported)"));
    }
    let matcher = if let Some(p) = &r.pattern_regex {
        Matcher::Leaf(b.leaf(p, ctx)?)
    } else if let Some(p) = &r.patterns {
        compile_patterns(p, true, b, ctx)?
    } else if let Some(p) = &r.pattern_either {
        compile_patterns(p, false, b, ctx)?
    } else {
        return Err(ctx.err("no pattern"));
    };
    if r.languages.is_empty() {
        return Err(ctx.err("`languages` must list at least one language"));
    }
    let mut exts: Option<Vec<&'static str>> = Some(Vec::new());
    let mut names: Vec<&'static str> = Vec::new();
    for lang in &r.languages {
        match language_targets(lang) {
            None => exts = None,
            Some((e, n)) => {
                if e.is_empty() && n.is_empty() {
                    return Err(ctx.err(format!("unknown language `{lang}`")));
                }
                if let Some(x) = exts.as_mut() {
                    x.extend(e);
                }
                names.extend(n);
            }
        }
    }
    let metadata = r.metadata.unwrap_or_default();
    let kind = match metadata.get("kind").and_then(|v| v.as_str()) {
        None => Kind::Code,
        Some(k) => Kind::parse(k).ok_or_else(|| ctx.err(format!("unknown metadata.kind `{k}`")))?,
    };
    let (include, exclude) = match &r.paths {
        Some(p) => (globset(&p.include, ctx)?, globset(&p.exclude, ctx)?),
        None => (None, None),
    };
    Ok(Rule {
        cwe: string_list(metadata.get("cwe"))
            .iter()
            .map(|s| norm_cwe(s))
            .collect(),
        owasp: string_list(metadata.get("owasp"))
            .iter()
            .map(|s| norm_owasp(s))
            .collect(),
        references: string_list(metadata.get("references")),
        confidence: metadata
            .get("confidence")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        redact: kind == Kind::Secret
            || metadata
                .get("redact")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        id: r.id,
        message: r.message.trim().to_owned(),
        severity,
        kind,
        languages: r.languages,
        metadata,
        source: ctx.path.to_path_buf(),
        line: ctx.line,
        exts,
        names,
        include,
        exclude,
        matcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(yaml: &str) -> RuleSet {
        RuleSet::compile(&[Source {
            path: "t.yaml".into(),
            text: yaml.into(),
        }])
        .unwrap()
    }

    fn lines_of(rs: &RuleSet, text: &str) -> Vec<usize> {
        let hits = rs.prefilter(text);
        let r = &rs.rules()[0];
        rs.matches(r, text, &hits)
            .iter()
            .map(|m| text[..m.start].matches('\n').count() + 1)
            .collect()
    }

    #[test]
    fn patterns_with_not_regex_follow_semgrep_inside_semantics() {
        let rs = set(r#"
rules:
  - id: foo-package
    message: m
    severity: ERROR
    languages: [generic]
    patterns:
      - pattern-regex: foo
      - pattern-not-regex: foo-
"#);
        assert_eq!(lines_of(&rs, "foo==1\nfoo-bar==2\nx\n"), vec![1]);
    }

    #[test]
    fn either_and_metavariable_regex_and_entropy() {
        let rs = set(r#"
rules:
  - id: pw
    message: m
    severity: WARNING
    languages: [python]
    patterns:
      - pattern-either:
          - pattern-regex: password\s*=\s*"(?P<SECRET>[^"]+)"
          - pattern-regex: passwd\s*=\s*"(?P<SECRET>[^"]+)"
      - metavariable-analysis:
          analyzer: entropy
          metavariable: $SECRET
"#);
        assert_eq!(
            lines_of(
                &rs,
                "password = \"changeme\"\npasswd = \"x9$Kq2!vLp0@Zr\"\n"
            ),
            vec![2]
        );
        assert!(rs.rules()[0].applies_to("src/a.py"));
        assert!(!rs.rules()[0].applies_to("src/a.js"));
    }

    #[test]
    fn bad_regex_names_rule_file_and_line() {
        let e = RuleSet::compile(&[Source {
            path: "r.yaml".into(),
            text: "rules:\n  - id: ok-rule\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: a\n  - id: lookahead\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: (?!x)y\n".into(),
        }])
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("r.yaml:7: rule `lookahead`: bad regex"),
            "{e}"
        );
        assert!(e.contains("look-around"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn duplicate_ids_and_unknown_keys_are_errors() {
        let dup = "rules:\n  - id: a\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: a\n  - id: a\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: b\n";
        let e = RuleSet::compile(&[Source {
            path: "r.yaml".into(),
            text: dup.into(),
        }])
        .unwrap_err();
        assert!(e.to_string().contains("duplicate rule id"));
        let unk = "rules:\n  - id: a\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern: eval(...)\n";
        let e = RuleSet::compile(&[Source {
            path: "r.yaml".into(),
            text: unk.into(),
        }])
        .unwrap_err();
        assert!(e.to_string().starts_with("r.yaml:"), "{e}");
    }

    #[test]
    fn paths_include_exclude() {
        let rs = set("rules:\n  - id: a\n    message: m\n    severity: ERROR\n    languages: [generic]\n    pattern-regex: a\n    paths:\n      include: ['*.tf', 'infra/']\n      exclude: ['*_test.tf']\n");
        let r = &rs.rules()[0];
        assert!(r.applies_to("x/main.tf"));
        assert!(r.applies_to("infra/a.txt"));
        assert!(!r.applies_to("x/main_test.tf"));
        assert!(!r.applies_to("x/main.py"));
    }
}
