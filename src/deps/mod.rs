//! Manifest and lockfile parsers per ecosystem, and the dependency diff between base and head:
//! which (name, version, where declared) entries a change adds, upgrades, downgrades or removes.

use serde::{Deserialize, Serialize};

use crate::checks::Context;
use crate::error::Result;

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

/// Where a dependency is fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepSource {
    /// The ecosystem's default registry (or an unknown source).
    Registry,
    /// Another registry or index URL.
    OtherRegistry(String),
    /// A git repository.
    Git(String),
    /// A direct URL (tarball, wheel).
    Url(String),
    /// A local path.
    Path(String),
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dep {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name as declared.
    pub name: String,
    /// Exact version when pinned/locked; the requirement text for manifests; None when absent.
    pub version: Option<String>,
    /// Whether `version` is an exact, resolved version (lockfile or `==` pin).
    pub exact: bool,
    /// File that declares it (head path).
    pub path: String,
    /// 1-based line in that file, when known.
    pub line: Option<u32>,
    /// Fetch source.
    pub source: DepSource,
}

/// How a dependency changed between base and head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    /// New at head.
    Added,
    /// Version went up (`from` = base version).
    Upgraded {
        /// Base version.
        from: String,
    },
    /// Version went down (`from` = base version).
    Downgraded {
        /// Base version.
        from: String,
    },
    /// Gone at head (`dep` describes the base entry).
    Removed,
}

/// One dependency change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepChange {
    /// The dependency as at head (as at base for `Removed`).
    pub dep: Dep,
    /// What happened.
    pub kind: ChangeKind,
}

/// Every dependency change in the change set: manifests and lockfiles anywhere in the tree, plus
/// install commands (`pip install x`, `npm i x`, …) in added lines.
pub fn collect(_ctx: &Context<'_>) -> Result<Vec<DepChange>> {
    Ok(Vec::new())
}
