//! Gradle build scripts (`build.gradle`, `build.gradle.kts`), read line by line: dependency
//! string notations `configuration 'group:artifact:version'` / `configuration("g:a:v")`
//! (`implementation`, `api`, `testImplementation`, `classpath`, `platform(…)`, …), with `$x` /
//! `${x}` resolved from string variables the same file defines (`ext.x = "…"`, `ext { x = "…" }`,
//! `val x = "…"`, `def x = "…"`, `extra["x"] = "…"`). The finding's line is where the version
//! is written: the variable's, when the version comes from one. A notation without a version is
//! managed elsewhere (a BOM, a catalog); plugins (`id '…' version '…'`) resolve through the
//! plugin portal and are not read. A dependency line whose string does not close is an error.

use std::collections::HashMap;

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// The first quoted string of `s` (`'…'` or `"…"`): (content, closed).
fn first_string(s: &str) -> Option<(&str, bool)> {
    let i = s.find(['\'', '"'])?;
    let q = s.as_bytes()[i] as char;
    match s[i + 1..].find(q) {
        Some(end) => Some((&s[i + 1..i + 1 + end], true)),
        None => Some((&s[i + 1..], false)),
    }
}

fn ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is a dependency configuration (`implementation`, `testRuntimeOnly`,
/// `kapt`, `classpath`, …), so `println 'a:b'` is not read as a dependency.
fn configuration(name: &str) -> bool {
    const ENDINGS: [&str; 16] = [
        "implementation",
        "api",
        "compile",
        "compileonly",
        "runtime",
        "runtimeonly",
        "annotationprocessor",
        "classpath",
        "kapt",
        "ksp",
        "developmentonly",
        "checkstyle",
        "plugins",
        "desugaring",
        "errorprone",
        "compileonlyapi",
    ];
    let lower = name.to_ascii_lowercase();
    ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// A string variable definition: (name, value).
fn variable(t: &str) -> Option<(&str, &str)> {
    let t = t
        .strip_prefix("ext.")
        .or_else(|| t.strip_prefix("val "))
        .or_else(|| t.strip_prefix("var "))
        .or_else(|| t.strip_prefix("def "))
        .or_else(|| t.strip_prefix("String "))
        .unwrap_or(t);
    let (lhs, rhs) = t.split_once('=')?;
    let lhs = lhs.trim();
    let lhs = lhs
        .strip_prefix("extra[")
        .and_then(|x| x.strip_suffix(']'))
        .map(|x| x.trim_matches(['"', '\'']))
        .unwrap_or(lhs);
    let lhs = lhs.split(':').next().unwrap_or(lhs).trim();
    if !ident(lhs) || rhs.starts_with('=') {
        return None;
    }
    let (v, closed) = first_string(rhs.trim())?;
    (closed && rhs.trim().starts_with(['\'', '"'])).then_some((lhs, v))
}

/// Resolves `$x` / `${x}` (a few rounds); None while one stays unresolved.
fn resolve(v: &str, line: u32, vars: &HashMap<String, (String, u32)>) -> Option<(String, u32)> {
    let (mut text, mut at) = (v.to_owned(), line);
    for _ in 0..8 {
        let Some(i) = text.find('$') else {
            return Some((text, at));
        };
        let rest = &text[i + 1..];
        let (name, len) = if let Some(r) = rest.strip_prefix('{') {
            let end = r.find('}')?;
            (r[..end].trim().to_owned(), end + 2)
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (rest[..end].to_owned(), end)
        };
        let (val, l) = vars.get(&name)?;
        at = *l;
        text = format!("{}{}{}", &text[..i], val, &text[i + 1 + len..]);
    }
    None
}

/// Parses a `build.gradle` / `build.gradle.kts`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let mut vars: HashMap<String, (String, u32)> = HashMap::new();
    for &(no, raw) in &text.lines {
        if let Some((k, v)) = variable(raw.trim()) {
            vars.insert(k.to_owned(), (v.to_owned(), no));
        }
    }
    let mut out = Vec::new();
    for &(no, raw) in &text.lines {
        let t = raw.trim();
        if t.starts_with("//") || t.starts_with('*') || t.starts_with("id ") || t.starts_with("id(")
        {
            continue;
        }
        let conf_end = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(t.len());
        let (conf, rest) = t.split_at(conf_end);
        if !ident(conf) || !configuration(conf) {
            continue;
        }
        let rest = rest.trim_start();
        let rest = rest.strip_prefix('(').unwrap_or(rest).trim_start();
        let rest = rest
            .strip_prefix("platform(")
            .or_else(|| rest.strip_prefix("enforcedPlatform("))
            .unwrap_or(rest)
            .trim_start();
        if !rest.starts_with(['\'', '"']) {
            continue;
        }
        let Some((s, closed)) = first_string(rest) else {
            continue;
        };
        let parts: Vec<&str> = s.split(':').collect();
        if !(2..=4).contains(&parts.len())
            || parts[..2].iter().any(|p| {
                p.is_empty()
                    || !p
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.$".contains(c))
            })
        {
            continue;
        }
        if !closed {
            if text.full.is_some() {
                return Err(parse_error(
                    path,
                    Some(no as usize),
                    "unterminated string in a dependency notation",
                ));
            }
            continue;
        }
        let version = parts
            .get(2)
            .filter(|v| !v.is_empty())
            .and_then(|v| resolve(v, no, &vars));
        let exact = version
            .as_ref()
            .is_some_and(|(v, _)| crate::ecosystem::maven::parse(v).is_some() && !v.contains('+'));
        let (Some(g), Some(a)) = (
            resolve(parts[0], no, &vars).map(|x| x.0),
            resolve(parts[1], no, &vars).map(|x| x.0),
        ) else {
            continue;
        };
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::Maven,
            name: format!("{g}:{a}"),
            line: Some(version.as_ref().map_or(no, |v| v.1)),
            version: version.map(|v| v.0),
            exact,
            path: path.to_owned(),
            source: DepSource::Registry,
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_notations_with_variables() {
        let text = "plugins {\n  id 'org.springframework.boot' version '4.0.3'\n}\next.log4jVersion = \"2.14.1\"\nval okhttp = \"4.9.0\"\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web'\n  implementation \"org.apache.logging.log4j:log4j-core:${log4jVersion}\"\n  implementation(\"com.squareup.okhttp3:okhttp:$okhttp\")\n  api(platform(\"org.example:bom:1.2.3\"))\n  testImplementation 'junit:junit:4.+'\n  runtimeOnly \"org.example:unknown:${notDefined}\"\n  // implementation 'commented:out:1.0'\n  println 'not:a:dependency'\n}\n";
        let got: Vec<String> = parse(&Text::whole(text), "build.gradle")
            .unwrap()
            .into_iter()
            .map(|e| {
                format!(
                    "{}@{}:{}{}",
                    e.dep.name,
                    e.dep.version.unwrap_or_default(),
                    e.dep.line.unwrap_or(0),
                    if e.dep.exact { "!" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "org.springframework.boot:spring-boot-starter-web@:7",
                "org.apache.logging.log4j:log4j-core@2.14.1:4!",
                "com.squareup.okhttp3:okhttp@4.9.0:5!",
                "org.example:bom@1.2.3:10!",
                "junit:junit@4.+:11",
                "org.example:unknown@:12",
            ]
        );
        let e = parse(
            &Text::whole("dependencies {\n  implementation 'a:b:1.0\n}\n"),
            "build.gradle",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("build.gradle:2:"), "{e}");
    }
}
