//! RustSec advisories (`crates/<crate>/RUSTSEC-*.md`, TOML front matter) → [`Advisory`], via the
//! `rustsec` crate. Ranges keep RustSec's own form (patched / unaffected requirements) so
//! matching is exactly what `cargo audit` does.

use super::{Advisory, AdvisoryKind, Affected};
use crate::ecosystem::version::Range;
use crate::ecosystem::Ecosystem;

/// Parses one advisory file's text.
pub fn parse(text: &str) -> Result<Advisory, String> {
    let adv: rustsec::Advisory = text.parse().map_err(|e: rustsec::Error| {
        let s = e.to_string();
        s.lines().next().unwrap_or("invalid advisory").to_owned()
    })?;
    let m = &adv.metadata;
    let kind = match &m.informational {
        None => AdvisoryKind::Vulnerability,
        Some(i) if i.is_unsound() => AdvisoryKind::Unsound,
        Some(i) if i.is_unmaintained() => AdvisoryKind::Unmaintained,
        Some(_) => AdvisoryKind::Notice,
    };
    let os = adv
        .affected
        .as_ref()
        .map(|a| a.os.iter().map(|o| o.as_str().to_owned()).collect())
        .unwrap_or_default();
    Ok(Advisory {
        id: m.id.as_str().to_owned(),
        aliases: m.aliases.iter().map(|a| a.as_str().to_owned()).collect(),
        summary: m.title.clone(),
        kind,
        cvss: m.cvss.as_ref().map(|c| c.score()),
        severity: None,
        withdrawn: m.withdrawn.is_some(),
        published: Some(m.date.as_str().to_owned()),
        affected: vec![Affected {
            ecosystem: Ecosystem::CratesIo,
            name: m.package.as_str().to_owned(),
            ranges: vec![Range::Reqs {
                patched: adv
                    .versions
                    .patched()
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
                unaffected: adv
                    .versions
                    .unaffected()
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            }],
            versions: Vec::new(),
            os,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"```toml
[advisory]
id = "RUSTSEC-2022-0013"
package = "regex"
date = "2022-03-08"
aliases = ["CVE-2022-24713", "GHSA-m5pq-gvj9-9vr8"]
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"

[versions]
patched = [">= 1.5.5"]
```

# Regexes with large repetitions on empty sub-expressions take a very long time to parse
"#;

    #[test]
    fn parses_rustsec_markdown() {
        let a = parse(SAMPLE).unwrap();
        assert_eq!(a.id, "RUSTSEC-2022-0013");
        assert_eq!(a.aliases.len(), 2);
        assert_eq!(a.cvss, Some(7.5));
        assert_eq!(a.affected[0].name, "regex");
        assert!(a.summary.starts_with("Regexes with large"));
        assert!(parse("```toml\n[advisory]\nid = 3\n```\n").is_err());
    }
}
