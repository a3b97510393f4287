//! Go: retracted module versions. A module withdraws versions with `retract` directives in the
//! `go.mod` of its latest version, which is where the `go` command reads them too: from the
//! module cache (`$GOMODCACHE/cache/download/<module>/@v/`) or, unless `--offline`, from the
//! module proxy (`@latest`, then that version's `.mod`). The cache's `list` holds only the
//! versions this machine downloaded, so its newest `go.mod` may predate a retraction: the cache
//! can say "retracted", never "not retracted". Modules matching `GOPRIVATE` / `GONOPROXY` are
//! never sent to a proxy, and `GOPROXY=off` (or only `direct`) means no proxy at all; these
//! settings are read from the environment, else from `go env -w`'s file (`$GOENV`).

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Env;
use crate::ecosystem::version;
use crate::ecosystem::Ecosystem;

/// Largest `list` / `.mod` file read from the module cache.
const MAX_FILE: u64 = 4 << 20;

/// One `retract` directive: a version or an inclusive range, with its rationale (the
/// directive's comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retraction {
    /// Lowest retracted version.
    pub(crate) low: String,
    /// Highest retracted version (equal to `low` for a single version).
    pub(crate) high: String,
    /// The comment before or after the directive.
    pub(crate) rationale: Option<String>,
}

/// A module path in the cache's and the proxy's case encoding (`!` before each capital
/// letter, lowered); None for paths no module could have (which also keeps the result a
/// relative path inside the cache).
pub fn escape(module: &str) -> Option<String> {
    let ok = !module.is_empty()
        && module.len() <= 400
        && !module.starts_with('/')
        && module
            .split('/')
            .all(|e| !e.is_empty() && e != "." && e != "..")
        && module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/+".contains(c));
    if !ok {
        return None;
    }
    let mut out = String::with_capacity(module.len() + 4);
    for c in module.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn cmp(a: &str, b: &str) -> Option<Ordering> {
    version::compare(Ecosystem::Go, a, b)
}

fn is_prerelease(v: &str) -> bool {
    version::parse(Ecosystem::Go, v).is_some_and(|p| match p {
        version::Ver::Semver(s) => !s.pre.is_empty(),
        _ => false,
    })
}

/// The version `go` takes as a module's latest from a `@v/list`: the highest release, else the
/// highest pre-release.
pub fn latest(list: &str) -> Option<&str> {
    let versions: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|v| version::parse(Ecosystem::Go, v).is_some())
        .collect();
    // `+incompatible` versions (v2+ without a go.mod of their own) only count when there is
    // nothing else, as for `go`: their synthesized go.mod cannot retract anything.
    let highest = |release_only: bool, compatible_only: bool| {
        versions
            .iter()
            .copied()
            .filter(|v| !release_only || !is_prerelease(v))
            .filter(|v| !compatible_only || !v.ends_with("+incompatible"))
            .max_by(|a, b| cmp(a, b).unwrap_or(Ordering::Equal))
    };
    highest(true, true)
        .or_else(|| highest(false, true))
        .or_else(|| highest(true, false))
        .or_else(|| highest(false, false))
}

/// A `// comment` at the end of `line`, and the line without it.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    match line.find("//") {
        Some(i) => (line[..i].trim(), Some(line[i + 2..].trim())),
        None => (line.trim(), None),
    }
}

/// One retracted version or `[low, high]` range.
fn retraction(spec: &str, rationale: Option<String>) -> Option<Retraction> {
    let spec = spec.trim();
    let (low, high) = match spec.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(range) => {
            let (a, b) = range.split_once(',')?;
            (a.trim(), b.trim())
        }
        None => (spec, spec),
    };
    // go.mod allows quoted versions.
    let unquote = |v: &str| v.trim().trim_matches('"').trim_matches('`').to_owned();
    let (low, high) = (unquote(low), unquote(high));
    let (low, high) = (low.as_str(), high.as_str());
    if version::parse(Ecosystem::Go, low).is_none() || version::parse(Ecosystem::Go, high).is_none()
    {
        return None;
    }
    Some(Retraction {
        low: low.to_owned(),
        high: high.to_owned(),
        rationale: rationale.filter(|r| !r.is_empty()),
    })
}

/// The `retract` directives of a `go.mod` (single, ranged, and `retract ( … )` blocks). The
/// rationale is the comment block right above a directive, or the comment on its line.
pub fn retractions(gomod: &str) -> Vec<Retraction> {
    let mut out = Vec::new();
    let mut above: Vec<&str> = Vec::new();
    // Inside `retract ( … )`: the comment of the block, for entries without their own.
    let mut block: Option<Option<String>> = None;
    for raw in gomod.lines() {
        let (code, comment) = split_comment(raw);
        if code.is_empty() {
            match comment {
                Some(c) => above.push(c),
                None => above.clear(),
            }
            continue;
        }
        let own = comment
            .map(str::to_owned)
            .filter(|c| !c.is_empty())
            .or_else(|| (!above.is_empty()).then(|| above.join(" ")));
        match &block {
            Some(outer) => {
                if code == ")" {
                    block = None;
                } else if let Some(r) = retraction(code, own.or_else(|| outer.clone())) {
                    out.push(r);
                }
            }
            None => {
                if let Some(rest) = code.strip_prefix("retract") {
                    let rest = rest.trim();
                    if rest == "(" {
                        block = Some(own);
                    } else if let Some(r) = retraction(rest, own) {
                        out.push(r);
                    }
                }
            }
        }
        above.clear();
    }
    out
}

