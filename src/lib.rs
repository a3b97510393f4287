//! guardrail: a CI gate for changes written by AI coding agents.
//!
//! Data flows one way: git/diff text → [`diff::ChangeSet`] → [`checks`] → [`finding::Finding`]s →
//! [`policy`] → [`policy::Verdict`] → [`report`]ers / [`review`] queue / [`ledger`].
//! The library never prints; `main` and the reporters write to stdout.
#![forbid(unsafe_code)]

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
