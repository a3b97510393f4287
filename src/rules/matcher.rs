//! The matcher interface: what every kind of pattern implements.
//!
//! A compiled rule holds one [`Matcher`]. It runs over one file ([`Target`]: today its text; a
//! structural matcher will also read the file's syntax tree, which the caller parses once per
//! file and adds to `Target`) and returns byte ranges ([`Match`]) with the metavariables they
//! bound. Matchers see the rule set only through [`MatchCx`]: the shared table of leaf regexes
//! (compiled on first use, failures reported once per set) and the candidate bits the literal
//! prefilter computed for this file.
//!
//! Implementations:
//! - [`RegexLeaf`](super::regex_matcher::RegexLeaf): one `pattern-regex` / `pattern-not-regex`;
//! - [`Either`](super::algebra::Either) and [`All`](super::algebra::All): Semgrep's range
//!   algebra (`pattern-either`, `patterns` with `pattern-not-*`, `metavariable-*` and
//!   `focus-metavariable`) over any matchers.
//!
//! A structural matcher (`pattern:`, `pattern-not:` parsed into a syntax-tree query) is one more
//! file implementing [`Matcher`]: the algebra combines it with regex leaves unchanged, and it may
//! register literal leaves (identifiers its pattern requires) so the prefilter can skip files
//! that cannot match it.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;

use super::RuleSet;

/// A match range in a text, with named captures (Semgrep metavariables without the `$`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte offset of the start.
    pub(crate) start: usize,
    /// Byte offset of the end.
    pub(crate) end: usize,
    /// Named captures: name → byte range.
    pub(crate) captures: BTreeMap<String, (usize, usize)>,
}

impl Match {
    /// Whether the range lies inside `other` (Semgrep's `inside` relation).
    pub(super) fn inside(&self, other: &Match) -> bool {
        other.start <= self.start && self.end <= other.end
    }
}

/// One file, as a matcher sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The file's text (the whole file, or the part under review).
    pub(crate) text: &'a str,
}

/// What a matcher may use of its rule set while matching one file.
pub(crate) struct MatchCx<'a> {
    pub(super) set: &'a RuleSet,
    /// Per leaf regex: whether the prefilter found its literals in the file.
    pub(super) hits: &'a [bool],
}

impl MatchCx<'_> {
    /// Whether leaf `i` may match in this file (the prefilter saw one of its literals, or it
    /// has none).
    pub(crate) fn candidate(&self, i: usize) -> bool {
        self.hits.get(i).copied().unwrap_or(false)
    }

    /// The compiled regex of leaf `i`, compiled now if needed; None when it does not compile
    /// (recorded once, see [`RuleSet::failures`]).
    pub(crate) fn regex(&self, i: usize) -> Option<&Regex> {
        self.set.regex(i)
    }
}

/// A compiled pattern: one file in, match ranges out.
pub(crate) trait Matcher: fmt::Debug + Send + Sync {
    /// The leaf regexes this matcher runs, so they join the candidate filter of the rule's
    /// language groups (leaves only used to filter matches already found need not be listed).
    fn leaves(&self, out: &mut Vec<usize>);

    /// Whether the file's candidate bits allow a match at all; false lets the caller skip
    /// [`Matcher::find`]. Must never be false when `find` would find something.
    fn possible(&self, cx: &MatchCx<'_>) -> bool;

    /// Every match in the file, in any order; duplicates are allowed (the caller sorts by range
    /// and drops repeats).
    fn find(&self, cx: &MatchCx<'_>, file: Target<'_>) -> Vec<Match>;
}
