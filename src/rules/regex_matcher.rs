//! The regex matcher: one leaf regex (`pattern-regex`, `pattern-not-regex`) run over a file's
//! text, each match a range with its named groups as metavariables.

use std::collections::BTreeMap;

use regex::Regex;

use super::matcher::{Match, MatchCx, Matcher, Target};

/// One leaf regex of the rule set (an index into its leaf table).
#[derive(Debug, Clone, Copy)]
pub(super) struct RegexLeaf(pub(super) usize);

impl Matcher for RegexLeaf {
    fn leaves(&self, out: &mut Vec<usize>) {
        out.push(self.0);
    }

    fn possible(&self, cx: &MatchCx<'_>) -> bool {
        cx.candidate(self.0)
    }

    fn find(&self, cx: &MatchCx<'_>, file: Target<'_>) -> Vec<Match> {
        if !cx.candidate(self.0) {
            return Vec::new();
        }
        match cx.regex(self.0) {
            Some(re) => find_all(re, file.text),
            None => Vec::new(),
        }
    }
}

/// Every non-empty match of `re` in `text`, with its named groups.
fn find_all(re: &Regex, text: &str) -> Vec<Match> {
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
