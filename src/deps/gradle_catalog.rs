//! Gradle version catalogs (`gradle/libs.versions.toml`): `[libraries]` entries
//! (`"group:artifact:version"`, or tables with `module` / `group` + `name` and a `version`
//! that is a string, a `version.ref` into `[versions]`, or a rich version `{ strictly | require
//! | prefer = … }`). The line is where the version is written: the `[versions]` entry a
//! `version.ref` names, else the library's own line. `[plugins]` resolve through the Gradle
//! plugin portal, not Maven coordinates, and are not read.

use std::collections::HashMap;

use super::{tomlscan, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// `key = value` of a line (key unquoted), when the line is one.
fn key_value(raw: &str) -> Option<(&str, &str)> {
    let t = raw.trim();
    if t.starts_with('#') || t.starts_with('[') {
        return None;
    }
    let (k, v) = t.split_once('=')?;
    Some((k.trim().trim_matches('"').trim_matches('\''), v.trim()))
}

/// A value parsed as TOML (`"x"`, `{ … }`), when it is one.
fn value(v: &str) -> Option<toml::Value> {
    format!("v = {v}").parse::<toml::Table>().ok()?.remove("v")
}

/// A rich or plain version: the version it pins.
fn version_of(v: &toml::Value) -> Option<(String, bool)> {
    match v {
        toml::Value::String(s) => Some((s.clone(), !s.contains(['[', '(', ',', '+']))),
        toml::Value::Table(t) => ["strictly", "require", "prefer"]
            .iter()
            .find_map(|k| t.get(*k).and_then(|x| x.as_str()))
            .map(|s| (s.to_owned(), !s.contains(['[', '(', ',', '+']))),
        _ => None,
    }
}

/// Parses a version catalog.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    if let Some(full) = text.full {
        tomlscan::check_syntax(full, path)?;
    }
    let mut section = String::new();
    let mut versions: HashMap<String, (String, bool, u32)> = HashMap::new();
    let mut libs: Vec<(u32, toml::Value)> = Vec::new();
    for &(no, raw) in &text.lines {
        let t = raw.trim();
        if t.starts_with('[') {
            section = t.trim_matches(['[', ']', ' ']).to_owned();
            continue;
        }
        let Some((k, v)) = key_value(raw) else {
            continue;
        };
        let Some(val) = value(v) else { continue };
        match section.as_str() {
            "versions" => {
                if let Some((ver, exact)) = version_of(&val) {
                    versions.insert(k.to_owned(), (ver, exact, no));
                }
            }
            "libraries" => libs.push((no, val)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (no, val) in libs {
        let (name, version) = match &val {
            toml::Value::String(s) => {
                let mut p = s.splitn(3, ':');
                let (Some(g), Some(a)) = (p.next(), p.next()) else {
                    continue;
                };
                (
                    format!("{g}:{a}"),
                    p.next()
                        .map(|v| (v.to_owned(), !v.contains(['[', '(', ',', '+']), no)),
                )
            }
            toml::Value::Table(t) => {
                let name = match (t.get("module"), t.get("group"), t.get("name")) {
                    (Some(m), _, _) => m.as_str().map(str::to_owned),
                    (None, Some(g), Some(n)) => match (g.as_str(), n.as_str()) {
                        (Some(g), Some(n)) => Some(format!("{g}:{n}")),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(name) = name else { continue };
                let version = match t.get("version") {
                    Some(toml::Value::Table(vt)) if vt.contains_key("ref") => vt
                        .get("ref")
                        .and_then(|r| r.as_str())
                        .and_then(|r| versions.get(r).cloned()),
                    Some(v) => version_of(v).map(|(s, e)| (s, e, no)),
                    None => None,
                };
                (name, version)
            }
            _ => continue,
        };
        if !name.contains(':') {
            continue;
        }
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::Maven,
            name,
            exact: version.as_ref().is_some_and(|v| v.1),
            line: Some(version.as_ref().map_or(no, |v| v.2)),
            version: version.map(|v| v.0),
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
    fn libraries_with_refs_tables_and_strings() {
        let text = "[versions]\nlog4j = \"2.14.1\"\nokhttp = { strictly = \"4.9.0\" }\n\n[libraries]\nlog4j-core = { module = \"org.apache.logging.log4j:log4j-core\", version.ref = \"log4j\" }\nokhttp = { group = \"com.squareup.okhttp3\", name = \"okhttp\", version.ref = \"okhttp\" }\nguava = \"com.google.guava:guava:32.0.0-jre\"\nbom-managed = { module = \"org.example:managed\" }\nranged = { module = \"org.example:r\", version = \"[1.0,2.0)\" }\n\n[plugins]\nkotlin = { id = \"org.jetbrains.kotlin.jvm\", version = \"1.9.0\" }\n";
        let got: Vec<String> = parse(&Text::whole(text), "libs.versions.toml")
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
                "org.apache.logging.log4j:log4j-core@2.14.1:2!",
                "com.squareup.okhttp3:okhttp@4.9.0:3!",
                "com.google.guava:guava@32.0.0-jre:8!",
                "org.example:managed@:9",
                "org.example:r@[1.0,2.0):10",
            ]
        );
    }
}
