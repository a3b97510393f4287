//! Rule loading and matching: Semgrep-format YAML (the regex subset) → a compiled [`RuleSet`].
//!
//! Supported rule keys: `id`, `message`, `severity` (ERROR→red, WARNING→yellow, INFO→info),
//! `languages`, `pattern-regex`, `patterns` (all must hold), `pattern-either` (any),
//! `pattern-not-regex`, `metavariable-regex`, `metavariable-analysis` (entropy),
//! `focus-metavariable`, `paths.include` / `paths.exclude`, `metadata` (free keys kept), `fix`
//! and `options` (accepted, unused). Regexes run in multi-line mode like Semgrep's PCRE, whose
//! `\d`, `\s`, `\w` and `\b` are ASCII (UTF mode without UCP): ours are too, while `.` and
//! explicit classes match any character.
//! Semantics follow Semgrep's range algebra: a `pattern-not-regex` removes matches that lie
//! inside one of its matches; several positive patterns keep the ranges that lie inside one
//! another.
//!
//! Loading is cheap and compiling is lazy, in proportion to the change. At load every regex
//! of a rule file that is not a built-in pack is parsed (`regex-syntax`: syntax errors,
//! look-around, back-references and clearly oversized patterns fail at load with file, line and
//! rule); the built-in packs are byte-identical to the files `cargo test` validates the same way
//! (`every_builtin_regex_passes_load_validation`), so they are not parsed again. A leaf regex is
//! compiled the first time a rule needs it. The candidate filter ([`prefilter`]) is one
//! Aho-Corasick automaton per language group (the rules of one language; `generic` rules form a
//! group every file reads), built the first time a file of that language is reviewed. Parsed
//! rules and literal sets can be kept in a cache keyed by the rules' sha256
//! ([`RuleSet::compile_cached`]), which skips YAML parsing on later runs.

mod prefilter;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Deserialize, Serialize)]
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

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
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

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawMvRegex {
    metavariable: String,
    regex: String,
}

#[derive(Debug, Deserialize, Serialize)]
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
    /// `metavariable-regex`: the leaf (anchored at the start) the bound text must match.
    MvRegex {
        name: String,
        leaf: usize,
    },
    Entropy {
        name: String,
    },
    Focus {
        name: String,
    },
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
    /// Languages as bits of [`LANGS`]; 0 = every file (`generic`).
    mask: u64,
    include: Option<Globs>,
    exclude: Option<Globs>,
    matcher: Matcher,
}

/// A rule's `paths` globs: checked when the rules load, compiled into a [`GlobSet`] the first
/// time a path is tested (most runs never look at most rules' paths).
#[derive(Debug, Clone)]
struct Globs {
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
    /// Whether the rule applies to a file at `path` (languages and `paths`).
    pub fn applies_to(&self, path: &str) -> bool {
        self.applies_with(path, path_mask(path))
    }

    /// [`Rule::applies_to`] with the path's language bits already computed.
    fn applies_with(&self, path: &str, mask: u64) -> bool {
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
    fn leaves(&self, out: &mut Vec<usize>) {
        fn walk(m: &Matcher, out: &mut Vec<usize>) {
            match m {
                Matcher::Leaf(i) => out.push(*i),
                Matcher::Any(xs) => xs.iter().for_each(|x| walk(x, out)),
                Matcher::All { pos, neg, .. } => {
                    pos.iter().for_each(|x| walk(x, out));
                    out.extend(neg.iter().copied());
                }
            }
        }
        walk(&self.matcher, out);
    }
}

/// A language: its canonical name, the names rules may use for it, and the files it covers
/// (name suffixes, and whole file names such as `Dockerfile`).
struct Lang {
    name: &'static str,
    aliases: &'static [&'static str],
    exts: &'static [&'static str],
    names: &'static [&'static str],
}

