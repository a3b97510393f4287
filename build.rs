//! Rebuild when the built-in rule packs change: `rules::BUILTIN` embeds `rules/` with
//! `include_dir!`, which cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=rules");
}
