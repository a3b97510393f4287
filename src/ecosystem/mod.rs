//! Package ecosystems: what each is called, how it compares package names, and how it orders
//! versions ([`version`]). The bottom of the dependency layer: [`crate::deps`] (what a change
//! declares) and [`crate::advisory`] (what is known to be bad) both speak in these terms, and
//! neither needs the other for it.

use serde::{Deserialize, Serialize};

pub mod version;

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
}

impl Ecosystem {
    /// OSV's spelling (also the contract's `package.ecosystem`).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
        }
    }
}

/// All ecosystems.
pub const ECOSYSTEMS: [Ecosystem; 4] = [
    Ecosystem::CratesIo,
    Ecosystem::Npm,
    Ecosystem::PyPI,
    Ecosystem::Go,
];

/// The name an ecosystem compares package names by: crates.io ignores case and `-`/`_`,
/// PyPI follows PEP 503, npm and Go compare exactly.
pub fn normalize_name(eco: Ecosystem, name: &str) -> String {
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
        Ecosystem::Npm | Ecosystem::Go => name.trim().to_owned(),
    }
}
