//! OSV records (JSON or YAML) → [`Advisory`]. Lenient: unknown fields are ignored, packages of
//! ecosystems guardrail does not check are dropped, and a record that cannot be read is an error
//! the importer turns into a warning.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Advisory, AdvisoryKind, Affected};
use crate::ecosystem::version::{Event, Range};
use crate::ecosystem::Ecosystem;

#[derive(Deserialize)]
struct Raw {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    events: Vec<BTreeMap<String, String>>,
}

/// The ecosystem of an OSV `package.ecosystem` string, when guardrail checks it.
pub fn ecosystem(s: &str) -> Option<Ecosystem> {
    crate::ecosystem::from_osv(s)
}

/// Whether `s` is a full git commit SHA (40 hex digits).
pub(crate) fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Known malicious commits of GitHub Actions (`data/advisory/compromised-actions.tsv`), for
/// advisories whose records name the commit only in prose.
const COMPROMISED: &str = include_str!("../../data/advisory/compromised-actions.tsv");

/// The commits `COMPROMISED` lists for advisory `id` and action `name`.
fn compromised_commits(id: &str, name: &str) -> Vec<String> {
    let norm = crate::ecosystem::normalize_name(Ecosystem::GitHubActions, name);
    COMPROMISED
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (a, n, sha) = (f.next()?, f.next()?, f.next()?);
            (a == id
                && crate::ecosystem::normalize_name(Ecosystem::GitHubActions, n) == norm
                && is_commit(sha))
            .then(|| sha.to_ascii_lowercase())
        })
        .collect()
}

/// CVSS base score of a vector (v3 or v4), when it parses.
pub(crate) fn cvss_score(vector: &str) -> Option<f64> {
    vector.parse::<cvss::Cvss>().ok().map(|c| c.score())
}

fn str_at<'a>(v: &'a Option<serde_json::Value>, path: &[&str]) -> Option<&'a str> {
    let mut cur = v.as_ref()?;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn os_list(v: &Option<serde_json::Value>) -> Vec<String> {
    v.as_ref()
        .and_then(|v| v.get("affects"))
        .and_then(|a| a.get("os"))
        .and_then(|o| o.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn convert(raw: Raw) -> Advisory {
    let mut cvss = None;
    let mut sev_label = str_at(&raw.database_specific, &["severity"]).map(str::to_ascii_uppercase);
    let mut kind = if raw.id.starts_with("MAL-") {
        AdvisoryKind::Malicious
    } else {
        AdvisoryKind::Vulnerability
    };
    for s in raw.severity.iter().flatten() {
        if s.kind.starts_with("CVSS") {
            if let Some(score) = cvss_score(&s.score) {
                cvss = Some(cvss.map_or(score, |c: f64| c.max(score)));
            }
        }
    }
    let mut affected = Vec::new();
    for a in raw.affected.into_iter().flatten() {
        for s in a.severity.iter().flatten() {
            if s.kind.starts_with("CVSS") {
                if let Some(score) = cvss_score(&s.score) {
                    cvss = Some(cvss.map_or(score, |c: f64| c.max(score)));
                }
            }
        }
        if let Some(info) = str_at(&a.database_specific, &["informational"]) {
            kind = match info {
                "unsound" => AdvisoryKind::Unsound,
                "unmaintained" => AdvisoryKind::Unmaintained,
                _ => AdvisoryKind::Notice,
            };
        }
        if sev_label.is_none() {
            sev_label = str_at(&a.ecosystem_specific, &["severity"]).map(str::to_ascii_uppercase);
        }
        let Some(pkg) = a.package else { continue };
        let Some(eco) = ecosystem(&pkg.ecosystem) else {
            continue;
        };
        if pkg.name.is_empty() {
            continue;
        }
        let mut ranges = Vec::new();
        let mut versions = a.versions.unwrap_or_default();
        for r in a.ranges.into_iter().flatten() {
            if r.kind == "GIT" && eco == Ecosystem::GitHubActions {
                // A workflow pins commits: the commits a GIT range names as introducing the
                // problem (or as its last affected one) are affected versions of the action.
                for e in &r.events {
                    for (k, v) in e {
                        if (k == "introduced" || k == "last_affected") && is_commit(v) {
                            versions.push(v.to_ascii_lowercase());
                        }
                    }
                }
                continue;
            }
            // Other GIT ranges name commits, which lockfiles do not record.
            if r.kind != "SEMVER" && r.kind != "ECOSYSTEM" {
                continue;
            }
            let mut events = Vec::new();
            for e in r.events {
                for (k, v) in e {
                    events.push(match k.as_str() {
                        "introduced" => Event::Introduced(v),
                        "fixed" => Event::Fixed(v),
                        "last_affected" => Event::LastAffected(v),
                        "limit" => Event::Limit(v),
                        _ => continue,
                    });
                }
            }
            ranges.push(Range::Events(events));
        }
        if eco == Ecosystem::GitHubActions {
            versions.extend(compromised_commits(&raw.id, &pkg.name));
        }
        affected.push(Affected {
            ecosystem: eco,
            name: pkg.name,
            ranges,
            versions,
            os: os_list(&a.ecosystem_specific),
        });
    }
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            raw.details
                .map(|d| d.lines().next().unwrap_or("").chars().take(200).collect())
        })
        .unwrap_or_default();
    Advisory {
        id: raw.id,
        aliases: raw.aliases.unwrap_or_default(),
        summary,
        kind,
        cvss,
        severity: sev_label,
        withdrawn: raw.withdrawn.is_some(),
        published: raw.published.or(raw.modified),
        affected,
    }
}