/// The retraction that covers `v`, if any.
pub fn retracted<'a>(rs: &'a [Retraction], v: &str) -> Option<&'a Retraction> {
    rs.iter().find(|r| {
        matches!(cmp(&r.low, v), Some(Ordering::Less | Ordering::Equal))
            && matches!(cmp(v, &r.high), Some(Ordering::Less | Ordering::Equal))
    })
}

/// The module cache: `$GOMODCACHE`, else the first `$GOPATH` entry's `pkg/mod`, else
/// `~/go/pkg/mod`.
pub(crate) fn mod_cache(env: &Env) -> Option<PathBuf> {
    if let Some(c) = env.var_os("GOMODCACHE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(c));
    }
    let gopath = env
        .var_os("GOPATH")
        .filter(|v| !v.is_empty())
        .and_then(|p| std::env::split_paths(&p).next())
        .or_else(|| dirs::home_dir().map(|h| h.join("go")))?;
    Some(gopath.join("pkg").join("mod"))
}

fn read_small(path: &Path) -> Option<String> {
    String::from_utf8(super::read_limited(path, MAX_FILE)?).ok()
}

/// Offline: the retractions the module cache knows for `module` (None when the cache lacks
/// its version list or its latest version's `go.mod`).
pub(crate) fn cached_retractions(cache: &Path, module: &str) -> Option<Vec<Retraction>> {
    let dir = cache
        .join("cache")
        .join("download")
        .join(escape(module)?)
        .join("@v");
    let list = read_small(&dir.join("list"))?;
    let latest = escape(latest(&list)?)?;
    Some(retractions(&read_small(
        &dir.join(format!("{latest}.mod")),
    )?))
}

/// A Go setting: the environment, else the `go env -w` file (`$GOENV`, else
/// `<user config dir>/go/env`), as `go` itself reads it.
pub(crate) fn setting(env: &Env, key: &str) -> Option<String> {
    if let Some(v) = env.var_os(key).and_then(|v| v.to_str()) {
        return Some(v.to_owned());
    }
    let file = match env.var_os("GOENV") {
        Some(f) if f == "off" => return None,
        Some(f) if !f.is_empty() => PathBuf::from(f),
        _ => dirs::config_dir()?.join("go").join("env"),
    };
    let text = read_small(&file)?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').trim_matches('\'').to_owned())
    })
}

/// The proxy to ask: the first URL in `GOPROXY` (default proxy.golang.org); None when
/// `GOPROXY` is `off` or names only `direct` (which would mean cloning repositories).
pub(crate) fn proxy(env: &Env) -> Option<String> {
    let v = setting(env, "GOPROXY").unwrap_or_default();
    let v = if v.trim().is_empty() {
        "https://proxy.golang.org,direct".to_owned()
    } else {
        v
    };
    for entry in v.split([',', '|']).map(str::trim) {
        match entry {
            "off" => return None,
            "direct" | "" => continue,
            url => return Some(url.trim_end_matches('/').to_owned()),
        }
    }
    None
}

/// Whether `module` matches one of Go's comma-separated path-prefix glob lists (`GOPRIVATE`,
/// `GONOPROXY`): each pattern is matched against as many leading path elements as it has.
pub(crate) fn matches_prefix_patterns(patterns: &str, module: &str) -> bool {
    patterns
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|pattern| {
            // `go` ignores a trailing slash (`GOPRIVATE=github.com/corp/`).
            let pattern = pattern.trim_end_matches('/');
            if pattern.is_empty() {
                return false;
            }
            let n = pattern.split('/').count();
            let elems: Vec<&str> = module.split('/').collect();
            if elems.len() < n {
                return false;
            }
            let prefix = elems[..n].join("/");
            globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher().is_match(&prefix))
                .unwrap_or(false)
        })
}

/// The pattern list that keeps modules from the proxy: `GONOPROXY`, else `GOPRIVATE`.
pub(crate) fn private_patterns(env: &Env) -> String {
    setting(env, "GONOPROXY")
        .filter(|v| !v.trim().is_empty())
        .or_else(|| setting(env, "GOPRIVATE"))
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Version")]
    version: String,
}

