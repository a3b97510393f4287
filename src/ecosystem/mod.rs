//! Package ecosystems: what each is called, how it compares package names, and how it orders
//! versions ([`version`]). The bottom of the dependency layer: [`crate::deps`] (what a change
//! declares) and [`crate::advisory`] (what is known to be bad) both speak in these terms, and
//! neither needs the other for it.

use serde::{Deserialize, Serialize};

pub(crate) mod maven;
pub(crate) mod nuget;
pub(crate) mod packagist;
pub(crate) mod rubygems;
pub(crate) mod version;

/// A package ecosystem, spelled as OSV spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    /// Rust crates.
    #[serde(rename = "crates.io")]
    CratesIo,
    /// npm packages.
    #[serde(rename = "npm")]
    Npm,
    /// Python packages.
    #[serde(rename = "PyPI")]
    PyPI,
    /// Go modules.
    #[serde(rename = "Go")]
    Go,
    /// Maven Central (and Gradle) artifacts, named `groupId:artifactId`.
    #[serde(rename = "Maven")]
    Maven,
    /// Ruby gems.
    #[serde(rename = "RubyGems")]
    RubyGems,
    /// PHP Composer packages (Packagist), named `vendor/package`.
    #[serde(rename = "Packagist")]
    Packagist,
    /// .NET packages.
    #[serde(rename = "NuGet")]
    NuGet,
    /// GitHub Actions, named `owner/repo` (the ref a workflow `uses:` is the version).
    #[serde(rename = "GitHub Actions")]
    GitHubActions,
}

impl Ecosystem {
    /// OSV's spelling (also the contract's `package.ecosystem`).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::Maven => "Maven",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::GitHubActions => "GitHub Actions",
        }
    }
}

/// All ecosystems.
pub const ECOSYSTEMS: [Ecosystem; 9] = [
    Ecosystem::CratesIo,
    Ecosystem::Npm,
    Ecosystem::PyPI,
    Ecosystem::Go,
    Ecosystem::Maven,
    Ecosystem::RubyGems,
    Ecosystem::Packagist,
    Ecosystem::NuGet,
    Ecosystem::GitHubActions,
];

/// The ecosystem of an OSV `package.ecosystem` string, when guardrail checks it.
pub(crate) fn from_osv(s: &str) -> Option<Ecosystem> {
    ECOSYSTEMS.into_iter().find(|e| e.as_str() == s)
}

/// The name an ecosystem compares package names by: crates.io ignores case and `-`/`_`,
/// PyPI follows PEP 503, npm, Go and Maven compare exactly; RubyGems, Packagist, NuGet and
/// GitHub (owner/repo) ignore case (RubyGems names are case-sensitive on the registry, but OSV
/// and Bundler spell them as published, and two gems differing only in case are refused since
/// RubyGems 2.x, so folding case loses nothing).
pub(crate) fn normalize_name(eco: Ecosystem, name: &str) -> String {
    match eco {
        Ecosystem::CratesIo => name.trim().to_ascii_lowercase().replace('-', "_"),
        Ecosystem::PyPI => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.trim().chars() {
                if c == '-' || c == '_' || c == '.' {
                    sep = true;
                    continue;
                }
                if sep && !out.is_empty() {
                    out.push('-');
                }
                sep = false;
                out.push(c.to_ascii_lowercase());
            }
            out
        }
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Maven => name.trim().to_owned(),
        Ecosystem::RubyGems | Ecosystem::Packagist | Ecosystem::NuGet => {
            name.trim().to_ascii_lowercase()
        }
        // `uses: owner/repo/path@ref`: the advisory names the repository.
        Ecosystem::GitHubActions => {
            let t = name.trim().to_ascii_lowercase();
            let mut parts = t.splitn(3, '/');
            match (parts.next(), parts.next()) {
                (Some(o), Some(r)) => format!("{o}/{r}"),
                _ => t,
            }
        }
    }
}
