//! NuGet: `packages.lock.json` (per target framework, `resolved` versions; `Project` entries
//! are local projects and skipped; `contentHash` is the integrity), MSBuild project files
//! (`*.csproj`, `*.fsproj`, `*.vbproj`, `Directory.Build.props`: `PackageReference` with an
//! `Include`/`Update` and a `Version` or `VersionOverride` attribute or child element),
//! central package management (`Directory.Packages.props`: `PackageVersion`), and the older
//! `packages.config` (`<package id version>`). `$(Property)` versions resolve from the file's
//! own `PropertyGroup`s. A plain version is what NuGet restores (the lowest it accepts, which
//! exists); ranges (`[1.0,2.0)`) and floating versions (`1.*`) are requirements.

use std::collections::HashMap;

use super::jsonscan::objects;
use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Parses a `packages.lock.json`.
pub(crate) fn parse_lock(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let mut out: Vec<Entry> = Vec::new();
    for o in &objs {
        let Some(version) = o.get("resolved") else {
            continue;
        };
        if o.get("type") == Some("Project") {
            continue;
        }
        let name = o.key();
        if name.is_empty() {
            continue;
        }
        // The same package under several target frameworks: reported once.
        if out.iter().any(|e| {
            e.dep.name.eq_ignore_ascii_case(name) && e.dep.version.as_deref() == Some(version)
        }) {
            continue;
        }
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::NuGet,
                name: name.to_owned(),
                version: Some(version.to_owned()),
                exact: true,
                path: path.to_owned(),
                line: o.line_of("resolved"),
                source: DepSource::Registry,
            },
            integrity: o.get("contentHash").map(str::to_owned),
            resolved: None,
        });
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}

fn is_exact(v: &str) -> bool {
    crate::ecosystem::nuget::parse(v).is_some()
}

/// Resolves `$(Name)` references from `props` (a few rounds); None while one stays unresolved.
fn resolve(v: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut text = v.trim().to_owned();
    for _ in 0..8 {
        let Some(start) = text.find("$(") else {
            return Some(text);
        };
        let end = start + text[start..].find(')')?;
        let val = props.get(text[start + 2..end].trim())?;
        text = format!("{}{}{}", &text[..start], val, &text[end + 1..]);
    }
    None
}

/// Parses an MSBuild project or props file, or a `packages.config`.
pub(crate) fn parse_xml(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let Some(full) = text.full else {
        return Ok(parse_fragment(text, path));
    };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(full, opts).map_err(|e| {
        parse_error(
            path,
            Some(e.pos().row as usize),
            format!("invalid XML: {e}"),
        )
    })?;
    let lines = super::LineIndex::new(full);
    let line_at = |pos: usize| lines.line(pos);
    let mut props: HashMap<String, String> = HashMap::new();
    for pg in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "PropertyGroup")
    {
        for c in pg.children().filter(|c| c.is_element()) {
            props.insert(
                c.tag_name().name().to_owned(),
                c.text().unwrap_or("").trim().to_owned(),
            );
        }
    }
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        let (name, version_attr) = match tag {
            "PackageReference" | "PackageVersion" | "GlobalPackageReference" => (
                n.attribute("Include").or_else(|| n.attribute("Update")),
                ["VersionOverride", "Version"]
                    .iter()
                    .find_map(|a| n.attribute_node(*a)),
            ),
            "package" => (n.attribute("id"), n.attribute_node("version")),
            _ => continue,
        };
        let Some(name) = name.map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let (raw, line) = match version_attr {
            Some(a) => (Some(a.value().to_owned()), line_at(a.range_value().start)),
            None => match n
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == "Version")
            {
                Some(v) => (
                    Some(v.text().unwrap_or("").to_owned()),
                    line_at(v.range().start),
                ),
                None => (None, line_at(n.range().start)),
            },
        };
        let version = raw.as_deref().and_then(|v| resolve(v, &props));
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::NuGet,
            name: name.to_owned(),
            exact: version.as_deref().is_some_and(is_exact),
            version,
            path: path.to_owned(),
            line: Some(line),
            source: DepSource::Registry,
        }));
    }
    Ok(out)
}

