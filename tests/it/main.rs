//! The one integration-test binary (one link step for every area): each area is a module.

mod common;

mod check;
mod report;
mod typosquat;
mod forge_github;
mod ledger;
mod advisory;
