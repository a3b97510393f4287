//! The language table: which names a rule's `languages` may use, which files each language
//! covers (suffixes and whole names such as `Dockerfile`), and the language bits rules and paths
//! carry. A language is also a candidate-filter group (see [`super::prefilter`]).

/// A language: its canonical name, the names rules may use for it, and the files it covers
/// (name suffixes, and whole file names such as `Dockerfile`).
pub(super) struct Lang {
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the tests only"))]
    pub(super) name: &'static str,
    pub(super) aliases: &'static [&'static str],
    pub(super) exts: &'static [&'static str],
    pub(super) names: &'static [&'static str],
}

/// The languages rules can target; a rule's and a path's language bits index this table.
#[rustfmt::skip]
pub(super) const LANGS: [Lang; 22] = [
    Lang {
        name: "python",
        aliases: &["python", "py", "python3"],
        exts: &[".py", ".pyi", ".pyw"],
        names: &[],
    },
    Lang {
        name: "javascript",
        aliases: &["javascript", "js"],
        exts: &[".js", ".jsx", ".mjs", ".cjs"],
        names: &[],
    },
    Lang {
        name: "typescript",
        aliases: &["typescript", "ts"],
        exts: &[".ts", ".tsx", ".mts", ".cts"],
        names: &[],
    },
    Lang {
        name: "java",
        aliases: &["java"],
        exts: &[".java"],
        names: &[],
    },
    Lang {
        name: "go",
        aliases: &["go", "golang"],
        exts: &[".go"],
        names: &[],
    },
    Lang {
        name: "rust",
        aliases: &["rust", "rs"],
        exts: &[".rs"],
        names: &[],
    },
    Lang {
        name: "ruby",
        aliases: &["ruby", "rb"],
        exts: &[".rb", ".erb", ".rake"],
        names: &["gemfile", "rakefile"],
    },
    Lang {
        name: "php",
        aliases: &["php"],
        exts: &[".php", ".phtml"],
        names: &[],
    },
    Lang {
        name: "csharp",
        aliases: &["csharp", "c#", "cs"],
        exts: &[".cs"],
        names: &[],
    },
    Lang {
        name: "kotlin",
        aliases: &["kotlin", "kt"],
        exts: &[".kt", ".kts"],
        names: &[],
    },
    Lang {
        name: "scala",
        aliases: &["scala"],
        exts: &[".scala"],
        names: &[],
    },
    Lang {
        name: "swift",
        aliases: &["swift"],
        exts: &[".swift"],
        names: &[],
    },
    Lang {
        name: "c",
        aliases: &["c"],
        exts: &[".c", ".h"],
        names: &[],
    },
    Lang {
        name: "cpp",
        aliases: &["cpp", "c++"],
        exts: &[".cpp", ".cc", ".cxx", ".hpp", ".hh", ".h"],
        names: &[],
    },
    Lang {
        name: "yaml",
        aliases: &["yaml"],
        exts: &[".yml", ".yaml"],
        names: &[],
    },
    Lang {
        name: "json",
        aliases: &["json"],
        exts: &[".json"],
        names: &[],
    },
    Lang {
        name: "dockerfile",
        aliases: &["dockerfile", "docker"],
        exts: &[".dockerfile"],
        names: &["dockerfile", "containerfile"],
    },
    Lang {
        name: "bash",
        aliases: &["bash", "sh"],
        exts: &[".sh", ".bash"],
        names: &[],
    },
    Lang {
        name: "terraform",
        aliases: &["terraform", "hcl", "tf"],
        exts: &[".tf", ".hcl", ".tfvars"],
        names: &[],
    },
    Lang {
        name: "html",
        aliases: &["html"],
        exts: &[".html", ".htm"],
        names: &[],
    },
    Lang {
        name: "xml",
        aliases: &["xml"],
        exts: &[".xml"],
        names: &[],
    },
    Lang {
        name: "lua",
        aliases: &["lua"],
        exts: &[".lua"],
        names: &[],
    },
];

/// Language bits of a rule's `languages` entry: `Some(0)` for `generic` (every file), None when
/// unknown.
pub(super) fn language_bits(lang: &str) -> Option<u64> {
    let lower = lang.to_ascii_lowercase();
    if matches!(lower.as_str(), "generic" | "regex" | "none") {
        return Some(0);
    }
    LANGS
        .iter()
        .position(|l| l.aliases.contains(&lower.as_str()))
        .map(|i| 1u64 << i)
}

/// The languages a file belongs to, by its name, as bits of [`LANGS`] (0: none of them; only
/// `generic` rules apply).
pub(crate) fn path_mask(path: &str) -> u64 {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let lower = file_name.to_ascii_lowercase();
    let mut mask = 0u64;
    for (i, l) in LANGS.iter().enumerate() {
        let hit = l.exts.iter().any(|e| lower.ends_with(e))
            || l.names.iter().any(|n| {
                lower == *n
                    || lower
                        .strip_prefix(n)
                        .is_some_and(|rest| rest.starts_with('.'))
                    || lower
                        .strip_suffix(n)
                        .is_some_and(|rest| rest.ends_with('.'))
            });
        if hit {
            mask |= 1 << i;
        }
    }
    mask
}

/// Mask that stands for "every language" (the path-less [`super::RuleSet::prefilter`]).
pub(super) const ALL_LANGS: u64 = u64::MAX;

/// Group number of the `generic` rules (the languages' groups are their [`LANGS`] indexes).
pub(super) const GENERIC: usize = LANGS.len();

/// The language groups a file with language bits `mask` reads: `generic`, then its languages.
pub(super) fn groups_of(mask: u64) -> impl Iterator<Item = usize> {
    std::iter::once(GENERIC).chain((0..LANGS.len()).filter(move |i| mask & (1u64 << i) != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_bits_follow_file_names() {
        assert_eq!(path_mask("src/a.py"), 1);
        assert_eq!(path_mask("README"), 0);
        let ruby = 1 << 6;
        assert_eq!(path_mask("Gemfile"), ruby);
        assert_eq!(path_mask("x/Gemfile.lock"), ruby);
        assert_eq!(path_mask("app.rb"), ruby);
        // `.h` is both C and C++.
        assert_eq!(path_mask("inc/x.h").count_ones(), 2);
        assert_eq!(path_mask("Dockerfile.prod"), 1 << 16);
    }
}
