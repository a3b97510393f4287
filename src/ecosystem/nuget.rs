//! NuGet version ordering: SemVer 2.0 with up to four numeric parts (`1.0.0.1`; missing parts
//! are 0, leading zeros allowed: `1.01` = `1.1`), pre-release labels compared part by part,
//! numeric parts numerically and below alphanumeric ones, letters case-insensitively
//! (`1.0.0-RC.1` = `1.0.0-rc.1`), and build metadata (`+sha`) ignored.

use std::cmp::Ordering;

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    nums: [u64; 4],
    pre: Vec<String>,
}

/// Parses a NuGet version; None when it is not one (ranges like `[1.0,2.0)`, floating `1.*`).
pub(crate) fn parse(text: &str) -> Option<Version> {
    let t = text.trim();
    let t = t.split_once('+').map_or(t, |(v, _)| v);
    let (main, pre) = match t.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (t, None),
    };
    let mut nums = [0u64; 4];
    let mut count = 0;
    for (i, p) in main.split('.').enumerate() {
        if i >= 4 || p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        nums[i] = p.parse().ok()?;
        count += 1;
    }
    if count == 0 {
        return None;
    }
    let pre = match pre {
        None => Vec::new(),
        Some(p) => {
            let labels: Vec<String> = p.split('.').map(str::to_ascii_lowercase).collect();
            if labels
                .iter()
                .any(|l| l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            {
                return None;
            }
            labels
        }
    };
    Some(Version { nums, pre })
}

fn label_cmp(a: &str, b: &str) -> Ordering {
    let num = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match (num(a), num(b)) {
        (true, true) => {
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nums
            .cmp(&other.nums)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = label_cmp(a, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
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
    }

    #[test]
    fn semver2_with_four_parts_and_case_insensitive_labels() {
        lt("1.0.0-rc.1", "1.0.0");
        lt("1.0.0-rc.1", "1.0.0-rc.2");
        lt("1.0.0-rc.2", "1.0.0-rc.10");
        lt("1.0.0-alpha", "1.0.0-alpha.1");
        lt("1.0.0-alpha.1", "1.0.0-alpha.beta");
        lt("1.0.0-beta.11", "1.0.0-rc.1");
        lt("1.0.0", "1.0.0.1");
        lt("4.3.0.9", "4.3.1");
        lt("12.0.3", "13.0.1");
        assert_eq!(parse("1.0").unwrap(), parse("1.0.0.0").unwrap());
        assert_eq!(parse("1.01.0").unwrap(), parse("1.1").unwrap());
        assert_eq!(parse("1.0.0-RC.1").unwrap(), parse("1.0.0-rc.1").unwrap());
        assert_eq!(parse("1.0.0+abc").unwrap(), parse("1.0.0").unwrap());
        for t in ["", "1.*", "[1.0,2.0)", "1.0.0.0.0", "v1.0", "1.0.0-"] {
            assert!(parse(t).is_none(), "{t}");
        }
    }
}
