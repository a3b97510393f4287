//! The candidate filter in front of the rule regexes: per language group one Aho-Corasick
//! automaton over the required literals ([`super::literals`]) of the leaves that can apply.
//! One pass of the automaton says which leaves may match; only those regexes are compiled and
//! run. A leaf without a usable literal is always a candidate.
//!
//! The filter only has to be a superset of the leaves that really match (a candidate that does
//! not match costs one regex search, never a wrong result), so literals are compared ASCII
//! case-insensitively and may be cut short.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// One file kind's filter: which leaves may match a text.
#[derive(Debug)]
pub(crate) struct Prefilter {
    ac: Option<AhoCorasick>,
    /// Automaton pattern → leaves that require it.
    owners: Vec<Vec<u32>>,
    /// Leaves without a usable literal: candidates in every text.
    always: Vec<u32>,
    /// Every leaf this filter covers.
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the tests only"))]
    members: usize,
}

impl Prefilter {
    /// Builds the filter over `leaves`: (leaf index, its required literals).
    pub(crate) fn build(leaves: &[(usize, Option<&[Vec<u8>]>)]) -> Prefilter {
        let _t = tracing::debug_span!("prefilter::build", leaves = leaves.len()).entered();
        let mut pats: Vec<Vec<u8>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (leaf, lits) in leaves {
            let Ok(leaf32) = u32::try_from(*leaf) else {
                continue;
            };
            match lits {
                Some(lits) if !lits.is_empty() => {
                    for l in *lits {
                        let i = *index.entry(l.clone()).or_insert_with(|| {
                            pats.push(l.clone());
                            owners.push(Vec::new());
                            pats.len() - 1
                        });
                        if let Some(o) = owners.get_mut(i) {
                            o.push(leaf32);
                        }
                    }
                }
                _ => always.push(leaf32),
            }
        }
        let ac = if pats.is_empty() {
            None
        } else {
            // A contiguous NFA builds in a fraction of a DFA's time and the texts a check
            // scans are small: building is most of what one check spends here.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&pats)
                .ok()
        };
        if ac.is_none() {
            // Could not build the automaton (only on resource limits): every leaf is a candidate.
            for o in &owners {
                always.extend(o.iter().copied());
            }
            owners.clear();
        }
        always.sort_unstable();
        always.dedup();
        Prefilter {
            ac,
            owners,
            always,
            members: leaves.len(),
        }
    }

    /// Marks in `hits` the leaves that may match `text`.
    pub(crate) fn candidates(&self, text: &str, hits: &mut [bool]) {
        for &i in &self.always {
            if let Some(h) = hits.get_mut(i as usize) {
                *h = true;
            }
        }
        let Some(ac) = &self.ac else { return };
        let mut seen = vec![false; self.owners.len()];
        let mut left = self.owners.len();
        for m in ac.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            match seen.get_mut(p) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            for &leaf in self.owners.get(p).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(h) = hits.get_mut(leaf as usize) {
                    *h = true;
                }
            }
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }

    #[cfg(test)]
    /// How many leaves the filter covers, and how many of them are always candidates.
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.members, self.always.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::literals::required_literals;

    #[test]
    fn candidates_are_a_superset_of_real_matches() {
        let leaves = [
            r"\beval\s*\(",
            r"(?i)secret_key\s*=",
            r"[A-Za-z0-9]{40}",
            r"os\.system\(",
        ];
        let parsed: Vec<Option<Vec<Vec<u8>>>> = leaves
            .iter()
            .map(|p| {
                let h = regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&format!("(?m){p}"))
                    .unwrap();
                required_literals(&h)
            })
            .collect();
        let input: Vec<(usize, Option<&[Vec<u8>]>)> = parsed
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.as_deref()))
            .collect();
        let pf = Prefilter::build(&input);
        assert_eq!(pf.sizes(), (4, 1));
        let mut hits = vec![false; 4];
        pf.candidates("x = EVAL (1)\nSECRET_KEY = 2\n", &mut hits);
        assert_eq!(hits, vec![true, true, true, false]);
        let mut hits = vec![false; 4];
        pf.candidates("nothing here", &mut hits);
        assert_eq!(hits, vec![false, false, true, false]);
    }
}