/// The `Version` of a proxy `@latest` answer.
pub fn latest_from_info(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<Info>(body)
        .ok()
        .map(|i| i.version)
        .filter(|v| version::parse(Ecosystem::Go, v).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_are_case_encoded_and_odd_ones_refused() {
        assert_eq!(
            escape("github.com/Azure/azure-sdk-for-go").as_deref(),
            Some("github.com/!azure/azure-sdk-for-go")
        );
        assert_eq!(
            escape("golang.org/x/net").as_deref(),
            Some("golang.org/x/net")
        );
        for bad in ["", "/etc", "a/../b", "a//b", "a/./b", "a b", "é/x", "a\\b"] {
            assert_eq!(escape(bad), None, "{bad}");
        }
    }

    #[test]
    fn latest_is_the_highest_release_else_the_highest_prerelease() {
        assert_eq!(
            latest("v1.0.0\nv1.10.0\nv1.9.0\nv2.0.0-rc.1\n"),
            Some("v1.10.0")
        );
        assert_eq!(latest("v0.1.0-alpha\nv0.1.0-beta\n"), Some("v0.1.0-beta"));
        assert_eq!(latest("v1.5.0\nv2.0.0+incompatible\n"), Some("v1.5.0"));
        assert_eq!(
            latest("v2.0.0+incompatible\nv3.1.0+incompatible\n"),
            Some("v3.1.0+incompatible")
        );
        assert_eq!(latest("garbage\n\n"), None);
        assert_eq!(latest(""), None);
    }

    #[test]
    fn retract_directives_single_ranged_and_blocks_with_rationale() {
        // The shape of real go.mod files (e.g. golang.org/x/... and the Go docs' examples).
        let gomod = "module example.com/m\n\ngo 1.21\n\n// Published accidentally.\nretract v1.0.0\n\nretract [v1.1.0, v1.1.5] // Data race in Read.\n\nretract (\n\t// Remote-triggered crash in package foo. See CVE-2021-01234.\n\tv1.0.1\n\t[v1.2.0, v1.2.3] // bad release range\n\tv1.3.0\n)\n\nrequire golang.org/x/text v0.3.0\n";
        let rs = retractions(gomod);
        let view: Vec<(&str, &str, Option<&str>)> = rs
            .iter()
            .map(|r| (r.low.as_str(), r.high.as_str(), r.rationale.as_deref()))
            .collect();
        assert_eq!(
            view,
            [
                ("v1.0.0", "v1.0.0", Some("Published accidentally.")),
                ("v1.1.0", "v1.1.5", Some("Data race in Read.")),
                (
                    "v1.0.1",
                    "v1.0.1",
                    Some("Remote-triggered crash in package foo. See CVE-2021-01234.")
                ),
                ("v1.2.0", "v1.2.3", Some("bad release range")),
                ("v1.3.0", "v1.3.0", None),
            ]
        );
        assert_eq!(
            retracted(&rs, "v1.1.3").map(|r| r.low.as_str()),
            Some("v1.1.0")
        );
        assert_eq!(
            retracted(&rs, "v1.2.3").map(|r| r.high.as_str()),
            Some("v1.2.3")
        );
        assert!(retracted(&rs, "v1.1.6").is_none());
        assert!(retracted(&rs, "v1.4.0").is_none());
        assert!(retractions("retract [v1, \nretract (\nnot a version\n").is_empty());
        // The block's own comment is the rationale of entries without one; quoted versions.
        let rs =
            retractions("// Bad releases.\nretract (\n\t\"v1.0.0\"\n\tv1.0.1 // own reason\n)\n");
        let view: Vec<(&str, Option<&str>)> = rs
            .iter()
            .map(|r| (r.low.as_str(), r.rationale.as_deref()))
            .collect();
        assert_eq!(
            view,
            [
                ("v1.0.0", Some("Bad releases.")),
                ("v1.0.1", Some("own reason"))
            ]
        );
    }

    #[test]
    fn module_cache_layout_and_private_patterns() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp
            .path()
            .join("cache/download/github.com/!burnt!sushi/toml/@v");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("list"), "v1.0.0\nv1.2.0\nv1.1.0\n").unwrap();
        std::fs::write(
            dir.join("v1.2.0.mod"),
            "module github.com/BurntSushi/toml\n\nretract v1.1.0 // broken\n",
        )
        .unwrap();
        let rs = cached_retractions(tmp.path(), "github.com/BurntSushi/toml").unwrap();
        assert_eq!(
            retracted(&rs, "v1.1.0").and_then(|r| r.rationale.as_deref()),
            Some("broken")
        );
        assert_eq!(cached_retractions(tmp.path(), "github.com/other/x"), None);
        assert!(matches_prefix_patterns(
            "*.corp.example.com,rsc.io/private",
            "git.corp.example.com/x/y"
        ));
        assert!(matches_prefix_patterns(
            "*.corp.example.com,rsc.io/private",
            "rsc.io/private/quote"
        ));
        assert!(!matches_prefix_patterns(
            "*.corp.example.com,rsc.io/private",
            "rsc.io/quote"
        ));
        assert!(!matches_prefix_patterns("", "golang.org/x/net"));
        assert!(matches_prefix_patterns(
            "github.com/corp/",
            "github.com/corp/x"
        ));
        assert!(!matches_prefix_patterns(
            "github.com/corp/",
            "github.com/corporate/x"
        ));
        assert_eq!(
            latest_from_info(br#"{"Version":"v1.2.0","Time":"2024-01-01T00:00:00Z"}"#).as_deref(),
            Some("v1.2.0")
        );
        assert_eq!(latest_from_info(b"not json"), None);
    }
}
