//! `requirements*.txt`: pins (`==`, `===`), ranges, extras, environment markers, `--hash`
//! options, line continuations, VCS / URL requirements and `-e` editables. `-r` includes are
//! listed by [`includes`] (with `-c` constraints files, which pin what gets installed) and
//! followed by the caller (it reads the included files at the same revision). Index options
//! (`--index-url`, `--extra-index-url`) are the integrity check's business.

use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// One PEP 508 requirement (`name[extra] >= 1, < 2 ; marker`, `name @ url`) → entry.
pub(crate) fn parse_requirement(req: &str, path: &str, line: u32) -> Option<Entry> {
    let req = req.split(';').next().unwrap_or("").trim();
    if req.is_empty() {
        return None;
    }
    if let Some((name, url)) = req
        .split_once(" @ ")
        .or_else(|| req.split_once('@').filter(|(n, _)| valid_name(n.trim())))
    {
        let name = name.trim();
        let name = name.split('[').next().unwrap_or(name).trim();
        if !valid_name(name) {
            return None;
        }
        let url = url.trim();
        let source = if url.starts_with("git+") {
            DepSource::Git(url.to_owned())
        } else if url.starts_with("file:") {
            DepSource::Path(url.to_owned())
        } else {
            DepSource::Url(url.to_owned())
        };
        return Some(Entry::new(Dep {
            ecosystem: Ecosystem::PyPI,
            name: name.to_owned(),
            version: None,
            exact: false,
            path: path.to_owned(),
            line: Some(line),
            source,
        }));
    }
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(req.len());
    let name = &req[..end];
    if !valid_name(name) {
        return None;
    }
    let mut rest = req[end..].trim();
    if rest.starts_with('[') {
        rest = rest.find(']').map(|i| rest[i + 1..].trim()).unwrap_or("");
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let (version, exact) = if rest.is_empty() {
        (None, false)
    } else if let Some(v) = rest.strip_prefix("===").or_else(|| rest.strip_prefix("==")) {
        let v = v.trim();
        if v.contains(',') || v.contains('*') {
            (Some(rest.to_owned()), false)
        } else {
            (Some(v.to_owned()), true)
        }
    } else {
        (Some(rest.to_owned()), false)
    };
    Some(Entry::new(Dep {
        ecosystem: Ecosystem::PyPI,
        name: name.to_owned(),
        version,
        exact,
        path: path.to_owned(),
        line: Some(line),
        source: DepSource::Registry,
    }))
}

/// Options that take a value (the next word when not written `--opt=value`).
const VALUE_OPTS: [&str; 12] = [
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--hash",
    "-e",
];

/// The files a requirements file pulls in with `-r FILE`, `--requirement FILE`,
/// `--requirement=FILE` or `-rFILE`, as written and in order; URLs are left out (pip fetches
/// them at install time, there is nothing in the repository to read).
pub(crate) fn includes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut joined = String::new();
    for raw in text.lines() {
        let t = raw.trim_end();
        if let Some(body) = t.strip_suffix('\\') {
            joined.push_str(body);
            joined.push(' ');
            continue;
        }
        joined.push_str(t);
        let line = std::mem::take(&mut joined);
        let line = match line.find(" #") {
            Some(i) => &line[..i],
            None if line.trim_start().starts_with('#') => "",
            None => &line,
        };
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            // `-c` constraints pin what gets installed as much as `-r` includes do.
            let file = match w {
                "-r" | "--requirement" | "-c" | "--constraint" => words.next(),
                _ => w
                    .strip_prefix("--requirement=")
                    .or_else(|| w.strip_prefix("--constraint="))
                    .or_else(|| w.strip_prefix("-r").filter(|r| !r.is_empty()))
                    .or_else(|| w.strip_prefix("-c").filter(|r| !r.is_empty())),
            };
            if let Some(f) = file {
                if !f.contains("://") {
                    out.push(f.to_owned());
                }
            }
        }
    }
    out
}

/// Parses a requirements file.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    let mut logical: Vec<(u32, String)> = Vec::new();
    for &(no, raw) in &text.lines {
        let (start, mut acc) = pending.take().unwrap_or((no, String::new()));
        let t = raw.trim_end();
        if let Some(body) = t.strip_suffix('\\') {
            acc.push_str(body);
            acc.push(' ');
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(t);
        logical.push((start, acc));
    }
    if let Some(p) = pending {
        logical.push(p);
    }
    for (no, l) in logical {
        // Comments start at `#` at line start or after whitespace (URLs keep `#egg=`).
        let line = match l.find(" #") {
            Some(i) => &l[..i],
            None if l.trim_start().starts_with('#') => "",
            None => &l,
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace().peekable();
        let mut hashes = Vec::new();
        let mut req_words = Vec::new();
        let mut editable = false;
        while let Some(w) = words.next() {
            if w.starts_with('-') {
                let (opt, val) = match w.split_once('=') {
                    Some((o, v)) => (o, Some(v.to_owned())),
                    None => (w, None),
                };
                let val = if val.is_none() && VALUE_OPTS.contains(&opt) {
                    words.next().map(str::to_owned)
                } else {
                    val
                };
                match opt {
                    "--hash" => hashes.extend(val),
                    "-e" | "--editable" => {
                        editable = true;
                        req_words.extend(val);
                    }
                    _ => {}
                }
                continue;
            }
            req_words.push(w.to_owned());
        }
        let req = req_words.join(" ");
        if req.is_empty() {
            continue;
        }
        let entry = if req.starts_with("git+")
            || req.contains("://")
            || req.starts_with('.')
            || req.starts_with('/')
            || editable
        {
            // `git+https://…#egg=name`, a URL, or a local path.
            let name = req
                .split("#egg=")
                .nth(1)
                .map(|n| n.split('&').next().unwrap_or(n).to_owned());
            let source = if req.starts_with("git+") {
                DepSource::Git(req.clone())
            } else if req.contains("://") && !req.starts_with("file:") {
                DepSource::Url(req.clone())
            } else {
                DepSource::Path(req.clone())
            };
            match name {
                Some(n) => Entry::new(Dep {
                    ecosystem: Ecosystem::PyPI,
                    name: n,
                    version: None,
                    exact: false,
                    path: path.to_owned(),
                    line: Some(no),
                    source,
                }),
                None => match parse_requirement(&req, path, no) {
                    Some(e) if !matches!(e.dep.source, DepSource::Registry) => e,
                    _ => continue,
                },
            }
        } else {
            match parse_requirement(&req, path, no) {
                Some(e) => e,
                None => continue,
            }
        };
        let mut entry = entry;
        if !hashes.is_empty() {
            hashes.sort();
            entry.integrity = Some(hashes.join(" "));
        }
        out.push(entry);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_in_every_spelling_and_no_urls() {
        let text = "-r base.txt\n--requirement dev/extra.txt  # dev tools\n\
                    --requirement=../shared.txt\n-rnospace.txt\n\
                    -r https://example.com/req.txt\n# -r commented.txt\n\
                    -c constraints.txt\nrequests==2.31.0\n-e . \\\n  -r continued.txt\n";
        assert_eq!(
            includes(text),
            [
                "base.txt",
                "dev/extra.txt",
                "../shared.txt",
                "nospace.txt",
                "constraints.txt",
                "continued.txt"
            ]
        );
    }
}
