#![no_main]
//! Unified diff parser (`guardrail check --diff`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = guardrail::diff::parse(data);
});
