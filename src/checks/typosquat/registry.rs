//! Online look-ups in each registry's public JSON API, with a short timeout, a concurrency
//! limit and an on-disk cache with a TTL: existence and age for the typosquat check (crates.io
//! `/api/v1/crates/{name}`, npm `/{name}`, PyPI `/pypi/{name}/json`), one version's withdrawn
//! status for the yanked check (crates.io's sparse index, npm `/{name}/{version}`, PyPI
//! `/pypi/{name}/{version}/json`), and raw fetches for other modules (the Go proxy).
//!
//! Base URLs come from `GUARDRAIL_CRATES_API`, `GUARDRAIL_CRATES_INDEX`,
//! `GUARDRAIL_NPM_REGISTRY` and `GUARDRAIL_PYPI_URL` (tests point them at a local server); the cache lives in `GUARDRAIL_REGISTRY_CACHE` or
//! `<user cache dir>/guardrail/registry`. A failed look-up is an error string for the caller to
//! report once; it never fails the run.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::config::Env;
use crate::ecosystem::Ecosystem;

/// What a registry says about a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    /// The registry knows the name (and it was not unpublished).
    pub(crate) exists: bool,
    /// npm: the name existed but every version was unpublished.
    #[serde(default)]
    pub(crate) unpublished: bool,
    /// First publication, as a Unix timestamp (seconds).
    pub(crate) created: Option<i64>,
    /// npm install-time scripts (`preinstall`, `install`, `postinstall`) of the looked-up version.
    #[serde(default)]
    pub(crate) install_scripts: Vec<String>,
    /// The version whose manifest was inspected.
    #[serde(default)]
    pub(crate) version: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CacheEntry<T> {
    fetched: i64,
    meta: T,
}

/// What a registry says about one version (the withdrawn-version check's online look-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VersionStatus {
    /// The registry lists the version.
    pub(crate) listed: bool,
    /// Yanked (crates.io, PyPI) or deprecated (npm).
    pub(crate) withdrawn: bool,
    /// The maintainers' reason, when the registry records one.
    pub(crate) reason: Option<String>,
}

/// A registry response: its body, or one of the answers that need none.
pub(crate) enum Fetched {
    /// 200 with this body.
    Body(Vec<u8>),
    /// 404 / 410: the registry does not have it.
    NotFound,
    /// Larger than [`MAX_BODY`].
    TooBig,
}

/// The JSON of a 200 body.
fn json(url: &str, body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("{url}: invalid JSON: {e}"))
}

/// One look-up request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// Ecosystem.
    pub(crate) ecosystem: Ecosystem,
    /// Name as declared.
    pub(crate) name: String,
    /// Exact version, when the change pins one.
    pub(crate) version: Option<String>,
}

/// Registry client settings.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    crates: String,
    crates_index: String,
    npm: String,
    pypi: String,
    cache_dir: Option<PathBuf>,
    /// Per-request timeout.
    pub(crate) timeout: Duration,
    /// Requests in flight at once.
    pub(crate) concurrency: usize,
    /// Cache lifetime of a found name, seconds.
    pub(crate) ttl_found: i64,
    /// Cache lifetime of a missing name, seconds (short: someone may register it any time).
    pub(crate) ttl_missing: i64,
}

/// Largest registry document read (npm documents of old packages are many MB); a bigger one is
/// taken as "exists, long established".
#[cfg(feature = "network")]
const MAX_BODY: usize = 16 * 1024 * 1024;

fn env_or(env: &Env, key: &str, default: &str) -> String {
    env.var(key)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or(default)
        .trim_end_matches('/')
        .to_owned()
}

