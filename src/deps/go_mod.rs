//! `go.mod` (`require` lines and blocks, `replace` directives) and `go.sum` (module hashes, for
//! the integrity check only).

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

fn strip_comment(l: &str) -> &str {
    l.split("//").next().unwrap_or(l).trim()
}

fn dep(name: &str, version: Option<&str>, source: DepSource, path: &str, line: u32) -> Entry {
    Entry::new(Dep {
        ecosystem: Ecosystem::Go,
        name: name.to_owned(),
        version: version.map(str::to_owned),
        exact: version.is_some(),
        path: path.to_owned(),
        line: Some(line),
        source,
    })
}

fn is_local(p: &str) -> bool {
    p.starts_with("./") || p.starts_with("../") || p.starts_with('/')
}

/// Parses a `go.mod`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for &(no, raw) in &text.lines {
        let l = strip_comment(raw);
        if l.is_empty() {
            continue;
        }
        if block.is_some() && l == ")" {
            block = None;
            continue;
        }
        let (verb, rest) = match &block {
            Some(b) => (b.as_str(), l),
            None => {
                let (v, r) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
                let r = r.trim();
                if r == "(" {
                    block = Some(v.to_owned());
                    continue;
                }
                (v, r)
            }
        };
        let words: Vec<&str> = rest
            .split_whitespace()
            .map(|w| w.trim_matches('"'))
            .collect();
        match verb {
            "require" => {
                if words.len() < 2 {
                    if text.full.is_some() {
                        return Err(parse_error(
                            path,
                            Some(no as usize),
                            "invalid go.mod: `require` needs a module path and a version",
                        ));
                    }
                    continue;
                }
                out.push(dep(words[0], Some(words[1]), DepSource::Registry, path, no));
            }
            "replace" => {
                let Some(arrow) = words.iter().position(|w| *w == "=>") else {
                    if text.full.is_some() {
                        return Err(parse_error(
                            path,
                            Some(no as usize),
                            "invalid go.mod: `replace` without `=>`",
                        ));
                    }
                    continue;
                };
                let Some(target) = words.get(arrow + 1) else {
                    continue;
                };
                if is_local(target) {
                    out.push(dep(
                        words[0],
                        None,
                        DepSource::Path((*target).to_owned()),
                        path,
                        no,
                    ));
                } else {
                    let v = words.get(arrow + 2).copied();
                    out.push(dep(
                        target,
                        v,
                        DepSource::OtherRegistry(format!("replace {}", words[0])),
                        path,
                        no,
                    ));
                }
            }
            "module" | "go" | "toolchain" | "exclude" | "retract" | "godebug" | "tool"
            | "ignore" => {}
            other if text.full.is_some() && block.is_none() => {
                return Err(parse_error(
                    path,
                    Some(no as usize),
                    format!("invalid go.mod: unknown directive `{other}`"),
                ));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Parses a `go.sum` (each `module version[/go.mod] h1:hash` line).
pub(crate) fn parse_sum(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for &(no, raw) in &text.lines {
        let w: Vec<&str> = raw.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        if w.len() != 3 || !w[2].starts_with("h1:") {
            if text.full.is_some() {
                return Err(parse_error(
                    path,
                    Some(no as usize),
                    "invalid go.sum line: expected `module version h1:hash`",
                ));
            }
            continue;
        }
        let mut e = dep(w[0], Some(w[1]), DepSource::Registry, path, no);
        e.integrity = Some(w[2].to_owned());
        out.push(e);
    }
    Ok(out)
}
