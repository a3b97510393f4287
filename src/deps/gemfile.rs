//! Bundler's `Gemfile` (Ruby code, read line by line): `gem "name", "requirement", …` with
//! `git:` / `github:` / `path:` / `source:` options, and `source "url"` lines that switch the
//! registry for the gems after them (and `source "url" do … end` blocks). A single plain version
//! (`"1.2.3"` or `"= 1.2.3"`) pins exactly; other requirements (`~> 1.0`, `>= 1, < 3`) are
//! requirements. A `gem` line whose quotes do not close is an error naming it.

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// The quoted strings of a line (`"…"` or `'…'`), and whether every quote closed.
fn strings(line: &str) -> (Vec<(usize, &str)>, bool) {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => break,
            q @ (b'"' | b'\'') => match line[i + 1..].find(q as char) {
                Some(end) => {
                    out.push((i, &line[i + 1..i + 1 + end]));
                    i += end + 2;
                    continue;
                }
                None => return (out, false),
            },
            _ => {}
        }
        i += 1;
    }
    (out, true)
}

/// The value of an option `key: "value"` / `:key => "value"` on the line.
fn option<'a>(line: &'a str, strs: &[(usize, &'a str)], key: &str) -> Option<&'a str> {
    strs.iter().find_map(|&(at, s)| {
        let before = line[..at].trim_end();
        let before = before
            .strip_suffix(':')
            .or_else(|| before.strip_suffix("=>").map(str::trim_end))?;
        let before = before.trim_start_matches(':');
        before.ends_with(key).then_some(s)
    })
}

fn is_version(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Parses a `Gemfile`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut source_stack: Vec<Option<String>> = vec![None];
    for &(no, raw) in &text.lines {
        let t = raw.trim();
        let (strs, closed) = strings(t);
        if t.starts_with("source ") || t.starts_with("source(") {
            let url = strs.first().map(|(_, s)| (*s).to_owned());
            if t.ends_with(" do") {
                source_stack.push(url);
            } else if let Some(first) = source_stack.first_mut() {
                *first = url;
            }
            continue;
        }
        if t == "end" && source_stack.len() > 1 {
            // Closes the innermost block; only `source … do` blocks were pushed, so a stray
            // `end` of a `group … do` block pops nothing that matters here.
            source_stack.pop();
            continue;
        }
        if !(t.starts_with("gem ") || t.starts_with("gem(")) {
            continue;
        }
        if !closed {
            if text.full.is_some() {
                return Err(parse_error(
                    path,
                    Some(no as usize),
                    "unterminated string in a `gem` line",
                ));
            }
            continue;
        }
        let Some(&(_, name)) = strs.first() else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        // Requirements: the strings after the name that are not option values.
        let reqs: Vec<&str> = strs[1..]
            .iter()
            .filter(|&&(at, _)| {
                let before = t[..at].trim_end();
                before.ends_with(',')
            })
            .map(|&(_, s)| s.trim())
            .collect();
        let version = (!reqs.is_empty()).then(|| reqs.join(", "));
        let exact = reqs.len() == 1 && {
            let r = reqs[0].strip_prefix('=').map_or(reqs[0], str::trim);
            is_version(r)
        };
        let version = if exact {
            reqs.first()
                .map(|r| r.strip_prefix('=').map_or(*r, str::trim).to_owned())
        } else {
            version
        };
        let source = if let Some(g) = option(t, &strs, "git") {
            DepSource::Git(g.to_owned())
        } else if let Some(g) = option(t, &strs, "github") {
            DepSource::Git(format!("https://github.com/{g}"))
        } else if let Some(p) = option(t, &strs, "path") {
            DepSource::Path(p.to_owned())
        } else {
            let src = option(t, &strs, "source")
                .map(str::to_owned)
                .or_else(|| source_stack.last().cloned().flatten());
            match src {
                Some(s) if !s.trim_end_matches('/').ends_with("rubygems.org") => {
                    DepSource::OtherRegistry(s)
                }
                _ => DepSource::Registry,
            }
        };
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::RubyGems,
            name: name.to_owned(),
            version,
            exact,
            path: path.to_owned(),
            line: Some(no),
            source,
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gems_requirements_and_sources() {
        let text = "source \"https://rubygems.org\"\n\ngem \"rails\", \"~> 7.1.0\"\ngem 'puma', '>= 5.0', '< 7' # web\ngem \"google-protobuf\", \"4.28.1\"\ngem \"pg\", \"= 1.5.4\", require: false\ngem \"my_engine\", path: \"engines/my_engine\"\ngem \"forked\", git: \"https://github.com/me/forked.git\", branch: \"main\"\ngem \"gh\", github: \"me/gh\"\nsource \"https://gems.example.com\" do\n  gem \"private\"\nend\ngem \"wdm\", \"~> 0.2.0\", :platforms => [:mingw]\n";
        let got: Vec<String> = parse(&Text::whole(text), "Gemfile")
            .unwrap()
            .into_iter()
            .map(|e| {
                format!(
                    "{}@{}:{}{}:{:?}",
                    e.dep.name,
                    e.dep.version.unwrap_or_default(),
                    e.dep.line.unwrap_or(0),
                    if e.dep.exact { "!" } else { "" },
                    e.dep.source
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "rails@~> 7.1.0:3:Registry",
                "puma@>= 5.0, < 7:4:Registry",
                "google-protobuf@4.28.1:5!:Registry",
                "pg@1.5.4:6!:Registry",
                "my_engine@:7:Path(\"engines/my_engine\")",
                "forked@:8:Git(\"https://github.com/me/forked.git\")",
                "gh@:9:Git(\"https://github.com/me/gh\")",
                "private@:11:OtherRegistry(\"https://gems.example.com\")",
                "wdm@~> 0.2.0:13:Registry",
            ]
        );
        let e = parse(&Text::whole("gem \"rails\n"), "Gemfile")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Gemfile:1:"), "{e}");
    }
}
