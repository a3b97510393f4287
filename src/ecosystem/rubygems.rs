//! RubyGems version ordering (`Gem::Version`): a version is a run of segments, numbers and
//! letter strings (`1.0.0.pre.2` → 1, 0, 0, "pre", 2; `-` reads as `.pre.`); a string segment
//! makes the version a pre-release, so `1.0.0.pre` < `1.0.0` and `1.0.a` < `1.0`. Trailing zeros
//! of the release part and of the pre-release part do not count (`1.0` = `1`). No crate
//! implements these rules, hence this port of `Gem::Version#<=>`.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(u64),
    Str(String),
}

/// A parsed gem version.
#[derive(Debug, Clone)]
pub(crate) struct Version(Vec<Seg>);

/// Parses a gem version (`Gem::Version::ANCHORED_VERSION_PATTERN`); None when it is not one.
pub(crate) fn parse(text: &str) -> Option<Version> {
    let t = text.trim();
    // `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
    let (main, pre) = match t.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (t, None),
    };
    let mut parts = main.split('.');
    let first = parts.next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return None;
    }
    if let Some(p) = pre {
        if !p
            .split('.')
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return None;
        }
    }
    let text = t.replace('-', ".pre.");
    let mut segs = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, segs: &mut Vec<Seg>| -> Option<()> {
        if cur.is_empty() {
            return Some(());
        }
        let s = std::mem::take(cur);
        if s.bytes().all(|b| b.is_ascii_digit()) {
            // Ruby has big integers; versions past u64 are not real.
            segs.push(Seg::Num(s.parse().ok()?));
        } else {
            segs.push(Seg::Str(s));
        }
        Some(())
    };
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            flush(&mut cur, &mut segs)?;
            continue;
        }
        let switch = cur
            .chars()
            .last()
            .is_some_and(|l| l.is_ascii_digit() != c.is_ascii_digit());
        if switch {
            flush(&mut cur, &mut segs)?;
        }
        cur.push(c);
    }
    flush(&mut cur, &mut segs)?;
    Some(Version(canonical(segs)))
}

/// `Gem::Version#canonical_segments`: trailing zeros dropped from the release part and from
/// the pre-release part.
fn canonical(segs: Vec<Seg>) -> Vec<Seg> {
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segs.len());
    let (num, pre) = segs.split_at(split);
    let trim = |v: &[Seg]| {
        let mut v = v.to_vec();
        while v.last() == Some(&Seg::Num(0)) {
            v.pop();
        }
        v
    };
    let mut out = trim(num);
    out.extend(trim(pre));
    out
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        let zero = Seg::Num(0);
        for i in 0..n {
            let l = self.0.get(i).unwrap_or(&zero);
            let r = other.0.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (Seg::Num(a), Seg::Num(b)) => a.cmp(b),
                (Seg::Str(a), Seg::Str(b)) => a.cmp(b),
                (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) {
        assert!(parse(a).unwrap() < parse(b).unwrap(), "{a} < {b}");
        assert!(parse(b).unwrap() > parse(a).unwrap(), "{b} > {a}");
    }

    #[test]
    fn prerelease_segments_sort_before_the_release() {
        lt("1.0.0.pre", "1.0.0");
        lt("1.0.0.pre1", "1.0.0.pre2");
        lt("1.0.0.rc1", "1.0.0");
        lt("1.0.a", "1.0");
        lt("1.0.a", "1.0.b");
        lt("1.0.0-beta", "1.0.0");
        lt("5.2.4.2", "5.2.4.3");
        lt("5.2.4", "5.2.4.1");
        lt("1.9", "1.10");
        lt("7.0.0.alpha", "7.0.0.beta1");
        lt("1.0.0.pre", "1.0.0.1");
        assert_eq!(parse("1.0").unwrap(), parse("1").unwrap());
        assert_eq!(parse("1.0.0.pre.0").unwrap(), parse("1.0.0.pre").unwrap());
        assert_eq!(parse("1.0.0-rc1").unwrap(), parse("1.0.0.pre.rc1").unwrap());
        assert_eq!(parse("1.0a").unwrap(), parse("1.0.a").unwrap());
    }

    #[test]
    fn not_versions() {
        for t in ["", "a.1", "1..2", "1.0 beta", ">= 1.0", "1.0-", "1.0.x-"] {
            assert!(parse(t).is_none(), "{t}");
        }
    }
}
