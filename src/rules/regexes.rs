//! Regex building and validation: each regex of a rule set is a [`Leaf`], parsed at load when
//! its file is not a built-in pack (syntax, look-around, back-references, size) and compiled the
//! first time a rule needs it. Compiled regexes follow Semgrep's PCRE: multi-line, with ASCII
//! `\d`, `\s`, `\w` and `\b`.

use std::path::PathBuf;
use std::sync::OnceLock;

use regex::Regex;

use super::builtin;
use super::literals;

/// Size limit for one compiled regex (guards against patterns built to blow up).
const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub(super) struct Leaf {
    /// The regex as the rule file writes it.
    pub(super) pattern: String,
    /// What is compiled: the pattern in multi-line mode, or anchored for `metavariable-regex`.
    pub(super) source: String,
    /// Where it comes from, for notes: rule file, line, rule id.
    pub(super) path: PathBuf,
    pub(super) line: usize,
    pub(super) rule: String,
    /// Required literals (None: no usable literal), computed on first need.
    pub(super) literals: OnceLock<Option<Vec<Vec<u8>>>>,
    /// The compiled regex, or why it did not compile.
    pub(super) re: OnceLock<std::result::Result<Regex, String>>,
}

impl Leaf {
    /// The required literals: as the build script computed them for a built-in regex, else
    /// extracted now.
    pub(super) fn literals(&self) -> Option<&[Vec<u8>]> {
        self.literals
            .get_or_init(|| {
                if let Some(built) = builtin::literals(&self.source) {
                    return built;
                }
                regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&self.source)
                    .ok()
                    .and_then(|h| literals::required_literals(&h))
            })
            .as_deref()
    }

    pub(super) fn regex(&self) -> std::result::Result<&Regex, &str> {
        self.re
            .get_or_init(|| {
                let _t = tracing::debug_span!("regex::compile", rule = %self.rule).entered();
                build_regex(&self.source).map_err(|e| first_error_line(&e.to_string()))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Compiles a leaf's source within the size limit, with ASCII perl classes ([`ascii_classes`]).
pub(super) fn build_regex(source: &str) -> std::result::Result<Regex, regex::Error> {
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
pub(super) fn ascii_classes(source: &str) -> Option<String> {
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

/// Load-time validation of one regex: it must parse, and must compile within the size limit.
/// Parsing also yields the literals the candidate filter needs; a pattern whose size estimate is
/// high is compiled now, to know (and the result kept). The error is the one-line message, which
/// the caller puts in context (rule file, line, rule); `what` names the regex in it.
pub(super) fn validate(what: &str, leaf: &Leaf) -> Result<(), String> {
    let bad = |detail: &str| {
        let hint = if detail.contains("look-around") || detail.contains("backreferences") {
            " (look-around and back-references are not supported: use pattern-not-regex instead)"
        } else {
            ""
        };
        format!(
            "bad {what} `{}`: {}{hint}",
            leaf.pattern,
            first_error_line(detail)
        )
    };
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&leaf.source)
        .map_err(|e| bad(&e.to_string()))?;
    let _ = leaf.literals.set(literals::required_literals(&hir));
    if literals::size_units(&hir) > literals::SAFE_UNITS {
        let re = build_regex(&leaf.source).map_err(|e| bad(&e.to_string()))?;
        let _ = leaf.re.set(Ok(re));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

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
}