/// The languages rules can target; a rule's and a path's language bits index this table.
#[rustfmt::skip]
const LANGS: [Lang; 22] = [
    Lang {
        name: "python",
        aliases: &["python", "py", "python3"],
        exts: &[".py", ".pyi", ".pyw"],
        names: &[],
    },
    Lang {
        name: "javascript",
        aliases: &["javascript", "js"],
        exts: &[".js", ".jsx", ".mjs", ".cjs"],
        names: &[],
    },
    Lang {
        name: "typescript",
        aliases: &["typescript", "ts"],
        exts: &[".ts", ".tsx", ".mts", ".cts"],
        names: &[],
    },
    Lang {
        name: "java",
        aliases: &["java"],
        exts: &[".java"],
        names: &[],
    },
    Lang {
        name: "go",
        aliases: &["go", "golang"],
        exts: &[".go"],
        names: &[],
    },
    Lang {
        name: "rust",
        aliases: &["rust", "rs"],
        exts: &[".rs"],
        names: &[],
    },
    Lang {
        name: "ruby",
        aliases: &["ruby", "rb"],
        exts: &[".rb", ".erb", ".rake"],
        names: &["gemfile", "rakefile"],
    },
    Lang {
        name: "php",
        aliases: &["php"],
        exts: &[".php", ".phtml"],
        names: &[],
    },
    Lang {
        name: "csharp",
        aliases: &["csharp", "c#", "cs"],
        exts: &[".cs"],
        names: &[],
    },
    Lang {
        name: "kotlin",
        aliases: &["kotlin", "kt"],
        exts: &[".kt", ".kts"],
        names: &[],
    },
    Lang {
        name: "scala",
        aliases: &["scala"],
        exts: &[".scala"],
        names: &[],
    },
    Lang {
        name: "swift",
        aliases: &["swift"],
        exts: &[".swift"],
        names: &[],
    },
    Lang {
        name: "c",
        aliases: &["c"],
        exts: &[".c", ".h"],
        names: &[],
    },
    Lang {
        name: "cpp",
        aliases: &["cpp", "c++"],
        exts: &[".cpp", ".cc", ".cxx", ".hpp", ".hh", ".h"],
        names: &[],
    },
    Lang {
        name: "yaml",
        aliases: &["yaml"],
        exts: &[".yml", ".yaml"],
        names: &[],
    },
    Lang {
        name: "json",
        aliases: &["json"],
        exts: &[".json"],
        names: &[],
    },
    Lang {
        name: "dockerfile",
        aliases: &["dockerfile", "docker"],
        exts: &[".dockerfile"],
        names: &["dockerfile", "containerfile"],
    },
    Lang {
        name: "bash",
        aliases: &["bash", "sh"],
        exts: &[".sh", ".bash"],
        names: &[],
    },
    Lang {
        name: "terraform",
        aliases: &["terraform", "hcl", "tf"],
        exts: &[".tf", ".hcl", ".tfvars"],
        names: &[],
    },
    Lang {
        name: "html",
        aliases: &["html"],
        exts: &[".html", ".htm"],
        names: &[],
    },
    Lang {
        name: "xml",
        aliases: &["xml"],
        exts: &[".xml"],
        names: &[],
    },
    Lang {
        name: "lua",
        aliases: &["lua"],
        exts: &[".lua"],
        names: &[],
    },
];

/// Language bits of a rule's `languages` entry: `Some(0)` for `generic` (every file), None when
/// unknown.
fn language_bits(lang: &str) -> Option<u64> {
    let lower = lang.to_ascii_lowercase();
    if matches!(lower.as_str(), "generic" | "regex" | "none") {
        return Some(0);
    }
    LANGS
        .iter()
        .position(|l| l.aliases.contains(&lower.as_str()))
        .map(|i| 1u64 << i)
}

/// The languages a file belongs to, by its name, as bits of [`LANGS`] (0: none of them; only
/// `generic` rules apply).
pub(crate) fn path_mask(path: &str) -> u64 {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let lower = file_name.to_ascii_lowercase();
    let mut mask = 0u64;
    for (i, l) in LANGS.iter().enumerate() {
        let hit = l.exts.iter().any(|e| lower.ends_with(e))
            || l.names.iter().any(|n| {
                lower == *n
                    || lower
                        .strip_prefix(n)
                        .is_some_and(|rest| rest.starts_with('.'))
                    || lower
                        .strip_suffix(n)
                        .is_some_and(|rest| rest.ends_with('.'))
            });
        if hit {
            mask |= 1 << i;
        }
    }
    mask
}

/// Mask that stands for "every language" (the path-less [`RuleSet::prefilter`]).
const ALL_LANGS: u64 = u64::MAX;

/// Group number of the `generic` rules (the languages' groups are their [`LANGS`] indexes).
const GENERIC: usize = LANGS.len();

