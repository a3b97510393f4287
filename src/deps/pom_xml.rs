//! Maven `pom.xml`: the parent, `dependencies`, `dependencyManagement` and build plugins (also
//! inside profiles), named `groupId:artifactId`. Versions written as `${property}` are resolved
//! from the file's own `<properties>` and the project's coordinates (`${project.version}`,
//! `${project.parent.version}`, …); a dependency without a version takes it from the file's
//! `dependencyManagement`; what stays unresolved (a property of a parent POM, a version a BOM
//! manages) has no version. The line is where the version is written: the `<version>` element,
//! or the property a `${…}` resolves to, which is the line a bump edits. A version range
//! (`[1.0,2.0)`) is a requirement, not an exact version. Diff fragments are read line by line:
//! a `<dependency>` whose lines the diff shows, with versions from the properties it shows.

use std::collections::HashMap;

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// A value and the line it is written on.
type Located = (String, u32);

/// One `<dependency>`, `<plugin>` or `<parent>`.
#[derive(Debug, Default, Clone)]
struct Coord {
    group: Option<Located>,
    artifact: Option<Located>,
    version: Option<Located>,
    line: u32,
    managed: bool,
    plugin: bool,
}

/// Resolves `${…}` references (nested, at most 10 rounds); None while one stays unresolved.
/// The line is the last property's, when one was used.
fn resolve(v: &Located, props: &HashMap<String, Located>) -> Option<Located> {
    let (mut text, mut line) = v.clone();
    for _ in 0..10 {
        let Some(start) = text.find("${") else {
            return Some((text.trim().to_owned(), line));
        };
        let end = start + text[start..].find('}')?;
        let key = &text[start + 2..end];
        let (val, l) = props.get(key.trim())?;
        line = *l;
        text = format!("{}{}{}", &text[..start], val, &text[end + 1..]);
    }
    None
}

fn is_range(v: &str) -> bool {
    v.starts_with('[') || v.starts_with('(') || v.contains(',')
}

/// Turns coordinates into entries: properties resolved, managed versions filled in.
fn entries(coords: Vec<Coord>, props: &HashMap<String, Located>, path: &str) -> Vec<Entry> {
    let resolved: Vec<(Coord, Option<String>, Option<Located>)> = coords
        .into_iter()
        .filter_map(|c| {
            let artifact = resolve(c.artifact.as_ref()?, props)?.0;
            let group = match &c.group {
                Some(g) => resolve(g, props)?.0,
                // Plugins default to Maven's own group.
                None if c.plugin => "org.apache.maven.plugins".to_owned(),
                None => return None,
            };
            let version = c.version.as_ref().and_then(|v| resolve(v, props));
            let name = format!("{group}:{artifact}");
            Some((c, Some(name), version))
        })
        .collect();
    let managed: HashMap<String, Located> = resolved
        .iter()
        .filter(|(c, _, _)| c.managed)
        .filter_map(|(_, n, v)| Some((n.clone()?, v.clone()?)))
        .collect();
    let mut out = Vec::new();
    for (c, name, version) in resolved {
        let Some(name) = name else { continue };
        let version = match version {
            Some(v) => Some(v),
            // Its version comes from this file's dependencyManagement: that entry reports it.
            None if !c.managed && managed.contains_key(&name) => continue,
            None => None,
        };
        let exact = version.as_ref().is_some_and(|(v, _)| !is_range(v));
        let line = version.as_ref().map_or(c.line, |(_, l)| *l);
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::Maven,
            name,
            version: version.map(|(v, _)| v),
            exact,
            path: path.to_owned(),
            line: Some(line),
            source: DepSource::Registry,
        }));
    }
    out
}

/// The first child element named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The `<dependency>` children of a `<dependencies>` element.
fn deps_of<'a, 'i>(n: Option<roxmltree::Node<'a, 'i>>) -> Vec<roxmltree::Node<'a, 'i>> {
    n.into_iter()
        .flat_map(|d| d.children())
        .filter(|c| c.is_element() && c.tag_name().name() == "dependency")
        .collect()
}

