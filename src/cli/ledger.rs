//! `guardrail ledger …` arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Ledger commands. Exit codes: 0 ok, 1 the ledger (or proof) does not verify, 2 error.
#[derive(Debug, Clone, Subcommand)]
pub enum LedgerCommand {
    /// Check the whole chain, every checkpoint's root against the recomputed Merkle tree, and
    /// (with --pubkey) checkpoint signatures; exit 1 naming the first bad entry.
    Verify(VerifyArgs),
    /// Print entries, optionally filtered.
    Show(ShowArgs),
    /// Print an RFC 9162 inclusion proof (JSON) for entry N (1-based, = line number).
    Prove(ProveArgs),
    /// Print an RFC 9162 consistency proof (JSON) from the first OLD_SIZE entries to now.
    Consistency(ConsistencyArgs),
    /// Check an inclusion or consistency proof printed by `prove` / `consistency`.
    VerifyProof(VerifyProofArgs),
    /// Make an Ed25519 key pair for signing checkpoints (PREFIX.key, mode 0600; PREFIX.pub).
    Keygen(KeygenArgs),
    /// Sign the ledger's current size and Merkle root (C2SP checkpoint) and store it beside
    /// the ledger.
    Checkpoint(CheckpointArgs),
    /// Test helper: append COUNT note entries, one append each.
    #[command(hide = true)]
    DebugAppend(DebugAppendArgs),
}

/// Which ledger.
#[derive(Debug, Clone, Args)]
pub struct Location {
    /// Ledger location: a file path, or `git:REF` (default: .git/guardrail/ledger.jsonl).
    #[arg(long, value_name = "PATH|git:REF", env = "GUARDRAIL_LEDGER")]
    pub ledger: Option<String>,
}

/// Output format of ledger commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// `ledger verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Ledger file or `git:REF` (default: --ledger, else .git/guardrail/ledger.jsonl).
    #[arg(value_name = "PATH|git:REF")]
    pub path: Option<String>,
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
    /// Verifier key (`name+id+key`, or a file holding it); every checkpoint must be signed by
    /// one of them (repeatable).
    #[arg(long = "pubkey", value_name = "KEY")]
    pub pubkeys: Vec<String>,
    /// With --pubkey: entries older than this must be covered by a signed checkpoint
    /// (`90m`, `24h`, `7d`, `3600s`).
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub checkpoint_window: Window,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = LedgerFormat::Text)]
    pub format: LedgerFormat,
}

/// `ledger show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
    /// Only runs of this head commit (prefix).
    #[arg(long, value_name = "SHA")]
    pub head: Option<String>,
    /// Only decisions on, and runs reporting, this fingerprint.
    #[arg(long, value_name = "FP")]
    pub fingerprint: Option<String>,
    /// Only runs with this verdict.
    #[arg(long, value_name = "pass|review|block")]
    pub verdict: Option<String>,
    /// Only entries of this type (`run`, `decision`).
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Only entries at or after DATE (YYYY-MM-DD or RFC 3339, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only entries at or before DATE (YYYY-MM-DD: through the end of that day).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = LedgerFormat::Text)]
    pub format: LedgerFormat,
}

/// `ledger prove`.
#[derive(Debug, Clone, Args)]
pub struct ProveArgs {
    /// Entry number (1-based).
    #[arg(value_name = "N")]
    pub entry: u64,
    /// Tree size to prove against (default: the whole ledger).
    #[arg(long, value_name = "SIZE")]
    pub size: Option<u64>,
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
}

/// `ledger consistency`.
#[derive(Debug, Clone, Args)]
pub struct ConsistencyArgs {
    /// The older tree size.
    #[arg(value_name = "OLD_SIZE")]
    pub old_size: u64,
    /// The newer tree size (default: the whole ledger).
    #[arg(long, value_name = "SIZE")]
    pub size: Option<u64>,
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
}

/// `ledger verify-proof`.
#[derive(Debug, Clone, Args)]
pub struct VerifyProofArgs {
    /// Proof JSON file (`-`: standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Root hash (hex) the proof must lead to (the newer root for consistency proofs), e.g.
    /// from a signed checkpoint.
    #[arg(long, value_name = "HEX")]
    pub root: Option<String>,
    /// For consistency proofs: the older root (hex) the proof must start from.
    #[arg(long, value_name = "HEX")]
    pub old_root: Option<String>,
}

/// `ledger keygen`.
#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// Writes PREFIX.key (private, mode 0600) and PREFIX.pub (verifier key).
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Key name (no spaces or `+`), e.g. the log's origin.
    #[arg(long, value_name = "NAME", default_value = crate::ledger::checkpoint::DEFAULT_KEY_NAME)]
    pub name: String,
}

/// `ledger checkpoint`.
#[derive(Debug, Clone, Args)]
pub struct CheckpointArgs {
    /// Private key file from `ledger keygen`.
    #[arg(long, value_name = "FILE", env = "GUARDRAIL_LEDGER_KEY")]
    pub key: PathBuf,
    /// Origin line (the log's name; default: the key name).
    #[arg(long, value_name = "TEXT")]
    pub origin: Option<String>,
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
}

/// `ledger debug-append` (tests: crash and concurrency).
#[derive(Debug, Clone, Args)]
pub struct DebugAppendArgs {
    /// How many entries.
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    /// Number of the first entry (`i` field).
    #[arg(long, default_value_t = 0)]
    pub start: u64,
    /// Label stored in each entry.
    #[arg(long, default_value = "test")]
    pub label: String,
    /// Which ledger.
    #[command(flatten)]
    pub loc: Location,
}

/// A duration written as a number and a unit (`s`, `m`, `h`, `d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window(pub time::Duration);

impl std::str::FromStr for Window {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: i64 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a duration such as 24h or 7d"))?;
        let secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" | "" => 86_400,
            _ => return Err(format!("`{s}`: the unit must be s, m, h or d")),
        };
        n.checked_mul(secs)
            .map(|v| Window(time::Duration::seconds(v)))
            .ok_or_else(|| format!("`{s}` is too long"))
    }
}