/// The language groups a file with language bits `mask` reads: `generic`, then its languages.
fn groups_of(mask: u64) -> impl Iterator<Item = usize> {
    std::iter::once(GENERIC).chain((0..LANGS.len()).filter(move |i| mask & (1u64 << i) != 0))
}

/// One regex of the rule set, compiled on first use.
#[derive(Debug, Clone)]
struct Leaf {
    /// The regex as the rule file writes it.
    pattern: String,
    /// What is compiled: the pattern in multi-line mode, or anchored for `metavariable-regex`.
    source: String,
    /// Where it comes from, for notes: rule file, line, rule id.
    path: PathBuf,
    line: usize,
    rule: String,
    /// Required literals (None: no usable literal), computed on first need.
    literals: OnceLock<Option<Vec<Vec<u8>>>>,
    /// The compiled regex, or why it did not compile.
    re: OnceLock<std::result::Result<Regex, String>>,
}

impl Leaf {
    fn literals(&self) -> Option<&[Vec<u8>]> {
        self.literals
            .get_or_init(|| {
                regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&self.source)
                    .ok()
                    .and_then(|h| prefilter::required_literals(&h))
            })
            .as_deref()
    }

    fn regex(&self) -> std::result::Result<&Regex, &str> {
        self.re
            .get_or_init(|| {
                let _t = tracing::debug_span!("regex::compile", rule = %self.rule).entered();
                build_regex(&self.source).map_err(|e| first_error_line(&e.to_string()))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

fn build_regex(source: &str) -> std::result::Result<Regex, regex::Error> {
    let build = |p: &str| {
        regex::RegexBuilder::new(p)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
    };
    match ascii_classes(source) {
        Some(ascii) => build(&ascii).or_else(|_| build(source)),
        None => build(source),
    }
}

/// `source` with `\d`, `\s`, `\w` and the word boundaries made ASCII-only, as in Semgrep's
/// PCRE (UTF mode without UCP); `.` and explicit classes stay Unicode. Unicode perl classes
/// were about half of all regex compile time and make the lazy DFA give up on non-ASCII
/// text. None when the pattern does not parse (the regex crate then reports why).
fn ascii_classes(source: &str) -> Option<String> {
    use regex_syntax::ast::{self, Ast, ClassSet, ClassSetItem};

    fn ascii(p: &ast::ClassPerl) -> ast::ClassAscii {
        ast::ClassAscii {
            span: p.span,
            kind: match p.kind {
                ast::ClassPerlKind::Digit => ast::ClassAsciiKind::Digit,
                ast::ClassPerlKind::Space => ast::ClassAsciiKind::Space,
                ast::ClassPerlKind::Word => ast::ClassAsciiKind::Word,
            },
            negated: p.negated,
        }
    }
    fn set(s: &mut ClassSet) {
        match s {
            ClassSet::Item(i) => item(i),
            ClassSet::BinaryOp(op) => {
                set(&mut op.lhs);
                set(&mut op.rhs);
            }
        }
    }
    fn item(i: &mut ClassSetItem) {
        match i {
            ClassSetItem::Perl(p) => *i = ClassSetItem::Ascii(ascii(p)),
            ClassSetItem::Bracketed(b) => set(&mut b.kind),
            ClassSetItem::Union(u) => u.items.iter_mut().for_each(item),
            _ => {}
        }
    }
    fn walk(a: &mut Ast) {
        match a {
            Ast::ClassPerl(p) => {
                let span = p.span;
                *a = Ast::class_bracketed(ast::ClassBracketed {
                    span,
                    negated: false,
                    kind: ClassSet::Item(ClassSetItem::Ascii(ascii(p))),
                });
            }
            Ast::Assertion(x)
                if !matches!(
                    x.kind,
                    ast::AssertionKind::StartLine
                        | ast::AssertionKind::EndLine
                        | ast::AssertionKind::StartText
                        | ast::AssertionKind::EndText
                ) =>
            {
                let span = x.span;
                let inner = std::mem::replace(a, Ast::empty(span));
                let not_unicode = |kind| ast::FlagsItem { span, kind };
                *a = Ast::group(ast::Group {
                    span,
                    kind: ast::GroupKind::NonCapturing(ast::Flags {
                        span,
                        items: vec![
                            not_unicode(ast::FlagsItemKind::Negation),
                            not_unicode(ast::FlagsItemKind::Flag(ast::Flag::Unicode)),
                        ],
                    }),
                    ast: Box::new(inner),
                });
            }
            Ast::ClassBracketed(b) => set(&mut b.kind),
            Ast::Repetition(r) => walk(&mut r.ast),
            Ast::Group(g) => walk(&mut g.ast),
            Ast::Alternation(x) => x.asts.iter_mut().for_each(walk),
            Ast::Concat(x) => x.asts.iter_mut().for_each(walk),
            _ => {}
        }
    }
    // The parser's nesting limit (as the regex crate's) bounds the recursion below.
    let mut tree = ast::parse::Parser::new().parse(source).ok()?;
    walk(&mut tree);
    let mut out = String::with_capacity(source.len() + 32);
    ast::print::Printer::new().print(&tree, &mut out).ok()?;
    Some(out)
}

/// The line of a regex error message that says what is wrong (they span several lines).
fn first_error_line(detail: &str) -> String {
    detail
        .lines()
        .rfind(|l| l.starts_with("error:"))
        .unwrap_or_else(|| detail.lines().next().unwrap_or("invalid regex"))
        .to_owned()
}

/// A set of loaded rules; regexes and candidate filters are compiled on first use (the set may
/// be shared between threads).
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    leaves: Vec<Leaf>,
    sha256: String,
    /// Candidate filters by language group, built on first use.
    filters: Mutex<HashMap<usize, Arc<OnceLock<prefilter::Prefilter>>>>,
    /// Leaves that failed to compile on first use: leaf → note.
    failures: Mutex<BTreeMap<usize, String>>,
    /// Whether it was read from the rules cache.
    from_cache: bool,
    /// Where to save literal sets, when the set goes through the rules cache.
    cache: Option<CacheState>,
}

/// The literal-set half of the rules cache for one rule set.
#[derive(Debug)]
struct CacheState {
    /// The file (`rules-<key>.literals.json`).
    literals: PathBuf,
    /// How many leaves had known literals when last read or saved.
    known: AtomicUsize,
}

impl Clone for RuleSet {
    fn clone(&self) -> Self {
        RuleSet {
            rules: self.rules.clone(),
            leaves: self.leaves.clone(),
            sha256: self.sha256.clone(),
            filters: Mutex::new(HashMap::new()),
            failures: Mutex::new(self.failures.lock().map(|f| f.clone()).unwrap_or_default()),
            from_cache: self.from_cache,
            cache: None,
        }
    }
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
            validate(what, &leaf, ctx)?;
        }
        self.leaves.push(leaf);
        Ok(self.leaves.len() - 1)
    }
}

