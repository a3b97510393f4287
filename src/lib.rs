//! guardrail: a CI gate for changes written by AI coding agents.
//!
//! Data flows one way: git/diff text → [`diff::ChangeSet`] → dependency stage
//! ([`deps::Dependencies`], computed once) → [`checks`] → [`finding::Finding`]s → [`policy`]
//! (once) → [`policy::Verdict`] → [`report`]ers / [`review`] queue / [`ledger`].
//! The library never prints and never reads the environment: the binary's `cmd` and [`cli`]
//! (the edge) read arguments and variables ([`config::Env`]) and write the output.
//!
//! # Layers
//!
//! A module imports only modules of lower layers (never one of its own layer, never a higher
//! one); `tests/it/layering.rs` reads this table and every `crate::` path in `src/` and fails
//! on an import that points up. A row may name a submodule (`rules::test`): it then sits in its
//! own layer, apart from its parent.
//!
//! | layer | modules | what they own |
//! |---|---|---|
//! | 0 | `error` | the error type, carrying the path (and line) of bad input |
//! | 1 | `finding`, `diff` | the finding record; unified diffs → change sets, file access at both revisions |
//! | 2 | `git`, `config` | the only code that runs git; `.guardrail.yml`, the path filter, the environment the edge read |
//! | 3 | `ecosystem` | package ecosystems: names, name normalisation, version ordering, OSV ranges |
//! | 4 | `deps`, `advisory` | manifest and lockfile parsers and the dependency stage; the advisory database |
//! | 5 | `rules`, `ledger` | Semgrep-format rules: schema, compile, match, cache; the hash-chained audit ledger with its own record types (it knows nothing of checks or reviews) |
//! | 6 | `checks` | each check behind the one `Check` trait |
//! | 7 | `rules::test` | rule fixtures (`ruleid:` / `ok:`), run through the code-rules check |
//! | 7 | `policy` | excludes, severity overrides, ignores, agent tier, verdict |
//! | 8 | `pipeline` | the one run: dependency stage, checks, policy once; loading the rules in force |
//! | 9 | `engine`, `scan` | building the pipeline's input: a diff between revisions, or a whole tree |
//! | 10 | `report` | one reporter per output format |
//! | 11 | `review` | review queues (GitHub, GitLab, local) behind one trait, provenance; decisions go to the ledger |
//! | 12 | `cli` | command-line arguments and the environment, turned into the library's settings |
//!
//! Where a newcomer adds things: a rule is a YAML file and its fixture under `rules/` (no Rust);
//! an output format is one file in `report/` plus its arm in `report::Format`; a lockfile format
//! is one parser file in `deps/` plus its arm in `deps::Format`; an ecosystem is its variant and
//! version ordering in `ecosystem/`, then parsers in `deps/`.
#![forbid(unsafe_code)]
// Without the `network` feature (the fuzz build) the forge backends and registry clients are
// compiled out, and the helpers only they use are dead there.
#![cfg_attr(not(feature = "network"), allow(dead_code))]

pub mod advisory;
pub mod checks;
pub mod cli;
pub mod config;
pub mod deps;
pub mod diff;
pub mod ecosystem;
pub mod engine;
pub mod error;
pub mod finding;
pub mod git;
pub mod ledger;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod review;
pub mod rules;
pub mod scan;
