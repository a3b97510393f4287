//! Required literals: for a regex, a set of literals one of which every match must contain,
//! read off its syntax tree (the candidate filter, [`super::prefilter`], looks for them). Also
//! a cheap upper estimate of a regex's compiled size, so load-time validation can skip compiling
//! regexes that are clearly far below the size limit.
//!
//! Literals are ASCII-lowercased (compare ASCII case-insensitively) and may be cut short: the
//! filter only has to keep every leaf that really matches.
//!
//! This file imports only `regex-syntax`, so the build script computes the built-in packs'
//! literal sets with the same code.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most literals kept for one node (cross products and alternations beyond this give up).
const MAX_SET: usize = 256;
/// Longest literal kept; a required literal's prefix is required too.
const MAX_LEN: usize = 24;
/// Shortest literal worth a look-up: shorter ones occur in nearly every text.
const MIN_USEFUL: usize = 3;
/// Largest class expanded into its members (`[Ee]`, `['"]`, case-folded letters).
const MAX_CLASS: usize = 10;

/// What the syntax tree says about the text a node matches.
struct Info {
    /// The node matches exactly one of these strings (ASCII-lowercased), if small and finite.
    exact: Option<Vec<Vec<u8>>>,
    /// Every match contains one of these (non-empty, ASCII-lowercased).
    required: Option<Vec<Vec<u8>>>,
}

fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

fn dedup(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v.dedup();
    v
}

/// How good a required set is: longer shortest literal first, then fewer literals.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let min = set.iter().map(Vec::len).min().unwrap_or(0);
    (min.min(MAX_LEN), std::cmp::Reverse(set.len()))
}

fn usable(set: &[Vec<u8>]) -> bool {
    !set.is_empty() && set.iter().all(|s| !s.is_empty())
}

fn better(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

fn truncate(set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    dedup(
        set.into_iter()
            .map(|mut s| {
                s.truncate(MAX_LEN);
                s
            })
            .collect(),
    )
}

/// Cross product of two exact sets, or None when it would be too large.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    Some(dedup(out))
}

fn class_members(c: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match c {
        Class::Unicode(u) => {
            let n: usize = u.ranges().iter().map(|r| r.len()).sum();
            if n > MAX_CLASS {
                return None;
            }
            for r in u.ranges() {
                for ch in r.start()..=r.end() {
                    let mut buf = [0u8; 4];
                    out.push(lower(ch.encode_utf8(&mut buf).as_bytes()));
                }
            }
        }
        Class::Bytes(b) => {
            let n: usize = b.ranges().iter().map(|r| r.len()).sum();
            if n > MAX_CLASS {
                return None;
            }
            for r in b.ranges() {
                for byte in r.start()..=r.end() {
                    out.push(vec![byte.to_ascii_lowercase()]);
                }
            }
        }
    }
    Some(dedup(out))
}

fn info(h: &Hir) -> Info {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(vec![Vec::new()]),
            required: None,
        },
        HirKind::Literal(l) => {
            let s = lower(&l.0);
            Info {
                required: (!s.is_empty()).then(|| truncate(vec![s.clone()])),
                exact: Some(vec![s]),
            }
        }
        HirKind::Class(c) => {
            let exact = class_members(c);
            Info {
                required: exact.clone().filter(|e| usable(e)),
                exact,
            }
        }
        HirKind::Capture(c) => info(&c.sub),
        HirKind::Repetition(r) => {
            let sub = info(&r.sub);
            if r.min == 0 {
                let exact = match (&sub.exact, r.max) {
                    (Some(e), Some(1)) if e.len() < MAX_SET => {
                        let mut v = e.clone();
                        v.push(Vec::new());
                        Some(dedup(v))
                    }
                    _ => None,
                };
                return Info {
                    exact,
                    required: None,
                };
            }
            let required = better(sub.required, sub.exact.clone().filter(|e| usable(e)));
            let exact = match (&sub.exact, r.max) {
                (Some(e), Some(max)) if max == r.min && max <= 8 => {
                    let mut acc = vec![Vec::new()];
                    let mut ok = true;
                    for _ in 0..max {
                        match product(&acc, e) {
                            Some(p) => acc = p,
                            None => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    ok.then_some(acc)
                }
                _ => None,
            };
            Info { exact, required }
        }
        HirKind::Concat(subs) => {
            let mut run: Vec<Vec<u8>> = vec![Vec::new()];
            let mut whole_exact = true;
            let mut best: Option<Vec<Vec<u8>>> = None;
            let flush = |run: &Vec<Vec<u8>>, best: Option<Vec<Vec<u8>>>| {
                if usable(run) {
                    better(best, Some(truncate(run.clone())))
                } else {
                    best
                }
            };
            for s in subs {
                let i = info(s);
                match i.exact {
                    Some(e) => match product(&run, &e) {
                        Some(p) => run = p,
                        None => {
                            whole_exact = false;
                            best = flush(&run, best);
                            run = e;
                        }
                    },
                    None => {
                        whole_exact = false;
                        best = flush(&run, best);
                        run = vec![Vec::new()];
                    }
                }
                best = better(best, i.required);
            }
            best = flush(&run, best);
            Info {
                exact: whole_exact.then_some(run),
                required: best,
            }
        }
        HirKind::Alternation(subs) => {
            let mut exact: Option<Vec<Vec<u8>>> = Some(Vec::new());
            let mut required: Option<Vec<Vec<u8>>> = Some(Vec::new());
            for s in subs {
                let i = info(s);
                let req = better(i.required, i.exact.clone().filter(|e| usable(e)));
                exact = match (exact, i.exact) {
                    (Some(mut a), Some(b)) if a.len() + b.len() <= MAX_SET => {
                        a.extend(b);
                        Some(a)
                    }
                    _ => None,
                };
                required = match (required, req) {
                    (Some(mut a), Some(b)) if a.len() + b.len() <= MAX_SET => {
                        a.extend(b);
                        Some(a)
                    }
                    _ => None,
                };
            }
            Info {
                exact: exact.map(dedup),
                required: required.map(dedup).filter(|r| usable(r)),
            }
        }
    }
}

