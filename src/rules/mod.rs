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
//! (`every_builtin_regex_passes_load_validation`), so they are not parsed again. They are not
//! even parsed at run time: the build script parses them, and the binary carries each file's
//! rules bound to the sha256 of its text, with every regex's literal set (`builtin.rs`). A leaf
//! regex is compiled the first time a rule needs it. The candidate filter (`prefilter.rs`) is one
//! Aho-Corasick automaton per language group (the rules of one language; `generic` rules form a
//! group every file reads), built the first time a file of that language is reviewed. Nothing
//! derived from rules is read from disk: a file a change's code can write (such as the rules
//! cache of older versions) cannot decide which rules run, and the set's [`RuleSet::sha256`]
//! (the ledger's `rules_sha256`) names the rule files that ran.
//!
//! # Files
//!
//! One job each; a rule flows down this list:
//!
//! | file | owns |
//! |---|---|
//! | `sources.rs` | rule-file discovery: the built-in packs ([`BUILTIN`]), rule files on disk, the rules' sha256 |
//! | `schema.rs` | the raw YAML types, as written (no guardrail imports: the build script shares them) |
//! | `builtin.rs` | the built-in packs as the build script parsed them, checked against each file's sha256 |
//! | `lang.rs` | the language table: rule `languages` names, file names → language bits |
//! | `regexes.rs` | one regex ("leaf"): Semgrep-compatible building, load-time validation, lazy compile |
//! | `compile.rs` | raw rules → [`Rule`]s with their matcher trees; the [`RuleSet`] constructors |
//! | `cache.rs` | the atomic cache-file writer of the other caches (there is no rules cache) |
//! | `set.rs` | the loaded [`RuleSet`]: rules in force, candidate filters, [`RuleSet::matches`] |
//! | `literals.rs` | a regex's required literals and size estimate (only `regex-syntax`: the build script shares it) |
//! | `prefilter.rs` | the per-language Aho-Corasick candidate filter over those literals |
//! | `matcher.rs` | **the matcher interface** (below) and [`Match`] |
//! | `regex_matcher.rs` | the regex matcher: one leaf regex over a file's text |
//! | `algebra.rs` | matching: Semgrep's range algebra (`patterns`, `pattern-either`, filters) over any matchers |
//! | `entropy.rs` | the `entropy` analyzer of `metavariable-analysis` |
//! | `test.rs` | rule fixture tests (`guardrail rules test`, Semgrep's `--test` convention) |
//! | `annotations.rs` | the fixture annotations (`ruleid:`, `ok:`, …) `test.rs` reads |
//!
//! # The matcher interface
//!
//! Every compiled rule holds one `matcher::Matcher` (a trait): it runs over one file (a
//! `Target`: the file's text today, and its syntax tree once a structural matcher needs one) and
//! returns byte ranges ([`Match`]) with the metavariables they bound. It declares the leaf
//! regexes it uses (their literals feed the per-language candidate filter) and answers, from the
//! file's candidate bits, whether a match is possible at all, so most rules cost one bit test
//! per file. The regex matcher (`regex_matcher::RegexLeaf`) and the algebra's `Either` / `All`
//! implement it; the algebra combines any matchers, so a structural matcher (Semgrep
//! `pattern:` / `pattern-not:` over a syntax tree) is one more file implementing the same trait,
//! mixed freely with regex leaves in one rule. Callers outside this module only see
//! [`RuleSet::prefilter_for`], [`RuleSet::for_path`] and [`RuleSet::matches`].

mod algebra;
mod annotations;
mod builtin;
mod cache;
mod compile;
mod entropy;
mod lang;
mod literals;
mod matcher;
mod prefilter;
mod regex_matcher;
mod regexes;
mod schema;
mod set;
mod sources;
pub mod test;

pub use cache::write_atomic;
pub use compile::Rule;
pub use entropy::{english_surprise_bits, high_entropy, shannon_entropy};
pub use matcher::Match;
pub use set::RuleSet;
pub use sources::{builtin_sources, dir_sources, is_rule_file, Source, BUILTIN};
