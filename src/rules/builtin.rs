//! The built-in packs as the build script parsed them: each rule file's raw rules, bound to the
//! sha256 of the text they were read from, and the required literals of every regex they name.
//! Loading the built-in packs therefore parses no YAML and extracts no literals at run time, and
//! nothing derived from rules is ever read from disk: a file a change's code can write (the old
//! rules cache in the user cache directory) cannot alter which rules run. A rule file is taken
//! from here only when its text hashes to what the build script parsed; otherwise it is parsed
//! from its YAML, like any other rule file.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::schema::RawRule;
use super::sources::Source;

/// Written by `build.rs` from `rules/`, the directory [`super::BUILTIN`] embeds.
static PARSED: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin-rules.json"));

/// Written by `build.rs`: compiled regex source → its required literals (null: none usable).
static LITERALS: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin-literals.json"));

#[derive(Deserialize)]
struct ParsedFile {
    /// Display path, `rules/…` as [`super::builtin_sources`] names it.
    path: String,
    /// sha256 (hex) of the text the rules were parsed from.
    sha256: String,
    /// Its rules with their 1-based lines.
    rules: Vec<(usize, RawRule)>,
}

#[derive(Deserialize)]
struct Parsed {
    files: Vec<ParsedFile>,
}

/// The parsed built-in packs, taken file by file while a rule set loads.
pub(super) struct Builtin {
    files: HashMap<String, ParsedFile>,
}

impl Builtin {
    /// Reads what the build script wrote; None if it does not read (every file is then parsed
    /// from its YAML).
    pub(super) fn load() -> Option<Builtin> {
        let _t = tracing::debug_span!("rules::builtin").entered();
        let parsed: Parsed = serde_json::from_str(PARSED).ok()?;
        Some(Builtin {
            files: parsed
                .files
                .into_iter()
                .map(|f| (f.path.clone(), f))
                .collect(),
        })
    }

    /// The rules of `src` as the build script parsed them, when `src` is a built-in file whose
    /// text has the sha256 of the text parsed (once: the rules move out).
    pub(super) fn take(&mut self, src: &Source) -> Option<Vec<(usize, RawRule)>> {
        let key = src.path.to_string_lossy();
        let file = self.files.get(key.as_ref())?;
        if file.sha256 != hex::encode(Sha256::digest(src.text.as_bytes())) {
            return None;
        }
        self.files.remove(key.as_ref()).map(|f| f.rules)
    }
}

/// The required literals of the regex compiled from `source` as the build script computed them
/// (the outer None: not a built-in regex, or a set the build left out). The table is read on
/// first use, i.e. when the first candidate filter is built.
pub(super) fn literals(source: &str) -> Option<Option<Vec<Vec<u8>>>> {
    static TABLE: OnceLock<HashMap<String, Option<Vec<String>>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let _t = tracing::debug_span!("rules::builtin_literals").entered();
        serde_json::from_str(LITERALS).unwrap_or_default()
    });
    let set = table.get(source)?;
    Some(
        set.as_ref()
            .map(|v| v.iter().map(|s| s.as_bytes().to_vec()).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compile::parse_yaml;
    use crate::rules::literals::required_literals;
    use crate::rules::{builtin_sources, RuleSet};

    #[test]
    fn builtin_packs_parsed_at_build_time_equal_a_yaml_parse() {
        let mut parsed = Builtin::load().expect("the build script's output reads");
        let sources = builtin_sources();
        assert!(sources.len() > 20, "{}", sources.len());
        for src in &sources {
            let built = parsed
                .take(src)
                .unwrap_or_else(|| panic!("{} not parsed at build time", src.path.display()));
            let now = parse_yaml(0, src).unwrap();
            assert_eq!(
                serde_json::to_string(&built).unwrap(),
                serde_json::to_string(&now).unwrap(),
                "{}",
                src.path.display()
            );
        }
        assert!(
            parsed.files.is_empty(),
            "parsed files that are not built in"
        );
        // Every built-in regex has its literal set from the build (all are UTF-8 today), the
        // one extraction gives now.
        let rs = RuleSet::builtin().unwrap();
        assert!(rs.regex_count() > 300);
        for leaf in &rs.leaves {
            let now = regex_syntax::ParserBuilder::new()
                .build()
                .parse(&leaf.source)
                .ok()
                .and_then(|h| required_literals(&h));
            assert_eq!(literals(&leaf.source), Some(now), "{}", leaf.source);
        }
        assert_eq!(literals("(?m)not-a-built-in-regex"), None);
    }

    #[test]
    fn a_builtin_file_with_other_text_is_not_taken_from_the_build() {
        let mut parsed = Builtin::load().unwrap();
        let mut sources = builtin_sources();
        let src = &mut sources[0];
        src.text.push_str("  - id: edited-in-place\n    message: m\n    severity: INFO\n    languages: [generic]\n    pattern-regex: qqzz-edited\n");
        assert!(parsed.take(src).is_none());
        let rs = RuleSet::compile(&sources).unwrap();
        assert!(rs.get("edited-in-place").is_some());
    }
}