/// Literals one of which every match of `h` contains (ASCII-lowercased, compare ASCII
/// case-insensitively), or None when no useful set exists.
pub(crate) fn required_literals(h: &Hir) -> Option<Vec<Vec<u8>>> {
    info(h)
        .required
        .filter(|r| r.iter().all(|s| s.len() >= MIN_USEFUL))
}

/// A rough upper estimate of the compiled size of `h`, in "units" (a byte of literal, four per
/// range of a Unicode class, multiplied out by counted repetitions). The regex crate's size
/// limit counts bytes of its automata. Measured (regex 1.13) over the 524 built-in leaves and a
/// few blow-up patterns (`\w{100}`, `(?:a{1000}){1000}`, `[\p{L}\p{N}]{1,64}`), the smallest
/// size limit that let a pattern compile was at most about 40 bytes per unit once past a fixed
/// ~5 KiB; [`SAFE_UNITS`] allows 128 bytes per unit, a 3× margin.
pub(crate) fn size_units(h: &Hir) -> u64 {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Class(Class::Unicode(u)) => 4 * u.ranges().len() as u64,
        HirKind::Class(Class::Bytes(b)) => b.ranges().len() as u64,
        HirKind::Capture(c) => size_units(&c.sub).saturating_add(1),
        HirKind::Repetition(r) => {
            let times = u64::from(r.max.unwrap_or(r.min)).saturating_add(1);
            size_units(&r.sub).saturating_mul(times)
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs
            .iter()
            .fold(1u64, |acc, s| acc.saturating_add(size_units(s))),
    }
}

/// Below this many [`size_units`], a regex compiles within the 4 MiB size limit (see above);
/// above it, load-time validation compiles the regex to find out.
pub(crate) const SAFE_UNITS: u64 = 32_768;

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        let h = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&format!("(?m){p}"))
            .unwrap();
        required_literals(&h).map(|v| {
            v.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn literals_are_read_off_the_syntax_tree() {
        assert_eq!(lits(r"\beval\s*\("), Some(vec!["eval".into()]));
        assert_eq!(
            lits(r"subprocess\.(call|run|Popen)\(.*shell\s*=\s*True"),
            Some(vec![
                "subprocess.call(".into(),
                "subprocess.popen(".into(),
                "subprocess.run(".into()
            ])
        );
        assert_eq!(
            lits(r"(?i)password"),
            Some(vec![
                "password".into(),
                "paſsword".into(),
                "pasſword".into(),
                "paſſword".into()
            ])
            .map(|mut v: Vec<String>| {
                v.sort();
                v
            })
        );
        assert_eq!(
            lits(r"(exec|eval)\("),
            Some(vec!["eval(".into(), "exec(".into()])
        );
        assert_eq!(lits(r"[A-Za-z0-9]{40}"), None);
        assert_eq!(lits(r"ab?"), None);
        assert_eq!(lits(r"(foo)?bar"), Some(vec!["bar".into()]));
    }

    #[test]
    fn size_units_grow_with_counted_repetition() {
        let parse = |p: &str| regex_syntax::ParserBuilder::new().build().parse(p).unwrap();
        assert!(size_units(&parse(r"\beval\(")) < SAFE_UNITS);
        assert!(size_units(&parse(r"\w{1000}")) > SAFE_UNITS);
        assert!(size_units(&parse(r"(a{1000}){100}")) > SAFE_UNITS);
        assert!(size_units(&parse(r"(a{100}){100}")) < SAFE_UNITS);
    }
}