/// Load-time validation of one regex: it must parse, and must compile within the size limit.
/// Parsing also yields the literals the candidate filter needs; a pattern whose size estimate is
/// high is compiled now, to know (and the result kept).
fn validate(what: &str, leaf: &Leaf, ctx: &RuleCtx<'_>) -> Result<()> {
    let bad = |detail: &str| {
        let hint = if detail.contains("look-around") || detail.contains("backreferences") {
            " (look-around and back-references are not supported: use pattern-not-regex instead)"
        } else {
            ""
        };
        ctx.err(format!(
            "bad {what} `{}`: {}{hint}",
            leaf.pattern,
            first_error_line(detail)
        ))
    };
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&leaf.source)
        .map_err(|e| bad(&e.to_string()))?;
    let _ = leaf.literals.set(prefilter::required_literals(&hir));
    if prefilter::size_units(&hir) > prefilter::SAFE_UNITS {
        let re = build_regex(&leaf.source).map_err(|e| bad(&e.to_string()))?;
        let _ = leaf.re.set(Ok(re));
    }
    Ok(())
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

/// Reads one rule file: each rule with its 1-based line.
fn parse_yaml(_: usize, src: &Source) -> Result<Vec<(usize, RawRule)>> {
    let raw: RawFile = serde_saphyr::from_str(&src.text).map_err(|e| yaml_error(&e, &src.path))?;
    Ok(raw
        .rules
        .into_iter()
        .map(|s| (s.referenced.line() as usize, s.value))
        .collect())
}