/// The value of `attr="…"` on a line.
fn attr<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = line;
    loop {
        let i = rest.find(name)?;
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = rest[i + name.len()..].trim_start();
        if before_ok {
            if let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start();
                let q = v.chars().next()?;
                if q == '"' || q == '\'' {
                    let end = v[1..].find(q)?;
                    return Some(&v[1..1 + end]);
                }
            }
        }
        rest = &rest[i + name.len()..];
    }
}

/// Reads the one-line elements a diff shows.
fn parse_fragment(text: &Text<'_>, path: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for &(no, raw) in &text.lines {
        let t = raw.trim_start();
        let name = if t.starts_with("<PackageReference")
            || t.starts_with("<PackageVersion")
            || t.starts_with("<GlobalPackageReference")
        {
            attr(t, "Include").or_else(|| attr(t, "Update"))
        } else if t.starts_with("<package ") {
            attr(t, "id")
        } else {
            None
        };
        let Some(name) = name else { continue };
        let version = attr(t, "VersionOverride")
            .or_else(|| attr(t, "Version"))
            .or_else(|| attr(t, "version"))
            .filter(|v| !v.contains("$("));
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::NuGet,
            name: name.to_owned(),
            exact: version.is_some_and(is_exact),
            version: version.map(str::to_owned),
            path: path.to_owned(),
            line: Some(no),
            source: DepSource::Registry,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: Vec<Entry>) -> Vec<String> {
        v.into_iter()
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
    fn project_files_props_and_packages_config() {
        let csproj = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <JsonVersion>13.0.1</JsonVersion>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" Version=\"$(JsonVersion)\" />\n    <PackageReference Include=\"Serilog\"\n                      Version=\"[3.0,4.0)\" />\n    <PackageReference Include=\"Central\" />\n    <PackageReference Include=\"Child\">\n      <Version>1.0.0-rc.1</Version>\n    </PackageReference>\n    <PackageReference Include=\"Floating\" Version=\"2.*\" />\n    <ProjectReference Include=\"..\\Other\\Other.csproj\" />\n  </ItemGroup>\n</Project>\n";
        assert_eq!(
            rows(parse_xml(&Text::whole(csproj), "a.csproj").unwrap()),
            [
                "Newtonsoft.Json@13.0.1:6!",
                "Serilog@[3.0,4.0):8",
                "Central@:9",
                "Child@1.0.0-rc.1:11!",
                "Floating@2.*:13",
            ]
        );
        let config = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  <package id=\"jQuery\" version=\"3.4.1\" targetFramework=\"net48\" />\n</packages>\n";
        assert_eq!(
            rows(parse_xml(&Text::whole(config), "packages.config").unwrap()),
            ["jQuery@3.4.1:3!"]
        );
        let frag = Text::fragment(vec![(
            7,
            "    <PackageVersion Include=\"Newtonsoft.Json\" Version=\"12.0.3\" />",
        )]);
        assert_eq!(
            rows(parse_xml(&frag, "Directory.Packages.props").unwrap()),
            ["Newtonsoft.Json@12.0.3:7!"]
        );
        let e = parse_xml(
            &Text::whole("<Project>\n<ItemGroup>\n</Project>\n"),
            "a.csproj",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("a.csproj:3:"), "{e}");
    }

    #[test]
    fn lockfile_resolved_versions_once_per_package() {
        let lock = "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"Newtonsoft.Json\": {\n        \"type\": \"Direct\",\n        \"requested\": \"[13.0.3, )\",\n        \"resolved\": \"13.0.3\",\n        \"contentHash\": \"abc\"\n      },\n      \"MyLib\": {\n        \"type\": \"Project\"\n      }\n    },\n    \"net8.0/linux-x64\": {\n      \"Newtonsoft.Json\": {\n        \"type\": \"Direct\",\n        \"requested\": \"[13.0.3, )\",\n        \"resolved\": \"13.0.3\"\n      }\n    }\n  }\n}\n";
        let got = parse_lock(&Text::whole(lock), "packages.lock.json").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].integrity.as_deref(), Some("abc"));
        assert_eq!(rows(got), ["Newtonsoft.Json@13.0.3:8!"]);
    }
}
