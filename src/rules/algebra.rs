//! Matching: Semgrep's range algebra over any [`Matcher`]s. `pattern-either` is the union of its
//! children's ranges; `patterns` keeps the ranges of its positive children that lie inside one
//! another, drops those inside a match of a negative child (`pattern-not-regex`), then applies
//! the metavariable filters in order (`metavariable-regex`, `metavariable-analysis`,
//! `focus-metavariable`).

use super::entropy::high_entropy;
use super::matcher::{Match, MatchCx, Matcher, Target};

/// `pattern-either`: any child.
#[derive(Debug)]
pub(super) struct Either(pub(super) Vec<Box<dyn Matcher>>);

impl Matcher for Either {
    fn leaves(&self, out: &mut Vec<usize>) {
        self.0.iter().for_each(|x| x.leaves(out));
    }

    fn possible(&self, cx: &MatchCx<'_>) -> bool {
        self.0.iter().any(|x| x.possible(cx))
    }

    fn find(&self, cx: &MatchCx<'_>, file: Target<'_>) -> Vec<Match> {
        self.0.iter().flat_map(|x| x.find(cx, file)).collect()
    }
}

/// `patterns`: all positives, none of the negatives, then the filters.
#[derive(Debug)]
pub(super) struct All {
    pub(super) pos: Vec<Box<dyn Matcher>>,
    pub(super) neg: Vec<Box<dyn Matcher>>,
    pub(super) filters: Vec<Filter>,
}

impl Matcher for All {
    fn leaves(&self, out: &mut Vec<usize>) {
        self.pos.iter().for_each(|x| x.leaves(out));
        self.neg.iter().for_each(|x| x.leaves(out));
    }

    fn possible(&self, cx: &MatchCx<'_>) -> bool {
        self.pos.iter().all(|x| x.possible(cx))
    }

    fn find(&self, cx: &MatchCx<'_>, file: Target<'_>) -> Vec<Match> {
        let mut iter = self.pos.iter();
        let Some(first) = iter.next() else {
            return Vec::new();
        };
        let mut acc = first.find(cx, file);
        for p in iter {
            if acc.is_empty() {
                break;
            }
            let other = p.find(cx, file);
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
        for n in &self.neg {
            if acc.is_empty() {
                break;
            }
            let negs = n.find(cx, file);
            acc.retain(|a| !negs.iter().any(|x| a.inside(x)));
        }
        for f in &self.filters {
            if acc.is_empty() {
                break;
            }
            acc = f.apply(acc, cx, file.text);
        }
        acc
    }
}

/// A filter on the matches of `patterns`, by the text a metavariable bound.
#[derive(Debug, Clone)]
pub(super) enum Filter {
    /// `metavariable-regex`: the leaf (anchored at the start) the bound text must match.
    MvRegex { name: String, leaf: usize },
    /// `metavariable-analysis` with the `entropy` analyzer.
    Entropy { name: String },
    /// `focus-metavariable`: the match becomes the bound range.
    Focus { name: String },
}

impl Filter {
    fn apply(&self, acc: Vec<Match>, cx: &MatchCx<'_>, text: &str) -> Vec<Match> {
        match self {
            Filter::MvRegex { name, leaf } => {
                let Some(re) = cx.regex(*leaf) else {
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
}