/// sha256 over every rule file's path and text.
fn sources_sha256(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    for src in sources {
        h.update(src.path.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(src.text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Version of the cache file layout; bump when [`CacheFile`] or the rule structs change.
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
fn cache_key(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    h.update(sources_sha256(sources).as_bytes());
    h.update([0]);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(CACHE_FORMAT.to_le_bytes());
    h.update(include_str!("rules.rs").as_bytes());
    h.update(include_str!("rules/prefilter.rs").as_bytes());
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

/// Whether `src` is byte for byte one of the built-in rule files.
fn is_builtin(src: &Source) -> bool {
    src.path
        .strip_prefix("rules")
        .ok()
        .and_then(|p| BUILTIN.get_file(p))
        .and_then(|f| f.contents_utf8())
        .is_some_and(|t| t == src.text)
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
            pos.push(Matcher::Leaf(b.leaf(p, format!("(?m){p}"), ctx)?));
        } else if let Some(p) = &item.patterns {
            pos.push(compile_patterns(p, true, b, ctx)?);
        } else if let Some(p) = &item.pattern_either {
            pos.push(compile_patterns(p, false, b, ctx)?);
        } else if !all {
            return Err(ctx.err(
                "only pattern-regex, patterns and pattern-either may appear in pattern-either",
            ));
        } else if let Some(p) = &item.pattern_not_regex {
            neg.push(b.leaf(p, format!("(?m){p}"), ctx)?);
        } else if let Some(m) = &item.metavariable_regex {
            let leaf = b.leaf_as(
                "metavariable-regex",
                &m.regex,
                format!("^(?:{})", m.regex),
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
    /// The built-in packs.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::compile(&builtin_sources())
    }

    /// Loads rule sources (ids must be unique across all of them) and validates every regex
    /// (see the module documentation); nothing is compiled yet.
    pub fn compile(sources: &[Source]) -> Result<RuleSet> {
        RuleSet::load(sources, is_builtin)
    }

    /// [`RuleSet::compile`], with the regexes of sources for which `trusted` holds left
    /// unvalidated.
    fn load(sources: &[Source], trusted: impl Fn(&Source) -> bool) -> Result<RuleSet> {
        RuleSet::build(sources, parse_yaml, trusted)
    }

    /// Builds the set from each source's rules as `parse` reads them (in order, so the first
    /// broken file is the one reported).
    fn build(
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
            from_cache: false,
            cache: None,
        })
    }

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
    pub fn ignore_path_filters(&mut self) {
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
        if !self.possible(&rule.matcher, hits) {
            return Vec::new();
        }
        let mut out = self.eval(&rule.matcher, text, hits);
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
    pub fn prefilter_for(&self, path: &str, text: &str) -> Vec<bool> {
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

    /// Language groups whose candidate filter has been built so far (`generic` and canonical
    /// language names, sorted): how much of the rule set a run compiled.
    pub fn compiled_groups(&self) -> Vec<&'static str> {
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

    /// For a file at `path`: how many leaf regexes the candidate filters of its language groups
    /// cover, and how many of those have no usable literal (candidates in every text). Builds
    /// the filters.
    pub fn filter_sizes(&self, path: &str) -> (usize, usize) {
        groups_of(path_mask(path))
            .filter_map(|g| self.filter(g).get().map(|f| f.sizes()))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    }

    /// How many leaf regexes (of [`RuleSet::regex_count`]) are compiled so far.
    pub fn compiled_regexes(&self) -> usize {
        self.leaves.iter().filter(|l| l.re.get().is_some()).count()
    }

    /// How many leaf regexes the set holds (patterns, negative patterns, metavariable regexes).
    pub fn regex_count(&self) -> usize {
        self.leaves.len()
    }

    /// Regexes that failed to compile on first use (over the size limit): one line each, naming
    /// rule file, line and rule. Their rules found nothing; callers report these as notes.
    pub fn failures(&self) -> Vec<String> {
        self.failures
            .lock()
            .map(|f| f.values().cloned().collect())
            .unwrap_or_default()
    }

    fn possible(&self, m: &Matcher, hits: &[bool]) -> bool {
        match m {
            Matcher::Leaf(i) => hits.get(*i).copied().unwrap_or(false),
            Matcher::Any(xs) => xs.iter().any(|x| self.possible(x, hits)),
            Matcher::All { pos, .. } => pos.iter().all(|x| self.possible(x, hits)),
        }
    }

    /// The compiled regex of leaf `i`, compiling it now if needed; a failure is recorded.
    fn regex(&self, i: usize) -> Option<&Regex> {
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

    fn leaf_matches(&self, i: usize, text: &str) -> Vec<Match> {
        let Some(re) = self.regex(i) else {
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
                    if acc.is_empty() {
                        break;
                    }
                    acc = self.apply_filter(f, acc, text);
                }
                acc
            }
        }
    }

    fn apply_filter(&self, f: &Filter, acc: Vec<Match>, text: &str) -> Vec<Match> {
        apply_filter(f, acc, text, |leaf| self.regex(leaf))
    }
}

fn apply_filter<'r>(
    f: &Filter,
    acc: Vec<Match>,
    text: &str,
    regex: impl Fn(usize) -> Option<&'r Regex>,
) -> Vec<Match> {
    match f {
        Filter::MvRegex { name, leaf } => {
            let Some(re) = regex(*leaf) else {
                return Vec::new();
            };
            acc.into_iter()
                .filter(|m| {
                    m.captures
                        .get(name)
                        .and_then(|(s, e)| text.get(*s..*e))
                        .is_some_and(|v| re.is_match(v))
                })
                .collect()
        }
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
        Matcher::Leaf(b.leaf(p, format!("(?m){p}"), ctx)?)
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
    fn perl_classes_and_word_boundaries_are_ascii_like_semgrep_pcre() {
        let re = |p: &str| build_regex(p).unwrap();
        let found = |p: &str, t: &str| re(p).find(t).map(|m| m.as_str().to_owned());
        // `\w`, `\d`, `\s` and `\b` are ASCII; `.` and explicit classes stay Unicode.
        assert_eq!(found(r"\w+", "naïve").as_deref(), Some("na"));
        assert_eq!(found(r"\d+", "٣12").as_deref(), Some("12"));
        assert_eq!(found(r"a\sb", "a\u{a0}b a b").as_deref(), Some("a b"));
        assert_eq!(found(r"\bfoo\b", "éfoo foo").as_deref(), Some("foo"));
        assert_eq!(found(r"x.y", "xéy").as_deref(), Some("xéy"));
        assert_eq!(found(r"[é\w]+", "éa_1!").as_deref(), Some("éa_1"));
        // Negations, inside classes too, and set operations.
        assert_eq!(found(r"[^\w>]+", "ab<é>").as_deref(), Some("<é"));
        assert_eq!(found(r"\W+", "a-é-b").as_deref(), Some("-é-"));
        assert_eq!(found(r"[\w&&[^\d]]+", "12ab3").as_deref(), Some("ab"));
        assert_eq!(found(r"\S+", "  ab\u{a0}c ").as_deref(), Some("ab\u{a0}c"));
        // Escaped backslashes are not classes; flags and captures survive.
        assert_eq!(found(r"\\b", r"a\b").as_deref(), Some(r"\b"));
        assert_eq!(
            found(r"(?i)TOKEN\s*=", "token =").as_deref(),
            Some("token =")
        );
        let caps = re(r"(?P<key>\w+)=(\d+)").captures("k=42").unwrap();
        assert_eq!((&caps["key"], &caps[2]), ("k", "42"));
        // Every built-in leaf still compiles in its ASCII form (the fallback is never needed).
        let rs = RuleSet::builtin().unwrap();
        for leaf in &rs.leaves {
            let ascii = ascii_classes(&leaf.source).unwrap_or_default();
            assert!(
                regex::Regex::new(&ascii).is_ok(),
                "{}: {}",
                leaf.rule,
                leaf.source
            );
        }
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

    #[test]
    fn language_bits_follow_file_names() {
        assert_eq!(path_mask("src/a.py"), 1);
        assert_eq!(path_mask("README"), 0);
        let ruby = 1 << 6;
        assert_eq!(path_mask("Gemfile"), ruby);
        assert_eq!(path_mask("x/Gemfile.lock"), ruby);
        assert_eq!(path_mask("app.rb"), ruby);
        // `.h` is both C and C++.
        assert_eq!(path_mask("inc/x.h").count_ones(), 2);
        assert_eq!(path_mask("Dockerfile.prod"), 1 << 16);
    }

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
