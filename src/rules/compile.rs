//! Compilation: raw rules ([`super::schema`]) checked and turned into [`Rule`]s, each with its
//! [`Matcher`] tree over the set's leaf regexes; the [`RuleSet`] constructors.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::algebra::{All, Either, Filter};
use super::builtin::Builtin;
use super::lang::language_bits;
#[cfg(test)]
use super::lang::path_mask;
use super::matcher::Matcher;
use super::regex_matcher::RegexLeaf;
use super::regexes::{validate, Leaf};
use super::schema::{anchored_source, search_source, RawFile, RawPattern, RawRule};
#[cfg(test)]
use super::sources::builtin_sources;
use super::sources::{is_builtin, sources_sha256, Source};
use super::RuleSet;
use crate::config::yaml_error;
use crate::error::{Error, Result};
use crate::finding::{Kind, Severity};

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
    pub(crate) redact: bool,
    /// Languages as bits of the language table; 0 = every file (`generic`).
    pub(super) mask: u64,
    pub(super) include: Option<Globs>,
    pub(super) exclude: Option<Globs>,
    pub(super) matcher: Arc<dyn Matcher>,
}

/// A rule's `paths` globs: checked when the rules load, compiled into a [`GlobSet`] the first
/// time a path is tested (most runs never look at most rules' paths).
#[derive(Debug, Clone)]
pub(super) struct Globs {
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl Globs {
    fn is_match(&self, path: &str) -> bool {
        self.set
            .get_or_init(|| {
                let mut b = GlobSetBuilder::new();
                for g in &self.globs {
                    b.add(g.clone());
                }
                // Every glob parsed when the rule loaded; a set that still fails to build
                // (regex size) matches nothing.
                b.build().unwrap_or_else(|_| GlobSet::empty())
            })
            .is_match(path)
    }
}

impl Rule {
    #[cfg(test)]
    /// Whether the rule applies to a file at `path` (languages and `paths`).
    pub(crate) fn applies_to(&self, path: &str) -> bool {
        self.applies_with(path, path_mask(path))
    }

    /// [`Rule::applies_to`] with the path's language bits already computed.
    pub(super) fn applies_with(&self, path: &str, mask: u64) -> bool {
        if self.mask != 0 && self.mask & mask == 0 {
            return false;
        }
        let file_name = path.rsplit('/').next().unwrap_or(path);
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

    /// Leaf regexes the rule's patterns run (positive and negative; not the metavariable
    /// filters, which only look at text a leaf already matched).
    pub(super) fn leaves(&self, out: &mut Vec<usize>) {
        self.matcher.leaves(out);
    }
}

struct Builder {
    leaves: Vec<Leaf>,
    /// Whether the current file is a built-in pack (validated by the test suite, see the module
    /// documentation).
    trusted: bool,
}

impl Builder {
    /// Adds a leaf regex: `pattern` as written, `source` as compiled.
    fn leaf(&mut self, pattern: &str, source: String, ctx: &RuleCtx<'_>) -> Result<usize> {
        self.leaf_as("regex", pattern, source, ctx)
    }