/// Parses one OSV record from JSON.
pub fn from_json(bytes: &[u8]) -> Result<Advisory, String> {
    serde_json::from_slice::<Raw>(bytes)
        .map(convert)
        .map_err(|e| e.to_string())
}

/// Parses one OSV record from YAML.
pub fn from_yaml(text: &str) -> Result<Advisory, String> {
    serde_saphyr::from_str::<Raw>(text)
        .map(convert)
        .map_err(|e| {
            e.to_string()
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_record_with_cvss_and_informational() {
        let a = from_json(
            br#"{"id":"RUSTSEC-2021-0071","aliases":["CVE-2021-3013"],"summary":"s",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"crates.io","name":"grep-cli"},
              "ecosystem_specific":{"affects":{"os":["windows"]}},
              "ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"0.1.6"}]}]},
              {"package":{"ecosystem":"Maven","name":"x"}}]}"#,
        )
        .unwrap();
        assert_eq!(a.cvss, Some(9.8));
        assert_eq!(a.affected.len(), 2, "Maven is checked");
        assert_eq!(a.affected[0].os, vec!["windows".to_string()]);
        assert_eq!(a.kind, AdvisoryKind::Vulnerability);
        let u = from_json(
            br#"{"id":"RUSTSEC-1","affected":[{"package":{"ecosystem":"crates.io","name":"a"},
            "database_specific":{"informational":"unmaintained"}}]}"#,
        )
        .unwrap();
        assert_eq!(u.kind, AdvisoryKind::Unmaintained);
    }

    #[test]
    fn github_actions_commits_from_git_ranges_and_the_compromised_list() {
        let a = from_json(
            br#"{"id":"GHSA-mrrh-fwg8-r2c3","affected":[{"package":{"ecosystem":"GitHub Actions","name":"tj-actions/changed-files"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"45.0.7"}]}]},
            {"package":{"ecosystem":"Hackage","name":"x"}}]}"#,
        )
        .unwrap();
        assert_eq!(a.affected.len(), 1, "Hackage is not checked");
        assert_eq!(
            a.affected[0].versions,
            ["0e58ed8671d6b60d0890c21b07f8835ace038e67"]
        );
        let b = from_json(
            br#"{"id":"GHSA-x","affected":[{"package":{"ecosystem":"GitHub Actions","name":"o/r"},
            "ranges":[{"type":"GIT","repo":"https://github.com/o/r","events":[{"introduced":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},{"fixed":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}]}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            b.affected[0].versions,
            ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
            "the introducing commit is affected; the fixing one is not"
        );
        assert!(b.affected[0].ranges.is_empty());
    }

    #[test]
    fn yaml_record_keeps_versions_as_text() {
        let a = from_yaml(
            "id: PYSEC-1\nwithdrawn: '2024-01-01T00:00:00Z'\naffected:\n- package:\n    name: pyyaml\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 4.1\n  versions:\n  - \"3.10\"\n  - 3.13\n",
        )
        .unwrap();
        assert!(a.withdrawn);
        assert_eq!(
            a.affected[0].versions,
            vec!["3.10".to_string(), "3.13".to_string()]
        );
        assert!(from_yaml("id: [unclosed").is_err());
        assert!(from_json(b"{\"id\": 1}").is_err());
    }
}