/// Parses a whole `pom.xml`.
fn parse_full(text: &str, path: &str) -> Result<Vec<Entry>> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        parse_error(
            path,
            Some(e.pos().row as usize),
            format!("invalid XML: {e}"),
        )
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "project" {
        let line = super::LineIndex::new(text).line(root.range().start) as usize;
        return Err(parse_error(
            path,
            Some(line),
            format!(
                "not a POM: the root element is <{}>",
                root.tag_name().name()
            ),
        ));
    }
    let lines = super::LineIndex::new(text);
    let line_of = |n: roxmltree::Node<'_, '_>| lines.line(n.range().start);
    let located = |n: Option<roxmltree::Node<'_, '_>>| {
        n.map(|n| (n.text().unwrap_or("").trim().to_owned(), line_of(n)))
    };
    let mut props: HashMap<String, Located> = HashMap::new();
    if let Some(p) = child(root, "properties") {
        for c in p.children().filter(|c| c.is_element()) {
            props.insert(
                c.tag_name().name().to_owned(),
                (c.text().unwrap_or("").trim().to_owned(), line_of(c)),
            );
        }
    }
    let mut coords = Vec::new();
    let coord = |n: roxmltree::Node<'_, '_>, managed: bool, plugin: bool| Coord {
        group: located(child(n, "groupId")),
        artifact: located(child(n, "artifactId")),
        version: located(child(n, "version")),
        line: line_of(n),
        managed,
        plugin,
    };
    let parent = child(root, "parent");
    if let Some(p) = parent {
        let c = coord(p, false, false);
        for (k, v) in [("groupId", &c.group), ("version", &c.version)] {
            if let Some(v) = v {
                props.insert(format!("project.parent.{k}"), v.clone());
                props.insert(format!("parent.{k}"), v.clone());
            }
        }
        coords.push(c);
    }
    for k in ["groupId", "artifactId", "version"] {
        let v = located(child(root, k)).or_else(|| {
            // groupId and version are inherited from the parent when absent.
            (k != "artifactId")
                .then(|| located(parent.and_then(|p| child(p, k))))
                .flatten()
        });
        if let Some(v) = v {
            props.insert(format!("project.{k}"), v.clone());
            props.insert(format!("pom.{k}"), v.clone());
            props.entry(k.to_owned()).or_insert(v);
        }
    }
    // The project itself and each profile carry the same sections.
    let mut scopes = vec![root];
    if let Some(ps) = child(root, "profiles") {
        scopes.extend(ps.children().filter(|c| c.tag_name().name() == "profile"));
    }
    for s in scopes {
        for d in deps_of(child(s, "dependencies")) {
            coords.push(coord(d, false, false));
        }
        for d in deps_of(child(s, "dependencyManagement").and_then(|m| child(m, "dependencies"))) {
            coords.push(coord(d, true, false));
        }
        if let Some(b) = child(s, "build") {
            let plugins = child(b, "plugins")
                .into_iter()
                .chain(child(b, "pluginManagement").and_then(|m| child(m, "plugins")));
            for ps in plugins {
                for p in ps
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name() == "plugin")
                {
                    coords.push(coord(p, false, true));
                    // A plugin's own dependencies are fetched like any other.
                    for d in deps_of(child(p, "dependencies")) {
                        coords.push(coord(d, false, false));
                    }
                }
            }
        }
    }
    Ok(entries(coords, &props, path))
}

/// The text of a one-line element `<tag>text</tag>`, when the line is one.
fn element<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    let t = line.trim();
    let rest = t.strip_prefix('<')?.strip_prefix(tag)?.strip_prefix('>')?;
    let end = rest.find("</")?;
    Some(rest[..end].trim())
}

