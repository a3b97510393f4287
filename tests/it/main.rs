//! The one integration-test binary (one link step for every area): each area is a module.

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
mod report;
mod review;
mod rules;
mod scan;
mod semgrep;
mod typosquat;