impl Client {
    /// Endpoints and cache directory from the environment, with the public registries as defaults.
    pub(crate) fn from_env(env: &Env) -> Client {
        let cache_dir = env
            .var_os("GUARDRAIL_REGISTRY_CACHE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("guardrail").join("registry")));
        Client {
            crates: env_or(env, "GUARDRAIL_CRATES_API", "https://crates.io"),
            crates_index: env_or(env, "GUARDRAIL_CRATES_INDEX", "https://index.crates.io"),
            npm: env_or(env, "GUARDRAIL_NPM_REGISTRY", "https://registry.npmjs.org"),
            pypi: env_or(env, "GUARDRAIL_PYPI_URL", "https://pypi.org"),
            cache_dir,
            timeout: Duration::from_secs(5),
            concurrency: 8,
            ttl_found: 24 * 3600,
            ttl_missing: 3600,
        }
    }

    fn url(&self, q: &Query) -> String {
        match q.ecosystem {
            Ecosystem::CratesIo => format!("{}/api/v1/crates/{}", self.crates, q.name),
            // Scoped names keep the `@` and encode the slash, as npm clients do.
            Ecosystem::Npm => format!("{}/{}", self.npm, q.name.replace('/', "%2F")),
            Ecosystem::PyPI => format!("{}/pypi/{}/json", self.pypi, q.name),
            Ecosystem::Go
            | Ecosystem::Maven
            | Ecosystem::RubyGems
            | Ecosystem::Packagist
            | Ecosystem::NuGet
            | Ecosystem::GitHubActions => String::new(),
        }
    }

    fn cache_path(&self, kind: &str, q: &Query) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        let id = format!(
            "{kind}{}\0{}\0{}",
            q.ecosystem.as_str(),
            q.name,
            q.version.as_deref().unwrap_or("")
        );
        let digest = crate::finding::sha256_hex(id.as_bytes());
        Some(
            dir.join(q.ecosystem.as_str())
                .join(format!("{}.json", &digest[..32])),
        )
    }

