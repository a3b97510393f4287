//! Version ordering per ecosystem and OSV range evaluation: SemVer for crates.io and npm, PEP 440
//! for PyPI, Go module versions (a `v` prefix, `+incompatible`, pseudo-versions, which are
//! SemVer pre-releases and so order correctly), Maven's `ComparableVersion`
//! ([`super::maven`]), RubyGems' `Gem::Version` ([`super::rubygems`]), Composer's normalized
//! versions ([`super::packagist`]), NuGet's four-part SemVer ([`super::nuget`]), and GitHub
//! Actions tags (`v4`, `v4.1.2`: SemVer with a `v`; a major or minor tag floats to the newest
//! release of its line, see [`affected`]).

use std::cmp::Ordering;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ecosystem::Ecosystem;

/// A parsed version that orders with its ecosystem's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ver {
    /// crates.io, npm, Go.
    Semver(semver::Version),
    /// PyPI.
    Pep440(pep440_rs::Version),
    /// Maven.
    Maven(super::maven::Version),
    /// RubyGems.
    Gem(super::rubygems::Version),
    /// Packagist.
    Composer(super::packagist::Version),
    /// NuGet.
    NuGet(super::nuget::Version),
}

impl PartialOrd for Ver {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Ver::Semver(a), Ver::Semver(b)) => Some(a.cmp(b)),
            (Ver::Pep440(a), Ver::Pep440(b)) => Some(a.cmp(b)),
            (Ver::Maven(a), Ver::Maven(b)) => Some(a.cmp(b)),
            (Ver::Gem(a), Ver::Gem(b)) => Some(a.cmp(b)),
            (Ver::Composer(a), Ver::Composer(b)) => Some(a.cmp(b)),
            (Ver::NuGet(a), Ver::NuGet(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// Parses `text` as a version of `eco`; None when it is not one (then only explicit `versions`
/// lists can match it).
pub(crate) fn parse(eco: Ecosystem, text: &str) -> Option<Ver> {
    let t = text.trim();
    match eco {
        Ecosystem::PyPI => pep440_rs::Version::from_str(t).ok().map(Ver::Pep440),
        Ecosystem::CratesIo => semver::Version::parse(t).ok().map(Ver::Semver),
        Ecosystem::Npm => {
            let t = t.trim_start_matches('=').trim_start_matches('v');
            semver::Version::parse(t)
                .ok()
                .or_else(|| {
                    // npm is loose about `1.2` / `1`: treat missing parts as zero.
                    let parts = t.split('.').count();
                    let padded = match parts {
                        1 => format!("{t}.0.0"),
                        2 => format!("{t}.0"),
                        _ => return None,
                    };
                    semver::Version::parse(&padded).ok()
                })
                .map(Ver::Semver)
        }
        Ecosystem::Go => {
            let t = t.strip_prefix('v').unwrap_or(t);
            let t = t.strip_suffix("+incompatible").unwrap_or(t);
            semver::Version::parse(t).ok().map(Ver::Semver)
        }
        Ecosystem::Maven => super::maven::parse(t).map(Ver::Maven),
        Ecosystem::RubyGems => super::rubygems::parse(t).map(Ver::Gem),
        Ecosystem::Packagist => super::packagist::parse(t).map(Ver::Composer),
        Ecosystem::NuGet => super::nuget::parse(t).map(Ver::NuGet),
        Ecosystem::GitHubActions => action_tag(t, 0),
    }
}

/// A GitHub Actions tag as SemVer: `v4` → 4.`fill`.`fill`, `v4.1` → 4.1.`fill`. None for
/// commit SHAs and branch names.
fn action_tag(t: &str, fill: u64) -> Option<Ver> {
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let (core, rest) = match t.find(['-', '+']) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut padded = parts.join(".");
    for _ in parts.len()..3 {
        padded.push_str(&format!(".{fill}"));
    }
    semver::Version::parse(&format!("{padded}{rest}"))
        .ok()
        .map(Ver::Semver)
}

/// A dependency's version as the ranges must see it: a GitHub Actions major or minor tag
/// (`v4`, `v4.1`) floats to the newest release of its line, so it is compared as `4.∞.∞`: the
/// tag is affected when the newest versions of its line are (a line whose fix came out in a
/// later major stays affected; a line with its own fixed release does not).
fn dep_version(eco: Ecosystem, text: &str) -> Option<Ver> {
    match eco {
        Ecosystem::GitHubActions => action_tag(text.trim(), u64::from(u32::MAX)),
        _ => parse(eco, text),
    }
}

/// Two version strings denote the same version (PEP 440 normalization for PyPI).
pub(crate) fn same(eco: Ecosystem, a: &str, b: &str) -> bool {
    if a.trim() == b.trim()
        || (eco == Ecosystem::GitHubActions && a.trim().eq_ignore_ascii_case(b.trim()))
    {
        return true;
    }
    match (parse(eco, a), parse(eco, b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Compares two versions of an ecosystem (None when either does not parse).
pub(crate) fn compare(eco: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    parse(eco, a)?.partial_cmp(&parse(eco, b)?)
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Event {
    /// Affected from this version on (`0`: from the beginning).
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// Range ends before this version (not a fix).
    Limit(String),
}

/// How a package's affected versions are described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Range {
    /// OSV `SEMVER` or `ECOSYSTEM` events.
    Events(Vec<Event>),
    /// RustSec's form: affected unless a `patched` or `unaffected` requirement matches.
    Reqs {
        /// Requirements of fixed versions.
        patched: Vec<String>,
        /// Requirements of never-affected versions.
        unaffected: Vec<String>,
    },
}

fn is_zero(s: &str) -> bool {
    s.trim() == "0"
}

/// Whether `events` (an OSV range, in any order) covers `v`.
fn events_cover(eco: Ecosystem, events: &[Event], v: &Ver) -> bool {
    // Sort by version (introduced `0` first); the last event at or below `v` decides.
    let mut parsed: Vec<(Option<Ver>, u8, &Event)> = Vec::new();
    for e in events {
        let (text, rank) = match e {
            Event::Introduced(t) => (t, 0),
            Event::Fixed(t) => (t, 1),
            Event::LastAffected(t) => (t, 2),
            Event::Limit(t) => (t, 3),
        };
        if matches!(e, Event::Introduced(_)) && is_zero(text) {
            parsed.push((None, rank, e));
            continue;
        }
        match parse(eco, text) {
            Some(p) => parsed.push((Some(p), rank, e)),
            None => continue,
        }
    }
    parsed.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => a.1.cmp(&b.1),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x
            .partial_cmp(y)
            .unwrap_or(Ordering::Equal)
            .then(a.1.cmp(&b.1)),
    });
    let mut affected = false;
    for (pv, _, e) in &parsed {
        let le = match pv {
            None => true,
            Some(p) => p <= v,
        };
        match e {
            Event::Introduced(_) if le => affected = true,
            Event::Fixed(_) | Event::Limit(_) if le => affected = false,
            Event::LastAffected(_) if pv.as_ref().is_some_and(|p| p < v) => affected = false,
            _ => {}
        }
    }
    affected
}

fn reqs_cover(v: &Ver, patched: &[String], unaffected: &[String]) -> bool {
    let Ver::Semver(v) = v else { return false };
    let hit = |reqs: &[String]| {
        reqs.iter()
            .filter_map(|r| semver::VersionReq::parse(r).ok())
            .any(|r| r.matches(v))
    };
    !hit(patched) && !hit(unaffected)
}

/// Whether `version` of a package is affected by `ranges` or listed in `versions`.
pub(crate) fn affected(
    eco: Ecosystem,
    ranges: &[Range],
    versions: &[String],
    version: &str,
) -> bool {
    if versions.iter().any(|x| same(eco, x, version)) {
        return true;
    }
    let Some(v) = dep_version(eco, version) else {
        return false;
    };
    ranges.iter().any(|r| match r {
        Range::Events(ev) => events_cover(eco, ev, &v),
        Range::Reqs {
            patched,
            unaffected,
        } => reqs_cover(&v, patched, unaffected),
    })
}

/// Whether the ranges affect every version (`introduced: 0` with no end): malicious packages.
pub(crate) fn affects_all(ranges: &[Range]) -> bool {
    ranges.iter().any(|r| match r {
        Range::Events(ev) => {
            ev.iter()
                .any(|e| matches!(e, Event::Introduced(t) if is_zero(t) || t.trim() == "0.0.0-0"))
                && !ev.iter().any(|e| !matches!(e, Event::Introduced(_)))
        }
        Range::Reqs {
            patched,
            unaffected,
        } => patched.is_empty() && unaffected.is_empty(),
    })
}

/// The smallest fixed version above `version`, as text to show ("1.2.3" or a requirement such as
/// ">= 1.2.3" for RustSec).
pub(crate) fn fixed_above(
    eco: Ecosystem,
    ranges: &[Range],
    version: Option<&str>,
) -> Option<String> {
    let cur = version.and_then(|v| dep_version(eco, v));
    let mut best: Option<(Ver, String)> = None;
    let mut reqs: Vec<String> = Vec::new();
    for r in ranges {
        match r {
            Range::Events(ev) => {
                for e in ev {
                    if let Event::Fixed(t) = e {
                        if let Some(p) = parse(eco, t) {
                            if cur.as_ref().is_some_and(|c| &p <= c) {
                                continue;
                            }
                            if best.as_ref().is_none_or(|(b, _)| p < *b) {
                                best = Some((p, t.clone()));
                            }
                        }
                    }
                }
            }
            Range::Reqs { patched, .. } => {
                for p in patched {
                    // Prefer the patched requirement whose floor is above the current version.
                    let floor = p
                        .split(',')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches(['>', '=', '^', '~', ' '])
                        .trim();
                    match (parse(eco, floor), &cur) {
                        (Some(f), Some(c)) if f <= *c => continue,
                        _ => reqs.push(p.clone()),
                    }
                }
            }
        }
    }
    if let Some((_, t)) = best {
        return Some(t);
    }
    if reqs.is_empty() {
        None
    } else {
        Some(reqs.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(list: &[(&str, &str)]) -> Vec<Range> {
        vec![Range::Events(
            list.iter()
                .map(|(k, v)| match *k {
                    "i" => Event::Introduced((*v).into()),
                    "f" => Event::Fixed((*v).into()),
                    "l" => Event::LastAffected((*v).into()),
                    _ => Event::Limit((*v).into()),
                })
                .collect(),
        )]
    }

    #[test]
    fn semver_ranges_with_fixed_and_last_affected() {
        let r = ev(&[("i", "0"), ("f", "4.17.19")]);
        assert!(affected(Ecosystem::Npm, &r, &[], "4.17.15"));
        assert!(!affected(Ecosystem::Npm, &r, &[], "4.17.19"));
        assert!(!affected(Ecosystem::Npm, &r, &[], "5.0.0"));
        // A pre-release of the fixed version is still before it.
        assert!(affected(Ecosystem::Npm, &r, &[], "4.17.19-beta.1"));
        let r = ev(&[("i", "1.0.0"), ("l", "1.2.0")]);
        assert!(affected(Ecosystem::CratesIo, &r, &[], "1.2.0"));
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "1.2.1"));
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "0.9.0"));
        // Two intervals in one range, events out of order.
        let r = ev(&[
            ("f", "2.1.0"),
            ("i", "2.0.0"),
            ("i", "1.0.0"),
            ("f", "1.5.0"),
        ]);
        assert!(affected(Ecosystem::CratesIo, &r, &[], "1.4.9"));
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "1.6.0"));
        assert!(affected(Ecosystem::CratesIo, &r, &[], "2.0.5"));
        assert_eq!(
            fixed_above(Ecosystem::CratesIo, &r, Some("1.4.9")).as_deref(),
            Some("1.5.0")
        );
        assert_eq!(
            fixed_above(Ecosystem::CratesIo, &r, Some("2.0.5")).as_deref(),
            Some("2.1.0")
        );
    }

    #[test]
    fn pep440_normalization_epochs_local_and_pre_post_dev() {
        let r = ev(&[("i", "0"), ("f", "2.0.0")]);
        assert!(affected(Ecosystem::PyPI, &r, &[], "2.0.0rc1"));
        assert!(affected(Ecosystem::PyPI, &r, &[], "2.0.0.dev3"));
        assert!(!affected(Ecosystem::PyPI, &r, &[], "2.0.0.post1"));
        assert!(
            !affected(Ecosystem::PyPI, &r, &[], "1!1.0"),
            "epoch 1 sorts after every epoch-0 version"
        );
        assert!(affected(Ecosystem::PyPI, &r, &[], "1.9+local.7"));
        assert!(same(Ecosystem::PyPI, "1.0", "1.0.0"));
        assert!(same(Ecosystem::PyPI, "2.0RC1", "2.0rc1"));
        assert!(affected(Ecosystem::PyPI, &[], &["3.13".into()], "3.13.0"));
        assert!(!affected(Ecosystem::PyPI, &[], &["3.13".into()], "3.13.1"));
    }

    #[test]
    fn go_pseudo_versions_and_incompatible() {
        let r = ev(&[("i", "0"), ("f", "0.0.0-20210101000000-abcdefabcdef")]);
        assert!(affected(
            Ecosystem::Go,
            &r,
            &[],
            "v0.0.0-20200101000000-123456789abc"
        ));
        assert!(!affected(
            Ecosystem::Go,
            &r,
            &[],
            "v0.0.0-20220101000000-123456789abc"
        ));
        let r = ev(&[("i", "2.0.0"), ("f", "2.5.0")]);
        assert!(affected(Ecosystem::Go, &r, &[], "v2.4.0+incompatible"));
    }

    #[test]
    fn rustsec_requirements() {
        let r = vec![Range::Reqs {
            patched: vec![">= 1.5.5".into()],
            unaffected: vec!["< 1.0.0".into()],
        }];
        assert!(affected(Ecosystem::CratesIo, &r, &[], "1.1.5"));
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "1.5.5"));
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "0.2.0"));
        assert_eq!(
            fixed_above(Ecosystem::CratesIo, &r, Some("1.1.5")).as_deref(),
            Some(">= 1.5.5")
        );
        assert!(affects_all(&ev(&[("i", "0")])));
        assert!(!affects_all(&r));
    }

    #[test]
    fn ecosystem_ranges_follow_each_ecosystems_order() {
        // Maven: GHSA-jfh8-c2jp-5v3q (log4j-core) is introduced 2.0-beta9, fixed 2.15.0.
        let r = ev(&[("i", "2.0-beta9"), ("f", "2.15.0")]);
        assert!(affected(Ecosystem::Maven, &r, &[], "2.14.1"));
        assert!(affected(Ecosystem::Maven, &r, &[], "2.0"));
        assert!(affected(Ecosystem::Maven, &r, &[], "2.15.0-rc1"));
        assert!(!affected(Ecosystem::Maven, &r, &[], "2.0-alpha1"));
        assert!(!affected(Ecosystem::Maven, &r, &[], "2.15.0"));
        assert!(!affected(Ecosystem::Maven, &r, &[], "2.15.0-sp1"));
        // RubyGems: a pre-release of the fixed version is still before it.
        let r = ev(&[("i", "0"), ("f", "1.0.0")]);
        assert!(affected(Ecosystem::RubyGems, &r, &[], "1.0.0.pre"));
        assert!(affected(Ecosystem::RubyGems, &r, &[], "1.0.0.rc1"));
        assert!(!affected(Ecosystem::RubyGems, &r, &[], "1.0.0"));
        assert!(!affected(Ecosystem::RubyGems, &r, &[], "1.0.0.1"));
        // NuGet.
        let r = ev(&[("i", "0"), ("f", "1.0.0")]);
        assert!(affected(Ecosystem::NuGet, &r, &[], "1.0.0-rc.1"));
        assert!(!affected(Ecosystem::NuGet, &r, &[], "1.0.0.1"));
        assert!(same(Ecosystem::NuGet, "1.0.0-RC.1", "1.0.0-rc.1"));
        // Packagist: `v` prefixes and `-p1` patch releases.
        let r = ev(&[("i", "0"), ("f", "1.0.0-p1")]);
        assert!(affected(Ecosystem::Packagist, &r, &[], "v1.0.0"));
        assert!(!affected(Ecosystem::Packagist, &r, &[], "v1.0.0-p1"));
        assert!(!affected(Ecosystem::Packagist, &r, &[], "1.0.1"));
        assert!(same(Ecosystem::Packagist, "v2.1", "2.1.0.0"));
    }

    #[test]
    fn github_actions_tags_float_to_the_newest_of_their_line() {
        // GHSA-mrrh-fwg8-r2c3: introduced 0, last_affected 45.0.7.
        let r = ev(&[("i", "0"), ("l", "45.0.7")]);
        assert!(affected(Ecosystem::GitHubActions, &r, &[], "v45.0.7"));
        assert!(affected(Ecosystem::GitHubActions, &r, &[], "v35"));
        assert!(affected(Ecosystem::GitHubActions, &r, &[], "v44.5"));
        assert!(!affected(Ecosystem::GitHubActions, &r, &[], "v45.0.8"));
        assert!(!affected(Ecosystem::GitHubActions, &r, &[], "v46"));
        // Its major tag `v45` moved on to 45.0.8 and later: not flagged.
        assert!(!affected(Ecosystem::GitHubActions, &r, &[], "v45"));
        // A commit SHA matches only when the advisory lists it.
        let sha = "0e58ed8671d6b60d0890c21b07f8835ace038e67";
        assert!(!affected(Ecosystem::GitHubActions, &r, &[], sha));
        assert!(affected(Ecosystem::GitHubActions, &r, &[sha.into()], sha));
        assert_eq!(
            fixed_above(
                Ecosystem::GitHubActions,
                &ev(&[("i", "0"), ("f", "46.0.1")]),
                Some("v35")
            )
            .as_deref(),
            Some("46.0.1")
        );
    }

    #[test]
    fn unparseable_versions_never_match_ranges() {
        let r = ev(&[("i", "0")]);
        assert!(!affected(Ecosystem::CratesIo, &r, &[], "not a version"));
    }
}
