//! The one integration-test binary (one link step for every area): each area is a module.
// Test code: helpers unwrap (a panic is a failing test), print diagnostics, and share `pub`
// items between area modules of this one crate.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

mod advisory;
mod check;
mod deps;
mod ecosystems;
mod forge_github;
mod forge_gitlab;
mod hooks;
mod hostile;
mod layering;
mod leaks;
mod ledger;
mod quiet;
mod report;
mod review;
mod rules;
mod scan;
mod semgrep;
mod trust;
mod typosquat;
