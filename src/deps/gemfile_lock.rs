//! Bundler's `Gemfile.lock`: the `GEM` (registry), `GIT` and `PATH` sections, each with a
//! `remote:` and a `specs:` list of `name (version[-platform])` at four spaces (the gems those
//! depend on follow at six spaces and are listed under their own names too). A platform suffix
//! (`1.17.4-x86_64-linux-gnu`) is not part of the version. `CHECKSUMS` (Bundler 2.6+) give the
//! integrity of each `name (version)`. `GIT` and `PATH` gems are fetched from there, not the
//! registry.

use std::collections::HashMap;

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// The default registry's remotes.
const RUBYGEMS: [&str; 2] = ["https://rubygems.org/", "https://rubygems.org"];

/// Platforms a locked version may carry as a suffix.
const PLATFORMS: [&str; 14] = [
    "x86_64",
    "x86",
    "x64",
    "arm64",
    "arm",
    "aarch64",
    "universal",
    "java",
    "jruby",
    "mingw",
    "mswin",
    "i386",
    "i686",
    "wasm",
];

/// `name (version)` → (name, version without platform).
fn spec(t: &str) -> Option<(&str, &str)> {
    let (name, rest) = t.split_once(" (")?;
    let v = rest.strip_suffix(')')?;
    if name.is_empty() || name.contains(char::is_whitespace) || v.is_empty() {
        return None;
    }
    let v = match v.split_once('-') {
        Some((ver, plat)) if PLATFORMS.iter().any(|p| plat.starts_with(p)) => ver,
        _ => v,
    };
    Some((name, v))
}

/// Parses a `Gemfile.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let strict = text.full.is_some();
    let mut out: Vec<Entry> = Vec::new();
    let mut section = if strict { "" } else { "GEM" }.to_owned();
    let mut remote: Option<String> = None;
    let mut checksums: HashMap<(String, String), String> = HashMap::new();
    for &(no, raw) in &text.lines {
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let t = raw.trim();
        if indent == 0 {
            let header = t
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '_');
            if !header {
                if strict {
                    return Err(parse_error(
                        path,
                        Some(no as usize),
                        format!("expected a section header (GEM, GIT, PATH, …), found `{t}`"),
                    ));
                }
                continue;
            }
            section = t.to_owned();
            remote = None;
            continue;
        }
        match section.as_str() {
            "GEM" | "GIT" | "PATH" => {
                if indent == 2 {
                    if let Some(r) = t.strip_prefix("remote:") {
                        remote = Some(r.trim().to_owned());
                    }
                    continue;
                }
                if indent != 4 {
                    continue;
                }
                let Some((name, version)) = spec(t) else {
                    if strict {
                        return Err(parse_error(
                            path,
                            Some(no as usize),
                            format!("expected `name (version)`, found `{t}`"),
                        ));
                    }
                    continue;
                };
                let r = remote.clone().unwrap_or_default();
                let source = match section.as_str() {
                    "GIT" => DepSource::Git(r),
                    "PATH" => DepSource::Path(r),
                    _ if r.is_empty() || RUBYGEMS.contains(&r.as_str()) => DepSource::Registry,
                    _ => DepSource::OtherRegistry(r),
                };
                out.push(Entry::new(Dep {
                    ecosystem: Ecosystem::RubyGems,
                    name: name.to_owned(),
                    version: Some(version.to_owned()),
                    exact: true,
                    path: path.to_owned(),
                    line: Some(no),
                    source,
                }));
            }
            "CHECKSUMS" => {
                // `name (version) sha256=…`
                if let Some((spec_text, sum)) = t.rsplit_once(") ") {
                    if let Some((name, version)) = spec(&format!("{spec_text})")) {
                        checksums.insert((name.to_owned(), version.to_owned()), sum.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    for e in &mut out {
        let key = (
            e.dep.name.clone(),
            e.dep.version.clone().unwrap_or_default(),
        );
        e.integrity = checksums.get(&key).cloned();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_platforms_and_checksums() {
        let text = "GIT\n  remote: https://github.com/rails/rails.git\n  revision: 0123\n  specs:\n    rails (7.2.0.alpha)\n      actionpack (= 7.2.0.alpha)\n\nPATH\n  remote: engines/billing\n  specs:\n    billing (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.2-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.3)\n    sorbet-static (0.5.11-universal-darwin)\n\nGEM\n  remote: https://gems.example.com/\n  specs:\n    private-gem (2.0.0)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  rails!\n\nCHECKSUMS\n  racc (1.7.3) sha256=abcd\n\nBUNDLED WITH\n   2.6.2\n";
        let got: Vec<String> = parse(&Text::whole(text), "Gemfile.lock")
            .unwrap()
            .into_iter()
            .map(|e| {
                format!(
                    "{}@{}:{}:{:?}:{}",
                    e.dep.name,
                    e.dep.version.unwrap_or_default(),
                    e.dep.line.unwrap_or(0),
                    e.dep.source,
                    e.integrity.unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "rails@7.2.0.alpha:5:Git(\"https://github.com/rails/rails.git\"):",
                "billing@0.1.0:11:Path(\"engines/billing\"):",
                "nokogiri@1.16.2:16:Registry:",
                "racc@1.7.3:18:Registry:sha256=abcd",
                "sorbet-static@0.5.11:19:Registry:",
                "private-gem@2.0.0:24:OtherRegistry(\"https://gems.example.com/\"):",
            ]
        );
        let e = parse(&Text::whole("GEM\n  specs:\n    broken\n"), "Gemfile.lock")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Gemfile.lock:3:"), "{e}");
        let e = parse(&Text::whole("<<<<<<< HEAD\nGEM\n"), "Gemfile.lock")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Gemfile.lock:1:"), "{e}");
    }
}
