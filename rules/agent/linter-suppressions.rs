// ruleid: rust-allow-security-lint
#![allow(unsafe_code)]

// ruleid: rust-allow-security-lint
#[allow(clippy::unwrap_used, clippy::expect_used)]
fn parse(s: &str) -> u32 {
    s.parse().unwrap()
}

// ruleid: rust-allow-security-lint
#[allow(unused_must_use)]
fn ignore_result() {}

// ok: rust-allow-security-lint
#[allow(dead_code)]
fn unused() {}

// ok: rust-allow-security-lint
#[allow(clippy::too_many_arguments)]
fn many(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u8, h: u8) {}
