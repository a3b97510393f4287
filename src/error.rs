//! Typed errors for the whole library. Every variant that concerns a file carries its path
//! (and line where known) so `main` can print one clear line and exit 2.

use std::path::PathBuf;

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside guardrail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file's content could not be understood (`line` is 1-based when known).
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A rule could not be loaded or compiled.
    #[error("{}{}: rule `{rule}`: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Rule {
        path: PathBuf,
        line: Option<usize>,
        rule: String,
        message: String,
    },
    /// A git command failed.
    #[error("git {args}: {message}")]
    Git { args: String, message: String },
    /// The configuration is invalid.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// An input exceeds a configured limit.
    #[error("{}: {message}", path.display())]
    Limit { path: PathBuf, message: String },
    /// A forge API call failed.
    #[error("{forge} API: {message}")]
    Forge {
        forge: &'static str,
        message: String,
    },
    /// The ledger is invalid or could not be written.
    #[error("ledger {}: {message}", path.display())]
    Ledger { path: PathBuf, message: String },
    /// The advisory database is unusable.
    #[error("advisory database {}: {message}", path.display())]
    Db { path: PathBuf, message: String },
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A parse error on `path` at an optional 1-based `line`.
    pub(crate) fn parse(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Error::Parse {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}