    /// [`Builder::leaf`], naming the regex `what` in errors.
    fn leaf_as(
        &mut self,
        what: &str,
        pattern: &str,
        source: String,
        ctx: &RuleCtx<'_>,
    ) -> Result<usize> {
        let leaf = Leaf {
            pattern: pattern.to_owned(),
            source,
            path: ctx.path.to_path_buf(),
            line: ctx.line,
            rule: ctx.id.to_owned(),
            literals: OnceLock::new(),
            re: OnceLock::new(),
        };
        if !self.trusted {
            validate(what, &leaf).map_err(|e| ctx.err(e))?;
        }
        self.leaves.push(leaf);
        Ok(self.leaves.len() - 1)
    }
}

/// Where a rule is, for errors: its file, line and id.
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

/// Reads one rule file: each rule with its 1-based line.
pub(super) fn parse_yaml(_: usize, src: &Source) -> Result<Vec<(usize, RawRule)>> {
    let raw: RawFile = serde_saphyr::from_str(&src.text).map_err(|e| yaml_error(&e, &src.path))?;
    Ok(raw
        .rules
        .into_iter()
        .map(|s| (s.referenced.line() as usize, s.value))
        .collect())
}

fn mv_name(s: &str) -> String {
    s.trim_start_matches('$').to_owned()
}

fn compile_patterns(
    items: &[RawPattern],
    all: bool,
    b: &mut Builder,
    ctx: &RuleCtx<'_>,
) -> Result<Box<dyn Matcher>> {
    let mut pos: Vec<Box<dyn Matcher>> = Vec::new();
    let mut neg: Vec<Box<dyn Matcher>> = Vec::new();
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
            pos.push(Box::new(RegexLeaf(b.leaf(p, search_source(p), ctx)?)));
        } else if let Some(p) = &item.patterns {
            pos.push(compile_patterns(p, true, b, ctx)?);
        } else if let Some(p) = &item.pattern_either {
            pos.push(compile_patterns(p, false, b, ctx)?);
        } else if !all {
            return Err(ctx.err(
                "only pattern-regex, patterns and pattern-either may appear in pattern-either",
            ));
        } else if let Some(p) = &item.pattern_not_regex {
            neg.push(Box::new(RegexLeaf(b.leaf(p, search_source(p), ctx)?)));
        } else if let Some(m) = &item.metavariable_regex {
            let leaf = b.leaf_as(
                "metavariable-regex",
                &m.regex,
                anchored_source(&m.regex),
                ctx,
            )?;
            filters.push(Filter::MvRegex {
                name: mv_name(&m.metavariable),
                leaf,
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
        Ok(Box::new(All { pos, neg, filters }))
    } else {
        Ok(Box::new(Either(pos)))
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

fn globset(patterns: &[String], ctx: &RuleCtx<'_>) -> Result<Option<Globs>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut globs = Vec::new();
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
            globs.push(Glob::new(&v).map_err(|e| ctx.err(format!("bad path glob `{p}`: {e}")))?);
        }
    }
    Ok(Some(Globs {
        globs,
        set: OnceLock::new(),
    }))
}

impl RuleSet {
    #[cfg(test)]
    /// The built-in packs.
    pub(crate) fn builtin() -> Result<RuleSet> {
        RuleSet::compile(&builtin_sources())
    }

    /// Loads rule sources (ids must be unique across all of them) and validates every regex
    /// (see the module documentation); nothing is compiled yet.
    pub fn compile(sources: &[Source]) -> Result<RuleSet> {
        RuleSet::load(sources, is_builtin)
    }

    /// [`RuleSet::compile`], with the regexes of sources for which `trusted` holds left
    /// unvalidated.
    ///
    /// Built-in files come parsed from the binary ([`Builtin`]); every other file is parsed from
    /// its YAML.
    pub(super) fn load(sources: &[Source], trusted: impl Fn(&Source) -> bool) -> Result<RuleSet> {
        let mut builtin: Option<Option<Builtin>> = None;
        RuleSet::build(
            sources,
            |i, src| {
                if is_builtin(src) {
                    let parsed = builtin.get_or_insert_with(Builtin::load);
                    if let Some(rules) = parsed.as_mut().and_then(|b| b.take(src)) {
                        return Ok(rules);
                    }
                }
                parse_yaml(i, src)
            },
            trusted,
        )
    }

    /// Builds the set from each source's rules as `parse` reads them (in order, so the first
    /// broken file is the one reported).
    pub(super) fn build(
        sources: &[Source],
        mut parse: impl FnMut(usize, &Source) -> Result<Vec<(usize, RawRule)>>,
        trusted: impl Fn(&Source) -> bool,
    ) -> Result<RuleSet> {
        let mut b = Builder {
            leaves: Vec::new(),
            trusted: false,
        };
        let mut rules = Vec::new();
        let mut seen: HashMap<String, (PathBuf, usize)> = HashMap::new();
        for (i, src) in sources.iter().enumerate() {
            b.trusted = trusted(src);
            for (line, r) in parse(i, src)? {
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
        Ok(RuleSet {
            rules,
            leaves: b.leaves,
            sha256: sources_sha256(sources),
            filters: Mutex::new(HashMap::new()),
            failures: Mutex::new(BTreeMap::new()),
        })
    }
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
    let matcher: Arc<dyn Matcher> = if let Some(p) = &r.pattern_regex {
        Arc::new(RegexLeaf(b.leaf(p, search_source(p), ctx)?))
    } else if let Some(p) = &r.patterns {
        Arc::from(compile_patterns(p, true, b, ctx)?)
    } else if let Some(p) = &r.pattern_either {
        Arc::from(compile_patterns(p, false, b, ctx)?)
    } else {
        return Err(ctx.err("no pattern"));
    };
    if r.languages.is_empty() {
        return Err(ctx.err("`languages` must list at least one language"));
    }
    // Bits of the languages named; `generic` anywhere makes the rule apply to every file.
    let mut mask = 0u64;
    let mut generic = false;
    for lang in &r.languages {
        match language_bits(lang) {
            None => return Err(ctx.err(format!("unknown language `{lang}`"))),
            Some(0) => generic = true,
            Some(bits) => mask |= bits,
        }
    }
    if generic {
        mask = 0;
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
        mask,
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

    #[test]
    fn every_builtin_regex_passes_load_validation() {
        // The built-in packs skip validation at load (they are trusted): this is where it runs.
        let sources = builtin_sources();
        let checked = RuleSet::load(&sources, |_| false).unwrap();
        let trusted = RuleSet::compile(&sources).unwrap();
        assert_eq!(checked.regex_count(), trusted.regex_count());
        assert!(trusted.regex_count() > 300, "{}", trusted.regex_count());
        // And each compiles within the size limit (validation compiles only the big ones).
        for i in 0..trusted.regex_count() {
            assert!(trusted.regex(i).is_some(), "{:?}", trusted.failures());
        }
        assert!(trusted.failures().is_empty());
    }

    #[test]
    fn oversized_regex_fails_at_load_for_rule_files() {
        let e = RuleSet::compile(&[Source {
            path: "t.yaml".into(),
            text: "rules:\n  - id: big\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern-regex: '\\w{500}\\p{L}{500}'\n".into(),
        }])
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.yaml:2: rule `big`: bad regex"), "{e}");
        assert!(e.contains("size limit"), "{e}");
        assert!(!e.contains('\n'));
    }
}