    fn cached<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        q: &Query,
        now: i64,
        ttl: impl Fn(&T) -> i64,
    ) -> Option<T> {
        let bytes = std::fs::read(self.cache_path(kind, q)?).ok()?;
        let e: CacheEntry<T> = serde_json::from_slice(&bytes).ok()?;
        (now >= e.fetched && now - e.fetched < ttl(&e.meta)).then_some(e.meta)
    }

    fn store<T: Serialize>(&self, kind: &str, q: &Query, meta: &T, now: i64) {
        // A cache that cannot be written only costs a later re-fetch.
        let Some(path) = self.cache_path(kind, q) else {
            return;
        };
        let Some(dir) = path.parent() else { return };
        let entry = CacheEntry { fetched: now, meta };
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            crate::rules::write_atomic(dir, &path, &bytes);
        }
    }

    /// Looks every query up (cache first); one result per query, in order. `Err` carries a
    /// one-line reason (timeout, connection refused, unexpected status).
    pub(crate) fn lookup_all(&self, queries: &[Query]) -> Vec<Result<Meta, String>> {
        let ttl = |m: &Meta| {
            if m.exists {
                self.ttl_found
            } else {
                self.ttl_missing
            }
        };
        self.cached_or_fetched(
            "",
            queries,
            ttl,
            |q| self.url(q),
            |q, f| {
                let empty = |exists| Meta {
                    exists,
                    unpublished: false,
                    created: None,
                    install_scripts: Vec::new(),
                    version: None,
                };
                Ok(match f {
                    Fetched::NotFound => empty(false),
                    Fetched::TooBig => empty(true),
                    Fetched::Body(b) => {
                        parse(q.ecosystem, &json(&self.url(q), &b)?, q.version.as_deref())
                    }
                })
            },
        )
    }

    /// Whether each query's exact version is listed and withdrawn (crates.io: the crate's
    /// file in the sparse index, served by a CDN without the API's rate limit; npm
    /// `/{name}/{version}`; PyPI `/pypi/{name}/{version}/json`). Cached like
    /// [`Client::lookup_all`]; a version can be yanked later, so answers live
    /// [`Client::ttl_missing`].
    pub(crate) fn version_status_all(
        &self,
        queries: &[Query],
    ) -> Vec<Result<VersionStatus, String>> {
        let ttl = |_: &VersionStatus| self.ttl_missing;
        self.cached_or_fetched(
            "version-status\0",
            queries,
            ttl,
            |q| self.version_url(q),
            |q, f| {
                Ok(match f {
                    Fetched::NotFound | Fetched::TooBig => VersionStatus {
                        listed: false,
                        withdrawn: false,
                        reason: None,
                    },
                    Fetched::Body(b) if q.ecosystem == Ecosystem::CratesIo => {
                        crates_index_status(&b, q.version.as_deref().unwrap_or(""))
                    }
                    Fetched::Body(b) => {
                        version_status(q.ecosystem, &json(&self.version_url(q), &b)?)
                    }
                })
            },
        )
    }

    /// Fetches `url(query)` for each query (cache first, under `kind`, kept `ttl` seconds) and
    /// reads each response with `read`: for look-ups other modules define (the Go proxy).
    pub(crate) fn fetch_all<T: Serialize + serde::de::DeserializeOwned + Clone + Send>(
        &self,
        kind: &str,
        queries: &[Query],
        ttl: i64,
        url: impl Fn(&Query) -> String,
        read: impl Fn(&Query, Fetched) -> Result<T, String> + Sync,
    ) -> Vec<Result<T, String>> {
        self.cached_or_fetched(kind, queries, |_| ttl, url, read)
    }

    fn version_url(&self, q: &Query) -> String {
        let v = q.version.as_deref().unwrap_or("");
        match q.ecosystem {
            Ecosystem::CratesIo => format!(
                "{}/{}",
                self.crates_index,
                crate::checks::yanked::index_path(&q.name).unwrap_or_default()
            ),
            Ecosystem::Npm => format!("{}/{}/{v}", self.npm, q.name.replace('/', "%2F")),
            Ecosystem::PyPI => format!("{}/pypi/{}/{v}/json", self.pypi, q.name),
            Ecosystem::Go
            | Ecosystem::Maven
            | Ecosystem::RubyGems
            | Ecosystem::Packagist
            | Ecosystem::NuGet
            | Ecosystem::GitHubActions => String::new(),
        }
    }

    fn cached_or_fetched<T: Serialize + serde::de::DeserializeOwned + Clone + Send>(
        &self,
        kind: &str,
        queries: &[Query],
        ttl: impl Fn(&T) -> i64,
        url: impl Fn(&Query) -> String,
        read: impl Fn(&Query, Fetched) -> Result<T, String> + Sync,
    ) -> Vec<Result<T, String>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut out: Vec<Option<Result<T, String>>> = queries
            .iter()
            .map(|q| self.cached(kind, q, now, &ttl).map(Ok))
            .collect();
        let todo: Vec<usize> = (0..queries.len()).filter(|&i| out[i].is_none()).collect();
        if !todo.is_empty() {
            let urls: Vec<String> = todo.iter().map(|&i| url(&queries[i])).collect();
            // A private runtime on its own thread: safe whether or not the caller is async.
            let fetched = std::thread::scope(|s| {
                s.spawn(|| self.fetch_many(&urls))
                    .join()
                    .unwrap_or_else(|_| {
                        (0..urls.len())
                            .map(|_| Err("registry look-up thread failed".to_owned()))
                            .collect()
                    })
            });
            for (i, r) in todo.into_iter().zip(fetched) {
                let r = r.and_then(|f| read(&queries[i], f));
                if let Ok(m) = &r {
                    self.store(kind, &queries[i], m, now);
                }
                out[i] = Some(r);
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err("not looked up".to_owned())))
            .collect()
    }

    #[cfg(not(feature = "network"))]
    fn fetch_many(&self, urls: &[String]) -> Vec<Result<Fetched, String>> {
        urls.iter()
            .map(|_| Err("built without the `network` feature".to_owned()))
            .collect()
    }

    #[cfg(feature = "network")]
    fn fetch_many(&self, urls: &[String]) -> Vec<Result<Fetched, String>> {
        let fail = |e: String| urls.iter().map(|_| Err(e.clone())).collect();
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => return fail(format!("cannot start the HTTP runtime: {e}")),
        };
        let http = match reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(3)))
            .user_agent(concat!(
                "guardrail/",
                env!("CARGO_PKG_VERSION"),
                " (dependency check)"
            ))
            .build()
        {
            Ok(c) => c,
            Err(e) => return fail(format!("cannot build the HTTP client: {e}")),
        };
        rt.block_on(async {
            let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(self.concurrency.max(1)));
            let mut tasks = tokio::task::JoinSet::new();
            for (slot, url) in urls.iter().enumerate() {
                let url = url.clone();
                let http = http.clone();
                let permits = permits.clone();
                tasks.spawn(async move {
                    let _permit = permits.acquire_owned().await;
                    (slot, fetch_one(&http, &url).await)
                });
            }
            let mut results: Vec<Result<Fetched, String>> = urls
                .iter()
                .map(|_| Err("look-up did not finish".to_owned()))
                .collect();
            while let Some(done) = tasks.join_next().await {
                if let Ok((slot, r)) = done {
                    results[slot] = r;
                }
            }
            results
        })
    }
}

