#![no_main]
//! `db import` file dispatcher: the first byte picks the file name (JSONL, gzip JSONL, JSON, YAML, RustSec).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let name = match sel % 5 {
        0 => "all.jsonl",
        1 => "all.jsonl.gz",
        2 => "GHSA-xxxx.json",
        3 => "PYSEC-1.yaml",
        _ => "crates/x/RUSTSEC-2020-0001.md",
    };
    let mut c = guardrail::advisory::import::Collector::default();
    let _ = c.file(name, rest, "fuzz");
});
