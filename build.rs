//! Build script.
//!
//! - Rebuild when the built-in rule packs change: `rules::BUILTIN` embeds `rules/` with
//!   `include_dir!`, which cargo does not track by itself.
//! - Prebuild the typosquat popular-list indexes (`src/checks/typosquat/index.rs`) into
//!   `OUT_DIR`, where `popular.rs` embeds them with `include_bytes!`: building them at run time
//!   cost about 100 ms per list on every `check` that adds a dependency.
// A build script talks to cargo on stdout and reports failures on stderr; the library's
// modules it compiles with `#[path]` keep the `pub` items the library exports.
#![allow(clippy::print_stdout, clippy::print_stderr, unreachable_pub)]

use std::path::Path;

#[allow(dead_code)]
#[path = "src/checks/typosquat/keys.rs"]
mod keys;

#[allow(dead_code)]
#[path = "src/checks/typosquat/index.rs"]
mod index;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=data/popular");
    println!("cargo:rerun-if-changed=src/checks/typosquat/keys.rs");
    println!("cargo:rerun-if-changed=src/checks/typosquat/index.rs");
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    let Some(out) = out else {
        fail("OUT_DIR is not set (build.rs must run under cargo)");
    };
    for (list, reg, file) in [
        ("crates.txt", keys::Registry::Crates, "popular-crates.idx"),
        ("npm.txt", keys::Registry::Npm, "popular-npm.idx"),
        ("pypi.txt", keys::Registry::PyPI, "popular-pypi.idx"),
    ] {
        let src = Path::new("data/popular").join(list);
        let text = std::fs::read_to_string(&src)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", src.display())));
        let bytes = index::build(reg, &text);
        let dst = out.join(file);
        std::fs::write(&dst, bytes).unwrap_or_else(|e| fail(&format!("{}: {e}", dst.display())));
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("guardrail build script: {msg}");
    std::process::exit(1);
}