/// Reads the lines a diff shows.
fn parse_fragment(text: &Text<'_>, path: &str) -> Vec<Entry> {
    let mut props: HashMap<String, Located> = HashMap::new();
    let mut coords = Vec::new();
    let mut cur: Option<Coord> = None;
    let mut in_props = false;
    for &(no, raw) in &text.lines {
        let t = raw.trim();
        match t {
            "<properties>" => in_props = true,
            "</properties>" => in_props = false,
            "<dependency>" | "<plugin>" | "<parent>" => {
                cur = Some(Coord {
                    line: no,
                    plugin: t == "<plugin>",
                    ..Coord::default()
                })
            }
            "</dependency>" | "</plugin>" | "</parent>" => {
                if let Some(c) = cur.take() {
                    coords.push(c);
                }
            }
            _ => {}
        }
        if in_props {
            if let Some(rest) = t.strip_prefix('<') {
                if let Some(end) = rest.find('>') {
                    let tag = &rest[..end];
                    if let Some(v) = element(t, tag) {
                        props.insert(tag.to_owned(), (v.to_owned(), no));
                    }
                }
            }
        }
        if let Some(c) = cur.as_mut() {
            if let Some(v) = element(t, "groupId") {
                c.group = Some((v.to_owned(), no));
            } else if let Some(v) = element(t, "artifactId") {
                c.artifact = Some((v.to_owned(), no));
            } else if let Some(v) = element(t, "version") {
                c.version = Some((v.to_owned(), no));
            }
        }
    }
    entries(coords, &props, path)
}

/// Parses a `pom.xml`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    match text.full {
        Some(full) => parse_full(full, path),
        None => Ok(parse_fragment(text, path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<String> {
        parse(&Text::whole(text), "pom.xml")
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
            .collect()
    }

    #[test]
    fn properties_management_parent_and_plugins() {
        let pom = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent>
    <groupId>org.example</groupId>
    <artifactId>parent</artifactId>
    <version>3.1.0</version>
  </parent>
  <artifactId>app</artifactId>
  <properties>
    <log4j2.version>2.14.1</log4j2.version>
    <jackson>2.${jackson.minor}</jackson>
    <jackson.minor>13.0</jackson.minor>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-core</artifactId>
        <version>${log4j2.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson}</version>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>sibling</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.example</groupId>
      <artifactId>ranged</artifactId>
      <version>[1.0,2.0)</version>
    </dependency>
    <dependency>
      <groupId>org.example</groupId>
      <artifactId>from-bom</artifactId>
    </dependency>
    <dependency>
      <groupId>org.example</groupId>
      <artifactId>unknown-prop</artifactId>
      <version>${not.here}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.2.5</version>
      </plugin>
    </plugins>
  </build>
</project>
"#;
        assert_eq!(
            rows(pom),
            [
                "org.example:parent@3.1.0:6!",
                // log4j-core's version comes from dependencyManagement, via the property.
                "com.fasterxml.jackson.core:jackson-databind@2.13.0:12!",
                "org.example:sibling@3.1.0:6!",
                "org.example:ranged@[1.0,2.0):41",
                "org.example:from-bom@:43",
                "org.example:unknown-prop@:47",
                "org.apache.logging.log4j:log4j-core@2.14.1:10!",
                "org.apache.maven.plugins:maven-surefire-plugin@3.2.5:57!",
            ]
        );
        // The same lines as a diff fragment.
        let lines: Vec<(u32, &str)> = pom
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l))
            .collect();
        let frag = parse(&Text::fragment(lines), "pom.xml").unwrap();
        assert!(frag
            .iter()
            .any(|e| e.dep.name == "org.apache.logging.log4j:log4j-core"
                && e.dep.version.as_deref() == Some("2.14.1")));
    }

    #[test]
    fn malformed_and_foreign_xml_name_the_line() {
        let e = parse(
            &Text::whole("<project>\n  <dependencies>\n  </dependency>\n</project>\n"),
            "pom.xml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("pom.xml:3:"), "{e}");
        let e = parse(
            &Text::whole("<?xml version=\"1.0\"?>\n<settings/>\n"),
            "pom.xml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("pom.xml:2:"), "{e}");
        let e = parse(
            &Text::whole("<!DOCTYPE p [<!ENTITY a \"b\">]>\n<project/>\n"),
            "pom.xml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("pom.xml:1:"), "DTDs are refused: {e}");
    }
}
