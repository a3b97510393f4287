//! `package.json`: `dependencies`, `devDependencies`, `optionalDependencies`,
//! `peerDependencies`. Values are ranges (exact only when a plain version), git / URL / file
//! specs, or `npm:` aliases.

use super::jsonscan::objects;
use super::package_lock::source_of;
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

const SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

fn exact_version(spec: &str) -> bool {
    let s = spec.trim().trim_start_matches('=').trim_start_matches('v');
    !s.is_empty() && semver::Version::parse(s).is_ok()
}

/// Parses a `package.json`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let mut out = Vec::new();
    for o in &objs {
        if !SECTIONS.contains(&o.key()) {
            continue;
        }
        // Only top-level sections of a whole file (fragments: any such section).
        if text.full.is_some() && o.path.len() != 2 {
            continue;
        }
        for (name, spec, line) in &o.fields {
            let (name, spec) = match spec.strip_prefix("npm:") {
                // "alias": "npm:real@1.2.3"
                Some(rest) => match rest.get(1..).and_then(|r| r.find('@')) {
                    Some(i) => (rest[..i + 1].to_owned(), rest[i + 2..].to_owned()),
                    None => (rest.to_owned(), String::new()),
                },
                None => (name.clone(), spec.clone()),
            };
            let mut source = source_of(&spec);
            if spec.contains('/')
                && !spec.contains(':')
                && !spec.starts_with('.')
                && !spec.starts_with('@')
                && matches!(source, DepSource::Registry)
            {
                // "user/repo" is a GitHub shorthand.
                source = DepSource::Git(format!("github:{spec}"));
            }
            if spec.starts_with("workspace:") {
                continue;
            }
            let exact = matches!(source, DepSource::Registry) && exact_version(&spec);
            out.push(Entry::new(Dep {
                ecosystem: Ecosystem::Npm,
                name,
                version: if spec.is_empty() {
                    None
                } else if exact {
                    Some(
                        spec.trim()
                            .trim_start_matches('=')
                            .trim_start_matches('v')
                            .to_owned(),
                    )
                } else {
                    Some(spec)
                },
                exact,
                path: path.to_owned(),
                line: Some(*line),
                source,
            }));
        }
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_non_ascii_npm_alias_does_not_panic() {
        // Regression (stable mutation fuzzing): `"npm:"` sliced `rest[1..]` of an empty string.
        for spec in ["npm:", "npm:é@1", "npm:@"] {
            let t = format!("{{\"dependencies\": {{\"a\": \"{spec}\"}}}}\n");
            assert!(parse(&Text::whole(&t), "package.json").is_ok(), "{spec}");
        }
        let t = "{\"dependencies\": {\"a\": \"npm:real@1.2.3\"}}\n";
        let e = parse(&Text::whole(t), "package.json").unwrap();
        assert_eq!(
            (e[0].dep.name.as_str(), e[0].dep.version.as_deref()),
            ("real", Some("1.2.3"))
        );
    }
}
