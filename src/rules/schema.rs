//! The raw rule-file types: Semgrep-format YAML as written, before any checking. Deserializing
//! into these is all the YAML parser does; [`compile`](super::compile) turns them into rules.
//!
//! This file imports nothing of guardrail's, so the build script can read the built-in packs
//! with the same types.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawRule {
    pub(super) id: String,
    pub(super) message: String,
    pub(super) severity: String,
    pub(super) languages: Vec<String>,
    pub(super) pattern_regex: Option<String>,
    pub(super) patterns: Option<Vec<RawPattern>>,
    pub(super) pattern_either: Option<Vec<RawPattern>>,
    pub(super) paths: Option<RawPaths>,
    pub(super) metadata: Option<serde_json::Map<String, serde_json::Value>>,
    #[allow(dead_code)]
    pub(super) fix: Option<String>,
    #[allow(dead_code)]
    pub(super) options: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPaths {
    #[serde(default)]
    pub(super) include: Vec<String>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawPattern {
    pub(super) pattern_regex: Option<String>,
    pub(super) pattern_not_regex: Option<String>,
    pub(super) patterns: Option<Vec<RawPattern>>,
    pub(super) pattern_either: Option<Vec<RawPattern>>,
    pub(super) metavariable_regex: Option<RawMvRegex>,
    pub(super) metavariable_analysis: Option<RawMvAnalysis>,
    pub(super) focus_metavariable: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMvRegex {
    pub(super) metavariable: String,
    pub(super) regex: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMvAnalysis {
    pub(super) metavariable: String,
    pub(super) analyzer: String,
    #[allow(dead_code)]
    pub(super) options: Option<serde_json::Value>,
}

/// What a `pattern-regex` or `pattern-not-regex` compiles to: the regex in multi-line mode.
pub(super) fn search_source(pattern: &str) -> String {
    format!("(?m){pattern}")
}

/// What a `metavariable-regex` compiles to: the regex anchored at the start of the bound text.
pub(super) fn anchored_source(pattern: &str) -> String {
    format!("^(?:{pattern})")
}

impl RawRule {
    /// Every regex the rule names, in the form it is compiled ([`search_source`],
    /// [`anchored_source`]). The build script keys the built-in regexes' literal sets by these.
    #[allow(dead_code)] // used by build.rs only
    pub(super) fn leaf_sources(&self, out: &mut Vec<String>) {
        fn walk(items: &[RawPattern], out: &mut Vec<String>) {
            for p in items {
                for r in [&p.pattern_regex, &p.pattern_not_regex]
                    .into_iter()
                    .flatten()
                {
                    out.push(search_source(r));
                }
                if let Some(m) = &p.metavariable_regex {
                    out.push(anchored_source(&m.regex));
                }
                for sub in [&p.patterns, &p.pattern_either].into_iter().flatten() {
                    walk(sub, out);
                }
            }
        }
        if let Some(r) = &self.pattern_regex {
            out.push(search_source(r));
        }
        for sub in [&self.patterns, &self.pattern_either].into_iter().flatten() {
            walk(sub, out);
        }
    }
}