#[cfg(feature = "network")]
async fn fetch_one(http: &reqwest::Client, url: &str) -> Result<Fetched, String> {
    let mut resp = http
        .get(url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| one_line(&e))?;
    let status = resp.status();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
        return Ok(Fetched::NotFound);
    }
    if !status.is_success() {
        return Err(format!("{url}: HTTP {status}"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| one_line(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Ok(Fetched::TooBig);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched::Body(body))
}

#[cfg(feature = "network")]
fn one_line(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s.replace('\n', " ")
}

fn timestamp(v: &Value) -> Option<i64> {
    OffsetDateTime::parse(v.as_str()?, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// A version's status in a crate's sparse-index file (one JSON line per published version).
pub(crate) fn crates_index_status(body: &[u8], version: &str) -> VersionStatus {
    #[derive(Deserialize)]
    struct Line {
        vers: String,
        #[serde(default)]
        yanked: bool,
    }
    let found = body
        .split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<Line>(l).ok())
        .find(|l| l.vers == version);
    VersionStatus {
        listed: found.is_some(),
        withdrawn: found.is_some_and(|l| l.yanked),
        reason: None,
    }
}

/// Reads a registry's per-version JSON document (200 response).
pub(crate) fn version_status(eco: Ecosystem, doc: &Value) -> VersionStatus {
    let text = |v: &Value| v.as_str().and_then(crate::checks::yanked::clean_reason);
    let (withdrawn, reason) = match eco {
        Ecosystem::CratesIo => (doc["version"]["yanked"] == Value::Bool(true), None),
        Ecosystem::Npm => {
            let r = text(&doc["deprecated"]);
            (r.is_some(), r)
        }
        Ecosystem::PyPI => (
            doc["info"]["yanked"] == Value::Bool(true),
            text(&doc["info"]["yanked_reason"]),
        ),
        Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => (false, None),
    };
    VersionStatus {
        listed: true,
        withdrawn,
        reason: reason.filter(|_| withdrawn),
    }
}

/// Reads a registry's JSON document (200 response).
pub(crate) fn parse(eco: Ecosystem, doc: &Value, version: Option<&str>) -> Meta {
    let mut meta = Meta {
        exists: true,
        unpublished: false,
        created: None,
        install_scripts: Vec::new(),
        version: None,
    };
    match eco {
        Ecosystem::CratesIo => {
            meta.created = timestamp(&doc["crate"]["created_at"]);
        }
        Ecosystem::Npm => {
            meta.created = timestamp(&doc["time"]["created"]);
            let versions = doc["versions"].as_object();
            if versions.is_none_or(|v| v.is_empty()) && !doc["time"]["unpublished"].is_null() {
                meta.exists = false;
                meta.unpublished = true;
                return meta;
            }
            let chosen = version
                .filter(|v| versions.is_some_and(|vs| vs.contains_key(*v)))
                .map(str::to_owned)
                .or_else(|| doc["dist-tags"]["latest"].as_str().map(str::to_owned));
            if let Some(v) = chosen {
                let scripts = &doc["versions"][v.as_str()]["scripts"];
                for s in ["preinstall", "install", "postinstall"] {
                    if scripts[s].is_string() {
                        meta.install_scripts.push(s.to_owned());
                    }
                }
                meta.version = Some(v);
            }
        }
        Ecosystem::PyPI => {
            let mut first: Option<i64> = None;
            if let Some(releases) = doc["releases"].as_object() {
                for files in releases.values() {
                    for f in files.as_array().into_iter().flatten() {
                        if let Some(t) = timestamp(&f["upload_time_iso_8601"]) {
                            first = Some(first.map_or(t, |x| x.min(t)));
                        }
                    }
                }
            }
            meta.created = first;
        }
        Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => {}
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_each_registry() {
        let c = parse(
            Ecosystem::CratesIo,
            &json!({"crate": {"id": "tokio", "created_at": "2016-07-01T20:04:53.000000+00:00"}}),
            None,
        );
        assert!(c.exists);
        assert_eq!(c.created, Some(1_467_403_493));
        let n = parse(
            Ecosystem::Npm,
            &json!({"name": "x", "dist-tags": {"latest": "1.0.1"}, "time": {"created": "2024-01-01T00:00:00.000Z"},
                    "versions": {"1.0.0": {"scripts": {}}, "1.0.1": {"scripts": {"postinstall": "node i.js", "test": "x"}}}}),
            None,
        );
        assert_eq!(n.install_scripts, vec!["postinstall".to_owned()]);
        assert_eq!(n.version.as_deref(), Some("1.0.1"));
        let pinned = parse(
            Ecosystem::Npm,
            &json!({"dist-tags": {"latest": "1.0.1"}, "versions": {"1.0.0": {"scripts": {}}, "1.0.1": {"scripts": {"install": "x"}}}}),
            Some("1.0.0"),
        );
        assert!(pinned.install_scripts.is_empty());
        let gone = parse(
            Ecosystem::Npm,
            &json!({"name": "x", "time": {"created": "2024-01-01T00:00:00.000Z", "unpublished": {"time": "2024-01-02T00:00:00.000Z"}}}),
            None,
        );
        assert!(!gone.exists && gone.unpublished);
        let p = parse(
            Ecosystem::PyPI,
            &json!({"info": {"name": "x"}, "releases": {"0.2": [{"upload_time_iso_8601": "2020-01-02T00:00:00.000000Z"}],
                    "0.1": [{"upload_time_iso_8601": "2020-01-01T00:00:00.000000Z"}], "0.0": []}}),
            None,
        );
        assert_eq!(p.created, Some(1_577_836_800));
    }

    #[test]
    fn version_documents_say_withdrawn_with_the_maintainers_reason() {
        let c = version_status(
            Ecosystem::CratesIo,
            &json!({"version": {"crate": "smallvec", "num": "0.6.9", "yanked": true}}),
        );
        assert_eq!((c.listed, c.withdrawn, c.reason), (true, true, None));
        let n = version_status(
            Ecosystem::Npm,
            &json!({"version": "1.0.6", "deprecated": "leaks\u{1b}[31m memory\n"}),
        );
        assert_eq!(
            (n.withdrawn, n.reason.as_deref()),
            (true, Some("leaks [31m memory"))
        );
        // npm un-deprecates with "": not withdrawn.
        let un = version_status(
            Ecosystem::Npm,
            &json!({"version": "1.0.0", "deprecated": ""}),
        );
        assert!(!un.withdrawn && un.reason.is_none());
        let p = version_status(
            Ecosystem::PyPI,
            &json!({"info": {"yanked": true, "yanked_reason": "broken wheel"}}),
        );
        assert_eq!(
            (p.withdrawn, p.reason.as_deref()),
            (true, Some("broken wheel"))
        );
        let ok = version_status(
            Ecosystem::PyPI,
            &json!({"info": {"yanked": false, "yanked_reason": "stale text"}}),
        );
        assert!(ok.listed && !ok.withdrawn && ok.reason.is_none());
        let mut c = Client::from_env(&Env::default());
        (c.crates, c.npm, c.pypi) = ("http://c".into(), "http://n".into(), "http://p".into());
        let q = |e, n: &str| Query {
            ecosystem: e,
            name: n.into(),
            version: Some("1.0.0".into()),
        };
        c.crates_index = "http://i".into();
        assert_eq!(
            c.version_url(&q(Ecosystem::CratesIo, "serde")),
            "http://i/se/rd/serde"
        );
        let index = b"{\"name\":\"smallvec\",\"vers\":\"0.6.9\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":true}\n{\"name\":\"smallvec\",\"vers\":\"0.6.10\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":false}\nnot json\n";
        assert_eq!(
            crates_index_status(index, "0.6.9"),
            VersionStatus {
                listed: true,
                withdrawn: true,
                reason: None
            }
        );
        assert!(!crates_index_status(index, "0.6.10").withdrawn);
        assert!(!crates_index_status(index, "0.6.1").listed);
        assert_eq!(
            c.version_url(&q(Ecosystem::Npm, "@types/node")),
            "http://n/@types%2Fnode/1.0.0"
        );
        assert_eq!(
            c.version_url(&q(Ecosystem::PyPI, "requests")),
            "http://p/pypi/requests/1.0.0/json"
        );
    }

    #[test]
    fn urls_encode_npm_scopes() {
        let mut c = Client::from_env(&Env::default());
        c.npm = "http://r".into();
        let q = Query {
            ecosystem: Ecosystem::Npm,
            name: "@types/node".into(),
            version: None,
        };
        assert_eq!(c.url(&q), "http://r/@types%2Fnode");
    }
}
