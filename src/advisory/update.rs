//! `guardrail db update`: fetches RustSec (git) and OSV per-ecosystem `all.zip` archives (HTTPS)
//! and replaces the store with the result in one atomic swap. Any failure leaves the old store in
//! place. Base URLs come from [`UpdateOptions`] so tests can point them at a local server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::import::{now_rfc3339, Collector};
use super::{write_store, Advisory, Meta, SourceInfo};
use crate::ecosystem::Ecosystem;
use crate::error::{Error, Result};

/// Default RustSec repository.
pub(crate) const RUSTSEC_URL: &str = "https://github.com/rustsec/advisory-db.git";
/// Default OSV bucket (`<base>/<ecosystem>/all.zip`).
pub(crate) const OSV_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// What to fetch.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// RustSec git URL (None: skip RustSec).
    pub rustsec_url: Option<String>,
    /// OSV base URL (None: skip OSV).
    pub osv_url: Option<String>,
    /// OSV ecosystems to fetch.
    pub ecosystems: Vec<Ecosystem>,
    /// PyPI simple index (every project name) for the offline existence check, fetched when
    /// PyPI is among `ecosystems` (None: skip; the stored set, if any, is kept).
    pub pypi_names_url: Option<String>,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            rustsec_url: Some(RUSTSEC_URL.into()),
            osv_url: Some(OSV_URL.into()),
            ecosystems: crate::ecosystem::ECOSYSTEMS.to_vec(),
            pypi_names_url: Some(super::names::PYPI_SIMPLE_URL.into()),
        }
    }
}

/// What an update did.
#[derive(Debug, Default)]
pub struct UpdateReport {
    /// The store's metadata afterwards.
    pub meta: Meta,
    /// Skipped unreadable records.
    pub warnings: Vec<String>,
    /// Names in the PyPI name set, when it was refreshed.
    pub pypi_names: Option<u64>,
}

fn scratch_dir(db: &Path) -> Result<PathBuf> {
    let parent = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::Db {
        path: parent.to_owned(),
        message: format!("cannot create directory: {e}"),
    })?;
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let p = parent.join(format!(".guardrail-update-{}-{stamp}", std::process::id()));
    std::fs::create_dir(&p).map_err(|e| Error::Db {
        path: p.clone(),
        message: format!("cannot create directory: {e}"),
    })?;
    Ok(p)
}

/// Fetches every source and replaces the store at `db`.
pub async fn update(db: &Path, opts: &UpdateOptions) -> Result<UpdateReport> {
    let scratch = scratch_dir(db)?;
    let result = fetch_all(db, &scratch, opts).await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

async fn fetch_all(db: &Path, scratch: &Path, opts: &UpdateOptions) -> Result<UpdateReport> {
    let mut records: BTreeMap<String, Advisory> = BTreeMap::new();
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    let now = now_rfc3339();
    if let Some(url) = &opts.rustsec_url {
        let dest = scratch.join("advisory-db");
        let rev = crate::git::clone_shallow(url, &dest)?;
        let mut c = Collector::default();
        c.input(&dest.join("crates"))?;
        warnings.append(&mut c.warnings);
        sources.push(SourceInfo {
            name: "rustsec".into(),
            location: url.clone(),
            revision: Some(rev),
            date: c.newest.clone(),
            imported: now.clone(),
            records: c.records.len(),
        });
        records.append(&mut c.records);
    }
    #[cfg(not(feature = "network"))]
    if opts.osv_url.is_some() {
        return Err(Error::Db {
            path: db.to_owned(),
            message: "OSV download: this guardrail was built without the `network` feature".into(),
        });
    }
    #[cfg(feature = "network")]
    if let Some(base) = &opts.osv_url {
        let client = reqwest::Client::builder()
            .user_agent(concat!("guardrail/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Db {
                path: db.to_owned(),
                message: format!("HTTP client: {e}"),
            })?;
        for eco in &opts.ecosystems {
            // `GitHub Actions` has a space: the bucket's path spells it `GitHub%20Actions`.
            let url = format!(
                "{}/{}/all.zip",
                base.trim_end_matches('/'),
                eco.as_str().replace(' ', "%20")
            );
            let fail = |m: String| Error::Db {
                path: PathBuf::from(&url),
                message: m,
            };
            let resp = client
                .get(&url)
                .send()
                .await
                .map_err(|e| fail(format!("download failed: {e}")))?;
            if !resp.status().is_success() {
                return Err(fail(format!("download failed: HTTP {}", resp.status())));
            }
            let etag = resp
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim_matches('"').to_owned());
            let last_modified = resp
                .headers()
                .get("last-modified")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = resp
                .bytes()
                .await
                .map_err(|e| fail(format!("download interrupted: {e}")))?;
            let mut c = Collector::default();
            c.zip(std::io::Cursor::new(body.as_ref()), Path::new(&url))?;
            warnings.append(&mut c.warnings);
            let digest = {
                use sha2::{Digest, Sha256};
                format!("sha256:{}", hex::encode(Sha256::digest(body.as_ref())))
            };
            sources.push(SourceInfo {
                name: format!("osv-{}", eco.as_str()),
                location: url.clone(),
                revision: etag.map(|e| format!("etag:{e}")).or(Some(digest)),
                date: last_modified.or(c.newest.clone()),
                imported: now.clone(),
                records: c.records.len(),
            });
            // RustSec's own records win over their OSV copies (same ids).
            for (id, a) in c.records {
                records.entry(id).or_insert(a);
            }
        }
    }
    #[cfg(feature = "network")]
    let names = match &opts.pypi_names_url {
        Some(url) if opts.ecosystems.contains(&Ecosystem::PyPI) => {
            Some(fetch_pypi_names(db, url).await?)
        }
        _ => None,
    };
    #[cfg(not(feature = "network"))]
    let names: Option<super::names::NameSet> = None;
    let meta = write_store(db, &records, sources)?;
    let pypi_names = match names {
        Some(set) => {
            set.write(db)?;
            Some(set.count)
        }
        None => None,
    };
    Ok(UpdateReport {
        meta,
        warnings,
        pypi_names,
    })
}

/// Every PyPI project name, from the simple index (PEP 691 JSON, ~30 MB; HTML if the server
/// only speaks PEP 503).
#[cfg(feature = "network")]
async fn fetch_pypi_names(db: &Path, url: &str) -> Result<super::names::NameSet> {
    let fail = |m: String| Error::Db {
        path: PathBuf::from(url),
        message: m,
    };
    let client = reqwest::Client::builder()
        .user_agent(concat!("guardrail/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Db {
            path: db.to_owned(),
            message: format!("HTTP client: {e}"),
        })?;
    let resp = client
        .get(url)
        .header(
            "accept",
            "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
        )
        .send()
        .await
        .map_err(|e| fail(format!("download failed: {e}")))?;
    if !resp.status().is_success() {
        return Err(fail(format!("download failed: HTTP {}", resp.status())));
    }
    let body = resp
        .bytes()
        .await
        .map_err(|e| fail(format!("download interrupted: {e}")))?;
    let names = super::names::parse_simple_index(&body, Path::new(url))?;
    super::names::NameSet::build(
        names.iter().map(String::as_str),
        time::OffsetDateTime::now_utc().unix_timestamp(),
        url,
        Path::new(url),
    )
}
