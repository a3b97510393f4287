//! Composer (Packagist) version ordering: Composer's `VersionParser::normalize` (an optional
//! `v`, up to four numeric parts padded with zeros, a stability suffix `alpha`/`a`, `beta`/`b`,
//! `RC`, `patch`/`pl`/`p` with an optional number, a trailing `-dev`) and then the order
//! Composer's comparisons give normalized versions: dev < alpha < beta < RC < stable <
//! patch. So `v1.0.0` = `1.0.0.0`, `1.0.0-RC1` < `1.0.0` < `1.0.0-p1`. Branch names
//! (`dev-main`) and date-less non-versions do not parse.

#[cfg(test)]
use std::cmp::Ordering;

/// A normalized Composer version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    nums: Vec<u64>,
    /// 0 dev, 1 alpha, 2 beta, 3 RC, 4 stable, 5 patch.
    stability: u8,
    stability_nums: Vec<u64>,
    /// 0 for a trailing `-dev` (`1.0.0-beta2-dev` < `1.0.0-beta2`), 1 otherwise.
    not_dev: u8,
}

fn stability(word: &str) -> Option<u8> {
    Some(match word.to_ascii_lowercase().as_str() {
        "dev" => 0,
        "alpha" | "a" => 1,
        "beta" | "b" => 2,
        "rc" => 3,
        "stable" => 4,
        "patch" | "pl" | "p" => 5,
        _ => return None,
    })
}

/// Parses a Composer version; None when it is not one.
pub(crate) fn parse(text: &str) -> Option<Version> {
    let mut t = text.trim();
    // `1.0.0 as 1.1.0` (inline alias): the real version is the first.
    if let Some((v, _)) = t.split_once(" as ") {
        t = v.trim();
    }
    let t = t.split_once('+').map_or(t, |(v, _)| v);
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let bytes = t.as_bytes();
    // Numeric part: digits separated by dots.
    let mut i = 0;
    let mut nums = Vec::new();
    loop {
        let s = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return None;
        }
        nums.push(t[s..i].parse().ok()?);
        if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        break;
    }
    if nums.len() > 4 {
        // Date versions (`2010.01.02.3.4`) keep more; nothing else does.
        if nums.first().is_none_or(|&y| y < 1000) {
            return None;
        }
    }
    while nums.len() < 4 {
        nums.push(0);
    }
    let rest = &t[i..];
    let rest = rest.trim_start_matches(['.', '-', '_']);
    let (mut st, mut st_nums, mut not_dev) = (4u8, Vec::new(), 1u8);
    if !rest.is_empty() {
        let word_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..word_end];
        st = stability(word)?;
        let mut tail = &rest[word_end..];
        if st == 0 {
            // `1.0.0-dev`
            not_dev = 0;
            if !tail.is_empty() {
                return None;
            }
        } else {
            // Numbers after the stability word: `RC1`, `beta.2`, `p-1`.
            loop {
                let trimmed = tail.trim_start_matches(['.', '-']);
                let end = trimmed
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(trimmed.len());
                if end == 0 {
                    break;
                }
                st_nums.push(trimmed[..end].parse().ok()?);
                tail = &trimmed[end..];
            }
            let tail = tail.trim_start_matches(['.', '-']);
            if tail.eq_ignore_ascii_case("dev") {
                not_dev = 0;
            } else if !tail.is_empty() {
                return None;
            }
            if st == 4 {
                st_nums.clear();
            }
        }
    }
    Some(Version {
        nums,
        stability: st,
        stability_nums: st_nums,
        not_dev,
    })
}

#[cfg(test)]
/// Compares two Composer versions (None when either does not parse).
pub(crate) fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) {
        assert_eq!(compare(a, b), Some(Ordering::Less), "{a} < {b}");
    }

    #[test]
    fn v_prefixes_stabilities_and_patches() {
        assert_eq!(compare("v1.0.0", "1.0.0"), Some(Ordering::Equal));
        assert_eq!(compare("1.0", "1.0.0.0"), Some(Ordering::Equal));
        assert_eq!(compare("1.0.0-RC1", "1.0.0rc1"), Some(Ordering::Equal));
        assert_eq!(compare("1.0.0-pl1", "1.0.0-p1"), Some(Ordering::Equal));
        lt("1.0.0", "1.0.0-p1");
        lt("1.0.0-p1", "1.0.0-p2");
        lt("1.0.0-p1", "1.0.1");
        lt("1.0.0-RC1", "1.0.0");
        lt("1.0.0-beta2", "1.0.0-RC1");
        lt("1.0.0-alpha3", "1.0.0-beta1");
        lt("1.0.0-dev", "1.0.0-alpha1");
        lt("1.0.0-beta2-dev", "1.0.0-beta2");
        lt("v2.9.9", "v2.10.0");
        lt("4.4.9", "4.4.10.1");
        for t in ["", "dev-main", "1.0.x-dev", "latest", "1.0.0-foo", "^1.0"] {
            assert!(parse(t).is_none(), "{t}");
        }
    }
}
